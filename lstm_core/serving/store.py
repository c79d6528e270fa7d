"""Finished training runs kept in one SQLite file, ``<folder>/runs.sqlite3``, so a restarted server still has them.

``SavedRuns`` maps a key (a config key plus a data digest) to a run's bytes and a small JSON ``meta`` dict. It holds
at most ``max_runs`` items and ``max_bytes`` bytes of blobs: each put evicts the least recently used (a get is a use).

Setting ``LSTM_TRACE_DATA`` (environment variable, read by ``data_folder()``): the folder to keep runs in. Unset or
empty: ``$XDG_CACHE_HOME/lstm-trace``, i.e. ``~/.cache/lstm-trace``. ``none`` or ``memory``: memory only.

Threads share one connection behind a lock; processes sharing the folder see each other's runs (WAL, busy timeout).
A corrupt file, or one of an unknown schema, is moved aside to ``runs.sqlite3.corrupt-<time>`` and started afresh;
an unwritable folder, or a database error while running, logs a warning and carries on in memory only.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
ENV = "LSTM_TRACE_DATA"
FILE = "runs.sqlite3"
SCHEMA = 1  # PRAGMA user_version; bump it when the table changes
# Another process may hold the write lock while it saves a run of a few MB: wait for it rather than fail.
BUSY_SECONDS = 10.0
_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED: another process was slow, the file itself is fine


def data_folder() -> Path | None:
    """The folder named by LSTM_TRACE_DATA, else ``<user cache>/lstm-trace``; None means memory only."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() in ("none", "memory"):
        return None
    if value:
        return Path(value).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME", "")
    try:  # the XDG spec says a relative value is to be ignored
        return (Path(cache) if os.path.isabs(cache) else Path.home() / ".cache") / "lstm-trace"
    except RuntimeError:  # no home directory to be found (some service accounts): nowhere to keep runs
        return None


