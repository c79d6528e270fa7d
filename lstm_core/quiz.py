"""Quiz content: fixed questions in three levels, plus questions generated from the learner's own run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.text import counted

LEVELS = ("Basics", "Shapes and parameters", "Training and gates", "Your model")


@dataclass(frozen=True)
class Question:
    id: str
    level: str
    prompt: str
    options: tuple[str, ...]  # exactly four
    answer: int  # index of the one correct option
    why: tuple[str, ...]  # one line per option: why it is right, or why it is wrong

    def __post_init__(self):
        if len(self.options) != 4 or len(set(self.options)) != 4 or len(self.why) != 4 or not 0 <= self.answer < 4:
            raise ValueError(f"question {self.id!r} needs 4 distinct options, a reason for each and one answer")

    def explanation(self) -> str:
        return " ".join(
            f"{'Right' if i == self.answer else 'Not'} {'ABCD'[i]}: {why}" for i, why in enumerate(self.why)
        )

    def shuffled(self, rng: np.random.Generator) -> Question:
        order = rng.permutation(len(self.options))
        return Question(self.id, self.level, self.prompt, tuple(self.options[i] for i in order),
                        int(np.flatnonzero(order == self.answer)[0]), tuple(self.why[i] for i in order))


def _q(id, level, prompt, options_and_why, answer):
    return Question(id, level, prompt, tuple(o for o, _ in options_and_why), answer, tuple(w for _, w in options_and_why))


SEED_QUESTION = _q(
    "seed", "Basics", "What does the LSTM layer output represent?",
    [
        ("A summary vector capturing sequence patterns",
         "the LSTM returns its last hidden state: one vector of `units` numbers that sums up what it read across every timestep."),
        ("Raw input data unchanged",
         "the input passes through four gates and trained weights; the output has `units` numbers per sequence, not timesteps x features."),
        ("Final prediction score",
         "the score comes from the Dense layer, which reads the LSTM's output."),
        ("Random noise",
         "the output is a fixed function of the input and the trained weights, shaped by training."),
    ],
    0,
)

FIXED: tuple[Question, ...] = (
    SEED_QUESTION,
    _q("why-steps", "Basics", "Why does an LSTM read a sequence one timestep at a time?",
       [("To make training faster than a Dense layer", "stepping through time is slower than one matrix product; it is done for memory, not speed."),
        ("So it can ignore the order of the steps", "the opposite: reading in order is what lets it use the order."),
        ("So it can carry a memory from earlier steps into later ones", "the cell and hidden state flow from each step to the next, so early steps can shape the output."),
        ("Because Keras cannot multiply matrices", "Keras multiplies whole batches of matrices at every step.")], 2),
    _q("dense-role", "Basics", "What does the Dense layer with a sigmoid do in this model?",
       [("It adds more timesteps", "the Dense layer sees one vector per sequence; there are no timesteps left."),
        ("It turns the LSTM's summary vector into one score between 0 and 1", "a weighted sum of the units plus a bias, squashed by the sigmoid into a probability-like score."),
        ("It decides which memories to forget", "that is the LSTM's forget gate, inside the LSTM layer."),
        ("It normalises the input features", "it sits after the LSTM and never sees the raw inputs.")], 1),
    _q("param-formula", "Shapes and parameters",
       "An LSTM layer has U units and reads F features per timestep. How many trainable parameters does it have?",
       [("U x (F + U + 1)", "that counts one gate; an LSTM has four weight blocks (input, forget, candidate, output)."),
        ("4 x U x (F + U)", "this drops the bias: each of the 4U gate units has one."),
        ("4 x (F + U + 1)", "each of the U units in each gate has its own weights, so multiply by U."),
        ("4 x U x (F + U + 1)", "four blocks (input, forget, candidate, output), each with U units that see F inputs, U recurrent inputs and a bias.")], 3),
    _q("factor-four", "Shapes and parameters", "Why is there a factor 4 in the LSTM's parameter count?",
       [("It has four weight blocks: input gate, forget gate, candidate and output gate",
         "each computes its own value for every unit from the same inputs, so each needs its own weights. Keras stores "
         "the four side by side in one kernel, in the order i | f | c | o (its c block makes the candidate, shown as g "
         "in the Gate inspector, where c is the cell state)."),
        ("It stacks four layers inside", "an LSTM layer is one layer, applied once per timestep."),
        ("Each timestep is copied four times", "timesteps do not change the weight count at all."),
        ("Adam keeps four copies of each weight", "optimizer state is not a trainable parameter.")], 0),
    _q("timesteps-params", "Shapes and parameters", "Does the number of timesteps change the number of LSTM parameters?",
       [("Yes: one set of weights per timestep", "that would be a different (unrolled, unshared) model; the LSTM shares its weights."),
        ("Yes: it doubles with each timestep", "no count in the formula 4U(F+U+1) depends on timesteps."),
        ("No: the same weights are reused at every timestep", "this is weight sharing: a longer sequence means more steps, not more weights."),
        ("Only when return_sequences=True", "return_sequences changes the output shape, not the weights.")], 2),
    _q("return-sequences", "Shapes and parameters",
       "With return_sequences=True, what would a 20-unit LSTM output for 1000 sequences x 10 timesteps x 5 features?",
       [("1000 sequences x 20 units", "that is the default (return_sequences=False): only the last hidden state."),
        ("1000 sequences x 10 timesteps x 20 units", "one hidden state per timestep: the trace's heatmaps show exactly this for one sequence."),
        ("1000 sequences x 10 timesteps x 5 features", "that is the input shape; the LSTM maps 5 features to 20 units."),
        ("1000 sequences x 1 output", "that is the Dense layer's output.")], 1),
    _q("forget-open", "Training and gates", "The forget gate of a unit is close to 1. What happens to that unit's cell state?",
       [("It is erased", "a forget gate near 0 erases; near 1 keeps."),
        ("It is sent straight to the Dense layer", "only the last hidden state reaches the Dense layer."),
        ("It is replaced by the new input", "the input enters through the input gate and candidate, added on top."),
        ("It is mostly kept and carried to the next timestep", "c_t = f * c_prev + i * g: with f near 1, the old memory survives.")], 3),
    _q("overfitting", "Training and gates",
       "Training loss keeps falling but validation loss rises for several epochs. What is happening?",
       [("Overfitting: the model memorises the training sequences", "it fits quirks of the training set that do not carry over to new sequences."),
        ("Underfitting: the model is too small", "an underfit model does badly on training data too."),
        ("The learning rate is zero", "then the training loss would not move at all."),
        ("The validation data is broken", "rising validation loss with falling training loss is the classic sign of overfitting, not bad data.")], 0),
    _q("cell-memory", "Training and gates", "Which part of an LSTM carries long-term memory from step to step?",
       [("The output gate", "it decides how much memory to show, but does not store it."),
        ("The cell state c", "it is updated additively (f * c_prev + i * g), which lets information last many steps."),
        ("The Dense layer's bias", "the Dense layer runs once, after the last step."),
        ("The input sequence", "the input arrives fresh at each step; it is not memory.")], 1),
    _q("chance", "Training and gates",
       "Accuracy stays near 0.50 on a balanced yes/no task after several epochs. What does that mean?",
       [("The model is half trained and will finish soon", "accuracy stuck at 0.50 is not progress; nothing says it will improve."),
        ("The model is perfect on half the data", "0.50 on balanced classes is what a coin flip scores."),
        ("The model does no better than guessing", "it has not found the pattern yet; try another learning rate or more units."),
        ("The loss must be zero", "a guessing model's loss is high, about 0.69 for binary cross-entropy.")], 2),
)


def _distinct(correct: str, candidates: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The first three distractors that differ from the answer and from each other.

    Callers list enough candidates that three always survive, whatever the config; Question checks.
    """
    out, seen = [], {correct}
    for option, why in candidates:
        if option not in seen and len(out) < 3:
            out.append((option, why))
            seen.add(option)
    return out


