"""Bring your own data: a CSV series cut into windows, labelled "does the target go up next?".

Every problem with a file raises CSVError with one message that names it and, where it can, the
row and the column. Nothing else escapes ``parse_csv``.
"""

from __future__ import annotations

import array
import csv
import hashlib
import io
import itertools
import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_core.config import FIELDS, ConfigError, LSTMConfig, unchecked, validate
from lstm_core.data.synthetic import Dataset
from lstm_core.formats import quoted  # names and cells as in the file

MAX_BYTES = 2 * 1024 * 1024  # 2 MB; .streamlit/config.toml sets server.maxUploadSize to match
MAX_ABS = 1e12  # values beyond this are almost surely a unit or parsing mistake
MIN_WINDOWS = 10  # as few sequences as the config allows
CHANGES_BOX = "Add each column's change from the row before"  # the sidebar's checkbox, as advice names it
MAX_SCALED = 1e6  # a value this many training ranges away is a column that barely moved while training
DELIMITERS = ",;\t|"
MAX_COLUMNS = 256  # the model reads at most 32 features; a wider file is not a time series for this
NUMBER = {d: rf"[+-]?(\d+([{d}]\d*)?|[{d}]\d+)([eE][+-]?\d+)?" for d in ".,"}  # by decimal mark


class CSVError(ValueError):
    """A file that cannot be used, with one message saying why."""


@dataclass(frozen=True)
class CSVTable:
    """The numeric columns of a parsed file, and how it was read."""

    frame: pd.DataFrame  # numeric columns only, float64, one row per time step
    text_columns: tuple[str, ...]  # columns that held text (dates, names): shown, not used
    encoding: str
    delimiter: str
    decimal: str
    digest: str  # identifies the file's bytes, for caching

    @property
    def rows(self) -> int:
        return len(self.frame)

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)


