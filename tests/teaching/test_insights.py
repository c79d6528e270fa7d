"""The key insights: true sentences from the run's own numbers, each claim bounded by its noise."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd

from lstm_core.config import LSTMConfig
from lstm_core.teaching.insights import KEY_INSIGHT, key_insight, pipeline_insight, trace_insight, training_insight
from lstm_core.tracing.trace import trace_sample


def _run(history_rows, labels=None, **config):
    from lstm_core.pipeline.run import history_frame

    rows = [{"epoch": i + 1, "loss": a, "accuracy": b, "val_loss": c, "val_accuracy": d}
            for i, (a, b, c, d) in enumerate(history_rows)]
    config = LSTMConfig(**config)
    y = np.arange(config.sequences) % 2 if labels is None else labels  # balanced: chance 0.500
    return SimpleNamespace(history=history_frame(rows), config=config, dataset=SimpleNamespace(y=y), diverged=False)


def test_insights_quote_the_run(small_run):
    c, p = small_run.config, small_run.params
    text = pipeline_insight(small_run)
    assert f"{p['recurrent']:,} of the model's {p['total']:,}" in text and f"{c.timesteps} timesteps" in text
    h = small_run.history
    assert f"{h['loss'].iloc[0]:.3f} to {h['loss'].iloc[-1]:.3f}" in key_insight(small_run)
    t = trace_sample(small_run, 0)
    assert f"{t.gates['forget_gate'].mean():.2f}" in trace_insight(t)


def test_the_key_insight_separates_memory_across_timesteps_from_learning_across_epochs():
    assert "improve predictions as training progresses" not in KEY_INSIGHT
    assert "cell state from each step to the next" in KEY_INSIGHT and "time-shuffled sequences" in KEY_INSIGHT
    assert "whether memory is needed" in KEY_INSIGHT  # the Dense model sees order by position: it is not order-free
    assert "falling loss shows the optimiser working" in KEY_INSIGHT.lower().replace("a falling", "falling")


def test_the_key_insight_on_a_run_follows_its_numbers():
    learned = key_insight(_run([(0.69, 0.5, 0.69, 0.5), (0.4, 0.85, 0.4, 0.86)]))
    assert learned.startswith(KEY_INSIGHT) and "fell from 0.690 to 0.400" in learned and "carries over" in learned
    flat = key_insight(_run([(0.693, 0.5, 0.693, 0.504)] * 5))
    assert "no clear fall" in flat and "has not shown that it learned the pattern yet" in flat
    assert "no trend yet" in key_insight(_run([(0.6, 0.7, 0.6, 0.7)]))
    memorising = key_insight(_run([(1.070, 0.551, 0.70, 0.45), (0.674, 0.654, 0.72, 0.45)]))
    assert "it is memorising" in memorising
    weak = key_insight(_run([(0.68, 0.60, 0.68, 0.59)]))  # training 0.600 and validation 0.590: within noise
    assert "memorising" not in weak


def test_four_validation_sequences_all_right_are_not_called_above_chance():
    """sequences=20 at split 0.2: 4 held out. A coin scores 4 of 4 one time in 16."""
    run = _run([(0.69, 0.5, 0.65, 0.75), (0.60, 0.62, 0.55, 1.0)], sequences=20)
    assert "1.000 on 4 held-out sequences, not clearly above chance (0.500) within its noise" in key_insight(run)
    assert "not clearly above chance (0.500) within its noise (±0.500) on 4 held-out sequences" in training_insight(run)
    for text in (key_insight(run), training_insight(run)):
        assert "4 held-out sequences are too few to tell" in text and "memorising" not in text
        assert "±0.000" not in text


def test_chance_comes_from_each_part_of_the_labels():
    """A CSV series can go up more often in its held-out stretch: chance is that part's own share."""
    n = 1000
    labels = np.r_[np.arange(800) % 2, np.ones(150), np.zeros(50)]  # training balanced, held-out part 75% up
    run = _run([(0.69, 0.5, 0.69, 0.5), (0.5, 0.8, 0.5, 0.78)], labels=labels, sequences=n)
    assert "not clearly above chance (0.750)" in training_insight(run)


