"""CPU time of the vortex-core summaries: ``phonon_shell``, ``vorticity`` and ``field_vorticity`` (issue 66).

The plane-wave-shell validator summarises every stored mode and 20 random superpositions of the shell per
sample (the core curl content: a mean shift and an iterated affine fit near the core); the scoring-form search
scores a dataset about 20 times, so this per-call cost multiplies.  This script times, as process CPU (best of
``--repeats``), on

* ``small_glass``: the soft-sphere glass of ``tests/benchmark/test_scoring_form.py`` (64 particles, 12 stored
  modes, 3 samples), ``phonon_shell`` with the claims' settings but ``min_captured = 0.3`` (its 12 modes hold
  about 0.35 of the shell; the claims' 0.5 makes it refuse the point after the same work);
* ``random_2d``: 1000 random sites in a 2D box, 16 random fields (``vorticity`` with ``radius = 2``);
* ``vortex_2d``: one Gaussian vortex on the same sites (``field_vorticity``).

Usage::

    python -m speed.bench_vorticity_summary --label before|after [--repeats 5]

Each run is added under its label to ``speed/results/vorticity_summary.json`` (other labels kept), with the
machine and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from speed.timing import best_of

from vdosbench.datasets import mock_spectrum, write_results
from vdosbench.generators import build_in_memory
from vdosbench.validators import field_vorticity, phonon_shell, vorticity

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "speed" / "results" / "vorticity_summary.json"


def _small_glass() -> xr.Dataset:
    """The soft-sphere glass that the scoring-form test scores."""
    ds = build_in_memory(
        "soft_spheres",
        grid={"taper_order": [2], "parent_temperature": [1.0]},
        fixed={"n_particles": 64, "n_sweeps": 20, "n_vectors": 12},
        n_samples=3,
        root_seed=5,
    )
    return next(iter(ds.vdos.points()))[1]


def _random_2d(n_site: int = 1000, n_field: int = 16) -> tuple[xr.Dataset, np.ndarray, np.ndarray, float]:
    """Random sites in a 2D box with random fields stored as eigenvectors, and one Gaussian vortex field."""
    rng = np.random.default_rng(0)
    box = float(np.sqrt(n_site))
    x = rng.random((n_site, 2)) * box
    ds = mock_spectrum(n_sample=1, n_mode=n_field + 4, n_site=n_site, spatial_dimension=2)
    ds["position"] = (("sample", "site", "spatial"), x[None], {"long_name": "x", "units": "1"})
    ds["box_length"] = ("sample", [box], {"long_name": "L", "units": "1"})
    ds = ds.assign_coords(vector_mode=("vector_mode", np.arange(4, 4 + n_field), {"units": "1"}))
    ev = rng.normal(size=(1, n_field, n_site, 2))
    ds["eigenvector"] = (("sample", "vector_mode", "site", "spatial"), ev, {"units": "1"})
    r = x - 0.5 * box
    vortex = np.column_stack([-r[:, 1], r[:, 0]]) * np.exp(-np.sum(r**2, axis=1) / 8.0)[:, None]
    return ds, x, vortex, box


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="the run's name in the results file (before, after, ...)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    load_before = list(os.getloadavg())
    glass = _small_glass()
    ds2, x2, vortex, box = _random_2d()
    shell = {"below_factor": 0.9, "phonon_weight": 0.5, "min_captured": 0.3, "core_neighbours": 2.0}
    cases: dict[str, Callable[[], Any]] = {
        "phonon_shell small_glass (3 samples x (12 modes + 20 superpositions))": lambda: phonon_shell(
            glass, n_bootstrap=40, **shell
        ),
        "vorticity random_2d (1000 sites, 16 fields, radius 2)": lambda: vorticity(ds2, radius=2.0, n_bootstrap=40),
        "field_vorticity vortex_2d (1000 sites, radius 2)": lambda: field_vorticity(vortex, x2, box, radius=2.0),
    }
    rows = []
    for name, fn in cases.items():
        seconds, res = best_of(fn, args.repeats)
        rows.append({"case": name, "cpu_seconds": round(seconds, 4)})
        print(f"{name:75s} {seconds:8.4f} CPU s", flush=True)
        if name.startswith("phonon_shell"):
            rows[-1]["core_curl_excess"] = res.core_curl_excess.value
    previous = json.loads(args.output.read_text()) if args.output.exists() else {}
    runs = {k: v for k, v in previous.get("runs", {}).items() if k != args.label}
    runs[args.label] = {
        "rows": rows,
        "repeats": args.repeats,
        "statistic": "best process CPU time of the repeats",
        "load_average_before": load_before,
        "load_average_after": list(os.getloadavg()),
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    write_results(args.output, {"description": __doc__.split("\n\n")[0], "runs": runs})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
