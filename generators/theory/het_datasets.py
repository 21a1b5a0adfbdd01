"""HET–SCBA theory curves as VDOS-1.0 datasets and registered generators.

The solver lives in :mod:`vdosbench.generators.theory.het`; this module holds the
settings (:class:`HETParams`, :class:`FiniteSizeHETParams`), the one-point
dataset builders used by the ensemble runner (``het_scba``,
``het_finite_size`` generators) and the in-memory sweeps :func:`het_scba`
(seed 001 Fig. 1b) and :func:`het_finite_size` (the gap of eq. 40).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Self

import numpy as np
import xarray as xr
from vdosbench.datasets import convention_attrs, coordinate, provenance

from ..engine.ensemble import build_in_memory
from .het import (
    _ONE,
    DEFAULT_BOX_EDGES,
    DEFAULT_BULK_RATIO,
    DEFAULT_ETA,
    DEFAULT_FINITE_GAMMA_RATIOS,
    DEFAULT_GAMMA_RATIOS,
    DEFAULT_N_MODES,
    DEFAULT_TOLERANCE,
    FINITE_SIZE_ETA,
    GENERATOR_VERSION,
    HET_REFERENCE,
    OMEGA_MAX_FACTOR,
    TRUNCATION_TOLERANCE,
    MarginalPoint,
    SelfEnergy,
    Wavevectors,
    boson_peak_frequency,
    default_omega_grid,
    finite_size_gap,
    marginal_point,
    quantile_eigenvalues,
    self_energy_at_zero,
    solve_self_energy,
)
from ..engine.parameters import Parameter, check_integer, check_real
from ..spectra import quantile_spectrum_bytes
from ..engine.registry import Generator, register

__all__ = [
    "FiniteSizeHETParams",
    "HETParams",
    "HET_FINITE_SIZE",
    "HET_SCBA",
    "het_finite_size",
    "het_finite_size_sample",
    "het_scba",
    "het_scba_sample",
]


# ----------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class HETParams:
    """Settings of one HET–SCBA curve (infinite medium).

    Parameters
    ----------
    gamma_ratio
        γ/γ_c in [0, 1] (γ_c from :func:`marginal_point`); above 1 the medium
        is unstable (weight at λ ≤ 0), which VDOS-1.0 eigenvalues cannot hold.
    bulk_ratio
        K̃ = K/G₀ > 0 (default 3).
    n_modes
        M, the size of the quantile spectrum (default 3000).
    n_omega, omega_min, omega_max_factor
        The ω̃ grid (:func:`default_omega_grid`).
    eta
        η of z̃ = λ̃ + iη.
    tolerance
        Newton tolerance on |R(Σ̃)|.

    Examples
    --------
    >>> HETParams(gamma_ratio=1.2)
    Traceback (most recent call last):
    ...
    ValueError: gamma_ratio must lie in [0, 1], found 1.2; above the marginal point ...
    """

    gamma_ratio: float = 0.9
    bulk_ratio: float = DEFAULT_BULK_RATIO
    n_modes: int = DEFAULT_N_MODES
    n_omega: int = 1500
    omega_min: float = 1e-3
    omega_max_factor: float = OMEGA_MAX_FACTOR
    eta: float = DEFAULT_ETA
    tolerance: float = DEFAULT_TOLERANCE

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        r = check_real("gamma_ratio", self.gamma_ratio)
        if not 0.0 <= r <= 1.0:
            raise ValueError(
                f"gamma_ratio must lie in [0, 1], found {r:g}; above the marginal point the SCBA spectrum "
                "has weight at λ ≤ 0 (an instability), which eigenvalues cannot hold: use solve_self_energy "
                "for gamma > gamma_c"
            )
        set_(self, "gamma_ratio", r)
        set_(self, "bulk_ratio", check_real("bulk_ratio", self.bulk_ratio, minimum=0.0, strict=True))
        set_(self, "n_modes", check_integer("n_modes", self.n_modes, 1))
        set_(self, "n_omega", check_integer("n_omega", self.n_omega, 20))
        set_(self, "omega_min", check_real("omega_min", self.omega_min, minimum=0.0, strict=True))
        set_(self, "omega_max_factor", check_real("omega_max_factor", self.omega_max_factor, minimum=1.0, strict=True))
        set_(self, "eta", check_real("eta", self.eta, minimum=0.0, strict=True))
        set_(self, "tolerance", check_real("tolerance", self.tolerance, minimum=0.0, strict=True))

    @classmethod
    def from_mapping(cls, params: Mapping[str, Any]) -> Self:
        """Build from a mapping; an unknown key raises ``ValueError`` listing the valid ones."""
        valid = [f.name for f in fields(cls)]
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(f"unknown {cls.__name__} parameter(s) {unknown}; valid parameters are {valid}")
        return cls(**dict(params))

    @property
    def marginal(self) -> MarginalPoint:
        """The marginal point at this K̃."""
        return marginal_point(self.bulk_ratio)

    @property
    def gamma(self) -> float:
        """γ = gamma_ratio·γ_c."""
        return self.gamma_ratio * self.marginal.gamma_c

    def omega_grid(self) -> np.ndarray:
        """The ω̃ grid."""
        return default_omega_grid(self.bulk_ratio, self.n_omega, self.omega_min, self.omega_max_factor)


@dataclass(frozen=True)
class FiniteSizeHETParams(HETParams):
    """Settings of one finite-size HET–SCBA curve: :class:`HETParams` plus the box.

    Parameters
    ----------
    box_edge
        ℓ = L k_ξ/2π > 1, the box edge in units of 2π/k_ξ (default 3).
    eta
        Default :data:`FINITE_SIZE_ETA` (the line resolution).

    Examples
    --------
    >>> FiniteSizeHETParams(box_edge=0.5)
    Traceback (most recent call last):
    ...
    ValueError: box_edge must be > 1, found 0.5; pass a larger value
    """

    box_edge: float = 3.0
    eta: float = FINITE_SIZE_ETA

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "box_edge", check_real("box_edge", self.box_edge, minimum=1.0, strict=True))


# ----------------------------------------------------------------------------- datasets


def _curve_dataset(
    p: HETParams, sol: SelfEnergy, sample: int, title: str, generator: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Coordinates, variables and attributes shared by the two HET datasets.

    Raises
    ------
    ValueError
        The DOS has not fallen to :data:`TRUNCATION_TOLERANCE` of its maximum at the top of the grid.
    """
    omega = sol.omega
    g = sol.density_of_states
    if g[-1] > TRUNCATION_TOLERANCE * float(np.max(g)):
        raise ValueError(
            f"the DOS at the top of the grid (ω̃ = {omega[-1]:.3g}) is {g[-1] / np.max(g):.2e} of its maximum: "
            "the band extends beyond the grid; raise omega_max_factor"
        )
    eigenvalues, total = quantile_eigenvalues(omega, g, p.n_modes)
    mp = p.marginal
    return (
        _curve_coordinates(p, omega, sample),
        _curve_variables(sol, mp, eigenvalues, total),
        _curve_attributes(p, sol, mp, title, generator),
    )


