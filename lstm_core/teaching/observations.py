"""One plain sentence per epoch, from rules over the measured numbers (never by epoch index).

Every judgement ("above chance", "improved", "overfitting", "wobble") compares a change with its noise
(lstm_core.pipeline.noise): an accuracy on n sequences moves by about 2 standard errors by luck alone, and a
loss change must also pass an absolute floor before it is called a rise or a fall.
"""

from __future__ import annotations

import math

import pandas as pd

from lstm_core.formats import percent_tenths
from lstm_core.pipeline.noise import BALANCED, Yardstick, chance_level, gap_noise

__all__ = ["chance_level", "observe", "observe_epoch", "observed"]

FAST_DROP = 0.15  # loss falling by 15% or more in one epoch is fast
SLOW_DROP = 0.03  # 3% to 15% is steady; less is converging or a plateau
LOSS_FLOOR = 0.02  # a loss rise under this is no rise, whatever its share (0.050 -> 0.055); a fall needs half of it
HIGH_ACCURACY = 0.85  # above this, a flat loss means converged rather than stuck
OVERFIT_RISE = 0.02  # validation loss 2% (and LOSS_FLOOR) above its best while training loss still falls


def observe(history: pd.DataFrame, yard: Yardstick = BALANCED) -> list[str]:
    """Observations for every epoch of a history with loss, accuracy, val_loss, val_accuracy."""
    rows = history.to_dict("records")
    return [observe_epoch(rows[: i + 1], yard) for i in range(len(rows))]


def observed(history: pd.DataFrame, yard: Yardstick = BALANCED) -> pd.DataFrame:
    """The history with an "observation" column after HISTORY_COLUMNS: what the epoch table, the report
    and the CSV export show (the noise columns stay, last)."""
    from lstm_core.pipeline.run import HISTORY_COLUMNS

    frame = history.copy()
    frame.insert(len(HISTORY_COLUMNS), "observation", observe(history, yard))
    return frame


def _rose(new: float, old: float, share: float) -> bool:
    """A training-loss rise the table can show and that is more than noise: past ``share`` and LOSS_FLOOR."""
    return new - old > max(old * share, LOSS_FLOOR) and round(new, 3) > round(old, 3)


def val_loss_noise(row: dict, which: str, old: float, share: float) -> tuple[float, str]:
    """How far validation loss must move from an earlier epoch (``which``: "prev" or "best") to be more
    than noise, and how to say it: two standard errors of the per-sequence difference when the trainer
    measured them, else a fixed floor (LOSS_FLOOR, and ``share`` of the old value)."""
    se = row.get(f"val_loss_se_{which}")
    if se is not None and math.isfinite(se):
        return 2 * se, f"by more than its noise (±{2 * se:.3f})"
    floor = max(old * share, LOSS_FLOOR)
    return floor, f"by more than {floor:.3f}"


def _small(old: float, new: float, shown: float) -> str:
    """A small change of the training loss as a share ('by only -0.4%'), or, when the loss is so small that its
    share misleads (0.0046 -> 0.0074 is +61%, yet under LOSS_FLOOR: no move to speak of), by its values
    ('only from 0.0046 to 0.0074')."""
    if abs(new - old) < LOSS_FLOOR / 2 and abs(shown) >= 0.05:
        return f"only from {old:.4f} to {new:.4f}"
    return f"by only {percent_tenths(-shown)}"


