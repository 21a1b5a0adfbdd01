"""stress_association (issue 67 item 4): Spearman's rho against scipy (ties included), R² against its definition,
and data built to show no association (a count independent of the stress) and a known one."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from vdosbench.validators.structure.residual_stress import stress_association


def test_spearman_and_r_squared_match_scipy_with_ties() -> None:
    rng = np.random.default_rng(2)
    tau = rng.random(120)
    counts = rng.poisson(2.0 + 3.0 * tau)  # many ties among small integers
    a = stress_association(tau, counts, n_bootstrap=50)
    assert a["spearman"].value == pytest.approx(stats.spearmanr(tau, counts).statistic, rel=1e-12)
    assert a["r_squared"].value == pytest.approx(stats.pearsonr(tau, counts).statistic ** 2, rel=1e-12)


def test_a_count_independent_of_the_stress_has_an_interval_around_zero() -> None:
    rng = np.random.default_rng(3)
    a = stress_association(rng.random(400), rng.poisson(2.0, 400), n_bootstrap=400)
    assert a["spearman"].low < 0.0 < a["spearman"].high
    assert a["r_squared"].value < 0.03


def test_a_count_driven_by_the_stress_is_found_and_its_explained_share_is_right() -> None:
    # count = Poisson(mu), mu = 20 tau, tau ~ U(0, 1): Var(mu) = 400/12 = 33.3, E[Var|tau] = E mu = 10, so the
    # line in tau explains 33.3 / 43.3 = 0.77 of the count's variance
    rng = np.random.default_rng(4)
    tau = rng.random(2000)
    a = stress_association(tau, rng.poisson(20.0 * tau), n_bootstrap=300)
    assert a["r_squared"].low < (100 / 3) / (100 / 3 + 10) < a["r_squared"].high
    assert a["spearman"].low > 0.7


def test_chains_are_resampled_as_units_and_bad_shapes_are_refused() -> None:
    rng = np.random.default_rng(5)
    tau = rng.random(60)
    a = stress_association(tau, rng.poisson(1 + tau), groups=np.repeat(np.arange(12), 5), n_bootstrap=50)
    assert a["spearman"].settings["units_resampled"] == "chains"
    with pytest.raises(ValueError, match="expected two"):
        stress_association(tau, tau[:10])
    with pytest.raises(ValueError, match="at least 3"):
        stress_association(np.array([1.0, np.nan]), np.array([1.0, 2.0]))
