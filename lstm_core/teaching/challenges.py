"""Challenges: goals a learner reaches by choosing settings and training, each checked against a real run.

Every check reads the run's final epoch (what the traced model is) and judges it as the rest of the page
does: chance and its noise through the run's yardstick, a gap between two models through noise.compare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lstm_core.config import CELL_NAMES
from lstm_core.formats import counted
from lstm_core.pipeline.noise import compare, yardstick_of
from lstm_core.teaching.insights import diverged_text
from lstm_core.teaching.observations import LOSS_FLOOR


@dataclass(frozen=True)
class Challenge:
    key: str
    title: str
    goal: str  # what to reach, in one sentence
    hint: str  # where to start


SMALL = Challenge(
    "small", "Small but good",
    "Reach a final validation accuracy of at least 0.90 with at most 300 LSTM parameters.",
    "The LSTM has 4 × units × (features + units + 1) parameters, so units count twice: fewer units shrink it "
    "fastest. A small model may need more epochs or a higher learning rate to get there.")
STUCK = Challenge(
    "stuck", "Stuck at chance",
    "Find settings whose run ends at chance: a final validation accuracy within the noise of always guessing the "
    "more common label.",
    "Try a tiny learning rate, very few epochs, or a huge learning rate, then read why the run got stuck.")
ORDER = Challenge(
    "order", "Order matters",
    "Train an LSTM that beats its own copy trained on time-shuffled sequences by more than the noise.",
    "Train with the default settings, then run \"Does order matter?\" in the Training tab to train the shuffled copy.")
CHALLENGES = (SMALL, STUCK, ORDER)

# Each cell's parameter count, as the challenges write it ("×" where the formulas elsewhere write "x").
FORMULAS = {"lstm": "4 × {u} × ({f} + {u} + 1)", "gru": "3 × {u} × ({f} + {u} + 2)", "rnn": "{u} × ({f} + {u} + 1)"}
# A GRU or SimpleRNN run's versions of the challenges that name the model's layer.
CELL_GOALS = {
    "small": "Reach a final validation accuracy of at least 0.90 with at most 300 {name} parameters.",
    "small hint": "The {name} has {formula} parameters, so units count twice: fewer units shrink it fastest. A small "
                  "model may need more epochs or a higher learning rate to get there.",
    "order": "Train a {name} that beats its own copy trained on time-shuffled sequences by more than the noise.",
}


def challenges_for(cell: str = "lstm") -> tuple[Challenge, ...]:
    """The challenges as a run of ``cell`` reads them: the lesson's for the LSTM; another cell's name its layer."""
    if cell == "lstm":
        return CHALLENGES
    name = CELL_NAMES[cell]
    formula = FORMULAS[cell].format(u="units", f="features")
    small = Challenge(SMALL.key, SMALL.title, CELL_GOALS["small"].format(name=name),
                      CELL_GOALS["small hint"].format(name=name, formula=formula))
    order = Challenge(ORDER.key, ORDER.title, CELL_GOALS["order"].format(name=name), ORDER.hint)
    return small, STUCK, order


def _challenge(key: str, cell: str) -> Challenge:
    return next(c for c in challenges_for(cell) if c.key == key)

MIN_ACCURACY, MAX_PARAMETERS = 0.90, 300
# Adam moves each weight by about the learning rate per update, at most: over all the run's updates, a total
# reach under this cannot carry a gate far from where it started (Glorot's initial weights are a few tenths).
LITTLE_REACH = 0.1
HIGH_RATE = 0.1  # steps this large overshoot: the seed's lesson trains at 0.005
FEW_UNITS = 2
STUCK_LESSON = ("A run gets stuck when its weights cannot move far enough (a tiny learning rate, or few updates: "
                "few epochs over few sequences), when its steps are so large they overshoot, or when the data has "
                "no pattern the model can read.")


@dataclass(frozen=True)
class Result:
    challenge: Challenge
    done: bool
    said: str  # what the run showed, from its numbers


def _final(run) -> float:
    return float(run.history["val_accuracy"].iloc[-1])


def _against_chance(acc: float, yard) -> str:
    return (f"{acc:.3f} on {counted(yard.n_val, 'held-out sequence')}, against {yard.val_chance:.3f} for always "
            f"guessing the more common label (±{yard.val_margin:.3f})")


def check_small(run) -> Result:
    """At least MIN_ACCURACY final validation accuracy (the traced model's, not the best epoch's), clearly above
    chance, with at most MAX_PARAMETERS parameters in the recurrent layer (the run's cell's count)."""
    small = _challenge(SMALL.key, run.config.cell)
    if run.diverged:
        return Result(small, False, diverged_text(run))
    c, yard, acc = run.config, yardstick_of(run), _final(run)
    params, name = c.recurrent_parameters, CELL_NAMES[c.cell]
    formula = f"{FORMULAS[c.cell].format(u=c.units, f=c.features)} = {params:,}"
    fits, good, real = params <= MAX_PARAMETERS, acc >= MIN_ACCURACY, yard.val_above(acc)
    if fits and good and real:
        return Result(small, True, (
            f"Done: {formula} {name} parameters reached a final validation accuracy of {_against_chance(acc, yard)}. "
            "Reading a trend in order does not take a big model: a few units, trained enough, carry it."))
    problems = []
    if not fits:
        problems.append(f"the {name} has {formula} parameters, over the {MAX_PARAMETERS} allowed")
    if not good:
        problems.append(f"the final validation accuracy is {acc:.3f}, under {MIN_ACCURACY:.2f}")
    elif not real:
        problems.append(f"the final validation accuracy, {_against_chance(acc, yard)}, is within the noise of chance: "
                        "use more sequences so that it means something")
    advice = (" Fewer units shrink the model fastest." if not fits else
              " A small model needs enough training: try more epochs or a higher learning rate." if not good else "")
    return Result(small, False, f"Not yet: {' and '.join(problems)}.{advice}")


def _why_stuck(run) -> list[str]:
    """The causes this run's settings and history show, each from its numbers."""
    c, h = run.config, run.history
    updates = c.epochs * math.ceil(c.train_sequences / c.batch_size)
    reach = updates * c.learning_rate
    moved = max(float(np.abs(run.trained[k] - run.initial_weights[k]).max()) for k in run.trained) \
        if run.initial_weights else math.nan
    causes = []
    if reach < LITTLE_REACH:
        causes.append(f"{counted(updates, 'update')} at learning rate {c.learning_rate:g} let Adam move each weight by "
                      f"at most about {reach:.3g} in total" + (f" (the most any weight moved was {moved:.3f})"
                                                                if math.isfinite(moved) else "")
                      + f", too little to change what {'the layer computes' if c.cell == 'rnn' else 'the gates do'}")
    if c.learning_rate >= HIGH_RATE:
        causes.append(f"the learning rate, {c.learning_rate:g}, is so large that each step can overshoot")
    if c.units <= FEW_UNITS:
        causes.append(f"{counted(c.units, 'unit')} leave{'s' if c.units == 1 else ''} little room to hold what was read")
    first, last = float(h["loss"].iloc[0]), float(h["loss"].iloc[-1])
    if first - last < LOSS_FLOOR / 2:  # as the insights judge a fall of the training loss
        causes.append(f"the training loss went from {first:.3f} to {last:.3f}, no clear fall")
    if not run.dataset.synthetic:
        causes.append("a file's next row may not be predictable from the rows before it at all")
    return causes


