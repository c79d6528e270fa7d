"""The parts of one recurrent cell of each kind, in plain words: what the diagram labels and the gate
inspector links to.

Keras's names and gate orders (LSTM i | f | c | o, GRU z | r | h); the LSTM's candidate, Keras's "c" block,
is written g here so that c can name the cell state, and the GRU's, Keras's "h" block, h~ so that h can
name the hidden state.
"""

TITLES = {
    "lstm": "How one LSTM cell works: x, h, c and the gates, part by part",
    "gru": "How one GRU cell works: x, h and the gates z and r, part by part",
    "rnn": "How one SimpleRNN cell works: x and h, no gates, part by part",
}

INTRO = {
    "lstm": (
        "An LSTM layer reads a sequence one timestep at a time. Each of its units keeps two numbers from step to "
        "step: a cell state c (its memory) and a hidden state h (what it shows the next layer). At every step, "
        "three gates (numbers from 0 to 1) decide what to forget, what to write and what to show."
    ),
    "gru": (
        "A GRU layer reads a sequence one timestep at a time. Each of its units keeps one number from step to step, "
        "its hidden state h, which is both its memory and what it shows the next layer. At every step two gates "
        "(numbers from 0 to 1) decide how much of the old h goes into a new candidate (r) and how much of the old h "
        "to keep rather than replace with it (z)."
    ),
    "rnn": (
        "A SimpleRNN layer reads a sequence one timestep at a time. Each of its units keeps one number from step to "
        "step, its hidden state h, and rewrites it whole at every step from this step's input and the old h. It has "
        "no gates: nothing decides to keep the old state or to block the new."
    ),
}

# part -> (label on the diagram, one plain sentence)
PARTS = {
    "lstm": {
        "x": ("x(t)", "This timestep's input: one number per feature."),
        "h_prev": ("h(t-1)", "The hidden state from the step before: what the unit showed last time."),
        "c_prev": ("c(t-1)", "The cell state from the step before: what the unit carried so far."),
        "f": ("forget gate f", "From x(t) and h(t-1), a share from 0 to 1 of the old cell state to keep."),
        "i": ("input gate i", "From x(t) and h(t-1), a share from 0 to 1 of the candidate to write."),
        "g": ("candidate g", "From x(t) and h(t-1), new content from -1 to 1 on offer."),
        "o": ("output gate o", "From x(t) and h(t-1), a share from 0 to 1 of the squashed memory to show."),
        "c": ("c(t)", "The new cell state: f × c(t-1) + i × g, kept for the next step."),
        "h": ("h(t)", "The new hidden state: o × tanh(c(t)), passed to the next step and, at the last step, to the "
                      "Dense layer."),
    },
    "gru": {
        "x": ("x(t)", "This timestep's input: one number per feature."),
        "h_prev": ("h(t-1)", "The hidden state from the step before: all the unit carried so far."),
        "z": ("update gate z", "From x(t) and h(t-1), a share from 0 to 1 of the old hidden state to keep."),
        "r": ("reset gate r", "From x(t) and h(t-1), a share from 0 to 1 of the old hidden state to let into the "
                              "candidate."),
        "h~": ("candidate h~", "From x(t) and r × h(t-1), a new hidden state from -1 to 1 on offer."),
        "h": ("h(t)", "The new hidden state: z × h(t-1) + (1 - z) × h~, passed to the next step and, at the last "
                      "step, to the Dense layer."),
    },
    "rnn": {
        "x": ("x(t)", "This timestep's input: one number per feature."),
        "h_prev": ("h(t-1)", "The hidden state from the step before: all the unit carried so far."),
        "h": ("h(t)", "The new hidden state: tanh(x(t)·W + b + h(t-1)·U), rewritten whole, passed to the next step "
                      "and, at the last step, to the Dense layer."),
    },
}

# Which part feeds which: the equations of each cell, as edges of its diagram.
FLOWS = {
    "lstm": (
        ("x", "f"), ("x", "i"), ("x", "g"), ("x", "o"),
        ("h_prev", "f"), ("h_prev", "i"), ("h_prev", "g"), ("h_prev", "o"),
        ("c_prev", "c"), ("f", "c"), ("i", "c"), ("g", "c"),
        ("c", "h"), ("o", "h"),
    ),
    "gru": (
        ("x", "z"), ("x", "r"), ("x", "h~"),
        ("h_prev", "z"), ("h_prev", "r"), ("h_prev", "h~"), ("r", "h~"),  # h(t-1) reaches h~ only through r's ×
        ("h_prev", "h"), ("z", "h"), ("h~", "h"),
    ),
    "rnn": (("x", "h"), ("h_prev", "h")),
}
