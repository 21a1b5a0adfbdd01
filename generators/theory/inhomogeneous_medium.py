"""Seed 000: the quasi-equilibrium closed form D(ω) and a numerical medium that tests it.

Seed file ``000_026fc50a0d017058.txt`` (C. Jiang) imposes a homogeneous
time-averaged potential-energy density on a scalar elastic field in a medium
whose inverse modulus has one Fourier component at k_G (eqs 2, 5, 7) and
finds the current-correlation function C(q, ω) (eqs 9–11) and the VDOS

    D(ω) = (8π²/Nc) ω⁴/(ω² + ¾c²k_G²)                     (eq. 16, E9),

ω⁴ for ω ≪ ω_BP (eq. 17), Debye ω² for ω ≫ ω_BP (eq. 18), with
ω_BP = (√3/2) c k_G.  The sign: eqs 14, 15 and E8 carry ω² − ¾c²k_G², eqs 16
and E9 the plus sign.  :func:`closed_form_dos` implements eq. 16 (the claim)
by default and the other form with ``sign=-1``; only the plus form is a
density of states (see its docstring).

The closed form is *assumed* there; here it is also *tested*.  The numerical
medium is a scalar lattice (square in 2D, simple cubic in 3D, unit masses,
lattice constant a = 1, periodic, nearest-neighbour springs) whose spring
constants vary on the length scale 1/k_G, in three variants:

``"modulation"``
    t(x) = t₀[1 + ε cos(k_G x)] along the first lattice axis x (the seed's
    single Fourier component, eq. 7; to first order in ε the compliance 1/t
    has the same single component).  k_G must be a multiple of 2π/L.
``"random"``
    ln t(x) = ln t₀ + σ ψ(x), ψ a standardised periodic Gaussian random field
    with covariance exp(−k_G² r²/2): correlation length 1/k_G
    (:func:`gaussian_random_field`).
``"inclusions"``
    soft spheres (discs in 2D) of radius R = ``inclusion_radius``/k_G at
    uniformly random centres (overlaps allowed), nominal volume fraction φ,
    with t = s·t₀ inside (softness s) and t₀ outside.

Each spring takes the modulus at its midpoint.  k_G = 0 is the homogeneous
lattice (t = t₀) for every variant, with Debye's law for its own sound speed
c = a√(t₀/m).  The sound speed of any sample is measured from the stored
springs (VDOS-1.0 pair data) by homogenisation
(:func:`vdosbench.validators.sound_speed`, ``method="modulus"``); the layered
("modulation") medium also has it in closed form (:func:`layered_conductance`).

A layered medium (modulation, or k_G = 0) is diagonalised exactly by Bloch
waves across the layers, so it can be large (48³ sites in a second); the
other variants are diagonalised in full by dense LAPACK (14³ = 2744 sites in
a few seconds on one core).  The modulus field f(x) is shared with the
elastic (vector) lattice of :mod:`vdosbench.generators.theory.elastic_medium`
(:mod:`vdosbench.generators.theory.modulus_field`).

References
----------
C. Jiang, "The anomalous density of states and quasi-localized vibration
through homogeneous thermalization of an inhomogeneous elastic system",
seed file ``000_026fc50a0d017058.txt``: eqs 2, 5, 7 (the model), 9–12 and
B1–B14 (C(q, ω)), 14–18 and E8–E11 (the VDOS and its limits).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse
import xarray as xr
from vdosbench.datasets import convention_attrs, coordinate, provenance

from .inhomogeneous_closed_form import K_G_MEANING
from .modulus_field import (
    VARIANTS,
    check_modulus_settings,
    gaussian_random_field,
    modulus_factor,
    modulus_rule,
)
from ..engine.parameters import Parameter, check_integer, check_real, from_mapping, seed_attrs
from ..engine.registry import Generator, register
from ..spectra import (
    default_vector_modes,
    full_spectrum,
    full_spectrum_bytes,
    laplacian_zero_modes,
    lowest_modes_shift_invert,
)
from ..networks.spring_network import spring_hessian

__all__ = [
    "DEFAULT_K_G",
    "GENERATOR_VERSION",
    "INHOMOGENEOUS_MEDIUM",
    "MAX_DENSE_SITES",
    "SOLVERS",
    "VARIANTS",
    "Medium",
    "MediumParams",
    "build_medium",
    "gaussian_random_field",
    "inhomogeneous_medium_sample",
    "layered_conductance",
    "layered_spectrum",
    "medium_spectrum",
]

#: Version of both generators of this module, recorded as ``generator_version``.
GENERATOR_VERSION = "1.0.0"
#: Valid values of ``solver``.
SOLVERS = ("auto", "dense", "bloch")
#: Default side of the numerical medium (3D: 14³ = 2744 sites, a few seconds of dense LAPACK).
DEFAULT_N_SIDE = 14
#: Default k_G grid: 2πm/14, m = 0…3, commensurate with the default box (modulation needs it).
DEFAULT_K_G = tuple(2.0 * math.pi * m / DEFAULT_N_SIDE for m in range(4))
#: Largest system the dense C(q, ω) path accepts (full eigenvectors: memory n² × 8 bytes).
MAX_DENSE_SITES = 20000

REFERENCE = (
    'C. Jiang, "The anomalous density of states and quasi-localized vibration through homogeneous '
    'thermalization of an inhomogeneous elastic system" (vdosbench seed 000, file '
    "000_026fc50a0d017058.txt; eqs 7, 9-18, E8-E11)"
)
_ONE = {"units": "1"}


# ---------------------------------------------------------------------------
# the numerical medium
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MediumParams:
    """Settings of one numerical medium (scalar lattice, modulus varying on 1/k_G).

    Parameters
    ----------
    variant
        ``"modulation"``, ``"random"`` or ``"inclusions"`` (module docstring).
    k_G
        Wavenumber of the modulus fluctuation, ≥ 0 (units 1/a); 0 is the
        homogeneous lattice.  ``"modulation"``: a multiple 2πm/L, m integer,
        with k_G ≤ π.  ``"random"``: inverse correlation length.
        ``"inclusions"``: R = ``inclusion_radius``/k_G, 2R < L.
    dimension
        2 (square lattice) or 3 (simple cubic).
    n_side
        Sites per side L ≥ 3; N = L^d sites.
    t0
        Modulus scale t₀ > 0 (units of the spring constant).
    modulation_amplitude
        ε, |ε| < 1 (``"modulation"``).
    log_modulus_std
        σ ≥ 0, standard deviation of ln t (``"random"``).
    inclusion_fraction
        Nominal volume fraction φ in [0, 1): the number of inclusions is
        max(1, round(φ L^d / V_R)), V_R the volume of one (``"inclusions"``).
    inclusion_softness
        s > 0, modulus inside an inclusion in units of t₀.
    inclusion_radius
        R k_G > 0.
    n_vectors
        Eigenvectors kept for modes 1…n_vectors (0: none).
    solver
        ``"auto"`` (Bloch for a layered medium, else dense), ``"dense"``, ``"bloch"``.

    Examples
    --------
    >>> MediumParams(variant="modulation", k_G=0.4488, n_side=14).k_G_lattice == 2 * math.pi / 14
    True
    >>> MediumParams(variant="modulation", k_G=0.5, n_side=14)
    Traceback (most recent call last):
    ...
    ValueError: k_G=0.5 is not commensurate with the periodic box L=14 ...
    """

    variant: str = "random"
    k_G: float = 0.0
    dimension: int = 3
    n_side: int = DEFAULT_N_SIDE
    t0: float = 1.0
    modulation_amplitude: float = 0.5
    log_modulus_std: float = 0.5
    inclusion_fraction: float = 0.2
    inclusion_softness: float = 0.1
    inclusion_radius: float = 1.0
    n_vectors: int = 0
    solver: str = "auto"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown variant {self.variant!r}; expected one of {VARIANTS}")
        if self.solver not in SOLVERS:
            raise ValueError(f"unknown solver {self.solver!r}; expected one of {SOLVERS}")
        set_(self, "variant", str(self.variant))
        set_(self, "solver", str(self.solver))
        d = check_integer("dimension", self.dimension, 2)
        if d not in (2, 3):
            raise ValueError(f"dimension must be 2 or 3, found {d}")
        set_(self, "dimension", d)
        set_(self, "n_side", check_integer("n_side", self.n_side, 3))
        set_(self, "n_vectors", check_integer("n_vectors", self.n_vectors, 0))
        if self.n_vectors >= self.n_site:
            raise ValueError(f"n_vectors must be < n_site = {self.n_site}, found {self.n_vectors}")
        for name in (
            "k_G",
            "t0",
            "modulation_amplitude",
            "log_modulus_std",
            "inclusion_fraction",
            "inclusion_softness",
            "inclusion_radius",
        ):
            set_(self, name, check_real(name, getattr(self, name)))
        if not self.t0 > 0:
            raise ValueError(f"t0 must be > 0; found {asdict(self)}")
        check_modulus_settings(self, self.n_side, (self.n_side,) * self.dimension, f"L={self.n_side}")
        if self.solver == "bloch" and not self.layered:
            raise ValueError(
                f"solver 'bloch' needs a layered medium (variant 'modulation' or k_G = 0), found "
                f"variant={self.variant!r}, k_G={self.k_G:g}; use solver='dense' or 'auto'"
            )

    @classmethod
    def from_mapping(cls, params: Mapping[str, Any]) -> MediumParams:
        """Build from a mapping (the ensemble runner's merged parameters); unknown keys raise."""
        return from_mapping(cls, params, "inhomogeneous-medium")  # type: ignore[no-any-return]

    @property
    def n_site(self) -> int:
        """N = n_side^dimension."""
        return int(self.n_side**self.dimension)

    @property
    def box_length(self) -> float:
        """L = n_side (lattice constant a = 1)."""
        return float(self.n_side)

    @property
    def layered(self) -> bool:
        """Whether the moduli depend on x only (modulation, or the homogeneous k_G = 0)."""
        return self.k_G == 0 or self.variant == "modulation"

    @property
    def k_G_lattice(self) -> float:
        """The k_G used: 2πm/L for the modulation (m the nearest integer), else k_G."""
        if self.variant != "modulation":
            return self.k_G
        return 2.0 * math.pi * round(self.k_G * self.n_side / (2.0 * math.pi)) / self.n_side

    @property
    def use_bloch(self) -> bool:
        """The solver actually used."""
        return self.solver == "bloch" or (self.solver == "auto" and self.layered)


@dataclass(frozen=True)
class Medium:
    """One realised medium.

    Attributes
    ----------
    params
        The settings.
    positions
        Shape (N, d), site coordinates (integers, units of a); site s has
        coordinates ``np.unravel_index(s, (L,)*d)`` (axis 0 is x).
    pair_i, pair_j
        Shape (d N,), the bond from site i to its neighbour j = i + e_axis (periodic).
    pair_axis
        Shape (d N,), the lattice axis of each bond.
    pair_stiffness
        Shape (d N,), t at the bond midpoint (units of t₀'s unit).
    n_inclusions
        Number of inclusions (0 for the other variants).
    soft_fraction
        Fraction of bonds inside an inclusion (0 for the other variants).
    """

    params: MediumParams
    positions: np.ndarray
    pair_i: np.ndarray
    pair_j: np.ndarray
    pair_axis: np.ndarray
    pair_stiffness: np.ndarray
    n_inclusions: int = 0
    soft_fraction: float = 0.0

    def hessian(self) -> scipy.sparse.csr_matrix:
        """The scalar dynamical matrix (unit masses), N × N CSR."""
        return spring_hessian(self.params.n_site, self.pair_i, self.pair_j, self.pair_stiffness)


def _lattice(n_side: int, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    shape = (n_side,) * d
    idx = np.arange(n_side**d).reshape(shape)
    positions = np.stack(np.unravel_index(np.arange(idx.size), shape), axis=1).astype(np.float64)
    pair_i = np.concatenate([idx.ravel()] * d)
    pair_j = np.concatenate([np.roll(idx, -1, axis=a).ravel() for a in range(d)])
    axis = np.repeat(np.arange(d), idx.size)
    return positions, pair_i.astype(np.int64), pair_j.astype(np.int64), axis.astype(np.int64)


def build_medium(params: MediumParams, seed: np.random.SeedSequence | int) -> Medium:
    """Realise one medium: the lattice and the spring constant of every bond.

    Parameters
    ----------
    params
        The settings.
    seed
        Seed of :func:`numpy.random.default_rng`; used by ``"random"`` (the
        white noise of the field on a grid of spacing a/2, (2L)^d normals)
        and ``"inclusions"`` (centres uniform in the box).  The modulation is
        deterministic (phase 0: t is largest at x = 0).

    Returns
    -------
    Medium

    Notes
    -----
    Bond (i → i + e_a) takes the modulus at its midpoint x_i + e_a/2:
    ``"modulation"``: t₀[1 + ε cos(k_G x_mid)], x_mid the x-coordinate;
    ``"random"``: t₀ exp(σ ψ), ψ from :func:`gaussian_random_field` on the
    grid of spacing a/2 (which holds every site and every midpoint);
    ``"inclusions"``: s t₀ if the minimum-image distance from the midpoint to
    an inclusion centre is < R, else t₀.

    Examples
    --------
    >>> med = build_medium(MediumParams(variant="modulation", k_G=math.pi / 2, n_side=4, dimension=2), 0)
    >>> med.pair_stiffness[med.pair_axis == 0][::4].round(6).tolist()   # x-bonds at x = 0.5 … 3.5
    [1.353553, 0.646447, 0.646447, 1.353553]
    """
    p = params
    d, L = p.dimension, p.n_side
    positions, pair_i, pair_j, axis = _lattice(L, d)
    midpoints = positions[pair_i] + 0.5 * np.eye(d)[axis]
    factor, n_inclusions, soft_fraction = modulus_factor(
        p, midpoints, np.full(d, float(L)), np.full(d, 0.5), np.random.default_rng(seed)
    )
    t = p.t0 * factor
    return Medium(p, positions, pair_i, pair_j, axis, np.asarray(t, dtype=np.float64), n_inclusions, soft_fraction)


def _layer_stiffness(medium: Medium) -> tuple[np.ndarray, np.ndarray]:
    """t of the x-bond from layer x to x + 1, and of the bonds within layer x (checked layered)."""
    L = medium.params.n_side
    x = medium.positions[medium.pair_i, 0].astype(np.int64)
    along = medium.pair_axis == 0
    t_x = np.zeros(L)
    t_perp = np.zeros(L)
    t_x[x[along]] = medium.pair_stiffness[along]
    t_perp[x[~along]] = medium.pair_stiffness[~along]
    if not (
        np.allclose(medium.pair_stiffness[along], t_x[x[along]], rtol=1e-14, atol=0)
        and np.allclose(medium.pair_stiffness[~along], t_perp[x[~along]], rtol=1e-14, atol=0)
    ):
        raise ValueError("the medium is not layered (moduli vary across x = const planes); use the dense solver")
    return t_x, t_perp


def layered_spectrum(medium: Medium) -> np.ndarray:
    """All N eigenvalues of a layered medium by Bloch waves across the layers.

    With t_x(x) the bond x → x + 1 and t_⊥(x) the bonds inside layer x, a
    plane wave u = v(x) e^{i k_⊥·y} (k_⊥ = 2πm/L per transverse axis) turns
    H u = λ u into the L × L periodic chain

        λ v_x = t_x(x)(v_x − v_{x+1}) + t_x(x−1)(v_x − v_{x−1}) + s t_⊥(x) v_x,
        s = Σ_⊥ 2(1 − cos k_⊥),

    one block per transverse wavevector (blocks with equal s computed once).

    Returns
    -------
    numpy.ndarray
        Shape (N,), ascending, equal to the dense spectrum to rounding.

    Examples
    --------
    >>> med = build_medium(MediumParams(variant="modulation", k_G=0.0, n_side=4, dimension=2), 0)
    >>> np.allclose(layered_spectrum(med)[:6], [0, 2, 2, 2, 2, 4], rtol=0, atol=1e-12)   # 2(1 − cos k)
    True
    """
    p = medium.params
    L, d = p.n_side, p.dimension
    t_x, t_perp = _layer_stiffness(medium)
    chain = np.diag(t_x + np.roll(t_x, 1))
    x = np.arange(L)
    chain[x, (x + 1) % L] -= t_x
    chain[(x + 1) % L, x] -= t_x
    per_axis = 2.0 * (1.0 - np.cos(2.0 * np.pi * np.arange(L) / L))
    s = per_axis if d == 2 else (per_axis[:, None] + per_axis[None, :]).ravel()
    _, first, counts = np.unique(np.round(s, 12), return_index=True, return_counts=True)
    blocks = chain[None, :, :] + s[first][:, None, None] * np.diag(t_perp)[None, :, :]
    values = np.linalg.eigvalsh(blocks)
    return np.sort(np.repeat(values, counts, axis=0).ravel())


def layered_conductance(medium: Medium) -> np.ndarray:
    """Homogenised conductance σ of a layered medium: series along x, parallel across.

    A uniform gradient along x strains the x-bonds of each line in series
    (the relaxed φ depends on x only): σ_xx = 1/⟨1/t_x⟩.  A gradient across
    the layers strains the in-layer bonds equally and relaxes nothing:
    σ_⊥⊥ = ⟨t_⊥⟩.  Off-diagonal entries vanish (unit cell volume 1).  The
    sound speeds are c_x = √σ_xx, c_⊥ = √σ_⊥⊥; the isotropic average that
    :func:`vdosbench.validators.sound_speed` reports is √(tr σ/d).

    Returns
    -------
    numpy.ndarray
        σ, shape (d, d), diagonal.

    Examples
    --------
    >>> med = build_medium(MediumParams(variant="modulation", k_G=math.pi / 2, n_side=4, dimension=2), 0)
    >>> layered_conductance(med).round(6).tolist()
    [[0.875, 0.0], [0.0, 1.0]]
    """
    t_x, t_perp = _layer_stiffness(medium)
    d = medium.params.dimension
    sigma = np.diag([1.0 / np.mean(1.0 / t_x)] + [float(np.mean(t_perp))] * (d - 1))
    return sigma


def medium_spectrum(medium: Medium) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Eigenvalues, zero-mode flags and the kept eigenvectors of a medium.

    Returns
    -------
    eigenvalues : numpy.ndarray
        Shape (N,), ascending (Bloch blocks for a layered medium with
        ``solver="auto"``/``"bloch"``, else dense LAPACK).
    zero_mode : numpy.ndarray
        Shape (N,), bool: one per connected component (the lattice: one).
    vector_modes : numpy.ndarray
        Mode indices 1…n_vectors.
    eigenvectors : numpy.ndarray
        Shape (N, n_vectors), normalised (shift-invert Lanczos on the
        sparse matrix in the Bloch case, the uniform translation projected out).
    """
    p = medium.params
    hessian = medium.hessian()
    modes = default_vector_modes(p.n_site, p.n_vectors)
    if p.use_bloch:
        eigenvalues = layered_spectrum(medium)
        if modes.size:
            translation = np.full((p.n_site, 1), p.n_site**-0.5)
            _, vectors = lowest_modes_shift_invert(hessian, int(modes.size), exclude=translation)
        else:
            vectors = np.empty((p.n_site, 0))
    else:
        eigenvalues, vectors = full_spectrum(hessian, modes)
    return eigenvalues, laplacian_zero_modes(hessian), modes, vectors


#: Bytes per site besides the eigenproblem (sparse matrix, fields, the stored sample), as for spring networks.
BYTES_PER_SITE = 1000


def medium_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one ``inhomogeneous_medium`` sample (the generator's ``memory_estimate``).

    Dense solver: :func:`~vdosbench.generators.spectra.full_spectrum_bytes`
    of the N × N matrix.  Bloch solver: the L × L blocks (at most L^(d−1) of
    them, three copies in ``eigvalsh``) and the sorted spectrum; the sparse
    factorisation of shift-invert for eigenvectors is counted as O(N) only,
    so this is a lower bound there.  Plus :data:`BYTES_PER_SITE` per site.

    Examples
    --------
    >>> medium_memory({"n_side": 14, "variant": "random", "k_G": 0.8976}) / 1e6   # 14³ sites, dense
    124.006848
    >>> medium_memory({"n_side": 14, "variant": "modulation"}) / 1e6           # layered: Bloch blocks
    3.73184
    """
    p = MediumParams.from_mapping(params)
    n = p.n_site
    if p.use_bloch:
        spectrum = 3 * 8 * p.n_side ** (p.dimension + 1) + 3 * 8 * n
    else:
        spectrum = full_spectrum_bytes(n, default_vector_modes(n, p.n_vectors))
    return spectrum + BYTES_PER_SITE * n


def _modulus_rule(p: MediumParams) -> str:
    return modulus_rule(p, "t", "t0", "spacing a/2")


def _medium_variables(
    medium: Medium, eigenvalues: np.ndarray, zero: np.ndarray, sample: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Coordinates and variables of one sample: spectrum, lattice sites, box, coordination and the springs."""
    p = medium.params
    n, d = p.n_site, p.dimension
    n_pair = int(medium.pair_i.size)
    coords = {
        "sample": coordinate("sample", np.array([sample], dtype=np.int64)),
        "mode": coordinate("mode", np.arange(n, dtype=np.int64)),
        "spatial": coordinate("spatial", np.array(list("xyz"[:d]))),
    }
    data_vars: dict[str, Any] = {
        "eigenvalue": (
            ("sample", "mode"),
            eigenvalues[None, :],
            {"long_name": "eigenvalue of the scalar dynamical matrix (omega squared, units t0/m)", **_ONE},
        ),
        "zero_mode": (("sample", "mode"), zero[None, :], {"long_name": "zero mode flag (uniform translation)", **_ONE}),
        "position": (
            ("sample", "site", "spatial"),
            medium.positions[None],
            {"long_name": "lattice site position (units of a)", **_ONE},
        ),
        "box_length": (("sample",), np.array([p.box_length]), {"long_name": "periodic box edge (units of a)", **_ONE}),
        "coordination": (
            ("sample", "site"),
            np.full((1, n), 2 * d, dtype=np.int64),
            {"long_name": "number of springs on the site", **_ONE},
        ),
        "pair_count": (
            ("sample",),
            np.array([n_pair], dtype=np.int64),
            {"long_name": "number of springs in the sample", "sample_dimension": "pair", **_ONE},
        ),
        "pair_i": ("pair", medium.pair_i, {"long_name": "first site of the spring", **_ONE}),
        "pair_j": ("pair", medium.pair_j, {"long_name": "second site (first + unit vector along pair_axis)", **_ONE}),
        "pair_distance": ("pair", np.ones(n_pair), {"long_name": "spring length (units of a)", **_ONE}),
        "pair_stiffness": (
            "pair",
            medium.pair_stiffness,
            {"long_name": "spring constant t at the bond midpoint (units of t0)", **_ONE},
        ),
        "pair_axis": ("pair", medium.pair_axis, {"long_name": "lattice axis of the spring (0 = x)", **_ONE}),
    }
    return coords, data_vars


def _medium_attrs(medium: Medium, seed: np.random.SeedSequence | int) -> dict[str, Any]:
    """The global attributes: the convention's, the parameters, the medium's realisation, rules, seed, versions."""
    p = medium.params
    d = p.dimension
    return convention_attrs(
        title=(
            f"{d}D scalar lattice with {p.variant} modulus on the scale 1/k_G (k_G={p.k_G:g}), {p.n_side}^{d} sites"
        ),
        source=f"vdosbench.generators.inhomogeneous_medium {GENERATOR_VERSION}",
        references=REFERENCE,
        spatial_dimension=d,
        site_degrees_of_freedom=1,
        **asdict(p),
        k_G_lattice=p.k_G_lattice,
        n_inclusions=medium.n_inclusions,
        soft_bond_fraction=medium.soft_fraction,
        mass=1.0,
        lattice_constant=1.0,
        lattice="square" if d == 2 else "simple cubic",
        modulus_rule=_modulus_rule(p),
        solver_used="bloch" if p.use_bloch else "dense",
        vector_mode_rule="modes 1..n_vectors (fixed indices for every sample)",
        **provenance("inhomogeneous_medium", GENERATOR_VERSION, **seed_attrs(seed)),
    )


def inhomogeneous_medium_sample(
    params: Mapping[str, Any] | MediumParams,
    seed: np.random.SeedSequence | int,
    sample: int,
) -> xr.Dataset:
    """One numerical-medium sample as a VDOS-1.0 dataset.

    Parameters
    ----------
    params
        :class:`MediumParams` or a mapping of its fields (missing fields take
        the defaults); unknown keys raise ``ValueError``.
    seed
        This sample's :class:`numpy.random.SeedSequence` (an int is wrapped);
        the only randomness (:func:`build_medium`).
    sample
        The sample index, stored as the ``sample`` coordinate.

    Returns
    -------
    xarray.Dataset
        ``eigenvalue`` and ``zero_mode`` (sample, mode); ``eigenvector``
        (sample, vector_mode, site) when n_vectors > 0; ``position`` (sample,
        site, spatial); ``box_length`` (sample); ``coordination`` (sample,
        site) = 2d; springs as ragged pairs ``pair_count``, ``pair_i``,
        ``pair_j``, ``pair_distance`` (= 1), ``pair_stiffness``,
        ``pair_axis``, so that the sound speed is measured from the sample
        (:func:`vdosbench.validators.sound_speed`, ``"modulus"``).  Every
        parameter, ``k_G_lattice``, ``n_inclusions``, ``soft_bond_fraction``,
        the solver and the provenance are attributes.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = inhomogeneous_medium_sample({"variant": "random", "k_G": 1.0, "n_side": 4, "dimension": 2}, 3, 0)
    >>> check(ds); ds.sizes["mode"], ds.attrs["solver_used"]
    (16, 'dense')
    """
    p = params if isinstance(params, MediumParams) else MediumParams.from_mapping(params)
    sample = check_integer("sample", sample, 0)
    medium = build_medium(p, seed)
    eigenvalues, zero, modes, vectors = medium_spectrum(medium)
    coords, data_vars = _medium_variables(medium, eigenvalues, zero, sample)
    if modes.size:
        coords["vector_mode"] = coordinate("vector_mode", modes)
        data_vars["eigenvector"] = (
            ("sample", "vector_mode", "site"),
            vectors.T[None],
            {"long_name": "normalised eigenvector of the scalar dynamical matrix", **_ONE},
        )
    attrs = _medium_attrs(medium, seed)
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


# ---------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------


#: The numerical medium (``get_generator("inhomogeneous_medium")``).
INHOMOGENEOUS_MEDIUM = register(
    Generator(
        name="inhomogeneous_medium",
        version=GENERATOR_VERSION,
        make_sample=inhomogeneous_medium_sample,
        check_params=MediumParams.from_mapping,
        parameters=(
            Parameter(
                "variant",
                "how the modulus varies (modulation, random field, soft inclusions)",
                VARIANTS,
                grid=True,
                kind="choice",
                choices=VARIANTS,
            ),
            Parameter(
                "k_G",
                K_G_MEANING,
                DEFAULT_K_G,
                units="1",
                grid=True,
                minimum=0.0,
                note="modulation: a multiple of 2 pi/n_side, ≤ pi",
            ),
            Parameter(
                "dimension",
                "spatial dimension d (square or simple cubic lattice)",
                3,
                units="1",
                kind="int",
                minimum=2,
                maximum=3,
            ),
            Parameter("n_side", "sites per side L (N = L^d)", DEFAULT_N_SIDE, units="1", kind="int", minimum=3),
            Parameter("t0", "modulus scale t0", 1.0, units="1", minimum=0.0, open_minimum=True),
            Parameter(
                "modulation_amplitude",
                "amplitude epsilon of the modulation (variant modulation)",
                0.5,
                units="1",
                minimum=-1.0,
                maximum=1.0,
                open_minimum=True,
                open_maximum=True,
            ),
            Parameter("log_modulus_std", "standard deviation of ln t (variant random)", 0.5, units="1", minimum=0.0),
            Parameter(
                "inclusion_fraction",
                "nominal volume fraction of inclusions (variant inclusions)",
                0.2,
                units="1",
                minimum=0.0,
                maximum=1.0,
                open_maximum=True,
            ),
            Parameter(
                "inclusion_softness",
                "modulus inside an inclusion, in units of t0",
                0.1,
                units="1",
                minimum=0.0,
                open_minimum=True,
            ),
            Parameter("inclusion_radius", "inclusion radius times k_G", 1.0, units="1", minimum=0.0, open_minimum=True),
            Parameter(
                "n_vectors",
                "eigenvectors kept for modes 1 ... n_vectors",
                0,
                units="1",
                kind="int",
                minimum=0,
                note="< N",
            ),
            Parameter(
                "solver",
                "eigensolver (auto: Bloch for a layered medium, else dense)",
                "auto",
                kind="choice",
                choices=SOLVERS,
            ),
        ),
        memory_estimate=medium_memory,
        description="scalar lattice whose modulus varies on the scale 1/k_G, to test seed 000's omega_BP law",
        source="seed 000",
    ),
    replace=True,
)
