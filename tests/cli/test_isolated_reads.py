"""Damaged netCDF files end every command in bounded time, and the isolated reader ends with its caller.

Issue 64, from ``../shared/probes/faults-2026-11-28.md``:

* F1: ``vdosbench fingerprint`` on a netCDF whose header makes netCDF-C/HDF5 loop, and a ``generate`` resume over
  such a part file, spun at 100 % CPU for ever, ignored SIGTERM and SIGINT and left the folder lock.  Both now
  read through the isolated reader: exit 2 after the read time limit, the damaged part named with the fix.
* G1: a ``score`` killed by SIGKILL or SIGHUP while the isolated reader loops left the reader (at 100 % CPU),
  the fork server and the resource tracker behind, re-parented to PID 1.

The commands run in subprocesses: without the fix they would hang (the test then fails on its generous
``timeout``, not by hanging the suite).  Limits only catch a hang; they hold on a busy machine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "reference-data" / "spring-network-16-full.nc"
EXE = Path(sys.executable).parent / "vdosbench"
#: Seconds a command may take on a loaded machine before it is taken to hang (imports, a Dask cluster's start).
HANG_LIMIT_S = 600.0
#: The read time limit the tests set (VDOSBENCH_READ_TIMEOUT): short, so a spinning read ends soon.  2 s is ample
#: for what a resume's reader does besides spinning: the clock starts once the fork server has imported the readers
#: (``vdosbench.datasets._isolated_preload``), and the only intact file it reads is one small part header.
READ_LIMIT_S = 2
#: The limit for ``fingerprint``: its reader first imports the fingerprint code (not preloaded; a second or more on
#: a busy machine), so that the limit passes while it spins in the damaged header, not while it imports.
FINGERPRINT_LIMIT_S = 4


def _spinning_netcdf(path: Path) -> Path:
    """F1's file: 49 bytes copied inside the header of the shipped 16 x 16 set make the library loop for ever."""
    data = bytearray(SHIPPED.read_bytes())
    data[7852:7901] = data[220732:220781]
    path.write_bytes(bytes(data))
    return path


