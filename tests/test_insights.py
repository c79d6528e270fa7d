import math
from types import SimpleNamespace

import numpy as np

from lstm_core.insights import SEED_INSIGHT, pipeline_insight, trace_insight, training_insight
from lstm_core.trace import trace_sample


def test_insights_quote_the_run(small_run):
    c, p = small_run.config, small_run.params
    text = pipeline_insight(small_run)
    assert f"{p['lstm']:,} of the model's {p['total']:,}" in text and f"{c.timesteps} timesteps" in text
    h = small_run.history
    assert f"{h['loss'].iloc[0]:.3f} to {h['loss'].iloc[-1]:.3f}" in training_insight(small_run)
    t = trace_sample(small_run, 0)
    assert f"{t.gates['forget_gate'].mean():.2f}" in trace_insight(t)
    assert "remember important information over time" in SEED_INSIGHT


def _run(history_rows, **config):
    from types import SimpleNamespace

    from lstm_core.config import LSTMConfig
    from lstm_core.train import history_frame

    rows = [{"epoch": i + 1, "loss": a, "accuracy": b, "val_loss": c, "val_accuracy": d}
            for i, (a, b, c, d) in enumerate(history_rows)]
    config = LSTMConfig(**config)
    labels = SimpleNamespace(y=np.arange(config.sequences) % 2)  # balanced: chance 0.500
    return SimpleNamespace(history=history_frame(rows), config=config, dataset=labels, diverged=False)


def test_the_seed_insight_is_qualified_when_the_run_did_not_learn():
    from lstm_core.insights import seed_insight

    learned = _run([(0.69, 0.5, 0.69, 0.5), (0.4, 0.85, 0.4, 0.86)])
    assert seed_insight(learned) == SEED_INSIGHT
    flat = _run([(0.693, 0.5, 0.693, 0.504)] * 5)  # the CO2 example at its defaults once looked like this
    text = seed_insight(flat)
    assert text.startswith(SEED_INSIGHT) and "loss went from 0.693 to 0.693" in text and "has not learned" in text
    assert "no trend yet" in seed_insight(_run([(0.6, 0.7, 0.6, 0.7)]))
    memorised = seed_insight(_run([(1.070, 0.551, 0.70, 0.45), (0.674, 0.594, 0.72, 0.45)]))  # a learning rate of 0.5
    assert memorised.startswith(SEED_INSIGHT) and ("but validation accuracy ended at 0.450, not clearly above chance "
                                                   "(0.500)") in memorised
    # learning rate 1.0: the loss fell, accuracy crept from 0.485 to 0.494, still under chance: nothing
    # was learned, so nothing "does not carry over"
    nothing = seed_insight(_run([(4.532, 0.485, 1.3, 0.45), (1.206, 0.494, 1.1, 0.45)]))
    assert "so this model has not learned the pattern yet" in nothing and "carry over" not in nothing
    # but training accuracy lags (an average over the epoch): with validation clear of chance, it learned
    assert seed_insight(_run([(0.682, 0.539, 0.68, 0.55), (0.667, 0.580, 0.66, 0.645)])) == SEED_INSIGHT


def test_percentages_never_round_a_change_away():
    from lstm_core.insights import percent

    assert [percent(v) for v in (-0.43, -0.0014, -4e-7, -0.998, -0.9996, -1.0, 1.0015, 0.0, 0.25)] == \
        ["-43%", "-0.14%", "-0.000040%", "-99.8%", "-99.9%", "-100%", "+100.2%", "+0%", "+25%"]
    text = training_insight(_run([(0.690, 0.5, 0.69, 0.5), (0.689, 0.5, 0.69, 0.5)]))
    assert "Loss went from 0.690 to 0.689 (-0.14%)" in text


def test_one_epoch_makes_no_claim_about_a_trend():
    from lstm_core.present import final_metrics

    one = _run([(0.6, 0.7, 0.6, 0.7)], epochs=1)
    text = training_insight(one)
    assert "still falling" not in text and "One epoch shows no trend yet" in text
    assert all(m["delta"] is None for m in final_metrics(one.history))


