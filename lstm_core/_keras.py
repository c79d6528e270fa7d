"""Import Keras quietly and only when needed, so that the UI can paint before TensorFlow loads."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # silence TensorFlow's C++ start-up log
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # its notice bypasses the log level; off also means repeatable sums

import keras  # noqa: E402

__all__ = ["keras"]
