"""``vdosbench publish NAME... --to DIR``: catalogued datasets and a pooch registry in a folder to serve."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..checks import check_output_folder
from ..errors import unknown_name

NAME = "publish"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench publish`` to the subcommands ``sub``."""
    publish = sub.add_parser("publish", help="write catalogued datasets and a pooch registry into a folder to serve")
    publish.add_argument("names", nargs="+", metavar="NAME", help="catalogue names (see vdosbench list)")
    publish.add_argument("--to", type=Path, required=True, help="folder to write (served as is by any static host)")
    publish.add_argument(
        "--from",
        dest="sources",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="a catalogued file or a folder holding it (repeatable); default: reference-data/ or the fetch cache",
    )
    publish.add_argument("--cache-dir", type=Path, default=None, help="fetch cache to take files from")
    publish.add_argument(
        "--form",
        choices=("full", "scoring", "both"),
        default="full",
        help="the full set (default), its scoring form (from a clone's reference-data/ or the cache), or both",
    )
    return publish


def run(args: argparse.Namespace) -> int:
    """Write catalogued sets and a pooch registry into a folder that a mirror can serve."""
    from vdosbench.datasets.publish import publish

    check_output_folder(args.to, "--to")
    with unknown_name():
        forms = ("full", "scoring") if args.form == "both" else (args.form,)
        result = publish(args.names, args.to, sources=args.sources, cache_dir=args.cache_dir, forms=forms)
    for name, path in result.files.items():
        print(f"{name}: {path}")
    for name, path in result.scoring_files.items():
        print(f"{name} (scoring form): {path}")
    print(f"registry: {result.registry}")
    print(f"serve {result.folder} at BASE_URL, then: VDOSBENCH_MIRROR=BASE_URL vdosbench fetch NAME")
    return 0
