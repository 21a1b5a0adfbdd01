"""Peak memory of reading a netCDF file through the isolated reader, caller and child together (issue 64, G15).

:func:`vdosbench.datasets.open_dataset` loads a file in a child process
(:mod:`vdosbench.datasets.isolated`) and hands the loaded dataset to the caller
through a pipe.  Its memory bound counts :data:`~vdosbench.datasets.io.LOAD_COPIES`
copies of what the header declares.  This script measures what the two
processes hold together while a file crosses, on the fault probe's file
(``../shared/probes/faults-2026-11-28.md``, G15): one variable
``eigenvalue(sample = 1, mode = M)`` of float64 ones, zlib level 1 in chunks of
4 M values (a few MB on disk, ``8 M`` bytes declared).

Each read runs in a fresh Python process (``open_dataset(path, validate=False)``: the probe's file is no VDOS dataset);
this script samples the resident set size of that process and of all its
descendants (the fork server and the reading child) every 20 ms with psutil
and keeps the peak of the sum (the probe's measure; shared pages count in
each process, so the sum is an upper bound) and of each process.  The same is
done for a file of 1 M values (8 MB declared): the processes and their imports
at negligible data.  Reported: the declared bytes, the peaks, and the excess of
the large file's tree peak over the small file's, as a multiple of the declared
bytes; the copies the bound counts are beside it.

Usage::

    python speed/isolated_read_memory.py [--values 60000000] [--label after] [--workdir /tmp/vdosbench-g15]

Writes (adds the ``--label`` entry to) ``speed/results/isolated_read_memory.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from vdosbench.datasets import LOAD_COPIES, write_results

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "speed" / "results" / "isolated_read_memory.json"
#: Values a storage chunk holds (the probe's 4 M).
CHUNK = 4_000_000
#: Values of the small file whose read gives the baseline.
SMALL = 1_000_000
#: The memory bound the reads run under (the probe's).
BOUND = "1GB"
#: Seconds between two samples of the process tree.
PERIOD_S = 0.02


def build(path: Path, values: int) -> int:
    """Write the probe's file of ``values`` float64 ones to ``path``; return the bytes its header declares."""
    import netCDF4
    import numpy as np

    tmp = path.with_suffix(".part")
    with netCDF4.Dataset(tmp, "w") as d:
        d.createDimension("sample", 1)
        d.createDimension("mode", values)
        d.spatial_dimension = 3
        var = d.createVariable(
            "eigenvalue", "f8", ("sample", "mode"), zlib=True, complevel=1, chunksizes=(1, min(CHUNK, values))
        )
        var.units = "1"
        for start in range(0, values, CHUNK):
            stop = min(values, start + CHUNK)
            var[0, start:stop] = np.ones(stop - start)
    os.replace(tmp, path)
    return 8 * values


def measure(path: Path) -> dict[str, float]:
    """Peak RSS (MB) of the reading process tree while ``open_dataset(path)`` runs in a fresh process."""
    import psutil

    code = (
        "import sys\nfrom vdosbench.datasets import open_dataset\nds = open_dataset(sys.argv[1], validate=False)\n"
        "print(int(ds['eigenvalue'].size))\n"
    )
    env = dict(os.environ, VDOSBENCH_MEMORY_LIMIT=BOUND, OPENBLAS_NUM_THREADS="1")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], env=env, stdout=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak_tree, peak_caller, peak_other = 0, 0, 0
    while proc.poll() is None:
        try:
            caller = root.memory_info().rss
            others = [q.memory_info().rss for q in root.children(recursive=True)]
        except psutil.Error:
            time.sleep(PERIOD_S)
            continue
        peak_caller = max(peak_caller, caller)
        peak_other = max([peak_other, *others])
        peak_tree = max(peak_tree, caller + sum(others))
        time.sleep(PERIOD_S)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"reading {path} failed with exit status {proc.returncode}")
    return {
        "tree_peak_mb": peak_tree / 2**20,
        "caller_peak_mb": peak_caller / 2**20,
        "largest_other_process_peak_mb": peak_other / 2**20,
        "wall_s": time.perf_counter() - started,
        "values_read": int(out.strip()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=60_000_000, help="float64 values of the large file")
    parser.add_argument("--label", default="after", help="the entry of the results file to write")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/vdosbench-g15"))
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    large, small = args.workdir / f"below-{args.values}.nc", args.workdir / f"small-{SMALL}.nc"
    declared = build(large, args.values)
    build(small, SMALL)
    base, big = measure(small), measure(large)
    excess = (big["tree_peak_mb"] - base["tree_peak_mb"]) * 2**20 / declared
    entry = {
        "declared_mb": declared / 2**20,
        "file_mb": large.stat().st_size / 2**20,
        "bound": BOUND,
        "copies_counted_by_the_bound": LOAD_COPIES,
        "large": big,
        "small_baseline": base,
        "tree_excess_over_baseline_per_declared_byte": round(excess, 3),
        "caller_excess_per_declared_byte": round(
            (big["caller_peak_mb"] - base["caller_peak_mb"]) * 2**20 / declared, 3
        ),
    }
    previous = json.loads(args.output.read_text()) if args.output.exists() else {}
    runs = dict(previous.get("runs", {}))
    runs[args.label] = entry
    write_results(
        args.output,
        {
            "description": __doc__.split("\n\n")[0],
            "method": "fresh process per read, tree RSS sampled every 20 ms with psutil (upper bound: shared pages "
            "count in each process); baseline: the same read of a file of 1 M values",
            "runs": runs,
        },
    )
    print(json.dumps(entry, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
