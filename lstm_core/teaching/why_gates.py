"""What the cell comparison (pipeline.cell_compare) measured, said from its numbers, whichever cell comes out ahead.

Each figure is the first timestep's gradient relative to the last (teaching.gradients), per seed. One seed
can mislead, so a cell is said to reach further than another only when it does on every seed (the lowest
of its seeds above the highest of the other's); otherwise the seeds overlap and the ranking is too close to
call. Accuracies are compared with the validation set's noise (two standard errors), as everywhere else.
"""

from __future__ import annotations

import math

from lstm_core.pipeline.noise import compare
from lstm_core.pipeline.run import SEEDS
from lstm_core.teaching.gradients import OPEN, VANISHED, share

NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN", "lstm_bias0": "LSTM, forget bias 0"}
PHASES = {"init": "as built", "trained": "after training"}
INTRO = ("Each model below trained on this run's sequences with its settings; only the cell and the seed of its "
         "starting weights change ({seeds} seeds each). The figure is how strongly the loss reaches back to "
         "timestep 1, relative to timestep {timesteps}: near 1, the first step counts as much as the last; under "
         f"{VANISHED}, it has all but vanished.")
FORGET_START = 1 / (1 + math.exp(-1))  # sigmoid(1) = 0.731: an untrained LSTM's forget gate with its bias at 1


def firsts(runs, variant: str, phase: str) -> list[float]:
    """The variant's first-step shares over its seeds, ``phase`` "init" or "trained" (diverged seeds left out)."""
    values = [float(getattr(r.flow, phase)[0]) for r in runs if r.variant == variant and r.flow is not None]
    return [v for v in values if math.isfinite(v)]


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return share(low) if share(low) == share(high) else f"{share(low)} to {share(high)}"


def variants_in(runs) -> list[str]:
    return [v for v in NAMES if any(r.variant == v for r in runs)]


def cell_lines(runs, timesteps: int) -> list[str]:
    """One line per variant: its first-step shares as built and trained, its seeds' validation accuracies."""
    lines = []
    for v in variants_in(runs):
        init, trained = firsts(runs, v, "init"), firsts(runs, v, "trained")
        accuracy = [r.val_accuracy for r in runs if r.variant == v]
        seeds = sum(r.variant == v for r in runs)
        flow = (f"as built, timestep 1's gradient is {_span(init)} of timestep {timesteps}'s; after training, "
                f"{_span(trained)}" if init and trained else "its gradients are not numbers (training diverged)")
        faded = sum(t < VANISHED for t in trained)
        fade = f" The first step faded (under {VANISHED}) on {faded} of {seeds} seeds." if 0 < faded else ""
        lines.append(f"**{NAMES[v]}** ({seeds} seeds): {flow}. Validation accuracy {_span(accuracy)}.{fade}")
    return lines


def furthest(runs, phase: str) -> str:
    """Which variant's first step reaches the loss most strongly on every seed, or that the seeds overlap."""
    cells = [v for v in variants_in(runs) if firsts(runs, v, phase)]
    if len(cells) < 2:
        return ""
    when = PHASES[phase].capitalize()
    for v in cells:
        others = [max(firsts(runs, o, phase)) for o in cells if o != v]
        if min(firsts(runs, v, phase)) > max(others):
            return (f"{when}, the {NAMES[v]}'s gradient reaches timestep 1 more strongly than every other model's, "
                    f"on every seed ({_span(firsts(runs, v, phase))} against at most {share(max(others))}).")
    return (f"{when}, no model reaches timestep 1 more strongly than all the others on every seed: their seeds "
            "overlap, so 3 seeds cannot rank them.")


def textbook(runs, timesteps: int) -> str:
    """The textbook's claim ("an LSTM keeps early steps alive") against this run's LSTM and SimpleRNN."""
    lstm_init, rnn_init = firsts(runs, "lstm", "init"), firsts(runs, "rnn", "init")
    lstm_trained, rnn_trained = firsts(runs, "lstm", "trained"), firsts(runs, "rnn", "trained")
    if not (lstm_init and rnn_init and lstm_trained):
        return ""
    carried = FORGET_START ** (timesteps - 1)
    if max(lstm_init) < min(rnn_init):
        start = (f"As built, the LSTM is not ahead of the SimpleRNN here: its first step reaches the loss less on every "
                 f"seed ({_span(lstm_init)} against {_span(rnn_init)}). An untrained forget gate sits near "
                 f"sigmoid(1) = {FORGET_START:.2f}, and {FORGET_START:.2f}^{timesteps - 1} = {share(carried)}: the cell "
                 "path fades step by step until training changes the gates.")
    elif min(lstm_init) > max(rnn_init):
        start = (f"As built, the LSTM's first step already reaches the loss more than the SimpleRNN's, on every seed "
                 f"({_span(lstm_init)} against {_span(rnn_init)}).")
    else:
        start = f"As built, the LSTM and the SimpleRNN overlap ({_span(lstm_init)} against {_span(rnn_init)})."
    held, rnn_held = sum(t >= OPEN for t in lstm_trained), sum(t >= OPEN for t in rnn_trained)
    if held == len(lstm_trained) and rnn_trained and rnn_held == len(rnn_trained):
        # A cell without gates kept its path open too: the gates cannot be credited with it on this run.
        end = (f" After training, the LSTM holds its path open on every seed (timestep 1 at {_span(lstm_trained)} of "
               f"the last), but so does the SimpleRNN, which has no gates ({_span(rnn_trained)}): over "
               f"{timesteps} timesteps this run shows no gradient problem for the gates to solve.")
    elif held == len(lstm_trained):
        end = (f" After training, the LSTM holds its path open on every seed (timestep 1 at {_span(lstm_trained)} of "
               f"the last), and the SimpleRNN, without gates, on {rnn_held} of {len(rnn_trained)}: the gates let the "
               "network learn to keep early steps, which is the textbook's point, measured here.")
    else:
        end = (f" After training, the LSTM holds its path open (at least {OPEN} of the last) on {held} of "
               f"{len(lstm_trained)} seeds: on this run the textbook's claim does not hold on every seed.")
    return start + end


