"""compare_spectra (KS/AD, quantile windows, sample-level permutation) and eigenvalue_agreement."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy.stats import ks_2samp

from vdosbench.datasets import mock_spectrum
from vdosbench.validators import compare_spectra, eigenvalue_agreement, ks_statistic
from vdosbench.validators.spectral.comparison import _padded_rows, _permutation_pvalues, _PooledLevels

N_SAMPLE = 20
N_MODE = 50
N_PERM = 199
SAME_P = 0.1  # same distribution: the permutation p-value is not small
DIFF_P = 0.01  # different exponents: p at its resolution floor 1/(N_PERM + 1)


def power_spectrum(s: float, seed: int, n_sample: int = N_SAMPLE, n_mode: int = N_MODE) -> np.ndarray:
    """ω from g ∝ ω^s on (0, 1], shape (sample, mode)."""
    return np.random.default_rng(seed).random((n_sample, n_mode)) ** (1.0 / (s + 1.0))


def test_ks_statistic_matches_scipy() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=300), rng.normal(0.2, 1.0, 200)
    assert ks_statistic(x, y) == pytest.approx(ks_2samp(x, y).statistic, abs=1e-15)
    ties = np.array([1.0, 1.0, 2.0, 3.0])
    assert ks_statistic(ties, ties[::-1] + 0.0) == 0.0


def test_same_distribution_gives_large_permutation_p() -> None:
    a, b = power_spectrum(4.0, 1), power_spectrum(4.0, 2)
    res = compare_spectra(a, b, windows=3, n_permutations=N_PERM, n_bootstrap=50, seed=3)
    p = res.per_window["ks_pvalue_permutation"].values
    assert np.all(p > SAME_P)
    assert res.per_window.sizes["window"] == 4
    # quantile windows hold about equal numbers of the pooled modes
    counts = res.per_window["n_a"].values[1:] + res.per_window["n_b"].values[1:]
    assert counts.max() - counts.min() <= 3
    assert res.per_window["n_a"].values[0] == N_SAMPLE * N_MODE


def test_identical_data_in_a_sparse_window_get_p_one() -> None:
    """A window holding modes in only a few samples: permuted splits that leave one side empty have no
    D and are left out, so identical ensembles get p = 1 (they used to count as 'not exceeding')."""
    a = power_spectrum(4.0, 1)
    a[:, 0] = 0.05  # every sample one low mode ...
    a[2:, 0] = 0.5  # ... except samples 0 and 1: the window (0, 0.1] is sparse
    res = compare_spectra(a, a.copy(), windows=[(0.0, 0.1)], n_permutations=N_PERM, n_bootstrap=20, seed=0)
    pw = res.per_window
    assert pw["ks_statistic"].values[1] == 0.0
    assert pw["ks_pvalue_permutation"].values[1] == 1.0
    assert 0 < pw["permutations_used"].values[1] < N_PERM  # some splits put both sparse samples on one side


def test_different_exponents_give_tiny_p() -> None:
    """Built to fail: s = 3 against s = 5 on (0, 1]."""
    res = compare_spectra(power_spectrum(3.0, 1), power_spectrum(5.0, 2), n_permutations=N_PERM, n_bootstrap=50, seed=3)
    assert res.per_window["ks_pvalue_permutation"].values[0] <= DIFF_P
    assert res.per_window["ks_pvalue_pooled"].values[0] < 1e-6
    assert res.per_window["ad_pvalue_pooled"].values[0] == pytest.approx(0.001)  # scipy's floor
    assert res.ks_distance.low > 0.05
    assert res.ks_distance.value == pytest.approx(
        ks_2samp(power_spectrum(3.0, 1).ravel(), power_spectrum(5.0, 2).ravel()).statistic, abs=1e-15
    )


def test_pooled_p_value_is_fooled_by_sample_correlations() -> None:
    """Same law for both ensembles, but each sample carries its own scale (a sound speed): modes of a sample move
    together, so the pooled p-value (independent modes) is tiny while the permutation test is not fooled."""
    rng = np.random.default_rng(8)
    n_mode = 400

    def ensemble() -> np.ndarray:
        scale = rng.lognormal(0.0, 0.15, size=(10, 1))
        return scale * rng.random((10, n_mode)) ** 0.25

    res = compare_spectra(ensemble(), ensemble(), n_permutations=N_PERM, n_bootstrap=20, seed=1)
    assert res.per_window["ks_pvalue_pooled"].values[0] < 1e-3
    assert res.per_window["ks_pvalue_permutation"].values[0] > SAME_P


def test_given_windows_and_datasets() -> None:
    a = mock_spectrum(n_sample=8, n_mode=60, exponent=3.0, seed=1)
    b = mock_spectrum(n_sample=8, n_mode=60, exponent=3.0, seed=2)
    res = compare_spectra(a, b, windows=[(0.0, 0.5), (0.5, 1.0)], n_permutations=49, n_bootstrap=20)
    assert res.settings["window_choice"] == "given"
    np.testing.assert_allclose(res.per_window["window_high"].values[1:], [0.5, 1.0])
    # zero modes are left out: 59 non-zero modes per sample
    assert res.per_window["n_a"].values[0] == 8 * 59
    fa = res.per_window["fraction_a"].values
    assert fa[1] + fa[2] == pytest.approx(1.0, abs=1e-12)
    fig, ax = plt.subplots()
    res.plot(ax)
    assert ax.get_lines()
    plt.close(fig)
    assert set(res.to_dict()) == {"measurements", "per_window", "settings"}


def test_identical_eigenvalues_agree_exactly() -> None:
    ds = mock_spectrum(n_sample=4, n_mode=30, n_zero=2, seed=5)
    res = eigenvalue_agreement(ds, ds.copy(deep=True))
    assert res.max_relative_deviation.value == 0.0
    assert res.rms_relative_deviation.value == 0.0
    assert res.zero_mode_deviation == 0.0
    assert res.max_relative_deviation.uncertainty == 0.0


def test_perturbed_eigenvalues_report_the_perturbation() -> None:
    ds = mock_spectrum(n_sample=4, n_mode=30, n_zero=1, seed=5)
    lam = ds["eigenvalue"].values
    eps = np.zeros_like(lam)
    eps[2, 17] = 3e-7  # one mode of one sample
    other = ds.copy(deep=True)
    other["eigenvalue"].values[:] = lam * (1 + eps)
    res = eigenvalue_agreement(ds, other)
    assert res.max_relative_deviation.value == pytest.approx(3e-7, rel=1e-6)
    assert res.rms_relative_deviation.value == pytest.approx(3e-7 / np.sqrt(4 * 29), rel=1e-6)
    assert int(np.nanargmax(res.curve["max_over_samples"].values)) == 17
    assert int(np.nanargmax(res.curve["max_per_sample"].values)) == 2
    fig, ax = plt.subplots()
    res.plot(ax)
    plt.close(fig)


@pytest.mark.parametrize(
    ("b", "match"),
    [
        (mock_spectrum(n_sample=3, n_mode=30), "shared configurations need the same"),
        (mock_spectrum(n_sample=4, n_mode=30).assign_coords(sample=[10, 11, 12, 13]), "sample coordinates .* differ"),
    ],
    ids=["shape", "samples"],
)
def test_agreement_needs_shared_configurations(b, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        eigenvalue_agreement(mock_spectrum(n_sample=4, n_mode=30), b)


def test_bad_windows_are_explained() -> None:
    with pytest.raises(ValueError, match="expected 0 <= lo < hi"):
        compare_spectra(power_spectrum(3.0, 1), power_spectrum(3.0, 2), windows=[(0.5, 0.2)], n_permutations=0)
    with pytest.raises(ValueError, match="expected a one-point dataset or frequencies"):
        compare_spectra(np.ones(5), power_spectrum(3.0, 2))


def test_pooled_levels_give_the_ks_statistic_of_the_weighted_rows() -> None:
    # brute force: the rows repeated by their weights, pooled, windowed, and ks_statistic; ties (values rounded to
    # two digits), NaN (left out), rows of another length, empty sides and windows included
    rng = np.random.default_rng(3)
    a = np.round(rng.random((7, 25)), 2)
    b = np.round(rng.random((5, 18)) * 1.1, 2)
    a[rng.random(a.shape) < 0.1] = np.nan
    rows = _padded_rows(a, b)
    pool = _PooledLevels(rows)
    for trial in range(60):
        wa, wb = rng.integers(0, 3, rows.shape[0]), rng.integers(0, 3, rows.shape[0])
        if trial == 0:
            wa[:] = 0  # one side empty: NaN, as ks_statistic gives
        lo, hi = sorted(rng.choice([0.0, 0.2, 0.35, 0.5, 0.8, 1.2], 2, replace=False))
        xa = np.concatenate([np.repeat(r[np.isfinite(r)], w) for r, w in zip(rows, wa)])
        xb = np.concatenate([np.repeat(r[np.isfinite(r)], w) for r, w in zip(rows, wb)])
        window = (lambda x: x[(x > lo) & (x <= hi)]) if lo > 0 else (lambda x: x[x <= hi])
        expected = ks_statistic(window(xa), window(xb))
        got = pool.ks(wa, wb, lo, hi)
        assert got == expected or (np.isnan(got) and np.isnan(expected)), (trial, lo, hi, got, expected)
    # several windows at once (the permutations' route): each the same as its own call
    windows = [(0.0, math.inf), (0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.2), (1.2, 5.0)]
    wa, wb = rng.integers(0, 3, rows.shape[0]), rng.integers(0, 3, rows.shape[0])
    many = pool.ks_windows(wa, wb, windows)
    one = np.array([pool.ks(wa, wb, lo, hi) for lo, hi in windows])
    assert np.isnan(many[-1]) and np.array_equal(many, one, equal_nan=True)


def _former_permutation_pvalues(
    pool: _PooledLevels, rows: list, ks: np.ndarray, na: int, nb: int, n_permutations: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The permutation test as it was before it computed a block of permutations at once (kept as the reference)."""
    exceed, valid = np.zeros(len(rows)), np.zeros(len(rows))
    for _ in range(n_permutations):
        perm = rng.permutation(na + nb)
        in_a = np.zeros(na + nb, dtype=np.int64)
        in_a[perm[:na]] = 1
        d = pool.ks_windows(in_a, 1 - in_a, rows)
        valid += np.isfinite(d)
        exceed += d >= ks - 1e-12
    return np.where(np.isfinite(ks), (1.0 + exceed) / (1.0 + valid), np.nan), valid


