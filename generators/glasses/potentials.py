"""Pair potentials with tapered cutoffs and their analytic derivatives φ, φ′, φ″.

Seed 001 (``001_d453c975fd50a4a2.txt``), eqs. (10) and (14)–(17): a pair
potential U(r) is shifted and tapered,

    φ(r) = [U(r) − U(r_c)] T_m(r / r_c)    for r < r_c,    φ = 0 beyond,

with a tapering function whose first m derivatives vanish at x = 1, so that
φ ∝ (r_c − r)^(m+1) at the cut:

- ``T_m(x) = (1 − x²)^m`` for an integer order m ≥ 0 (m = 2 is the seed's
  eq. 16; m = 0 is the untapered, shifted cut);
- ``T_∞(x) = exp[x / (2(x − 1))]`` (eq. 17; all derivatives vanish), chosen
  with ``taper_order = INFINITE_ORDER`` (−1).

Two families share the machinery:

- **soft spheres** (seed 001 eq. 14): U(r) = (a_ij / r_c)^n (r / r_c)^(−n),
  so φ = (a_ij/r_c)^n [x^(−n) − 1] T_m(x), a_ij = (a_i + a_j)/2, n = 12,
  r_c = 1.955 for every pair; with a non-additivity ε > 0 (Ninarello,
  Berthier & Coslovich, PRX 7, 021039 (2017), eq. 2, there ε = 0.2) the pair
  size is a_ij = (a_i + a_j)/2 · (1 − ε|a_i − a_j|) (:func:`pair_size`, the
  one place every kernel takes a_ij from), the taper and cutoff unchanged;
- **Lennard-Jones** (for the seed's s = 5 claim, potentials with a minimum):
  U(r) = 4ε_ij [(σ_ij/r)^12 − (σ_ij/r)^6] with r_c = 2.5 σ_ij, here the
  Kob–Andersen 80:20 mixture (ε_AB = 1.5, σ_AB = 0.8, ε_BB = 0.5,
  σ_BB = 0.88).

The kernels are compiled with numba (``nopython``) so that Monte Carlo,
minimisation and Hessian code call them in their inner loops; the NumPy
front end :meth:`PairPotential.evaluate` vectorises them.

Derivatives (x = r/r_c, ′ = d/dr): φ′ = U′T + UT′, φ″ = U″T + 2U′T′ + UT″,
with, for T_m, dT/dx = −2m x (1−x²)^(m−1) and
d²T/dx² = −2m (1−x²)^(m−1) + 4m(m−1) x² (1−x²)^(m−2); for T_∞ with
g = x/(2(x−1)): g′ = −1/(2(x−1)²), g″ = 1/(x−1)³, T′ = T g′,
T″ = T (g″ + g′²).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numba import njit

__all__ = [
    "INFINITE_ORDER",
    "KIND_SOFT_SPHERE",
    "KIND_LENNARD_JONES",
    "PairPotential",
    "soft_sphere_potential",
    "kob_andersen_potential",
    "taper",
    "pair_terms",
    "pair_parameters",
    "pair_size",
]

#: ``taper_order`` value selecting T_∞(x) = exp[x/(2(x−1))] (seed 001 eq. 17).
INFINITE_ORDER = -1
#: Kernel code of the soft-sphere family.
KIND_SOFT_SPHERE = 0
#: Kernel code of the Lennard-Jones family.
KIND_LENNARD_JONES = 1


@njit(cache=True)
def taper(x: float, order: int) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """T(x), dT/dx, d²T/dx² of the taper of ``order`` (``INFINITE_ORDER`` for T_∞); zero for x ≥ 1."""
    if x >= 1.0:
        return 0.0, 0.0, 0.0
    if order == 0:
        return 1.0, 0.0, 0.0
    if order < 0:
        g = x / (2.0 * (x - 1.0))
        t = np.exp(g)
        g1 = -1.0 / (2.0 * (x - 1.0) ** 2)
        g2 = 1.0 / (x - 1.0) ** 3
        return t, t * g1, t * (g2 + g1 * g1)
    u = 1.0 - x * x
    t = u**order
    t1 = -2.0 * order * x * u ** (order - 1)
    t2 = -2.0 * order * u ** (order - 1)
    if order >= 2:
        t2 += 4.0 * order * (order - 1) * x * x * u ** (order - 2)
    return t, t1, t2


@njit(cache=True)
def _base(r: float, sigma: float, epsilon: float, kind: int, n: int) -> tuple[float, float, float]:  # pragma: no cover
    """U(r), U′, U″ before shifting and tapering."""
    if kind == KIND_SOFT_SPHERE:
        s = (sigma / r) ** n
        return epsilon * s, -epsilon * n * s / r, epsilon * n * (n + 1) * s / (r * r)
    s6 = (sigma / r) ** 6
    s12 = s6 * s6
    return (
        4.0 * epsilon * (s12 - s6),
        4.0 * epsilon * (-12.0 * s12 + 6.0 * s6) / r,
        4.0 * epsilon * (156.0 * s12 - 42.0 * s6) / (r * r),
    )


@njit(cache=True)
def pair_terms(
    r: float, sigma: float, epsilon: float, r_cut: float, kind: int, n: int, order: int
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """φ(r), φ′(r), φ″(r) of one pair (zero beyond ``r_cut``).

    ``sigma`` is a_ij for soft spheres (U = ε (a_ij/r)^n, ε = 1 in the seed's
    units, which equals (a_ij/r_c)^n x^(−n)) and σ_ij for Lennard-Jones.
    """
    if r >= r_cut:
        return 0.0, 0.0, 0.0
    u0, u1, u2 = _base(r, sigma, epsilon, kind, n)
    uc, _, _ = _base(r_cut, sigma, epsilon, kind, n)
    u0 -= uc
    t0, t1, t2 = taper(r / r_cut, order)
    t1 /= r_cut
    t2 /= r_cut * r_cut
    return u0 * t0, u1 * t0 + u0 * t1, u2 * t0 + 2.0 * u1 * t1 + u0 * t2


@njit(cache=True, inline="always")
def pair_size(size_i, size_j, non_additivity: float):  # pragma: no cover - compiled
    """a_ij = (a_i + a_j)/2 · (1 − ε|a_i − a_j|) of soft spheres (ε = ``non_additivity``).

    The one definition of the pair size: the Monte Carlo, minimisation and
    Hessian kernels all call it.  Scalars or arrays (NumPy broadcasting).
    With ε = 0 (the seed's additive model) it is (a_i + a_j)/2, the same
    operations as before the option existed (bit for bit).

    Examples
    --------
    >>> pair_size(0.8, 1.2, 0.0), round(pair_size(0.8, 1.2, 0.2), 12)
    (1.0, 0.92)
    """
    a = 0.5 * (size_i + size_j)
    if non_additivity != 0.0:
        a = a * (1.0 - non_additivity * np.abs(size_i - size_j))
    return a


@njit(cache=True)
def pair_parameters(
    i: int,
    j: int,
    size: np.ndarray,
    species: np.ndarray,
    sigma_table: np.ndarray,
    epsilon_table: np.ndarray,
    cut_table: np.ndarray,
    kind: int,
    non_additivity: float,
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """(σ_ij, ε_ij, r_c,ij) of particles i and j.

    Soft spheres: σ_ij = a_ij (:func:`pair_size`) from the per-particle
    ``size``, ε = 1 and r_c = ``cut_table[0, 0]`` for every pair.
    Lennard-Jones: from the species tables (``cut_table`` holds absolute
    cutoffs; ``non_additivity`` is 0).
    """
    if kind == KIND_SOFT_SPHERE:
        return pair_size(size[i], size[j], non_additivity), epsilon_table[0, 0], cut_table[0, 0]
    a = species[i]
    b = species[j]
    return sigma_table[a, b], epsilon_table[a, b], cut_table[a, b]


@dataclass(frozen=True)
class PairPotential:
    """A tapered pair potential: the family, its tables and the taper order.

    Attributes
    ----------
    name
        ``"soft_sphere"`` or ``"lennard_jones"`` (recorded in datasets).
    kind
        :data:`KIND_SOFT_SPHERE` or :data:`KIND_LENNARD_JONES`.
    taper_order
        m ≥ 0, or :data:`INFINITE_ORDER` for T_∞.
    exponent
        n of the soft-sphere power law (12); unused for Lennard-Jones.
    sigma, epsilon, cutoff
        (n_species, n_species) tables.  Soft spheres use ``epsilon[0, 0]``
        and ``cutoff[0, 0]`` only (σ_ij comes from the diameters).
    non_additivity
        ε ≥ 0 of the soft-sphere pair size a_ij = (a_i + a_j)/2 ·
        (1 − ε|a_i − a_j|) (:func:`pair_size`); 0 is the additive seed model.
    """

    name: str
    kind: int
    taper_order: int
    exponent: int = 12
    sigma: np.ndarray = field(default_factory=lambda: np.ones((1, 1)))
    epsilon: np.ndarray = field(default_factory=lambda: np.ones((1, 1)))
    cutoff: np.ndarray = field(default_factory=lambda: np.full((1, 1), 1.955))
    non_additivity: float = 0.0

    def __post_init__(self) -> None:
        eps = float(self.non_additivity)
        if not (math.isfinite(eps) and eps >= 0.0):
            raise ValueError(
                f"non_additivity is {self.non_additivity}; expected a finite ε ≥ 0 (0: additive a_ij = (a_i + a_j)/2, "
                "0.2: Ninarello et al. 2017)"
            )
        if eps != 0.0 and self.kind != KIND_SOFT_SPHERE:
            raise ValueError(
                f"non_additivity is {eps} for the {self.name} potential; it applies to soft spheres only (use 0)"
            )
        object.__setattr__(self, "non_additivity", eps)
        if self.taper_order < INFINITE_ORDER:
            raise ValueError(
                f"taper_order is {self.taper_order}; expected an integer m ≥ 0 or "
                f"INFINITE_ORDER ({INFINITE_ORDER}) for T_∞"
            )
        for name in ("sigma", "epsilon", "cutoff"):
            table = np.asarray(getattr(self, name), dtype=float)
            if table.ndim != 2 or table.shape[0] != table.shape[1] or not np.allclose(table, table.T):
                raise ValueError(f"{name} must be a symmetric square table, found shape {table.shape}")
            object.__setattr__(self, name, table)

    @property
    def max_cutoff(self) -> float:
        """The largest interaction range (for neighbour lists)."""
        return float(self.cutoff.max())

    def check_sizes(self, sizes: np.ndarray) -> None:
        """Refuse diameters for which some pair size a_ij would be ≤ 0 (ε (a_max − a_min) ≥ 1).

        Raises
        ------
        ValueError
            Naming ε, the diameter range and the largest ε it allows.
        """
        sizes = np.asarray(sizes, dtype=float)
        if self.non_additivity == 0.0 or sizes.size < 2:
            return
        spread = float(sizes.max() - sizes.min())
        if self.non_additivity * spread >= 1.0:
            raise ValueError(
                f"non_additivity ε = {self.non_additivity} with diameters in [{sizes.min():.6g}, {sizes.max():.6g}] "
                f"makes the pair size (a_i + a_j)/2 (1 − ε|a_i − a_j|) ≤ 0 for the most different pair; "
                f"expected ε < 1/(a_max − a_min) = {1.0 / spread:.6g}"
            )

    def pair_sizes(self, size_i: np.ndarray | float, size_j: np.ndarray | float) -> np.ndarray:
        """a_ij of soft-sphere pairs (:func:`pair_size`, NumPy arrays)."""
        si, sj = (
            np.ascontiguousarray(a) for a in np.broadcast_arrays(np.asarray(size_i, float), np.asarray(size_j, float))
        )
        return np.asarray(pair_size(si, sj, self.non_additivity))

    @property
    def taper_label(self) -> str:
        """``"2"``, ``"inf"``... as written in datasets."""
        return "inf" if self.taper_order == INFINITE_ORDER else str(self.taper_order)

    def evaluate(
        self,
        r: np.ndarray,
        size_i: np.ndarray | float = 1.0,
        size_j: np.ndarray | float = 1.0,
        species_i: np.ndarray | int = 0,
        species_j: np.ndarray | int = 0,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """φ, φ′, φ″ for arrays of distances (and per-pair sizes or species).

        Examples
        --------
        >>> pot = soft_sphere_potential(taper_order=2)
        >>> phi, dphi, d2phi = pot.evaluate(np.array([1.0, 1.955, 3.0]))
        >>> bool(phi[0] > 0), float(phi[1]), float(phi[2])
        (True, 0.0, 0.0)
        """
        r, si, sj, ti, tj = np.broadcast_arrays(
            np.asarray(r, float),
            np.asarray(size_i, float),
            np.asarray(size_j, float),
            np.asarray(species_i, np.int64),
            np.asarray(species_j, np.int64),
        )
        if self.non_additivity != 0.0 and r.size and not np.all(self.pair_sizes(si, sj) > 0.0):
            self.check_sizes(np.concatenate([si.ravel(), sj.ravel()]))
        out = np.zeros((3, *r.shape))
        _evaluate_many(
            r.ravel(),
            si.ravel(),
            sj.ravel(),
            ti.ravel(),
            tj.ravel(),
            self.sigma,
            self.epsilon,
            self.cutoff,
            self.kind,
            self.exponent,
            self.taper_order,
            self.non_additivity,
            out.reshape(3, -1),
        )
        return out[0], out[1], out[2]

    def attrs(self) -> dict[str, object]:
        """Every parameter, for a dataset's attributes."""
        return {
            "potential": self.name,
            "taper_order": self.taper_label,
            "potential_exponent": int(self.exponent),
            "potential_sigma_table": self.sigma.ravel().tolist(),
            "potential_epsilon_table": self.epsilon.ravel().tolist(),
            "potential_cutoff_table": self.cutoff.ravel().tolist(),
            "potential_non_additivity": self.non_additivity,
        }


@njit(cache=True)
def _evaluate_many(r, si, sj, ti, tj, sigma, epsilon, cutoff, kind, n, order, non_additivity, out):  # pragma: no cover
    size = np.empty(2)
    species = np.empty(2, dtype=np.int64)
    for k in range(r.size):
        size[0] = si[k]
        size[1] = sj[k]
        species[0] = ti[k]
        species[1] = tj[k]
        s, e, c = pair_parameters(0, 1, size, species, sigma, epsilon, cutoff, kind, non_additivity)
        out[0, k], out[1, k], out[2, k] = pair_terms(r[k], s, e, c, kind, n, order)


def soft_sphere_potential(
    taper_order: int = 2, exponent: int = 12, r_cut: float = 1.955, non_additivity: float = 0.0
) -> PairPotential:
    """The seed-001 polydisperse soft-sphere potential (eq. 14), r_c = 1.955 for every pair.

    ``non_additivity`` ε > 0 gives the non-additive pair size a_ij = (a_i + a_j)/2 ·
    (1 − ε|a_i − a_j|) of Ninarello, Berthier & Coslovich (PRX 7, 021039, 2017; ε = 0.2 there),
    with the same taper and cutoff.
    """
    return PairPotential(
        name="soft_sphere",
        kind=KIND_SOFT_SPHERE,
        taper_order=taper_order,
        exponent=exponent,
        cutoff=np.full((1, 1), float(r_cut)),
        non_additivity=non_additivity,
    )


def kob_andersen_potential(taper_order: int = 2, cut_in_sigma: float = 2.5) -> PairPotential:
    """Kob–Andersen 80:20 Lennard-Jones mixture (species 0 = A, 1 = B), r_c = 2.5 σ_ij."""
    sigma = np.array([[1.0, 0.8], [0.8, 0.88]])
    epsilon = np.array([[1.0, 1.5], [1.5, 0.5]])
    return PairPotential(
        name="lennard_jones",
        kind=KIND_LENNARD_JONES,
        taper_order=taper_order,
        exponent=12,
        sigma=sigma,
        epsilon=epsilon,
        cutoff=cut_in_sigma * sigma,
    )
