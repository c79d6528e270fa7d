"""The cell comparison: each variant trained on the run's own data from several seeds, real TensorFlow."""

import numpy as np
import pytest

from lstm_core.pipeline.cell_compare import compare_cells, own_run, planned, variant_config
from lstm_core.pipeline.run import SEEDS


def test_the_run_itself_is_its_cells_first_seed_and_is_not_trained_again(small_run):
    c = small_run.config
    assert planned(c, ("lstm", "gru")) == [("lstm", 1), ("lstm", 2), ("gru", 0), ("gru", 1), ("gru", 2)]
    assert variant_config(c, "lstm_bias0", 2) == c.replace(cell="lstm", seed=c.seed + 2)
    heard = []
    comparison = compare_cells(c, ("lstm", "gru"), own_run(small_run), heard.append, small_run.dataset)
    assert [(r["variant"], r["seed"]) for r in heard] == [(v, c.seed + k) for v, k in planned(c, ("lstm", "gru"))]
    assert [(r.variant, r.seed) for r in comparison.runs] == [(v, c.seed + k) for v in ("lstm", "gru") for k in range(SEEDS)]
    first = comparison.runs[0]
    assert first.flow is small_run.gradient_flow and first.val_accuracy == small_run.history["val_accuracy"].iloc[-1]
    for run in comparison.runs:
        assert run.flow.init.shape == run.flow.trained.shape == (c.timesteps,)
        assert run.flow.trained[-1] == pytest.approx(1.0) and 0 <= run.val_accuracy <= 1


def test_a_variant_from_the_runs_seed_on_the_runs_data_is_the_run_again(small_run):
    """Same data, settings and seed: the same model, so the same numbers (the comparison's differences are the cells')."""
    from lstm_core.pipeline.cell_compare import train_variant

    again = train_variant(small_run.config, small_run.dataset, small_run.config.cell, 0)
    assert again.val_accuracy == small_run.history["val_accuracy"].iloc[-1]
    np.testing.assert_allclose(again.flow.trained, small_run.gradient_flow.trained, rtol=1e-5)


def test_the_forget_bias_variant_starts_its_forget_gates_bias_at_0():
    from lstm_core.config import LSTMConfig
    from lstm_core.pipeline.model import build_model

    bias = build_model(LSTMConfig(units=4), unit_forget_bias=False).get_layer("lstm").get_weights()[2]
    np.testing.assert_array_equal(bias, 0.0)


def test_an_unknown_variant_is_named(small_run):
    with pytest.raises(ValueError, match="unknown variants \\['transformer'\\]"):
        compare_cells(small_run.config, ("lstm", "transformer"), own_run(small_run))