def parse_csv(data: bytes) -> CSVTable:
    """Read a CSV upload into numeric columns, or raise CSVError."""
    if not data:
        raise CSVError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise CSVError(f"The file is over the size limit of {MAX_BYTES // 2**20} MB.")
    text, encoding = _decode(data)
    lines = list(itertools.islice((line.rstrip("\n") for line in io.StringIO(text) if line.strip()), 50))  # to sniff
    if not lines:
        raise CSVError("The file has no text in it, only blank lines.")
    delimiter = _sniff_delimiter(lines[:50])
    try:
        header = next(csv.reader([lines[0]], delimiter=delimiter))
    except csv.Error as err:
        raise CSVError(f"The header row is not valid CSV: {_csv_problem(err)}.") from None
    if len(header) > MAX_COLUMNS:
        raise CSVError(f"The file has {len(header):,} columns; at most {MAX_COLUMNS} are allowed "
                       f"(the model reads at most {int(FIELDS['features'].high)} features).")
    # A blank name is a column too: pandas's to_csv() writes its index under one, and a comma at the end of
    # every line makes an empty last one. Named by position; a blank one with no values is dropped below.
    given = [h.strip() for h in header]
    names = [h or (f"column {i}" if f"column {i}" not in given else f"column {i} (unnamed)") for i, h in enumerate(given, 1)]
    unnamed = [name for name, h in zip(names, given) if not h]
    _check_header(names)
    named = [h for h in given if h]  # '1,2,' is a data row with a trailing comma, not a header
    if named and all(re.fullmatch(NUMBER["."], h) or re.fullmatch(NUMBER[","], h) for h in named):
        shown = ", ".join(named[:3]) + (", ..." if len(named) > 3 else "")
        raise CSVError(f"The first row holds numbers ({shown}), not column names. Add a header row that names "
                       "each column, so that no data row is taken for one.")
    if len(lines) < 2:
        raise CSVError("The file has a header but no data rows.")
    line_of = _check_widths(text, delimiter, len(header))  # data row -> the file's line number
    try:
        raw = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, skip_blank_lines=True,
                          on_bad_lines="error", engine="python", index_col=False, header=0, names=names)
    except (pd.errors.ParserError, csv.Error, ValueError) as err:
        detail = re.sub(r"\s+", " ", str(err)).strip()
        raise CSVError(f"The rows do not line up with the header ({len(header)} columns): {detail}.") from None
    raw = raw.drop(columns=[c for c in unnamed if (raw[c].str.strip() == "").all()])  # a trailing comma's
    if not len(raw.columns):
        raise CSVError("Every column is blank: the header names none and the rows hold no values.")
    if raw.empty:
        raise CSVError("The file has a header but no data rows.")
    decimal = _decimal(raw, delimiter)
    numeric, text_cols = _numeric_columns(raw, decimal, line_of)
    return CSVTable(numeric, tuple(text_cols), encoding, delimiter, decimal, hashlib.sha256(data).hexdigest()[:16])


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04"):
        raise CSVError("This is a zip archive (an Excel .xlsx file is one), not a CSV. Save the sheet as CSV and upload that.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CSVError("This is an old Excel (.xls) or other Office file, not a CSV. Save the sheet as CSV and upload that.")
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return _plain_text(data.decode(encoding)), encoding.replace("-sig", " with BOM").upper()
            except UnicodeDecodeError:
                raise CSVError(f"The file starts like {encoding.upper()} text but does not decode as it.") from None
    if b"\x00" in data:
        raise CSVError("The file holds binary data (NUL bytes), not CSV text.")
    try:
        text, encoding = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "Latin-1"
    return _plain_text(text), encoding


def _plain_text(text: str) -> str:
    """CSV text has no control characters but tab and line ends; anything else means binary data.
    Line ends come back as \n, whatever the file used (old Macs' CSV ends lines with \r alone)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise CSVError(f"The file holds binary data (control character {ord(found.group()):#04x} on line {line}), "
                       "not CSV text. Is it a CSV file?")
    return text


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits every sampled line into the same number of fields (more fields wins)."""
    best, best_fields = ",", 1
    for d in DELIMITERS:
        try:
            counts = {len(next(csv.reader([line], delimiter=d))) for line in lines}
        except csv.Error:  # e.g. a field longer than the csv module allows: not this delimiter
            continue
        if len(counts) == 1 and (n := counts.pop()) > best_fields:
            best, best_fields = d, n
    return best


def _check_widths(text: str, delimiter: str, width: int) -> array.array:
    """Every row has as many fields as the header (pandas would silently drop or pad the rest).

    Returns the line each data row starts on, as pandas reads the rows (blank lines skipped): a quoted
    field can hold a line break, so a row is not always one line.
    """
    starts, reader = array.array("l"), csv.reader(io.StringIO(text), delimiter=delimiter)  # 8 bytes a row, not 36
    try:
        line = 1
        for record in reader:
            if record and any(field.strip() for field in record) and len(record) != width:
                raise CSVError(f"Row {line} has {len(record)} field{'s' if len(record) != 1 else ''}, but the header has {width} columns. "
                               f"Check that row's delimiters ({delimiter!r}) and quotes.")
            if record and (len(record) > 1 or record[0].strip()):  # pandas skips empty and whitespace-only lines
                starts.append(line)
            line = reader.line_num + 1
    except csv.Error as err:
        raise CSVError(f"The file is not valid CSV: {_csv_problem(err)}.") from None
    return starts[1:]  # the header is not a data row


def _csv_problem(err: csv.Error) -> str:
    if "field larger than field limit" in str(err):
        return f"a field is longer than {csv.field_size_limit():,} characters"
    return str(err)


def _check_header(names: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names, 1):
        if name in seen:
            raise CSVError(f"The column name {quoted(name)} appears twice (columns {seen[name]} and {i}). Names must differ.")
        seen[name] = i


def _decimal(raw: pd.DataFrame, delimiter: str) -> str:
    """A decimal comma is only possible when the comma is not the delimiter, and then only if it is used."""
    if delimiter == ",":
        return "."
    cells = raw.stack()
    return "," if cells.str.fullmatch(r"\s*[+-]?\d+,\d+\s*").any() and not cells.str.contains(r"\d\.\d").any() else "."


def _numeric_columns(raw: pd.DataFrame, decimal: str, line_of) -> tuple[pd.DataFrame, list[str]]:
    """The numeric columns (text columns are listed apart); errors name the file's line number."""

    def row(index: int) -> int:
        return line_of[index] if index < len(line_of) else index + 2  # + 2: the header, and counting from 1

    numeric, text_cols, missing = {}, [], []
    for col in raw.columns:
        cells = raw[col].str.strip()
        filled = cells[cells != ""]
        looks_numeric = filled.str.fullmatch(NUMBER[decimal]) | filled.str.lower().isin(["inf", "-inf", "+inf", "nan"])
        if len(filled) and not looks_numeric.any():
            text_cols.append(col)
            continue
        if not looks_numeric.all():
            bad = filled[~looks_numeric].index[0]
            hint = (" It has a decimal comma, but this file's decimal mark is a point; write it with a point."
                    if decimal == "." and re.fullmatch(NUMBER[","], filled[bad]) else "")
            raise CSVError(f"Row {row(bad)}, column {quoted(col)}: {quoted(raw.at[bad, col])} is not a number, "
                           f"but the column's other values are. Fix or remove that cell.{hint}")
        values = pd.to_numeric(cells.str.replace(",", ".") if decimal == "," else cells, errors="coerce")
        gaps = [row(i) for i in values.index[values.isna()]]
        if gaps:
            missing.append((col, gaps))
        too_big = values.index[~np.isfinite(values.fillna(0)) | (values.abs() > MAX_ABS)]
        if len(too_big):
            at = too_big[0]
            raise CSVError(f"Row {row(at)}, column {quoted(col)}: {quoted(raw.at[at, col].strip())} is too large or infinite; "
                           f"values must be finite and within ±{MAX_ABS:.0e}.")
        numeric[col] = values.astype(float)
    if missing:
        total = sum(len(g) for _, g in missing)
        where = "; ".join(f"column {quoted(c)} rows {', '.join(map(str, g[:5]))}{' ...' if len(g) > 5 else ''}" for c, g in missing)
        raise CSVError(f"{total} missing value{'s' if total != 1 else ''}: {where}. Fill or remove those rows.")
    if not numeric:
        raise CSVError("No numeric column found: " + ", ".join(map(quoted, text_cols)) + (" holds" if len(text_cols) == 1 else " hold") + " text. "
                       "The file needs at least one column of numbers, one row per time step.")
    return pd.DataFrame(numeric), text_cols


@dataclass(frozen=True)
class WindowInfo:
    sequences: int
    train_sequences: int
    dropped: int  # oldest windows left out to stay within the sequences limit
    up_share: float


FILE_SETS = ("sequences", "features")  # a CSV run takes these from the file, not from the controls


def config_for_file(values: dict) -> LSTMConfig:
    """The config a CSV run starts from: the controls' values, with sequences and features left to
    the file (make_csv_dataset sets them). The caps are checked once those are known: checked
    against the synthetic data's size instead, a small file could be refused, or a big one let in.
    """
    placeholders = {name: FIELDS[name].low for name in FILE_SETS}  # the smallest: no cap can bite yet
    return LSTMConfig.from_values({**values, **placeholders})


def default_target(table: CSVTable) -> str:
    """The first column that both rises and falls somewhere: a step or index column (often the first, as
    pandas writes it) only rises, so 'goes up next' would have nothing to learn."""
    for name in table.columns:
        moves = np.diff(table.frame[name].to_numpy())
        if (moves > 0).any() and (moves < 0).any():
            return name
    return table.columns[0]


def feature_names(target: str, features: list[str], changes: bool) -> tuple[str, ...]:
    """The model's features for these columns: the levels, then (with changes) each one's change."""
    columns = (target, *features)
    return (*columns, *(f"change in {c}" for c in columns)) if changes else columns


def gap_windows(timesteps: int, changes: bool) -> int:
    """How many windows between the training and the validation part are not made. A window reads
    ``timesteps`` rows (one more with changes: each change also reads the row before) and labels the
    next one; skipping this many leaves no row read by both parts."""
    return timesteps + int(changes)


def window_counts(rows: int, timesteps: int, changes: bool) -> tuple[int, int]:
    """(windows kept, oldest windows left out) for a file of ``rows`` rows: each window is ``timesteps``
    rows plus the next one's target; with changes, the first row only starts them. The gap_windows that
    would straddle the training and validation parts are not made (see make_csv_dataset), and at most
    the sequences cap is kept, the most recent."""
    windows = max(rows - int(changes) - timesteps - gap_windows(timesteps, changes), 0)
    kept = min(windows, int(FIELDS["sequences"].high))
    return kept, windows - kept


def too_few(rows: int, timesteps: int, changes: bool) -> str | None:
    """What to do about a file too short for ``timesteps`` (the sidebar says it before Train, and a
    refused Train says the same), or None if it makes enough windows."""
    if window_counts(rows, timesteps, changes)[0] >= MIN_WINDOWS:
        return None
    fewest, spare = int(FIELDS["timesteps"].low), 2 * int(changes)  # changes: row 1 only starts them, one more gap
    usable = rows - spare - MIN_WINDOWS  # what is left for the two runs of timesteps rows
    need = 2 * timesteps + MIN_WINDOWS + spare
    fix = (f"Use at least {need} rows, or set Timesteps to {usable // 2} or less."
           if usable >= 2 * fewest else f"Use at least {need} rows"
           + (f" ({2 * fewest + MIN_WINDOWS + spare} with the fewest timesteps, {fewest})." if timesteps > fewest else "."))
    if changes:  # the learner's own file may be all there is: the levels alone need fewer rows
        plain, most = too_few(rows, timesteps, False), (rows - MIN_WINDOWS) // 2
        if plain is None:
            fix += f" Or untick {CHANGES_BOX!r}: the levels alone fit."
        elif most >= fewest:
            fix += f" Or untick {CHANGES_BOX!r} and set Timesteps to {most} or less."
    have = f"{rows} row is" if rows == 1 else f"{rows} rows are"
    before = " and the row before them (for the changes)" if changes else ""
    return (f"{have} too few for {timesteps} timesteps: each sequence needs {timesteps} rows{before} plus the next "
            f"one, at least {MIN_WINDOWS} sequences are needed, and the {gap_windows(timesteps, changes)} that would "
            f"share rows with both the training and the validation part are left out. {fix}")


def _sized(config: LSTMConfig, rows: int, features: int, changes: bool) -> LSTMConfig:
    """The config with the file's sizes, checked against the caps; a cap's message suggests only what
    the learner can change (the file sets the sequences and features), each suggestion checked with
    the windows it would make (fewer timesteps, more windows)."""
    def windowed(c: LSTMConfig) -> LSTMConfig:
        return unchecked(c, sequences=window_counts(rows, c.timesteps, changes)[0], features=features)

    sized = windowed(config)
    try:
        validate(sized, fixed=FILE_SETS, derive=windowed)
    except ConfigError as err:
        extra = features // (2 if changes else 1) - 1  # chosen columns besides the target
        smaller = [*(["fewer feature columns"] if extra else []), *(["changes off"] if changes else [])]
        also = f" Choosing {', or '.join(smaller)}{',' if len(smaller) > 1 else ''} also makes it smaller." if smaller else ""
        raise ConfigError(err.field, err.value, err.allowed, f"{err}{also}", cap=err.cap) from None
    return config.replace(sequences=sized.sequences, features=features)


def make_csv_dataset(table: CSVTable, target: str, features: list[str] | None, config: LSTMConfig,
                     name: str = "Upload", changes: bool = False) -> tuple[Dataset, LSTMConfig, WindowInfo]:
    """Sliding windows of ``timesteps`` rows; label 1 if the target's next value is higher than its last.

    With ``changes``, each chosen column also comes as its change from the row before (one more
    feature per column, and the first row only starts the changes). A slow drift, like CO2's, spans
    the whole 0..1 scale and leaves week-to-week moves too small to see; their changes are not.

    Scaling (min-max per column) is fitted on the rows the training windows use, never on the
    validation part, which is the latest stretch of the series. Returns the dataset and the config
    with ``sequences`` and ``features`` set from the file.
    """
    if target not in table.columns:
        raise CSVError(f"The target column {quoted(target)} is not a numeric column of this file; choose one of {', '.join(map(quoted, table.columns))}.")
    features = [c for c in (features or []) if c != target]
    unknown = [c for c in features if c not in table.columns]
    if unknown:
        raise CSVError(f"Feature column {quoted(unknown[0])} is not a numeric column of this file; choose from {', '.join(map(quoted, table.columns))}.")
    columns = [target, *features]
    names = feature_names(target, features, changes)
    if len(names) > FIELDS["features"].high:
        raise CSVError(f"{len(columns)} columns chosen{' with their changes' if changes else ''}: {len(names)} features; "
                       f"at most {int(FIELDS['features'].high)} are allowed.")
    t = config.timesteps
    series = table.frame[columns].to_numpy(dtype=np.float64)  # (rows, columns)
    if changes:
        series = np.hstack([series[1:], np.diff(series, axis=0)])  # (rows - 1, 2 x columns): levels, then changes
    short = too_few(table.rows, t, changes)
    if short:
        raise CSVError(short)
    y_all = (series[t:, 0] > series[t - 1:-1, 0]).astype(np.float32)  # (windows,): does the target go up next?
    if y_all.min() == y_all.max():
        what = ("is constant" if np.ptp(series[:, 0]) == 0 else
                "never goes up" if y_all.max() == 0 else "never goes down or stays level")
        when = "" if what == "is constant" else " from one row to the next"
        raise CSVError(f"The target {quoted(target)} {what}{when}, so there is nothing to learn. "
                       "Choose another target column.")
    limit = int(FIELDS["sequences"].high)
    n, dropped = window_counts(table.rows, t, changes)
    start = dropped  # keep the most recent windows
    new_config = _sized(config, table.rows, len(names), changes)  # the caps, before any window is made
    n_val = min(max(1, int(n * config.validation_split)), n - 1)
    n_train = n - n_val
    # The windows between the two parts are not made: the validation part starts on the row after the last
    # training window's label, so no row is seen by both. Window i reads series rows i..i+t-1 and labels row
    # i+t; with changes, series row i is file row i+1 and its change reads file row i too: one more.
    gap = gap_windows(t, changes)
    starts = np.concatenate([start + np.arange(n_train), start + gap + np.arange(n_train, n)])  # (n,)
    _check_training_labels(y_all[starts[:n_train]], target, n, n_train, dropped)
    fit_rows = series[start: start + n_train + t - 1]  # only rows inside training windows
    low, span = fit_rows.min(axis=0), np.ptp(fit_rows, axis=0)
    scaled = (series - low) / np.where(span > 0, span, 1.0)  # (rows, features)
    used = np.r_[start: starts[n_train - 1] + t, starts[n_train]: starts[-1] + t]  # the rows windows read as input
    _check_scaled(scaled[used], series[used], span, names)
    x = scaled[starts[:, None] + np.arange(t)[None, :]].astype(np.float32)  # (n, t, features)
    y = y_all[starts]
    order = np.random.default_rng(config.seed).permutation(n_train)  # mix the training windows, keep validation last
    x = np.concatenate([x[:n_train][order], x[n_train:]])
    y = np.concatenate([y[:n_train][order], y[n_train:]])
    description = (
        f"{name}: {n} windows of {t} consecutive rows of {', '.join(map(quoted, columns))} "
        + ("and each one's change from the row before " if changes else "")
        + f"(target {quoted(target)}). Label 1 if {quoted(target)} goes up in the next row, 0 if not "
        f"({y.mean():.0%} go up). Each column is scaled by the minimum and maximum of the training rows only, so "
        f"training values lie in 0 to 1 and later rows can go beyond (the inputs here run from {x.min():.2f} to "
        f"{x.max():.2f}), and the validation part, the latest {n_val} windows, starts after the last training window's "
        f"label row, so it shares no row with training ({gap} windows between the parts are not made)."
        + (f" The oldest {dropped} windows were left out to stay within {limit} sequences." if dropped else "")
    )
    choice = json.dumps([name, target, features, changes])  # column names may hold any separator; the name is shown
    key = f"{table.digest}:{hashlib.sha256(choice.encode()).hexdigest()[:16]}"
    dataset = Dataset(x, y, description, names, name=name, key=key, target=target, changes=changes,
                      scale=(low, np.where(span > 0, span, 1.0)))
    return dataset, new_config, WindowInfo(n, n_train, dropped, float(y.mean()))


def _check_training_labels(y_train: np.ndarray, target: str, n: int, n_train: int, dropped: int) -> None:
    """The training windows need both labels: with one, the model learns a constant and chance is 100%."""
    if y_train.min() < y_train.max():
        return
    what = "always goes up" if y_train.min() == 1 else "never goes up"
    used = f"the {n} newest windows" if dropped else f"the {n} windows"
    raise CSVError(f"In the training part (the oldest {n_train} of {used}), the target {quoted(target)} {what} in the "
                   "next row, so there is nothing to learn. Choose another target column, or a file where it moves "
                   "both ways early on.")


def _check_scaled(scaled: np.ndarray, series: np.ndarray, span: np.ndarray, names: list[str]) -> None:
    """Refuse a column that barely moves in the training rows but far beyond them later: scaled by its
    training range, it would feed the model values too large to mean anything (or not even finite)."""
    reach = np.abs(scaled).max(axis=0)  # (features,)
    for j in np.flatnonzero(~(reach <= MAX_SCALED)):  # also catches inf and nan
        far = series[np.argmax(np.abs(scaled[:, j])), j]
        moved = "is constant" if span[j] == 0 else f"moves by only {span[j]:.3g}"
        raise CSVError(f"Column {quoted(names[j])} {moved} in the training rows but reaches {far:.6g} later, so scaled to "
                       f"its training range it would be {reach[j]:.3g}. Choose other columns.")
