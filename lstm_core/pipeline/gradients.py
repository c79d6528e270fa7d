"""Gradient flow through time: how much the loss responds to each timestep's input, relative to the last.

For the held-out sequences, ‖∂loss/∂x_t‖ (over the features, averaged over the sequences) at every
timestep t, divided by its value at the last timestep. A first step near 1 reaches the loss as strongly
as the last; one near 0 has all but vanished by the time the gradient flows back to it. Measured for
the trained model and for the same model as it was built (seeded initializers give the same start),
since the textbook's "the LSTM keeps gradients alive" is a claim about training, not about the start.
Runs where the model lives (a worker process): it needs TensorFlow.
"""

from __future__ import annotations

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.pipeline._keras import keras
from lstm_core.pipeline.run import GradientFlow

MAX_SEQUENCES = 256  # held-out sequences the profile averages over: enough for a smooth mean, one small batch


def input_gradients(model: keras.Model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """‖∂loss/∂x_t‖ over the features for each sequence and timestep: (sequences, timesteps). The loss is
    each sequence's own binary cross-entropy (so one sequence's gradient is not scaled by the batch)."""
    import tensorflow as tf

    inputs = tf.convert_to_tensor(np.asarray(x, dtype=np.float32))
    labels = tf.convert_to_tensor(np.asarray(y, dtype=np.float32).reshape(-1, 1))
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        scores = model(inputs, training=False)
        loss = tf.reduce_sum(keras.losses.binary_crossentropy(labels, scores))
    return np.linalg.norm(tape.gradient(loss, inputs).numpy(), axis=-1)


def profile(model: keras.Model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The mean of input_gradients over the sequences, relative to the last timestep."""
    mean = input_gradients(model, x, y).mean(axis=0).astype(np.float64)
    return mean / mean[-1] if mean[-1] > 0 else np.full_like(mean, np.nan)


def gradient_flow(config: LSTMConfig, model: keras.Model, x: np.ndarray, y: np.ndarray,
                  unit_forget_bias: bool = True) -> GradientFlow:
    """The profile of the trained ``model`` and of the model as built for ``config`` (with
    ``unit_forget_bias``, as it was trained), on (up to MAX_SEQUENCES of) the held-out sequences ``x``, ``y``."""
    from lstm_core.pipeline.model import build_model

    x, y = x[:MAX_SEQUENCES], y[:MAX_SEQUENCES]
    return GradientFlow(init=profile(build_model(config, unit_forget_bias=unit_forget_bias), x, y),
                        trained=profile(model, x, y))
