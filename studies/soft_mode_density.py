"""Issue 63 items 1 and 4: the soft-mode density A_4 of every protocol we hold, and the units table.

Run from the clone's root (it imports ``studies.td_control_stages`` and ``studies.continuum_debye``)::

    python -m studies.soft_mode_density ka-moduli   # once: the Kob-Andersen sets' shear moduli (about 15 min)
    python -m studies.soft_mode_density             # the reading, the JSON and the figure (about 4 min)
    python -m studies.soft_mode_density figure      # the figure again from the JSON

What it measures
    A_4·ω_g⁵ per particle, g(ω) = A_4 ω⁴ (Kapteijns, Bouchbinder & Lerner, PRL 121, 055501 (2018)), from the count
    of modes per particle below x_b·ω_g: A_4·ω_g⁵ = 5 · (modes per particle below x_b)/x_b⁵
    (:func:`vdosbench.validators.spectral.absolute_frequency.soft_mode_density`), read over the deep band (0, 0.15]
    in the protocol's common unit (issue 63 item 1): ω_g = √(G_u/ρ) ρ^(1/3), G_u the ensemble mean shear modulus of
    the largest N measured at that protocol (model, preparation, T*, taper), the same for every N of it
    (:meth:`vdosbench.validators.ModeSpectra.in_common_unit`; each sample's ω₀ᵢ stays its own, so the phonon-free
    test, band top < 0.6 ω₀ᵢ, stays each sample's).  Where the deep band is not phonon-free (N = 16000: 0.6 ω₀ ≈
    0.1496 ω_g) or holds fewer than ``MIN_MODES`` modes, the point also gets the band it can read
    (``ALTERNATIVE_EDGE``), labelled; with a shallower shoulder above 0.15 (s ≈ 3 – 3.4) a wider band reads A_4 low.
    Intervals: 95 % percentile bootstrap over samples, or over chains where the point has chains.

    The ratio m = ∞ / m = 2 of the density below 0.15 (and the alternative edge) at each T* and N both tapers hold,
    each taper in its own protocol's unit (:func:`~vdosbench.validators.spectral.absolute_frequency.density_ratio`).

The units table (``units_table``)
    The headline readings in four units: each sample's own G (``per_sample``, ModeSpectra as built), the point's
    ensemble G (``per_n``), the protocol's common G (``common``) and absolute ω (``absolute``: the common-unit
    reading with G_u = ρ^(1/3), so that ω_g = √(G_u/ρ) ρ^(1/3) = 1 and x = ω in the simulation's units; the same as
    reading x = ω directly, :data:`ABSOLUTE`).  :func:`units_table_markdown` renders it for a
    findings page.

Data (read only, nothing simulated)
    ``studies/results/finite_size_modes.nc`` (high-T* ladder N = 1000 – 16000; aged additive T_d N = 1000 – 4000;
    the non-additive control's exploratory chains 0 – 19 at N = 1000 – 4000), ``confirm_n2000_modes.nc``
    (N = 2000, 1000 samples a point), ``td_control_chains.nc`` (the control's stage-1 chains only:
    ``studies.td_control_stages.STAGES["stage 1"]``; stage 2 is not read until complete), the N = 1000
    full-spectrum sets in ``reference-data/`` with the moduli of ``studies/results/full_spectrum_moduli.nc`` (the
    T* ladder), and the Kob-Andersen sets (``reference-data/kob-andersen-*.nc``) with the shear moduli computed here
    (``ka-moduli``, stored in ``studies/results/soft_mode_density_ka_moduli.json``).

Writes ``studies/results/soft_mode_density.json`` and ``docs/figures/soft_mode_density.png``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from studies.continuum_debye import load_points as load_full_spectrum_points  # noqa: E402
from studies.td_control_stages import STAGES  # noqa: E402
from vdosbench.benchmark.elastic import sample_shear_moduli  # noqa: E402
from vdosbench.datasets import point_group_key, read_point_groups  # noqa: E402
from vdosbench.validators import (  # noqa: E402
    ModeSpectra,
    band_mle,
    common_shear_modulus,
    density_ratio,
    mode_spectra_from_dataset,
)
from vdosbench.validators import bootstrap, jsonable  # noqa: E402
from vdosbench.validators.spectral.absolute_frequency import PHONON_FACTOR, soft_mode_density  # noqa: E402
from vdosbench.datasets import write_results  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
LADDER = RESULTS / "finite_size_modes.nc"
CONFIRM = RESULTS / "confirm_n2000_modes.nc"
CHAINS = RESULTS / "td_control_chains.nc"
MODULI = RESULTS / "full_spectrum_moduli.nc"
KA_MODULI = RESULTS / "soft_mode_density_ka_moduli.json"
KA_SETS = (
    "kob-andersen-n1000-equilibrated-0.45-m2.nc",
    "kob-andersen-n1000-equilibrated-0.45-minf.nc",
    "kob-andersen-n1000-seed-literal.nc",
)
OUTPUT = RESULTS / "soft_mode_density.json"
FIGURE = ROOT / "docs" / "figures" / "soft_mode_density.png"

#: The deep band (0, X_DEEP] of ω/ω_g (issue 63 item 3's registered band).
X_DEEP = 0.15
#: Fewest pooled modes below the edge for a reading to stand alone; below it the alternative band is given too.
MIN_MODES = 10
#: The band a point can read where the deep band is not phonon-free or too thin: (0, edge] by N (top < 0.6 ω₀ with
#: room for the samples' G scatter below G_u; 0.6 ω₀/ω_g = 0.377, 0.299, 0.237, 0.188, 0.150 at N = 1000 - 16000).
ALTERNATIVE_EDGE = {1000: 0.29, 2000: 0.29, 4000: 0.2, 8000: 0.15, 16000: 0.13}
N_BOOTSTRAP = 1000
SEED = 0
CONFIDENCE = 0.95
T_D_ADDITIVE, T_D_NONADDITIVE = 0.144, 0.0716
TAPER_NAME = {2: "m2", -1: "minf"}
ABSOLUTE = (
    "absolute omega: every sample read with G_u = rho^(1 - 2/d), so that omega_g = sqrt(G_u/rho) rho^(1/d) = 1 "
    "and x = omega in the simulation's units (sigma = epsilon = m = 1), i.e. x = omega read directly; the band "
    "edge x_b omega_g is converted with the protocol's common omega_g,u (a band in absolute omega has to be "
    "placed by some omega_g).  With one conversion factor for every sample and N, the band MLE (scale-free) "
    "and "
    "the counts below the edge are those of the common unit: the column is that identity, computed, not "
    "assumed (differences are rounding); the issue's 'absolute' ratio 1.23 differs from its 'common' 1.2 "
    "only because its common G was another one"
)
UNITS = ("per_sample", "per_n", "common", "absolute")
UNIT_NAMES = {
    "per_sample": "each sample's own G (ModeSpectra as built)",
    "per_n": "the point's ensemble mean G (that N)",
    "common": "the protocol's common G: ensemble mean G of its largest N",
    "absolute": "absolute omega (omega_g = 1)",
}
SAMPLES_NOTE = (
    "a sample takes part in a band only when the band's top lies below 0.6 of its own omega0; in its own "
    "unit that is the same for every sample (2 pi / N^(1/3)), in a common unit it depends on G_i/G_u: "
    "where G_u exceeds the point's G (the largest N's G is higher) the low-G samples, which hold more "
    "soft modes, drop out of a band close to 0.6 omega0 (e.g. (0, 0.29] at N = 2000): the samples used "
    "are given in every cell"
)
PUBLISHED = {
    "status": "not placed on the figure",
    "reason": (
        "Kapteijns, Bouchbinder & Lerner, PRL 121, 055501 (2018) and Rainone, Bouchbinder & Lerner, PNAS 117, 5228 "
        "(2020) (also Richard et al., PRL 125, 085502 (2020)) report A_4 for other models (inverse-power-law and "
        "other polydisperse glasses, their own potentials, densities and parent temperatures scaled by their own "
        "T_g), in their microscopic unit omega_0 = c_s/a_0 with c_s = sqrt(G/rho) and a_0 = rho^(-1/3), which is "
        "our omega_g.  The unit converts, but no published value is for our model (polydisperse soft spheres of "
        "seed 001, tapered at m = 2 or inf) at our parent temperatures, the papers' normalisation of g (per "
        "particle or per degree of freedom) and their numbers were not available to this session to quote "
        "exactly, and a value from another model at another depth of supercooling would be a comparison of "
        "models, not a check of ours.  No number is invented: the figure shows ours only."
    ),
    "references": [
        "E. Lerner and E. Bouchbinder / G. Kapteijns et al., PRL 121, 055501 (2018)",
        "C. Rainone, E. Bouchbinder and E. Lerner, PNAS 117, 5228 (2020)",
        "D. Richard et al., PRL 125, 085502 (2020)",
    ],
}


@dataclass(frozen=True)
class Point:
    """One (protocol, N) point: its spectra (each sample's own G), the protocol key and e_IS per sample."""

    protocol: str
    model: str
    preparation: str
    tstar: float
    taper: int
    n: int
    spectra: ModeSpectra
    source: str
    inherent_energy: np.ndarray | None = None
    note: str = ""

    @property
    def key(self) -> str:
        """A unique label: protocol and N (and the source where a protocol has two points at one N)."""
        return f"{self.protocol} N={self.n}" + (f" [{self.note}]" if self.note else "")


def protocol_name(model: str, preparation: str, tstar: float, taper: int) -> str:
    """E.g. ``soft-spheres T*=1 m2`` or ``soft-spheres aged-T_d T*=0.144 minf``."""
    t = "inf" if math.isinf(tstar) else f"{tstar:g}"
    prep = "" if preparation == "liquid" else f" {preparation}"
    return f"{model}{prep} T*={t} {TAPER_NAME[taper]}"


# --------------------------------------------------------------------------- loading
def concatenate(parts: Sequence[ModeSpectra], label: str) -> ModeSpectra:
    """One point from several sets of the same (protocol, N): samples stacked, rows padded with NaN to one width.

    Examples
    --------
    >>> a = ModeSpectra(np.array([[0.5, 0.8]]), np.array([0.6]), 1000, 1.0)
    >>> b = ModeSpectra(np.array([[0.4, 0.7, 0.9]]), np.array([0.6]), 1000, 1.0)
    >>> c = concatenate([a, b], "ab")
    >>> c.n_samples, c.omega.shape, bool(np.isnan(c.omega[0, 2]))
    (2, (2, 3), True)
    """
    width = max(p.omega.shape[1] for p in parts)

    def pad(a: np.ndarray | None) -> np.ndarray | None:
        return None if a is None else np.pad(a, ((0, 0), (0, width - a.shape[1])), constant_values=np.nan)

    def stack(name: str) -> np.ndarray | None:
        vals = [getattr(p, name) for p in parts]
        return None if any(v is None for v in vals) else np.concatenate(vals)

    part = [pad(p.participation) for p in parts]
    return replace(
        parts[0],
        omega=np.concatenate([pad(p.omega) for p in parts]),
        omega0=stack("omega0"),
        shear_modulus=stack("shear_modulus"),
        bulk_modulus=stack("bulk_modulus"),
        participation=None if any(p is None for p in part) else np.concatenate(part),
        groups=stack("groups"),
        coverage=stack("coverage"),
        label=label,
        excluded_unstable=sum(p.excluded_unstable for p in parts),
    )


def _stable_energy(ds: xr.Dataset) -> np.ndarray | None:
    """e_IS of the samples ModeSpectra keeps (shear modulus > 0)."""
    if "inherent_energy" not in ds.variables:
        return None
    keep = np.asarray(ds["shear_modulus"].values) > 0
    return np.asarray(ds["inherent_energy"].values, dtype=float)[keep]


def _chain_subset(ds: xr.Dataset, chains: range) -> xr.Dataset:
    return ds.isel(sample=np.flatnonzero(np.isin(ds["chain"].values, list(chains))))


def load_compact_points(ladder: Path = LADDER, confirm: Path = CONFIRM, chains: Path = CHAINS) -> list[Point]:
    """The points of the compact point-group files (module docstring)."""
    out: list[Point] = []
    control: dict[tuple[int, int], list[tuple[ModeSpectra, np.ndarray | None]]] = {}
    for name, ds in read_point_groups(ladder).items():
        n, taper, t = point_group_key(name)
        sp = mode_spectra_from_dataset(ds, name)
        if math.isclose(t, T_D_NONADDITIVE):
            control.setdefault((n, taper), []).append((sp, _stable_energy(ds)))
            continue
        prep = "aged-T_d" if math.isclose(t, T_D_ADDITIVE) else "liquid"
        out.append(
            Point(
                protocol_name("soft-spheres", prep, t, taper),
                "soft-spheres",
                prep,
                t,
                taper,
                n,
                sp,
                f"{ladder.name}:{name}",
                _stable_energy(ds),
            )
        )
    for name, ds in read_point_groups(confirm).items():
        taper = -1 if name.startswith("minf") else 2
        t = math.inf if name.endswith("tinf") else float(name.split("_t")[1])
        ds = ds.assign_attrs(n_particles=2000)
        out.append(
            Point(
                protocol_name("soft-spheres", "liquid", t, taper),
                "soft-spheres",
                "liquid",
                t,
                taper,
                2000,
                mode_spectra_from_dataset(ds, f"confirm {name}"),
                f"{confirm.name}:{name}",
                _stable_energy(ds),
                note="confirmatory",
            )
        )
    for name, ds in read_point_groups(chains).items():
        n, taper, t = point_group_key(name)
        stage1 = _chain_subset(ds, STAGES["stage 1"][n])
        sp1 = mode_spectra_from_dataset(stage1, f"{name} stage 1")
        control.setdefault((n, taper), []).append((sp1, _stable_energy(stage1)))
        chains1 = STAGES["stage 1"][n]
        out.append(
            Point(
                protocol_name("non-additive-soft-spheres", "T_d-control", T_D_NONADDITIVE, taper),
                "non-additive-soft-spheres",
                "T_d-control",
                T_D_NONADDITIVE,
                taper,
                n,
                sp1,
                f"{chains.name}:{name} chains {chains1.start} - {chains1.stop - 1}",
                _stable_energy(stage1),
                note="stage 1 only",
            )
        )
    for (n, taper), parts in sorted(control.items()):
        label = f"control N={n} {TAPER_NAME[taper]}"
        sp = concatenate([p for p, _ in parts], label) if len(parts) > 1 else parts[0][0]
        energies = [e for _, e in parts]
        e = None if any(x is None for x in energies) else np.concatenate(energies)
        src = "finite_size_modes.nc chains 0 - 19" + (
            f" + td_control_chains.nc stage-1 chains {STAGES['stage 1'][n].start} - {STAGES['stage 1'][n].stop - 1}"
            if len(parts) > 1
            else ""
        )
        out.append(
            Point(
                protocol_name("non-additive-soft-spheres", "T_d-control", T_D_NONADDITIVE, taper),
                "non-additive-soft-spheres",
                "T_d-control",
                T_D_NONADDITIVE,
                taper,
                n,
                sp,
                src,
                e,
            )
        )
    return out


def load_full_spectrum(moduli: Path = MODULI) -> list[Point]:
    """The N = 1000 full-spectrum sets (the T* ladder, the aged T_d sets, seed-literal) with their samples' moduli."""
    out = []
    for label, (sp, info) in load_full_spectrum_points(moduli).items():
        t, taper, source = info["parent_temperature"], int(info["taper_order"]), info["source"]
        if "seed-literal" in source:
            prep = "seed-literal"
        elif math.isclose(t, T_D_ADDITIVE):
            prep = "aged-T_d"
        else:
            prep = "liquid"
        with xr.open_dataset(ROOT / source) as ds:
            point = ds.sel(taper_order=taper).squeeze(drop=True)
            e = np.asarray(point["inherent_energy"].values, dtype=float) if "inherent_energy" in point else None
        out.append(
            Point(
                protocol_name("soft-spheres", prep, t, taper),
                "soft-spheres",
                prep,
                t,
                taper,
                1000,
                sp,
                source,
                e,
                note="full spectrum",
            )
        )
    return out


#: Kob-Andersen samples whose shear modulus is computed, per point (about 5 s a sample on one core): all 30.
KA_SAMPLES = {"equilibrated": 30, "seed-literal": 30}


def ka_shear_moduli(out: Path = KA_MODULI, samples: Mapping[str, int] = KA_SAMPLES) -> dict[str, Any]:
    """The shear modulus of the first samples of each Kob-Andersen point
    (:func:`vdosbench.benchmark.elastic.sample_shear_moduli`; the reference sets store positions and species but no
    G), written to ``out`` after every point (a re-run skips the points already there)."""
    table: dict[str, Any] = (
        json.loads(out.read_text())
        if out.exists()
        else {
            "function": "vdosbench.benchmark.elastic.sample_shear_moduli (unit masses, mean over the six simple shears)",
            "samples_per_point": dict(samples),
            "points": {},
        }
    )
    for name in KA_SETS:
        k = samples["seed-literal" if "seed-literal" in name else "equilibrated"]
        with xr.open_dataset(ROOT / "reference-data" / name) as ds:
            for taper in ds["taper_order"].values.tolist():
                for t in ds["parent_temperature"].values.tolist():
                    key = f"{name}:{TAPER_NAME[int(taper)]}:t{t:g}"
                    if key in table["points"]:
                        continue
                    point = ds.sel(taper_order=taper, parent_temperature=t).isel(sample=slice(0, k)).load()
                    g = sample_shear_moduli(point)
                    table["points"][key] = {
                        "sample": g["sample"].values.tolist(),
                        "shear_modulus": g["shear_modulus"].values.tolist(),
                    }
                    write_results(out, table, indent=1)
                    print(key, float(g["shear_modulus"].mean()), flush=True)
    return table


def ka_point_datasets(moduli: Path = KA_MODULI) -> list[tuple[str, int, float, xr.Dataset, str]]:
    """``(file, taper, T*, point, note)`` of each Kob-Andersen point with shear moduli (:func:`ka_shear_moduli`):
    each sample's own where every sample has one (note ``""``), else every sample given the mean of those computed
    (the note says so).  None computed: none read."""
    if not moduli.exists():
        return []
    table = json.loads(moduli.read_text())["points"]
    out = []
    for name in KA_SETS:
        with xr.open_dataset(ROOT / "reference-data" / name) as ds:
            for taper in ds["taper_order"].values.tolist():
                for t in ds["parent_temperature"].values.tolist():
                    row = table.get(f"{name}:{TAPER_NAME[int(taper)]}:t{t:g}")
                    if row is None:
                        continue
                    point = ds.sel(taper_order=taper, parent_temperature=t).load()
                    if row["sample"] == point["sample"].values.tolist():
                        point = point.assign(shear_modulus=("sample", np.asarray(row["shear_modulus"])))
                        note = ""
                    else:
                        g = float(np.mean(row["shear_modulus"]))
                        point = point.assign(shear_modulus=("sample", np.full(point.sizes["sample"], g)))
                        note = f"G from {len(row['shear_modulus'])} samples"
                    out.append((name, int(taper), float(t), point, note))
    return out


def load_ka(moduli: Path = KA_MODULI) -> list[Point]:
    """The Kob-Andersen N = 1000 sets with the shear moduli of :func:`ka_point_datasets` (A_4 in the common unit
    needs only the ensemble G; the phonon-free test, 0.15 against 0.6 ω₀ ≈ 0.38 ω_g at N = 1000, does not depend
    on a sample's scatter)."""
    out = []
    for name, taper, t, point, note in ka_point_datasets(moduli):
        prep = "seed-literal" if "seed-literal" in name else "liquid"
        out.append(
            Point(
                protocol_name("kob-andersen", prep, t, taper),
                "kob-andersen",
                prep,
                t,
                taper,
                1000,
                mode_spectra_from_dataset(point, f"KA {name} {taper}"),
                name,
                None,
                note=note,
            )
        )
    return out


def load_all() -> list[Point]:
    """Every point of every protocol we hold."""
    return load_compact_points() + load_full_spectrum() + load_ka()


# --------------------------------------------------------------------------- units
def common_moduli(points: Sequence[Point]) -> dict[str, dict[str, Any]]:
    """G_u of each protocol: the ensemble mean G of its largest N (all the points of that N pooled)."""
    out: dict[str, dict[str, Any]] = {}
    for protocol in sorted({p.protocol for p in points}):
        mine = [p for p in points if p.protocol == protocol]
        n_max = max(p.n for p in mine)
        largest = [p.spectra for p in mine if p.n == n_max]
        out[protocol] = {
            "shear_modulus": common_shear_modulus(largest),
            "n_particles": n_max,
            "samples": sum(sp.n_samples for sp in largest),
            "points": [p.key for p in mine if p.n == n_max],
        }
    return out


def edge_in(unit: str, x_edge: float, sp: ModeSpectra, g_common: float) -> float:
    """The band edge in the unit's x: ``x_edge`` (in ω_g) itself, or x_edge·ω_g,u for absolute ω (ω_g = 1)."""
    if unit != "absolute":
        return x_edge
    return x_edge * math.sqrt(g_common / sp.density) * sp.density ** (1.0 / sp.dimension)


def in_unit(sp: ModeSpectra, unit: str, g_common: float) -> ModeSpectra:
    """The point read in one of :data:`UNITS` (absolute: ω_g = 1; place its band with :func:`edge_in`)."""
    if unit == "per_sample":
        return sp
    if unit == "per_n":
        return sp.in_common_unit(common_shear_modulus(sp))
    if unit == "common":
        return sp.in_common_unit(g_common)
    if unit == "absolute":
        return sp.in_common_unit(sp.density ** (1.0 - 2.0 / sp.dimension))
    raise ValueError(f"unit {unit!r}; expected one of {UNITS}")


# --------------------------------------------------------------------------- readings
def _summary(m: Any) -> dict[str, Any]:
    return {"value": m.value, "interval": [m.low, m.high], "uncertainty": m.uncertainty}


def a4_reading(sp: ModeSpectra, x_edge: float, *, n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED) -> dict[str, Any]:
    """A_4·ω_g⁵ below ``x_edge`` with its interval, the modes counted and the samples that took part."""
    m = soft_mode_density(sp, x_edge, n_bootstrap=n_bootstrap, seed=seed, confidence=CONFIDENCE)
    x0 = sp.omega0 / sp.omega_g
    use = (x_edge < PHONON_FACTOR * x0) & (x_edge <= sp.coverage / sp.omega_g)
    x = sp.omega / sp.omega_g[:, None]
    with np.errstate(invalid="ignore"):
        modes = int(np.sum((x <= x_edge) & use[:, None]))
    return {
        **_summary(m),
        "band": [0.0, x_edge],
        "modes": modes,
        "samples_used": int(use.sum()),
        "samples": sp.n_samples,
        "units_resampled": "chains" if sp.groups is not None else "samples",
        "n_units": sp.n_groups,
    }


def read_point(p: Point, g_common: float, *, n_bootstrap: int = N_BOOTSTRAP) -> dict[str, Any]:
    """A_4 of one point in its protocol's common unit: the deep band and, where needed, the band it can read."""
    sp = p.spectra.in_common_unit(g_common)
    deep = a4_reading(sp, X_DEEP, n_bootstrap=n_bootstrap)
    problems = []
    if deep["samples_used"] == 0:
        problems.append(
            f"(0, {X_DEEP}] is not phonon-free at N = {p.n} (0.6 omega0 = "
            f"{PHONON_FACTOR * 2 * math.pi / p.n ** (1 / 3):.4f} omega_g): no sample takes part"
        )
    elif deep["modes"] < MIN_MODES:
        problems.append(f"{deep['modes']} modes below {X_DEEP} omega_g (fewer than {MIN_MODES})")
    row: dict[str, Any] = {
        "protocol": p.protocol,
        "model": p.model,
        "preparation": p.preparation,
        "parent_temperature": "inf" if math.isinf(p.tstar) else p.tstar,
        "taper_order": p.taper,
        "n_particles": p.n,
        "source": p.source,
        "samples": p.spectra.n_samples,
        "chains": (None if p.spectra.groups is None else p.spectra.n_groups),
        "excluded_unstable_to_shear": p.spectra.excluded_unstable,
        "mean_shear_modulus": common_shear_modulus(p.spectra),
        "unit_shear_modulus": g_common,
        "a4_deep": deep,
        "deep_band_status": "ok" if not problems else "; ".join(problems),
    }
    edge = ALTERNATIVE_EDGE.get(p.n, X_DEEP)
    if problems or edge != X_DEEP:
        row["a4_alternative"] = {
            **a4_reading(sp, edge, n_bootstrap=n_bootstrap),
            "note": "the wider band this N can read (given for every point of this N; needed "
            "where the deep band's status is not ok); g is taken as a x^4 over the "
            "whole band, so a shallower shoulder above 0.15 reads A_4 low",
        }
    if p.inherent_energy is not None and p.inherent_energy.size == p.spectra.n_samples:
        e = bootstrap(np.mean, p.inherent_energy, n_bootstrap=n_bootstrap, seed=SEED, groups=p.spectra.groups)
        row["inherent_energy"] = {"value": float(e.value), "interval": [float(e.low), float(e.high)]}
    return row


def taper_ratios(
    points: Sequence[Point], moduli: Mapping[str, Mapping[str, Any]], *, n_bootstrap: int = N_BOOTSTRAP
) -> list[dict[str, Any]]:
    """density(m = ∞)/density(m = 2) below 0.15 (and the alternative edge) at each (model, preparation, T*, N, source)
    both tapers hold, each taper in its own protocol's common unit."""
    out = []
    by = {(p.model, p.preparation, p.tstar, p.n, p.note, p.taper): p for p in points}
    for (model, prep, t, n, note, taper), minf in sorted(by.items(), key=lambda kv: str(kv[0])):
        if taper != -1 or (model, prep, t, n, note, 2) not in by:
            continue
        m2 = by[(model, prep, t, n, note, 2)]
        a = minf.spectra.in_common_unit(moduli[minf.protocol]["shear_modulus"])
        b = m2.spectra.in_common_unit(moduli[m2.protocol]["shear_modulus"])
        row: dict[str, Any] = {
            "model": model,
            "preparation": prep,
            "parent_temperature": "inf" if math.isinf(t) else t,
            "n_particles": n,
            "points": [minf.key, m2.key],
            "readings": {},
        }
        for edge in sorted({X_DEEP, ALTERNATIVE_EDGE.get(n, X_DEEP)}):
            try:
                r = density_ratio(a, b, edge, n_bootstrap=n_bootstrap, seed=SEED, confidence=CONFIDENCE)
            except ValueError as err:
                row["readings"][f"(0, {edge:g}]"] = {"status": "not phonon-free", "reason": str(err)}
                continue
            row["readings"][f"(0, {edge:g}]"] = {
                **_summary(r.ratio),
                "poisson_p_one_density": r.homogeneity.p_value,
                "samples_used": [r.first.n_samples, r.second.n_samples],
            }
        out.append(row)
    return out


# --------------------------------------------------------------------------- units table
def _find(points: Sequence[Point], protocol: str, n: int, note: str = "") -> Point:
    for p in points:
        if p.protocol == protocol and p.n == n and p.note == note:
            return p
    raise KeyError(f"no point {protocol} N={n} {note}")


def _band_row(sp: ModeSpectra, edge: float, n_bootstrap: int) -> dict[str, Any]:
    est = band_mle(sp, 0.0, edge, n_bootstrap=n_bootstrap, seed=SEED)
    m = est.measurement
    return {
        "value": m.value,
        "interval": [m.low, m.high],
        "modes": est.diagnostics["modes"],
        "samples_used": int(sum(m.settings["samples_used"])),
        "status": est.status,
    }


def units_table(
    points: Sequence[Point], moduli: Mapping[str, Mapping[str, Any]], *, n_bootstrap: int = N_BOOTSTRAP
) -> dict[str, Any]:
    """The headline readings in the four :data:`UNITS` (module docstring)."""
    rows: list[dict[str, Any]] = []

    def add(reading: str, what: str, per_unit: Mapping[str, dict[str, Any]], note: str = "") -> None:
        rows.append({"reading": reading, "quantity": what, "note": note, **{u: per_unit[u] for u in UNITS}})

    for taper in (2, -1):
        for t in (math.inf, 1.0):
            proto = protocol_name("soft-spheres", "liquid", t, taper)
            g_u = moduli[proto]["shear_modulus"]
            conf = _find(points, proto, 2000, "confirmatory")
            add(
                f"{proto}, N = 2000 confirmatory, window MLE (0, 0.29]",
                "s",
                {
                    u: _band_row(in_unit(conf.spectra, u, g_u), edge_in(u, 0.29, conf.spectra, g_u), n_bootstrap)
                    for u in UNITS
                },
            )
        proto = protocol_name("soft-spheres", "liquid", 1.0, taper)
        g_u = moduli[proto]["shear_modulus"]
        for n in (1000, 2000, 4000, 8000, 16000):
            p = _find(points, proto, n)
            add(
                f"{proto}, N = {n}, deep band (0, 0.15]",
                "s",
                {
                    u: _band_row(in_unit(p.spectra, u, g_u), edge_in(u, X_DEEP, p.spectra, g_u), n_bootstrap)
                    for u in UNITS
                },
                "N = 16000: 0.15 lies above 0.6 omega0 (no phonon-free sample)" if n == 16000 else "",
            )
    for taper in (2, -1):
        for t in (1.0, math.inf):
            proto = protocol_name("soft-spheres", "liquid", t, taper)
            g_u = moduli[proto]["shear_modulus"]
            small, big = _find(points, proto, 2000, "confirmatory"), _find(points, proto, 8000)
            for edge in (0.18, 0.15):
                per: dict[str, dict[str, Any]] = {}
                for u in UNITS:
                    r = density_ratio(
                        in_unit(small.spectra, u, g_u),
                        in_unit(big.spectra, u, g_u),
                        edge_in(u, edge, small.spectra, g_u),
                        n_bootstrap=n_bootstrap,
                        seed=SEED,
                    ).ratio
                    per[u] = {"value": r.value, "interval": [r.low, r.high], "samples_used": r.settings["samples_used"]}
                add(
                    f"{proto}, density ratio N = 2000 (confirmatory) / 8000 (ladder) below {edge}",
                    "ratio",
                    per,
                    "the registered pair of lerner.finite-size-density-absolute; per-N: each N in its own ensemble G",
                )
    for taper in (2, -1):
        proto = protocol_name("non-additive-soft-spheres", "T_d-control", T_D_NONADDITIVE, taper)
        g_u = moduli[proto]["shear_modulus"]
        for n in (1000, 2000):
            p = _find(points, proto, n, "stage 1 only")
            add(
                f"{proto}, N = {n} (registered stage-1 chains), window MLE (0, 0.29]",
                "s",
                {
                    u: _band_row(in_unit(p.spectra, u, g_u), edge_in(u, 0.29, p.spectra, g_u), n_bootstrap)
                    for u in UNITS
                },
                "each taper on its own (the registered reading is the paired difference); exploratory chains not used",
            )
    return {"units": UNIT_NAMES, "absolute": ABSOLUTE, "rows": rows, "samples_used": SAMPLES_NOTE}


def _fmt(cell: Mapping[str, Any]) -> str:
    v, (lo, hi) = cell["value"], cell["interval"]
    if v is None or not np.isfinite(v):
        return "— (no sample)"
    used, modes = cell.get("samples_used"), cell.get("modes")
    if isinstance(used, int):
        used = f" ({used} samples" + (f", {modes} modes)" if modes is not None else ")")
    elif isinstance(used, (list, tuple)):
        used = " (" + " / ".join(str(u) for u in used) + " samples)"
    else:
        used = ""
    return f"{v:.2f} [{lo:.2f}, {hi:.2f}]{used}"


def units_table_markdown(table: Mapping[str, Any]) -> str:
    """The units table as Markdown (a findings page embeds it); each cell: value [95 % interval] (samples used, modes).

    Examples
    --------
    >>> cell = {"value": 3.1, "interval": [3.0, 3.2], "samples_used": 10, "modes": 40}
    >>> row = {"reading": "r", "note": "", **{u: cell for u in UNITS}}
    >>> units_table_markdown({"rows": [row]}).splitlines()[2].count("3.10 [3.00, 3.20] (10 samples, 40 modes)")
    4
    """
    head = "| reading | " + " | ".join(UNIT_NAMES[u] for u in UNITS) + " |"
    lines = [head, "|" + "---|" * (len(UNITS) + 1)]
    for r in table["rows"]:
        lines.append(f"| {r['reading']} | " + " | ".join(_fmt(r[u]) for u in UNITS) + " |")
    return "\n".join(lines) + "\n"


def a4_table_markdown(result: Mapping[str, Any]) -> str:
    """The A_4·ω_g⁵ values as Markdown, one row per point: the deep band and the wider band of that N."""
    lines = ["| protocol | N | samples (chains) | A_4 ω_g⁵ on (0, 0.15] | wider band |", "|---|---|---|---|---|"]
    for key, r in result["points"].items():
        alt = r.get("a4_alternative")
        alt_s = f"(0, {alt['band'][1]:g}]: {_fmt(alt)}" if alt else ""
        chains = f" ({r['chains']})" if r["chains"] else ""
        extra = f" [{key.split('[')[1][:-1]}]" if "[" in key else ""
        flag = "" if r["deep_band_status"] == "ok" else " ‡"
        lines.append(
            f"| {r['protocol']} | {r['n_particles']}{extra} | {r['samples']}{chains} | "
            f"{_fmt(r['a4_deep'])}{flag} | {alt_s} |"
        )
    return (
        "\n".join(lines) + "\n‡ the deep band alone is not a reading here (not phonon-free, or fewer than "
        f"{MIN_MODES} modes): read the wider band\n"
    )


def ratio_table_markdown(result: Mapping[str, Any]) -> str:
    """The taper ratios m = ∞ / m = 2 as Markdown, one row per (model, preparation, T*, N)."""
    lines = [
        "| model, preparation | T* | N | m = ∞ / m = 2 of the density below the edge [95 %] |",
        "|---|---|---|---|",
    ]
    for r in result["taper_ratio"]:
        note = f" [{r['points'][0].split('[')[1][:-1]}]" if "[" in r["points"][0] else ""
        cells = [
            f"{k}: {v['value']:.2f} [{v['interval'][0]:.2f}, {v['interval'][1]:.2f}]"
            if "value" in v
            else f"{k}: {v['status']}"
            for k, v in r["readings"].items()
        ]
        lines.append(
            f"| {r['model']} {r['preparation']} | {r['parent_temperature']} | {r['n_particles']}{note} | "
            + "; ".join(cells)
            + " |"
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- figure
def _draw(ax: Any, x: float, a: Mapping[str, Any], r: Mapping[str, Any], seen: set[str], size: float = 6.0) -> None:
    styles = {
        ("soft-spheres", 2): ("o", "C0"),
        ("soft-spheres", -1): ("s", "C3"),
        ("non-additive-soft-spheres", 2): ("^", "C0"),
        ("non-additive-soft-spheres", -1): ("v", "C3"),
        ("kob-andersen", 2): ("D", "C0"),
        ("kob-andersen", -1): ("d", "C3"),
    }
    marker, colour = styles[(r["model"], r["taper_order"])]
    fill = "none" if r["preparation"] in ("seed-literal", "aged-T_d") else colour
    label = f"{r['model']} {TAPER_NAME[r['taper_order']]}" + ("" if fill != "none" else " (seed-literal / aged)")
    yerr = [[max(a["value"] - a["interval"][0], 0.0)], [max(a["interval"][1] - a["value"], 0.0)]]
    ax.errorbar(
        x,
        a["value"],
        yerr=yerr,
        fmt=marker,
        color=colour,
        mfc=fill,
        ms=size,
        capsize=2,
        label=None if label in seen else label,
    )
    seen.add(label)


def _tstar(r: Mapping[str, Any], t_inf: float = 2.0) -> float:
    t = t_inf if r["parent_temperature"] == "inf" else float(r["parent_temperature"])
    return t * (1.025 if r["taper_order"] == -1 else 0.975)


def figure(result: Mapping[str, Any], path: Path = FIGURE) -> plt.Figure:
    """A_4·ω_g⁵ in the protocol's common unit: (a) N = 1000, band (0, 0.29], against T*; (b) the deep band
    (0, 0.15] at every point holding at least ``MIN_MODES`` modes there, against T* (marker size grows with N);
    (c) (a) against the mean e_IS of the additive soft spheres.  No published value is drawn (``published``)."""
    fig, (ax_a, ax_b, ax_e) = plt.subplots(1, 3, figsize=(15, 4.6))
    seen_a: set[str] = set()
    seen_b: set[str] = set()
    for key, r in result["points"].items():
        wide = r.get("a4_alternative")
        if r["n_particles"] == 1000 and wide and wide["band"][1] == 0.29 and "stage 1 only" not in key:
            _draw(ax_a, _tstar(r), wide, r, seen_a)
            if "inherent_energy" in r and r["model"] == "soft-spheres":
                _draw(ax_e, r["inherent_energy"]["value"], wide, r, set())
        deep = r["a4_deep"]
        if deep["modes"] >= MIN_MODES and deep["samples_used"] > 0 and "stage 1 only" not in key:
            _draw(ax_b, _tstar(r), deep, r, seen_b, size=3.0 + 1.5 * math.log2(r["n_particles"] / 1000))
    for ax, title in (
        (ax_a, "N = 1000, band (0, 0.29] $\\omega_g$"),
        (ax_b, "deep band (0, 0.15] $\\omega_g$, points with >= 10 modes (size: N)"),
    ):
        ax.set_xscale("log")
        ax.set_xlabel("parent temperature T* (inf drawn at 2; KA in its own units)")
        ax.set_title(title, fontsize=10)
    ax_a.set_ylabel(r"$A_4\,\omega_g^5$ per particle (protocol's common unit)")
    ax_a.legend(fontsize=7)
    ax_e.set_xlabel(r"mean inherent-structure energy $e_{IS}$ per particle")
    ax_e.set_title("N = 1000, band (0, 0.29], additive soft spheres", fontsize=10)
    fig.text(
        0.01,
        0.01,
        "no published A_4 drawn (other models; see soft_mode_density.json 'published').  "
        "A wider band reads A_4 low where the spectrum is shallower than omega^4 above 0.15.",
        fontsize=7,
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    return fig


# --------------------------------------------------------------------------- main
def read(points: Sequence[Point], *, n_bootstrap: int = N_BOOTSTRAP) -> dict[str, Any]:
    """Every point's A_4, the taper ratios and the units table (module docstring)."""
    moduli = common_moduli(points)
    result: dict[str, Any] = {
        "method": {
            "quantity": "A_4 omega_g^5 per particle: g(omega) = A_4 omega^4, g per particle, omega in omega_g",
            "estimator": "5 * (modes per particle below x_b omega_g) / x_b^5 "
            "(vdosbench.validators.spectral.absolute_frequency.soft_mode_density, exponent 4)",
            "deep_band": [0.0, X_DEEP],
            "min_modes": MIN_MODES,
            "alternative_edges_by_n": {str(k): v for k, v in ALTERNATIVE_EDGE.items()},
            "alternative_rule": "given where the deep band has no phonon-free sample or fewer than min_modes modes",
            "unit": "common: omega_g = sqrt(G_u/rho) rho^(1/3), G_u the ensemble mean G of the protocol's largest N "
            "(ModeSpectra.in_common_unit); each sample's omega0 stays its own",
            "protocol": "(model, preparation, T*, taper); preparation: liquid (quenched from the liquid at T*, "
            "equilibrated or 1100 sweeps at T* >= 1), aged-T_d (chains aged 40 tau_alpha at T_d = 0.144), "
            "T_d-control (non-additive, T_d = 0.0716), seed-literal (1100 sweeps from random positions)",
            "phonon_factor": PHONON_FACTOR,
            "interval": "95 % percentile bootstrap over samples, or chains where the point has chains",
            "n_bootstrap": n_bootstrap,
            "seed": SEED,
            "taper_ratio": "density_ratio(m = inf, m = 2), each taper in its own protocol's unit",
            "td_control_chains": "exploratory chains 0 - 19 (finite_size_modes.nc) and stage-1 chains of "
            "td_control_chains.nc pooled; stage-2 chains are not read (not complete)",
            "inherent_energy": "mean e_IS per particle, bootstrap as A_4; none for the Kob-Andersen sets (not stored)",
            "not_read": "the LAMMPS Kob-Andersen samples (studies/results/lammps_ka_045*: 5 samples, another code)",
        },
        "common_unit": moduli,
        "published": PUBLISHED,
        "points": {},
    }
    for p in sorted(points, key=lambda q: (q.protocol, q.n, q.note)):
        result["points"][p.key] = read_point(p, moduli[p.protocol]["shear_modulus"], n_bootstrap=n_bootstrap)
    result["taper_ratio"] = taper_ratios(points, moduli, n_bootstrap=n_bootstrap)
    result["units_table"] = units_table(points, moduli, n_bootstrap=n_bootstrap)
    result["protocols"] = sorted(moduli)
    return jsonable(result)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "job",
        nargs="?",
        default="read",
        choices=("read", "ka-moduli", "figure"),
        help="read (default): the reading, JSON and figure; ka-moduli: the Kob-Andersen moduli; "
        "figure: the figure again from the JSON",
    )
    parser.add_argument("--n-bootstrap", type=int, default=N_BOOTSTRAP)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--figure", type=Path, default=FIGURE)
    args = parser.parse_args(argv)
    if args.job == "ka-moduli":
        ka_shear_moduli()
        return 0
    if args.job == "figure":
        plt.close(figure(json.loads(args.out.read_text()), args.figure))
        return 0
    result = read(load_all(), n_bootstrap=args.n_bootstrap)
    write_results(args.out, result, indent=1, default=float)
    plt.close(figure(result, args.figure))
    print(a4_table_markdown(result))
    print(units_table_markdown(result["units_table"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
