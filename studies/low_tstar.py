"""The exponent s of seed-001 glasses against the parent temperature T*, by preparation protocol (issue 14).

Reads ensemble folders written by ``vdosbench generate`` (seed-literal recipe
``soft_spheres_n1000``, equilibrated recipes ``soft_spheres_n1000_equilibrated_*``),
and for every (taper m, T*) point measures:

- s by maximum likelihood of a truncated power law on the lowest k non-zero
  modes of each sample, k = 10 (the registered claims' estimator) and
  k = 5, 20 (alternatives, stated), plus the F/ω^(s+1) flatness estimator at
  k = 10; 95 % percentile intervals from 1000 bootstrap resamples of samples
  or, for the equilibrated protocol, of chains (``vdosbench.validators.results.result.bootstrap``);
- the inherent-state energy per particle, and for chains the per-segment
  τ_α, F_s at the segment end, crystalline particles, neighbour-size correlation;
  for every point the size segregation of the structures (fractionation check).

Writes ``studies/results/low_tstar.json`` and the figures
``docs/figures/seed001/low_tstar_F.png`` (F(ω)/ω^(s+1) per taper and protocol at
T_d) and ``docs/figures/seed001/s_vs_tstar.png``.  Kob–Andersen ensembles
(recipes ``lennard_jones_n1000``, ``lennard_jones_n1000_equilibrated_*``) are
measured the same way; their rows carry ``model = "kob_andersen"`` and no
T*/T_d, and they get their own F(ω)/ω^(s+1) figure at T* = 0.45,
``low_tstar_ka_F.png`` (use ``--out`` for a separate JSON).

Usage::

    python studies/low_tstar.py runs/literal_n1000 runs/eq_7td runs/eq_3td ...
    python studies/low_tstar.py runs/ka_literal runs/ka_eq_m2 runs/ka_eq_minf --out studies/results/low_tstar_ka.json

A folder of a run still going (no ``ensemble.nc`` yet) is read from its
finished part files; with fewer than 6 chains the intervals are NaN
(:data:`vdosbench.validators.results.result.MIN_GROUPS`; its history: ``docs/findings/low-tstar.md``).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from vdosbench.datasets import open_dataset
from vdosbench.datasets import combine_parts
from vdosbench.generators.glasses.equilibration import size_segregation
from vdosbench.generators.glasses.soft_spheres import KA_T_LOW, T_D
from vdosbench.validators import power_law_exponent
from vdosbench.validators import PowerLawWindow
from vdosbench.validators import bootstrap
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
FIGURES = ROOT / "docs" / "figures" / "seed001"
K_PRIMARY, K_ALTERNATIVES = 10, (5, 20)
TAPER_LABEL = {2: "m = 2", -1: "m = ∞"}


def _interval(m) -> dict:
    return {"value": m.value, "low": m.low, "high": m.high, "uncertainty": m.uncertainty}


def _mean_interval(values: np.ndarray, groups: np.ndarray | None) -> dict:
    est = bootstrap(np.mean, values, n_bootstrap=1000, seed=0, groups=groups)
    return {"value": float(est.value), "low": float(est.low), "high": float(est.high)}


def measure_point(ds: xr.Dataset, protocol: str) -> tuple[dict, object]:
    groups = ds.vdos.chain_groups
    primary = power_law_exponent(ds, PowerLawWindow(rule="lowest_k", k=K_PRIMARY), n_bootstrap=1000, seed=0)
    row = {
        "protocol": protocol,
        "n_samples": int(ds.sizes["sample"]),
        "n_chains": None if groups is None else int(np.unique(groups).size),
        "s_mle_k10": _interval(primary.mle),
        "s_flatness_k10": _interval(primary.flatness),
        "window_k10": {k: v for k, v in primary.window.items() if not isinstance(v, (list, tuple))},
        "resampled": primary.mle.settings.get("resampled"),
        "inherent_energy": _mean_interval(ds["inherent_energy"].values, groups),
        "size_segregation": _segregation(ds),
    }
    for k in K_ALTERNATIVES:
        alt = power_law_exponent(ds, PowerLawWindow(rule="lowest_k", k=k), n_bootstrap=1000, seed=0)
        row[f"s_mle_k{k}"] = _interval(alt.mle)
    if groups is not None:
        tau = ds["segment_tau_alpha"].values
        row["chain"] = {
            "equilibration_sweeps": int(ds.attrs["equilibration_sweeps"]),
            "spacing_sweeps": int(ds.attrs["spacing_sweeps"]),
            "chain_samples": int(ds.attrs["chain_samples"]),
            "mc_step_median": float(np.median(ds["mc_step"].values)),
            "segment_tau_alpha_median": float(np.nanmedian(tau)) if np.isfinite(tau).any() else None,
            "segment_tau_alpha_undecayed": int(np.sum(~np.isfinite(tau))),
            "segment_fs_end_median": float(np.median(ds["segment_fs_end"].values)),
            "segment_energy_first_vs_last": _drift(ds),
            "crystalline_particles_max": int(ds["crystalline_particles"].max()),
            "size_neighbour_correlation_mean": float(np.nanmean(ds["size_neighbour_correlation"].values)),
        }
    else:
        row["mc_sweeps"] = int(ds.attrs.get("n_sweeps", -1))
        row["mc_step"] = float(ds.attrs.get("mc_step", np.nan))
        row["mc_acceptance_displacement_mean"] = float(np.nanmean(ds["mc_acceptance_displacement"].values))
    return row, primary


def _segregation(ds: xr.Dataset) -> dict:
    """Fractionation check on the stored structures: cell-mean diameter variance / random placement (2³ cells)."""
    if "diameter" not in ds.variables:
        return {}
    ratios = np.array(
        [
            size_segregation(ds["position"].values[k], float(ds["box_length"].values[k]), ds["diameter"].values[k])
            for k in range(ds.sizes["sample"])
        ]
    )
    return {
        "mean": float(np.mean(ratios)),
        "max": float(np.max(ratios)),
        "rule": "variance of the mean diameter over 2^3 cells / its value for random placement (1: mixed)",
    }


def _scorecard(path: Path) -> dict:
    """The verdict and each point's value and interval of every applicable claim in a ``vdosbench score`` result."""
    result = json.loads(Path(path).read_text())
    claims = []
    for c in result["results"]:
        if c["verdict"] == "not applicable":
            continue
        points = [
            {
                **p.get("parameters", {}),
                **{k: p.get("measurement", {}).get(k) for k in ("value", "low", "high")},
                "verdict": p.get("verdict"),
                "reason": p.get("reason"),
            }
            for p in c["points"]
        ]
        claims.append({"id": c["id"], "expected": c["expected"], "verdict": c["verdict"], "points": points})
    return {"source": str(path), "inputs": result["inputs"], "totals": result["totals"], "claims": claims}


