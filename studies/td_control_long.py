"""Issue 63 item 7: the registered reading of the long T_d chains (``benchmark/registrations/td-control-long.toml``).

``python -m studies.td_control_long`` (from the clone's root) reads the registration (amendments applied, by
:func:`vdosbench.benchmark.registration.load_registration`) on

data
    the new chains ``studies/results/parts/td_control_long/`` (recipe ``soft_spheres_lowest_n1000_td_control_long``:
    append-only parts, one chain a file, landed by ``studies/land_parts.py``): chains 0 – 49 a taper of 25 structures each at
    N = 1000.  Nothing is read until every registered chain of both tapers is landed whole: until then the result
    lists the count under ``not_read`` and computes no estimate.  The alternative "all control chains" adds the
    control's earlier chains at N = 1000 (``td_control_chains.nc`` and the exploratory chains of
    ``finite_size_modes.nc``, seen before the registration), each file a point of its own.
unit
    one a taper: G_u = the mean shear modulus of the control's N = 4000 chains in ``finite_size_modes.nc`` by the
    package's rule (:func:`vdosbench.validators.common_shear_modulus`), checked against the registered 2.294 and
    2.618.
readings (the registration's estimators; window (0, 0.376] ω_g,u, phonon factor 1; 1000 bootstrap replicates over
chains, seed 0)
    the taper difference s(m = 2) − s(m = ∞) unpaired (primary of both rival claims), paired by chain, in each
    structure's own unit, without drifting chains, on (0, 0.29], with all control chains; the window MLE a taper
    (three claims); A_4(m = ∞) / A_4(m = 2) below 0.376 (claim "less than 1").  Beside the verdicts, changing none:
    each taper's intraclass correlation of the window count within chains and its chains' energy drift.

Writes ``studies/results/td_control_long_verdicts.json`` (every choice in its ``method``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.benchmark import load_registration
from vdosbench.benchmark import judged_reading
from vdosbench.validators import (
    band_mle,
    mode_spectra_from_dataset,
    paired_band_difference,
)
from vdosbench.validators.results.registry import study_measure
from vdosbench.validators import jsonable
from vdosbench.validators.spectral.absolute_frequency import soft_mode_density
from vdosbench.validators import band_difference, chain_correlation, soft_mode_density_ratio

from studies.td_control import drift_holds_zero, drift_summary, paired_spectra, select_chains
from studies.registered_reading import (  # noqa: F401 (verdicts: the readings of a result)
    TAPER_NAME,
    incomplete,
    points_at,
    reader_main,
    registered_units,
    verdicts,
)  # noqa: F401 (verdicts: the readings of a result)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
NEW = RESULTS / "parts" / "td_control_long"
#: The control's earlier chains at N = 1000 (seen before the registration): only "all control chains" reads them.
EARLIER = (RESULTS / "td_control_chains.nc", RESULTS / "finite_size_modes.nc")
LADDER = RESULTS / "finite_size_modes.nc"
OUT = RESULTS / "td_control_long_verdicts.json"
REGISTRATION = "td-control-long"
T_D = 0.0716
N_NEW, N_UNIT = 1000, 4000
CHAINS = range(50)
CHAIN_STRUCTURES = 25
TAPERS = (2, -1)
#: G_u as the registration fixed it (its header's ``unit``): the control's N = 4000 chains.
REGISTERED_UNIT = {2: 2.294, -1: 2.618}
#: A structure takes part when the window's top lies below its own ω₀ (the registration's admission rule).
PHONON_FACTOR = 1.0
N_BOOTSTRAP = 1000
SEED = 0

#: The registration's measures, by the names its claims use (each point in its taper's common unit, or, for
#: "td_control_long.band_difference", in each structure's own unit).
study_measure("td_control_long.band_difference_common_unit", "td_control_long.band_difference")(band_difference)
study_measure("td_control_long.paired_band_difference_common_unit")(paired_band_difference)
study_measure("td_control_long.band_mle_common_unit")(band_mle)
study_measure("td_control_long.soft_mode_density_taper_ratio")(soft_mode_density_ratio)


def _points(path: Path, n: int) -> dict[int, xr.Dataset]:
    """The points of size ``n`` of this registration's parent temperature: {taper: dataset}."""
    return points_at(path, n, T_D)


