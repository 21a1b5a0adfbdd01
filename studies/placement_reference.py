"""Issue 63 item 9: our sets on the placement axes, the table ``vdosbench score`` places a scored set beside.

``python -m studies.placement_reference`` (from the clone's root) reads every point of every protocol we hold (the
loaders of :mod:`studies.soft_mode_density`; the control's "stage 1 only" subsets left out: they repeat points held
whole), each in its protocol's common unit (the ensemble G of the protocol's largest N,
:func:`studies.soft_mode_density.common_moduli`), by the same function that places a scored set
(:func:`vdosbench.benchmark.placement.axes_reading`: deep band (0, 0.15], shoulder (0.15, 0.29], A_4 below 0.15,
1000 bootstrap replicates, seed 0), and writes ``benchmark/placement_reference.json`` (shipped with the package).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vdosbench.datasets import write_results
from vdosbench.benchmark.placement import A4_EDGE, AXES, N_BOOTSTRAP, NEAREST_RULE, SEED, axes_reading
from vdosbench.validators import jsonable

from studies.soft_mode_density import Point, common_moduli, load_all

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmark" / "placement_reference.json"
#: Points that repeat part of a point held whole (read by their own study, not placed against).
LEFT_OUT = ("stage 1 only",)


def reference(points: Sequence[Point], *, n_bootstrap: int = N_BOOTSTRAP) -> dict[str, Any]:
    """The placement table of ``points`` (module docstring)."""
    moduli = common_moduli(points)
    rows = []
    for p in sorted(points, key=lambda q: q.key):
        if p.note in LEFT_OUT:
            continue
        g_u = moduli[p.protocol]["shear_modulus"]
        reading = axes_reading(p.spectra, unit_shear_modulus=g_u, n_bootstrap=n_bootstrap)
        rows.append(
            {
                "point": p.key,
                "protocol": p.protocol,
                "model": p.model,
                "preparation": p.preparation,
                "parent_temperature": "inf" if math.isinf(p.tstar) else p.tstar,
                "taper_order": p.taper,
                "n_particles": p.n,
                "source": p.source,
                **reading,
                "unit": f"the protocol's common G = {g_u:.6g} (N = {moduli[p.protocol]['n_particles']})",
            }
        )
    return jsonable(
        {
            "method": {
                "axes": {k: list(v) for k, v in AXES.items()},
                "a4_edge": A4_EDGE,
                "n_bootstrap": n_bootstrap,
                "seed": SEED,
                "unit": "each protocol's common G (the ensemble G of its largest N); a scored set "
                "is read in its own ensemble G",
                "nearest": NEAREST_RULE,
                "written_by": "python -m studies.placement_reference",
            },
            "rows": rows,
        }
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    table = reference(load_all())
    write_results(args.out, table, indent=1)
    print(f"wrote {args.out}: {len(table['rows'])} points")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