def _curve_coordinates(p: HETParams, omega: np.ndarray, sample: int) -> dict[str, Any]:
    """``sample``, ``mode`` (the quantile index) and ``omega`` (the grid of the self-consistent solution)."""
    return {
        "sample": coordinate("sample", np.array([sample], dtype=np.int64)),
        "mode": (
            "mode",
            np.arange(p.n_modes, dtype=np.int64),
            {"long_name": "quantile index k of the theory DOS (ascending eigenvalue)", **_ONE},
        ),
        "omega": (
            "omega",
            omega,
            {
                "long_name": "angular frequency omega~ (units k_xi sqrt(G0/rho_m), the transverse Debye frequency)",
                **_ONE,
            },
        ),
    }


def _one_sample(v: Any) -> np.ndarray:
    """``v`` with a leading ``sample`` axis of length 1."""
    return np.asarray(v)[None, ...]


def _curve_variables(sol: SelfEnergy, mp: MarginalPoint, eigenvalues: np.ndarray, total: float) -> dict[str, Any]:
    """The quantile spectrum, the DOS and the self energy on the grid, the solver's record, the disorder."""
    return {
        "eigenvalue": (
            ("sample", "mode"),
            _one_sample(eigenvalues),
            {
                "long_name": "quantile spectrum lambda_k = omega_k^2, omega_k = F^-1((k - 1/2)/M) of the theory DOS "
                "(units G0 k_xi^2 / rho_m)",
                **_ONE,
            },
        ),
        "density_of_states": (
            ("sample", "omega"),
            _one_sample(sol.density_of_states),
            {"long_name": "density of states g(omega~) = (2 omega~/3 pi) Im[G_L + 2 G_T] (seed 001 eq. 35)", **_ONE},
        ),
        "self_energy_real": (
            ("sample", "omega"),
            _one_sample(sol.sigma.real),
            {
                "long_name": "real part of the dimensionless self energy Sigma~'(omega~^2 + i eta) (seed 001 eq. 33)",
                **_ONE,
            },
        ),
        "self_energy_imag": (
            ("sample", "omega"),
            _one_sample(sol.sigma.imag),
            {
                "long_name": "imaginary part of the dimensionless self energy Sigma~''(omega~^2 + i eta) (seed 001 eq. 33)",
                **_ONE,
            },
        ),
        "scba_iterations": (
            ("sample", "omega"),
            _one_sample(sol.iterations),
            {"long_name": "Newton iterations spent reaching this grid point (continuation from high omega)", **_ONE},
        ),
        "scba_residual": (
            ("sample", "omega"),
            _one_sample(sol.residual),
            {"long_name": "final residual |Sigma~ - F(Sigma~)| of the SCBA equation (seed 001 eq. 33)", **_ONE},
        ),
        "disorder": (
            ("sample",),
            np.array([sol.gamma]),
            {"long_name": "disorder gamma = <dG^2>/G0^2 (seed 001 eq. 32)", **_ONE},
        ),
        "marginal_disorder": (
            ("sample",),
            np.array([mp.gamma_c]),
            {"long_name": "marginal point gamma_c of the full SCBA (fold of the z = 0 equation)", **_ONE},
        ),
        "dos_integral": (
            ("sample",),
            np.array([total]),
            {
                "long_name": "integral of g over the omega grid before normalising the quantile spectrum (sum rule, 1)",
                **_ONE,
            },
        ),
    }


