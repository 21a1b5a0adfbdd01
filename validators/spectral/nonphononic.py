"""The issue-25 exponent estimators on a dataset: one point's :class:`.ModeSpectra` read from its variables.

:mod:`.window_mle`, :mod:`.size_scaling` and :mod:`.debye_excess` work on arrays;
claims and scorecards work on datasets.  :func:`mode_spectra_from_dataset`
reads, once, what those estimators need from one parameter point of a VDOS-1.0
dataset — ω of the non-zero modes (``eigenvalue`` with ``zero_mode``), each
sample's ω₀ = 2π √(G/ρ)/L from its stored ``shear_modulus`` and
``box_length``, the ``participation_ratio`` of each mode, the moduli for
Debye's level (``longitudinal_modulus`` M, giving K_wave = M − 2(d−1)G/d so
that c_L = √(M/ρ); else ``bulk_modulus``) and the ``chain`` labels — and
:func:`nonphononic_exponent` runs one registered estimator on it, for
``benchmark/claims.toml``; :func:`absolute_exponent` runs the estimators in
absolute frequency ω/ω_g (:mod:`.absolute_frequency`, issue 51) on it.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import xarray as xr

from vdosbench.datasets.accessor import VdosAccessor

from .absolute_frequency import band_mle
from .debye_excess import debye_excess
from .exponent_result import ExponentEstimate
from .lowest_mode_law import extreme_value_fit
from .mode_spectra import ModeSpectra
from .window_mle import window_mle

__all__ = ["absolute_exponent", "mode_spectra_from_dataset", "nonphononic_exponent"]


def mode_spectra_from_dataset(ds: xr.Dataset, label: str = "") -> ModeSpectra:
    """The :class:`.ModeSpectra` of one parameter point (module docstring).

    Parameters
    ----------
    ds
        One point: ``eigenvalue`` (sample, mode), ``shear_modulus`` (sample), ``box_length`` (sample or
        scalar) and a ``site`` dimension (or a compact form's ``n_particles`` attribute); optional
        ``zero_mode``, ``participation_ratio``, ``longitudinal_modulus`` / ``bulk_modulus``, ``chain``.
    label
        Carried into the estimates.

    Samples whose shear modulus is not positive (unstable to shear: no ω₀) are left out and counted in
    ``excluded_unstable``.

    Raises
    ------
    ValueError
        If a required variable is missing (naming it and how to add it), the point still has
        parameter dimensions, or no sample has a positive shear modulus.

    Examples
    --------
    >>> ds = xr.Dataset({"eigenvalue": (("sample", "mode"), [[0.0, 0.25, 1.0], [0.0, 0.36, 0.81]]),
    ...                  "zero_mode": (("sample", "mode"), [[True, False, False]] * 2),
    ...                  "shear_modulus": ("sample", [1.0, 1.0]), "box_length": ("sample", [2.0, 2.0])},
    ...                 coords={"site": range(8)}, attrs={"spatial_dimension": 3})
    >>> sp = mode_spectra_from_dataset(ds)
    >>> sp.omega.tolist(), [round(float(x), 6) for x in sp.omega0]
    ([[0.5, 1.0], [0.6, 0.9]], [3.141593, 3.141593])
    """
    view = ds.vdos  # the dataset's one view (vdosbench.datasets.accessor): ω, dimension, box, density, ω₀, chains
    if not view.is_point:
        raise ValueError(
            f"eigenvalue has parameter dimensions {list(view.parameter_dims)}; expected one point "
            "(select it with ds.sel(...) first)"
        )
    # kept on the view: a claim scored by an estimator and then read again (scoring) builds it once
    return view.derived(f"mode_spectra:{label}", lambda: _mode_spectra(view, label), _READS, _READS_ATTRS)


#: The variables and attributes :func:`mode_spectra_from_dataset` reads (its value on the view follows them).
_READS = (
    "eigenvalue",
    "zero_mode",
    "shear_modulus",
    "box_length",
    "participation_ratio",
    "longitudinal_modulus",
    "bulk_modulus",
    "chain",
    "position",
    "site",
)
_READS_ATTRS = ("spatial_dimension", "site_degrees_of_freedom", "n_particles")


def _mode_spectra(view: VdosAccessor, label: str) -> ModeSpectra:
    for name, fix in (
        (
            "shear_modulus",
            "vdosbench.benchmark.elastic.with_shear_modulus(ds) computes it from positions, diameters and box",
        ),
        ("box_length", "store the periodic box edge per sample"),
    ):
        if not view.has(name):
            raise ValueError(f"the issue-25 estimators need {name!r} per sample, not found in the dataset. Fix: {fix}")
    ds = view.dataset
    d = view.dimension
    omega_raw = np.asarray(view.omega.transpose("sample", "mode").values, dtype=float)  # NaN: zero modes
    order = np.argsort(np.where(np.isnan(omega_raw), np.inf, omega_raw), axis=1, kind="stable")
    omega = np.take_along_axis(omega_raw, order, axis=1)  # ascending, NaN (zero modes) last
    n_site = view.n_site  # the site dimension, or a compact form's n_particles attribute
    rho = np.asarray(view.number_density.values, dtype=float).reshape(-1)
    g = view.shear_modulus
    participation = None
    if view.has("participation_ratio"):
        e = np.asarray(ds["participation_ratio"].transpose("sample", "mode").values, dtype=float)
        participation = np.take_along_axis(np.where(np.isnan(omega_raw), np.nan, e), order, axis=1)
    keep = np.isfinite(omega).any(axis=0)
    bulk = None
    if view.has("longitudinal_modulus"):
        bulk = np.asarray(ds["longitudinal_modulus"].values, dtype=float) - 2.0 * (d - 1) / d * g
    elif view.has("bulk_modulus"):
        bulk = np.asarray(ds["bulk_modulus"].values, dtype=float)
    groups = view.chain_groups
    stable = g > 0  # a sample unstable to shear (G <= 0) has no omega0: left out, and counted
    if not stable.any():
        raise ValueError(
            f"every sample's shear modulus is <= 0 (found {g.tolist()[:5]}...); the issue-25 "
            "estimators need omega0 = 2 pi sqrt(G/rho)/L: check the moduli"
        )
    return ModeSpectra(
        omega[stable][:, keep],
        view.omega0[stable],
        n_site,
        float(np.mean(rho)),
        d,
        shear_modulus=g[stable],
        bulk_modulus=None if bulk is None else bulk[stable],
        participation=None if participation is None else participation[stable][:, keep],
        groups=None if groups is None else np.asarray(groups)[stable],
        label=label,
        excluded_unstable=int((~stable).sum()),
    )


def nonphononic_exponent(
    ds: xr.Dataset,
    estimator: Literal["window_mle", "debye_excess"] = "window_mle",
    factor: float = 0.5,
    *,
    max_participation: float | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> ExponentEstimate:
    """s of one point by a registered issue-25 estimator (its ``measurement`` is what a claim judges).

    Parameters
    ----------
    ds
        One point (:func:`mode_spectra_from_dataset`).
    estimator
        ``"window_mle"`` (:func:`.window_mle` on (0, factor·ω₀ᵢ]) or ``"debye_excess"``
        (:func:`.debye_excess` with its defaults).
    factor, max_participation
        The window MLE's c and participation filter.
    n_bootstrap, seed
        Bootstrap over samples (chains where ``chain`` is stored).
    """
    spectra = mode_spectra_from_dataset(ds)
    if estimator == "window_mle":
        return window_mle(spectra, factor, max_participation=max_participation, n_bootstrap=n_bootstrap, seed=seed)
    if estimator == "debye_excess":
        return debye_excess(spectra, n_bootstrap=n_bootstrap, seed=seed)
    raise ValueError(f"unknown estimator {estimator!r}; expected 'window_mle' or 'debye_excess'")


def absolute_exponent(
    ds: xr.Dataset,
    estimator: Literal["band_mle", "extreme_value"] = "band_mle",
    band: tuple[float, float] | list[float] = (0.0, 0.29),
    *,
    law: Literal["independent", "free"] = "independent",
    max_participation_number: float | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> ExponentEstimate:
    """s of one point in absolute frequency ω/ω_g (:mod:`.absolute_frequency`; issue 51).

    Parameters
    ----------
    ds
        One point (:func:`mode_spectra_from_dataset`: needs each sample's shear modulus for ω_g).
    estimator
        ``"band_mle"``: the local exponent on ``band`` = (a, b] of ω/ω_g (a = 0: the window MLE), only samples
        whose first phonon lies above b/0.6; ``"extreme_value"``: each sample's lowest mode (one point: the law
        of independent levels, ``law`` must be ``"independent"``).
    max_participation_number
        Keep only modes with N·e ≤ this (None: all modes).
    n_bootstrap, seed
        Bootstrap over samples (chains where ``chain`` is stored).
    """
    spectra = mode_spectra_from_dataset(ds)
    if max_participation_number is not None:
        spectra = spectra.filtered_by_participation_number(float(max_participation_number))
    if estimator == "band_mle":
        low, high = (float(v) for v in band)
        return band_mle(spectra, low, high, n_bootstrap=n_bootstrap, seed=seed)
    if estimator == "extreme_value":
        return extreme_value_fit(spectra, law=law, n_bootstrap=n_bootstrap, seed=seed).exponent
    raise ValueError(f"unknown estimator {estimator!r}; expected 'band_mle' or 'extreme_value'")
