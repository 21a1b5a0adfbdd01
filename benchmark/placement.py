"""A scored set on our axes: deep band, shoulder and A_4 in the set's own unit, beside ours (issue 63 item 9).

Verdicts answer the published claims; a simulation-code maintainer also asks where a set lies among the glasses
we have measured.  For every parameter point that holds the lowest modes, each sample's shear modulus and box,
:func:`axes_reading` reads three numbers in **one unit for the point**, ω_g = √(G/ρ) ρ^(1/3) with G the point's
ensemble shear modulus (the mean over its samples, :func:`~vdosbench.validators.common_shear_modulus`; never each
sample's own, which correlates with its soft modes):

* the exponent s on the deep band (0, 0.15] ω_g (:func:`~vdosbench.validators.band_mle`),
* s on the shoulder (0.15, 0.29] ω_g,
* A_4·ω_g⁵ = 5 · (modes per particle below 0.15 ω_g) / 0.15⁵ (:func:`~vdosbench.validators.spectral.absolute_frequency.soft_mode_density`),

each with its 95 % bootstrap interval, the modes it rests on, and "not phonon-free at this N" where no sample's
0.6 ω₀ lies above the band's top (the shoulder needs N ≲ 2000, the deep band N ≲ 8000); beside them the point's
mean residual shear stress ⟨τ⟩ (:func:`stress_reading`, issue 67 item 4) where it stores positions or pair stresses.

Beside them, :func:`nearest_protocols` picks ours from :func:`load_reference` (``placement_reference.json``, written
by ``studies/placement_reference.py`` from the same function on our sets, each in its protocol's common unit:
the ensemble G of the protocol's largest N): the same model where the set declares one we hold, then the parent
temperature nearest in 1/T*, then N nearest in log N, both tapers unless the set's taper is one we hold.  The
rule is stated with every placement; a placement is no verdict and never gates.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets import iter_points
from vdosbench.validators import ModeSpectra, band_mle, common_shear_modulus, mode_spectra_from_dataset, residual_stress
from vdosbench.validators.spectral.absolute_frequency import PHONON_FACTOR, soft_mode_density

from .declaration import system_value

__all__ = [
    "AXES",
    "A4_EDGE",
    "NEAREST_RULE",
    "SECTION_RULE",
    "SECTION_TITLE",
    "TABLE_COLUMNS",
    "axes_reading",
    "load_reference",
    "nearest_protocols",
    "place_dataset",
    "placement_table",
]

#: The two bands of ω/ω_g whose exponent places a set (name → (low, high]).
AXES: dict[str, tuple[float, float]] = {"deep band": (0.0, 0.15), "shoulder": (0.15, 0.29)}
#: The edge below which A_4·ω_g⁵ is read.
A4_EDGE = 0.15
#: Fewest modes below the edge for an A_4 reading with status "ok" (as studies/soft_mode_density.py reads A_4).
A4_MIN_MODES = 10
#: Bootstrap replicates and seed of every placement reading.
N_BOOTSTRAP = 1000
SEED = 0
#: How :func:`nearest_protocols` chooses ours (stated in every placement).
NEAREST_RULE = (
    "the same model where the set declares one we hold (else every model), then the parent "
    "temperature nearest in 1/T* (T* = inf: 0), then N nearest in log N; both tapers unless the set's "
    "taper is one we hold"
)
#: Our model names by the declaration's (``model`` of a dataset; ``non_additivity`` > 0 picks the control).
_MODELS = {"soft_spheres": "soft-spheres", "kob_andersen": "kob-andersen"}


def _used(settings: Mapping[str, Any]) -> int:
    """Samples a reading used (``samples_used``: a number, or one per pooled point)."""
    used = settings.get("samples_used") or 0
    return int(sum(used)) if isinstance(used, (list, tuple)) else int(used)


def _summary(m: Any, status: str = "ok", reason: str = "") -> dict[str, Any]:
    return {
        "value": m.value,
        "interval": [m.low, m.high],
        "status": status,
        "reason": reason,
        "modes": m.settings.get("modes"),
        "samples_used": _used(m.settings),
    }


def axes_reading(
    spectra: ModeSpectra, *, unit_shear_modulus: float | None = None, n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED
) -> dict[str, Any]:
    """Deep band s, shoulder s and A_4·ω_g⁵ of one point in one unit (module docstring).

    Parameters
    ----------
    spectra
        The point (each sample's own G as built; the unit is applied here).
    unit_shear_modulus
        G of the unit; the point's ensemble G (:func:`~vdosbench.validators.common_shear_modulus`) when None.

    Returns
    -------
    dict
        ``unit_shear_modulus``, ``unit``, ``samples``, ``n_particles`` and, per axis, value, interval, status,
        reason, modes and samples used.
    """
    g = common_shear_modulus(spectra) if unit_shear_modulus is None else float(unit_shear_modulus)
    sp = spectra.in_common_unit(g)
    edge = PHONON_FACTOR * 2 * math.pi / spectra.n_particles ** (1 / spectra.dimension)  # 0.6 ω₀ / ω_g at G
    out: dict[str, Any] = {
        "unit_shear_modulus": g,
        "n_particles": spectra.n_particles,
        "samples": spectra.n_samples,
        "unit": ("the point's ensemble G" if unit_shear_modulus is None else "the given G") + f" = {g:.6g}",
    }
    for name, (lo, hi) in AXES.items():
        est = band_mle(sp, lo, hi, n_bootstrap=n_bootstrap, seed=seed)
        if not _used(est.measurement.settings):
            out[name] = {
                **_summary(est.measurement),
                "value": None,
                "interval": [None, None],
                "status": "not phonon-free",
                "reason": f"({lo:g}, {hi:g}] lies above 0.6 omega0 in every "
                f"sample at N = {spectra.n_particles} (0.6 omega0 is about {edge:.3f} omega_g)",
            }
        else:
            out[name] = {**_summary(est.measurement, est.status, est.reason), "modes": est.diagnostics.get("modes")}
    a4 = soft_mode_density(sp, A4_EDGE, n_bootstrap=n_bootstrap, seed=seed)
    used = _used(a4.settings)
    modes = a4.value / 5 * A4_EDGE**5 * spectra.n_particles * used  # modes below the edge, from the mean
    out["A_4"] = _summary(a4) | {"modes": int(round(modes)) if used and math.isfinite(modes) else 0}
    if used and out["A_4"]["modes"] < A4_MIN_MODES:
        out["A_4"] |= {
            "status": "inconclusive",
            "reason": f"{out['A_4']['modes']} modes below {A4_EDGE:g} omega_g; "
            f"expected at least {A4_MIN_MODES}: add samples",
        }
    if not used:
        out["A_4"] |= {
            "value": None,
            "interval": [None, None],
            "status": "not phonon-free",
            "reason": f"(0, {A4_EDGE:g}] lies above 0.6 omega0 in every sample at N = {spectra.n_particles}",
        }
    return out


@cache
def load_reference() -> dict[str, Any]:
    """Our placements (``placement_reference.json``, shipped with the package)."""
    text = resources.files("vdosbench.benchmark").joinpath("placement_reference.json").read_text(encoding="utf-8")
    return json.loads(text)


def _inverse(t: Any) -> float:
    t = float("inf") if t in ("inf", None) else float(t)
    return 0.0 if math.isinf(t) else 1.0 / t


def nearest_protocols(
    system: Mapping[str, Any], rows: Sequence[Mapping[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Our rows nearest to a set's ``system`` (``model``, ``non_additivity``, ``parent_temperature``,
    ``taper_order``, ``n_particles`` as far as known) by :data:`NEAREST_RULE`.

    Examples
    --------
    >>> rows = [{"model": "soft-spheres", "parent_temperature": t, "taper_order": m, "n_particles": n}
    ...         for t in (1.0, "inf") for m in (2, -1) for n in (1000, 8000)]
    >>> [(r["parent_temperature"], r["taper_order"], r["n_particles"]) for r in nearest_protocols(
    ...     {"model": "soft_spheres", "parent_temperature": 0.9, "taper_order": 2, "n_particles": 2000}, rows)]
    [(1.0, 2, 1000)]
    """
    rows = list(load_reference()["rows"] if rows is None else rows)
    model = _MODELS.get(str(system.get("model")))
    if model == "soft-spheres" and float(system.get("non_additivity") or 0.0) > 0:
        model = "non-additive-soft-spheres"
    mine = [r for r in rows if r["model"] == model] or rows
    if system.get("parent_temperature") is not None:
        want = _inverse(system["parent_temperature"])
        best = min(abs(_inverse(r["parent_temperature"]) - want) for r in mine)
        mine = [r for r in mine if abs(_inverse(r["parent_temperature"]) - want) == best]
    taper = system.get("taper_order")
    if taper is not None and any(int(r["taper_order"]) == int(taper) for r in mine):
        mine = [r for r in mine if int(r["taper_order"]) == int(taper)]
    if system.get("n_particles") is not None:
        n = math.log(float(system["n_particles"]))
        best = min(abs(math.log(r["n_particles"]) - n) for r in mine)
        mine = [r for r in mine if abs(math.log(r["n_particles"]) - n) == best]
    return [dict(r) for r in mine]


def place_dataset(ds: xr.Dataset, *, n_bootstrap: int = N_BOOTSTRAP) -> list[dict[str, Any]]:
    """Every point of ``ds`` that holds lowest modes, G and the box, on our axes, with ours beside it.

    The unit is the point's ensemble G: the mean of its samples' ``shear_modulus``, or the G the set declares
    (``--declare shear_modulus=G``, an attribute) when it holds none per sample.  A point that cannot be placed (no
    shear modulus, no box, no mode) gets ``placed: False`` and why; the set is scored as before.
    """
    out = []
    said = {key: system_value(ds, key)[1] for key in ("model", "non_additivity", "parent_temperature", "taper_order")}
    said = {k: v for k, v in said.items() if v is not None}  # what the set says of itself, the same at every point
    declared = ds.attrs.get("shear_modulus")
    for values, point in iter_points(ds):
        system = said | {k: (v.item() if hasattr(v, "item") else v) for k, v in values.items()}
        if "shear_modulus" in point.data_vars and "declared_by" in point["shear_modulus"].attrs:
            system["shear_modulus"] = "declared"  # stored per sample by the declaration (declare)
        elif "shear_modulus" not in point.data_vars and declared is not None and "sample" in point.dims:
            # a declared ensemble G (--declare shear_modulus=G): every sample's omega0 and the unit from it
            point = point.assign(shear_modulus=("sample", np.full(point.sizes["sample"], float(declared))))
            system["shear_modulus"] = "declared"
        try:
            spectra = mode_spectra_from_dataset(point, "placement")
        except (ValueError, KeyError) as e:
            out.append({"point": values, "placed": False, "why": str(e)})
            continue
        system["n_particles"] = spectra.n_particles
        reading = axes_reading(spectra, n_bootstrap=n_bootstrap)
        out.append(
            {
                "point": values,
                "placed": True,
                "system": system,
                "reading": reading,
                "residual_stress": stress_reading(point, n_bootstrap=n_bootstrap),
                "ours": nearest_protocols(system),
                "rule": NEAREST_RULE,
            }
        )
    return out


def stress_reading(point: xr.Dataset, *, n_bootstrap: int = N_BOOTSTRAP) -> dict[str, Any]:
    """The point's mean residual shear stress ⟨τ⟩ (issue 67 item 4), reported beside its deep-tail reading: from
    stored pair stresses or a stored tensor, else rebuilt from the positions; a status where neither is there.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> stress_reading(mock_spectrum())["status"]
    'not read: no positions or pair stresses stored'
    """
    from .residual_stress import with_residual_stress

    if not any(v in point.variables for v in ("position", "pair_stress", "residual_stress")):
        return {"value": None, "status": "not read: no positions or pair stresses stored"}
    try:
        m = residual_stress(with_residual_stress(point), n_bootstrap=n_bootstrap).shear_stress
    except ValueError as e:
        return {"value": None, "status": f"not read: {str(e).split('. Fix')[0]}"}
    return {"value": m.value, "interval": [m.low, m.high], "status": "ok", "modes": None}


#: Columns of a placement table (:func:`placement_table`).
TABLE_COLUMNS = (
    "",
    "deep band s, (0, 0.15] omega_g",
    "shoulder s, (0.15, 0.29] omega_g",
    "A_4 omega_g^5, below 0.15 omega_g",
    "residual shear stress <tau>, epsilon/a^d",
    "unit",
)
#: Title and rule of the report section.
SECTION_TITLE = "On our axes (no verdict)"
SECTION_RULE = (
    "Each point that holds its lowest modes, each sample's shear modulus and box, read in its own "
    "ensemble G (never each sample's G), beside our sets at the nearest protocol, each in its "
    "protocol's common G; 95 % bootstrap intervals, the modes a reading rests on in brackets.  A "
    "placement is no verdict and does not gate."
)


def _cell(axis: Mapping[str, Any]) -> str:
    if axis.get("value") is None:
        return str(axis.get("status", "not read"))
    lo, hi = axis["interval"]
    modes = "" if "modes" in axis and axis["modes"] is None else f" ({axis.get('modes', 0)} modes)"
    text = f"{axis['value']:.3g} [{lo:.3g}, {hi:.3g}]{modes}"
    return text if axis.get("status") == "ok" else f"{text}, {axis['status']}"


def placement_table(entry: Mapping[str, Any], label: str) -> list[list[str]]:
    """Rows of text cells (:data:`TABLE_COLUMNS`) for one placed point: the set's row, then ours."""
    reading = entry["reading"]
    stress = _cell(entry.get("residual_stress", {"value": None, "status": "not read"}))
    rows = [[label, *(_cell(reading[a]) for a in (*AXES, "A_4")), stress, str(reading["unit"])]]
    for ours in entry["ours"]:
        rows.append(
            [
                f"ours: {ours['point']}",
                *(_cell(ours[a]) for a in (*AXES, "A_4")),
                "see docs/findings/residual-stress.md",
                str(ours["unit"]),
            ]
        )
    return rows
