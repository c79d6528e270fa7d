"""What the memory-horizon experiment (pipeline.horizon) measured, said from its numbers, whichever cell wins.

A cell "solves" a lag when its validation accuracy is clearly above chance (more than two standard errors);
one cell beats another only when the gap is more than its noise. The gradient numbers say how strongly the
trained model's loss still reaches the first step, the one that holds the answer.
"""

from __future__ import annotations

from lstm_core.formats import counted
from lstm_core.pipeline.noise import above_chance, compare
from lstm_core.teaching.gradients import VANISHED, share
from lstm_core.teaching.why_gates import NAMES

TRY = ("Each of these can change the outcome: more epochs, a lower noise level, a shorter lag, or another learning "
       "rate. Change one, train again, and compare.")


def solved(points, cell: str, chance: float) -> list[int]:
    """The lags at which ``cell`` is clearly above chance."""
    return [p.lag for p in points if p.cell == cell and above_chance(p.val_accuracy, chance, p.val_sequences)]


def cell_line(points, cell: str, chance: float) -> str:
    """'LSTM: clearly above chance at lags 6, 12 and 25; at chance at lag 50 (0.52).'"""
    mine = [p for p in points if p.cell == cell]
    good = solved(points, cell, chance)
    at_chance = [p for p in mine if p.lag not in good]
    parts = []
    if good:
        parts.append(f"clearly above chance at {_lags(good)}")
    if at_chance:
        parts.append("not above chance at " + ", ".join(f"lag {p.lag} ({p.val_accuracy:.2f})" for p in at_chance))
    return f"**{NAMES[cell]}**: " + "; ".join(parts) + "."


def _lags(lags: list[int]) -> str:
    return ("lag " if len(lags) == 1 else "lags ") + (", ".join(map(str, lags[:-1])) + " and " if len(lags) > 1 else "") + str(lags[-1])


def longest_said(points, chance: float) -> str:
    """Who does best at the longest lag, against its noise, and each cell's gradient reaching the first step there."""
    longest = max(p.lag for p in points)
    last = {p.cell: p for p in points if p.lag == longest}
    best = max(last.values(), key=lambda p: p.val_accuracy)
    if not above_chance(best.val_accuracy, chance, best.val_sequences):
        head = f"At lag {longest} every cell is at chance (the best, the {NAMES[best.cell]}, reached {best.val_accuracy:.2f})."
    else:
        others = [p for p in last.values() if p is not best]
        gaps = [compare(best.val_accuracy, p.val_accuracy, p.val_sequences) for p in others]
        verdicts = [f"the {NAMES[p.cell]}'s {p.val_accuracy:.2f} ({g.said()})" for p, g in zip(others, gaps)]
        lead = (f"the {NAMES[best.cell]} does best" if all(g.clear for g in gaps) else
                f"the {NAMES[best.cell]} is highest, not clearly ahead of every cell")
        head = f"At lag {longest} {lead}: {best.val_accuracy:.2f} against " + "; ".join(verdicts) + "."
    flows, why = [], []
    for p in last.values():
        if p.first_share != p.first_share:  # NaN: diverged
            flows.append(f"the {NAMES[p.cell]}'s training diverged")
            continue
        flows.append(f"{NAMES[p.cell]} {share(p.first_share)}")
        if above_chance(p.val_accuracy, chance, p.val_sequences):
            continue  # a solved task's loss is near 0 everywhere: its ratio says little about how it learned
        if p.first_share < VANISHED:
            why.append(f"The {NAMES[p.cell]} is at chance and its gradient at timestep 1 has faded: training got almost "
                       "no signal from the one step that holds the answer.")
        else:
            why.append(f"The {NAMES[p.cell]} is at chance although its gradient still reaches timestep 1: a vanished "
                       "gradient does not explain this one.")
    return " ".join([head + f" After training, the gradient reaching timestep 1 relative to timestep {longest + 1}: "
                     + ", ".join(flows) + ".", *why])


def said(result, chance: float) -> list[str]:
    """The experiment in a few paragraphs: the task, each cell's lags, the longest lag, what to try."""
    c, h = result.config, result.horizon
    intro = (f"The label is the sign of the first step; {counted(h.lag, 'step')} of noise (standard deviation "
             f"{h.noise:g}) follow it at the longest lag. Each cell trained with this run's settings ({c.units} units, "
             f"{counted(c.epochs, 'epoch')}, learning rate {c.learning_rate:g}); chance is {chance:.2f}.")
    return [intro, *(cell_line(result.points, cell, chance) for cell in NAMES if cell in {p.cell for p in result.points}),
            longest_said(result.points, chance), TRY]
