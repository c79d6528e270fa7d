"""From the sidebar's values and data choice to what gets trained: a run key and, for a CSV, its dataset."""

from __future__ import annotations

from lstm_core.config import FIELDS, ConfigError, LSTMConfig
from lstm_core.data.csvfile import CSVError, config_for_file, feature_names, make_csv_dataset
from lstm_core.data.synthetic import Dataset
from lstm_core.formats import literal

NO_FILE = "no file"


def request(values: dict, source) -> tuple[str, Dataset | None] | str:
    """(run key, dataset or None for the synthetic lesson data), or a message saying what is wrong.

    ``source`` is None (synthetic), (table, target, features, name, changes) for a parsed CSV, NO_FILE, or the
    message of a file that could not be parsed.
    """
    if isinstance(source, str):
        return "choose a CSV file first." if source == NO_FILE else f"the file cannot be used: {source}"
    try:
        config = LSTMConfig.from_values(values) if source is None else config_for_file(values)
    except ConfigError as err:  # name the control as the sidebar labels it, once
        said, named = str(err), f"{err.field} = "
        if err.field in FIELDS and not err.cap:
            return f"{FIELDS[err.field].label} = {said[len(named):]}" if said.startswith(named) else f"{FIELDS[err.field].label}: {said}"
        return said
    if source is None:
        return config.key(), None
    table, target, features, name, changes = source
    try:
        dataset, config, _ = make_csv_dataset(table, target, features, config, name=name, changes=changes)
    except CSVError as err:
        return str(err)
    except ConfigError as err:
        return f"with this file, {err}"
    return f"{config.key()}|{dataset.key}", dataset


def data_on_screen_note(shown: Dataset, source) -> str | None:
    """What to say when the data chosen in the sidebar (``source``, as for request) is not the data of the
    run on screen, ``shown``: choosing data trains nothing until Train. None when they agree."""
    lesson = "the synthetic lesson data"
    were = lesson if shown.key == "synthetic" else f"{shown.name} (target {shown.target})"
    if source is None:
        chosen = None if shown.key == "synthetic" else lesson
    elif isinstance(source, tuple):
        _, target, features, name, changes = source
        same = (shown.name, shown.target, shown.feature_names) == (name, target, feature_names(target, features, changes))
        chosen = None if same else f"{name} (target {target})"
    else:  # no file yet, or one that cannot be used: the sidebar says which
        return f"The results below are from {literal(were)}."
    return None if chosen is None else f"The results below are from {literal(were)}. Press **Train** to use {literal(chosen)}."
