"""One plain sentence per epoch, from rules over the measured numbers (never by epoch index)."""

from __future__ import annotations

import math

import pandas as pd

CHANCE = 0.5  # two balanced classes: the synthetic lesson data
CHANCE_BAND = 0.08  # accuracy up to this above chance (0.58 at 0.5) is close to chance
FAST_DROP = 0.15  # loss falling by 15% or more in one epoch is fast
SLOW_DROP = 0.03  # 3% to 15% is steady; less is converging or a plateau
HIGH_ACCURACY = 0.85  # above this, a flat loss means converged rather than stuck
ACCURACY_GAIN = 0.02  # accuracy up by this much in an epoch is progress, even while the loss is flat
OVERFIT_RISE = 0.02  # validation loss 2% above its best while training loss still falls
COIN_LOSS = math.log(2)  # the loss of a score of 0.5 for everything: a model that has learned nothing yet


def chance_level(labels) -> float:
    """The accuracy of always guessing the more common class: 0.5 for balanced labels, 0.75 for a
    series that goes up three times in four."""
    share = float(sum(labels)) / max(len(labels), 1)
    return max(share, 1.0 - share)


def observe(history: pd.DataFrame, chance: float = CHANCE) -> list[str]:
    """Observations for every epoch of a history with loss, accuracy, val_loss, val_accuracy."""
    rows = history.to_dict("records")
    return [observe_epoch(rows[: i + 1], chance) for i in range(len(rows))]


def _versus_chance(accuracy: float, chance: float) -> str:
    """For an accuracy near chance: 0.514 against 0.534 is below it, not 'not yet clearly above' it."""
    return "below chance" if round(accuracy, 3) < round(chance, 3) else "not yet clearly above chance"


def observations_of(rows: list[dict], chance: float = CHANCE) -> list[str]:
    """Each epoch row's observation: the one it was streamed with, or one made from the rows up to it."""
    return [row.get("observation") or observe_epoch(rows[: i + 1], chance) for i, row in enumerate(rows)]