def test_pipeline_insight_grammar_for_small_and_wide_models():
    from types import SimpleNamespace

    from lstm_core.config import LSTMConfig

    run = SimpleNamespace(config=LSTMConfig(timesteps=2, features=1, units=1), params={"lstm": 12, "dense": 2, "total": 14})
    text = pipeline_insight(run)
    assert "2 x 1 = 2 numbers into 1 number." in text and "squeezes" in text and "reused at both timesteps:" in text
    wide = SimpleNamespace(config=LSTMConfig(timesteps=2, features=5, units=20), params={"lstm": 2080, "dense": 21, "total": 2101})
    assert "turns each sequence of 2 x 5 = 10 numbers into 20 numbers" in pipeline_insight(wide)
    big = SimpleNamespace(config=LSTMConfig(units=256), params={"lstm": 295_936, "dense": 257, "total": 296_193})
    assert "295,936 of the model's 296,193 parameters (over 99%) live in the LSTM" in pipeline_insight(big)  # not 100%


def test_a_perfect_validation_score_is_not_told_more_epochs_might_help(small_run):
    from types import SimpleNamespace

    import pandas as pd

    rows = [(0.6, 0.7, 0.5, 0.8), (0.2, 0.95, 0.1, 0.9996)]
    h = pd.DataFrame([dict(epoch=i + 1, loss=a, accuracy=b, val_loss=c, val_accuracy=d) for i, (a, b, c, d) in enumerate(rows)])
    run = SimpleNamespace(history=h, config=small_run.config, dataset=small_run.dataset, diverged=False)
    assert training_insight(run).endswith("already right, more epochs would only make the scores more sure.")
    h.loc[1, "val_accuracy"] = 0.99
    assert training_insight(run).endswith("more epochs might help.")


def test_a_one_unit_trace_speaks_of_the_unit_not_units():
    from types import SimpleNamespace

    import numpy as np

    gates = {"forget_gate": np.full((4, 1), 0.9), "input_gate": np.full((4, 1), 0.2)}
    text = trace_insight(SimpleNamespace(gates=gates, dense_output=0.8, predicted=1, label=1))
    assert "the unit keeps more of its memory than it overwrites" in text
    assert "Unit 1 remembers most" not in text  # there is no other unit to compare with


def test_chance_comes_from_the_runs_own_training_labels():
    from types import SimpleNamespace

    from lstm_core.insights import chance_of, seed_insight

    run = _run([(0.69, 0.5, 0.69, 0.5), (0.4, 0.85, 0.4, 0.80)])
    run.dataset = SimpleNamespace(y=(np.arange(run.config.sequences) % 4 != 0).astype(float))  # three in four up
    assert chance_of(run) == 0.75
    assert "not clearly above chance (0.750)" in seed_insight(run)  # 0.80 is above 0.58, not above 0.83


def test_a_diverged_run_says_so_instead_of_reading_nan_as_numbers(diverged_run):
    """NaN weights made idxmin raise on the Training tab, and the trace 'explained' NaN gates."""
    from lstm_core.insights import seed_insight

    assert diverged_run.diverged
    says = training_insight(diverged_run)
    assert says.startswith("Training diverged: the loss stopped being a number at epoch 4")
    assert "learning rate (now 0.005)" in says
    assert "in this run, training diverged" in seed_insight(diverged_run).lower()
    assert trace_insight(trace_sample(diverged_run, 0)).startswith("The gates are not numbers: training diverged")


def test_a_finished_run_has_not_diverged(small_run):
    assert not small_run.diverged


def test_validation_that_got_worse_is_not_called_adding_little(small_run):
    """The default run at seed 0 ends with validation loss 0.131 after a best of 0.073."""
    from types import SimpleNamespace

    import pandas as pd

    rows = [(0.66, 0.60, 0.30, 0.80), (0.30, 0.90, 0.073, 0.97), (0.10, 0.97, 0.131, 0.95)]
    h = pd.DataFrame([dict(epoch=i + 1, loss=a, accuracy=b, val_loss=c, val_accuracy=d) for i, (a, b, c, d) in enumerate(rows)])
    run = SimpleNamespace(history=h, config=small_run.config, dataset=small_run.dataset, diverged=False)
    says = training_insight(run)
    assert says.endswith("lowest at epoch 2 (0.073) and rose to 0.131 in the last epoch: one rise is not yet "
                         "overfitting, but that epoch did not help on sequences the model never trained on.")
    assert "made validation worse" not in says  # one epoch: the table calls it a wobble, not a verdict
    h.loc[2, "val_loss"] = 0.0731  # the same at the table's 3 decimals
    assert training_insight(run).endswith("so the last epoch added little.")
    longer = pd.concat([h.iloc[:2], h.iloc[2:].assign(val_loss=0.10), h.iloc[2:].assign(epoch=4, val_loss=0.131)])
    run.history = longer.reset_index(drop=True)
    assert "0.131: the later epochs made validation worse, not better." in training_insight(run)
    run.history.loc[3, "val_loss"] = 0.0731
    assert training_insight(run).endswith("so later epochs added little.")


