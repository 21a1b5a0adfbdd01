"""Does size sorting go on while the energy falls?  The T_d ladders' structures along each chain (issue 25 items 4, 5).

The additive soft spheres' T_d chains are still falling in energy after 40 τ_α and fail the two-start test;
the non-additive control's chains, which stay mixed, pass both (``docs/findings/finite-size.md``).  The
findings named size sorting as the likely cause without measuring it: the chains' sorting over time is not
stored, but each chain's 5 structures (3 τ_α apart, after 40 τ_α) carry their positions and diameters.  Per
chain this script fits, against the structure's Monte Carlo sweep, the slope of

- ``segment_mean_energy``: mean V/N over the segment before the structure (stored by the generator);
- ``inherent_energy``: V/N of the structure after the quench (the structure's depth, without thermal noise);
- ``size_neighbour_correlation``: Pearson correlation of neighbours' diameters (stored; local sorting);
- ``size_segregation``: variance of the cell-mean diameter over 2³ cells over its random-placement value
  (:func:`~vdosbench.generators.glasses.equilibration.size_segregation`; sorting on the box scale, 1 = mixed).

Within a chain the diameters are the same set (swaps exchange them), so slopes compare like with like.

Decision rule, written before the slopes were computed (25 Nov 2026 06:45 UTC; one chain's five stored values
had been printed to check the variables, nothing else):
    per point (model, N, m), the mean slope over chains (per 10⁵ sweeps) with a 95 % percentile bootstrap
    over chains (chains are independent); a measure "grows" / "falls" when the interval lies above / below
    0, else "no trend resolved".  The link: Spearman's rank correlation across chains between the
    inherent-energy slope and the neighbour-correlation slope, with a bootstrap interval over chains
    (negative: chains that sort more deepen more).  Sorting is said to go on with the energy decline in a
    model when, pooled over its points, the neighbour correlation grows and the inherent energy falls.
    Points need at least 6 chains (``MIN_GROUPS``).

Usage::

    python studies/sorting_trend.py runs/td_ladder runs/td_ladder_nonadditive
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from scipy import stats

from vdosbench.datasets.io import write_text
from vdosbench.generators.glasses.equilibration import size_segregation
from vdosbench.validators.results.result import MIN_GROUPS, bootstrap

ROOT = Path(__file__).resolve().parents[1]
#: Slopes are per this many sweeps.
SWEEP_UNIT = 1e5
MEASURES = ("segment_mean_energy", "inherent_energy", "size_neighbour_correlation", "size_segregation")
#: Variables read from the part files (positions and diameters only for the box-scale segregation).
READ = ("chain", "mc_sweep", "segment_mean_energy", "inherent_energy", "size_neighbour_correlation", "position",
        "diameter", "box_length")


def load_point_folder(folder: Path) -> xr.Dataset:
    """The structures of one ladder point (``n{N}/parts/taper_order-..``), the variables of :data:`READ` only."""
    files = sorted(folder.glob("sample-*.nc"))
    if not files:
        raise FileNotFoundError(f"no part files (sample-*.nc) in {folder}; expected a T_d ladder point folder "
                                "written by studies/td_ladder_queue.sh. Fix: pass the ladder's folder, e.g. runs/td_ladder")
    parts = []
    for f in files:
        with xr.open_dataset(f) as ds:
            parts.append(ds[[v for v in READ if v in ds.variables]].load())
    return xr.concat(parts, "sample", data_vars="minimal", coords="minimal", compat="override",
                     combine_attrs="override")


def structure_measures(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """Per structure: chain, sweep and every measure of :data:`MEASURES` (the segregation computed here)."""
    n = ds.sizes["sample"]
    seg = np.array([size_segregation(ds["position"].values[k], float(ds["box_length"].values[k]),
                                     ds["diameter"].values[k]) for k in range(n)])
    out = {"chain": ds["chain"].values.astype(int), "sweep": ds["mc_sweep"].values.astype(float),
           "size_segregation": seg}
    for name in MEASURES[:3]:
        out[name] = ds[name].values.astype(float)
    return out


def chain_slopes(per_structure: Mapping[str, np.ndarray], min_structures: int = 5) -> dict[str, np.ndarray]:
    """Least-squares slope of each measure against the sweep (per :data:`SWEEP_UNIT`), one per chain.

    Chains with fewer than ``min_structures`` structures (a chain still running) are left out.

    Examples
    --------
    >>> rows = {"chain": np.array([0, 0, 0, 1, 1, 1]), "sweep": np.array([0., 1e5, 2e5] * 2),
    ...         **{m: np.array([1., 2., 3., 5., 5., 5.]) for m in MEASURES}}
    >>> np.round(chain_slopes(rows, min_structures=3)["inherent_energy"], 12).tolist()
    [1.0, 0.0]
    """
    chains = [c for c in np.unique(per_structure["chain"]) if np.sum(per_structure["chain"] == c) >= min_structures]
    out: dict[str, np.ndarray] = {"chain": np.array(chains, dtype=int)}
    for name in MEASURES:
        slopes, levels = [], []
        for c in chains:
            sel = per_structure["chain"] == c
            x = per_structure["sweep"][sel] / SWEEP_UNIT
            slopes.append(np.polyfit(x - x.mean(), per_structure[name][sel], 1)[0])
            levels.append(np.mean(per_structure[name][sel]))
        out[name] = np.array(slopes)
        out[f"{name}_level"] = np.array(levels)
    return out


def _trend(slopes: np.ndarray, levels: np.ndarray, seed: int) -> dict[str, Any]:
    est = bootstrap(np.mean, slopes, n_bootstrap=2000, seed=seed)
    trend = "grows" if est.low > 0 else "falls" if est.high < 0 else "no trend resolved"
    return {"mean_slope": float(est.value), "low": float(est.low), "high": float(est.high), "trend": trend,
            "chains_above_0": int(np.sum(slopes > 0)), "chains": int(slopes.size),
            "mean_level": float(np.mean(levels))}


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho, NaN where either input is constant (rho undefined)."""
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(stats.spearmanr(a, b).statistic)