def _curve_attributes(p: HETParams, sol: SelfEnergy, mp: MarginalPoint, title: str, generator: str) -> dict[str, Any]:
    """Every setting, the marginal point, the unit system, the solver and the quantile construction."""
    return convention_attrs(
        title=title,
        source=f"vdosbench.generators.het {GENERATOR_VERSION}",
        references=HET_REFERENCE,
        spatial_dimension=3,
        **{k: (float(v) if isinstance(v, float) else v) for k, v in asdict(p).items()},
        gamma=float(sol.gamma),
        marginal_disorder=mp.gamma_c,
        marginal_self_energy=mp.sigma_c,
        marginal_gamma_tilde=mp.gamma_tilde_c,
        marginal_disorder_quadratic=mp.gamma_c_quadratic,
        marginal_self_energy_quadratic=mp.sigma_c_quadratic,
        correlation_function="step f(k) = f0 theta(k_xi - k), f0 = 6 pi^2 / k_xi^3 (seed 001 eqs. 29-31)",
        unit_system=(
            "dimensionless (seed 001 after eq. 31): lambda~ = lambda rho_m/(G0 k_xi^2), omega~ = sqrt(lambda~), "
            "Sigma~ = Sigma/G0, bulk_ratio = K/G0; v_T = 1 and v_L = sqrt(bulk_ratio + 4/3) at gamma = 0"
        ),
        i0_handling=f"z~ = lambda~ + i eta with eta = {p.eta:g} (fixed, dimensionless)",
        solver=(
            "Newton on the holomorphic residual of seed 001 eq. 33 (closed-form q integrals / shell sums, analytic "
            "derivative), continued from lambda~ = 4(K~ + 4/3) + 1 downwards with a secant predictor and step halving; "
            f"converged when |R| <= {p.tolerance:g}"
        ),
        eigenvalue_construction=(
            f"quantiles of the theory DOS, M = {p.n_modes}: lambda_k = omega_k^2, omega_k = F^-1((k - 1/2)/M), F the "
            "integrated DOS normalised to 1 (trapezoid, inverted exactly per cell; g ~ omega^2 below the first grid point); "
            "deterministic, not a random sample"
        ),
        omega_grid=(
            f"{p.n_omega // 10} points log-spaced on [{p.omega_min:g}, 0.05), {p.n_omega - p.n_omega // 10} linear on "
            f"[0.05, {p.omega_max_factor:g} sqrt(bulk_ratio + 4/3)]"
        ),
        **provenance(generator, GENERATOR_VERSION, root_seed="none (deterministic)"),
    )


