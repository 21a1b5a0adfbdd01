"""GHET type-II spectra as VDOS-1.0 datasets: the registered generator ``ghet_type2`` and
:func:`ghet_from_dataset` (a dataset's own pair stresses predict its exponent).

The physics and the spectra (:func:`~.ghet.type2_power_law`,
:func:`~.ghet.type2_from_stresses`) are in :mod:`vdosbench.generators.theory.ghet`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import xarray as xr
from vdosbench.datasets import combine_parts, convention_attrs, coordinate, iter_points, provenance

from ..engine.ensemble import build_in_memory
from ..engine.parameters import Parameter
from ..engine.registry import Generator, register
from ..glasses.potentials import INFINITE_ORDER
from ..glasses.glass_params import canonical_taper_order
from ..spectra import quantile_spectrum_bytes
from .ghet import (
    DEFAULT_STRESS_QUANTILE,
    DEFAULT_TAPER_ORDERS,
    GENERATOR_VERSION,
    GHET_REFERENCE,
    INFINITE_ORDER_SIGMA_MIN,
    _ONE,
    Type2Spectrum,
    _n_modes,
    _positive,
    _stress_pdf,
    _taper_order,
    type2_from_stresses,
    type2_power_law,
)
from .het import DEFAULT_N_MODES

__all__ = [
    "GHET_TYPE2",
    "GHETParams",
    "ghet_from_dataset",
    "ghet_type2",
    "ghet_type2_sample",
]


def _spectrum_variables(spec: Type2Spectrum) -> dict[str, Any]:
    def one(v: Any) -> np.ndarray:
        return np.asarray(v)[None, ...]

    return {
        "eigenvalue": (
            ("sample", "mode"),
            one(spec.eigenvalues),
            {
                "long_name": "quantile spectrum lambda_k = omega_k^2 of the GHET type-II DOS, F(omega_k) = (k - 1/2)/M",
                **_ONE,
            },
        ),
        "density_of_states": (
            ("sample", "omega"),
            one(spec.dos),
            {
                "long_name": "GHET type-II DOS g(omega) = 2 omega rho(omega^2), rho ~ sigma^2 P(sigma) at sigma = zeta lambda "
                "(seed 001 eq. 105), normalised",
                **_ONE,
            },
        ),
        "predicted_exponent": (
            ("sample",),
            np.array([spec.exponent]),
            {"long_name": "predicted exponent s of g ~ omega^s, s = 5 + 2 alpha (seed 001 eqs. 105-107)", **_ONE},
        ),
        "predicted_exponent_uncertainty": (
            ("sample",),
            np.array([spec.exponent_uncertainty]),
            {"long_name": "standard error of the predicted exponent (0 for an analytic P(sigma))", **_ONE},
        ),
        "stress_exponent": (
            ("sample",),
            np.array([spec.stress_exponent]),
            {"long_name": "exponent alpha of P(sigma) ~ sigma^alpha at small sigma", **_ONE},
        ),
        "stress_exponent_uncertainty": (
            ("sample",),
            np.array([spec.stress_exponent_uncertainty]),
            {"long_name": "standard error of alpha (Hill; 0 for an analytic P(sigma))", **_ONE},
        ),
    }


@dataclass(frozen=True)
class GHETParams:
    """Settings of one analytic GHET type-II spectrum.

    Parameters
    ----------
    taper_order
        m ≥ 1, or −1 for m = ∞ (as in the soft-sphere datasets).
    sigma_max, zeta
        σ_max of the power law and ζ (ω_max = √(σ_max/ζ)).
    infinite_order_sigma_min
        σ_min/σ_max for m = ∞ (default 10⁻⁶); finite m use σ_min = 0.
    n_modes, n_omega
        Quantile-spectrum size and ω-grid size (log-spaced on [10⁻³ω_max, ω_max]).
    """

    taper_order: int = 2
    sigma_max: float = 1.0
    zeta: float = 1.0
    infinite_order_sigma_min: float = INFINITE_ORDER_SIGMA_MIN
    n_modes: int = DEFAULT_N_MODES
    n_omega: int = 400

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "taper_order", _taper_order(self.taper_order))
        set_(self, "sigma_max", _positive("sigma_max", self.sigma_max))
        set_(self, "zeta", _positive("zeta", self.zeta))
        ratio = _positive("infinite_order_sigma_min", self.infinite_order_sigma_min)
        if ratio >= 1e-2:
            raise ValueError(
                f"infinite_order_sigma_min must be < 1e-2 (a small lower cutoff of P ~ 1/sigma), found {ratio:g}"
            )
        set_(self, "infinite_order_sigma_min", ratio)
        set_(self, "n_modes", _n_modes(self.n_modes))
        if not isinstance(self.n_omega, (int, np.integer)) or self.n_omega < 2:
            raise ValueError(f"n_omega must be an integer ≥ 2, found {self.n_omega!r}")

    @classmethod
    def from_mapping(cls, params: Mapping[str, Any]) -> GHETParams:
        """Build from a mapping; an unknown key raises ``ValueError`` listing the valid ones."""
        valid = [f.name for f in fields(cls)]
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(f"unknown GHETParams parameter(s) {unknown}; valid parameters are {valid}")
        return cls(**dict(params))


def _type2_attrs(p: GHETParams, s_min: float) -> dict[str, Any]:
    """The global attributes of one type-II spectrum: the taper, stress law and eigenvalue construction."""
    m = p.taper_order
    label = "inf" if m == INFINITE_ORDER else str(m)
    return convention_attrs(
        title=f"GHET type-II spectrum for a taper of order m = {label}",
        source=f"vdosbench.generators.ghet {GENERATOR_VERSION}",
        references=GHET_REFERENCE,
        spatial_dimension=3,
        taper_order=int(m),
        sigma_max=p.sigma_max,
        sigma_min=s_min,
        zeta=p.zeta,
        infinite_order_sigma_min=p.infinite_order_sigma_min,
        n_modes=p.n_modes,
        n_omega=int(p.n_omega),
        stress_distribution=(
            "P(sigma) = C sigma^(1/m - 1) on [sigma_min, sigma_max], normalised; sigma_min = 0 for finite m, "
            f"{p.infinite_order_sigma_min:g} sigma_max for m = inf (taper_order = -1), where P ~ 1/sigma needs it"
        ),
        eigenvalue_construction=(
            f"quantiles of the theory DOS, M = {p.n_modes}: lambda_k = omega_k^2, omega_k = F^-1((k - 1/2)/M) with the "
            "closed-form F(omega) = (omega^(s+1) - omega_min^(s+1))/(omega_max^(s+1) - omega_min^(s+1)); deterministic"
        ),
        **provenance("ghet_type2", GENERATOR_VERSION, root_seed="none (deterministic)"),
    )


def ghet_type2_sample(
    params: Mapping[str, Any] | GHETParams, seed: np.random.SeedSequence | int | None = None, sample: int = 0
) -> xr.Dataset:
    """One analytic GHET type-II spectrum as a one-sample VDOS-1.0 dataset.

    Parameters
    ----------
    params
        :class:`GHETParams` or a mapping of its fields.
    seed
        Ignored (deterministic); accepted for the generator protocol.
    sample
        The ``sample`` coordinate.

    Returns
    -------
    xarray.Dataset
        Dims ``sample`` (1), ``mode`` (M), ``omega``: ``eigenvalue`` (quantile
        spectrum), ``density_of_states``, ``stress`` (σ = ζω²) and
        ``stress_density`` P(σ) (sample, omega); ``predicted_exponent``
        = 3 + 2/m, ``stress_exponent`` = 1/m − 1 and their (zero)
        uncertainties (sample).

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = ghet_type2_sample({"taper_order": 2, "n_modes": 50, "n_omega": 40})
    >>> check(ds)
    >>> float(ds["predicted_exponent"].item())
    4.0
    """
    p = params if isinstance(params, GHETParams) else GHETParams.from_mapping(params)
    if isinstance(sample, (bool, np.bool_)) or not isinstance(sample, (int, np.integer)) or sample < 0:
        raise ValueError(f"sample must be an integer ≥ 0, found {sample!r}")
    m = p.taper_order
    s_min = p.infinite_order_sigma_min * p.sigma_max if m == INFINITE_ORDER else 0.0
    w_max = math.sqrt(p.sigma_max / p.zeta)
    omega = np.geomspace(1e-3 * w_max, w_max, int(p.n_omega))
    spec = type2_power_law(m, sigma_max=p.sigma_max, sigma_min=s_min, zeta=p.zeta, omega=omega, n_modes=p.n_modes)
    stress = p.zeta * omega**2
    data_vars = _spectrum_variables(spec)
    data_vars["stress"] = (
        ("sample", "omega"),
        stress[None, :],
        {"long_name": "local stress sigma = zeta omega^2 resonating at omega (seed 001 eq. 105)", **_ONE},
    )
    data_vars["stress_density"] = (
        ("sample", "omega"),
        _stress_pdf(stress, m, s_min, p.sigma_max)[None, :],
        {"long_name": "stress distribution P(sigma) ~ sigma^(1/m - 1) (seed 001 eqs. 11, 103), normalised", **_ONE},
    )
    coords = {
        "sample": coordinate("sample", np.array([int(sample)], dtype=np.int64)),
        "mode": (
            "mode",
            np.arange(p.n_modes, dtype=np.int64),
            {"long_name": "quantile index k of the theory DOS", **_ONE},
        ),
        "omega": ("omega", omega, {"long_name": "angular frequency omega (units sqrt(sigma_unit/zeta))", **_ONE}),
    }
    attrs = _type2_attrs(p, s_min)
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def ghet_type2(taper_order: Sequence[int | str | float] = DEFAULT_TAPER_ORDERS, **fixed: Any) -> xr.Dataset:
    """Analytic GHET type-II spectra over the taper order m (parameter dim ``taper_order``, −1 = ∞).

    Parameters
    ----------
    taper_order
        m values; default :data:`DEFAULT_TAPER_ORDERS` = (1, 2, 3, −1): the
        seed's s = 5 (potential minimum / m = 1), 4 (m = 2, its simulations),
        11/3 and 3 (m = ∞, its simulations).
    **fixed
        Other :class:`GHETParams` fields.

    Examples
    --------
    >>> ds = ghet_type2(n_modes=20, n_omega=20)
    >>> ds["predicted_exponent"].values.ravel().round(3).tolist()
    [3.0, 5.0, 4.0, 3.667]
    """
    orders = [_taper_order(m) for m in taper_order]
    return build_in_memory(GHET_TYPE2, grid={"taper_order": orders}, fixed=fixed)


def _predicted_point(
    spec: Type2Spectrum, values: Mapping[str, Any], ds: xr.Dataset, names: list[str], units: str
) -> xr.Dataset:
    """One parameter point's predicted spectrum, with its stress window, counts and parameter coordinates."""
    data_vars = _spectrum_variables(spec)
    data_vars["stress_window_max"] = (
        ("sample",),
        np.array([spec.stress_window[1]]),
        {"long_name": "upper end sigma_w of the stress-exponent window (0, sigma_w]", "units": units},
    )
    data_vars["n_stresses"] = (
        ("sample",),
        np.array([spec.n_stresses], dtype=np.int64),
        {"long_name": "number of pair stresses pooled", **_ONE},
    )
    data_vars["n_window"] = (
        ("sample",),
        np.array([spec.n_window], dtype=np.int64),
        {"long_name": "number of stresses in the exponent window", **_ONE},
    )
    coords: dict[str, Any] = {
        "sample": (
            "sample",
            np.array([0], dtype=np.int64),
            {"long_name": "pooled samples of the source point", **_ONE},
        ),
        "mode": (
            "mode",
            np.arange(spec.eigenvalues.size, dtype=np.int64),
            {"long_name": "quantile index k", **_ONE},
        ),
        "omega": ("omega", spec.omega, {"long_name": "angular frequency omega (geometric bin centre)", **_ONE}),
    }
    for name, value in values.items():
        coords[name] = xr.Variable((), value, dict(ds[name].attrs) or {"long_name": name})
    part = xr.Dataset(data_vars, coords=coords)
    part.attrs["parameter_names"] = " ".join(names)
    return part


