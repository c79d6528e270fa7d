"""Instructor presets by URL: ?units=32&epochs=10&timesteps=20&seed=3, lock=1 for a room demo, and
mode=guided to open the guided path.

A bad parameter never stops the page: it is dropped with a warning that names it and says what
was used instead, and the rest of the preset still applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from lstm_core.config import FIELDS, SETTABLE, ConfigError, LSTMConfig, checked_value
from lstm_core.formats import quoted
from lstm_core.teaching.guide import STEPS

PRESET_FIELDS = SETTABLE
MODES = ("explore", "guided")  # the page's two layouts: today's tabs, or the guided path for a first visit
GUIDED_STEPS = len(STEPS)
CAP_FIELDS = ("units", "epochs", "timesteps", "features", "sequences", "batch_size")  # what the caps weigh


@dataclass(frozen=True)
class Preset:
    config: LSTMConfig
    warnings: list[str] = field(default_factory=list)
    lock: bool = False
    guided: bool = False  # mode=guided
    step: int = 1  # step=3: the guided path's step, so a reload keeps the learner's place
    given: tuple[str, ...] = ()  # the parameters that applied


MAX_SHOWN = 32  # characters of a URL value quoted back; a longer one is cut (a value can be any length)


def _first(value) -> str:
    return value[-1] if isinstance(value, (list, tuple)) and value else str(value)


def _shown(value: str) -> str:
    """A URL value in quotes as typed, cut to MAX_SHOWN characters."""
    return quoted(value, MAX_SHOWN)


def parse_query(params: Mapping[str, object], base: LSTMConfig | None = None) -> Preset:
    """Turn URL query parameters into a config, keeping every good value and explaining every bad one.

    Each value is checked on its own first; then the caps are checked on the link's whole setup, so that
    their advice is about what the link asks for (not about the defaults of parameters after it).
    """
    config = base or LSTMConfig()
    warnings, good, typed, lock, guided, step = [], {}, {}, False, False, 1
    for name, raw in params.items():
        value = _first(raw)
        if isinstance(raw, (list, tuple)) and len(set(raw)) > 1:
            warnings.append(f"URL parameter {name if len(name) <= MAX_SHOWN else _shown(name)} was given {len(raw)} times "
                            f"({', '.join(map(_shown, raw[:5]))}{', ...' if len(raw) > 5 else ''}); "
                            f"only the last one, {_shown(value)}, counts.")
        if name == "lock":
            lock = value.strip().lower() in ("1", "true", "yes", "on")
            if not lock and value.strip().lower() not in ("0", "false", "no", "off", ""):
                warnings.append(f"URL parameter lock={_shown(value)} is not 1 or 0; the controls stay unlocked.")
            continue
        if name == "mode":
            guided = value.strip().lower() == MODES[1]
            if value.strip().lower() not in MODES:
                warnings.append(f"URL parameter mode={_shown(value)} is not guided or explore; the page opens in Explore.")
            continue
        if name == "step":
            if value.strip().isdigit() and 1 <= int(value) <= GUIDED_STEPS:
                step = int(value)
            else:
                warnings.append(f"URL parameter step={_shown(value)} is not a step from 1 to {GUIDED_STEPS}; "
                                "the guided path starts at step 1.")
            continue
        if name not in PRESET_FIELDS:
            warnings.append(f"Unknown URL parameter {_shown(name)} was ignored; presets take "
                            f"{', '.join(PRESET_FIELDS)}, lock, mode and step.")
            continue
        try:
            good[name], typed[name] = checked_value(name, value), value
        except ConfigError as err:
            reason = str(err).removesuffix(".") if len(value) <= MAX_SHOWN else f"allowed: {FIELDS[name].allowed}"  # not the whole value again
            warnings.append(f"URL parameter {name}={_shown(value)} was not used ({reason}); "
                            f"used {getattr(config, name)} instead.")
    # The whole setup; over a cap, the size parameters given last are dropped until it fits. The seed and
    # the learning rate cost nothing, so they are always kept. The first refusal's advice fits both caps;
    # a cap met only after a drop is named too, since it is why more was dropped.
    names, sizes, dropped, first, also, named = list(good), [n for n in good if n in CAP_FIELDS], [], None, [], set()
    while True:
        try:
            config = config.replace(**{n: good[n] for n in names})
            break
        except ConfigError as err:
            if not sizes:  # cannot happen: the defaults fit both caps
                raise
            if first is None:
                first = err
            elif err.cap != first.cap and err.cap not in named:
                named.add(err.cap)
                also.append(f" Without {', '.join(dropped)}, the setup still broke the {err.cap}.")
            dropped.append(sizes.pop())
            names.remove(dropped[-1])
    if first is not None:
        asked = ", ".join(f"{n}={typed[n] if len(typed[n]) <= MAX_SHOWN else typed[n][:MAX_SHOWN] + '...'}" for n in good)
        warnings.append(f"URL parameters {asked} together break a cap: {first}{''.join(also)} "
                        f"Used {', '.join(f'{n}={getattr(config, n)}' for n in dropped)} instead.")
    return Preset(config, warnings, lock, guided, step, tuple(names))


def to_query(config: LSTMConfig) -> str:
    """The query string that reproduces a config (see query_of)."""
    return urlencode(query_of(config))


def query_of(config: LSTMConfig) -> dict[str, str]:
    """The query parameters that reproduce a config: only the values that differ from the defaults,
    every digit kept (repr), so that they round-trip."""
    default = LSTMConfig()
    return {name: repr(getattr(config, name)) if FIELDS[name].kind is float else str(getattr(config, name))
            for name in PRESET_FIELDS if getattr(config, name) != getattr(default, name)}
