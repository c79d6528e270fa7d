"""lstm_core's layers import one way: each module imports only its own layer and the layers beneath it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lstm_core"
# Bottom to top. config and formats sit beneath every layer; the command line sits above them all.
LAYERS = ["base", "data", "pipeline", "tracing", "teaching", "present", "serving", "cli"]
BASE, TOP = {"config", "formats"}, {"cli", "__main__"}


def layer_of(module: str) -> str:
    """The layer of a dotted module name under lstm_core."""
    parts = module.split(".")[1:]
    if not parts or parts[0] in TOP:
        return "cli"
    return "base" if parts[0] in BASE else parts[0]


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(("lstm_core", *parts)).removesuffix(".__init__")
        found[name] = path
    return found


def imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function ("from lstm_core.data import x" names x)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_every_module_sits_in_a_named_layer():
    for name in modules():
        assert layer_of(name) in LAYERS, f"{name} is in no layer"


def test_no_module_imports_a_layer_above_its_own():
    against = []
    known = modules()
    for name, path in known.items():
        for imported in imports(path):
            if imported in known and LAYERS.index(layer_of(imported)) > LAYERS.index(layer_of(name)):
                against.append(f"{name} imports {imported}")
    assert not against, "\n".join(against)


def test_the_package_never_imports_streamlit():
    for name, path in modules().items():
        assert not any(i == "streamlit" or i.startswith("streamlit.") for i in imports(path)), name


def test_the_checker_sees_an_import_against_the_layers(tmp_path):
    """The rule above can fail: a pipeline module importing teaching is caught."""
    bad = tmp_path / "train.py"
    bad.write_text("def f():\n    from lstm_core.teaching.observations import observed\n")
    assert "lstm_core.teaching.observations" in imports(bad)
    assert LAYERS.index(layer_of("lstm_core.teaching.observations")) > LAYERS.index(layer_of("lstm_core.pipeline.train"))
