"""ω₀ of the N = 1000 soft-sphere glasses from two routes: the stored modes and the shear modulus.

Route 1 (stored modes, claim ``schirmacher.lowest-phonon-omega0`` primary):
:func:`vdosbench.validators.phonon_shell`, the centroid of the 12 lowest
transverse standing waves over the stored eigenvectors (biased low when the
stored modes hold only part of the shell).
Route 2 (no modes): ω₀ = √(G/ρ) 2π/L with G the affine minus non-affine
shear modulus of each inherent structure
(:func:`vdosbench.benchmark.elastic.sample_shear_moduli`), averaged over the
six simple shears.  Both on the same first ``--samples`` samples of every
parameter point; the time per sample of route 2 is recorded.

The datasets are opened read-only with xarray.  Run:
``python studies/measure_shear_omega0.py [--samples 8] DATASET.nc ...``
(defaults: the two N = 1000 runs of the main checkout); writes
``studies/results/shear_omega0.json``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import xarray as xr
from threadpoolctl import threadpool_limits

from vdosbench.benchmark.elastic import sample_shear_moduli
from vdosbench.datasets import iter_points, pair_variables
from vdosbench.validators import lowest_phonon_frequency, phonon_shell
from vdosbench.datasets.json_files import dumps_strict

DEFAULT_DATA = ("/work/main/runs/eq_1td_m2/ensemble.nc", "/work/main/runs/literal_n1000/ensemble.nc")


def _first_samples(point: xr.Dataset, n: int) -> xr.Dataset:
    """The first ``n`` samples of one point, the ragged pairs cut with them (theirs come first)."""
    pairs = pair_variables(point)
    head = point.drop_vars(pairs).isel(sample=slice(0, n))
    if not pairs:
        return head
    kept = int(np.asarray(point["pair_count"].values)[:n].sum())
    return head.assign({v: point[v].isel(pair=slice(0, kept)) for v in pairs})


def measure(path: str, n_samples: int) -> list[dict]:
    out = []
    with xr.open_dataset(path) as ds:
        for values, point in iter_points(ds):
            point = _first_samples(point, n_samples).load()
            start = time.perf_counter()
            g = sample_shear_moduli(point)
            per_sample = (time.perf_counter() - start) / point.sizes["sample"]
            shear = lowest_phonon_frequency(point.assign(shear_modulus=g["shear_modulus"]), method="shear_modulus")
            shell = phonon_shell(point)
            out.append(
                {
                    "dataset": path,
                    "point": values,
                    "n_samples": int(point.sizes["sample"]),
                    "omega0_shear_modulus": shear.to_dict()
                    if hasattr(shear, "to_dict")
                    else [shear.value, shear.uncertainty],
                    "omega0_shear_modulus_sample": shear.curve["omega0_sample"].values.tolist(),
                    "omega0_stored_modes": shell.omega0.to_dict()
                    if hasattr(shell.omega0, "to_dict")
                    else shell.omega0.value,
                    "omega0_stored_modes_sample": shell.per_mode["omega0_sample"].values.tolist(),
                    "shell_captured_sample": shell.per_mode["captured_sample"].values.tolist(),
                    "shear_modulus_sample": g["shear_modulus"].values.tolist(),
                    "born_sample": g["shear_modulus_born"].values.tolist(),
                    "nonaffine_sample": g["shear_modulus_nonaffine"].values.tolist(),
                    "seconds_per_sample_shear_modulus": per_sample,
                }
            )
            print(
                f"{Path(path).parent.name} {values}: omega0 shear {shear.value:.3f} +- {shear.uncertainty:.3f}, "
                f"stored modes {shell.omega0.value:.3f} +- {shell.omega0.uncertainty:.3f} "
                f"(captured {np.nanmean(shell.per_mode['captured_sample'].values):.2f}), "
                f"G = {g['shear_modulus'].values.mean():.3f} (Born {g['shear_modulus_born'].values.mean():.3f}), "
                f"{per_sample:.2f} s/sample",
                flush=True,
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="*", default=list(DEFAULT_DATA))
    parser.add_argument("--samples", type=int, default=8, help="first samples of each parameter point (default 8)")
    parser.add_argument("--output", default=str(Path(__file__).parent / "results" / "shear_omega0.json"))
    args = parser.parse_args()
    with threadpool_limits(1):
        results = [r for path in args.data for r in measure(path, args.samples)]
    tmp = f"{args.output}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(dumps_strict({"threads": 1, "results": results}, indent=1, default=float))
    os.replace(tmp, args.output)


if __name__ == "__main__":
    main()
