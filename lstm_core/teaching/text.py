"""Teaching text, kept as data: the UI and the CLI only render it."""

TITLE = "LSTM Pipeline Trace"
INTRO = (
    "Train a real Keras LSTM on sequences, then follow one sequence through every layer and gate: "
    "every number on this page comes from the model you just trained."
)


STAGE_TEXT = {
    "Input Data": "Raw sequential data: {steps} with {features} each.",
    "Input Data (file)": "Windows of your file's rows, scaled by the training rows' range (0 to 1 there; later rows can "
                         "go beyond): {steps} with {features} each.",
    "LSTM Layer": "Reads each sequence one timestep at a time and outputs its last hidden state: a summary of the whole sequence.",
    "Dense Layer": "Turns the LSTM's summary vector into one prediction score between 0 and 1 (sigmoid).",
}

SAMPLE_NOTES = {  # what each stage's sample values are
    "Input Data": "The first {rows} training sequences (in training order), their first and last timestep:",
    "LSTM Layer": "The first {rows} training sequences' last hidden state:",
    "Dense Layer": "The first {rows} training sequences' scores:",
}

# Memory across timesteps is not improvement across epochs (any trainable model's loss falls): each part of
# the page shows one of the two.
KEY_INSIGHT = (
    "An LSTM reads a sequence one timestep at a time and carries a cell state from each step to the next, so "
    "its output can depend on the order of the steps, not only on which values appear. Training adjusts the "
    "weights that set its gates. A falling loss shows the optimiser working, as it would for any trainable "
    "model. Only beating its own copy trained on time-shuffled sequences shows that this model uses the order; "
    "a Dense layer that sees the whole window at once shows whether memory is needed to read it (both are in "
    "the Training tab, \"Does order matter?\")."
)

# Under every accuracy chart: validation above training accuracy confuses every beginner.
ACCURACY_NOTE = (
    "Training accuracy is averaged over each epoch while the model is still learning; validation accuracy is "
    "measured once, at the epoch's end, so early on it can be the higher of the two."
)

DIVERGED = (
    "Training diverged: the loss stopped being a number at epoch {epoch}, so the model's weights are no "
    "longer numbers and nothing computed from them (gates, scores, insights) means anything. Lower the "
    "learning rate (now {learning_rate:g}) and train again."
)

DIVERGED_GATES = "The gates are not numbers: training diverged. Lower the learning rate and train again."

GATE_CAPTIONS = {
    "input_gate": "Input gate i (0 to 1): how much of the candidate g each unit adds to its cell at this timestep (i·g).",
    "forget_gate": "Forget gate f (0 to 1): the share of the old cell state each unit keeps. Near 1 keeps it, near 0 clears it; "
                   "it says nothing of what the cell holds.",
    "candidate": "Candidate g (-1 to 1): the signed content each unit offers to add to its cell state at this timestep.",
    "output_gate": "Output gate o (0 to 1): how much of each unit's squashed cell state, tanh(c), becomes its hidden state.",
    "cell_state": "Cell state c = f · c_prev + i · g: what each unit carries from step to step (colours centred on 0).",
    "hidden_state": "Hidden state h = o * tanh(c): what the LSTM outputs at each step. The last row is the summary vector the Dense layer reads.",
}

GATE_LABELS = {
    "input_gate": "Input gate (i)",
    "forget_gate": "Forget gate (f)",
    "candidate": "Candidate (g)",
    "output_gate": "Output gate (o)",
    "cell_state": "Cell state (c)",
    "hidden_state": "Hidden state (h)",
}
