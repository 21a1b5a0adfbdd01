"""``vdosbench demo``: a small ensemble of seed-002 spring networks on a local Dask cluster, scored into a report."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..checks import check_output_folder
from ..options import output_folder, positive_int
from .score import score_files

NAME = "demo"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench demo`` to the subcommands ``sub``."""
    demo = sub.add_parser(
        "demo",
        help="generate a small ensemble on a local Dask cluster, score it, write the report",
        epilog="exit status: 0 once the report is written; with --gate as score (0, 1, 3); "
        "2 on bad input or a failure (one line on stderr)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--output", type=output_folder, default=Path("vdosbench-output/demo"), help="output folder")
    demo.add_argument("--samples", type=positive_int, default=6, help="samples per grid point, >= 1 (default 6)")
    demo.add_argument("--n-side", type=int, default=30, help="network side (default 30: 900 nodes)")
    demo.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="local Dask workers (default: cores, or none for parts estimated under 5 s of one core; "
        "one worker or none computes in this process, no cluster)",
    )
    demo.add_argument("--seed", type=int, default=20260, help="root seed")
    demo.add_argument(
        "--gate",
        action="store_true",
        help="exit as score does: 1 when a gating claim is refuted, 3 when no claim applies "
        "(default: 0 once the report is written)",
    )
    demo.add_argument("--strict", action="store_true", help="with --gate: exit 1 on inconclusive too")
    return demo


def run(args: argparse.Namespace) -> int:
    """Generate the demo ensemble and the nine-node toy, then score both (:func:`~.score.score_files`)."""
    from vdosbench.datasets import write
    from vdosbench.generators import get_generator, nine_node_toy, run_ensemble

    out: Path = args.output
    check_output_folder(out)
    start = time.perf_counter()
    print(
        f"demo: seed-002 spring networks, {args.n_side}x{args.n_side}, {args.samples} samples per point, "
        "delta in {0, 0.1, 0.2, 0.3} x {nearest, cutoff} x {1/r, constant} springs, on a local Dask cluster"
    )
    run_ensemble(
        get_generator("spring_network"),
        fixed={"n_side": args.n_side},
        n_samples=args.samples,
        root_seed=args.seed,
        output=out / "spring_network",
        n_workers=args.workers,
    )
    write(nine_node_toy(), out / "nine_node_toy" / "ensemble.nc")
    print(f"generated in {time.perf_counter() - start:.1f} s")
    return score_files(
        [out / "spring_network" / "ensemble.nc", out / "nine_node_toy" / "ensemble.nc"],
        None,
        out / "report",
        args.strict,
        gated=args.gate,
    )
