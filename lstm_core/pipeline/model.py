"""The seed's model: Input(timesteps, features) -> a recurrent layer (LSTM, GRU or SimpleRNN) -> Dense(1, sigmoid)."""

from __future__ import annotations

from lstm_core.config import CELL_NAMES, LSTMConfig
from lstm_core.pipeline._keras import keras


def recurrent_layer(config: LSTMConfig, unit_forget_bias: bool = True, **options) -> keras.layers.Layer:
    """The config's recurrent layer, named by its cell ("lstm", "gru", "rnn"), seeded through its initializers
    (never a process-global seed). Keras's defaults otherwise: tanh, sigmoid gates, the GRU's reset_after=True,
    and the LSTM's forget bias starting at 1 (remember by default; ``unit_forget_bias=False`` starts it at 0)."""
    seed = config.seed
    extra = {"unit_forget_bias": unit_forget_bias} if config.cell == "lstm" else {}
    return getattr(keras.layers, CELL_NAMES[config.cell])(
        config.units,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
        bias_initializer="zeros",
        seed=seed + 3,  # its dropout's seed generator (unused at dropout 0); unseeded, it draws from Python's random
        name=config.cell,
        **extra,
        **options,
    )


def build_model(config: LSTMConfig, return_sequences: bool = False, unit_forget_bias: bool = True) -> keras.Model:
    """Build and compile the model.

    With ``return_sequences=True`` the recurrent layer returns its hidden state at every timestep.
    """
    inputs = keras.Input(shape=(config.timesteps, config.features), name="sequence")
    hidden = recurrent_layer(config, unit_forget_bias, return_sequences=return_sequences)(inputs)
    outputs = keras.layers.Dense(
        1,
        activation="sigmoid",
        kernel_initializer=keras.initializers.GlorotUniform(seed=config.seed + 2),
        name="dense",
    )(hidden)
    model = keras.Model(inputs, outputs, name=f"{config.cell}_pipeline")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def param_counts(model: keras.Model, config: LSTMConfig) -> dict[str, int]:
    """Trainable parameters per layer, checked against the formulas the page teaches
    (config.recurrent_parameters, and u+1 for the Dense layer)."""
    counts = {
        "recurrent": model.get_layer(config.cell).count_params(),
        "dense": model.get_layer("dense").count_params(),
    }
    expected = {"recurrent": config.recurrent_parameters, "dense": config.units + 1}
    if counts != expected:  # a Keras change would break every formula the app teaches
        raise AssertionError(f"parameter counts {counts} differ from the formulas {expected}")
    counts["total"] = model.count_params()
    return counts
