"""Quiz content: fixed questions in three levels, plus questions generated from the learner's own run.

Every wrong option is a misconception learners really hold, and its explanation says why it is
wrong. The right option does not stand out by its length or by looking the most complete, and every
question's options are shuffled, so a quiz cannot be passed by spotting the shape of the answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from lstm_core.config import BLOCKS, CELL_NAMES, CELLS, LSTMConfig, unchecked
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


# A GRU or SimpleRNN run keeps the LSTM's concept questions, worded as about LSTMs (the lesson's cell); these
# prompts do not name the LSTM on their own, so for another cell they say it.
ABOUT_LSTM = {
    "forget-open": "In an LSTM, the forget gate of a unit is close to 1. What happens to that unit's cell state?",
    "input-gate": "In an LSTM, what does the input gate i do?",
}

# The questions about the model's own layer, asked of a GRU or SimpleRNN run in place of the LSTM's.
CELL_SEED = {
    "gru": ("The update gate z at the last step: the share it kept",
            "z is a share between 0 and 1 that mixes the old h with the candidate, h = z·h_prev + (1 - z)·candidate; "
            "what comes out is the h it makes, one number per unit (the GRU has no cell state to hand out either)."),
    "rnn": ("The weighted sum x·W + h·U + b before its tanh",
            "that sum stays inside the step: tanh squashes it into h = tanh(x·W + h·U + b), between -1 and 1, and "
            "that h is what comes out."),
}
BLOCK_WORDS = {"lstm": "four weight blocks and the gates", "gru": "three weight blocks and the gates",
               "rnn": "one weight block and a tanh"}


def seed_question(cell: str = "lstm") -> Question:
    """The lesson's seed question, about the run's own layer."""
    if cell == "lstm":
        return SEED_QUESTION
    name = CELL_NAMES[cell]
    return _q("seed", "Basics", f"What does the {name} layer output represent?", [
        ("A summary vector capturing sequence patterns",
         "the layer returns its last hidden state h: one number per unit for each sequence, built up step by step from "
         "everything it read."),
        ("Raw input data unchanged",
         f"the input goes through the {BLOCK_WORDS[cell]}; what comes out has one number per unit for "
         "each sequence, not timesteps x features."),
        ("Final prediction score",
         f"the score comes from the Dense layer, which reads the {name}'s output."),
        CELL_SEED[cell],
    ])


# Where the LSTM's own forgetting happens, for the dense-role question's second option.
FORGETS = {
    "gru": ("It picks which of the GRU's memories to forget next",
            "forgetting happens inside the GRU, in its update gate z; the Dense layer runs once, after the last step."),
    "rnn": ("It picks which of the SimpleRNN's memories to forget next",
            "the SimpleRNN has no gate to forget with: its weights and tanh mix the old h with each x(t), inside the "
            "layer; the Dense layer runs once, after the last step."),
}


def _dense_role(cell: str) -> Question:
    name = CELL_NAMES[cell]
    return _q("dense-role", "Basics", "What does the Dense layer with a sigmoid do in this model?", [
        (f"It weighs the {name}'s units into one score from 0 to 1",
         "a weighted sum of the numbers in h plus a bias, through the sigmoid: one score per sequence, "
         "counted as class 1 above 0.5."),
        FORGETS[cell],
        ("It gives a probability for each timestep of the sequence",
         "it reads only the last hidden state, so there is one score per sequence and none per step."),
        (f"It rounds the {name}'s output into a label, 0 or 1",
         "the sigmoid gives a score such as 0.73 and never rounds; accuracy counts a score above 0.5 as "
         "class 1, and the loss uses the score itself."),
    ])


CELL_FIXED: dict[str, tuple[Question, ...]] = {
    "gru": (
        _q("gru-param-formula", "Shapes and parameters",
           "A Keras GRU layer (reset_after=True, its default) has U units and reads F features per timestep. How many "
           "trainable parameters does it have?", [
               ("3 x U x (F + U + 2)",
                "three weight blocks (Keras's order z | r | h), each with U units; each unit sees F inputs x(t), U "
                "recurrent inputs h(t-1) and two biases: reset_after=True keeps the recurrent bias apart, added "
                "before the reset gate multiplies (reset_after=False would keep one)."),
               ("3 x U x (F + U + 1)",
                "that forgets the second bias: it is the count of a GRU with reset_after=False, one bias per block; "
                "Keras's default, reset_after=True, keeps two."),
               ("4 x U x (F + U + 1)",
                "that is the LSTM's count, four blocks (i, f, c, o: c gives the candidate g); the GRU has no output gate and no cell state: "
                "three blocks."),
               ("2 x U x (F + U + 2)",
                "two blocks would be the gates z and r alone; the candidate needs weights of its own: three blocks."),
           ]),
        _q("gru-update", "Training and gates",
           "In Keras's GRU, the update gate z of a unit is close to 1. What happens to that unit's hidden state?", [
               ("Most of the old h is kept and carried into the next step",
                "h = z·h_prev + (1 - z)·candidate: with z near 1 the old h passes almost unchanged, and the new "
                "candidate gets only the share 1 - z."),
               ("It is replaced by the new candidate at this step",
                "that is z near 0, where h = (1 - z)·candidate takes the candidate almost whole. Some papers write "
                "the GRU with z and 1 - z swapped; in Keras's, z is the share of the old h kept."),
               ("It is reset to 0 before the candidate is computed",
                "that is closer to the reset gate r, and only for the candidate: r near 0 hides h_prev from the "
                "candidate, while z decides how much of h_prev itself is kept."),
               ("It is moved into the cell state c for later steps",
                "a GRU has no cell state: h is its only memory, and z sets how much of it each step keeps."),
           ]),
    ),
    "rnn": (
        _q("rnn-param-formula", "Shapes and parameters",
           "A Keras SimpleRNN layer has U units and reads F features per timestep. How many trainable parameters "
           "does it have?", [
               ("U x (F + U + 1)",
                "one weight block and no gates: each of the U units sees F inputs x(t), U recurrent inputs h(t-1) "
                "and one bias, through one tanh."),
               ("4 x U x (F + U + 1)",
                "that is the LSTM's count: its three gates and candidate each need a block; the SimpleRNN has no "
                "gates, so one block."),
               ("U x (F + U + 2)",
                "that is PyTorch's count: PyTorch's nn.RNN keeps two bias vectors (b_ih and b_hh), Keras keeps one."),
               ("U x (F + 1)",
                "that leaves out the recurrent weights: each unit also reads all U values of h(t-1), U weights "
                "more per unit."),
           ]),
        _q("rnn-no-gates", "Training and gates",
           "A SimpleRNN has no gates. What decides how much of its old hidden state reaches the next step?", [
               ("Its fixed weights: h = tanh(x·W + h_prev·U + b)",
                "with no gate, the recurrent weights U and the tanh decide, the same way at every step whatever the "
                "input; an LSTM or a GRU computes a share to keep at each step, from the input and h_prev."),
               ("A hidden forget gate that Keras fixes at 1",
                "Keras's SimpleRNNCell computes only tanh(x·W + b + h_prev·U): no gate, fixed or learned, and one "
                "weight block, U x (F + U + 1) parameters."),
               ("Nothing: it starts from zero at every step",
                "h_prev enters every step through U, so earlier steps do reach the end; they fade as the tanh and U "
                "are applied again and again."),
               ("The Dense layer, which reads every step",
                "the Dense layer reads only the last h, once, after the last step; it decides nothing inside the "
                "sequence."),
           ]),
    ),
}


def fixed_questions(cell: str = "lstm") -> tuple[Question, ...]:
    """The fixed questions for a run of ``cell``: the LSTM's as they are; for another cell, the questions on
    the model's own layer for it, its own questions, and the LSTM's concept questions worded as about LSTMs."""
    if cell == "lstm":
        return FIXED
    own = {"seed": seed_question(cell), "dense-role": _dense_role(cell)}
    kept = tuple(own.get(q.id) or (replace(q, prompt=ABOUT_LSTM[q.id]) if q.id in ABOUT_LSTM else q) for q in FIXED)
    return kept + CELL_FIXED[cell]


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


def _formula(cell: str, u: int | str, f: int | str) -> str:
    """A cell's count as a product: '4 x 6 x (5 + 6 + 1)', '3 x U x (F + U + 2)', '6 x (5 + 6 + 1)'."""
    biases = 2 if cell == "gru" else 1
    blocks = f"{BLOCKS[cell]} x " if BLOCKS[cell] > 1 else ""
    return f"{blocks}{u} x ({f} + {u} + {biases})"


