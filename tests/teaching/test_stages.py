import pytest

from lstm_core.teaching.stages import pipeline_stages, shape_in_words


@pytest.mark.parametrize(
    "shape,words",
    [
        ((1000, 10, 5), "1000 sequences x 10 timesteps x 5 features"),
        ((1000, 20), "1000 sequences x 20 units"),
        ((1000, 1), "1000 sequences x 1 output"),
        ((1, 2, 1), "1 sequence x 2 timesteps x 1 feature"),
        ((50, 3), "50 sequences x 3 units"),
    ],
)
def test_shape_in_words(shape, words):
    assert shape_in_words(shape) == words


def test_shape_in_words_names_the_last_axis_when_told():
    assert shape_in_words((1000, 1), "unit") == "1000 sequences x 1 unit"
    assert shape_in_words((1000, 10, 20), "unit") == "1000 sequences x 10 timesteps x 20 units"
    assert shape_in_words((1000, 10), "timestep") == "1000 sequences x 10 timesteps"


def test_a_one_unit_recurrent_outputs_one_unit_not_one_output():
    from lstm_core.config import LSTMConfig
    from lstm_core.pipeline.train import train

    s = pipeline_stages(train(LSTMConfig(sequences=40, timesteps=3, features=1, units=1, epochs=1, batch_size=20)))
    assert (s[1].input, s[1].output) == ("40 sequences x 3 timesteps x 1 feature", "40 sequences x 1 unit")
    assert (s[2].input, s[2].output) == ("40 sequences x 1 unit", "40 sequences x 1 output")
    assert s[0].description == "Raw sequential data: 3 time steps with 1 feature each."


def test_the_seed_data_flow(default_run):
    s = pipeline_stages(default_run)
    assert [x.name for x in s] == ["Input Data", "LSTM Layer", "Dense Layer"]
    assert s[0].output == "1000 sequences x 10 timesteps x 5 features"
    assert (s[1].input, s[1].output) == ("1000 sequences x 10 timesteps x 5 features", "1000 sequences x 20 units")
    assert (s[2].input, s[2].output) == ("1000 sequences x 20 units", "1000 sequences x 1 output")
    assert s[1].output_shape == (1000, 20) and s[2].output_shape == (1000, 1)


def test_samples_come_from_the_model(small_run):
    s = pipeline_stages(small_run)
    assert s[0].sample_note == "The first 3 training sequences (in training order), their first and last timestep:"
    assert [x.sample_note.split(" sequences")[0] for x in s] == ["The first 3 training"] * 3  # a CSV's are not its first rows
    hidden = small_run.model.get_layer("lstm")(small_run.dataset.x[:3])
    assert s[1].sample.shape == (3, small_run.config.units)
    assert abs(float(hidden[0, 0]) - float(s[1].sample[0, 0])) < 1e-6
    score = small_run.model.predict(small_run.dataset.x[:3], verbose=0)[:, 0]
    assert abs(float(score[2]) - float(s[2].sample[2])) < 1e-5
    d = s[0].to_dict()
    assert set(d) >= {"name", "input", "output", "input_shape", "output_shape", "description"}


def test_a_gru_or_simplernn_run_names_its_layer_and_shows_its_output(other_cell_run):
    from lstm_core.config import CELL_NAMES
    from lstm_core.teaching.stages import stage_text
    from lstm_core.teaching.text import INPUT_STAGE_NOTE, STAGE_TEXT

    run, cell = other_cell_run, other_cell_run.config.cell
    s = pipeline_stages(run)
    assert [x.name for x in s] == ["Input Data", f"{CELL_NAMES[cell]} Layer", "Dense Layer"]
    assert s[2].description == f"Turns the {CELL_NAMES[cell]}'s summary vector into one prediction score between 0 and 1 (sigmoid)."
    assert s[1].sample_note == "The first 3 training sequences' last hidden state:" and s[0].is_input and not s[1].is_input
    hidden = run.model.get_layer(cell)(run.dataset.x[:3])  # Keras's own layer, against the NumPy cell's
    assert abs(float(hidden[1, 0]) - float(s[1].sample[1, 0])) < 1e-5
    assert CELL_NAMES[cell] in stage_text("input note", cell) and "LSTM" not in stage_text("input note", cell)
    assert stage_text("input note", "lstm") == INPUT_STAGE_NOTE and stage_text("Dense Layer", "lstm") == STAGE_TEXT["Dense Layer"]
