"""Builders of small VDOS-1.0 datasets for tests and examples.

The eigenvalues are synthetic: frequencies drawn from g(ω) ∝ ω^s on
(0, ω_max] by inverse-transform sampling (F(ω) = (ω/ω_max)^(s+1)), so the
exponent is known exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from .writer import UNITLESS, convention_attrs, coordinate, spatial_coordinate, variable_attrs

__all__ = ["mock_spectrum"]


def _spectrum_variables(
    lam: np.ndarray, dims: tuple[str, ...], parameters: Mapping[str, Sequence[object]], n_zero: int
) -> tuple[dict[str, object], dict[str, object]]:
    """The sample, mode and parameter coordinates and the eigenvalue and zero_mode variables."""
    n_sample, n_mode = lam.shape[-2], lam.shape[-1]
    coords: dict[str, object] = {
        "sample": coordinate("sample", np.arange(n_sample)),
        "mode": coordinate("mode", np.arange(n_mode)),
    }
    for name, values in parameters.items():
        arr = np.asarray(values)
        attrs = {"long_name": f"parameter {name}"}
        if arr.dtype.kind in "iufb":
            attrs.update(UNITLESS)
        coords[name] = (name, arr, attrs)
    data_vars: dict[str, object] = {
        "eigenvalue": (
            (*dims, "mode"),
            lam,
            variable_attrs("eigenvalue"),
        ),
        "zero_mode": (
            (*dims, "mode"),
            np.broadcast_to(np.arange(n_mode) < n_zero, lam.shape).copy(),
            variable_attrs("zero_mode"),
        ),
    }
    return coords, data_vars


def _add_eigenvectors(
    rng: np.random.Generator,
    dims: tuple[str, ...],
    shape: tuple[int, ...],
    n_site: int,
    vector_modes: Sequence[int],
    coords: dict[str, object],
    data_vars: dict[str, object],
) -> None:
    """Add random normalised scalar eigenvectors of ``vector_modes`` (coordinate and variable)."""
    vec = rng.normal(size=(*shape, len(vector_modes), n_site))
    vec /= np.linalg.norm(vec, axis=-1, keepdims=True)
    coords["vector_mode"] = coordinate("vector_mode", np.asarray(vector_modes, dtype=np.int64))
    data_vars["eigenvector"] = ((*dims, "vector_mode", "site"), vec, variable_attrs("eigenvector"))


def _add_pairs(
    rng: np.random.Generator,
    dims: tuple[str, ...],
    shape: tuple[int, ...],
    n_site: int,
    pairs_per_sample: int,
    data_vars: dict[str, object],
) -> None:
    """Add ``pairs_per_sample`` random ragged pairs per sample (count, sites, distance)."""
    n_total = int(np.prod(shape)) * pairs_per_sample
    data_vars["pair_count"] = (
        dims,
        np.full(shape, pairs_per_sample, dtype=np.int64),
        variable_attrs("pair_count"),
    )
    data_vars["pair_i"] = ("pair", rng.integers(0, n_site, n_total), variable_attrs("pair_i"))
    data_vars["pair_j"] = ("pair", rng.integers(0, n_site, n_total), variable_attrs("pair_j"))
    data_vars["pair_distance"] = ("pair", rng.uniform(0.8, 1.3, n_total), variable_attrs("pair_distance"))


def _add_sites(
    rng: np.random.Generator,
    dims: tuple[str, ...],
    shape: tuple[int, ...],
    n_site: int,
    spatial_dimension: int,
    vector_modes: Sequence[int],
    pairs_per_sample: int,
    coords: dict[str, object],
    data_vars: dict[str, object],
) -> None:
    """Add random positions in a box of unit density, coordinations, and the eigenvectors and pairs asked for."""
    box = float(n_site) ** (1.0 / spatial_dimension)
    coords["spatial"] = spatial_coordinate(spatial_dimension)
    data_vars["position"] = (
        (*dims, "site", "spatial"),
        rng.random((*shape, n_site, spatial_dimension)) * box,
        variable_attrs("position"),
    )
    data_vars["box_length"] = ((*dims,), np.full(shape, box), variable_attrs("box_length"))
    data_vars["coordination"] = (
        (*dims, "site"),
        rng.integers(2, 7, size=(*shape, n_site)),
        variable_attrs("coordination"),
    )
    if vector_modes:
        _add_eigenvectors(rng, dims, shape, n_site, vector_modes, coords, data_vars)
    if pairs_per_sample:
        _add_pairs(rng, dims, shape, n_site, pairs_per_sample, data_vars)


def mock_spectrum(
    *,
    n_sample: int = 3,
    n_mode: int = 20,
    exponent: float = 4.0,
    omega_max: float = 1.0,
    n_zero: int = 1,
    parameters: Mapping[str, Sequence[object]] | None = None,
    spatial_dimension: int = 2,
    n_site: int | None = None,
    vector_modes: Sequence[int] = (),
    pairs_per_sample: int = 0,
    seed: int = 0,
) -> xr.Dataset:
    """A small conforming dataset with eigenvalues from g(ω) ∝ ω^exponent.

    Parameters
    ----------
    n_sample, n_mode
        Ensemble size and modes per sample (including ``n_zero`` zero modes).
    exponent, omega_max
        The non-zero frequencies are drawn from g(ω) ∝ ω^exponent on (0, omega_max].
    parameters
        Parameter dimensions and their values, e.g. ``{"delta": [0.0, 0.1]}``.
    spatial_dimension
        d, recorded as an attribute; positions have d components.
    n_site
        If given, adds ``position``, ``box_length`` and ``coordination``
        (a scalar model: ``site_degrees_of_freedom = 1``).
    vector_modes
        Mode indices whose (random, normalised) eigenvectors are stored; needs ``n_site``.
    pairs_per_sample
        If > 0, adds ragged pair data with this many pairs per sample; needs ``n_site``.
    seed
        Seed of the :class:`numpy.random.Generator` used.

    Examples
    --------
    >>> ds = mock_spectrum(n_sample=2, n_mode=5, parameters={"delta": [0.0, 0.1]})
    >>> dict(ds.sizes)
    {'delta': 2, 'sample': 2, 'mode': 5}
    """
    rng = np.random.default_rng(seed)
    parameters = dict(parameters or {})
    pdims = list(parameters)
    pshape = tuple(len(v) for v in parameters.values())
    shape = (*pshape, n_sample)
    n_nonzero = n_mode - n_zero
    u = rng.random((*shape, n_nonzero))
    omega = omega_max * u ** (1.0 / (exponent + 1.0))
    lam = np.concatenate([np.zeros((*shape, n_zero)), np.sort(omega**2, axis=-1)], axis=-1)
    dims = (*pdims, "sample")
    coords, data_vars = _spectrum_variables(lam, dims, parameters, n_zero)
    attrs = convention_attrs(
        title="mock spectrum",
        source="vdosbench.datasets.mock_spectrum (synthetic, g(omega) ~ omega^s)",
        references="none (synthetic data)",
        spatial_dimension=spatial_dimension,
        mock_exponent=float(exponent),
        mock_seed=int(seed),
    )
    if n_site is not None:
        attrs["site_degrees_of_freedom"] = 1
        _add_sites(rng, dims, shape, n_site, spatial_dimension, vector_modes, pairs_per_sample, coords, data_vars)
    elif vector_modes or pairs_per_sample:
        raise ValueError("vector_modes and pairs_per_sample need n_site: pass n_site=...")
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
