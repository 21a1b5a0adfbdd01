"""Checks of command-line input shared by the ``vdosbench`` subcommands.

Each check raises :class:`UsageError` with what was expected, what was found
and the fix; :func:`vdosbench.benchmark.cli.main` turns it into exit status 2.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


class UsageError(Exception):
    """Bad command-line input (exit status 2)."""


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


def data_path(text: str) -> Path:
    """The argparse type of a data file: an empty argument or a folder is refused with what/found/fix.

    An empty argument is what ``vdosbench score "$(vdosbench fetch NAME)"`` passes when the fetch failed; as a
    path it would read as the current folder ``.``.

    Raises
    ------
    argparse.ArgumentTypeError
        ``text`` is empty (or blank), or names a folder (argparse exits 2 with the message).

    Examples
    --------
    >>> data_path("ensemble.nc")
    PosixPath('ensemble.nc')
    >>> data_path("")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a data file (e.g. ensemble.nc), found an empty argument ''...
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"expected a data file (e.g. ensemble.nc), found an empty argument {text!r}: what "
            '"$(vdosbench fetch NAME)" gives when the fetch failed (its error is printed above). '
            "Fix: pass the file's path, or make the fetch succeed first (vdosbench fetch NAME names the fixes)"
        )
    path = Path(text)
    if path.is_dir():
        inside = sorted(p.name for p in path.glob("*.nc"))
        example = path / (inside[0] if inside else "ensemble.nc")
        holds = f"holding {len(inside)} .nc file(s)" if inside else "holding no .nc file"
        raise argparse.ArgumentTypeError(
            f"expected a data file, found the folder {text!r} ({holds}). Fix: pass the file(s) inside it, "
            f"e.g. {example}"
        )
    return path