@pytest.mark.parametrize("block_values", [1, 1000, 4_000_000])  # ~170 levels: one at a time, 5, all 97 at once
def test_permutations_in_blocks_give_the_former_p_values_exactly(
    block_values: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same draws and the same integer counts: every p-value and count equal to the one-at-a-time loop's, with
    ties, NaN levels, an empty window and a window one side never reaches."""
    rng = np.random.default_rng(7)
    a = np.round(rng.random((6, 15)), 2)
    b = np.round(rng.random((5, 18)) * 1.1, 2)
    a[rng.random(a.shape) < 0.1] = np.nan
    rows = _padded_rows(a, b)
    pool = _PooledLevels(rows)
    windows = [(0.0, math.inf), (0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (1.0, 1.2), (1.2, 5.0)]
    ks = pool.ks_windows(np.r_[np.ones(6, int), np.zeros(5, int)], np.r_[np.zeros(6, int), np.ones(5, int)], windows)
    weights = rng.integers(0, 3, (9, rows.shape[0]))
    weights[0] = 0  # one side empty: NaN in every window
    many = pool.ks_windows_many(weights, weights[::-1], windows)
    one = np.array([pool.ks_windows(wa, wb, windows) for wa, wb in zip(weights, weights[::-1])])
    assert np.array_equal(many, one, equal_nan=True) and np.isnan(many[0]).all()
    monkeypatch.setattr("vdosbench.validators.spectral.comparison.PERMUTATION_BLOCK_VALUES", block_values)
    got = _permutation_pvalues(pool, windows, ks, 6, 5, 97, np.random.default_rng(3))
    expected = _former_permutation_pvalues(pool, windows, ks, 6, 5, 97, np.random.default_rng(3))
    for g, e in zip(got, expected):
        assert np.array_equal(g, e, equal_nan=True)
    assert np.isnan(got[0][-1]) and got[1][-1] == 0  # the window beyond every level: no p-value, no permutation
