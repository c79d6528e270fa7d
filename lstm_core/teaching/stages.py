"""The 3-stage data flow (input -> the recurrent layer: LSTM, GRU or SimpleRNN -> Dense), computed from a trained run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.config import CELL_NAMES
from lstm_core.formats import counted, quoted
from lstm_core.teaching.text import INPUT_STAGE_NOTE, SAMPLE_NOTES, STAGE_TEXT
from lstm_core.tracing.cells import forward
from lstm_core.tracing.trace import dense_head

SAMPLE_ROWS = 3  # how many rows of sample values each stage shows
RECURRENT = "LSTM Layer"  # the recurrent stage's key in text.py's notes, whichever cell it runs

# text.py's stage texts name the lesson's LSTM where they mean the model's layer; a GRU or SimpleRNN run's name
# its own layer.
CELL_STAGE_TEXT = {
    "Dense Layer": "Turns the {name}'s summary vector into one prediction score between 0 and 1 (sigmoid).",
    "input note": "Nothing is learned here: this is the input, as the {name} reads it.",
}


def stage_text(key: str, cell: str) -> str:
    """text.py's stage description ``key`` (or, for "input note", INPUT_STAGE_NOTE), naming ``cell``'s layer."""
    if cell == "lstm" or key not in CELL_STAGE_TEXT:
        return INPUT_STAGE_NOTE if key == "input note" else STAGE_TEXT[key]
    return CELL_STAGE_TEXT[key].format(name=CELL_NAMES[cell])


@dataclass(frozen=True)
class Stage:
    name: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    description: str
    sample: np.ndarray  # the first SAMPLE_ROWS rows of the stage's output
    last_axes: tuple[str, str] = ("feature", "unit")  # what the input's and the output's last axis count
    key: str = ""  # the stage's key in text.py's notes ("Input Data", RECURRENT, "Dense Layer"); the name if empty

    @property
    def note_key(self) -> str:
        return self.key or self.name

    @property
    def sample_note(self) -> str:
        return SAMPLE_NOTES[self.note_key].format(rows=len(self.sample))

    @property
    def is_input(self) -> bool:
        """The input stage: nothing is learned in it, and its shape is the data's."""
        return self.note_key == "Input Data"

    @property
    def input(self) -> str:
        return shape_in_words(self.input_shape, self.last_axes[0])

    @property
    def output(self) -> str:
        return shape_in_words(self.output_shape, self.last_axes[1])

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "input": self.input,
            "output": self.output,
            "input_shape": list(self.input_shape),
            "output_shape": list(self.output_shape),
            "description": self.description,
            "sample": np.round(self.sample, 4).tolist(),
        }


def shape_in_words(shape: tuple[int, ...], last: str | None = None) -> str:
    """(1000, 10, 5) -> '1000 sequences x 10 timesteps x 5 features'; (1000, 20) -> '1000 sequences x 20 units'.

    ``last`` names what the last axis counts ("feature", "unit", "output"...). Without it, 3 axes end
    in features, (n, 1) is one output and other 2-axis shapes end in units.
    """
    if last is None:
        last = "feature" if len(shape) == 3 else "output" if shape[1:] == (1,) else "unit"
    names = ("sequence", "timestep")[: len(shape) - 1] + (last,)
    return " x ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in zip(shape, names))


def pipeline_stages(run) -> list[Stage]:
    """Each stage's shapes, description and first rows, from the run's data through its model."""
    c = run.config
    x = run.dataset.x  # (sequences, timesteps, features)
    head = x[:SAMPLE_ROWS]
    w = run.weights()  # the NumPy cell, checked against Keras in trace.py: no TensorFlow here
    h = forward(run.config.cell, head, w)["hidden_state"][:, -1]  # (rows, units)
    score = dense_head(h, w["dense_kernel"], w["dense_bias"])  # (rows,)
    n = c.sequences
    kind = "Input Data" if run.dataset.synthetic else "Input Data (file)"  # a file's values are scaled
    input_text = STAGE_TEXT[kind].format(steps=counted(c.timesteps, "time step"), features=counted(c.features, "feature"))
    return [
        Stage("Input Data", (n, c.timesteps, c.features), (n, c.timesteps, c.features), input_text, head[:, [0, -1], :],
              ("feature", "feature")),
        Stage(f"{CELL_NAMES[c.cell]} Layer", (n, c.timesteps, c.features), (n, c.units), STAGE_TEXT[RECURRENT], h,
              ("feature", "unit"), RECURRENT),
        Stage("Dense Layer", (n, c.units), (n, 1), stage_text("Dense Layer", c.cell), score, ("unit", "output")),
    ]


def file_unit_lines(dataset, head: np.ndarray) -> list[str]:
    """A CSV run's first sequences as numbers in the file's own units, the scaled value beside each:
    "sample 0: 'co2' 315.71 (scaled 0.12) to 316.02 (scaled 0.14)"."""
    from lstm_core.teaching.task import in_file_units, in_units

    lines = []
    for i, seq in enumerate(head):
        first, last = in_file_units(dataset, seq[[0, -1], 0])
        lines.append(f"sample {i}: {quoted(dataset.target)} {in_units(first)} (scaled {seq[0, 0]:.2f}) to "
                     f"{in_units(last)} (scaled {seq[-1, 0]:.2f})")
    return lines
