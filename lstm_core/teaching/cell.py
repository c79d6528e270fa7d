"""The parts of one LSTM cell, in plain words: what the diagram labels and the gate inspector links to.

Keras's names and gate order (i | f | c | o); the candidate, Keras's "c" block, is written g here so
that c can name the cell state.
"""

INTRO = (
    "An LSTM layer reads a sequence one timestep at a time. Each of its units keeps two numbers from step to "
    "step: a cell state c (its memory) and a hidden state h (what it shows the next layer). At every step, "
    "three gates (numbers from 0 to 1) decide what to forget, what to write and what to show."
)

# part -> (label on the diagram, one plain sentence)
PARTS = {
    "x": ("x(t)", "This timestep's input: one number per feature."),
    "h_prev": ("h(t-1)", "The hidden state from the step before: what the unit showed last time."),
    "c_prev": ("c(t-1)", "The cell state from the step before: what the unit carried so far."),
    "f": ("forget gate f", "From x(t) and h(t-1), a share from 0 to 1 of the old cell state to keep."),
    "i": ("input gate i", "From x(t) and h(t-1), a share from 0 to 1 of the candidate to write."),
    "g": ("candidate g", "From x(t) and h(t-1), new content from -1 to 1 on offer."),
    "o": ("output gate o", "From x(t) and h(t-1), a share from 0 to 1 of the squashed memory to show."),
    "c": ("c(t)", "The new cell state: f × c(t-1) + i × g, kept for the next step."),
    "h": ("h(t)", "The new hidden state: o × tanh(c(t)), passed to the next step and, at the last step, to the Dense layer."),
}

# Which part feeds which: the equations of the cell, as edges of the diagram.
FLOWS = (
    ("x", "f"), ("x", "i"), ("x", "g"), ("x", "o"),
    ("h_prev", "f"), ("h_prev", "i"), ("h_prev", "g"), ("h_prev", "o"),
    ("c_prev", "c"), ("f", "c"), ("i", "c"), ("g", "c"),
    ("c", "h"), ("o", "h"),
)
