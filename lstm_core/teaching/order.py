"""What "Does order matter?" shows: the recurrent model (LSTM, GRU or SimpleRNN) against its time-shuffled copy
and the whole-window Dense model (lstm_core.pipeline.order trains them), every comparison against its noise."""

from __future__ import annotations

from lstm_core.config import CELL_NAMES
from lstm_core.pipeline.noise import Yardstick, compare


def explanation(lstm: float, shuffled: float, window: float, yard: Yardstick, synthetic: bool, timesteps: int,
                changes: bool = False, cell: str = "lstm") -> str:
    """What the three validation accuracies show, and what they do not; every comparison against its noise.
    ``lstm`` is the run's own model's accuracy, whichever ``cell`` (config.cell) it is, and names it."""
    n, name = yard.n_val, CELL_NAMES[cell]
    if synthetic:
        same = (f"All three models see exactly the same numbers. The shuffled {name} sees each sequence's steps in a "
                "random order, so it can use which values appear, not when; here a down sequence is an up sequence "
                "played backwards, so the values alone cannot tell them apart.")
    elif changes:  # each change compares a row with the one before: a local order that survives the shuffle
        same = (f"All three models see the same numbers. The shuffled {name} sees each window's rows in a random order, "
                "but each row's change from the row before travels with it, so it still knows how the series moved at "
                "every step, only not when.")
    else:
        same = (f"All three models see the same numbers. The shuffled {name} sees each window's rows in a random order: "
                "it can use which values appear, not when.")
    if not yard.val_above(lstm):  # a model that learned nothing says nothing about order
        return (f"{same} In this run the {name} itself is not clearly above chance: validation accuracy {lstm:.3f}, against "
                f"{yard.val_chance:.3f} for always guessing the more common label (±{yard.val_margin:.3f} on {n} "
                "held-out sequences). Until it learns, this comparison shows nothing about order: train it with more "
                "epochs or a different learning rate first.")
    vs_shuffled = compare(lstm, shuffled, n)
    if vs_shuffled.sign > 0:
        order = (f"Shuffling the time order cost the {name} {vs_shuffled.gap:.3f} of validation accuracy ({lstm:.3f} "
                 f"against {shuffled:.3f}; {vs_shuffled.said()}): the order of the last {timesteps} steps carries "
                 "information this model uses.")
    elif vs_shuffled.sign == 0:
        beyond = "the order, beyond each row's change from the row before," if changes else "the order"
        order = (f"The {name} and its time-shuffled copy score {lstm:.3f} and {shuffled:.3f}: {vs_shuffled.said()}, so "
                 f"this run cannot show that {beyond} helps this model."
                 + (" On this data the order is all that separates the labels: more training, or more held-out "
                    "sequences, would tell." if synthetic else ""))
    else:
        order = (f"The time-shuffled {name} did better ({shuffled:.3f} against {lstm:.3f}; {vs_shuffled.said()}): the "
                 "order did not help this model here.")
    vs_window = compare(lstm, window, n)
    if not yard.val_above(window):
        dense = (f"The whole-window Dense model, which sees all {timesteps} steps at once and has no memory, is not "
                 f"clearly above chance ({window:.3f}).")
    elif synthetic:  # the ramps are linear in the window: a weight per step reads the trend
        dense = (f"The whole-window Dense model, which sees all {timesteps} steps at once in place and has no memory, "
                 f"reached {window:.3f}: the order can be read without any recurrence, by weighing each step's "
                 "position.")
    else:
        dense = (f"The whole-window Dense model, which sees all {timesteps} rows at once in place and has no memory, "
                 f"reached {window:.3f}.")
    if vs_window.sign > 0:
        dense += f" The {name} did better ({vs_window.said()})."
    elif vs_window.sign < 0:
        dense += f" It beat the {name} ({vs_window.said()})."
    else:
        dense += f" Against the {name} it is {vs_window.said()}."
    adds = (f" What the {name} adds is how it reads: one step at a time, with the same weights for any sequence length, "
            "carrying what it needs in its state. The Dense model needs a weight for every step of a fixed-length "
            "window.")
    return f"{same} {order} {dense}{adds}"
