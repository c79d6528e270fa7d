import json
import math

from lstm_core.pipeline.noise import yardstick_of
from lstm_core.present.report import ascii_loss_chart, build_report, format_text
from lstm_core.present.tables import epoch_table


def test_report_round_trips_through_json(small_run):
    report = build_report(small_run, sample=1)
    again = json.loads(json.dumps(report))
    assert again["trace"]["sample"] == 1
    shown = epoch_table(small_run.history, yardstick_of(small_run))["Observation"]
    assert [row["observation"] for row in again["history"]] == list(shown)  # as the page's table says it
    assert again["params"]["total"] == small_run.model.count_params()
    features = [f"feature {i + 1}" for i in range(small_run.config.features)]
    assert again["dataset"]["target"] is None and again["dataset"]["features"] == features  # the lesson's ramps


def test_ascii_chart_has_one_column_per_epoch():
    chart = ascii_loss_chart([0.7, 0.5, 0.3, 0.2, 0.1])
    lines = chart.splitlines()
    assert lines[0].endswith("|*    ")  # only epoch 1 reaches the top
    assert lines[6].endswith("|*****")  # every epoch reaches the bottom row
    assert "epochs 1..5" in chart


def test_ascii_chart_survives_nan():
    assert "*" in ascii_loss_chart([0.7, math.nan])
    assert ascii_loss_chart([math.nan]) == "(no finite loss to chart)"


def test_format_text_mentions_every_section(small_run):
    text = format_text(build_report(small_run))
    for section in ("Data flow - 3 stages", "Parameters:", "Training trace", "Loss", "Prediction trace", "Key insight"):
        assert section in text


def test_a_diverged_run_writes_strict_json_and_a_readable_trace(diverged_run):
    """NaN in the gates, the score and the stage samples would make the JSON export invalid for strict parsers."""
    report = build_report(diverged_run)
    again = json.loads(json.dumps(report, allow_nan=False))
    assert again["trace"]["dense_output"] is None and again["trace"]["keras_max_diff"] is None
    assert again["history"][-1]["loss"] is None and again["history"][0]["loss"] is not None
    text = format_text(report)
    assert "nothing to compare, the weights are not numbers" in text and "score nan" in text


def test_the_text_trace_counts_in_words(small_run):
    text = format_text(build_report(small_run))
    assert "6 timesteps x 3 features" in text and "(4 units)" in text


def test_the_input_stage_gives_its_shape_once_and_says_nothing_is_learned_there(small_run):
    lines = format_text(build_report(small_run)).splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("  1. Input Data"))
    assert lines[first] == f"  1. Input Data: {small_run.config.sequences} sequences x 6 timesteps x 3 features" and "->" not in lines[first]
    assert lines[first + 1].endswith("Nothing is learned here: this is the input, as the LSTM reads it.")
    assert lines[first + 2].startswith(f"  2. LSTM Layer: {small_run.config.sequences} sequences x 6 timesteps x 3 features -> ")


def test_the_gradient_flow_holds_every_cell_compared_from_the_runs_seed(small_run):
    import numpy as np

    from lstm_core.pipeline.run import GradientFlow, VariantRun
    from lstm_core.present.report import build_report

    t = small_run.config.timesteps
    other = [VariantRun(v, small_run.config.seed + k, GradientFlow(np.full(t, 0.1 * (k + 1)), np.ones(t)), 0.9, 24, 1.0)
             for v in ("gru", "rnn", "lstm_bias0") for k in range(3)]
    flow = build_report(small_run, compared=other)["gradient_flow"]
    assert set(flow) == {"lstm", "gru", "rnn", "lstm_bias0"} and flow["gru"]["init"] == [0.1] * t  # the run's seed
    assert flow["lstm"]["trained"] == small_run.gradient_flow.trained.tolist()
    assert list(build_report(small_run)["gradient_flow"]) == ["lstm"]
