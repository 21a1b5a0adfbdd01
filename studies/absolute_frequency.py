"""Issue 51: the nonphononic spectrum in absolute frequency ω/ω_g — landing the confirmatory sets and reading the ladder.

Two jobs, each a short pipeline over the package's public API
(:mod:`vdosbench.validators.spectral.absolute_frequency`, :mod:`vdosbench.datasets.point_groups`):

``land FOLDER ...``
    Finished pieces of the confirmatory recipe ``soft_spheres_lowest_confirm_n2000`` (folders holding
    ``n2000/ensemble.nc``, made by ``studies/finite_size_queue.sh`` with ``RECIPE=...``) are merged, point by
    point and sample by sample, into ``studies/results/confirm_n2000_modes.nc`` (per-site arrays dropped), so
    that a clone keeps every finished sample without the part files.  Nothing is analysed: the registered
    verdicts (benchmark/registrations/absolute-frequency.toml) are read only when every point holds its 1000
    samples.

``ladder``
    The exploratory reading of the issue-25 ladder (``studies/results/finite_size_modes.nc``, N = 1000 - 16000,
    seen before the registration) in ω/ω_g, per protocol (T* = 1, ∞) and taper: s(ω) in bands pooled over N,
    modes per particle below x = 0.18 at each N against N = 8000, the window MLE on (0, 0.18] pooled over the N
    that admit it (N ≤ 8000) and the test of one exponent across them, the joint extreme value over N (κ free) and, beside them, the ω₀-tied window MLE at c = 0.5
    that the issue withdraws.  Writes ``studies/results/absolute_frequency_ladder.json`` and the s(ω) figure
    ``docs/figures/absolute_frequency_s_of_omega.png``.

``confirm``
    The registered reading (``benchmark/registrations/absolute-frequency.toml``, read by
    :func:`vdosbench.benchmark.registration.load_registration`, amendments applied) of every confirmatory point
    that holds its 1000 samples: each claim's primary and alternatives, its verdict by the registered rule
    (:func:`vdosbench.benchmark.scoring.judge`) and, beside it, the coverage of that interval on the issue-51
    mocks (``studies/results/absolute_frequency_coverage.json``; "not measured" where none was).  Points still
    short of 1000 samples are listed and not read.  Beside the verdicts, s(ω) of each point in the ladder's bands
    (descriptive: no verdict reads it).  Writes ``studies/results/absolute_frequency_confirm.json`` and the figure
    ``docs/figures/absolute_frequency_s_of_omega_confirm.png``.

Every choice (bands, x, phonon factor 0.6, bootstrap replicates and seed) is in the JSON's ``method``.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from vdosbench.benchmark import Claim  # noqa: E402
from vdosbench.benchmark import load_registration  # noqa: E402
from vdosbench.benchmark import judged_reading  # noqa: E402
from vdosbench.datasets import merge_samples, point_group_key, read_point_groups, write_point_groups  # noqa: E402
from vdosbench.validators import (  # noqa: E402
    ModeSpectra,
    band_mle,
    common_shear_modulus,
    density_ratio,
    exponent_homogeneity,
    extreme_value_difference,
    extreme_value_fit,
    local_exponent,
    mode_spectra_from_dataset,
    paired_band_difference,
    window_mle,
)
from vdosbench.validators.results.registry import study_measure  # noqa: E402
from vdosbench.validators import jsonable  # noqa: E402
from vdosbench.datasets import write_results  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
CONFIRM = RESULTS / "confirm_n2000_modes.nc"
LADDER = RESULTS / "finite_size_modes.nc"
#: Per-site and bulky variables the compact form leaves out (positions can be regenerated from the seeds).
DROP = ("position", "diameter", "coordination", "eigenvector", "mc_energy")
#: Bands of ω/ω_g for s(ω) (edges), the density window, the bootstrap.
BAND_EDGES = (0.0, 0.1, 0.14, 0.18, 0.23, 0.29, 0.37)
X_DENSITY = 0.18
N_BOOTSTRAP = 1000
SEED = 0
HIGH_T = (1.0, math.inf)
CONFIRM_SAMPLES = 1000
CONFIRM_N = 2000
#: The sizes of the deep tail's joint extreme value (amendment 1): the confirmatory N = 2000 and the ladder's others.
EV_SIZES = (1000, 2000, 4000, 8000)
#: The confirmatory points: T* = 1 and ∞, m = 2 and ∞ (amendment 3 pools the deep band over them).
CONFIRM_POINTS = 4
REGISTRATION = "absolute-frequency"
COVERAGE = RESULTS / "absolute_frequency_coverage.json"
TAPERS = (2, -1)
#: The density ratio between two sizes (lerner.finite-size-density-absolute in absolute-frequency.toml).
study_measure("absolute_frequency.density_ratio")(density_ratio)
#: Amendment 3's readings in one unit a protocol: the same estimators on points the study has put in the common unit
#: (ModeSpectra.in_common_unit, G_u = the mean G of the ladder's largest N at the same (T*, taper)).
study_measure("absolute_frequency.band_mle_common_unit")(band_mle)
study_measure("absolute_frequency.density_ratio_common_unit")(density_ratio)


def _point_name(taper: int, tstar: float) -> str:
    return f"m{'inf' if taper < 0 else taper}_t{'inf' if math.isinf(tstar) else f'{tstar:g}'}"


def _points_of(ensemble: xr.Dataset) -> dict[str, xr.Dataset]:
    out = {}
    for m in np.atleast_1d(ensemble["taper_order"].values):
        for t in np.atleast_1d(ensemble["parent_temperature"].values):
            out[_point_name(int(m), float(t))] = ensemble.sel(taper_order=m, parent_temperature=t)
    return out


def land(folders: Sequence[Path], into: Path = CONFIRM) -> dict[str, list[int]]:
    """Merge the finished pieces in ``folders`` into the compact form ``into``; return each point's sample range."""
    points = read_point_groups(into) if into.exists() else {}
    for folder in folders:
        path = Path(folder) / "n2000" / "ensemble.nc"
        if not path.exists():
            raise FileNotFoundError(
                f"{path} not found: expected a finished piece (its ensemble.nc is written when "
                "every sample of the piece is done); pass finished folders only"
            )
        with xr.open_dataset(path) as ds:
            for name, point in _points_of(ds.load()).items():  # write_point_groups drops the per-site arrays
                points[name] = merge_samples(points.get(name), point.assign_attrs(n_particles=int(ds.sizes["site"])))
    write_point_groups(points, into, drop=DROP)
    return {k: [int(v["sample"].min()), int(v["sample"].max()), int(v.sizes["sample"])] for k, v in points.items()}


