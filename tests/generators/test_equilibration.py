"""Equilibrium checks of swap Monte Carlo chains: step calibration, τ_α per segment, q₆ crystals, fractionation."""

from __future__ import annotations

import numpy as np
import pytest
from vdosbench.generators import fcc_crystal, polydisperse_configuration
from vdosbench.generators.glasses.equilibration import (
    calibrate_step,
    crystalline_particles,
    relaxation_segments,
    size_neighbour_correlation,
)
from vdosbench.generators import soft_sphere_potential


def _dilute_gas(n: int = 343, box: float = 70.0, seed: int = 0):
    """Particles so far apart that no pair interacts: every move is accepted (an ideal gas under MC)."""
    side = round(n ** (1 / 3))
    grid = np.stack(np.meshgrid(*[np.arange(side) * box / side] * 3, indexing="ij"), -1).reshape(-1, 3)
    rng = np.random.default_rng(seed)
    return grid, rng.uniform(0.8, 1.2, grid.shape[0]), np.zeros(grid.shape[0], np.int64)


def test_segments_of_an_ideal_gas_give_the_exact_tau_alpha_in_every_segment():
    # Known answer (relaxation.py): a particle moves with probability (1 - p_swap)/N per attempt by a fixed
    # length b, so F_s(q, t) = [1 - (1 - p_swap)(1 - c)/N]^(N t) with c = sin(qb)/(qb); F_s = 1/e at
    # tau = -1 / (N ln[1 - (1 - p_swap)(1 - c)/N]).  A stationary "liquid": every segment gives that tau.
    pos, sizes, species = _dilute_gas()
    n, q, b, p_swap = pos.shape[0], 6.87, 0.1, 0.2
    c = np.sin(q * b) / (q * b)
    expected = -1.0 / (n * np.log(1.0 - (1.0 - p_swap) * (1.0 - c) / n))
    seg = relaxation_segments(
        pos,
        70.0,
        sizes,
        species,
        soft_sphere_potential(),
        0.5,
        q,
        np.random.default_rng(1),
        n_segments=3,
        max_segment_sweeps=400,
        step=b,
        p_swap=p_swap,
        waits=[0, 50, 100],
    )
    assert np.allclose(seg.acceptance, 1.0)
    assert np.all(np.abs(seg.tau_alpha / expected - 1.0) < 0.08), (seg.tau_alpha, expected)
    # the segments tile one chain: each starts where the previous one (plus its wait) ended
    assert seg.start_sweep.tolist() == [0, int(seg.length[0]) + 50, int(seg.length[:2].sum()) + 150]
    assert np.all(seg.fs_end < 0.1)
    # the diameters were swapped, the positions only displaced
    assert sorted(seg.sizes.tolist()) == sorted(sizes.tolist()) and not np.array_equal(seg.sizes, sizes)


def test_segments_refuse_a_wait_list_of_the_wrong_length():
    pos, sizes, species = _dilute_gas(n=27)
    with pytest.raises(ValueError, match="one per segment"):
        relaxation_segments(
            pos,
            70.0,
            sizes,
            species,
            soft_sphere_potential(),
            0.5,
            6.87,
            np.random.default_rng(0),
            n_segments=2,
            max_segment_sweeps=10,
            step=0.1,
            waits=[10],
        )


def test_step_calibration_reaches_the_target_and_leaves_the_state_alone():
    config = polydisperse_configuration(256, 3, np.random.default_rng(3))
    from vdosbench.generators.glasses.soft_spheres import remove_overlaps

    pot = soft_sphere_potential()
    start = remove_overlaps(config, pot)
    before = start.copy()
    cal = calibrate_step(start, config.box_length, config.sizes, config.species, pot, 0.3, np.random.default_rng(4))
    assert np.array_equal(start, before)
    assert abs(cal.acceptance - 0.3) < 0.08
    # acceptance falls as the step grows: the bisection's record is consistent with that
    order = np.argsort(cal.tried[:, 0])
    assert np.corrcoef(cal.tried[order, 0], cal.tried[order, 1])[0, 1] < -0.8
    with pytest.raises(ValueError, match="target acceptance"):
        calibrate_step(
            start, config.box_length, config.sizes, config.species, pot, 0.3, np.random.default_rng(4), target=1.5
        )


def test_crystal_test_finds_a_perturbed_fcc_crystal_and_no_crystal_in_a_random_packing():
    fcc = fcc_crystal(5)
    rng = np.random.default_rng(0)
    noisy = fcc.positions + rng.normal(0, 0.04, fcc.positions.shape)
    crystal, q6 = crystalline_particles(noisy, fcc.box_length, fcc.sizes)
    assert crystal.mean() > 0.98 and 0.45 < q6.mean() < 0.58
    liquid = polydisperse_configuration(500, 3, np.random.default_rng(1))
    crystal, q6 = crystalline_particles(liquid.positions, liquid.box_length, liquid.sizes)
    assert crystal.sum() == 0 and q6.mean() < 0.4
    # built to fail: a large random displacement melts the "crystal"
    melted = fcc.positions + rng.normal(0, 0.3, fcc.positions.shape)
    assert crystalline_particles(melted, fcc.box_length, fcc.sizes)[0].mean() < 0.05
    with pytest.raises(ValueError, match="d = 3"):
        crystalline_particles(np.zeros((4, 2)), 5.0, np.ones(4))


def test_size_correlation_is_near_zero_for_random_sizes_and_positive_for_sorted_ones():
    config = polydisperse_configuration(1000, 3, np.random.default_rng(2))
    random = size_neighbour_correlation(config.positions, config.box_length, config.sizes)
    assert abs(random) < 0.1
    # demix: give the largest diameters to the particles with the smallest x (same set of diameters)
    order = np.argsort(config.positions[:, 0] % config.box_length)
    sorted_sizes = np.empty_like(config.sizes)
    sorted_sizes[order] = np.sort(config.sizes)[::-1]
    assert size_neighbour_correlation(config.positions, config.box_length, sorted_sizes) > 0.5
