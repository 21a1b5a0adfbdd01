"""Distribution of coordination numbers z (springs per site).

Seed 002 (``002_3eb2c22b0ce6c76a.txt``, Fig. 3 left): in networks connected by
distance (r < a + δ) the coordination number fluctuates around 4, with a peaked
distribution; with fixed connectivity z = 4 for every node.  The pooled
histogram counts every site of every sample; mean and variance are those of
the pooled sites (equal to ``numpy.mean`` / ``numpy.var`` of all z values);
``most_common`` is the mode of the pooled histogram (ties: the smallest z).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from ..results.points import point_view
from ..results.registry import measures
from ..results.result import BootstrapEstimate, Measurement, ValidatorResult, bootstrap, current_axes, jsonable

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["CoordinationResult", "coordination_numbers", "coordination_distribution"]


def coordination_numbers(ds: xr.Dataset) -> xr.DataArray:
    """Coordination number of every site, dims ``(sample, site)``.

    Taken from the ``coordination`` variable when stored; otherwise counted
    from the pairs (each pair adds one to both of its sites; attribute
    ``source`` says which).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_site=5, pairs_per_sample=4, n_sample=2).drop_vars("coordination")
    >>> int(coordination_numbers(ds).sum("site")[0])  # 2 per pair
    8
    """
    view = point_view(ds, "coordination_numbers")
    if "coordination" in ds.variables:
        z = ds["coordination"].transpose("sample", "site")
        if z.dtype.kind not in "iu":
            raise ValueError(f"coordination has dtype {z.dtype}; expected integer neighbour counts")
        return z.assign_attrs(source="variable coordination")
    if "pair_i" in ds.variables and "site" in ds.sizes:
        n_site = int(ds.sizes["site"])
        rows = [
            np.bincount(i, minlength=n_site) + np.bincount(j, minlength=n_site)
            for i, j in view.sample_pairs("pair_i", "pair_j")
        ]
        return xr.DataArray(
            np.stack(rows),
            dims=("sample", "site"),
            coords={"sample": ds["sample"]},
            name="coordination",
            attrs={"long_name": "number of interacting neighbours", "units": "1", "source": "counted from pairs"},
        )
    raise ValueError(
        "coordination numbers need the variable 'coordination' (sample, site) or the pairs "
        "(pair_count, pair_i, pair_j with a site dimension); found neither: store one of them"
    )


@dataclass(frozen=True, eq=False)
class CoordinationResult(ValidatorResult):
    """Output of :func:`coordination_distribution`.

    Attributes
    ----------
    mean, variance, most_common
        :class:`~vdosbench.validators.Measurement` s of the pooled distribution.
    histogram
        ``count`` and ``probability`` P(z) (coordination_number,),
        ``count_sample`` and ``probability_sample`` (sample, coordination_number).
    mode_agreement
        Fraction of bootstrap resamples whose mode equals ``most_common.value``
        (NaN with one sample); also in ``most_common.settings``.
    settings
        Bootstrap settings and the source of the coordination numbers.
    """

    headline = "mean"
    diagnostics_field = "histogram"

    mean: Measurement
    variance: Measurement
    most_common: Measurement
    histogram: xr.Dataset
    mode_agreement: float
    settings: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict of the measurements, the pooled P(z) and the settings."""
        return {
            "measurements": {k: m.to_dict() for k, m in self.measurements().items()},
            "probability": {
                int(z): float(p)
                for z, p in zip(self.histogram["coordination_number"].values, self.histogram["probability"].values)
            },
            "mode_agreement": jsonable(self.mode_agreement),
            "settings": jsonable(dict(self.settings)),
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """Bars of the pooled P(z) and the per-sample P(z) as points."""
        ax = current_axes(ax)
        h = self.histogram
        z = h["coordination_number"].values
        ax.bar(z, h["probability"].values, color="0.7", label="pooled")
        for row in h["probability_sample"].values:
            ax.plot(z, row, "k.", ms=3)
        ax.set_xlabel("coordination number z")
        ax.set_ylabel("P(z)")
        ax.set_title(f"<z> = {self.mean.value:.3f}, var = {self.variance.value:.3f}")
        ax.legend()
        return ax


#: ``most_common`` by ``mode_of`` of :func:`coordination_distribution`.
MODE_ESTIMATORS = {
    "pooled": "argmax of the pooled histogram (ties: smallest z)",
    "samples": "most common of the per-sample modes (each sample one vote; ties: smallest z)",
}


def _moments_and_mode(cs: np.ndarray, z_axis: np.ndarray, mode_of: str) -> np.ndarray:
    """Pooled mean and variance of z, and its mode (of the pooled histogram or by majority of the samples)."""
    pooled = cs.sum(axis=0)
    total = pooled.sum()
    mean = (z_axis * pooled).sum() / total
    var = ((z_axis - mean) ** 2 * pooled).sum() / total
    if mode_of == "samples":
        votes = np.bincount(np.argmax(cs, axis=1), minlength=z_axis.size)
        return np.array([mean, var, float(z_axis[int(np.argmax(votes))])])
    return np.array([mean, var, float(z_axis[int(np.argmax(pooled))])])


def _histogram(pooled: np.ndarray, counts: np.ndarray, z_axis: np.ndarray, sample: xr.DataArray) -> xr.Dataset:
    """Pooled and per-sample counts and P(z) over the coordination number."""
    return xr.Dataset(
        {
            "count": ("coordination_number", pooled, {"long_name": "sites with z neighbours (pooled)", "units": "1"}),
            "probability": ("coordination_number", pooled / pooled.sum(), {"long_name": "P(z) (pooled)", "units": "1"}),
            "count_sample": (
                ("sample", "coordination_number"),
                counts,
                {"long_name": "sites with z neighbours", "units": "1"},
            ),
            "probability_sample": (
                ("sample", "coordination_number"),
                counts / counts.sum(axis=1, keepdims=True),
                {"long_name": "P(z) per sample", "units": "1"},
            ),
        },
        coords={
            "coordination_number": (
                "coordination_number",
                z_axis,
                {"long_name": "coordination number z", "units": "1"},
            ),
            "sample": sample,
        },
    )


def _per_sample_counts(z: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    """The axis of coordination numbers 0 … max z and each sample's histogram over it; raise on negative z."""
    values = np.asarray(z.values, dtype=np.int64)
    if values.size and values.min() < 0:
        raise ValueError("coordination numbers must be >= 0; found negative counts")
    z_axis = np.arange(int(values.max()) + 1 if values.size else 1)
    return z_axis, np.stack([np.bincount(row, minlength=z_axis.size) for row in values])


def _measurements(
    est: BootstrapEstimate, settings: dict[str, Any], histogram: xr.Dataset, mode_of: str, agreement: float
) -> tuple[Measurement, Measurement, Measurement]:
    """Mean, variance and mode of z with their bootstrap intervals, each with its estimator in the settings."""
    mean = est.measurement(
        "mean",
        index=0,
        units="1",
        settings={**settings, "estimator": "pooled mean"},
        curve=histogram,
        method="mean coordination number of all sites",
    )
    var = est.measurement(
        "variance",
        index=1,
        units="1",
        settings={**settings, "estimator": "pooled variance (ddof=0)"},
        curve=histogram,
        method="variance of the coordination number over all sites (ddof=0)",
    )
    mode = est.measurement(
        "most_common",
        index=2,
        units="1",
        settings={**settings, "estimator": MODE_ESTIMATORS[mode_of], "mode_agreement": agreement},
        curve=histogram,
        method="modal coordination number of the "
        + ("pooled histogram" if mode_of == "pooled" else "per-sample histograms (majority of the sample modes)"),
    )
    return mean, var, mode


@measures("mean", "variance", "most_common", structural=True)
def coordination_distribution(
    ds: xr.Dataset,
    *,
    mode_of: str = "pooled",
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> CoordinationResult:
    """Histogram, mean, variance and mode of the coordination numbers.

    Parameters
    ----------
    ds
        One parameter point with ``coordination`` (sample, site) or pairs.
    mode_of
        How ``most_common`` is taken: ``"pooled"``, the argmax of the
        histogram of all sites of all samples; ``"samples"``, the most common
        of the per-sample modes (the distribution of a typical sample, each
        sample one vote).  Ties go to the smallest z in both.
    n_bootstrap, seed, confidence
        Bootstrap over samples (each resample re-pools the per-sample histograms).

    Returns
    -------
    CoordinationResult
        Mean and variance of the pooled sites, the modal z, the histogram.

    References
    ----------
    Seed 002 (``002_3eb2c22b0ce6c76a.txt``), Fig. 3 left.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> res = coordination_distribution(mock_spectrum(n_site=50), n_bootstrap=50)
    >>> bool(abs(res.mean.value - float(mock_spectrum(n_site=50).coordination.mean())) < 1e-12)
    True
    """
    if mode_of not in ("pooled", "samples"):
        raise ValueError(f"mode_of is {mode_of!r}; expected 'pooled' or 'samples'")
    z = coordination_numbers(ds)
    z_axis, counts = _per_sample_counts(z)
    est = bootstrap(
        lambda cs: _moments_and_mode(cs, z_axis, mode_of),
        counts,
        n_bootstrap=n_bootstrap,
        seed=seed,
        confidence=confidence,
    )
    mode_value = float(est.value[2])
    agreement = float(np.mean(est.replicates[:, 2] == mode_value)) if est.replicates.size else float("nan")
    pooled = counts.sum(axis=0)
    histogram = _histogram(pooled, counts, z_axis, ds["sample"])
    settings = {"source": z.attrs.get("source", "variable coordination"), "pooling": "all sites of all samples"}
    mean, var, mode = _measurements(est, settings, histogram, mode_of, agreement)
    return CoordinationResult(mean, var, mode, histogram, agreement, {**settings, **est.settings()})
