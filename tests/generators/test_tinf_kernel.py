"""The dedicated n = 12 soft-sphere T_∞ kernel in d = 3 (``_soft_sphere_tinf_3d``): the generic loop's numbers.

The catalogued m = ∞ sets are rebuilt by value, so the kernel must not change a quench's path: its energy,
gradient and diagonal Hessian blocks equal the generic loop's bit for bit (not just to rounding), and a quench
ends in the same inherent structure with either kernel.  Known answers: central differences of the energy and of
the gradient, and φ of :meth:`PairPotential.evaluate` for one pair.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from vdosbench.generators import Configuration, polydisperse_configuration
from vdosbench.generators.glasses.minimize import EnergyModel, fire_minimize, protocol, quench
from vdosbench.generators import INFINITE_ORDER, soft_sphere_potential


def _start(non_additivity: float, n: int = 300, seed: int = 0, relax: bool = True) -> Configuration:
    """Random positions (d = 3), optionally freed of overlaps (max |F| ≤ 10): many pairs near and beyond r_c."""
    pot = soft_sphere_potential(INFINITE_ORDER, non_additivity=non_additivity)
    c = polydisperse_configuration(n, 3, np.random.default_rng(seed))
    if not relax:
        return c
    x, *_ = fire_minimize(EnergyModel(c, pot, kernel="generic"), c.positions, 10.0, 10_000)
    return c.with_positions(x)


@pytest.mark.parametrize("relax", [False, True], ids=["random", "relaxed"])
@pytest.mark.parametrize("non_additivity", [0.0, 0.2])
def test_kernel_equals_the_generic_loop_bit_for_bit(non_additivity: float, relax: bool) -> None:
    """V, ∂V/∂r and the diagonal blocks: identical to the generic loop's (relative difference 0 ≤ 1e-13)."""
    pot = soft_sphere_potential(INFINITE_ORDER, non_additivity=non_additivity)
    c = _start(non_additivity, relax=relax)
    fast, generic = EnergyModel(c, pot), EnergyModel(c, pot, kernel="generic")
    assert fast._tinf_fast and not fast._t2_fast and not generic._tinf_fast
    moved = c.positions + np.random.default_rng(1).normal(0.0, 0.01, c.positions.shape)
    for x in (c.positions, moved):
        e_fast, g_fast = fast.energy_gradient(x)
        e_generic, g_generic = generic.energy_gradient(x)
        assert abs(e_fast - e_generic) <= 1e-13 * abs(e_generic)
        np.testing.assert_allclose(g_fast, g_generic, rtol=0, atol=1e-13 * np.abs(g_generic).max())
        assert e_fast == e_generic and np.array_equal(g_fast, g_generic)  # the stronger claim the kernel makes
        assert np.array_equal(fast.hessian_diagonal(x), generic.hessian_diagonal(x))
        grad, blocks = np.empty_like(x), np.empty((c.n_particles, 6))
        assert fast.evaluate_on_list(x, grad, blocks) == e_generic and np.array_equal(grad, g_generic)


@pytest.mark.parametrize("non_additivity", [0.0, 0.2])
def test_gradient_and_blocks_are_central_differences(non_additivity: float) -> None:
    """∂V/∂r: central differences of V; the diagonal blocks: central differences of ∂V/∂r (known answers)."""
    pot = soft_sphere_potential(INFINITE_ORDER, non_additivity=non_additivity)
    c = _start(non_additivity, n=100)
    model = EnergyModel(c, pot)
    assert model._tinf_fast
    x0 = c.positions
    _, grad = model.energy_gradient(x0)
    blocks = model.hessian_diagonal(x0)
    h = 1e-6
    rng = np.random.default_rng(2)
    for i in rng.choice(c.n_particles, 8, replace=False):
        for a in range(3):
            plus, minus = x0.copy(), x0.copy()
            plus[i, a] += h
            minus[i, a] -= h
            (e_plus, g_plus), (e_minus, g_minus) = model.energy_gradient(plus), model.energy_gradient(minus)
            assert (e_plus - e_minus) / (2 * h) == pytest.approx(grad[i, a], rel=1e-6, abs=1e-7)
            np.testing.assert_allclose((g_plus[i] - g_minus[i]) / (2 * h), blocks[i, :, a], rtol=1e-5, atol=1e-5)


