"""A run as one JSON-ready dict (the CLI's --json and the app's export) and as a terminal trace."""

from __future__ import annotations

import math

import numpy as np

from lstm_core.config import CELL_NAMES
from lstm_core.formats import counted, decimals
from lstm_core.pipeline.noise import yardstick_of
from lstm_core.teaching.insights import key_insight
from lstm_core.teaching.observations import observed
from lstm_core.teaching.stages import pipeline_stages
from lstm_core.teaching.text import INPUT_STAGE_NOTE, TITLE
from lstm_core.tracing.trace import Trace, trace_sample


def _finite(value: float) -> float | None:
    """JSON has no NaN: a diverged loss becomes null."""
    return float(value) if math.isfinite(value) else None


def _strict(value):
    """The value with every NaN or infinity, at any depth, made null: a diverged run's gates, scores and
    samples are NaN, and strict JSON has no NaN (``json.dumps(..., allow_nan=False)`` then holds)."""
    if isinstance(value, float):
        return _finite(value)
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    return value


def build_report(run, sample: int = 0, compared=()) -> dict:
    """Everything the seed page shows, for one run, as plain Python values (strict JSON: no NaN). ``compared``:
    the VariantRuns of the run's Why gates? comparisons, whose cells join gradient_flow."""
    trace = trace_sample(run, sample)
    history = [
        {k: (int(v) if k == "epoch" else v) for k, v in row.items()}  # a NaN loss: null, by _strict below
        for row in observed(run.history, yardstick_of(run)).to_dict("records")
    ]
    return _strict({
        "config": run.config.to_dict(),
        "dataset": {"name": run.dataset.name, "description": run.dataset.description,
                    "target": run.dataset.target,  # None for the lesson's data
                    "features": list(run.dataset.feature_names)},  # in the order of the input's last axis
        "stages": [stage.to_dict() for stage in pipeline_stages(run)],
        "params": dict(run.params),
        "history": history,
        "trace": trace_dict(trace),
        "timings": {k: round(v, 4) for k, v in run.timings.items()},
        "insight": key_insight(run),  # as the Pipeline tab says it
        "gradient_flow": _flow(run, compared),
    })


def _flow(run, compared=()) -> dict | None:
    """The gradient flow through time, per cell measured: one value per timestep, relative to the last. The
    other cells (and the LSTM with its forget bias at 0) from the run's own seed, on its data, when compared."""
    flows = {r.variant: r.flow for r in compared if r.seed == run.config.seed and r.flow is not None}
    if getattr(run, "gradient_flow", None) is not None:
        flows[run.config.cell] = run.gradient_flow
    if not flows:
        return None
    return {name: {"init": [_finite(float(v)) for v in flow.init], "trained": [_finite(float(v)) for v in flow.trained]}
            for name, flow in flows.items()}


def trace_dict(trace: Trace) -> dict:
    return {
        "sample": trace.sample,
        "label": trace.label,
        "input": np.round(trace.input, 6).tolist(),
        "gates": {name: np.round(trace.gates[name], 6).tolist() for name in trace.states},
        "recurrent_output": np.round(trace.recurrent_output, 6).tolist(),
        "dense_output": round(trace.dense_output, 6),
        "predicted": trace.predicted,
        "keras_max_diff": trace.keras_max_diff,
    }


def ascii_loss_chart(losses: list[float], height: int = 7) -> str:
    """The seed's bar chart of loss per epoch: one column of '*' per epoch."""
    finite = [v for v in losses if math.isfinite(v)]
    if not finite:
        return "(no finite loss to chart)"
    top = max(finite)
    lines = []
    for level in range(height, 0, -1):
        threshold = top * (level - 0.5) / height
        bars = "".join("*" if math.isfinite(v) and v >= threshold else " " for v in losses)
        lines.append(f"{top * level / height:5.2f} |{bars}")
    lines.append("      +" + "-" * len(losses))
    lines.append(f"       epochs 1..{len(losses)}")
    return "\n".join(lines)


def format_text(report: dict) -> str:
    """The seed page as a terminal trace."""
    out = [TITLE, "=" * len(TITLE), "", "Data flow - 3 stages"]
    for i, stage in enumerate(report["stages"], 1):
        if stage["input"] == stage["output"]:  # the input stage maps nothing: its shape once, and what it is
            out.append(f"  {i}. {stage['name']}: {stage['output']}")
            out.append(f"     {stage['description']} {INPUT_STAGE_NOTE}")
        else:
            out.append(f"  {i}. {stage['name']}: {stage['input']} -> {stage['output']}")
            out.append(f"     {stage['description']}")
    p, name = report["params"], CELL_NAMES[report["config"]["cell"]]
    out += ["", f"Parameters: {name} {p['recurrent']:,} + Dense {p['dense']:,} = {p['total']:,}", "", "Training trace - epoch by epoch"]
    out.append(f"{'Epoch':>5}  {'Loss':>6}  {'Accuracy':>8}  {'Val loss':>8}  {'Val accuracy':>12}  Observation")
    for r in report["history"]:
        out.append(
            f"{r['epoch']:>5}  {decimals(r['loss']):>6}  {decimals(r['accuracy']):>8}  {decimals(r['val_loss']):>8}  "
            f"{decimals(r['val_accuracy']):>12}  {r['observation']}"
        )
    out += ["", "Loss", ascii_loss_chart([r["loss"] if r["loss"] is not None else math.nan for r in report["history"]])]
    t = report["trace"]
    h = t["recurrent_output"]
    out += [
        "",
        f"Prediction trace - sample {t['sample']} (true label {t['label']})",
        f"  Layer 1 input: {counted(len(t['input']), 'timestep')} x {counted(len(t['input'][0]), 'feature')}; "
        f"first step {_fmt(t['input'][0])}, last step {_fmt(t['input'][-1])}",
        f"  Layer 2 {name}: last hidden state ({counted(len(h), 'unit')}) {_fmt(h)}",
        f"  Layer 3 Dense: score {decimals(t['dense_output'])} -> class {t['predicted']} "
        f"({'correct' if t['predicted'] == t['label'] else 'wrong'})",
        "  NumPy cell vs Keras: " + (f"largest difference {t['keras_max_diff']:.1e}" if t["keras_max_diff"] is not None
                                     else "nothing to compare, the weights are not numbers" if t["dense_output"] is None
                                     else "not checked"),
        "",
        "Key insight",
        f"  {report['insight']}",
    ]
    return "\n".join(out)


def _fmt(values: list[float | None], keep: int = 4) -> str:
    shown = ", ".join(decimals(v, 2) for v in values[:keep])
    return f"[{shown}{', ...' if len(values) > keep else ''}]"
