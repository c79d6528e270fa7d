"""The CSV parser: a corpus of bad files with the message each must give, good files in awkward
formats, windowing without leakage, and a property test that no bytes raise anything but CSVError."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_core.config import FIELDS, ConfigError, LSTMConfig
from lstm_core.data.csvfile import CSVError, config_for_file, make_csv_dataset, parse_csv, window_counts
from tests.support import FILES, ROOT

BAD_FILES = {  # file -> the message it must produce (parse or windowing, with timesteps 10)
    "empty.csv": "The file is empty.",
    "header_only.csv": "The file has a header but no data rows.",
    "blank_lines.csv": "The file has no text in it, only blank lines.",
    "garbage.csv": "The file holds binary data (NUL bytes), not CSV text.",
    "excel.csv": "This is a zip archive (an Excel .xlsx file is one), not a CSV.",
    "old_excel.csv": "This is an old Excel (.xls) or other Office file, not a CSV.",
    "text_in_numbers.csv": "Row 4, column 'value': 'abc' is not a number",
    "no_numeric.csv": "No numeric column found: 'name', 'city' hold text.",
    "missing.csv": "2 missing values: column 'value' rows 3, 5.",
    "constant.csv": "The target 'value' is constant, so there is nothing to learn.",
    "never_down.csv": "The target 'value' never goes down or stays level from one row to the next",
    "too_few_rows.csv": "5 rows are too few for 10 timesteps",
    "duplicate_names.csv": "The column name 'a' appears twice (columns 1 and 3).",
    "huge_values.csv": "Row 3, column 'value': '1e308' is too large or infinite",
    "infinite.csv": "Row 3, column 'value': 'inf' is too large or infinite",
    "ragged_row.csv": "Row 3 has 3 fields, but the header has 2 columns.",
}


def load(path: Path, target: str | None = None, timesteps: int = 10):
    table = parse_csv(path.read_bytes())
    return make_csv_dataset(table, target or table.columns[-1], [], LSTMConfig(timesteps=timesteps))


@pytest.mark.parametrize("name,message", BAD_FILES.items(), ids=list(BAD_FILES))
def test_each_bad_file_gives_its_message(name, message):
    with pytest.raises(CSVError) as err:
        load(FILES / name)
    assert message in str(err.value)
    assert "\n" not in str(err.value)  # one line


def test_one_text_column_holds_text():
    with pytest.raises(CSVError, match="No numeric column found: 'name' holds text."):
        parse_csv(b"name\nx\ny\n")


def test_a_pandas_index_and_a_trailing_comma_are_read_not_refused():
    """pandas's to_csv() leaves the index column's name blank, and a comma ending every line makes an empty
    last column: neither is refused. The index is a column named by its position; an empty unnamed one is
    dropped. The default target skips a column that only rises, like an index."""
    import io

    import pandas as pd

    from lstm_core.data.csvfile import default_target

    buffer = io.StringIO()
    pd.DataFrame({"temp": [3.0, 2.5, 4.0, 3.5, 5.0, 4.5] * 4, "step": range(24)}).to_csv(buffer)
    table = parse_csv(buffer.getvalue().encode())
    assert table.columns == ["column 1", "temp", "step"] and default_target(table) == "temp"
    trailing = parse_csv(b"a,b,\n1,5,\n2,4,\n1,6,\n")
    assert trailing.columns == ["a", "b"] and default_target(trailing) == "a"
    named_blank = parse_csv(b"a,,c\n1,2,3\n4,5,6\n")  # values under a blank name: a column like any other
    assert named_blank.columns == ["a", "column 2", "c"]
    assert default_target(parse_csv(b"step,level\n1,10\n2,11\n3,12\n")) == "step"  # none turns: the first
    with pytest.raises(CSVError, match=r"The first row holds numbers \(1, 2\)"):  # a data row, trailing comma and all
        parse_csv(b"1,2,\n3,4,\n5,6,\n")
    assert parse_csv(b",column 1\n1,2\n3,1\n").columns == ["column 1 (unnamed)", "column 1"]  # no clash with a real name
    with pytest.raises(CSVError, match="Every column is blank"):
        parse_csv(b",,\n,,\n,,\n")


def test_errors_name_the_file_line_even_after_blank_lines():
    with pytest.raises(CSVError, match="Row 7, column 'value': 'x' is not a number"):
        parse_csv(b"value\n1\n\n2\n\n3\nx\n4\n")
    with pytest.raises(CSVError, match="missing value: column 'b' rows 5"):
        parse_csv(b"a,b\n1,1\n\n2,2\n3,\n")


def test_a_decimal_comma_in_a_comma_file_is_named_not_called_missing():
    with pytest.raises(CSVError, match=r"Row 3, column 'v': '1,5' is not a number.*decimal comma.*point"):
        parse_csv(b'v\n1.0\n"1,5"\n2.0\n')


def test_a_file_too_wide_for_a_time_series_is_refused_at_once():
    import time

    wide = (",".join(f"c{i}" for i in range(50_000)) + "\n" + ",".join("1" for _ in range(50_000)) + "\n").encode()
    start = time.perf_counter()
    with pytest.raises(CSVError, match="The file has 50,000 columns; at most 256 are allowed"):
        parse_csv(wide)
    assert time.perf_counter() - start < 5  # parsing every column first would take about 1 ms each


@pytest.mark.parametrize("data", [b"a;b\n" + b"x" * 200_000 + b"\n", b"x" * 300_000 + b"\n1\n", b'"' + b"x" * 200_000 + b"\n1\n"],
                         ids=["long-field", "long-header", "open-quote"])
def test_a_field_longer_than_the_csv_module_allows_is_a_csv_error(data):
    with pytest.raises(CSVError, match="a field is longer than 131,072 characters"):
        parse_csv(data)


def test_a_file_without_a_header_row_is_named_not_read_one_row_short():
    with pytest.raises(CSVError, match=r"The first row holds numbers \(0.000, 1.000\), not column names"):
        parse_csv(b"0.000,1.000\n" + b"".join(f"{i},{i * 2}\n".encode() for i in range(30)))


@pytest.mark.parametrize("rows,timesteps,advice", [
    (1, 10, "Use at least 30 rows (14 with the fewest timesteps, 2)."),
    (15, 10, "Use at least 30 rows, or set Timesteps to 2 or less."),
    (2, 2, "Use at least 14 rows."),  # already the fewest timesteps: nothing to add
    (14, 10, "Use at least 30 rows, or set Timesteps to 2 or less."),  # exactly 10 windows at 2
])
def test_too_few_rows_gives_one_consistent_piece_of_advice(rows, timesteps, advice):
    table = parse_csv(b"v\n" + b"".join(f"{i * i % 7}\n".encode() for i in range(rows)))
    with pytest.raises(CSVError) as err:
        make_csv_dataset(table, "v", [], LSTMConfig(timesteps=timesteps))
    assert str(err.value).endswith(advice)
    assert str(err.value).startswith("1 row is too few" if rows == 1 else f"{rows} rows are too few")


def test_the_untick_advice_for_a_short_file_with_changes_works_when_followed():
    """A learner's file may be all they have: with changes on, the advice also says what the levels alone need."""
    import re

    from lstm_core.data.csvfile import CHANGES_BOX, too_few

    followed = 0
    for rows in range(1, 45):
        table = parse_csv(b"v\n" + b"".join(f"{i * i % 7}\n".encode() for i in range(rows)))
        for timesteps in (2, 5, 10):
            message = too_few(rows, timesteps, True)
            if message is None or "Or untick" not in message:
                assert message is None or too_few(rows, int(FIELDS["timesteps"].low), False) is not None
                continue
            assert f'Or untick "{CHANGES_BOX}"' in message
            advised = re.search(r"Or untick .* set Timesteps to (\d+) or less\.$", message)
            t = int(advised.group(1)) if advised else timesteps
            dataset, config, _ = make_csv_dataset(table, "v", [], LSTMConfig(timesteps=t), changes=False)
            assert config.timesteps == t and len(dataset.x) >= 10
            followed += 1
    assert followed >= 20  # 28 of the short files are saved by the levels alone


