"""The argument parser of the ``vdosbench`` command, built from its commands' modules."""

from __future__ import annotations

import argparse

from .commands import COMMANDS
from .help_text import EPILOG

__all__ = ["build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and tests); each command sets its handler, ``args.handler``."""
    parser = argparse.ArgumentParser(
        prog="vdosbench",
        description="Datasets, validators and a benchmark for the low-frequency vibrational spectrum of glasses.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from vdosbench import __version__

    parser.add_argument("--version", action="version", version=f"vdosbench {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub).set_defaults(handler=command.run)
    return parser
