"""One way out for every failure of a ``vdosbench`` command that is no verdict: exit status 2.

Every error vdosbench raises on purpose derives from
:class:`~vdosbench.datasets.errors.VdosbenchError`, whose message says what was
expected, what was found and the fix; :class:`CommandError` is the command
line's own.  :func:`run_guarded` runs a command and turns any of them
(:func:`input_errors`), a :class:`MemoryError`, an :class:`OSError` or a crash
into one line on stderr (:func:`fail`) and exit status 2.  Set
``VDOSBENCH_TRACEBACK=1`` to see the traceback as well.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator

from vdosbench.datasets.errors import VdosbenchError

from .signals import stdout_closed, stop_status, stopped

__all__ = ["EXIT_BAD_INPUT", "CommandError", "UsageError", "fail", "input_errors", "run_guarded", "unknown_name"]

#: Exit status of every failure that is no verdict.
EXIT_BAD_INPUT = 2


class CommandError(VdosbenchError):
    """A failure of a command that is no verdict (exit status 2); the message says what, found and the fix."""


class UsageError(CommandError):
    """Bad command-line input (exit status 2)."""


@contextlib.contextmanager
def unknown_name() -> Iterator[None]:
    """A :class:`KeyError` raised inside (an unknown generator, recipe, catalogue name or input format, its
    message naming the known ones) as a :class:`UsageError` with that message."""
    try:
        yield
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None


def input_errors() -> tuple[type[BaseException], ...]:
    """The errors whose message already says what was expected, found and the fix: vdosbench's own
    (:class:`~vdosbench.datasets.errors.VdosbenchError`, :class:`CommandError` among them) and a
    :class:`FileNotFoundError` (which names the path)."""
    return (VdosbenchError, FileNotFoundError)


def run_guarded(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """``command(args)``; every failure that is no verdict becomes exit status 2 (:func:`fail`)."""
    known = input_errors()
    try:
        return command(args)
    except known as e:
        return fail(str(e), e)
    except MemoryError as e:
        return fail(
            f"ran out of memory during {args.command} ({type(e).__name__}{': ' + str(e) if str(e) else ''}); "
            "expected the run to fit in this machine's memory. Fix: fewer --workers or --samples, or smaller "
            "systems (e.g. --set n_side=... / n_particles=...)",
            e,
        )
    except BrokenPipeError:  # the reader of stdout went away (`vdosbench list | head`): end quietly, as Unix tools do
        return stdout_closed()
    except OSError as e:  # PermissionError, NotADirectoryError, a Dask connection error, a full disk ...
        where = f" ({e.filename})" if getattr(e, "filename", None) else ""
        return fail(
            f"{type(e).__name__} during {args.command}{where}: {e.strerror or e}; expected readable inputs, a "
            "writable output folder and a reachable Dask scheduler. Fix: check the path, its permissions, free "
            "disk space or the --scheduler address, and run again",
            e,
        )
    except Exception as e:  # no verdict: never exit 1 (a refuted claim) on a crash
        return fail(
            f"{args.command} failed with {type(e).__name__}: {e}; expected none (this is a bug in vdosbench or "
            "a generator). Fix: run again with VDOSBENCH_TRACEBACK=1 and report the traceback",
            e,
        )


def fail(message: str, error: BaseException) -> int:
    """Print ``vdosbench: error: message`` (and the traceback with ``VDOSBENCH_TRACEBACK=1``); exit status 2.

    After SIGTERM or SIGINT the error is one of the unwinding (e.g. a Dask close that timed out): nothing is
    printed and the exit status is the stop's (:func:`~vdosbench.cli.signals.stop_status`: 143 or 130).
    """
    if stopped():
        return stop_status()
    if os.environ.get("VDOSBENCH_TRACEBACK"):
        import traceback

        traceback.print_exception(error, file=sys.stderr)
    print(f"vdosbench: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT
