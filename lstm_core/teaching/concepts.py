"""Short notes on how the recurrent cell works (LSTM, GRU or SimpleRNN), each worked with the learner's own run and trace.

Each function returns Markdown: equations as `code`, lines joined by a hard line break, so the text
also reads as plain text. A diverged run's weights are NaN, so its notes say there is nothing to
show instead of printing NaN.
"""

from __future__ import annotations

import math

import numpy as np

from lstm_core.config import CELL_NAMES
from lstm_core.formats import counted, decimals
from lstm_core.tracing.trace import carried_after, sigmoid

BLOCKS = ("i", "f", "c", "o")  # Keras's column order in kernel, recurrent_kernel and bias, each `units` wide
GRU_BLOCKS = ("z", "r", "h")  # the GRU's; its bias is two rows, the input's and the recurrent's
LINE = "  \n"  # Markdown's hard line break: one equation per line
FORGET_START = float(sigmoid(1.0))  # an untrained forget gate's centre: Keras starts its bias at 1

NOTHING = ("Nothing to show here: training diverged, so the weights and every gate are not numbers. "
           "Lower the learning rate and train again.")


def _small(v: float) -> str:
    """3 decimals, or 2 significant digits once 3 decimals would show 0.000 (0.5^99 is not zero)."""
    return decimals(v) if v == 0 or abs(v) >= 5e-4 else f"{v:.1e}"


def _sum(terms) -> str:
    """'0.412 - 0.118 + 1.021': each term's sign shown once."""
    out = decimals(terms[0])
    for v in terms[1:]:
        out += f" - {decimals(-v)}" if decimals(v).startswith("-") else f" + {decimals(v)}"
    return out


def _factor(v: float) -> str:
    """A factor in a product: a negative one in brackets, 0.812·(-0.334)."""
    return f"({decimals(v)})" if decimals(v).startswith("-") else decimals(v)


def _finite(*arrays) -> bool:
    return all(np.isfinite(a).all() for a in arrays)


def unit_step(run, trace, unit: int, timestep: int) -> dict:
    """One unit's step in the trace, worked out from the run's weights, with every part of it.

    Returns "parts": {block: {"Wx", "Uh", "b", "z"}} for the blocks i, f, c, o (z = Wx + Uh + b,
    before the squashing), and this unit's "i", "f", "g", "o", "c_prev", "c", "h_prev", "h". h_prev and c_prev
    come from the trace's previous timestep (zero at the first: every sequence starts from zero).
    """
    w = run.weights()
    units, steps = w["recurrent_kernel"].shape[0], len(trace.input)
    if not (0 <= unit < units and 0 <= timestep < steps):  # a negative index would quietly pick another step
        raise ValueError(f"unit must be 0 to {units - 1} and timestep 0 to {steps - 1}; got {unit} and {timestep}")
    x = np.asarray(trace.input[timestep], dtype=np.float64)  # (features,)
    first = timestep == 0
    h_prev = np.zeros(units) if first else trace.gates["hidden_state"][timestep - 1]  # (units,): all units, every gate reads them
    c_prev = 0.0 if first else float(trace.gates["cell_state"][timestep - 1, unit])
    parts = {}
    for k, block in enumerate(BLOCKS):
        col = k * units + unit
        wx, uh, b = float(x @ w["kernel"][:, col]), float(h_prev @ w["recurrent_kernel"][:, col]), float(w["bias"][col])
        parts[block] = {"Wx": wx, "Uh": uh, "b": b, "z": wx + uh + b}
    i, f, o = (float(sigmoid(parts[k]["z"])) for k in ("i", "f", "o"))
    g = math.tanh(parts["c"]["z"])
    c = f * c_prev + i * g
    return {"parts": parts, "i": i, "f": f, "g": g, "o": o, "c_prev": c_prev, "c": c,
            "h_prev": float(h_prev[unit]), "h": o * math.tanh(c)}


