"""The nine-node Green's-function toy of seed 002 (Jiang, Fig. 4 right).

A 3 × 3 square patch of unit masses and unit springs with periodic
boundaries (a 3 × 3 torus), so that every node has coordination 4 as in the
seed.  Its scalar dynamical matrix is the Laplacian of the product of two
triangles, with eigenvalues 0, 3 (four-fold) and 6 (four-fold): the local
response shows only two poles apart from ω = 0.

Two perturbed variants change the coordination of two nodes:

* ``"added"``: an extra spring between the centre node and the top-left node
  (both get coordination 5);
* ``"missing"``: the spring between the centre node and the left node is
  removed (both get coordination 3).

Each perturbation is rank one, H' = H ± w wᵀ with w = e_i − e_j, so in each
four-fold degenerate eigenspace that w touches exactly one eigenvalue moves:
three stay at 3, three at 6, and two new poles appear (seed: "two
additional poles").  The secular equation Σ_k c_k/(μ − λ_k) = ±1 with
c_k = |P_k w|² gives the new eigenvalues 4 and 7 for ``"added"`` and 2 and 5
for ``"missing"``.

The local response is −Im G_ii(ω) with the seed's Green's function (Eq. 1)

    G(ω) = [(ω² + iε) I − H]⁻¹,

computed by direct matrix inversion.  Spectrally,
−Im G_ii(ω) = Σ_n |v_n(i)|² ε / ((ω² − λ_n)² + ε²): a pole λ_n gives a peak
at ω = √λ_n of half-width ε in λ (≈ ε/(2ω) in ω).  The default ε = 10⁻²
and the default grid ω = 0.001, 0.002, ..., 3.000 resolve every peak (the
half-width ≈ 0.0025 at ω = 2 spans a few grid steps, and the closest poles,
√5 and √6, are 0.21 apart).

Units: frequencies in sqrt(t0/m), eigenvalues and ε in t0/m, G in m/t0, all
with t0 = m = 1; lengths in units of the lattice constant a = 1.

References
----------
C. Jiang, "Microscopic origin of Boson peak in amorphous solids", seed file
``002_3eb2c22b0ce6c76a.txt``: Eq. (1) and Fig. 4 (right).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from vdosbench.datasets import convention_attrs, coordinate, provenance

from ..engine.parameters import Parameter
from ..engine.registry import Generator, register
from ..spectra import full_spectrum, laplacian_zero_modes
from .spring_network import spring_hessian

__all__ = [
    "CENTRE",
    "DEFAULT_EPSILON",
    "LEFT",
    "TOP_LEFT",
    "TOY_VERSION",
    "VARIANTS",
    "default_omega",
    "local_response",
    "nine_node_bonds",
    "nine_node_hessians",
    "nine_node_toy",
    "nine_node_toy_sample",
    "NINE_NODE_TOY",
]

#: Version of the toy builder, recorded as ``generator_version``.
TOY_VERSION = "1.0.0"
#: The three situations of seed 002, Fig. 4 right.
VARIANTS = ("lattice", "added", "missing")
#: Default ε of G(ω) = [(ω² + iε)I − H]⁻¹ (units t0/m).
DEFAULT_EPSILON = 1e-2
#: Node indices (site s = 3·iy + ix, x = ix, y = iy, y pointing up).
CENTRE = 4
TOP_LEFT = 6
LEFT = 3
_N_SIDE = 3

_REFERENCE = (
    'C. Jiang, "Microscopic origin of Boson peak in amorphous solids" '
    "(vdosbench seed 002, file 002_3eb2c22b0ce6c76a.txt; Eq. 1, Fig. 4 right)"
)


def default_omega() -> np.ndarray:
    """The default frequency grid: 0.001, 0.002, ..., 3.000 (3000 points, sqrt(t0/m))."""
    return np.arange(1, 3001) * 1e-3


def nine_node_bonds(variant: str) -> tuple[np.ndarray, np.ndarray]:
    """Springs of one variant of the toy.

    Parameters
    ----------
    variant
        ``"lattice"``, ``"added"`` or ``"missing"``.

    Returns
    -------
    pair_i, pair_j : numpy.ndarray
        Shape (n_pair,), int64, pair_i < pair_j, sorted: 18 springs for the
        lattice (3 × 3 torus), 19 for ``"added"``, 17 for ``"missing"``.

    Examples
    --------
    >>> [nine_node_bonds(v)[0].size for v in VARIANTS]
    [18, 19, 17]
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")
    bonds: set[tuple[int, int]] = set()
    for iy in range(_N_SIDE):
        for ix in range(_N_SIDE):
            s = _N_SIDE * iy + ix
            right = _N_SIDE * iy + (ix + 1) % _N_SIDE
            up = _N_SIDE * ((iy + 1) % _N_SIDE) + ix
            bonds.update({(min(s, right), max(s, right)), (min(s, up), max(s, up))})
    if variant == "added":
        bonds.add((min(CENTRE, TOP_LEFT), max(CENTRE, TOP_LEFT)))
    elif variant == "missing":
        bonds.remove((min(CENTRE, LEFT), max(CENTRE, LEFT)))
    pairs = np.array(sorted(bonds), dtype=np.int64)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def nine_node_hessians() -> dict[str, np.ndarray]:
    """Dense 9 × 9 dynamical matrices of the three variants (unit springs and masses).

    Returns
    -------
    dict
        ``{"lattice": H, "added": H, "missing": H}``, each shape (9, 9),
        H_ij = −1 on springs, H_ii = coordination of node i.

    Examples
    --------
    >>> h = nine_node_hessians()
    >>> np.diag(h["added"]).astype(int).tolist()
    [4, 4, 4, 4, 5, 4, 5, 4, 4]
    """
    out: dict[str, np.ndarray] = {}
    for variant in VARIANTS:
        i, j = nine_node_bonds(variant)
        out[variant] = spring_hessian(_N_SIDE**2, i, j, np.ones(i.size)).toarray()
    return out