def generated_questions(run, trace=None) -> list[Question]:
    """Questions whose answers are computed from this run, with distractors from common mistakes."""
    from lstm_core.stages import shape_in_words

    c = run.config
    u, f, t, n = c.units, c.features, c.timesteps, c.sequences
    qs = []
    right = f"{4 * u * (f + u + 1):,}"
    wrong = _distinct(right, [
        (f"{u * (f + u + 1):,}", "1x instead of 4x: that is one gate, and an LSTM has four weight blocks."),
        (f"{4 * u * (f + u):,}", "this drops the bias of each of the 4U gate units."),
        (f"{4 * u * (t + u + 1):,}", "this uses timesteps where features belong; weights do not depend on sequence length."),
        (f"{4 * u * (f + u + 1) + u + 1:,}", "that adds the Dense layer's weights; the question asks for the LSTM layer alone."),
    ])
    qs.append(_q("gen-params", "Your model",
                 f"Your LSTM has {counted(u, 'unit')} and {counted(f, 'feature')}. How many trainable parameters does the LSTM layer have?",
                 [(right, f"4 x {u} x ({f} + {u} + 1) = {right}: four gate blocks, each seeing {f} inputs, {u} recurrent inputs and a bias."), *wrong], 0))
    right = shape_in_words((n, u), "unit")
    wrong = _distinct(right, [
        (shape_in_words((n, t, u), "unit"), "that would need return_sequences=True; this model keeps only the last hidden state."),
        (shape_in_words((n, t, f), "feature"), "that is the input; the LSTM maps each sequence to its units."),
        *([(shape_in_words((n, 1), "output"), "that is the Dense layer's output, one score per sequence.")]
          if u > 1 else []),  # with 1 unit the LSTM's output is (n, 1) too: both would be right
        (shape_in_words((n, t), "timestep"), "that would be one number per timestep; the LSTM keeps one vector of units per sequence."),
        (shape_in_words((n, 4 * u), "unit"), "that counts the four gate blocks; the layer outputs the hidden state, one number per unit."),
    ])
    qs.append(_q("gen-shape", "Your model", "What shape does the LSTM layer output for your data?",
                 [(right, f"one {u}-number summary vector (the last hidden state) for each of the {n} sequences."), *wrong], 0))
    if run.diverged:  # NaN losses and gates: only what the table shows is asked
        return qs + [_final_accuracy_question(run)]
    qs.append(_best_epoch_question(run) or _final_accuracy_question(run))
    if trace is not None and (forget := _forget_question(trace)):
        qs.append(forget)
    return qs


