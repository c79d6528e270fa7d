"""Why memory matters: the same LSTM trained on a copy of the data with each sequence's time order shuffled."""

from __future__ import annotations

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data import Dataset, make_dataset

EXPLANATION = (
    "Both models see exactly the same numbers in every sequence. The baseline sees them in a shuffled "
    "order, so the trend is gone: it can only guess from which values appear, not from when. The LSTM "
    "reads them in order and carries a memory of where each sequence started, which is the only thing "
    "that separates an up-trend from a down-trend here."
)


def time_shuffled(dataset: Dataset, seed: int) -> Dataset:
    """A copy with each sequence's timesteps in a random order (features stay together)."""
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random(dataset.x.shape[:2]), axis=1)  # (sequences, timesteps)
    x = np.take_along_axis(dataset.x, order[:, :, None], axis=1)
    return Dataset(x, dataset.y, dataset.description + " (time order shuffled)", dataset.feature_names,
                   name=dataset.name + ", shuffled", key=dataset.key + ":shuffled")


def train_memoryless(config: LSTMConfig, on_epoch=None, dataset: Dataset | None = None):
    """The baseline run: same config, same model, time-shuffled data."""
    from lstm_core.train import train

    dataset = dataset if dataset is not None else make_dataset(config)
    return train(config, dataset=time_shuffled(dataset, config.seed), on_epoch=on_epoch)
