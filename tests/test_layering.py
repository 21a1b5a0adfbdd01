"""DESIGN.md's dependency direction: datasets <- generators, datasets <- validators, benchmark uses all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "datasets": ("vdosbench.generators", "vdosbench.validators", "vdosbench.benchmark"),
    "generators": ("vdosbench.validators", "vdosbench.benchmark"),
    "validators": ("vdosbench.generators", "vdosbench.benchmark"),
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN), ids=sorted(FORBIDDEN))
def test_no_import_against_the_dependency_direction(package: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in _imports(path)
        if name.startswith(FORBIDDEN[package])
    ]
    assert not offenders, offenders
