"""``vdosbench list``: the catalogue of reference datasets."""

from __future__ import annotations

import argparse

NAME = "list"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench list`` to the subcommands ``sub``."""
    return sub.add_parser("list", help="list the catalogue of reference datasets")


def run(args: argparse.Namespace) -> int:
    """Print every catalogue entry's summary."""
    from vdosbench.datasets.catalog import list_entries

    for entry in list_entries():
        print(entry.summary(), end="\n\n")
    return 0