def local_response(hessian: ArrayLike, omega: ArrayLike, epsilon: float = DEFAULT_EPSILON) -> np.ndarray:
    """Local response −Im G_ii(ω) by direct inversion of (ω² + iε)I − H.

    Parameters
    ----------
    hessian
        Dense real symmetric dynamical matrix H, shape (n, n), units t0/m.
        Meant for small n: one n × n complex inversion per frequency.
    omega
        Frequencies, shape (n_omega,), units sqrt(t0/m).
    epsilon
        ε > 0 of G(ω) = [(ω² + iε)I − H]⁻¹ (seed 002, Eq. 1), units t0/m.

    Returns
    -------
    numpy.ndarray
        Shape (n, n_omega): −Im G_ii(ω) for every site i, units m/t0.

    Examples
    --------
    >>> r = local_response(np.array([[1.0]]), [1.0], epsilon=0.5)
    >>> float(r[0, 0])  # ε / ((ω² − λ)² + ε²) = 1/ε at the pole
    2.0
    """
    h = np.asarray(hessian, dtype=np.float64)
    if h.ndim != 2 or h.shape[0] != h.shape[1]:
        raise ValueError(f"hessian must be a square (n, n) matrix, found shape {h.shape}")
    w = np.asarray(omega, dtype=np.float64)
    if w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w)):
        raise ValueError(
            f"omega must be a non-empty 1-D array of finite frequencies, found shape {w.shape}; "
            "pass e.g. np.linspace(0.01, 3, 300)"
        )
    eps = float(epsilon)
    if not eps > 0 or not np.isfinite(eps):
        raise ValueError(f"epsilon must be a finite number > 0, found {epsilon!r}; pass e.g. 1e-2")
    n = h.shape[0]
    z = (w**2 + 1j * eps)[:, None, None]
    resolvent = np.linalg.inv(z * np.eye(n)[None, :, :] - h[None, :, :])
    return -np.diagonal(resolvent, axis1=1, axis2=2).imag.T.copy()


