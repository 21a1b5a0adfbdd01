"""Seed 000 on the elastic (vector) medium: c_T, c_L and ω_BP against k_G; write vector_medium.json and a figure.

Seed 000 (``000_026fc50a0d017058.txt``, eq. 16) predicts for a medium whose
modulus varies on the length scale 1/k_G D(ω) ∝ ω⁴/(ω² + ¾c²k_G²) (3D) with
ω_BP = (√3/2) c k_G, c the transverse speed in the paper's motivation.  The
ratio to Debye's law, D/D_Debye = ω²/(ω² + ω_BP²), is the same in any
dimension; eqs 14/E8 carry ω² − ω_BP² instead.  This script *measures* the
law on the 2D elastic lattice of :mod:`vdosbench.generators.theory.elastic_medium`
(triangular Born lattice, 36 × 42 = 1512 sites, c_T = 1 for the homogeneous
lattice) for two modulus fields and ≥ 4 values of k_G each:

``random``
    ln f a Gaussian random field of correlation length 1/k_G, σ = 0.5,
    central springs (c_L/c_T = √3);
``inclusions``
    soft discs (f = 0.1) of radius 1/k_G, nominal area fraction 0.2,
    central springs;
``inclusions_ratio_1.4``
    the same discs with c_L/c_T = 1.4 (β₀ > 0): does ω_BP follow c_T or c_L?

Per sample (every mode by dense LAPACK): the transverse and longitudinal
speeds from the maxima of C_T(q, ω), C_L(q, ω) at the lowest wavevector
(|q| = 2π/L along x and along y, Gaussian broadening 0.01, grid step 0.001;
:func:`vdosbench.generators.theory.current_correlation.polarised_current_correlation`),
c = ω_peak/|q| averaged over the two directions (alternative: the weighted
mean frequency).  Per k_G (4 samples): ω_BP as the maximum of the
kernel-smoothed reduced DOS g(ω)/ω (primary; bandwidth 2π c_T/L, the
lowest-shell rule of :func:`vdosbench.validators.boson_peak_excess`) in the
window (0, 1.5] (units √(α/m), c_T = 1; the window of the scalar sweep,
``measure_kg_sweep.py``), where the *homogeneous* lattice's smoothed reduced
DOS stays below 1.21 times its Debye level (above, the lattice's own van
Hove rise towards ω ≈ 2 dominates); a maximum at the upper window edge is
flagged (no interior peak).  Alternatives: the binned excess maximum (15 bins) in the same
window, and the smoothed maximum in the wide window (0, 2.5].  Slopes of
ω_BP on c_T k_G: through the origin and with an intercept, over every
k_G > 0 point and over the unflagged ones; 1000 bootstrap resamples of the
samples of every point (ω_BP and c_T recomputed) give the standard errors
and 95 % percentile intervals.

The sign of eqs 14 vs 16: the count of modes with ω ≤ (√3/2) c_T k_G per
sample over the Debye count of the measured c_T, c_L.  Eq. 16 predicts
2∫₀¹ x³/(1 + x²) dx = 1 − ln 2 ≈ 0.307 of Debye (a deficit); eq. 14's form
has a pole at ω_BP and is negative below it (no count); an elastic medium
without an anomaly gives ≈ 1, a boson-peak excess > 1.

Run: ``python studies/vector_medium.py`` (465 s on one shared core at nice 19;
``--quick`` for a smoke run of seconds, written to a temporary folder unless
``--output``/``--figure`` are given).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import scipy
from threadpoolctl import threadpool_limits
from vdosbench.datasets import combine_parts
from vdosbench.datasets.io import temporary_path
from vdosbench.generators.theory.current_correlation import polarised_current_correlation
from vdosbench.generators.theory.elastic_medium import (
    MAX_SPEED_RATIO,
    ElasticMediumParams,
    elastic_medium_dataset,
    elastic_medium_modes,
    lattice_dispersion,
)
from vdosbench.generators.theory.inhomogeneous_closed_form import CROSSOVER_COEFFICIENT
from vdosbench.validators import stratified_bootstrap
from vdosbench.validators import boson_peak_excess

import vdosbench
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
FIGURES = ROOT / "docs" / "figures" / "seed000"
ROOT_SEED = 20261504
#: Primary window of the ω_BP search (units √(α/m), c_T = 1 for f = 1) and the wide alternative.
WINDOW = (0.0, 1.5)
WIDE_WINDOW = (0.0, 2.5)
#: Broadening and grid of C_T, C_L for the sound speeds.
CQ_WIDTH = 0.01
CQ_GRID = np.arange(0.001, 1.2, 0.001)
N_BOOTSTRAP = 1000
#: Eq. 16's ratio of the mode count below ω_BP to Debye's: 2 ∫₀¹ x³/(1 + x²) dx.
SEED_COUNT_RATIO = 1.0 - math.log(2.0)


def _sets(quick: bool) -> dict[str, dict[str, Any]]:
    """The media: fixed parameters, k_G grid, samples, size."""
    n_side, n_samples, k_values = (12, 2, (0.8, 1.3)) if quick else (36, 4, (0.4, 0.6, 0.8, 1.0, 1.3))
    inclusions = {
        "variant": "inclusions",
        "inclusion_fraction": 0.2,
        "inclusion_softness": 0.1,
        "inclusion_radius": 1.0,
    }
    return {
        "random": {
            "fixed": {"variant": "random", "log_modulus_std": 0.5, "speed_ratio": MAX_SPEED_RATIO},
            "k_G": k_values,
            "n_side": n_side,
            "n_samples": n_samples,
        },
        "inclusions": {
            "fixed": {**inclusions, "speed_ratio": MAX_SPEED_RATIO},
            "k_G": k_values,
            "n_side": n_side,
            "n_samples": n_samples,
        },
        "inclusions_ratio_1.4": {
            "fixed": {**inclusions, "speed_ratio": 1.4},
            "k_G": k_values,
            "n_side": n_side,
            "n_samples": n_samples,
        },
    }


def _speeds(cq: Any) -> dict[str, float]:
    """c_T, c_L from the peak (and the mean frequency) of C_T, C_L at the given wavevectors, averaged."""
    q = cq["q_norm"].values
    out = {}
    for pol, name in (("T", "transverse"), ("L", "longitudinal")):
        out[name] = float(np.mean(cq["peak_frequency"].sel(polarisation=pol).values / q))
        out[f"{name}_mean_frequency"] = float(np.mean(cq["mean_frequency"].sel(polarisation=pol).values / q))
    return out


def _sample(params: ElasticMediumParams, seed: np.random.SeedSequence, sample: int) -> tuple[Any, dict[str, float]]:
    """One sample: its VDOS-1.0 dataset and its measured speeds."""
    medium, lam, vec = elastic_medium_modes(params, seed)
    lx, ly = params.box
    q = np.array([[2 * np.pi / lx, 0.0], [0.0, 2 * np.pi / ly]])
    cq = polarised_current_correlation(lam, vec, medium.positions, q, omega=CQ_GRID, width=CQ_WIDTH)
    return elastic_medium_dataset(medium, lam, vec, seed, sample), _speeds(cq)


def _peak_on(fine: np.ndarray, curve: np.ndarray) -> float:
    return float(fine[int(np.argmax(curve))])


def _measure_point(name: str, spec: dict[str, Any], k_G: float) -> dict[str, Any]:
    """Generate the samples of one (medium, k_G) and measure c_T, c_L, ω_BP and the low-ω count."""
    params = ElasticMediumParams(k_G=k_G, n_side=spec["n_side"], **spec["fixed"])
    n_samples = spec["n_samples"] if k_G > 0 else 1  # k_G = 0: the homogeneous lattice, deterministic
    start = time.perf_counter()
    seeds = [np.random.SeedSequence(ROOT_SEED, spawn_key=(s,)) for s in range(n_samples)]
    parts, speeds = zip(*(_sample(params, seeds[s], s) for s in range(n_samples)))
    ds = combine_parts(list(parts)) if n_samples > 1 else parts[0]
    c_t = np.array([s["transverse"] for s in speeds])
    c_l = np.array([s["longitudinal"] for s in speeds])
    bp = boson_peak_excess(
        ds,
        window=WINDOW,
        bins=15,
        reference=float(c_l.mean()),
        transverse_sound_speed=float(c_t.mean()),
        n_bootstrap=N_BOOTSTRAP,
        seed=ROOT_SEED,
    )
    wide = boson_peak_excess(
        ds,
        window=WIDE_WINDOW,
        bins=25,
        reference=float(c_l.mean()),
        transverse_sound_speed=float(c_t.mean()),
        n_bootstrap=N_BOOTSTRAP,
        seed=ROOT_SEED,
    )
    fine = bp.curve["omega_fine"].values
    step = fine[1] - fine[0]
    smoothed = bp.curve["g_reduced_smoothed_sample"].values
    level = float(bp.curve["debye_level"])
    omega = np.sqrt(np.clip(ds["eigenvalue"].transpose("sample", "mode").values[:, 2:], 0.0, None))
    point: dict[str, Any] = {
        "k_G": k_G,
        "n_samples": n_samples,
        "n_site": params.n_site,
        "box": list(params.box),
        "homogeneous_c_T": params.sound_speed,
        "homogeneous_c_L": params.longitudinal_speed,
        "c_T": float(c_t.mean()),
        "c_T_se": float(c_t.std(ddof=1) / math.sqrt(n_samples)) if n_samples > 1 else 0.0,
        "c_L": float(c_l.mean()),
        "c_L_se": float(c_l.std(ddof=1) / math.sqrt(n_samples)) if n_samples > 1 else 0.0,
        "c_T_mean_frequency": float(np.mean([s["transverse_mean_frequency"] for s in speeds])),
        "c_L_mean_frequency": float(np.mean([s["longitudinal_mean_frequency"] for s in speeds])),
        "c_T_samples": c_t.tolist(),
        "c_L_samples": c_l.tolist(),
        "debye_level": level,
        "omega_bp": bp.smoothed_peak_frequency.to_dict(),
        "omega_bp_at_window_edge": bool(bp.smoothed_peak_frequency.value >= WINDOW[1] - 1.5 * step),
        "omega_bp_binned": bp.peak_frequency.to_dict(),
        "omega_bp_wide_window": wide.smoothed_peak_frequency.to_dict(),
        "relative_excess": bp.relative_excess.to_dict(),
        "bandwidth": float(bp.curve["bandwidth_sample"].mean()),
        "generation_seconds": time.perf_counter() - start,
        "_fine": fine,
        "_smoothed": smoothed,
        "_c_t": c_t,
        "_omega": omega,
    }
    if k_G > 0:
        seed_bp = CROSSOVER_COEFFICIENT * point["c_T"] * k_G
        counts = np.sum(omega <= seed_bp, axis=1)
        debye = level * seed_bp**2 / 2.0 * omega.shape[1]  # ∫₀^ω g_D = level ω²/2 per mode, 2N − 2 modes
        point.update(
            {
                "seed000_omega_bp": seed_bp,
                "ratio_to_c_T_k_G": point["omega_bp"]["value"] / (point["c_T"] * k_G),
                "ratio_to_c_L_k_G": point["omega_bp"]["value"] / (point["c_L"] * k_G),
                "modes_below_seed_omega_bp": {
                    "mean_count": float(counts.mean()),
                    "debye_count": float(debye),
                    "ratio_to_debye": float(counts.mean() / debye),
                    "ratio_se": float(counts.std(ddof=1) / math.sqrt(n_samples) / debye) if n_samples > 1 else None,
                    "eq16_ratio": SEED_COUNT_RATIO,
                    "eq14_ratio": "undefined: omega^2/(omega^2 - omega_BP^2) is negative below its pole at omega_BP",
                    "elastic_ratio": 1.0,
                },
            }
        )
    print(
        f"{name:>22} k_G={k_G:.2f} c_T={point['c_T']:.4f} c_L={point['c_L']:.4f} "
        f"w_BP={point['omega_bp']['value']:.3f}{' (edge)' if point['omega_bp_at_window_edge'] else ''} "
        f"binned={point['omega_bp_binned']['value']:.3f} wide={point['omega_bp_wide_window']['value']:.3f} "
        f"({point['generation_seconds']:.1f} s)",
        flush=True,
    )
    return point


def _homogeneous_baseline(points: list[dict[str, Any]]) -> None:
    """Add the k_G = 0 lattice's own count ratio at each point's ω_BP: the finite-box baseline of the count test.

    The box's discrete phonon shells make the count of a homogeneous lattice differ from Debye's at small ω.
    """
    home = points[0]
    for p in points[1:]:
        low = p["modes_below_seed_omega_bp"]
        w = p["seed000_omega_bp"]
        count = float(np.sum(home["_omega"] <= w, axis=1).mean())
        low["homogeneous_lattice_ratio_to_debye"] = count / (home["debye_level"] * w**2 / 2.0 * home["_omega"].shape[1])


def _fits(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Slope through the origin, and slope and intercept of ordinary least squares."""
    through = float(np.sum(x * y) / np.sum(x * x))
    if x.size < 2 or np.ptp(x) == 0:
        return through, math.nan, math.nan
    slope, intercept = np.polyfit(x, y, 1)
    return through, float(slope), float(intercept)


