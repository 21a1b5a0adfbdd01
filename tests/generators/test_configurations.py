"""Configurations: the a⁻³ diameter law, boxes, crystals, and the cell-list pair search."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats
from scipy.spatial import cKDTree

from vdosbench.generators.glasses.configurations import (
    A_MAX,
    A_MIN,
    box_length_for,
    diameter_cdf,
    fcc_crystal,
    find_pairs,
    kob_andersen_configuration,
    polydisperse_configuration,
    sample_diameters,
    triangular_crystal,
    wrap,
)

#: Significance of the Kolmogorov–Smirnov tests of the diameter law.
KS_ALPHA = 0.01
KS_DRAWS = 20_000


def test_raw_diameters_follow_the_inverse_cube_law() -> None:
    a = sample_diameters(KS_DRAWS, np.random.default_rng(11), normalization="none")
    assert A_MIN <= a.min() and a.max() <= A_MAX
    result = scipy.stats.kstest(a, diameter_cdf)
    assert result.pvalue > KS_ALPHA


def test_ks_rejects_a_uniform_law() -> None:
    """Built to fail: uniform diameters on the same interval are not P(a) ∝ a⁻³."""
    a = np.random.default_rng(11).uniform(A_MIN, A_MAX, KS_DRAWS)
    assert scipy.stats.kstest(a, diameter_cdf).pvalue < 1e-6


def test_rescaled_diameters_have_mean_one_and_the_law_shape() -> None:
    raw = sample_diameters(KS_DRAWS, np.random.default_rng(3), normalization="none")
    rescaled = sample_diameters(KS_DRAWS, np.random.default_rng(3))
    assert rescaled.mean() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(rescaled * raw.mean(), raw, rtol=1e-12)
    # the law's own mean, 2 a_min a_max / (a_min + a_max) = 1.00647, is what the rescale removes
    assert raw.mean() == pytest.approx(2 * A_MIN * A_MAX / (A_MIN + A_MAX), abs=5e-3)


def test_unknown_normalization_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown normalization 'reject'"):
        sample_diameters(10, np.random.default_rng(0), normalization="reject")


@pytest.mark.parametrize(("n", "d"), [(1000, 3), (100, 2)], ids=["3d", "2d"])
def test_polydisperse_configuration_has_unit_density(n: int, d: int) -> None:
    c = polydisperse_configuration(n, d, np.random.default_rng(0))
    assert c.density == pytest.approx(1.0, rel=1e-10)
    assert c.box_length == pytest.approx(box_length_for(n, 1.0, d))
    assert np.all((c.positions >= 0) & (c.positions < c.box_length))


def test_kob_andersen_composition_and_density() -> None:
    c = kob_andersen_configuration(250, 3, np.random.default_rng(0))
    assert np.bincount(c.species).tolist() == [200, 50]
    assert c.density == pytest.approx(1.2, rel=1e-10)


def test_fcc_neighbour_shells() -> None:
    """FCC at density 1: cubic cell b = 4^(1/3); 12 neighbours at b/√2, 6 at b, 24 at b√(3/2)."""
    c = fcc_crystal(4)
    i, j, sep = find_pairs(c.positions, c.box_length, 1.95)
    r = np.round(np.linalg.norm(sep, axis=1), 9)
    b = 4 ** (1 / 3)
    shells, counts = np.unique(r, return_counts=True)
    np.testing.assert_allclose(shells, [b / np.sqrt(2), b, b * np.sqrt(1.5)], rtol=1e-9)
    assert (2 * counts / c.n_particles).tolist() == [12.0, 6.0, 24.0]


def test_triangular_crystal_is_at_the_density_with_six_neighbours() -> None:
    c = triangular_crystal(26)
    assert c.density == pytest.approx(1.0, rel=1e-12)
    i, j, sep = find_pairs(c.positions, c.box_length, 1.2)
    assert np.all(np.bincount(np.r_[i, j], minlength=c.n_particles) == 6)


@pytest.mark.parametrize(
    ("n", "d", "box", "r_max"),
    [(1000, 3, 10.0, 2.255), (350, 3, 7.0, 2.3), (60, 3, 4.0, 1.99), (300, 2, 12.0, 2.5), (100, 2, 6.5, 2.1)],
    ids=["cells-3d", "three-cells-3d", "brute-force-3d", "cells-2d", "three-cells-2d"],
)
def test_find_pairs_matches_a_periodic_kd_tree(n: int, d: int, box: float, r_max: float) -> None:
    x = np.random.default_rng(n).random((n, d)) * 3 * box - box  # outside the box too
    i, j, sep = find_pairs(x, box, r_max)
    ref = cKDTree(wrap(x, box), boxsize=box).query_pairs(r_max, output_type="ndarray")
    ref = ref[np.lexsort((ref[:, 1], ref[:, 0]))]
    np.testing.assert_array_equal(np.c_[i, j], ref)
    direct = x[j] - x[i]
    direct -= box * np.round(direct / box)
    np.testing.assert_allclose(sep, direct, atol=1e-12)


def test_find_pairs_refuses_a_radius_beyond_half_the_box() -> None:
    with pytest.raises(ValueError, match="must be below L/2"):
        find_pairs(np.zeros((2, 3)), 4.0, 2.0)
