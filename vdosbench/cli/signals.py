"""SIGTERM, SIGINT and SIGHUP as an orderly stop of a ``vdosbench`` command: exit status 143 / 130 / 129, one line,
locks released.

A batch system (or ``kill``) stops a run with SIGTERM, a user at the terminal
with Ctrl-C (SIGINT), a closed terminal or ssh session with SIGHUP (unless
the run was started under ``nohup``, which ignores it: then it is left
ignored).  While a command runs, :func:`sigterm_as_exit` turns each into
``SystemExit`` (143 for SIGTERM, 130 for SIGINT, 129 for SIGHUP) so that every
``finally`` (an ensemble's folder lock, the local Dask cluster) unwinds, and
starts a timer that ends the process after :data:`SIGTERM_GRACE_S` whatever
the unwinding does.  The stop prints one line on stderr and nothing else: no
traceback of ours (``KeyboardInterrupt`` included) and none of a library's
(an exception raised while unwinding, e.g. inside a ``gc`` callback or a
``__del__``, is not printed: :func:`_quiet_unraisable`; the workers of our
local clusters are quieted by :mod:`vdosbench.generators.engine.worker_setup`).
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

__all__ = [
    "EXIT_SIGHUP",
    "EXIT_SIGINT",
    "EXIT_SIGPIPE",
    "EXIT_SIGTERM",
    "stdout_closed",
    "SIGTERM_GRACE_S",
    "interrupted_line",
    "PART_COMMANDS",
    "sigterm_as_exit",
    "stop_line",
    "stop_status",
    "stopped",
]

#: Exit status after SIGTERM (128 + 15, as a shell reports a process ended by it).
EXIT_SIGTERM = 143
#: Exit status after SIGINT, i.e. Ctrl-C (128 + 2).
EXIT_SIGINT = 130
#: Exit status after SIGHUP, i.e. the terminal or ssh session closed (128 + 1).
EXIT_SIGHUP = 129
#: Exit status when the reader of stdout went away (``vdosbench list | head``): 128 + 13, as a shell reports a
#: process ended by SIGPIPE; nothing is printed (Unix tools end quietly there).
EXIT_SIGPIPE = 141
#: The one line printed on stderr for each stopping signal (:func:`stop_line` adds what a run that writes parts keeps).
_LINES = {
    signal.SIGTERM: "vdosbench: stopped by SIGTERM",
    signal.SIGINT: "vdosbench: interrupted (Ctrl-C, SIGINT)",
    signal.SIGHUP: "vdosbench: stopped by SIGHUP (the terminal or session closed)",
}
#: The commands whose runs write part files a re-run resumes from (the stop's line says they are kept).
PART_COMMANDS = frozenset({"generate", "build", "demo"})
_STATUS = {signal.SIGTERM: EXIT_SIGTERM, signal.SIGINT: EXIT_SIGINT, signal.SIGHUP: EXIT_SIGHUP}


#: Seconds a run stopped by SIGTERM has to unwind (release its folder lock, close its Dask cluster) before the
#: process ends anyway, its worker processes with it: a batch system sends SIGKILL after its own grace period
#: (SLURM's KillWait: 30 s), and "finished parts are kept" must hold before then.
SIGTERM_GRACE_S = 5.0
#: Set by the first SIGTERM or SIGINT: whatever the unwinding raises afterwards, the exit status is its own.
_STOPPED = threading.Event()
#: The exit status of the signal that set :data:`_STOPPED`.
_STOP_STATUS = [EXIT_SIGTERM]


def stdout_closed() -> int:
    """The reader of stdout went away (``BrokenPipeError``): point stdout at the null device, so that the
    interpreter's last flush cannot fail again, and give :data:`EXIT_SIGPIPE` (Python's documented recipe,
    "Note on SIGPIPE" in the :mod:`signal` docs)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_SIGPIPE


def stopped() -> bool:
    """Whether SIGTERM or SIGINT arrived during the command: its exit status is then :func:`stop_status`."""
    return _STOPPED.is_set()


def stop_status() -> int:
    """The exit status of the stop: :data:`EXIT_SIGTERM` or :data:`EXIT_SIGINT` (meaningful once :func:`stopped`)."""
    return _STOP_STATUS[0]


def stop_line(signum: int, keeps_parts: bool) -> str:
    """The one line for a stop by ``signum``; with ``keeps_parts`` (a command of :data:`PART_COMMANDS`) it adds
    that finished parts are kept and a re-run resumes.

    Examples
    --------
    >>> stop_line(signal.SIGINT, False)
    'vdosbench: interrupted (Ctrl-C, SIGINT)'
    >>> stop_line(signal.SIGTERM, True)
    'vdosbench: stopped by SIGTERM; finished parts are kept and a re-run resumes'
    """
    line = _LINES[signal.Signals(signum)]
    return f"{line}; finished parts are kept and a re-run resumes" if keeps_parts else line


