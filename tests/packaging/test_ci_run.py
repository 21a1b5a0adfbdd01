"""``.ci/run``: a fresh virtual environment each run, the versions it resolved, then the README's two commands.

The script is run for real with a stand-in interpreter (``VDOSBENCH_CI_PYTHON``): its ``-m venv`` makes a folder
whose ``python`` logs each pip and pytest call (with the folder it runs in) and exits with the status the test
asks for, and runs the version listing with this interpreter; its ``vdosbench`` logs the main job's call, lists
the files of the folder it runs in, and exits with the status asked for.  So the order of the steps, where the
main job runs (a copy of the clone's files), the removal of the environment and the exit status (pytest's 5, no
test collected, fails CI; so does a failing first half of a README command) are measured, not read off the
script's text.
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

REPO = Path(__file__).resolve().parents[2]
CI = REPO / ".ci" / "run"

#: The stand-in interpreter: ``-m venv DIR`` makes DIR/bin/{activate,python,vdosbench}; as DIR/bin/python it logs
#: ``pip``/``pytest`` calls (exit $STUB_PIP_RC, or 1 for pip call number $STUB_PIP_FAIL_CALL / $STUB_PYTEST_RC)
#: and runs ``python -`` with $REAL_PYTHON; DIR/bin/vdosbench logs its call, writes the sorted file list of the
#: folder it runs in to $STUB_LOG.tree and exits $STUB_DEMO_RC.
STUB = r"""#!/usr/bin/env bash
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    printf 'export PATH="%s/bin:$PATH"\n' "$3" > "$3/bin/activate"
    cp "$0" "$3/bin/python"
    printf '#!/usr/bin/env bash\necho "vdosbench $* in $PWD" >> "$STUB_LOG"\n' > "$3/bin/vdosbench"
    printf 'find . \\( -type f -o -type l \\) | sed "s|^\\./||" | LC_ALL=C sort > "$STUB_LOG.tree"\n' >> "$3/bin/vdosbench"
    printf 'exit "${STUB_DEMO_RC:-0}"\n' >> "$3/bin/vdosbench"
    chmod +x "$3/bin/vdosbench"
    echo "venv $3" >> "$STUB_LOG"
    exit 0
fi
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
    shift 2; echo "pip $* (python $0) in $PWD" >> "$STUB_LOG"
    if [ "$(grep -c '^pip ' "$STUB_LOG")" = "${STUB_PIP_FAIL_CALL:-}" ]; then exit 1; fi
    exit "${STUB_PIP_RC:-0}"
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


