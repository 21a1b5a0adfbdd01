"""Issue 63 item 6: the registered reading of the N = 8000 confirmatory set (``benchmark/registrations/confirm-n8000.toml``).

``python -m studies.confirm_n8000`` (from the clone's root) reads the registration (amendments applied, by
:func:`vdosbench.benchmark.registration.load_registration`) on

data
    the new set ``studies/results/parts/confirm_n8000/`` (recipe ``soft_spheres_lowest_confirm_n8000``: append-only
    parts, one file a finished piece, landed by ``studies/land_parts.py``), the small box of the density claim
    (``studies/results/confirm_n2000_modes.nc`` at T* = 1, its registered 1000 samples a taper) and, for the unit
    only, the ladder's N = 16000 (``studies/results/finite_size_modes.nc``).  Nothing is read until each taper
    holds its registered 450 samples: until then the result lists what has landed under ``not_read`` and
    computes no estimate (so a partial set is never looked at).
unit
    one a protocol: G_u = the mean shear modulus of the ladder's N = 16000 at (T* = 1, taper), by the package's
    rule (:func:`vdosbench.validators.common_shear_modulus`), checked against the numbers the registration fixed
    (4.640, 4.972); every sample of every N of the protocol is read in it (:meth:`ModeSpectra.in_common_unit`).
readings (the registration's estimators; phonon factor 0.6; 1000 bootstrap replicates, seed 0)
    each claim's primary and alternatives with the verdict by the registered rule
    (:func:`vdosbench.benchmark.scoring.judged_reading`): the deep band (0, 0.15] pooled over both tapers and per
    taper, in the per-sample unit and in (0.15, 0.18]; the 2000 / 8000 density ratio a taper below 0.15 (0.18,
    per-sample unit beside it); A_4(m = ∞) / A_4(m = 2) at N = 8000 (and at N = 2000).  The extreme value
    with κ fixed from the level statistics
    (:func:`~vdosbench.validators.spectral.level_kappa.extreme_value_kappa_from_levels`, calibration and coverage
    on the coupled mocks in ``studies/results/kappa_from_levels.json``): κ from ⟨r̃⟩ of the N = 8000 set's own
    levels below the edge (as first registered) and of the N = 2000 set's (amendment 1); a reading whose coverage
    of s = 4 on the coupled GOE mocks is below 0.8 carries ``not_in_robustness`` (amendment 1).

Writes ``studies/results/confirm_n8000_verdicts.json`` (every choice in its ``method``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xarray as xr

from vdosbench.benchmark import load_registration
from vdosbench.benchmark import judged_reading
from vdosbench.validators import (
    band_mle,
    density_ratio,
    extreme_value_kappa_from_levels,
    mode_spectra_from_dataset,
    soft_mode_density_ratio,
)
from vdosbench.validators.results.registry import study_measure
from vdosbench.validators import jsonable
from vdosbench.validators.spectral.absolute_frequency import soft_mode_density

from studies.kappa_from_levels import LEVELS_N2000, LEVELS_OWN, load_calibration, mock_coverage
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
NEW = RESULTS / "parts" / "confirm_n8000"
SMALL = RESULTS / "confirm_n2000_modes.nc"
LADDER = RESULTS / "finite_size_modes.nc"
OUT = RESULTS / "confirm_n8000_verdicts.json"
REGISTRATION = "confirm-n8000"
#: The registration's data: 450 samples a taper at N = 8000, T* = 1; the small box's registered 1000 a taper.
SAMPLES_REQUIRED = 450
SMALL_SAMPLES = 1000
N_NEW, N_SMALL, N_UNIT = 8000, 2000, 16000
TSTAR = 1.0
TAPERS = (2, -1)
#: G_u as the registration fixed it (its header's ``unit``): the ladder's N = 16000 at T* = 1.
REGISTERED_UNIT = {2: 4.640, -1: 4.972}
N_BOOTSTRAP = 1000
SEED = 0
KAPPA_FROM_LEVELS = "extreme value, kappa from the levels"
KAPPA_FROM_N2000 = "extreme value, kappa from the N = 2000 levels"
#: Amendment 1: an alternative whose coverage of the claim's quantity on the coupled (GOE) mocks is below this is
#: reported beside the verdict and not counted in its robustness.
ROBUSTNESS_COVERAGE = 0.8

#: The registration's measures, by the names its claims use (each point already in its protocol's common unit).
study_measure("confirm_n8000.band_mle_common_unit")(band_mle)
study_measure("confirm_n8000.density_ratio_common_unit")(density_ratio)
study_measure("confirm_n8000.soft_mode_density_taper_ratio")(soft_mode_density_ratio)
study_measure("confirm_n8000.extreme_value_kappa_from_levels", "confirm_n8000.extreme_value_kappa_from_n2000_levels")(
    extreme_value_kappa_from_levels
)


def _points(path: Path, n: int) -> dict[int, xr.Dataset]:
    """The points of size ``n`` of this registration's parent temperature: {taper: dataset}."""
    return points_at(path, n, TSTAR)