def _checked_place(w, trace, unit: int, timestep: int) -> None:
    units, steps = w["recurrent_kernel"].shape[0], len(trace.input)
    if not (0 <= unit < units and 0 <= timestep < steps):  # a negative index would quietly pick another step
        raise ValueError(f"unit must be 0 to {units - 1} and timestep 0 to {steps - 1}; got {unit} and {timestep}")


def gru_step(run, trace, unit: int, timestep: int) -> dict:
    """One unit's GRU step (reset_after=True), from the run's weights: "parts" {block: {"Wx", "b", "Uh", "b_rec"}}
    for Keras's blocks z, r, h (h gives the candidate h~), and this unit's "z", "r", "h~", "h_prev", "h"."""
    w = run.weights()
    _checked_place(w, trace, unit, timestep)
    units = w["recurrent_kernel"].shape[0]
    x = np.asarray(trace.input[timestep], dtype=np.float64)
    h_prev = np.zeros(units) if timestep == 0 else trace.gates["hidden_state"][timestep - 1]
    bias = np.asarray(w["bias"], dtype=np.float64)  # (2, 3*units): input bias, recurrent bias
    parts = {}
    for k, block in enumerate(GRU_BLOCKS):
        col = k * units + unit
        parts[block] = {"Wx": float(x @ w["kernel"][:, col]), "b": float(bias[0, col]),
                        "Uh": float(h_prev @ w["recurrent_kernel"][:, col]), "b_rec": float(bias[1, col])}
    z, r = (float(sigmoid(sum(parts[k].values()))) for k in ("z", "r"))
    p = parts["h"]
    candidate = math.tanh(p["Wx"] + p["b"] + r * (p["Uh"] + p["b_rec"]))
    return {"parts": parts, "z": z, "r": r, "h~": candidate, "h_prev": float(h_prev[unit]),
            "h": z * float(h_prev[unit]) + (1 - z) * candidate}


def rnn_step(run, trace, unit: int, timestep: int) -> dict:
    """One unit's SimpleRNN step from the run's weights: its "Wx", "Uh", "b", a = their sum, "h_prev" and h = tanh(a)."""
    w = run.weights()
    _checked_place(w, trace, unit, timestep)
    units = w["recurrent_kernel"].shape[0]
    x = np.asarray(trace.input[timestep], dtype=np.float64)
    h_prev = np.zeros(units) if timestep == 0 else trace.gates["hidden_state"][timestep - 1]
    wx, uh, b = float(x @ w["kernel"][:, unit]), float(h_prev @ w["recurrent_kernel"][:, unit]), float(w["bias"][unit])
    return {"Wx": wx, "Uh": uh, "b": b, "a": wx + uh + b, "h_prev": float(h_prev[unit]), "h": math.tanh(wx + uh + b)}


def _first_words(trace, timestep: int, what: str) -> str:
    """What h_prev is at this step, for the GRU and the SimpleRNN (h is their only state)."""
    units = trace.gates["hidden_state"].shape[1]
    if timestep == 0:
        return "`h_prev = 0`: every sequence starts from zero, so the `U·h_prev` terms are 0 here"
    return f"`h_prev` = all {counted(units, 'hidden-state value')} from timestep {timestep}, which {what} reads through its `U`"


