"""s read across system sizes, as a claim names it: the papers' estimators that need several N at once.

Two published estimators read s not from one box but from how the lowest modes move with the number of
particles N (same protocol, same taper), and so cannot be a one-point validator:

``extreme_value`` (Lerner, Düring & Bouchbinder, PRL 117, 035501 (2016))
    the sample-to-sample statistics of the lowest non-zero frequency ω_min is Weibullian,
    P(ω_min > ω) = exp(−N B ω^(s+1)), so ⟨ω_min⟩ ∝ N^(−1/(s+1)): s from the slope of log⟨ω_min⟩ on log N
    (:func:`vdosbench.validators.extreme_value`, with its check that ω_min lies below the first phonon).
``count_scaling`` (the cumulative count below the first sound mode; Lerner, PRE 101, 032120 (2020); Wang,
Szamel & Flenner's size scaling)
    the mean number of modes below c·ω₀ per sample grows as N^(1 − (s+1)/d):
    s = d(1 − b) − 1 from the slope b of its log on log N (:func:`vdosbench.validators.count_scaling`).

:func:`size_series_exponent` takes a dataset whose ``eigenvalue`` keeps a parameter dimension of sizes (a
claim writes ``across = "n_particles"`` in its measure, so that :func:`vdosbench.benchmark.claim_selection.select_points`
keeps that dimension whole), builds one :class:`.ModeSpectra` per size and runs the estimator.  Sizes stored
with different sample counts are concatenated with NaN padding: samples whose every eigenvalue or whose shear
modulus is NaN are dropped per size (they are padding, not glasses).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

import numpy as np
import xarray as xr

from ..results.registry import measures
from ..results.result import Measurement, ValidatorResult
from .exponent_result import ExponentEstimate
from .mode_spectra import ModeSpectra
from .nonphononic import mode_spectra_from_dataset
from .size_scaling import count_scaling, extreme_value

__all__ = ["SizeSeriesResult", "size_series_exponent", "size_series_spectra"]

#: The estimators :func:`size_series_exponent` runs, by the name a claim's ``estimator`` setting uses.
ESTIMATORS = ("extreme_value", "count_scaling")


@dataclass(frozen=True, eq=False)
class SizeSeriesResult(ValidatorResult):
    """s across sizes for a claim: ``s`` is the estimate's measurement, with a NaN interval (no verdict) when
    the estimator's status is not ``"ok"``; ``estimate`` keeps the full :class:`.ExponentEstimate`.

    Attributes
    ----------
    s
        The measurement a claim judges.
    estimate
        The estimator's result (status, reason, the per-size points in its diagnostics).
    sizes
        The sizes read, ascending.
    settings
        The claim settings it was called with.
    """

    s: Measurement
    estimate: ExponentEstimate
    sizes: tuple[int, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    headline: ClassVar[str] = "s"
    diagnostics_field: ClassVar[str] = "estimate"


def size_series_spectra(ds: xr.Dataset, across: str = "n_particles") -> list[ModeSpectra]:
    """One :class:`.ModeSpectra` per value of the size dimension ``across`` of ``ds``, ascending in N.

    Parameters
    ----------
    ds
        ``eigenvalue`` with dims ``(across, 'sample', 'mode')`` and what :func:`mode_spectra_from_dataset`
        reads (``shear_modulus``, ``box_length``, ...); the size of each slice is the coordinate's value.
    across
        The name of the size dimension.

    Raises
    ------
    ValueError
        If ``across`` is not a dimension of ``eigenvalue``, or a size keeps no sample.

    Examples
    --------
    >>> from vdosbench.generators.theory.mock_spectrum import mock_glass_spectra
    >>> def point(n):
    ...     m = mock_glass_spectra(n, 20, exponent=4.0, k=10, seed=n)
    ...     lam = np.concatenate([np.zeros((20, 3)), m.omega**2], axis=1)
    ...     return xr.Dataset({"eigenvalue": (("sample", "mode"), lam),
    ...                        "zero_mode": (("sample", "mode"), np.arange(13) < 3 + np.zeros((20, 1))),
    ...                        "shear_modulus": ("sample", m.shear_modulus),
    ...                        "box_length": ("sample", np.full(20, (n / m.density) ** (1 / 3)))},
    ...                       attrs={"spatial_dimension": 3, "n_particles": n})
    >>> ds = xr.concat([point(500), point(1000)], dim="n_particles").assign_coords(n_particles=[500, 1000])
    >>> [sp.n_particles for sp in size_series_spectra(ds)]
    [500, 1000]
    """
    if across not in ds["eigenvalue"].dims:
        raise ValueError(
            f"eigenvalue has dims {ds['eigenvalue'].dims}; expected a size dimension {across!r}: "
            f"concatenate the sizes with xr.concat(..., dim={across!r})"
        )
    out: list[ModeSpectra] = []
    for n in sorted(ds[across].values.tolist()):
        point = ds.sel({across: n}, drop=True)
        lam = point["eigenvalue"].values
        keep = ~np.all(np.isnan(lam), axis=1)
        if "shear_modulus" in point:
            keep &= np.isfinite(point["shear_modulus"].values)
        if not keep.any():
            raise ValueError(f"{across} = {n} keeps no sample (every eigenvalue or shear modulus is NaN)")
        point = point.isel(sample=np.flatnonzero(keep))
        point = point.assign_attrs(n_particles=int(n))
        if "site" in point.dims and point.sizes["site"] != int(n):
            point = point.drop_dims("site")  # padded to the largest size: the attribute gives N
        out.append(mode_spectra_from_dataset(point, label=f"N={int(n)}"))
    return out


@measures("s", name="size_series_exponent")
def size_series_exponent(
    ds: xr.Dataset,
    estimator: Literal["extreme_value", "count_scaling"] = "extreme_value",
    *,
    across: str = "n_particles",
    factor: float = 0.5,
    statistic: Literal["mean", "median"] = "mean",
    phonon_factor: float = 0.9,
    max_participation: float | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> SizeSeriesResult:
    """s from several sizes of one protocol by a paper's size-scaling estimator (module docstring).

    Parameters
    ----------
    ds
        The sizes of one protocol along ``across`` (:func:`size_series_spectra`).
    estimator
        ``"extreme_value"`` (⟨ω_min⟩ ∝ N^(−1/(s+1))) or ``"count_scaling"`` (modes below ``factor``·ω₀ per
        sample ∝ N^(1 − (s+1)/d)).
    across
        The size dimension (a claim's ``across`` setting).
    factor
        c of ``count_scaling``.
    statistic, phonon_factor
        Of ``extreme_value``: the mean (every ω_min below ``phonon_factor``·ω₀ᵢ) or the median.
    max_participation
        Count only modes with participation ratio e ≤ this (both estimators).
    n_bootstrap, seed
        Bootstrap over samples, each size resampled independently.

    Returns
    -------
    SizeSeriesResult
        ``s`` with a NaN interval when the estimate is not usable (its status and reason in the settings).
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}; expected one of {ESTIMATORS}")
    points = size_series_spectra(ds, across)
    if estimator == "extreme_value":
        est = extreme_value(
            points,
            statistic=statistic,
            phonon_factor=phonon_factor,
            max_participation=max_participation,
            n_bootstrap=n_bootstrap,
            seed=seed,
        )
    else:
        est = count_scaling(points, factor, max_participation=max_participation, n_bootstrap=n_bootstrap, seed=seed)
    m = est.measurement
    if est.status != "ok":
        m = replace(
            m,
            low=float("nan"),
            high=float("nan"),
            expanded=None,
            settings={**dict(m.settings), "not_assessed": f"{est.status}: {est.reason}"},
        )
    settings = {
        "estimator": estimator,
        "across": across,
        "factor": factor,
        "statistic": statistic,
        "phonon_factor": phonon_factor,
        "max_participation": max_participation,
        "n_bootstrap": n_bootstrap,
        "seed": seed,
    }
    return SizeSeriesResult(m, est, tuple(p.n_particles for p in points), settings)
