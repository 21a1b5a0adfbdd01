"""F_s(q, t), τ_α and the T_d fits against analytic answers."""

from __future__ import annotations

import numpy as np
import pytest

from vdosbench.generators import soft_sphere_potential
from vdosbench.generators.glasses.relaxation import (
    fit_mct,
    fit_vft,
    log_spaced_sweeps,
    mc_trajectory,
    relaxation_time,
    self_intermediate_scattering,
    structure_factor,
)

#: Relative tolerance on τ from 4000 random walkers (statistical error ≈ 1 %).
TAU_RTOL = 0.05
#: Absolute tolerance on F_s(q, t) averaged over 4000 walkers (≈ 4 standard errors).
FS_ATOL = 0.03


def test_fs_is_one_at_time_zero() -> None:
    zero = np.zeros((1, 50, 3))
    assert self_intermediate_scattering(zero, 6.3)[0] == 1.0
    assert self_intermediate_scattering(np.zeros((1, 50, 2)), 6.3)[0] == 1.0


@pytest.mark.parametrize("dim", [2, 3])
def test_gaussian_random_walk_gives_exponential_fs_and_known_tau(dim: int) -> None:
    """Gaussian steps, per-axis variance σ² each: Δr(t) ~ N(0, σ² t I), so F_s(q, t) = exp(−q² σ² t / 2).

    Derivation: ⟨exp(i q·Δr)⟩ for a centred Gaussian of covariance σ² t I
    is exp(−q² σ² t / 2) for every direction of q, so the directional
    average is the same; F_s = 1/e at τ = 2 / (q² σ²).
    """
    rng = np.random.default_rng(dim)
    q, sigma, n_steps = 6.3, 0.05, 60
    steps = rng.normal(0.0, sigma, (n_steps, 4000, dim))
    displacements = np.concatenate([np.zeros((1, 4000, dim)), np.cumsum(steps, axis=0)])
    times = np.arange(n_steps + 1, dtype=float)
    fs = self_intermediate_scattering(displacements, q)
    np.testing.assert_allclose(fs, np.exp(-0.5 * q**2 * sigma**2 * times), atol=FS_ATOL)
    assert relaxation_time(times, fs) == pytest.approx(2.0 / (q * sigma) ** 2, rel=TAU_RTOL)


@pytest.mark.parametrize("dim", [2, 3])
def test_free_monte_carlo_walk_matches_the_exact_binomial_formula(dim: int) -> None:
    """Plain MC of non-interacting particles: F_s(q, t) = [1 − (1 − c)/N]^(N t).

    Each attempt moves a chosen particle by b in a uniform random direction
    (always accepted when φ = 0); a particle's number of moves in t sweeps is
    Binomial(N t, 1/N) and one move multiplies ⟨exp(i q·Δr)⟩ by
    c = sin(qb)/(qb) (d = 3) or J₀(qb) (d = 2).  The diameters are so small
    that φ never differs from zero.
    """
    from scipy.special import j0

    n, q, b = 4000 if dim == 3 else 3600, 6.3, 0.2
    side = round(n ** (1 / dim))
    box = 4.0 * side
    grid = np.stack(np.meshgrid(*[np.arange(side, dtype=float)] * dim, indexing="ij"), -1).reshape(-1, dim) * 4.0
    frames = log_spaced_sweeps(12, per_decade=6)
    traj = mc_trajectory(
        grid,
        box,
        np.full(grid.shape[0], 1e-3),
        np.zeros(grid.shape[0], int),
        soft_sphere_potential(r_cut=1.0),
        1.0,
        frames,
        np.random.default_rng(9),
        step=b,
    )
    assert traj.acceptance == 1.0
    c = np.sinc(q * b / np.pi) if dim == 3 else j0(q * b)
    exact = (1.0 - (1.0 - c) / grid.shape[0]) ** (grid.shape[0] * traj.sweeps)
    fs = self_intermediate_scattering(traj.displacements, q)
    np.testing.assert_allclose(fs, exact, atol=FS_ATOL)
    tau_exact = -1.0 / (grid.shape[0] * np.log1p(-(1.0 - c) / grid.shape[0]))
    assert relaxation_time(traj.sweeps, fs) == pytest.approx(tau_exact, rel=TAU_RTOL)


