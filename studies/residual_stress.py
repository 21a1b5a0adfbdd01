"""Issue 67 item 4: residual stress as an axis — s and A_4 stratified by each glass's residual shear stress.

Run from the clone's root (it imports ``studies.continuum_debye`` and ``studies.soft_mode_density``)::

    python -m studies.residual_stress          # compute (about 2 min on one core), write the JSON and the page
    python -m studies.residual_stress --page   # only rewrite the page from the stored JSON
    python -m studies.residual_stress --check  # exit 1 when the page is not what the JSON gives

What it measures (read only, nothing simulated)
    Every stored parameter point whose glasses keep their positions and whose shear moduli are known: the N = 1000
    full-spectrum sets of ``reference-data/`` (the T* ladder 7 T_d - T_d, seed-literal; moduli from
    ``studies/results/full_spectrum_moduli.nc``), the aged T_d lowest-mode set (``soft-spheres-lowest-n1000-td.nc``,
    20 chains, moduli stored) and the Kob-Andersen sets (moduli from ``soft_mode_density_ka_moduli.json``).
    Only certified glasses are read (:func:`vdosbench.benchmark.certified_reading.certified_input`: Sylvester
    inertia of the rebuilt Hessian against the stored modes, d zero modes, symmetry, residual force, box), and
    the count left out and why is recorded per point; a point of ``certified_sets.json`` (the same files and checks,
    ``python -m studies.certified_sets``) whose every sample passed there is not certified again.  Per glass: the virial stress tensor rebuilt from its positions
    (:func:`vdosbench.benchmark.residual_stress.with_residual_stress`), its residual shear stress τ = √J₂ and
    pressure (:func:`vdosbench.validators.residual_stress`; the pressure is checked against the one stored beside
    the moduli).  Per point, in the point's own unit (ω_g from the point's ensemble mean G, the same for every
    glass of it, so that the strata are compared in one unit):

    - the deep-tail reading beside its residual stress: s by the band MLE on (0, 0.15] ω_g (the registered band of
      ``lerner.deep-tail-s4-absolute``) and A_4·ω_g⁵ below 0.15 ω_g, with ⟨τ⟩ and its interval;
    - the glasses split at the point's median τ into a low- and a high-stress half: A_4 below 0.15 and 0.29 ω_g
      and s on (0, 0.29] ω_g (the widest phonon-free band at N = 1000) in each half, the ratio A_4(high)/A_4(low)
      (:func:`vdosbench.validators.spectral.density_comparison.soft_mode_density_ratio`) and s(high) − s(low)
      (:func:`vdosbench.validators.band_difference`);
    - the spread it explains: Spearman's ρ and R² of each glass's count of modes below 0.29 ω_g against its τ
      (:func:`vdosbench.validators.structure.residual_stress.stress_association`), over the phonon-free glasses.

    Intervals: 95 % percentile bootstrap over glasses (over chains where a point has chains).  Across points the
    ensemble τ falls with depth of supercooling as the points' A_4 does; that co-variation is tabulated, not
    attributed (T* moves both).

Writes ``studies/results/residual_stress.json`` and ``docs/findings/residual-stress.md``.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from studies.continuum_debye import load_point_datasets  # noqa: E402
from studies.literature_matrix import CERTIFIED, DATA_SETS, page_arguments  # noqa: E402
from studies.soft_mode_density import KA_MODULI, MODULI, T_D_ADDITIVE, ka_point_datasets  # noqa: E402
from vdosbench.benchmark.certified_reading import CertificationRecord, certified_input  # noqa: E402
from vdosbench.benchmark.machine import machine_info  # noqa: E402
from vdosbench.benchmark.residual_stress import with_residual_stress  # noqa: E402
from vdosbench.datasets import write_results  # noqa: E402
from vdosbench.datasets.io import write_text  # noqa: E402
from vdosbench.validators import (  # noqa: E402
    ModeSpectra,
    band_difference,
    band_mle,
    common_shear_modulus,
    mode_spectra_from_dataset,
    residual_stress,
    soft_mode_density_ratio,
)
from vdosbench.validators.spectral.absolute_frequency import (  # noqa: E402
    PHONON_FACTOR,
    soft_mode_density,
)
from vdosbench.validators.structure.residual_stress import stress_association  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "studies" / "results" / "residual_stress.json"
PAGE = ROOT / "docs" / "findings" / "residual-stress.md"
SCRIPT = "studies/residual_stress.py"
LOWEST_TD = "reference-data/soft-spheres-lowest-n1000-td.nc"
#: The deep band's top (registered, issue 63) and the widest phonon-free band at N = 1000 (0.6 ω₀ = 0.377 ω_g).
X_DEEP, X_WIDE = 0.15, 0.29
N_BOOTSTRAP, SEED, CONFIDENCE = 1000, 0, 0.95
TAPER = {2: "m = 2", -1: "m = ∞"}
#: The page's dated changes.
HISTORY = (
    "- 2026-11-28: first computed (issue 67 item 4): the residual stress of every stored glass with "
    "positions and moduli, beside its point's deep-tail reading, and s and A_4 split at the median stress.",
)


@dataclass(frozen=True)
class StressPoint:
    """One parameter point read here: its glasses (with ``shear_modulus``) and what it is."""

    label: str
    source: str
    model: str
    tstar: float
    taper: int
    point: xr.Dataset


def full_spectrum_points(moduli: Path = MODULI) -> list[StressPoint]:
    """The N = 1000 full-spectrum points with each glass's moduli and pressure (``full_spectrum_moduli.nc``)."""
    return [
        StressPoint(
            f"full {info['set']} {TAPER[info['taper_order']]}",
            info["source"],
            "soft spheres",
            info["parent_temperature"],
            info["taper_order"],
            point.rename_vars(pressure="stored_pressure"),
        )
        for point, info in load_point_datasets(moduli).values()
    ]


