import numpy as np
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.data.synthetic import make_dataset
from lstm_core.pipeline.model import build_model
from lstm_core.pipeline.run import history_frame
from lstm_core.pipeline.train import HISTORY_COLUMNS, NOISE_COLUMNS, EpochReporter, train, validates_eagerly
from tests.support import SMALL


def test_run_object(small_run):
    assert small_run.config == SMALL
    assert list(small_run.history.columns) == HISTORY_COLUMNS + NOISE_COLUMNS
    assert list(small_run.history["epoch"]) == [1, 2]
    assert set(small_run.timings) == {"data", "build", "fit", "total"}
    assert small_run.timings["total"] >= small_run.timings["fit"] > 0
    assert small_run.params["recurrent"] == 4 * 4 * (3 + 4 + 1)


def test_callback_streams_each_epoch_as_it_ends():
    seen = []
    run = train(SMALL.replace(epochs=3), on_epoch=seen.append)
    assert [row["epoch"] for row in seen] == [1, 2, 3]
    assert set(seen[0]) == set(HISTORY_COLUMNS) | set(NOISE_COLUMNS)
    assert history_frame(seen).equals(run.history)  # live table == final table


def test_eager_validation_measures_the_noise_of_validation_loss_changes(default_run):
    """The paired standard error of this epoch's loss minus an earlier one's, over the same held-out sequences."""
    h = default_run.history
    assert np.isnan(h["val_loss_se_prev"].iloc[0]) and (h["val_loss_se_prev"].iloc[1:] > 0).all()
    assert (h["val_loss_se_best"].iloc[1:] < h["val_loss"].iloc[1:]).all()  # a fraction of the loss, not the loss


