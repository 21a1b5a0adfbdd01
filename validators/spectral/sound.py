"""Sound speed of a scalar spring network: exact homogenisation or the lowest shell.

Scalar model (seed 002): H_ij = −t_ij, H_ii = Σ_j t_ij, unit masses; the
long-wavelength limit is the wave equation ρ ∂²u/∂t² = σ_ab ∂_a∂_b u with
ρ = N/V and σ the effective (homogenised) "conductance" tensor of the
network, so c² = (tr σ/d)/ρ (the isotropic average).

``method="modulus"`` computes σ exactly.  Impose a uniform gradient,
u_i = E·x_i + φ_i with φ periodic, and minimise the energy
½ Σ_bonds t_ij (u_j − u_i)² = ½ Σ t_ij (E·b_ij + φ_j − φ_i)², b_ij the
minimum-image bond vector, over φ.  The stationarity condition is the graph
Laplacian system L φ_a = −Dᵀ T b_a (one node pinned per connected
component, where L is singular); then
V σ_ab = ∂²E/∂E_a∂E_b = Σ_bonds t_ij b_ij,a (b_ij,b + φ_j,b − φ_i,b).
This is exact homogenisation of the periodic network, not a fit.

``method="dispersion"`` reads c off the lowest non-zero modes: in a periodic
cubic box of edge L the lowest shell of plane waves sits at k = 2π/L and holds
2d modes (±k along each axis), so c = √(mean λ of those 2d modes)/k.  This
carries the lattice's O(k²) dispersion correction (square lattice, t = 1:
c = √(2(1 − cos k))/k = 1 − k²/24 + ...) and, in a disordered network, the
scattering shift of the lowest shell.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.sparse as sp
import xarray as xr
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from vdosbench.datasets.accessor import VdosAccessor

from ..results.points import point_view
from ..results.result import Measurement, bootstrap

__all__ = [
    "homogenized_conductance",
    "conductance_tensor",
    "sound_speed",
    "measure_sound_speed",
    "has_springs",
]

SoundMethod = Literal["modulus", "dispersion"]

_SPRING_VARS = ("pair_count", "pair_i", "pair_j", "pair_stiffness", "position", "box_length")


def homogenized_conductance(
    pair_i: np.ndarray,
    pair_j: np.ndarray,
    stiffness: np.ndarray,
    position: np.ndarray,
    box_length: float | np.ndarray,
) -> np.ndarray:
    """Effective conductance tensor σ of a periodic scalar spring network.

    Parameters
    ----------
    pair_i, pair_j
        Site indices of the springs, shape ``(n_pair,)``.
    stiffness
        Spring constants t_ij ≥ 0, shape ``(n_pair,)``.
    position
        Site positions, shape ``(n_site, d)``, units of length.
    box_length
        Periodic box edge (scalar) or edges (shape ``(d,)``).

    Returns
    -------
    numpy.ndarray
        σ, shape ``(d, d)``, symmetric: the relaxed energy of a uniform
        gradient E is ½ V Eᵀ σ E (module docstring).

    Examples
    --------
    >>> L = 4; x, y = np.divmod(np.arange(L * L), L)
    >>> pos = np.c_[x, y].astype(float); idx = x * L + y
    >>> i = np.r_[idx, idx]; j = np.r_[((x + 1) % L) * L + y, x * L + (y + 1) % L]
    >>> np.round(homogenized_conductance(i, j, np.ones(i.size), pos, L), 12)
    array([[1., 0.],
           [0., 1.]])
    """
    pos = np.asarray(position, dtype=float)
    n_site, d = pos.shape
    i = np.asarray(pair_i, dtype=np.int64)
    j = np.asarray(pair_j, dtype=np.int64)
    t = np.asarray(stiffness, dtype=float)
    if not (i.shape == j.shape == t.shape and i.ndim == 1):
        raise ValueError(
            f"pair_i, pair_j, stiffness have shapes {i.shape}, {j.shape}, {t.shape}; expected equal 1-D shapes"
        )
    if i.size and (min(i.min(), j.min()) < 0 or max(i.max(), j.max()) >= n_site):
        raise ValueError(f"pair indices outside [0, {n_site}); expected site indices of this sample")
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError("spring stiffness must be finite and >= 0 (a negative spring has no stable homogenisation)")
    box = np.broadcast_to(np.asarray(box_length, dtype=float), (d,))
    volume = float(np.prod(box))
    b = pos[j] - pos[i]
    b -= box * np.round(b / box)
    keep = t > 0
    i, j, t, b = i[keep], j[keep], t[keep], b[keep]
    lap = sp.coo_matrix((np.r_[t, t, -t, -t], (np.r_[i, j, i, j], np.r_[i, j, j, i])), shape=(n_site, n_site)).tocsr()
    tb = t[:, None] * b
    rhs = np.zeros((n_site, d))
    np.add.at(rhs, j, -tb)
    np.add.at(rhs, i, tb)
    _, labels = connected_components(lap, directed=False)
    pinned = np.unique(labels, return_index=True)[1]
    free = np.ones(n_site, dtype=bool)
    free[pinned] = False
    phi = np.zeros((n_site, d))
    if free.any():
        reduced = lap[free][:, free].tocsc()
        phi[free] = splu(reduced).solve(rhs[free])
    strain = b + phi[j] - phi[i]
    sigma = tb.T @ strain / volume
    return 0.5 * (sigma + sigma.T)


def has_springs(ds: xr.Dataset | VdosAccessor) -> bool:
    """Whether ``ds`` (or its ``ds.vdos`` view) holds what ``method="modulus"`` needs (pairs with stiffness,
    positions, box)."""
    return (ds if isinstance(ds, VdosAccessor) else ds.vdos).has(*_SPRING_VARS)


def _require_scalar(dimension: int, dof: int, what: str) -> None:
    """Raise unless the model is scalar (``site_degrees_of_freedom = 1``); ``what`` names the quantity."""
    if dof != 1:
        raise ValueError(
            f"{what} is defined here for scalar models (site_degrees_of_freedom = 1); found "
            f"site_degrees_of_freedom = {dof} (VDOS-1.0 default: spatial_dimension = {dimension}). Fix: set "
            "ds.attrs['site_degrees_of_freedom'] = 1 if the model is scalar"
        )


def _spring_arrays(view: VdosAccessor) -> tuple[list[tuple[np.ndarray, ...]], np.ndarray, np.ndarray]:
    """The springs ``(pair_i, pair_j, pair_stiffness)`` of each sample, the positions (sample, site, spatial) and
    the box edges (sample[, spatial]) of one checked point; a clear error when a spring variable is missing."""
    missing = [v for v in _SPRING_VARS if not view.has(v)]
    if missing:
        raise ValueError(
            f"method 'modulus' needs the springs: expected {list(_SPRING_VARS)}, missing {missing}; "
            "store them (VDOS-1.0 ragged pairs) or use method='dispersion'"
        )
    box = view.box_length
    box_v = box.transpose("sample", "spatial").values if "spatial" in box.dims else box.values
    return view.sample_pairs("pair_i", "pair_j", "pair_stiffness"), view.position.values, box_v


def _conductances(pairs: list[tuple[np.ndarray, ...]], position: np.ndarray, box: np.ndarray) -> np.ndarray:
    """σ of each sample, shape (sample, d, d), from the arrays of :func:`_spring_arrays`."""
    return np.stack([homogenized_conductance(i, j, t, position[k], box[k]) for k, (i, j, t) in enumerate(pairs)])


def _cubic_edge(box: np.ndarray) -> np.ndarray:
    """The edge of each sample's cubic box from box values (sample[, spatial]); unequal edges are an error."""
    if box.ndim == 1:
        return box
    if not np.allclose(box, box[:, :1], rtol=1e-12):
        raise ValueError(
            "method 'dispersion' assumes a cubic box (one lowest shell of 2d modes); found unequal "
            "box edges: use method='modulus'"
        )
    return box[:, 0]


