"""How much an accuracy measured on n sequences can move by luck alone, and the verdicts that respects.

A claim such as "above chance", "better" or "improved" compares a difference with its noise: a
difference under two standard errors is too close to call. With n sequences, an accuracy p has a
standard error of sqrt(p(1-p)/n); a coin scores 4 of 4 one time in 16, so 4 sequences cannot show
anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z = 2.0  # standard errors a difference must pass before the page calls it real (about 95%)


def chance_level(labels) -> float:
    """The accuracy of always guessing the more common class: 0.5 for balanced labels, 0.75 for a
    series that goes up three times in four."""
    share = float(sum(labels)) / max(len(labels), 1)
    return max(share, 1.0 - share)


def standard_error(p: float, n: int) -> float:
    """The standard error of an accuracy p measured on n sequences. p is pulled towards 1/2 by one
    success and one failure (Laplace), so 4 of 4 right does not claim a noise of 0."""
    n = max(int(n), 1)
    smoothed = (p * n + 1) / (n + 2)
    return math.sqrt(smoothed * (1 - smoothed) / n)


def margin_over_chance(chance: float, n: int) -> float:
    """How far above chance an accuracy on n sequences must be before it is more than luck: two
    standard errors of a model that only guesses (its accuracy would be ``chance``, pulled towards
    1/2 as standard_error does, so that a chance of 1.0 on 4 sequences is not 'no noise')."""
    n = max(int(n), 1)
    smoothed = (chance * n + 1) / (n + 2)
    return Z * math.sqrt(smoothed * (1 - smoothed) / n)


def decidable(chance: float, n: int) -> bool:
    """Can any accuracy on n sequences be clearly above chance? Not when even all right would be luck."""
    return 1.0 - chance > margin_over_chance(chance, n)


def above_chance(accuracy: float, chance: float, n: int) -> bool:
    """More than luck above always guessing the more common label."""
    return math.isfinite(accuracy) and accuracy - chance > margin_over_chance(chance, n)


def below_chance(accuracy: float, chance: float, n: int) -> bool:
    """More than luck below always guessing the more common label."""
    return math.isfinite(accuracy) and chance - accuracy > margin_over_chance(chance, n)


def gap_noise(a: float, b: float, n: int, m: int | None = None) -> float:
    """Two standard errors of the difference between two accuracies, measured on n (and m) sequences."""
    return Z * math.hypot(standard_error(a, n), standard_error(b, n if m is None else m))


@dataclass(frozen=True)
class Verdict:
    """A difference a - b and whether it is more than its noise."""

    gap: float
    noise: float  # two standard errors of the difference

    @property
    def clear(self) -> bool:
        return abs(self.gap) > self.noise

    @property
    def sign(self) -> int:
        """+1: a clearly higher, -1: clearly lower, 0: too close to call."""
        return 0 if not self.clear else (1 if self.gap > 0 else -1)

    def said(self) -> str:
        """'0.120 apart, more than the noise (±0.045)' or 'too close to call: 0.030 apart, noise ±0.045'."""
        gap, noise = apart(abs(self.gap), self.noise)
        if self.clear:
            return f"{gap} apart, more than the noise of ±{noise}"
        return f"too close to call: {gap} apart, within the noise of ±{noise}"


def apart(gap: float, noise: float) -> tuple[str, str]:
    """A gap and its noise with 3 decimals, or as many more as it takes for them to read differently
    ("0.035 apart, within ±0.035" would contradict itself)."""
    for digits in range(3, 7):
        shown = f"{gap:.{digits}f}", f"{noise:.{digits}f}"
        if shown[0] != shown[1]:
            return shown
    return shown


def compare(a: float, b: float, n: int) -> Verdict:
    """Accuracy a against accuracy b, both on the same n held-out sequences."""
    return Verdict(a - b, gap_noise(a, b, n))


@dataclass(frozen=True)
class Yardstick:
    """What a run's accuracies are judged against: chance for each part, and each part's size.

    Training accuracy is measured on the training labels, validation accuracy on the held-out ones;
    for a CSV series (the held-out part is its latest stretch) the two label shares can differ.
    """

    train_chance: float
    val_chance: float
    n_train: int
    n_val: int

    def train_above(self, accuracy: float) -> bool:
        return above_chance(accuracy, self.train_chance, self.n_train)

    def val_above(self, accuracy: float) -> bool:
        return above_chance(accuracy, self.val_chance, self.n_val)

    def val_below(self, accuracy: float) -> bool:
        return below_chance(accuracy, self.val_chance, self.n_val)

    @property
    def val_decidable(self) -> bool:
        """Enough held-out sequences that an accuracy could be clearly above chance at all."""
        return decidable(self.val_chance, self.n_val)

    def memorising(self, accuracy: float, val_accuracy: float) -> bool:
        """Training accuracy above chance and clearly above validation, which is not above its chance."""
        return (self.train_above(accuracy) and not self.val_above(val_accuracy) and self.val_decidable
                and accuracy - val_accuracy > gap_noise(accuracy, val_accuracy, self.n_train, self.n_val))

    @property
    def val_margin(self) -> float:
        return margin_over_chance(self.val_chance, self.n_val)


BALANCED = Yardstick(0.5, 0.5, 800, 200)  # the lesson's default split, for rows judged without their run


def yardstick(labels, n_train: int) -> Yardstick:
    """The yardstick of a dataset's labels (training first, held-out last, as train() splits them)."""
    train, val = labels[:n_train], labels[n_train:]
    return Yardstick(chance_level(train), chance_level(val) if len(val) else 0.5, len(train), len(val))


def yardstick_of(run) -> Yardstick:
    return yardstick(run.dataset.y, run.config.train_sequences)
