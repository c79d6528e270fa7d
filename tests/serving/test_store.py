"""SavedRuns on real SQLite files in tmp_path: bounds, restarts, threads, a second process, bad files."""

import logging
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lstm_core.serving.store import FILE, SavedRuns, data_folder
from tests.support import ROOT


def child(code: str, folder: Path) -> subprocess.Popen:
    """Another Python process that runs code with `runs` opened on folder."""
    script = f"from lstm_core.serving.store import SavedRuns\nruns = SavedRuns({str(folder)!r})\n{code}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


@pytest.mark.parametrize("on_disk", [True, False])
def test_round_trip(tmp_path, on_disk):
    runs = SavedRuns(tmp_path if on_disk else None)
    assert runs.persistent is on_disk and runs.put("a", b"\x00blob", {"epochs": 3})
    assert runs.get("a") == b"\x00blob" and runs.meta("a") == {"epochs": 3}
    assert "a" in runs and "b" not in runs and runs.get("b") is None and runs.meta("b") is None
    assert runs.put("b", b"xyz") and runs.meta("b") == {}
    assert (len(runs), runs.keys(), runs.total_bytes()) == (2, ["b", "a"], 8)
    assert runs.put("a", b"new") and runs.get("a") == b"new" and len(runs) == 2  # replaced, not duplicated
    assert runs.remove("a") and not runs.remove("a") and runs.keys() == ["b"]
    assert (tmp_path / FILE).exists() is on_disk
    with pytest.raises(sqlite3.ProgrammingError):  # a caller's mistake is not a failing file
        runs.get(object())
    assert runs.persistent is on_disk and runs.keys() == ["b"]
    runs.close()
    runs.close()
    with pytest.raises(ValueError):
        runs.get("b")


def test_survives_a_restart(tmp_path):
    first = SavedRuns(tmp_path)
    first.put("old", b"1" * 10, {"created": 1.5})
    first.put("new", b"2" * 20)
    first.close()
    again = SavedRuns(tmp_path)
    assert again.persistent and again.keys() == ["new", "old"] and again.total_bytes() == 30
    assert again.get("old") == b"1" * 10 and again.meta("old") == {"created": 1.5}
    with sqlite3.connect(tmp_path / FILE) as db:  # WAL lets a second process read while one writes
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_evicts_least_recently_used_by_count(tmp_path):
    runs = SavedRuns(tmp_path, max_runs=3)
    for key in "abc":
        runs.put(key, key.encode())
    assert runs.get("a") == b"a"  # a is now the freshest, b the stalest
    runs.put("d", b"d")
    assert runs.keys() == ["d", "a", "c"]
    runs.close()
    assert SavedRuns(tmp_path, max_runs=3).keys() == ["d", "a", "c"]  # the order is on disk too


def test_evicts_least_recently_used_by_bytes(tmp_path):
    runs = SavedRuns(tmp_path, max_bytes=100)
    runs.put("a", b"a" * 40)
    runs.put("b", b"b" * 40)
    runs.get("a")
    runs.put("c", b"c" * 40)
    assert runs.keys() == ["c", "a"] and runs.total_bytes() == 80
    runs.put("d", b"d" * 100)  # exactly the limit: stored, and everything else goes
    assert runs.keys() == ["d"] and runs.total_bytes() == 100


def test_refuses_an_item_larger_than_the_whole_store(tmp_path, caplog):
    runs = SavedRuns(tmp_path, max_bytes=100)
    runs.put("small", b"s")
    with caplog.at_level(logging.WARNING, logger="lstm_core.serving.store"):
        assert runs.put("huge", b"h" * 101) is False
    assert "huge" not in runs and runs.keys() == ["small"] and "huge" in caplog.text


def test_many_threads_at_once(tmp_path):
    runs, other = SavedRuns(tmp_path, max_runs=150), SavedRuns(tmp_path, max_runs=150)
    errors, barrier = [], threading.Barrier(8)

    def session(n: int) -> None:
        store = runs if n % 2 else other  # two objects on one file, as two server processes would be
        barrier.wait()
        try:
            for i in range(25):
                blob = f"{n}-{i}".encode() * 100
                assert store.put(f"{n}/{i}", blob, {"n": n})
                got = store.get(f"{n}/{i}")
                assert got in (blob, None)  # None only if another session's puts evicted it already
                store.get(f"{(n + 1) % 8}/{i}")
                len(store), store.keys(), store.total_bytes()
        except Exception as e:  # noqa: BLE001 - collected for the main thread to report
            errors.append(e)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert runs.persistent and other.persistent
    assert len(runs) == len(other) == 150 and set(runs.keys()) == set(other.keys())
    assert all(runs.get(k) == (k.split("/")[0] + "-" + k.split("/")[1]).encode() * 100 for k in runs.keys())


def test_two_stores_on_one_folder_see_each_other(tmp_path):
    a, b = SavedRuns(tmp_path), SavedRuns(tmp_path)
    a.put("from-a", b"A")
    assert b.get("from-a") == b"A"
    b.put("from-b", b"B")
    assert "from-b" in a and len(a) == 2 and a.keys() == ["from-b", "from-a"]


def test_a_second_process_sees_the_runs_and_writes_alongside(tmp_path):
    here = SavedRuns(tmp_path)
    here.put("parent", b"P" * 1000)
    # Both processes write at once: the busy timeout must make them take turns, not fail.
    other = child("import sys\nprint(runs.get('parent') == b'P' * 1000)\n"
                  "print(all(runs.put(f'child{i}', b'C' * 50_000) for i in range(40)))", tmp_path)
    puts = [here.put(f"parent{i}", b"Q" * 50_000) for i in range(40)]
    out, _ = other.communicate(timeout=60)
    assert other.returncode == 0 and out.split() == ["True", "True"] and all(puts)
    assert len(here) == 81 and here.get("child39") == b"C" * 50_000 and here.persistent


