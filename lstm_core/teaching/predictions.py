"""Predict, then reveal: the learner commits to a number or a direction before the run shows it.

Three kinds of question: an accuracy (a number from 0 to 1), a count (such as the recurrent layer's parameters,
LSTMConfig.recurrent_parameters) and a direction (will a score go up, go down or stay about the same?). Each
answer is checked as typed, with one message that says what is wrong and what to type instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from lstm_core.config import CELL_NAMES
from lstm_core.formats import counted, quoted
from lstm_core.pipeline.noise import Verdict, Z, compare, standard_error, yardstick_of
from lstm_core.tracing.probe import BARELY_MOVED

KINDS = ("accuracy", "count", "direction")
DIRECTIONS = ("go up", "go down", "stay about the same")
UP, DOWN, SAME = DIRECTIONS
OUTCOMES = {UP: "went up", DOWN: "went down", SAME: "stayed about the same"}

# What to do instead, in every message of its kind.
ACCURACY_HOW = "type a number from 0 to 1, such as 0.8, or a percentage, such as 80%"
COUNT_HOW = "type a whole number of 0 or more, such as 560 (commas between thousands are fine: 12,345)"
DIRECTION_HOW = "choose go up, go down or stay about the same"
EMPTY = "Nothing typed yet: {how}."
NOT_A_NUMBER = "{text} is not a number: {how}."
OVER_ONE = "{text} is more than 1: {how}."  # most likely a percentage without its % sign
OUT_OF_RANGE = "{text} is outside {low} to {high}: {how}."
NOT_WHOLE = "{text} is not a whole number: {how}."
BELOW_ZERO = "{text} is below 0: {how}."
NOT_A_DIRECTION = "{text} is not one of the answers: {how}."
DIVERGED_PREDICTION = ("Training diverged, so the run's accuracy means nothing and there is nothing to hold your "
                       "prediction against. Lower the learning rate and train again.")
THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")  # 2,080 and 1,000,000: commas the page itself writes between thousands


def _text(value) -> str:
    return quoted(str(value).strip(), limit=20)


def _typed(value, how: str) -> str:
    """The answer as typed, stripped; refused when it is a bool or empty."""
    if isinstance(value, bool):
        raise ValueError(NOT_A_NUMBER.format(text=_text(value), how=how))
    text = str(value).strip()
    if not text:
        raise ValueError(EMPTY.format(how=how))
    return text


def _number(text: str, digits: str, how: str) -> float:
    """``digits`` (``text`` cleaned of a % sign or commas) as a finite number, or the message that names ``text``."""
    try:
        number = float(digits)
    except ValueError:
        raise ValueError(NOT_A_NUMBER.format(text=_text(text), how=how)) from None
    if not math.isfinite(number):
        raise ValueError(NOT_A_NUMBER.format(text=_text(text), how=how))
    return number


def parse_accuracy(value) -> float:
    """A guessed accuracy: a number from 0 to 1 ("0.8", and "0,8" with a decimal comma) or a percentage
    from 0% to 100% ("80%"). A bare 80 is refused rather than read as 80%: the page writes accuracies
    from 0 to 1, so a learner typing 80 has most likely mixed the two, and should see which one counts."""
    text = _typed(value, ACCURACY_HOW)
    percent = text.endswith("%")
    digits = text.removesuffix("%").strip()
    if "," in digits and "." not in digits and digits.count(",") == 1:  # an accuracy has no thousands: 0,8 is 0.8
        digits = digits.replace(",", ".")
    number = _number(text, digits, ACCURACY_HOW)
    if percent:
        if not 0 <= number <= 100:
            raise ValueError(OUT_OF_RANGE.format(text=_text(text), low="0%", high="100%", how=ACCURACY_HOW))
        return number / 100
    if 1 < number <= 100:
        raise ValueError(OVER_ONE.format(text=_text(text), how=ACCURACY_HOW))
    if not 0 <= number <= 1:
        raise ValueError(OUT_OF_RANGE.format(text=_text(text), low=0, high=1, how=ACCURACY_HOW))
    return number


def parse_count(value) -> int:
    """A guessed count: a whole number of 0 or more ("560", "2,080", "560.0")."""
    text = _typed(value, COUNT_HOW)
    number = _number(text, text.replace(",", "") if THOUSANDS.fullmatch(text.lstrip("-")) else text, COUNT_HOW)
    if number != int(number):
        raise ValueError(NOT_WHOLE.format(text=_text(text), how=COUNT_HOW))
    if number < 0:
        raise ValueError(BELOW_ZERO.format(text=_text(text), how=COUNT_HOW))
    return int(number)


def parse_direction(value) -> str:
    """One of DIRECTIONS, whatever its capitals and spaces."""
    text = " ".join(str(value).split()).lower()
    if not text:
        raise ValueError(EMPTY.format(how=DIRECTION_HOW))
    if text not in DIRECTIONS:
        raise ValueError(NOT_A_DIRECTION.format(text=_text(value), how=DIRECTION_HOW))
    return text


PARSERS = {"accuracy": parse_accuracy, "count": parse_count, "direction": parse_direction}


@dataclass(frozen=True)
class ParamsQuestion:
    """The Pipeline tab's "How many parameters?" prediction for one setup: the key it is kept under, the
    question, the input's label, and the hint shown until it is answered."""

    key: str
    question: str
    label: str
    hint: str


