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
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from typing import Any

from distributed import WorkerPlugin

__all__ = ["QuietWorkerPlugin", "quiet_worker_process"]


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
