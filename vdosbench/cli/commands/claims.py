"""``vdosbench claims``: list the claims of the shipped claims file with their sources."""

from __future__ import annotations

import argparse
import json

NAME = "claims"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench claims`` to the subcommands ``sub``."""
    return sub.add_parser("claims", help="list the claims of the shipped claims file")


def run(args: argparse.Namespace) -> int:
    """Print every claim: its source, statement, measurement and expected region."""
    from vdosbench.benchmark.claims import load_claims

    for c in load_claims():
        print(
            f"{c.id}\n    {c.source}\n    {c.statement}\n    measure: {c.validator}.{c.quantity} "
            f"{json.dumps(dict(c.settings))}; expected {c.expect.describe()}\n"
        )
    return 0
