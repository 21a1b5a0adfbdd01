"""The package faces are the API (issue 66 item 2): studies/, speed/ and the tests import from
``vdosbench.datasets``, ``vdosbench.generators``, ``vdosbench.validators`` and ``vdosbench.benchmark``, not from the
modules below them.  The imports past a face that remain are listed in ``deep_imports_allowed.txt`` (one
``file module`` a line); the list only shrinks: a new deep import fails here, and a listed one that is gone must be
struck from the list.  Where a name is on the face (its ``__all__``) the deep import is only the wrong door
(:func:`wrong_door`): a new one of those is refused too, naming the face to use.

On 28 Nov 2026 (after the merge of busy-3): 628 imports past a face (studies 173, speed 93, tests 362, counted as
(file, module) pairs), 266 of them of names the face exports.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FACES = ("datasets", "generators", "validators", "benchmark")
FOLDERS = ("studies", "speed", "tests")
ALLOWED = Path(__file__).with_name("deep_imports_allowed.txt")


def _imports(path: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(module, names) of every absolute import in ``path`` (names empty for ``import module``)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module, tuple(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            yield from ((a.name, ()) for a in node.names)


def deep_imports(root: Path = ROOT) -> dict[tuple[str, str], tuple[str, ...]]:
    """``(file, module) -> names`` of every import below a face (``vdosbench.<face>.<module>``) in the folders."""
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            for module, names in _imports(path):
                parts = module.split(".")
                if parts[0] == "vdosbench" and len(parts) > 2 and parts[1] in FACES:
                    key = (str(path.relative_to(root)), module)
                    found[key] = found.get(key, ()) + names
    return found


def allowed() -> set[tuple[str, str]]:
    lines = [line.split() for line in ALLOWED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(file, module) for file, module in lines}


def wrong_door(found: dict[tuple[str, str], tuple[str, ...]]) -> list[str]:
    """The deep imports whose every name is on its face's ``__all__`` (import them from the face)."""
    faces = {face: set(importlib.import_module(f"vdosbench.{face}").__all__) for face in FACES}
    return sorted(
        f"{file}: from {module} import {', '.join(names)} -> from vdosbench.{module.split('.')[1]}"
        for (file, module), names in found.items()
        if names and set(names) <= faces[module.split(".")[1]]
    )


def test_no_new_import_past_a_face_and_the_list_only_shrinks() -> None:
    found, listed = set(deep_imports()), allowed()
    new = sorted(found - listed)
    assert not new, (
        f"import these from the face (add the name to its __all__ where it is public): {[f'{f}: {m}' for f, m in new]}"
    )
    gone = sorted(listed - found)
    assert not gone, f"strike these from {ALLOWED.name}: {[f'{f} {m}' for f, m in gone]}"


def test_no_new_deep_import_of_a_name_the_face_exports() -> None:
    """Of the listed imports, 266 (28 Nov 2026) take face names through the wrong door: they go as the list
    shrinks; a new one is refused with the face to use."""
    listed = allowed()
    assert not wrong_door({k: v for k, v in deep_imports().items() if k not in listed})


def test_a_new_deep_import_is_found(tmp_path: Path) -> None:
    """Built to fail: a study that imports a validator's module past the face, and one that takes a face name
    through the wrong door."""
    (tmp_path / "studies").mkdir()
    (tmp_path / "studies" / "s.py").write_text(
        "from vdosbench.validators.spectral.power_law import power_law_exponent\nimport vdosbench.datasets.io\n"
        "from vdosbench.validators import bootstrap\n"
    )
    found = deep_imports(tmp_path)
    assert set(found) == {
        ("studies/s.py", "vdosbench.validators.spectral.power_law"),
        ("studies/s.py", "vdosbench.datasets.io"),
    }
    assert wrong_door(found) == [
        "studies/s.py: from vdosbench.validators.spectral.power_law import "
        "power_law_exponent -> from vdosbench.validators"
    ]
