"""The studies and timing scripts are short pipelines over vdosbench's public API (issue 54 item 2).

Every script of ``studies/`` and ``speed/`` runs from the clone's root with the package installed: it imports
``vdosbench``, never edits ``sys.path``, never imports a test module, and never imports an underscore name (of the
package or of another study).  A study that builds on another study imports it as ``studies.<name>`` and runs as
``python -m studies.<name>`` (``studies/README.md``), and no page tells anyone to run it by its path.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("studies", "speed")
TEST_MODULES = {p.stem for p in (ROOT / "tests").rglob("*.py")} | {"tests", "conftest"}
#: Scripts owned by another developer while issue 51 is open: what each still does against the rules above.
#: Remove an entry when its file follows them (test_the_allow_list_is_not_stale says when).
KNOWN_EXCEPTIONS: dict[str, str] = {}


@dataclass(frozen=True)
class Finding:
    line: int
    what: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.what}"


def _scripts() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("*.py") if p.name != "__init__.py")


def _siblings() -> set[str]:
    return {p.stem for p in _scripts()}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def findings(source: str, siblings: set[str] = frozenset()) -> list[Finding]:
    """What ``source`` (a script's text) does against the rules; ``siblings``: the scripts' module names."""
    tree = ast.parse(source)
    out: list[Finding] = []
    imported: set[str] = set()  # names bound to vdosbench or studies modules and objects
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in TEST_MODULES:
                    out.append(Finding(node.lineno, f"imports the test module {alias.name}"))
                elif top in siblings:
                    out.append(
                        Finding(
                            node.lineno,
                            f"imports the script {alias.name} by a bare name; import "
                            f"studies.{alias.name} and run as python -m studies.<name>",
                        )
                    )
                if top in ("vdosbench", "studies"):
                    if any(_is_private(part) for part in alias.name.split(".")):
                        out.append(Finding(node.lineno, f"imports the private module {alias.name}"))
                    imported.add(alias.asname or top)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.split(".")[0]
            if top in TEST_MODULES:
                out.append(Finding(node.lineno, f"imports from the test module {node.module}"))
            elif top in siblings:
                out.append(
                    Finding(
                        node.lineno,
                        f"imports from the script {node.module} by a bare name; import "
                        f"from studies.{node.module} and run as python -m studies.<name>",
                    )
                )
            if top in ("vdosbench", "studies"):
                if any(_is_private(part) for part in node.module.split(".")):
                    out.append(Finding(node.lineno, f"imports from the private module {node.module}"))
                for alias in node.names:
                    if _is_private(alias.name):
                        out.append(Finding(node.lineno, f"imports the private name {alias.name} from {node.module}"))
                    imported.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level:
            out.append(Finding(node.lineno, "a relative import (a script is no package module)"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and base.id == "sys" and node.attr == "path":
                out.append(Finding(node.lineno, "reads or edits sys.path"))
            elif isinstance(base, ast.Name) and base.id == "site" and node.attr == "addsitedir":
                out.append(Finding(node.lineno, "adds a site directory"))
            elif _is_private(node.attr):
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(base, ast.Name) and base.id in imported:
                    out.append(Finding(node.lineno, f"uses the private name {ast.unparse(node)}"))
    return sorted(set(out), key=lambda f: f.line)


def builds_on_a_study(source: str) -> bool:
    """Whether the script imports another study (``studies.<name>``): then it runs as ``python -m``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "studies":
            return True
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "studies" for a in node.names):
            return True
    return False


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", _scripts(), ids=_relative)
def test_the_script_uses_the_public_api_only(path: Path) -> None:
    found = findings(path.read_text(encoding="utf-8"), _siblings())
    if _relative(path) in KNOWN_EXCEPTIONS:
        pytest.xfail(KNOWN_EXCEPTIONS[_relative(path)])
    assert not found, (
        f"{_relative(path)} reaches around the public API:\n"
        + "\n".join(f"  {f}" for f in found)
        + "\nFix: import the installed package (vdosbench...), make a needed name public where it belongs, move "
        "shared code into the package with its test, or import another study as studies.<name> "
        "(studies/README.md)"
    )


def test_the_allow_list_is_not_stale() -> None:
    siblings = _siblings()
    for name in KNOWN_EXCEPTIONS:
        path = ROOT / name
        assert path.is_file(), f"{name} is allow-listed but does not exist"
        assert findings(path.read_text(encoding="utf-8"), siblings), (
            f"{name} follows the rules now: remove it from KNOWN_EXCEPTIONS"
        )


def _module_scripts() -> list[str]:
    return [p.stem for p in _scripts() if p.parent.name == "studies" and builds_on_a_study(p.read_text("utf-8"))]


def test_a_study_that_builds_on_another_says_to_run_it_as_a_module() -> None:
    modules = _module_scripts()
    assert modules, "expected at least one study run as python -m studies.<name>"
    wrong = {}
    for name in modules:
        doc = ast.get_docstring(ast.parse((ROOT / "studies" / f"{name}.py").read_text("utf-8"))) or ""
        if f"python -m studies.{name}" not in doc:
            wrong[name] = "its docstring does not say python -m studies." + name
    pages = [
        ROOT / "README.md",
        ROOT / "studies" / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")),
        *_scripts(),
        *sorted((ROOT / "studies").glob("*.sh")),
    ]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for name in modules:
            if re.search(rf"python\S*\s+studies/{name}\.py", text):
                wrong[f"{_relative(page)}"] = f"says python studies/{name}.py (it runs as python -m studies.{name})"
    assert not wrong, wrong


def test_the_readme_of_studies_names_the_module_scripts() -> None:
    readme = (ROOT / "studies" / "README.md").read_text(encoding="utf-8")
    missing = [name for name in _module_scripts() if f"studies.{name}" not in readme]
    assert not missing, f"studies/README.md does not list the scripts run as python -m: {missing}"


def test_the_checks_catch_what_they_must() -> None:
    bad = """
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from test_scoring_form import helper
import finite_size
from estimator_coverage import wilson
from vdosbench.benchmark.scoring_form import _without, scoring_form
from vdosbench._source_tree import install
from vdosbench.generators.glasses import montecarlo
from studies.finite_size import _group
montecarlo._kernel(1)
"""
    found = [f.what for f in findings(bad, {"finite_size", "estimator_coverage"})]
    for expected in (
        "reads or edits sys.path",
        "imports from the test module test_scoring_form",
        "imports the script finite_size by a bare name",
        "imports from the script estimator_coverage by a bare name",
        "imports the private name _without",
        "imports from the private module vdosbench._source_tree",
        "imports the private name _group",
        "uses the private name montecarlo._kernel",
    ):
        assert any(expected in f for f in found), (expected, found)
    good = """
from studies import finite_size
from vdosbench.datasets import point_group_name
from vdosbench.validators import bootstrap
import numpy as np
x = np.zeros(3)._private_looking_but_not_ours if False else None
finite_size.load_compact
"""
    assert findings(good, {"finite_size"}) == []
    assert builds_on_a_study(good) and not builds_on_a_study("import numpy\n")