def observe_epoch(rows: list[dict], yard: Yardstick = BALANCED) -> str:
    """The observation for the last of ``rows``, given the epochs before it and the run's yardstick."""
    now = rows[-1]
    loss, acc, val_loss, val_acc = (now[k] for k in ("loss", "accuracy", "val_loss", "val_accuracy"))
    if not math.isfinite(loss):
        return "Loss is not a number: training diverged. Try a smaller learning rate."
    vc, tc = yard.val_chance, yard.train_chance
    val_up = yard.val_above(val_acc)
    noise = f"±{yard.val_margin:.3f} on {yard.n_val} held-out sequences"
    if not yard.val_decidable:
        return (f"Loss {loss:.3f}, accuracy {acc:.3f}; validation accuracy {val_acc:.3f} on only "
                f"{yard.n_val} held-out sequences, too few to tell whether the model is above chance ({vc:.3f}): "
                "even all of them right would be within luck. Use more sequences.")
    ever_val_up = any(yard.val_above(r["val_accuracy"]) for r in rows)
    if yard.memorising(acc, val_acc) and not ever_val_up:  # say so from the first epoch it shows
        return (f"Memorising: training accuracy {acc:.3f} is above chance ({tc:.3f}) and clearly above validation "
                f"accuracy {val_acc:.3f}, which is not clearly above its chance ({vc:.3f}, {noise}): what the model "
                "learns does not carry over to sequences it has not seen.")
    if len(rows) == 1:
        if val_up and not yard.train_above(acc):  # accuracy is averaged over the epoch, validation taken at its end
            return (f"Starting point: accuracy {acc:.3f} is an average over the epoch while the model learned, and "
                    f"validation accuracy at its end is already {val_acc:.3f}, above chance ({vc:.3f}) by more than "
                    f"luck ({noise}): the model found the pattern during this first pass.")
        if not val_up:
            return (f"Starting point: validation accuracy {val_acc:.3f} is "
                    f"{'below' if yard.val_below(val_acc) else 'not clearly above'} chance ({vc:.3f}, {noise}); "
                    "the model has not found the pattern yet.")
        if val_acc - acc > gap_noise(val_acc, acc, yard.n_val, yard.n_train):
            return (f"Starting point: validation accuracy {val_acc:.3f} is already above chance ({vc:.3f}, {noise}), "
                    f"and above training accuracy {acc:.3f}: that one is averaged over the epoch while the model was "
                    "still learning, validation is measured at the epoch's end.")
        return (f"Starting point: loss {loss:.3f} and accuracy {acc:.3f} after one pass; validation accuracy "
                f"{val_acc:.3f} is already above chance ({vc:.3f}, {noise}).")
    prev = rows[-2]
    shown = (prev["loss"] - loss) / prev["loss"] if prev["loss"] > 0 else 0.0  # the change as the table shows it
    drop = 0.0 if abs(prev["loss"] - loss) < LOSS_FLOOR / 2 else shown  # 0.0024 -> 0.0017 is -30%, and no fall to speak of
    best_at = min(range(len(rows) - 1), key=lambda i: rows[i]["val_loss"])
    best_val = rows[best_at]["val_loss"]
    if len(rows) >= 3 and not any(yard.train_above(r["accuracy"]) or yard.val_above(r["val_accuracy"]) for r in rows[-3:]):
        if yard.val_below(val_acc):
            return (f"Stuck at chance: accuracy {acc:.3f} (chance {tc:.3f}) for 3 epochs, and validation {val_acc:.3f} "
                    f"below its chance ({vc:.3f}, {noise}): the held-out sequences' labels are mixed differently, or "
                    "the model guesses worse than always saying the more common one. Try a different learning rate "
                    "or more units.")
        return (f"Stuck at chance: accuracy {acc:.3f} (chance {tc:.3f}) and validation {val_acc:.3f} (chance {vc:.3f}, "
                f"{noise}), neither clearly above chance for 3 epochs. Try a different learning rate or more units.")
    if _rose(loss, prev["loss"], SLOW_DROP):
        return f"Loss rose {-shown:.0%} this epoch: the steps may be too large. A smaller learning rate could help."
    over_best, said_best = val_loss_noise(now, "best", best_val, OVERFIT_RISE)
    over_prev, _ = val_loss_noise(now, "prev", prev["val_loss"], 0.0)
    val_rising = (val_loss - best_val > over_best and val_loss - prev["val_loss"] > over_prev
                  and round(val_loss, 3) > round(best_val, 3) and shown > 0)
    before_prev = val_loss_noise(prev, "prev", rows[-3]["val_loss"], 0.0)[0] if len(rows) >= 3 else math.inf
    if (val_rising and len(rows) >= 3 and prev["val_loss"] - rows[-3]["val_loss"] > before_prev
            and prev["loss"] < rows[-3]["loss"]):
        return (
            f"Overfitting: training loss still falls ({loss:.3f}) but validation loss rose two epochs running, "
            f"to {val_loss:.3f} from its best {best_val:.3f}, {said_best}: the model is fitting quirks of the "
            "training sequences that do not carry over."
        )
    if val_rising:
        return (
            f"Validation wobble: training loss fell to {loss:.3f} but validation loss rose to {val_loss:.3f} from its "
            f"best {best_val:.3f}, {said_best}; one rise is not yet overfitting (two in a row would be)."
        )
    val_gain = gap_noise(val_acc, prev["val_accuracy"], yard.n_val)
    train_gain = gap_noise(acc, prev["accuracy"], yard.n_train)
    val_fell = prev["val_accuracy"] - val_acc > val_gain
    loss_step, _ = val_loss_noise(now, "prev", prev["val_loss"], SLOW_DROP)
    val_better = prev["val_loss"] - val_loss > loss_step or val_acc - prev["val_accuracy"] > val_gain
    if val_fell:
        train = (f"accuracy fell to {acc:.3f} (from {prev['accuracy']:.3f}) and " if prev["accuracy"] - acc > train_gain
                 else f"training loss {'fell' if drop > 0 else 'changed'} {percent_tenths(-shown)} to {loss:.3f}, but ")
        return (f"Slipped back: {train}validation accuracy fell to {val_acc:.3f} (from {prev['val_accuracy']:.3f}), "
                f"more than its noise (±{val_gain:.3f}). A lower loss is not always a better model; if this repeats, "
                "try a smaller learning rate.")
    if drop >= SLOW_DROP and not (val_up or val_better):
        return (f"Training loss fell {drop:.0%} to {loss:.3f}, but validation has not followed: accuracy {val_acc:.3f} "
                f"is not clearly above chance ({vc:.3f}, {noise}). A falling loss shows the optimiser working, not yet "
                "a pattern that carries over.")
    if drop >= SLOW_DROP:
        pace = "Fast" if drop >= FAST_DROP else "Steady"
        if val_better:
            accuracy = (f"accuracy {prev['val_accuracy']:.3f} to {val_acc:.3f}" if val_acc - prev["val_accuracy"] > val_gain
                        else f"accuracy {val_acc:.3f}, within its noise of the {prev['val_accuracy']:.3f} before")
            return (f"{pace} improvement: loss fell {drop:.0%} to {loss:.3f}, and validation agrees: loss "
                    f"{prev['val_loss']:.3f} to {val_loss:.3f}, {accuracy}.")
        return (f"Training loss fell {'fast' if pace == 'Fast' else 'steadily'}: {drop:.0%} to {loss:.3f}; validation "
                f"held at accuracy {val_acc:.3f} (loss {val_loss:.3f}), any change within its noise.")
    if acc >= HIGH_ACCURACY and val_up:
        return (f"Converging: loss barely moved ({_small(prev['loss'], loss, shown).removeprefix('by only ').removeprefix('only ')}) at accuracy {acc:.3f}; validation {val_acc:.3f}, "
                "any change within its noise.")
    if acc - prev["accuracy"] > train_gain:
        return (f"Slow going: loss changed {_small(prev['loss'], loss, shown)}, but accuracy rose to {acc:.3f} "
                f"(from {prev['accuracy']:.3f}, more than its noise); validation {val_acc:.3f}.")
    if val_better:
        return (f"Slow going: training loss changed {_small(prev['loss'], loss, shown)}, but on the validation sequences "
                f"loss went from {prev['val_loss']:.3f} to {val_loss:.3f} and accuracy from {prev['val_accuracy']:.3f} "
                f"to {val_acc:.3f}.")
    if prev["accuracy"] - acc > train_gain:
        return (f"Slipped back: loss changed {_small(prev['loss'], loss, shown)}, but accuracy fell to {acc:.3f} "
                f"(from {prev['accuracy']:.3f}); validation {val_acc:.3f}. One epoch can do this; watch the next.")
    return (f"Plateau: loss changed {_small(prev['loss'], loss, shown)} and accuracy by {acc - prev['accuracy']:+.3f} "
            f"(to {acc:.3f}), within its noise; little progress this epoch.")

