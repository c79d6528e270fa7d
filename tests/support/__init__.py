"""What several test files share: the repository's folders, small configs (and, in worker_tasks, tasks a
worker process can import; in server, a real Streamlit server and Debian's Chromium)."""

from pathlib import Path

from lstm_core.config import LSTMConfig

ROOT = Path(__file__).resolve().parents[2]  # the repository
FILES = ROOT / "tests" / "files"  # CSV files for the parser: bad ones with the message each gives, good ones in odd formats

SMALL = LSTMConfig(sequences=120, timesteps=6, features=3, units=4, epochs=2, batch_size=16)