def test_size_cap():
    with pytest.raises(CSVError, match="over the size limit of 2 MB"):
        parse_csv(b"value\n" + b"1\n" * 1_200_000)
    with pytest.raises(CSVError, match="over the size limit of 2 MB"):
        parse_csv(b"\x00" * (2 * 2**20 + 1))
    with pytest.raises(CSVError, match="binary data"):  # exactly 2 MB passes the size check
        parse_csv(b"\x00" * (2 * 2**20))


@pytest.mark.parametrize(
    "name,encoding,delimiter,decimal",
    [
        ("good_utf8_bom.csv", "UTF-8 WITH BOM", ",", "."),
        ("good_utf16.csv", "UTF-16", ",", "."),
        ("good_latin1_semicolon_comma.csv", "Latin-1", ";", ","),
        ("good_tab.csv", "UTF-8", "\t", "."),
    ],
)
def test_other_encodings_delimiters_and_decimal_commas(name, encoding, delimiter, decimal):
    table = parse_csv((FILES / name).read_bytes())
    assert (table.encoding, table.delimiter, table.decimal) == (encoding, delimiter, decimal)
    assert table.rows == 60 and table.frame.iloc[1, 1] == pytest.approx(0.347)


def test_the_example_co2_series():
    table = parse_csv((ROOT / "data" / "co2.csv").read_bytes())
    assert table.columns == ["co2"] and table.text_columns == ("date",) and table.rows == 2284
    dataset, config, info = make_csv_dataset(table, "co2", [], LSTMConfig(timesteps=20))
    assert dataset.x.shape == (2244, 20, 1) and config.sequences == 2244 and config.features == 1
    assert 0.4 < info.up_share < 0.6


