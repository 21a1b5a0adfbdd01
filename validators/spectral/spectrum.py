"""Frequencies, density of states g(ω), integrated DOS F(ω) and reduced DOS.

With unit masses the eigenfrequencies are ω = √λ of the dynamical matrix
(seed 002, ``002_3eb2c22b0ce6c76a.txt`` Sec. II: "the DOS can be obtained
directly by statistics of the distribution of eigenfrequencies").

The zero-mode rule and the normalisation are read once per dataset by the
``ds.vdos`` accessor (:mod:`vdosbench.datasets.accessor`), the one reader of
a dataset's physics.  :func:`frequencies` is kept as the public spelling of
``ds.vdos.omega``; :func:`zero_modes`, :func:`mode_total` and
:func:`nonzero_mode_count` are deprecated (issue 54 item 1: use
``ds.vdos.zero_mode``, ``ds.vdos.mode_total`` and ``ds.vdos.n_nonzero``; the
package calls none of them).  :func:`density_of_states`,
:func:`integrated_dos` and :func:`reduced_dos` take a dataset or its view.

Zero modes
    A mode is a zero mode if the ``zero_mode`` variable flags it; without that
    variable, if λ ≤ ``ZERO_MODE_RTOL`` · max λ of its sample
    (``ZERO_MODE_RTOL`` = 1e-10).  Zero modes get ω = NaN and are left out of
    every count.  Unflagged eigenvalues below 0 (rounding, allowed by VDOS-1.0
    down to −1e-6 max|λ|) are clipped to 0.

Normalisation ("per mode")
    g and F are normalised per non-zero mode of the *full* spectrum of each
    sample: n_nonzero = n_total − n_zero, with n_total = n_site ×
    site_degrees_of_freedom when the dataset has a ``site`` dimension and
    stores no more modes than that (a partial spectrum — only the lowest
    modes — is then still normalised per mode of the whole system), else the
    number of stored modes.  So ∫ g dω = 1 and F(∞) = 1 for a complete
    spectrum binned over its whole range, and ∫ over a sub-range is the
    fraction of modes in it.  The pooled curve is the mean of the per-sample
    curves.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import xarray as xr

from vdosbench.datasets.accessor import ZERO_MODE_RTOL, VdosAccessor
from vdosbench.datasets.accessor import ZERO_RULE as _ZERO_RULE

from ..results.points import point_view

__all__ = [
    "ZERO_MODE_RTOL",
    "zero_modes",
    "frequencies",
    "mode_total",
    "nonzero_mode_count",
    "density_of_states",
    "integrated_dos",
    "reduced_dos",
    "smoothed_reduced_dos",
    "bin_edges",
]


def zero_modes(ds: xr.Dataset) -> xr.DataArray:
    """Boolean zero-mode flags with the dims of ``eigenvalue`` (rule in the module docstring).

    .. deprecated:: 0.1.0
        Use ``ds.vdos.zero_mode`` (the same flags); ``zero_modes`` will be removed in the next release.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> int(mock_spectrum(n_zero=2).drop_vars("zero_mode").vdos.zero_mode.sum("mode")[0])  # instead
    2
    """
    warnings.warn(
        "vdosbench.validators.zero_modes is deprecated; use ds.vdos.zero_mode", DeprecationWarning, stacklevel=2
    )
    return ds.vdos.zero_mode.copy(deep=False)


def frequencies(ds: xr.Dataset) -> xr.DataArray:
    """Angular frequencies ω = √λ, zero modes set to NaN.

    Parameters
    ----------
    ds
        A VDOS-1.0 dataset; ``eigenvalue`` (..., sample, mode), any parameter dims.

    Returns
    -------
    xarray.DataArray
        ω with the dims of ``eigenvalue``, units √(eigenvalue units); NaN for
        the zero modes (rule: ``zero_mode`` flags, else λ ≤ 1e-10 max λ).

    References
    ----------
    Seed 002 (``002_3eb2c22b0ce6c76a.txt``), Sec. II: ω = √λ with unit masses.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> w = frequencies(mock_spectrum(n_sample=1, n_mode=4, n_zero=1))
    >>> bool(np.isnan(w[0, 0])), bool((w[0, 1:] > 0).all())
    (True, True)
    """
    return ds.vdos.omega.copy(deep=False)


def mode_total(ds: xr.Dataset) -> int:
    """Number of modes of the full spectrum of one sample (rule in the module docstring).

    .. deprecated:: 0.1.0
        Use ``ds.vdos.mode_total`` (the same number); ``mode_total`` will be removed in the next release.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> mock_spectrum(n_mode=20).vdos.mode_total, mock_spectrum(n_mode=5, n_site=9).vdos.mode_total  # instead
    (20, 9)
    """
    warnings.warn(
        "vdosbench.validators.mode_total is deprecated; use ds.vdos.mode_total", DeprecationWarning, stacklevel=2
    )
    return ds.vdos.mode_total


def nonzero_mode_count(ds: xr.Dataset) -> xr.DataArray:
    """Non-zero modes of the full spectrum of each sample: ``mode_total − n_zero``, dims (..., sample).

    .. deprecated:: 0.1.0
        Use ``ds.vdos.n_nonzero`` (the same counts); ``nonzero_mode_count`` will be removed in the next release.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> mock_spectrum(n_sample=2, n_mode=9, n_zero=1).vdos.n_nonzero.values.tolist()  # instead
    [8, 8]
    """
    warnings.warn(
        "vdosbench.validators.nonzero_mode_count is deprecated; use ds.vdos.n_nonzero",
        DeprecationWarning,
        stacklevel=2,
    )
    return ds.vdos.n_nonzero.copy(deep=False)


def bin_edges(
    ds: xr.Dataset | VdosAccessor, bins: int | Sequence[float] | np.ndarray, omega_max: float | None
) -> np.ndarray:
    """Histogram edges: ``bins`` equal bins on [0, omega_max] or the given edges (``ds``: a dataset or its view)."""
    if np.ndim(bins) == 0:
        n = int(bins)  # type: ignore[arg-type]
        if n < 1:
            raise ValueError(f"bins is {bins}; expected a positive number of bins or an array of edges")
        if omega_max is None:
            omega_max = float(np.nanmax((ds if isinstance(ds, VdosAccessor) else ds.vdos).omega.values))
        if not np.isfinite(omega_max) or omega_max <= 0:
            raise ValueError(f"omega_max is {omega_max}; expected a positive frequency")
        return np.linspace(0.0, float(omega_max), n + 1)
    if omega_max is not None:
        raise ValueError("give either bin edges (bins=array) or omega_max with a number of bins, not both")
    edges = np.asarray(bins, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0) or not np.all(np.isfinite(edges)):
        raise ValueError(f"bins {bins!r}: expected at least two strictly increasing finite edges")
    return edges


def _omega_coord(edges: np.ndarray, units: str) -> dict[str, tuple[str, np.ndarray, dict[str, str]]]:
    centres = 0.5 * (edges[1:] + edges[:-1])
    return {
        "omega": ("omega", centres, {"long_name": "angular frequency (bin centre)", "units": units}),
        "omega_low": ("omega", edges[:-1], {"long_name": "lower bin edge", "units": units}),
        "omega_high": ("omega", edges[1:], {"long_name": "upper bin edge", "units": units}),
    }


def density_of_states(
    ds: xr.Dataset | VdosAccessor,
    bins: int | Sequence[float] | np.ndarray = 50,
    omega_max: float | None = None,
) -> xr.Dataset:
    """Histogram density of states g(ω), per sample and pooled.

    Parameters
    ----------
    ds
        One parameter point: ``eigenvalue`` with dims ``('sample', 'mode')`` (or its ``ds.vdos`` view).
    bins
        Number of equal bins on [0, ``omega_max``], or an array of edges
        (shape ``(n_bins + 1,)``, units of ω).
    omega_max
        Upper edge when ``bins`` is a number; default the largest frequency.

    Returns
    -------
    xarray.Dataset
        ``g_sample`` (sample, omega) and ``g`` (omega), the mean over samples,
        in 1/(units of ω); coordinates ``omega`` (bin centres), ``omega_low``,
        ``omega_high`` (edges); ``n_nonzero`` (sample,), the normalisation.
        g = counts / (n_nonzero · bin width), so ∫ g dω over the binned range
        is the fraction of the sample's non-zero modes in that range (1 when
        the bins cover a complete spectrum).  Modes outside the edges are not
        counted.

    References
    ----------
    Seed 002 (``002_3eb2c22b0ce6c76a.txt``), Fig. 2.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> g = density_of_states(mock_spectrum(n_mode=200), bins=10)
    >>> round(float((g.g * (g.omega_high - g.omega_low)).sum()), 12)
    1.0
    """
    view = point_view(ds, "density_of_states")
    edges = bin_edges(view, bins, omega_max)
    return _dos_dataset(
        view.omega.values,
        view.n_nonzero.copy(deep=False),
        edges,
        view.omega_units,
        view.dataset["sample"],
        view.mode_total,
    )


def _dos_dataset(
    omega: np.ndarray, n_nonzero: xr.DataArray, edges: np.ndarray, units: str, sample: xr.DataArray, mode_total: int
) -> xr.Dataset:
    """:func:`density_of_states` from arrays: ``omega`` (sample, mode) with NaN zero modes, ``n_nonzero``
    (sample,) the normalisation, checked bin ``edges``, the units of ω, the sample labels and the full spectrum's
    mode count."""
    counts = np.stack([np.histogram(row[np.isfinite(row)], bins=edges)[0] for row in omega])
    widths = np.diff(edges)
    g = counts / (n_nonzero.values[:, None] * widths[None, :])
    g_units = "1" if units == "1" else f"1/{units}"
    return xr.Dataset(
        {
            "g_sample": (("sample", "omega"), g, {"long_name": "density of states per sample", "units": g_units}),
            "g": ("omega", g.mean(axis=0), {"long_name": "density of states (mean over samples)", "units": g_units}),
            "count_sample": (("sample", "omega"), counts, {"long_name": "modes per bin", "units": "1"}),
            "n_nonzero": n_nonzero,
        },
        coords={**_omega_coord(edges, units), "sample": sample},
        attrs={
            "normalisation": "per non-zero mode of the full spectrum of each sample; pooled = mean over samples",
            "zero_mode_rule": _ZERO_RULE,
            "bin_edges": edges,
            "n_mode_total": mode_total,
        },
    )


def integrated_dos(ds: xr.Dataset | VdosAccessor, omega: Sequence[float] | np.ndarray | None = None) -> xr.Dataset:
    """Integrated density of states F(ω): fraction of non-zero modes with frequency ≤ ω.

    Parameters
    ----------
    ds
        One parameter point: ``eigenvalue`` with dims ``('sample', 'mode')``.
    omega
        Frequencies (shape ``(n,)``, units of ω) at which to evaluate F;
        default the sorted distinct pooled non-zero frequencies.

    Returns
    -------
    xarray.Dataset
        ``F_sample`` (sample, omega) and ``F`` (omega), the mean over samples;
        the exact empirical step function (no binning), normalised per
        non-zero mode of the full spectrum (module docstring).

    References
    ----------
    Seed 003 (``003_e4d31faec595bf16.txt``): F(ω)/ω^(s+1) as the test of s.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> F = integrated_dos(mock_spectrum(n_mode=50))
    >>> float(F.F[-1])
    1.0
    """
    view = point_view(ds, "integrated_dos")
    w = view.omega.values
    if omega is None:
        grid = np.unique(w[np.isfinite(w)])
    else:
        grid = np.atleast_1d(np.asarray(omega, dtype=float))
        if grid.ndim != 1:
            raise ValueError(f"omega has shape {grid.shape}; expected a 1-D grid of frequencies")
    n_nonzero = view.n_nonzero.copy(deep=False)
    F = (
        np.stack([np.searchsorted(np.sort(row[np.isfinite(row)]), grid, side="right") for row in w])
        / n_nonzero.values[:, None]
    )
    units = view.omega_units
    return xr.Dataset(
        {
            "F_sample": (("sample", "omega"), F, {"long_name": "integrated DOS per sample", "units": "1"}),
            "F": ("omega", F.mean(axis=0), {"long_name": "integrated DOS (mean over samples)", "units": "1"}),
            "n_nonzero": n_nonzero,
        },
        coords={
            "omega": ("omega", grid, {"long_name": "angular frequency", "units": units}),
            "sample": view.dataset["sample"],
        },
        attrs={
            "normalisation": "fraction of the non-zero modes of the full spectrum with frequency <= omega",
            "zero_mode_rule": _ZERO_RULE,
            "n_mode_total": view.mode_total,
        },
    )


def bin_mean_power(edges: np.ndarray, power: int) -> np.ndarray:
    """Mean of ω^power over each bin, ``(b^(p+1) − a^(p+1)) / ((p+1)(b − a))``."""
    a, b = edges[:-1], edges[1:]
    return (b ** (power + 1) - a ** (power + 1)) / ((power + 1) * (b - a))


def reduced_dos(
    ds: xr.Dataset | VdosAccessor,
    bins: int | Sequence[float] | np.ndarray = 50,
    omega_max: float | None = None,
) -> xr.Dataset:
    """Reduced density of states g(ω)/ω^(d−1), per sample and pooled.

    Parameters
    ----------
    ds
        One parameter point; d is ``ds.attrs["spatial_dimension"]``.
    bins, omega_max
        As in :func:`density_of_states`.

    Returns
    -------
    xarray.Dataset
        The variables of :func:`density_of_states` plus ``g_reduced_sample``
        (sample, omega) and ``g_reduced`` (omega).  Each bin's g is divided by
        the bin average of ω^(d−1) (the centre for d = 2), so that a Debye
        spectrum g_D ∝ ω^(d−1) gives exactly its constant level in every bin,
        the first included.

    References
    ----------
    Seed 002 (``002_3eb2c22b0ce6c76a.txt``), Fig. 2 and Fig. 4 left: g(ω)/ω in 2D.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> r = reduced_dos(mock_spectrum(n_mode=2000, exponent=1.0, n_sample=4), bins=5)
    >>> bool(np.allclose(r.g_reduced, 2.0, rtol=0.2))  # g = 2ω on (0, 1]
    True
    """
    view = point_view(ds, "reduced_dos")
    return _with_reduced(density_of_states(view, bins=bins, omega_max=omega_max), view.dimension)


def _with_reduced(out: xr.Dataset, d: int) -> xr.Dataset:
    """``out`` of :func:`density_of_states` (changed in place and returned) with the reduced DOS of
    :func:`reduced_dos` in d dimensions."""
    edges = np.asarray(out.attrs["bin_edges"])
    power = bin_mean_power(edges, d - 1)
    units = out["g"].attrs["units"]
    w_units = out["omega"].attrs["units"]
    r_units = "1" if w_units == "1" else f"{units}/({w_units})^{d - 1}"
    out["omega_power_mean"] = ("omega", power, {"long_name": f"bin mean of omega^{d - 1}", "units": "1"})
    out["g_reduced_sample"] = (out["g_sample"] / power).assign_attrs(
        long_name=f"reduced DOS g/omega^{d - 1} per sample", units=r_units
    )
    out["g_reduced"] = (out["g"] / power).assign_attrs(
        long_name=f"reduced DOS g/omega^{d - 1} (mean over samples)", units=r_units
    )
    out.attrs["spatial_dimension"] = d
    return out


def smoothed_reduced_dos(
    omega: np.ndarray, n_nonzero: np.ndarray, grid: np.ndarray, bandwidth: np.ndarray | float, dimension: int
) -> np.ndarray:
    """Kernel estimate of the reduced DOS g(ω)/ω^(d−1), per sample, without bins.

    Each non-zero mode k adds a Gaussian of width σ, reflected at ω = 0 and
    weighted by its own 1/ω_k^(d−1),

        r(ω) = (1/n_nonzero) Σ_k [φ_σ(ω − ω_k) + φ_σ(ω + ω_k)] / ω_k^(d−1),

    i.e. the reduced DOS convolved with φ_σ.  Weighting by ω_k (not by the
    grid's ω) keeps a Debye spectrum g ∝ ω^(d−1) at its constant level down to
    ω = 0 (the reflection keeps each mode's full weight on ω ≥ 0), so the
    smoothing cannot create a peak at small ω.  Structure narrower than σ —
    the discrete phonon shells of a finite box — is averaged out; a peak
    broader than σ keeps its position to O(σ²/width²).

    Parameters
    ----------
    omega
        Shape (sample, mode): frequencies, NaN for zero modes.
    n_nonzero
        Shape (sample,): the normalisation (as :func:`density_of_states`).
    grid
        Shape (n_grid,): where r is evaluated, units of ω.
    bandwidth
        σ > 0, a number or one per sample (shape (sample,)).
    dimension
        d.

    Returns
    -------
    numpy.ndarray
        Shape (sample, n_grid), units of g/ω^(d−1).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> w = np.sqrt(rng.random((1, 20000))) * 2.0  # 2D Debye: g(ω) = ω/2 on (0, 2], so g/ω = 1/2
    >>> r = smoothed_reduced_dos(w, np.array([20000]), np.array([0.0, 0.5, 1.0]), 0.1, 2)
    >>> np.round(r, 1).tolist()
    [[0.5, 0.5, 0.5]]
    """
    w = np.asarray(omega, dtype=float)
    sigma = np.broadcast_to(np.asarray(bandwidth, dtype=float), (w.shape[0],))
    if np.any(~np.isfinite(sigma) | (sigma <= 0)):
        raise ValueError(f"bandwidth must be finite and > 0 for every sample; found {sigma.tolist()}")
    x = np.asarray(grid, dtype=float)
    out = np.zeros((w.shape[0], x.size))
    norm = 1.0 / np.sqrt(2.0 * np.pi)
    for s in range(w.shape[0]):
        ws = w[s][np.isfinite(w[s]) & (w[s] > 0) & (w[s] <= x.max() + 8.0 * sigma[s])]
        weight = ws ** (1 - dimension)
        z1 = (x[:, None] - ws[None, :]) / sigma[s]
        z2 = (x[:, None] + ws[None, :]) / sigma[s]
        out[s] = (np.exp(-0.5 * z1 * z1) + np.exp(-0.5 * z2 * z2)) @ weight * norm / (sigma[s] * n_nonzero[s])
    return out