def _params_question(c: LSTMConfig) -> Question:
    """How many parameters the run's own layer has: the cell's formula, and the other formulas' mistakes."""
    u, f, t, cell, name = c.units, c.features, c.timesteps, c.cell, CELL_NAMES[c.cell]
    right = f"{c.recurrent_parameters:,}"
    dense = (f"{c.recurrent_parameters + u + 1:,}",
             f"that adds the Dense layer's {u} weights and its bias; the question asks for the {name} layer alone.")
    if cell == "lstm":
        candidates = [
            (f"{4 * u * (f + u + 2):,}",
             f"4 x {u} x ({f} + {u} + 2) is PyTorch's count: PyTorch keeps two bias vectors per block, Keras keeps one."),
            (f"{3 * u * (f + u + 1):,}",
             f"3 x {u} x ({f} + {u} + 1) counts the three gates but not the candidate g, which has weights of its own; "
             f"three blocks is a GRU with reset_after=False. Keras's default GRU (reset_after=True) keeps two bias "
             f"vectors per block: 3 x {u} x ({f} + {u} + 2)."),
            (f"{4 * u * (f + 2 * u + 1):,}",
             f"4 x {u} x ({f} + 2 x {u} + 1) feeds the cell state c(t-1) to the gates as well; they read only x(t) and h(t-1)."),
            dense,
            (f"{4 * u * (t + u + 1):,}",
             f"4 x {u} x ({t} + {u} + 1) puts the {t} timesteps where the {f} features belong; the weights do not "
             "depend on the sequence length."),
        ]
        why = (f"four blocks (i, f, c, o: c gives the candidate g), each with {counted(u, 'unit')}; each unit sees {counted(f, 'input')} x(t), "
               f"{counted(u, 'recurrent input')} h(t-1) and one bias.")
    elif cell == "gru":
        candidates = [
            (f"{3 * u * (f + u + 1):,}",
             f"3 x {u} x ({f} + {u} + 1) forgets the second bias: that is a GRU with reset_after=False. Keras's default "
             "GRU (reset_after=True) keeps two bias vectors per block."),
            (f"{4 * u * (f + u + 1):,}",
             f"4 x {u} x ({f} + {u} + 1) counts it as an LSTM, with four blocks (i, f, c, o: c gives the candidate g); the GRU has three "
             "(z, r, h): no output gate and no cell state."),
            (f"{2 * u * (f + u + 2):,}",
             f"2 x {u} x ({f} + {u} + 2) counts the gates z and r but not the candidate, which has weights of its own."),
            dense,
            (f"{3 * u * (t + u + 2):,}",
             f"3 x {u} x ({t} + {u} + 2) puts the {t} timesteps where the {f} features belong; the weights do not "
             "depend on the sequence length."),
        ]
        why = (f"three blocks (z, r, h), each with {counted(u, 'unit')}; each unit sees {counted(f, 'input')} x(t), "
               f"{counted(u, 'recurrent input')} h(t-1) and two biases, the input's and the recurrent one (Keras's GRU "
               "adds the second before the reset gate multiplies).")
    else:
        candidates = [
            (f"{4 * u * (f + u + 1):,}",
             f"4 x {u} x ({f} + {u} + 1) counts it as an LSTM, with a block for each of three gates and the candidate; "
             "the SimpleRNN has no gates: one block."),
            (f"{3 * u * (f + u + 2):,}",
             f"3 x {u} x ({f} + {u} + 2) counts it as Keras's GRU, with blocks for the gates z and r and the candidate; "
             "the SimpleRNN has no gates: one block."),
            (f"{u * (f + u + 2):,}",
             f"{u} x ({f} + {u} + 2) is PyTorch's count: PyTorch's nn.RNN keeps two bias vectors, Keras keeps one."),
            dense,
            (f"{u * (f + 1):,}",
             f"{u} x ({f} + 1) leaves out the recurrent weights: each unit also reads all {u} values of h(t-1)."),
            (f"{u * (t + u + 1):,}",
             f"{u} x ({t} + {u} + 1) puts the {t} timesteps where the {f} features belong; the weights do not "
             "depend on the sequence length."),
        ]
        why = (f"one block and no gates, with {counted(u, 'unit')}; each unit sees {counted(f, 'input')} x(t), "
               f"{counted(u, 'recurrent input')} h(t-1) and one bias.")
    return _q("gen-params", "Your model",
              f"Your Keras {name} layer has {counted(u, 'unit')} and reads {counted(f, 'feature')} per timestep. "
              "How many trainable parameters does it have?",
              [(right, f"{_formula(cell, u, f)} = {right}: {why}"), *_distinct(right, candidates)])


