"""``vdosbench compact SOURCE TARGET``: a dataset in the catalogue's storage form, or its scoring form."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError

NAME = "compact"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench compact`` to the subcommands ``sub``."""
    compact = sub.add_parser(
        "compact",
        help="write a dataset in the catalogue's storage form (float32 eigenvectors), "
        "or with --scoring-form only what scoring reads",
    )
    compact.add_argument("source", type=Path, help="a VDOS-1.0 netCDF file")
    compact.add_argument("target", type=Path, help="the file to write (atomically)")
    compact.add_argument(
        "--scoring-form",
        action="store_true",
        help="keep only the variables vdosbench score and --reference read, found by scoring the "
        "set without each (vdosbench.benchmark.scoring_form); the written file is scored "
        "again and must give the same verdicts and values",
    )
    compact.add_argument(
        "--claims",
        type=Path,
        default=None,
        help="with --scoring-form: the claims the form must score (default: vdosbench's)",
    )
    compact.add_argument(
        "--no-structures",
        action="store_true",
        help="with --scoring-form: leave out positions, diameters and box when no claim reads them",
    )
    compact.add_argument(
        "--leave-out",
        action="append",
        default=None,
        metavar="VAR[,VAR...]",
        help="with --scoring-form: leave these variables out on purpose (comma list, repeatable; "
        "e.g. eigenvector, or every pair variable with pair_count); the claims that read them "
        "need the full set (vdosbench build NAME) and the form names them; every other claim "
        "and --reference must still score as on the full set (but for the eigenvalue "
        "agreement on shared configurations when position is left out: the form names it)",
    )
    compact.add_argument(
        "--float32",
        action="append",
        default=None,
        metavar="VAR[,VAR...]",
        help="with --scoring-form: store these float64 variables as float32 (e.g. eigenvalue of a "
        "set too large otherwise); the form must then give the full set's verdicts, "
        "every measured value within 1%% of its uncertainty, and names the variables",
    )
    return compact


def run(args: argparse.Namespace) -> int:
    """Write the compact or the scoring form of a VDOS-1.0 file."""
    from vdosbench.datasets.compact import compact_file

    if not args.source.is_file():
        raise UsageError(f"{args.source} is not a file; expected a VDOS-1.0 netCDF file")
    if not args.scoring_form and (args.claims is not None or args.no_structures or args.leave_out or args.float32):
        raise UsageError(
            "--claims, --no-structures, --leave-out and --float32 go with --scoring-form; add "
            "--scoring-form or drop them"
        )
    leave_out, float32 = (
        [n.strip() for arg in given or () for n in arg.split(",") if n.strip()]
        for given in (args.leave_out, args.float32)
    )
    try:
        if args.scoring_form:
            from vdosbench.benchmark.claims import load_claims
            from vdosbench.benchmark.scoring_form import scoring_form_file

            print(
                scoring_form_file(
                    args.source,
                    args.target,
                    load_claims(args.claims),
                    keep_structures=not args.no_structures,
                    leave_out=leave_out,
                    float32=float32,
                ).summary()
            )
            return 0
        path = compact_file(args.source, args.target)
    except ValueError as e:
        raise UsageError(str(e)) from None
    print(f"{path}: {path.stat().st_size} bytes")
    return 0