def _dispersion_speeds(omega: np.ndarray, length: np.ndarray, d: int) -> np.ndarray:
    """c = √(mean λ of the lowest 2d non-zero modes)/(2π/L) per sample; ``omega`` (sample, mode), NaN zero modes."""
    lam = []
    for row in omega:
        nz = np.sort(row[np.isfinite(row)])
        if nz.size < 2 * d:
            raise ValueError(f"method 'dispersion' needs the lowest {2 * d} non-zero modes; a sample has {nz.size}")
        lam.append(np.mean(nz[: 2 * d] ** 2))
    k = 2.0 * np.pi / np.asarray(length, dtype=float)
    return np.sqrt(np.asarray(lam)) / k


def _scalar_speeds(view: VdosAccessor, method: SoundMethod) -> tuple[np.ndarray, str]:
    """The sound speed of each sample of a checked scalar point and how it was measured (:func:`sound_speed`).

    ``"dispersion"`` reads the point one block of sample chunks at a time (eigenvalues, flags and the box only).
    """
    d = view.dimension
    _require_scalar(d, view.site_degrees_of_freedom, f"sound_speed(method={method!r})")
    if method == "modulus":
        sig = _conductances(*_spring_arrays(view))
        trace = sum(sig[:, a, a] for a in range(d))
        speeds = np.sqrt(trace / d / np.asarray(view.number_density.values, dtype=float))
        return speeds, "exact homogenisation: c^2 = (trace sigma / d) / rho, rho = n_site/V (unit masses)"
    if method != "dispersion":
        raise ValueError(f"method is {method!r}; expected one of 'modulus', 'dispersion'")
    if not view.has("box_length"):
        raise ValueError("method 'dispersion' needs box_length (sample[, spatial]) for k = 2*pi/L; store it")
    parts = []
    for _, block in view.sample_blocks(("eigenvalue", "zero_mode", "box_length")):
        box = block["box_length"]
        box_v = np.asarray(box.transpose("sample", "spatial").values if "spatial" in box.dims else box.values)
        omega = block.vdos.omega.transpose("sample", "mode").values
        parts.append(_dispersion_speeds(omega, _cubic_edge(box_v.astype(float)), d))
    how = f"lowest shell: c = sqrt(mean eigenvalue of the lowest {2 * d} non-zero modes) / (2 pi / L)"
    return np.concatenate(parts), how


