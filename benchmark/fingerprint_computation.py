"""Computing a dataset's fingerprint (:func:`compute_fingerprint`): per parameter point, the quantities the physics
lives in, each with its bootstrap standard error.

What a fingerprint is for, how a rebuild is compared with it, the realization test and the catalogue entry of a
built file: :mod:`vdosbench.benchmark.fingerprint` (``compute_fingerprint``, ``chain_groups`` and ``RESOLUTION``
import from there too); the catalogue stores it (:class:`vdosbench.datasets.Fingerprint`).

Quantities (definition :data:`DEFINITION`), per parameter point, over the
non-zero modes (zero modes by :func:`vdosbench.validators.spectral.spectrum.frequencies`):

``lambda_q{q}``
    The q-quantile of the eigenvalues λ pooled over samples, q in
    :data:`QUANTILES` (``numpy.quantile``, linear interpolation).
``omega_low_moment_{k}``
    ⟨ω^k⟩ over the lowest :data:`LOW_FRACTION` of each sample's modes
    (at least one mode), averaged over samples, k in :data:`MOMENT_ORDERS`.
``omega_min``
    The lowest non-zero ω of each sample, averaged over samples.
``r_tilde_mean``
    ⟨r̃⟩, r̃ = min(r, 1/r) of the consecutive level-spacing ratios
    (:func:`vdosbench.validators.levels.level_statistics.spacing_ratios`), pooled;
    a spacing below the numerical resolution (:data:`RESOLUTION` × max λ)
    counts as an exact degeneracy (r̃ = 0; two such spacings in a row give no
    ratio), so a degenerate spectrum computed through another LAPACK gives
    the same ⟨r̃⟩.
``mean:{variable}``
    Every numeric per-sample scalar of the dataset (dims: parameters and
    ``sample``, e.g. ``boson_peak_frequency``, ``gap_edge``), averaged over samples.
    A scalar that is not finite in every sample is left out: a generator
    stores NaN where a quantity is not defined for the model (the
    size-neighbour correlation of a two-species mixture), and a mean over
    NaN can be neither compared nor given a standard error.

Standard errors: the standard deviation of :data:`N_BOOTSTRAP` bootstrap
replicates (``numpy.random.default_rng(BOOTSTRAP_SEED)``), resampling the
samples with replacement when a point has two or more, else the modes (and
ratios) of its single sample.  A set of Monte Carlo chains (a ``chain``
variable that two samples of a point share) gets a second set, the chain
standard errors: :data:`N_BOOTSTRAP` replicates that resample whole chains
(``numpy.random.default_rng(CHAIN_BOOTSTRAP_SEED)``, so the first set is
unchanged), with the chains per point; a chain's structures are correlated,
so the first set is too small for them, and only the second is used to
compare two realizations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets import iter_points, parameter_dims
from vdosbench.datasets.catalog_entries import Fingerprint
from vdosbench.datasets.padding import length_variable, padded_dims, values_variable
from vdosbench.validators.levels.level_statistics import spacing_ratios

__all__ = [
    "BOOTSTRAP_SEED",
    "CHAIN_BOOTSTRAP_SEED",
    "DEFINITION",
    "LOW_FRACTION",
    "MOMENT_ORDERS",
    "N_BOOTSTRAP",
    "QUANTILES",
    "RESOLUTION",
    "chain_groups",
    "compute_fingerprint",
    "point_label",
]

#: Version of the quantity definitions (stored with each fingerprint; a mismatch is reported, not compared).
DEFINITION = 1
#: Quantiles of λ per point.
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
#: Fraction of each sample's non-zero modes (lowest ω) the low-frequency moments average over.
LOW_FRACTION = 0.1
#: Orders k of the low-frequency moments ⟨ω^k⟩.
MOMENT_ORDERS = (1, 2, 4)
#: Bootstrap replicates per point for the standard errors.
N_BOOTSTRAP = 200
#: Seed of the bootstrap (the standard errors are reproducible).
BOOTSTRAP_SEED = 0
#: Seed of the bootstrap over chains (the chain standard errors of a Monte Carlo chain set).
CHAIN_BOOTSTRAP_SEED = 1
#: Numerical resolution: √ε of float64 (half the digits), the agreement expected of one
#: computation through different BLAS/LAPACK builds; the tolerance floor where the sampling
#: spread is zero, and the threshold below which a level spacing counts as a degeneracy.
RESOLUTION = math.sqrt(float(np.finfo(np.float64).eps))


def point_label(values: Mapping[str, Any]) -> str:
    """Label of a parameter point: ``"delta=0.2, connectivity=cutoff"``; ``"all"`` without parameters.

    Examples
    --------
    >>> point_label({"delta": 0.2, "connectivity": "cutoff"}), point_label({})
    ('delta=0.2, connectivity=cutoff', 'all')
    """
    return ", ".join(f"{k}={v}" for k, v in values.items()) or "all"


@dataclass(frozen=True)
class _Sample:
    """One sample's inputs to the statistics."""

    omega: np.ndarray  # non-zero ω, ascending
    r_tilde: np.ndarray  # r̃ of the consecutive spacings (degeneracies resolved)
    scalars: dict[str, float]

    @cached_property
    def lam(self) -> np.ndarray:
        """ω² of the sample's modes (computed once: a bootstrap draws the same sample many times)."""
        return self.omega**2

    @cached_property
    def low_moments(self) -> tuple[float, ...]:
        """⟨ω^k⟩ over the sample's lowest :data:`LOW_FRACTION` of modes (at least one), k in
        :data:`MOMENT_ORDERS` (computed once, as :attr:`lam`)."""
        low = self.omega[: max(1, math.ceil(LOW_FRACTION * self.omega.size))]
        return tuple(np.mean(low**k) for k in MOMENT_ORDERS)


