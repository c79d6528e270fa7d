"""The benchmarks keep up with the code: every name they import from the project exists.

Nothing runs them in CI (they take minutes and measure a quiet machine), so a renamed function would
otherwise break one unseen until the next measurement."""

import ast
import importlib
import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
PROJECT = ("lstm_core", "tests", "app")  # top-level packages of this repository


def project_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for each ``from module import name`` in ``path`` that names this project's code:
    its packages, or a sibling file in benchmarks/ (which the benchmarks put on sys.path)."""
    siblings = {p.stem for p in BENCHMARKS.glob("*.py")}
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module.split(".")[0] in PROJECT or node.module in siblings):
            found += [(node.module, alias.name) for alias in node.names]
    return found


def exists(module: str, name: str) -> bool:
    """``from module import name`` would work: an attribute, or a submodule of a package."""
    found = importlib.import_module(module)
    return hasattr(found, name) or (hasattr(found, "__path__") and importlib.util.find_spec(f"{module}.{name}") is not None)


@pytest.mark.parametrize("path", sorted(BENCHMARKS.glob("*.py")), ids=lambda p: p.name)
def test_every_name_a_benchmark_imports_exists(path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    wanted = project_imports(path)
    missing = [f"{module}.{name}" for module, name in wanted if not exists(module, name)]
    assert not missing, f"{path.name} imports names that no longer exist: {missing}"
    assert path.name == "run_all.py" or wanted, "a benchmark that imports nothing of the project measures nothing of it"


def test_the_check_sees_a_name_that_has_gone(tmp_path, monkeypatch):
    fake = tmp_path / "bench_fake.py"
    fake.write_text("from lstm_core.tracing.trace import dense_head, lstm_forward\n")
    monkeypatch.setattr(sys.modules[__name__], "BENCHMARKS", tmp_path)
    with pytest.raises(AssertionError, match=r"lstm_core\.tracing\.trace\.lstm_forward"):
        test_every_name_a_benchmark_imports_exists(fake, monkeypatch)