def _run(argv: list[str], cwd: Path, read_limit: float | None = READ_LIMIT_S) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop("VDOSBENCH_READ_TIMEOUT", None)  # None: the limit the code chooses
    if read_limit is not None:
        env["VDOSBENCH_READ_TIMEOUT"] = str(read_limit)
    return subprocess.run([str(EXE), *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=HANG_LIMIT_S)


#: The read limit's base in :func:`_run_patched_base`'s command (the shipped one is 10 s).
PATCHED_BASE_S = 1.5


def _run_patched_base(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``vdosbench argv`` in a process of its own, with no VDOSBENCH_READ_TIMEOUT and the read limit's base set to
    :data:`PATCHED_BASE_S` (the limit the code chooses, sooner)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop("VDOSBENCH_READ_TIMEOUT", None)
    code = (
        "import sys, vdosbench.datasets.isolated as isolated; from vdosbench.cli import main; "
        f"isolated.BASE_SECONDS = {PATCHED_BASE_S!r}; sys.exit(main(sys.argv[1:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=HANG_LIMIT_S
    )


def test_fingerprint_of_a_file_the_library_loops_on_exits_2(tmp_path: Path) -> None:
    """F1: ``fingerprint`` read the file in its own process and spun for ever; now exit 2 after the limit."""
    path = _spinning_netcdf(tmp_path / "hang.nc")
    done = _run(["fingerprint", str(path), "--name", "nine-node-toy"], tmp_path, read_limit=FINGERPRINT_LIMIT_S)
    assert done.returncode == 2, done.stderr
    assert f"fingerprinting {path} did not finish within {FINGERPRINT_LIMIT_S} s" in done.stderr
    assert "Fix:" in done.stderr and "bug" not in done.stderr and done.stdout == ""


def test_a_small_damaged_file_is_refused_under_a_limit_scaled_to_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 64 item 2: the read time limit scales with the file, so F1's 0.3 MB file is refused after about 10 s,
    not the old fixed 60 s.  Asserted on the limit the code chose (named in the message), not on wall time.

    The limit and its wording are asserted here with the shipped constants; the command's run shows that ``score``
    applies the limit :func:`read_time_limit` chooses and names its basis.  It runs with the base patched to
    :data:`PATCHED_BASE_S` in its own process (the limit is computed in the caller, before the reader starts), so
    that the reader spins for 2 s, not 10: a command that kept a limit of its own would name another one."""
    from vdosbench.datasets.isolated import BASE_SECONDS, read_time_limit, time_limit_basis

    path = _spinning_netcdf(tmp_path / "hang.nc")
    monkeypatch.delenv("VDOSBENCH_READ_TIMEOUT", raising=False)
    limit = read_time_limit([path])
    assert BASE_SECONDS <= limit < 15 < 60  # 10 s + 0.5 s per file + 1 s per 10 MB
    assert read_time_limit([path] * 100) > limit  # a resume over 100 parts is granted more
    assert time_limit_basis([path]) == "the limit for 1 file(s) of 0.3 MB: 10 s + 0.5 s per file + 1 s per 10 MB"
    patched = limit - BASE_SECONDS + PATCHED_BASE_S
    done = _run_patched_base(["score", str(path), "--output", str(tmp_path / "report")], tmp_path)
    assert done.returncode == 2, done.stderr
    assert (
        f"reading {path} did not finish within {patched:.0f} s (the limit for 1 file(s) of 0.3 MB: "
        f"{PATCHED_BASE_S:g} s + 0.5 s per file + 1 s per 10 MB)"
    ) in done.stderr
    assert "Fix:" in done.stderr and "bug" not in done.stderr
    assert not (tmp_path / "report").exists()


def test_fingerprint_of_a_file_without_eigenvalues_names_what_it_found(tmp_path: Path) -> None:
    """A readable netCDF that is no VDOS dataset: the fingerprint's own refusal comes back from the reader (under
    the limit the code chooses: nothing here waits for it)."""
    import numpy as np
    import xarray as xr

    path = tmp_path / "other.nc"
    xr.Dataset({"x": ("n", np.arange(3.0))}).to_netcdf(path, engine="netcdf4")
    done = _run(["fingerprint", str(path), "--name", "x"], tmp_path, read_limit=None)
    assert done.returncode == 2, done.stderr
    assert "has no 'eigenvalue' variable (found ['x'])" in done.stderr and "Fix:" in done.stderr


@pytest.mark.slow
def test_resume_over_a_part_the_library_loops_on_names_it_and_releases_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F1's resume: a finished ensemble, one part replaced by F1's file and ensemble.nc removed.  The resume read
    the part headers in its own process and spun for ever, leaving ``.vdosbench.lock``.  Now: exit 2 naming the
    part with the fix (delete it and run again), the lock released; following the fix finishes the ensemble.

    Only the resume over the damaged part needs a process of its own (it would spin for ever without the fix); the
    first run and the run that follows the fix are the same command run in this process (``main``)."""
    from vdosbench.cli import main
    from vdosbench.datasets import LOCK_NAME

    monkeypatch.delenv("VDOSBENCH_READ_TIMEOUT", raising=False)  # the in-process runs: the limit the code chooses

    out = tmp_path / "f1g"
    argv = [
        "generate",
        "spring_network",
        "--grid",
        "delta=0,0.2",
        "--set",
        "n_side=4",
        "--samples",
        "1",
        "--workers",
        "1",
        "--no-progress",
        "--output",
        str(out),
    ]
    assert main(argv) == 0
    part = sorted((out / "parts").glob("*/sample-*.nc"))[0]
    _spinning_netcdf(part)
    (out / "ensemble.nc").unlink()

    resumed = _run(argv, tmp_path)
    assert resumed.returncode == 2, resumed.stderr
    err = resumed.stderr
    assert f"the part file {part} did not finish within {READ_LIMIT_S} s" in err, err
    assert f"Fix: delete {part} and run the same command again" in err and "bug" not in err
    assert not (out / LOCK_NAME).exists() and not (out / "ensemble.nc").exists()

    part.unlink()
    assert main(argv) == 0
    assert part.is_file() and (out / "ensemble.nc").is_file() and not (out / LOCK_NAME).exists()


def test_resume_over_a_part_that_is_not_netcdf_names_it(tmp_path: Path) -> None:
    """A part file with a header the library refuses (not a loop): named as a damaged part, with the fix."""
    from vdosbench.datasets import VDOSReadError, mock_spectrum, write
    from vdosbench.datasets.io import part_load_bytes

    good = write(mock_spectrum(n_sample=1, n_mode=20), tmp_path / "parts" / "p0" / "sample-0000.nc")
    bad = tmp_path / "parts" / "p1" / "sample-0000.nc"
    bad.parent.mkdir()
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(200))
    assert part_load_bytes([good])[0] > 0
    with pytest.raises(VDOSReadError) as caught:
        part_load_bytes([good, bad])
    message = str(caught.value)
    assert f"{bad} is a damaged part file" in message and f"Fix: delete {bad} and run the same command" in message