def _prediction_attrs(
    ds: xr.Dataset,
    names: list[str],
    units: str,
    z: float,
    n_modes: int,
    n_bins: int,
    stress_quantile: float,
    stress_window: float | None,
) -> dict[str, Any]:
    """The global attributes of the prediction: its source dataset, stress rule, estimator and construction."""
    d = ds.attrs.get("spatial_dimension", 3)
    return convention_attrs(
        title=f"GHET type-II spectrum predicted from the pair stresses of: {ds.attrs.get('title', 'a dataset')}",
        source=f"vdosbench.generators.ghet.ghet_from_dataset {GENERATOR_VERSION}",
        references=GHET_REFERENCE,
        spatial_dimension=int(d) if isinstance(d, (int, np.integer)) else 3,
        **({"parameter_names": " ".join(names)} if names else {}),
        stress_source_title=str(ds.attrs.get("title", "")),
        stress_source_generator=str(ds.attrs.get("generator", "none (third-party dataset)")),
        stress_definition="sigma = |pair_psi| = |r phi'(r)| of every stored pair, pooled over the samples of each point (seed 001 eq. 90)",
        stress_units=str(units),
        zeta=z,
        stress_quantile=float(stress_quantile),
        stress_window="quantile" if stress_window is None else float(stress_window),
        exponent_estimator="Hill maximum likelihood of P(sigma) ~ sigma^alpha on (0, sigma_w]; s = 5 + 2 alpha, se(s) = 2 se(alpha)",
        eigenvalue_construction=(
            f"sigma^2-weighted quantiles of lambda_i = sigma_i/zeta, M = {int(n_modes)}: the type-II spectrum is a "
            "resonance at sigma_i/zeta of weight sigma_i^2 per pair (seed 001 eq. 84); deterministic"
        ),
        dos_curve=f"sigma^2-weighted histogram of omega_i = sqrt(sigma_i/zeta) on {int(n_bins)} log-spaced bins, normalised",
        **provenance("ghet_from_dataset", GENERATOR_VERSION, root_seed="none (deterministic)"),
    )


