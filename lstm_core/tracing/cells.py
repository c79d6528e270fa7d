"""The three recurrent cells in NumPy, each one timestep of its Keras cell with Keras's names and block order.

- LSTM (keras.layers.LSTMCell): blocks i | f | c | o; the candidate, Keras's "c" block, is g here so that
  c can name the cell state. c = f·c_prev + i·g, h = o·tanh(c).
- GRU (keras.layers.GRUCell, reset_after=True, Keras's default): blocks z | r | h. Following Keras 3.15's
  src/layers/rnn/gru.py, GRUCell.call, lines 261-296: the input bias is added to x·W, the recurrent bias to
  h_prev·U *before* the reset gate multiplies the candidate's recurrent part (reset_after), and
  h = z·h_prev + (1 - z)·candidate: z near 1 keeps the old state.
- SimpleRNN (keras.layers.SimpleRNNCell, src/layers/rnn/simple_rnn.py, lines 161-169): h = tanh(x·W + b + h_prev·U),
  no gates.

``force`` (a gate's name, a value) overwrites that gate after its activation at every step, so the states
follow from the forced value: an experiment on the trained weights that Keras has no switch for.
"""

from __future__ import annotations

import numpy as np

# What each cell computes at every step, in the order the trace shows it: its gates, then its states.
STATES = {
    "lstm": ("input_gate", "forget_gate", "candidate", "output_gate", "cell_state", "hidden_state"),
    "gru": ("update_gate", "reset_gate", "candidate", "hidden_state"),
    "rnn": ("hidden_state",),
}
# The gates a knock-out can hold at a value: the sigmoids and the candidate (the states follow from them).
FORCEABLE = {"lstm": STATES["lstm"][:4], "gru": STATES["gru"][:3], "rnn": ()}
SHARES = ("input_gate", "forget_gate", "output_gate", "update_gate", "reset_gate")  # sigmoids: always 0 to 1


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def check_force(cell: str, force: tuple[str, float] | None) -> None:
    if force is not None and force[0] not in FORCEABLE[cell]:  # the states follow from the gates: they cannot be forced
        allowed = ", ".join(FORCEABLE[cell]) or "nothing: it has no gates"
        raise ValueError(f"cannot force {force[0]!r} in the {cell} cell; force {allowed}")


def _held(values: dict[str, np.ndarray], force: tuple[str, float] | None) -> dict[str, np.ndarray]:
    """``values`` with the forced gate, if it is among them, overwritten."""
    if force is None or force[0] not in values:
        return values
    return {**values, force[0]: np.full_like(values[force[0]], force[1])}


def lstm_step(x_t, state, kernel, recurrent_kernel, bias, force=None):
    """One LSTM timestep; ``state`` is (h, c). Returns the new state and every value in STATES["lstm"]."""
    h_tm1, c_tm1 = state
    z = x_t @ kernel + h_tm1 @ recurrent_kernel + bias  # (..., 4*units)
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)  # each (..., units), Keras's order i | f | c | o
    v = _held({
        "input_gate": sigmoid(z_i),  # how much of the candidate to write
        "forget_gate": sigmoid(z_f),  # how much of the old cell state to keep
        "candidate": np.tanh(z_c),  # the new content on offer
        "output_gate": sigmoid(z_o),  # how much of the cell state to reveal
    }, force)
    c_t = v["forget_gate"] * c_tm1 + v["input_gate"] * v["candidate"]
    h_t = v["output_gate"] * np.tanh(c_t)
    return (h_t, c_t), {**v, "cell_state": c_t, "hidden_state": h_t}


def gru_step(x_t, state, kernel, recurrent_kernel, bias, force=None):
    """One GRU timestep (reset_after=True); ``state`` is (h,). bias is (2, 3*units): input, recurrent."""
    (h_tm1,) = state
    x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=-1)  # Keras's order z | r | h
    u_z, u_r, u_h = np.split(h_tm1 @ recurrent_kernel + bias[1], 3, axis=-1)
    v = _held({"update_gate": sigmoid(x_z + u_z), "reset_gate": sigmoid(x_r + u_r)}, force)  # keep the old h; let it into the candidate
    v = _held({**v, "candidate": np.tanh(x_h + v["reset_gate"] * u_h)}, force)
    h_t = v["update_gate"] * h_tm1 + (1 - v["update_gate"]) * v["candidate"]
    return (h_t,), {**v, "hidden_state": h_t}


def rnn_step(x_t, state, kernel, recurrent_kernel, bias, force=None):
    """One SimpleRNN timestep; ``state`` is (h,). It has no gate to force."""
    h_t = np.tanh(x_t @ kernel + bias + state[0] @ recurrent_kernel)
    return (h_t,), {"hidden_state": h_t}


STEPS = {"lstm": lstm_step, "gru": gru_step, "rnn": rnn_step}


def forward(cell: str, x: np.ndarray, weights: dict[str, np.ndarray],
            force: tuple[str, float] | None = None) -> dict[str, np.ndarray]:
    """Run ``cell`` with ``weights`` (Keras's names: kernel, recurrent_kernel, bias) over x (..., timesteps,
    features) from a zero state: every value in STATES[cell], each (..., timesteps, units)."""
    check_force(cell, force)
    x = np.asarray(x, dtype=np.float64)
    kernel, recurrent_kernel, bias = (np.asarray(weights[k], dtype=np.float64) for k in ("kernel", "recurrent_kernel", "bias"))
    h = np.zeros(x.shape[:-2] + (recurrent_kernel.shape[0],))  # (..., units)
    state = (h, np.zeros_like(h)) if cell == "lstm" else (h,)
    steps = {name: [] for name in STATES[cell]}
    for t in range(x.shape[-2]):
        state, values = STEPS[cell](x[..., t, :], state, kernel, recurrent_kernel, bias, force)
        for name in steps:
            steps[name].append(values[name])
    return {name: np.stack(values, axis=-2) for name, values in steps.items()}