def het_scba_sample(
    params: Mapping[str, Any] | HETParams, seed: np.random.SeedSequence | int | None = None, sample: int = 0
) -> xr.Dataset:
    """One HET–SCBA curve (infinite medium) as a one-sample VDOS-1.0 dataset.

    Parameters
    ----------
    params
        :class:`HETParams` or a mapping of its fields.
    seed
        Ignored (the theory is deterministic); accepted for the generator protocol.
    sample
        The ``sample`` coordinate.

    Returns
    -------
    xarray.Dataset
        Dims ``sample`` (1), ``mode`` (M), ``omega``.  ``eigenvalue``
        (sample, mode): the quantile spectrum; ``density_of_states``,
        ``self_energy_real``, ``self_energy_imag``, ``scba_iterations``,
        ``scba_residual`` (sample, omega); ``disorder``, ``marginal_disorder``,
        ``boson_peak_frequency``, ``self_energy_zero``, ``dos_integral``
        (sample).  Every parameter is an attribute.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = het_scba_sample({"gamma_ratio": 0.9, "n_omega": 300, "n_modes": 100})
    >>> check(ds)
    >>> dict(ds.sizes)
    {'sample': 1, 'mode': 100, 'omega': 300}
    """
    p = params if isinstance(params, HETParams) else HETParams.from_mapping(params)
    sample = check_integer("sample", sample, 0)
    omega = p.omega_grid()
    sol = solve_self_energy(omega**2, p.gamma, p.bulk_ratio, eta=p.eta, tolerance=p.tolerance)
    coords, data_vars, attrs = _curve_dataset(
        p,
        sol,
        sample,
        f"HET-SCBA density of states, gamma/gamma_c = {p.gamma_ratio:g}, K/G0 = {p.bulk_ratio:g}",
        "het_scba",
    )
    data_vars["boson_peak_frequency"] = (
        ("sample",),
        np.array([boson_peak_frequency(omega, sol.density_of_states, sol.gamma)]),
        {
            "long_name": "omega~ of the maximum of g/omega~^2 (0: at the lowest grid point, the marginal point; "
            "NaN at gamma = 0)",
            **_ONE,
        },
    )
    data_vars["self_energy_zero"] = (
        ("sample",),
        np.array([self_energy_at_zero(sol.gamma, p.bulk_ratio).real]),
        {"long_name": "Sigma~(z = 0), real part, physical branch", **_ONE},
    )
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def het_finite_size_sample(
    params: Mapping[str, Any] | FiniteSizeHETParams, seed: np.random.SeedSequence | int | None = None, sample: int = 0
) -> xr.Dataset:
    """One finite-size HET–SCBA curve (periodic box) as a one-sample VDOS-1.0 dataset.

    As :func:`het_scba_sample`, with the sums over k = 2πn/L, and the gap
    variables of :func:`finite_size_gap` (sample): ``gap_edge``,
    ``gap_edge_eq40``, ``gap_edge_eq40_literal``, ``lowest_resonance``,
    ``n_wavevectors``.  Isolated lines are Lorentzians of half-width η.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = het_finite_size_sample({"gamma_ratio": 0.9, "box_edge": 2.0, "n_omega": 300, "n_modes": 100})
    >>> check(ds)
    >>> bool(ds["eigenvalue"].min() > 0.5 * ds["gap_edge"].item())
    True
    """
    p = params if isinstance(params, FiniteSizeHETParams) else FiniteSizeHETParams.from_mapping(params)
    sample = check_integer("sample", sample, 0)
    omega = p.omega_grid()
    sol = solve_self_energy(omega**2, p.gamma, p.bulk_ratio, box_edge=p.box_edge, eta=p.eta, tolerance=p.tolerance)
    coords, data_vars, attrs = _curve_dataset(
        p,
        sol,
        sample,
        f"finite-size HET-SCBA density of states, gamma/gamma_c = {p.gamma_ratio:g}, L k_xi/2pi = {p.box_edge:g}",
        "het_finite_size",
    )
    gap = finite_size_gap(p.gamma, p.bulk_ratio, p.box_edge) if p.gamma > 0 else None
    nan = float("nan")
    rows = {
        "gap_edge": (
            gap.gap_edge if gap else nan,
            "lowest spectral edge lambda~_c: fold of the real SCBA equation (rho = 0 below)",
        ),
        "gap_edge_eq40": (
            gap.gap_edge_eq40 if gap else nan,
            "seed 001 eq. 40 linearised at the full marginal point: (1 + B_c)(gamma_c - gamma)/G0(0)",
        ),
        "gap_edge_eq40_literal": (
            gap.gap_edge_eq40_literal if gap else nan,
            "seed 001 eq. 40 as written: (1/4 - gamma[1 + B(0)])/G0(0) at the actual Sigma(0)",
        ),
        "lowest_resonance": (
            gap.lowest_resonance if gap else Wavevectors.periodic_box(p.box_edge).lowest_q2,
            "lowest transverse phonon lambda~_1 = q_min^2 [1 - Sigma~(0)] (omega_0 = 2 pi v_T/L)",
        ),
    }
    for name, (value, long_name) in rows.items():
        data_vars[name] = (("sample",), np.array([value]), {"long_name": long_name, **_ONE})
    data_vars["box_length"] = (
        ("sample",),
        np.array([2.0 * math.pi * p.box_edge]),
        {"long_name": "periodic box edge L k_xi (lengths in units of 1/k_xi)", **_ONE},
    )
    data_vars["n_wavevectors"] = (
        ("sample",),
        np.array([Wavevectors.periodic_box(p.box_edge).n_wavevectors], dtype=np.int64),
        {"long_name": "number N_k of wavevectors 0 < |k| < k_xi in the box", **_ONE},
    )
    attrs["wavevectors"] = (
        "k = 2 pi n / L, n in Z^3, 0 < |k| < k_xi; box_edge = L k_xi / 2 pi; the k = 0 term is left out "
        "(G0 is the sample mean), f0 normalised over the N_k wavevectors (seed 001 eq. 30)"
    )
    attrs["i0_handling"] = (
        f"z~ = lambda~ + i eta with eta = {p.eta:g}: isolated lines are Lorentzians of half-width eta"
    )
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def het_scba(gamma_ratio: Sequence[float] = DEFAULT_GAMMA_RATIOS, **fixed: Any) -> xr.Dataset:
    """The Fig. 1b sweep: HET–SCBA curves over γ/γ_c (VDOS-1.0, parameter dim ``gamma_ratio``).

    Parameters
    ----------
    gamma_ratio
        γ/γ_c values in [0, 1]; default :data:`DEFAULT_GAMMA_RATIOS`
        (0.25, 0.5, 0.75, 0.9, 0.97, 1.0: γ ≪ γ_c and curves approaching γ_c
        as in the cartoon of seed 001 Fig. 1b, which gives no numbers).
    **fixed
        Other :class:`HETParams` fields (bulk_ratio = 3, n_modes = 3000, ...).

    Returns
    -------
    xarray.Dataset
        Dims (gamma_ratio, sample = 1, mode | omega); see :func:`het_scba_sample`.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = het_scba((0.5, 1.0), n_omega=200, n_modes=50)
    >>> check(ds)
    >>> ds["boson_peak_frequency"].values.ravel().round(2).tolist()
    [0.37, 0.0]
    """
    return build_in_memory(HET_SCBA, grid={"gamma_ratio": [float(r) for r in gamma_ratio]}, fixed=fixed)


