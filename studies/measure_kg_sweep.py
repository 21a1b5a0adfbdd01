"""Measure ω_BP against c·k_G on the seed-000 numerical medium; write kg_sweep.json and kg_sweep.png.

Seed 000 (``000_026fc50a0d017058.txt``, eq. 16) predicts, for an elastic
medium whose modulus varies on the length scale 1/k_G,
D(ω) ∝ ω⁴/(ω² + ω_BP²) with ω_BP = (√3/2) c k_G.  This script *measures*
that law on the 3D scalar lattices of
:mod:`vdosbench.generators.theory.inhomogeneous_medium` (variants ``modulation``,
``random``, ``inclusions``) over a sweep of k_G, with k_G = 0 the homogeneous
lattice, and records:

* per k_G: the sound speed c (exact homogenisation: analytic for the layered
  modulation, :func:`vdosbench.validators.sound_speed` ``"modulus"`` for the
  others), ω_BP by the two estimators of
  :func:`vdosbench.validators.crossover_frequency` (ML fit of
  ω⁴/(ω² + ω_c²) on a window; maximum of g/ω³) and the conventional boson
  peak (maximum of the excess g/ω² over the Debye level of the measured c,
  :func:`vdosbench.validators.boson_peak_excess`), with bootstrap errors over
  samples, and the number of modes below the seed's ω_BP compared with the
  Debye count of the measured c (eq. 16 with the Debye prefactor of eq. 13
  predicts 3(π/4 − 2/3) ≈ 0.356 of it, about 0.4–0.5 once normalised on the
  Debye sphere; elasticity predicts ≈ 1);
* per variant: the slope of ω_BP against c·k_G (k_G > 0 points;
  :func:`vdosbench.validators.crossover_slope_from_points`) with its
  uncertainty, intercept, and the same for a narrower window;
* a figure: reduced DOS over the Debye level of the own c against the seed's
  ω²/(ω² + ω_BP²), ω_BP against c·k_G, and C(q, ω) of two 2D media.

Run: ``python studies/measure_kg_sweep.py`` (about 5 minutes on one core;
``--quick`` for a smoke run of a few seconds that writes to a temporary
folder unless ``--output`` is given).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import xarray as xr
from threadpoolctl import threadpool_limits
from vdosbench.datasets import combine_parts
from vdosbench.generators import medium_current_correlation
from vdosbench.generators.theory.inhomogeneous_closed_form import (
    CROSSOVER_COEFFICIENT,
    closed_form_integral,
    crossover_frequency,
    debye_frequency,
)
from vdosbench.generators import (
    MediumParams,
    build_medium,
    inhomogeneous_medium_sample,
    layered_conductance,
)
from vdosbench.validators import boson_peak_excess
from vdosbench.validators import crossover_frequency as measure_crossover
from vdosbench.validators import crossover_slope_from_points
from vdosbench.validators import debye_reduced_level
from vdosbench.validators import sound_speed

import vdosbench
from vdosbench.datasets.json_files import dumps_strict

ROOT_SEED = 20260000
DIMENSION = 3
#: ML-fit / peak windows (units √(t0/m)); the first is the primary one.
WINDOWS = ((0.0, 1.5), (0.0, 1.0))
N_BOOTSTRAP = 500


def _sweep(quick: bool) -> dict[str, dict[str, Any]]:
    """The k_G grid, size and samples of each variant."""
    if quick:
        return {
            "modulation": {"n_side": 24, "m": (0, 2, 4, 6), "n_samples": 1, "fixed": {"modulation_amplitude": 0.5}},
            "random": {"n_side": 8, "k_G": (0.0, 0.8, 1.2, 1.6), "n_samples": 2, "fixed": {"log_modulus_std": 0.5}},
            "inclusions": {
                "n_side": 8,
                "k_G": (0.0, 0.8, 1.2, 1.6),
                "n_samples": 2,
                "fixed": {"inclusion_fraction": 0.2, "inclusion_softness": 0.1, "inclusion_radius": 1.0},
            },
        }
    return {
        # layered: Bloch-exact, so a large box (48³ = 110 592 sites) costs < 1 s; deterministic: one sample
        "modulation": {
            "n_side": 48,
            "m": (0, 2, 4, 6, 8, 10, 12),
            "n_samples": 1,
            "fixed": {"modulation_amplitude": 0.5},
        },
        # dense LAPACK on 14³ = 2744 sites: about 4 s per sample on one core
        "random": {
            "n_side": 14,
            "k_G": (0.0, 0.4, 0.6, 0.8, 1.0, 1.3),
            "n_samples": 4,
            "fixed": {"log_modulus_std": 0.5},
        },
        "inclusions": {
            "n_side": 14,
            "k_G": (0.0, 0.5, 0.7, 0.9, 1.1, 1.3),
            "n_samples": 4,
            "fixed": {"inclusion_fraction": 0.2, "inclusion_softness": 0.1, "inclusion_radius": 1.0},
        },
    }


def _k_values(spec: dict[str, Any]) -> list[float]:
    if "m" in spec:
        return [2.0 * math.pi * m / spec["n_side"] for m in spec["m"]]
    return [float(k) for k in spec["k_G"]]


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _fmt(x: float | None) -> str:
    return "nan" if x is None or not np.isfinite(x) else f"{x:.3f}"


def _measure_point(variant: str, k_G: float, spec: dict[str, Any], cache: dict[Any, Any]) -> dict[str, Any]:
    """Generate the samples of one (variant, k_G) and measure c, ω_BP and the low-ω mode count."""
    params = MediumParams(variant=variant, k_G=k_G, dimension=DIMENSION, n_side=spec["n_side"], **spec["fixed"])
    n_samples = 1 if k_G == 0 else spec["n_samples"]  # k_G = 0: the homogeneous lattice, deterministic
    key = ("homogeneous", spec["n_side"]) if k_G == 0 else None
    start = time.perf_counter()
    if key is not None and key in cache:
        point, c_samples = cache[key]
    else:
        seeds = [np.random.SeedSequence(ROOT_SEED, spawn_key=(s,)) for s in range(n_samples)]
        parts = [inhomogeneous_medium_sample(params, seeds[s], s) for s in range(n_samples)]
        point = combine_parts(parts) if n_samples > 1 else parts[0]
        if params.layered:
            sigma = layered_conductance(build_medium(params, seeds[0]))
            c_samples = np.full(n_samples, math.sqrt(np.trace(sigma) / DIMENSION))
        else:
            c_samples = np.asarray(sound_speed(point, "modulus").values, dtype=float)
        if key is not None:
            cache[key] = (point, c_samples)
    gen_time = time.perf_counter() - start
    c = float(c_samples.mean())
    c_se = float(c_samples.std(ddof=1) / math.sqrt(c_samples.size)) if c_samples.size > 1 else 0.0
    omega = np.sqrt(np.clip(point["eigenvalue"].values[..., 1:], 0.0, None)).reshape(n_samples, -1)
    n_site = params.n_site
    estimates: dict[str, Any] = {}
    for w_index, window in enumerate(WINDOWS):
        res = measure_crossover(point, window=window, n_bootstrap=N_BOOTSTRAP, seed=ROOT_SEED + w_index)
        estimates[f"window_{window[1]:g}"] = {
            "window": list(window),
            "fit_frequency": _finite(res.fit_frequency.value),
            "fit_frequency_se": _finite(res.fit_frequency.uncertainty),
            "peak_frequency": _finite(res.peak_frequency.value),
            "peak_frequency_se": _finite(res.peak_frequency.uncertainty),
            "fit_at_bound": bool(res.settings["fit_at_bound"]),
            "peak_at_window_edge": bool(res.settings["peak_at_window_edge"]),
            "fit_replicates": res.replicates[:, 1].tolist() if res.replicates.size else [],
            "peak_replicates": res.replicates[:, 0].tolist() if res.replicates.size else [],
        }
        # the conventional boson peak: maximum of the excess g/ω² − Debye level of the measured c
        bp = boson_peak_excess(
            point, window=window, bins=15, reference=c, n_bootstrap=N_BOOTSTRAP, seed=ROOT_SEED + w_index
        )
        edges = np.asarray(bp.settings.get("bin_edges", []), dtype=float)
        at_edge = bool(edges.size > 2 and (bp.peak_frequency.value <= edges[1] or bp.peak_frequency.value >= edges[-2]))
        estimates[f"window_{window[1]:g}"].update(
            {
                "excess_frequency": _finite(bp.peak_frequency.value),
                "excess_frequency_se": _finite(bp.peak_frequency.uncertainty),
                "excess_at_window_edge": at_edge,
                "relative_excess": _finite(bp.relative_excess.value),
                "relative_excess_se": _finite(bp.relative_excess.uncertainty),
                "excess_replicates": [],
            }
        )
    seed_bp = crossover_frequency(k_G, c)
    low: dict[str, Any] = {}
    if k_G > 0:
        # Debye count below ω with the measured c (3D scalar, one site per unit volume): N ω³/(6π² c³)
        debye = n_site * seed_bp**3 / (6.0 * math.pi**2 * c**3)
        counts = np.sum(omega <= seed_bp, axis=1)
        seed_ratio = 3.0 * float(closed_form_integral(np.array(1.0), 1.0))  # 3 ∫₀¹ x⁴/(x²+1) dx = 3(π/4 − 2/3)
        # the same with eq. 16 normalised to one mode per site on the Debye sphere (plateau above Debye)
        w_d = debye_frequency(c)
        seed_ratio_normalised = seed_ratio * (w_d**3 / 3.0) / float(closed_form_integral(np.array(w_d), seed_bp))
        low = {
            "omega_max": seed_bp,
            "mean_count": float(counts.mean()),
            "debye_count": debye,
            "ratio_to_debye": float(counts.mean() / debye),
            "ratio_se": float(math.sqrt(max(counts.sum(), 1)) / n_samples / debye),
            "seed000_ratio": seed_ratio,
            "seed000_ratio_normalised_on_debye_sphere": seed_ratio_normalised,
            "elasticity_ratio": 1.0,
            "informative": bool(debye * n_samples >= 10),
        }
    return {
        "k_G": k_G,
        "k_G_lattice": params.k_G_lattice,
        "n_side": params.n_side,
        "n_site": n_site,
        "n_samples": n_samples,
        "sound_speed": c,
        "sound_speed_se": c_se,
        "sound_speed_method": "analytic homogenisation of the layered medium (validators.sound_speed 'modulus' "
        "agrees, tests/generators/test_inhomogeneous_medium.py)"
        if params.layered
        else "validators.sound_speed('modulus')",
        "c_k_G": c * k_G,
        "seed000_omega_bp": seed_bp,
        "estimates": estimates,
        "modes_below_seed_omega_bp": low,
        "n_inclusions": int(point.attrs.get("n_inclusions", 0)),
        "soft_bond_fraction": float(point.attrs.get("soft_bond_fraction", 0.0)),
        "generation_seconds": gen_time,
        "_omega": omega,
    }


_FLAGS = {"fit": "fit_at_bound", "peak": "peak_at_window_edge", "excess": "excess_at_window_edge"}


def _line(x: np.ndarray, y: np.ndarray, se: np.ndarray | None, replicates: np.ndarray | None) -> dict[str, Any]:
    try:
        res = crossover_slope_from_points(x, y, se, replicates=replicates)
    except (ValueError, ZeroDivisionError) as e:  # too few finite points, or degenerate weights
        return {"slope": None, "slope_se": None, "intercept": None, "intercept_se": None, "error": str(e)}
    slope = res.slope
    z = (slope.value - CROSSOVER_COEFFICIENT) / slope.uncertainty if slope.uncertainty > 0 else math.nan
    return {
        "n_points": int(np.isfinite(y).sum()),
        "slope": _finite(slope.value),
        "slope_se": _finite(slope.uncertainty),
        "intercept": _finite(res.intercept.value),
        "intercept_se": _finite(res.intercept.uncertainty),
        "slope_through_origin": _finite(res.slope_through_origin.value),
        "z_slope_vs_seed000": _finite(z),
        "weights": res.settings["weights"],
        "uncertainty_method": res.settings["uncertainty"],
        "chi2_per_dof": _finite(res.settings["chi2_per_dof"]),
    }


def _slope(points: list[dict[str, Any]], window_key: str, estimator: str) -> dict[str, Any]:
    """Three lines ω_BP = a + b c k_G over the k_G > 0 points.

    ``unweighted_usable`` (the headline): ordinary least squares, residual-scatter errors, without the
    points the estimator flags (ML fit at its search bound, peak in the first or last bin);
    ``unweighted_all``: the same over every point; ``weighted_bootstrap``: the validator's 1/SE² fit with
    bootstrap replicates (misleading when a bootstrap SE collapses to ~0, e.g. a peak that every resample
    puts in the same bin; see chi2_per_dof).
    """
    use = [p for p in points if p["k_G"] > 0]
    est = [p["estimates"][window_key] for p in use]
    x = np.array([p["c_k_G"] for p in use])
    y = np.array([e[f"{estimator}_frequency"] if e[f"{estimator}_frequency"] is not None else np.nan for e in est])
    se = np.array(
        [e[f"{estimator}_frequency_se"] if e[f"{estimator}_frequency_se"] is not None else np.nan for e in est]
    )
    flagged = np.array([bool(e[_FLAGS[estimator]]) for e in est])
    reps = [e[f"{estimator}_replicates"] for e in est]
    replicates = np.column_stack(reps) if all(len(r) == N_BOOTSTRAP for r in reps) else None
    usable = ~flagged & np.isfinite(y)
    return {
        "estimator": estimator,
        "window": window_key,
        "seed000_slope": CROSSOVER_COEFFICIENT,
        "flagged_k_G": [p["k_G"] for p, f in zip(use, flagged) if f],
        "unweighted_usable": _line(x[usable], y[usable], None, None),
        "unweighted_all": _line(x, y, None, None),
        "weighted_bootstrap": _line(x, y, se, replicates),
    }


def _figure(results: dict[str, Any], cq: dict[str, xr.Dataset], path: Path) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    edges = np.geomspace(0.25, 2.5, 21)
    centres = np.sqrt(edges[1:] * edges[:-1])
    for ax, variant in zip(axes[0], ("modulation", "random", "inclusions")):
        points = results[variant]["points"]
        colours = plt.cm.viridis(np.linspace(0, 0.9, len(points)))
        for p, colour in zip(points, colours):
            w = p["_omega"]
            counts = np.histogram(w.ravel(), bins=edges)[0] / (w.shape[0] * p["n_site"])
            g = counts / np.diff(edges)
            level = debye_reduced_level(p["sound_speed"], DIMENSION, 1.0)
            ax.plot(centres, g / centres**2 / level, "o-", ms=3, color=colour, label=f"k_G={p['k_G']:.2f}")
            a = p["seed000_omega_bp"]
            if a > 0:
                ax.plot(centres, centres**2 / (centres**2 + a**2), "--", color=colour, lw=1)
        ax.axhline(1.0, color="0.5", lw=0.8)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_ylim(0, 3)
        ax.set_xlabel("ω [√(t0/m)]")
        ax.set_ylabel("g(ω)/ω² ÷ Debye level of own c")
        ax.set_title(f"{variant} ({points[-1]['n_side']}³); dashed: seed eq. 16")
        ax.legend(fontsize=7)
    ax = axes[1, 0]
    for variant, marker in zip(("modulation", "random", "inclusions"), "osD"):
        pts = results[variant]["points"]
        x = [p["c_k_G"] for p in pts]
        y = [p["estimates"]["window_1.5"]["fit_frequency"] for p in pts]
        e = [p["estimates"]["window_1.5"]["fit_frequency_se"] or 0.0 for p in pts]
        line = ax.errorbar(x, y, yerr=e, fmt=marker, capsize=3, label=f"{variant}: ML fit ω_c")
        yb = [p["estimates"]["window_1.5"]["excess_frequency"] for p in pts]
        ax.plot(x, yb, marker, mfc="none", color=line[0].get_color(), label=f"{variant}: max of excess g/ω²")
    xs = np.linspace(0, max(p["c_k_G"] for v in results.values() for p in v["points"]), 10)
    ax.plot(xs, CROSSOVER_COEFFICIENT * xs, "k:", label="seed 000: (√3/2) c k_G")
    ax.set_xlabel("c·k_G")
    ax.set_ylabel("ω_BP (window 0–1.5)")
    ax.legend(fontsize=7)
    ax.set_title("crossover frequency against c·k_G")
    for ax, (name, ds) in zip(axes[1, 1:], cq.items()):
        c = ds["current_correlation"]
        ax.pcolormesh(ds["wavevector"].values, ds["omega"].values, np.log10(c.values.T + 1e-3), shading="nearest")
        ax.plot(ds["wavevector"].values, ds["peak_frequency"].values, "w.", ms=4)
        ax.set_xlabel("|q| along x [1/a]")
        ax.set_ylabel("ω")
        ax.set_title(f"log10 C(q, ω): {name}")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run (seconds)")
    parser.add_argument("--output", type=Path, default=None, help="results folder (default studies/results)")
    args = parser.parse_args(argv)
    out = args.output or (Path(__file__).parent / "results" if not args.quick else Path("/tmp/kg_sweep_quick"))
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    sweep = _sweep(args.quick)
    results: dict[str, Any] = {}
    cache: dict[Any, Any] = {}
    with threadpool_limits(1):
        for variant, spec in sweep.items():
            points = []
            for k in _k_values(spec):
                p = _measure_point(variant, k, spec, cache)
                points.append(p)
                est = p["estimates"]["window_1.5"]
                print(
                    f"{variant:>10} k_G={k:.3f} c={p['sound_speed']:.4f} fit={_fmt(est['fit_frequency'])} "
                    f"peak={_fmt(est['peak_frequency'])} seed={p['seed000_omega_bp']:.3f} "
                    f"low={_fmt(p['modes_below_seed_omega_bp'].get('ratio_to_debye'))} "
                    f"({p['generation_seconds']:.1f} s)",
                    flush=True,
                )
            slopes = [_slope(points, f"window_{w[1]:g}", est) for w in WINDOWS for est in ("fit", "peak", "excess")]
            results[variant] = {"settings": {**spec, "k_G": _k_values(spec)}, "points": points, "slopes": slopes}
        n_cq = 24 if args.quick else 40
        cq = {
            f"2D modulation {n_cq}², k_G=2π·4/{n_cq}": medium_current_correlation(
                {"variant": "modulation", "k_G": 2 * math.pi * 4 / n_cq, "dimension": 2, "n_side": n_cq},
                ROOT_SEED,
                n_q=n_cq // 2,
                axes=[0],
                width=0.03,
            ),
            f"2D random {n_cq}², k_G=0.6": medium_current_correlation(
                {"variant": "random", "k_G": 0.6, "dimension": 2, "n_side": n_cq},
                ROOT_SEED,
                n_q=n_cq // 2,
                axes=[0],
                width=0.03,
            ),
        }
    png = out / "kg_sweep.png"
    _figure(results, cq, png)
    for v in results.values():
        for p in v["points"]:
            p.pop("_omega")
            for e in p["estimates"].values():
                for name in ("fit", "peak", "excess"):
                    e.pop(f"{name}_replicates")
    report = {
        "title": "seed 000: omega_BP against c k_G on the numerical inhomogeneous medium",
        "claim": "D(omega) ~ omega^4/(omega^2 + 3/4 c^2 k_G^2), omega_BP = sqrt(3)/2 c k_G (seed 000 eq. 16)",
        "settings": {
            "dimension": DIMENSION,
            "lattice": "simple cubic, unit masses, a = 1, periodic, nearest-neighbour scalar springs, t0 = 1",
            "windows": [list(w) for w in WINDOWS],
            "n_bootstrap": N_BOOTSTRAP,
            "root_seed": ROOT_SEED,
            "seed_rule": "numpy.random.SeedSequence(root_seed, spawn_key=(sample,))",
            "slope_points": "k_G > 0 only (k_G = 0 is the homogeneous reference, reported in points)",
            "low_frequency_test": "modes with omega <= sqrt(3)/2 c k_G per sample over the Debye count "
            "N omega^3/(6 pi^2 c^3) of the measured c; seed eq. 16 predicts 3(pi/4 - 2/3) = 0.356, "
            "elasticity about 1",
            "quick": bool(args.quick),
        },
        "variants": results,
        "current_correlation": {
            name: {
                "peak_frequency": ds["peak_frequency"].values.tolist(),
                "wavevector": ds["wavevector"].values.tolist(),
                **{k: v for k, v in ds.attrs.items() if isinstance(v, (int, float, str))},
            }
            for name, ds in cq.items()
        },
        "figure": png.name,
        "runtime_seconds": time.perf_counter() - start,
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor(),
            "cpu_count": os.cpu_count(),
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "vdosbench": vdosbench.__version__,
            "blas_threads": 1,
        },
    }
    path = out / "kg_sweep.json"
    path.write_text(dumps_strict(report, indent=1, default=float) + "\n")
    print(f"wrote {path} and {png} in {report['runtime_seconds']:.0f} s")
    for variant, v in results.items():
        for s in v["slopes"]:
            for how in ("unweighted_usable", "unweighted_all", "weighted_bootstrap"):
                f = s[how]
                print(
                    f"{variant:>10} {s['estimator']:>6} {s['window']:>10} {how:>18}: slope {_fmt(f['slope'])} ± "
                    f"{_fmt(f['slope_se'])} (seed {CROSSOVER_COEFFICIENT:.3f}), intercept {_fmt(f['intercept'])} ± "
                    f"{_fmt(f['intercept_se'])}, n={f.get('n_points', 0)}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
