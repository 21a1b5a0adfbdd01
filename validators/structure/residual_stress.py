"""The residual stress of each glass: its virial stress tensor, pressure and residual shear stress (issue 67 item 4).

An inherent structure in a periodic box at fixed shape is a force minimum, not a stress-free state: the affine
derivative of its energy U under a strain ε of the box is the (athermal, virial) stress

    σ^{αβ} = (1/V) ∂U/∂ε_{αβ} = (1/V) Σ_{pairs} r^α r^β φ′(r)/r = (1/V) Σ_{pairs} σ_ij^{αβ},

the sum of the stored pair stresses σ_ij^{αβ} = ê^α ê^β ψ(r), ψ = r φ′(r) (seed 001 eqs 86–88).  Its trace
gives the pressure p = −tr σ / d, and its deviatoric part s = σ + p I the *residual shear stress*

    τ = √(½ s : s)     (the von Mises equivalent shear stress, √J₂),

invariant under rotations of the axes (for one off-diagonal component alone, σ^{xy} = τ).  Each glass of an
isotropic ensemble carries a random τ of order N^(−1/2) (a sum of N random pair contributions over V ∝ N);
Krishnan, Ramola & Karmakar (Soft Matter 18, 3395 (2022)) and Chakraborty et al. (J. Chem. Phys. 2025) find the
soft-mode density and its exponent sorted by it.  Units: ε/a^d (a the length unit).

Where it comes from
    :func:`residual_stress` reads a stored ``residual_stress`` (sample, spatial, spatial_b) tensor when the
    dataset has one (:func:`vdosbench.benchmark.residual_stress.with_residual_stress` computes it from the stored
    positions and the model's potential), else sums the stored ragged ``pair_stress`` of each sample over its box
    volume.  The per-glass value is exact to round-off given the structure (tests: against a brute-force pair sum
    and a finite difference of the energy under shear); the uncertainty this validator reports is that of the
    ensemble statistics, a percentile bootstrap over samples (over chains where the point has chains).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from ..results.points import point_view
from ..results.registry import measures
from ..results.result import Measurement, ValidatorResult, bootstrap, current_axes, jsonable

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "ResidualStressResult",
    "deviatoric_shear_stress",
    "pressure_of",
    "residual_stress",
    "residual_stress_tensors",
    "stress_association",
    "stress_tensor_from_pairs",
]


def stress_tensor_from_pairs(pair_stress: np.ndarray, volume: float) -> np.ndarray:
    """σ = Σ_pairs σ_ij / V: the virial stress tensor of one glass from its pair stresses.

    Parameters
    ----------
    pair_stress
        (n_pair, d, d): σ_ij^{αβ} = ê^α ê^β r φ′(r) of every interacting pair, each pair once (units ε).
    volume
        The box volume V (area in 2D), > 0.

    Returns
    -------
    numpy.ndarray
        (d, d), units ε / a^d.

    Examples
    --------
    >>> e = np.array([1.0, 1.0, 0.0]) / np.sqrt(2)     # one pair along (1, 1, 0) with psi = -2
    >>> stress_tensor_from_pairs(-2.0 * np.outer(e, e)[None], 4.0)[0, 1].round(12)
    np.float64(-0.25)
    """
    s = np.asarray(pair_stress, dtype=float)
    if s.ndim != 3 or s.shape[1] != s.shape[2]:
        raise ValueError(f"pair_stress has shape {s.shape}; expected (n_pair, d, d), one symmetric tensor a pair")
    if not (np.isfinite(volume) and volume > 0):
        raise ValueError(f"volume is {volume}; expected the positive box volume")
    return s.sum(axis=0) / float(volume)


def pressure_of(tensor: np.ndarray) -> np.ndarray:
    """p = −tr σ / d of stress tensors (..., d, d) (positive for a glass of repulsive particles under compression).

    Examples
    --------
    >>> float(pressure_of(-3.0 * np.eye(3)))
    3.0
    """
    t = np.asarray(tensor, dtype=float)
    return -np.trace(t, axis1=-2, axis2=-1) / t.shape[-1]


def deviatoric_shear_stress(tensor: np.ndarray) -> np.ndarray:
    """τ = √(½ s:s), s = σ − (tr σ / d) I: the residual shear stress (von Mises, √J₂) of tensors (..., d, d).

    Invariant under rotations; a pure simple-shear tensor σ^{xy} = σ^{yx} = t, others 0, gives τ = |t|.

    Examples
    --------
    >>> t = np.zeros((3, 3)); t[0, 1] = t[1, 0] = 0.2
    >>> float(deviatoric_shear_stress(t - 5.0 * np.eye(3)).round(12))     # pressure does not enter
    0.2
    """
    t = np.asarray(tensor, dtype=float)
    d = t.shape[-1]
    s = t - np.trace(t, axis1=-2, axis2=-1)[..., None, None] * np.eye(d) / d
    return np.sqrt(0.5 * np.sum(s * s, axis=(-2, -1)))


def residual_stress_tensors(ds: xr.Dataset) -> xr.DataArray:
    """Each sample's stress tensor (sample, spatial, spatial_b) of one parameter point (module docstring).

    Reads ``residual_stress`` when stored, else sums ``pair_stress`` per sample over the box volume.

    Raises
    ------
    ValueError
        If the point has neither ``residual_stress`` nor the ragged ``pair_stress`` with ``box_length``.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=2, n_site=4, pairs_per_sample=3)
    >>> ds["pair_stress"] = (("pair", "spatial", "spatial_b"), np.ones((6, 2, 2)), {"long_name": "s", "units": "1"})
    >>> t = residual_stress_tensors(ds)
    >>> t.dims, bool(np.allclose(t.values * ds.vdos.box_volume.values[:, None, None], 3.0))
    (('sample', 'spatial', 'spatial_b'), True)
    """
    view = point_view(ds, "residual_stress")
    if "residual_stress" in ds.variables:
        stored = ds["residual_stress"]
        if set(stored.dims) != {"sample", "spatial", "spatial_b"}:
            raise ValueError(f"residual_stress has dims {stored.dims}; expected ('sample', 'spatial', 'spatial_b')")
        return stored.transpose("sample", "spatial", "spatial_b")
    if "pair_stress" not in ds.variables:
        raise ValueError(
            "the residual stress needs a stored 'residual_stress' (sample, spatial, spatial_b) or the ragged pair "
            f"stresses 'pair_stress' (pair, spatial, spatial_b) with pair_count; found neither among "
            f"{sorted(str(v) for v in ds.data_vars)[:12]}. Fix: vdosbench.benchmark.residual_stress."
            "with_residual_stress(ds) computes it from position, box_length and diameter or species"
        )
    volume = np.asarray(view.box_volume.values, dtype=float).reshape(-1)
    tensors = np.stack(
        [stress_tensor_from_pairs(s, volume[k]) for k, (s,) in enumerate(view.sample_pairs("pair_stress"))]
    )
    return xr.DataArray(
        tensors,
        dims=("sample", "spatial", "spatial_b"),
        coords={"sample": ds["sample"].values},
        name="residual_stress",
        attrs={"long_name": "virial stress tensor of the glass (sum of pair stresses over V)", "units": "epsilon a^-d"},
    )


@dataclass(frozen=True, eq=False)
class ResidualStressResult(ValidatorResult):
    """Output of :func:`residual_stress`.

    Attributes
    ----------
    shear_stress
        Mean over samples of the residual shear stress τ (ε/a^d) with its bootstrap interval.
    shear_stress_rms
        √⟨τ²⟩ over samples: the ensemble's typical residual shear stress (it falls as N^(−1/2)).
    pressure
        Mean pressure over samples.
    per_sample
        (sample,): ``shear_stress``, ``pressure`` and the tensor ``stress`` (sample, spatial, spatial_b).
    settings
        Source of the tensors and the bootstrap settings.
    """

    headline = "shear_stress"
    diagnostics_field = "per_sample"

    shear_stress: Measurement
    shear_stress_rms: Measurement
    pressure: Measurement
    per_sample: xr.Dataset
    settings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The measurements, each sample's τ and p, and the settings (JSON-able)."""
        return {
            "measurements": {k: m.to_dict() for k, m in self.measurements().items()},
            "per_sample": {
                "shear_stress": jsonable(self.per_sample["shear_stress"].values.tolist()),
                "pressure": jsonable(self.per_sample["pressure"].values.tolist()),
            },
            "settings": jsonable(dict(self.settings)),
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """Histogram of the samples' residual shear stress τ, the mean marked."""
        ax = current_axes(ax)
        tau = self.per_sample["shear_stress"].values
        ax.hist(tau[np.isfinite(tau)], bins=max(5, int(np.sqrt(tau.size))), color="0.7")
        ax.axvline(self.shear_stress.value, color="k", label=f"mean {self.shear_stress.value:.3g}")
        ax.set_xlabel("residual shear stress tau")
        ax.set_ylabel("samples")
        ax.legend()
        return ax


@measures("shear_stress", "shear_stress_rms", "pressure", structural=True)
def residual_stress(
    ds: xr.Dataset, *, n_bootstrap: int = 1000, seed: int = 0, confidence: float = 0.95
) -> ResidualStressResult:
    """Each glass's residual shear stress and pressure, and their ensemble mean with a bootstrap interval.

    Parameters
    ----------
    ds
        One parameter point with ``residual_stress`` (sample, spatial, spatial_b), or ``pair_stress`` (pair,
        spatial, spatial_b) with ``pair_count`` and ``box_length``; optional ``chain`` (resampled as units).
    n_bootstrap, seed, confidence
        Percentile bootstrap over samples (over chains where the point has them).

    Returns
    -------
    ResidualStressResult

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=3, n_site=4, pairs_per_sample=2)
    >>> t = np.zeros((6, 2, 2)); t[:, 0, 1] = t[:, 1, 0] = 1.0           # 2D; every pair: sigma_xy = 1, no trace
    >>> ds["pair_stress"] = (("pair", "spatial", "spatial_b"), t, {"long_name": "pair stress", "units": "1"})
    >>> r = residual_stress(ds, n_bootstrap=50)
    >>> v = ds.vdos.box_volume.values
    >>> bool(np.allclose(r.per_sample["shear_stress"].values, 2.0 / v)), float(r.pressure.value)
    (True, 0.0)
    """
    view = point_view(ds, "residual_stress")
    tensors = residual_stress_tensors(ds)
    t = np.asarray(tensors.values, dtype=float)
    tau, p = deviatoric_shear_stress(t), pressure_of(t)
    groups = view.chain_groups
    est = bootstrap(
        lambda a, b: np.array([np.mean(a), np.sqrt(np.mean(a * a)), np.mean(b)]),
        (tau, p),
        n_bootstrap=n_bootstrap,
        seed=seed,
        confidence=confidence,
        groups=groups,
    )
    source = "stored residual_stress" if "residual_stress" in ds.variables else "sum of pair_stress over V"
    per_sample = xr.Dataset(
        {
            "shear_stress": ("sample", tau, {"long_name": "residual shear stress sqrt(J2)", "units": "epsilon a^-d"}),
            "pressure": ("sample", p, {"long_name": "pressure -tr(sigma)/d", "units": "epsilon a^-d"}),
            "stress": (
                ("sample", "spatial", "spatial_b"),
                t,
                {"long_name": "virial stress tensor", "units": "epsilon a^-d"},
            ),
        },
        coords={"sample": tensors["sample"].values},
    )
    settings = {
        "source": source,
        "units_resampled": "chains" if groups is not None else "samples",
        "shear_stress": "sqrt(J2) = sqrt(s:s / 2), s the deviatoric part of the virial stress",
    }
    common = {"units": "epsilon a^-d", "settings": settings, "curve": per_sample}
    return ResidualStressResult(
        est.measurement(
            "shear_stress", index=0, method="mean over samples of each glass's sqrt(J2); percentile bootstrap", **common
        ),
        est.measurement(
            "shear_stress_rms",
            index=1,
            method="root mean square over samples of sqrt(J2); percentile bootstrap",
            **common,
        ),
        est.measurement(
            "pressure", index=2, method="mean over samples of -tr(sigma)/d; percentile bootstrap", **common
        ),
        per_sample,
        {**settings, **est.settings()},
    )


def stress_association(
    stress: np.ndarray,
    counts: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Measurement]:
    """How much of the sample-to-sample spread of a per-glass count (soft modes below an edge) the residual stress
    explains: Spearman's rank correlation ρ and the linear R² of count on stress, each with a bootstrap interval.

    R² is the fraction of the variance of the count across glasses that a straight line in the stress accounts
    for (the rest: Poisson noise of a finite count and every other property of the glass).

    Parameters
    ----------
    stress, counts
        (n_samples,) each glass's residual shear stress and its count (only finite pairs are used).
    groups
        (n_samples,) chain labels, resampled as units; None: samples independent.
    n_bootstrap, seed, confidence
        Percentile bootstrap.

    Returns
    -------
    dict
        ``"spearman"`` and ``"r_squared"``: :class:`~vdosbench.validators.Measurement` s.

    Raises
    ------
    ValueError
        If the arrays differ in length or fewer than 3 glasses have finite values.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> tau = rng.random(300)
    >>> a = stress_association(tau, rng.poisson(1.0 + 4.0 * tau), n_bootstrap=200)
    >>> bool(a["spearman"].low > 0.3), bool(0.0 < a["r_squared"].value < 1.0)
    (True, True)
    """
    x, y = np.asarray(stress, dtype=float), np.asarray(counts, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"stress has shape {x.shape} and counts {y.shape}; expected two (n_samples,) arrays")
    ok = np.isfinite(x) & np.isfinite(y)
    if int(ok.sum()) < 3:
        raise ValueError(f"{int(ok.sum())} glasses have a finite stress and count; expected at least 3")
    g = None if groups is None else np.asarray(groups)[ok]

    def statistic(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if np.ptp(a) == 0 or np.ptp(b) == 0:
            return np.array([np.nan, np.nan])
        rho = float(np.corrcoef(_midranks(a), _midranks(b))[0, 1])
        r = float(np.corrcoef(a, b)[0, 1])
        return np.array([rho, r * r])

    est = bootstrap(statistic, (x[ok], y[ok]), n_bootstrap=n_bootstrap, seed=seed, confidence=confidence, groups=g)
    settings = {"samples": int(ok.sum()), "units_resampled": "chains" if g is not None else "samples"}
    return {
        "spearman": est.measurement(
            "spearman",
            index=0,
            units="1",
            settings=settings,
            curve=None,
            method="Spearman rank correlation (mid-ranks) of count and stress; percentile bootstrap",
        ),
        "r_squared": est.measurement(
            "r_squared",
            index=1,
            units="1",
            settings=settings,
            curve=None,
            method="squared Pearson correlation: variance of the count explained by a line "
            "in the stress; percentile bootstrap",
        ),
    }


def _midranks(a: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties given their mean rank (scipy.stats.rankdata's ``average``)."""
    order = np.argsort(a, kind="stable")
    ranks = np.empty(a.size)
    ranks[order] = np.arange(1, a.size + 1)
    _, inverse, counts = np.unique(a, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]
