"""``.ci/run``: a fresh virtual environment each run, the versions it resolved, then the README's test command.

The script is run for real with a stand-in interpreter (``VDOSBENCH_CI_PYTHON``): its ``-m venv`` makes a folder
whose ``python`` logs each pip and pytest call and exits with the status the test asks for, and runs the
version listing with this interpreter.  So the order of the steps, the removal of the environment and the exit
status (pytest's 5, no test collected, fails CI) are measured, not read off the script's text.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CI = REPO / ".ci" / "run"

#: The stand-in interpreter: ``-m venv DIR`` makes DIR/bin/{activate,python}; as DIR/bin/python it logs
#: ``pip``/``pytest`` calls (exit $STUB_PIP_RC / $STUB_PYTEST_RC) and runs ``python -`` with $REAL_PYTHON.
STUB = r"""#!/usr/bin/env bash
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    printf 'export PATH="%s/bin:$PATH"\n' "$3" > "$3/bin/activate"
    cp "$0" "$3/bin/python"
    echo "venv $3" >> "$STUB_LOG"
    exit 0
fi
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
    shift 2; echo "pip $* (python $0)" >> "$STUB_LOG"; exit "${STUB_PIP_RC:-0}"
fi
if [ "$1" = "-m" ] && [ "$2" = "pytest" ]; then
    echo "pytest (python $0)" >> "$STUB_LOG"; exit "${STUB_PYTEST_RC:-0}"
fi
if [ "$1" = "-" ]; then
    echo "versions (python $0)" >> "$STUB_LOG"; exec "$REAL_PYTHON" -
fi
echo "stub: unexpected arguments $*" >&2
exit 99
"""

KEY_PACKAGES = ("numpy", "scipy", "xarray", "netCDF4", "numba", "dask", "matplotlib")


def _run_ci(tmp_path: Path, *, pytest_rc: int = 0, pip_rc: int = 0) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``.ci/run`` with the stand-in interpreter in ``tmp_path``; its result and the stand-in's log."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    tmp_path.mkdir(exist_ok=True)
    stub = tmp_path / "stub-python"
    stub.write_text(STUB)
    stub.chmod(0o755)
    temp = tmp_path / "tmp"
    temp.mkdir()
    log = tmp_path / "log"
    env = {**os.environ, "VDOSBENCH_CI_PYTHON": str(stub), "TMPDIR": str(temp), "STUB_LOG": str(log),
           "STUB_PYTEST_RC": str(pytest_rc), "STUB_PIP_RC": str(pip_rc), "REAL_PYTHON": sys.executable}
    done = subprocess.run(["bash", str(CI)], env=env, capture_output=True, text=True, timeout=120)
    assert list(temp.iterdir()) == [], "the fresh environment's folder was not removed"
    return done, log.read_text().splitlines() if log.exists() else []


def test_ci_run_builds_a_fresh_environment_prints_the_versions_then_runs_the_readme_command(tmp_path: Path) -> None:
    done, log = _run_ci(tmp_path / "first")
    assert done.returncode == 0, done.stderr
    venv = log[0].removeprefix("venv ")
    assert log[0].startswith("venv ") and Path(venv).parent.parent == tmp_path / "first" / "tmp"
    inside = f"(python {venv}/bin/python)"  # every later step runs the environment's interpreter
    assert log[1:] == [f"pip install -e .[test] {inside}", f"versions {inside}",
                       f"pip install -e .[test] {inside}", f"pytest {inside}"]
    assert f"ci: resolved python {platform.python_version()}" in done.stdout
    for name in KEY_PACKAGES:
        assert f"ci: resolved {name} {importlib.metadata.version(name)}\n" in done.stdout, name
    # a second run makes another environment, in another new folder
    again = _run_ci(tmp_path / "second")[1]
    assert again[0].startswith(f"venv {tmp_path / 'second' / 'tmp'}") and again[1:] == [
        line.replace(venv, again[0].removeprefix("venv ")) for line in log[1:]]


@pytest.mark.parametrize("code", [1, 2, 5])
def test_ci_run_fails_when_pytest_does_including_no_tests_collected(tmp_path: Path, code: int) -> None:
    done, log = _run_ci(tmp_path, pytest_rc=code)
    assert done.returncode == code and log[-1].startswith("pytest ")


def test_ci_run_stops_when_the_install_fails(tmp_path: Path) -> None:
    done, log = _run_ci(tmp_path, pip_rc=1)
    assert done.returncode == 1 and not [line for line in log if line.startswith(("pytest", "versions"))]


def test_the_readme_command_is_the_last_command_of_ci_run() -> None:
    """Its status is CI's status (tests/test_docs.py pins that the line is the README's)."""
    lines = [line.strip() for line in CI.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert lines[-1] == 'python -m pip install -e ".[test]" && python -m pytest'
    assert "-m venv" in CI.read_text() and "set -euo pipefail" in lines


def test_every_dependency_and_extra_has_a_lower_bound() -> None:
    """A fresh install resolves the newest of everything; each requirement still says the oldest it supports."""
    import tomllib

    from packaging.requirements import Requirement

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = [*pyproject["build-system"]["requires"], *pyproject["project"]["dependencies"]]
    requirements += [r for extra in pyproject["project"]["optional-dependencies"].values() for r in extra]
    unbounded = [text for text in requirements
                 if Requirement(text).name != "vdosbench"  # the extras of the project itself
                 and not any(spec.operator in (">=", "==", "~=", ">") for spec in Requirement(text).specifier)]
    assert unbounded == [], f"requirements without a lower bound: {unbounded}. Fix: add '>=OLDEST' to each"
    assert len(requirements) > 20  # the tables were read