def lowest_td_points(source: str = LOWEST_TD) -> list[StressPoint]:
    """The aged T_d lowest-mode set, both tapers (positions, moduli, pressure and chains stored)."""
    out = []
    with xr.open_dataset(ROOT / source) as ds:
        for taper in ds["taper_order"].values.tolist():
            point = ds.sel(taper_order=taper).squeeze(drop=True).load()
            if "pressure" in point:
                point = point.rename_vars(pressure="stored_pressure")
            out.append(StressPoint(f"lowest T_d {TAPER[taper]}", source, "soft spheres", T_D_ADDITIVE, taper, point))
    return out


def ka_points(moduli: Path = KA_MODULI) -> list[StressPoint]:
    """The Kob-Andersen points whose every glass has its own shear modulus (``soft_mode_density_ka_moduli.json``)."""
    return [
        StressPoint(
            f"KA {'seed-literal' if 'seed-literal' in name else 'equilibrated'} T* = {t:g} {TAPER[taper]}",
            f"reference-data/{name}",
            "Kob-Andersen",
            t,
            taper,
            point,
        )
        for name, taper, t, point, note in ka_point_datasets(moduli)
        if not note
    ]


def _summary(m: Any) -> dict[str, Any]:
    return {"value": m.value, "low": m.low, "high": m.high}


def _exponent(sp: ModeSpectra, high: float, n_bootstrap: int) -> dict[str, Any]:
    """The band MLE on (0, high] with its status and the modes it pooled."""
    est = band_mle(sp, 0.0, high, n_bootstrap=n_bootstrap, seed=SEED)
    return {**_summary(est.measurement), "status": est.status, "modes": int(est.measurement.settings["modes"])}


def _a4(sp: ModeSpectra, x_edge: float, n_bootstrap: int) -> dict[str, Any]:
    """A_4·ω_g⁵ below x_edge with the modes counted over the glasses that take part."""
    counts, use = _counts(sp, x_edge)
    m = soft_mode_density(sp, x_edge, n_bootstrap=n_bootstrap, seed=SEED)
    return {**_summary(m), "modes": int(counts[use].sum()), "samples_used": int(use.sum())}


def _counts(sp: ModeSpectra, x_edge: float) -> tuple[np.ndarray, np.ndarray]:
    """Each glass's modes below x_edge·ω_g and whether the band is phonon-free for it (as the A_4 reading)."""
    x = sp.omega / sp.omega_g[:, None]
    use = (x_edge < PHONON_FACTOR * sp.omega0 / sp.omega_g) & (x_edge <= sp.coverage / sp.omega_g)
    with np.errstate(invalid="ignore"):
        return np.sum(np.isfinite(x) & (x <= x_edge), axis=1).astype(float), use