def test_the_training_insight_interprets_the_final_values_without_repeating_them():
    """The table's last row and the metric cards give the final values: the insight says what they mean."""
    run = _run([(0.6912, 0.5, 0.6934, 0.5), (0.4123, 0.85, 0.4056, 0.86)])
    says = training_insight(run)
    assert says.startswith("At the last epoch, validation accuracy is above chance (0.500) by more than its noise")
    assert not any(value in says for value in ("0.412", "0.850", "0.406", "0.860", "0.691"))


def test_one_epoch_makes_no_claim_about_a_trend():
    text = training_insight(_run([(0.6, 0.7, 0.6, 0.7)], epochs=1))
    assert "still falling" not in text and "One epoch shows no trend yet" in text


def test_pipeline_insight_grammar_for_small_and_wide_models():
    run = SimpleNamespace(config=LSTMConfig(timesteps=2, features=1, units=1), params={"recurrent": 12, "dense": 2, "total": 14})
    text = pipeline_insight(run)
    assert "2 x 1 = 2 numbers into 1 number." in text and "squeezes" in text and "reused at both timesteps:" in text
    big = SimpleNamespace(config=LSTMConfig(units=256), params={"recurrent": 295_936, "dense": 257, "total": 296_193})
    assert "295,936 of the model's 296,193 parameters (over 99%) live in the LSTM" in pipeline_insight(big)


def test_a_perfect_validation_score_is_not_told_more_epochs_only_make_scores_surer():
    run = _run([(0.6, 0.7, 0.5, 0.8), (0.2, 0.95, 0.1, 1.0)])
    says = training_insight(run)
    assert "more sure" not in says and "may start to overfit" in says


def test_a_diverged_run_says_so_instead_of_reading_nan_as_numbers(diverged_run):
    assert diverged_run.diverged
    says = training_insight(diverged_run)
    assert says.startswith("Training diverged: the loss stopped being a number at epoch 4")
    assert "in this run, training diverged" in key_insight(diverged_run).lower()
    assert trace_insight(trace_sample(diverged_run, 0)).startswith("The gates are not numbers: training diverged")


def test_validation_that_got_worse_is_judged_against_its_noise():
    rows = [(0.66, 0.60, 0.30, 0.80), (0.30, 0.90, 0.073, 0.97), (0.10, 0.97, 0.131, 0.95)]
    run = _run(rows)
    says = training_insight(run)
    assert says.endswith("lowest at epoch 2 (0.073) and rose to 0.131 in the last epoch, by more than 0.020: one rise is "
                         "not yet overfitting, but that epoch did not help on sequences the model never trained on.")
    run.history.loc[2, "val_loss"] = 0.085  # +0.012: under the loss floor, so no rise to speak of
    assert training_insight(run).endswith("a rise within 0.020, so the difference is too close to call.")
    run.history.loc[2, ["val_loss", "val_loss_se_best"]] = [0.131, 0.04]  # measured: 0.058 within ±0.080
    assert training_insight(run).endswith("a rise within its noise (±0.080), so the difference is too close to call.")
    run.history.loc[2, "val_loss_se_best"] = np.nan
    longer = pd.concat([run.history.iloc[:2], run.history.iloc[2:].assign(val_loss=0.10),
                        run.history.iloc[2:].assign(epoch=4, val_loss=0.131)]).reset_index(drop=True)
    run.history = longer
    assert "0.131, up by more than 0.020: the later epochs made validation worse" in training_insight(run)


def test_a_falling_loss_at_chance_accuracy_is_not_reported_as_progress():
    """Learning rate 1.0: loss 65.6 -> 23.7 (-64%) while accuracy sat at chance."""
    run = _run([(65.568, 0.506, 60.1, 0.50), (40.2, 0.51, 35.0, 0.49), (23.654, 0.506, 20.3, 0.50)])
    says = training_insight(run)
    assert "Neither accuracy ever got clearly above chance" in says and "has not learned" in says
    run.history.loc[1, "val_accuracy"] = 0.7
    assert "Neither accuracy" not in training_insight(run)


