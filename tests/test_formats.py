"""How names and numbers are written (lstm_core.formats), once for the page, the CLI, the report and the exports."""

from lstm_core.formats import a_or_an, quoted


def test_the_article_follows_the_number_as_read_aloud():
    assert [f"{a_or_an(n)} {n}-unit" for n in (1, 8, 11, 18, 20, 80, 110, 256, 11_000, 110_000, 11_000_000)] == [
        "a 1-unit", "an 8-unit", "an 11-unit", "an 18-unit", "a 20-unit", "an 80-unit", "a 110-unit", "a 256-unit",
        "an 11000-unit", "a 110000-unit", "an 11000000-unit"]


def test_a_name_is_quoted_as_typed():
    """A backslash stays one backslash (repr() would double it)."""
    assert quoted("a\\b") == "'a\\b'"