def conductance_tensor(ds: xr.Dataset | VdosAccessor) -> xr.DataArray:
    """Homogenised conductance σ of every sample of a scalar spring network.

    Parameters
    ----------
    ds
        One parameter point with ``pair_count``, ``pair_i``, ``pair_j``,
        ``pair_stiffness``, ``position`` (sample, site, spatial) and
        ``box_length`` (sample[, spatial]); or its ``ds.vdos`` view.

    Returns
    -------
    xarray.DataArray
        σ with dims ``(sample, spatial, spatial_b)``.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_site=9, pairs_per_sample=12, n_sample=2)
    >>> ds["pair_stiffness"] = ds.pair_distance.copy(data=np.ones(24))
    >>> conductance_tensor(ds).dims
    ('sample', 'spatial', 'spatial_b')
    """
    view = point_view(ds, "conductance_tensor")
    _require_scalar(view.dimension, view.site_degrees_of_freedom, "the homogenised conductance")
    sig = _conductances(*_spring_arrays(view))
    data = view.dataset
    coords = {"sample": data["sample"]}
    if "spatial" in data.coords:
        coords["spatial"] = data["spatial"]
        coords["spatial_b"] = ("spatial_b", data["spatial"].values, {"long_name": "Cartesian component (second index)"})
    return xr.DataArray(
        sig,
        dims=("sample", "spatial", "spatial_b"),
        coords=coords,
        name="conductance",
        attrs={"long_name": "homogenised conductance tensor sigma_ab", "units": "1", "method": "exact homogenisation"},
    )


