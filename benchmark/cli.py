"""The ``vdosbench`` command line (placeholder until the benchmark slice lands)."""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vdosbench")
    parser.parse_args(argv)
    return 0
