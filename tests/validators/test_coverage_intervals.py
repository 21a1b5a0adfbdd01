"""The intervals of a coverage or rejection rate (``vdosbench.validators.results.coverage``) that the studies quote."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vdosbench.validators import clopper_pearson_interval, wilson_interval

Z95 = 1.959963984540054


def test_wilson_interval_matches_the_closed_form_at_the_ends() -> None:
    # k = n: the upper end is 1, the lower end n/(n + z^2); k = 0 mirrors it
    lo, hi = wilson_interval(50, 50)
    assert hi == pytest.approx(1.0) and lo == pytest.approx(50 / (50 + Z95**2), rel=1e-12)
    lo0, hi0 = wilson_interval(0, 50)
    assert lo0 == pytest.approx(0.0, abs=1e-15) and hi0 == pytest.approx(1.0 - lo, rel=1e-12)


def test_clopper_pearson_ends_are_the_binomial_tails_at_half_alpha() -> None:
    from scipy import stats

    k, n = 7, 40
    lo, hi = clopper_pearson_interval(k, n)
    assert stats.binom.sf(k - 1, n, lo) == pytest.approx(0.025, rel=1e-9)  # P(X >= k | lo)
    assert stats.binom.cdf(k, n, hi) == pytest.approx(0.025, rel=1e-9)  # P(X <= k | hi)
    assert clopper_pearson_interval(0, 10)[0] == 0.0 and clopper_pearson_interval(10, 10)[1] == 1.0


@pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
def test_an_interval_holds_the_rate_and_narrows_with_more_trials(interval) -> None:  # noqa: ANN001
    for k, n in [(3, 20), (95, 100), (190, 200)]:
        lo, hi = interval(k, n)
        assert 0.0 <= lo <= k / n <= hi <= 1.0
    assert np.ptp(interval(950, 1000)) < np.ptp(interval(95, 100))
    assert interval(90, 100, confidence=0.99)[0] < interval(90, 100, confidence=0.9)[0]


def test_clopper_pearson_is_wider_than_wilson() -> None:
    for k, n in [(2, 40), (20, 40), (38, 40)]:
        w, c = wilson_interval(k, n), clopper_pearson_interval(k, n)
        assert c[0] <= w[0] and w[1] <= c[1]


@pytest.mark.parametrize("interval", [wilson_interval, clopper_pearson_interval])
def test_no_trials_give_no_interval_and_impossible_counts_are_refused(interval) -> None:  # noqa: ANN001
    assert all(math.isnan(x) for x in interval(0, 0))
    with pytest.raises(ValueError, match="expected 0 <= k <= n"):
        interval(5, 4)
    with pytest.raises(ValueError, match="confidence"):
        interval(1, 4, confidence=95)


def test_the_wilson_coverage_of_a_95_interval_is_near_95_percent() -> None:
    """Over binomial draws at p = 0.9, n = 100 the Wilson interval holds p in 0.93 - 0.97 of them."""
    rng = np.random.default_rng(0)
    draws = rng.binomial(100, 0.9, size=4000)
    held = np.mean([lo <= 0.9 <= hi for lo, hi in (wilson_interval(int(k), 100) for k in draws)])
    assert 0.93 <= held <= 0.97
