"""Issue 63 item 5: the small-box excess as a claim about density — N = 1000 and 2000 against 8000, per point and
pooled, in the common unit.

``python -m studies.small_box_density`` (from the clone's root) reads, at T* = 1 and ∞ and both tapers, the modes
per particle below x_edge·ω_g,u (x_edge = 0.15, and 0.18 beside it) of the ladder's N = 1000 and 8000
(``studies/results/finite_size_modes.nc``) and of the registered N = 2000 confirmatory sets
(``confirm_n2000_modes.nc``, their 1000 samples a point), each protocol in its common unit (G_u: the ensemble G of
the ladder's N = 16000 at the same T* and taper, :func:`vdosbench.validators.common_shear_modulus`).  Per point:
small / large with its 95 % bootstrap interval and the Poisson test of one density
(:func:`~vdosbench.validators.density_ratio`); pooled over the four points and over the two tapers at each T*:
Σ density(small) / Σ density(N = 8000) (:func:`~vdosbench.validators.spectral.density_comparison.pooled_density_ratio`).

What kind of reading: exploratory.  The ladder was seen before every registration; the N = 2000 / 8000 ratios at
0.15 per point repeat amendment 3 of ``absolute-frequency.toml`` (a post hoc re-reading, its verdicts stand
there); the registered test of the excess is ``confirm-n8000.toml``, on a new N = 8000 set.  No verdict here: the
numbers and their intervals, for the findings page.  Writes ``studies/results/small_box_density.json``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vdosbench.datasets import point_group_key, read_point_groups
from vdosbench.datasets import write_results
from vdosbench.validators import common_shear_modulus, density_ratio, mode_spectra_from_dataset
from vdosbench.validators import jsonable
from vdosbench.validators import pooled_density_ratio

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
LADDER = RESULTS / "finite_size_modes.nc"
CONFIRM = RESULTS / "confirm_n2000_modes.nc"
OUT = RESULTS / "small_box_density.json"
EDGES = (0.15, 0.18)
SMALL = (1000, 2000)
LARGE, UNIT_N = 8000, 16000
CONFIRM_SAMPLES = 1000
TSTARS = (1.0, math.inf)
TAPERS = (2, -1)
N_BOOTSTRAP = 1000
SEED = 0


def _name(t: float, taper: int) -> str:
    return f"T*={'inf' if math.isinf(t) else f'{t:g}'} m={'inf' if taper < 0 else taper}"


def load(ladder: Path = LADDER, confirm: Path = CONFIRM, confirm_samples: int = CONFIRM_SAMPLES) -> dict[str, Any]:
    """{point name: {N: spectra in the protocol's common unit}, "_unit": {point name: G_u}}."""
    groups = read_point_groups(ladder)
    small = {}
    for name, ds in read_point_groups(confirm).items():
        _, taper, t = point_group_key(f"n2000_{name}" if not name.startswith("n") else name)
        small[(t, taper)] = ds.isel(sample=slice(0, confirm_samples))
    out: dict[str, Any] = {"_unit": {}}
    for t in TSTARS:
        for taper in TAPERS:
            key = f"t{'inf' if math.isinf(t) else f'{t:g}'}"
            m = "inf" if taper < 0 else str(taper)
            g_u = common_shear_modulus(mode_spectra_from_dataset(groups[f"n{UNIT_N}_m{m}_{key}"]))
            name = _name(t, taper)
            out["_unit"][name] = g_u
            out[name] = {
                n: mode_spectra_from_dataset(groups[f"n{n}_m{m}_{key}"], f"N={n} {name}").in_common_unit(g_u)
                for n in (1000, LARGE)
            }
            out[name][2000] = mode_spectra_from_dataset(small[(t, taper)], f"N=2000 confirm {name}").in_common_unit(g_u)
    return out


def read(points: dict[str, Any], *, n_bootstrap: int = N_BOOTSTRAP) -> dict[str, Any]:
    """The readings (module docstring) of :func:`load`'s points."""
    kw = {"n_bootstrap": n_bootstrap, "seed": SEED}
    names = [n for n in points if not n.startswith("_")]
    result: dict[str, Any] = {
        "method": {
            "kind": "exploratory (the ladder was seen before every registration; no verdict)",
            "unit": "one G a protocol: the ensemble G of the ladder's N = 16000 at the same T* and taper",
            "unit_shear_modulus": points["_unit"],
            "edges": list(EDGES),
            "phonon_factor": 0.6,
            "n_bootstrap": n_bootstrap,
            "seed": SEED,
            "data": {"N = 1000, 8000": LADDER.name, "N = 2000": f"{CONFIRM.name} (first {CONFIRM_SAMPLES})"},
        },
        "points": {},
        "pooled": {},
    }
    for name in names:
        by_n = points[name]
        result["points"][name] = {
            f"{n}/{LARGE} below {x:g}": {
                **(r := density_ratio(by_n[n], by_n[LARGE], x, **kw)).ratio.to_dict(),
                "poisson_p_one_density": r.homogeneity.p_value,
                "densities": [r.first.value, r.second.value],
            }
            for n in SMALL
            for x in EDGES
        }
    groups = {
        "all four points": names,
        **{f"T*={t}": [n for n in names if n.startswith(f"T*={t} ")] for t in ("1", "inf")},
    }
    for label, members in groups.items():
        result["pooled"][label] = {
            f"{n}/{LARGE} below {x:g}": pooled_density_ratio(
                [(points[m][n], points[m][LARGE]) for m in members], x, **kw
            ).to_dict()
            for n in SMALL
            for x in EDGES
        }
    return jsonable(result)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    result = read(load())
    write_results(args.out, result, indent=1)
    for label, readings in result["pooled"].items():
        for what, r in readings.items():
            print(f"{label:16s} {what:22s} {r['value']:.3f} [{r['low']:.3f}, {r['high']:.3f}]")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