def ghet_from_dataset(
    ds: xr.Dataset,
    *,
    zeta: float = 1.0,
    n_modes: int = DEFAULT_N_MODES,
    n_bins: int = 60,
    stress_quantile: float = DEFAULT_STRESS_QUANTILE,
    stress_window: float | None = None,
) -> xr.Dataset:
    """The GHET type-II spectrum and exponent that a dataset's own pair stresses predict.

    For every parameter point the stresses σ = |pair_psi| (eq. 90) of all its
    samples are pooled and passed to :func:`type2_from_stresses`.

    Parameters
    ----------
    ds
        A VDOS-1.0 dataset with ``pair_psi`` (and ``pair_count``).
    zeta
        ζ (units of [pair_psi]/[eigenvalue]); sets the frequency scale only.
    n_modes
        M of each point's quantile spectrum.
    n_bins
        Log-spaced ω bins of the g(ω) histogram, shared by all points.
    stress_quantile, stress_window
        The exponent window (:func:`stress_exponent_mle`).

    Returns
    -------
    xarray.Dataset
        VDOS-1.0 with the source's parameter dimensions, ``sample`` = 1 (the
        pooled stresses), ``mode`` and ``omega``: ``eigenvalue`` (quantile
        spectrum), ``density_of_states``, ``predicted_exponent`` (s = 5 + 2α)
        with its uncertainty, ``stress_exponent``, ``stress_window_max``,
        ``n_stresses``, ``n_window``.

    Raises
    ------
    ValueError
        If ``ds`` has no ``pair_psi``.

    Examples
    --------
    >>> from vdosbench.datasets import check, mock_spectrum
    >>> src = mock_spectrum(n_sample=2, n_site=8, pairs_per_sample=5000, parameters={"delta": [0.0, 0.1]})
    >>> psi = -np.random.default_rng(3).random(src.sizes["pair"]) ** 2  # P(|psi|) ~ sigma^(-1/2)
    >>> src["pair_psi"] = ("pair", psi, {"long_name": "psi = r phi'(r)", "units": "1"})
    >>> out = ghet_from_dataset(src, stress_quantile=1.0, n_modes=100)
    >>> check(out)
    >>> out["predicted_exponent"].values.ravel().round(1).tolist()
    [4.0, 4.0]
    """
    if not isinstance(ds, xr.Dataset) or "pair_psi" not in ds.variables:
        raise ValueError(
            "ghet_from_dataset needs a VDOS-1.0 dataset with pair_psi (= r phi'(r) of every interacting pair); "
            "generate it with a pair-potential generator (soft spheres) or add the pair data"
        )
    points = [(values, np.abs(np.asarray(point["pair_psi"].values, dtype=float))) for values, point in iter_points(ds)]
    nonzero = [s[s > 0] for _, s in points]
    if any(s.size < 2 for s in nonzero):
        raise ValueError("a parameter point has fewer than 2 non-zero pair stresses; cannot predict its spectrum")
    z = _positive("zeta", zeta)
    lo = math.sqrt(min(float(s.min()) for s in nonzero) / z)
    hi = math.sqrt(max(float(s.max()) for s in nonzero) / z) * (1 + 1e-12)
    edges = np.geomspace(lo, hi, int(n_bins) + 1)
    names = [d for d in points[0][0]]
    units = ds["pair_psi"].attrs.get("units", "1")
    parts = []
    for (values, _), sigma in zip(points, nonzero):
        spec = type2_from_stresses(
            sigma, zeta=z, n_modes=n_modes, omega=edges, stress_window=stress_window, stress_quantile=stress_quantile
        )
        parts.append(_predicted_point(spec, values, ds, names, units))
    out = combine_parts(parts) if names else parts[0]
    out.attrs = _prediction_attrs(ds, names, units, z, n_modes, n_bins, stress_quantile, stress_window)
    return out