def _speed_units(omega_units: str, length_units: str) -> str:
    """Units of a sound speed, length × ω (``"1"`` when both are dimensionless)."""
    if omega_units == "1" and length_units == "1":
        return "1"
    return f"({length_units})*{omega_units}"


def _length_units(view: VdosAccessor) -> str:
    """Units of length of a point: those of ``box_length``, else of ``position``, else ``"1"``."""
    for v in ("box_length", "position"):
        if view.has(v):
            return str(view.dataset[v].attrs.get("units", "1")).strip() or "1"
    return "1"


def sound_speed(ds: xr.Dataset | VdosAccessor, method: SoundMethod = "modulus") -> xr.DataArray:
    """Sound speed of each sample of a scalar network.

    Parameters
    ----------
    ds
        One parameter point of a scalar model (``site_degrees_of_freedom = 1``), or its ``ds.vdos`` view.
        ``"modulus"`` needs the springs (:func:`conductance_tensor`);
        ``"dispersion"`` needs ``box_length`` (a cubic box) and at least 2d
        non-zero modes.
    method
        ``"modulus"``: c² = (tr σ/d)/ρ, ρ = n_site/V (unit masses), exact
        homogenisation.  ``"dispersion"``: c = √(mean λ of the lowest 2d
        non-zero modes)/(2π/L), which carries O(k²) dispersion corrections.

    Returns
    -------
    xarray.DataArray
        c with dims ``(sample,)``; attribute ``method``.

    References
    ----------
    Seed 002 (``002_3eb2c22b0ce6c76a.txt``), Sec. II (the scalar dynamical
    matrix) and Fig. 2 (the Debye law that c sets).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> L = 4; k = 2 * np.pi / L
    >>> ds = mock_spectrum(n_sample=1, n_mode=8, n_site=16)
    >>> ds["eigenvalue"][:] = [[0.0] + [2 * (1 - np.cos(k))] * 4 + [4.0, 4.0, 4.0]]
    >>> c = float(sound_speed(ds, "dispersion")[0])
    >>> bool(abs(c - np.sqrt(2 * (1 - np.cos(k))) / k) < 1e-12)
    True
    """
    view = point_view(ds, "sound_speed")
    speeds, how = _scalar_speeds(view, method)
    units = _speed_units(view.omega_units, _length_units(view))
    return xr.DataArray(
        speeds,
        dims=("sample",),
        coords={"sample": view.dataset["sample"]},
        name="sound_speed",
        attrs={"long_name": "sound speed", "units": units, "method": method, "description": how},
    )


def measure_sound_speed(
    ds: xr.Dataset | VdosAccessor,
    method: SoundMethod = "modulus",
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
    """Mean sound speed over samples with its bootstrap uncertainty.

    Parameters
    ----------
    ds, method
        As in :func:`sound_speed`.
    n_bootstrap, seed, confidence
        Bootstrap over samples (:func:`vdosbench.validators.bootstrap`).

    Returns
    -------
    Measurement
        ``sound_speed``; its curve holds the per-sample speeds.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=3, n_mode=9, n_site=9)
    >>> measure_sound_speed(ds, "dispersion", n_bootstrap=50).name
    'sound_speed'
    """
    c = sound_speed(ds, method)
    est = bootstrap(np.mean, c.values, n_bootstrap=n_bootstrap, seed=seed, confidence=confidence)
    return est.measurement(
        "sound_speed",
        units=c.attrs["units"],
        settings={"method": method, "estimator": "mean over samples"},
        curve=c.to_dataset(),
        method=c.attrs["description"],
    )