def test_changes_add_each_columns_step_and_nothing_from_the_label_row():
    values = np.array([1, 2, 1, 3, 5, 4, 6, 7, 6, 8, 9, 8, 10, 12, 11, 13, 14, 100], dtype=float)
    table = parse_csv(("v\n" + "".join(f"{v}\n" for v in values)).encode())
    dataset, config, info = make_csv_dataset(table, "v", [], LSTMConfig(timesteps=3, seed=0), changes=True)
    assert dataset.feature_names == ("v", "change in v") and config.features == 2
    assert config.sequences == len(values) - 1 - 3 - 4  # the first row only starts the changes; 4 straddle the parts
    last = dataset.x[-1]  # the latest validation window: rows 14, 15, 16 (values 11, 13, 14), label 100 > 14
    assert dataset.y[-1] == 1.0
    steps = np.diff(values)[: info.train_sequences + 3 - 1]  # the training rows' changes set the scale
    np.testing.assert_allclose(last[:, 1], (np.array([-1, 2, 1]) - steps.min()) / np.ptp(steps), rtol=1e-6)
    assert not np.isclose(last[:, 1], (86 - steps.min()) / np.ptp(steps)).any()  # the label's own step is not an input


def test_the_co2_example_learns_with_changes_and_not_from_levels_alone():
    """Weekly CO2 drifts by 100 ppm over the file, which fills the whole 0..1 scale: the seasonal moves
    that decide 'up next' are invisible in the levels and plain in the changes."""
    from lstm_core.pipeline.train import train

    table = parse_csv((ROOT / "data" / "co2.csv").read_bytes())
    scores = {}
    for changes in (False, True):
        dataset, config, _ = make_csv_dataset(table, "co2", [], config_for_file({}), changes=changes)
        scores[changes] = train(config, dataset=dataset).history["val_accuracy"].max()  # 452 windows: it wobbles
    assert scores[True] >= 0.6 and scores[True] - scores[False] >= 0.08, scores  # measured 0.64 against 0.50


def test_windows_labels_and_no_leakage():
    values = np.array([1, 2, 1, 3, 5, 4, 6, 7, 6, 8, 9, 8, 10, 12, 11, 13, 14, 100], dtype=float)
    csv = "v,w\n" + "".join(f"{v},{v * 2}\n" for v in values)
    table = parse_csv(csv.encode())
    config = LSTMConfig(timesteps=3, validation_split=0.2, seed=0)
    dataset, config, info = make_csv_dataset(table, "v", ["w"], config)
    assert dataset.x.shape == (12, 3, 2) and dataset.feature_names == ("v", "w")
    # the validation windows are the latest ones, unshuffled: the last window is rows 14..16, label "100 > 14"
    assert dataset.y[-1] == 1.0
    # scaling uses only the training rows, so the last validation values may leave 0..1
    fit_max = values[: info.train_sequences + 3 - 1].max()
    np.testing.assert_allclose(dataset.x[-1, -1, 0], (14 - 1) / (fit_max - 1), rtol=1e-6)
    assert "training rows only" in dataset.description


