"""``vdosbench generate --scheduler`` on a real multi-process Dask deployment, surviving a killed worker.

The test starts what a user starts on a cluster: a ``dask scheduler`` and two
``dask worker`` processes (the command-line entry points of the installed
``distributed``, run as ``python -m dask ...`` with this interpreter so that the
workers import the same vdosbench), each on its own free port, one thread per
worker, a scratch ``--local-directory`` (also the workers' working directory).  ``vdosbench generate ... --scheduler``
(run elsewhere, with a relative ``--output``: the workers must get absolute
part paths) runs a small spring-network ensemble against them (6 parts of a 40 × 40
network, ~1 s each); as soon as the first part file appears, one worker
(nanny and worker process: its whole process group) is killed with SIGKILL, the
way a batch system or a crashed node ends it; the worker killed is one the
scheduler reports as computing a part at that moment.  The scheduler re-runs that
worker's tasks on the survivor (a task is a pure function of its part's seed
and writes its file atomically), so the run finishes and its data are identical
to a local run's: ``ensemble.nc`` up to ``history`` (a time stamp, the only
run-specific attribute, :data:`~vdosbench.generators.engine.ensemble.RUN_SPECIFIC_ATTRS`),
and every part file identical, attributes included.

Every process is started in its own session and killed in a ``finally``; each
wait has a timeout.  Skipped with a reason when the ``dask`` command line
(``distributed``) cannot be started.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.datasets import open_dataset
from vdosbench.generators import RUN_SPECIFIC_ATTRS

#: Seconds to wait for the scheduler and both workers to be up.
STARTUP_TIMEOUT_S = 60.0
#: Seconds one ``vdosbench generate`` may take (both runs are ~10-20 s on one free core).
RUN_TIMEOUT_S = 240.0
#: The ensemble: 2 grid points x 3 samples of a 40 x 40 scalar spring network (a dense
#: 1600 x 1600 eigenproblem per part, a few seconds each), so the run is still going when
#: the first part is written.
GENERATE_ARGS = [
    "generate",
    "spring_network",
    "--grid",
    "delta=0.1,0.2",
    "--grid",
    "connectivity=nearest",
    "--grid",
    "spring=constant",
    "--set",
    "n_side=40",
    "--samples",
    "3",
    "--seed",
    "1717",
    "--no-progress",
]
N_PARTS = 6
_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}


def _free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask_cli_or_skip() -> None:
    """Skip unless ``python -m dask scheduler`` and ``python -m dask worker`` can be started here."""
    for command in ("scheduler", "worker"):
        try:
            done = subprocess.run(
                [sys.executable, "-m", "dask", command, "--help"], capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            pytest.skip(f"the dask command line cannot be started ({e}); install distributed")
        if done.returncode != 0:
            pytest.skip(
                f"`{sys.executable} -m dask {command} --help` exited {done.returncode} "
                f"({done.stderr.strip()[-200:]}); install distributed (pip install 'dask[distributed]')"
            )


def _start(args: list[str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """Start a process in ``cwd`` in its own session (so that its children can be killed with it), output to ``log``."""
    with open(log, "wb") as fh:
        return subprocess.Popen(
            args, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **_ENV}, cwd=cwd
        )


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group of ``proc`` (started by this module) and reap it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)


class DaskDeployment:
    """A ``dask scheduler`` and two ``dask worker`` processes on free ports (one thread each)."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self.scheduler: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        dask = [sys.executable, "-m", "dask"]
        port = self.address.rsplit(":", 1)[1]
        self.scheduler = _start(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
            self.scratch / "scheduler.log",
            self.scratch,
        )
        for i in range(2):
            local = self.scratch / f"worker-{i}"
            local.mkdir()
            self.workers.append(
                _start(
                    [
                        *dask,
                        "worker",
                        self.address,
                        "--name",
                        f"w{i}",
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--worker-port",
                        str(_free_port()),
                        "--nanny-port",
                        str(_free_port()),
                        "--no-dashboard",
                        "--local-directory",
                        str(local),
                        "--death-timeout",
                        "60",
                    ],
                    self.scratch / f"worker-{i}.log",
                    local,  # not the working directory of `generate`: part paths must be absolute
                )
            )
        self._wait_for_workers(2)

    def _wait_for_workers(self, n: int) -> None:
        from distributed import Client

        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            self._check_alive()
            try:
                with Client(self.address, timeout=5) as client:
                    client.wait_for_workers(n, timeout=max(1.0, deadline - time.monotonic()))
                    return
            except (OSError, TimeoutError) as e:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{n} dask workers not up after {STARTUP_TIMEOUT_S} s:\n{self.logs()}") from e
                time.sleep(0.5)

    def _check_alive(self) -> None:
        for proc in [self.scheduler, *self.workers]:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{proc.args[3]} exited with {proc.returncode} while starting:\n{self.logs()}")

    def busy_worker(self) -> subprocess.Popen[bytes]:
        """The process of a worker that is computing a part now (the one to kill)."""
        from distributed import Client

        with Client(self.address, timeout=10) as client:
            processing = client.processing()
            names = {addr: info["name"] for addr, info in client.scheduler_info()["workers"].items()}
        busy = sorted(str(names[addr]) for addr, keys in processing.items() if keys)
        assert busy, f"no worker is computing a part (processing: {processing})"
        return self.workers[int(busy[0].removeprefix("w"))]

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.scratch.glob("*.log"))
        )

    def stop(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc is not None:
                _kill(proc)


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[DaskDeployment]:
    """A running scheduler + two workers, always killed at the end."""
    _dask_cli_or_skip()
    pytest.importorskip("distributed")
    scratch = tmp_path / "dask-scratch"
    scratch.mkdir()
    cluster = DaskDeployment(scratch)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def _generate(extra: list[str], output: Path, log: Path) -> subprocess.Popen[bytes]:
    """``vdosbench generate`` run in the parent of ``output``, given ``--output`` as a relative path."""
    return _start(
        [sys.executable, "-m", "vdosbench", *GENERATE_ARGS, "--output", output.name, *extra], log, output.parent
    )


def _wait(proc: subprocess.Popen[bytes], log: Path, what: str) -> None:
    try:
        rc = proc.wait(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _kill(proc)
        pytest.fail(f"{what} did not finish in {RUN_TIMEOUT_S} s:\n{log.read_text(errors='replace')[-3000:]}")
    assert rc == 0, f"{what} exited {rc}:\n{log.read_text(errors='replace')[-3000:]}"


def _without_run_attrs(ds: xr.Dataset) -> xr.Dataset:
    out = ds.copy()
    out.attrs = {k: v for k, v in ds.attrs.items() if k not in RUN_SPECIFIC_ATTRS}
    return out


@pytest.mark.slow
def test_generate_on_a_scheduler_survives_a_killed_worker_and_matches_a_local_run(
    tmp_path: Path, deployment: DaskDeployment
) -> None:
    remote, local = tmp_path / "remote", tmp_path / "local"
    log = tmp_path / "generate-remote.log"
    run = _generate(["--scheduler", deployment.address], remote, log)
    try:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        parts: list[Path] = []
        while not parts:  # the first final part file (temporaries are hidden .*.tmp-* files)
            assert run.poll() is None, (
                f"generate ended before any part appeared:\n{log.read_text()}\n{deployment.logs()}"
            )
            assert time.monotonic() < deadline, f"no part after {RUN_TIMEOUT_S} s:\n{deployment.logs()}"
            parts = sorted((remote / "parts").glob("*/sample-*.nc"))
            time.sleep(0.05)
        victim = deployment.busy_worker()
        _kill(victim)
        done_at_kill = len(list((remote / "parts").glob("*/sample-*.nc")))
        _wait(run, log, "vdosbench generate --scheduler")
    finally:
        _kill(run)
    assert victim.returncode == -signal.SIGKILL
    assert done_at_kill < N_PARTS, "the worker was killed after the run had finished; nothing was tested"
    survivors = [w for w in deployment.workers if w is not victim]
    assert all(w.poll() is None for w in survivors), f"the surviving worker died too:\n{deployment.logs()}"
    assert "Remove worker" in (deployment.scratch / "scheduler.log").read_text()

    local_log = tmp_path / "generate-local.log"
    _wait(_generate(["--workers", "1"], local, local_log), local_log, "vdosbench generate (local cluster)")

    got, want = open_dataset(remote / "ensemble.nc"), open_dataset(local / "ensemble.nc")
    assert got.attrs["history"] != "" and want.attrs["history"] != ""
    xr.testing.assert_identical(_without_run_attrs(got), _without_run_attrs(want))
    assert got["eigenvalue"].sizes["sample"] == 3 and got["eigenvalue"].size == N_PARTS * got.sizes["mode"]
    names = sorted(p.relative_to(local) for p in local.glob("parts/*/sample-*.nc"))
    assert len(names) == N_PARTS
    assert sorted(p.relative_to(remote) for p in remote.glob("parts/*/sample-*.nc")) == names
    for name in names:  # parts carry no run-specific attribute: identical, and eigenvalues equal bit for bit
        part_remote, part_local = open_dataset(remote / name), open_dataset(local / name)
        xr.testing.assert_identical(part_remote, part_local)
        np.testing.assert_array_equal(part_remote["eigenvalue"].values, part_local["eigenvalue"].values, strict=True)
