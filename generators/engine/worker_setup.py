"""What every worker of a local cluster that vdosbench starts sets up: no library output on a stop.

A run stopped by SIGTERM or SIGINT ends with one line from the command
(:mod:`vdosbench.cli.signals`); its worker processes must add nothing:

- distributed's GC diagnosis (``distributed.gc.GCDiagnosis``, enabled by
  every ``Worker`` as it starts) is a ``gc`` callback that asserts a full
  collection's start was timed before its stop.  When the start was cut
  short (a worker stopped or starved while it ran), the stop's
  ``AssertionError`` is printed as "Exception ignored in ...
  GCDiagnosis._gc_callback" after the command's line.  It only logs the
  time spent in garbage collection, so the workers of our local clusters
  turn it off.
- Ctrl-C sends SIGINT to the whole foreground process group, workers
  included: each would print a ``KeyboardInterrupt`` traceback.  The command
  stops its cluster itself, so the workers ignore SIGINT.
- A worker that closes while a task runs (the stop closes the cluster) logs
  the cancelled task ("Async instruction ... ended with CancelledError") and
  its closing: once the worker is closing, its log records are dropped
  (:class:`_WhileRunning`); what it logs while it runs (memory warnings, a
  failed task) is printed as before.

A cluster given by ``--scheduler`` is the user's: its workers are left as they are.

What each task and each local worker runs with (issue 65, ``speed/bench_generate_cost.py``):

- :func:`task_thread_limits`: BLAS and OpenMP (``threadpoolctl``) and numba's parallel loops on
  ``blas_threads`` threads.  ``threadpoolctl`` does not reach numba's pool, which starts one thread per core:
  the lowest-mode solver's ``prange`` CSR × block product ran on two threads in a ``--workers 1`` worker on
  two cores, ≈ 1.35× the CPU of one thread on the same samples, and default workers oversubscribed the cores.
- :func:`local_worker_environ`: the ``*_NUM_THREADS`` variables at ``blas_threads``, and without the
  ``MALLOC_TRIM_THRESHOLD_=65536`` dask puts in its workers' environment: a fixed trim threshold turns off
  glibc's adaptive ``mmap`` threshold, so every array above 128 KiB is mapped and unmapped anew, and the page
  faults cost the lowest-mode samples ≈ 0.3 of their CPU in system time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from distributed import Nanny, WorkerPlugin

__all__ = [
    "BLAS_ENV",
    "MALLOC_TRIM_ENV",
    "QuietWorkerPlugin",
    "RestoringNanny",
    "local_worker_environ",
    "quiet_worker_process",
    "task_thread_limits",
    "temporary_environ",
]

#: Thread variables a local worker starts with, set to ``blas_threads``.
BLAS_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
#: dask's allocator setting for its workers, left out of the local workers' environment (module docstring).
MALLOC_TRIM_ENV = "MALLOC_TRIM_THRESHOLD_"


@contextlib.contextmanager
def task_thread_limits(n: int) -> Iterator[None]:
    """Run BLAS, OpenMP and numba's parallel loops of this thread on at most ``n`` threads; restore on exit.

    Numba's limit is at most its pool's size (``NUMBA_NUM_THREADS``, default the cores).

    Examples
    --------
    >>> import numba
    >>> with task_thread_limits(1):
    ...     numba.get_num_threads()
    1
    """
    import numba
    from threadpoolctl import threadpool_limits

    before = numba.get_num_threads()
    with threadpool_limits(limits=n):
        numba.set_num_threads(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))
        try:
            yield
        finally:
            numba.set_num_threads(before)


def local_worker_environ(blas_threads: int) -> tuple[dict[str, str], dict[str, Any]]:
    """The environment of a local cluster's workers: ``(env, pre_spawn)``.

    ``env`` sets :data:`BLAS_ENV` to ``blas_threads``; ``pre_spawn`` is dask's
    ``distributed.nanny.pre-spawn-environ`` with ``env`` over it and :data:`MALLOC_TRIM_ENV` unset (``None``, as
    ``distributed.nanny`` reads it); a value in the caller's environment still reaches the workers, which
    inherit it.

    Examples
    --------
    >>> env, pre_spawn = local_worker_environ(1)
    >>> env["NUMBA_NUM_THREADS"], pre_spawn["MALLOC_TRIM_THRESHOLD_"] is None
    ('1', True)
    """
    import dask
    import distributed  # noqa: F401 - loads distributed's configuration defaults

    env = {name: str(blas_threads) for name in BLAS_ENV}
    pre_spawn = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **env, MALLOC_TRIM_ENV: None}
    return env, pre_spawn


@contextlib.contextmanager
def temporary_environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables, restoring the previous values (or absence) on exit."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        _restore_environ(saved)


class RestoringNanny(Nanny):
    """A ``distributed.Nanny`` that gives this process its environment back after each worker it spawns.

    Before it spawns a worker (at the start, and again when it restarts a worker that died or was restarted),
    a nanny copies its pre-spawn variables (``distributed.nanny.pre-spawn-environ``: the ``*_NUM_THREADS`` of
    :func:`local_worker_environ`, ``PYTHONHASHSEED``) into the environment of the process that holds it, this
    one, so that the child inherits them before its first import; and it leaves them there.  After a worker's
    restart the caller then had ``NUMBA_NUM_THREADS`` set to the workers' threads: numba rereads it at each
    compilation and refuses a value other than its running pool's size, so a later fresh compilation in this
    process raised ``RuntimeError``.  This nanny restores each of those variables (or its absence) once the
    worker has started; the worker keeps what it inherited.
    """

    async def instantiate(self) -> Any:
        """Start the worker process (``Nanny.instantiate``), then restore this process's pre-spawn variables."""
        saved = {name: os.environ.get(name) for name in self.pre_spawn_env}
        try:
            return await super().instantiate()
        finally:
            _restore_environ(saved)


def _restore_environ(saved: Mapping[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


#: The states of a worker that is going away (``distributed.core.Status`` names).
_CLOSING = frozenset({"closing", "closing_gracefully", "closed", "failed"})


class _WhileRunning(logging.Filter):
    """Pass a log record only while ``worker`` is not closing."""

    def __init__(self, worker: Any) -> None:
        super().__init__()
        self._worker = worker

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(getattr(self._worker, "status", None), "name", "") not in _CLOSING


def quiet_worker_process() -> None:
    """Turn off distributed's GC diagnosis in this process and ignore SIGINT (main thread only)."""
    with contextlib.suppress(ImportError):
        from distributed.gc import disable_gc_diagnosis

        disable_gc_diagnosis(force=True)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class QuietWorkerPlugin(WorkerPlugin):
    """A ``distributed.WorkerPlugin`` that runs :func:`quiet_worker_process` on each worker as it joins."""

    name = "vdosbench-quiet-worker"

    def setup(self, worker: Any) -> None:
        """Called by distributed on the worker (in its event loop, the worker process's main thread)."""
        quiet_worker_process()
        if worker is not None:
            only_while_running = _WhileRunning(worker)
            for name in ("distributed", ""):
                for handler in logging.getLogger(name).handlers:
                    handler.addFilter(only_while_running)
