"""Intervals of a binomial proportion: the coverage of an interval, or a test's rejection rate, in k of n trials.

A study that checks an estimator on data with a known answer counts how often its 95 % interval holds the
true value (``studies/estimator_coverage.py``), or how often a test rejects what is true
(``studies/realization_test.py``); the count k of n trials is a binomial draw, and its own interval says how
well the trials pin the rate down.  :func:`wilson_interval` is the score interval (E. B. Wilson, J. Am. Stat.
Assoc. 22, 209 (1927)), near its nominal coverage at every n; :func:`clopper_pearson_interval` inverts the
binomial tests exactly (C. J. Clopper and E. S. Pearson, Biometrika 26, 404 (1934)) and covers at least its
nominal level, wider than Wilson's.
"""

from __future__ import annotations

import math

from scipy import stats

__all__ = ["clopper_pearson_interval", "wilson_interval"]


def _check(k: int, n: int, confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence is {confidence}; expected a number in (0, 1), e.g. 0.95")
    if n < 0 or not 0 <= k <= max(n, 0):
        raise ValueError(f"k = {k} of n = {n} trials; expected 0 <= k <= n")


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of the proportion k/n; (NaN, NaN) for n = 0.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(95, 100)]
    [0.8882, 0.9785]
    >>> wilson_interval(0, 0)
    (nan, nan)
    """
    _check(k, n, confidence)
    if n == 0:
        return (math.nan, math.nan)
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    p = k / n
    den = 1.0 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (float(mid - half), float(mid + half))


def clopper_pearson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper–Pearson ("exact") interval of the proportion k/n: 0 below k = 0, 1 above k = n; (NaN, NaN) for
    n = 0.

    Examples
    --------
    >>> [round(x, 4) for x in clopper_pearson_interval(2, 40)]
    [0.0061, 0.1692]
    >>> clopper_pearson_interval(0, 20)[0], clopper_pearson_interval(20, 20)[1]
    (0.0, 1.0)
    """
    _check(k, n, confidence)
    if n == 0:
        return (math.nan, math.nan)
    alpha = 1.0 - confidence
    low = float(stats.beta.ppf(alpha / 2.0, k, n - k + 1)) if k > 0 else 0.0
    high = float(stats.beta.ppf(1.0 - alpha / 2.0, k + 1, n - k)) if k < n else 1.0
    return (low, high)
