"""The linter a maintainer expects (issue 66 item 5): ``ruff check`` with the rules of pyproject.toml's
[tool.ruff.lint] passes on the whole tree, and finds what it is there to find."""

from __future__ import annotations

import shutil
import subprocess
import sys
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