@pytest.mark.parametrize("timesteps,changes,rows,split", [(3, False, 40, 0.2), (3, True, 40, 0.2), (10, True, 90, 0.5),
                                                         (7, False, 3000, 0.05), (2, True, 2500, 0.3)])
def test_no_file_row_is_read_by_both_a_training_and_a_validation_window(timesteps, changes, rows, split):
    """Every file row a window uses: its inputs (with changes, each change also reads the row before) and the
    row its label looks at. The windows that would straddle the boundary are not made, so the two parts share
    none, and nothing more is given up than that."""
    table = parse_csv(("v,sq\n" + "\n".join(f"{r % 3},{r * r}" for r in range(rows))).encode())
    config = LSTMConfig(timesteps=timesteps, seed=0, validation_split=split)
    dataset, config, info = make_csv_dataset(table, "v", ["sq"], config, changes=changes)
    first = int(changes)  # with changes the series starts at file row 1
    low, top = first, first + info.train_sequences + timesteps - 2  # the training rows set 'sq''s 0..1 scale
    level = np.sqrt(dataset.x[:, :, 1].astype(np.float64) * (top**2 - low**2) + low**2)
    level = np.rint(level).astype(int)  # (n, t): the file row each step's level comes from
    assert np.allclose(level, np.sqrt(dataset.x[:, :, 1] * (top**2 - low**2) + low**2), atol=0.02)
    assert (np.diff(level, axis=1) == 1).all()  # each window: consecutive rows
    label_row = level[:, -1] + 1  # 'v' is r % 3: it goes up next unless the next row is a multiple of 3
    assert (dataset.y == (label_row % 3 != 0)).all()
    reads = [set(level[i]) | set(level[i] - first) | {label_row[i]} for i in range(len(level))]
    train = set().union(*reads[: info.train_sequences])
    val = set().union(*reads[info.train_sequences:])
    assert not train & val and max(train) + 1 == min(val)  # nothing shared, and no row wasted between
    assert max(val) == rows - 1 and config.sequences == len(level) == rows - 2 * first - 2 * timesteps


def test_the_short_file_message_counts_the_gap_with_the_changes():
    table = parse_csv(b"v\n" + b"".join(f"{i * i % 7}\n".encode() for i in range(15)))
    with pytest.raises(CSVError, match="and the 11 that would share rows"):
        make_csv_dataset(table, "v", [], LSTMConfig(timesteps=10), changes=True)


@pytest.mark.parametrize("row,refused", [(31, True), (38, True), (39, False), (30, False)])
def test_wild_values_are_checked_on_exactly_the_rows_windows_read(row, refused):
    """40 rows, 3 timesteps: training windows read rows 0..29 (row 30 is only a label), 3 windows are not
    made, validation reads rows 31..38 and row 39 is only a label."""
    values = np.random.default_rng(3).normal(size=40).round(3)
    wild = [5e9 if r == row else 0.0 for r in range(40)]
    table = parse_csv(("v,w\n" + "\n".join(f"{v},{w}" for v, w in zip(values, wild))).encode())
    if refused:
        with pytest.raises(CSVError, match=r"Column 'w' is constant in the training rows but reaches 5e\+09 later"):
            make_csv_dataset(table, "v", ["w"], LSTMConfig(timesteps=3, seed=0))
    else:
        dataset, _, info = make_csv_dataset(table, "v", ["w"], LSTMConfig(timesteps=3, seed=0))
        assert info.train_sequences == 28 and np.abs(dataset.x).max() <= 1


def test_target_and_features_are_checked():
    table = parse_csv(b"a,b\n" + b"".join(f"{i % 7},{i}\n".encode() for i in range(40)))
    with pytest.raises(CSVError, match="target column 'c'"):
        make_csv_dataset(table, "c", [], LSTMConfig())
    with pytest.raises(CSVError, match="Feature column 'z'"):
        make_csv_dataset(table, "a", ["z"], LSTMConfig())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(alphabet=",;\t\n.-+e0123456789abcxyz\"' ", max_size=300).map(str.encode))
