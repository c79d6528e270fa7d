"""The memory-horizon task, the lesson's companion: the label is the sign of the first step, and ``lag`` steps
of noise follow it. Only a model that carries the first step across the whole lag can beat chance, so the
longest lag a cell still solves is its memory horizon on this training budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.data.synthetic import Dataset
from lstm_core.formats import quoted

LAG_RANGE = (1, 100)  # steps of noise after the first: up to 101 timesteps, inside the timesteps field's 200
NOISE_RANGE = (0.0, 2.0)  # the noise's standard deviation; the first step is ±1
LAG, NOISE = "Longest lag", "Noise level"  # the two inputs, as the page labels them and its messages name them
SEQUENCES = 1000  # as the lesson's default: 200 held out, so an accuracy's noise is about ±0.07 near chance


class HorizonError(ValueError):
    """A lag or noise level out of range: names the value and what is allowed."""


def checked(lag, noise) -> tuple[int, float]:
    """The lag and noise level as numbers in range, or a HorizonError that says what to enter."""
    allowed = {LAG: f"a whole number from {LAG_RANGE[0]} to {LAG_RANGE[1]}",
               NOISE: f"{NOISE_RANGE[0]:g} to {NOISE_RANGE[1]:g}"}
    values = {}
    for name, value in ((LAG, lag), (NOISE, noise)):
        if value is None or (isinstance(value, str) and not value.strip()):
            raise HorizonError(f"{name} is empty; enter {allowed[name]}.")
        try:
            values[name] = float(value)
        except (TypeError, ValueError):
            raise HorizonError(f"{name} = {quoted(value)} is not a number; allowed: {allowed[name]}.") from None
    if not (LAG_RANGE[0] <= values[LAG] <= LAG_RANGE[1] and values[LAG] == int(values[LAG])):
        raise HorizonError(f"{LAG} = {quoted(lag)} is out of range; allowed: {allowed[LAG]}.")
    if not (NOISE_RANGE[0] <= values[NOISE] <= NOISE_RANGE[1]):
        raise HorizonError(f"{NOISE} = {quoted(noise)} is out of range; allowed: {allowed[NOISE]}.")
    return int(values[LAG]), values[NOISE]


def lags_up_to(lag: int) -> tuple[int, ...]:
    """The lags trained for a longest lag: an eighth, a quarter, a half and all of it (distinct, at least 1)."""
    return tuple(sorted({max(1, lag * k // 8) for k in (1, 2, 4, 8)}))


@dataclass(frozen=True)
class Horizon:
    """One memory-horizon dataset's recipe: what a job is keyed by."""

    lag: int
    noise: float
    seed: int

    def key(self) -> str:
        return f"horizon:lag={self.lag}:noise={self.noise!r}:seed={self.seed}"


def make_horizon(horizon: Horizon) -> Dataset:
    """SEQUENCES sequences of lag + 1 timesteps and 1 feature: the first step is +1 (label 1) or -1 (label 0),
    every later step is Gaussian noise with the given standard deviation."""
    rng = np.random.default_rng(horizon.seed)
    y = rng.integers(0, 2, size=SEQUENCES)
    x = rng.normal(0.0, horizon.noise, size=(SEQUENCES, horizon.lag + 1, 1))
    x[:, 0, 0] = 2.0 * y - 1.0
    return Dataset(x.astype(np.float32), y.astype(np.float32),
                   f"{SEQUENCES} sequences: the first step is +1 (label 1) or -1 (label 0), then {horizon.lag} steps of "
                   f"noise (standard deviation {horizon.noise:g}).", ("value",), name="Memory horizon",
                   key=horizon.key())
