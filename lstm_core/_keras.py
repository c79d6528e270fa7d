"""Import Keras quietly and only when needed, so that the UI can paint before TensorFlow loads.

The import runs with Python's cyclic garbage collector paused, and then freezes what it loaded.
TensorFlow and Keras create a few hundred thousand long-lived objects while they import; each
automatic collection during the import walks all of them again, and so does every full collection
afterwards (including the one at exit). Pausing the collector makes the import about 0.4 s faster on
2 cores; freezing makes the first fit about 0.1 s faster and exit 0.7 s faster. Nothing is lost: a
module's objects live as long as the process. This runs once per process, under the import lock.
On the server, objects other sessions make during that second or so are frozen too: any of them that
later become cyclic garbage stay until exit, a bounded cost paid once.
"""

import gc
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # silence TensorFlow's C++ start-up log
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # its notice bypasses the log level; off also means repeatable sums

_collecting = gc.isenabled()
gc.disable()
try:
    import keras  # noqa: E402
finally:
    gc.freeze()  # TensorFlow's objects leave the collector's generations: later collections skip them
    if _collecting:
        gc.enable()

__all__ = ["keras"]
