"""The guided path for a first visit: seven short steps in order, each with one thing to do.
Explore keeps every view at once, in tabs; Guided shows one step at a time, with Back and Next."""

from __future__ import annotations

from dataclasses import dataclass

from lstm_core.config import CELL_NAMES


@dataclass(frozen=True)
class Step:
    title: str
    do: str  # the one thing to do, in a sentence or two


STEPS = (
    Step("The data", "Here are two of your training sequences, without their labels. The model will learn to tell "
                     "them apart. Which one goes up?"),
    Step("Shapes", "How many weights does the LSTM layer learn? Predict, then see where they live, stage by "
                   "stage."),
    Step("Train, with a prediction", "Type your prediction of the final validation accuracy, then press **Train**. "
                                     "It trains the sidebar's settings (change one there if you like). The run "
                                     "streams in below; your prediction is the dotted line."),
    Step("Read the table", "Each row is one epoch. Which epoch had the lowest validation loss? Answer, then read its "
                           "Observation."),
    Step("Step through time", "This is the forget gate of one sequence, timestep by timestep. Press **Play**, pause "
                              "on a step, and check one unit's c = f·c_prev + i·g in the table."),
    Step("Knock a gate out", "Force the forget gate to 0, so the cell forgets everything at every step. Predict what "
                             "happens to the score, then reveal."),
    Step("The quiz", "The last questions are about the model you trained. Answer, then check."),
)
PICK_UP = ("Sequence A", "Sequence B")

# Step 2 for another cell names its layer; steps 5 and 6 (its gates) are text.GUIDED_DO's.
SHAPES_DO = "How many weights does the {name} layer learn? Predict, then see where they live, stage by stage."


def steps(cell: str = "lstm") -> tuple[Step, ...]:
    """The seven steps for a run of ``cell``: the lesson's for the LSTM; another cell's name its layer and gates."""
    from lstm_core.teaching.text import GUIDED_DO

    if cell == "lstm":
        return STEPS
    own = {2: SHAPES_DO.format(name=CELL_NAMES[cell]), **GUIDED_DO.get(cell, {})}
    return tuple(Step(step.title, own.get(k, step.do)) for k, step in enumerate(STEPS, 1))