def check_stuck(run) -> Result:
    """The final validation accuracy within the noise of chance, on a held-out set large enough to tell."""
    if run.diverged:
        return Result(STUCK, False, "Not this one: the run diverged, which is a different failure. " + diverged_text(run))
    yard, acc = yardstick_of(run), _final(run)
    if not yard.val_decidable:
        return Result(STUCK, False, (
            f"Not this one: {counted(yard.n_val, 'held-out sequence')} are too few to tell stuck from learning, "
            "since even all of them right would be within luck. Use more sequences."))
    if yard.val_above(acc):
        return Result(STUCK, False, f"Not stuck: {_against_chance(acc, yard)}, above chance by more than the noise. "
                                    "This run learned.")
    if yard.val_below(acc):
        return Result(STUCK, False, (
            f"Not at chance: {_against_chance(acc, yard)}, clearly below it. That is worse than always guessing, and "
            "not luck: the model answers in a consistent way that is wrong on these sequences, often by leaning "
            "towards the less common label."))
    causes = _why_stuck(run)
    why = (f" Here, {'; '.join(causes)}." if causes else
           " None of the usual causes shows in these settings, so the model found no pattern it could use.")
    return Result(STUCK, True, f"Done: the final validation accuracy, {_against_chance(acc, yard)}, is within the noise "
                               f"of chance: no better than always guessing. {STUCK_LESSON}{why}")


def check_order(run, shuffled) -> Result:
    """The recurrent model clearly above chance and clearly above ``shuffled`` (pipeline.order's time-shuffled copy
    of it, trained on the same config and data: OrderBaselines.shuffled), as teaching.order judges them."""
    if shuffled.config != run.config or shuffled.dataset.key != run.dataset.key + ":shuffled":
        raise ValueError("the shuffled copy was trained for other settings or data: train it again for this run")
    order, name = _challenge(ORDER.key, run.config.cell), CELL_NAMES[run.config.cell]
    if run.diverged:
        return Result(order, False, diverged_text(run))
    yard, ours, other = yardstick_of(run), _final(run), _final(shuffled)
    if not yard.val_above(ours):  # a model that learned nothing says nothing about order
        return Result(order, False, (
            f"Not yet: the {name} itself is not clearly above chance ({_against_chance(ours, yard)}), so the comparison "
            "shows nothing about order. Train it with more epochs or a different learning rate first."))
    verdict = compare(ours, other, yard.n_val)
    scores = f"the {name} {ours:.3f}, its time-shuffled copy {other:.3f}: {verdict.said()}"
    if verdict.sign > 0:
        why = (" On the lesson's ramps only the order tells up from down, so the copy that cannot see it stays near "
               "chance." if run.dataset.synthetic else "")
        return Result(order, True, f"Done: {scores}. The order of the steps carries information this model uses.{why}")
    if verdict.sign == 0:
        return Result(order, False, f"Not yet: {scores}, so this run cannot show that the order helps. More training, "
                                    "or more held-out sequences, would tell.")
    return Result(order, False, f"Not this time: {scores}. The copy without the order did better.")


def check(key: str, run, shuffled=None) -> Result:
    """The challenge with this key, against ``run`` (and, for "order", the shuffled copy)."""
    if key == SMALL.key:
        return check_small(run)
    if key == STUCK.key:
        return check_stuck(run)
    if key == ORDER.key:
        if shuffled is None:
            raise ValueError("the order challenge needs the time-shuffled copy: run \"Does order matter?\" first")
        return check_order(run, shuffled)
    raise ValueError(f"unknown challenge {key!r}; one of {', '.join(c.key for c in CHALLENGES)}")