def _trace(forget, inputs=0.2, start=None, units=2, score=0.8):
    gates = {"forget_gate": np.full((4, units), forget), "input_gate": np.full((4, units), inputs)}
    initial = None if start is None else {"forget_gate": np.full((4, units), start)}
    return SimpleNamespace(gates=gates, dense_output=score, predicted=int(score > 0.5), label=1, initial_gates=initial)


def test_the_trace_insight_reports_f_and_i_separately_and_makes_no_trade_off_claim():
    text = trace_insight(_trace(0.9, 0.2))
    assert "forget gate f averaged 0.90 and the input gate i 0.20" in text
    assert "nothing makes them add up to 1" in text
    assert "overwrite" not in text and "remembers most" not in text
    assert "Per unit, f averaged from 0.90 (unit 1) to 0.90 (unit 1)" in text
    assert "Unit" not in trace_insight(_trace(0.9, 0.2, units=1))  # one unit: nothing to compare


def test_the_trace_insight_says_where_f_started_and_how_far_training_moved_it():
    moved = trace_insight(_trace(0.85, start=0.73))
    assert "Before training, on the same sequence, f averaged 0.73" in moved and "training moved it by +0.12" in moved
    still = trace_insight(_trace(0.74, start=0.73))
    assert "mostly the starting bias" in still


def test_the_trace_insight_says_what_the_forget_product_allows_not_what_it_caused():
    keeps = trace_insight(_trace(0.9))  # 0.9 ** 3 = 0.73
    assert "multiply to 0.73 on average: at most that share" in keeps and "What-if below" in keeps
    for causal in ("is how the first timesteps still shape", "which is why", "rests mostly on"):
        assert causal not in keeps and causal not in trace_insight(_trace(0.4))


def test_a_nan_score_with_finite_gates_is_not_explained():
    text = trace_insight(_trace(0.9, score=math.nan))
    assert text.startswith("The gates are not numbers: training diverged") and "nan" not in text


def test_the_trace_insight_on_a_real_run_quotes_its_initial_forget_gate(default_run):
    trace = trace_sample(default_run, 0)
    f0 = trace.initial_gates["forget_gate"].mean()
    assert 0.6 < f0 < 0.85  # the forget bias starts at 1: sigmoid(1) = 0.73, moved a little by the inputs
    assert f"f averaged {f0:.2f}" in trace_insight(trace)


def test_divergence_is_dated_to_the_first_epoch_whose_loss_is_not_a_number(diverged_run):
    from lstm_core.teaching.insights import diverged_text

    h = diverged_run.history.copy()
    h.loc[h.index[2], "loss"] = np.inf
    run = SimpleNamespace(history=h, config=diverged_run.config)
    assert diverged_text(run).startswith("Training diverged: the loss stopped being a number at epoch 3,")


def test_the_pipeline_and_key_insights_name_a_gru_or_simplernn_run_and_its_memory(other_cell_run):
    from lstm_core.config import CELL_NAMES
    from lstm_core.teaching.insights import key_insight_of

    run, name = other_cell_run, CELL_NAMES[other_cell_run.config.cell]
    p = run.params
    pipeline = pipeline_insight(run)
    assert f"The {name} " in pipeline and f"live in the {name}" in pipeline and "LSTM" not in pipeline
    assert f"{p['recurrent']:,} of the model's {p['total']:,}" in pipeline
    key = key_insight(run)
    assert key.startswith(key_insight_of(run.config.cell)) and key.startswith(f"A {name} reads a sequence")
    assert "cell state from each step" not in key and "LSTM" not in key and "time-shuffled sequences" in key
    h = run.history
    assert f"{h['loss'].iloc[0]:.3f} to {h['loss'].iloc[-1]:.3f}" in key
    assert key_insight_of("lstm") == KEY_INSIGHT