def _ladder_points(path: Path = LADDER) -> dict[tuple[float, int], dict[int, Any]]:
    """The ladder's high-T* points as ModeSpectra: {(T*, taper): {N: spectra}}."""
    out: dict[tuple[float, int], dict[int, Any]] = {}
    for name, ds in read_point_groups(path).items():
        n, taper, t = point_group_key(name)
        if t in HIGH_T:
            out.setdefault((t, taper), {})[n] = mode_spectra_from_dataset(ds, f"N={n}")
    return out


def _summary(est: Any) -> dict[str, Any]:
    m = est.measurement
    return {
        "value": m.value,
        "interval": [m.low, m.high],
        "status": est.status,
        "reason": est.reason,
        "modes": est.diagnostics.get("modes"),
        "samples_used": m.settings.get("samples_used"),
    }


def read_ladder() -> dict[str, Any]:
    """The exploratory reading of the ladder in ω/ω_g (module docstring)."""
    result: dict[str, Any] = {
        "method": {
            "unit": "omega_g = sqrt(G_i/rho) n^(1/3) of each sample",
            "phonon_factor": 0.6,
            "band_edges": list(BAND_EDGES),
            "x_density": X_DENSITY,
            "n_bootstrap": N_BOOTSTRAP,
            "seed": SEED,
            "data": "issue-25 ladder, studies/results/finite_size_modes.nc (exploratory: seen before the registration)",
            "omega0_window": "window_mle c = 0.5 (withdrawn; shown for comparison)",
        },
        "points": {},
    }
    for (t, taper), by_n in sorted(_ladder_points().items()):
        sizes = sorted(by_n)
        pts = [by_n[n] for n in sizes]
        ests, _ = local_exponent(pts, BAND_EDGES, n_bootstrap=N_BOOTSTRAP, seed=SEED)
        big = by_n[8000]
        density = {
            str(n): density_ratio(by_n[n], big, X_DENSITY, n_bootstrap=N_BOOTSTRAP, seed=SEED).to_dict()
            for n in sizes
            if n != 8000 and X_DENSITY < 0.6 * 2 * math.pi / n ** (1 / 3)
        }
        usable = [by_n[n] for n in sizes if X_DENSITY < 0.6 * 2 * math.pi / n ** (1 / 3)]
        homog = exponent_homogeneity(usable, 0.0, X_DENSITY).to_dict()
        pooled = _summary(band_mle(usable, 0.0, X_DENSITY, n_bootstrap=N_BOOTSTRAP, seed=SEED))
        ev = extreme_value_fit(pts, law="free", n_bootstrap=N_BOOTSTRAP, seed=SEED)
        ev_independent = extreme_value_fit(pts, law="independent", n_bootstrap=N_BOOTSTRAP, seed=SEED)
        tied = {str(n): _summary(window_mle(by_n[n], 0.5, n_bootstrap=N_BOOTSTRAP, seed=SEED)) for n in sizes}
        result["points"][_point_name(taper, t)] = {
            "parent_temperature": "inf" if math.isinf(t) else t,
            "taper_order": taper,
            "sizes": sizes,
            "samples": {str(n): by_n[n].n_samples for n in sizes},
            "s_of_omega": [
                {"band": list(e.measurement.settings["band_omega_over_omega_g"]), **_summary(e)} for e in ests
            ],
            "density_ratio_to_n8000": density,
            "exponent_homogeneity": homog,
            "window_0_018_pooled": {**pooled, "sizes": [p.n_particles for p in usable]},
            "extreme_value_free": {
                **_summary(ev.exponent),
                "kappa": ev.exponent.measurement.settings["kappa"],
                "kappa_interval": ev.exponent.measurement.settings["kappa_interval"],
                "homogeneity": ev.homogeneity.to_dict() if ev.homogeneity else None,
                "censored": ev.censored,
            },
            "extreme_value_independent": {
                **_summary(ev_independent.exponent),
                "separate": {k: v[0] for k, v in ev_independent.separate.items()},
                "homogeneity": ev_independent.homogeneity.to_dict(),
            },
            "omega0_window_c05": tied,
        }
    return jsonable(result)


