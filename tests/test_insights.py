from lstm_core.insights import SEED_INSIGHT, pipeline_insight, trace_insight, training_insight
from lstm_core.trace import trace_sample


def test_insights_quote_the_run(small_run):
    c, p = small_run.config, small_run.params
    text = pipeline_insight(small_run)
    assert f"{p['lstm']:,} of the model's {p['total']:,}" in text and f"{c.timesteps} timesteps" in text
    h = small_run.history
    assert f"{h['loss'].iloc[0]:.2f} to {h['loss'].iloc[-1]:.2f}" in training_insight(small_run)
    t = trace_sample(small_run, 0)
    assert f"{t.gates['forget_gate'].mean():.2f}" in trace_insight(t)
    assert "remember important information over time" in SEED_INSIGHT
