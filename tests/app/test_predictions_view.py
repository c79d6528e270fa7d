"""Predict, then reveal, on the page: the final validation accuracy from the sidebar, the LSTM's parameter
count before the ledger, a What-if's direction; bad answers named, and every answer in the Quiz tab's summary."""

import json

from tests.app.conftest import new_app, settle, show, shown


def accuracy_chart(at) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.tabs[1].get("vega_lite_chart")]
    return next(s for s in specs if s.get("title") == "Accuracy")


def test_a_predicted_accuracy_is_drawn_while_training_and_revealed_against_the_noise():
    at = new_app()
    at.sidebar.text_input(key="accuracy_guess").set_value("eighty").run()  # named as it is typed
    assert len(at.sidebar.error) == 1
    at.sidebar.button(key="train").click().run()  # Train goes on all the same, and says it once
    assert [e.value for e in at.sidebar.error] == [
        "Your prediction: final validation accuracy: 'eighty' is not a number: type a number from 0 to 1, such as "
        "0.8, or a percentage, such as 80%. The run trains without it."]
    settle(at)
    assert not any(i.value.startswith("You predicted") for i in at.tabs[1].info)
    at.sidebar.text_input(key="accuracy_guess").set_value("70%").run()
    at.sidebar.slider(key="epochs").set_value(2)
    at.sidebar.slider(key="units").set_value(8)
    at.sidebar.button(key="train").click().run()
    settle(at)
    actual = float(shown(at).history["val_accuracy"].iloc[-1])
    said = next(i.value for i in at.tabs[1].info if i.value.startswith("You predicted"))
    assert said.startswith(f"You predicted 0.700; the final validation accuracy is {actual:.3f}")
    assert "validation set's noise" in said
    rule = [layer for layer in accuracy_chart(at)["layer"] if layer["mark"].get("type") == "rule"]
    assert len(rule) == 1  # the guess, as a line across the accuracy chart
    show(at, "Quiz")
    summary = " ".join(m.value for m in at.tabs[4].markdown)
    assert "**Final validation accuracy (units=8, epochs=2 run):** You predicted 0.700" in summary
    assert any(i.value.startswith("You answered 1 of 1 predictions. Accuracies: 1 guess, off by ") for i in at.tabs[4].info)


def test_the_parameter_ledger_waits_for_a_prediction_and_a_bad_one_is_named():
    at = show(new_app(), "Pipeline")
    assert not at.tabs[0].table
    box = next(t for t in at.text_input if t.key.startswith("guess-params"))
    box.set_value("-5").run()
    at.button(key=next(b.key for b in at.button if b.key.startswith("reveal-params"))).click().run()
    assert [e.value for e in at.tabs[0].error] == ["'-5' is below 0: type a whole number of 0 or more, such as 560 "
                                                   "(commas between thousands are fine: 12,345)."]
    assert not at.tabs[0].table  # nothing revealed, nothing lost: the answer box is still there
    box = next(t for t in at.text_input if t.key.startswith("guess-params"))
    box.set_value("2,000").run()
    at.button(key=next(b.key for b in at.button if b.key.startswith("reveal-params"))).click().run()
    assert "You predicted 2,000; it is 2,080: 80 too low." in [m.value for m in at.tabs[0].markdown]
    assert len(at.tabs[0].table) == 1


def test_a_what_if_prediction_is_judged_by_the_score_it_reveals():
    at = show(new_app(), "Prediction trace")
    at.selectbox(key="edit").set_value("reverse").run()
    at.radio(key=next(r.key for r in at.radio if r.key.startswith("guess-whatif"))).set_value("go down").run()
    at.button(key=next(b.key for b in at.button if b.key.startswith("reveal-whatif"))).click().run()
    metrics = {m.label: float(m.value) for m in at.tabs[2].metric if m.label.endswith(": score")}
    moved = metrics["After: score"] - metrics["Before: score"]
    truth = "went down" if moved <= -0.05 else "went up" if moved >= 0.05 else "stayed about the same"
    assert f"You predicted it would go down; it {truth}" in " ".join(m.value for m in at.tabs[2].markdown)