def _shape_question(c: LSTMConfig) -> Question:
    """What the run's own layer outputs: one h per sequence; the distractors are other tensors in or near it."""
    from lstm_core.teaching.stages import shape_in_words

    u, f, t, n, cell, name = c.units, c.features, c.timesteps, c.sequences, c.cell, CELL_NAMES[c.cell]
    right = shape_in_words((n, u), "unit")
    every_step = (shape_in_words((n, t, u), "unit"),
                  "that is the hidden state at every timestep, which needs return_sequences=True; this model keeps only "
                  "the last one.")
    score = [(shape_in_words((n, 1), "output"), f"one score per sequence is the Dense layer's output, made from these "
                                                f"{u} numbers.")] if u > 1 else []  # with 1 unit (n, 1) is right too
    the_input = (shape_in_words((n, t, f), "feature"),
                 f"that is the input's shape; the {name} turns each step's {counted(f, 'feature')} into "
                 f"{counted(u, 'unit')} and keeps the last step.")
    if cell == "lstm":
        candidates = [
            every_step, *score,
            (shape_in_words((n, 2 * u), "unit"),
             "that would be h and c side by side; the layer returns only h (return_state=True would add the last h "
             "and c as separate outputs)."),
            the_input,
            (shape_in_words((n, 4 * u), "unit"),
             f"4 x {u} is the width of the four gate blocks inside the cell; only h, {u} number{'s' * (u > 1)}, comes out."),
        ]
    else:
        candidates = [
            every_step, *score,
            (shape_in_words((n, 2 * u), "unit"),
             f"that would be h and a cell state c side by side, as an LSTM keeps; the {name} has no cell state, and "
             "returns h alone."),
            the_input,
            *([(shape_in_words((n, 3 * u), "unit"),
                f"3 x {u} is the width of the three blocks (z, r, h) inside the cell; only h, {u} "
                f"number{'s' * (u > 1)}, comes out.")] if cell == "gru" else []),
            (shape_in_words((n, f + u), "unit"),
             f"{f} + {u} is what each unit reads at every step, x(t) and h(t-1) side by side; each unit outputs one "
             "number, its h."),
            (shape_in_words((n, f + u + 1), "unit"),
             f"{f} + {u} + 1 is how many weights each unit has in a block (one per input, per recurrent input, and a "
             "bias); a unit outputs one number, not its weights."),
        ]
    return _q("gen-shape", "Your model", f"What shape does the {name} layer output for your data?",
              [(right, f"one {u}-number summary vector (the last hidden state) for each of the {n} sequences."),
               *_distinct(right, candidates, key=_numbers)])