def gate_equations(run, trace, unit: int, timestep: int) -> str:
    """The cell's equations for one unit (0-based) at one timestep (0-based), with this run's numbers."""
    if trace.cell == "gru":
        return _gru_equations(run, trace, unit, timestep)
    if trace.cell == "rnn":
        return _rnn_equations(run, trace, unit, timestep)
    s = unit_step(run, trace, unit, timestep)
    if not all(math.isfinite(v) for part in s["parts"].values() for v in part.values()) or not math.isfinite(s["h"]):
        return NOTHING
    units, features = trace.gates["hidden_state"].shape[1], trace.input.shape[1]
    prev = ("`h_prev = c_prev = 0`: every sequence starts from zero, so the `U·h_prev` terms are 0 here"
            if timestep == 0 else
            f"`h_prev` = all {counted(units, 'hidden-state value')} from timestep {timestep}, which every gate "
            f"reads through its `U`; `c_prev` = this unit's cell state from timestep {timestep}")
    lines = [f"Unit {unit + 1} at timestep {timestep + 1}. `x` = this step's {counted(features, 'input')}; {prev}. "
             "`W`, `U` and `b` are this unit's columns of Keras's `kernel`, `recurrent_kernel` and `bias`, in the "
             "blocks i | f | c | o (c gives the candidate g)."]
    for block, result, squash in (("i", "i", "sigmoid"), ("f", "f", "sigmoid"), ("c", "g", "tanh"), ("o", "o", "sigmoid")):
        p = s["parts"][block]
        lines.append(f"`{result} = {squash}(W_{block}·x + U_{block}·h_prev + b_{block}) = "
                     f"{squash}({_sum([p['Wx'], p['Uh'], p['b']])}) = {decimals(s[result])}`")
    lines.append(f"`c = f·c_prev + i·g = {_factor(s['f'])}·{_factor(s['c_prev'])} + {_factor(s['i'])}·{_factor(s['g'])} "
                 f"= {decimals(s['c'])}`, so `h = o·tanh(c) = {_factor(s['o'])}·tanh({decimals(s['c'])}) = {decimals(s['h'])}`")
    return LINE.join(lines)


def _gru_equations(run, trace, unit: int, timestep: int) -> str:
    s = gru_step(run, trace, unit, timestep)
    if not all(math.isfinite(v) for part in s["parts"].values() for v in part.values()) or not math.isfinite(s["h"]):
        return NOTHING
    features = trace.input.shape[1]
    lines = [f"Unit {unit + 1} at timestep {timestep + 1}. `x` = this step's {counted(features, 'input')}; "
             f"{_first_words(trace, timestep, 'every gate and the candidate')}. `W`, `U`, `b` and `b'` are this unit's "
             "columns of Keras's `kernel`, `recurrent_kernel` and `bias` (input and recurrent rows), in the blocks "
             "z | r | h (h gives the candidate h~)."]
    for block in ("z", "r"):
        p = s["parts"][block]
        lines.append(f"`{block} = sigmoid(W_{block}·x + b_{block} + U_{block}·h_prev + b'_{block}) = "
                     f"sigmoid({_sum([p['Wx'], p['b'], p['Uh'], p['b_rec']])}) = {decimals(s[block])}`")
    p = s["parts"]["h"]
    lines.append(f"`h~ = tanh(W_h·x + b_h + r·(U_h·h_prev + b'_h)) = tanh({_sum([p['Wx'], p['b']])} + "
                 f"{_factor(s['r'])}·({_sum([p['Uh'], p['b_rec']])})) = {decimals(s['h~'])}`: r scales only the old "
                 "state's part")
    lines.append(f"`h = z·h_prev + (1 - z)·h~ = {_factor(s['z'])}·{_factor(s['h_prev'])} + "
                 f"{_factor(1 - s['z'])}·{_factor(s['h~'])} = {decimals(s['h'])}`")
    return LINE.join(lines)


def _rnn_equations(run, trace, unit: int, timestep: int) -> str:
    s = rnn_step(run, trace, unit, timestep)
    if not all(math.isfinite(s[k]) for k in ("Wx", "Uh", "b", "h")):
        return NOTHING
    features = trace.input.shape[1]
    return LINE.join([
        f"Unit {unit + 1} at timestep {timestep + 1}. `x` = this step's {counted(features, 'input')}; "
        f"{_first_words(trace, timestep, 'the unit')}. `W`, `U` and `b` are this unit's columns of Keras's `kernel`, "
        "`recurrent_kernel` and `bias`: the SimpleRNN has one block, no gates.",
        f"`h = tanh(W·x + U·h_prev + b) = tanh({_sum([s['Wx'], s['Uh'], s['b']])}) = tanh({decimals(s['a'])}) = "
        f"{decimals(s['h'])}`",
    ])


