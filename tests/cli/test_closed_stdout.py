"""A command whose stdout reader went away (``vdosbench list | head``) ends quietly with 141, as Unix tools do, not
with "BrokenPipeError … exit 2" (issue 64, fault probe of 2026-11-28)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vdosbench.cli.signals import EXIT_SIGPIPE

EXE = Path(sys.executable).parent / "vdosbench"


def _closed_stdout(argv: list[str]) -> tuple[int, str]:
    """Run the command with its stdout reader gone before it writes: (status, stderr)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([str(EXE), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader goes away before the command writes (it is still importing)
    _, err = proc.communicate(timeout=600)
    return proc.returncode, err.decode(errors="replace")


@pytest.mark.skipif(not EXE.exists(), reason="the vdosbench command is not installed beside this interpreter")
def test_a_closed_stdout_ends_a_command_quietly_with_141() -> None:
    status, err = _closed_stdout(["list"])
    assert status == EXIT_SIGPIPE, (status, err)
    assert "Traceback" not in err and "BrokenPipe" not in err and "error" not in err, err


@pytest.mark.skipif(not EXE.exists(), reason="the vdosbench command is not installed beside this interpreter")
def test_help_into_a_closed_stdout_prints_no_traceback() -> None:
    status, err = _closed_stdout(["score", "--help"])
    assert status in (0, EXIT_SIGPIPE) and "Traceback" not in err and "BrokenPipe" not in err, (status, err)


def test_the_status_is_the_shells_for_sigpipe() -> None:
    import signal

    assert EXIT_SIGPIPE == 128 + signal.SIGPIPE
