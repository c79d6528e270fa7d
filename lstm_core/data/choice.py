"""From the sidebar's values and data choice to what gets trained: a run key and, for a CSV, its dataset."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lstm_core.config import FIELDS, ConfigError, LSTMConfig
from lstm_core.data.keys import run_key
from lstm_core.data.synthetic import Dataset  # numpy only: the page's first run imports this module
from lstm_core.formats import literal


class DataKind(StrEnum):
    SYNTHETIC = "synthetic"  # the lesson's ramps
    CSV = "csv"  # a parsed file, with its target and features chosen
    NO_FILE = "no file"  # Upload chosen, nothing uploaded yet
    UNUSABLE = "unusable"  # a file that could not be parsed


@dataclass(frozen=True)
class DataChoice:
    """What the sidebar chose to train on."""

    kind: DataKind = DataKind.SYNTHETIC
    table: object | None = None  # csvfile.CSVTable, for CSV
    target: str = ""
    features: tuple[str, ...] = ()
    name: str = ""  # the file's name as shown
    changes: bool = False  # each column's change from the row before, as extra features
    problem: str = ""  # why an UNUSABLE file cannot be used

    @classmethod
    def csv(cls, table, target: str, features, name: str, changes: bool) -> DataChoice:
        return cls(DataKind.CSV, table, target, tuple(features), name, changes)

    @classmethod
    def unusable(cls, problem: str) -> DataChoice:
        return cls(DataKind.UNUSABLE, problem=problem)


def request(values: dict, choice: DataChoice) -> tuple[str, Dataset | None] | str:
    """(run key, dataset or None for the synthetic lesson data), or a message saying what is wrong."""
    if choice.kind is DataKind.NO_FILE:
        return "choose a CSV file first."
    if choice.kind is DataKind.UNUSABLE:
        return f"the file cannot be used: {choice.problem}"
    from lstm_core.data.csvfile import CSVError, config_for_file, make_csv_dataset  # pandas: only when asked

    synthetic = choice.kind is DataKind.SYNTHETIC
    try:
        config = LSTMConfig.from_values(values) if synthetic else config_for_file(values)
    except ConfigError as err:  # name the control as the sidebar labels it, once
        said, named = str(err), f"{err.field} = "
        if err.field in FIELDS and not err.cap:
            return f"{FIELDS[err.field].label} = {said[len(named):]}" if said.startswith(named) else f"{FIELDS[err.field].label}: {said}"
        return said
    if synthetic:
        return run_key(config), None
    try:
        dataset, config, _ = make_csv_dataset(choice.table, choice.target, list(choice.features), config, name=choice.name,
                                              changes=choice.changes)
    except CSVError as err:
        return str(err)
    except ConfigError as err:
        return f"with this file, {err}"
    return run_key(config, dataset.key), dataset


def data_on_screen_note(shown: Dataset, choice: DataChoice) -> str | None:
    """What to say when the data chosen in the sidebar is not the data of the run on screen, ``shown``:
    choosing data trains nothing until Train. None when they agree."""
    lesson = "the synthetic lesson data"
    were = lesson if shown.synthetic else f"{shown.name} (target {shown.target})"
    if choice.kind is DataKind.SYNTHETIC:
        chosen = None if shown.synthetic else lesson
    elif choice.kind is DataKind.CSV:
        from lstm_core.data.csvfile import feature_names

        names = feature_names(choice.target, list(choice.features), choice.changes)
        same = (shown.name, shown.target, shown.feature_names) == (choice.name, choice.target, names)
        chosen = None if same else f"{choice.name} (target {choice.target})"
    else:  # no file yet, or one that cannot be used: the sidebar says which
        return f"The results below are from {literal(were)}."
    return None if chosen is None else f"The results below are from {literal(were)}. Press **Train** to use {literal(chosen)}."