def test_on_batch_runs_before_every_batch_and_can_stop_the_fit_mid_epoch():
    calls, epochs = [], []
    train(SMALL, on_epoch=epochs.append, on_batch=lambda: calls.append(len(epochs)))
    per_epoch = -(-SMALL.train_sequences // SMALL.batch_size)  # 96 training sequences in batches of 16: 6
    assert calls == [0] * per_epoch + [1] * per_epoch

    class Enough(Exception):
        pass

    def third_batch_stops():
        calls.append(1)
        if len(calls) == 3:
            raise Enough

    calls.clear()
    with pytest.raises(Enough):
        train(SMALL, on_epoch=epochs.append, on_batch=third_batch_stops)
    assert len(calls) == 3 and len(epochs) == 2  # out of fit before the first epoch ended


def test_on_batch_runs_before_the_batch_is_computed():
    """So a stop costs no more work: the optimizer has taken 0, 1, 2, ... steps when it is called."""
    dataset, model = make_dataset(SMALL), build_model(SMALL)
    steps = []
    reporter = EpochReporter(None, on_batch=lambda: steps.append(int(model.optimizer.iterations.numpy())))
    model.fit(dataset.x[:64], dataset.y[:64], batch_size=16, epochs=1, shuffle=False, verbose=0, callbacks=[reporter])
    assert steps == [0, 1, 2, 3]


def test_the_order_free_baselines_pass_on_batch_through():
    from lstm_core.pipeline.order import train_baselines

    calls = []
    train_baselines(SMALL.replace(epochs=1), on_batch=lambda: calls.append(1))
    assert len(calls) == 2 * -(-SMALL.train_sequences // SMALL.batch_size)  # the shuffled LSTM's, then the Dense model's


def test_same_config_same_run(small_run):
    again = train(SMALL)
    np.testing.assert_allclose(again.history["loss"], small_run.history["loss"], rtol=1e-5)


LONG = LSTMConfig(sequences=20, timesteps=100, features=3, units=4, epochs=12, batch_size=32)  # 4 held out


def _keras_history(config, dataset=None):
    """The oracle: the same model fitted by plain Keras, validated by Keras's own pass."""
    d, n = dataset if dataset is not None else make_dataset(config), config.train_sequences
    fit = build_model(config).fit(d.x[:n], d.y[:n], validation_data=(d.x[n:], d.y[n:]), epochs=config.epochs,
                                  batch_size=config.batch_size, shuffle=False, verbose=0)
    return fit.history


def test_validation_takes_the_cheaper_path():
    assert validates_eagerly(LSTMConfig(), LSTMConfig().val_sequences)  # 10 steps: no trace beats 5 short calls
    assert validates_eagerly(SMALL, SMALL.val_sequences)
    assert not validates_eagerly(LONG, LONG.val_sequences)  # 100 steps x 12 epochs of eager calls cost more than a trace
    many = LSTMConfig(sequences=20000, timesteps=10, epochs=3)
    assert validates_eagerly(many, many.val_sequences)  # 4000 held out: one eager call, against 125 batches


MANY_HELD_OUT = LSTMConfig(sequences=9000, timesteps=2, features=1, units=2, epochs=1, batch_size=256,
                           validation_split=0.5)  # 4500 held out: two eager calls of at most 4096


@pytest.mark.parametrize("config,eager_calls", [(SMALL, 2), (LONG, 0), (MANY_HELD_OUT, 1)],
                         ids=["eager", "keras", "eager-in-chunks"])
def test_validation_numbers_are_keras_own(config, eager_calls, monkeypatch):
    """Either way of validating reports what Keras's own validation pass reports for the same fit,
    and train() takes the way validates_eagerly() chose (one eager validation per epoch, or none)."""
    calls = []
    validate = EpochReporter._validate
    monkeypatch.setattr(EpochReporter, "_validate", lambda self: calls.append(1) or validate(self))
    run = train(config)
    assert len(calls) == eager_calls
    expected = _keras_history(config)
    for column in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(run.history[column], expected[column], rtol=1e-5, atol=1e-6, err_msg=column)


def test_eager_validation_of_confident_wrong_scores_is_keras_own():
    """Every score saturated on the wrong side (a dense bias of 40): Keras's loss comes from the logits,
    about 40 per sequence; one computed from clipped probabilities would stop at -log(1e-7) = 16.1."""
    model, d = build_model(SMALL), make_dataset(SMALL)
    dense = model.get_layer("dense")
    dense.set_weights([dense.get_weights()[0], np.array([40.0], dtype=np.float32)])
    x, y = d.x, np.zeros(len(d.y), dtype=np.float32)  # every label 0, every score ~1
    expected = model.evaluate(x, y, batch_size=SMALL.batch_size, verbose=0, return_dict=True)
    reporter = EpochReporter(None, (x, y))
    reporter.set_model(model)
    reporter.on_epoch_end(0, {"loss": 1.0, "accuracy": 0.5})
    row = reporter.rows[-1]
    assert expected["loss"] > 30
    np.testing.assert_allclose(row["val_loss"], expected["loss"], rtol=1e-5)
    assert row["val_accuracy"] == expected["accuracy"] == 0.0


def _story(run):
    h = run.history
    return h["loss"].iloc[-1] / h["loss"].iloc[0], h["accuracy"].iloc[-1], h["val_accuracy"].iloc[-1]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_default_run_tells_the_seed_story(seed, default_run):
    run = default_run if seed == 0 else train(LSTMConfig(seed=seed))
    loss_ratio, acc, val_acc = _story(run)
    assert loss_ratio <= 0.6, run.history
    assert acc >= 0.88, run.history
    assert val_acc >= 0.85, run.history


def test_nan_weights_with_a_finite_loss_history_count_as_diverged():
    """The last batch's update can make the weights NaN after the epoch's loss was averaged."""
    from lstm_core.pipeline.train import train

    run = train(SMALL.replace(epochs=1, sequences=40))
    assert np.isfinite(run.history["loss"]).all()
    run.trained["kernel"] = np.full_like(run.trained["kernel"], np.nan)  # before anything asks (it is cached)
    assert run.diverged
