"""One frozen config for every entry point: the CLI, the sidebar, URL presets and the tests."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any

from lstm_core.formats import quoted


class ConfigError(ValueError):
    """A config value is out of range; names the field, the value and what is allowed."""

    def __init__(self, field: str, value: Any, allowed: str, detail: str = "", cap: str = ""):
        self.field, self.value, self.allowed = field, value, allowed
        self.cap = cap  # "data cap" or "work cap" when each value is in range but together they break it
        msg = detail or f"{field} = {quoted(value)} is out of range; allowed: {allowed}."
        super().__init__(msg)


@dataclass(frozen=True)
class FieldSpec:
    """The allowed range of one numeric config field, and how to show it."""

    name: str
    label: str  # what the sidebar and CLI help call it
    kind: type  # int, float, or str for a choice
    low: float
    high: float
    help: str
    choices: tuple[str, ...] = ()  # a str field's allowed values, the first the default

    @property
    def allowed(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        fmt = (lambda v: f"{v:g}") if self.kind is float else (lambda v: f"{int(v)}")
        return f"{fmt(self.low)} to {fmt(self.high)}"


# config.cell -> its Keras layer, by the class's name; lstm is the lesson's default
CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}
CELLS = tuple(CELL_NAMES)
# Weight blocks per cell: the LSTM's i | f | c | o, the GRU's z | r | h, the SimpleRNN's one.
BLOCKS = {"lstm": 4, "gru": 3, "rnn": 1}

# The one source of truth for ranges: the sidebar, the CLI and URL presets read these.
FIELDS: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        FieldSpec("sequences", "Sequences", int, 10, 20000, "How many example sequences to generate."),
        FieldSpec("timesteps", "Timesteps", int, 2, 200, "Steps in each sequence; the LSTM reads them in order."),
        FieldSpec("features", "Features", int, 1, 32, "Numbers measured at every timestep."),
        FieldSpec("cell", "Cell", str, 0, 0,
                  "The recurrent layer's cell: lstm (gates i, f, o and a cell state c), gru (gates z and r, no cell "
                  "state) or rnn (Keras's SimpleRNN: no gates at all). Compare them to see what the gates buy.",
                  CELLS),
        FieldSpec("units", "Units", int, 1, 256,
                  "How many units the recurrent layer has. Each keeps a memory (for the LSTM, a cell state c) and "
                  "shows a hidden state h; at the last step, the units' h values are the summary vector the Dense "
                  "layer reads. The Prediction trace tab draws one cell."),
        FieldSpec("epochs", "Epochs", int, 1, 100, "Full passes over the training sequences."),
        FieldSpec("batch_size", "Batch size", int, 1, 1024, "Sequences per gradient step."),
        FieldSpec("learning_rate", "Learning rate", float, 1e-5, 1.0, "Adam's step size."),
        FieldSpec("validation_split", "Validation split", float, 0.05, 0.5, "Share of sequences held out."),
        FieldSpec("seed", "Seed", int, 0, 2**31 - 1, "Seeds the data and the initial weights."),
    )
}

# What a learner sets (the sidebar, URL presets, the command line's options), in the order a share link
# and the command line's help list them: the model's size and training first, then the data.
SETTABLE = ("cell", "units", "epochs", "timesteps", "features", "sequences", "batch_size", "learning_rate", "seed")

# Resource caps, so that any allowed config fits a small cloud container (docs/config-and-caps.md).
MAX_TRAIN_SECONDS = 30.0  # estimated by cost_seconds() below, fitted on a 2-core machine
MAX_DATA_VALUES = 4_000_000  # sequences x timesteps x features, float32: 16 MB of inputs

# Cost model, fitted on a 2-core machine by benchmarks/bench_cost_model.py (see docs/performance.md).
# Each coefficient is the fitted value plus about 30%, so the estimate errs on the slow side.
COST_FIXED = 1.5  # seconds to build the model and trace its train (and, for long runs, test) functions (fitted 0.9)
COST_PER_EPOCH = 0.06  # seconds per epoch whatever its size: the validation pass, callbacks (0.044)
COST_PER_BATCH = 1.6e-3  # seconds per batch: one optimizer step or one validation batch (1.23e-3)
# seconds per batch per timestep: the recurrent loop runs once per step (fitted 5.05e-5; raised from 6.5e-5 when
# a slower day trained 200 timesteps x 45 epochs in 36 s, 1.2x the cap: docs/performance.md)
COST_PER_STEP = 9e-5
COST_PER_MAC = 7e-11  # seconds per multiply-add: 4 gates x units x (features + units + 1) per step (5.2e-11)
# Small batches through big weights: every batch-step reads the LSTM's weights (and training writes their
# gradients), whatever the batch size. At 256 units and batch sizes 1 to 8 this, not the arithmetic, sets
# the pace: up to 1.6x the terms above (2026-11-25). Set so that no measured config passed 0.85x its estimate.
COST_PER_WEIGHT_STEP = 6e-10  # seconds per LSTM weight per batch per timestep (x3 for a training batch)
# The other cells, charged as an LSTM of the same size times their factor. Keras's GRU has fewer weights but
# more steps per timestep, and measured up to 1.5x an LSTM's time (batch size 8, 100 timesteps), never
# under 0.68x; the SimpleRNN up to 1.11x (batch size 1), since per-step overhead, not arithmetic, sets the
# pace of small models (benchmarks/bench_cost_model.py --cells, docs/performance.md).
CELL_COST = {"lstm": 1.0, "gru": 1.5, "rnn": 1.15}


@dataclass(frozen=True)
class LSTMConfig:
    """Everything that defines one run. Frozen, so it can key a cache."""

    sequences: int = 1000  # the seed's 1000 sequences
    timesteps: int = 10  # the seed's 10 timesteps
    features: int = 5  # the seed's 5 features
    units: int = 20  # the seed's 20 units: small enough to inspect gate by gate
    epochs: int = 5  # the seed's epoch table has 5 rows
    batch_size: int = 32  # Keras's default
    learning_rate: float = 0.005  # Adam at 5x its default: loss falls over all 5 epochs, as in the seed
    validation_split: float = 0.2  # 800 sequences train, 200 check for overfitting
    seed: int = 0  # seeds the data Generator and every initializer
    cell: str = "lstm"  # the lesson's LSTM; gru and rnn beside it show what gates do

    def __post_init__(self) -> None:
        validate(self)

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> LSTMConfig:
        """Build from loose values (CLI, widgets, URL); unknown keys are an error."""
        unknown = set(values) - set(FIELDS)
        if unknown:
            name = sorted(unknown)[0]
            raise ConfigError(name, values[name], "one of " + ", ".join(FIELDS))
        return cls(**{k: coerce(k, v) for k, v in values.items()})

    def replace(self, **changes: Any) -> LSTMConfig:
        return dataclasses.replace(self, **{k: coerce(k, v) for k, v in changes.items()})

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def key(self) -> str:
        """A stable string for cache keys and URLs."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_key(cls, key: str) -> LSTMConfig:
        return cls.from_values(json.loads(key))

    @property
    def train_sequences(self) -> int:
        return self.sequences - self.val_sequences

    @property
    def val_sequences(self) -> int:
        # Keras's validation_split takes the last int(n * split) samples; keep at least one each side.
        return min(max(1, int(self.sequences * self.validation_split)), self.sequences - 1)

    @property
    def recurrent_parameters(self) -> int:
        """The recurrent layer's trainable parameters, as Keras counts them. Each weight block has one weight
        per unit for every input feature and every recurrent h, and a bias per unit: the LSTM's 4 blocks
        give 4u(F+u+1), the SimpleRNN's one u(F+u+1). The GRU's 3 blocks keep two biases each (Keras's
        default reset_after=True adds the recurrent one after the reset gate): 3u(F+u+2)."""
        u, f = self.units, self.features
        return BLOCKS[self.cell] * u * (f + u + (2 if self.cell == "gru" else 1))