def _slopes(points: list[dict[str, Any]], rng: np.random.Generator) -> dict[str, Any]:
    """ω_BP against c_T k_G over the k_G > 0 points (all, and unflagged), bootstrapped over samples.

    Each point's samples are resampled on their own (:func:`vdosbench.validators.stratified_bootstrap`, the points
    in order, from ``rng``, which the two sets share in turn); ω_BP and c_T are recomputed per point.
    """
    out: dict[str, Any] = {}
    for label, use in (
        ("all", [p for p in points if p["k_G"] > 0]),
        ("unflagged", [p for p in points if p["k_G"] > 0 and not p["omega_bp_at_window_edge"]]),
    ):
        if len(use) < 2:
            out[label] = {"n_points": len(use), "note": "fewer than 2 points: no slope"}
            continue
        x = np.array([p["c_T"] * p["k_G"] for p in use])
        y = np.array([p["omega_bp"]["value"] for p in use])
        est = _fits(x, y)

        def statistic(picks: list[np.ndarray], use: list[dict[str, Any]] = use) -> tuple[float, float, float]:
            pairs = list(zip(use, picks, strict=True))
            xb = np.array([p["_c_t"][idx].mean() * p["k_G"] for p, idx in pairs])
            yb = np.array([_peak_on(p["_fine"], p["_smoothed"][idx].mean(axis=0)) for p, idx in pairs])
            return _fits(xb, yb)

        reps = stratified_bootstrap(statistic, [p["n_samples"] for p in use], N_BOOTSTRAP, rng)
        summary = {}
        for j, key in enumerate(("slope_through_origin", "slope", "intercept")):
            summary[key] = {
                "value": est[j],
                "se": float(np.nanstd(reps[:, j], ddof=1)),
                "interval_95": [float(np.nanpercentile(reps[:, j], 2.5)), float(np.nanpercentile(reps[:, j], 97.5))],
            }
        out[label] = {
            "n_points": len(use),
            "k_G": [p["k_G"] for p in use],
            **summary,
            "seed000_slope": CROSSOVER_COEFFICIENT,
        }
    return out