def _r_tilde(lam: np.ndarray) -> np.ndarray:
    """r̃ = min(r, 1/r) of one sample's sorted levels, spacings below the resolution set to 0."""
    if lam.size < 3:
        return np.empty(0)
    d = np.diff(lam)
    d = np.where(d <= RESOLUTION * float(np.max(np.abs(lam))), 0.0, d)
    r = spacing_ratios(np.concatenate([[0.0], np.cumsum(d)]))  # the same levels with degeneracies made exact
    with np.errstate(divide="ignore", invalid="ignore"):
        rt = np.minimum(r, 1.0 / r)
    return rt[np.isfinite(rt)]  # 0/0: two degenerate spacings in a row give no ratio


def _scalar_names(ds: xr.Dataset) -> list[str]:
    dims = {*parameter_dims(ds), "sample"}
    return sorted(
        str(name)
        for name, var in ds.data_vars.items()
        if "sample" in var.dims
        and set(var.dims) <= dims
        and var.dtype.kind in "fiu"
        and bool(np.isfinite(var.values).all())
    )


def _samples(point: xr.Dataset, scalars: Sequence[str], label: str) -> list[_Sample]:
    omega = point.vdos.omega
    if omega.dims != ("sample", "mode"):
        raise ValueError(
            f"point {label}: eigenvalue has dims {omega.dims} after selecting the parameters; expected "
            "('sample', 'mode'). Fix: declare every extra dimension as a parameter dimension (VDOS-1.0)"
        )
    out = []
    for s in range(point.sizes["sample"]):
        w = np.sort(omega.values[s][np.isfinite(omega.values[s])])
        if w.size == 0:
            raise ValueError(f"point {label}, sample {s}: no finite non-zero mode; expected at least one")
        out.append(_Sample(w, _r_tilde(w**2), {v: float(point[v].values[s]) for v in scalars}))
    return out


def _statistics(samples: Sequence[_Sample]) -> dict[str, float]:
    """Every fingerprint quantity of one point's samples (definitions in the module docstring)."""
    lam = np.concatenate([s.lam for s in samples])
    out = {f"lambda_q{q}": float(v) for q, v in zip(QUANTILES, np.quantile(lam, QUANTILES))}
    for i, k in enumerate(MOMENT_ORDERS):
        out[f"omega_low_moment_{k}"] = float(np.mean([s.low_moments[i] for s in samples]))
    out["omega_min"] = float(np.mean([s.omega[0] for s in samples]))
    rt = np.concatenate([s.r_tilde for s in samples])
    out["r_tilde_mean"] = float(np.mean(rt)) if rt.size else float("nan")
    for name in samples[0].scalars:
        out[f"mean:{name}"] = float(np.mean([s.scalars[name] for s in samples]))
    return out


def _resample_modes(sample: _Sample, rng: np.random.Generator) -> _Sample:
    omega = np.sort(rng.choice(sample.omega, sample.omega.size))
    rt = rng.choice(sample.r_tilde, sample.r_tilde.size) if sample.r_tilde.size else sample.r_tilde
    return _Sample(omega, rt, sample.scalars)


def _bootstrap_stderr(
    samples: Sequence[_Sample], rng: np.random.Generator, groups: Sequence[Sequence[int]] | None = None
) -> dict[str, float]:
    """Bootstrap standard errors: ``len(groups)`` groups drawn with replacement, their samples pooled (by default
    each sample its own group; a single sample's modes are resampled instead)."""
    groups = [[i] for i in range(len(samples))] if groups is None else groups
    replicates = []
    for _ in range(N_BOOTSTRAP):
        if len(groups) >= 2:
            chosen = [samples[i] for g in rng.integers(0, len(groups), size=len(groups)) for i in groups[g]]
        else:
            chosen = [_resample_modes(samples[0], rng)]
        replicates.append(_statistics(chosen))
    return {q: float(np.std([r[q] for r in replicates], ddof=1)) for q in replicates[0]}


