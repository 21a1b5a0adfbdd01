"""First run on a machine: what compiling the numba kernels costs, and what the cache saves.

The glass generators' kernels (swap Monte Carlo, neighbour lists, quench, Hessian) are numba functions
compiled on first call and cached next to the sources (``__pycache__``, or ``NUMBA_CACHE_DIR``).  A fresh
install, a fresh CI clone and every edit of a kernel's module therefore pay the compilation once.  This
script measures it: each case builds one small sample (``build_in_memory``, the sizes of
``tests/generators/test_grid_every_parameter.py``) in a fresh interpreter, first with an empty ``NUMBA_CACHE_DIR``
(cold: compile and write the cache), then again with the same folder (warm: load it).  Per run it records
wall and CPU seconds of the build, the import time, and from numba's compile events the seconds spent
compiling (outermost compilations only, so nested ones are not counted twice) and the kernels that took
longest.

Usage::

    python speed/bench_compile.py [--cases soft_spheres lennard_jones soft_spheres_lowest]

Writes ``speed/results/numba_compile.json``.  One case costs about 2 – 4 CPU minutes cold.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from vdosbench.benchmark.machine import machine_info
from vdosbench.datasets import write_results

HERE = Path(__file__).resolve().parent
RESULT = HERE / "results" / "numba_compile.json"

#: Small sizes of each case (those of ``tests/generators/test_grid_every_parameter.py``).
CASES: dict[str, dict[str, Any]] = {
    "soft_spheres": {"n_particles": 64, "n_sweeps": 20, "n_vectors": 2},
    "soft_spheres_lowest": {"n_particles": 64, "n_sweeps": 20, "n_lowest": 6, "n_vectors": 2},
    "lennard_jones": {"n_particles": 40, "dimension": 2, "n_sweeps": 20, "n_vectors": 2},
}

#: The child: import, build one sample, report timings and numba's outermost compilations as JSON.
CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from numba.core import event
depth, spent, open_at = [0], {}, {}
class Listener(event.Listener):
    def on_start(self, e):
        depth[0] += 1
        if depth[0] == 1:
            open_at["t"] = time.perf_counter()
    def on_end(self, e):
        if depth[0] == 1:
            d = e.data["dispatcher"]
            name = d.py_func.__module__ + "." + d.py_func.__qualname__
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - open_at["t"]
        depth[0] -= 1
event.register("numba:compile", Listener())
from vdosbench.generators import build_in_memory
from vdosbench.datasets.json_files import dumps_strict
t1 = time.perf_counter()
c1 = time.process_time()
build_in_memory(sys.argv[1], fixed=json.loads(sys.argv[2]), n_samples=1, root_seed=0)
t2 = time.perf_counter()
print(json.dumps({
    "import_seconds": t1 - t0,
    "build_wall_seconds": t2 - t1,
    "build_cpu_seconds": time.process_time() - c1,
    "compile_seconds": sum(spent.values()),
    "kernels_compiled": len(spent),
    "slowest_kernels": dict(sorted(spent.items(), key=lambda kv: -kv[1])[:8]),
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run_child(case: str, fixed: dict[str, Any], cache: Path) -> dict[str, Any]:
    """One fresh interpreter building ``case`` with numba's cache in ``cache``; its JSON report."""
    env = {
        **os.environ,
        "NUMBA_CACHE_DIR": str(cache),
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMBA_NUM_THREADS": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, case, json.dumps(fixed)], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"case {case} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in report.items()}


def measure(case: str) -> dict[str, Any]:
    """Cold (empty cache) then warm (the cache the cold run wrote) build of one case."""
    fixed = CASES[case]
    with tempfile.TemporaryDirectory(prefix="numba-cache-") as folder:
        cold = run_child(case, fixed, Path(folder))
        warm = run_child(case, fixed, Path(folder))
    cold["slowest_kernels"] = {k: round(v, 2) for k, v in cold["slowest_kernels"].items()}
    return {
        "generator": case,
        "fixed": fixed,
        "cold": cold,
        "warm": warm,
        "cold_over_warm_build": round(cold["build_wall_seconds"] / warm["build_wall_seconds"], 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Measure the requested cases and write the result file."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", nargs="+", choices=sorted(CASES), default=list(CASES))
    p.add_argument("--output", type=Path, default=RESULT)
    args = p.parse_args(argv)
    results = []
    for case in args.cases:
        results.append(measure(case))
        r = results[-1]
        print(
            f"{case}: cold {r['cold']['build_wall_seconds']:.1f} s ({r['cold']['compile_seconds']:.1f} s compiling "
            f"{r['cold']['kernels_compiled']} kernels), warm {r['warm']['build_wall_seconds']:.2f} s",
            flush=True,
        )
    out = {"method": __doc__, "machine": machine_info("numba", "llvmlite"), "cases": results}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_results(args.output, out, indent=2)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