def gradient_path(trace, timestep: int = 0) -> str:
    """Why the cell state lets an early timestep (0-based) reach the end: the product of the forget
    gates after it, in this trace and before training. The GRU's path is its update gates'; the SimpleRNN
    has none, and each step back goes through U and tanh's slope."""
    if trace.cell == "gru":
        return _gru_gradient_path(trace, timestep)
    if trace.cell == "rnn":
        return _rnn_gradient_path(trace, timestep)
    f = trace.gates["forget_gate"]  # (timesteps, units)
    if not _finite(f):
        return NOTHING
    steps, units = f.shape
    if not 0 <= timestep < steps:
        raise ValueError(f"timestep must be 0 to {steps - 1}; got {timestep}")
    later = steps - 1 - timestep  # forget gates between this step and the last
    head = ("Why the cell state helps gradients: `c_t = f_t·c_(t-1) + i_t·g_t`, so along the cell path "
            "`dc_t/dc_(t-1) = f_t`: no weight matrix and no tanh in between, only the forget gate.")
    if later == 0:
        return head + LINE + (f"Timestep {timestep + 1} is the last: no forget gate comes after it, so all of what it "
                              "writes is in the last cell state.")
    n = timestep + 1  # as the page counts
    kept = carried_after(f, timestep)
    by_unit = np.prod(f[timestep + 1:], axis=0)  # (units,)
    lines = [head,
             f"From timestep {n} to the last ({steps}) that is {counted(later, 'factor')}, `{_factors('f', n, later, steps)}`: forward, the share "
             f"of what timestep {n} wrote that is still in the cell; backward, the share of the gradient that gets back "
             f"to it along this path. In this trace the product is {_small(kept)} on average over the "
             f"{counted(units, 'unit')} ({_small(by_unit.min())} to {_small(by_unit.max())} by unit): on average, at most "
             f"{_small(kept)} of what timestep {n} wrote can survive to the end by the cell path."]
    lines += _before_training(trace, "forget_gate", timestep, "forget gates")
    lines.append(f"Keras starts the forget bias at 1 (`unit_forget_bias=True`), so an untrained f sits around "
                 f"sigmoid(1) = {decimals(FORGET_START)} instead of 0.5: over {counted(later, 'step')} "
                 f"{decimals(FORGET_START)}^{later} = {_small(FORGET_START ** later)} against "
                 f"0.5^{later} = {_small(0.5 ** later)}, so early in training the cell path fades far more slowly.")
    return LINE.join(lines)


def _factors(symbol: str, n: int, later: int, steps: int) -> str:
    """The later steps' factors, from step n + 1 (as the page counts) to the last: 'z_2·…·z_10'."""
    return (f"{symbol}_{n + 1}·{symbol}_{n + 2}" if later == 2 else f"{symbol}_{n + 1}" if later == 1 else
            f"{symbol}_{n + 1}·…·{symbol}_{steps}")


def _before_training(trace, gate: str, timestep: int, named: str) -> list[str]:
    """The same product for the weights before training, when the trace has them: a line, or none."""
    start = trace.initial_gates[gate] if trace.initial_gates is not None else None
    if start is None or not _finite(start):
        return []
    return [f"Before training, the same input gave {_small(carried_after(start, timestep))} "
            f"(its {named} averaged {decimals(start.mean())})."]


def _checked_timestep(values: np.ndarray, timestep: int) -> int:
    steps = len(values)
    if not 0 <= timestep < steps:
        raise ValueError(f"timestep must be 0 to {steps - 1}; got {timestep}")
    return steps - 1 - timestep  # factors between this step and the last