def chain_groups(point: xr.Dataset) -> list[list[int]] | None:
    """The sample indices of each Monte Carlo chain at one parameter point, or ``None`` for independent samples.

    ``None`` when the point has no ``chain`` variable over ``sample`` or no two of its samples share a chain.

    Examples
    --------
    >>> import xarray as xr
    >>> chain_groups(xr.Dataset({"chain": ("sample", [3, 3, 1, 1, 1])}))
    [[2, 3, 4], [0, 1]]
    >>> chain_groups(xr.Dataset({"chain": ("sample", [0, 1, 2])})) is None
    True
    """
    if "chain" not in point.variables or point["chain"].dims != ("sample",):
        return None
    labels = np.asarray(point["chain"].values)
    chains = np.unique(labels)
    if chains.size == labels.size:
        return None
    return [np.flatnonzero(labels == c).tolist() for c in chains]


def compute_fingerprint(ds: xr.Dataset, *, stderr: bool = True) -> Fingerprint:
    """The fingerprint of a dataset (quantities and standard errors in the module docstring).

    Parameters
    ----------
    ds
        A VDOS-1.0 dataset with ``eigenvalue`` (..., sample, mode).
    stderr
        Bootstrap the standard errors (what a catalogue entry stores); with
        ``False`` they are zeros (enough for the rebuilt side of a comparison).

    Returns
    -------
    Fingerprint
        One value and one standard error per quantity and parameter point;
        for a set of Monte Carlo chains also the chains per point and the
        chain standard errors (zeros with ``stderr=False``).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> fp = compute_fingerprint(mock_spectrum(n_sample=4, n_mode=50))
    >>> fp.points, fp.resampled, sorted(fp.values)[:2]
    (('all',), 'sample', ['lambda_q0.01', 'lambda_q0.05'])
    """
    if "eigenvalue" not in ds.variables:
        raise ValueError(
            f"dataset has no 'eigenvalue' variable (found {sorted(map(str, ds.data_vars))}); expected a VDOS-1.0 "
            "dataset. Fix: fingerprint the ensemble.nc a generator wrote"
        )
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    chain_rng = np.random.default_rng(CHAIN_BOOTSTRAP_SEED)
    scalars = _scalar_names(ds)
    needed = ["eigenvalue", *(["zero_mode"] if "zero_mode" in ds.variables else []), *scalars]
    needed += ["chain"] if "chain" in ds.variables and "chain" not in needed else []
    # a padded dimension's bookkeeping (each point's length, its own coordinate) goes with them: iter_points trims by it
    padding = [
        name for dim in padded_dims(ds) for name in (length_variable(dim), values_variable(dim)) if name in ds.variables
    ]
    ds = ds[needed + padding].load()  # only these are read (not eigenvectors or pair data)
    labels: list[str] = []
    values: dict[str, list[float]] = {}
    errors: dict[str, list[float]] = {}
    chain_errors: dict[str, list[float]] = {}
    chains: list[int | None] = []
    n_samples = int(ds.sizes["sample"])
    for point, sub in iter_points(ds):
        label = point_label(point)
        samples = _samples(sub, scalars, label)
        stats = _statistics(samples)
        errs = _bootstrap_stderr(samples, rng) if stderr else dict.fromkeys(stats, 0.0)
        groups = chain_groups(sub)
        chains.append(None if groups is None else len(groups))
        if groups is not None:
            chain_errs = _bootstrap_stderr(samples, chain_rng, groups) if stderr else dict.fromkeys(stats, 0.0)
            for q in stats:
                chain_errors.setdefault(q, []).append(chain_errs[q])
        labels.append(label)
        for q, v in stats.items():
            values.setdefault(q, []).append(v)
            errors.setdefault(q, []).append(errs[q])
    chained = any(c is not None for c in chains)
    if chained and not all(c is not None for c in chains):
        unchained = [lab for lab, c in zip(labels, chains) if c is None]
        raise ValueError(
            f"points {unchained} have independent samples, the others Monte Carlo chains; expected one kind in a "
            "dataset. Fix: give every point's samples chain labels (or none)"
        )
    return Fingerprint(
        definition=DEFINITION,
        resampled="sample" if n_samples >= 2 else "mode",
        points=tuple(labels),
        values={q: tuple(v) for q, v in values.items()},
        stderr={q: tuple(e) for q, e in errors.items()},
        chains=tuple(int(c) for c in chains if c is not None) if chained else None,
        chain_stderr={q: tuple(e) for q, e in chain_errors.items()} if chained else None,
    )