# What a unit's weights are, per cell: the hint under the parameter prediction.
PARAMS_HINTS = {
    "lstm": "each of the 4 blocks (3 gates and the candidate) has a weight per input, per recurrent input and a bias, "
            "for every unit.",
    "gru": "each of the 3 blocks (2 gates and the candidate) has a weight per input, per recurrent input and two "
           "biases (Keras's GRU keeps the recurrent one apart), for every unit.",
    "rnn": "its one block (no gates) has a weight per input, per recurrent input and a bias, for every unit.",
}


def params_question(config) -> ParamsQuestion:
    """How many parameters the config's recurrent layer learns, asked in its own cell's name. The LSTM's key
    stays "params|units|features"; another cell's names it, so that a guess for one cell is not revealed
    against another's count."""
    u, f, cell, name = config.units, config.features, config.cell, CELL_NAMES[config.cell]
    key = f"params|{u}|{f}" if cell == "lstm" else f"params|{cell}|{u}|{f}"
    return ParamsQuestion(key, f"{name} parameters for {u} units reading {f} features:",
                          f"How many {name} parameters? (the weights the {name} layer learns)", PARAMS_HINTS[cell])


@dataclass(frozen=True)
class Prediction:
    """One question, the learner's answer (None: skipped) and the true answer (None until revealed)."""

    question: str
    kind: str  # one of KINDS
    guess: float | int | str | None
    truth: float | int | str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}; one of {', '.join(KINDS)}")

    @property
    def skipped(self) -> bool:
        return self.guess is None

    @property
    def revealed(self) -> bool:
        return self.truth is not None

    @property
    def gap(self) -> float | None:
        """guess - truth for a number (above 0: guessed too high); None for a direction, a skip or before the reveal."""
        if self.kind == "direction" or self.skipped or not self.revealed:
            return None
        return self.guess - self.truth

    @property
    def right(self) -> bool | None:
        """For a direction: did the guess match? None otherwise, for a skip, or before the reveal."""
        if self.kind != "direction" or self.skipped or not self.revealed:
            return None
        return self.guess == self.truth


def predict(question: str, kind: str, answer) -> Prediction:
    """The learner's answer, checked (ValueError with the one message to show)."""
    if kind not in PARSERS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    return Prediction(question, kind, PARSERS[kind](answer))


def skip(question: str, kind: str) -> Prediction:
    return Prediction(question, kind, None)


def reveal(prediction: Prediction, truth) -> Prediction:
    """The prediction with the true answer, which must be a number for a number, a direction for a direction."""
    if prediction.kind == "direction" and truth not in DIRECTIONS:
        raise ValueError(f"the true direction must be one of {', '.join(DIRECTIONS)}, not {truth!r}")
    if prediction.kind != "direction" and not (isinstance(truth, (int, float)) and math.isfinite(truth)):
        raise ValueError(f"the true {prediction.kind} must be a number, not {truth!r}")
    return replace(prediction, truth=truth)


def _finite(*values: float) -> None:
    if not all(math.isfinite(v) for v in values):
        raise ValueError(DIVERGED_PREDICTION)


def score_direction(before: float, after: float) -> str:
    """Did one sequence's score go up, go down or stay about the same? One sequence's score has no sampling
    noise (the same weights give the same score), so the tolerance is one of meaning: a move under
    probe.BARELY_MOVED (0.05) is what the What-if caption calls "barely moved", and the learner's "about the
    same" must agree with the caption they read next to it."""
    _finite(before, after)
    delta = after - before
    return SAME if abs(delta) < BARELY_MOVED else UP if delta > 0 else DOWN


def accuracy_direction(before: float, after: float, n: int) -> str:
    """Did a validation accuracy on n held-out sequences go up, go down or stay about the same? A change
    within two standard errors (noise.compare) is too close to call, which here is "about the same"."""
    _finite(before, after)
    return {1: UP, -1: DOWN, 0: SAME}[compare(after, before, n).sign]


