"""Two-dimensional scalar spring networks (seed 002, Jiang).

The model of C. Jiang, "Microscopic origin of Boson peak in amorphous
solids" (seed file ``002_3eb2c22b0ce6c76a.txt``, Sec. II, Fig. 1):

* N = n_side² nodes of unit mass on a periodic square lattice with lattice
  constant a (box L = n_side·a); every node is moved off its site by exactly
  δ along a direction θ uniform in [0, 2π).
* Springs (Fig. 1): ``"nearest"`` joins the four square-lattice neighbours of
  each node by lattice index, whatever their distance (coordination 4 for
  all); ``"cutoff"`` joins every pair closer than a + δ (minimum image), so
  the coordination number fluctuates.
* Spring constants: ``"inverse_distance"`` t_ij = t0·a/r_ij (the seed's
  t0/r_ij with a = 1, t0 = 1); ``"constant"`` t_ij = t0 (seed Fig. 4 left).
* Scalar dynamical matrix (unit masses): H_ij = −t_ij, H_ii = Σ_j t_ij; its
  eigenvalues are λ = ω².  It is a weighted graph Laplacian, so it has exactly
  one zero mode per connected component of the network.

Units: lengths in units of a (``lattice_constant`` = 1 by default), spring
constants in units of t0, eigenvalues in t0/m and frequencies in sqrt(t0/m).

The seed's finding: with ``"nearest"`` the reduced density of states
g(ω)/ω follows Debye at low ω for every δ (spring-strength disorder only
damps the Van Hove peak); with ``"cutoff"`` excess modes (a boson peak near
ω ≈ 0.5) appear for δ > 0, with inverse-distance and constant springs alike
(Figs. 2 and 4 left); 60 × 60 networks, δ ∈ {0, 0.1, 0.2, 0.3}, ten seeds.

References
----------
C. Jiang, "Microscopic origin of Boson peak in amorphous solids", seed file
``002_3eb2c22b0ce6c76a.txt``: Sec. II (model), Figs. 1, 2, 3 and 4 (left).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
import scipy.sparse
import xarray as xr
from scipy.spatial import cKDTree

from vdosbench.datasets import convention_attrs, coordinate, provenance

from ..engine.parameters import Parameter, check_integer, check_real, seed_attrs
from ..engine.registry import Generator, register
from ..spectra import default_vector_modes, full_spectrum, full_spectrum_bytes, laplacian_zero_modes

__all__ = [
    "CONNECTIVITIES",
    "GENERATOR_VERSION",
    "SPRINGS",
    "SPRING_NETWORK",
    "TIE_TOLERANCE",
    "SpringNetwork",
    "SpringNetworkParams",
    "build_spring_network",
    "spring_hessian",
    "spring_network_memory",
    "spring_network_sample",
]

#: Version of this generator, recorded as ``generator_version``.
GENERATOR_VERSION = "1.0.0"
#: Valid values of ``connectivity``.
CONNECTIVITIES = ("nearest", "cutoff")
#: Valid values of ``spring``.
SPRINGS = ("inverse_distance", "constant")
#: Relative tie tolerance of the cutoff rule: bond when r < a + δ + TIE_TOLERANCE·a.
TIE_TOLERANCE = 1e-9

REFERENCE = (
    'C. Jiang, "Microscopic origin of Boson peak in amorphous solids" '
    "(vdosbench seed 002, file 002_3eb2c22b0ce6c76a.txt; Sec. II, Figs. 1, 2, 3, 4)"
)


@dataclass(frozen=True)
class SpringNetworkParams:
    """Settings of one spring network (seed 002, Sec. II).

    Parameters
    ----------
    n_side
        √N, nodes per side of the periodic square lattice; ≥ 3 so that the
        four lattice neighbours of a node are distinct (seed: 60).
    delta
        Displacement δ of every node from its lattice site, in [0, a/2)
        (at δ ≥ a/2 two neighbours can coincide and t0/r diverge); units of a.
    connectivity
        ``"nearest"`` (the four lattice bonds of each node, seed Fig. 1 left)
        or ``"cutoff"`` (all pairs with r < a + δ, Fig. 1 right).
    spring
        ``"inverse_distance"`` (t_ij = t0·a/r_ij) or ``"constant"`` (t_ij = t0).
    lattice_constant
        a > 0; lengths are in units of a when a = 1 (the default).
    t0
        Spring-constant scale, > 0 (seed: 1).
    n_vectors
        How many low modes (from mode 1 upward, see
        :func:`~vdosbench.generators.spectra.default_vector_modes`) keep their
        eigenvectors.
    vector_modes
        Further mode indices whose eigenvectors are kept.

    Examples
    --------
    >>> SpringNetworkParams(n_side=4, delta=0.2).box_length
    4.0
    >>> SpringNetworkParams(connectivity="knn")
    Traceback (most recent call last):
    ...
    ValueError: unknown connectivity 'knn'; expected one of ('nearest', 'cutoff')
    """

    n_side: int = 60
    delta: float = 0.0
    connectivity: str = "nearest"
    spring: str = "inverse_distance"
    lattice_constant: float = 1.0
    t0: float = 1.0
    n_vectors: int = 20
    vector_modes: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "n_side", check_integer("n_side", self.n_side, 3))
        a = check_real("lattice_constant", self.lattice_constant)
        if a <= 0:
            raise ValueError(f"lattice_constant must be > 0, found {a}; pass a positive length")
        set_(self, "lattice_constant", a)
        t0 = check_real("t0", self.t0)
        if t0 <= 0:
            raise ValueError(
                f"t0 must be > 0, found {t0}; springs must be positive for a stable network "
                "(and for the exact count of zero modes)"
            )
        set_(self, "t0", t0)
        delta = check_real("delta", self.delta)
        if not 0.0 <= delta < 0.5 * a:
            raise ValueError(
                f"delta must satisfy 0 <= delta < lattice_constant/2 = {0.5 * a:g}, found {delta:g}; "
                "at delta >= a/2 two displaced neighbours can coincide (r = a - 2 delta <= 0) "
                "and t0/r diverges: choose a smaller displacement"
            )
        set_(self, "delta", delta)
        for name, valid in (("connectivity", CONNECTIVITIES), ("spring", SPRINGS)):
            value = getattr(self, name)
            if not isinstance(value, (str, np.str_)) or str(value) not in valid:
                raise ValueError(f"unknown {name} {value!r}; expected one of {valid}")
            set_(self, name, str(value))
        set_(self, "n_vectors", check_integer("n_vectors", self.n_vectors, 0))
        if isinstance(self.vector_modes, (str, bytes)) or not hasattr(self.vector_modes, "__iter__"):
            raise TypeError(
                f"vector_modes must be a sequence of mode indices, found {self.vector_modes!r}; pass e.g. (100, 200)"
            )
        modes = tuple(check_integer("vector_modes entry", m, 0) for m in self.vector_modes)
        if modes and max(modes) >= self.n_site:
            raise ValueError(
                f"vector_modes must lie in [0, {self.n_site}) for n_side={self.n_side}, "
                f"found {max(modes)}; drop the out-of-range indices"
            )
        set_(self, "vector_modes", modes)

    @classmethod
    def from_mapping(cls, params: Mapping[str, Any]) -> SpringNetworkParams:
        """Build from a mapping (e.g. the ensemble runner's merged parameters).

        Raises
        ------
        ValueError
            On a key that is not a field, listing the valid fields.
        """
        valid = [f.name for f in fields(cls)]
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(f"unknown spring-network parameter(s) {unknown}; valid parameters are {valid}")
        return cls(**dict(params))

    @property
    def n_site(self) -> int:
        """Number of nodes N = n_side²."""
        return self.n_side * self.n_side

    @property
    def box_length(self) -> float:
        """Periodic box edge L = n_side·a."""
        return self.n_side * self.lattice_constant

    @property
    def tie_tolerance(self) -> float:
        """Absolute tie tolerance of the cutoff rule, TIE_TOLERANCE·a."""
        return TIE_TOLERANCE * self.lattice_constant

    @property
    def cutoff(self) -> float:
        """Bond length bound of ``"cutoff"`` networks, a + δ + tie tolerance."""
        return self.lattice_constant + self.delta + self.tie_tolerance


@dataclass(frozen=True)
class SpringNetwork:
    """One realised network.

    Attributes
    ----------
    params
        The settings.
    positions
        Shape (N, 2), node positions wrapped into [0, L); units of a.
    displacements
        Shape (N, 2), displacement of each node from its lattice site
        (length exactly δ).
    pair_i, pair_j
        Shape (n_pair,), int64, the two nodes of each spring, pair_i < pair_j,
        sorted lexicographically.
    pair_distance
        Shape (n_pair,), spring length r_ij (units of a).
    pair_stiffness
        Shape (n_pair,), spring constant t_ij (units of t0).
    """

    params: SpringNetworkParams
    positions: np.ndarray
    displacements: np.ndarray
    pair_i: np.ndarray
    pair_j: np.ndarray
    pair_distance: np.ndarray
    pair_stiffness: np.ndarray

    @property
    def n_site(self) -> int:
        """Number of nodes N."""
        return int(self.positions.shape[0])

    @property
    def coordination(self) -> np.ndarray:
        """Shape (N,), int64: number of springs on each node."""
        return np.bincount(np.concatenate([self.pair_i, self.pair_j]), minlength=self.n_site).astype(np.int64)

    def hessian(self) -> scipy.sparse.csr_matrix:
        """The scalar dynamical matrix H (N × N, CSR), see :func:`spring_hessian`."""
        return spring_hessian(self.n_site, self.pair_i, self.pair_j, self.pair_stiffness)


def spring_hessian(
    n_site: int, pair_i: np.ndarray, pair_j: np.ndarray, stiffness: np.ndarray
) -> scipy.sparse.csr_matrix:
    """Scalar dynamical matrix of a spring network with unit masses.

    Parameters
    ----------
    n_site
        Number of nodes N.
    pair_i, pair_j
        Shape (n_pair,), the nodes of each spring (each unordered pair once).
    stiffness
        Shape (n_pair,), spring constants t_ij > 0 (units of t0).

    Returns
    -------
    scipy.sparse.csr_matrix
        Shape (N, N): H_ij = H_ji = −t_ij, H_ii = Σ_j t_ij (rows sum to zero).

    Examples
    --------
    >>> spring_hessian(3, np.array([0, 1]), np.array([1, 2]), np.array([1.0, 2.0])).toarray()
    array([[ 1., -1.,  0.],
           [-1.,  3., -2.],
           [ 0., -2.,  2.]])
    """
    i = np.asarray(pair_i, dtype=np.int64)
    j = np.asarray(pair_j, dtype=np.int64)
    t = np.asarray(stiffness, dtype=np.float64)
    diag = np.bincount(i, weights=t, minlength=n_site) + np.bincount(j, weights=t, minlength=n_site)
    rows = np.concatenate([i, j, np.arange(n_site)])
    cols = np.concatenate([j, i, np.arange(n_site)])
    vals = np.concatenate([-t, -t, diag])
    return scipy.sparse.coo_matrix((vals, (rows, cols)), shape=(n_site, n_site)).tocsr()


def _nearest_pairs(n_side: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 2N lattice bonds (right and up neighbour of each site) and their lattice vectors."""
    ix, iy = np.meshgrid(np.arange(n_side), np.arange(n_side), indexing="xy")
    site = (iy * n_side + ix).ravel()
    right = (iy * n_side + (ix + 1) % n_side).ravel()
    up = (((iy + 1) % n_side) * n_side + ix).ravel()
    first = np.concatenate([site, site])
    second = np.concatenate([right, up])
    vectors = np.concatenate([np.tile([1.0, 0.0], (site.size, 1)), np.tile([0.0, 1.0], (site.size, 1))])
    return first, second, vectors


def _minimum_image(d: np.ndarray, box: float) -> np.ndarray:
    return d - box * np.round(d / box)


def build_spring_network(params: SpringNetworkParams, seed: np.random.SeedSequence | int) -> SpringNetwork:
    """Realise one network: displaced nodes and their springs.

    Parameters
    ----------
    params
        The settings.
    seed
        Seed of :func:`numpy.random.default_rng`, the only source of
        randomness: N angles θ uniform in [0, 2π) (drawn for every δ,
        including δ = 0).

    Returns
    -------
    SpringNetwork

    Notes
    -----
    Node s = iy·n_side + ix sits at (ix, iy)·a + δ(cos θ_s, sin θ_s), wrapped
    into [0, L).  ``"nearest"`` springs join each node to its right and upper
    lattice neighbour (periodic); their length is |a·e + u_j − u_i|, which
    for n_side ≥ 4 is the minimum-image distance.  ``"cutoff"`` springs join
    every pair whose minimum-image distance satisfies

        r < a + δ + tol,  tol = TIE_TOLERANCE·a = 1e-9·a.

    The tolerance settles the tie at δ = 0, where every lattice bond sits
    exactly at r = a: with it the cutoff network at δ = 0 is the square
    crystal (coordination 4), as in the seed.  Since n_side ≥ 3 and δ < a/2,
    L ≥ 3a > 2(a + δ), so no pair is bonded through two images.

    Examples
    --------
    >>> net = build_spring_network(SpringNetworkParams(n_side=5, delta=0.0, connectivity="cutoff"), 0)
    >>> net.pair_i.size, set(net.coordination.tolist())
    (50, {4})
    """
    a = params.lattice_constant
    n = params.n_side
    box = params.box_length
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0.0, 2.0 * np.pi, size=params.n_site)
    displacements = params.delta * np.column_stack([np.cos(theta), np.sin(theta)])
    ix, iy = np.meshgrid(np.arange(n), np.arange(n), indexing="xy")
    sites = a * np.column_stack([ix.ravel(), iy.ravel()]).astype(np.float64)
    positions = np.mod(sites + displacements, box)
    positions[positions >= box] = 0.0  # np.mod can round a tiny negative up to box

    if params.connectivity == "nearest":
        first, second, lattice_vectors = _nearest_pairs(n)
        vectors = a * lattice_vectors + displacements[second] - displacements[first]
        distance = np.hypot(vectors[:, 0], vectors[:, 1])
        i = np.minimum(first, second)
        j = np.maximum(first, second)
    else:
        tree = cKDTree(positions, boxsize=box)
        candidates = tree.query_pairs(params.cutoff * (1.0 + 1e-12), output_type="ndarray")
        candidates = candidates.reshape(-1, 2).astype(np.int64)
        vectors = _minimum_image(positions[candidates[:, 1]] - positions[candidates[:, 0]], box)
        distance = np.hypot(vectors[:, 0], vectors[:, 1])
        keep = distance < params.cutoff
        i = np.minimum(candidates[keep, 0], candidates[keep, 1])
        j = np.maximum(candidates[keep, 0], candidates[keep, 1])
        distance = distance[keep]
    order = np.lexsort((j, i))
    i, j, distance = i[order], j[order], distance[order]
    if params.spring == "inverse_distance":
        stiffness = params.t0 * a / distance
    else:
        stiffness = np.full(distance.shape, params.t0)
    return SpringNetwork(
        params=params,
        positions=positions,
        displacements=displacements,
        pair_i=i.astype(np.int64),
        pair_j=j.astype(np.int64),
        pair_distance=distance,
        pair_stiffness=stiffness,
    )