# Each cell's blocks, as the comparison question's options name them.
CELL_BLOCKS = {"lstm": "four blocks (i, f, c, o: c gives the candidate g), one bias each", "gru": "three blocks (z, r, h), two biases each",
               "rnn": "one block and no gates"}


def _cells_question(c: LSTMConfig) -> Question:
    """Which cell has the most parameters on this run's features and units (the fewest where the LSTM and the
    GRU tie, at 1 feature and 1 unit: 4 x 1 x 3 = 3 x 1 x 4), every reason quoting the three counts."""
    u, f = c.units, c.features
    counts = {cell: unchecked(c, cell=cell).recurrent_parameters for cell in CELLS}  # no caps: a count, not a run
    gap = counts["lstm"] - counts["gru"]  # 4u(F+u+1) - 3u(F+u+2) = u(F+u-2): a tie only at F = u = 1
    most = gap > 0
    listed = ", ".join(f"{CELL_NAMES[k]} {_formula(k, u, f)} = {v:,}" for k, v in counts.items())
    if most:
        why = {"lstm": f"its fourth block outweighs the GRU's second bias per block, by {u} x ({f} + {u} - 2) = "
                       f"{gap:,}: {listed}.",
               "gru": f"its second bias per block does not make up for the LSTM's fourth block: {listed}.",
               "rnn": f"with one block it has the fewest, not the most: {listed}."}
    else:
        why = {"lstm": f"at {counted(f, 'feature')} and {counted(u, 'unit')} the LSTM's fourth block and the GRU's "
                       f"second bias per block cost the same, so it ties with the GRU; the fewest is the "
                       f"SimpleRNN's: {listed}.",
               "gru": f"it ties with the LSTM here, its second bias per block costing what the LSTM's fourth block "
                      f"does; the fewest is the SimpleRNN's: {listed}.",
               "rnn": f"one block and no gates: {listed}."}
    options = [(f"The {CELL_NAMES[k]}, with {CELL_BLOCKS[k]}", why[k] + (" It is your model's cell." if k == c.cell else ""))
               for k in CELLS]
    options.append(("All three the same, as they have the same units",
                    f"the units set how many numbers come out, not how many weights each unit needs: each weight block "
                    f"has its own, so {listed}."))
    pick = "lstm" if most else "rnn"
    return _q("gen-cells", "Your model",
              f"For your data ({counted(f, 'feature')}) and {counted(u, 'unit')}, which recurrent cell has the "
              f"{'most' if most else 'fewest'} trainable parameters?", options, answer=CELLS.index(pick))


