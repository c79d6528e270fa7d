"""Synthetic sequences whose label depends on the order of the timesteps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.config import LSTMConfig

NOISE = 0.1  # per-value noise: the first epoch sits near chance, then the trend comes through
MIN_RISE, MAX_RISE = 0.1, 0.35  # total climb from the lower end of a sequence to its upper end
FEATURE_OFFSET = 0.1  # each feature sits a little above or below the sequence's level


SYNTHETIC = "synthetic"  # the data key of the lesson's ramps; a CSV's key is a digest of its file and choices
# What each label means (index 0, 1), as every part of the page names a class: the lesson's ramps drift
# down or up; a file's label is about its target's next row.
LABEL_WORDS = {True: ("down", "up"), False: ("does not rise next", "rises next")}


def label_name(label: int, synthetic: bool) -> str:
    """'label 1 (up)': a class as the page names it."""
    return f"label {int(label)} ({LABEL_WORDS[synthetic][int(label)]})"


@dataclass(frozen=True)
class Dataset:
    """Inputs, labels and a plain description of the task."""

    x: np.ndarray  # (sequences, timesteps, features) float32
    y: np.ndarray  # (sequences,) float32, 0 or 1
    description: str
    feature_names: tuple[str, ...]
    name: str = "Synthetic (lesson)"
    key: str = SYNTHETIC  # what the data is, beyond the config: caches key runs by config and this
    target: str | None = None  # a CSV's column whose rise in the next row is label 1 (None: the lesson's ramps)
    changes: bool = False  # a CSV's features include each column's change from the row before
    scale: tuple | None = None  # a CSV's (low, span) per feature: the file's value = scaled * span + low

    @property
    def synthetic(self) -> bool:
        """The lesson's own ramps, made from the config (not a CSV file's windows)."""
        return self.key == SYNTHETIC

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.x.shape  # type: ignore[return-value]


def make_dataset(config: LSTMConfig) -> Dataset:
    """Noisy ramps that go up (label 1) or down (label 0) at a random level.

    A down sequence is an up sequence played backwards, so both labels have the same values in
    a different order: a model that ignores order (or sees the time-shuffled sequence) is at
    chance, and the last timestep alone tells little because the level is random.
    """
    rng = np.random.default_rng(config.seed)
    n, t, f = config.sequences, config.timesteps, config.features
    y = rng.integers(0, 2, size=n)  # (n,)
    if np.ptp(y[: config.train_sequences]) == 0:  # a tiny draw with one label (10 sequences: 1 in 128) has
        y[0] = 1 - y[0]  # nothing to learn and 100% chance; the first one goes the other way
    rise = rng.uniform(MIN_RISE, MAX_RISE, size=(n, 1, 1))  # (n, 1, 1)
    level = rng.uniform(0.0, 1.0 - rise)  # (n, 1, 1): where the low end sits, so values stay in 0..1
    ramp = np.linspace(0.0, 1.0, t)[None, :, None]  # (1, t, 1)
    ramp = np.where(y[:, None, None] == 1, ramp, ramp[:, ::-1])  # (n, t, 1): reversed for label 0
    offset = rng.uniform(-FEATURE_OFFSET, FEATURE_OFFSET, size=(n, 1, f))  # (n, 1, f)
    x = level + rise * ramp + offset + rng.normal(0.0, NOISE, size=(n, t, f))  # (n, t, f)
    return Dataset(
        x=x.astype(np.float32),
        y=y.astype(np.float32),
        description=describe(config, float(x.min()), float(x.max())),
        feature_names=tuple(f"feature {i + 1}" for i in range(f)),
    )


def describe(config: LSTMConfig, low: float, high: float) -> str:
    """The data in words; ``low`` and ``high``: its smallest and largest values (a level in 0..1, plus each
    feature's offset and the noise, reach a little beyond it)."""
    return (
        f"{config.sequences} synthetic sequences, each {config.timesteps} timesteps of {config.features} "
        f"feature{'s' if config.features != 1 else ''} with values from {low:.1f} to {high:.1f}. Each sequence drifts steadily "
        "up (label 1) or down (label 0) from a random level. A down sequence is an up sequence played backwards, "
        "so only the order of the values tells them apart: the model must use where in the sequence each value "
        "sits, for example how the start compares with the end."
    )
