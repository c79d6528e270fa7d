"""How names and numbers are written, once for the page, the CLI, the report and the exports."""

import re

MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!$|<>~:&])")  # what Streamlit's Markdown can read as syntax


def literal(text: str) -> str:
    """Text that Streamlit's Markdown shows character for character. File and column names (and the
    messages that quote them) can hold $ (LaTeX), * and _ (emphasis), :red[...] (colour), and the like."""
    return MARKDOWN.sub(r"\\\1", text)


def quoted(value, limit: int | None = None) -> str:
    """A name or a typed value in quotes, as written (repr() would double a backslash); numbers as
    repr(). A text longer than ``limit`` is cut, and its length said."""
    if not isinstance(value, str):
        return repr(value)
    if limit is None or len(value) <= limit:
        return f"'{value}'"
    return f"'{value[:limit]}'... ({len(value):,} characters)"


def a_or_an(n: int) -> str:
    """The article for a number as it is read aloud: 'an 8-unit', 'an 11-unit', 'an 80-unit', 'a 20-unit'."""
    digits = str(n)
    return "an" if digits.startswith("8") or (digits.startswith(("11", "18")) and len(digits) in (2, 5, 8)) else "a"


def counted(n: int, noun: str) -> str:
    """'1 unit', '20 units', '1000 rows' (no thousands comma: the seed writes '1000 sequences')."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def decimals(value: float | None, digits: int = 3) -> str:
    """``digits`` decimals, "nan" for a missing value, and never a "-0.000"."""
    if value is None:
        return "nan"
    shown = f"{value:.{digits}f}"
    return shown[1:] if shown.startswith("-") and float(shown) == 0 else shown


def percent_tenths(change: float) -> str:
    """+1.2%, -0.4%, and 0.0% rather than -0.0%."""
    text = f"{change:+.1%}"
    return "0.0%" if text in ("+0.0%", "-0.0%") else text