def _positions() -> np.ndarray:
    ix, iy = np.meshgrid(np.arange(_N_SIDE), np.arange(_N_SIDE), indexing="xy")
    return np.column_stack([ix.ravel(), iy.ravel()]).astype(np.float64)


def _pair_distance(i: np.ndarray, j: np.ndarray) -> np.ndarray:
    d = _positions()[j] - _positions()[i]
    d -= _N_SIDE * np.round(d / _N_SIDE)
    return np.hypot(d[:, 0], d[:, 1])


def _variant_arrays(variants: tuple[str, ...], grid: np.ndarray, epsilon: float) -> dict[str, list[Any]]:
    """Per variant: spectrum, zero modes, eigenvectors, coordination, local response and the springs."""
    n = _N_SIDE**2
    hessians = nine_node_hessians()
    all_modes = np.arange(n, dtype=np.int64)
    eigenvalues, zero, vectors, coordination, response = [], [], [], [], []
    counts, pi, pj, pd = [], [], [], []
    for variant in variants:
        h = hessians[variant]
        lam, vec = full_spectrum(h, all_modes)
        eigenvalues.append(lam)
        zero.append(laplacian_zero_modes(h))
        vectors.append(vec.T)
        coordination.append(np.rint(np.diag(h)).astype(np.int64))
        response.append(local_response(h, grid, epsilon))
        i, j = nine_node_bonds(variant)
        counts.append(i.size)
        pi.append(i)
        pj.append(j)
        pd.append(_pair_distance(i, j))
    return {
        "eigenvalues": eigenvalues,
        "zero": zero,
        "vectors": vectors,
        "coordination": coordination,
        "response": response,
        "counts": counts,
        "pi": pi,
        "pj": pj,
        "pd": pd,
    }


def _toy_coords(variants: tuple[str, ...], all_modes: np.ndarray, grid: np.ndarray) -> dict[str, Any]:
    """The variant, sample, mode, vector_mode, spatial and omega coordinates."""
    one = {"units": "1"}
    return {
        "variant": (
            "variant",
            np.array(variants),
            {"long_name": "nine-node toy situation (lattice, added spring, missing spring)"},
        ),
        "sample": coordinate("sample", np.array([0], dtype=np.int64)),
        "mode": coordinate("mode", all_modes),
        "vector_mode": coordinate("vector_mode", all_modes),
        "spatial": coordinate("spatial", np.array(["x", "y"])),
        "omega": ("omega", grid, {"long_name": "angular frequency (units sqrt(t0/m))", **one}),
    }


def _toy_data_vars(a: dict[str, list[Any]], n_var: int) -> dict[str, Any]:
    """The data variables of the variants from :func:`_variant_arrays`."""
    n = _N_SIDE**2
    one = {"units": "1"}
    pair_distance = np.concatenate(a["pd"])
    return {
        "eigenvalue": (
            ("variant", "sample", "mode"),
            np.stack(a["eigenvalues"])[:, None, :],
            {"long_name": "eigenvalue of the scalar dynamical matrix (omega squared, units t0/m)", **one},
        ),
        "zero_mode": (
            ("variant", "sample", "mode"),
            np.stack(a["zero"])[:, None, :],
            {"long_name": "zero mode flag (one per connected component)", **one},
        ),
        "eigenvector": (
            ("variant", "sample", "vector_mode", "site"),
            np.stack(a["vectors"])[:, None, :, :],
            {"long_name": "normalised eigenvector of the scalar dynamical matrix", **one},
        ),
        "position": (
            ("variant", "sample", "site", "spatial"),
            np.broadcast_to(_positions(), (n_var, 1, n, 2)).copy(),
            {"long_name": "node position (lattice site, units of a)", **one},
        ),
        "box_length": (
            ("variant", "sample"),
            np.full((n_var, 1), float(_N_SIDE)),
            {"long_name": "periodic box edge (units of a)", **one},
        ),
        "coordination": (
            ("variant", "sample", "site"),
            np.stack(a["coordination"])[:, None, :],
            {"long_name": "number of springs on the node (coordination number)", **one},
        ),
        "pair_count": (
            ("variant", "sample"),
            np.array(a["counts"], dtype=np.int64)[:, None],
            {"long_name": "number of springs in the sample", "sample_dimension": "pair", **one},
        ),
        "pair_i": ("pair", np.concatenate(a["pi"]), {"long_name": "first node of the spring", **one}),
        "pair_j": ("pair", np.concatenate(a["pj"]), {"long_name": "second node of the spring", **one}),
        "pair_distance": ("pair", pair_distance, {"long_name": "spring length (minimum image, units of a)", **one}),
        "pair_stiffness": (
            "pair",
            np.ones_like(pair_distance),
            {"long_name": "spring constant t_ij (units of t0)", **one},
        ),
        "local_response": (
            ("variant", "sample", "site", "omega"),
            np.stack(a["response"])[:, None, :, :],
            {
                "long_name": "local response -Im G_ii(omega), G = [(omega^2 + i epsilon) I - H]^-1 "
                "by direct inversion (units m/t0)",
                **one,
            },
        ),
    }


