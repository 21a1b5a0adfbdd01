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

Where the values come from: the first three are stored per structure, so the compact form
``studies/results/finite_size_modes.nc`` (on main) holds them for every chain.  The segregation needs positions
and diameters, which only the part files hold; ``finite_size.py`` computes it when it reads part files and keeps
it in the compact form as ``size_segregation``.  The part files of the first chains (every N = 1000 chain, the
N = 2000 chains in the compact form) are lost (``docs/findings/finite-size.md``, History), so their segregation
slopes cannot be computed: the segregation is assessed only at points where at least ``MIN_GROUPS`` chains hold
it (the chains run later, with ``--first-sample``).  Its normalisation (the random-placement
variance of a cell mean) depends on N, so pooling it across N mixes scales; the pooled segregation slope is a
sign test, not a size.

Decision rule: the registration ``benchmark/registrations/sorting-trend.toml`` (claim
``equilibrium.sorting-trend``; its date: ``docs/findings/finite-size.md``, History), whose numbers this module reads:
    per point (model, N, m), the mean slope over chains (per 10⁵ sweeps) with a 95 % percentile bootstrap
    over chains (chains are independent, :func:`vdosbench.validators.bootstrap`); a measure "grows" / "falls"
    when the interval lies above / below 0 (the registered expectation "greater than 0" read by
    :func:`vdosbench.benchmark.verdict_for`: supported / refuted), else "no trend resolved".  The link: Spearman's
    rank correlation across chains between the inherent-energy slope and the neighbour-correlation slope, with a
    bootstrap interval over chains (negative: chains that sort more deepen more).  Sorting is said to go on with
    the energy decline in a model when, pooled over its points, the neighbour correlation grows and the inherent
    energy falls.  Points need at least 6 chains (``min_chains``, the validators' ``MIN_GROUPS``).

Usage (from the clone's root, as a module: it reads the points with the finite-size study's loaders)::

    python -m studies.sorting_trend                      # the compact form on main
    python -m studies.sorting_trend studies/results/finite_size_modes.nc runs/td_ladder runs/td_ladder_nonadditive
    python studies/finite_size_tables.py    # then the findings page's tables (its "sorting-trend" one)
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from scipy import stats

from studies import finite_size  # the finite-size study's loaders and its by-sample merge
from vdosbench.benchmark import Verdict, load_registration, verdict_for
from vdosbench.datasets import point_group_name
from vdosbench.validators import bootstrap
from vdosbench.validators.results.registry import study_measure
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
#: The decision rule (benchmark/registrations/sorting-trend.toml): its claim and measure.
RULE = load_registration("sorting-trend").claim("equilibrium.sorting-trend")
#: Slopes are per this many sweeps.
SWEEP_UNIT = float(RULE.settings["per_sweeps"])
N_BOOTSTRAP = int(
    RULE.settings["n_bootstrap"]
)  # replicates of every chain bootstrap (the slopes and the Spearman link)
#: Fewest chains a point needs (the validators' MIN_GROUPS).
MIN_GROUPS = int(RULE.settings["min_chains"])
CONFIDENCE = float(RULE.settings["confidence"])
MEASURES = ("segment_mean_energy", "inherent_energy", "size_neighbour_correlation", "size_segregation")
#: The rule's reading of a mean slope's interval: the verdict on "greater than 0".
GROWS = RULE.expect
TRENDS = {Verdict.SUPPORTED: "grows", Verdict.REFUTED: "falls", Verdict.INCONCLUSIVE: "no trend resolved"}


def load_chain_points(inputs: Sequence[Path]) -> dict[tuple[str, int, int, float], xr.Dataset]:
    """The T_d chain points of compact files (``studies/results/finite_size_modes.nc``) and ladder folders.

    Inputs are merged by sample in order (``finite_size.merge_points``: a later input's sample replaces an earlier
    one's), so a folder of chains run with ``--first-sample`` extends the compact file's chains.  Only points that
    hold chains (a ``chain`` variable) are kept; the key is (model, N, taper, T*), the model read from the
    ``non_additivity`` attribute (0: additive) or, for part files without it, from the folder's name.
    """
    points: dict[tuple[int, int, float], xr.Dataset] = {}
    folder_model: dict[tuple[int, int, float], str] = {}  # for part files that do not record non_additivity
    for root in inputs:
        if root.suffix == ".nc":
            new = finite_size.load_compact(root)
        else:
            if not any(root.glob("n*/parts/taper_order-*/sample-*.nc")):
                raise FileNotFoundError(
                    f"no part files (n*/parts/taper_order-*/sample-*.nc) under {root}; expected a T_d ladder folder "
                    "written by studies/td_ladder_queue.sh or a compact .nc file. Fix: pass the ladder's folder, "
                    "e.g. runs/td_ladder, or studies/results/finite_size_modes.nc"
                )
            new = finite_size.load_points(root)
            folder_model.update({key: "non-additive" if "nonadditive" in root.name else "additive" for key in new})
        points = finite_size.merge_points(points, new)
    return {(_model(ds, folder_model.get(key)), *key): ds for key, ds in points.items() if "chain" in ds}


def _model(ds: xr.Dataset, from_folder: str | None) -> str:
    """ "additive" or "non-additive": the ``non_additivity`` attribute (ε, 0 for additive), else the folder's name."""
    if "non_additivity" in ds.attrs:
        return "additive" if float(ds.attrs["non_additivity"]) == 0.0 else "non-additive"
    return from_folder or "additive"


def structure_measures(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """Per structure: chain, sweep and every measure of :data:`MEASURES` (segregation NaN where not stored)."""
    n = ds.sizes["sample"]
    out = {"chain": ds["chain"].values.astype(int), "sweep": ds["mc_sweep"].values.astype(float)}
    for name in MEASURES:
        out[name] = ds[name].values.astype(float) if name in ds else np.full(n, np.nan)
    return out


def chain_slopes(per_structure: Mapping[str, np.ndarray], min_structures: int = 5) -> dict[str, np.ndarray]:
    """Least-squares slope of each measure against the sweep (per :data:`SWEEP_UNIT`), one per chain.

    Chains with fewer than ``min_structures`` structures (a chain still running) are left out; a chain whose
    measure is not stored for every structure (NaN) has a NaN slope for that measure.

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
            x, y = per_structure["sweep"][sel] / SWEEP_UNIT, per_structure[name][sel]
            if not np.all(np.isfinite(y)):  # the measure is not stored for this chain
                slopes.append(np.nan)
                levels.append(np.nan)
                continue
            slopes.append(np.polyfit(x - x.mean(), y, 1)[0])
            levels.append(np.mean(y))
        out[name] = np.array(slopes)
        out[f"{name}_level"] = np.array(levels)
    return out


@study_measure("sorting_trend.mean_chain_slope")
def _trend(slopes: np.ndarray, levels: np.ndarray, seed: int) -> dict[str, Any]:
    known = np.isfinite(slopes)
    slopes, levels = slopes[known], levels[known]
    if slopes.size < MIN_GROUPS:
        return {
            "trend": f"not assessed ({slopes.size} chains hold it, {MIN_GROUPS} needed)",
            "chains": int(slopes.size),
        }
    est = bootstrap(np.mean, slopes, n_bootstrap=N_BOOTSTRAP, seed=seed, confidence=CONFIDENCE)
    mean = est.measurement(
        "mean slope",
        units=f"per {SWEEP_UNIT:g} sweeps",
        settings={},
        curve=None,
        method="mean of per-chain least-squares slopes",
    )
    trend = TRENDS[verdict_for(mean, GROWS)]
    return {
        "mean_slope": float(est.value),
        "low": float(est.low),
        "high": float(est.high),
        "trend": trend,
        "chains_above_0": int(np.sum(slopes > 0)),
        "chains": int(slopes.size),
        "mean_level": float(np.mean(levels)),
    }


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
        est = bootstrap(_spearman, pair, n_bootstrap=N_BOOTSTRAP, seed=seed, confidence=CONFIDENCE)
        link = {"value": float(est.value), "low": float(est.low), "high": float(est.high)}
    trends = {m: _trend(slopes[m], slopes[f"{m}_level"], seed) for m in MEASURES}
    return {"chains": n, "status": "ok", "slopes": trends, "link_spearman_inherent_vs_neighbour": link}


def pooled(per_point: Sequence[Mapping[str, np.ndarray]], seed: int = 0) -> dict[str, Any]:
    """:func:`point_summary` over the chains of several points of one model (each chain's slopes as they are)."""
    merged = {k: np.concatenate([p[k] for p in per_point]) for k in per_point[0]}
    return point_summary(merged, seed)


def analyse(inputs: Sequence[Path]) -> dict[str, Any]:
    """Every chain point of ``inputs`` (:func:`load_chain_points`), and each model pooled."""
    points, by_model = [], {}
    for (model, n, m, t), ds in sorted(load_chain_points(inputs).items()):
        slopes = chain_slopes(structure_measures(ds))
        points.append(
            {
                "model": model,
                "n_particles": n,
                "taper_order": m,
                "parent_temperature": t,
                "point": point_group_name(n, m, t),
                "structures": int(ds.sizes["sample"]),
                **point_summary(slopes),
            }
        )
        by_model.setdefault(model, []).append(slopes)
    return {
        "method": __doc__,
        "sweep_unit": SWEEP_UNIT,
        "inputs": [str(p) for p in inputs],
        "points": points,
        "pooled": {model: pooled(s) for model, s in by_model.items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "inputs",
        type=Path,
        nargs="*",
        default=[ROOT / "studies" / "results" / "finite_size_modes.nc"],
        help="compact .nc files and T_d ladder folders (runs/td_ladder, runs/td_ladder_nonadditive), "
        "merged by sample in order (default: studies/results/finite_size_modes.nc)",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "studies" / "results" / "sorting_trend.json")
    args = ap.parse_args(argv)
    result = analyse(args.inputs)
    for p in [*result["points"], *({"model": k, "point": "pooled", **v} for k, v in result["pooled"].items())]:
        if p["status"] != "ok":
            print(p["model"], p.get("n_particles", ""), p["point"], p["status"])
            continue
        cells = "  ".join(
            f"{m}: {s['mean_slope']:+.4f} [{s['low']:+.4f}, {s['high']:+.4f}] {s['trend']}"
            if "mean_slope" in s
            else f"{m}: {s['trend']}"
            for m, s in p["slopes"].items()
        )
        link = p["link_spearman_inherent_vs_neighbour"]
        linked = (
            "undefined" if link["value"] is None else f"{link['value']:+.2f} [{link['low']:+.2f}, {link['high']:+.2f}]"
        )
        print(f"{p['model']} {p.get('n_particles', '')} {p['point']} chains={p['chains']}  {cells}  link {linked}")
    write_results(args.out, result, indent=1, default=float)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