def _figure(results: dict[str, Any], cq: Any, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results)
    fig, axes = plt.subplots(2, 3, figsize=(16, 9))
    for ax, name in zip(axes[0], names):
        points = results[name]["points"]
        colours = plt.cm.viridis(np.linspace(0, 0.9, len(points)))
        for p, colour in zip(points, colours):
            curve = p["_smoothed"].mean(axis=0) / p["debye_level"]
            ax.plot(p["_fine"], curve, color=colour, label=f"k_G={p['k_G']:.2f}")
            if p["k_G"] > 0:
                w = p["_fine"]
                a = p["seed000_omega_bp"]
                ax.plot(w, w**2 / (w**2 + a**2), "--", color=colour, lw=0.9)
                minus = w**2 / (w**2 - a**2)
                ax.plot(w[w > 1.05 * a], minus[w > 1.05 * a], ":", color=colour, lw=0.9)
                ax.axvline(p["omega_bp"]["value"], color=colour, lw=0.6, alpha=0.6)
        ax.axhline(1.0, color="0.5", lw=0.8)
        ax.set_ylim(0, 3.5)
        ax.set_xlabel("ω [√(α/m)]")
        ax.set_ylabel("smoothed g(ω)/ω ÷ Debye level (measured c_T, c_L)")
        ax.set_title(f"{name}: dashed eq. 16, dotted eq. 14 (ω > ω_BP)", fontsize=9)
        ax.legend(fontsize=7)
    ax = axes[1, 0]
    for name, marker in zip(names, "osD"):
        pts = [p for p in results[name]["points"] if p["k_G"] > 0]
        x = [p["c_T"] * p["k_G"] for p in pts]
        y = [p["omega_bp"]["value"] for p in pts]
        lo = [p["omega_bp"]["value"] - p["omega_bp"]["low"] for p in pts]
        hi = [p["omega_bp"]["high"] - p["omega_bp"]["value"] for p in pts]
        line = ax.errorbar(x, y, yerr=[lo, hi], fmt=marker, capsize=3, label=name)
        flagged = [(xi, yi) for xi, yi, p in zip(x, y, pts) if p["omega_bp_at_window_edge"]]
        if flagged:
            ax.plot(*zip(*flagged), "x", color=line[0].get_color(), ms=10)
    xs = np.linspace(0, max(p["c_T"] * p["k_G"] for v in results.values() for p in v["points"]) * 1.05, 10)
    ax.plot(xs, CROSSOVER_COEFFICIENT * xs, "k:", label="seed 000: (√3/2) c_T k_G")
    ax.axhline(WINDOW[1], color="0.6", lw=0.8, ls="--")
    ax.set_xlabel("c_T k_G (c_T measured)")
    ax.set_ylabel("ω_BP (smoothed reduced-DOS maximum)")
    ax.set_title("ω_BP against c_T k_G (× : at the window edge)", fontsize=9)
    ax.legend(fontsize=7)
    ax = axes[1, 1]
    for name, marker in zip(names, "osD"):
        pts = [p for p in results[name]["points"] if p["k_G"] > 0]
        ratios = [p["modes_below_seed_omega_bp"]["ratio_to_debye"] for p in pts]
        errs = [p["modes_below_seed_omega_bp"]["ratio_se"] or 0.0 for p in pts]
        line = ax.errorbar([p["k_G"] for p in pts], ratios, yerr=errs, fmt=marker, capsize=3, label=name)
        base = [p["modes_below_seed_omega_bp"]["homogeneous_lattice_ratio_to_debye"] for p in pts]
        ax.plot(
            [p["k_G"] for p in pts],
            base,
            marker,
            mfc="none",
            color=line[0].get_color(),
            label=f"{name}: homogeneous lattice at the same ω",
        )
    ax.axhline(SEED_COUNT_RATIO, color="k", ls=":", label="eq. 16: 1 − ln 2")
    ax.axhline(1.0, color="0.5", lw=0.8, label="Debye")
    ax.set_xlabel("k_G")
    ax.set_ylabel("modes below (√3/2) c_T k_G ÷ Debye count")
    ax.set_title("the low-frequency side (eq. 16 predicts a deficit)", fontsize=9)
    ax.legend(fontsize=7)
    ax = axes[1, 2]
    cq = cq.isel(wavevector=np.flatnonzero(cq["q_y"].values == 0))  # the wavevectors along x
    c = cq["current_correlation"]
    xq = cq["q_norm"].values
    for pol, colour in (("T", "tab:blue"), ("L", "tab:red")):
        ax.plot(xq, cq["peak_frequency"].sel(polarisation=pol).values, "o", color=colour, label=f"peak of C_{pol}")
    qq = np.linspace(1e-3, xq.max() * 1.05, 100)
    exact = lattice_dispersion(np.stack([qq, 0 * qq], axis=1), cq.attrs["alpha0"], cq.attrs["beta0"])
    ax.plot(qq, np.sqrt(exact[:, 0]), "b-", lw=0.8, label="homogeneous lattice, T")
    ax.plot(qq, np.sqrt(exact[:, 1]), "r-", lw=0.8, label="homogeneous lattice, L")
    total = c.sum("polarisation").values
    ax.pcolormesh(xq, cq["omega"].values, np.log10(total.T + 1e-2), shading="nearest", cmap="Greys", alpha=0.6)
    ax.set_xlabel("|q| along x [1/a]")
    ax.set_ylabel("ω")
    ax.set_title(f"C_L + C_T (grey, log), {cq.attrs['variant']} k_G = {cq.attrs['k_G']:g}", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path).with_suffix(".png")
    try:
        fig.savefig(tmp, dpi=80)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run (seconds)")
    parser.add_argument("--output", type=Path, default=None, help="results JSON (default studies/results/...)")
    parser.add_argument("--figure", type=Path, default=None, help="figure (default docs/figures/seed000/...)")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="vector_medium_")) if args.quick else None
    out = args.output or (scratch / "vector_medium.json" if scratch else RESULTS / "vector_medium.json")
    png = args.figure or (scratch / "vector_medium_bp.png" if scratch else FIGURES / "vector_medium_bp.png")
    start = time.perf_counter()
    rng = np.random.default_rng(ROOT_SEED)
    results: dict[str, Any] = {}
    sets = _sets(args.quick)
    with threadpool_limits(1):
        for name, spec in sets.items():
            points = [_measure_point(name, spec, k) for k in (0.0, *spec["k_G"])]
            _homogeneous_baseline(points)
            results[name] = {"settings": spec, "points": points, "slope_vs_c_T_k_G": _slopes(points, rng)}
        from vdosbench.generators.theory.current_correlation import elastic_medium_current_correlation

        cq_params = ElasticMediumParams(n_side=sets["inclusions"]["n_side"], k_G=0.8, **sets["inclusions"]["fixed"])
        cq = elastic_medium_current_correlation(
            cq_params, ROOT_SEED, n_q=cq_params.n_side // 3, omega=np.linspace(0.005, 2.5, 300), width=0.02
        )
        cq.attrs.update(alpha0=cq_params.alpha0, beta0=cq_params.beta0)
    _figure(results, cq, png)
    for v in results.values():
        for p in v["points"]:
            for key in ("_fine", "_smoothed", "_c_t", "_omega"):
                p.pop(key)
    report = {
        "title": "seed 000 on the 2D elastic (vector) medium: c_T, c_L and omega_BP against k_G",
        "claim": "omega_BP = sqrt(3)/2 c k_G and D/D_Debye = omega^2/(omega^2 + omega_BP^2) (seed 000 eq. 16; "
        "eqs 14/E8 carry omega^2 - omega_BP^2)",
        "method": __doc__,
        "settings": {
            "window": list(WINDOW),
            "wide_window": list(WIDE_WINDOW),
            "cq_width": CQ_WIDTH,
            "cq_grid_step": float(CQ_GRID[1] - CQ_GRID[0]),
            "n_bootstrap": N_BOOTSTRAP,
            "root_seed": ROOT_SEED,
            "seed_rule": "numpy.random.SeedSequence(root_seed, spawn_key=(sample,))",
            "speed_rule": "c = omega of the maximum of C_P(q, omega) / |q| at |q| = 2 pi/L_x (along x) and "
            "2 pi/L_y (along y), averaged; per sample, then over samples",
            "omega_bp_rule": "maximum of the kernel-smoothed reduced DOS g/omega (bandwidth 2 pi c_T/L, L the "
            "longer edge) in the window; flagged when at the upper window edge",
            "quick": bool(args.quick),
        },
        "media": results,
        "figure": str(png.relative_to(ROOT)) if png.is_relative_to(ROOT) else str(png),
        "runtime_seconds": time.perf_counter() - start,
        "machine": {
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "vdosbench": vdosbench.__version__,
            "blas_threads": 1,
            "nice": os.nice(0),
        },
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    write_results(out, report, indent=1, default=float)
    print(f"wrote {out} and {png} in {report['runtime_seconds']:.0f} s")
    for name, v in results.items():
        for label, s in v["slope_vs_c_T_k_G"].items():
            if "slope" not in s:
                print(f"{name:>22} {label:>9}: {s['note']}")
                continue
            o, m, b = s["slope_through_origin"], s["slope"], s["intercept"]
            print(
                f"{name:>22} {label:>9} (n={s['n_points']}): through origin {o['value']:.3f} ± {o['se']:.3f} "
                f"[{o['interval_95'][0]:.3f}, {o['interval_95'][1]:.3f}]; line {m['value']:.3f} ± {m['se']:.3f}, "
                f"intercept {b['value']:.3f} ± {b['se']:.3f} (seed {CROSSOVER_COEFFICIENT:.3f})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
