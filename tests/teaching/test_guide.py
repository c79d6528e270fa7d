"""The guided path's texts: the lesson's seven steps for the LSTM; another cell's name its layer and its gates."""

from lstm_core.teaching.guide import STEPS, steps
from lstm_core.teaching.text import GUIDED_DO


def test_the_lstm_keeps_the_lessons_steps():
    assert steps("lstm") is STEPS and len(STEPS) == 7
    assert "LSTM layer" in STEPS[1].do and "forget gate" in STEPS[4].do


def test_a_gru_or_simplernn_path_names_its_layer_and_never_its_missing_gates():
    for cell, name in (("gru", "GRU"), ("rnn", "SimpleRNN")):
        path = steps(cell)
        assert [s.title for s in path] == [s.title for s in STEPS]
        assert path[1].do.startswith(f"How many weights does the {name} layer learn?")
        assert path[4].do == GUIDED_DO[cell][5] and path[5].do == GUIDED_DO[cell][6]  # one text per step, text.py's
        said = " ".join(s.do for s in path)
        assert "LSTM" not in said and "forget gate" not in said and "c = f·c_prev" not in said