def test_a_corrupt_file_is_moved_aside(tmp_path, caplog):
    runs = SavedRuns(tmp_path)
    runs.put("lost", b"x" * 5000)
    runs.close()
    (tmp_path / FILE).write_bytes(os.urandom(8192))
    with caplog.at_level(logging.WARNING, logger="lstm_core.serving.store"):
        fresh = SavedRuns(tmp_path)
    assert fresh.persistent and len(fresh) == 0
    aside = list(tmp_path.glob(f"{FILE}.corrupt-*"))
    assert len(aside) == 1 and aside[0].stat().st_size == 8192
    assert len(caplog.records) == 1 and str(tmp_path / FILE) in caplog.text and "moved" in caplog.text
    assert fresh.put("new", b"n")
    fresh.close()
    assert SavedRuns(tmp_path).get("new") == b"n"


def test_a_corrupt_file_goes_aside_with_its_wal(tmp_path):
    running = SavedRuns(tmp_path)  # another server process, still open, so its WAL file is there
    for i in range(20):
        running.put(f"k{i}", os.urandom(300_000))
    path = tmp_path / FILE
    path.write_bytes(os.urandom(path.stat().st_size))
    fresh = SavedRuns(tmp_path)
    (aside,) = tmp_path.glob(f"{FILE}.corrupt-*[0-9]")
    assert Path(f"{aside}-wal").exists()  # a stale WAL next to the fresh file would be replayed into it
    assert fresh.persistent and len(fresh) == 0 and fresh.put("a", b"a") and fresh.get("a") == b"a"
    assert running.put("b", b"b") is False and not running.persistent  # its file was moved away under it


def test_an_unknown_schema_version_is_moved_aside(tmp_path, caplog):
    old = SavedRuns(tmp_path)
    old.put("old", b"o")
    old.close()
    with sqlite3.connect(tmp_path / FILE) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with caplog.at_level(logging.WARNING, logger="lstm_core.serving.store"):
        runs = SavedRuns(tmp_path)
    assert runs.persistent and len(runs) == 0 and "version 99" in caplog.text
    assert len(list(tmp_path.glob(f"{FILE}.corrupt-*"))) == 1


def test_an_unwritable_folder_means_memory_only(tmp_path, caplog):
    (tmp_path / "plain-file").write_text("not a folder")
    folder = tmp_path / "plain-file" / "runs"  # root ignores chmod, but nobody can make a folder under a file
    with caplog.at_level(logging.WARNING, logger="lstm_core.serving.store"):
        runs = SavedRuns(folder)
    assert not runs.persistent and len(caplog.records) == 1
    assert str(folder / FILE) in caplog.text and "LSTM_TRACE_DATA" in caplog.text
    assert runs.put("a", b"still works") and runs.get("a") == b"still works"


def test_a_file_corrupted_while_open_does_not_raise(tmp_path, caplog):
    runs = SavedRuns(tmp_path)
    for i in range(20):  # more than SQLite's page cache, so gets must read the damaged file
        runs.put(f"k{i}", os.urandom(300_000))
    path = tmp_path / FILE
    path.write_bytes(os.urandom(path.stat().st_size))
    with caplog.at_level(logging.WARNING, logger="lstm_core.serving.store"):
        got = [runs.get(f"k{i}") for i in range(20)]
        assert not runs.persistent  # it noticed, and switched to memory
        assert runs.put("later", b"l") is True and runs.get("later") == b"l"
    assert None in got and "memory only" in caplog.text and len(caplog.records) == 1
    runs.close()
    assert SavedRuns(tmp_path).persistent and list(tmp_path.glob(f"{FILE}.corrupt-*"))  # healed at restart


def test_a_file_deleted_while_open_does_not_raise(tmp_path, caplog):
    runs = SavedRuns(tmp_path)
    runs.put("a", b"a")
    for name in os.listdir(tmp_path):
        os.remove(tmp_path / name)
    with caplog.at_level(logging.WARNING, logger="lstm_core.serving.store"):
        assert runs.put("b", b"b") is False  # SQLite would write on into the deleted file, losing it unseen
    assert not runs.persistent and "deleted" in caplog.text
    assert runs.put("c", b"c") and runs.get("c") == b"c"


def test_a_damaged_blob_is_dropped_not_returned(tmp_path, caplog):
    runs = SavedRuns(tmp_path)
    runs.put("a", b"good bytes")
    with sqlite3.connect(tmp_path / FILE) as db:  # the bytes change, the structure stays valid
        db.execute("UPDATE runs SET blob = ? WHERE key = 'a'", (b"bad! bytes",))
    db.close()
    with caplog.at_level(logging.WARNING, logger="lstm_core.serving.store"):
        assert runs.get("a") is None
    assert "damaged" in caplog.text and "a" not in runs and runs.persistent


def test_data_folder_reads_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_TRACE_DATA", str(tmp_path / "runs"))
    assert data_folder() == tmp_path / "runs"
    for memory in ("none", "memory", " None "):
        monkeypatch.setenv("LSTM_TRACE_DATA", memory)
        assert data_folder() is None
    monkeypatch.setenv("LSTM_TRACE_DATA", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data_folder() == tmp_path / "cache" / "lstm-trace"
    monkeypatch.delenv("LSTM_TRACE_DATA")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data_folder() == tmp_path / ".cache" / "lstm-trace"
    assert SavedRuns(data_folder()).persistent and (tmp_path / ".cache" / "lstm-trace" / FILE).exists()
