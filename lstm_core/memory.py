"""Why memory matters: the same LSTM trained on a copy of the data with each sequence's time order shuffled."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data import Dataset, make_dataset
from lstm_core.observations import CHANCE, CHANCE_BAND

SAME_NUMBERS = (
    "Both models see exactly the same numbers in every sequence. The baseline sees them in a shuffled "
    "order, so the trend is gone: it can only guess from which values appear, not from when."
)
EXPLANATION = SAME_NUMBERS + (
    " The LSTM "
    "reads them in order and carries a memory of where each sequence started, which is the only thing "
    "that separates an up-trend from a down-trend here."
)
CSV_EXPLANATION = (
    "Both models see exactly the same numbers in every window of your data. The baseline sees them in a "
    "shuffled order: it can use which values appear, not when."
)
CLEAR_GAP = 0.05  # validation accuracies closer than this are about the same


def explanation(lstm_accuracy: float, baseline_accuracy: float, synthetic: bool, timesteps: int,
                chance: float = CHANCE) -> str:
    """Why the two scores differ, or why they do not: the text follows the numbers and the data.

    Gaps are said in words ("ahead by 0.200"): the baseline's metric shows its own signed delta."""
    gap = lstm_accuracy - baseline_accuracy
    apart = f"{abs(gap):.3f}"
    if lstm_accuracy <= chance + CHANCE_BAND:  # an LSTM that learned nothing says nothing about memory
        return (f"{SAME_NUMBERS if synthetic else CSV_EXPLANATION} In this run the LSTM itself is not clearly above "
                f"chance: validation accuracy {lstm_accuracy:.3f}, against {chance:.3f} for always guessing the more "
                "common label. Until it learns, this comparison shows nothing about memory: train it with more epochs "
                "or a different learning rate first.")
    if synthetic:
        if gap >= CLEAR_GAP:
            return EXPLANATION
        where = f"ahead by only {apart}" if gap > 0 else "not ahead" if gap == 0 else f"behind by {apart}"
        return (EXPLANATION + f" In this run the LSTM is {where}: it has not learned to use the order yet. "
                "More epochs or a higher learning rate usually open the gap.")
    if gap >= CLEAR_GAP:
        verdict = f"The LSTM does better, by {apart}, so the order of the last {timesteps} rows helps predict the next move."
    elif gap > -CLEAR_GAP:
        verdict = (f"They score about the same ({apart} apart): in this series the order of the last {timesteps} rows "
                   "adds little beyond the values themselves.")
    else:
        verdict = (f"The baseline does better, by {apart}: the order did not help here, and the LSTM may need more "
                   "epochs to use it.")
    return f"{CSV_EXPLANATION} {verdict}"


def time_shuffled(dataset: Dataset, seed: int) -> Dataset:
    """A copy with each sequence's timesteps in a random order (features stay together)."""
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random(dataset.x.shape[:2]), axis=1)  # (sequences, timesteps)
    x = np.take_along_axis(dataset.x, order[:, :, None], axis=1)
    return replace(dataset, x=x, description=dataset.description + " (time order shuffled)",
                   name=dataset.name + ", shuffled", key=dataset.key + ":shuffled")


def train_memoryless(config: LSTMConfig, on_epoch=None, dataset: Dataset | None = None, on_batch=None):
    """The baseline run: same config, same model, time-shuffled data."""
    from lstm_core.train import train

    dataset = dataset if dataset is not None else make_dataset(config)
    return train(config, dataset=time_shuffled(dataset, config.seed), on_epoch=on_epoch, on_batch=on_batch)
