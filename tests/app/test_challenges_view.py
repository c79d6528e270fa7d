"""The Quiz tab's challenges: checked on each run this session trains, done only from a real run's numbers."""

from tests.app.conftest import new_app, show, train_with


def challenge_lines(at) -> dict:
    return {m.value.split("**")[1]: m.value for m in at.tabs[4].markdown if m.value.startswith("**") and "(" in m.value
            and any(t in m.value for t in ("Small but good", "Stuck at chance", "Order matters"))}


def test_a_small_model_that_learns_is_marked_done_and_the_default_one_is_not():
    at = show(new_app(), "Quiz")
    lines = challenge_lines(at)
    assert "(Not yet)" in lines["Small but good"]  # the default LSTM has 2,080 parameters
    assert any("2,080 parameters, over the 300 allowed" in c.value for c in at.tabs[4].caption)
    train_with(at, units=5, epochs=10, learning_rate=0.02)  # 220 parameters
    show(at, "Quiz")
    assert "(✅ Done)" in challenge_lines(at)["Small but good"]
    done = [s.value for s in at.tabs[4].success]
    assert len(done) == 1 and done[0].startswith("Done: 4 × 5 × (5 + 5 + 1) = 220 LSTM parameters")
    train_with(at, units=20, epochs=5, learning_rate=0.005)  # a later, bigger run does not undo it
    show(at, "Quiz")
    assert "(✅ Done)" in challenge_lines(at)["Small but good"]
