"""What several test files share: small configs (and, in worker_tasks, tasks a worker process can import)."""

from lstm_core.config import LSTMConfig

SMALL = LSTMConfig(sequences=120, timesteps=6, features=3, units=4, epochs=2, batch_size=16)
