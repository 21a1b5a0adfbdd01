"""Energy and analytic gradient (against finite differences) and the quench to the inherent structure."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from vdosbench.generators.configurations import (
    Configuration,
    find_pairs,
    kob_andersen_configuration,
    polydisperse_configuration,
)
from vdosbench.generators.hessian import hessian_matrix
from vdosbench.generators.minimize import EnergyModel, QuenchSettings, _energy_gradient, fire_minimize, quench
from vdosbench.generators.potentials import (
    INFINITE_ORDER,
    KIND_SOFT_SPHERE,
    PairPotential,
    kob_andersen_potential,
    soft_sphere_potential,
)

#: Central-difference step and the tolerance relative to max |∂V/∂r| (truncation ~ h² φ‴, rounding ~ ε|V|/h).
FD_STEP = 1e-6
FD_RTOL = 1e-6

CASES = [
    ("soft-m2-3d", soft_sphere_potential(2), 3, 100),
    ("soft-minf-3d", soft_sphere_potential(INFINITE_ORDER), 3, 100),
    ("soft-m3-2d", soft_sphere_potential(3), 2, 64),
    ("lj-m2-2d", kob_andersen_potential(2), 2, 64),
]


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread() -> Iterator[None]:
    """Small dense matrices: one BLAS thread (threads only add contention on a shared machine)."""
    with threadpool_limits(1):
        yield


def _start(pot: PairPotential, d: int, n: int, seed: int = 0) -> Configuration:
    """Random positions freed of overlaps (max |F| ≤ 10), a generic non-equilibrium configuration."""
    rng = np.random.default_rng(seed)
    c = (
        polydisperse_configuration(n, d, rng)
        if pot.kind == KIND_SOFT_SPHERE
        else kob_andersen_configuration(n, d, rng)
    )
    x, *_ = fire_minimize(EnergyModel(c, pot), c.positions, 10.0, 10_000)
    return c.with_positions(x)


def _brute_energy(c: Configuration, pot: PairPotential) -> float:
    i, j, sep = find_pairs(c.positions, c.box_length, pot.max_cutoff)
    phi, _, _ = pot.evaluate(np.linalg.norm(sep, axis=1), c.sizes[i], c.sizes[j], c.species[i], c.species[j])
    return float(phi.sum())


@pytest.mark.parametrize(("pot", "d", "n"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_gradient_matches_central_differences_of_the_energy(pot: PairPotential, d: int, n: int) -> None:
    c = _start(pot, d, n)
    model = EnergyModel(c, pot)
    _, grad = model.energy_gradient(c.positions)
    fd = np.empty(c.positions.size)
    for k in range(c.positions.size):
        plus, minus = c.positions.copy().ravel(), c.positions.copy().ravel()
        plus[k] += FD_STEP
        minus[k] -= FD_STEP
        fd[k] = (model.energy(plus) - model.energy(minus)) / (2 * FD_STEP)
    np.testing.assert_allclose(grad.ravel(), fd, rtol=0, atol=FD_RTOL * np.abs(grad).max())


@pytest.mark.parametrize(("pot", "d", "n"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_energy_matches_a_direct_pair_sum_after_large_moves(pot: PairPotential, d: int, n: int) -> None:
    """The Verlet list is rebuilt when particles move more than skin/2 (here by up to 1)."""
    c = _start(pot, d, n)
    model = EnergyModel(c, pot)
    moved = c.with_positions(c.positions + np.random.default_rng(1).uniform(-1, 1, c.positions.shape))
    assert model.energy(moved.positions) == pytest.approx(_brute_energy(moved, pot), rel=1e-12)
    assert model.n_builds == 2


def test_square_root_free_t2_kernel_matches_the_generic_loop() -> None:
    """Soft spheres, n = 12, m = 2, d = 3 take a dedicated kernel; it must equal pair_terms' values."""
    pot = soft_sphere_potential(2)
    c = _start(pot, 3, 150)
    model = EnergyModel(c, pot)
    assert model._t2_fast
    energy, grad = model.energy_gradient(c.positions)
    generic = np.empty_like(grad)
    reference = _energy_gradient(
        c.positions, model._pi, model._pj, model._shift, c.sizes, c.species, pot.sigma, pot.epsilon,
        pot.cutoff, pot.kind, pot.exponent, pot.taper_order, generic,
    )
    assert energy == pytest.approx(reference, rel=1e-13)
    np.testing.assert_allclose(grad, generic, rtol=0, atol=1e-12 * np.abs(generic).max())


def test_a_perfect_translation_leaves_energy_and_forces_unchanged() -> None:
    pot = soft_sphere_potential(2)
    c = _start(pot, 3, 100)
    model = EnergyModel(c, pot)
    e0, g0 = model.energy_gradient(c.positions)
    e1, g1 = model.energy_gradient(c.positions + np.array([0.37, -1.2, 5.0]))
    assert e1 == pytest.approx(e0, rel=1e-12)
    np.testing.assert_allclose(g1, g0, atol=1e-10 * np.abs(g0).max())
    assert np.abs(g0.sum(axis=0)).max() < 1e-9 * np.abs(g0).max()  # Newton's third law


@pytest.mark.parametrize(
    ("pot", "d", "n"),
    [(soft_sphere_potential(2), 3, 128), (soft_sphere_potential(INFINITE_ORDER), 2, 64), (kob_andersen_potential(2), 3, 200)],
    ids=["soft-m2-3d", "soft-minf-2d", "lj-m2-3d"],
)
def test_quench_from_random_positions_reaches_a_stable_minimum(pot: PairPotential, d: int, n: int) -> None:
    rng = np.random.default_rng(5)
    c = polydisperse_configuration(n, d, rng) if pot.kind == KIND_SOFT_SPHERE else kob_andersen_configuration(n, d, rng)
    result = quench(c, pot)
    assert result.converged and result.max_force <= 1e-10
    assert EnergyModel(result.config, pot).max_force(result.config.positions) == pytest.approx(result.max_force, rel=1e-6)
    lam = np.linalg.eigvalsh(hessian_matrix(result.config, pot).toarray())
    scale = lam[-1]
    # exactly d zero modes (translations) and no negative eigenvalue beyond rounding
    assert np.all(np.abs(lam[:d]) < 1e-10 * scale)
    assert lam[d] > 1e-5 * scale


def test_fire_alone_reaches_the_tolerance() -> None:
    pot = soft_sphere_potential(2)
    c = _start(pot, 2, 64)
    x, _, grad, steps = fire_minimize(EnergyModel(c, pot), c.positions, 1e-8, 100_000)
    assert np.sqrt(np.max(np.sum(grad**2, axis=1))) <= 1e-8
    assert 0 < steps < 100_000


def test_fire_polishes_when_lbfgs_stops_short() -> None:
    pot = soft_sphere_potential(2)
    c = polydisperse_configuration(64, 2, np.random.default_rng(9))
    result = quench(c, pot, QuenchSettings(max_lbfgs_iterations=30, force_tolerance=1e-9))
    assert result.lbfgs_message == "iteration limit 30 reached"
    assert result.fire_steps > 0 and result.converged and result.max_force <= 1e-9


def test_quench_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="force_tolerance must be > 0"):
        QuenchSettings(force_tolerance=0.0)


def test_a_box_smaller_than_twice_the_cutoff_is_refused() -> None:
    with pytest.raises(ValueError, match="too small for the cutoff"):
        EnergyModel(polydisperse_configuration(27, 3, np.random.default_rng(0)), soft_sphere_potential(2))
