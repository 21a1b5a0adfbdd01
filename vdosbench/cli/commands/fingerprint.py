"""``vdosbench fingerprint FILE --name NAME``: the catalogue fields (hashes, fingerprint) of a built file."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError

NAME = "fingerprint"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench fingerprint`` to the subcommands ``sub``."""
    fprint = sub.add_parser("fingerprint", help="print the catalogue fields (hashes, fingerprint) of a built file")
    fprint.add_argument("file", type=Path, help="a built ensemble.nc")
    fprint.add_argument("--name", required=True, help="the catalogue name of the entry")
    fprint.add_argument(
        "--manifest",
        type=Path,
        default=None,
        help="the run's ensemble.json, for the recipe tables (default: the one beside FILE)",
    )
    return fprint


def run(args: argparse.Namespace) -> int:
    """Print the catalog.toml entry of a built ensemble.nc."""
    from vdosbench.benchmark.fingerprint import entry_toml

    if not args.file.is_file():
        raise UsageError(f"{args.file} is not a file; expected a built ensemble.nc (vdosbench build/generate)")
    if args.manifest is not None and not args.manifest.is_file():
        raise UsageError(f"--manifest {args.manifest} is not a file; expected the ensemble.json of the run")
    print(entry_toml(args.name, args.file, args.manifest), end="")
    return 0