def ghet_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one ``ghet_type2`` spectrum (the generator's ``memory_estimate``): linear in modes and points."""
    p = GHETParams.from_mapping(params)
    return quantile_spectrum_bytes(p.n_modes, p.n_omega)


#: The registered generator ``"ghet_type2"`` (one taper order per part).
GHET_TYPE2 = register(
    Generator(
        name="ghet_type2",
        version=GENERATOR_VERSION,
        make_sample=ghet_type2_sample,
        check_params=GHETParams.from_mapping,
        parameters=(
            Parameter(
                "taper_order",
                "taper order m of the pair potential (-1: T_inf)",
                DEFAULT_TAPER_ORDERS,
                units="1",
                grid=True,
                kind="int",
                minimum=1,
                special=(INFINITE_ORDER,),
                canonical=canonical_taper_order,
            ),
            Parameter(
                "sigma_max",
                "largest stress sigma_max of the power law P(sigma)",
                1.0,
                units="1",
                minimum=0.0,
                open_minimum=True,
            ),
            Parameter(
                "zeta", "zeta of omega_max = sqrt(sigma_max/zeta)", 1.0, units="1", minimum=0.0, open_minimum=True
            ),
            Parameter("n_modes", "size of the quantile spectrum", DEFAULT_N_MODES, units="1", kind="int", minimum=1),
            Parameter("n_omega", "points of the log-spaced omega grid", 400, units="1", kind="int", minimum=2),
        ),
        memory_estimate=ghet_memory,
        description="GHET type-II spectrum of seed 001 (eqs. 105-107) from P(sigma) ~ sigma^(1/m - 1)",
        source="seed 001",
    ),
    replace=True,
)
