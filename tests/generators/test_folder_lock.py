"""One run per ensemble folder (issue 16, item 4).

A live holder (another process, or this one) makes a second run refuse at
once, naming its pid, host and start time; a lock left by a dead process, by
a process whose pid was reused, or an unreadable lock past its grace time is
taken over; the lock is released after an error; runs one after the other
into one folder never see a false "busy"; of many simultaneous attempts (on a
free folder, or on a stale lock) exactly one wins.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

import vdosbench.datasets.folder_lock as folder_lock_module
from vdosbench.cli import main
from vdosbench.datasets import LOCK_NAME, FolderBusyError
from vdosbench.datasets.folder_lock import STALE_AFTER_S, UNREADABLE_GRACE_S, folder_lock, read_lock
from vdosbench.generators import EnsembleSettingsError, run_ensemble

HOLD_SCRIPT = """
import sys, time
from vdosbench.datasets.folder_lock import folder_lock
with folder_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _write_lock(folder: Path, **fields: object) -> Path:
    record = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "process_start": psutil.Process().create_time(),
        "locked_at": "2026-01-01T00:00:00Z",
        "token": "stale-token",
        "command": "vdosbench generate spring_network",
        "pid_namespace": folder_lock_module._pid_namespace(),
        **fields,
    }
    path = folder / LOCK_NAME
    path.write_text(json.dumps(record))
    return path