def het_finite_size(
    gamma_ratio: Sequence[float] = DEFAULT_FINITE_GAMMA_RATIOS,
    box_edge: Sequence[float] = DEFAULT_BOX_EDGES,
    **fixed: Any,
) -> xr.Dataset:
    """Finite-size HET–SCBA curves and gap edges over γ/γ_c × ℓ (VDOS-1.0).

    Parameters
    ----------
    gamma_ratio
        γ/γ_c in (0, 1]; default :data:`DEFAULT_FINITE_GAMMA_RATIOS`.
    box_edge
        ℓ = L k_ξ/2π > 1; default :data:`DEFAULT_BOX_EDGES`.
    **fixed
        Other :class:`FiniteSizeHETParams` fields.

    Returns
    -------
    xarray.Dataset
        Dims (gamma_ratio, box_edge, sample = 1, mode | omega); see
        :func:`het_finite_size_sample`.

    Examples
    --------
    >>> ds = het_finite_size((0.9, 0.99), (2.0,), n_omega=200, n_modes=50)
    >>> gap = ds["gap_edge"].values.ravel()
    >>> bool(gap[0] > gap[1] > 0)
    True
    """
    return build_in_memory(
        HET_FINITE_SIZE,
        grid={"gamma_ratio": [float(r) for r in gamma_ratio], "box_edge": [float(b) for b in box_edge]},
        fixed=fixed,
    )