def _drift(ds: xr.Dataset) -> dict:
    """Mean segment energy of each chain's first structure against its last (stationary chains: equal)."""
    e = ds["segment_mean_energy"].values
    chain = ds["chain"].values
    first = np.array([e[chain == c][0] for c in np.unique(chain)])
    last = np.array([e[chain == c][-1] for c in np.unique(chain)])
    d = last - first
    est = bootstrap(np.mean, d, n_bootstrap=1000, seed=0)
    return {"mean_last_minus_first": float(est.value), "low": float(est.low), "high": float(est.high)}


def _open(path: Path) -> xr.Dataset:
    """An ensemble file, a folder's ``ensemble.nc``, or — for a run still going — its finished part files."""
    if not path.is_dir():
        return open_dataset(path, validate=False)
    if (path / "ensemble.nc").exists():
        return open_dataset(path / "ensemble.nc", validate=False)
    parts = sorted(path.glob("parts/*/sample-*.nc"))
    if not parts:
        raise FileNotFoundError(f"{path} holds neither ensemble.nc nor finished parts (parts/*/sample-*.nc)")
    return combine_parts([open_dataset(f, validate=False) for f in parts])


def _points(path: Path):
    ds = _open(path)
    protocol = str(ds.attrs.get("protocol", "seed-literal"))
    model = "kob_andersen" if str(ds.attrs.get("generator", "")).startswith("lennard_jones") else "soft_spheres"
    for m in np.atleast_1d(ds["taper_order"].values):
        for t in np.atleast_1d(ds["parent_temperature"].values):
            # `--grid taper_order=inf` leaves inf as the coordinate; the stored convention for T_inf is -1
            taper = int(m) if np.isfinite(m) else -1
            yield model, protocol, taper, float(t), ds.sel(taper_order=m, parent_temperature=t).load()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ensembles", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=RESULTS / "low_tstar.json")
    ap.add_argument("--figures", type=Path, default=FIGURES)
    ap.add_argument(
        "--scorecards",
        type=Path,
        nargs="*",
        default=[],
        help="result.json files of `vdosbench score` on these ensembles: their verdicts are summarised",
    )
    args = ap.parse_args(argv)
    rows, curves = [], {}
    for path in args.ensembles:
        for model, protocol, m, t, ds in _points(path):
            row, result = measure_point(ds, protocol)
            row.update(source=str(path), model=model, taper_order=m, parent_temperature=t)
            if model == "soft_spheres":
                row["ratio_to_T_d"] = t / T_D
            rows.append(row)
            curves[(model, protocol, m, round(t, 6))] = result
            s = row["s_mle_k10"]
            where = f"{t / T_D:.3g} T_d" if model == "soft_spheres" else "Kob-Andersen"
            print(
                f"{protocol:13s} {TAPER_LABEL[m]:6s} T* = {t:.4g} ({where}): s = {s['value']:.3f} "
                f"[{s['low']:.3f}, {s['high']:.3f}]  (k=5 {row['s_mle_k5']['value']:.2f}, "
                f"k=20 {row['s_mle_k20']['value']:.2f}, flat {row['s_flatness_k10']['value']:.2f}); "
                f"e_IS = {row['inherent_energy']['value']:.4f}; n = {row['n_samples']}",
                flush=True,
            )
    record = {
        "method": __doc__,
        "T_d": T_D,
        "ka_t_low": KA_T_LOW,
        "estimator": f"MLE of a truncated power law on the lowest {K_PRIMARY} non-zero modes per sample "
        f"(alternatives k = {K_ALTERNATIVES}); bootstrap 1000, 95 % percentile",
        "points": rows,
        "scorecards": [_scorecard(path) for path in args.scorecards],
    }
    write_results(args.out, record, indent=1)
    args.figures.mkdir(parents=True, exist_ok=True)
    _figure_compensated(curves, args.figures / "low_tstar_F.png", "soft_spheres", T_D, "T_d")
    _figure_compensated(curves, args.figures / "low_tstar_ka_F.png", "kob_andersen", KA_T_LOW, "0.45")
    _figure_s_vs_t([r for r in rows if r["model"] == "soft_spheres"], args.figures / "s_vs_tstar.png")
    return 0