def test_trajectory_can_stop_once_decayed() -> None:
    side, dim = 10, 2
    grid = np.stack(np.meshgrid(*[np.arange(side, dtype=float)] * dim, indexing="ij"), -1).reshape(-1, dim) * 4.0
    traj = mc_trajectory(
        grid,
        40.0,
        np.full(100, 1e-3),
        np.zeros(100, int),
        soft_sphere_potential(r_cut=1.0),
        1.0,
        log_spaced_sweeps(1000),
        np.random.default_rng(1),
        q=6.3,
        stop_below=0.3,
    )
    fs = self_intermediate_scattering(traj.displacements, 6.3)
    assert fs[-1] < 0.3 <= fs[-2]
    assert traj.sweeps[-1] < 1000


def test_relaxation_time_interpolates_in_log_time_and_reports_no_decay() -> None:
    times = np.array([0.0, 1.0, 10.0, 100.0])
    fs = np.array([1.0, 0.8, np.exp(-1.0) + 0.1, np.exp(-1.0) - 0.1])
    # halfway in F between t = 10 and 100: halfway in ln t
    assert relaxation_time(times, fs) == pytest.approx(np.sqrt(10.0 * 100.0))
    assert np.isnan(relaxation_time(times, np.ones(4)))
    with pytest.raises(ValueError, match="equal length"):
        relaxation_time(times, fs[:3])


def test_mct_and_vft_fits_recover_their_parameters_from_noisy_data() -> None:
    rng = np.random.default_rng(0)
    t = np.linspace(0.2, 0.45, 9)
    noise = np.exp(rng.normal(0.0, 0.02, t.size))
    mct = fit_mct(t, 3.0 * (t - 0.15) ** -2.4 * noise, np.full(t.size, 0.02))
    assert abs(mct.t_d - 0.15) < 3 * mct.t_d_error + 1e-3
    assert mct.gamma == pytest.approx(2.4, rel=0.1)
    np.testing.assert_allclose(mct.tau(t), 3.0 * (t - 0.15) ** -2.4, rtol=0.1)
    vft = fit_vft(t, 0.5 * np.exp(0.3 / (t - 0.1)) * noise, np.full(t.size, 0.02))
    assert abs(vft.t_0 - 0.1) < 3 * vft.t_0_error + 1e-3
    # built to fail: data that diverge at 0.17 are told apart from T_d = 0.15 by the same criterion
    shifted = fit_mct(t, 3.0 * (t - 0.17) ** -2.4 * noise, np.full(t.size, 0.02))
    assert abs(shifted.t_d - 0.15) > 3 * shifted.t_d_error


def test_fits_refuse_unusable_input() -> None:
    with pytest.raises(ValueError, match="finite and positive"):
        fit_mct(np.array([0.2, 0.3, 0.4, 0.5]), np.array([10.0, np.nan, 3.0, 2.0]))
    with pytest.raises(ValueError, match="≥ 4"):
        fit_vft(np.array([0.2, 0.3]), np.array([10.0, 3.0]))


def test_structure_factor_of_a_lattice_has_bragg_peaks() -> None:
    """Simple cubic, 5³ sites: S(q) = N on reciprocal vectors 2π(h, k, l), zero on the other box vectors.

    |q| = 2π holds 30 box vectors (n = 5 (±1, 0, 0) and permutations: 6 Bragg
    peaks; n = (±4, ±3, 0) and permutations: 24 zeros), so the shell mean is
    6 × 125 / 30 = 25.
    """
    grid = np.stack(np.meshgrid(*[np.arange(5.0)] * 3, indexing="ij"), -1).reshape(-1, 3)
    q, s = structure_factor(grid, 5.0, q_max=6.5, bin_width=0.01)
    shell = np.isclose(q, 2 * np.pi, atol=1e-9)
    assert s[shell][0] == pytest.approx(25.0)
    assert np.all(s[~shell] < 1e-9)


def test_log_spaced_sweeps_start_at_zero_and_end_at_the_maximum() -> None:
    frames = log_spaced_sweeps(300_000, per_decade=8)
    assert frames[0] == 0 and frames[1] == 1 and frames[-1] == 300_000
    assert np.all(np.diff(frames) > 0)
    with pytest.raises(ValueError, match="at least 1"):
        log_spaced_sweeps(0)
