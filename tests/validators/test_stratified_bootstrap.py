"""stratified_bootstrap: independent strata, each stratum's units resampled on its own (issue 54 item 2)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from vdosbench.validators import stratified_bootstrap
from vdosbench.validators import ModeSpectra, stratified_replicates


def _first_and_sum(idx: list[np.ndarray]) -> np.ndarray:
    """A statistic that depends on every drawn index of every stratum."""
    return np.array([float(i[0]) for i in idx] + [float(sum(int(i.sum()) * (k + 1) for k, i in enumerate(idx)))])


def test_equals_the_explicit_loop_with_the_same_generator() -> None:
    counts = [5, 1, 7, 3]
    reps = stratified_bootstrap(_first_and_sum, counts, n_bootstrap=50, seed=123)
    rng = np.random.default_rng(123)
    expected = np.empty((50, len(counts) + 1))
    for b in range(50):
        idx = []
        for c in counts:
            idx.append(rng.integers(0, c, c))
        expected[b] = _first_and_sum(idx)
    assert reps.shape == (50, len(counts) + 1) and reps.dtype == float
    assert np.array_equal(reps, expected)


def test_each_stratum_resampled_on_its_own() -> None:
    counts = [4, 1, 9, 2]
    seen: list[list[np.ndarray]] = []

    def record(idx: list[np.ndarray]) -> float:
        seen.append([i.copy() for i in idx])
        return 0.0

    reps = stratified_bootstrap(record, counts, n_bootstrap=300, seed=7)
    assert reps.shape == (300,) and len(seen) == 300
    for idx in seen:
        assert [i.size for i in idx] == counts
        for i, c in zip(idx, counts, strict=True):
            assert np.issubdtype(i.dtype, np.integer) and i.min() >= 0 and i.max() < c
    # every unit of a stratum is drawn somewhere, and a replicate repeats units (with replacement)
    for k, c in enumerate(counts):
        drawn = np.concatenate([idx[k] for idx in seen])
        assert set(drawn.tolist()) == set(range(c))
    assert any(np.unique(idx[2]).size < counts[2] for idx in seen)
    # the strata are drawn independently: stratum 0's and stratum 2's first indices are uncorrelated
    first0 = np.array([idx[0][0] for idx in seen], dtype=float)
    first2 = np.array([idx[2][0] for idx in seen], dtype=float)
    assert abs(np.corrcoef(first0, first2)[0, 1]) < 0.2


def test_a_generator_passed_in_continues_its_stream() -> None:
    rng = np.random.default_rng(99)
    first = stratified_bootstrap(_first_and_sum, [3, 6], n_bootstrap=10, seed=rng)
    second = stratified_bootstrap(_first_and_sum, [3, 6], n_bootstrap=10, seed=rng)
    after = rng.random()
    whole = stratified_bootstrap(_first_and_sum, [3, 6], n_bootstrap=20, seed=99)
    assert np.array_equal(np.concatenate([first, second]), whole)
    assert not np.array_equal(first, second)
    replay = np.random.default_rng(99)
    stratified_bootstrap(_first_and_sum, [3, 6], n_bootstrap=20, seed=replay)
    assert replay.random() == after  # the generator is left exactly as far on as the draws took it
    # an int seed and a SeedSequence seed the same stream as default_rng does
    assert np.array_equal(
        stratified_bootstrap(_first_and_sum, [3, 6], 5, np.random.SeedSequence(4)),
        stratified_bootstrap(_first_and_sum, [3, 6], 5, 4),
    )


def test_joint_draw_per_replicate_gives_the_same_numbers() -> None:
    """One ``integers(0, n, size=(k, n))`` call equals k consecutive calls of size n (measure_td's old draw)."""
    for n_t, n_r in ((12, 4), (5, 3), (7, 1)):
        rng = np.random.default_rng(20240612)
        joint = np.stack([rng.integers(0, n_r, size=(n_t, n_r)) for _ in range(40)])
        reps = stratified_bootstrap(lambda idx: np.stack(idx), [n_r] * n_t, n_bootstrap=40, seed=20240612)
        assert np.array_equal(reps, joint)


def test_agrees_with_the_mode_spectra_replicates_for_points_without_chains() -> None:
    a = ModeSpectra(np.arange(1.0, 21.0).reshape(10, 2), np.ones(10), 1000, 1.0)
    b = ModeSpectra(np.arange(1.0, 15.0).reshape(7, 2), np.ones(7), 1000, 1.0)

    def statistic(idx: list[np.ndarray]) -> float:
        return float(a.omega[idx[0], 0].mean() - b.omega[idx[1], 1].mean())

    assert np.array_equal(
        stratified_bootstrap(statistic, [a.n_samples, b.n_samples], 100, 3),
        stratified_replicates(statistic, [a, b], 100, 3),
    )


def test_chain_resamples_equal_the_draw_from_the_labels_each_time() -> None:
    """ModeSpectra.resample_units finds a point's chains once (ModeSpectra._units) and reuses them: the indices are
    those of finding them from the labels at every draw (the code before the reuse), for chains of unequal length
    with unsorted, non-contiguous labels, draw after draw from one generator."""

    def from_the_labels(groups: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        labels, inverse = np.unique(groups, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        counts = np.bincount(inverse, minlength=labels.size)
        starts = np.cumsum(counts) - counts
        pick = rng.integers(0, labels.size, labels.size)
        lengths = counts[pick]
        return order[np.repeat(starts[pick] - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())]

    groups = np.array([7, 3, 7, 12, 3, 3, 40, 12, 7, 7, 3])
    sp = ModeSpectra(np.ones((groups.size, 2)), np.ones(groups.size), 1000, 1.0, groups=groups)
    mine, theirs = np.random.default_rng(11), np.random.default_rng(11)
    for _ in range(20):
        idx = sp.resample_units(mine)
        assert np.array_equal(idx, from_the_labels(groups, theirs))
        for i in idx:  # whole chains: every sample of a drawn sample's chain drawn as often
            chain = np.flatnonzero(groups == groups[i])
            assert all(np.count_nonzero(idx == j) == np.count_nonzero(idx == i) for j in chain)


def test_percentile_interval_covers_a_known_mean_difference() -> None:
    """Two independent normal sets (40 and 30 units; true difference 1): the 95 % percentile interval of the
    difference of means covers it in a fraction within the binomial bounds of 0.95 (slightly below 0.95 is the
    percentile interval's known narrowness at these sizes)."""
    n_rep, n_a, n_b, true = 200, 40, 30, 1.0
    rng = np.random.default_rng(2024)
    covered = 0
    for r in range(n_rep):
        a = rng.normal(1.0, 1.0, n_a)
        b = rng.normal(0.0, 2.0, n_b)
        reps = stratified_bootstrap(
            lambda idx: a[idx[0]].mean() - b[idx[1]].mean(),
            [n_a, n_b],  # noqa: B023
            n_bootstrap=400,
            seed=r,
        )
        low, high = np.percentile(reps, [2.5, 97.5])
        covered += bool(low <= true <= high)
    lo, hi = stats.binom.interval(0.999, n_rep, 0.95)
    assert lo <= covered <= hi, f"coverage {covered}/{n_rep}; expected within [{lo:.0f}, {hi:.0f}]"


@pytest.mark.parametrize(
    ("counts", "n_bootstrap", "message"),
    [
        ([3, 0, 2], 10, r"counts has 0 at stratum 1; expected at least 1 unit"),
        ([-2], 10, r"counts has -2 at stratum 0; expected at least 1 unit"),
        ([], 10, r"counts is empty; expected the number of units of each stratum"),
        ([2.5, 3], 10, r"counts is \[2.5, 3\]; expected whole numbers"),
        ([3, 2], 0, r"n_bootstrap is 0; expected a positive integer"),
        ([3, 2], -5, r"n_bootstrap is -5; expected a positive integer"),
    ],
)
def test_bad_input_says_what_was_expected_and_found(counts: list, n_bootstrap: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        stratified_bootstrap(lambda idx: 0.0, counts, n_bootstrap=n_bootstrap)


def test_a_statistic_whose_shape_changes_is_refused() -> None:
    calls = iter(range(10))
    with pytest.raises(ValueError, match=r"statistic returned shape \(2,\) at replicate 1; expected .*\(\)"):
        stratified_bootstrap(lambda idx: 0.0 if next(calls) == 0 else [0.0, 1.0], [3], n_bootstrap=5)


def test_nan_replicates_are_kept_for_the_caller() -> None:
    reps = stratified_bootstrap(lambda idx: np.nan if idx[0][0] == 0 else 1.0, [2], n_bootstrap=200, seed=0)
    assert np.isnan(reps).any() and np.nanmean(reps) == 1.0