def test_any_bytes_give_a_table_or_a_csv_error(data):
    try:
        table = parse_csv(data)
    except CSVError:
        return
    assert table.rows >= 1 and len(table.columns) >= 1
    assert np.isfinite(table.frame.to_numpy()).all()
    try:
        make_csv_dataset(table, table.columns[0], table.columns[1:], LSTMConfig(timesteps=2))
    except CSVError:
        pass


def test_a_row_wider_or_narrower_than_the_header_is_named():
    with pytest.raises(CSVError, match="Row 3 has 3 fields, but the header has 2 columns"):
        parse_csv(b"a,b\n1,2\n3,4,5\n6,7\n")
    with pytest.raises(CSVError, match="Row 2 has 1 field, but the header has 2 columns"):
        parse_csv(b"a,b\n1\n3,4\n")


def test_the_caps_are_checked_against_the_file_not_the_synthetic_defaults():
    """256 units x 100 epochs is over the work cap on 1000 synthetic sequences, not on this file's 40 windows."""
    values = {"units": 256, "epochs": 100, "timesteps": 10, "sequences": 1000, "features": 5}
    with pytest.raises(Exception, match="work cap"):
        LSTMConfig.from_values(values)
    table = parse_csv((FILES / "good_tab.csv").read_bytes())
    _, config, _ = make_csv_dataset(table, "reading", [], config_for_file(values))
    assert (config.sequences, config.features, config.units, config.epochs) == (40, 1, 256, 100)


def _wide_table(rows: int, columns: int):
    rng = np.random.default_rng(0)
    lines = [",".join(f"c{i}" for i in range(columns))]
    lines += [",".join(str(v) for v in row) for row in rng.integers(0, 9, size=(rows, columns))]
    return parse_csv("\n".join(lines).encode())


