"""``vdosbench build NAME``: regenerate a catalogued dataset from its recipe on Dask and verify it by value."""

from __future__ import annotations

import argparse

from ..checks import check_output_folder, refuse_workers_with_scheduler
from ..errors import unknown_name
from ..help_text import EXIT_STATUS_BUILD
from ..options import output_folder, positive_int

NAME = "build"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench build`` to the subcommands ``sub``."""
    build = sub.add_parser(
        "build",
        help="regenerate a catalogued dataset from its recipe on Dask, verify it by value",
        epilog=EXIT_STATUS_BUILD,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument("name", help="catalogue name (see vdosbench list)")
    build.add_argument("--output", type=output_folder, required=True, help="ensemble folder")
    build.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="local Dask workers (default: cores, or none for parts estimated under 5 s of one core; "
        "one worker or none computes in this process, no cluster); not with --scheduler",
    )
    build.add_argument("--scheduler", default=None, help="address of a running dask scheduler")
    return build


def run(args: argparse.Namespace) -> int:
    """Rebuild one catalogued set from its recipe and compare it by value with the catalogue."""
    from vdosbench.benchmark.rebuild import build

    refuse_workers_with_scheduler(args)
    check_output_folder(args.output)
    with unknown_name():
        report = build(args.name, args.output, n_workers=args.workers, scheduler_address=args.scheduler)
    print(report.summary())
    return report.exit_code
