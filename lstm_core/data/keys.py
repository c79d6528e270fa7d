"""The run key: what a run is cached, shared and saved by (its config, and its data unless synthetic)."""

from lstm_core.config import LSTMConfig
from lstm_core.data.synthetic import SYNTHETIC


def run_key(config: LSTMConfig, data_key: str = SYNTHETIC) -> str:
    """The config's key, then "|" and the data's key for a CSV run."""
    return config.key() if data_key == SYNTHETIC else f"{config.key()}|{data_key}"


def config_of(key: str) -> LSTMConfig:
    """The config a run key was made from."""
    return LSTMConfig.from_key(key.split("|")[0])