def generated_questions(run, trace=None, compared=()) -> list[Question]:
    """Questions whose answers are computed from this run, with misconceptions as distractors; ``compared``:
    the VariantRuns of the run's "Why gates?" comparisons, when the learner has trained them."""
    c = run.config
    qs = [_params_question(c), _shape_question(c), _cells_question(c)]
    if run.diverged:  # NaN losses and gates: only what the table shows is asked
        return qs + [_final_accuracy_question(run)]
    qs.append(_best_epoch_question(run) or _final_accuracy_question(run))
    if trace is not None and (gate := GATE_QUESTIONS.get(trace.cell, lambda _: None)(trace)):
        qs.append(gate)
    if getattr(run, "gradient_flow", None) is not None and (flow := _gradient_question(run)):
        qs.append(flow)
    return qs + [q for q in (_reach_question(compared), _bias_question(compared, run.config.timesteps)) if q]


def _reach_question(runs) -> Question | None:
    """Which cell's gradient reached timestep 1 most strongly after training on every seed, in the learner's
    own comparison (why_gates.furthest's rule), or that the seeds overlap."""
    from lstm_core.teaching.why_gates import firsts

    ranges = {cell: firsts(runs, cell, "trained") for cell in CELLS}
    if not all(ranges.values()):
        return None
    spans = "; ".join(f"{CELL_NAMES[c]} {share(min(v))} to {share(max(v))}" for c, v in ranges.items())
    measured = f"after training, timestep 1's gradient relative to the last was {spans} over your 3 seeds."
    winner = next((c for c, v in ranges.items() if min(v) > max(max(o) for k, o in ranges.items() if k != c)), None)
    options = []
    for cell in CELLS:
        if cell == winner:
            options.append((CELL_NAMES[cell], f"its lowest seed is above every other cell's highest: {measured}"))
        else:
            best_other = max(max(o) for k, o in ranges.items() if k != cell)
            options.append((CELL_NAMES[cell], f"not on every seed: its lowest seed, {share(min(ranges[cell]))}, is not "
                                              f"above the other cells' highest, {share(best_other)}; {measured}"))
    options.append(("None on every seed: the seeds overlap",
                    "that is what 3 seeds said: " + measured if winner is None else
                    f"the {CELL_NAMES[winner]} is ahead on every seed: {measured}"))
    answer = CELLS.index(winner) if winner is not None else len(CELLS)
    return _q("gen-cells-reach", "Your model", "In your Why gates? comparison, which cell's gradient reached "
              "timestep 1 more strongly than the others after training, on every seed?", options, answer=answer)