def interrupted_line() -> str:
    """The one line for a Ctrl-C that arrived outside :func:`sigterm_as_exit` (while the command line starts:
    no run has begun)."""
    return stop_line(signal.SIGINT, False)


def _quiet_unraisable() -> None:
    """Print nothing for exceptions Python cannot raise (``gc`` callbacks, ``__del__``, weakref callbacks) once
    the run is stopped: the stop's ``SystemExit`` may land in one of them, and a library's callback interrupted
    half-way (distributed's GC diagnosis asserts its own state) fails in the next; neither is news after the
    one line.  The grace timer ends the process whatever they swallowed."""
    sys.unraisablehook = lambda unraisable: None


def _end_now() -> None:
    """End the process with :data:`EXIT_SIGTERM` after :data:`SIGTERM_GRACE_S`, unless it has ended by then.

    Runs in a daemon thread started by the first SIGTERM: stops this process's children (local Dask
    workers), releases the folder locks the run still holds, deletes the temporary files of the writes this
    process has not finished (a part of a one-worker run, computed here), and calls :func:`os._exit`.
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
        from vdosbench.datasets.folder_lock import release_held_locks

        release_held_locks()
    with contextlib.suppress(Exception):  # a part being written in this process (a one-worker run) is not kept
        from vdosbench.datasets import remove_unfinished_writes

        remove_unfinished_writes()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
        sys.stdout.flush()
    os._exit(stop_status())


def _quiet_dask() -> None:
    """Silence the loggers of Dask and its network layer: on the way out of a stopped run their tracebacks of
    connections closing (the scheduler, a worker, the client) say nothing the one 'stopped by SIGTERM' line
    does not."""
    names = [
        n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] in ("distributed", "tornado", "asyncio")
    ]
    for name in {"distributed", "tornado", "asyncio", *names}:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _freeze_progress_bars() -> bool:
    """Keep the live progress bars from drawing again, and say whether one is on the screen.

    Unwinding the stopped run closes its bar (``tqdm``), which draws it once more: on a busy machine that
    redraw came after the stop's line and buried it.  A drawn bar ends without a newline, so the line must start
    on a new one.
    """
    module = sys.modules.get("tqdm")
    if module is None:  # no bar was ever made
        return False
    drawn = False
    for bar in list(getattr(module.tqdm, "_instances", ())):
        drawn = drawn or not bar.disable
        bar.disable = True
    return drawn


@contextlib.contextmanager
def sigterm_as_exit(keeps_parts: bool = True) -> Iterator[threading.Event]:
    """Turn SIGTERM (a batch system's or ``kill``'s stop) into ``SystemExit(143)``, SIGINT (Ctrl-C) into
    ``SystemExit(130)``, SIGHUP (a closed terminal; left alone when ignored, as under ``nohup``) into
    ``SystemExit(129)``, while the command runs.

    The default action of SIGTERM ends the process at once, skipping every
    ``finally``: an ensemble's folder lock and the local Dask cluster would be
    left behind.  As an exception it unwinds them.  The first SIGTERM also
    starts a timer: a run that has not unwound after :data:`SIGTERM_GRACE_S`
    seconds (a Dask cluster slow to close) is ended by :func:`_end_now`; later
    SIGTERMs and SIGINTs are ignored (the stop is under way).  Finished parts are kept
    either way (each is written atomically).  Only in the main thread, and the
    previous handler is restored afterwards.  ``keeps_parts``: the command writes part files (its line says
    they are kept and a re-run resumes; :func:`stop_line`).

    Yields
    ------
    threading.Event
        Set once SIGTERM or SIGINT arrived: the exit status is then :func:`stop_status`.
    """
    _STOPPED.clear()
    if threading.current_thread() is not threading.main_thread():
        yield _STOPPED
        return

    def stop(signum: int, frame: object) -> None:
        if _STOPPED.is_set():
            return
        _STOP_STATUS[0] = _STATUS[signal.Signals(signum)]
        _STOPPED.set()
        _quiet_unraisable()
        newline = _freeze_progress_bars()
        with contextlib.suppress(OSError, ValueError):  # after SIGHUP the terminal may be gone (EIO)
            print("\n" * newline + stop_line(signum, keeps_parts), file=sys.stderr)
        _quiet_dask()
        threading.Thread(target=_end_now, name="vdosbench-sigterm-grace", daemon=True).start()
        raise SystemExit(_STOP_STATUS[0])

    stopping = [signal.SIGTERM, signal.SIGINT]
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # nohup: the user asked to outlive the terminal
        stopping.append(signal.SIGHUP)
    previous = {sig: signal.signal(sig, stop) for sig in stopping}
    try:
        yield _STOPPED
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