def accuracy_said(runs, n_val: int) -> str:
    """The best mean validation accuracy against each other model's, each gap against its noise."""
    means = {v: sum(a) / len(a) for v in variants_in(runs) if (a := [r.val_accuracy for r in runs if r.variant == v
                                                                     and math.isfinite(r.val_accuracy)])}
    if len(means) < 2:
        return ""
    best = max(means, key=means.get)
    parts = [f"the {NAMES[o]}'s {means[o]:.3f} ({compare(means[best], means[o], n_val).said()})"
             for o in means if o != best]
    return (f"Mean validation accuracy over the seeds, on {n_val} held-out sequences: the {NAMES[best]}'s "
            f"{means[best]:.3f} against " + "; ".join(parts) + ".")


def forget_bias_said(runs, timesteps: int, n_val: int) -> str:
    """What starting the LSTM's forget bias at 1 (Keras's default) does, against starting it at 0."""
    one, zero = {p: firsts(runs, "lstm", p) for p in PHASES}, {p: firsts(runs, "lstm_bias0", p) for p in PHASES}
    if not all(one.values()) or not all(zero.values()):
        return ""
    if min(one["init"]) > max(zero["init"]):
        start = (f"As built, the forget bias of 1 lets timestep 1 reach the loss more on every seed ({_span(one['init'])} "
                 f"against {_span(zero['init'])} with the bias at 0, where f starts near sigmoid(0) = 0.5).")
    else:
        start = (f"As built, the seeds overlap ({_span(one['init'])} with the bias at 1, {_span(zero['init'])} at 0): "
                 "here the bias of 1 does not clearly open the path.")
    if min(one["trained"]) > max(zero["trained"]):
        end = f" After training the bias of 1 still reaches further on every seed ({_span(one['trained'])} against {_span(zero['trained'])})."
    elif max(one["trained"]) < min(zero["trained"]):
        end = f" After training the bias at 0 reaches further on every seed ({_span(zero['trained'])} against {_span(one['trained'])})."
    else:
        end = (f" After training the seeds overlap ({_span(one['trained'])} against {_span(zero['trained'])}): training "
               "made up the difference.")
    a = [r.val_accuracy for r in runs if r.variant == "lstm"]
    b = [r.val_accuracy for r in runs if r.variant == "lstm_bias0"]
    verdict = compare(sum(a) / len(a), sum(b) / len(b), n_val)
    return start + end + f" Validation accuracy, bias 1 against 0: {verdict.said()}."


UNLEARNED = ("No model here is clearly above chance on the held-out sequences (chance {chance:.3f}, ±{margin:.3f}), so "
             "these gradients belong to models that have not learned the task yet: train longer (more epochs, or a "
             "higher learning rate) and compare again before reading much into them.")


def learned(runs, yard) -> str:
    """A warning when no model's accuracy is clearly above chance (noise.Yardstick ``yard``), else nothing."""
    if any(yard.val_above(r.val_accuracy) for r in runs):
        return ""
    return UNLEARNED.format(chance=yard.val_chance, margin=yard.val_margin)


def said(runs, timesteps: int, n_val: int) -> list[str]:
    """The comparison's paragraphs, each from its numbers: the intro, one line per model, who reaches
    furthest as built and after training, the textbook's claim, the accuracies, the forget bias (whether
    any model learned at all is learned()'s to say)."""
    lines = [INTRO.format(seeds=SEEDS, timesteps=timesteps), *cell_lines(runs, timesteps)]
    lines += [s for s in (furthest(runs, "init"), furthest(runs, "trained"), textbook(runs, timesteps),
                          accuracy_said([r for r in runs if r.variant != "lstm_bias0"], n_val),
                          forget_bias_said(runs, timesteps, n_val)) if s]
    return lines
