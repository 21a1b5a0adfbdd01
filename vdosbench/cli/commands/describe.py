"""``vdosbench describe NAME``: a generator's parameters and recipes, or a recipe's size and estimated cost."""

from __future__ import annotations

import argparse

from ..errors import unknown_name

NAME = "describe"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench describe`` to the subcommands ``sub``."""
    describe = sub.add_parser(
        "describe",
        help="a generator's parameters (units, default, allowed values) and "
        "recipes, or a recipe's size and estimated cost",
    )
    describe.add_argument("name", help="generator or recipe name (see vdosbench generate --list / --list-recipes)")
    return describe


def run(args: argparse.Namespace) -> int:
    """Print the description of the generator or recipe ``args.name``."""
    return describe_name(args.name)


def describe_name(name: str) -> int:
    """Print the description of the generator or recipe ``name``; an unknown name is a usage error."""
    from vdosbench.generators.engine.describe import describe

    with unknown_name():
        print(describe(name))
    return 0
