"""Level statistics of the N = 1600 glasses in the layout of seed-001 Fig. 2 (issue 14, item 6).

Reads the ensemble of ``vdosbench generate --recipe soft_spheres_n1600_levels``
(seed-literal protocol, eigenvalues only) and, per parent temperature, pools
the spacing ratios r of the lowest 50, the middle 50 and the highest 50
non-zero modes of every sample (:func:`vdosbench.validators.level_statistics_by_window`;
⟨r̃⟩ with a 1000-resample bootstrap over samples, KS distances to the Atas GOE
surmise and to Poisson).  Writes ``studies/results/levels_n1600.json`` and
``docs/figures/seed001/levels_n1600.png``: three panels (lowest, middle,
highest), high T* in blue and low T* in red, the GOE surmise and Poisson as lines.

Usage::

    python studies/levels_n1600.py runs/levels_n1600
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from vdosbench.datasets import open_dataset
from vdosbench.datasets.io import write_text
from vdosbench.validators import goe_surmise_pdf, level_statistics_by_window, poisson_ratio_pdf
from vdosbench.datasets.json_files import dumps_strict

ROOT = Path(__file__).resolve().parents[1]
WINDOWS = ("lowest", "middle", "highest")
GOE_LARGE_N, POISSON = 0.5307, 0.3863


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ensemble", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "studies" / "results" / "levels_n1600.json")
    ap.add_argument("--figure", type=Path, default=ROOT / "docs" / "figures" / "seed001" / "levels_n1600.png")
    args = ap.parse_args(argv)
    path = args.ensemble / "ensemble.nc" if args.ensemble.is_dir() else args.ensemble
    ds = open_dataset(path, validate=False)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    rows = []
    for t, color in zip(sorted(np.atleast_1d(ds["parent_temperature"].values), reverse=True), ("C0", "C3")):
        for m in np.atleast_1d(ds["taper_order"].values):
            point = ds.sel(parent_temperature=t, taper_order=m).load()
            results = level_statistics_by_window(point, WINDOWS, n_bootstrap=1000, seed=0)
            for ax, name in zip(axes, WINDOWS):
                res = results[name]
                mr = res.mean_r_tilde
                rows.append(
                    {
                        "parent_temperature": float(t),
                        "taper_order": int(m),
                        "window": name,
                        "n_samples": int(point.sizes["sample"]),
                        "n_ratios": int(res.window["n_ratios"]),
                        "mean_r_tilde": {
                            "value": mr.value,
                            "low": mr.low,
                            "high": mr.high,
                            "uncertainty": mr.uncertainty,
                        },
                        "ks_goe": res.goe.to_dict(),
                        "ks_poisson": res.poisson.to_dict(),
                    }
                )
                c = res.curve
                ax.plot(
                    c["r"].values,
                    c["density"].values,
                    "o",
                    ms=3,
                    color=color,
                    label=f"T* = {t:g}: ⟨r̃⟩ = {mr.value:.3f} [{mr.low:.3f}, {mr.high:.3f}]",
                )
                print(
                    f"T* = {t:g} m = {int(m)} {name:8s} <r~> = {mr.value:.4f} [{mr.low:.4f}, {mr.high:.4f}] "
                    f"(GOE 0.5307, Poisson 0.3863); KS GOE {res.goe.statistic:.3f}, Poisson "
                    f"{res.poisson.statistic:.3f}; {int(point.sizes['sample'])} samples",
                    flush=True,
                )
    fine = np.linspace(0.0, 5.0, 400)
    for ax, name in zip(axes, WINDOWS):
        ax.plot(fine, goe_surmise_pdf(fine), color="k", label="GOE surmise (Atas)")
        ax.plot(fine, poisson_ratio_pdf(fine), color="k", ls="--", label="Poisson")
        ax.set_title(f"{name} 50 modes" if name != "middle" else "middle 50 modes")
        ax.set_xlabel("r")
        ax.legend(fontsize=7)
    axes[0].set_ylabel("P(r)")
    fig.suptitle(
        f"Level-spacing ratios, N = {ds.sizes['site']}, d = 3, seed-literal protocol "
        f"({ds.sizes['sample']} samples per T*)"
    )
    fig.tight_layout()
    args.figure.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.figure, dpi=110)
    write_text(
        args.out,
        dumps_strict(
            {"method": __doc__, "reference_values": {"goe_large_n": GOE_LARGE_N, "poisson": POISSON}, "points": rows},
            indent=1,
        ),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
