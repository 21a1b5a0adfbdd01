"""Issue 67 item 3 (first part): which samples of the literature matrix's sets are certified.

For every set of :data:`studies.literature_matrix.DATA_SETS` that stores its configurations (positions, box,
diameters or species), each parameter point's samples go through :func:`vdosbench.benchmark.certify.sample_certificates`
(the inertia count of the rebuilt Hessian below the shift between the two largest stored eigenvalues against the
stored modes, the d zero modes, the Hessian's symmetry, the residual force, L / 2 r_c) and
:func:`vdosbench.benchmark.certify.certified`.  A set without configurations is listed as not certifiable.

``python -m studies.certified_sets`` (from the clone's root; a few minutes on one core) writes
``studies/results/certified_sets.json``: per set and point the samples, the certified ones, and how many failed
each check.  The matrix page (``python -m studies.literature_matrix --page``) reports it; the matrix's verdicts do
not yet read only certified samples.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from studies import literature_matrix as matrix
from vdosbench.datasets.json_files import dumps_strict
from vdosbench.benchmark.certify import MAX_ASYMMETRY, MAX_RESIDUAL_FORCE, certified, failures, sample_certificates
from vdosbench.datasets import iter_points

RESULTS = matrix.ROOT / "studies" / "results" / "certified_sets.json"
SCRIPT = "studies/certified_sets.py"


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isinf(v):
        return "inf"
    return v


def certify_point(point: Any) -> dict[str, Any]:
    """The certificate summary of one parameter point (every sample)."""
    cert = sample_certificates(point)
    ok = certified(cert)
    failed = {k: int(v.sum()) for k, v in failures(cert).items()}
    return {
        "samples": int(cert.sizes["sample"]),
        "certified": int(ok.sum()),
        "failed": failed,
        "modes_below_shift": [int(cert["inertia_count"].min()), int(cert["inertia_count"].max())],
        "residual_force_max": float(np.nanmax(cert["residual_force_max"].values)),
        "box_over_cutoff_min": float(np.nanmin(cert["box_over_cutoff"].values)),
    }


def compute(root: Path = matrix.ROOT / "reference-data") -> dict[str, Any]:
    """Every set of the matrix: certifiable or not, and each point's summary."""
    sets = []
    for data_set in matrix.DATA_SETS:
        if data_set.series:
            sets.append(
                {
                    "set": data_set.name,
                    "certifiable": False,
                    "why": "the series set is the single sets above, certified there",
                }
            )
            continue
        ds = matrix.open_set(data_set, root)
        if "position" not in ds.variables:
            sets.append(
                {
                    "set": data_set.name,
                    "certifiable": False,
                    "why": "no configurations stored (eigenvalues and moduli only): the Hessian cannot be rebuilt",
                }
            )
            continue
        points = [
            {"point": {k: _jsonable(v) for k, v in values.items()}, **certify_point(point)}
            for values, point in iter_points(ds)
        ]
        sets.append({"set": data_set.name, "certifiable": True, "points": points})
    return {
        "generated_by": SCRIPT,
        "max_residual_force": MAX_RESIDUAL_FORCE,
        "max_asymmetry": MAX_ASYMMETRY,
        "sets": sets,
    }


def main(argv: Sequence[str] | None = None) -> int:
    del argv
    RESULTS.write_text(dumps_strict(compute(), indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
