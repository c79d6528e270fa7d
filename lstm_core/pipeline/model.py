"""The seed's model: Input(timesteps, features) -> LSTM(units) -> Dense(1, sigmoid)."""

from __future__ import annotations

from lstm_core.config import LSTMConfig
from lstm_core.pipeline._keras import keras


def build_model(config: LSTMConfig, return_sequences: bool = False) -> keras.Model:
    """Build and compile the model, seeded through its initializers (never a process-global seed).

    With ``return_sequences=True`` the LSTM returns its hidden state at every timestep; the
    trace uses that twin (with the trained weights copied in) to check the NumPy cell.
    """
    seed = config.seed
    inputs = keras.Input(shape=(config.timesteps, config.features), name="sequence")
    hidden = keras.layers.LSTM(
        config.units,
        return_sequences=return_sequences,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
        bias_initializer="zeros",
        unit_forget_bias=True,  # forget bias starts at 1: remember by default
        seed=seed + 3,  # its dropout's seed generator (unused at dropout 0); unseeded, it draws from Python's random
        name="lstm",
    )(inputs)
    outputs = keras.layers.Dense(
        1,
        activation="sigmoid",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 2),
        name="dense",
    )(hidden)
    model = keras.Model(inputs, outputs, name="lstm_pipeline")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def param_counts(model: keras.Model, config: LSTMConfig) -> dict[str, int]:
    """Trainable parameters per layer, checked against the formulas 4u(F+u+1) and u+1."""
    counts = {
        "lstm": model.get_layer("lstm").count_params(),
        "dense": model.get_layer("dense").count_params(),
    }
    expected = {"lstm": config.lstm_parameters, "dense": config.units + 1}
    if counts != expected:  # a Keras change would break every formula the app teaches
        raise AssertionError(f"parameter counts {counts} differ from the formulas {expected}")
    counts["total"] = model.count_params()
    return counts
