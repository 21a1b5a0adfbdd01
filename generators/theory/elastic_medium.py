"""Seed 000 with both polarisations: a 2D elastic (vector) lattice whose moduli vary on the scale 1/k_G.

Seed file ``000_026fc50a0d017058.txt`` (C. Jiang) treats a *scalar* field in
a medium with one inhomogeneous modulus G(r) (eqs 2, 5, 7) and predicts
D(ω) ∝ ω⁴/(ω² + ¾c²k_G²), ω_BP = (√3/2) c k_G (eq. 16), with c "the
transverse speed of sound" in the motivation.  The scalar test is
:mod:`vdosbench.generators.theory.inhomogeneous_medium`; this module is the elastic
medium, with transverse and longitudinal waves.

The model (Born–von Kármán, "Born model"): a triangular lattice, lattice
constant a = 1, unit masses, periodic, nearest-neighbour bonds.  Bond b with
unit vector n̂ contributes the energy ½ Δuᵀ K_b Δu, Δu = u_j − u_i, with

    K_b = f_b [α₀ n̂n̂ᵀ + β₀ (1 − n̂n̂ᵀ)],

a central (longitudinal) spring α₀ and a transverse stiffness β₀; f_b the
dimensionless modulus factor at the bond midpoint
(:func:`vdosbench.generators.theory.modulus_field.modulus_factor`: modulation,
random field or soft inclusions on the scale 1/k_G, exactly as in the scalar
medium).  f multiplies the whole local elastic tensor, so the shear modulus
G(x) and the 2D bulk modulus fluctuate together at a fixed local Poisson
ratio: the vector analogue of the seed's single G(r).

The exact homogeneous (f = 1) dispersion.  With δ_b ∈ {(1, 0), (½, √3/2),
(−½, √3/2)}, the dynamical matrix of the plane wave u e^{iq·x} is

    D(q) = Σ_{b=1}^{3} 2 (1 − cos q·δ_b) K_b                   (2 × 2),

its two eigenvalues ω²(q) are the two branches (:func:`lattice_dispersion`),
and in a periodic n_x × n_y box every allowed q = 2π(m₁/L_x, m₂/L_y) gives two
of the 2N eigenvalues (:func:`allowed_wavevectors`).  As q → 0, using
Σ_b n̂_a n̂_b = 3/2 δ_ab and Σ_b n̂_a n̂_b n̂_c n̂_d = 3/8 (δδ + δδ + δδ) over
the three bond directions, D(q) → q²[(3α + 9β)/8 + ¾(α − β) q̂q̂ᵀ]: an
isotropic continuum with

    c_L² = (9α₀ + 3β₀)/8,     c_T² = (3α₀ + 9β₀)/8,
    α₀ = c_L² − c_T²/3,       β₀ = c_T² − c_L²/3.

The generator takes c_T (``sound_speed``) and c_L/c_T (``speed_ratio``) and
requires 1 < c_L/c_T ≤ √3 (β₀ ≥ 0: every bond matrix positive semi-definite,
hence a stable medium for every f > 0; c_L > c_T: positive bulk modulus).
c_L/c_T = √3 (β₀ = 0, the default) is the central-force triangular network
(Cauchy relation λ = μ), which is rotationally invariant; β₀ > 0 makes
c_L/c_T tunable at the price of rotational invariance (a uniform rotation
costs energy β₀ per bond; it is not a periodic displacement, so the
periodic medium still has exactly the d = 2 translations as zero modes).
Shear modulus G = ρ c_T², ρ = 2/√3 sites per unit area.

The box: n_x = ``n_side`` sites per row, n_y = 2·round(n_side/√3) rows (even,
so the box is periodic; L_x = n_x, L_y = n_y √3/2 ≈ L_x).  Every bond midpoint
lies on the grid of spacing (a/4, √3a/4), where the random field is drawn.
Dense LAPACK on the 2N × 2N matrix: n_side = 36 (N = 1512) in about 5 s.

References
----------
C. Jiang, seed file ``000_026fc50a0d017058.txt``: eqs 2, 5, 7 (the model),
9–12 (C(q, ω)), 14–18 (the VDOS).  M. Born and K. Huang, *Dynamical Theory of
Crystal Lattices* (1954), the Born model; P. N. Keating, Phys. Rev. 145, 637
(1966) on its lack of rotational invariance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse
import xarray as xr
from vdosbench.datasets import convention_attrs, coordinate, provenance

from .inhomogeneous_closed_form import K_G_MEANING
from .inhomogeneous_medium import INHOMOGENEOUS_MEDIUM, REFERENCE
from .modulus_field import VARIANTS, check_modulus_settings, modulus_factor, modulus_rule
from ..engine.parameters import Parameter, check_integer, check_real, from_mapping, seed_attrs
from ..engine.registry import Generator, register
from ..spectra import default_vector_modes, full_spectrum, full_spectrum_bytes, translation_zero_modes

__all__ = [
    "BOND_VECTORS",
    "ELASTIC_MEDIUM",
    "GENERATOR_VERSION",
    "ElasticMedium",
    "ElasticMediumParams",
    "allowed_wavevectors",
    "bond_stiffness",
    "build_elastic_medium",
    "elastic_medium_dataset",
    "elastic_medium_modes",
    "elastic_medium_sample",
    "lattice_dispersion",
]

#: Version of the generator, recorded as ``generator_version``.
GENERATOR_VERSION = "1.0.0"
#: The three bond vectors δ_b of the triangular lattice (a = 1); each site has ±δ_b.
BOND_VECTORS = np.array([[1.0, 0.0], [0.5, math.sqrt(3.0) / 2.0], [-0.5, math.sqrt(3.0) / 2.0]])
#: Largest c_L/c_T of the model (β₀ = 0, central springs only).
MAX_SPEED_RATIO = math.sqrt(3.0)
#: Default sites per row: 36 × 42 = 1512 sites, a 3024 × 3024 dense problem (about 5 s on one core).
DEFAULT_N_SIDE = 36
#: Default k_G grid: 2πm/36, m = 0, 2, 4, 6 (commensurate with the default box, as the modulation needs).
DEFAULT_K_G = tuple(2.0 * math.pi * m / DEFAULT_N_SIDE for m in (0, 2, 4, 6))
#: Bytes per site besides the eigenproblem (sparse matrix, fields, the stored sample).
BYTES_PER_SITE = 2000

_ONE = {"units": "1"}


@dataclass(frozen=True)
class ElasticMediumParams:
    """Settings of one elastic medium (2D triangular Born lattice, moduli varying on 1/k_G).

    Parameters
    ----------
    variant
        ``"modulation"``, ``"random"`` or ``"inclusions"``
        (:mod:`~vdosbench.generators.theory.modulus_field`).
    k_G
        Wavenumber of the modulus fluctuation, ≥ 0 (units 1/a); 0 is the
        homogeneous lattice.  ``"modulation"``: a multiple 2πm/L_x ≤ π.
        ``"inclusions"``: 2R = 2 ``inclusion_radius``/k_G below the shorter box edge.
    n_side
        Sites per row n_x ≥ 4 (the box has n_y = 2·round(n_x/√3) rows).
    sound_speed
        c_T > 0 of the homogeneous lattice (units a√(α/m)).
    speed_ratio
        c_L/c_T of the homogeneous lattice, in (1, √3]; √3: central springs only.
    modulation_amplitude, log_modulus_std, inclusion_fraction, inclusion_softness, inclusion_radius
        As for :class:`~vdosbench.generators.theory.inhomogeneous_medium.MediumParams`.
    n_vectors
        Eigenvectors kept for modes 2 … n_vectors + 1 (above the two translations; 0: none).

    Examples
    --------
    >>> p = ElasticMediumParams(n_side=36)
    >>> p.n_rows, p.n_site, round(p.box[1], 4)
    (42, 1512, 36.3731)
    >>> round(p.alpha0, 6), round(p.beta0, 6)   # c_T = 1, c_L = √3: central springs α₀ = 8/3
    (2.666667, 0.0)
    >>> ElasticMediumParams(speed_ratio=2.0)
    Traceback (most recent call last):
    ...
    ValueError: speed_ratio = c_L/c_T must lie in (1, sqrt(3)] ...
    """

    variant: str = "random"
    k_G: float = 0.0
    n_side: int = DEFAULT_N_SIDE
    sound_speed: float = 1.0
    speed_ratio: float = MAX_SPEED_RATIO
    modulation_amplitude: float = 0.5
    log_modulus_std: float = 0.5
    inclusion_fraction: float = 0.2
    inclusion_softness: float = 0.1
    inclusion_radius: float = 1.0
    n_vectors: int = 0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown variant {self.variant!r}; expected one of {VARIANTS}")
        set_(self, "variant", str(self.variant))
        set_(self, "n_side", check_integer("n_side", self.n_side, 4))
        set_(self, "n_vectors", check_integer("n_vectors", self.n_vectors, 0))
        if self.n_vectors > 2 * self.n_site - 2:
            raise ValueError(
                f"n_vectors must be <= 2 N - 2 = {2 * self.n_site - 2} (modes above the two translations), "
                f"found {self.n_vectors}; pass fewer or a larger n_side"
            )
        for name in (
            "k_G",
            "sound_speed",
            "speed_ratio",
            "modulation_amplitude",
            "log_modulus_std",
            "inclusion_fraction",
            "inclusion_softness",
            "inclusion_radius",
        ):
            set_(self, name, check_real(name, getattr(self, name)))
        if not 1.0 < self.speed_ratio <= MAX_SPEED_RATIO + 1e-12:
            raise ValueError(
                f"speed_ratio = c_L/c_T must lie in (1, sqrt(3)] = (1, {MAX_SPEED_RATIO:.6f}], found "
                f"{self.speed_ratio:g}: above sqrt(3) the transverse bond stiffness beta0 = c_T^2 - c_L^2/3 is "
                "negative, at 1 the bulk modulus vanishes; pass a ratio in that range (sqrt(3): central springs)"
            )
        if not self.sound_speed > 0:
            raise ValueError(f"sound_speed (c_T) must be > 0; found {asdict(self)}")
        check_modulus_settings(
            self, self.n_side, self.box, f"{self.box[0]:.4g} x {self.box[1]:.4g} (L_x = {self.n_side})"
        )

    @classmethod
    def from_mapping(cls, params: Mapping[str, Any]) -> ElasticMediumParams:
        """Build from a mapping (the ensemble runner's merged parameters); unknown keys raise."""
        return from_mapping(cls, params, "elastic-medium")  # type: ignore[no-any-return]

    @property
    def n_rows(self) -> int:
        """n_y = 2·round(n_side/√3), even (rows alternate their x offset 0, ½)."""
        return 2 * max(1, round(self.n_side / math.sqrt(3.0)))

    @property
    def n_site(self) -> int:
        """N = n_x n_y."""
        return self.n_side * self.n_rows

    @property
    def box(self) -> tuple[float, float]:
        """(L_x, L_y) = (n_x, n_y √3/2), units of a."""
        return float(self.n_side), self.n_rows * math.sqrt(3.0) / 2.0

    @property
    def k_G_lattice(self) -> float:
        """The k_G used: 2πm/L_x for the modulation (m the nearest integer), else k_G."""
        if self.variant != "modulation":
            return self.k_G
        return 2.0 * math.pi * round(self.k_G * self.n_side / (2.0 * math.pi)) / self.n_side

    @property
    def longitudinal_speed(self) -> float:
        """c_L = speed_ratio · c_T of the homogeneous lattice."""
        return self.speed_ratio * self.sound_speed

    @property
    def alpha0(self) -> float:
        """Central stiffness α₀ = c_L² − c_T²/3 (module docstring)."""
        return self.longitudinal_speed**2 - self.sound_speed**2 / 3.0

    @property
    def beta0(self) -> float:
        """Transverse stiffness β₀ = c_T²(1 − (c_L/c_T)²/3) ≥ 0; exactly 0 (central springs) within 10⁻¹² of √3."""
        beta = self.sound_speed**2 * (1.0 - self.speed_ratio**2 / 3.0)
        return 0.0 if beta < 1e-12 * self.sound_speed**2 else beta


@dataclass(frozen=True)
class ElasticMedium:
    """One realised elastic medium.

    Attributes
    ----------
    params
        The settings.
    positions
        Shape (N, 2), site positions in the box (units of a); site s = j n_x + i
        sits at (i + (j mod 2)/2, j √3/2).
    pair_i, pair_j
        Shape (3N,), bond b joins site i to its neighbour j = i + δ (periodic).
    pair_direction
        Shape (3N,), index of δ in :data:`BOND_VECTORS`.
    factor
        Shape (3N,), the modulus factor f_b at the bond midpoint.
    n_inclusions, soft_fraction
        As in the scalar medium (0 unless ``"inclusions"``).
    """

    params: ElasticMediumParams
    positions: np.ndarray
    pair_i: np.ndarray
    pair_j: np.ndarray
    pair_direction: np.ndarray
    factor: np.ndarray
    n_inclusions: int = 0
    soft_fraction: float = 0.0

    def hessian(self) -> scipy.sparse.csr_matrix:
        """The dynamical matrix (unit masses), 2N × 2N CSR, degrees of freedom ordered 2i + a."""
        blocks = bond_stiffness(self.params.alpha0, self.params.beta0, BOND_VECTORS[self.pair_direction], self.factor)
        n = self.params.n_site
        i2 = 2 * self.pair_i[:, None] + np.arange(2)[None, :]
        j2 = 2 * self.pair_j[:, None] + np.arange(2)[None, :]
        rows, cols, vals = [], [], []
        for r, c, sign in ((i2, i2, 1.0), (j2, j2, 1.0), (i2, j2, -1.0), (j2, i2, -1.0)):
            rows.append(np.broadcast_to(r[:, :, None], blocks.shape).ravel())
            cols.append(np.broadcast_to(c[:, None, :], blocks.shape).ravel())
            vals.append(sign * blocks.ravel())
        return scipy.sparse.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(2 * n, 2 * n)
        )