def test_a_falling_loss_at_chance_accuracy_is_not_reported_as_progress(small_run):
    """Learning rate 1.0: loss 65.6 -> 23.7 (-64%) while accuracy sat at 0.506 and the table said 'Stuck at chance'."""
    from types import SimpleNamespace

    import pandas as pd

    from lstm_core.insights import chance_of

    rows = [(65.568, 0.506, 60.1, 0.50), (40.2, 0.51, 35.0, 0.49), (23.654, 0.506, 20.3, 0.50)]
    h = pd.DataFrame([dict(epoch=i + 1, loss=a, accuracy=b, val_loss=c, val_accuracy=d) for i, (a, b, c, d) in enumerate(rows)])
    run = SimpleNamespace(history=h, config=small_run.config, dataset=small_run.dataset, diverged=False)
    chance = chance_of(run)
    says = training_insight(run)
    assert f"Neither accuracy ever got clearly above chance ({chance:.3f})" in says and "has not learned" in says
    assert "more epochs might help" not in says
    h.loc[1, "val_accuracy"] = chance + 0.2  # one epoch clearly above: it learned something, said as before
    assert "Neither accuracy" not in training_insight(run)


def test_the_trace_insight_says_what_reaches_the_end_as_the_what_if_probe_does():
    """It said 'carried memory is how the first timesteps still shape the final score' whatever the gates,
    while the What-if below it said timestep 1's writing was discounted to 0.10 by the end."""
    from types import SimpleNamespace

    import numpy as np

    def insight(forget: float) -> str:
        gates = {"forget_gate": np.full((4, 2), forget), "input_gate": np.full((4, 2), 0.2)}
        return trace_insight(SimpleNamespace(gates=gates, dense_output=0.8, predicted=1, label=1))

    keeps = insight(0.9)  # 0.9 ** 3 = 0.73 of timestep 1's writing reaches the end
    assert "keep 0.73 on average to the end" in keeps and "still shape the final score, 0.800, which is correct" in keeps
    fades = insight(0.4)  # 0.4 ** 3 = 0.06
    assert "multiply to 0.06 on average" in fades and "rests mostly on the later timesteps" in fades
    assert "still shape" not in fades


# M05: _carried's 'kept >= 0.3' -> 'kept >= 0.5'
def test_the_trace_insight_and_the_what_if_probe_share_one_threshold():
    from lstm_core.insights import trace_insight

    def insight(forget):
        gates = {"forget_gate": np.full((4, 2), forget), "input_gate": np.full((4, 2), 0.2)}
        return trace_insight(SimpleNamespace(gates=gates, dense_output=0.8, predicted=1, label=1))

    assert "keep 0.42 on average to the end" in insight(0.75)  # 0.75 ** 3 = 0.42: the probe's 'a good part survives'
    assert "multiply to 0.27 on average" in insight(0.65)  # 0.65 ** 3 = 0.27: under 0.3, as the probe says 'little'


# M09: trace_insight's guard drops 'math.isfinite(trace.dense_output)'
def test_a_nan_score_with_finite_gates_is_not_explained():
    from lstm_core.insights import trace_insight

    gates = {"forget_gate": np.full((4, 2), 0.9), "input_gate": np.full((4, 2), 0.2)}
    text = trace_insight(SimpleNamespace(gates=gates, dense_output=math.nan, predicted=0, label=1))
    assert text.startswith("The gates are not numbers: training diverged") and "nan" not in text


# M10: diverged_text always names the last epoch
def test_divergence_is_dated_to_the_first_epoch_whose_loss_is_not_a_number(diverged_run):
    from lstm_core.insights import diverged_text

    h = diverged_run.history.copy()
    h.loc[h.index[2], "loss"] = np.inf  # epoch 3 of 4: the loss stopped being a number there
    run = SimpleNamespace(history=h, config=diverged_run.config)
    assert diverged_text(run).startswith("Training diverged: the loss stopped being a number at epoch 3,")
