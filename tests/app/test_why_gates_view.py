"""The Why gates? tab: the cell comparison asked with its time estimate, trained on the shared trainer and
said from its numbers; the memory-horizon inputs refuse bad values with one message."""

import time

from tests.app.conftest import preset_app, show

SMALL = {"units": "4", "epochs": "2", "sequences": "120", "timesteps": "6"}


def wait_for(at, found, seconds: float = 180):
    deadline = time.monotonic() + seconds
    while not found(at):
        assert time.monotonic() < deadline, "waited too long for the comparison"
        time.sleep(0.5)
        at.run()
        assert not at.exception, at.exception


def test_the_three_cells_train_on_request_and_their_gradients_are_said_from_the_numbers():
    at = show(preset_app(**SMALL), "Why gates?")
    button = at.button(key="cells_lstm_gru_rnn")
    assert button.label.startswith("Train the three cells (about ") and button.label.endswith(" s)")
    assert not any("timestep 1's gradient" in m.value for m in at.markdown)  # nothing trains before the click
    assert any("3 seeds each (your run counts as the LSTM's first seed)" in c.value for c in at.caption)  # so 8, not 9
    button.click().run()
    wait_for(at, lambda a: any("**SimpleRNN** (3 seeds)" in m.value for m in a.markdown))
    lines = next(m.value for m in at.markdown if "**LSTM** (3 seeds)" in m.value)
    assert lines.count("(3 seeds): as built, timestep 1's gradient is ") == 3  # one line per cell, from its numbers
    assert any(m.value.startswith("Mean validation accuracy over the seeds, on 24 held-out sequences") for m in at.markdown)
    assert len(at.tabs[3].get("vega_lite_chart")) >= 2  # as built, after training
    at.number_input(key="horizon_lag").set_value(500).run()
    assert [e.value for e in at.error] == ["Longest lag = 500 is out of range; allowed\\: a whole number from 1 to 100\\."]
    assert not [b for b in at.button if b.key == "horizon"]  # nothing to train until the lag is good
    at.number_input(key="horizon_lag").set_value(40).run()
    assert not at.error and at.button(key="horizon").label.startswith("Train the three cells at lags 5, 10, 20, 40 (about ")
