"""coordination_distribution: known histograms, numpy's mean/variance, an ambiguous mode."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from vdosbench.datasets import mock_spectrum
from vdosbench.validators import coordination_distribution, coordination_numbers


def with_coordination(z: np.ndarray):
    """A mock one-point dataset whose coordination is the given (sample, site) array."""
    ds = mock_spectrum(n_sample=z.shape[0], n_site=z.shape[1], n_mode=4)
    ds["coordination"] = ds["coordination"].copy(data=z.astype(np.int64))
    return ds


def test_known_histogram_is_recovered_exactly() -> None:
    # per sample: 10 sites with z=3, 60 with z=4, 25 with z=5, 5 with z=6 (shuffled)
    rng = np.random.default_rng(0)
    row = np.repeat([3, 4, 5, 6], [10, 60, 25, 5])
    z = np.stack([rng.permutation(row) for _ in range(5)])
    res = coordination_distribution(with_coordination(z), n_bootstrap=200)
    np.testing.assert_allclose(res.histogram.probability.sel(coordination_number=[3, 4, 5, 6]), [0.1, 0.6, 0.25, 0.05])
    np.testing.assert_array_equal(res.histogram["count"].sel(coordination_number=[0, 1, 2]), 0)
    assert res.most_common.value == 4.0 and res.mode_agreement == 1.0
    # every sample identical: the bootstrap spread is exactly zero
    assert res.mean.uncertainty == pytest.approx(0.0, abs=1e-14)


def test_mean_and_variance_equal_numpy() -> None:
    z = np.random.default_rng(1).poisson(4.2, size=(8, 300))
    res = coordination_distribution(with_coordination(z), n_bootstrap=300, seed=3)
    assert res.mean.value == pytest.approx(np.mean(z), rel=1e-14)
    assert res.variance.value == pytest.approx(np.var(z), rel=1e-13)
    assert res.mean.low < res.mean.value < res.mean.high
    assert res.mean.n_samples == 8 and res.mean.settings["n_bootstrap"] == 300


def test_ambiguous_mode_is_reported_as_unstable() -> None:
    """Built to fail a 'mode = 4' claim: samples alternate between mode 4 and mode 5."""
    z4 = np.repeat([4, 5], [55, 45])
    z5 = np.repeat([4, 5], [45, 55])
    z = np.stack([z4, z5] * 5)
    res = coordination_distribution(with_coordination(z), n_bootstrap=500, seed=0)
    assert res.most_common.value == 4.0  # exact tie in the pool: the smallest z
    assert 0.1 < res.mode_agreement < 0.9
    assert res.most_common.low == 4.0 and res.most_common.high == 5.0
    assert res.most_common.settings["mode_agreement"] == res.mode_agreement


def test_coordination_counted_from_pairs_when_not_stored() -> None:
    ds = mock_spectrum(n_sample=2, n_site=6, pairs_per_sample=5).drop_vars("coordination")
    z = coordination_numbers(ds)
    assert z.attrs["source"] == "counted from pairs"
    for k in range(2):
        i = ds.pair_i.values[5 * k : 5 * k + 5]
        j = ds.pair_j.values[5 * k : 5 * k + 5]
        brute = [int(np.sum(i == s) + np.sum(j == s)) for s in range(6)]
        np.testing.assert_array_equal(z.values[k], brute)
    assert coordination_distribution(ds, n_bootstrap=10).settings["source"] == "counted from pairs"


def test_missing_coordination_is_explained() -> None:
    with pytest.raises(ValueError, match="coordination numbers need"):
        coordination_distribution(mock_spectrum())


def test_result_json_and_plot() -> None:
    z = np.random.default_rng(2).integers(3, 7, size=(3, 40))
    res = coordination_distribution(with_coordination(z), n_bootstrap=50)
    d = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert set(d["measurements"]) == {"mean", "variance", "most_common"}
    assert sum(d["probability"].values()) == pytest.approx(1.0)
    fig, ax = plt.subplots()
    res.plot(ax)
    assert len(ax.patches) == res.histogram.sizes["coordination_number"]
    plt.close(fig)


def test_mode_of_the_sample_modes_differs_from_the_pooled_mode_when_built_to() -> None:
    """Known answer: 3 samples peak at 4 (40 % of their sites), 2 samples are almost all 5.  Pooled, z = 5 holds
    (3 x 30 + 2 x 90) / 500 = 54 % of the sites; by sample vote, 4 wins 3 to 2.  Identical samples agree."""
    a = np.repeat([3, 4, 5], [30, 40, 30])
    b = np.repeat([4, 5], [10, 90])
    z = np.stack([a, a, a, b, b])
    pooled = coordination_distribution(with_coordination(z), n_bootstrap=100)
    voted = coordination_distribution(with_coordination(z), mode_of="samples", n_bootstrap=100)
    assert (pooled.most_common.value, voted.most_common.value) == (5.0, 4.0)
    assert "per-sample modes" in voted.most_common.settings["estimator"]
    assert voted.mean.value == pooled.mean.value  # only the mode estimator changes
    same = np.stack([a] * 4)
    assert (
        coordination_distribution(with_coordination(same), mode_of="samples", n_bootstrap=50).most_common.value == 4.0
    )
    with pytest.raises(ValueError, match="mode_of is 'median'"):
        coordination_distribution(with_coordination(z), mode_of="median")