def _as_shown(value: float) -> str:
    """A number as the epoch table shows it (3 decimals), so a question matches what the learner reads."""
    return f"{value:.3f}"


def _best_epoch_question(run) -> Question | None:
    """Which epoch had the lowest validation loss; None when the table cannot tell (fewer than 4
    epochs, or another epoch's loss looks the same at the table's 3 decimals)."""
    h = run.history
    shown = [_as_shown(v) for v in h["val_loss"]]
    low = _as_shown(h["val_loss"].min())
    if len(h) < 4 or shown.count(low) > 1:
        return None
    best = int(h.loc[h["val_loss"].idxmin(), "epoch"])
    last = int(h["epoch"].iloc[-1])
    picks = [last, int(h.loc[h["loss"].idxmin(), "epoch"]), 1, *(int(e) for e in h["epoch"])]
    wrong = _distinct(f"Epoch {best}", [(f"Epoch {e}", _epoch_why(h, e)) for e in picks])
    return _q("gen-best-epoch", "Your model", "At which epoch was your validation loss lowest?",
              [(f"Epoch {best}", f"validation loss was {low} there, its lowest."), *wrong], 0)


def _epoch_why(h, epoch: int) -> str:
    row = h[h["epoch"] == epoch].iloc[0]
    return f"validation loss was {_as_shown(row['val_loss'])} at epoch {epoch}, above the lowest {_as_shown(h['val_loss'].min())}."