def _coverage_of(key: str | None, coverage: Mapping[str, Any]) -> dict[str, Any] | str:
    """The coverage of the interval ``key`` on the mocks, per level model, or why there is none."""
    if key is None:
        return "not measured"
    out = {
        lv: {"coverage": c[key]["coverage"], "wilson_95": c[key]["wilson_95"], "replicates": c[key]["replicates"]}
        for lv, c in coverage.get("coverage", {}).items()
        if key in c
    }
    return out or "not measured"


def _reading(
    claim: Claim, what: str, est: Any, coverage_key: str | None, coverage: Mapping[str, Any]
) -> dict[str, Any]:
    """One registered reading: the measurement, its verdict by the claim's rule and the interval's coverage."""
    return {**judged_reading(what, est, claim.expect), "coverage_on_mocks": _coverage_of(coverage_key, coverage)}


def read_confirm(
    confirm: Path = CONFIRM,
    ladder: Path = LADDER,
    coverage: Path = COVERAGE,
    *,
    samples_required: int = CONFIRM_SAMPLES,
    n_bootstrap: int = N_BOOTSTRAP,
) -> dict[str, Any]:
    """The registered reading of the confirmatory sets (module docstring); ``samples_required`` and
    ``n_bootstrap`` are the registration's (1000 each) unless a test asks for fewer."""
    reg = load_registration(REGISTRATION)
    cov = json.loads(coverage.read_text()) if coverage.exists() else {}
    ladder_points = _ladder_points(ladder)
    a_s2, a_tail, a_density, a_taper = (
        reg.claim(c)
        for c in (
            "schirmacher.high-tstar-s2-absolute",
            "lerner.deep-tail-s4-absolute",
            "lerner.finite-size-density-absolute",
            "schirmacher.high-tstar-taper-0-absolute",
        )
    )
    result: dict[str, Any] = {
        "registration": reg.path.name,
        "registered": reg.registered,
        "amendments": reg.amendments,
        "method": {
            "unit": reg.header["unit"],
            "interval": reg.header["interval"],
            "n_bootstrap": n_bootstrap,
            "seed": SEED,
            "phonon_factor": 0.6,
            "samples_required": samples_required,
            "coverage": f"{coverage.name} (issue-51 mocks); 'not measured' where no coverage study reads it",
        },
        "points": {},
        "pairs": {},
        "not_read": {},
    }
    spectra: dict[tuple[float, int], Any] = {}
    joint_fits: dict[tuple[float, int], Any] = {}
    common: dict[tuple[float, int], ModeSpectra] = {}
    points: dict[tuple[float, int], xr.Dataset] = {}
    for name, ds in sorted(read_point_groups(confirm).items()):
        taper = -1 if name.startswith("minf") else int(name[1 : name.index("_")])
        t = float(name.split("_t")[1])
        count = int(ds.sizes["sample"])
        if count < samples_required:
            result["not_read"][name] = f"{count} of {samples_required} samples landed: not read until complete"
            continue
        first = points[(t, taper)] = ds.isel(sample=slice(0, samples_required))
        pt = spectra[(t, taper)] = mode_spectra_from_dataset(first, f"N={CONFIRM_N} confirm")
        by_n = ladder_points[(t, taper)]
        kw = {"n_bootstrap": n_bootstrap, "seed": SEED}
        readings = []
        x = float(a_s2.settings["band"][1])
        readings.append(_reading(a_s2, "primary", band_mle(pt, 0.0, x, **kw), f"band 0-{x:g}", cov))
        for alt in a_s2.alternatives:
            lo, hi = alt.settings["band"]
            readings.append(
                _reading(
                    a_s2, alt.label, band_mle(pt, float(lo), float(hi), **kw), f"band {float(lo):g}-{float(hi):g}", cov
                )
            )
        joint = [by_n[n] if n != CONFIRM_N else pt for n in EV_SIZES]  # amendment 1: the ladder's N = 16000 is not read
        joint_fit = joint_fits[(t, taper)] = extreme_value_fit(joint, law="free", **kw)
        # amendment 3 (issue 63): the deep band in the protocol's common unit leads; the kappa-free fit is withdrawn
        g_u = common_shear_modulus(by_n[max(by_n)])  # the protocol's unit: its largest N held
        common[(t, taper)] = pt_c = pt.in_common_unit(g_u)
        deep = a_tail.settings["band"]
        tail = [
            {
                **_reading(
                    a_tail,
                    f"primary (amendment 3): deep band ({deep[0]:g}, {deep[1]:g}], common unit",
                    band_mle(pt_c, float(deep[0]), float(deep[1]), **kw),
                    None,
                    cov,
                ),
                "unit_shear_modulus": g_u,
            }
        ]
        shoulder = a_tail.alternative("shoulder (0.15, 0.29], common unit").settings["band"]
        tail.append(
            _reading(
                a_tail,
                "shoulder (0.15, 0.29], common unit",
                band_mle(pt_c, float(shoulder[0]), float(shoulder[1]), **kw),
                None,
                cov,
            )
        )
        tail.append(
            _reading(
                a_tail,
                "extreme value, kappa free (withdrawn primary; joint over N = "
                + ", ".join(str(p.n_particles) for p in joint)
                + ")",
                joint_fit.exponent,
                "extreme value",
                cov,
            )
        )
        low, high = a_tail.alternative("lowest band (0, 0.15] omega_g").settings["band"]
        tail.append(
            _reading(
                a_tail, "lowest band (0, 0.15] omega_g", band_mle(pt, low, high, **kw), f"band {low:g}-{high:g}", cov
            )
        )
        tail.append(
            _reading(
                a_tail,
                "extreme value at N = 2000, kappa = 1",
                extreme_value_fit(pt, law="independent", **kw).exponent,
                None,
                cov,
            )
        )
        xd, large = float(a_density.settings["x_edge"]), int(a_density.settings["large"])
        big_c = by_n[large].in_common_unit(g_u)
        x18 = float(a_density.alternative("x_edge 0.18, common unit").settings["x_edge"])
        density = [
            _reading(
                a_density,
                f"primary (amendment 3): N = {CONFIRM_N} (confirm) / N = {large} (ladder) below {xd:g}, common unit",
                density_ratio(pt_c, big_c, xd, **kw).ratio,
                None,
                cov,
            ),
            _reading(a_density, f"x_edge {x18:g}, common unit", density_ratio(pt_c, big_c, x18, **kw).ratio, None, cov),
            _reading(
                a_density,
                f"N = {CONFIRM_N} (confirm) / N = {large} (ladder), each sample's own unit, "
                f"below {x18:g} (the registered primary before amendment 3)",
                density_ratio(pt, by_n[large], x18, **kw).ratio,
                "density ratio",
                cov,
            ),
            _reading(
                a_density,
                "N = 1000 against N = 8000 (ladder)",
                density_ratio(by_n[1000], by_n[large], x18, **kw).ratio,
                "density ratio",
                cov,
            ),
        ]
        curve, _ = local_exponent(pt, BAND_EDGES, **kw)  # descriptive: drawn, no verdict reads it
        result["points"][name] = {
            "parent_temperature": "inf" if math.isinf(t) else t,
            "taper_order": taper,
            "samples": pt.n_samples,
            "ladder_sizes": sorted(by_n),
            a_s2.id: readings,
            a_tail.id: tail,
            a_density.id: density,
            "s_of_omega": [
                {"band": list(e.measurement.settings["band_omega_over_omega_g"]), **_summary(e)} for e in curve
            ],
        }
    if len(common) == CONFIRM_POINTS:  # amendment 3: the deep band pooled over the four confirmatory points
        deep = a_tail.settings["band"]
        result["pooled"] = {
            a_tail.id: [
                _reading(
                    a_tail,
                    f"deep band ({deep[0]:g}, {deep[1]:g}], common unit, pooled over the {CONFIRM_POINTS} points",
                    band_mle(list(common.values()), float(deep[0]), float(deep[1]), n_bootstrap=n_bootstrap, seed=SEED),
                    None,
                    cov,
                )
            ]
        }
    for t in sorted({t for t, _ in spectra}):
        if (t, 2) not in spectra or (t, -1) not in spectra:
            continue
        kw = {"n_bootstrap": n_bootstrap, "seed": SEED}
        x = float(a_taper.settings["band"][1])
        # a sample unstable to shear at either taper (G <= 0: no omega_g) is left out with its pair
        stable = np.asarray(
            (points[(t, 2)]["shear_modulus"] > 0).values & (points[(t, -1)]["shear_modulus"] > 0).values
        )
        paired = [
            mode_spectra_from_dataset(points[(t, m)].isel(sample=np.flatnonzero(stable)), f"N={CONFIRM_N} m={m}")
            for m in (2, -1)
        ]
        pair = [
            _reading(
                a_taper,
                "primary: paired window (0, 0.29], m = 2 minus m = inf",
                paired_band_difference(*paired, 0.0, x, **kw),
                f"paired band 0-{x:g}",
                cov,
            )
        ]
        pair[0]["pairs_left_out_unstable"] = int((~stable).sum())
        pair.append(
            _reading(
                a_taper, "extreme value", extreme_value_difference(joint_fits[(t, 2)], joint_fits[(t, -1)]), None, cov
            )
        )
        result["pairs"]["t" + ("inf" if math.isinf(t) else f"{t:g}")] = {a_taper.id: pair}
    return jsonable(result)