def _gru_gradient_path(trace, timestep: int) -> str:
    z = trace.gates["update_gate"]  # (timesteps, units)
    if not _finite(z):
        return NOTHING
    later, (steps, units) = _checked_timestep(z, timestep), z.shape
    head = ("Why the update gate helps gradients: `h_t = z_t·h_(t-1) + (1 - z_t)·h~_t`, so along the update-gate path "
            "`dh_t/dh_(t-1)` is `z_t`: no weight matrix and no tanh in between, only the update gate. (The gates and "
            "the candidate read h_(t-1) too, through their weights: other paths, each with a U and a squashing.)")
    if later == 0:
        return head + LINE + (f"Timestep {timestep + 1} is the last: no update gate comes after it, so all of what it "
                              "writes is in the last hidden state.")
    n = timestep + 1
    kept, by_unit = carried_after(z, timestep), np.prod(z[timestep + 1:], axis=0)
    lines = [head,
             f"From timestep {n} to the last ({steps}) that is {counted(later, 'factor')}, `{_factors('z', n, later, steps)}`: "
             f"forward, the share of what timestep {n} wrote that is still in h along this path; backward, the share of "
             f"the gradient that gets back to it along this path. In this trace the product is {_small(kept)} on average "
             f"over the {counted(units, 'unit')} ({_small(by_unit.min())} to {_small(by_unit.max())} by unit)."]
    lines += _before_training(trace, "update_gate", timestep, "update gates")
    lines.append(f"Keras starts every GRU bias at 0 (only the LSTM's forget gate starts at a bias of 1), so no bias "
                 f"holds an untrained z open: at z = 0.5 over {counted(later, 'step')} the path keeps "
                 f"0.5^{later} = {_small(0.5 ** later)}, where the LSTM's starting f of {decimals(FORGET_START)} keeps "
                 f"{decimals(FORGET_START)}^{later} = {_small(FORGET_START ** later)}.")
    return LINE.join(lines)


def _rnn_gradient_path(trace, timestep: int) -> str:
    h = trace.gates["hidden_state"]  # (timesteps, units)
    if not _finite(h):
        return NOTHING
    later, (steps, units) = _checked_timestep(h, timestep), h.shape
    head = ("A SimpleRNN has no gate, so no path back without weights: `h_t = tanh(x_t·W + b + h_(t-1)·U)`, so "
            "`dh_t/dh_(t-1) = (1 - h_t²)·U`: every step back multiplies the gradient by the recurrent weights U and by "
            "tanh's slope `1 - h_t²`, which is at most 1.")
    if later == 0:
        return head + LINE + f"Timestep {timestep + 1} is the last: its h is the summary vector itself, with no step after it."
    n = timestep + 1
    slopes = 1 - h[timestep + 1:] ** 2  # (later, units): tanh's slope at each later step
    by_unit = np.prod(slopes, axis=0)
    lines = [head,
             f"From timestep {n} to the last ({steps}) that is {counted(later, 'slope')}, "
             f"`{_factors('s', n, later, steps)}` with `s_t = 1 - h_t²`. In this trace they multiply to "
             f"{_small(by_unit.mean())} on average over the {counted(units, 'unit')} ({_small(by_unit.min())} to "
             f"{_small(by_unit.max())} by unit); U multiplies in at every step too and can shrink or grow that, so the "
             "slopes alone are not the gradient."]
    start = trace.initial_gates["hidden_state"] if trace.initial_gates is not None else None
    if start is not None and _finite(start):
        lines.append(f"Before training, the same input gave slopes multiplying to "
                     f"{_small(np.prod(1 - start[timestep + 1:] ** 2, axis=0).mean())}.")
    lines.append("The LSTM's cell state and the GRU's update gate add a path whose factor is a gate alone, f or z, "
                 "which training can hold near 1; every path back through a SimpleRNN goes through U and tanh.")
    return LINE.join(lines)


