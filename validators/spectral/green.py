"""Local Green's function −Im G_ii(ω) and its poles (seed 002, 9-node toy).

Seed 002 (``002_3eb2c22b0ce6c76a.txt``, Eq. (1) and Fig. 4 right):
G(ω) = [(ω² + iε)I − H]⁻¹; the on-node response −Im G_ii(ω) peaks at the
poles.  From the eigen-decomposition H = Σ_n λ_n v_n v_nᵀ,

    −Im G_ii(ω) = Σ_n |v_n(i)|² ε / ((ω² − λ_n)² + ε²),

which needs *every* eigenvector (a full, dense diagonalisation; cheap for
the toy).  For a vector model the site response is the trace over the
Cartesian components of site i.  A pole of the local response of a set of
sites is a distinct eigenvalue (eigenvalues closer than
``lambda_tol`` · max|λ| merged) whose eigenvectors have total weight
Σ_{n in cluster} Σ_{i in sites} |v_n(i)|² above ``weight_tol``.  Adding or
removing one spring is a rank-one perturbation; of each degenerate level it
moves at most one eigenvalue, so it creates new poles without destroying
the old ones (the paper: two new poles, the two crystal poles survive).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from ..results.points import point_view
from ..results.registry import measures
from ..results.result import Measurement

__all__ = ["local_response", "poles", "new_poles"]


def _one_sample(ds: xr.Dataset, sample: int | None, what: str) -> xr.Dataset:
    """The configuration ``sample`` of a one-point dataset (read through its ``ds.vdos`` view)."""
    n = point_view(ds, what).n_sample
    if sample is None:
        if n != 1:
            raise ValueError(
                f"{what} uses one configuration; found {n} samples. Fix: pass sample=k (position along 'sample')"
            )
        sample = 0
    if not -n <= sample < n:
        raise ValueError(f"sample={sample} is outside the {n} samples of the dataset")
    return ds.isel(sample=sample)


def _site_weights(one: xr.Dataset, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (n_mode,) and site weights |v_n(i)|² (n_mode, n_site) of a full decomposition."""
    n_mode = int(one.sizes["mode"])
    if "eigenvector" not in one.variables:
        raise ValueError(
            f"{what} needs the full eigen-decomposition: expected a variable 'eigenvector' holding every "
            f"mode, found none. Fix: store all {n_mode} eigenvectors (dense diagonalisation)"
        )
    vec = one["eigenvector"]
    modes = np.asarray(one["vector_mode"].values, dtype=np.int64)
    dof = one.vdos.site_degrees_of_freedom if "spatial" in vec.dims else 1
    n_site = int(one.sizes["site"])
    if not np.array_equal(np.sort(modes), np.arange(n_mode)) or n_mode != n_site * dof:
        raise ValueError(
            f"{what} needs the full eigen-decomposition: every mode's eigenvector of a complete spectrum "
            f"(n_mode = n_site x dof = {n_site * dof}); found {modes.size} stored eigenvectors of {n_mode} modes. "
            "Fix: store all eigenvectors (vector_mode = 0 .. n_mode-1) from a dense diagonalisation"
        )
    values = vec.transpose("vector_mode", "site", ...).values
    w = values**2
    if w.ndim == 3:
        w = w.sum(axis=2)
    order = np.argsort(modes)
    lam = np.asarray(one["eigenvalue"].values, dtype=float)[modes[order]]
    return lam, w[order]


