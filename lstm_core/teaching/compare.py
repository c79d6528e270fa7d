"""What the Compare tab concludes: which run did best on held-out sequences, and whether that is more
than the noise of the validation set; with one run, what to vary next.

A run is judged by its final validation accuracy (the model it ends with). Two runs are judged on
the same footing only when they were held out the same sequences; when they were not (other data, a
seed, more sequences), the sentence says so and the noise is that of two independent samples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lstm_core.config import LSTMConfig
from lstm_core.formats import counted
from lstm_core.pipeline.noise import Verdict, apart, gap_noise

ONE_RUN = "Train another setup — e.g. {suggestions} — to compare."


@dataclass(frozen=True)
class Outcome:
    """One run as the verdict sees it."""

    label: str
    val_accuracy: float  # after the last epoch
    n_val: int  # held-out sequences
    held_out: str  # names the held-out sequences: equal for two runs judged on the very same ones


def _name(label: str) -> str:
    return "the default" if label == "default" else label


def _against(best: Outcome, other: Outcome) -> Verdict:
    m = other.n_val if best.held_out != other.held_out else None
    return Verdict(best.val_accuracy - other.val_accuracy, gap_noise(best.val_accuracy, other.val_accuracy, best.n_val, m))


def _on(best: Outcome, others: list[Outcome]) -> str:
    """'200 held-out sequences', or how the held-out sets differ."""
    if all(o.held_out == best.held_out for o in others):
        return f"on the same {counted(best.n_val, 'held-out sequence')}"
    sizes = sorted({best.n_val, *(o.n_val for o in others)})
    sizes_said = " and ".join(map(str, sizes)) + " sequences" if len(sizes) > 1 else f"{counted(sizes[0], 'sequence')} each"
    return f"on different held-out sets ({sizes_said}), so not like for like"


def verdict(outcomes: list[Outcome]) -> str:
    """One line: the run with the highest final validation accuracy against the others, with the noise.

    'units=32 beat the default by 0.040 on validation accuracy (0.850 against 0.810): more than the noise
    of ±0.020 on the same 200 held-out sequences.' or 'Too close to call: ...'. Empty for fewer than 2 runs.
    """
    if len(outcomes) < 2:
        return ""
    finite = [o for o in outcomes if math.isfinite(o.val_accuracy)]
    lost = [o for o in outcomes if not math.isfinite(o.val_accuracy)]
    lost_said = f" {', '.join(_name(o.label) for o in lost)} diverged: no accuracy to compare." if lost else ""
    if len(finite) < 2:
        return (f"Nothing to compare:{lost_said}").replace(":  ", ": ")
    finite.sort(key=lambda o: -o.val_accuracy)
    best, others = finite[0], finite[1:]
    judged = [(o, _against(best, o)) for o in others]
    close = [(o, v) for o, v in judged if v.sign == 0]
    beaten = [o for o, v in judged if v.sign > 0]
    if not close:
        runner, v = judged[0]
        whom = "the others" if len(others) > 1 else _name(runner.label)
        closest = f", {v.gap:.3f} ahead of the next best, {_name(runner.label)}," if len(others) > 1 else f" by {v.gap:.3f}"
        said = (f"{'The default' if best.label == 'default' else best.label} beat {whom}{closest} on validation accuracy "
                f"({best.val_accuracy:.3f} against {runner.val_accuracy:.3f}): more than the noise of ±{v.noise:.3f} "
                f"{_on(best, others)}.")
        return said + lost_said
    noise = max(v.noise for _, v in close)
    tied = [best, *(o for o, _ in close)]
    named = [f"{_name(o.label)} ({o.val_accuracy:.3f})" for o in tied]
    listed = ", ".join(named[:-1]) + " and " + named[-1]
    gap, noise_shown = apart(max(v.gap for _, v in close), noise)
    said = (f"Too close to call: {listed} are {gap} apart{' at most' if len(close) > 1 else ''} in validation "
            f"accuracy, within the noise of ±{noise_shown} {_on(best, [o for o, _ in close])}.")
    if beaten:
        said += f" {'Both' if len(tied) == 2 else 'All'} beat {', '.join(_name(o.label) for o in beaten)} by more than noise."
    return said + lost_said


def suggestion(config: LSTMConfig) -> str:
    """What to train next when there is one run: another units and another number of epochs."""
    units = 8 if config.units != 8 else 32
    epochs = 10 if config.epochs != 10 else 5
    return ONE_RUN.format(suggestions=f"units={units} or epochs={epochs}")