def coerce(name: str, value: Any) -> int | float | str:
    """Turn a loose value (str from the CLI or a URL, float from a widget) into the field's type."""
    spec = FIELDS[name]
    if spec.choices:
        word = value.strip().lower() if isinstance(value, str) else value
        if word not in spec.choices:
            raise ConfigError(name, value, spec.allowed, f"{name} = {quoted(value)} is not a {name} here; allowed: {spec.allowed}.")
        return word
    if isinstance(value, bool):
        raise ConfigError(name, value, f"a number from {spec.allowed}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(name, value, spec.allowed, f"{name} = {quoted(value)} is not a number; allowed: {spec.allowed}.") from None
    if spec.kind is int:
        if not math.isfinite(number) or number != int(number):
            raise ConfigError(name, value, spec.allowed, f"{name} = {quoted(value)} is not a whole number; allowed: {spec.allowed}.")
        return int(number)
    return number


def checked_value(name: str, value: Any) -> int | float | str:
    """One field on its own: coerced, and inside its range. The caps need the whole config."""
    number, spec = coerce(name, value), FIELDS[name]
    if spec.choices:
        return number
    if not (math.isfinite(number) and spec.low <= number <= spec.high):
        raise ConfigError(name, number, spec.allowed)
    return number


def validate(config: LSTMConfig, fixed: tuple[str, ...] = (), derive=None) -> None:
    """The one place every config is checked. Raises ConfigError. A cap's message suggests new values
    only for fields not in ``fixed`` (a CSV file sets sequences and features, not the learner), and
    checks each suggestion through ``derive`` (for a file: fewer timesteps make more windows)."""
    def fits_data(c: LSTMConfig) -> bool:
        return c.sequences * c.timesteps * c.features <= MAX_DATA_VALUES

    def fits_work(c: LSTMConfig) -> bool:
        return cost_seconds(c) <= MAX_TRAIN_SECONDS

    derive = derive or (lambda c: c)

    def fits(c: LSTMConfig) -> bool:  # advice must pass both caps: following one cap's advice into the other is no help
        return fits_data(derive(c)) and fits_work(derive(c))

    for name, spec in FIELDS.items():
        value = getattr(config, name)
        if spec.choices:
            if value not in spec.choices:
                raise ConfigError(name, value, spec.allowed, f"{name} = {quoted(value)} is not a {name} here; allowed: {spec.allowed}.")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(name, value, spec.allowed, f"{name} = {quoted(value)} is not a number; allowed: {spec.allowed}.")
        if spec.kind is int and not isinstance(value, int):
            raise ConfigError(name, value, spec.allowed, f"{name} = {quoted(value)} is not a whole number; allowed: {spec.allowed}.")
        if not (math.isfinite(value) and spec.low <= value <= spec.high):
            raise ConfigError(name, value, spec.allowed)
    if not fits_data(config):
        values = config.sequences * config.timesteps * config.features
        raise ConfigError(
            "sequences", config.sequences, f"sequences x timesteps x features <= {MAX_DATA_VALUES:,}",
            f"too much data to train here (data cap): "
            f"{_limits_text(config, fits, _free(('sequences', 'timesteps', 'features'), fixed))}. "
            f"{config.sequences} sequences x {config.timesteps} timesteps x {config.features} features "
            f"= {values:,} values; the cap is {MAX_DATA_VALUES:,}.",
            cap="data cap",
        )
    if not fits_work(config):
        seconds = cost_seconds(config)
        raise ConfigError(
            "epochs", config.epochs, f"an estimated training time <= {MAX_TRAIN_SECONDS:g} s",
            f"too slow to train here (work cap): {_limits_text(config, fits, _free(WORK_FIELDS, fixed))}. "
            f"This setup would train for about {seconds:.1f} s; the cap is {MAX_TRAIN_SECONDS:g} s.",
            cap="work cap",
        )


WORK_FIELDS = ("sequences", "timesteps", "units", "epochs", "batch_size")


def _free(fields: tuple[str, ...], fixed: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in fields if f not in fixed)


def cost_seconds(config: LSTMConfig) -> float:
    """Estimated training time on 2 cores: the work cap is a bound on this. Every cell is costed as an LSTM of
    its size, times its CELL_COST."""
    u, t = config.units, config.timesteps
    weights = 4 * u * (config.features + u + 1)  # the LSTM's weights: the terms below were fitted on it
    macs_per_step = weights + u  # the LSTM's 4 gates and the Dense head, per sequence per timestep
    train_batches = math.ceil(config.train_sequences / config.batch_size)
    batches = train_batches + math.ceil(config.val_sequences / config.batch_size)
    # Training does forward and backward (about 3x a forward pass); validation is forward only.
    macs = (3 * config.train_sequences + config.val_sequences) * t * macs_per_step
    weight_steps = (2 * train_batches + batches) * t * weights  # 3 per training batch-step, 1 per validation one
    per_epoch = (COST_PER_EPOCH + COST_PER_BATCH * batches + COST_PER_STEP * batches * t + COST_PER_MAC * macs
                 + COST_PER_WEIGHT_STEP * weight_steps)
    return COST_FIXED + config.epochs * per_epoch * CELL_COST[config.cell]


def _limits_text(config: LSTMConfig, fits, fields: tuple[str, ...]) -> str:
    """'set units <= 40, or epochs <= 3 (keeping the other values)': the largest value of each field that
    fits both caps (following one cap's advice into the other is no help)."""
    options = []
    for name in fields:
        best = _largest_fitting(config, name, fits)
        if best is not None and best != getattr(config, name):
            options.append(f"{name} <= {best}" if name != "batch_size" else f"batch_size >= {best}")
    if not options:
        return "lower some of " + ", ".join(fields)
    return "set " + ", or ".join(options) + " (keeping the other values)"


def _largest_fitting(config: LSTMConfig, name: str, fits) -> int | None:
    """Binary search the field's range for the largest value (smallest, for batch_size) that fits."""
    spec = FIELDS[name]
    low, high = int(spec.low), int(spec.high)

    def ok(v: int) -> bool:
        return fits(unchecked(config, **{name: v}))

    if name == "batch_size":  # bigger batches are cheaper: look for the smallest that fits
        if not ok(high):
            return None
        while low < high:
            mid = (low + high) // 2
            low, high = (low, mid) if ok(mid) else (mid + 1, high)
        return low
    if not ok(low):
        return None
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if ok(mid) else (low, mid - 1)
    return low


def unchecked(config: LSTMConfig, **changes: Any) -> LSTMConfig:
    """A copy that skips validation, for probing the caps."""
    new = object.__new__(LSTMConfig)
    for k, v in {**config.to_dict(), **changes}.items():
        object.__setattr__(new, k, v)
    return new
