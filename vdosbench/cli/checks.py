"""Checks of command-line input shared by the ``vdosbench`` commands, run before any work starts.

Each check raises :class:`~vdosbench.cli.errors.UsageError` with what was
expected, what was found and the fix (exit status 2).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .errors import UsageError

__all__ = ["check_output_folder", "refuse_workers_with_scheduler"]


def check_output_folder(path: Path, option: str = "--output") -> None:
    """Refuse an output folder that cannot be written, before any work starts.

    Parameters
    ----------
    path
        The folder (it may not exist yet: then its nearest existing parent must
        be a writable folder).
    option
        The option that named it, for the message.

    Raises
    ------
    UsageError
        If ``path`` (or a parent) is a file, or the folder that would hold it is not writable.
    """
    path = Path(path)
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        found = "is a file" if probe == path else f"lies under {probe}, which is a file"
        raise UsageError(
            f"{option} {path} {found}; expected a folder (existing or to be created). "
            "Fix: pass another folder, or move the file away"
        )
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        which = "it" if probe == path else f"its parent {probe}"
        raise UsageError(
            f"{option} {path}: {which} is not writable by this user; expected a writable folder. "
            "Fix: pass a folder you can write to, or change its permissions"
        )


def refuse_workers_with_scheduler(args: argparse.Namespace) -> None:
    """Refuse ``--workers`` together with ``--scheduler`` (the scheduler's cluster has its own workers)."""
    if args.scheduler is not None and args.workers is not None:
        raise UsageError(
            f"--workers {args.workers} with --scheduler {args.scheduler}: the scheduler's cluster has its own "
            "workers, so --workers would be ignored. Fix: drop --workers (or drop --scheduler for a local cluster)"
        )
