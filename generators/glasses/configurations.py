"""Particle configurations in a periodic box: polydisperse soft spheres, Kob–Andersen, crystals.

Seed 001 (``001_d453c975fd50a4a2.txt``, "Numerical simulations" and Methods
"Simulation details"): N particles in a periodic cubic (d = 3) or square
(d = 2) box of side L = (N/ρ)^(1/d), number density ρ = 1, diameters a_i
drawn from P(a) = 𝒩 a⁻³ on [a_min, a_max] = [0.73, 1.62] with ⟨a⟩ = 1.

Diameters (the choice made here: *sample, then rescale*)
    a is drawn by inverse-transform sampling of the exact law,
    F(a) = (a_min⁻² − a⁻²)/(a_min⁻² − a_max⁻²), so
    a = [a_min⁻² − u (a_min⁻² − a_max⁻²)]^(−1/2) with u uniform in [0, 1).
    The law's own mean is 2 a_min a_max/(a_min + a_max) = 1.00647, not 1;
    the sample is then divided by its own mean so that ⟨a⟩ = 1 *exactly*
    (the seed's statement).  The rescale moves the bounds by about 0.6 %
    (to ≈ [0.725, 1.610]) plus the sample-mean noise (≈ 0.2/√N relative).
    ``normalization="none"`` keeps the raw draw (the alternative, rejecting
    samples whose mean is not 1, cannot give exactly 1 for continuous a).

Kob–Andersen mixture
    N_A = round(0.8 N) particles of species 0 (A) and N − N_A of species 1
    (B), density 1.2, random positions; the species tables live in
    :func:`vdosbench.generators.glasses.potentials.kob_andersen_potential`.

Crystals (for known-answer tests)
    An FCC crystal (d = 3, 4 n³ sites) and a (slightly strained) triangular
    crystal (d = 2) of equal diameters 1 at density ρ; both are force free
    and have exactly d zero modes (uniform translations) in a periodic box.

Pairs
    :func:`find_pairs` lists every pair closer than ``r_max`` with the
    minimum-image separation, using a compiled cell list (valid for
    r_max < L/2); tested against :class:`scipy.spatial.cKDTree`.

All randomness comes from a passed :class:`numpy.random.Generator`.

References
----------
Seed 001, file ``001_d453c975fd50a4a2.txt``: eq. (13)–(14) and the text
around them (P(a), a_min, a_max, ⟨a⟩ = 1); Methods "Simulation details"
(ρ = 1, L = N^(1/d)).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

__all__ = [
    "A_MAX",
    "A_MIN",
    "KA_DENSITY",
    "KA_FRACTION_A",
    "Configuration",
    "box_length_for",
    "diameter_cdf",
    "fcc_crystal",
    "find_pairs",
    "kob_andersen_configuration",
    "minimum_image",
    "polydisperse_configuration",
    "random_positions",
    "sample_diameters",
    "triangular_crystal",
    "wrap",
]

#: Smallest diameter of P(a) ∝ a⁻³ (seed 001, before the rescale to ⟨a⟩ = 1).
A_MIN = 0.73
#: Largest diameter of P(a) ∝ a⁻³ (seed 001, before the rescale to ⟨a⟩ = 1).
A_MAX = 1.62
#: Number density of the Kob–Andersen mixture.
KA_DENSITY = 1.2
#: Fraction of A particles in the Kob–Andersen mixture.
KA_FRACTION_A = 0.8
#: Normalisations offered by :func:`sample_diameters`.
NORMALIZATIONS = ("rescale", "none")


@dataclass(frozen=True)
class Configuration:
    """Particles in a periodic cubic/square box.

    Attributes
    ----------
    positions
        Shape (N, d), float64; any real values (the box is periodic), in
        units of the mean diameter (soft spheres) or σ_AA (Lennard-Jones).
    box_length
        Edge L of the periodic box (same units).
    sizes
        Shape (N,), particle diameters a_i (all 1 for Lennard-Jones, whose
        pair sizes come from the species tables).
    species
        Shape (N,), int64 species index (all 0 for soft spheres).
    """

    positions: np.ndarray
    box_length: float
    sizes: np.ndarray = field(default_factory=lambda: np.empty(0))
    species: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def __post_init__(self) -> None:
        pos = np.ascontiguousarray(self.positions, dtype=np.float64)
        if pos.ndim != 2 or pos.shape[1] not in (2, 3):
            raise ValueError(f"positions must have shape (N, d) with d = 2 or 3, found {pos.shape}")
        n = pos.shape[0]
        sizes = np.ones(n) if np.size(self.sizes) == 0 else np.ascontiguousarray(self.sizes, dtype=np.float64)
        species = (
            np.zeros(n, dtype=np.int64)
            if np.size(self.species) == 0
            else np.ascontiguousarray(self.species, dtype=np.int64)
        )
        if sizes.shape != (n,) or species.shape != (n,):
            raise ValueError(
                f"sizes and species must have shape ({n},) like positions, found {sizes.shape} and {species.shape}"
            )
        if not float(self.box_length) > 0:
            raise ValueError(f"box_length must be > 0, found {self.box_length!r}")
        object.__setattr__(self, "positions", pos)
        object.__setattr__(self, "box_length", float(self.box_length))
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "species", species)

    @property
    def n_particles(self) -> int:
        """Number of particles N."""
        return int(self.positions.shape[0])

    @property
    def dimension(self) -> int:
        """Spatial dimension d."""
        return int(self.positions.shape[1])

    @property
    def density(self) -> float:
        """Number density N / L^d."""
        return self.n_particles / self.box_length**self.dimension

    def with_positions(self, positions: np.ndarray) -> Configuration:
        """A copy with new positions (same box, sizes, species)."""
        return Configuration(positions, self.box_length, self.sizes, self.species)


def box_length_for(n_particles: int, density: float, dimension: int) -> float:
    """Edge L = (N/ρ)^(1/d) of the periodic box.

    Examples
    --------
    >>> box_length_for(1000, 1.0, 3)
    10.0
    """
    if n_particles < 1 or density <= 0 or dimension not in (2, 3):
        raise ValueError(
            f"need N ≥ 1, density > 0 and d in (2, 3), found N={n_particles}, density={density}, d={dimension}"
        )
    return float(round((n_particles / density) ** (1.0 / dimension), 12))


def diameter_cdf(a: np.ndarray | float, a_min: float = A_MIN, a_max: float = A_MAX) -> np.ndarray:
    """Exact CDF F(a) of P(a) ∝ a⁻³ on [a_min, a_max] (before any rescale).

    Examples
    --------
    >>> diameter_cdf([0.73, 1.62]).tolist()
    [0.0, 1.0]
    """
    a = np.clip(np.asarray(a, dtype=float), a_min, a_max)
    return (a_min**-2 - a**-2) / (a_min**-2 - a_max**-2)


def sample_diameters(
    n_particles: int,
    rng: np.random.Generator,
    a_min: float = A_MIN,
    a_max: float = A_MAX,
    normalization: str = "rescale",
) -> np.ndarray:
    """Diameters from P(a) ∝ a⁻³ on [a_min, a_max], rescaled to mean 1.

    Parameters
    ----------
    n_particles
        N ≥ 1.
    rng
        The only source of randomness.
    a_min, a_max
        Bounds of the law (seed 001: 0.73 and 1.62).
    normalization
        ``"rescale"`` (default): divide the draw by its sample mean so that
        ⟨a⟩ = 1 exactly; ``"none"``: the raw draw (mean ≈ 1.0065).

    Returns
    -------
    numpy.ndarray
        Shape (N,), float64.

    Examples
    --------
    >>> a = sample_diameters(1000, np.random.default_rng(0))
    >>> round(float(a.mean()), 12), bool(0.70 < a.min() and a.max() < 1.68)
    (1.0, True)
    """
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"unknown normalization {normalization!r}; expected one of {NORMALIZATIONS}")
    if not 0 < a_min < a_max:
        raise ValueError(f"need 0 < a_min < a_max, found a_min={a_min}, a_max={a_max}")
    u = rng.random(int(n_particles))
    a = (a_min**-2 - u * (a_min**-2 - a_max**-2)) ** -0.5
    if normalization == "rescale":
        a = a / a.mean()
    return a


def random_positions(n_particles: int, box_length: float, dimension: int, rng: np.random.Generator) -> np.ndarray:
    """Uniform random positions in [0, L)^d, shape (N, d) (an infinite-temperature configuration)."""
    return rng.random((int(n_particles), int(dimension))) * float(box_length)


def polydisperse_configuration(
    n_particles: int,
    dimension: int,
    rng: np.random.Generator,
    density: float = 1.0,
    normalization: str = "rescale",
) -> Configuration:
    """Seed-001 polydisperse soft spheres at random positions.

    Parameters
    ----------
    n_particles, dimension
        N and d (2 or 3).
    rng
        Draws the diameters first, then the positions.
    density
        Number density ρ (seed: 1).
    normalization
        See :func:`sample_diameters`.

    Examples
    --------
    >>> c = polydisperse_configuration(64, 3, np.random.default_rng(1))
    >>> c.box_length, c.positions.shape, round(float(c.sizes.mean()), 12)
    (4.0, (64, 3), 1.0)
    """
    sizes = sample_diameters(n_particles, rng, normalization=normalization)
    box = box_length_for(n_particles, density, dimension)
    return Configuration(random_positions(n_particles, box, dimension, rng), box, sizes=sizes)


def kob_andersen_configuration(
    n_particles: int,
    dimension: int,
    rng: np.random.Generator,
    density: float = KA_DENSITY,
    fraction_a: float = KA_FRACTION_A,
) -> Configuration:
    """Kob–Andersen 80:20 mixture at random positions (species 0 = A first, then B).

    Examples
    --------
    >>> c = kob_andersen_configuration(100, 3, np.random.default_rng(0))
    >>> int((c.species == 0).sum()), int((c.species == 1).sum())
    (80, 20)
    """
    n_a = int(round(fraction_a * n_particles))
    species = np.concatenate([np.zeros(n_a, np.int64), np.ones(n_particles - n_a, np.int64)])
    box = box_length_for(n_particles, density, dimension)
    return Configuration(random_positions(n_particles, box, dimension, rng), box, species=species)


def fcc_crystal(n_cells: int, density: float = 1.0) -> Configuration:
    """Face-centred cubic crystal of 4 n³ equal spheres (diameter 1) at density ρ.

    The cubic cell has edge b = (4/ρ)^(1/3); nearest neighbours are at b/√2
    (1.1225 at ρ = 1).

    Examples
    --------
    >>> c = fcc_crystal(2)
    >>> c.n_particles, round(c.box_length, 6)
    (32, 3.174802)
    """
    n = int(n_cells)
    if n < 1:
        raise ValueError(f"n_cells must be ≥ 1, found {n_cells}")
    b = (4.0 / density) ** (1.0 / 3.0)
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    cells = np.stack(np.meshgrid(*(np.arange(n),) * 3, indexing="ij"), axis=-1).reshape(-1, 3)
    positions = (cells[:, None, :] + basis[None, :, :]).reshape(-1, 3) * b
    return Configuration(positions, n * b)


def triangular_crystal(n_x: int, density: float = 1.0) -> Configuration:
    """Nearly triangular crystal of equal spheres (diameter 1) in a square periodic box.

    n_x sites per row and n_y = the even integer nearest 2 n_x/√3 rows, with
    row spacing L/n_y and site spacing L/n_x (L = √(N/ρ)); odd rows are
    shifted by half a spacing.  A perfect triangular lattice cannot fill a
    square periodic box, so the lattice is strained by
    (n_y √3 / (2 n_x) − 1), e.g. −1.0 % for n_x = 7 and +0.07 % for
    n_x = 26.  Every site is a centre of inversion, so the crystal is force
    free, and it has exactly 2 zero modes.  (A square lattice is not used:
    with purely repulsive pair potentials it is mechanically unstable.)

    Examples
    --------
    >>> c = triangular_crystal(7)
    >>> c.n_particles, round(c.density, 12)
    (56, 1.0)
    """
    nx = int(n_x)
    if nx < 2:
        raise ValueError(f"n_x must be ≥ 2, found {n_x}")
    ny = 2 * max(1, int(round(nx / np.sqrt(3.0))))
    n = nx * ny
    box = float(np.sqrt(n / density))
    col, row = np.meshgrid(np.arange(nx), np.arange(ny), indexing="xy")
    x = (col + 0.5 * (row % 2)) * (box / nx)
    y = row * (box / ny)
    return Configuration(np.stack([x.ravel(), y.ravel()], axis=1), box)


def wrap(positions: np.ndarray, box_length: float) -> np.ndarray:
    """Positions folded into [0, L) (never exactly L, which cKDTree rejects)."""
    out = positions - box_length * np.floor(positions / box_length)
    out[out >= box_length] = 0.0
    return out


def minimum_image(separation: np.ndarray, box_length: float) -> np.ndarray:
    """Minimum-image separation vectors, each component in [−L/2, L/2]."""
    return separation - box_length * np.round(separation / box_length)


@njit(cache=True)
def bin_into_cells(
    pos: np.ndarray, width: float, n_cell: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Sort wrapped positions into n_cell^d cells of edge ``width`` (counting sort).

    Returns ``coords`` (n, d), the integer cell coordinates of each particle;
    ``start`` (n_cell^d + 1,), where each cell's members begin in ``members``;
    ``members`` (n,), the particle indices grouped by cell (flat index
    Σ_a coords_a n_cell^(d−1−a)).  Positions at L land in the last cell.
    """
    n, d = pos.shape
    cell_of = np.empty(n, np.int64)
    coords = np.empty((n, d), np.int64)
    for i in range(n):
        flat = 0
        for a in range(d):
            c = min(int(pos[i, a] / width), n_cell - 1)
            coords[i, a] = c
            flat = flat * n_cell + c
        cell_of[i] = flat
    total = n_cell**d
    start = np.zeros(total + 1, np.int64)
    for i in range(n):
        start[cell_of[i] + 1] += 1
    for c in range(total):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    members = np.empty(n, np.int64)
    for i in range(n):
        members[fill[cell_of[i]]] = i
        fill[cell_of[i]] += 1
    return coords, start, members