def _off(gap: float, digits: str) -> str:
    shown = f"{abs(gap):{digits}}"
    if float(shown.replace(",", "")) == 0:
        return "spot on"
    return f"{shown} too {'high' if gap > 0 else 'low'}"


def said(prediction: Prediction) -> str:
    """'You predicted ...; it is ...': the revealed answer against the guess, in one sentence."""
    p = prediction
    if p.skipped:
        return f"You skipped this one; the answer is {_shown(p.kind, p.truth)}." if p.revealed else "You skipped this one."
    if not p.revealed:
        return f"You predicted {_shown(p.kind, p.guess)}."
    if p.kind == "direction":
        verdict = "right" if p.right else "not this time"
        return f"You predicted it would {p.guess}; it {OUTCOMES[p.truth]}: {verdict}."
    digits = ".3f" if p.kind == "accuracy" else ","
    return f"You predicted {_shown(p.kind, p.guess)}; it is {_shown(p.kind, p.truth)}: {_off(p.gap, digits)}."


def _shown(kind: str, value) -> str:
    return f"{value:.3f}" if kind == "accuracy" else f"{value:,}" if kind == "count" else f"it would {value}"


def accuracy_feedback(guess: float, run) -> str:
    """The reveal of a guessed final validation accuracy: the guess, the result, the gap, and whether the gap
    is more than the validation set's noise (two standard errors of the measured accuracy: the guess is a
    fixed number, so all the noise is the measurement's)."""
    actual = float(run.history["val_accuracy"].iloc[-1])
    if run.diverged or not math.isfinite(actual):
        return DIVERGED_PREDICTION
    n = yardstick_of(run).n_val
    verdict = Verdict(actual - guess, Z * standard_error(actual, n))
    head = (f"You predicted {guess:.3f}; the final validation accuracy is {actual:.3f}, on "
            f"{counted(n, 'held-out sequence')}: your guess was {_off(guess - actual, '.3f')}.")
    if verdict.clear:
        return head + (f" That gap is more than the validation set's noise (±{verdict.noise:.3f}, two standard "
                       "errors), so the difference is real, not luck.")
    return head + (f" That gap is within the validation set's noise (±{verdict.noise:.3f}, two standard errors): "
                   f"as close as {n} held-out sequences can measure.")


@dataclass(frozen=True)
class Calibration:
    """How the learner's predictions went, over the revealed ones."""

    answered: int  # revealed and not skipped
    skipped: int
    accuracy_off: float | None  # mean |guess - truth| over accuracy guesses; None: none
    accuracy_bias: float | None  # mean guess - truth: above 0, the guesses ran high
    accuracies: int
    count_off: float | None  # mean |guess - truth| / truth over count guesses (0.1: 10% off); None: none
    counts: int
    right: int  # direction guesses that matched
    directions: int

    def said(self) -> str:
        """A short paragraph: how far off on average, and how many right."""
        parts = [f"You answered {self.answered} of {self.answered + self.skipped} predictions"
                 + (f" and skipped {self.skipped}." if self.skipped else ".")]
        if self.accuracies:
            lean = ("" if round(self.accuracy_bias, 3) == 0 else
                    f", on balance {abs(self.accuracy_bias):.3f} too {'high' if self.accuracy_bias > 0 else 'low'}")
            parts.append(f"Accuracies: {_guesses(self.accuracies)}, off by "
                         f"{self.accuracy_off:.3f} on average{lean}.")
        if self.counts:
            parts.append(f"Counts: {_guesses(self.counts)}, off by "
                         f"{self.count_off:.0%} on average.")
        if self.directions:
            parts.append(f"Directions: {self.right} of {self.directions} right.")
        return " ".join(parts)


def _guesses(n: int) -> str:
    return f"{n} guess{'' if n == 1 else 'es'}"


def calibration(predictions) -> Calibration:
    """The summary of the revealed predictions (the unrevealed ones are not counted yet)."""
    shown = [p for p in predictions if p.revealed]
    answered = [p for p in shown if not p.skipped]
    accuracy = [p.gap for p in answered if p.kind == "accuracy"]
    count = [abs(p.gap) / max(p.truth, 1) for p in answered if p.kind == "count"]  # a share of the truth: 12 off 560 is small
    direction = [p.right for p in answered if p.kind == "direction"]

    def mean(values):
        return sum(values) / len(values) if values else None

    return Calibration(len(answered), len(shown) - len(answered), mean([abs(g) for g in accuracy]), mean(accuracy),
                       len(accuracy), mean(count), len(count), sum(direction), len(direction))
