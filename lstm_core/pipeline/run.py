"""A finished run as the page sees it: config, data, history, timings and weights as NumPy arrays.

Nothing here imports TensorFlow: the web server unpickles runs trained in worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from lstm_core.config import LSTMConfig
from lstm_core.data.keys import run_key
from lstm_core.data.synthetic import Dataset

HISTORY_COLUMNS = ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"]
NOISE_COLUMNS = ["val_loss_se_prev", "val_loss_se_best"]  # measured with eager validation; NaN with Keras's

KERAS_CHECK_VALUES = 250_000  # per-step hidden-state values kept from Keras for checking traces: 1 MB of float32


@dataclass(frozen=True)
class KerasCheck:
    """Keras's own outputs for a run's sequences, computed where the model was trained, so that a
    process without TensorFlow can check its NumPy trace against them."""

    hidden: np.ndarray  # (samples, timesteps, units): every step's h for the first `samples` sequences
    scores: np.ndarray  # (sequences,): every sequence's score

    @property
    def samples(self) -> int:
        return len(self.hidden)


@dataclass(frozen=True)
class GradientFlow:
    """‖∂loss/∂x_t‖ per timestep, relative to the last (1.0), averaged over the held-out sequences: for the
    model as built and as trained (measured in the worker by pipeline.gradients)."""

    init: np.ndarray  # (timesteps,)
    trained: np.ndarray  # (timesteps,)


# The models "Why gates?" trains side by side: each cell, and the LSTM with its forget bias starting at 0.
VARIANTS = ("lstm", "gru", "rnn", "lstm_bias0")
SEEDS = 3  # one seed can mislead: each variant starts from 3 seeds' weights, on the same data


@dataclass(frozen=True)
class VariantRun:
    """One variant from one seed: how far its gradient reaches back, and how well it did."""

    variant: str  # one of VARIANTS
    seed: int
    flow: GradientFlow | None  # None when its training diverged
    val_accuracy: float  # the last epoch's
    val_sequences: int
    seconds: float


@dataclass(frozen=True)
class CellComparison:
    """Every variant asked for, over SEEDS seeds, on one run's data and settings (pipeline.cell_compare)."""

    config: LSTMConfig  # the run's: each variant changes its cell (and the forget bias) and its seed
    runs: tuple[VariantRun, ...]

    def of(self, variant: str) -> list[VariantRun]:
        return [r for r in self.runs if r.variant == variant]


@dataclass(frozen=True)
class HorizonPoint:
    """One cell trained on the memory-horizon task at one lag (data.horizon)."""

    cell: str
    lag: int
    val_accuracy: float
    val_sequences: int
    first_share: float  # the trained model's gradient at the first step relative to the last (NaN: diverged)
    seconds: float


@dataclass(frozen=True)
class HorizonResult:
    """Every cell at every lag of one memory-horizon experiment (pipeline.horizon)."""

    config: LSTMConfig  # the run's settings the cells trained with (units, epochs, optimiser, seed)
    horizon: object  # data.horizon.Horizon: the longest lag, the noise level, the data seed
    points: tuple[HorizonPoint, ...]


@dataclass
class Run:
    """A finished training run: its data, history and timings, and the weights as NumPy arrays.

    ``model`` is the Keras model only in the process that trained it: it is never pickled, so a run
    handed to the web server carries NumPy arrays and the model's ``.keras`` bytes, and no TensorFlow.
    """

    config: LSTMConfig
    dataset: Dataset
    history: pd.DataFrame  # one row per epoch: history_frame()
    timings: dict[str, float]  # seconds: data, build, fit, total
    params: dict[str, int] = field(default_factory=dict)
    trained: dict[str, np.ndarray] = field(default_factory=dict)  # weights_of() the model after the last epoch
    initial_weights: dict[str, np.ndarray] = field(default_factory=dict)  # the same, before the first batch
    keras: KerasCheck | None = None  # set by finish()
    keras_bytes: bytes | None = None  # the model in Keras's .keras format, set by finish()
    gradient_flow: GradientFlow | None = None  # set by finish() (None: diverged)
    model: object | None = None  # the Keras model, in the training process only

    def __getstate__(self) -> dict:
        return {**self.__dict__, "model": None}  # a Keras model stays where TensorFlow is

    @property
    def key(self) -> str:
        """Config and data together: what a cache of runs is keyed by."""
        return run_key(self.config, self.dataset.key)

    @cached_property  # a finished run does not change, and several tabs ask
    def diverged(self) -> bool:
        """The loss became NaN or infinite: the weights are no longer numbers, and nothing computed from
        them (gates, scores, insights) means anything."""
        return not np.isfinite(self.history["loss"].to_numpy()).all() or not all(
            np.isfinite(w).all() for w in self.weights().values())

    def weights(self) -> dict[str, np.ndarray]:
        """The trained weights as NumPy arrays, under Keras's names."""
        return self.trained


def history_frame(rows: list[dict]) -> pd.DataFrame:
    """Epoch rows (streamed or finished) as the one history frame: HISTORY_COLUMNS, then NOISE_COLUMNS,
    what the observations and insights judge validation loss by (NaN where an epoch has none)."""
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    for column in NOISE_COLUMNS:
        frame[column] = [row.get(column, np.nan) for row in rows]
    return frame
