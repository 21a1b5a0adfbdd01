"""s(N): the nonphononic exponent of the finite-size ladder, by every registered estimator (issue 25).

Reads the part files of ``studies/finite_size_queue.sh`` (one folder per N, made by the
``soft_spheres_lowest_n{N}`` recipes of :mod:`vdosbench.generators.glasses.lowest_mode_glasses`) and, for each
(N, taper m, parent temperature T*) point with data, measures s by

- ``mle c=0.3 / 0.5 / 0.7``: :func:`vdosbench.validators.window_mle` on each sample's own window
  (0, c·ω₀ᵢ], ω₀ᵢ = 2π √(Gᵢ/ρ)/L from the sample's shear modulus;
- ``mle c=0.7 e<=0.25``: the same, keeping modes with participation ratio e ≤ 0.25
  (:func:`vdosbench.validators.participation_scan` reports 0.15, 0.25, 0.35);
- ``debye excess``: :func:`vdosbench.validators.debye_excess` (cumulative count minus the box's Debye
  shells, c_T and c_L from each sample's own moduli; the longitudinal wave modulus M is measured directly,
  so the bulk modulus passed is K_wave = M − 4G/3, which makes c_L = √(M/ρ) exactly);
- ``lowest_k k=10`` (the estimator of the registered claims before issue 25), for comparison;

and across N, per (m, T*): :func:`vdosbench.validators.count_scaling` (modes below 0.5 ω₀ per sample
∝ N^((2−s)/3)) and :func:`vdosbench.validators.extreme_value` (⟨ω_min⟩ ∝ N^(−1/(s+1))).

The decision rules: ``benchmark/registrations/finite-size.toml``, whose claims' expectations every verdict reads
(their registered texts, amendments and dates: ``docs/findings/finite-size.md``, History, "The registrations'
texts"), as they stand
    Primary s of a point: ``mle c=0.5`` with its percentile bootstrap interval (95 %) over samples, or over
    **chains** at T_d (a point needs :data:`~vdosbench.validators.results.result.MIN_GROUPS` chains); the other
    estimators' spread is a systematic beside it.  A claim "s = v" at a point reads
    :func:`vdosbench.benchmark.assessed_verdict` with tolerance 0.5 (half the spacing of the rival exponents):
    "not assessed" where the primary is not "ok".  The expanded percentile interval gives a second set of verdicts
    (``verdicts_expanded``); the percentile verdicts are those of record.  Claims:
    - high T* (T* = 1, T* = ∞): seed 001's s = 2 and Lerner's s = 4 (PRE 101, 032120, 2020) at every N;
    - T_d (additive T_d = 0.144, and the non-additive control at its T_d = 0.0716): seed 001's s = 3 + 2/m and
      Lerner's s = 4;
    - N-(in)dependence: s(N_max) − s(N_min) (:func:`vdosbench.validators.size_window_difference`, each size's units
      resampled on their own; percentile interval only), expected 0 ± 0.5, over the sizes with ≥ MIN_GROUPS chains
      (others listed in ``left_out``), and "not assessed" when an end's primary is not assessed;
    - taper difference s(m = 2) − s(m = ∞), paired by sample or chain
      (:func:`vdosbench.validators.paired_window_difference`): 0 (both views at high T*; the rival view at T_d) or
      +1 (seed 001 at T_d);
    - fractionation control: s(additive, T_d) − s(non-additive, its T_d), paired by chain, expected 0 ± 0.5.
    The paired alternatives (``mle c=0.7``, ``debye excess``) are reported beside each difference, never used for a
    verdict.  Equilibrium (energy drift, τ_α) is stated beside every T_d point, never used to drop a chain.

Usage::

    python studies/finite_size.py runs/finite_size runs/td_ladder   # both ladders          # writes studies/results/finite_size.json, the figure
                                                            # and the compact form studies/results/finite_size_modes.nc
    python studies/finite_size.py studies/results/finite_size_modes.nc --out /tmp/again.json   # from a clone
    python studies/finite_size.py studies/results/finite_size_modes.nc runs/td_ladder   # the committed points
                                                            # and new part folders (a folder's point wins)
    python studies/finite_size_tables.py                    # then the findings page's tables from the results
"""

from __future__ import annotations

