"""The sidebar's data choice: the lesson's data, the CO2 example, or an uploaded CSV with its target and features."""

import re
import tomllib

import pytest

from lstm_core.formats import literal
from tests.app.conftest import new_app, pipeline, show, shown, train_with
from tests.support import FILES


def test_the_example_co2_data_trains_and_the_pipeline_describes_it():
    at = new_app()
    at.sidebar.radio(key="source").set_value("Example: CO2").run()
    assert literal("Using Example: CO2, 2284 rows; numeric columns co2; text columns ignored: date") in " ".join(
        c.value for c in at.sidebar.caption)
    assert "2262 sequences x 10 timesteps x 2 features" in " ".join(c.value for c in at.sidebar.caption)  # + changes
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "no sequence mixes training and validation rows" in captions
    assert "Read as" not in next(c.value for c in at.sidebar.caption if c.value.startswith("Using"))
    details = next(e for e in at.sidebar.expander if e.label == "Details")  # the file's technical reading, tucked away
    assert "The 11 windows that would share rows with both the training and the validation part are not made" in " ".join(
        c.value for c in details.caption)  # 10 timesteps, and one more for the changes
    assert literal("Read as UTF-8, delimiter ',', decimal '.'") in " ".join(c.value for c in details.caption)
    # choosing data trains nothing: the page says whose results it still shows
    assert [i.value for i in at.main.info if i.value.startswith("The results")] == [
        f"The results below are from the synthetic lesson data. Press **Train** to use {literal('Example: CO2 (target co2)')}."]
    train_with(at, epochs=2, units=8)
    assert not at.exception and not at.error
    assert not [i for i in at.main.info if i.value.startswith("The results")]
    page = pipeline(at)
    assert "2262 sequences x 10 timesteps x 2 features" in page and "→ **2262 sequences x 8 units**" in page
    assert any(literal("Example: CO2") in m.value and "training rows only" in m.value for m in at.markdown)
    assert ("Windows of your file's rows, scaled by the training rows' range (0 to 1 there; later rows can go beyond): "
            "10 time steps with 2 features each.") in [
        c.value for c in at.tabs[0].caption]  # not 'raw'
    at.session_state["share"] = True
    assert any("your file stays in your session" in c.value for c in at.run().sidebar.caption)  # no misleading link
    show(at, "Compare")
    assert list(at.tabs[5].table[0].value["Run"]) == [literal(label) for label in (
        "default", "sequences=2262, features=2, units=8, epochs=2 on Example: CO2 (co2, change in co2)")]
    at.sidebar.checkbox(key=next(c.key for c in at.sidebar.checkbox if c.key.startswith("changes-"))).uncheck().run()
    assert any(i.value.endswith(f"Press **Train** to use {literal('Example: CO2 (target co2)')}.") for i in at.main.info)
    at.sidebar.radio(key="source").set_value("Synthetic (lesson)").run()
    assert any(i.value == f"The results below are from {literal('Example: CO2 (target co2)')}. Press **Train** to use "
               "the synthetic lesson data." for i in at.main.info)


@pytest.mark.parametrize("name,message", [
    ("missing.csv", "2 missing values: column 'value' rows 3, 5."),
    ("excel.csv", "This is a zip archive"),
    ("garbage.csv", "binary data"),
])
def test_a_bad_upload_shows_its_error_and_keeps_the_previous_results(name, message):
    at = new_app()
    before = shown(at)
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    at.sidebar.file_uploader(key="upload").set_value((name, (FILES / name).read_bytes(), "text/csv")).run()
    assert not at.exception
    assert any(literal(message) in e.value for e in at.sidebar.error)
    train_with(at, epochs=2)
    assert any(literal(message) in e.value and "results below are from the last run" in e.value for e in at.main.error)
    assert shown(at) is before and "1000 sequences x 20 units" in pipeline(at)


def test_a_good_upload_with_an_extra_feature():
    at = new_app()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    data = (FILES / "good_latin1_semicolon_comma.csv").read_bytes()
    at.sidebar.file_uploader(key="upload").set_value(("temps.csv", data, "text/csv")).run()
    uploader_keys = [w.key for w in at.sidebar.selectbox]
    target = next(k for k in uploader_keys if k.startswith("target-"))
    at.sidebar.selectbox(key=target).set_value("température").run()
    features = next(w for w in at.sidebar.multiselect if w.key.startswith("features-"))
    features.set_value(["step"]).run()
    train_with(at, epochs=2, timesteps=5)
    assert not at.exception and not at.main.error
    assert "48 sequences x 5 timesteps x 4 features" in pipeline(at)  # 2 columns and their changes
    next(w for w in at.sidebar.checkbox if w.key.startswith("changes-")).uncheck().run()
    train_with(at, epochs=2, timesteps=5)
    assert "50 sequences x 5 timesteps x 2 features" in pipeline(at)  # the levels only