def _spectra(point: xr.Dataset, label: str, unit: float) -> ModeSpectra:
    return mode_spectra_from_dataset(point, label).in_common_unit(unit)


def stored_certificate(p: StressPoint, certificates: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The point's summary in ``certified_sets.json`` (``python -m studies.certified_sets``, the same files and
    checks) when every one of its samples passed there, else None (then the certificate is computed here)."""
    if certificates is None:
        return None
    files = {d.name: d.files for d in DATA_SETS if not d.series}
    for s in certificates["sets"]:
        if not s["certifiable"] or files.get(s["set"]) != (Path(p.source).name,):
            continue
        for q in s["points"]:
            if (
                _same(q["point"].get("taper_order"), p.taper)
                and _same(q["point"].get("parent_temperature"), p.tstar)
                and q["certified"] == q["samples"] == p.point.sizes["sample"]
            ):
                return q
    return None


def _same(a: Any, b: Any) -> bool:
    a, b = (math.inf if x == "inf" else float(x) for x in (a, b))
    return a == b or math.isclose(a, b, rel_tol=1e-9)


def read_point(
    p: StressPoint, *, n_bootstrap: int = N_BOOTSTRAP, certificates: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the module docstring lists, for one point.  ``certificates``: ``certified_sets.json``, whose
    points where every sample passed are not certified again (:func:`stored_certificate`)."""
    stable = np.asarray(p.point["shear_modulus"].values) > 0
    stored = stored_certificate(p, certificates)
    if stored is not None:
        kept = p.point.isel(sample=np.flatnonzero(stable))
        record = CertificationRecord(
            p.label,
            True,
            "",
            int(stable.sum()),
            int(stable.sum()),
            stored["failed"],
            None,
            stored["residual_force_max"],
            [stored],
        )
    else:
        kept, record = certified_input(p.point.isel(sample=np.flatnonzero(stable)), p.label)
    point = with_residual_stress(kept)
    stress = residual_stress(point, n_bootstrap=n_bootstrap, seed=SEED, confidence=CONFIDENCE)
    tau = stress.per_sample["shear_stress"].values
    pressure = stress.per_sample["pressure"].values
    whole = mode_spectra_from_dataset(point, p.label)
    unit = common_shear_modulus(whole)
    whole = whole.in_common_unit(unit)
    row: dict[str, Any] = {
        "point": p.label,
        "source": p.source,
        "model": p.model,
        "parent_temperature": p.tstar,
        "taper_order": p.taper,
        "samples": int(point.sizes["sample"]),
        "excluded_unstable": int((~stable).sum()),
        "certification": {
            "certifiable": record.certifiable,
            "why": record.why,
            "stable_samples": record.samples,
            "by": "studies/results/certified_sets.json" if stored is not None else SCRIPT,
            "certified": record.kept,
            "left_out": record.left_out,
            "residual_force_max": record.residual_force_measured,
        },
        "chains": None if whole.groups is None else whole.n_groups,
        "unit_shear_modulus": unit,
        "shear_stress": _summary(stress.shear_stress),
        "shear_stress_rms": _summary(stress.shear_stress_rms),
        "pressure": _summary(stress.pressure),
        "shear_stress_over_g": float(np.mean(tau / point["shear_modulus"].values)),
        "deep_tail": {"s_band_mle": _exponent(whole, X_DEEP, n_bootstrap), "a4": _a4(whole, X_DEEP, n_bootstrap)},
    }
    if "stored_pressure" in point:
        row["pressure_check_max_abs_difference"] = float(np.nanmax(np.abs(pressure - point["stored_pressure"].values)))
    order = np.argsort(tau, kind="stable")
    halves = {"low": np.sort(order[: tau.size // 2]), "high": np.sort(order[tau.size // 2 :])}
    strata = {k: _spectra(point.isel(sample=idx), f"{p.label} {k} stress", unit) for k, idx in halves.items()}
    row["strata"] = {
        k: {
            "samples": int(idx.size),
            "shear_stress_mean": float(tau[idx].mean()),
            "a4_deep": _a4(strata[k], X_DEEP, n_bootstrap),
            "a4_wide": _a4(strata[k], X_WIDE, n_bootstrap),
            "s_wide": _exponent(strata[k], X_WIDE, n_bootstrap),
        }
        for k, idx in halves.items()
    }
    row["high_over_low"] = {
        f"a4_{name}": _summary(
            soft_mode_density_ratio(strata["high"], strata["low"], edge, n_bootstrap=n_bootstrap, seed=SEED)
        )
        for name, edge in (("deep", X_DEEP), ("wide", X_WIDE))
    }
    row["high_minus_low_s_wide"] = _summary(
        band_difference(strata["high"], strata["low"], 0.0, X_WIDE, n_bootstrap=n_bootstrap, seed=SEED)
    )
    counts, use = _counts(whole, X_WIDE)
    groups = None if whole.groups is None else np.asarray(whole.groups)[use]
    assoc = stress_association(tau[use], counts[use], groups=groups, n_bootstrap=n_bootstrap, seed=SEED)
    row["count_below_wide_vs_stress"] = {k: _summary(m) for k, m in assoc.items()}
    row["count_below_wide_vs_stress"]["samples"] = int(use.sum())
    return row


def compute(points: Sequence[StressPoint] | None = None, *, n_bootstrap: int = N_BOOTSTRAP) -> dict[str, Any]:
    """Every point's reading (module docstring) and the machine it ran on."""
    points = [*full_spectrum_points(), *lowest_td_points(), *ka_points()] if points is None else points
    certificates = json.loads(CERTIFIED.read_text()) if CERTIFIED.exists() else None
    rows = [read_point(p, n_bootstrap=n_bootstrap, certificates=certificates) for p in points]
    return {
        "generated_by": SCRIPT,
        "method": __doc__.split("What it measures")[1].split("Writes")[0].strip(),
        "bands_omega_over_omega_g": {"deep": [0.0, X_DEEP], "wide": [0.0, X_WIDE]},
        "n_bootstrap": n_bootstrap,
        "seed": SEED,
        "confidence": CONFIDENCE,
        "machine": machine_info(),
        "points": rows,
    }


# --------------------------------------------------------------------------- the page
def _iv(m: Mapping[str, Any], digits: int = 2) -> str:
    if m["value"] is None or not math.isfinite(m["value"]):
        return "–"
    if m["low"] is None or not math.isfinite(m["low"]):
        return f"{m['value']:.{digits}f} (no interval)"
    return f"{m['value']:.{digits}f} [{m['low']:.{digits}f}, {m['high']:.{digits}f}]"


def _exponent_text(m: Mapping[str, Any]) -> str:
    """An exponent with its interval where the band holds enough modes; else its mode count only."""
    if m["status"] != "ok":
        return f"{_modes(m['modes'])} (too few)"
    return _iv(m)


def _modes(n: int) -> str:
    return f"{n} mode" + ("" if n == 1 else "s")


def _a4_text(m: Mapping[str, Any]) -> str:
    return f"{_iv(m, 1)}, {_modes(m['modes'])}"


def _s_difference(r: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """s(high) − s(low), or None where a half's band holds too few modes to read s."""
    halves = r["strata"]
    return r["high_minus_low_s_wide"] if all(halves[k]["s_wide"]["status"] == "ok" for k in halves) else None


def _side(m: Mapping[str, Any], null: float) -> int:
    """+1 / −1 when the interval lies above / below ``null``, 0 when it holds it (or there is none)."""
    if m["low"] is None or not math.isfinite(m["low"]):
        return 0
    return 1 if m["low"] > null else -1 if m["high"] < null else 0


def _tally(rows: Sequence[Mapping[str, Any]], get: Any, null: float) -> str:
    read = [m for r in rows if (m := get(r)) is not None]
    sides = [_side(m, null) for m in read]
    return f"{sides.count(1)} above and {sides.count(-1)} below {null:g} of {len(read)}"


def certification_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """How many glasses the certificate kept, and what it left out for which check."""
    cert = [r["certification"] for r in rows]
    left = sum(c["stable_samples"] - c["certified"] for c in cert)
    totals = {k: sum(c["left_out"].get(k, 0) for c in cert) for c in cert for k in c["left_out"]}
    why = ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in sorted(totals.items()) if n)
    return (
        "Only certified glasses are read (`vdosbench.benchmark.certified_reading`: the inertia count of each "
        "rebuilt Hessian against the stored modes, d zero modes, a symmetric Hessian, the residual force, the "
        f"box): {sum(c['certified'] for c in cert)} of {sum(c['stable_samples'] for c in cert)} passed"
        + (", none left out." if left == 0 else f"; left out per check (a glass may fail several): {why}.")
    )


def summary(result: Mapping[str, Any]) -> list[str]:
    """The page's opening lines: what was read and what the split shows, counted from the results."""
    rows = result["points"]
    cert = [r["certification"] for r in rows]
    left = sum(c["stable_samples"] - c["certified"] for c in cert)
    r2 = sorted(r["count_below_wide_vs_stress"]["r_squared"]["value"] for r in rows)
    return [
        f"Each stored glass's residual shear stress τ = √J₂ of its virial stress, rebuilt from its positions: "
        f"{len(rows)} parameter points, {sum(r['samples'] for r in rows)} certified glasses ({left} left out by the "
        "certificate; soft spheres N = 1000 from 7 T_d to T_d, Kob-Andersen N = 1000); each point's deep-tail "
        "reading beside its ⟨τ⟩, and s and A_4 in the glasses below and above the point's median τ.",
        f"A_4 below {X_WIDE} ω_g, high-stress half over low: the interval lies "
        f"{_tally(rows, lambda r: r['high_over_low']['a4_wide'], 1.0)} points; s on (0, {X_WIDE}], high − low "
        f"(where both halves hold enough modes): {_tally(rows, _s_difference, 0.0)}; Spearman ρ of a glass's "
        f"soft-mode count with its τ: {_tally(rows, lambda r: r['count_below_wide_vs_stress']['spearman'], 0.0)}.",
        f"The stress explains R² = {r2[0]:.3f} – {r2[-1]:.3f} (median {r2[len(r2) // 2]:.3f}) of the "
        "glass-to-glass variance of that count.  With 95 % intervals on "
        f"{len(rows)} points about one exclusion per comparison is expected by chance; the exclusions found point "
        "both ways, so these sets show no consistent sorting of the soft modes by residual stress at N = 1000 "
        "(30 – 100 glasses a point): a finding against a strong effect at this size, not a proof of none.",
    ]


def render(result: Mapping[str, Any]) -> str:
    """The findings page from the results (summary, tables, history)."""
    rows = result["points"]
    checks = [r["pressure_check_max_abs_difference"] for r in rows if "pressure_check_max_abs_difference" in r]
    load = result["machine"].get("load_average_1_5_15min") or []
    lines = [
        "# Residual stress as an axis (issue 67 item 4)",
        "",
        *summary(result),
        "",
        "## How it is read",
        "",
        "`python -m studies.residual_stress` writes `studies/results/residual_stress.json` and this page "
        "(`--page` rewrites the page only, `--check` compares).  Per glass: the virial stress tensor "
        "σ = (1/V) Σ_pairs r^α r^β φ′(r)/r rebuilt from the stored positions and the model's potential "
        "(`vdosbench.benchmark.residual_stress`), its residual shear stress τ = √(½ s:s) (s the deviatoric part; "
        "for a pure simple shear τ = |σ_xy|) and pressure p = −tr σ / 3 (`vdosbench.validators.residual_stress`).  "
        "The value is exact to round-off for the stored structure: `tests/benchmark/test_residual_stress.py` "
        "checks it against a brute-force pair sum and the finite difference of the energy under every strain "
        "component"
        + (
            f"; the pressure agrees with the one stored beside the moduli to {max(checks):.1e} at worst."
            if checks
            else "."
        )
        + "  "
        + certification_text(rows),
        "",
        f"Per point, in the point's own unit (ω_g from its ensemble mean G, one unit for both halves): s by the band "
        f"MLE and A_4·ω_g⁵ = 5 · (modes per particle below x_b)/x_b⁵; the glasses split at the point's median τ; "
        f"A_4(high)/A_4(low) below {X_WIDE} ω_g (`soft_mode_density_ratio`), s(high) − s(low) on (0, {X_WIDE}] "
        f"(`band_difference`), and Spearman ρ and R² of each glass's count below {X_WIDE} ω_g against its τ "
        f"(`stress_association`, phonon-free glasses).  Intervals: 95 % percentile bootstrap over glasses, over "
        f"chains where a point has chains ({result['n_bootstrap']} resamples).  Where a point has chains, its two "
        "halves share chains and are resampled as if independent.",
        "",
        "## The deep-tail readings beside the residual stress",
        "",
        f"s: band MLE on (0, {X_DEEP}] ω_g (the registered deep band); A_4 below {X_DEEP} ω_g; ⟨τ⟩ and √⟨τ²⟩ in "
        "ε/a³; ⟨τ/G⟩ dimensionless.",
        "",
        "| point | glasses | ⟨τ⟩ | √⟨τ²⟩ | ⟨τ/G⟩ | p | s (0, 0.15] | A_4 (0, 0.15] |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        d = r["deep_tail"]
        lines.append(
            f"| {r['point']} | {r['samples']} | {_iv(r['shear_stress'], 4)} | "
            f"{_iv(r['shear_stress_rms'], 4)} | {r['shear_stress_over_g']:.4f} | "
            f"{_iv(r['pressure'], 3)} | {_exponent_text(d['s_band_mle'])} | {_a4_text(d['a4'])} |"
        )
    lines += [
        "",
        "## Stratified by the residual stress",
        "",
        f"A_4 below {X_WIDE} ω_g and s on (0, {X_WIDE}] in each half (below / above the median τ), their ratio and "
        f"difference; ρ and R² of the per-glass count below {X_WIDE} ω_g against τ.",
        "",
        "| point | ⟨τ⟩ low / high | A_4 (0.29) low | A_4 (0.29) high | high / low | s low | s high | high − low | "
        "ρ | R² |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lo, hi = r["strata"]["low"], r["strata"]["high"]
        a = r["count_below_wide_vs_stress"]
        lines.append(
            f"| {r['point']} | {lo['shear_stress_mean']:.4f} / {hi['shear_stress_mean']:.4f} | "
            f"{_a4_text(lo['a4_wide'])} | {_a4_text(hi['a4_wide'])} | "
            f"{_iv(r['high_over_low']['a4_wide'])} | {_exponent_text(lo['s_wide'])} | "
            f"{_exponent_text(hi['s_wide'])} | {_iv(d) if (d := _s_difference(r)) else '–'} | "
            f"{_iv(a['spearman'])} | {_iv(a['r_squared'], 3)} |"
        )
    lines += [
        "",
        "## Where it stops",
        "",
        "- Only glasses that keep their positions are read: the high-T* lowest-mode ladder (N = 1000 – 16000) "
        "and the confirmatory N = 2000 set store none (the rebuild that would give them: "
        "`docs/findings/literature-matrix.md`, section on certified samples).",
        "- The sets are small: a difference of 20 – 30 % in A_4 between halves is inside the intervals at "
        "most points.  The published sorting (Chakraborty et al., J. Chem. Phys. 2025: s from 3 to 6.5 in one "
        "model sorted by residual stress; Krishnan, Ramola & Karmakar, Soft Matter 18, 3395 (2022)) used "
        "shear-stabilised or stress-selected ensembles; ours are plain quenches, whose τ spans a factor of "
        "about two within a point.",
        "- Across points ⟨τ⟩ barely moves with the parent temperature (0.06 – 0.07 ε/a³ for the soft spheres) "
        "while A_4 does; the table shows it, it does not separate stress from depth of supercooling.",
        "",
        "Machine load when computed (1, 5, 15 min): "
        + ", ".join(f"{x:.2f}" for x in load)
        + " (2 cores, shared with two low-priority runs).",
        "",
        "## History",
        "",
        *HISTORY,
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = page_arguments(argv, __doc__.splitlines()[0])
    if args.check:
        stale = PAGE.read_text() != render(json.loads(OUTPUT.read_text()))
        print(f"{PAGE.relative_to(ROOT)} is {'stale' if stale else 'up to date'}")
        return int(stale)
    if not args.page:
        write_results(OUTPUT, compute(), ensure_ascii=False)
    write_text(PAGE, render(json.loads(OUTPUT.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