def _figure_compensated(curves: dict, path: Path, model: str, temperature: float, label: str) -> None:
    low = {k[1:]: v for k, v in curves.items() if k[0] == model and abs(k[3] - temperature) < 1e-6}
    if not low:
        return
    protocols = sorted({k[0] for k in low})
    fig, axes = plt.subplots(len(protocols), 2, figsize=(10, 4 * len(protocols)), squeeze=False)
    for i, protocol in enumerate(protocols):
        for j, m in enumerate((2, -1)):
            res = low.get((protocol, m, round(temperature, 6)))
            ax = axes[i, j]
            if res is None:
                ax.set_visible(False)
                continue
            res.plot(ax)
            ax.set_title(
                f"{protocol}, {TAPER_LABEL[m]}, T* = {label}: s_MLE = {res.mle.value:.2f} "
                f"[{res.mle.low:.2f}, {res.mle.high:.2f}]",
                fontsize=9,
            )
    what = "soft spheres" if model == "soft_spheres" else "Kob–Andersen (tapered)"
    fig.suptitle(f"{what}: F(ω)/ω^(s+1) on the lowest 10 non-zero modes per sample (N = 1000)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _figure_s_vs_t(rows: list[dict], path: Path) -> None:
    if not rows:
        return
    fig, (ax, ax_e) = plt.subplots(1, 2, figsize=(13, 4.5))
    styles = {
        ("equilibrated", 2): ("o-", "C0"),
        ("equilibrated", -1): ("s-", "C1"),
        ("seed-literal", 2): ("o", "C2"),
        ("seed-literal", -1): ("s", "C3"),
    }
    for (protocol, m), (marker, color) in styles.items():
        pts = sorted(
            (r for r in rows if r["protocol"] == protocol and r["taper_order"] == m), key=lambda r: r["ratio_to_T_d"]
        )
        if not pts:
            continue
        x = np.array([r["ratio_to_T_d"] for r in pts])
        y = np.array([r["s_mle_k10"]["value"] for r in pts])
        err = np.array([[y_ - r["s_mle_k10"]["low"], r["s_mle_k10"]["high"] - y_] for y_, r in zip(y, pts)]).T
        ax.errorbar(
            x * (1.03 if m == -1 else 1.0),
            y,
            yerr=err,
            fmt=marker,
            color=color,
            capsize=3,
            mfc="none" if protocol == "seed-literal" else color,
            label=f"{protocol}, {TAPER_LABEL[m]}",
        )
        e = np.array([r["inherent_energy"]["value"] for r in pts])
        e_err = np.array(
            [[v - r["inherent_energy"]["low"], r["inherent_energy"]["high"] - v] for v, r in zip(e, pts)]
        ).T
        ax_e.errorbar(
            x * (1.03 if m == -1 else 1.0),
            e,
            yerr=e_err,
            fmt=marker,
            color=color,
            capsize=3,
            mfc="none" if protocol == "seed-literal" else color,
            label=f"{protocol}, {TAPER_LABEL[m]}",
        )
    for s, label in ((2, "s = 2 (marginal)"), (3, "3 + 2/m, m = ∞"), (4, "3 + 2/m, m = 2; s = 4 universal")):
        ax.axhline(s, color="0.6", lw=0.8, ls="--")
        ax.text(1.0, s + 0.04, label, fontsize=7, color="0.4", ha="left")
    ax.set_xscale("log")
    ax.set_xlabel("T*/T_d (T_d = 0.144, measured)")
    ax.set_ylabel("s (MLE, lowest 10 modes per sample, 95 % interval)")
    ax.set_title("Low-frequency exponent against parent temperature, N = 1000, d = 3")
    ax.legend(fontsize=7)
    ax_e.set_xscale("log")
    ax_e.set_xlabel("T*/T_d")
    ax_e.set_ylabel("inherent-structure energy per particle (95 % interval)")
    ax_e.set_title("How deep the glasses are")
    ax_e.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    raise SystemExit(main())