def units(ladder: Path = LADDER) -> dict[int, float]:
    """G_u a taper by the package's rule on the unit's points, checked against the registered numbers."""
    return registered_units(ladder, N_UNIT, T_D, REGISTERED_UNIT)


def landed(path: Path = NEW, chains: range = CHAINS, structures: int = CHAIN_STRUCTURES) -> dict[str, int]:
    """Registered chains landed whole (all ``structures``) a taper."""
    return _landed(_points(path, N_NEW) if path.exists() else {}, chains, structures)


def _landed(points: Mapping[int, xr.Dataset], chains: range, structures: int) -> dict[str, int]:
    out = {}
    for t in TAPERS:
        labels, counts = (
            np.unique(points[t]["chain"].values, return_counts=True)
            if t in points
            else (np.array([], int), np.array([], int))
        )
        whole = {int(c) for c, k in zip(labels, counts) if k >= structures}
        out[TAPER_NAME[t]] = sum(1 for c in chains if c in whole)
    return out


def read(
    new: Path = NEW,
    ladder: Path = LADDER,
    earlier: Sequence[Path] = EARLIER,
    *,
    chains: range = CHAINS,
    structures: int = CHAIN_STRUCTURES,
    n_bootstrap: int = N_BOOTSTRAP,
) -> dict[str, Any]:
    """The registered reading (module docstring); ``chains``, ``structures`` and ``n_bootstrap`` are the
    registration's unless a test asks for fewer."""
    reg = load_registration(REGISTRATION)
    seed_diff, rival_diff, m2_s4, minf_s3, s4, a4 = (
        reg.claim(c)
        for c in (
            "schirmacher.td-taper-difference-long",
            "lerner-bouchbinder.td-taper-0-long",
            "schirmacher.td-m2-s4-long",
            "schirmacher.td-minf-s3-long",
            "lerner-bouchbinder.td-s4-long",
            "td-soft-mode-density-taper-ratio",
        )
    )
    result: dict[str, Any] = {
        "registration": reg.path.name,
        "registered": reg.registered,
        "amendments": reg.amendments,
        "method": {
            "unit": reg.header["unit"],
            "window": reg.header["window"],
            "interval": reg.header["interval"],
            "n_bootstrap": n_bootstrap,
            "seed": SEED,
            "phonon_factor": PHONON_FACTOR,
            "chains_required": len(chains),
            "structures_a_chain": structures,
        },
        "landed": {},
        "not_read": {},
        "claims": {},
    }
    new_points = _points(new, N_NEW) if new.exists() else {}  # the parts, read once
    result["landed"] = _landed(new_points, chains, structures)
    result["not_read"] = incomplete(result["landed"], len(chains), "chains landed whole")
    if result["not_read"]:
        return jsonable(result)
    g_u = units(ladder)
    result["method"]["unit_shear_modulus"] = {TAPER_NAME[t]: g for t, g in g_u.items()}
    data = {t: select_chains(ds, chains) for t, ds in new_points.items()}
    raw = {t: mode_spectra_from_dataset(ds, f"N={N_NEW} {TAPER_NAME[t]}") for t, ds in data.items()}
    pts = {t: sp.in_common_unit(g_u[t]) for t, sp in raw.items()}
    kw = {"n_bootstrap": n_bootstrap, "seed": SEED, "phonon_factor": PHONON_FACTOR}
    lo, hi = (float(v) for v in seed_diff.settings["band"])
    lo29, hi29 = (float(v) for v in seed_diff.alternative("(0, 0.29]").settings["band"])

    primary = band_difference(pts[2], pts[-1], lo, hi, **kw)
    paired_m2, paired_minf, unstable = paired_spectra(data[2], data[-1], f"N={N_NEW}")
    paired_a, paired_b = paired_m2.in_common_unit(g_u[2]), paired_minf.in_common_unit(g_u[-1])
    paired = paired_band_difference(paired_a, paired_b, lo, hi, **kw)
    own_unit = band_difference(raw[2], raw[-1], lo, hi, **kw)
    narrow = band_difference(pts[2], pts[-1], lo29, hi29, **kw)
    steady = {t: [c for c, h in drift_holds_zero(ds).items() if h] for t, ds in data.items()}
    still = {
        t: mode_spectra_from_dataset(select_chains(data[t], steady[t]), f"{TAPER_NAME[t]} drift 0").in_common_unit(
            g_u[t]
        )
        for t in TAPERS
    }
    drift_out = band_difference(still[2], still[-1], lo, hi, **kw)
    everything = {t: [pts[t]] for t in TAPERS}
    for path in earlier:
        for t, ds in _points(path, N_NEW).items() if path.exists() else []:
            everything[t].append(mode_spectra_from_dataset(ds, f"{path.name} {TAPER_NAME[t]}").in_common_unit(g_u[t]))
    all_chains = band_difference(everything[2], everything[-1], lo, hi, **kw)
    for claim in (seed_diff, rival_diff):
        rows = [
            judged_reading(
                f"primary: s(m = 2) - s(m = inf) on ({lo:g}, {hi:g}], unpaired, common unit", primary, claim.expect
            ),
            {**judged_reading("paired by chain", paired, claim.expect), "pairs_left_out_unstable": unstable},
            judged_reading("per-structure unit", own_unit, claim.expect),
        ]
        if any(a.label == "drifting chains out" for a in claim.alternatives):
            rows.append(
                {
                    **judged_reading("drifting chains out", drift_out, claim.expect),
                    "chains_read": {TAPER_NAME[t]: len(steady[t]) for t in TAPERS},
                }
            )
        rows.append(judged_reading("(0, 0.29]", narrow, claim.expect))
        if any(a.label == "all control chains" for a in claim.alternatives):
            rows.append(
                {
                    **judged_reading("all control chains", all_chains, claim.expect),
                    "points": {TAPER_NAME[t]: [p.label for p in everything[t]] for t in TAPERS},
                }
            )
        result["claims"][claim.id] = rows
    windows = {t: band_mle(pts[t], lo, hi, **kw) for t in TAPERS}
    result["claims"][m2_s4.id] = [judged_reading("primary: m = 2, window MLE", windows[2], m2_s4.expect)]
    result["claims"][minf_s3.id] = [judged_reading("primary: m = inf, window MLE", windows[-1], minf_s3.expect)]
    result["claims"][s4.id] = {
        TAPER_NAME[t]: [judged_reading(f"primary: {TAPER_NAME[t]}, window MLE", windows[t], s4.expect)] for t in TAPERS
    }
    xa = float(a4.settings["x_edge"])
    result["claims"][a4.id] = [
        judged_reading(
            f"primary: A_4(m = inf) / A_4(m = 2) below {xa:g}, common unit",
            soft_mode_density_ratio(pts[-1], pts[2], xa, **kw),
            a4.expect,
        )
    ]
    result["beside"] = {  # reported, changing no verdict
        "soft_mode_density": {TAPER_NAME[t]: soft_mode_density(pts[t], xa, **kw).to_dict() for t in TAPERS},
        "chain_correlation": {TAPER_NAME[t]: chain_correlation(pts[t], hi, **kw).to_dict() for t in TAPERS},
        "energy_drift": {TAPER_NAME[t]: drift_summary(data[t]) for t in TAPERS},
    }
    return jsonable(result)


def main(argv: Sequence[str] | None = None) -> int:
    return reader_main(__doc__, read, NEW, OUT, argv)


if __name__ == "__main__":
    raise SystemExit(main())