def _dead_pid() -> int:
    """The pid of a process that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_lock_released_on_normal_exit_and_sequential_runs_never_busy(tmp_path: Path) -> None:
    for _ in range(5):
        with folder_lock(tmp_path) as me:
            assert read_lock(tmp_path / LOCK_NAME) == me
        assert not (tmp_path / LOCK_NAME).exists()


def test_live_lock_of_another_process_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(tmp_path), "60"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        start = time.perf_counter()
        with pytest.raises(
            FolderBusyError,
            match=rf"held by another run: pid {holder.pid} on host "
            rf"{socket.gethostname()}, running since 20\d\d-.*still alive.*Fix: wait",
        ):
            with folder_lock(tmp_path):
                pass
        assert time.perf_counter() - start < 1.0  # refused at once, no waiting
        manifest = tmp_path / "ensemble.json"
        assert main(["generate", "nine_node_toy", "--samples", "1", "--output", str(tmp_path), "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert f"pid {holder.pid}" in err and "bug in vdosbench" not in err
        assert not manifest.exists() and read_lock(tmp_path / LOCK_NAME).pid == holder.pid  # untouched
    finally:
        holder.kill()
        holder.wait()
    # the holder was killed without releasing: its lock is stale now and the next run takes over
    assert read_lock(tmp_path / LOCK_NAME).pid == holder.pid
    with folder_lock(tmp_path) as me:
        assert read_lock(tmp_path / LOCK_NAME).token == me.token
    assert not (tmp_path / LOCK_NAME).exists()


def test_live_lock_of_this_process_refused_by_run_ensemble(tmp_path: Path) -> None:
    with folder_lock(tmp_path):
        with pytest.raises(FolderBusyError, match=f"pid {os.getpid()}"):
            run_ensemble("nine_node_toy", n_samples=1, root_seed=1, output=tmp_path, n_workers=1, progress=False)
        assert (tmp_path / LOCK_NAME).exists()  # the refused run did not remove the holder's lock
    assert not (tmp_path / "ensemble.json").exists()


@pytest.mark.parametrize("reused", [False, True], ids=["dead-pid", "reused-pid"])
def test_stale_lock_taken_over(tmp_path: Path, reused: bool) -> None:
    if reused:  # our own pid, but the recorded process started at another time: the pid was reused
        path = _write_lock(tmp_path, process_start=psutil.Process().create_time() - 1000.0)
    else:
        path = _write_lock(tmp_path, pid=_dead_pid())
    with folder_lock(tmp_path) as me:
        assert read_lock(path).token == me.token
    assert not path.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(LOCK_NAME)) == []  # nor its takeover guard


def test_lock_on_another_host_refused_while_its_heartbeat_is_fresh(tmp_path: Path) -> None:
    path = _write_lock(tmp_path, host="node-17.cluster", pid=4242)
    with pytest.raises(FolderBusyError, match=rf"pid 4242 on host node-17\.cluster.*cannot be checked.*delete {path}"):
        with folder_lock(tmp_path):
            pass
    assert read_lock(path).host == "node-17.cluster"
    old = time.time() - 1.5 * STALE_AFTER_S  # no heartbeat for longer than STALE_AFTER_S: the holder is gone
    os.utime(path, (old, old))
    with folder_lock(tmp_path) as me:
        assert read_lock(path).token == me.token
    assert not path.exists()


def test_same_host_name_other_pid_namespace_is_judged_by_heartbeat(tmp_path: Path) -> None:
    """A container sharing this host name: its pid means nothing here, so a fresh lock is busy, not stale."""
    path = _write_lock(tmp_path, pid=_dead_pid(), pid_namespace="pid:[1]")
    with pytest.raises(FolderBusyError, match="cannot be checked"):
        with folder_lock(tmp_path):
            pass
    assert read_lock(path).pid_namespace == "pid:[1]"


def test_holder_touches_its_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(folder_lock_module, "HEARTBEAT_S", 0.02)
    with folder_lock(tmp_path):
        path = tmp_path / LOCK_NAME
        old = time.time() - STALE_AFTER_S
        os.utime(path, (old, old))
        time.sleep(0.3)
        assert time.time() - path.stat().st_mtime < 5.0


def test_unreadable_lock_busy_while_fresh_then_stale(tmp_path: Path) -> None:
    path = tmp_path / LOCK_NAME
    path.write_text("")  # a holder that died between creating and writing it, or is writing right now
    with pytest.raises(FolderBusyError, match="being locked by another run right now"), folder_lock(tmp_path):
        pass
    old = time.time() - 2 * UNREADABLE_GRACE_S
    os.utime(path, (old, old))
    guard = tmp_path / f"{LOCK_NAME}.takeover"  # and a takeover guard left by a run that died taking over
    guard.write_text("")
    os.utime(guard, (old, old))
    with folder_lock(tmp_path) as me:
        assert read_lock(path).token == me.token
    assert not path.exists() and not guard.exists()


def test_lock_released_after_an_error(tmp_path: Path) -> None:
    """An error inside the run (here: the folder holds another ensemble) still releases the lock."""
    (tmp_path / "parts" / "variant-lattice").mkdir(parents=True)
    (tmp_path / "parts" / "variant-lattice" / "sample-0000.nc").write_bytes(b"x")
    (tmp_path / "ensemble.json").write_text(
        json.dumps({"generator": "spring_network", "generator_version": "0", "fixed": {}, "root_seed": 1})
    )
    with pytest.raises(EnsembleSettingsError, match="holds parts of a different ensemble"):
        run_ensemble("nine_node_toy", n_samples=1, root_seed=1, output=tmp_path, n_workers=1, progress=False)
    assert not (tmp_path / LOCK_NAME).exists()
    with pytest.raises(KeyboardInterrupt), folder_lock(tmp_path):
        raise KeyboardInterrupt
    assert not (tmp_path / LOCK_NAME).exists()


def test_release_never_removes_another_runs_lock(tmp_path: Path) -> None:
    with folder_lock(tmp_path):
        _write_lock(tmp_path, token="someone-else")  # e.g. replaced by hand while we ran
    assert read_lock(tmp_path / LOCK_NAME).token == "someone-else"


@pytest.mark.parametrize("stale", [False, True], ids=["free-folder", "stale-lock"])
def test_simultaneous_attempts_one_winner(tmp_path: Path, stale: bool) -> None:
    """Eight threads try at once (on a free folder, or all taking over one stale lock): exactly one holds it."""
    if stale:
        _write_lock(tmp_path, pid=_dead_pid())
    n = 8
    barrier, release = threading.Barrier(n), threading.Event()
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        try:
            with folder_lock(tmp_path):
                with lock:
                    outcomes.append("held")
                release.wait(20)  # hold until every other thread has been refused
        except FolderBusyError:
            with lock:
                outcomes.append("busy")

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    deadline = time.time() + 20
    while outcomes.count("busy") < n - 1 and len(outcomes) < n and time.time() < deadline:
        time.sleep(0.005)
    release.set()
    for t in threads:
        t.join(20)
    assert sorted(outcomes) == ["busy"] * (n - 1) + ["held"], outcomes
    assert not (tmp_path / LOCK_NAME).exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(LOCK_NAME)) == []  # nor its takeover guard


@pytest.mark.slow
def test_sigterm_releases_the_lock_of_a_running_generate(tmp_path: Path) -> None:
    """A batch system stops a run with SIGTERM: the command exits 143 through its finally blocks, lock released."""
    import signal

    out = tmp_path / "run"
    argv = [
        sys.executable,
        "-m",
        "vdosbench",
        "generate",
        "spring_network",
        "--set",
        "n_side=30",
        "--samples",
        "40",
        "--workers",
        "1",
        "--no-progress",
        "--output",
        str(out),
    ]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while not list((out / "parts").rglob("sample-*.nc")) and time.time() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert (out / LOCK_NAME).exists() and proc.poll() is None  # computing, holding the folder
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143, err
    assert "stopped by SIGTERM" in err
    assert not (out / LOCK_NAME).exists()


def test_an_exception_between_taking_and_using_the_lock_leaves_none(tmp_path, monkeypatch):
    """SIGTERM's exception can arrive right after the lock file is written (CI saw a score stopped then leave its
    .vdosbench.lock): the lock is released on the way out, whatever step was interrupted."""
    import threading

    import vdosbench.datasets.folder_lock as fl

    def interrupted(self):
        raise KeyboardInterrupt("stopped while starting the heartbeat")

    monkeypatch.setattr(threading.Thread, "start", interrupted)
    with pytest.raises(KeyboardInterrupt):
        with fl.folder_lock(tmp_path):
            pass
    assert not (tmp_path / fl.LOCK_NAME).exists() and not fl._HELD


def test_the_old_module_path_re_exports_the_same_objects() -> None:
    """The lock moved to vdosbench.datasets.folder_lock (issue 66 item 4); code importing the old module gets the
    same objects (one lock registry, one error class to catch)."""
    old = importlib.import_module("vdosbench.generators.engine.folder_lock")
    assert old.__all__ == folder_lock_module.__all__
    assert all(getattr(old, name) is getattr(folder_lock_module, name) for name in old.__all__)
