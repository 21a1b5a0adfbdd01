"""``vdosbench fetch NAME``: a catalogued dataset, verified by its sha256 (in reference-data/, cached or downloaded)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import unknown_name

NAME = "fetch"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench fetch`` to the subcommands ``sub``."""
    fetch = sub.add_parser("fetch", help="download a catalogued dataset, verified by its sha256")
    fetch.add_argument("name", help="catalogue name (see vdosbench list)")
    fetch.add_argument(
        "--cache-dir", type=Path, default=None, help="cache folder (default $VDOSBENCH_CACHE or the OS cache)"
    )
    fetch.add_argument(
        "--url",
        action="append",
        default=None,
        help="download from this URL instead (repeatable); by default the mirrors of $VDOSBENCH_MIRROR "
        "or the config file, then the catalogue's URLs (the repository for a scoring form)",
    )
    fetch.add_argument(
        "--form",
        choices=("auto", "full", "scoring"),
        default="auto",
        help="auto (default): a full set already here (reference-data/, cache), else the scoring form "
        "(what scoring reads: in a clone's reference-data/ folder, no network), else the full "
        "set; full or scoring: that one",
    )
    return fetch


def run(args: argparse.Namespace) -> int:
    """Download (or find in the cache) one catalogued set, verify its sha256 and print its path."""
    from vdosbench.datasets.fetch import fetch, origin

    with unknown_name():
        path = fetch(args.name, cache_dir=args.cache_dir, urls=args.url, form=args.form, progress=True)
    print(path)
    print(f"({origin(args.name, path)}, sha256 verified)", file=sys.stderr)
    return 0