def units(ladder: Path = LADDER) -> dict[int, float]:
    """G_u a taper by the package's rule on the unit's points, checked against the registered numbers."""
    return registered_units(ladder, N_UNIT, TSTAR, REGISTERED_UNIT)


def _landed(points: Mapping[int, xr.Dataset]) -> dict[str, int]:
    return {TAPER_NAME[t]: int(points[t].sizes["sample"]) if t in points else 0 for t in TAPERS}


def landed(path: Path = NEW) -> dict[str, int]:
    """Samples landed a taper (0 when the file or the point is missing)."""
    return _landed(_points(path, N_NEW) if path.exists() else {})


def read(
    new: Path = NEW,
    small: Path = SMALL,
    ladder: Path = LADDER,
    *,
    samples_required: int = SAMPLES_REQUIRED,
    small_samples: int = SMALL_SAMPLES,
    n_bootstrap: int = N_BOOTSTRAP,
) -> dict[str, Any]:
    """The registered reading (module docstring); ``samples_required``, ``small_samples`` and ``n_bootstrap`` are
    the registration's unless a test asks for fewer."""
    reg = load_registration(REGISTRATION)
    tail, density, a4 = (
        reg.claim(c)
        for c in (
            "lerner.deep-tail-s4-n8000",
            "lerner.finite-size-density-n8000",
            "high-tstar-soft-mode-density-taper-ratio",
        )
    )
    result: dict[str, Any] = {
        "registration": reg.path.name,
        "registered": reg.registered,
        "amendments": reg.amendments,
        "method": {
            "unit": reg.header["unit"],
            "bands": reg.header["bands"],
            "interval": reg.header["interval"],
            "n_bootstrap": n_bootstrap,
            "seed": SEED,
            "phonon_factor": 0.6,
            "samples_required": samples_required,
            "small_box_samples": small_samples,
        },
        "landed": {},
        "not_read": {},
        "claims": {},
    }
    new_points = _points(new, N_NEW) if new.exists() else {}  # the parts, read once
    result["landed"] = _landed(new_points)
    result["not_read"] = incomplete(result["landed"], samples_required, "samples landed")
    if result["not_read"]:
        return jsonable(result)
    g_u = units(ladder)
    result["method"]["unit_shear_modulus"] = {TAPER_NAME[t]: g for t, g in g_u.items()}
    kw = {"n_bootstrap": n_bootstrap, "seed": SEED}
    raw = {
        t: mode_spectra_from_dataset(ds.isel(sample=slice(0, samples_required)), f"N={N_NEW} {TAPER_NAME[t]}")
        for t, ds in new_points.items()
    }
    big = {t: sp.in_common_unit(g_u[t]) for t, sp in raw.items()}
    small_raw = {
        t: mode_spectra_from_dataset(ds.isel(sample=slice(0, small_samples)), f"N={N_SMALL} {TAPER_NAME[t]}")
        for t, ds in _points(small, N_SMALL).items()
    }
    small_c = {t: sp.in_common_unit(g_u[t]) for t, sp in small_raw.items()}

    lo, hi = (float(v) for v in tail.settings["band"])
    rows = [
        judged_reading(
            f"primary: deep band ({lo:g}, {hi:g}], both tapers pooled, common unit",
            band_mle([big[2], big[-1]], lo, hi, **kw),
            tail.expect,
        )
    ]
    for t in TAPERS:
        rows.append(judged_reading(f"{TAPER_NAME[t]} alone", band_mle(big[t], lo, hi, **kw), tail.expect))
    rows.append(judged_reading("per-sample unit", band_mle([raw[2], raw[-1]], lo, hi, **kw), tail.expect))
    b_lo, b_hi = (float(v) for v in tail.alternative("band (0.15, 0.18]").settings["band"])
    rows.append(
        judged_reading(f"band ({b_lo:g}, {b_hi:g}]", band_mle([big[2], big[-1]], b_lo, b_hi, **kw), tail.expect)
    )
    calibration, covered = load_calibration(), mock_coverage()
    for label, levels, source in ((KAPPA_FROM_LEVELS, big, LEVELS_OWN), (KAPPA_FROM_N2000, small_c, LEVELS_N2000)):
        row = judged_reading(
            label,
            extreme_value_kappa_from_levels(  # as first registered; amendment 1
                [big[2], big[-1]], [levels[2], levels[-1]], calibration, phonon_factor=0.6, **kw
            ),
            tail.expect,
        )
        if covered[source] < ROBUSTNESS_COVERAGE:
            row["not_in_robustness"] = (
                f"coverage of s = {tail.expect.value:g} on the coupled GOE mocks "
                f"{covered[source]:.2f} < {ROBUSTNESS_COVERAGE} (amendment 1): it reads the "
                "law near the lowest mode, not the deep tail"
            )
        rows.append(row)
    result["claims"][tail.id] = rows

    x = float(density.settings["x_edge"])
    x18 = float(density.alternative("x_edge 0.18").settings["x_edge"])
    result["claims"][density.id] = {
        TAPER_NAME[t]: [
            judged_reading(
                f"primary: N = {N_SMALL} / N = {N_NEW} below {x:g}, common unit",
                density_ratio(small_c[t], big[t], x, **kw).ratio,
                density.expect,
            ),
            judged_reading(f"x_edge {x18:g}", density_ratio(small_c[t], big[t], x18, **kw).ratio, density.expect),
            judged_reading("per-sample unit", density_ratio(small_raw[t], raw[t], x, **kw).ratio, density.expect),
        ]
        for t in TAPERS
    }

    xa = float(a4.settings["x_edge"])
    result["claims"][a4.id] = [
        judged_reading(
            f"primary: A_4(m = inf) / A_4(m = 2) at N = {N_NEW} below {xa:g}, common unit",
            soft_mode_density_ratio(big[-1], big[2], xa, **kw),
            a4.expect,
        ),
        judged_reading(
            f"N = {N_SMALL} confirmatory set", soft_mode_density_ratio(small_c[-1], small_c[2], xa, **kw), a4.expect
        ),
    ]
    result["soft_mode_density"] = {  # A_4 omega_g,u^5 a taper and size: what the ratios divide (no verdict)
        f"N={n} {TAPER_NAME[t]}": soft_mode_density(pts[t], xa, **kw).to_dict()
        for n, pts in ((N_NEW, big), (N_SMALL, small_c))
        for t in TAPERS
    }
    return jsonable(result)


def main(argv: Sequence[str] | None = None) -> int:
    return reader_main(__doc__, read, NEW, OUT, argv)


if __name__ == "__main__":
    raise SystemExit(main())
