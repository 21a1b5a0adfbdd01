"""Is a chain's energy still falling?  The drift of V/N over the end of a Monte Carlo trace, with an uncertainty.

τ_α stops changing long before the energy does (issue 25 item 4: at 1.25 T_d
the m = ∞ chain's V/N fell from 1.424 to 1.385 after 2.6 × 10⁵ sweeps, ≈ 80 τ_α),
so a chain is judged by its energy.  :func:`energy_drift` takes the last
``fraction`` of the trace, cuts it into ``n_blocks`` consecutive blocks, and fits
a straight line to the block means by least squares: the drift is the fitted
change of V/N over the window (slope × window length), its standard error the
least-squares one from the scatter of the block means about the line, and the
interval Student's t with n_blocks − 2 degrees of freedom.  Block means are
nearly independent when a block is much longer than the energy's correlation
time (at T_d with the recipes' 40 τ_α of equilibration the last half is
≈ 190 000 sweeps: 10 blocks of ≈ 2 τ_α), which ``tests/generators/test_energy_drift.py``
checks on correlated synthetic traces with a known slope (coverage).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["EnergyDrift", "energy_drift"]


@dataclass(frozen=True)
class EnergyDrift:
    """Outcome of :func:`energy_drift`.

    Attributes
    ----------
    drift
        Fitted change of V/N from the window's start to its end (negative: still falling).
    stderr
        Its least-squares standard error from the block means.
    low, high
        The ``confidence`` interval (Student's t, n_blocks − 2 degrees of freedom).
    first_sweep, last_sweep
        The window.
    mean
        Mean V/N over the window.
    n_blocks
        Blocks the window was cut into.
    confidence
        Level of the interval.
    """

    drift: float
    stderr: float
    low: float
    high: float
    first_sweep: float
    last_sweep: float
    mean: float
    n_blocks: int
    confidence: float

    @property
    def consistent_with_zero(self) -> bool:
        """True when the interval contains 0 (no drift detected at this level)."""
        return self.low <= 0.0 <= self.high


def energy_drift(
    sweeps: np.ndarray, energy: np.ndarray, fraction: float = 0.5, n_blocks: int = 10, confidence: float = 0.95
) -> EnergyDrift:
    """The drift of V/N over the last ``fraction`` of a trace (module docstring).

    Parameters
    ----------
    sweeps
        Sweep of each record, increasing.
    energy
        V/N at each record; NaN records (not run) are dropped first.
    fraction
        Part of the trace's sweep range, from its end, that is judged (0.5: the last half).
    n_blocks
        Consecutive equal-length blocks of that window (≥ 3).
    confidence
        Level of the interval.

    Returns
    -------
    EnergyDrift

    Raises
    ------
    ValueError
        On mismatched shapes, a ``fraction`` outside (0, 1], fewer than 3 blocks, or a window with fewer
        than two records per block.

    Examples
    --------
    >>> t = np.arange(0, 10001, 10.0)
    >>> d = energy_drift(t, 1.0 - 1e-6 * t)
    >>> round(d.drift, 6), d.consistent_with_zero
    (-0.005, False)
    """
    t, e = _finite_trace(sweeps, energy, fraction, n_blocks)
    t, e, begin, end = _window(t, e, fraction, n_blocks)
    centre, mean_e = _block_means(t, e, begin, end, n_blocks)
    x = centre - centre.mean()
    sxx = float(np.sum(x**2))
    slope = float(np.sum(x * (mean_e - mean_e.mean())) / sxx)
    residual = mean_e - mean_e.mean() - slope * x
    dof = n_blocks - 2
    slope_se = float(np.sqrt(np.sum(residual**2) / dof / sxx))
    span = float(end - begin)
    import scipy.stats  # here, not at the top: importing vdosbench.generators (each worker does) skips scipy.stats

    quantile = float(scipy.stats.t.ppf(0.5 + confidence / 2.0, dof))
    drift, stderr = slope * span, slope_se * span
    return EnergyDrift(
        drift=drift,
        stderr=stderr,
        low=drift - quantile * stderr,
        high=drift + quantile * stderr,
        first_sweep=float(begin),
        last_sweep=float(end),
        mean=float(e.mean()),
        n_blocks=n_blocks,
        confidence=confidence,
    )


def _finite_trace(
    sweeps: np.ndarray, energy: np.ndarray, fraction: float, n_blocks: int
) -> tuple[np.ndarray, np.ndarray]:
    """The finite records of the trace as float64 (t, e), after checking the arguments of :func:`energy_drift`."""
    t = np.asarray(sweeps, dtype=np.float64)
    e = np.asarray(energy, dtype=np.float64)
    if t.shape != e.shape or t.ndim != 1:
        raise ValueError(f"sweeps and energy must be 1-d of one length, found shapes {t.shape} and {e.shape}")
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction is {fraction}; expected a number in (0, 1], e.g. 0.5 for the last half")
    if n_blocks < 3:
        raise ValueError(f"n_blocks is {n_blocks}; a line through block means needs at least 3")
    keep = np.isfinite(e) & np.isfinite(t)
    t, e = t[keep], e[keep]
    if t.size == 0:
        raise ValueError("the energy trace has no finite record; was Monte Carlo run?")
    return t, e


def _window(
    t: np.ndarray, e: np.ndarray, fraction: float, n_blocks: int
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """The records of the last ``fraction`` of the sweep range and its first and last sweep (begin, end)."""
    end = t[-1]
    begin = end - fraction * (end - t[0])
    window = t >= begin
    t, e = t[window], e[window]
    if t.size < 2 * n_blocks:
        raise ValueError(
            f"the last {fraction:g} of the trace holds {t.size} records, fewer than 2 per block for "
            f"{n_blocks} blocks; record the energy more often (record_every) or use fewer blocks"
        )
    return t, e, begin, end


def _block_means(
    t: np.ndarray, e: np.ndarray, begin: float, end: float, n_blocks: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean sweep and mean V/N of each of ``n_blocks`` equal-length blocks of [begin, end]."""
    edges = np.linspace(begin, end, n_blocks + 1)
    which = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, n_blocks - 1)
    counts = np.bincount(which, minlength=n_blocks)
    if np.any(counts == 0):
        raise ValueError(
            f"a block of the window holds no record (records per block {counts.tolist()}); use fewer blocks"
        )
    centre = np.bincount(which, weights=t, minlength=n_blocks) / counts
    mean_e = np.bincount(which, weights=e, minlength=n_blocks) / counts
    return centre, mean_e
