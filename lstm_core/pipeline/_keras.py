"""The one Keras import, quiet. Only worker processes and the CLI import it: the web server never does."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # silence TensorFlow's C++ start-up log
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # its notice bypasses the log level; off also means repeatable sums

import keras  # noqa: E402

__all__ = ["keras"]