def _toy_attrs(epsilon: float, grid: np.ndarray) -> dict[str, Any]:
    """The global attributes: the convention's, the lattice, the variants, epsilon and the omega grid."""
    return convention_attrs(
        title="nine-node spring toy: local Green's function of a 3x3 periodic patch",
        source=f"vdosbench.generators.nine_node_toy {TOY_VERSION} (epsilon and omega grid as stored)",
        references=_REFERENCE,
        spatial_dimension=2,
        site_degrees_of_freedom=1,
        n_side=_N_SIDE,
        lattice_constant=1.0,
        t0=1.0,
        mass=1.0,
        boundary="periodic (3x3 torus, coordination 4 everywhere in the lattice variant)",
        site_numbering="site = 3*iy + ix at (x, y) = (ix, iy), y up",
        centre_site=CENTRE,
        top_left_site=TOP_LEFT,
        left_site=LEFT,
        variant_added="extra spring between centre_site and top_left_site",
        variant_missing="spring between centre_site and left_site removed",
        epsilon=float(epsilon),
        greens_function="G(omega) = [(omega^2 + i epsilon) I - H]^-1, direct inversion",
        omega_min=float(grid[0]),
        omega_max=float(grid[-1]),
        omega_count=int(grid.size),
        **provenance("nine_node_toy", TOY_VERSION, root_seed="none (deterministic model, no random numbers)"),
    )