def bond_stiffness(alpha: float, beta: float, unit_vectors: np.ndarray, factor: np.ndarray | float = 1.0) -> np.ndarray:
    """Bond matrices K_b = f_b [α n̂n̂ᵀ + β (1 − n̂n̂ᵀ)].

    Parameters
    ----------
    alpha, beta
        Central and transverse stiffness (units m ω²).
    unit_vectors
        Shape (n_bond, 2), n̂ of each bond.
    factor
        f_b, a number or shape (n_bond,).

    Returns
    -------
    numpy.ndarray
        Shape (n_bond, 2, 2).

    Examples
    --------
    >>> bond_stiffness(2.0, 0.5, np.array([[1.0, 0.0]])).tolist()
    [[[2.0, 0.0], [0.0, 0.5]]]
    """
    n = np.asarray(unit_vectors, dtype=float)
    nn = n[:, :, None] * n[:, None, :]
    f = np.broadcast_to(np.asarray(factor, dtype=float), (n.shape[0],))
    return f[:, None, None] * (alpha * nn + beta * (np.eye(2)[None] - nn))


def lattice_dispersion(wavevectors: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """Exact ω²(q) of both branches of the homogeneous triangular Born lattice.

    D(q) = Σ_b 2(1 − cos q·δ_b) K_b over the three bond vectors (module
    docstring); its eigenvalues, ascending.

    Parameters
    ----------
    wavevectors
        Shape (n_q, 2), units 1/a.
    alpha, beta
        α₀, β₀.

    Returns
    -------
    numpy.ndarray
        Shape (n_q, 2): ω² of the lower and upper branch (at small q the
        transverse and longitudinal one).

    Examples
    --------
    >>> q = np.array([[1e-4, 0.0]])
    >>> (lattice_dispersion(q, 8 / 3, 0.0) / 1e-8).round(6).tolist()   # c_T² = 1, c_L² = 3
    [[1.0, 3.0]]
    """
    q = np.asarray(wavevectors, dtype=float).reshape(-1, 2)
    k = bond_stiffness(alpha, beta, BOND_VECTORS)
    weight = 2.0 * (1.0 - np.cos(q @ BOND_VECTORS.T))
    return np.linalg.eigvalsh(np.einsum("qb,bxy->qxy", weight, k))


def allowed_wavevectors(params: ElasticMediumParams) -> np.ndarray:
    """The N wavevectors of the periodic box, one per pair of modes.

    q = 2π(m₁/L_x, m₂/L_y), 0 ≤ m₁ < n_x, 0 ≤ m₂ < n_y: distinct modulo the
    reciprocal lattice (b₁ = n_x B₁ − (n_y/2) B₂, b₂ = n_y B₂ in units of the
    box's B₁ = 2π/L_x x̂, B₂ = 2π/L_y ŷ: the index is n_x n_y = N).

    Returns
    -------
    numpy.ndarray
        Shape (N, 2).

    Examples
    --------
    >>> allowed_wavevectors(ElasticMediumParams(n_side=4)).shape
    (16, 2)
    """
    lx, ly = params.box
    m1, m2 = np.meshgrid(np.arange(params.n_side), np.arange(params.n_rows), indexing="ij")
    return np.stack([2.0 * np.pi * m1.ravel() / lx, 2.0 * np.pi * m2.ravel() / ly], axis=1)


def _lattice(n_x: int, n_y: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    i, j = np.meshgrid(np.arange(n_x), np.arange(n_y), indexing="xy")  # shape (n_y, n_x): site j n_x + i
    i, j = i.ravel(), j.ravel()
    positions = np.stack([i + 0.5 * (j % 2), j * math.sqrt(3.0) / 2.0], axis=1).astype(np.float64)
    odd = j % 2
    up = (j + 1) % n_y
    neighbours = (
        j * n_x + (i + 1) % n_x,  # δ = (1, 0)
        up * n_x + (i + odd) % n_x,  # δ = (½, √3/2)
        up * n_x + (i - 1 + odd) % n_x,  # δ = (−½, √3/2)
    )
    site = j * n_x + i
    pair_i = np.concatenate([site] * 3).astype(np.int64)
    pair_j = np.concatenate(neighbours).astype(np.int64)
    direction = np.repeat(np.arange(3), site.size).astype(np.int64)
    return positions, pair_i, pair_j, direction


def build_elastic_medium(params: ElasticMediumParams, seed: np.random.SeedSequence | int) -> ElasticMedium:
    """Realise one elastic medium: the lattice and the modulus factor of every bond.

    Parameters
    ----------
    params
        The settings.
    seed
        Seed of :func:`numpy.random.default_rng`, the only randomness
        (``"random"``: the field on the grid of spacing (a/4, √3a/4);
        ``"inclusions"``: the centres).

    Returns
    -------
    ElasticMedium

    Examples
    --------
    >>> med = build_elastic_medium(ElasticMediumParams(n_side=4), 0)
    >>> med.positions.shape, med.pair_i.size, float(med.factor.min())   # k_G = 0: homogeneous
    ((16, 2), 48, 1.0)
    """
    p = params
    positions, pair_i, pair_j, direction = _lattice(p.n_side, p.n_rows)
    box = np.array(p.box)
    midpoints = np.mod(positions[pair_i] + 0.5 * BOND_VECTORS[direction], box)
    spacing = np.array([0.25, math.sqrt(3.0) / 4.0])
    factor, n_inclusions, soft_fraction = modulus_factor(p, midpoints, box, spacing, np.random.default_rng(seed))
    return ElasticMedium(p, positions, pair_i, pair_j, direction, factor, n_inclusions, soft_fraction)


def elastic_medium_modes(
    params: Mapping[str, Any] | ElasticMediumParams, seed: np.random.SeedSequence | int
) -> tuple[ElasticMedium, np.ndarray, np.ndarray]:
    """One medium with every eigenvalue and eigenvector (dense LAPACK; for C_L, C_T).

    Returns
    -------
    medium : ElasticMedium
    eigenvalues : numpy.ndarray
        Shape (2N,), ascending.
    eigenvectors : numpy.ndarray
        Shape (2N, 2N), orthonormal columns, rows ordered 2i + a.
    """
    p = params if isinstance(params, ElasticMediumParams) else ElasticMediumParams.from_mapping(params)
    medium = build_elastic_medium(p, seed)
    eigenvalues, eigenvectors = scipy.linalg.eigh(medium.hessian().toarray())
    return medium, eigenvalues, eigenvectors


def elastic_medium_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one ``elastic_medium`` sample: the dense 2N × 2N problem plus :data:`BYTES_PER_SITE` per site.

    Examples
    --------
    >>> elastic_medium_memory({"n_side": 36}) / 1e6
    150.208128
    """
    p = ElasticMediumParams.from_mapping(params)
    n = 2 * p.n_site
    return full_spectrum_bytes(n, default_vector_modes(n, p.n_vectors, first=2)) + BYTES_PER_SITE * p.n_site


def elastic_medium_sample(
    params: Mapping[str, Any] | ElasticMediumParams,
    seed: np.random.SeedSequence | int,
    sample: int,
) -> xr.Dataset:
    """One elastic-medium sample as a VDOS-1.0 dataset.

    Parameters
    ----------
    params
        :class:`ElasticMediumParams` or a mapping of its fields (missing fields
        take the defaults); unknown keys raise ``ValueError``.
    seed
        This sample's :class:`numpy.random.SeedSequence` (an int is wrapped).
    sample
        The sample index, stored as the ``sample`` coordinate.

    Returns
    -------
    xarray.Dataset
        ``eigenvalue``, ``zero_mode`` (sample, mode), 2N modes, the two
        lowest (translations) flagged; ``eigenvector`` (sample, vector_mode,
        site, spatial) when n_vectors > 0; ``position`` (sample, site,
        spatial); ``box_length`` (sample, spatial); ``coordination`` = 6;
        bonds as ragged pairs ``pair_i``, ``pair_j``, ``pair_distance`` (= 1),
        ``pair_direction`` and the stiffnesses ``pair_central_stiffness``
        (f α₀) and ``pair_transverse_stiffness`` (f β₀).  The homogeneous
        speeds c_T, c_L, α₀, β₀ and every parameter are attributes.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = elastic_medium_sample({"variant": "random", "k_G": 1.0, "n_side": 4, "n_vectors": 3}, 3, 0)
    >>> check(ds); ds.sizes["mode"], ds["eigenvector"].dims
    (32, ('sample', 'vector_mode', 'site', 'spatial'))
    """
    p = params if isinstance(params, ElasticMediumParams) else ElasticMediumParams.from_mapping(params)
    medium = build_elastic_medium(p, seed)
    modes = default_vector_modes(2 * p.n_site, p.n_vectors, first=2)
    eigenvalues, vectors = full_spectrum(medium.hessian(), modes)
    return elastic_medium_dataset(medium, eigenvalues, vectors, seed, sample)


def _checked_spectrum(
    eigenvalues: np.ndarray, eigenvectors: np.ndarray, n_mode: int, modes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The eigenvalues and the eigenvectors of ``modes`` (columns picked from a full set); raise on other shapes."""
    lam = np.asarray(eigenvalues, dtype=float)
    vectors = np.asarray(eigenvectors, dtype=float)
    if lam.shape != (n_mode,) or vectors.shape not in ((n_mode, modes.size), (n_mode, n_mode)):
        raise ValueError(
            f"expected eigenvalues ({n_mode},) and eigenvectors ({n_mode}, {modes.size}) or ({n_mode}, {n_mode}); "
            f"found {lam.shape} and {vectors.shape}. Fix: pass the spectrum of this medium's hessian()"
        )
    if vectors.shape[1] == n_mode and modes.size != n_mode:
        vectors = vectors[:, modes]
    return lam, vectors


def _medium_variables(
    medium: ElasticMedium, eigenvalues: np.ndarray, zero: np.ndarray, sample: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Coordinates and variables of one sample: spectrum, lattice sites, box, coordination and the bonds."""
    p = medium.params
    n, n_mode = p.n_site, 2 * p.n_site
    n_pair = int(medium.pair_i.size)
    coords = {
        "sample": coordinate("sample", np.array([sample], dtype=np.int64)),
        "mode": coordinate("mode", np.arange(n_mode, dtype=np.int64)),
        "spatial": coordinate("spatial", np.array(["x", "y"])),
    }
    data_vars: dict[str, Any] = {
        "eigenvalue": (
            ("sample", "mode"),
            eigenvalues[None, :],
            {"long_name": "eigenvalue of the dynamical matrix (omega squared, units alpha/m)", **_ONE},
        ),
        "zero_mode": (
            ("sample", "mode"),
            zero[None, :],
            {"long_name": "zero mode flag (uniform translations)", **_ONE},
        ),
        "position": (
            ("sample", "site", "spatial"),
            medium.positions[None],
            {"long_name": "lattice site position (units of a)", **_ONE},
        ),
        "box_length": (
            ("sample", "spatial"),
            np.array([p.box]),
            {"long_name": "periodic box edges (units of a)", **_ONE},
        ),
        "coordination": (
            ("sample", "site"),
            np.full((1, n), 6, dtype=np.int64),
            {"long_name": "number of bonds on the site", **_ONE},
        ),
        "pair_count": (
            ("sample",),
            np.array([n_pair], dtype=np.int64),
            {"long_name": "number of bonds in the sample", "sample_dimension": "pair", **_ONE},
        ),
        "pair_i": ("pair", medium.pair_i, {"long_name": "first site of the bond", **_ONE}),
        "pair_j": ("pair", medium.pair_j, {"long_name": "second site (first + BOND_VECTORS[pair_direction])", **_ONE}),
        "pair_distance": ("pair", np.ones(n_pair), {"long_name": "bond length (units of a)", **_ONE}),
        "pair_direction": (
            "pair",
            medium.pair_direction,
            {"long_name": "bond vector index: 0 (1, 0), 1 (1/2, sqrt3/2), 2 (-1/2, sqrt3/2)", **_ONE},
        ),
        "pair_central_stiffness": (
            "pair",
            medium.factor * p.alpha0,
            {"long_name": "central stiffness f alpha0 of the bond", **_ONE},
        ),
        "pair_transverse_stiffness": (
            "pair",
            medium.factor * p.beta0,
            {"long_name": "transverse stiffness f beta0 of the bond", **_ONE},
        ),
    }
    return coords, data_vars


def _medium_attrs(medium: ElasticMedium, seed: np.random.SeedSequence | int) -> dict[str, Any]:
    """The global attributes: the convention's, the parameters, sound speeds, stiffnesses, rules, seed, versions."""
    p = medium.params
    return convention_attrs(
        title=(
            f"2D elastic triangular Born lattice with {p.variant} moduli on the scale 1/k_G (k_G={p.k_G:g}), "
            f"{p.n_side} x {p.n_rows} sites"
        ),
        source=f"vdosbench.generators.elastic_medium {GENERATOR_VERSION}",
        references=REFERENCE,
        spatial_dimension=2,
        site_degrees_of_freedom=2,
        **asdict(p),
        k_G_lattice=p.k_G_lattice,
        n_rows=p.n_rows,
        transverse_sound_speed=p.sound_speed,
        longitudinal_sound_speed=p.longitudinal_speed,
        sound_speed_note="c_T and c_L of the homogeneous (f = 1) lattice; the medium's own are measured",
        alpha0=p.alpha0,
        beta0=p.beta0,
        n_inclusions=medium.n_inclusions,
        soft_bond_fraction=medium.soft_fraction,
        mass=1.0,
        lattice_constant=1.0,
        lattice="triangular (Born model: central alpha, transverse beta per bond)",
        modulus_rule=modulus_rule(p, "(alpha, beta)", "(alpha0, beta0)", "spacing (a/4, sqrt(3) a/4)"),
        vector_mode_rule="modes 2..n_vectors+1 (above the two translations; fixed indices for every sample)",
        **provenance("elastic_medium", GENERATOR_VERSION, **seed_attrs(seed)),
    )


def elastic_medium_dataset(
    medium: ElasticMedium,
    eigenvalues: np.ndarray,
    eigenvectors: np.ndarray,
    seed: np.random.SeedSequence | int,
    sample: int,
) -> xr.Dataset:
    """The VDOS-1.0 dataset of a medium whose spectrum is already computed (see :func:`elastic_medium_sample`).

    Parameters
    ----------
    medium
        The realised medium (:func:`build_elastic_medium` with ``seed``).
    eigenvalues
        Shape (2N,), ascending.
    eigenvectors
        Shape (2N, n_vectors) for modes 2 … n_vectors + 1 (``medium.params.n_vectors``),
        or every mode, shape (2N, 2N), of which those columns are kept.
    seed, sample
        Recorded as in :func:`elastic_medium_sample`.

    Returns
    -------
    xarray.Dataset
    """
    p = medium.params
    sample = check_integer("sample", sample, 0)
    n, n_mode = p.n_site, 2 * p.n_site
    modes = default_vector_modes(n_mode, p.n_vectors, first=2)
    eigenvalues, vectors = _checked_spectrum(eigenvalues, eigenvectors, n_mode, modes)
    zero = translation_zero_modes(n_mode, 2)
    if not eigenvalues[2] > 1e-10 * eigenvalues[-1]:
        raise RuntimeError(f"the medium has more than 2 zero modes (lambda_2 = {eigenvalues[2]:.3g}); report this")
    coords, data_vars = _medium_variables(medium, eigenvalues, zero, sample)
    if modes.size:
        coords["vector_mode"] = coordinate("vector_mode", modes)
        data_vars["eigenvector"] = (
            ("sample", "vector_mode", "site", "spatial"),
            vectors.T.reshape(1, modes.size, n, 2),
            {"long_name": "normalised eigenvector of the dynamical matrix", **_ONE},
        )
    attrs = _medium_attrs(medium, seed)
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


# ---------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------


def _shared(name: str) -> Parameter:
    """A modulus-field parameter, declared once for the scalar medium."""
    return INHOMOGENEOUS_MEDIUM.parameter(name)


#: The elastic medium (``get_generator("elastic_medium")``).
ELASTIC_MEDIUM = register(
    Generator(
        name="elastic_medium",
        version=GENERATOR_VERSION,
        make_sample=elastic_medium_sample,
        check_params=ElasticMediumParams.from_mapping,
        parameters=(
            _shared("variant"),
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
                "n_side",
                "sites per row n_x (n_y = 2 round(n_x/sqrt 3) rows, N = n_x n_y)",
                DEFAULT_N_SIDE,
                units="1",
                kind="int",
                minimum=4,
            ),
            Parameter(
                "sound_speed",
                "transverse sound speed c_T of the homogeneous lattice",
                1.0,
                units="1",
                minimum=0.0,
                open_minimum=True,
            ),
            Parameter(
                "speed_ratio",
                "c_L/c_T of the homogeneous lattice (sqrt 3: central springs only)",
                MAX_SPEED_RATIO,
                units="1",
                minimum=1.0,
                maximum=MAX_SPEED_RATIO,
                open_minimum=True,
            ),
            *(_shared(name) for name in ("modulation_amplitude", "log_modulus_std", "inclusion_fraction")),
            replace(
                _shared("inclusion_softness"), meaning="moduli inside an inclusion, in units of the homogeneous ones"
            ),
            _shared("inclusion_radius"),
            Parameter(
                "n_vectors",
                "eigenvectors kept for modes 2 ... n_vectors + 1",
                0,
                units="1",
                kind="int",
                minimum=0,
                note="≤ 2N − 2",
            ),
        ),
        memory_estimate=elastic_medium_memory,
        description="2D elastic (vector) triangular lattice whose moduli vary on 1/k_G: seed 000 with c_T and c_L",
        source="seed 000",
    ),
    replace=True,
)
