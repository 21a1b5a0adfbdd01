"""What float32 storage does to a scoring form (issue 27 item 5; the numbers docs/catalogue.md quotes).

1. On a 64-particle level set of the soft-sphere recipe (4 samples, T* = 1 and T_d, no eigenvectors), the
   signature of its float32 form (eigenvalues float32, positions and diameters left out) against the full set's:
   the largest relative change of any measurement's uncertainty and of any value in units of its uncertainty.
2. Bytes a compressed eigenvalue takes on the seed-literal N = 1000 form's spectra, float64 and float32, with
   the storage's compression (zlib level 1, shuffle, one sample a chunk) and at zlib level 9.

Usage: ``python studies/float32_form_precision.py`` (about a minute; writes
``studies/results/float32_form_precision.json``).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import xarray as xr

from vdosbench.benchmark.claims import load_claims, with_bootstrap_replicates
from vdosbench.benchmark.scoring_form import scoring_form, scoring_signature, without_variables
from vdosbench.generators import build_in_memory
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
#: Bootstrap replicates of every claim (1000 registered): the same code paths as the test of the form, faster.
N_BOOTSTRAP = 40


def deviations() -> dict[str, float]:
    """Largest changes of the measurements between the full set's signature and its float32 form's."""
    levels = build_in_memory(
        "soft_spheres",
        grid={"taper_order": [2], "parent_temperature": [1.0, 0.144]},
        fixed={"n_particles": 64, "n_sweeps": 20, "n_vectors": 0, "vector_modes": [], "pair_data": False},
        n_samples=4,
        root_seed=5,
    )
    claims = with_bootstrap_replicates(load_claims(), N_BOOTSTRAP)
    form = scoring_form(levels, claims, leave_out=["position", "diameter"], float32=["eigenvalue"])
    a = json.loads(scoring_signature(without_variables(levels, ["position", "diameter"]), claims))
    b = json.loads(scoring_signature(form.dataset, claims))
    out = {"uncertainty_relative": 0.0, "value_in_uncertainties": 0.0}

    def walk(x: object, y: object) -> None:
        if isinstance(x, dict):
            u = x.get("uncertainty")
            if {"value", "low", "high"} <= x.keys() and isinstance(u, float) and math.isfinite(u) and u > 0:
                out["uncertainty_relative"] = max(
                    out["uncertainty_relative"], abs(x["uncertainty"] - y["uncertainty"]) / u
                )
                for k in ("value", "low", "high"):
                    if x[k] is not None and y[k] is not None:
                        out["value_in_uncertainties"] = max(out["value_in_uncertainties"], abs(x[k] - y[k]) / u)
            for k in x:
                walk(x[k], y[k])
        elif isinstance(x, list):
            for u_, v_ in zip(x, y):
                walk(u_, v_)

    walk(a, b)
    return out


def bytes_per_value() -> dict[str, float]:
    """Compressed bytes an eigenvalue takes, float64 and float32, at the storage's and at the strongest zlib."""
    ev = xr.open_dataset(ROOT / "reference-data" / "soft-spheres-n1000-seed-literal.nc")["eigenvalue"].values
    ev = ev.reshape(-1, ev.shape[-1])
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "e.nc"
        for dtype in ("float64", "float32"):
            for level in (1, 9):
                ds = xr.Dataset({"e": (("s", "m"), ev.astype(dtype))})
                ds.to_netcdf(
                    path,
                    encoding={"e": {"zlib": True, "complevel": level, "shuffle": True, "chunksizes": (1, ev.shape[1])}},
                )
                out[f"{dtype}_zlib{level}"] = os.path.getsize(path) / ev.size
    return out


def main() -> None:
    result = {
        "script": "studies/float32_form_precision.py",
        "signature_changes": deviations(),
        "bytes_per_eigenvalue": bytes_per_value(),
        "source_of_spectra": "reference-data/soft-spheres-n1000-seed-literal.nc (200 x 3000 eigenvalues)",
    }
    write_results(ROOT / "studies" / "results" / "float32_form_precision.json", result, indent=1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
