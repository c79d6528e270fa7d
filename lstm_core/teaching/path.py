"""The one "Next:" line each view ends with, so that five tabs of equal weight read as a path:
Training (the first view) -> order test -> Pipeline -> Prediction trace -> Why gates? -> Quiz -> another run ->
Compare."""

from __future__ import annotations

NEXT = {
    "training-unordered": "press **Train the two comparison models** above: only beating them shows that this "
                          "model uses the order of the timesteps.",
    "training": "open **Pipeline** to see the shapes that flow through the three layers, and where the parameters are.",
    "pipeline": "open **Prediction trace** to follow one sequence through these layers, gate by gate.",
    "trace": "open **Why gates?** to train the same task as a GRU and a SimpleRNN and measure what the gates change.",
    "why_gates": "test yourself in **Quiz**: its last questions are about this run.",
    "quiz": "change one setting in the sidebar (fewer units, one epoch, a higher learning rate), press **Train**, "
            "and see both runs in **Compare**.",
    "compare": "change one more setting in the sidebar and press **Train**: each run joins this comparison.",
}
# Lines that differ for a GRU or SimpleRNN run: a SimpleRNN has no gates to follow (its trace is the hidden
# state, step by step), and Why gates? trains all three cells, not only the two the LSTM's line names.
NEXT_CELL = {
    "gru": {"trace": "open **Why gates?** to train the same task as an LSTM, a GRU and a SimpleRNN and measure what "
                     "the gates change."},
    "rnn": {"pipeline": "open **Prediction trace** to follow one sequence through these layers, step by step.",
            "trace": "open **Why gates?** to train the same task as an LSTM, a GRU and a SimpleRNN and measure what "
                     "gates change."},
}


def next_step(view: str, ordered: bool = True, runs: int = 2, cell: str = "lstm") -> str | None:
    """The "Next:" line for ``view`` (a key of NEXT without its variant). The Training view first points to
    the order test until it has run (``ordered``); Compare says nothing with one run, where its own
    suggestion already says what to vary. ``cell`` is the run's (config.cell)."""
    if view == "training" and not ordered:
        view = "training-unordered"
    if view == "compare" and runs < 2:
        return None
    return f"**Next:** {NEXT_CELL.get(cell, {}).get(view, NEXT[view])}"
