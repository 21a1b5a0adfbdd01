"""SIGTERM as an orderly stop of a ``vdosbench`` command: exit status 143, folder locks and workers released.

A batch system (or ``kill``) stops a run with SIGTERM.  While a command runs,
:func:`sigterm_as_exit` turns it into ``SystemExit(143)`` so that every
``finally`` (an ensemble's folder lock, the local Dask cluster) unwinds, and
starts a timer that ends the process after :data:`SIGTERM_GRACE_S` whatever
the unwinding does.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

__all__ = ["EXIT_SIGTERM", "SIGTERM_GRACE_S", "sigterm_as_exit", "stopped"]

#: Exit status after SIGTERM (128 + 15, as a shell reports a process ended by it).
EXIT_SIGTERM = 143


#: Seconds a run stopped by SIGTERM has to unwind (release its folder lock, close its Dask cluster) before the
#: process ends anyway, its worker processes with it: a batch system sends SIGKILL after its own grace period
#: (SLURM's KillWait: 30 s), and "finished parts are kept" must hold before then.
SIGTERM_GRACE_S = 5.0
#: Set by the first SIGTERM: whatever the unwinding raises afterwards, the exit status is :data:`EXIT_SIGTERM`.
_STOPPED = threading.Event()


def stopped() -> bool:
    """Whether SIGTERM arrived during the command: its exit status is then :data:`EXIT_SIGTERM`."""
    return _STOPPED.is_set()



def _end_now() -> None:
    """End the process with :data:`EXIT_SIGTERM` after :data:`SIGTERM_GRACE_S`, unless it has ended by then.

    Runs in a daemon thread started by the first SIGTERM: stops this process's children (local Dask
    workers), releases the folder locks the run still holds, and calls :func:`os._exit`.
    """
    time.sleep(SIGTERM_GRACE_S)
    with contextlib.suppress(Exception):
        import psutil

        children = psutil.Process().children(recursive=True)
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.terminate()
        _, alive = psutil.wait_procs(children, timeout=1.0)
        for child in alive:
            with contextlib.suppress(psutil.Error):
                child.kill()
    with contextlib.suppress(Exception):
        from vdosbench.generators.engine.folder_lock import release_held_locks

        release_held_locks()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
        sys.stdout.flush()
    os._exit(EXIT_SIGTERM)


def _quiet_dask() -> None:
    """Silence the loggers of Dask and its network layer: on the way out of a stopped run their tracebacks of
    connections closing (the scheduler, a worker, the client) say nothing the one 'stopped by SIGTERM' line
    does not."""
    names = [n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] in ("distributed", "tornado", "asyncio")]
    for name in {"distributed", "tornado", "asyncio", *names}:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


@contextlib.contextmanager
def sigterm_as_exit() -> Iterator[threading.Event]:
    """Turn SIGTERM (a batch system's or ``kill``'s stop) into ``SystemExit(143)`` while the command runs.

    The default action of SIGTERM ends the process at once, skipping every
    ``finally``: an ensemble's folder lock and the local Dask cluster would be
    left behind.  As an exception it unwinds them.  The first SIGTERM also
    starts a timer: a run that has not unwound after :data:`SIGTERM_GRACE_S`
    seconds (a Dask cluster slow to close) is ended by :func:`_end_now`; later
    SIGTERMs are ignored (the stop is under way).  Finished parts are kept
    either way (each is written atomically).  Only in the main thread, and the
    previous handler is restored afterwards.

    Yields
    ------
    threading.Event
        Set once SIGTERM arrived: the exit status is then :data:`EXIT_SIGTERM`.
    """
    _STOPPED.clear()
    if threading.current_thread() is not threading.main_thread():
        yield _STOPPED
        return

    def stop(signum: int, frame: object) -> None:
        if _STOPPED.is_set():
            return
        _STOPPED.set()
        print("vdosbench: stopped by SIGTERM; finished parts are kept and a re-run resumes", file=sys.stderr)
        _quiet_dask()
        threading.Thread(target=_end_now, name="vdosbench-sigterm-grace", daemon=True).start()
        raise SystemExit(EXIT_SIGTERM)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield _STOPPED
    finally:
        signal.signal(signal.SIGTERM, previous)