def local_response(
    ds_one_point: xr.Dataset,
    omega: Sequence[float] | np.ndarray,
    epsilon: float,
    *,
    sample: int | None = None,
) -> xr.DataArray:
    """On-site response −Im G_ii(ω), computed spectrally.

    Parameters
    ----------
    ds_one_point
        One parameter point with ``eigenvalue`` and ``eigenvector`` of *all*
        modes (vector_mode = 0 … n_mode − 1).
    omega
        Angular frequencies, shape ``(n_omega,)``, units of √λ.
    epsilon
        The broadening ε > 0 of G = [(ω² + iε)I − H]⁻¹, units of λ.
    sample
        Position along ``sample``; may be omitted when there is one sample.

    Returns
    -------
    xarray.DataArray
        −Im G_ii(ω), dims ``(site, omega)``.

    References
    ----------
    Seed 002 (``002_3eb2c22b0ce6c76a.txt``), Eq. (1), Fig. 4 right.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=1, n_mode=2, n_site=2, vector_modes=[0, 1])
    >>> ds["eigenvalue"][:] = [[0.0, 2.0]]
    >>> ds["eigenvector"][:] = [[[0.5**0.5, 0.5**0.5], [0.5**0.5, -0.5**0.5]]]
    >>> r = local_response(ds, [0.0, 2**0.5], epsilon=0.1)
    >>> np.round(r.values, 6).tolist()  # 0.5/0.1 + 0.5*0.1/(4+0.01) at the zero mode
    [[5.012469, 5.012469], [5.012469, 5.012469]]
    """
    if not epsilon > 0:
        raise ValueError(f"epsilon is {epsilon}; expected a small positive broadening (units of eigenvalue)")
    one = _one_sample(ds_one_point, sample, "local_response")
    lam, w = _site_weights(one, "local_response")
    om = np.atleast_1d(np.asarray(omega, dtype=float))
    if om.ndim != 1:
        raise ValueError(f"omega has shape {om.shape}; expected a 1-D array of frequencies")
    kernel = epsilon / ((om[None, :] ** 2 - lam[:, None]) ** 2 + epsilon**2)
    resp = w.T @ kernel
    coords: dict[str, object] = {
        "omega": ("omega", om, {"long_name": "angular frequency", "units": one.vdos.omega_units})
    }
    if "site" in one.coords:
        coords["site"] = one["site"]
    return xr.DataArray(
        resp,
        dims=("site", "omega"),
        coords=coords,
        name="local_response",
        attrs={
            "long_name": "-Im G_ii(omega), G = [(omega^2 + i eps) I - H]^-1",
            "units": "1",
            "epsilon": float(epsilon),
            "method": "spectral sum over the full eigen-decomposition",
        },
    )


def _eigenvalue_weights(one: xr.Dataset, sites: Sequence[int] | None) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues and the weight Σ_{i in sites} |v_n(i)|² of each (1 for every site: no eigenvectors needed)."""
    if sites is None:
        lam = np.sort(np.asarray(one["eigenvalue"].values, dtype=float))
        return lam, np.ones_like(lam)  # normalised eigenvectors: unit weight summed over all sites
    lam, w = _site_weights(one, "poles(sites=...)")
    idx = np.asarray(sites, dtype=np.int64)
    if idx.size and (idx.min() < -w.shape[1] or idx.max() >= w.shape[1]):
        raise ValueError(f"sites {idx.tolist()} outside the {w.shape[1]} sites of the dataset")
    return lam, w[:, idx].sum(axis=1)


def _clusters(lam: np.ndarray, weight: np.ndarray, lambda_tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre, total weight and multiplicity of each cluster of eigenvalues closer than ``lambda_tol`` · max|λ|."""
    order = np.argsort(lam, kind="stable")
    lam, weight = lam[order], weight[order]
    scale = float(np.max(np.abs(lam))) if lam.size else 1.0
    scale = scale if scale > 0 else 1.0
    cluster = np.concatenate([[0], np.cumsum(np.diff(lam) > lambda_tol * scale)])
    n_cluster = int(cluster[-1]) + 1 if lam.size else 0
    multiplicity = np.bincount(cluster, minlength=n_cluster)
    centre = np.bincount(cluster, weights=lam, minlength=n_cluster) / np.maximum(multiplicity, 1)
    total = np.bincount(cluster, weights=weight, minlength=n_cluster)
    return centre, total, multiplicity


