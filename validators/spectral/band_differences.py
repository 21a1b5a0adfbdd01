"""Differences of the local exponent between two sets on one band of ω/ω_g (issues 51 and 63).

s(first) − s(second) on a band (a, b] of x = ω/ω_g, each side's s the band MLE of
:func:`~.absolute_frequency.band_mle` pooled over its points, read from the same reduced modes and the same
phonon-free admission (:func:`~.absolute_frequency.reduced_modes`).

:func:`paired_band_difference`
    The same realisations at both sides (e.g. two tapers of the same starts): each replicate draws the units
    (chains or samples) of each pair once and uses that draw at both sides, so their correlation narrows the
    interval.
:func:`band_difference`
    Independent sets (e.g. the tapers' chains unpaired): every point of both sides resampled on its own.

Their coverage on mocks that look like the glasses is measured in ``studies/absolute_frequency_coverage.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..results.result import Measurement
from .absolute_frequency import PHONON_FACTOR, _band_stats, _check_band, _points, _pooled_s, _spread, _unit
from .mode_spectra import ModeSpectra, percentile_interval, stratified_replicates

__all__ = ["band_difference", "paired_band_difference"]


def _paired_points(
    first: ModeSpectra | Sequence[ModeSpectra], second: ModeSpectra | Sequence[ModeSpectra]
) -> tuple[list[ModeSpectra], list[ModeSpectra]]:
    """The points of both sides, paired by position; each pair checked to hold the same realisations."""
    f = _points(first, "paired_band_difference")
    s = _points(second, "paired_band_difference")
    if len(f) != len(s):
        raise ValueError(
            f"paired_band_difference pairs points by position; found {len(f)} first and {len(s)} "
            "second points: pass the same sizes (or protocols) on both sides, in the same order"
        )
    for a, b in zip(f, s):
        a.check_paired(b)
    return f, s


def _paired_settings(
    f: list[ModeSpectra],
    s: list[ModeSpectra],
    sa: list[tuple[np.ndarray, ...]],
    sb: list[tuple[np.ndarray, ...]],
    low: float,
    high: float,
    phonon_factor: float,
    n_bootstrap: int,
    seed: int,
) -> dict[str, Any]:
    """The settings of a paired difference: one entry a side for one pair, one list a side for several."""
    single = len(f) == 1
    used_a = [int(q[2].sum()) for q in sa]
    used_b = [int(q[2].sum()) for q in sb]
    modes_a = sum(int(q[0].sum()) for q in sa)
    modes_b = sum(int(q[0].sum()) for q in sb)
    return {
        "estimator": "band_mle paired difference",
        "band_omega_over_omega_g": [low, high],
        "unit": _unit([*f, *s]),
        "phonon_factor": phonon_factor,
        "samples_used": [used_a[0], used_b[0]] if single else [used_a, used_b],
        "modes": [modes_a, modes_b],
        "n_bootstrap": n_bootstrap,
        "seed": seed,
        "points": ([f[0].label, s[0].label] if single else [[p.label for p in f], [p.label for p in s]]),
        "pooled_points": len(f),
    }


def paired_band_difference(
    first: ModeSpectra | Sequence[ModeSpectra],
    second: ModeSpectra | Sequence[ModeSpectra],
    low: float,
    high: float,
    *,
    phonon_factor: float = PHONON_FACTOR,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
    """s(first) − s(second) on the band (low, high] of the same realisations (e.g. two tapers of the same starts).

    Parameters
    ----------
    first, second
        One point each, or several points each, paired by position (e.g. the
        m = 2 and m = ∞ points at N = 1000 and at N = 2000): ``first[k]`` and
        ``second[k]`` hold the same realisations (:meth:`.ModeSpectra.check_paired`).
        With several, each side's s is one band MLE pooled over its points
        (:func:`band_mle` of the list), and the difference is read once.
    low, high
        The band in units of each sample's ω_g.
    phonon_factor, n_bootstrap, seed, confidence
        As :func:`band_mle`.  Each replicate resamples the units (chains or
        samples) of each pair on its own and uses the same draw at both sides.

    Returns
    -------
    Measurement
        ``s_difference_band_mle`` with a paired percentile-bootstrap interval;
        the settings name the points, the samples used and the modes per side.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> def point(s, n):  # n structures at one taper; omega0 = 2 pi / N^(1/3) makes omega_g = 1
    ...     w = np.sort(rng.random((n, 12)) ** (1 / (s + 1)), axis=1) * 0.3
    ...     return ModeSpectra(w, np.full(n, 2 * np.pi / 10), 1000, 1.0, coverage=np.full(n, 0.3))
    >>> d = paired_band_difference([point(4, 300), point(4, 200)], [point(3, 300), point(3, 200)], 0.0, 0.3,
    ...                            n_bootstrap=200)
    >>> bool(d.low < 1.0 < d.high), d.settings["pooled_points"]
    (True, 2)
    """
    f, s = _paired_points(first, second)
    _check_band(low, high, "paired_band_difference")
    sa = [_band_stats(p, low, high, phonon_factor) for p in f]
    sb = [_band_stats(p, low, high, phonon_factor) for p in s]

    def statistic(draws: list[np.ndarray]) -> float:
        return _pooled_s(sa, draws, low, high) - _pooled_s(sb, draws, low, high)

    value = statistic([np.arange(p.n_samples) for p in f])
    reps = stratified_replicates(statistic, f, n_bootstrap, seed)
    lo, hi = percentile_interval(reps, confidence)
    settings = _paired_settings(f, s, sa, sb, low, high, phonon_factor, n_bootstrap, seed)
    return Measurement(
        "s_difference_band_mle",
        value,
        _spread(reps),
        lo,
        hi,
        confidence,
        "1",
        settings,
        None,
        sum(p.n_samples for p in f),
        "difference of pooled band MLEs; paired percentile bootstrap (same units at both sides"
        + ("" if len(f) == 1 else "; each pair of points resampled on its own")
        + ")",
    )


def band_difference(
    first: ModeSpectra | Sequence[ModeSpectra],
    second: ModeSpectra | Sequence[ModeSpectra],
    low: float,
    high: float,
    *,
    phonon_factor: float = PHONON_FACTOR,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
    """s(first) − s(second) on the band (low, high] of independent sets (issue 63: the tapers' chains unpaired).

    Each side's s is one band MLE pooled over its points (:func:`band_mle`); every point of both sides is
    resampled on its own (:func:`~.mode_spectra.stratified_replicates`), so no pairing is assumed.  Where the
    sides hold the same realisations and they correlate, :func:`paired_band_difference` is the narrower reading.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> def point(s, n):  # omega0 = 2 pi / N^(1/3) makes omega_g = 1
    ...     w = np.sort(rng.random((n, 12)) ** (1 / (s + 1)), axis=1) * 0.3
    ...     return ModeSpectra(w, np.full(n, 2 * np.pi / 10), 1000, 1.0, coverage=np.full(n, 0.3))
    >>> d = band_difference(point(4, 300), point(3, 250), 0.0, 0.3, n_bootstrap=200)
    >>> bool(d.low < 1.0 < d.high), d.settings["estimator"]
    (True, 'band_mle difference, independent sides')
    """
    f = _points(first, "band_difference")
    s = _points(second, "band_difference")
    _check_band(low, high, "band_difference")
    stats_ = [_band_stats(p, low, high, phonon_factor) for p in (*f, *s)]
    k = len(f)

    def statistic(draws: list[np.ndarray]) -> float:
        return _pooled_s(stats_[:k], draws[:k], low, high) - _pooled_s(stats_[k:], draws[k:], low, high)

    value = statistic([np.arange(p.n_samples) for p in (*f, *s)])
    reps = stratified_replicates(statistic, [*f, *s], n_bootstrap, seed)
    lo, hi = percentile_interval(reps, confidence)
    settings = {
        "estimator": "band_mle difference, independent sides",
        "band_omega_over_omega_g": [low, high],
        "unit": _unit([*f, *s]),
        "phonon_factor": phonon_factor,
        "samples_used": [[int(q[2].sum()) for q in stats_[:k]], [int(q[2].sum()) for q in stats_[k:]]],
        "modes": [sum(int(q[0].sum()) for q in stats_[:k]), sum(int(q[0].sum()) for q in stats_[k:])],
        "n_bootstrap": n_bootstrap,
        "seed": seed,
        "points": [[p.label for p in f], [p.label for p in s]],
    }
    return Measurement(
        "s_difference_band_mle",
        value,
        _spread(reps),
        lo,
        hi,
        confidence,
        "1",
        settings,
        None,
        sum(p.n_samples for p in (*f, *s)),
        "difference of pooled band MLEs; percentile bootstrap, every point resampled on its own",
    )