def _run_ci(
    tmp_path: Path, *, pytest_rc: int = 0, pip_rc: int = 0, demo_rc: int = 0, pip_fail_call: int = 0
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
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
    env = {
        **os.environ,
        "VDOSBENCH_CI_PYTHON": str(stub),
        "TMPDIR": str(temp),
        "STUB_LOG": str(log),
        "STUB_PYTEST_RC": str(pytest_rc),
        "STUB_PIP_RC": str(pip_rc),
        "STUB_DEMO_RC": str(demo_rc),
        "STUB_PIP_FAIL_CALL": str(pip_fail_call),
        "REAL_PYTHON": sys.executable,
    }
    done = subprocess.run(["bash", str(CI)], env=env, capture_output=True, text=True, timeout=120)
    assert list(temp.iterdir()) == [], "the fresh environment's folder was not removed"
    return done, log.read_text().splitlines() if log.exists() else []


def _clone_files() -> set[str]:
    """The files of the clone that .ci/run copies for the main job: tracked and untracked, not ignored, present."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    return {name for name in listed if name and os.path.lexists(REPO / name)}


def test_ci_run_builds_a_fresh_environment_prints_the_versions_then_runs_the_readme_commands(tmp_path: Path) -> None:
    done, log = _run_ci(tmp_path / "first")
    assert done.returncode == 0, done.stderr
    venv = log[0].removeprefix("venv ")
    assert log[0].startswith("venv ") and Path(venv).parent.parent == tmp_path / "first" / "tmp"
    inside = f"(python {venv}/bin/python)"  # every later step runs the environment's interpreter
    in_git = shutil.which("git") is not None and (REPO / ".git").exists()
    clone = Path(venv).parent / "clone" if in_git else REPO  # the main job's copy of the clone (temporary folder)
    assert log[1:] == [
        f"pip install -e .[test] {inside} in {REPO}",
        f"versions {inside}",
        f"pip install -e .[test] {inside} in {REPO}",
        f"pytest {inside}",
        f"pip install . {inside} in {clone}",
        f"vdosbench demo in {clone}",
    ]
    if in_git:  # the copy holds the clone's files and nothing git ignores (no earlier vdosbench-output/ to resume)
        copied = set((tmp_path / "first" / "log.tree").read_text().splitlines())
        assert copied == _clone_files()
        assert {"pyproject.toml", "README.md", ".ci/run"} <= copied
    assert f"ci: resolved python {platform.python_version()}" in done.stdout
    for name in KEY_PACKAGES:
        assert f"ci: resolved {name} {importlib.metadata.version(name)}\n" in done.stdout, name
    # a second run makes another environment, in another new folder
    again = _run_ci(tmp_path / "second")[1]
    workdir, again_workdir = str(Path(venv).parent), str(Path(again[0].removeprefix("venv ")).parent)
    assert again[0].startswith(f"venv {tmp_path / 'second' / 'tmp'}") and again[1:] == [
        line.replace(workdir, again_workdir) for line in log[1:]
    ]


@pytest.mark.parametrize("code", [1, 2, 5])
def test_ci_run_fails_when_pytest_does_including_no_tests_collected(tmp_path: Path, code: int) -> None:
    done, log = _run_ci(tmp_path, pytest_rc=code)
    assert done.returncode == code and log[-1].startswith("pytest ")  # the main job does not run


def test_ci_run_stops_when_the_install_fails(tmp_path: Path) -> None:
    done, log = _run_ci(tmp_path, pip_rc=1)
    assert done.returncode == 1 and not [line for line in log if line.startswith(("pytest", "versions", "vdosbench"))]


@pytest.mark.parametrize("code", [1, 2])
def test_ci_run_fails_when_the_main_job_does(tmp_path: Path, code: int) -> None:
    """vdosbench demo exits 0 once its report is written; anything else is CI's status."""
    done, log = _run_ci(tmp_path, demo_rc=code)
    assert done.returncode == code and log[-1].startswith("vdosbench demo in ")


@pytest.mark.parametrize(("call", "last"), [(2, "pip install -e .[test] "), (3, "pip install . ")])
def test_ci_run_fails_when_the_first_half_of_a_readme_command_does(tmp_path: Path, call: int, last: str) -> None:
    """``a && b`` under ``set -e`` goes on when ``a`` fails; .ci/run runs each README command in a function so
    that it stops there.  Only the README line's ``pip install`` fails: the tests' (pip call 2: neither pytest
    nor the main job runs) or the main job's (call 3: vdosbench demo does not run)."""
    done, log = _run_ci(tmp_path, pip_fail_call=call)
    assert done.returncode == 1 and log[-1].startswith(last)
    steps = ["pip", "versions", "pip", "pytest", "pip"]
    assert [line.split()[0] for line in log[1:]] == steps[: {2: 3, 3: 5}[call]]


def test_ci_run_makes_a_fresh_environment_and_stops_at_the_first_failure() -> None:
    text = CI.read_text()
    assert "-m venv" in text and "set -euo pipefail" in [line.strip() for line in text.splitlines()]


def test_every_dependency_and_extra_has_a_lower_bound() -> None:
    """A fresh install resolves the newest of everything; each requirement still says the oldest it supports."""
    import tomllib

    from packaging.requirements import Requirement

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = [*pyproject["build-system"]["requires"], *pyproject["project"]["dependencies"]]
    requirements += [r for extra in pyproject["project"]["optional-dependencies"].values() for r in extra]
    unbounded = [
        text
        for text in requirements
        if Requirement(text).name != "vdosbench"  # the extras of the project itself
        and not any(spec.operator in (">=", "==", "~=", ">") for spec in Requirement(text).specifier)
    ]
    assert unbounded == [], f"requirements without a lower bound: {unbounded}. Fix: add '>=OLDEST' to each"
    assert len(requirements) > 20  # the tables were read