def state_and_batches(run) -> str:
    """Where each sequence's state starts, what one sequence can see, and how training batches them.
    Nothing here comes from the weights, so it holds for a diverged run too."""
    c = run.config
    n_train, size = c.train_sequences, c.batch_size
    batches = math.ceil(n_train / size)
    last = n_train - (batches - 1) * size
    start = "h = c = 0" if c.cell == "lstm" else "h = 0"  # the GRU and the SimpleRNN carry h alone
    lines = [f"Every sequence starts from `{start}` ({counted(c.units, 'zero')} each): the {CELL_NAMES[c.cell]} is "
             "stateless, so "
             "nothing it computed for one sequence carries into the next, not even within a batch."]
    if not run.dataset.synthetic:
        lines.append(f"Each window is read on its own, so the model never sees more than {counted(c.timesteps, 'row')} "
                     "of your file at once: anything further back is invisible to it.")
    lines.append(f"Keras writes the batch axis as None, input `(None, {c.timesteps}, {c.features})`, because any number "
                 f"of sequences can go through; the page shows `({c.sequences}, {c.timesteps}, {c.features})`, "
                 f"all {c.sequences} of them.")
    lines.append(f"Training feeds the {n_train} training sequences in batches of {size}: ceil({n_train} / {size}) = "
                 f"{batches} batch{'' if batches == 1 else 'es'}, so {counted(batches, 'weight update')} per epoch"
                 + (f" (the last batch holds {last})." if last != size else "."))
    return LINE.join(lines)


def return_sequences_note(run) -> str:
    """Last hidden state only (this model) against every step's (return_sequences=True), with this run's shapes."""
    c = run.config
    n, t, u = c.sequences, c.timesteps, c.units
    return LINE.join([
        f"This {CELL_NAMES[c.cell]} keeps Keras's default `return_sequences=False`: it hands on only its last hidden state, output "
        f"`({n}, {u})`, one {u}-number summary per sequence, all the Dense layer needs for one label per sequence.",
        f"With `return_sequences=True` it hands on h at every timestep, output `({n}, {t}, {u})`: what you need to "
        f"stack another {CELL_NAMES[c.cell]} layer on top (it reads a sequence) or to predict a label at every step. The trace on "
        "this page uses such a twin to check every step's h against Keras.",
    ])


def sigmoid_vs_tanh(trace) -> str:
    """Why the gates use sigmoid and the content tanh, with the ranges this trace reached."""
    g = trace.gates
    if not _finite(*g.values()):
        return NOTHING

    def span(name: str) -> str:
        return f"{decimals(g[name].min())} to {decimals(g[name].max())}"

    if trace.cell == "gru":
        return LINE.join([
            "`sigmoid` squashes any number into 0 to 1, so it makes a mask: the gates z and r multiply what passes "
            f"(0 blocks it, 1 lets all of it through). In this trace: z {span('update_gate')}, r {span('reset_gate')}.",
            "`tanh` squashes into -1 to 1 and keeps the sign, so it makes bounded content that can push either way: the "
            f"candidate h~ (here {span('candidate')}). `h = z·h_prev + (1 - z)·h~` mixes two values within -1 to 1, "
            f"starting from h = 0, so h stays within -1 to 1 too, with no tanh of its own: here it ranged "
            f"{span('hidden_state')}.",
        ])
    if trace.cell == "rnn":
        return LINE.join([
            "The SimpleRNN uses no sigmoid: a sigmoid makes a mask from 0 to 1, and this cell has no gate to mask with.",
            "`tanh` squashes into -1 to 1 and keeps the sign, so h can push either way and stays bounded: "
            f"`h = tanh(x·W + b + h_prev·U)` ranged {span('hidden_state')} in this trace.",
        ])
    return LINE.join([
        "`sigmoid` squashes any number into 0 to 1, so it makes a mask: the gates i, f and o multiply what "
        "passes (0 blocks it, 1 lets all of it through). In this trace: "
        f"i {span('input_gate')}, f {span('forget_gate')}, o {span('output_gate')}.",
        "`tanh` squashes into -1 to 1 and keeps the sign, so it makes bounded content that can push either way: the "
        f"candidate g (here {span('candidate')}) and `tanh(c)` in `h = o·tanh(c)`, which keeps h within -1 to 1 "
        f"while c itself, a gated running sum, ranged {span('cell_state')}.",
    ])