#: Bytes per node besides the dense eigenproblem (sparse matrix, positions, springs, the stored sample):
#: measured with tracemalloc at n_side = 40, 200 B; rounded up.
BYTES_PER_NODE = 1000


def spring_network_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one sample (the generator's ``memory_estimate``): the dense N × N eigenproblem plus O(N).

    Examples
    --------
    >>> spring_network_memory({"n_side": 60}) / 1e6             # seed 002: 3600 nodes
    212.5728
    >>> round(spring_network_memory({"n_side": 31623}) / 1e18)  # 10^9 nodes: refused before it is tried
    16
    """
    p = SpringNetworkParams.from_mapping(params)
    modes = default_vector_modes(p.n_site, p.n_vectors, p.vector_modes)
    return full_spectrum_bytes(p.n_site, modes) + BYTES_PER_NODE * p.n_site


def _network_variables(
    net: SpringNetwork,
    p: SpringNetworkParams,
    sample: int,
    modes: np.ndarray,
    eigenvalues: np.ndarray,
    vectors: np.ndarray,
    zero: np.ndarray,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Coordinates and variables of one sample: spectrum, eigenvectors, nodes, box, coordination and the springs."""
    n_pair = int(net.pair_i.size)
    one = {"units": "1"}
    coords = {
        "sample": coordinate("sample", np.array([sample], dtype=np.int64)),
        "mode": coordinate("mode", np.arange(p.n_site, dtype=np.int64)),
        "spatial": coordinate("spatial", np.array(["x", "y"])),
        "vector_mode": coordinate("vector_mode", modes),
    }
    data_vars = {
        "eigenvalue": (
            ("sample", "mode"),
            eigenvalues[None, :],
            {"long_name": "eigenvalue of the scalar dynamical matrix (omega squared, units t0/m)", **one},
        ),
        "zero_mode": (
            ("sample", "mode"),
            zero[None, :],
            {"long_name": "zero mode flag (one per connected component of the network)", **one},
        ),
        "eigenvector": (
            ("sample", "vector_mode", "site"),
            vectors.T[None, :, :],
            {"long_name": "normalised eigenvector of the scalar dynamical matrix", **one},
        ),
        "position": (
            ("sample", "site", "spatial"),
            net.positions[None, :, :],
            {"long_name": "node position (wrapped into the periodic box, units of a)", **one},
        ),
        "box_length": (
            ("sample",),
            np.array([p.box_length]),
            {"long_name": "periodic box edge (units of a)", **one},
        ),
        "coordination": (
            ("sample", "site"),
            net.coordination[None, :],
            {"long_name": "number of springs on the node (coordination number)", **one},
        ),
        "pair_count": (
            ("sample",),
            np.array([n_pair], dtype=np.int64),
            {"long_name": "number of springs in the sample", "sample_dimension": "pair", **one},
        ),
        "pair_i": ("pair", net.pair_i, {"long_name": "first node of the spring", **one}),
        "pair_j": ("pair", net.pair_j, {"long_name": "second node of the spring", **one}),
        "pair_distance": ("pair", net.pair_distance, {"long_name": "spring length r_ij (units of a)", **one}),
        "pair_stiffness": (
            "pair",
            net.pair_stiffness,
            {"long_name": "spring constant t_ij (units of t0)", **one},
        ),
    }
    return coords, data_vars


def _network_attrs(p: SpringNetworkParams, seed: np.random.SeedSequence | int) -> dict[str, Any]:
    """The global attributes: the convention's, the parameters, the bond and stiffness rules, seed, versions."""
    settings = asdict(p)
    settings["vector_modes"] = " ".join(str(m) for m in p.vector_modes)
    return convention_attrs(
        title=(
            f"2D scalar spring network ({p.connectivity} springs, {p.spring} spring constants, "
            f"{p.n_side}x{p.n_side}, delta={p.delta:g})"
        ),
        source=f"vdosbench.generators.spring_network {GENERATOR_VERSION}",
        references=REFERENCE,
        spatial_dimension=2,
        site_degrees_of_freedom=1,
        **settings,
        mass=1.0,
        tie_tolerance=p.tie_tolerance,
        bond_rule=(
            "four square-lattice neighbours by lattice index"
            if p.connectivity == "nearest"
            else "minimum-image distance r < lattice_constant + delta + tie_tolerance"
        ),
        stiffness_rule="t0*lattice_constant/r" if p.spring == "inverse_distance" else "t0",
        vector_mode_rule="modes 1..n_vectors plus vector_modes (fixed indices for every sample)",
        **provenance("spring_network", GENERATOR_VERSION, **seed_attrs(seed)),
    )


def spring_network_sample(
    params: Mapping[str, Any] | SpringNetworkParams,
    seed: np.random.SeedSequence | int,
    sample: int,
) -> xr.Dataset:
    """One spring-network sample as a VDOS-1.0 dataset.

    Parameters
    ----------
    params
        :class:`SpringNetworkParams` or a mapping of its fields (missing
        fields take the defaults); unknown keys raise ``ValueError``.
    seed
        This sample's :class:`numpy.random.SeedSequence` (an int is accepted
        and wrapped); the only source of randomness.
    sample
        The sample index, stored as the ``sample`` coordinate.

    Returns
    -------
    xarray.Dataset
        Dimensions ``sample`` (1), ``mode`` (N), ``site`` (N), ``spatial``
        (``"x"``, ``"y"``), ``vector_mode``, ``pair``.  Variables:
        ``eigenvalue`` (sample, mode) λ = ω² ascending, units t0/m;
        ``zero_mode`` (sample, mode) bool, one per connected component;
        ``eigenvector`` (sample, vector_mode, site), normalised;
        ``position`` (sample, site, spatial); ``box_length`` (sample);
        ``coordination`` (sample, site) int; ragged springs ``pair_count``
        (sample), ``pair_i``, ``pair_j``, ``pair_distance``,
        ``pair_stiffness`` (pair).  Every parameter, the tie tolerance, the
        generator name and version, ``root_seed``, ``seed_spawn_key`` and
        ``vdosbench_version`` are global attributes.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = spring_network_sample({"n_side": 4, "delta": 0.2, "connectivity": "cutoff"},
    ...                            np.random.SeedSequence(7), sample=3)
    >>> check(ds)
    >>> dict(ds.sizes)["mode"], ds["sample"].values.tolist()
    (16, [3])
    """
    p = params if isinstance(params, SpringNetworkParams) else SpringNetworkParams.from_mapping(params)
    sample = check_integer("sample", sample, 0)
    net = build_spring_network(p, seed)
    hessian = net.hessian()
    modes = default_vector_modes(p.n_site, p.n_vectors, p.vector_modes)
    eigenvalues, vectors = full_spectrum(hessian, modes)
    zero = laplacian_zero_modes(hessian)
    coords, data_vars = _network_variables(net, p, sample, modes, eigenvalues, vectors, zero)
    attrs = _network_attrs(p, seed)
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


#: The registered generator (``get_generator("spring_network")``).  ``replace=True``
#: lets a re-import of this module (``importlib.reload``) register it again.
SPRING_NETWORK = register(
    Generator(
        name="spring_network",
        version=GENERATOR_VERSION,
        make_sample=spring_network_sample,
        check_params=SpringNetworkParams.from_mapping,
        parameters=(
            Parameter(
                "delta",
                "displacement of nodes from lattice sites",
                (0.0, 0.1, 0.2, 0.3),
                units="1",
                grid=True,
                minimum=0.0,
                note="< lattice_constant/2",
            ),
            Parameter(
                "connectivity",
                "spring connectivity (nearest: four lattice neighbours; cutoff: r < a + delta)",
                CONNECTIVITIES,
                grid=True,
                kind="choice",
                choices=CONNECTIVITIES,
            ),
            Parameter(
                "spring",
                "spring constant rule (inverse_distance: t0 a/r; constant: t0)",
                SPRINGS,
                grid=True,
                kind="choice",
                choices=SPRINGS,
            ),
            Parameter(
                "n_side", "nodes per side of the periodic square lattice, sqrt(N)", 60, units="1", kind="int", minimum=3
            ),
            Parameter(
                "n_vectors",
                "eigenvectors kept for the lowest modes from mode 1 up",
                20,
                units="1",
                kind="int",
                minimum=0,
            ),
            Parameter("lattice_constant", "lattice constant a", 1.0, units="1", minimum=0.0, open_minimum=True),
            Parameter("t0", "spring-constant scale t0", 1.0, units="1", minimum=0.0, open_minimum=True),
        ),
        memory_estimate=spring_network_memory,
        description="2D scalar spring network on a displaced square lattice (seed 002, Jiang)",
        source="seed 002",
    ),
    replace=True,
)
