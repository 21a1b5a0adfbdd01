"""One way out for every failure of a ``vdosbench`` command that is no verdict: exit status 2.

:class:`CommandError` is the command line's error base: its message says what
was expected, what was found and the fix.  The layers below raise their own
errors with such messages (:func:`input_errors` names them); :func:`run_guarded`
runs a command and turns any of them, and :class:`CommandError`, a
:class:`MemoryError`, an :class:`OSError` or a crash, into one line on stderr
(:func:`fail`) and exit status 2.  Set ``VDOSBENCH_TRACEBACK=1`` to see the
traceback as well.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator

from .signals import stop_status, stopped

__all__ = ["EXIT_BAD_INPUT", "CommandError", "UsageError", "fail", "input_errors", "run_guarded", "unknown_name"]

#: Exit status of every failure that is no verdict.
EXIT_BAD_INPUT = 2


class CommandError(Exception):
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
    """The errors of the layers below whose message already says what was expected, found and the fix.

    Imported on first use: the command line starts without Dask, xarray or the validators.
    """
    from vdosbench.benchmark.adapters import AdapterError
    from vdosbench.benchmark.claims import ClaimsFileError
    from vdosbench.benchmark.compare_codes import ComparisonInputError
    from vdosbench.benchmark.declaration import DeclarationError
    from vdosbench.benchmark.reference import ReferenceInputError
    from vdosbench.benchmark.report_folder import ReportFolderError
    from vdosbench.datasets import ConventionError, MemoryBoundError, VDOSReadError
    from vdosbench.datasets.catalog import CatalogError
    from vdosbench.datasets.fetch import FetchError
    from vdosbench.datasets.publish import PublishError
    from vdosbench.generators.engine.ensemble import (
        EnsembleError,
        EnsembleSettingsError,
        FolderBusyError,
        NoWorkerError,
    )

    return (
        CommandError, ConventionError, VDOSReadError, ClaimsFileError, FileNotFoundError, EnsembleSettingsError,
        AdapterError, FetchError, ReferenceInputError, DeclarationError, PublishError, CatalogError,
        MemoryBoundError, FolderBusyError, ComparisonInputError, NoWorkerError, EnsembleError, ReportFolderError,
    )


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
            "systems (e.g. --set n_side=... / n_particles=...)", e,
        )
    except OSError as e:  # PermissionError, NotADirectoryError, a Dask connection error, a full disk ...
        where = f" ({e.filename})" if getattr(e, "filename", None) else ""
        return fail(
            f"{type(e).__name__} during {args.command}{where}: {e.strerror or e}; expected readable inputs, a "
            "writable output folder and a reachable Dask scheduler. Fix: check the path, its permissions, free "
            "disk space or the --scheduler address, and run again", e,
        )
    except Exception as e:  # no verdict: never exit 1 (a refuted claim) on a crash
        return fail(
            f"{args.command} failed with {type(e).__name__}: {e}; expected none (this is a bug in vdosbench or "
            "a generator). Fix: run again with VDOSBENCH_TRACEBACK=1 and report the traceback", e,
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