def point_summary(slopes: Mapping[str, np.ndarray], seed: int = 0) -> dict[str, Any]:
    """The rule's numbers for one point: every measure's mean slope, trend and level, and the energy–sorting link."""
    n = slopes["chain"].size
    if n < MIN_GROUPS:
        return {"chains": n, "status": f"not assessed ({n} chains, {MIN_GROUPS} needed)"}
    pair = (slopes["inherent_energy"], slopes["size_neighbour_correlation"])
    if np.isnan(_spearman(*pair)):
        link = {"value": None, "reason": "a slope is the same in every chain: the rank correlation is undefined"}
    else:
        est = bootstrap(_spearman, pair, n_bootstrap=2000, seed=seed)
        link = {"value": float(est.value), "low": float(est.low), "high": float(est.high)}
    trends = {m: _trend(slopes[m], slopes[f"{m}_level"], seed) for m in MEASURES}
    return {"chains": n, "status": "ok", "slopes": trends, "link_spearman_inherent_vs_neighbour": link}


def pooled(per_point: Sequence[Mapping[str, np.ndarray]], seed: int = 0) -> dict[str, Any]:
    """:func:`point_summary` over the chains of several points of one model (each chain's slopes as they are)."""
    merged = {k: np.concatenate([p[k] for p in per_point]) for k in per_point[0]}
    return point_summary(merged, seed)


def analyse(roots: Sequence[Path]) -> dict[str, Any]:
    """Every point under the ladder folders ``roots`` (``n{N}/parts/taper_order-*``), and each model pooled."""
    points, by_model = [], {}
    for root in roots:
        for folder in sorted(root.glob("n*/parts/taper_order-*")):
            ds = load_point_folder(folder)
            model = "non-additive" if "nonadditive" in root.name else "additive"
            slopes = chain_slopes(structure_measures(ds))
            points.append({"model": model, "n_particles": int(ds.sizes["site"]), "point": folder.name,
                           "structures": int(ds.sizes["sample"]), **point_summary(slopes)})
            by_model.setdefault(model, []).append(slopes)
    return {"method": __doc__, "sweep_unit": SWEEP_UNIT, "points": points,
            "pooled": {model: pooled(s) for model, s in by_model.items()}}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("roots", type=Path, nargs="+", help="T_d ladder folders (runs/td_ladder, runs/td_ladder_nonadditive)")
    ap.add_argument("--out", type=Path, default=ROOT / "studies" / "results" / "sorting_trend.json")
    args = ap.parse_args(argv)
    result = analyse(args.roots)
    for p in [*result["points"], *({"model": k, "point": "pooled", **v} for k, v in result["pooled"].items())]:
        if p["status"] != "ok":
            print(p["model"], p.get("n_particles", ""), p["point"], p["status"])
            continue
        cells = "  ".join(f"{m}: {s['mean_slope']:+.4f} [{s['low']:+.4f}, {s['high']:+.4f}] {s['trend']}"
                          for m, s in p["slopes"].items())
        link = p["link_spearman_inherent_vs_neighbour"]
        linked = "undefined" if link["value"] is None else f"{link['value']:+.2f} [{link['low']:+.2f}, {link['high']:+.2f}]"
        print(f"{p['model']} {p.get('n_particles', '')} {p['point']} chains={p['chains']}  {cells}  link {linked}")
    write_text(args.out, json.dumps(result, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
