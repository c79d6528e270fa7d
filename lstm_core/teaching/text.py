"""Teaching text, kept as data: the UI and the CLI only render it."""

TITLE = "LSTM Pipeline Trace"
INTRO = (
    "Train a real Keras LSTM (long short-term memory: a layer that reads a sequence step by step and keeps a "
    "memory as it goes) on sequences, then follow one sequence through every layer and gate: "
    "every number on this page comes from the model you just trained. The settings are in the sidebar (on a "
    "phone, open it with » at the top left)."
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

# Under the epoch table: "chance" and "±" are in most observations, and a newcomer has met neither.
CHANCE_NOTE = (
    "Chance is what always guessing the more common label scores: {chance:.3f} on the {n} held-out sequences. "
    "± is the noise: two standard errors, how far luck alone can move an accuracy measured on them (±{margin:.3f} "
    "around chance), so only a difference beyond it counts."
)

DIVERGED = (
    "Training diverged: the loss stopped being a number at epoch {epoch}, so the model's weights are no "
    "longer numbers and nothing computed from them (gates, scores, insights) means anything. Lower the "
    "learning rate (now {learning_rate:g}) and train again."
)

DIVERGED_GATES = "The gates are not numbers: training diverged. Lower the learning rate and train again."

# The gate inspector's captions and labels: keyed by state where every cell means the same by it, by
# (cell, state) where the cells differ (the candidate and h follow other equations in each cell); the LSTM's
# are the plain state keys. gate_caption and gate_label look the cell's own up first.
GATE_CAPTIONS = {
    "input_gate": "Input gate i (0 to 1): how much of the candidate g each unit adds to its cell at this timestep (i·g).",
    "forget_gate": "Forget gate f (0 to 1): the share of the old cell state each unit keeps. Near 1 keeps it, near 0 clears it; "
                   "it says nothing of what the cell holds.",
    "candidate": "Candidate g (-1 to 1): the signed content each unit offers to add to its cell state at this timestep.",
    "output_gate": "Output gate o (0 to 1): how much of each unit's squashed cell state, tanh(c), becomes its hidden state.",
    "cell_state": "Cell state c = f · c_prev + i · g: what each unit carries from step to step (colours centred on 0).",
    "hidden_state": "Hidden state h = o * tanh(c): what the LSTM outputs at each step. The last row is the summary vector the Dense layer reads.",
    "update_gate": "Update gate z (0 to 1): the share of the old hidden state each unit keeps; 1 - z is the share of the "
                   "candidate h~ written in its place. Near 1 keeps the old h, near 0 replaces it.",
    "reset_gate": "Reset gate r (0 to 1): how much of the old hidden state, through its recurrent weights, goes into the "
                  "candidate h~. Near 0 builds the candidate from this step's input alone.",
    ("gru", "candidate"): "Candidate h~ = tanh(x·W + b + r · (h_prev·U + b')) (-1 to 1): the new hidden state each unit "
                          "offers at this timestep; it replaces the share 1 - z of the old one.",
    ("gru", "hidden_state"): "Hidden state h = z · h_prev + (1 - z) · h~: the GRU's only state, what each unit carries from "
                             "step to step and outputs. The last row is the summary vector the Dense layer reads.",
    ("rnn", "hidden_state"): "Hidden state h = tanh(x·W + b + h_prev·U): the SimpleRNN's only state, rewritten whole at "
                             "every step, with no gate to keep any of it. The last row is the summary vector the Dense "
                             "layer reads.",
}

GATE_LABELS = {
    "input_gate": "Input gate (i)",
    "forget_gate": "Forget gate (f)",
    "candidate": "Candidate (g)",
    "output_gate": "Output gate (o)",
    "cell_state": "Cell state (c)",
    "hidden_state": "Hidden state (h)",
    "update_gate": "Update gate (z)",
    "reset_gate": "Reset gate (r)",
    ("gru", "candidate"): "Candidate (h~)",
}


def gate_caption(cell: str, state: str) -> str:
    return GATE_CAPTIONS.get((cell, state), GATE_CAPTIONS[state])


def gate_label(cell: str, state: str) -> str:
    return GATE_LABELS.get((cell, state), GATE_LABELS[state])


# Step through time: what the table under the framed heatmap holds, per cell.
STEP_HEAD = {
    "lstm": "the input row the cell reads, then every unit's gates and states.",
    "gru": "the input row the cell reads, then every unit's gates z and r, its candidate h~ and its hidden state.",
    "rnn": "the input row the cell reads, then every unit's hidden state: the SimpleRNN has no gates, only h, "
           "rewritten from a = x·W + b + h_prev·U at every step.",
}

# Switch a gate off, for the cell with none: the point of gates, in one sentence.
NO_GATE = ("The SimpleRNN has no gate to switch off: every step rewrites h whole from x and h_prev, with nothing to "
           "keep the old state or block the new, and that is what the gates of the LSTM and the GRU add. Choose the "
           "GRU or LSTM cell in the sidebar to force one.")

# The expander beside the measured gradient flow, named for what carries the gradient in each cell.
GRADIENT_TITLES = {
    "lstm": "Why the cell state helps gradients, measured on this run",
    "gru": "Why the update gate helps gradients, measured on this run",
    "rnn": "Why a cell without gates passes gradients through U and tanh, measured on this run",
}

# Guided steps 5 and 6 for the cells whose gates are not the LSTM's (teaching.guide holds the LSTM's).
GUIDED_DO = {
    "gru": {
        5: "This is the update gate z of one sequence, timestep by timestep: the share of the old hidden state each "
           "unit keeps. Press **Play**, pause on a step, and check one unit's h = z·h_prev + (1 - z)·h~ in the table.",
        6: "Force the update gate to 1, so every step keeps the old state and writes nothing new. Predict what happens "
           "to the score, then reveal.",
    },
    "rnn": {
        5: "This is the hidden state h of one sequence, timestep by timestep: the SimpleRNN has no gates, so h is all "
           "there is. Press **Play**, pause on a step, and check one unit's h = tanh(a) in the table.",
        6: "A knock-out holds a gate at 0 or 1, and the SimpleRNN has none: read why below, then go on to the quiz.",
    },
}
GUIDED_GATE = {"lstm": "forget_gate", "gru": "update_gate", "rnn": "hidden_state"}  # what step 5 steps through

# The Prediction trace tab's exercise: sequences worth tracing (tracing.picks), to pick from.
PICK_LABEL = "Find one the model gets wrong"
PICK_PLACEHOLDER = "Pick a sequence it gets wrong, or is unsure of"
PICK_NOTE = ("{wrong} of {n} sequences have a score on the wrong side of 0.5, {held} of them held out (never trained "
             "on); listed first are the held-out ones, most confidently wrong first{cut}. *Unsure* ones score nearest "
             "0.5. Pick one, then follow its gates: where does the score go astray?")
PICK_NONE_WRONG = ("The model gets all {n} sequences right. *Unsure* ones, whose scores are nearest 0.5, are listed "
                   "to pick from instead.")

# Above the tabs when the sidebar's settings are not those of the run on screen (moving a slider trains nothing).
STALE_SETTINGS = "These results are for the previous settings ({changes}). Press **Train** to apply the new ones."

# "Start here", at the top of the Training tab: the task, two of the learner's own sequences, the output.
START_HERE = "Start here: what the model learns to predict"
TASK = {  # the task in one sentence; task.task_sentence fills it from the dataset and the run's cell
    "synthetic": "**The task.** Each of your {n} sequences is {steps} of {features}. The {layer} reads one in time order "
                 "and predicts its label: **1** if the sequence drifts up over its timesteps, **0** if it drifts down.",
    "file": "**The task.** Each of your {n} sequences is a window of {rows} of {file} ({columns}). The {layer} reads one in "
            "time order and predicts its label: **1** if {target} rises in the next row, **0** if it falls or stays the same.",
}
OUTPUT = ("**The output.** For each sequence the model gives one score between 0 and 1; above 0.5 counts as "
          "label 1 ({up}), otherwise label 0.")
UP_WORDS = {"synthetic": "up", "file": "{target} rises next"}
EXAMPLE_CAPTIONS = {  # what the Start here chart draws
    "synthetic": "Two of your training sequences, as the model reads them: sample {up} (label 1, drifts up) and "
                 "sample {down} (label 0, drifts down). Thin lines: each of the {features}; thick line: their "
                 "average at each timestep.",
    "file": "Two of your training windows: {target} in the file's own units, row by row. {windows}. {next}",
}
EXAMPLE_NEXT = "The hollow dot is the next row, the one the label is about: higher than the window's last row for label 1."
EXAMPLE_NO_NEXT = "The label is about the row after each window."

# The Pipeline tab's stage cards draw the first sequences instead of listing their numbers.
INPUT_STAGE_NOTE = "Nothing is learned here: this is the input, as the LSTM reads it."
SPARK_NOTES = {  # what each stage card draws
    "Input Data": "The first {rows} training sequences (in training order), every timestep; one line per feature, "
                  "all on the same scale ({low} to {high}).",
    "LSTM Layer": "The first {rows} training sequences' last hidden state: one bar per unit, all on the scale -1 to 1.",
    "Dense Layer": "The first {rows} training sequences' scores (above 0.5 counts as label 1):",
}
