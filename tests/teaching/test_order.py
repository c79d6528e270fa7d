"""Does order matter? What the page says of the LSTM against a time-shuffled LSTM and a whole-window
Dense model, each gap judged against the noise."""

from lstm_core.pipeline.noise import Yardstick
from lstm_core.teaching.order import explanation

YARD = Yardstick(0.5, 0.5, 800, 200)


def test_on_the_lesson_the_text_says_order_matters_but_memory_is_not_needed(default_run, baselines):
    """The lesson's real runs (whose accuracies tests/pipeline/test_order.py checks): the ramps are linear in
    the whole window, so the text says a Dense layer over all timesteps reads them with no memory."""
    lstm = default_run.history["val_accuracy"].iloc[-1]
    shuffled = baselines.shuffled.history["val_accuracy"].iloc[-1]
    window = baselines.window.history["val_accuracy"].iloc[-1]
    text = explanation(lstm, shuffled, window, YARD, True, 10)
    assert "can be read without any recurrence" in text and "memory is needed" not in text.lower()
    assert "Shuffling the time order cost the LSTM" in text and "more than the noise" in text
    assert "one step at a time, with the same weights for any sequence length" in text


def test_a_gap_within_the_noise_is_too_close_to_call():
    """0.05 apart on 200 held-out sequences: the noise of such a difference is about ±0.09."""
    text = explanation(0.80, 0.75, 0.78, YARD, True, 10)
    assert "too close to call" in text and "cost the LSTM" not in text
    assert "this run cannot show that the order helps this model" in text and "more training" in text
    csv = explanation(0.80, 0.75, 0.78, YARD, False, 10)
    assert "cannot show that the order helps" in csv and "weighing each step's position" not in csv
    assert "beyond each row's change" in explanation(0.80, 0.75, 0.78, YARD, False, 10, changes=True)
    assert "cost the LSTM 0.300" in explanation(0.95, 0.65, 0.9, YARD, True, 10)
    behind = explanation(0.70, 0.90, 0.6, YARD, False, 10)
    assert "The time-shuffled LSTM did better" in behind and "The LSTM did better" in behind


def test_an_lstm_at_chance_is_not_credited_with_using_order():
    for synthetic in (True, False):
        text = explanation(0.560, 0.510, 0.52, YARD, synthetic, 10)
        assert "cost the LSTM" not in text and "did better" not in text
        assert "the LSTM itself is not clearly above chance: validation accuracy 0.560, against 0.500" in text
    assert "not clearly above chance" in explanation(0.70, 0.60, 0.6, Yardstick(0.65, 0.65, 800, 200), False, 10)


def test_with_changes_the_shuffle_keeps_a_local_order_and_the_text_says_so():
    with_changes = explanation(0.70, 0.66, 0.6, YARD, False, 10, changes=True)
    assert "change from the row before travels with it" in with_changes
    assert "it can use which values appear, not when" not in with_changes
    assert "it can use which values appear, not when" in explanation(0.70, 0.66, 0.6, YARD, False, 10, changes=False)


def test_the_comparison_names_the_runs_own_cell():
    for cell, name in (("gru", "GRU"), ("rnn", "SimpleRNN")):
        for accs in ((0.95, 0.65, 0.9), (0.80, 0.75, 0.78), (0.70, 0.90, 0.6), (0.55, 0.5, 0.5)):
            text = explanation(*accs, YARD, True, 10, cell=cell)
            assert "LSTM" not in text and f"{name}" in text
        assert f"cost the {name} 0.300" in explanation(0.95, 0.65, 0.9, YARD, True, 10, cell=cell)
        assert f"The shuffled {name} sees" in explanation(0.80, 0.75, 0.78, YARD, False, 10, cell=cell)
    assert explanation(0.95, 0.65, 0.9, YARD, True, 10) == explanation(0.95, 0.65, 0.9, YARD, True, 10, cell="lstm")