def _gamma_ratio(default: Sequence[float]) -> Parameter:
    return Parameter(
        "gamma_ratio",
        "disorder relative to the marginal point, gamma/gamma_c",
        default,
        units="1",
        grid=True,
        minimum=0.0,
        maximum=1.0,
    )


#: The fixed parameters of both HET generators.
_HET_FIXED = (
    Parameter(
        "bulk_ratio", "bulk to shear modulus K/G0", DEFAULT_BULK_RATIO, units="1", minimum=0.0, open_minimum=True
    ),
    Parameter("n_modes", "size M of the quantile spectrum", DEFAULT_N_MODES, units="1", kind="int", minimum=1),
    Parameter("n_omega", "points of the omega grid of the curves", 1500, units="1", kind="int", minimum=20),
)


def het_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one ``het_scba`` curve (the generator's ``memory_estimate``): linear in modes and points."""
    p = HETParams.from_mapping(params)
    return quantile_spectrum_bytes(p.n_modes, p.n_omega)


def het_finite_size_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one ``het_finite_size`` curve (the generator's ``memory_estimate``)."""
    p = FiniteSizeHETParams.from_mapping(params)
    return quantile_spectrum_bytes(p.n_modes, p.n_omega)


#: The registered generator ``"het_scba"`` (one γ/γ_c per part).
HET_SCBA = register(
    Generator(
        name="het_scba",
        version=GENERATOR_VERSION,
        make_sample=het_scba_sample,
        check_params=HETParams.from_mapping,
        parameters=(_gamma_ratio(DEFAULT_GAMMA_RATIOS), *_HET_FIXED),
        memory_estimate=het_memory,
        description="HET-SCBA self energy and DOS of seed 001 (Methods M1), sweep over gamma/gamma_c (Fig. 1b)",
        source="seed 001",
    ),
    replace=True,
)

#: The registered generator ``"het_finite_size"`` (one (γ/γ_c, ℓ) per part).
HET_FINITE_SIZE = register(
    Generator(
        name="het_finite_size",
        version=GENERATOR_VERSION,
        make_sample=het_finite_size_sample,
        check_params=FiniteSizeHETParams.from_mapping,
        parameters=(
            _gamma_ratio(DEFAULT_FINITE_GAMMA_RATIOS),
            Parameter(
                "box_edge",
                "box edge L in units of 2 pi / k_xi (L k_xi / 2 pi)",
                DEFAULT_BOX_EDGES,
                units="1",
                grid=True,
                minimum=1.0,
                open_minimum=True,
            ),
            *_HET_FIXED,
        ),
        memory_estimate=het_finite_size_memory,
        description="finite-size HET-SCBA of seed 001 (eq. 40): gap edge and DOS over gamma/gamma_c and box size",
        source="seed 001",
    ),
    replace=True,
)
