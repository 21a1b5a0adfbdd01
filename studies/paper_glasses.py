"""Seed-001 soft-sphere glasses at N = 1000 and high T*, generated, scored and reduced for transfer.

Run on a machine with many cores (the lent 16-core machine here; hours on
2 cores)::

    python studies/paper_glasses.py --samples 240 --workers 16 --out results_dir

Steps (every one timed into ``paper_glasses.json``):

1. ``vdosbench generate soft_spheres`` over taper m ∈ {2, ∞} at T* = 1.0
   (the seed's "high T*", ≫ T_d = 0.144), N = 1000, d = 3, 2000 swap-MC
   sweeps per sample (τ_α ≈ 160 plain-MC sweeps already at T = 0.6,
   studies/results/td_measurement.json, so 2000 sweeps at T = 1 are
   ≫ τ_α; the seed's 1.1e6 sweeps are needed only near T_d), 50 eigenvectors.
2. The scorer on the whole ensemble with every claim except the
   eigenvector-heavy ``phonon_shell`` ones (≈ 1 s per sample each); the report
   is packed into ``report.tar.gz``.
3. Reduced copies small enough to move: ``eigenvalues.nc`` (all samples:
   eigenvalues, zero-mode flags, box) and ``vectors_m2.nc`` / ``vectors_minf.nc``
   (the first ``--vector-samples`` samples of each taper with float32
   eigenvectors, positions and pairs) on which the ``phonon_shell`` claims are
   scored elsewhere.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from vdosbench.benchmark import default_claims_path, load_claims  # noqa: E402
from vdosbench.benchmark import write_report  # noqa: E402
from vdosbench.benchmark.scorecard import read_input, score_datasets  # noqa: E402
from vdosbench.datasets import combine_parts, write  # noqa: E402
from vdosbench.datasets.json_files import dumps_strict  # noqa: E402

TAPERS = {"m2": 2, "minf": -1}


def _run(cmd: list[str], log: Path) -> float:
    t0 = time.perf_counter()
    with open(log, "a") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        fh.flush()
        subprocess.run(cmd, check=False, stdout=fh, stderr=subprocess.STDOUT)
    return time.perf_counter() - t0


def _score_without_phonon_shell(ensemble: Path, output: Path) -> None:
    """Score every claim but the eigenvector-heavy ``phonon_shell`` ones and write the report."""
    claims = [c for c in load_claims() if c.validator != "phonon_shell"]
    inputs = [read_input(ensemble, name="paper_glasses")]
    write_report(score_datasets(inputs, claims, f"{default_claims_path()} without phonon_shell claims"), inputs, output)


def _vectors(run: Path, taper: int, n: int) -> xr.Dataset:
    folder = run / "parts" / f"taper_order-{taper}__parent_temperature-1.0"
    parts = [xr.open_dataset(p).load() for p in sorted(folder.glob("sample-*.nc"))[:n]]
    keep = ["eigenvalue", "zero_mode", "eigenvector", "position", "box_length", "pair_count", "pair_i", "pair_j"]
    ds = combine_parts([p[[v for v in keep if v in p.variables]] for p in parts])
    ds["eigenvector"] = ds["eigenvector"].astype(np.float32)
    for v in ("pair_i", "pair_j"):
        ds[v] = ds[v].astype(np.int32)
    return ds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=240)
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--vector-samples", type=int, default=16)
    ap.add_argument("--run", type=Path, default=Path("/tmp/paper_glasses"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    args.run.mkdir(parents=True, exist_ok=True)
    log = args.out / "log.txt"
    py = [sys.executable, "-m", "vdosbench"]
    record: dict[str, object] = {
        "samples_per_taper": args.samples,
        "workers": args.workers,
        "cpu_count": os.cpu_count(),
    }
    record["generate_seconds"] = _run(
        [
            *py,
            "generate",
            "soft_spheres",
            "--grid",
            "taper_order=2,-1",
            "--grid",
            "parent_temperature=1.0",
            "--set",
            "n_particles=1000",
            "--set",
            "n_sweeps=2000",
            "--set",
            "record_every=100",
            "--samples",
            str(args.samples),
            "--seed",
            "1000",
            "--workers",
            str(args.workers),
            "--blas-threads",
            "1",
            "--output",
            str(args.run),
            "--no-progress",
        ],
        log,
    )
    t0 = time.perf_counter()
    _score_without_phonon_shell(args.run / "ensemble.nc", args.run / "report")
    record["score_seconds"] = time.perf_counter() - t0
    with tarfile.open(args.out / "report.tar.gz", "w:gz") as tar:
        tar.add(args.run / "report", arcname="report")
    t0 = time.perf_counter()
    ens = xr.open_dataset(args.run / "ensemble.nc")
    write(ens[["eigenvalue", "zero_mode", "box_length"]].load(), args.out / "eigenvalues.nc")
    for name, taper in TAPERS.items():
        write(_vectors(args.run, taper, args.vector_samples), args.out / f"vectors_{name}.nc")
    record["reduce_seconds"] = time.perf_counter() - t0
    (args.out / "paper_glasses.json").write_text(dumps_strict(record, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