import argparse
import glob
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from vdosbench.benchmark import assessed_verdict, load_registration
from vdosbench.datasets import read_point_groups, write_point_groups
from vdosbench.generators import T_D, T_D_NONADDITIVE
from vdosbench.generators.glasses.equilibration import size_segregation
from vdosbench.validators import (
    Measurement,
    ModeSpectra,
    count_scaling,
    debye_excess,
    extreme_value,
    mode_spectra_from_dataset,
    paired_debye_excess_difference,
    paired_window_difference,
    participation_scan,
    power_law_exponent,
    size_window_difference,
    window_mle,
)
from vdosbench.validators.results.registry import study_measure
from vdosbench.validators.results.result import MIN_GROUPS
from vdosbench.validators import PowerLawWindow
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
FACTORS = (0.3, 0.5, 0.7)
PRIMARY = "mle c=0.5"
PARTICIPATION_THRESHOLDS = (0.15, 0.25, 0.35)
#: The difference of the largest and the smallest size (s-independent-of-N in finite-size.toml).
study_measure("finite_size.size_window_difference")(size_window_difference)
#: The decision rules (benchmark/registrations/finite-size.toml): each verdict's expectation is read from there.
RULES = load_registration("finite-size")
TOLERANCE = RULES.claim("schirmacher.high-tstar-window-s2").expect.tolerance
N_BOOTSTRAP = 1000
#: Issue 25 item 3's target: the 95 % half-width of s at each (N, protocol, m) from the best estimator.
HALF_WIDTH_TARGET = 0.25


def load_points(root: Path, sizes: Sequence[int] | None = None) -> dict[tuple[int, int, float], xr.Dataset]:
    """Every (N, taper, T*) point with at least 5 part files under ``root/n{N}/parts``, its samples
    concatenated; only the N in ``sizes`` when given (the other folders are not read)."""
    points: dict[tuple[int, int, float], xr.Dataset] = {}
    for folder in sorted(root.glob("n*/parts/*")):
        m = re.fullmatch(r"taper_order-(-?\d+)__parent_temperature-(.+)", folder.name)
        n = int(folder.parent.parent.name[1:])
        if m is None or (sizes and n not in sizes):
            continue
        files = sorted(glob.glob(str(folder / "sample-*.nc")))
        if len(files) < 5:
            continue
        parts = [xr.open_dataset(f).load() for f in files]
        ds = xr.concat(
            parts, "sample", data_vars="minimal", coords="minimal", compat="override", combine_attrs="override"
        )
        ds = whole_chains(ds, f"{folder}")
        if ds.sizes["sample"] >= 5:
            points[(n, int(m.group(1)), float(m.group(2)))] = with_size_segregation(ds)
    return points


def whole_chains(ds: xr.Dataset, where: str = "") -> xr.Dataset:
    """``ds`` without the structures of chains that hold fewer than ``chain_samples`` of them.

    The ensemble writes a chain's part files after the whole chain is computed, one file after another, and
    completes a chain interrupted between those writes when it resumes; a folder read after such an
    interruption, before the resume, holds the first few of the chain's structures.  Counted as a chain they
    would add a unit of the chain bootstrap that the finished chain replaces later.  They are left out, and
    said so; a point without chains is returned unchanged.
    """
    per_chain = int(ds.attrs.get("chain_samples", 0))
    if "chain" not in ds or per_chain <= 1:
        return ds
    chains, counts = np.unique(ds["chain"].values, return_counts=True)
    short = chains[counts < per_chain]
    if short.size == 0:
        return ds
    print(
        f"{where}: left out chain(s) {short.tolist()} with {counts[counts < per_chain].tolist()} of their "
        f"{per_chain} structures (interrupted between its writes); they count once complete"
    )
    return ds.sel(sample=~np.isin(ds["chain"].values, short))