def observe_epoch(rows: list[dict], chance: float = CHANCE) -> str:
    """The observation for the last of ``rows``, given the epochs before it and the chance level."""

    def near_chance(accuracy: float) -> bool:  # not clearly above chance (at it, or below it)
        return accuracy <= chance + CHANCE_BAND

    now = rows[-1]
    loss, acc, val_loss, val_acc = (now[k] for k in ("loss", "accuracy", "val_loss", "val_accuracy"))
    if not math.isfinite(loss):
        return "Loss is not a number: training diverged. Try a smaller learning rate."
    if len(rows) == 1:
        # accuracy is averaged over the epoch, validation taken at its end; a validation loss still at the
        # coin's (scores near 0.5, on the right side by luck, as 2 held-out sequences at 1.000 can be) is no pattern
        if near_chance(acc) and not near_chance(val_acc) and val_loss < 0.95 * COIN_LOSS:
            return (f"Starting point: accuracy {acc:.3f} is an average over the epoch while the model learned, and "
                    f"validation accuracy at its end is already {val_acc:.3f}, well above chance ({chance:.3f}): "
                    "the model found the pattern during this first pass.")
        if near_chance(acc):
            return (f"Starting point: accuracy {acc:.3f} is {_versus_chance(acc, chance)} ({chance:.3f}); "
                    "the model has not found the pattern yet.")
        return (f"Starting point: loss {loss:.3f} and accuracy {acc:.3f} after one pass; the model is already past "
                f"chance ({chance:.3f}).")
    prev = rows[-2]
    drop = (prev["loss"] - loss) / prev["loss"] if prev["loss"] > 0 else 0.0
    if round(loss, 3) == round(prev["loss"], 3):  # 0.0024 -> 0.0017 reads 0.002 -> 0.002: no rise or fall to speak of
        drop = 0.0
    best_val = min(r["val_loss"] for r in rows[:-1])
    if len(rows) >= 3 and all(near_chance(r["accuracy"]) and near_chance(r["val_accuracy"]) for r in rows[-3:]):
        if val_acc < chance - CHANCE_BAND:  # 'neither above chance' would hide how far below it validation is
            return (f"Stuck at chance: accuracy {acc:.3f}, not more than {CHANCE_BAND:.2f} above chance ({chance:.3f}) "
                    f"for 3 epochs, and validation {val_acc:.3f}, below chance: the held-out sequences' labels are "
                    "mixed differently, or the model guesses worse than always saying the more common one. "
                    "Try a different learning rate or more units.")
        return (f"Stuck at chance: accuracy {acc:.3f} and validation {val_acc:.3f}, neither more than "
                f"{CHANCE_BAND:.2f} above chance ({chance:.3f}) for 3 epochs. Try a different learning rate or more units.")
    if drop < -SLOW_DROP:  # a smaller rise is 'barely moved' below
        return f"Loss rose {-drop:.0%} this epoch: the steps may be too large. A smaller learning rate could help."
    # a rise the table's 3 decimals can show: 0.0068 -> 0.0072 reads 0.007 -> 0.007, which is no jump
    val_rising = (val_loss > best_val * (1 + OVERFIT_RISE) and round(val_loss, 3) > round(prev["val_loss"], 3)
                  and drop > 0)
    if (val_rising and len(rows) >= 3 and round(prev["val_loss"], 3) > round(rows[-3]["val_loss"], 3)
            and prev["loss"] < rows[-3]["loss"]):
        return (
            f"Overfitting: training loss still falls ({loss:.3f}) but validation loss rose two epochs running, "
            f"to {val_loss:.3f} from its best {best_val:.3f}; the model is memorising the training sequences."
        )
    if val_rising:
        return (
            f"Validation wobble: training loss fell to {loss:.3f} but validation loss jumped to {val_loss:.3f}; "
            "one noisy epoch is not yet overfitting, so watch the next one."
        )
    if drop >= SLOW_DROP and prev["accuracy"] - acc >= ACCURACY_GAIN and prev["val_accuracy"] - val_acc >= ACCURACY_GAIN:
        return (f"Loss fell {drop:.0%} to {loss:.3f}, but accuracy fell to {acc:.3f} (from {prev['accuracy']:.3f}) and "
                f"validation to {val_acc:.3f} (from {prev['val_accuracy']:.3f}): a lower loss is not always a better "
                "model. If this repeats, try a smaller learning rate.")
    if drop >= FAST_DROP and near_chance(acc):
        return (f"Loss fell {drop:.0%} to {loss:.3f}, but accuracy {acc:.3f} is {_versus_chance(acc, chance)} "
                f"({chance:.3f}); validation {val_acc:.3f}.")
    if drop >= FAST_DROP:
        return f"Fast improvement: loss fell {drop:.0%} to {loss:.3f} and accuracy reached {acc:.3f} as the model picks up the trend."
    if drop >= SLOW_DROP:
        return f"Steady improvement: loss fell {drop:.0%} to {loss:.3f}; accuracy {acc:.3f}, validation {val_acc:.3f}."
    if acc >= HIGH_ACCURACY:
        return f"Converging: loss barely moved ({_percent(-drop)}) at accuracy {acc:.3f}; more epochs would add little."
    if acc - prev["accuracy"] >= ACCURACY_GAIN:
        return (f"Slow going: loss changed by only {_percent(-drop)}, but accuracy rose to {acc:.3f} "
                f"(from {prev['accuracy']:.3f}); validation {val_acc:.3f}.")
    if ((val_acc - prev["val_accuracy"] >= ACCURACY_GAIN and val_loss <= prev["val_loss"])
            or val_loss <= prev["val_loss"] * (1 - SLOW_DROP)):
        return (f"Slow going: training loss changed by only {_percent(-drop)}, but on the validation sequences "
                f"loss went from {prev['val_loss']:.3f} to {val_loss:.3f} and accuracy from {prev['val_accuracy']:.3f} "
                f"to {val_acc:.3f}.")
    if prev["accuracy"] - acc >= ACCURACY_GAIN:
        return (f"Slipped back: loss changed by only {_percent(-drop)}, but accuracy fell to {acc:.3f} "
                f"(from {prev['accuracy']:.3f}); validation {val_acc:.3f}. One epoch can do this; watch the next.")
    return (f"Plateau: loss changed by only {_percent(-drop)} and accuracy by {acc - prev['accuracy']:+.3f} "
            f"(to {acc:.3f}); little progress this epoch.")


def _percent(change: float) -> str:
    """+1.2%, -0.4%, and 0.0% rather than -0.0%."""
    text = f"{change:+.1%}"
    return "0.0%" if text in ("+0.0%", "-0.0%") else text