def _bias_question(runs, timesteps: int) -> Question | None:
    """What the LSTM's forget bias of 1 (against 0) did to the gradient reaching timestep 1 as built."""
    from lstm_core.teaching.why_gates import firsts

    one, zero = firsts(runs, "lstm", "init"), firsts(runs, "lstm_bias0", "init")
    if not one or not zero:
        return None
    measured = (f"as built, timestep 1's gradient relative to timestep {timesteps} was {share(min(one))} to "
                f"{share(max(one))} with the bias at 1 and {share(min(zero))} to {share(max(zero))} at 0.")
    answer = 0 if min(one) > max(zero) else 1 if max(one) < min(zero) else 2
    verdicts = ("every seed reached further with the bias at 1, where f starts near 0.73 instead of 0.5",
                "every seed reached less far with the bias at 1", "the seeds with the two biases overlap")
    claims = ("It let the gradient reach timestep 1 more strongly, on every seed",
              "It let the gradient reach timestep 1 less strongly, on every seed", "No clear difference: the seeds overlap")
    options = [(claim, f"{verdicts[answer]}; {measured}" if i == answer else
                f"not on your seeds, where {verdicts[answer]} (this option says: {claim.lower()}); {measured}")
               for i, claim in enumerate(claims)]
    options.append(("Nothing: a bias cannot change a gradient",
                    "the forget gate multiplies the cell path at every step, and its bias sets where it starts; "
                    + measured))
    return _q("gen-forget-bias", "Your model", "In your Why gates? comparison, what did Keras's forget bias of 1 "
              "(against 0) do to the gradient reaching timestep 1, as built?", options, answer=answer)


GRADIENT_BINS = (  # the first step's share of the last step's gradient, as the options name it
    (OPEN, math.inf, "About as strongly (at least half as much)"),
    (VANISHED, OPEN, "Weaker, but clearly (1% to half as much)"),
    (0.0, VANISHED, "Barely (under 1% as much)"),
)


# What the "not at all" option says the gradient goes through, and what carries it back, per cell.
NOT_AT_ALL = {
    "lstm": ("gates", "the cell path (through the forget gates) and the hidden state both carry"),
    "gru": ("gates", "the hidden state's direct path, h = z·h_prev + (1 - z)·candidate (nearly whole where z is "
                     "near 1), and its path through the candidate's recurrent weights both carry"),
    "rnn": ("tanh", "the hidden state, through every step's recurrent weights and tanh, carries"),
}


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
    through, carriers = NOT_AT_ALL[run.config.cell]
    options.append((f"Not at all: a gradient cannot flow back through {t} steps of {through}",
                    f"it is never exactly 0: {carriers} it back, however weakly; {measured}"))
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


