"""What reading a run's own parts in-process saves: the isolated reader's CPU per command (issue 65 item 1).

A fresh ``vdosbench generate`` used to read the parts it had just written in the isolated reader, a process of
its own that imports xarray and netCDF4 again.  Since 5eaafb7 the run reads them in its own process
(``open_part(..., written_here=True)``) and only parts found on disk go through the reader.  This script measures
the difference where ``generate`` stands when it combines: a fresh interpreter that has already imported xarray
and read one netCDF file (the run writes ``ensemble.nc`` itself), then opens one part either way.  CPU is the
whole process tree's (user + system): this script is the children's subreaper, so the reader's fork server and
its children are counted too.

Usage::

    python speed/bench_own_parts.py [--repeats 7]

Writes ``speed/results/own_parts_read.json``.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "speed" / "results" / "own_parts_read.json"
#: prctl option that makes orphaned descendants children of this process (linux/prctl.h).
PR_SET_CHILD_SUBREAPER = 36


def _tree_cpu_seconds(code: str) -> float:
    """User + system CPU of ``python -c code`` and every process it started (reaped here)."""
    before = os.times()
    proc = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    os.waitpid(proc.pid, 0)
    while True:  # the orphans (the reader's fork server) were re-parented here
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    after = os.times()
    return (after.children_user + after.children_system) - (before.children_user + before.children_system)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit("bench_own_parts: cannot become the subreaper (Linux only); the reader's CPU would be lost")
    with tempfile.TemporaryDirectory() as tmp:
        # in a process of its own: this one must have no long-lived children (Dask's, the reader's) to wait for
        subprocess.run(
            [sys.executable, "-m", "vdosbench", "generate", "nine_node_toy", "--samples", "1", "--workers", "1"]
            + ["--no-progress", "--output", str(Path(tmp) / "run")],
            check=True,
            capture_output=True,
        )
        part = str(sorted((Path(tmp) / "run" / "parts").rglob("*.nc"))[0])
        setup = f"import xarray as xr; xr.open_dataset({part!r}).close(); from vdosbench.datasets import open_part; "
        cases = {
            "setup_only": setup,
            "isolated_reader": setup + f"open_part({part!r})",
            "in_process": setup + f"open_part({part!r}, written_here=True)",
        }
        runs: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeats):  # interleaved, so that the machine's load falls on every case alike
            for name, code in cases.items():
                runs[name].append(round(_tree_cpu_seconds(code), 3))
    median = {name: statistics.median(values) for name, values in runs.items()}
    write_results(
        args.output,
        {
            "description": __doc__.split("\n\n")[0],
            "method": "fresh interpreter per case, whole process tree's user + system CPU (subreaper); cases "
            f"interleaved, {args.repeats} repeats; median reported; one part of nine_node_toy",
            "cpu_seconds": runs,
            "median_cpu_seconds": median,
            "isolated_reader_beyond_setup_s": round(median["isolated_reader"] - median["setup_only"], 3),
            "in_process_beyond_setup_s": round(median["in_process"] - median["setup_only"], 3),
            "saved_per_fresh_command_s": round(median["isolated_reader"] - median["in_process"], 3),
        },
    )
    print(f"saved per fresh command: {median['isolated_reader'] - median['in_process']:.2f} CPU s ({median})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
