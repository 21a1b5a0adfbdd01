"""Participation ratio e of eigenvectors (seed 003 eq. 1).

Seed 003 (``003_e4d31faec595bf16.txt``, eq. 1) writes, for a normalised
eigenvector ψ (Σ_i ψ_i·ψ_i = 1) on N sites,

    e = (1/N) [Σ_i (ψ_i·ψ_i)²]^{-1}.

For any normalisation this is e = (Σ_i |u_i|²)² / (N Σ_i |u_i|⁴), with
|u_i|² = Σ_α u_iα² (vector model) or u_i² (scalar model).  Limits: a mode on
one site gives e = 1/N; a uniform |u_i| gives e = 1; a plane wave
u_i ∝ cos(k·x_i) on a dense set of sites gives ⟨cos²⟩²/⟨cos⁴⟩ =
(1/2)²/(3/8) = 2/3.  Laird and Schober (seed 003, ref. 20) found e ≈ 0.4 at
low frequency, independent of N (extended, "quasi-localized" modes).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..results.points import point_view
from ..results.result import Measurement, bootstrap

__all__ = ["participation_ratio", "participation_ratio_values", "measure_participation_ratio"]


def participation_ratio_values(u: np.ndarray, *, vector: bool) -> np.ndarray:
    """e = (Σ|u_i|²)² / (N Σ|u_i|⁴) of plain arrays.

    Parameters
    ----------
    u
        Shape ``(..., n_site, d)`` when ``vector`` else ``(..., n_site)``; any normalisation.
    vector
        Whether the last axis is the Cartesian component.

    Returns
    -------
    numpy.ndarray
        Shape ``u.shape[:-2]`` (vector) or ``u.shape[:-1]`` (scalar); NaN for a zero field.

    References
    ----------
    Seed 003 (``003_e4d31faec595bf16.txt``), eq. (1).

    Examples
    --------
    >>> participation_ratio_values(np.eye(4), vector=False).tolist()  # one site each
    [0.25, 0.25, 0.25, 0.25]
    >>> float(participation_ratio_values(np.ones((10, 3)), vector=True))
    1.0
    """
    a = np.asarray(u, dtype=float)
    w = np.sum(a**2, axis=-1) if vector else a**2
    n = w.shape[-1]
    s2 = np.sum(w, axis=-1)
    s4 = np.sum(w**2, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(s4 > 0, s2**2 / (n * s4), np.nan)


def participation_ratio(data: xr.Dataset | xr.DataArray) -> xr.DataArray:
    """Participation ratio of every stored eigenvector, lazily for Dask-backed data.

    Parameters
    ----------
    data
        A dataset with ``eigenvector`` (..., sample, vector_mode, site[, spatial]),
        or such a DataArray (any dims; ``site`` required, ``spatial`` optional).

    Returns
    -------
    xarray.DataArray
        e with the dims of the eigenvector minus ``site`` and ``spatial``,
        e.g. (sample, vector_mode); dimensionless, in (0, 1].

    References
    ----------
    Seed 003 (``003_e4d31faec595bf16.txt``), eq. (1).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=2, n_site=50, vector_modes=[1, 2])
    >>> participation_ratio(ds).dims
    ('sample', 'vector_mode')
    """
    if isinstance(data, xr.Dataset):
        if "eigenvector" not in data.variables:
            raise ValueError(
                f"participation_ratio needs 'eigenvector' (..., sample, vector_mode, site[, spatial]); found "
                f"{sorted(map(str, data.data_vars))}. Store the eigenvectors of some modes"
            )
        ev = data["eigenvector"]
    elif isinstance(data, xr.DataArray):
        ev = data
    else:
        raise TypeError(f"expected an xarray.Dataset or DataArray, found {type(data).__name__}")
    if "site" not in ev.dims:
        raise ValueError(f"eigenvector has dims {ev.dims}; expected a 'site' dimension")
    w = (ev**2).sum("spatial") if "spatial" in ev.dims else ev**2
    n = ev.sizes["site"]
    s2 = w.sum("site")
    s4 = (w**2).sum("site")
    e = (s2**2 / (n * s4)).where(s4 > 0)
    e.attrs = {
        "long_name": "participation ratio e = (sum |u_i|^2)^2 / (N sum |u_i|^4) (seed 003 eq. 1)",
        "units": "1",
    }
    return e.rename("participation_ratio")


def measure_participation_ratio(
    ds: xr.Dataset,
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
    """Mean participation ratio of the stored modes, bootstrap over samples.

    Parameters
    ----------
    ds
        One parameter point with ``eigenvector`` (sample, vector_mode, site[, spatial]).
    n_bootstrap, seed, confidence
        Bootstrap over samples of the per-sample mean over the stored modes.

    Returns
    -------
    Measurement
        ``participation_ratio``; the curve holds e (sample, vector_mode) and,
        when ``eigenvalue`` is stored, ω of each stored mode.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> m = measure_participation_ratio(mock_spectrum(n_site=50, vector_modes=[1]), n_bootstrap=50)
    >>> m.name, 0.0 < m.value <= 1.0
    ('participation_ratio', True)
    """
    view = point_view(ds, "measure_participation_ratio")
    e = participation_ratio(ds).transpose("sample", "vector_mode")
    values = np.asarray(e.values, dtype=float)
    est = bootstrap(lambda v: np.nanmean(v), values, n_bootstrap=n_bootstrap, seed=seed, confidence=confidence)
    curve = e.to_dataset()
    if "eigenvalue" in ds.variables:
        lam = ds["eigenvalue"].isel(mode=xr.DataArray(ds["vector_mode"].values.astype(int), dims="vector_mode"))
        curve["omega"] = (
            np.sqrt(lam.clip(min=0.0))
            .transpose("sample", "vector_mode")
            .assign_attrs(long_name="angular frequency of the stored mode", units=view.omega_units)
        )
    settings = {
        "definition": "e = (sum_i |u_i|^2)^2 / (N sum_i |u_i|^4) (seed 003 eq. 1)",
        "statistic": "mean over samples of the mean over the stored modes",
        "n_vector_modes": int(e.sizes["vector_mode"]),
    }
    return est.measurement(
        "participation_ratio",
        units="1",
        settings=settings,
        curve=curve,
        method="participation ratio of the stored eigenvectors; bootstrap over samples",
    )