def test_pairs_at_and_beyond_the_cutoff_contribute_exactly_zero() -> None:
    """Two particles in a box of 8: V = 0 and ∂V/∂r = 0 exactly for r ≥ r_c; inside, φ(r) and φ′(r) of the potential."""
    non_additivity = 0.2
    pot = soft_sphere_potential(INFINITE_ORDER, non_additivity=non_additivity)
    sizes = np.array([0.9, 1.3])
    r_c = float(pot.cutoff[0, 0])
    for r in (r_c, np.nextafter(r_c, 3.0), 1.0001 * r_c, 2.5, 3.9):
        c = Configuration(positions=np.array([[1.0, 1.0, 1.0], [1.0 + r, 1.0, 1.0]]), box_length=8.0, sizes=sizes)
        model = EnergyModel(c, pot)
        assert model._tinf_fast
        energy, grad = model.energy_gradient(c.positions)
        assert energy == 0.0 and np.all(grad == 0.0) and np.all(model.hessian_diagonal(c.positions) == 0.0)
    for r in (0.8, 1.5, 0.999 * r_c):
        c = Configuration(positions=np.array([[1.0, 1.0, 1.0], [1.0 + r, 1.0, 1.0]]), box_length=8.0, sizes=sizes)
        energy, grad = EnergyModel(c, pot).energy_gradient(c.positions)
        phi, dphi, _ = pot.evaluate(np.array([r]), sizes[0], sizes[1])
        assert energy > 0.0 and energy == pytest.approx(phi[0], rel=1e-12)
        assert grad[1, 0] == pytest.approx(dphi[0], rel=1e-11) and grad[0, 0] == -grad[1, 0]


def test_kernel_choice() -> None:
    """T_∞ kernel for n = 12 soft spheres in d = 3 only; ``kernel="generic"`` forces the loop; other names refused."""
    c3 = polydisperse_configuration(100, 3, np.random.default_rng(0))
    assert EnergyModel(c3, soft_sphere_potential(INFINITE_ORDER))._tinf_fast
    assert EnergyModel(c3, soft_sphere_potential(2))._t2_fast
    assert not EnergyModel(c3, soft_sphere_potential(INFINITE_ORDER, exponent=10))._tinf_fast
    assert not EnergyModel(c3, soft_sphere_potential(3))._tinf_fast
    assert not EnergyModel(c3, soft_sphere_potential(2), kernel="generic")._t2_fast
    c2 = polydisperse_configuration(100, 2, np.random.default_rng(0))
    assert not EnergyModel(c2, soft_sphere_potential(INFINITE_ORDER))._tinf_fast
    with pytest.raises(ValueError, match="kernel"):
        EnergyModel(c3, soft_sphere_potential(INFINITE_ORDER), kernel="simd")


def test_a_quench_ends_in_the_same_inherent_structure(monkeypatch: pytest.MonkeyPatch) -> None:
    """T* = ∞ start, m = ∞: the quench with the kernel and with the generic loop, the same path and end point."""
    pot = soft_sphere_potential(INFINITE_ORDER)
    start = polydisperse_configuration(250, 3, np.random.default_rng([51002000, 250, 0]))
    fast = quench(start, pot)
    monkeypatch.setattr(protocol, "EnergyModel", functools.partial(EnergyModel, kernel="generic"))
    generic = quench(start, pot)
    assert fast.converged and generic.converged
    assert np.abs(fast.config.positions - generic.config.positions).max() <= 1e-8
    assert np.array_equal(fast.config.positions, generic.config.positions) and fast.energy == generic.energy
    assert fast.n_evaluations == generic.n_evaluations