def with_size_segregation(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with ``size_segregation`` per sample where it holds positions, diameters and box lengths.

    The box-scale sorting (:func:`~vdosbench.generators.glasses.equilibration.size_segregation`, 2³ cells, 1 =
    mixed) needs the per-site arrays the compact form leaves out, so it is computed here and kept as a per-sample
    variable of the compact form (``studies/sorting_trend.py`` reads it there).
    """
    if not all(v in ds for v in ("position", "diameter", "box_length")) or "size_segregation" in ds:
        return ds
    seg = [
        size_segregation(ds["position"].values[k], float(ds["box_length"].values[k]), ds["diameter"].values[k])
        for k in range(ds.sizes["sample"])
    ]
    return ds.assign(
        size_segregation=(
            "sample",
            np.array(seg),
            {
                "long_name": "variance of the cell-mean diameter over 2^3 cells over its random-placement value",
                "units": "1",
            },
        )
    )


#: Variables left out of the compact form of a point (per-site arrays and the Monte Carlo energy traces stay in the
#: part files under runs/, which the recipes rebuild; the chains' energy drift is kept).
COMPACT_DROP = ("position", "diameter", "coordination", "eigenvector", "mc_energy")


def _group(key: tuple[int, int, float]) -> str:
    n, m, t = key
    return f"n{n}_m{'inf' if m == -1 else m}_t{_tstar(t)}"


def export_compact(points: Mapping[tuple[int, int, float], xr.Dataset], path: Path) -> None:
    """Write every point without its per-site arrays, one netCDF group each (``n1000_m2_t1``), atomically
    (:func:`vdosbench.datasets.write_point_groups`; the ``site`` length kept as the attribute ``n_particles``).

    The analysis needs only eigenvalues, mode measures, moduli and box, so the compact file lets a clone redo
    every number of ``finite_size.json`` without the part files.
    """
    write_point_groups({_group(key): ds for key, ds in points.items()}, path, drop=COMPACT_DROP)


def load_compact(path: Path) -> dict[tuple[int, int, float], xr.Dataset]:
    """The points of :func:`export_compact`'s file (``site`` restored as a coordinate of length N)."""
    points = {}
    for g, ds in read_point_groups(path).items():
        m = re.fullmatch(r"n(\d+)_m(inf|\d+)_t(.+)", g)
        ds = ds.assign_coords(site=np.arange(int(ds.attrs["n_particles"])))
        points[(int(m.group(1)), -1 if m.group(2) == "inf" else int(m.group(2)), float(m.group(3)))] = ds
    return points


def merge_points(
    old: Mapping[tuple[int, int, float], xr.Dataset], new: Mapping[tuple[int, int, float], xr.Dataset]
) -> dict[tuple[int, int, float], xr.Dataset]:
    """``old`` and ``new`` merged point by point and sample by sample; a sample in both is taken from ``new``.

    A sample index is the same sample wherever it was computed (its seed depends on the index only), so a folder
    run with ``vdosbench generate --first-sample K`` extends the compact file's point with samples K onwards, and
    a folder that has grown replaces the samples it shares with the compact file.  Per-site variables that one side
    lacks (the compact form keeps none) are dropped from the merge; a per-sample scalar that one side lacks is
    NaN for that side's samples.
    """
    out = dict(old)
    for key, ds in new.items():
        if key not in out:
            out[key] = ds
            continue
        earlier = out[key]
        keep = earlier.sel(sample=~np.isin(earlier["sample"].values, ds["sample"].values))
        if keep.sizes["sample"] == 0:
            out[key] = ds
            continue
        shared = [v for v in ds.data_vars if v in keep.data_vars]
        # a per-sample scalar that one side lacks (size_segregation of new parts, say) is NaN on that side
        one_side = {
            v: side[v].attrs
            for side, other in ((keep, ds), (ds, keep))
            for v in side.data_vars
            if v not in other.data_vars and side[v].dims == ("sample",)
        }
        halves = []
        for part in (keep, ds):
            extra = {
                v: ("sample", part[v].values if v in part else np.full(part.sizes["sample"], np.nan), attrs)
                for v, attrs in one_side.items()
            }
            halves.append(part[shared].assign(extra))
        merged = xr.concat(
            halves, "sample", data_vars="minimal", coords="minimal", compat="override", combine_attrs="override"
        )
        if "site" in ds.sizes:  # the particle count (mode_spectra and export_compact read it), kept
            merged = merged.assign_coords(site=np.arange(ds.sizes["site"]))
        out[key] = merged.sortby("sample").assign_attrs(ds.attrs)
    return out


def mode_spectra(ds: xr.Dataset, label: str) -> ModeSpectra:
    """The :class:`ModeSpectra` of one point (:func:`vdosbench.validators.mode_spectra_from_dataset`: translations
    dropped, ω₀ from each sample's G, chains as groups; samples unstable to shear, G ≤ 0, left out and counted)."""
    return mode_spectra_from_dataset(ds, label)


def stable_samples(ds: xr.Dataset) -> np.ndarray:
    """The ``sample`` values whose shear modulus is positive."""
    return ds["sample"].values[ds["shear_modulus"].values > 0]


def point_estimates(ds: xr.Dataset, spectra: ModeSpectra) -> dict[str, Any]:
    """Every per-point estimator (module docstring), as JSON-able dicts."""
    est: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for c in FACTORS:
        try:
            est[f"mle c={c:g}"] = window_mle(spectra, c, n_bootstrap=N_BOOTSTRAP, seed=0)
        except ValueError as e:  # e.g. the window reaches past the stored modes: recorded, not hidden
            failed[f"mle c={c:g}"] = str(e)
    spread = None
    try:
        scan, spread = participation_scan(
            spectra, PARTICIPATION_THRESHOLDS, factor=0.7, n_bootstrap=N_BOOTSTRAP, seed=0
        )
        est.update({f"mle c=0.7 {name}": e for name, e in scan.items()})
    except ValueError as e:
        failed["participation scan c=0.7"] = str(e)
    try:
        est["debye excess"] = debye_excess(spectra, n_bootstrap=N_BOOTSTRAP, seed=0)
    except ValueError as e:
        failed["debye excess"] = str(e)
    lowest = power_law_exponent(ds, PowerLawWindow(rule="lowest_k", k=10), n_bootstrap=N_BOOTSTRAP, seed=0)
    return {"estimates": est, "failed": failed, "participation_spread": spread, "lowest_k": lowest}


@study_measure("finite_size.model_window_difference")
def paired_difference(a: xr.Dataset, b: xr.Dataset, seed: int, label: str) -> tuple[Measurement, dict[str, Any]]:
    """s(a) − s(b) on the samples both points have with a positive shear modulus, bootstrap over pairs of units
    (chains when given, else samples): the primary's (window MLE, c = 0.5,
    :func:`vdosbench.validators.paired_window_difference`) and, keyed by name, the same difference by the two
    estimators with the narrowest intervals, ``mle c=0.7`` and ``debye excess``
    (:func:`vdosbench.validators.paired_debye_excess_difference`): reported beside the registered primary as a
    systematic, never used for the verdict; an alternative that cannot measure a pair says why."""
    common = np.intersect1d(stable_samples(a), stable_samples(b))
    sa, sb = mode_spectra(a.sel(sample=common), "a"), mode_spectra(b.sel(sample=common), "b")
    primary = replace(paired_window_difference(sa, sb, 0.5, n_bootstrap=N_BOOTSTRAP, seed=seed), name=label)
    alternatives: dict[str, Any] = {}
    for name, fn in (
        ("mle c=0.7", lambda: paired_window_difference(sa, sb, 0.7, n_bootstrap=N_BOOTSTRAP, seed=seed)),
        ("debye excess", lambda: paired_debye_excess_difference(sa, sb, n_bootstrap=N_BOOTSTRAP, seed=seed)),
    ):
        try:
            alternatives[name] = replace(fn(), name=label).to_dict()
        except ValueError as e:  # a window past the stored modes, or moduli missing: say why
            alternatives[name] = {"status": "not measured", "reason": str(e)}
    return primary, alternatives


def _verdict(measurement: Measurement | None, claim: str, ok: bool = True) -> str:
    """The registered rule of ``claim`` (benchmark/registrations/finite-size.toml) at one point
    (:func:`vdosbench.benchmark.assessed_verdict`)."""
    return assessed_verdict(measurement, RULES.claim(claim).expect, assessed=ok)


def _expanded(measurement: Measurement) -> Measurement:
    """A point's or a paired difference's measurement with its expanded percentile interval in place of the
    percentile one (the verdicts of the amendment of 26 Nov 2026); NaN where it carries none."""
    low, high = measurement.expanded if measurement.expanded is not None else (math.nan, math.nan)
    return replace(measurement, low=low, high=high)


def _tstar(t: float) -> str:
    return "inf" if math.isinf(t) else f"{t:g}"


def _is_td(t: float) -> bool:
    """Whether T* is a T_d ladder's (the additive model's or the non-additive control's)."""
    return math.isclose(t, T_D) or math.isclose(t, T_D_NONADDITIVE)


def _t_label(t: float | str) -> str:
    """T* for titles: the additive model's and the non-additive control's T_d named as such."""
    if math.isclose(float(t), T_D_NONADDITIVE):
        return f"{t} (non-additive T_d)"
    return f"{t} (additive T_d)" if math.isclose(float(t), T_D) else f"{t}"


#: The claims a point is judged on, by the key its results carry: at T_d (key, registered claim per taper), at high T*
#: (key, registered claim).
TD_CLAIMS = {
    "schirmacher.taper-s3+2/m": {2: "schirmacher.taper-m2-s4", -1: "schirmacher.taper-minf-s3"},
    "lerner.s4": {2: "lerner.td-s4", -1: "lerner.td-s4"},
}
HIGH_T_CLAIMS = {
    "schirmacher.high-parent-temperature-s2": "schirmacher.high-tstar-window-s2",
    "lerner.finite-size-s4": "lerner.finite-size-s4",
}


def point_claims(m: int, t: float) -> dict[str, str]:
    """The registered claim each verdict key of a point reads (key -> claim id of finite-size.toml)."""
    if _is_td(t):
        return {key: by_taper[m] for key, by_taper in TD_CLAIMS.items()}
    return dict(HIGH_T_CLAIMS)


def claim_values(m: int, t: float) -> dict[str, float]:
    """The exponent each registered claim expects at a point (its expectation's value in finite-size.toml)."""
    return {key: float(RULES.claim(claim).expect.value) for key, claim in point_claims(m, t).items()}


def _chain_rows(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """The chains of a T_d point and the first sample row of each: a chain's drift record sits on each of its rows."""
    return np.unique(ds["chain"].values, return_index=True)


def equilibrium_summary(ds: xr.Dataset) -> dict[str, Any] | None:
    """Energy drift and τ_α of the chains of a T_d point (None for a point without chains)."""
    if "chain" not in ds or "energy_drift" not in ds:
        return None
    first = _chain_rows(ds)[1]
    drift = ds["energy_drift"].values[first]
    low, high = ds["energy_drift_low"].values[first], ds["energy_drift_high"].values[first]
    finite = np.isfinite(drift)
    tau = ds["segment_tau_alpha"].values
    return {
        "chains": int(first.size),
        "drift_mean": float(np.mean(drift[finite])) if finite.any() else None,
        "drift_stderr_of_mean": float(np.std(drift[finite], ddof=1) / math.sqrt(finite.sum()))
        if finite.sum() > 1
        else None,
        "chains_drift_interval_contains_0": int(np.sum((low <= 0) & (high >= 0))),
        "chains_falling": int(np.sum(high < 0)),
        "chains_rising": int(np.sum(low > 0)),
        "late_energy_mean": float(np.nanmean(ds["energy_late_mean"].values[first])),
        "tau_alpha_mean": float(np.nanmean(tau)),
        "tau_alpha_std": float(np.nanstd(tau)),
        "tau_alpha_not_reached": int(np.sum(~np.isfinite(tau))),
        "segment_fs_end_mean": float(np.nanmean(ds["segment_fs_end"].values)),
    }


def chain_drifts(ds: xr.Dataset) -> list[tuple[int, float, float]]:
    """(chain, energy drift, its standard error) of each chain of a T_d point, in chain order; empty for a point
    without chains."""
    if "chain" not in ds or "energy_drift" not in ds:
        return []
    chains, first = _chain_rows(ds)
    return [
        (int(c), float(ds["energy_drift"].values[i]), float(ds["energy_drift_stderr"].values[i]))
        for c, i in zip(chains, first)
    ]


def half_width_summary(estimates: Mapping[str, Any], n_units: int) -> dict[str, Any]:
    """The item-3 target at one point: each assessed estimator's 95 % half-width, the primary's and the narrowest
    one's, whether they meet :data:`HALF_WIDTH_TARGET`, and how many independent units (chains, else samples) each
    would need if its half-width falls as 1/√units (``units_needed``; a projection, not a measurement)."""
    widths = {
        k: (e.measurement.high - e.measurement.low) / 2
        for k, e in estimates.items()
        if e.ok and e.measurement is not None and math.isfinite(e.measurement.high - e.measurement.low)
    }

    def entry(name: str | None) -> dict[str, Any] | None:
        if name is None or name not in estimates:
            return None
        if name not in widths:  # not assessed (e.g. too few modes in its windows): no half-width, the reason
            e = estimates[name]
            return {
                "estimator": name,
                "half_width": None,
                "met": False,
                "units_needed": None,
                "reason": e.reason or e.status,
            }
        hw = widths[name]
        return {
            "estimator": name,
            "half_width": hw,
            "met": bool(hw <= HALF_WIDTH_TARGET),
            "units_needed": int(math.ceil(n_units * (hw / HALF_WIDTH_TARGET) ** 2)),
        }

    return {
        "target": HALF_WIDTH_TARGET,
        "units": n_units,
        "half_widths": widths,
        "primary": entry(PRIMARY),
        "narrowest": entry(min(widths, key=widths.get) if widths else None),
    }


def assessable(sp: ModeSpectra) -> bool:
    """Whether a point enters the comparisons across N: a point of chains needs :data:`MIN_GROUPS` of them (the
    bootstrap's minimum, below which its own estimates are not assessed); a point of independent samples always."""
    return sp.groups is None or sp.n_groups >= MIN_GROUPS


def analyse(points: Mapping[tuple[int, int, float], xr.Dataset]) -> dict[str, Any]:
    """Every estimate and verdict of the module docstring, JSON-able."""
    rows, spectra, primaries = [], {}, {}
    for (n, m, t), ds in sorted(points.items()):
        label = f"N={n} m={'inf' if m == -1 else m} T*={_tstar(t)}"
        sp = mode_spectra(ds, label)
        spectra[(n, m, t)] = sp
        res = point_estimates(ds, sp)
        est = res["estimates"]
        if PRIMARY not in est:
            raise ValueError(f"{label}: the primary estimator failed: {res['failed'][PRIMARY]}")
        primary = primaries[(n, m, t)] = est[PRIMARY]
        spread = {k: e.value for k, e in est.items() if e.ok}
        claims, registered = claim_values(m, t), point_claims(m, t)
        rows.append(
            {
                "n_particles": n,
                "taper_order": m,
                "parent_temperature": _tstar(t),
                "n_samples": sp.n_samples,
                "excluded_unstable_to_shear": sp.excluded_unstable,
                "omega0_mean": float(np.mean(sp.omega0)),
                "omega0_std": float(np.std(sp.omega0)),
                "shear_modulus_mean": float(np.mean(sp.shear_modulus)),
                "inherent_energy_mean": float(ds["inherent_energy"].mean()),
                "modes_below": {f"{c:g}": float(np.mean(sp.count_below(c * sp.omega0))) for c in (*FACTORS, 1.0)},
                "estimates": {k: e.to_dict() for k, e in est.items()},
                "not_measured": res["failed"],
                "participation_spread": None
                if res["participation_spread"] is None
                else res["participation_spread"].to_dict(),
                "lowest_k_10": {"mle": res["lowest_k"].mle.to_dict(), "flatness": res["lowest_k"].flatness.to_dict()},
                "primary": {
                    "estimator": PRIMARY,
                    "value": primary.value,
                    "interval": list(primary.interval()),
                    "interval_expanded": list(primary.interval("bootstrap_expanded")),
                    "status": primary.status,
                    "reason": primary.reason,
                },
                "systematic_spread": {
                    "min": min(spread.values()) if spread else None,
                    "max": max(spread.values()) if spread else None,
                    "values": spread,
                },
                "n_chains": sp.n_groups if sp.groups is not None else None,
                "half_width": half_width_summary(est, sp.n_groups),
                "claim_values": claims,
                "verdicts": {key: _verdict(primary.measurement, registered[key], primary.ok) for key in claims},
                "verdicts_expanded": {
                    key: _verdict(_expanded(primary.measurement), registered[key], primary.ok) for key in claims
                },
                "equilibrium": equilibrium_summary(ds),
                "stage_seconds_mean": dict(
                    zip(ds["stage"].values.tolist(), ds["stage_seconds"].mean("sample").values.round(3).tolist())
                ),
            }
        )
    across = []
    for m, t in sorted({(m, t) for _, m, t in spectra}):
        every = [spectra[k] for k in sorted(spectra) if k[1] == m and k[2] == t]
        pts = [p for p in every if assessable(p)]
        sizes = [p.n_particles for p in pts]
        item: dict[str, Any] = {
            "taper_order": m,
            "parent_temperature": _tstar(t),
            "sizes": sizes,
            "left_out": [
                {
                    "n_particles": p.n_particles,
                    "chains": p.n_groups,
                    "reason": f"{p.n_groups} chains, fewer than {MIN_GROUPS}",
                }
                for p in every
                if not assessable(p)
            ],
        }
        if len(pts) >= 2:
            for name, fn in (
                ("count scaling c=0.5", lambda: count_scaling(pts, 0.5, n_bootstrap=N_BOOTSTRAP)),
                ("extreme value", lambda: extreme_value(pts, n_bootstrap=N_BOOTSTRAP)),
            ):
                try:
                    item[name] = fn().to_dict()
                except ValueError as e:  # too few sizes or modes for this estimator: say why
                    item[name] = {"status": "not measured", "reason": str(e)}
            diff = replace(
                size_window_difference(pts[-1], pts[0], 0.5, n_bootstrap=N_BOOTSTRAP, seed=1),
                name=f"s(N={sizes[-1]}) - s(N={sizes[0]})",
            )
            # the amendment of 26 Nov 2026 (findings page, History): no verdict from an end whose own primary is not assessed
            ends = [primaries[(p.n_particles, m, t)] for p in (pts[0], pts[-1])]
            ends_not_ok = [
                f"N = {p.n_particles}'s primary: {e.reason.split(';')[0]}"
                for p, e in zip((pts[0], pts[-1]), ends)
                if not e.ok
            ]
            item["size_difference"] = {
                **diff.to_dict(),
                "verdict_s_independent_of_N": _verdict(diff, "s-independent-of-N", not ends_not_ok),
            }
            if ends_not_ok:
                item["size_difference"]["not_assessed_because"] = "; ".join(ends_not_ok)
        across.append(item)
    tapers = []
    for n, t in sorted({(n, t) for n, _, t in spectra}):
        if (n, 2, t) in spectra and (n, -1, t) in spectra:
            diff, alternatives = paired_difference(points[(n, 2, t)], points[(n, -1, t)], 2, "s(m=2) - s(m=inf)")
            tapers.append(
                {
                    "n_particles": n,
                    "parent_temperature": _tstar(t),
                    **diff.to_dict(),
                    "verdict_equal_0": _verdict(diff, "taper-difference-0"),
                    "verdict_equal_plus_1": _verdict(diff, "taper-difference-plus-1"),
                    "verdict_equal_0_expanded": _verdict(_expanded(diff), "taper-difference-0"),
                    "verdict_equal_plus_1_expanded": _verdict(_expanded(diff), "taper-difference-plus-1"),
                    "alternatives": alternatives,
                }
            )
    models = []  # the fractionation control (item 5): additive minus non-additive at T_d, paired by chain start
    for n, m in sorted({(n, m) for n, m, _ in spectra}):
        if (n, m, T_D) in spectra and (n, m, T_D_NONADDITIVE) in spectra:
            diff, alternatives = paired_difference(
                points[(n, m, T_D)], points[(n, m, T_D_NONADDITIVE)], 3, "s(additive, T_d) - s(non-additive, its T_d)"
            )
            models.append(
                {
                    "n_particles": n,
                    "taper_order": m,
                    **diff.to_dict(),
                    "verdict_equal_0": _verdict(diff, "model-difference-0"),
                    "verdict_equal_0_expanded": _verdict(_expanded(diff), "model-difference-0"),
                    "alternatives": alternatives,
                }
            )
    return {"points": rows, "across_sizes": across, "taper_difference": tapers, "model_difference": models}


def figure(result: Mapping[str, Any], path: Path) -> plt.Figure:
    """s(N) per taper and T*, by estimator, with the seed's (2 at high T*, 3 + 2/m at T_d) and the rival's (4) values.

    Only estimates whose status is "ok" are drawn; the legend names every estimator drawn in any panel.
    """
    combos = sorted({(r["taper_order"], r["parent_temperature"]) for r in result["points"]})
    tapers = sorted({m for m, _ in combos})
    temps = sorted({t for _, t in combos}, key=float)
    fig, grid = plt.subplots(len(tapers), len(temps), figsize=(4.2 * len(temps), 3.4 * len(tapers)), squeeze=False)
    for a, m in enumerate(tapers):  # a row per taper, a column per T*; a panel without data is removed
        for b, t in enumerate(temps):
            if (m, t) not in combos:
                grid[a][b].remove()
    axes = [[grid[tapers.index(m)][temps.index(t)] for m, t in combos]]
    styles = {
        "mle c=0.3": ("C0", "o"),
        "mle c=0.5": ("C3", "s"),
        "mle c=0.7": ("C2", "^"),
        "mle c=0.7 e<=0.25": ("C4", "v"),
        "debye excess": ("C1", "D"),
    }
    for ax, (m, t) in zip(axes[0], combos):
        rows = [r for r in result["points"] if r["taper_order"] == m and r["parent_temperature"] == t]
        for k, (name, (color, marker)) in enumerate(styles.items()):
            ns, vals, lo, hi = [], [], [], []
            for r in rows:
                e = r["estimates"].get(name)
                if e is None or e["status"] != "ok":
                    continue
                meas = e["measurement"]
                ns.append(r["n_particles"] * (1 + 0.03 * (k - 2)))
                vals.append(meas["value"])
                lo.append(meas["value"] - meas["low"])
                hi.append(meas["high"] - meas["value"])
            if ns:
                ax.errorbar(ns, vals, yerr=[lo, hi], fmt=marker, color=color, ms=4, capsize=2, label=name)
        old = [(r["n_particles"], r["lowest_k_10"]["mle"]["value"]) for r in rows]
        ax.plot(*zip(*old), "x--", color="0.5", label="lowest 10 (old)")
        seed = next(v for k, v in claim_values(m, float(t)).items() if k.startswith("schirmacher"))  # T_d: 3 + 2/m
        ax.axhline(seed, color="k", ls=":", lw=1)
        ax.axhline(4, color="k", ls="--", lw=1)
        ax.text(
            1.01,
            seed,
            f" seed 001: {seed:g}",
            transform=ax.get_yaxis_transform(),
            fontsize=7,
            va="bottom" if seed == 4 else "center",
        )
        ax.text(
            1.01,
            4,
            " Lerner 2020: 4",
            transform=ax.get_yaxis_transform(),
            fontsize=7,
            va="top" if seed == 4 else "center",
        )
        ax.set_xscale("log")
        sizes = sorted({r["n_particles"] for r in rows})
        ax.set_xlim(sizes[0] / 1.35, sizes[-1] * 1.35)  # one N alone would get decades of axis
        ax.set_xticks(sizes, [str(n) for n in sizes])
        ax.minorticks_off()
        ax.set_xlabel("N")
        ax.set_title(f"m = {'inf' if m == -1 else m}, T* = {_t_label(t)}", fontsize=9)
        ax.set_ylim(0.5, 6)
    for row in grid:
        row[0].set_ylabel("s (95 % bootstrap interval)")
    drawn: dict[str, Any] = {}  # every panel's entries: an estimator can be missing from the first panel
    for ax in axes[0]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            drawn.setdefault(label, handle)
    labels = [label for label in ("lowest 10 (old)", *styles) if label in drawn]
    axes[0][0].legend([drawn[label] for label in labels], labels, fontsize=6, loc="lower left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return fig


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "roots",
        type=Path,
        nargs="+",
        help="folders of studies/finite_size_queue.sh / td_ladder_queue.sh (n{N}/parts/...) and "
        "compact .nc files, merged by sample in order (a later input's sample replaces an earlier "
        "one's; a folder run with --first-sample adds its chains to the compact file's)",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "studies" / "results" / "finite_size.json")
    ap.add_argument("--figure", type=Path, default=ROOT / "docs" / "figures" / "seed003" / "s_of_n.png")
    ap.add_argument(
        "--compact",
        type=Path,
        default=ROOT / "studies" / "results" / "finite_size_modes.nc",
        help="where the compact form of the merged inputs is written; not written when the one input "
        "is a compact file itself (so the compact form on main and a pending file merge into "
        "the compact form in one call)",
    )
    ap.add_argument(
        "--export-only",
        action="store_true",
        help="write the merged inputs' compact form to --compact and stop (no analysis): lands chains "
        "finished after the last analysis, e.g. in studies/results/finite_size_modes_pending.nc, "
        "which the next analysis reads after the main compact form",
    )
    ap.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        metavar="N",
        help="take only these N from the part folders (compact files are read whole): a piece folder "
        "of finite_size_queue.sh, from{FIRST}-m{taper}-t{T*}/, holds every N run from that first "
        "sample, e.g. --sizes 8000 lands its n8000/ and not an n4000/ landed before",
    )
    args = ap.parse_args(argv)
    points: dict[tuple[int, int, float], xr.Dataset] = {}
    for root in args.roots:  # merged by sample: a later input's sample replaces an earlier one's
        points = merge_points(points, load_compact(root) if root.suffix == ".nc" else load_points(root, args.sizes))
    if args.export_only:
        if not points:
            raise SystemExit(f"no points with >= 5 part files under {[str(r) for r in args.roots]}; nothing to export")
        export_compact(points, args.compact)
        held = ", ".join(f"{_group(k)} ({ds.sizes['sample']})" for k, ds in sorted(points.items()))
        print(f"wrote {args.compact}: {held}")
        for key, ds in sorted(points.items()):  # what a landing note quotes: each chain's drift, no exponent
            drifts = chain_drifts(ds)
            if drifts:
                print(
                    f"{_group(key)}: {len(drifts)} chains, energy drift e/N over the last half:",
                    "; ".join(f"{c} {d:+.4f} ± {e:.4f}" for c, d, e in drifts),
                )
        return 0
    if points and (len(args.roots) > 1 or args.roots[0].suffix != ".nc"):  # a merge or part files: keep it
        export_compact(points, args.compact)
    if not points:
        raise SystemExit(
            f"no points with >= 5 part files under {[str(r) for r in args.roots]} (n*/parts/); expected "
            "the output of studies/finite_size_queue.sh or td_ladder_queue.sh. Fix: run it first"
        )
    result = analyse(points)
    for r in result["points"]:
        p = r["primary"]
        print(
            f"N={r['n_particles']:6d} m={r['taper_order']:2d} T*={r['parent_temperature']:>3s} "
            f"n={r['n_samples']:3d}  s[{PRIMARY}] = {p['value']:.2f} [{p['interval'][0]:.2f}, {p['interval'][1]:.2f}] "
            f"({p['status']})  spread {r['systematic_spread']['min']}..{r['systematic_spread']['max']}  "
            f"lowest10 {r['lowest_k_10']['mle']['value']:.2f}  {r['verdicts']}",
            flush=True,
        )
    doc = {"method": __doc__, "primary_estimator": PRIMARY, "tolerance": TOLERANCE, **result}
    write_results(args.out, doc, indent=1, default=float)
    plt.close(figure(result, args.figure))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