def _final_accuracy_question(run) -> Question:
    h = run.history
    final = h["val_accuracy"].iloc[-1]
    right = _as_shown(final)
    reached = {_as_shown(v) for v in (*h["accuracy"], *h["val_accuracy"])}
    steps = [final + d for d in (-0.125, 0.125, -0.25, 0.25, -0.375, 0.375, -0.5, 0.5)]  # at least 4 lie in [0, 1]
    steps += [k / 8 for k in range(9)] + [k / 1000 for k in range(1001)]  # in case a long run reached those
    wrong = _distinct(right, [
        (_as_shown(h["accuracy"].iloc[-1]), "that is the training accuracy; validation uses the held-out sequences."),
        (_as_shown(h["val_accuracy"].iloc[0]), "that is validation accuracy after epoch 1, not the last epoch."),
        (_as_shown(1 - final), "that is the share of validation sequences it got wrong."),
        *((_as_shown(v), "not a value your run reached.") for v in steps if 0 <= v <= 1 and _as_shown(v) not in reached),
    ])
    return _q("gen-final-acc", "Your model", "What was your model's validation accuracy after the last epoch?",
              [(right, f"the last row of your epoch table shows Val accuracy {right}."), *wrong], 0)


FORGET_MARGIN = 0.05  # a mean forget gate this close to 0.5 is neither mostly open nor mostly closed


def _forget_question(trace) -> Question | None:
    """Is the forget gate mostly open or closed at the last timestep; None when the mean is too close
    to 0.5 for either answer to be right (as when one unit keeps everything and another erases it)."""
    f_last = float(np.mean(trace.gates["forget_gate"][-1]))
    if not abs(f_last - 0.5) >= FORGET_MARGIN:  # NaN included
        return None
    t = len(trace.gates["forget_gate"])
    is_open = f_last > 0.5
    mean = f"the mean forget gate at timestep {t} is {f_last:.2f}"
    opts = [
        ("Mostly open (mean above 0.5): most memory is kept", f"{mean}." if is_open else f"{mean}, below 0.5."),
        ("Mostly closed (mean below 0.5): most memory is erased", f"{mean}, above 0.5." if is_open else f"{mean}."),
        ("Exactly 1: an LSTM never forgets", "a sigmoid never reaches exactly 1, and trained gates vary by unit."),
        ("Exactly 0: the cell resets at every step", "a sigmoid never reaches exactly 0, and the cell state carries over."),
    ]
    return _q("gen-forget", "Your model",
              f"In sample {trace.sample}, at the last timestep, what does the forget gate do on average over the units? "
              "(The gate inspector in the Prediction trace tab shows it.)",
              opts, 0 if is_open else 1)


def draw_quiz(run, trace=None, seed: int = 0, fixed: int = 4) -> list[Question]:
    """The seed's question first, ``fixed`` more fixed questions (at least one from each level), then
    the questions generated from the run.

    Options are shuffled, except the seed question's, which keeps the seed page's A to D order.
    The same seed draws the same quiz.
    """
    rng = np.random.default_rng(seed)
    others = [q for q in FIXED if q.id != SEED_QUESTION.id]
    picked = []
    for level in LEVELS[1:3]:  # one on shapes and parameters, one on training and gates
        pool = [q for q in others if q.level == level]
        picked.append(pool[rng.integers(len(pool))])
    rest = [q for q in others if q not in picked]
    picked += [rest[i] for i in rng.choice(len(rest), size=max(0, min(fixed - len(picked), len(rest))), replace=False)]
    picked.sort(key=lambda q: FIXED.index(q))  # basics first, then shapes, then training
    return [SEED_QUESTION] + [q.shuffled(rng) for q in picked + generated_questions(run, trace)]


def grade(questions: list[Question], answers: dict[str, int | None]) -> tuple[list[bool], str]:
    """Whether each answer is right, and the score 'k / n'."""
    marks = [answers.get(q.id) == q.answer for q in questions]
    return marks, f"{sum(marks)} / {len(questions)}"
