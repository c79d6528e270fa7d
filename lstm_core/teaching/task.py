"""What the model is asked to do, said with the learner's own data: the task in one sentence, one
sequence of each label from the training part, and what the model outputs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.config import CELL_NAMES
from lstm_core.formats import counted, literal, quoted
from lstm_core.teaching.text import EXAMPLE_CAPTIONS, EXAMPLE_NEXT, EXAMPLE_NO_NEXT, OUTPUT, TASK, UP_WORDS


@dataclass(frozen=True)
class Example:
    """One sequence of the training part, to be drawn."""

    index: int  # its sample number (0-based, as the Prediction trace tab counts)
    label: int  # 1 or 0
    values: np.ndarray  # (timesteps, features) as the model reads them (a CSV's scaled 0..1 by the training rows)
    target: np.ndarray | None  # a CSV's target in the file's own units, (timesteps,); None for the lesson data
    next_value: float | None  # a CSV's target in the row after the window (file units), when the data holds that row


def _kind(dataset) -> str:
    return "synthetic" if dataset.synthetic else "file"


def in_file_units(dataset, values: np.ndarray, feature: int = 0) -> np.ndarray:
    """A feature's scaled values back in the file's own units (a CSV run keeps each feature's low and span)."""
    low, span = dataset.scale
    return np.asarray(values, dtype=float) * float(span[feature]) + float(low[feature])


def examples(dataset, train_sequences: int) -> list[Example]:
    """The first label-1 and the first label-0 sequence of the training part, in that order. For a CSV, a
    window whose next row the data holds (as the last row of the window one row later) is preferred, so
    the chart can show the row its label is about."""
    x, y = dataset.x, dataset.y
    n = min(train_sequences, len(y))
    following = _following(x) if not dataset.synthetic else {}
    chosen = []
    for label in (1, 0):
        candidates = [int(i) for i in np.flatnonzero(y[:n] == label)]
        if not candidates:
            continue
        shown = [i for i in candidates if i in following] or candidates
        i = shown[0]
        target = next_value = None
        if not dataset.synthetic and dataset.scale is not None:
            target = in_file_units(dataset, x[i, :, 0])
            if i in following:
                next_value = float(in_file_units(dataset, x[following[i], -1, 0]))
        chosen.append(Example(i, label, x[i], target, next_value))
    return chosen


def _following(x: np.ndarray) -> dict[int, int]:
    """Window -> the window one row later (its rows 2.. are this one's rows 1..), where the data holds one
    and its last target value agrees with the label the window has (a repeated stretch can match twice)."""
    starts = {x[j, :-1].tobytes(): j for j in range(len(x))}
    out = {}
    for i in range(len(x)):
        j = starts.get(x[i, 1:].tobytes())
        if j is not None and j != i:
            out[i] = j
    return out


def task_sentence(dataset, timesteps: int, cell: str = "lstm") -> str:
    """The task in one sentence, with the learner's data: its sequences, their size, the layer that reads
    them (``cell``'s name) and what label 1 means."""
    n, f, layer = len(dataset.y), dataset.x.shape[2], CELL_NAMES[cell]
    if dataset.synthetic:
        return TASK["synthetic"].format(n=n, steps=counted(timesteps, "timestep"), features=counted(f, "feature"),
                                        layer=layer)
    columns = ", ".join(quoted(c) for c in dataset.feature_names)
    return TASK["file"].format(n=n, rows=counted(timesteps, "consecutive row"), file=literal(dataset.name),
                               columns=literal(columns), target=literal(quoted(dataset.target)), layer=layer)


def output_sentence(dataset) -> str:
    """What the model outputs and how a score becomes a label."""
    up = UP_WORDS[_kind(dataset)].format(target=literal(quoted(dataset.target or "")))
    return OUTPUT.format(up=up)


def example_caption(dataset, chosen: list[Example]) -> str:
    """What the Start here chart draws."""
    by_label = {e.label: e.index for e in chosen}
    if dataset.synthetic:
        return EXAMPLE_CAPTIONS["synthetic"].format(up=by_label.get(1), down=by_label.get(0),
                                                   features=counted(dataset.x.shape[2], "feature"))
    windows = "; ".join(f"sample {e.index} (label {e.label}) runs from {in_units(e.target[0])} to {in_units(e.target[-1])} "
                        f"(scaled {e.values[0, 0]:.2f} to {e.values[-1, 0]:.2f})" for e in chosen if e.target is not None)
    has_next = any(e.next_value is not None for e in chosen)
    return EXAMPLE_CAPTIONS["file"].format(target=literal(quoted(dataset.target)), windows=windows[:1].upper() + windows[1:],
                                           next=EXAMPLE_NEXT if has_next else EXAMPLE_NO_NEXT)


def in_units(value: float) -> str:
    """A value in the file's own units, to 5 significant digits: 315.71, 0.0012345, 12,345."""
    return f"{value:,.5g}" if abs(value) < 1e15 else f"{value:.3g}"