def test_a_trip_to_another_data_choice_keeps_the_file_and_its_settings():
    """Switching to Synthetic and back keeps the uploaded file, its target and the changes box."""
    at = new_app()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    data = (FILES / "good_tab.csv").read_bytes()
    at.sidebar.file_uploader(key="upload").set_value(("mine.csv", data, "text/csv")).run()
    target = next(w for w in at.sidebar.selectbox if w.key.startswith("target-"))
    assert target.value == "reading"  # not 'step', which only rises
    target.set_value("step").run()
    next(w for w in at.sidebar.checkbox if w.key.startswith("changes-")).uncheck().run()
    at.sidebar.radio(key="source").set_value("Synthetic (lesson)").run()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    assert any(re.match(re.escape(literal("Using mine.csv")) + r" \(uploaded \d\d:\d\d\)", c.value) for c in at.sidebar.caption)
    assert next(w for w in at.sidebar.selectbox if w.key.startswith("target-")).value == "step"
    assert not next(w for w in at.sidebar.checkbox if w.key.startswith("changes-")).value
    at.sidebar.file_uploader(key="upload").set_value(("other.csv", b"v\n" + b"1\n2\n" * 20, "text/csv")).run()
    captions = [c.value for c in at.sidebar.caption]
    assert any(c.startswith(literal("Using other.csv") + " (uploaded ") for c in captions)  # a new upload replaces the kept one
    assert any(c.startswith("40 rows; numeric columns v") for c in captions)
    assert not any("mine.csv" in c for c in captions)
    at.sidebar.file_uploader(key="upload").set_value(None).run()  # taking it out forgets it
    assert not any(w.key.startswith("target-") for w in at.sidebar.selectbox) and not at.exception


def test_file_and_column_names_are_shown_as_typed_not_as_markdown():
    """'$' opens LaTeX and '*' emphasis in Streamlit's Markdown: a header like 'price ($),cost ($)' must
    not garble the sidebar caption, the data description or the Compare table."""
    at = new_app()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    rows = "".join(f"2024-01-{i % 28 + 1:02d},{(i * 7) % 11},{(i * 5) % 13}\n" for i in range(60))
    at.sidebar.file_uploader(key="upload").set_value(("*my* $data$.csv", ("date,price ($),cost ($)\n" + rows).encode(),
                                                      "text/csv")).run()
    assert next(c.value for c in at.sidebar.caption if c.value.startswith("Using")).startswith(
        literal("Using *my* $data$.csv") + " (uploaded ")
    assert any(c.value.startswith(literal("60 rows; numeric columns price ($), cost ($)")) for c in at.sidebar.caption)
    train_with(at, epochs=1)
    assert not at.exception and not at.main.error
    show(at, "Pipeline")
    assert any(literal("'price ($)'") in m.value for m in at.tabs[0].markdown)
    show(at, "Compare")
    assert literal("*my* $data$.csv (price ($)") in at.tabs[5].table[0].value["Run"].iloc[-1]


def test_a_file_too_short_for_any_timesteps_is_not_told_to_lower_them():
    at = new_app()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    at.sidebar.file_uploader(key="upload").set_value(("two.csv", b"a,b\n1,2\n3,4\n", "text/csv")).run()
    warning = at.sidebar.warning[0].value
    assert warning.startswith("2 rows are too few for 10 timesteps") and warning.endswith(
        "Use at least 32 rows (16 with the fewest timesteps, 2).")  # changes on: the first row only starts them
    train_with(at, epochs=1)
    assert at.main.error[0].value == f"Not trained: {literal(warning)} The results below are from the last run."
    at.sidebar.file_uploader(key="upload").set_value(("short.csv", b"a\n" + b"1\n2\n" * 10, "text/csv")).run()
    assert "or set Timesteps to 4 or less." in at.sidebar.warning[0].value  # 20 rows: fewer timesteps fit


def test_an_empty_file_after_a_good_one_says_which_file_is_in_use_and_train_names_it():
    """The uploader holds one file: an empty one replaces the good one, and the sidebar and Train say so,
    once each, naming the empty file (the results on screen stay, and say whose they are)."""
    at = new_app()
    before = shown(at)
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    at.sidebar.file_uploader(key="upload").set_value(("good.csv", (FILES / "good_tab.csv").read_bytes(), "text/csv")).run()
    using = [c.value for c in at.sidebar.caption if c.value.startswith("Using")]
    assert len(using) == 1 and re.fullmatch(r"Using good\\\.csv \(uploaded \d\d:\d\d\)\. A file over 2 MB is refused above, "
                                            r"in red, and not used\.", using[0]), using
    at.sidebar.file_uploader(key="upload").set_value(("empty.csv", b"", "text/csv")).run()
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and re.fullmatch(r"empty\\\.csv \(uploaded \d\d:\d\d\) cannot be used: The file is empty\\\. "
                                             r"No file is in use: upload another\.", errors[0]), errors
    assert not any(c.value.startswith("Using") for c in at.sidebar.caption)  # good.csv is not in use any more
    assert any(i.value == "The results below are from the synthetic lesson data." for i in at.main.info)
    train_with(at, epochs=1)
    assert [e.value for e in at.main.error] == [f"Not trained: {literal('the file cannot be used: empty.csv: The file is empty.')} "
                                                "The results below are from the last run."]
    assert shown(at) is before


def test_the_size_cap_is_the_same_in_the_sidebar_the_parser_and_the_server():
    from app.sidebar import MAX_MB
    from lstm_core.data.csvfile import MAX_BYTES
    from tests.support import ROOT

    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert MAX_MB * 2**20 == MAX_BYTES and server["maxUploadSize"] == MAX_MB
