"""The sequence charts: the Start here examples and the Pipeline tab's small multiples, through their specs."""

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.synthetic import make_dataset
from lstm_core.present.sequences import example_charts, sequence_sparklines, shared_domain, state_sparklines
from lstm_core.teaching.task import examples


def values_of(spec):
    return spec["data"]["values"]


def test_the_lesson_example_draws_one_up_and_one_down_sequence_of_the_data():
    config = LSTMConfig(sequences=40, timesteps=6, features=3)
    data = make_dataset(config)
    chosen = examples(data, config.train_sequences)
    specs = [chart.to_dict() for chart in example_charts(chosen, True, data.feature_names)]
    names = [spec["title"] for spec in specs]
    assert [n.split(":")[1].strip() for n in names] == ["label 1 (up)", "label 0 (down)"]
    for e, spec in zip(chosen, specs):
        assert data.y[e.index] == e.label and spec["title"].startswith(f"sample {e.index}:")
        rows = values_of(spec)
        feature = [r["value"] for r in rows if r["line"] == "feature 2"]
        assert np.allclose(feature, data.x[e.index, :, 1])
        average = [r["value"] for r in rows if r["line"] == "average"]
        assert np.allclose(average, data.x[e.index].mean(axis=1), atol=1e-6)
        assert spec["width"] == "container" and spec["height"] == 160  # as wide as its column, stacked on a phone
    domains = [spec["layer"][0]["encoding"]["y"]["scale"]["domain"] for spec in specs]
    both = np.stack([e.values for e in chosen])
    assert domains[0] == domains[1] and domains[0][0] <= both.min() and domains[0][1] >= both.max()  # one range


def test_sparklines_draw_the_first_sequences_on_one_fixed_scale():
    x = make_dataset(LSTMConfig(sequences=20, timesteps=4, features=2)).x
    domain = shared_domain(x[:3])
    assert domain[0] <= x[:3].min() and domain[1] >= x[:3].max()
    spec = sequence_sparklines(x[:3], ("a", "b"), domain).to_dict()
    rows = values_of(spec)
    assert sorted({r["sample"] for r in rows}) == ["sample 0", "sample 1", "sample 2"]
    assert np.allclose([r["value"] for r in rows if r["sample"] == "sample 1" and r["feature"] == "b"], x[1, :, 1])
    assert spec["spec"]["encoding"]["y"]["scale"]["domain"] == domain and spec["resolve"]["scale"]["y"] == "shared"
    bars = state_sparklines(np.array([[0.5, -0.2], [0.1, 0.9]])).to_dict()
    assert bars["spec"]["encoding"]["y"]["scale"]["domain"] == [-1.0, 1.0]
    assert [r["value"] for r in values_of(bars) if r["sample"] == "sample 1"] == [0.1, 0.9]
