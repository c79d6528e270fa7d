"""The Training tab: the run's epochs and results, and "Does order matter?" with its two comparison models."""

from app import resources
from lstm_core.teaching.path import NEXT
from tests.app.conftest import new_app, settle, show, shown, train_with, trainer


def test_the_finished_run_shows_its_final_metrics_and_offers_the_comparison():
    at = show(new_app(), "Training")
    tab = at.tabs[1]
    assert [m.label for m in tab.metric] == ["Final loss", "Final accuracy", "Final val loss", "Final val accuracy"]
    assert any(i.value.startswith("**Key insight.**") for i in tab.info)
    assert any("Chance is what always guessing the more common label scores: 0.550 on the 200 held-out sequences. "
               "± is the noise" in c.value for c in tab.caption)  # the two words every observation uses, explained
    offer = next(c.value for c in tab.caption if "time order shuffled" in c.value)
    fit = shown(at).timings["fit"]  # the same setup again: its length, not 'a few seconds'
    assert offer.endswith(f"took ({fit:.0f} s)).") if fit >= 1.5 else offer.endswith("(a few seconds).")
    assert any(s.value == "Does order matter?" for s in tab.header)
    assert "order" in [b.key for b in at.button] and trainer(at).baseline is None  # nothing trains until asked


def test_the_order_comparison_trains_three_models_and_says_what_each_shows():
    at = show(new_app(), "Training")
    at.button(key="order").click()
    settle(at.run())
    values = {m.label: float(m.value) for m in at.tabs[1].metric if m.label.endswith("val accuracy") and ":" in m.label}
    shuffled = values["Same LSTM, time order shuffled: val accuracy"]
    window = values["Whole-window Dense, no memory: val accuracy"]
    assert shuffled < 0.65 and window >= 0.9  # order matters in the data; recurrence is not needed to read it
    said = " ".join(m.value for m in at.tabs[1].markdown)
    assert "can be read without any recurrence" in said and "Shuffling the time order cost the LSTM" in said
    assert "order" not in [b.key for b in at.button]  # clicked once: the button is gone, not offered again
    assert at.tabs[1].markdown[-1].value == f"**Next:** {NEXT['training']}"  # the path moves on to Pipeline
    key = shown(at).key
    assert trainer(at).baseline == key and resources.job_board("order").watchers(key) == 1  # waited for
    show(at, "Pipeline")  # the baselines' tab closed (it would watch them again if open)
    at.button(key="train").click()
    settle(at.run())  # Train on unchanged settings: the run on screen stays, and so do its baselines
    assert trainer(at).baseline == key
    train_with(at, epochs=1, units=2)  # another run: the baselines of the one it leaves are no longer waited for
    assert trainer(at).baseline is None and resources.job_board("order").watchers(key) == 0
    train_with(at, epochs=5, units=20)  # back to the first run: its comparison is shown at once, no click
    show(at, "Training")
    assert "order" not in [b.key for b in at.button]
    assert any(m.label == "Same LSTM, time order shuffled: val accuracy" for m in at.tabs[1].metric)