def nine_node_toy(
    omega: ArrayLike | None = None,
    epsilon: float = DEFAULT_EPSILON,
    *,
    variants: Sequence[str] = VARIANTS,
) -> xr.Dataset:
    """The nine-node toy as a VDOS-1.0 dataset with the local response curves.

    Parameters
    ----------
    omega
        Frequency grid, shape (n_omega,), units sqrt(t0/m); default
        :func:`default_omega` (0.001 ... 3.000, step 0.001).
    epsilon
        ε of G(ω) = [(ω² + iε)I − H]⁻¹, units t0/m (default 10⁻², which
        resolves all poles on the default grid).
    variants
        Which of ``"lattice"``, ``"added"``, ``"missing"`` to include (order kept).

    Returns
    -------
    xarray.Dataset
        Parameter dimension ``variant`` (coordinate of strings), ``sample``
        (length 1), ``mode`` (9), ``site`` (9), ``vector_mode`` (0..8),
        ``spatial``, ``omega``, ``pair``.  Variables: ``eigenvalue``,
        ``zero_mode`` (variant, sample, mode); ``eigenvector`` (variant,
        sample, vector_mode, site); ``position`` (variant, sample, site,
        spatial); ``box_length`` (variant, sample); ``coordination`` (variant,
        sample, site); ragged springs ``pair_count`` (variant, sample),
        ``pair_i``, ``pair_j``, ``pair_distance``, ``pair_stiffness`` (pair,
        in C order lattice → added → missing); ``local_response`` (variant,
        sample, site, omega) = −Im G_ii(ω) by direct inversion.  ε and the
        grid are recorded as attributes.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = nine_node_toy()
    >>> check(ds)
    >>> np.round(ds.eigenvalue.sel(variant="added", sample=0).values, 9).tolist()
    [0.0, 3.0, 3.0, 3.0, 4.0, 6.0, 6.0, 6.0, 7.0]
    """
    variants = tuple(str(v) for v in variants)
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown or not variants or len(set(variants)) != len(variants):
        raise ValueError(
            f"variants must be distinct names from {VARIANTS}, found {variants}; "
            "pass a subset such as ('lattice', 'added')"
        )
    grid = default_omega() if omega is None else np.asarray(omega, dtype=np.float64)
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(np.diff(grid) <= 0):
        raise ValueError(
            f"omega must be a non-empty, strictly increasing 1-D grid of finite frequencies, "
            f"found shape {grid.shape}; pass e.g. np.linspace(0.01, 3, 300)"
        )
    all_modes = np.arange(_N_SIDE**2, dtype=np.int64)
    arrays = _variant_arrays(variants, grid, epsilon)
    coords = _toy_coords(variants, all_modes, grid)
    data_vars = _toy_data_vars(arrays, len(variants))
    attrs = _toy_attrs(epsilon, grid)
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def check_nine_node_toy_params(params: Mapping[str, Any]) -> None:
    """Refuse an unknown ``variant`` or a non-positive ``epsilon`` (the generator's ``check_params``)."""
    unknown = sorted(set(params) - {"variant", "epsilon"})
    if unknown:
        raise ValueError(f"unknown nine-node-toy parameter(s) {unknown}; valid parameters are ['variant', 'epsilon']")
    if params.get("variant") not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, found {params.get('variant')!r}; pick one of them")
    epsilon = params.get("epsilon", DEFAULT_EPSILON)
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.integer, np.floating)) or not epsilon > 0:
        raise ValueError(f"epsilon must be a number > 0, found {epsilon!r}; pass e.g. {DEFAULT_EPSILON}")


def nine_node_toy_sample(params: Mapping[str, Any], seed: np.random.SeedSequence, sample: int) -> xr.Dataset:
    """One variant of the toy as an ensemble part (the model is deterministic; ``seed`` is unused).

    Lets the ensemble runner and ``vdosbench generate nine_node_toy`` build the
    toy like any generator: the grid parameter is ``variant``.
    """
    variant = str(params["variant"])
    ds = nine_node_toy(epsilon=float(params.get("epsilon", DEFAULT_EPSILON)), variants=(variant,))
    ds = ds.isel(variant=0, drop=True).assign_coords(sample=("sample", [int(sample)], ds["sample"].attrs))
    ds.attrs["variant"] = variant
    return ds


#: Measured one-core seconds of one toy part (29 Nov 2026: 0.018 s, ``build_in_memory`` of 20 samples of each
#: variant on this project's 2-core machine), with room for a slower machine.
TOY_PART_SECONDS = 0.05


def nine_node_toy_cost(params: Mapping[str, Any]) -> float:
    """Estimated seconds of one toy part: :data:`TOY_PART_SECONDS`, whatever the variant (nine sites, one dense
    eigenproblem of 18 × 18 and a Green's-function curve of 3000 frequencies)."""
    return TOY_PART_SECONDS


NINE_NODE_TOY = register(
    Generator(
        name="nine_node_toy",
        version=TOY_VERSION,
        make_sample=nine_node_toy_sample,
        check_params=check_nine_node_toy_params,
        cost_estimate=nine_node_toy_cost,
        parameters=(
            Parameter(
                "variant",
                "toy variant (lattice, added spring, missing spring)",
                VARIANTS,
                grid=True,
                kind="choice",
                choices=VARIANTS,
            ),
            Parameter(
                "epsilon",
                "broadening eta of the Green's function G(omega + i eta)",
                DEFAULT_EPSILON,
                units="1",
                minimum=0.0,
                open_minimum=True,
            ),
        ),
        description="seed 002 Fig. 4 right: 3x3 periodic spring lattice, one spring added or removed",
        source="seed 002",
    )
)
