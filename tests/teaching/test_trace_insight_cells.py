"""The trace's key insight for the GRU and the SimpleRNN: each reads its own cell's gates (or says it has none),
with the numbers of the traced sequence."""

import numpy as np

from lstm_core.teaching.insights import trace_insight
from lstm_core.tracing.trace import carried_after, trace_sample


def test_each_other_cell_insight_quotes_its_own_gates_from_the_trace(other_cell_run):
    trace = trace_sample(other_cell_run, 3)
    text = trace_insight(trace)
    assert "forget gate" not in text and "cell state" not in text and "nan" not in text.lower()
    verdict = "correct" if trace.predicted == trace.label else "wrong"
    assert text.endswith(f"The final score, {trace.dense_output:.3f}, is {verdict} for label {trace.label}.")
    if trace.cell == "gru":
        z, r, z0 = trace.gates["update_gate"], trace.gates["reset_gate"], trace.initial_gates["update_gate"]
        assert f"the update gate z averaged {z.mean():.2f} and the reset gate r {r.mean():.2f}" in text
        assert f"Before training, on the same sequence, z averaged {z0.mean():.2f}" in text
        per_unit = z.mean(axis=0)
        assert f"Per unit, z averaged from {per_unit.min():.2f} (unit {per_unit.argmin() + 1})" in text
        assert f"The update gates after timestep 1 multiply to {carried_after(z, 0):.2f} on average" in text
    else:
        h = trace.gates["hidden_state"]
        assert text.startswith("The SimpleRNN has no gates")
        assert f"tanh's slope 1 - h² averaged {(1 - h ** 2).mean():.2f}, and {(np.abs(h) > 0.9).mean():.0%} of" in text


def test_a_diverged_gru_or_simplernn_trace_is_not_read(other_cell_run):
    import dataclasses

    trace = trace_sample(other_cell_run, 0)
    nan = dataclasses.replace(trace, gates={k: np.full_like(v, np.nan) for k, v in trace.gates.items()})
    assert trace_insight(nan).startswith("The gates are not numbers: training diverged")
