"""Does order matter? The LSTM against two comparison models trained on the same split:

1. the same LSTM on a copy of the data with each sequence's timesteps shuffled (the values stay, the
   order goes): if it does as well, the order carried nothing this model used;
2. a whole-window Dense model (Flatten, then one Dense unit): it sees every timestep at once, each in
   its place, with no memory. The lesson's up-or-down ramps are linear in the whole window, so this
   model can solve them: order matters in the data, yet recurrence is not needed to read it.

Each verdict compares a gap with its noise (lstm_core.noise): under 2 standard errors it is too
close to call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lstm_core.config import LSTMConfig
from lstm_core.data import Dataset, make_dataset
from lstm_core.noise import Yardstick, compare

SHUFFLED_LABEL = "Same LSTM, time order shuffled"
WINDOW_LABEL = "Whole-window Dense, no memory"


def time_shuffled(dataset: Dataset, seed: int) -> Dataset:
    """A copy with each sequence's timesteps in a random order (features stay together)."""
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random(dataset.x.shape[:2]), axis=1)  # (sequences, timesteps)
    x = np.take_along_axis(dataset.x, order[:, :, None], axis=1)
    return replace(dataset, x=x, description=dataset.description + " (time order shuffled)",
                   name=dataset.name + ", shuffled", key=dataset.key + ":shuffled")


@dataclass
class WindowRun:
    """The whole-window Dense model's result: what the comparison shows of it."""

    config: LSTMConfig
    history: pd.DataFrame
    params: int
    timings: dict[str, float]


@dataclass
class OrderBaselines:
    """Both comparison models of one run."""

    shuffled: object  # a train.Run: the same LSTM on time-shuffled sequences
    window: WindowRun


def build_window_model(config: LSTMConfig):
    """Flatten the (timesteps, features) window, then one sigmoid unit: timesteps x features + 1 weights."""
    from lstm_core._keras import keras

    inputs = keras.Input(shape=(config.timesteps, config.features), name="window")
    flat = keras.layers.Flatten(name="flatten")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="dense",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed=config.seed + 2))(flat)
    model = keras.Model(inputs, outputs, name="whole_window_dense")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def train_window(config: LSTMConfig, dataset: Dataset, on_epoch=None, on_batch=None) -> WindowRun:
    """Fit the whole-window Dense model with the LSTM's split, schedule and optimiser."""
    from lstm_core.noise import yardstick
    from lstm_core.run import history_frame
    from lstm_core.train import EpochReporter

    start = time.perf_counter()
    model = build_window_model(config)
    n = config.train_sequences
    reporter = EpochReporter(on_epoch, yardstick(dataset.y, n), None, on_batch)
    model.fit(dataset.x[:n], dataset.y[:n], validation_data=(dataset.x[n:], dataset.y[n:]), epochs=config.epochs,
              batch_size=config.batch_size, shuffle=False, verbose=0, callbacks=[reporter])
    return WindowRun(config, history_frame(reporter.rows), model.count_params(), {"total": time.perf_counter() - start})


def train_baselines(config: LSTMConfig, on_epoch=None, dataset: Dataset | None = None, on_batch=None) -> OrderBaselines:
    """Both baselines, one after the other; ``on_epoch`` sees the shuffled LSTM's epochs, then the Dense model's."""
    from lstm_core.train import train

    dataset = dataset if dataset is not None else make_dataset(config)
    shuffled = train(config, dataset=time_shuffled(dataset, config.seed), on_epoch=on_epoch, on_batch=on_batch)
    return OrderBaselines(shuffled, train_window(config, dataset, on_epoch, on_batch))


def explanation(lstm: float, shuffled: float, window: float, yard: Yardstick, synthetic: bool, timesteps: int,
                changes: bool = False) -> str:
    """What the three validation accuracies show, and what they do not; every comparison against its noise."""
    n = yard.n_val
    if synthetic:
        same = ("All three models see exactly the same numbers. The shuffled LSTM sees each sequence's steps in a "
                "random order, so it can use which values appear, not when; here a down sequence is an up sequence "
                "played backwards, so the values alone cannot tell them apart.")
    elif changes:  # each change compares a row with the one before: a local order that survives the shuffle
        same = ("All three models see the same numbers. The shuffled LSTM sees each window's rows in a random order, "
                "but each row's change from the row before travels with it, so it still knows how the series moved at "
                "every step, only not when.")
    else:
        same = ("All three models see the same numbers. The shuffled LSTM sees each window's rows in a random order: "
                "it can use which values appear, not when.")
    if not yard.val_above(lstm):  # an LSTM that learned nothing says nothing about order
        return (f"{same} In this run the LSTM itself is not clearly above chance: validation accuracy {lstm:.3f}, against "
                f"{yard.val_chance:.3f} for always guessing the more common label (±{yard.val_margin:.3f} on {n} "
                "held-out sequences). Until it learns, this comparison shows nothing about order: train it with more "
                "epochs or a different learning rate first.")
    vs_shuffled = compare(lstm, shuffled, n)
    if vs_shuffled.sign > 0:
        order = (f"Shuffling the time order cost the LSTM {vs_shuffled.gap:.3f} of validation accuracy ({lstm:.3f} "
                 f"against {shuffled:.3f}; {vs_shuffled.said()}): the order of the last {timesteps} steps carries "
                 "information this model uses.")
    elif vs_shuffled.sign == 0:
        beyond = "the order, beyond each row's change from the row before," if changes else "the order"
        order = (f"The LSTM and its time-shuffled copy score {lstm:.3f} and {shuffled:.3f}: {vs_shuffled.said()}, so "
                 f"this run cannot show that {beyond} helps this model."
                 + (" On this data the order is all that separates the labels: more training, or more held-out "
                    "sequences, would tell." if synthetic else ""))
    else:
        order = (f"The time-shuffled LSTM did better ({shuffled:.3f} against {lstm:.3f}; {vs_shuffled.said()}): the "
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
        dense += f" The LSTM did better ({vs_window.said()})."
    elif vs_window.sign < 0:
        dense += f" It beat the LSTM ({vs_window.said()})."
    else:
        dense += f" Against the LSTM it is {vs_window.said()}."
    adds = (" What the LSTM adds is how it reads: one step at a time, with the same weights for any sequence length, "
            "carrying what it needs in its state. The Dense model needs a weight for every step of a fixed-length "
            "window.")
    return f"{same} {order} {dense}{adds}"
