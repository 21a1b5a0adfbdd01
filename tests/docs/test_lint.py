"""The linter and the formatter a maintainer expects (issue 66 item 5): ``ruff check`` with the rules of
pyproject.toml's [tool.ruff.lint] passes on the whole tree, ``ruff format --check`` too (line length 120) but for
the files [tool.ruff.format] still excludes, each of which formatting would push over a size limit of
tests/packaging/test_layering.py (so the list only shrinks); and both find what they are there to find."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _ruff(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(exe).exists():
        pytest.fail("ruff is not installed; it is in the test extra: pip install -e '.[test]'")
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_tree_passes_ruff_check() -> None:
    done = _ruff("check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_ruff_finds_an_unused_import_in_a_file_built_to_fail(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "bad.py").write_text("import os\n")
    done = _ruff("check", "--no-cache", "bad.py", cwd=tmp_path)
    assert done.returncode == 1 and "F401" in done.stdout, done.stdout


def test_the_tree_is_formatted() -> None:
    done = _ruff("format", "--check", "--no-cache", ".")
    assert done.returncode == 0, (
        done.stdout[-4000:] + done.stderr[-2000:] + "\nFix: ruff format <files> (ruff as pinned in the test extra)"
    )


def test_ruff_format_flags_a_file_built_to_fail(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "bad.py").write_text("x = {  'a':1 }\n")
    done = _ruff("format", "--check", "--no-cache", "bad.py", cwd=tmp_path)
    assert done.returncode == 1 and "bad.py" in done.stdout, done.stdout


def _over_a_limit(path: Path, module: str, listed: set[tuple[str, str]]) -> list[str]:
    """What in the formatted file ``path`` (the module ``module``, relative to the root) breaks a size limit of
    tests/packaging/test_layering.py (its limits and its function walk; the CLI has no 'Why one module' exception)."""
    from script_loader import load_script

    layering = load_script("tests/packaging/test_layering.py", "layering_for_lint")
    text = path.read_text()
    tree = ast.parse(text)
    n = len(text.splitlines())
    why = "Why one module" in (ast.get_docstring(tree) or "") and not module.startswith("vdosbench/cli/")
    found = [f"{n} lines"] if n > layering.HARD_MAX_LINES or (n > layering.MAX_LINES and not why) else []
    for name, node in layering._functions(tree):
        lines = (node.end_lineno or node.lineno) - node.lineno + 1
        if lines > layering.MAX_FUNCTION_LINES and (module, name) not in listed:
            found.append(f"{name}: {lines} lines")
    return found


def test_every_file_the_formatter_skips_would_break_a_size_limit_formatted(tmp_path: Path) -> None:
    excluded = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["format"]["exclude"]
    listed = {
        (f["module"], f["name"])
        for f in json.loads((ROOT / "tests" / "packaging" / "long_functions.json").read_text())["functions"]
    }
    assert excluded == sorted(excluded), "keep [tool.ruff.format] exclude sorted"
    copies = []
    for module in excluded:
        copy = tmp_path / module.replace("/", "__")
        shutil.copy(ROOT / module, copy)
        copies.append(copy)
    done = _ruff("format", "--isolated", "--no-cache", "--line-length", "120", *map(str, copies), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    needless = [module for module, copy in zip(excluded, copies) if not _over_a_limit(copy, module, listed)]
    assert not needless, (
        f"formatted, these stay within every size limit: {needless}; format them (ruff format FILE) and strike "
        "them from [tool.ruff.format] exclude in pyproject.toml"
    )
