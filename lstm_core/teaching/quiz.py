"""Quiz content: fixed questions in three levels, plus questions generated from the learner's own run.

Every wrong option is a misconception learners really hold, and its explanation says why it is
wrong. The right option does not stand out by its length or by looking the most complete, and every
question's options are shuffled, so a quiz cannot be passed by spotting the shape of the answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lstm_core.formats import counted
from lstm_core.teaching.gradients import OPEN, VANISHED, share
from lstm_core.tracing.trace import sigmoid

LEVELS = ("Basics", "Shapes and parameters", "Training and gates", "Your model")


LETTERS = "ABCD"


def _sentence(why: str) -> str:
    """A reason as a sentence of its own (the data writes each to follow a colon, lower case first). A
    first word that is a name in the maths or the code (c, f, x(t), return_sequences=True) keeps its case."""
    word = why.split(" ", 1)[0]
    return why[:1].upper() + why[1:] if word.isalpha() and word.islower() and (len(word) > 1 or word == "a") else why


@dataclass(frozen=True)
class WhyNot:
    """One wrong option and why it is wrong."""

    letter: str
    option: str
    reason: str
    picked: bool  # the learner chose it


@dataclass(frozen=True)
class Feedback:
    """The verdict under one checked question: whether it is right, the headline naming the learner's
    answer and the right one, why the right one is right, and why each other option is not."""

    correct: bool
    said: str  # "Your answer: B. The right answer: C." or "Your answer: C. Right."
    why: str
    why_not: tuple[WhyNot, ...]


@dataclass(frozen=True)
class Question:
    id: str
    level: str
    prompt: str
    options: tuple[str, ...]  # exactly four
    answer: int  # index of the one correct option
    why: tuple[str, ...]  # one line per option: why it is right, or why it is wrong

    def __post_init__(self):
        if (len(self.options) != 4 or len(set(self.options)) != 4 or len(self.why) != 4
                or len(set(self.why)) != 4 or not 0 <= self.answer < 4):
            raise ValueError(f"question {self.id!r} needs 4 distinct options, a different reason for each and one answer")

    @property
    def reason(self) -> str:
        """Why the right option is right: the one or two sentences said under the verdict."""
        return _sentence(self.why[self.answer])

    def why_not(self, first: int | None = None) -> tuple[WhyNot, ...]:
        """Why each other option is wrong, in the order shown; ``first`` (the learner's pick) leads."""
        others = [i for i in range(len(self.options)) if i != self.answer]
        others.sort(key=lambda i: i != first)
        return tuple(WhyNot(LETTERS[i], self.options[i], _sentence(self.why[i]), i == first) for i in others)

    def feedback(self, picked: int | None) -> Feedback | None:
        """What is said under the question once it is checked; None when it was not answered."""
        if picked is None:
            return None
        right = LETTERS[self.answer]
        said = (f"Your answer: {LETTERS[picked]}. Right." if picked == self.answer
                else f"Your answer: {LETTERS[picked]}. The right answer: {right}.")
        return Feedback(picked == self.answer, said, self.reason, self.why_not(picked))

    def shuffled(self, rng: np.random.Generator) -> Question:
        order = rng.permutation(len(self.options))
        return Question(self.id, self.level, self.prompt, tuple(self.options[i] for i in order),
                        int(np.flatnonzero(order == self.answer)[0]), tuple(self.why[i] for i in order))


def _q(id, level, prompt, options_and_why, answer=0):
    return Question(id, level, prompt, tuple(o for o, _ in options_and_why), answer, tuple(w for _, w in options_and_why))


# The right option is listed first here; draw_quiz shuffles every question, this one included.
SEED_QUESTION = _q(
    "seed", "Basics", "What does the LSTM layer output represent?",
    [
        ("A summary vector capturing sequence patterns",
         "the layer returns its last hidden state h: one number per unit for each sequence, built up step by step from "
         "everything it read."),
        ("Raw input data unchanged",
         "the input goes through the four weight blocks and the gates; what comes out has one number per unit for "
         "each sequence, not timesteps x features."),
        ("Final prediction score",
         "the score comes from the Dense layer, which reads the LSTM's output."),
        ("The cell state c: the memory kept after the last step",
         "c stays inside the layer. What comes out is h = o·tanh(c), the output gate's filtered view of it "
         "(return_state=True would hand out c as an extra output)."),
    ],
)

FIXED: tuple[Question, ...] = (
    SEED_QUESTION,
    _q("why-steps", "Basics", "Why does an LSTM read a sequence one timestep at a time?", [
        ("So what earlier steps showed can shape how later ones are read",
         "h and c pass from each step to the next, and every gate reads h(t-1): what came early changes how "
         "each later step is taken in."),
        ("Because stepping is faster than reading all steps at once",
         "it is slower: each step needs the state the previous step left, so the steps run one after another "
         "instead of in parallel."),
        ("Because each timestep is a separate training example",
         "the whole sequence is one example with one label; its steps are read in order inside that example."),
        ("Because the Dense layer needs one score per timestep",
         "the Dense layer gives one score per sequence, from the last hidden state alone."),
    ]),
    _q("dense-role", "Basics", "What does the Dense layer with a sigmoid do in this model?", [
        ("It weighs the LSTM's units into one score from 0 to 1",
         "a weighted sum of the numbers in h plus a bias, through the sigmoid: one score per sequence, "
         "counted as class 1 above 0.5."),
        ("It picks which of the LSTM's memories to forget next",
         "forgetting happens inside the LSTM, in its forget gate; the Dense layer runs once, after the last step."),
        ("It gives a probability for each timestep of the sequence",
         "it reads only the last hidden state, so there is one score per sequence and none per step."),
        ("It rounds the LSTM's output into a label, 0 or 1",
         "the sigmoid gives a score such as 0.73 and never rounds; accuracy counts a score above 0.5 as "
         "class 1, and the loss uses the score itself."),
    ]),
    _q("param-formula", "Shapes and parameters",
       "A Keras LSTM layer has U units and reads F features per timestep. How many trainable parameters does it have?", [
           ("4 x U x (F + U + 1)",
            "four weight blocks (Keras's order i | f | c | o), each with U units; each unit sees F inputs x(t), "
            "U recurrent inputs h(t-1) and one bias."),
           ("4 x U x (F + U + 2)",
            "that is PyTorch's count: PyTorch keeps two bias vectors per block (b_ih and b_hh), Keras keeps one."),
           ("3 x U x (F + U + 1)",
            "three blocks would be the three gates alone, and that count is a GRU's with reset_after=False; "
            "Keras's default GRU (reset_after=True) keeps two bias vectors per block: 3 x U x (F + U + 2). "
            "The LSTM's candidate g needs weights of its own: four blocks."),
           ("4 x U x (F + 2U + 1)",
            "the gates read h(t-1), not the cell state c(t-1): c only passes through f·c_prev + i·g, with no "
            "weights of its own."),
       ]),
    _q("factor-four", "Shapes and parameters", "Why is there a factor 4 in the LSTM's parameter count?", [
        ("Separate weights for i, f, o and the candidate g",
         "each of the three gates and the candidate computes its own value for every unit from the same inputs, so "
         "each needs its own weights. Keras stores the four side by side in one kernel, in the order i | f | c | o "
         "(its c block makes the candidate, shown as g in the Gate inspector, where c is the cell state)."),
        ("Four layers are stacked inside one LSTM layer",
         "it is one layer, run once per timestep; its four blocks sit side by side and all read the same x(t) "
         "and h(t-1)."),
        ("It looks back four timesteps at every step",
         "it looks back one step, through h(t-1) and c(t-1); anything older reaches it only through them."),
        ("Adam's state for each weight counts as parameters",
         "Adam keeps two running averages per weight, but that is optimizer state: count_params() leaves it "
         "out, and it would not make a 4."),
    ]),
    _q("timesteps-params", "Shapes and parameters", "Does the number of timesteps change the number of LSTM parameters?", [
        ("No: the same weights are reused at every timestep",
         "weight sharing: the same 4U(F+U+1) weights process every step, so a longer sequence means more "
         "steps, not more weights."),
        ("Yes: each timestep has its own set of weights",
         "that would be an unrolled model without sharing; the LSTM applies one set of weights at every step, "
         "which is also why it can read a sequence of any length."),
        ("No, but the Dense layer grows with the timesteps",
         "the Dense layer reads only the last hidden state: U weights and one bias, whatever the length."),
        ("Only with return_sequences=True: a set per step",
         "return_sequences=True returns a hidden state per step, but one set of weights makes them all."),
    ]),
    _q("return-sequences", "Shapes and parameters",
       "With return_sequences=True, what would a 20-unit LSTM output for 1000 sequences x 10 timesteps x 5 features?", [
           ("1000 sequences x 10 timesteps x 20 units",
            "return_sequences=True keeps the hidden state of every step: 10 vectors of 20 numbers per sequence "
            "(the trace's heatmaps show this for one sequence)."),
           ("1000 sequences x 20 units",
            "that is the default, return_sequences=False: only the last step's hidden state."),
           ("1000 sequences x 10 timesteps x 5 features",
            "that is the input's shape; the LSTM maps each step's 5 features to 20 units."),
           ("1000 sequences x 10 timesteps x 40 units",
            "that would be h and c side by side; the layer returns h only (return_state=True adds the last h "
            "and c as separate outputs)."),
       ]),
    _q("forget-open", "Training and gates", "The forget gate of a unit is close to 1. What happens to that unit's cell state?", [
        ("Most of it is kept and carried on into the next timestep",
         "c = f·c_prev + i·g: with f near 1 the old cell state is multiplied by almost 1, so it survives, and "
         "i·g is added on top."),
        ("It is erased: a forget gate of 1 means forget all",
         "the name misleads: f is the share kept, so f near 1 keeps the cell state and f near 0 erases it."),
        ("It is overwritten by the new input at this step",
         "new content is added, not written over: i·g goes on top of f·c_prev, so the old state stays in the sum."),
        ("It holds a lot: the unit has stored much information",
         "f is a share, not an amount: it keeps whatever c held, and c may be near 0. A high f says nothing "
         "about how much is stored."),
    ]),
    _q("input-gate", "Training and gates", "What does the input gate i do?", [
        ("It scales the new candidate g that is added to c",
         "c = f·c_prev + i·g: i, between 0 and 1, sets how much of the new candidate goes on top of what f kept."),
        ("It overwrites the cell state with the new input",
         "nothing overwrites c: i·g is added to f·c_prev, so old and new content mix."),
        ("It equals 1 minus the forget gate at each step",
         "i and f are separate sigmoids with their own weights, and both can be near 1 at once; only coupled "
         "designs such as the GRU tie the two together."),
        ("It filters the raw input before the LSTM reads it",
         "x(t) reaches all four blocks through the kernel with no gate in front; i scales only the candidate g, "
         "the new content offered to the cell."),
    ]),
    _q("forget-start", "Training and gates", "Before training, a Keras LSTM's forget gates sit near 0.73 on average. Why?", [
        ("The forget bias starts at 1, and sigmoid(1) ≈ 0.73",
         "Keras's LSTM has unit_forget_bias=True: the forget block's bias starts at 1 (the other biases at 0), "
         "so from the first batch on the cell keeps most of its state and gradients can flow back through it."),
        ("Random starting weights happen to average out near 0.73",
         "the random kernel and recurrent weights are centred on 0, so on their own they would put a gate near "
         "sigmoid(0) = 0.5; the extra +1 comes from the bias."),
        ("It is 1 minus the input gate, which starts near 0.27",
         "the input gate starts near sigmoid(0) = 0.5 (its bias starts at 0), and f and i are not tied to each other."),
        ("Keras tunes it to 0.73 in a quick pass over the data",
         "nothing looks at the data before training: the initializer sets the forget bias to 1, whatever the data."),
    ]),
    _q("overfitting", "Training and gates",
       "Training loss keeps falling but validation loss rises for several epochs. What is happening?", [
           ("Overfitting: it learns quirks that do not carry over",
            "the weights keep fitting the training sequences better in ways that do not hold for the held-out "
            "ones, so their loss rises. Keeping the epoch with the lowest validation loss, more data or fewer "
            "units help."),
           ("Underfitting: the model needs more units",
            "an underfit model does badly on its training data too, and here the training loss keeps falling; "
            "more units give it more room to memorise."),
           ("Training is still warming up; validation follows later",
            "validation loss is measured with the same weights at the end of each epoch and does not lag behind; "
            "several epochs of rise mean the changes help the training set only."),
           ("The learning rate is too low to make progress",
            "a learning rate that is too low slows both losses down; here the training loss is still falling, so "
            "the weights are moving."),
       ]),
    _q("cell-memory", "Training and gates", "Which part of an LSTM carries long-term memory from step to step?", [
        ("The cell state c",
         "c is updated by adding, c = f·c_prev + i·g, with no weights and no squashing between steps, so content "
         "written early can last many steps while f stays near 1."),
        ("The forget gate f",
         "f is a share between 0 and 1, recomputed at every step: it decides how much of c survives, but the "
         "content it keeps lives in c."),
        ("The output gate o",
         "o decides how much of c shows in h at each step; it is recomputed every step and holds nothing itself."),
        ("The input gate i",
         "i decides how much new content enters c at a step; it is recomputed from x(t) and h(t-1) and stores "
         "nothing."),
    ]),
    _q("chance", "Training and gates",
       "Accuracy stays near 0.50 on a balanced yes/no task after several epochs. What does that mean?", [
           ("It is doing no better than a coin flip would",
            "on balanced labels a coin flip, or always answering the same class, scores 0.50: the model has not "
            "found a usable pattern yet (another learning rate or more epochs may help)."),
           ("It is halfway trained and will finish soon",
            "accuracy is not a progress bar: stuck at 0.50 after several epochs, nothing says it will improve."),
           ("It is right with 50% confidence on each sequence",
            "accuracy counts how many sequences land on the right side of 0.5; it says nothing about how sure "
            "each score is."),
           ("It has found half of the pattern in the data",
            "on balanced labels 0.50 is where guessing already lands; a model that had learned part of the "
            "pattern would score between 0.50 and 1."),
       ]),
)


def _distinct(correct: str, candidates: list[tuple[str, str]], key=lambda option: option) -> list[tuple[str, str]]:
    """The first three distractors that differ from the answer and from each other, as ``key`` sees
    them (two shapes in different words can still be the same shape).

    Callers list enough candidates that three always survive, whatever the config; Question checks.
    """
    out, seen = [], {key(correct)}
    for option, why in candidates:
        if key(option) not in seen and len(out) < 3:
            out.append((option, why))
            seen.add(key(option))
    return out


def _numbers(shape_text: str) -> tuple[int, ...]:
    """'1000 sequences x 4 timesteps x 2 units' -> (1000, 4, 2): the shape without its words."""
    return tuple(int(part.split()[0]) for part in shape_text.split(" x "))


def generated_questions(run, trace=None) -> list[Question]:
    """Questions whose answers are computed from this run, with misconceptions as distractors."""
    from lstm_core.teaching.stages import shape_in_words

    c = run.config
    u, f, t, n = c.units, c.features, c.timesteps, c.sequences
    qs = []
    right = f"{4 * u * (f + u + 1):,}"
    wrong = _distinct(right, [
        (f"{4 * u * (f + u + 2):,}",
         f"4 x {u} x ({f} + {u} + 2) is PyTorch's count: PyTorch keeps two bias vectors per block, Keras keeps one."),
        (f"{3 * u * (f + u + 1):,}",
         f"3 x {u} x ({f} + {u} + 1) counts the three gates but not the candidate g, which has weights of its own; "
         f"three blocks is a GRU with reset_after=False. Keras's default GRU (reset_after=True) keeps two bias "
         f"vectors per block: 3 x {u} x ({f} + {u} + 2)."),
        (f"{4 * u * (f + 2 * u + 1):,}",
         f"4 x {u} x ({f} + 2 x {u} + 1) feeds the cell state c(t-1) to the gates as well; they read only x(t) and h(t-1)."),
        (f"{4 * u * (f + u + 1) + u + 1:,}",
         f"that adds the Dense layer's {u} weights and its bias; the question asks for the LSTM layer alone."),
        (f"{4 * u * (t + u + 1):,}",
         f"4 x {u} x ({t} + {u} + 1) puts the {t} timesteps where the {f} features belong; the weights do not "
         "depend on the sequence length."),
    ])
    qs.append(_q("gen-params", "Your model",
                 f"Your Keras LSTM layer has {counted(u, 'unit')} and reads {counted(f, 'feature')} per timestep. "
                 "How many trainable parameters does it have?",
                 [(right, f"4 x {u} x ({f} + {u} + 1) = {right}: four blocks (i, f, c, o), each with {counted(u, 'unit')}; "
                          f"each unit sees {counted(f, 'input')} x(t), {counted(u, 'recurrent input')} h(t-1) "
                          "and one bias."), *wrong]))
    right = shape_in_words((n, u), "unit")
    wrong = _distinct(right, [
        (shape_in_words((n, t, u), "unit"),
         "that is the hidden state at every timestep, which needs return_sequences=True; this model keeps only "
         "the last one."),
        *([(shape_in_words((n, 1), "output"),
            f"one score per sequence is the Dense layer's output, made from these {u} numbers.")]
          if u > 1 else []),  # with 1 unit the LSTM's output is (n, 1) too: both would be right
        (shape_in_words((n, 2 * u), "unit"),
         "that would be h and c side by side; the layer returns only h (return_state=True would add the last h "
         "and c as separate outputs)."),
        (shape_in_words((n, t, f), "feature"),
         f"that is the input's shape; the LSTM turns each step's {counted(f, 'feature')} into "
         f"{counted(u, 'unit')} and keeps the last step."),
        (shape_in_words((n, 4 * u), "unit"),
         f"4 x {u} is the width of the four gate blocks inside the cell; only h, {u} number{'s' * (u > 1)}, comes out."),
    ], key=_numbers)
    qs.append(_q("gen-shape", "Your model", "What shape does the LSTM layer output for your data?",
                 [(right, f"one {u}-number summary vector (the last hidden state) for each of the {n} sequences."),
                  *wrong]))
    if run.diverged:  # NaN losses and gates: only what the table shows is asked
        return qs + [_final_accuracy_question(run)]
    qs.append(_best_epoch_question(run) or _final_accuracy_question(run))
    if trace is not None and (forget := _forget_question(trace)):
        qs.append(forget)
    if getattr(run, "gradient_flow", None) is not None and (flow := _gradient_question(run)):
        qs.append(flow)
    return qs


GRADIENT_BINS = (  # the first step's share of the last step's gradient, as the options name it
    (OPEN, math.inf, "About as strongly (at least half as much)"),
    (VANISHED, OPEN, "Weaker, but clearly (1% to half as much)"),
    (0.0, VANISHED, "Barely (under 1% as much)"),
)


def _gradient_question(run) -> Question | None:
    """How strongly the loss's gradient reaches timestep 1 after training, from the run's measured flow."""
    first, start, t = float(run.gradient_flow.trained[0]), float(run.gradient_flow.init[0]), run.config.timesteps
    if not (math.isfinite(first) and math.isfinite(start)):
        return None
    measured = (f"measured on your held-out sequences, the gradient reaching timestep 1 is {share(first)} of the "
                f"one reaching timestep {t} after training ({share(start)} as built, before training).")
    options = [(name, measured[0].upper() + measured[1:] if low <= first < high else
                f"that would be {name.split('(')[1].rstrip(')')}; {measured}") for low, high, name in GRADIENT_BINS]
    right = next(i for i, (low, high, _) in enumerate(GRADIENT_BINS) if low <= first < high)
    options.append((f"Not at all: a gradient cannot flow back through {t} steps of gates",
                    "it is never exactly 0: the cell path (through the forget gates) and the hidden state both carry "
                    f"it back, however weakly; {measured}"))
    return _q("gen-gradient", "Your model",
              f"After training, how strongly does the loss's gradient reach the input at timestep 1, compared with "
              f"timestep {t}?", options, answer=right)


def _as_shown(value: float) -> str:
    """A number as the epoch table shows it (3 decimals), so a question matches what the learner reads."""
    return f"{value:.3f}"


def _best_epoch_question(run) -> Question | None:
    """Which epoch's weights the traced model has when validation loss was lowest at an earlier epoch:
    the last epoch's, as fit ends with them. Each option is a different set of weights (the last epoch's,
    the best epoch's, the starting ones, an average), so none can be ruled out for sharing its answer
    with another. None when the table cannot tell which epoch was lowest (fewer than 4 epochs, or another
    epoch's loss looks the same at the table's 3 decimals) or the lowest is the last."""
    h = run.history
    shown = [_as_shown(v) for v in h["val_loss"]]
    low = _as_shown(h["val_loss"].min())
    if len(h) < 4 or shown.count(low) > 1:
        return None
    best = int(h.loc[h["val_loss"].idxmin(), "epoch"])
    last = int(h["epoch"].iloc[-1])
    if best == last:
        return None
    final = _as_shown(h["val_loss"].iloc[-1])
    return _q("gen-best-epoch", "Your model",
              f"Your validation loss was lowest at epoch {best} of {last}. Which epoch's weights does the Prediction "
              "trace tab use?",
              [(f"Epoch {last}'s: fit ends holding the weights of its last epoch",
                f"fit updates one set of weights batch after batch and ends with them: epoch {last}'s, whose "
                f"validation loss was {final}, above epoch {best}'s {low}."),
               (f"Epoch {best}'s: Keras restores the best epoch when fit ends",
                f"Keras does that only when fit is given EarlyStopping(restore_best_weights=True) (it watches val_loss "
                f"by default); this app's fit has no such callback, so it ends with epoch {last}'s weights."),
               ("The starting weights: the trace shows the untrained model",
                f"the starting weights are where Keras's initializers put them before the first batch, and fit has "
                f"changed them at every batch since; the trace runs the weights the model holds after fit, epoch {last}'s."),
               (f"An average of all {last} epochs' weights, kept as it trained",
                "fit holds one set of weights and changes it in place at every batch; it keeps no earlier weights "
                "to average.")])


def _final_accuracy_question(run) -> Question:
    h = run.history
    final = h["val_accuracy"].iloc[-1]
    right = _as_shown(final)
    acc = h["val_accuracy"].to_numpy(dtype=float)
    top = int(np.nanargmax(acc)) if np.isfinite(acc).any() else 0
    val_loss = float(h["val_loss"].iloc[-1])
    reached = {_as_shown(v) for v in (*h["accuracy"], *h["val_accuracy"], val_loss)}
    # Offered beside the answer, 1 - p would hint that the answer is one of the two (as shown, too: 0.635 and 0.365).
    mirror = {_as_shown(1 - final), _as_shown(1 - float(right))}
    steps = [final + d for d in (-0.125, 0.125, -0.25, 0.25, -0.375, 0.375, -0.5, 0.5)]  # at least 4 lie in [0, 1]
    steps += [k / 8 for k in range(9)] + [k / 1000 for k in range(1001)]  # in case a long run reached those
    wrong = _distinct(right, [(option, why) for option, why in [
        (_as_shown(h["accuracy"].iloc[-1]),
         "that is the training accuracy, measured on the sequences the model trained on; validation uses the held-out ones."),
        (_as_shown(acc[top]),
         f"that is the highest Val accuracy in your table (epoch {int(h['epoch'].iloc[top])}); the model you have "
         f"is the last epoch's, and it scored {right}."),
        (_as_shown(h["val_accuracy"].iloc[0]), "that is Val accuracy after epoch 1, not after the last epoch."),
        *([(_as_shown(val_loss), "that is the last epoch's Val loss, another column: loss measures how far the "
                                 "scores are from the labels, not how many are right.")]
          if 0 <= val_loss <= 1 else []),
        *((_as_shown(v), f"{_as_shown(v)} appears nowhere in your table; the last Val accuracy is {right}.")
          for v in steps if 0 <= v <= 1 and _as_shown(v) not in reached),
    ] if option not in mirror])
    return _q("gen-final-acc", "Your model", "What was your model's validation accuracy after the last epoch?",
              [(right, f"the last row of your epoch table shows Val accuracy {right}."), *wrong])


START_FORGET = float(sigmoid(1.0))  # 0.731: Keras's unit_forget_bias starts the forget bias at 1
START_NEAR = 0.1  # an untrained mean forget gate this close to sigmoid(1) is mostly the starting bias
FORGET_MOVED = 0.02  # a mean forget gate that training moved less than this is still where it started
SUM_NEAR = 0.05  # i + f this close to 1 would make 'the two gates add to 1' look right at this step


def _forget_question(trace) -> Question | None:
    """What the mean forget gate at the last timestep says: the share of the cell state kept there,
    and how much of it training set, against the same sequence through the untrained weights.

    None when there is no untrained trace, a gate is NaN, or the untrained gate is not near
    sigmoid(1) (then 'it is the starting bias' would not be the one right reading)."""
    start = trace.initial_gates
    if start is None:
        return None
    now, before, i_now, c_now = (float(np.mean(gates[name][-1])) for gates, name in (
        (trace.gates, "forget_gate"), (start, "forget_gate"), (trace.gates, "input_gate"), (trace.gates, "cell_state")))
    if not all(map(math.isfinite, (now, before, i_now, c_now))) or abs(before - START_FORGET) > START_NEAR:
        return None
    now, before = float(f"{now:.2f}"), float(f"{before:.2f}")  # as the prompt shows them
    kept, was, moved = f"{now:.0%}", f"{before:.0%}", round(now - before, 2)  # 0.70 - 0.68 is 0.0199999... in floats
    bias = (f"Keras starts the forget bias at 1 (unit_forget_bias=True), so f starts near sigmoid(1) ≈ "
            f"{START_FORGET:.2f}, and the random starting weights made it {before:.2f} on this sequence")
    share = f"c = f·c_prev + i·g, so about {kept} of each unit's previous cell state survives this step, on average"
    if abs(moved) >= FORGET_MOVED:
        right = (f"It keeps about {kept} of the cell state, {'up' if moved > 0 else 'down'} from {was} untrained",
                 f"{share}. Before training, {bias}; training moved it by {moved:+.2f}.")
        training = (f"Training alone made it {kept}; the {was} before was random noise",
                    f"the {before:.2f} before training was no noise but mostly the starting bias: {bias}.")
    else:
        right = (f"It keeps about {kept} of the cell state, as it did untrained",
                 f"{share}. Training moved it by only {abs(moved):.2f}: the value is mostly where it started, as {bias}.")
        training = (f"Training taught this step to keep {kept} of the cell state",
                    f"the same sequence gave {before:.2f} before training: the value comes from the starting forget "
                    "bias of 1, not from what training learned.")
    wrong = [
        training,
        (f"The units remember about {kept} of all the inputs they have read",
         "f acts on the cell state, not on the inputs: each input reaches c only through i·g, and f keeps a share "
         "of c's previous value, whatever that held."),
        *([(f"The input gate is near {1 - now:.2f}: the two gates add to 1",
            f"f and i are separate sigmoids with their own weights, and nothing makes them add to 1 (only coupled "
            f"designs such as the GRU tie them); at this step i averages {i_now:.2f}.")]
          if abs(i_now + now - 1) >= SUM_NEAR else []),  # where they happen to add to 1, its number would be right
        (f"The cell state is {kept} full, so the unit has stored a lot",
         f"f is the share of c kept, not how full c is: c is a running sum with no capacity, and here it averages "
         f"{c_now:.2f}. A high f can keep a cell state near 0."),
    ]
    units = trace.gates["forget_gate"].shape[1]
    return _q("gen-forget", "Your model",
              f"At the last timestep of sample {trace.sample}, the forget gate f averages {now:.2f} over "
              f"{counted(units, 'unit')}; before training it averaged {before:.2f} on the same sequence. "
              "What does that say?",
              [right, *wrong[:3]])


def draw_quiz(run, trace=None, seed: int = 0, fixed: int = 4) -> list[Question]:
    """The seed's question first, ``fixed`` more fixed questions (at least one from each level), then
    the questions generated from the run; every question's options in a random order.

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
    return [q.shuffled(rng) for q in [SEED_QUESTION, *picked, *generated_questions(run, trace)]]


@dataclass(frozen=True)
class Grade:
    """A checked quiz: each question's mark (None where not answered), scored over the answered ones."""

    marks: tuple[bool | None, ...]

    @property
    def answered(self) -> int:
        return sum(m is not None for m in self.marks)

    @property
    def right(self) -> int:
        return sum(m is True for m in self.marks)

    @property
    def unanswered(self) -> int:
        return len(self.marks) - self.answered

    @property
    def score(self) -> str:
        """'k / n' over the answered questions; empty when none is answered (there is nothing to score)."""
        return f"{self.right} / {self.answered}" if self.answered else ""

    def unanswered_note(self) -> str:
        """'3 questions not answered: not scored.', or '' when every question is answered."""
        return f"{counted(self.unanswered, 'question')} not answered: not scored." if self.unanswered else ""


ANSWER_FIRST = "Answer at least one question, then check your answers."


def grade(questions: list[Question], answers: dict[str, int | None]) -> Grade:
    """Each question's mark: right, wrong, or None where it has no answer."""
    return Grade(tuple(None if answers.get(q.id) is None else answers[q.id] == q.answer for q in questions))