# ------------------------------------------------------------------ G1: the reader ends with its caller


def _process_table() -> dict[int, tuple[int, str]]:
    """PID -> (parent PID, state letter) of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            table[int(entry.name)] = (int(fields[1]), fields[0])
    return table


def _descendants(pid: int) -> list[int]:
    table = _process_table()
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, (ppid, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _alive(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (a zombie has ended: it waits only for a parent to reap it)."""
    table = _process_table()
    return [p for p in pids if p in table and table[p][1] not in "ZX"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP])
def test_a_killed_score_leaves_no_reader_behind(tmp_path: Path, sig: int) -> None:
    """G1: ``score`` of F1's file; once the isolated reader loops (a grandchild: the fork server's child), the
    caller gets SIGKILL (no unwinding at all) or SIGHUP (a closed terminal).  Every process it started (the
    resource tracker, the fork server, the reader) ends soon after, though the reader's own time limit (600 s
    here) and CPU limit are far off.  SIGHUP is a stop like SIGTERM: exit 129 with one line."""
    path = _spinning_netcdf(tmp_path / "hang.nc")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "VDOSBENCH_READ_TIMEOUT": "600"}
    # stderr to a file, not a pipe: the children hold it too, and a pipe would keep communicate() waiting on them
    stderr = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen(
        [str(EXE), "score", str(path), "--output", str(tmp_path / "r")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )
    stderr.close()
    started: list[int] = []
    try:
        start = time.monotonic()
        while True:  # the reader: a process whose parent is a child of the caller
            children = _descendants(proc.pid)
            table = _process_table()
            if any(table.get(p, (0, ""))[0] != proc.pid for p in children):
                started = children
                break
            assert proc.poll() is None, f"score ended before its reader started: {proc.returncode}"
            assert time.monotonic() - start < HANG_LIMIT_S, "the isolated reader never started"
            time.sleep(0.2)
        assert len(started) >= 3, started  # the resource tracker, the fork server and the reader at least
        proc.send_signal(sig)
        proc.wait(timeout=HANG_LIMIT_S)
        err = (tmp_path / "stderr.txt").read_text()
        deadline = time.monotonic() + 120.0
        while _alive(started) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = _alive(started)
        assert not left, f"still running after the caller ended: {left}"
        if sig == signal.SIGHUP:
            assert proc.returncode == 129, err
            # score writes no parts: its line says nothing of them (generate's and build's do)
            assert err.strip() == "vdosbench: stopped by SIGHUP (the terminal or session closed)", err
        else:
            assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for pid in _alive(started):  # only what this test started, by its PID
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_sighup_left_ignored_under_nohup() -> None:
    """``nohup`` starts a command with SIGHUP ignored: the run must outlive the terminal, so the stop handler
    leaves SIGHUP ignored (SIGTERM and SIGINT are still handled); otherwise SIGHUP is handled."""
    from vdosbench.cli.signals import sigterm_as_exit

    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with sigterm_as_exit():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert callable(signal.getsignal(signal.SIGTERM))
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        with sigterm_as_exit():
            assert callable(signal.getsignal(signal.SIGHUP))
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGHUP, before)