def test_a_file_over_the_data_cap_is_refused_before_any_window_is_made():
    """20,000 windows x 200 timesteps x 32 features would be 1 GB of float64 windows: refused first, and
    the advice names only what the learner can change (the file sets sequences and features)."""
    import tracemalloc

    table = _wide_table(20_300, 16)
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as caught:
            make_csv_dataset(table, "c0", [f"c{i}" for i in range(1, 16)], config_for_file({"timesteps": 200}), changes=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MB allocated before refusing"
    message = str(caught.value)
    assert "data cap" in message and "set timesteps <= " in message
    assert "sequences <=" not in message and "features <=" not in message
    assert "fewer feature columns, or changes off" in message


def test_the_cap_advice_offers_only_what_the_learner_chose():
    """With the target alone, 'Choosing fewer feature columns also makes it smaller' would make no sense."""
    table = _wide_table(20_300, 2)
    for features, changes, says in (([], False, None), ([], True, "Choosing changes off also makes it smaller."),
                                    (["c1"], False, "Choosing fewer feature columns also makes it smaller.")):
        with pytest.raises(ConfigError) as caught:
            make_csv_dataset(table, "c0", features, config_for_file({"timesteps": 200, "units": 256}), changes=changes)
        message = str(caught.value)
        assert (says in message) if says else "Choosing" not in message, message


def test_old_mac_line_ends_read_like_any_other():
    rows = ["t,v", *(f"{i},{i % 5}" for i in range(30))]
    unix, mac = parse_csv("\n".join(rows).encode()), parse_csv("\r".join(rows).encode())
    assert mac.rows == unix.rows == 30 and mac.frame.equals(unix.frame)


def test_window_counts_keep_the_newest_up_to_the_cap():
    assert window_counts(100, 10, False) == (80, 0)  # 90 windows, less the 10 that would straddle the parts
    assert window_counts(100, 10, True) == (78, 0)  # the first row only starts the changes, and 11 straddle
    assert window_counts(30_000, 10, True) == (20_000, 9_978)
    assert window_counts(5, 10, False) == (0, 0)


def test_following_the_cap_advice_for_a_file_is_enough():
    """Fewer timesteps make more windows: the advice is checked with the windows it would make."""
    import re

    table, features = _wide_table(2000, 16), [f"c{i}" for i in range(1, 16)]
    with pytest.raises(ConfigError) as caught:
        make_csv_dataset(table, "c0", features, config_for_file({"timesteps": 200}), changes=True)
    advised = int(re.search(r"set timesteps <= (\d+)", str(caught.value)).group(1))
    _, config, _ = make_csv_dataset(table, "c0", features, config_for_file({"timesteps": advised}), changes=True)
    assert config.timesteps == advised
    with pytest.raises(ConfigError):
        make_csv_dataset(table, "c0", features, config_for_file({"timesteps": advised + 1}), changes=True)


def test_a_row_with_a_quoted_line_break_is_named_by_the_line_it_starts_on():
    with pytest.raises(CSVError, match="Row 5, column 'a': 'abc' is not a number"):
        parse_csv(b'a,note\n1,"x\ny"\n2,z\nabc,w\n')


def test_training_windows_with_one_label_are_refused_even_if_later_ones_have_both():
    """A climb that only turns in the validation part: the model would learn a constant, and the
    observations would call 100% accuracy 'chance'."""
    values = list(range(60)) + [60 + i - 3 * (i % 2) for i in range(10)]  # 60 rises, then down and up
    table = parse_csv(("v\n" + "".join(f"{v}\n" for v in values)).encode())
    with pytest.raises(CSVError, match=r"In the training part \(the oldest 40 of the 50 windows\), the target 'v' "
                                       "always goes up in the next row"):
        make_csv_dataset(table, "v", [], LSTMConfig(timesteps=10))


def test_a_column_that_barely_moves_while_training_but_far_later_is_refused():
    """Scaled by a training range of 1e-300, a later 1000 would be 1e303 (or infinite): nonsense inputs."""
    rows = [f"{i % 3},{1e-300 if i == 5 else 1000 if i == 55 else 0.0}" for i in range(61)]  # 55: validation
    table = parse_csv(("t,f\n" + "\n".join(rows) + "\n").encode())
    with pytest.raises(CSVError, match=r"Column 'f' moves by only 1e-300 in the training rows but reaches 1000 later"):
        make_csv_dataset(table, "t", ["f"], LSTMConfig(timesteps=10))
    rows[5], rows[55] = "2,0", "1,1e7"  # constant while training, unscaled: 1e7 is too far
    table = parse_csv(("t,f\n" + "\n".join(rows) + "\n").encode())
    with pytest.raises(CSVError, match=r"Column 'f' is constant in the training rows but reaches 1e\+07 later"):
        make_csv_dataset(table, "t", ["f"], LSTMConfig(timesteps=10))
    dataset, _, _ = make_csv_dataset(table, "t", [], LSTMConfig(timesteps=10))  # the target alone is fine
    assert np.isfinite(dataset.x).all()


def test_every_choice_of_data_has_its_own_key():
    """Runs are cached by config and this key: two choices sharing one would show another dataset's model.
    Column names can hold the separators a joined key would use (here commas, in a ';' file)."""
    table = parse_csv(b"t;a;b,c;a,b;c\n" + b"".join(f"{i % 5};{i};{i % 3};{i % 4};{i % 7}\n".encode()
                                                             for i in range(80)))
    choices = [("t", ["a", "b,c"]), ("t", ["a,b", "c"]), ("t", ["a"]), ("b,c", ["t"]), ("c", ["a"]), ("t", [])]
    keys = {make_csv_dataset(table, target, features, LSTMConfig(), name=name, changes=changes)[0].key
            for target, features in choices for name in ("x.csv", "y.csv") for changes in (False, True)}
    assert len(keys) == len(choices) * 2 * 2


def test_names_in_messages_are_quoted_as_typed():
    """The learner sees a column name as it is in the file (repr() would double a backslash)."""
    with pytest.raises(CSVError) as err:
        parse_csv(b"t\\emp,x\n1,2\nabc,3\n4,5\n")
    assert "column 't\\emp': 'abc' is not a number" in str(err.value) and "\\\\" not in str(err.value)


def test_an_unnamed_column_with_some_values_is_checked_not_dropped():
    from lstm_core.data.csvfile import CSVError, parse_csv

    with pytest.raises(CSVError, match=r"1 missing value: column 'column 1' rows 3"):
        parse_csv(b",a\n1,5\n,6\n3,7\n4,8\n")