def _connect(target: Path | str) -> sqlite3.Connection:
    """Open (or create) a store, checked and at SCHEMA; raises DatabaseError for a file it cannot use."""
    # isolation_level=None: transactions are only the ones begun below, so a get never holds a lock.
    db = sqlite3.connect(target, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")  # readers and one writer across processes; first read of the header
        # Damage inside the file would otherwise fail every get after each restart; this reads all pages once
        # (about 0.15 s for 500 MB from the page cache) so the store heals by being moved aside.
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("failed its integrity check")
        db.execute("BEGIN IMMEDIATE")  # two processes starting together must not both create the table
        with db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if version != SCHEMA and (version != 0 or tables):
                raise sqlite3.DatabaseError(f"schema version {version}, this app reads {SCHEMA}")  # as if corrupt
            db.execute("CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, blob BLOB NOT NULL, "
                       "meta TEXT NOT NULL, size INTEGER NOT NULL, crc INTEGER NOT NULL, used INTEGER NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS runs_used ON runs (used)")
            db.execute(f"PRAGMA user_version = {SCHEMA}")
        return db
    except BaseException:
        db.close()
        raise


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _move_aside(path: Path) -> Path:
    """Rename a bad store (and its WAL files, which must not be replayed into a fresh one) out of the way."""
    stem = f"{path}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
    aside, n = Path(stem), 1
    while aside.exists():  # a second bad file within the same second must not overwrite the first
        n += 1
        aside = Path(f"{stem}-{n}")
    os.replace(path, aside)
    for tail in ("-wal", "-shm"):  # named so SQLite would pair them again if someone opens the aside copy
        if Path(f"{path}{tail}").exists():
            os.replace(f"{path}{tail}", f"{aside}{tail}")
    return aside


class SavedRuns:
    """Bounded key -> (bytes, meta) store in ``<folder>/runs.sqlite3``, or in memory when folder is None.

    Safe to call from many threads; never raises for file trouble (it logs, then works in memory)."""

    def __init__(self, folder: str | Path | None, max_runs: int = 200, max_bytes: int = 512 * 2**20):
        if max_runs < 1 or max_bytes < 1:
            raise ValueError("max_runs and max_bytes must be at least 1")
        self.max_runs, self.max_bytes = max_runs, max_bytes
        self.path = None if folder is None else Path(folder) / FILE
        self._lock = threading.Lock()
        self._persistent = self.path is not None
        self._db: sqlite3.Connection | None = self._open(self.path) if self.path else _connect(":memory:")
        self._file = _identity(self.path) if self.path and self._persistent else None

    def _open(self, path: Path) -> sqlite3.Connection:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                return _connect(path)
            except sqlite3.DatabaseError as e:
                if isinstance(e, sqlite3.OperationalError):
                    raise  # locked or cannot open: the file may be fine, so leave it where it is
                aside = _move_aside(path)
                log.warning("Saved runs file %s is unusable (%s): moved it to %s and started an empty store. "
                            "Delete the moved file unless you want to inspect it.", path, e, aside)
                return _connect(path)
        except (OSError, sqlite3.Error) as e:
            log.warning("Cannot keep saved runs in %s (%s): keeping them in memory only, so a restart loses them. "
                        "Set %s to a writable folder, or to 'none' to choose memory.", path, e, ENV)
            self._persistent = False
            return _connect(":memory:")

    @property
    def persistent(self) -> bool:
        """True while runs go to the file; False for memory only, by choice or after a failure."""
        return self._persistent

    def _do(self, what: str, default: T, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run work under the lock; a database error is logged and returns default instead of raising."""
        with self._lock:
            if self._db is None:
                raise ValueError("SavedRuns is closed")
            try:
                return work(self._db)
            except sqlite3.ProgrammingError:
                raise  # misuse (a key that is not text, say), not a failing file
            except sqlite3.DatabaseError as e:
                if (getattr(e, "sqlite_errorcode", 0) & 0xFF) in _BUSY:  # keep the file: the next call may do
                    log.warning("Saved runs file %s stayed busy during %s (%s): skipped it.", self.path, what, e)
                    return default
                log.warning("Saved runs file %s failed during %s (%s): keeping runs in memory only until the app "
                            "restarts. Check the disk, or set %s.", self.path, what, e, ENV)
                self._db.close()
                self._db, self._persistent = _connect(":memory:"), False
                return default

    def put(self, key: str, blob: bytes, meta: dict | None = None) -> bool:
        """Store blob and meta under key, evicting least recently used items; False if not stored."""
        if len(blob) > self.max_bytes:
            log.warning("Run %s not saved: %d bytes is over the limit of %d for all runs.", key, len(blob),
                        self.max_bytes)
            return False
        text = json.dumps(meta or {})

        def work(db: sqlite3.Connection) -> bool:
            # SQLite goes on writing to a file that was deleted or moved away; those runs would be lost unseen.
            if self._persistent and _identity(self.path) != self._file:
                raise sqlite3.DatabaseError("the file was deleted or replaced while the app ran")
            db.execute("BEGIN IMMEDIATE")  # take the write lock now, so the busy timeout applies
            with db:
                db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, (SELECT IFNULL(MAX(used), 0) + 1 "
                           "FROM runs))", (key, blob, text, len(blob), zlib.crc32(blob)))
                # Newest first, keep items while both running totals fit: the same as dropping oldest until they do.
                db.execute("DELETE FROM runs WHERE key IN (SELECT key FROM (SELECT key, row_number() OVER w AS n, "
                           "sum(size) OVER w AS total FROM runs WINDOW w AS (ORDER BY used DESC)) "
                           "WHERE n > ? OR total > ?)", (self.max_runs, self.max_bytes))
            return True

        return self._do("put", False, work)

    def get(self, key: str) -> bytes | None:
        """The blob under key (and mark it used now), or None."""

        def work(db: sqlite3.Connection) -> bytes | None:
            row = db.execute("SELECT blob, crc FROM runs WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            if zlib.crc32(row[0]) != row[1]:  # SQLite checks its pages' structure, not what a blob holds
                log.warning("Run %s in %s was damaged on disk: dropped it.", key, self.path)
                db.execute("DELETE FROM runs WHERE key = ?", (key,))
                return None
            # A logical clock, not wall time: no ties, and the same order for every process on the file.
            db.execute("UPDATE runs SET used = (SELECT MAX(used) + 1 FROM runs) WHERE key = ?", (key,))
            return row[0]

        return self._do("get", None, work)

    def meta(self, key: str) -> dict | None:
        """The meta dict stored with key (not counted as a use), or None."""
        row = self._do("meta", None, lambda db: db.execute("SELECT meta FROM runs WHERE key = ?", (key,)).fetchone())
        return None if row is None else json.loads(row[0])

    def __contains__(self, key: object) -> bool:
        row = self._do("lookup", None, lambda db: db.execute("SELECT 1 FROM runs WHERE key = ?", (key,)).fetchone())
        return row is not None

    def __len__(self) -> int:
        return self._do("count", 0, lambda db: db.execute("SELECT count(*) FROM runs").fetchone()[0])

    def keys(self) -> list[str]:
        """All keys, most recently used first."""
        rows = self._do("keys", [], lambda db: db.execute("SELECT key FROM runs ORDER BY used DESC").fetchall())
        return [k for (k,) in rows]

    def total_bytes(self) -> int:
        """Bytes of all blobs (not counting meta or SQLite's own overhead)."""
        return self._do("size", 0, lambda db: db.execute("SELECT IFNULL(SUM(size), 0) FROM runs").fetchone()[0])

    def remove(self, key: str) -> bool:
        """Drop key; True if it was there."""
        return self._do("remove", False, lambda db: db.execute("DELETE FROM runs WHERE key = ?", (key,)).rowcount > 0)

    def close(self) -> None:
        """Close the file; later calls raise ValueError. Closing twice is fine."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