@njit(cache=True, inline="always")
def image_component(dx: float, box_length: float, half: float) -> float:  # pragma: no cover - compiled
    """Minimum image of one component of the difference of two wrapped coordinates (|dx| < L)."""
    if dx > half:
        return dx - box_length
    if dx < -half:
        return dx + box_length
    return dx


@njit(cache=True, inline="always")
def _separation(
    pos: np.ndarray, i: int, j: int, box: float, half: float, buf: np.ndarray
) -> float:  # pragma: no cover - compiled
    """|r_j − r_i|² by the minimum image of wrapped positions; the separation into ``buf``."""
    r2 = 0.0
    for a in range(pos.shape[1]):
        x = image_component(pos[j, a] - pos[i, a], box, half)
        buf[a] = x
        r2 += x * x
    return r2


@njit(cache=True, inline="always")
def _record(
    pi: np.ndarray, pj: np.ndarray, sep: np.ndarray, count: int, i: int, j: int, buf: np.ndarray, sign: float
) -> None:  # pragma: no cover - compiled
    """Store pair ``count`` (i, j, sign · buf) when the buffers hold it."""
    if count < pi.size:
        pi[count] = i
        pj[count] = j
        for a in range(buf.size):
            sep[count, a] = sign * buf[a]


@njit(cache=True)
def _cell_pairs(
    pos: np.ndarray,
    box: float,
    r_max: float,
    offsets: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    sep: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """Pairs closer than r_max by a cell list; returns their number, or −(needed) if the buffers are short.

    ``pos`` is wrapped into [0, L); ``offsets`` ((3^d + 1)/2, d) is the half
    stencil, the cell itself first: each pair of neighbouring cells is visited
    once, which needs at least 3 cells per side; with fewer every pair is
    tested directly.
    """
    n, d = pos.shape
    n_cell = int(box // r_max)
    capacity = pi.size
    count = 0
    r2max = r_max * r_max
    half = 0.5 * box
    buf = np.empty(d)
    if n_cell < 3:
        for i in range(n):
            for j in range(i + 1, n):
                if _separation(pos, i, j, box, half, buf) < r2max:
                    _record(pi, pj, sep, count, i, j, buf, 1.0)
                    count += 1
        return count if count <= capacity else -count
    coords, start, members = bin_into_cells(pos, box / n_cell, n_cell)
    for i in range(n):
        for o in range(offsets.shape[0]):  # the cell itself (offset 0) and the forward half of its neighbours
            flat = 0
            for a in range(d):
                c = (coords[i, a] + offsets[o, a]) % n_cell
                flat = flat * n_cell + c
            same = o == 0
            for m in range(start[flat], start[flat + 1]):
                j = members[m]
                if same and j <= i:
                    continue
                if _separation(pos, i, j, box, half, buf) < r2max:
                    if i < j:
                        _record(pi, pj, sep, count, i, j, buf, 1.0)
                    else:
                        _record(pi, pj, sep, count, j, i, buf, -1.0)
                    count += 1
    return count if count <= capacity else -count


def find_pairs(
    positions: np.ndarray, box_length: float, r_max: float, sort: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair closer than ``r_max`` (minimum image), with its separation.

    A compiled cell list (cells of edge ≥ r_max, half stencil of neighbour
    cells; every pair tested directly when fewer than 3 cells fit along the box).

    Parameters
    ----------
    positions
        Shape (N, d), any real values (wrapped internally).
    box_length
        Periodic box edge L; ``r_max`` must be below L/2 so that each pair
        has one image in range.
    r_max
        Search radius (same units).
    sort
        Sort the pairs lexicographically by (i, j) (default); ``False``
        leaves them in cell order (faster, for Verlet lists).

    Returns
    -------
    pair_i, pair_j : numpy.ndarray
        Shape (n_pair,), int64, pair_i < pair_j.
    separation : numpy.ndarray
        Shape (n_pair, d): minimum image of r_j − r_i.

    Examples
    --------
    >>> i, j, sep = find_pairs(np.array([[0.1, 0.1], [3.9, 0.1], [2.0, 2.0]]), 4.0, 1.0)
    >>> i.tolist(), j.tolist(), (np.round(sep, 12) + 0.0).tolist()
    ([0], [1], [[-0.2, 0.0]])
    """
    if not r_max < 0.5 * box_length:
        raise ValueError(
            f"r_max = {r_max} must be below L/2 = {0.5 * box_length} for the minimum image; use a larger box (more particles)"
        )
    pos = np.ascontiguousarray(wrap(np.asarray(positions, dtype=np.float64), box_length))
    n, d = pos.shape
    every = np.stack(np.meshgrid(*([np.arange(-1, 2)] * d), indexing="ij"), axis=-1).reshape(-1, d)
    # half stencil: offset 0 first, then the offsets lexicographically after it (each cell pair once)
    offsets = np.ascontiguousarray(every[(3**d) // 2 :])
    sphere = np.pi * r_max**2 if d == 2 else 4.0 / 3.0 * np.pi * r_max**3
    capacity = int(1.5 * 0.5 * n * (n / box_length**d) * sphere) + 64
    while True:
        pi = np.empty(capacity, np.int64)
        pj = np.empty(capacity, np.int64)
        sep = np.empty((capacity, d))
        count = _cell_pairs(pos, float(box_length), float(r_max), offsets, pi, pj, sep)
        if count >= 0:
            break
        capacity = -count
    pi, pj, sep = pi[:count], pj[:count], sep[:count]
    if sort:
        order = np.lexsort((pj, pi))
        pi, pj, sep = pi[order], pj[order], sep[order]
    return pi, pj, sep