def poles(
    ds_one_point: xr.Dataset,
    weight_tol: float = 1e-10,
    lambda_tol: float = 1e-8,
    *,
    sites: Sequence[int] | None = None,
    sample: int | None = None,
) -> xr.DataArray:
    """Distinct eigenvalues that are poles of the local response of ``sites``.

    Parameters
    ----------
    ds_one_point
        One parameter point; eigenvectors of all modes are needed only when
        ``sites`` is given (with every site, every eigenvalue carries weight).
    weight_tol
        Minimum total weight Σ_{n in cluster} Σ_{i in sites} |v_n(i)|².
    lambda_tol
        Eigenvalues closer than ``lambda_tol`` · max|λ| are one pole.
    sites
        Site indices whose G_ii are considered; default every site.
    sample
        Position along ``sample``; may be omitted when there is one sample.

    Returns
    -------
    xarray.DataArray
        Pole positions λ (dims ``(pole,)``, ascending), coordinates
        ``frequency`` (√λ), ``weight`` and ``multiplicity``.

    References
    ----------
    Seed 002 (``002_3eb2c22b0ce6c76a.txt``), Fig. 4 right.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=1, n_mode=4)
    >>> ds["eigenvalue"][:] = [[0.0, 3.0, 3.0 + 1e-12, 6.0]]
    >>> poles(ds).values.round(9).tolist()
    [0.0, 3.0, 6.0]
    """
    one = _one_sample(ds_one_point, sample, "poles")
    lam, weight = _eigenvalue_weights(one, sites)
    centre, total, multiplicity = _clusters(lam, weight, lambda_tol)
    keep = total > weight_tol
    return xr.DataArray(
        centre[keep],
        dims=("pole",),
        coords={
            "frequency": (
                "pole",
                np.sqrt(np.clip(centre[keep], 0.0, None)),
                {"long_name": "sqrt(eigenvalue)", "units": "1"},
            ),
            "weight": ("pole", total[keep], {"long_name": "local spectral weight", "units": "1"}),
            "multiplicity": ("pole", multiplicity[keep], {"long_name": "eigenvalues merged", "units": "1"}),
        },
        name="pole",
        attrs={
            "long_name": "pole of the local Green's function (eigenvalue)",
            "units": str(one["eigenvalue"].attrs.get("units", "1")),
            "weight_tol": weight_tol,
            "lambda_tol": lambda_tol,
            "sites": "all" if sites is None else [int(s) for s in sites],
        },
    )


def new_poles(
    reference_point: xr.Dataset,
    perturbed_point: xr.Dataset,
    weight_tol: float = 1e-10,
    lambda_tol: float = 1e-8,
    *,
    sites: Sequence[int] | None = None,
    sample: int | None = None,
) -> Measurement:
    """Count the poles of a perturbed system absent from the reference.

    Parameters
    ----------
    reference_point, perturbed_point
        One parameter point each (e.g. the 3×3 lattice and the lattice with
        one spring added or removed).
    weight_tol, lambda_tol, sites, sample
        As in :func:`poles`; a perturbed pole is new when no reference pole
        lies within ``lambda_tol`` · max|λ| (max over both systems).

    Returns
    -------
    Measurement
        ``new_poles``: the count (exact, uncertainty 0); its curve holds the
        perturbed poles (``is_new``) and the reference poles.

    References
    ----------
    Seed 002 (``002_3eb2c22b0ce6c76a.txt``), Fig. 4 right: two additional poles.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> a = mock_spectrum(n_sample=1, n_mode=3); b = a.copy(deep=True)
    >>> a["eigenvalue"][:] = [[0.0, 3.0, 3.0]]; b["eigenvalue"][:] = [[0.0, 3.0, 4.0]]
    >>> new_poles(a, b).value
    1.0
    """
    ref = poles(reference_point, weight_tol, lambda_tol, sites=sites, sample=sample)
    per = poles(perturbed_point, weight_tol, lambda_tol, sites=sites, sample=sample)
    scale = max([float(np.max(np.abs(p.values))) for p in (ref, per) if p.size] + [0.0]) or 1.0
    if ref.size:
        distance = np.min(np.abs(per.values[:, None] - ref.values[None, :]), axis=1)
    else:
        distance = np.full(per.size, np.inf)
    is_new = distance > lambda_tol * scale
    count = float(np.sum(is_new))
    curve = xr.Dataset(
        {
            "perturbed_pole": per.rename("perturbed_pole"),
            "is_new": ("pole", is_new, {"long_name": "pole absent from the reference", "units": "1"}),
            "reference_pole": ref.drop_vars(["frequency", "weight", "multiplicity"])
            .rename("reference_pole")
            .rename({"pole": "reference_pole_index"}),
        }
    )
    return Measurement(
        name="new_poles",
        value=count,
        uncertainty=0.0,
        low=count,
        high=count,
        confidence=1.0,
        units="1",
        settings={
            "weight_tol": weight_tol,
            "lambda_tol": lambda_tol,
            "sites": "all" if sites is None else [int(s) for s in sites],
            "spatial_dimension": reference_point.vdos.dimension
            if "spatial_dimension" in reference_point.attrs
            else None,
        },
        curve=curve,
        n_samples=1,
        method="count of distinct eigenvalues (poles of G_ii) of the perturbed system absent from the reference",
    )


@measures("new_poles", name="new_poles", pair=True)
def _new_poles_against(point: xr.Dataset, versus: xr.Dataset, **settings: Any) -> Measurement:
    """:func:`new_poles` as a claim reads it: the poles of ``point`` absent from its ``versus`` point (the reference)."""
    return new_poles(versus, point, **settings)
