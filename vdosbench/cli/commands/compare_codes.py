"""``vdosbench compare-codes RESULT.json...``: one table from scored results of the same systems by different codes."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from ..options import key_values, output_folder

NAME = "compare-codes"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench compare-codes`` to the subcommands ``sub``."""
    compare = sub.add_parser(
        "compare-codes",
        help="one table (Markdown, HTML, JSON) from scored results of the same systems by different "
        "codes: Hessian and moduli agreement, verdicts side by side, cost per sample",
        epilog="exit status: 0 once the table is written; 2 on bad input (one line on stderr)",
    )
    compare.add_argument(
        "results",
        nargs="+",
        metavar="[LABEL=]RESULT.json",
        help="result.json of vdosbench score for each code; the first is the reference column",
    )
    compare.add_argument(
        "--cost",
        action="append",
        default=[],
        metavar="LABEL=SECONDS",
        help="seconds per sample the code took to make its data (repeatable)",
    )
    compare.add_argument(
        "--output",
        type=output_folder,
        default=Path("vdosbench-output/compare"),
        help="folder for comparison.md, comparison.html, comparison.json",
    )
    return compare


def run(args: argparse.Namespace) -> int:
    """Compare the scored results and write comparison.md, .html and .json."""
    from vdosbench.benchmark.compare_codes import compare_codes, load_code_result, with_cost, write_comparison

    costs: dict[str, float] = {}
    for label, value in key_values(args.cost, "--cost", "jax-md=2.5").items():
        try:
            costs[label] = float(value)
        except ValueError:
            raise UsageError(f"--cost {label}={value!r}: expected seconds per sample, e.g. --cost jax-md=2.5") from None
    codes = []
    for item in args.results:
        label, _, path = item.partition("=") if "=" in item else ("", "", item)
        codes.append(load_code_result(Path(path), label or None))
    unknown = sorted(set(costs) - {c.label for c in codes})
    if unknown:
        raise UsageError(f"--cost names {unknown}, which label no result; the labels are {[c.label for c in codes]}")
    codes = [with_cost(c, costs.get(c.label)) for c in codes]
    comparison = compare_codes(codes)
    print(("warning: " if not comparison.same_system else "") + "compare-codes: " + comparison.system_summary())
    paths = write_comparison(comparison, args.output)
    print("compare-codes: " + ", ".join(str(p) for p in paths))
    return 0