def figure(result: Mapping[str, Any], path: Path, data: str = "ladder N = 1000 – 16000, pooled") -> plt.Figure:
    """s(ω) per protocol and taper with its interval band; seed 001's s = 2 (high T*) and the rival's 4 drawn in.
    ``data`` names the points in each panel's title; a protocol with no point read says so in its panel."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, t in zip(axes, ("1.0", "inf")):
        drawn = [pt for pt in result["points"].values() if str(pt["parent_temperature"]) == t]
        if not drawn:
            why = "; ".join(
                f"{k}: {v}"
                for k, v in result.get("not_read", {}).items()
                if k.endswith("_tinf" if t == "inf" else "_t1")
            )
            ax.text(
                0.5,
                0.6,
                "not read yet\n" + why.replace("; ", "\n"),
                ha="center",
                va="center",
                transform=ax.transAxes,
                fontsize="x-small",
                bbox={"facecolor": "white", "edgecolor": "0.7"},
            )
        for point in drawn:
            bands = np.array([b["band"] for b in point["s_of_omega"]])
            centre = np.where(bands[:, 0] > 0, np.sqrt(bands[:, 0] * bands[:, 1]), bands[:, 1] / 2)
            s = np.array([b["value"] for b in point["s_of_omega"]])
            lo, hi = (np.array([b["interval"][k] for b in point["s_of_omega"]], float) for k in (0, 1))
            label = "m = 2" if point["taper_order"] == 2 else "m = ∞"
            (line,) = ax.plot(centre, s, "o-", label=label)
            ax.fill_between(centre, lo, hi, color=line.get_color(), alpha=0.2)
        ax.axhline(2.0, color="k", ls="--", lw=1, label="seed 001: s = 2 (high T*)")
        ax.axhline(4.0, color="k", ls=":", lw=1, label="rival: s = 4")
        ax.set_xlabel("ω / ω_g (band centre)")
        ax.set_title(f"T* = {'∞' if t == 'inf' else '1'} ({data})", fontsize="small")
        ax.set_ylim(0, 8)
    axes[0].set_ylabel("local exponent s (band MLE, 95 % interval)")
    axes[1].legend(fontsize="x-small", loc="upper right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="job", required=True)
    p_land = sub.add_parser("land", help="merge finished confirmatory pieces into the compact form")
    p_land.add_argument("folders", nargs="+", type=Path)
    p_land.add_argument("--into", type=Path, default=CONFIRM)
    p_ladder = sub.add_parser("ladder", help="read the issue-25 ladder in omega/omega_g (exploratory)")
    p_ladder.add_argument("--output", type=Path, default=RESULTS / "absolute_frequency_ladder.json")
    p_ladder.add_argument(
        "--figure", type=Path, default=ROOT / "docs" / "figures" / "absolute_frequency_s_of_omega.png"
    )
    p_confirm = sub.add_parser("confirm", help="the registered reading of the complete confirmatory points")
    p_confirm.add_argument("--output", type=Path, default=RESULTS / "absolute_frequency_confirm.json")
    p_confirm.add_argument(
        "--figure", type=Path, default=ROOT / "docs" / "figures" / "absolute_frequency_s_of_omega_confirm.png"
    )
    args = parser.parse_args(argv)
    if args.job == "confirm":
        result = read_confirm()
        write_results(args.output, result, indent=1)
        for name, point in {**result["points"], **result["pairs"]}.items():
            for claim, readings in point.items():
                if (
                    isinstance(readings, list)
                    and readings
                    and isinstance(readings[0], dict)
                    and "expect" in readings[0]
                ):
                    r = readings[0]
                    print(
                        f"{name} {claim}: {r['value']:.3g} [{r['interval'][0]:.3g}, {r['interval'][1]:.3g}] "
                        f"{r['expect']}: {r['verdict']}"
                    )
        for name, why in result["not_read"].items():
            print(f"{name}: {why}")
        plt.close(figure(result, args.figure, f"confirmatory N = {CONFIRM_N}, 1000 samples"))
        print(f"wrote {args.output} and {args.figure}")
        return 0
    if args.job == "land":
        for name, (first, last, count) in sorted(land(args.folders, args.into).items()):
            print(f"{name}: {count} samples ({first} - {last})")
        return 0
    result = read_ladder()
    write_results(args.output, result, indent=1)
    plt.close(figure(result, args.figure))
    print(f"wrote {args.output} and {args.figure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