def _update_question(trace) -> Question | None:
    """What the GRU's mean update gate at the last timestep says: the share of the old hidden state kept there
    (Keras's h = z·h_prev + (1 - z)·candidate), and how much of it training set, against the same sequence
    through the untrained weights. None when there is no untrained trace or a gate is NaN."""
    start = trace.initial_gates
    if start is None:
        return None
    now, before, r_now = (float(np.mean(gates[name][-1])) for gates, name in (
        (trace.gates, "update_gate"), (start, "update_gate"), (trace.gates, "reset_gate")))
    if not all(map(math.isfinite, (now, before, r_now))):
        return None
    now, before = float(f"{now:.2f}"), float(f"{before:.2f}")  # as the prompt shows them
    kept, was, rest, moved = f"{now:.0%}", f"{before:.0%}", f"{1 - now:.0%}", round(now - before, 2)
    share = (f"h = z·h_prev + (1 - z)·candidate, so about {kept} of each unit's previous hidden state carries into "
             f"this step's h and {rest} comes from the candidate, on average")
    start_said = (f"the random starting weights (Keras starts the GRU's biases at 0) made it {before:.2f} on this "
                  "sequence")
    if abs(moved) >= FORGET_MOVED:
        right = (f"It keeps about {kept} of the old h, {'up' if moved > 0 else 'down'} from {was} untrained",
                 f"{share}. Before training, {start_said}; training moved it by {moved:+.2f}.")
        training = (f"It keeps about {kept} of the old h, as it did untrained",
                    f"before training it averaged {before:.2f} on the same sequence: training moved it by {moved:+.2f}.")
    else:
        right = (f"It keeps about {kept} of the old h, as it did untrained",
                 f"{share}. Training moved it by only {abs(moved):.2f}: before training, {start_said}.")
        training = (f"Training taught this step to keep {kept} of the old h",
                    f"the same sequence gave {before:.2f} before training: the value is mostly where the random "
                    "starting weights put it, not what training learned.")
    wrong = [
        training,
        *([(f"The units drop about {kept} of the old h and keep {rest}",
            "that reads z the other way round, as some papers write the GRU; Keras computes h = z·h_prev + "
            "(1 - z)·candidate, so z is the share of the old h kept.")]
          if abs(now - (1 - now)) >= SUM_NEAR else []),  # near 0.5 the swapped reading gives the same shares
        *([(f"The reset gate is near {1 - now:.2f}: the two gates add to 1",
            f"z and r are separate sigmoids with their own weights, and nothing makes them add to 1 (z is tied to "
            f"1 - z, the candidate's share, not to r); at this step r averages {r_now:.2f}.")]
          if abs(r_now + now - 1) >= SUM_NEAR else []),  # where they happen to add to 1, its number would be right
        (f"It keeps about {kept} of its cell state c",
         "a GRU has no cell state: h is its only memory, and z is the share of the old h each step keeps."),
        (f"The units remember about {kept} of all the inputs they have read",
         "z acts on the old h, not on the inputs: each input reaches h through the candidate, weighted by 1 - z at "
         "its step, and every later z shrinks it again."),
    ]
    units = trace.gates["update_gate"].shape[1]
    return _q("gen-update", "Your model",
              f"At the last timestep of sample {trace.sample}, the GRU's update gate z averages {now:.2f} over "
              f"{counted(units, 'unit')}; before training it averaged {before:.2f} on the same sequence. "
              "What does that say?",
              [right, *wrong[:3]])


# The question on the traced gates, per cell: the SimpleRNN has none to ask about.
GATE_QUESTIONS = {"lstm": _forget_question, "gru": _update_question}


def draw_quiz(run, trace=None, seed: int = 0, fixed: int = 4, compared=()) -> list[Question]:
    """The seed's question first, ``fixed`` more fixed questions (at least one from each level), then
    the questions generated from the run; every question's options in a random order. A GRU or SimpleRNN
    run's one question on shapes and parameters, and one on training and gates, are about its own cell.

    The same seed draws the same quiz.
    """
    rng = np.random.default_rng(seed)
    cell = run.config.cell
    pool_all = fixed_questions(cell)
    others = [q for q in pool_all if q.id != SEED_QUESTION.id]
    own = CELL_FIXED.get(cell, ())
    picked = []
    for level in LEVELS[1:3]:  # one on shapes and parameters, one on training and gates
        pool = [q for q in own if q.level == level] or [q for q in others if q.level == level]
        picked.append(pool[rng.integers(len(pool))])
    rest = [q for q in others if q not in picked]
    picked += [rest[i] for i in rng.choice(len(rest), size=max(0, min(fixed - len(picked), len(rest))), replace=False)]
    picked.sort(key=lambda q: (LEVELS.index(q.level), pool_all.index(q)))  # basics first, then shapes, then training
    return [q.shuffled(rng) for q in [seed_question(cell), *picked, *generated_questions(run, trace, compared)]]


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
