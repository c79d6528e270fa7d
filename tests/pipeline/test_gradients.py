"""Gradient flow through time: ‖∂loss/∂x_t‖ per timestep relative to the last, for the trained model and
the model as built, measured with TensorFlow where the model lives."""

import numpy as np

from lstm_core.pipeline.gradients import gradient_flow, profile


def independent_profile(model, x, y) -> np.ndarray:
    """The same quantity one sequence at a time, each with its own tape and the loss written out."""
    import tensorflow as tf

    norms = []
    for xi, yi in zip(x, y):
        inputs = tf.Variable(xi[None].astype(np.float32))
        with tf.GradientTape() as tape:
            p = tf.clip_by_value(model(inputs, training=False)[0, 0], 1e-7, 1 - 1e-7)
            loss = -(yi * tf.math.log(p) + (1 - yi) * tf.math.log(1 - p))
        grad = tape.gradient(loss, inputs).numpy()[0]  # (timesteps, features)
        norms.append(np.sqrt((grad.astype(np.float64) ** 2).sum(axis=1)))
    mean = np.mean(norms, axis=0)
    return mean / mean[-1]


def test_the_profile_matches_an_independent_gradient_tape(small_run, other_cell_run):
    for run in (small_run, other_cell_run):  # the LSTM, then the GRU and the SimpleRNN
        n = run.config.train_sequences
        x, y = run.dataset.x[n:n + 12], run.dataset.y[n:n + 12].astype(np.float32)
        np.testing.assert_allclose(profile(run.model, x, y), independent_profile(run.model, x, y), rtol=1e-4)


def test_a_finished_run_carries_both_profiles_relative_to_its_last_step(small_run):
    from lstm_core.pipeline.model import build_model

    flow = small_run.gradient_flow
    c, n = small_run.config, small_run.config.train_sequences
    assert flow.init.shape == flow.trained.shape == (c.timesteps,)
    assert flow.init[-1] == flow.trained[-1] == 1.0
    x, y = small_run.dataset.x[n:], small_run.dataset.y[n:]
    np.testing.assert_allclose(flow.init, profile(build_model(c), x, y), rtol=1e-6)  # seeded: the same start
    again = gradient_flow(c, small_run.model, x, y)
    np.testing.assert_allclose(again.trained, flow.trained, rtol=1e-6)


def test_a_diverged_run_has_no_flow_to_show(diverged_run):
    assert diverged_run.gradient_flow is None
