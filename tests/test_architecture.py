"""The house rules of docs/architecture.md, checked against the code.

Imports run only downward through the layers; no package imports another's ``_private``
modules; only ``store/`` touches the engine behind a workspace; no module grows past ~400
lines (style rule 2).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "cxkit"

#: Each package's layer: a package may import packages of lower layers only.
LAYERS = {
    "errors": 0,
    "schema": 1,
    "store": 2,
    "identity": 3,
    "ingest": 3,
    "metrics": 3,
    "present": 3,
    "customers": 4,
    "importers": 4,
    "journeys": 4,
    "surveys": 4,
    "voice": 4,
    "predict": 5,
    "strategy": 6,
    "web": 7,
    "demo": 8,
    "cli": 9,
    "__main__": 10,
}
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py"))


def _package(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, name) for line, name in found if name.startswith("cxkit.")]


def test_every_package_has_a_layer() -> None:
    packages = {_package(p) for p in _modules()} - {"__init__"}
    assert packages == set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_run_downward_and_only_through_public_faces(path: Path) -> None:
    here = _package(path)
    if here == "__init__":
        return
    for line, module in _imports(path):
        parts = module.split(".")
        there = parts[1]
        if there == here:
            continue
        where = f"{path.relative_to(SRC)}:{line} imports {module}"
        assert LAYERS[there] < LAYERS[here], f"{where}: an import up the layers"
        assert not any(p.startswith("_") for p in parts[2:]), f"{where}: a private module"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_only_the_store_touches_the_backend(path: Path) -> None:
    if _package(path) == "store":
        return
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\.(_?backend)\b", text), f"{path.relative_to(SRC)} reaches the backend"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_is_too_long(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(SRC)}: {lines} lines; split it by noun"
