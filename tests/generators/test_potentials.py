"""Pair potentials: analytic derivatives against finite differences; smoothness at the cut."""

from __future__ import annotations

import numpy as np
import pytest

from vdosbench.generators import (
    INFINITE_ORDER,
    PairPotential,
    kob_andersen_potential,
    soft_sphere_potential,
)

FD_STEP = 1e-6
FD_RTOL = 1e-6

POTENTIALS = [
    soft_sphere_potential(taper_order=0),
    soft_sphere_potential(taper_order=1),
    soft_sphere_potential(taper_order=2),
    soft_sphere_potential(taper_order=3),
    soft_sphere_potential(taper_order=INFINITE_ORDER),
    kob_andersen_potential(taper_order=0),
    kob_andersen_potential(taper_order=2),
    kob_andersen_potential(taper_order=INFINITE_ORDER),
]
IDS = [f"{p.name}-m{p.taper_label}" for p in POTENTIALS]


def _r_grid(pot: PairPotential) -> np.ndarray:
    return np.linspace(0.75, 0.999 * pot.max_cutoff, 200)


@pytest.mark.parametrize("pot", POTENTIALS, ids=IDS)
def test_derivatives_match_central_differences(pot: PairPotential) -> None:
    r = _r_grid(pot)
    for species in ((0, 0), (0, 1), (1, 1)) if pot.name == "lennard_jones" else ((0, 0),):
        kw = {"size_i": 1.1, "size_j": 0.9, "species_i": species[0], "species_j": species[1]}
        phi, d1, d2 = pot.evaluate(r, **kw)
        rc = pot.cutoff[species] if pot.name == "lennard_jones" else pot.max_cutoff
        inside = r + FD_STEP < rc
        plus, d1p, _ = pot.evaluate(r + FD_STEP, **kw)
        minus, d1m, _ = pot.evaluate(r - FD_STEP, **kw)
        fd1 = (plus - minus) / (2 * FD_STEP)
        fd2 = (d1p - d1m) / (2 * FD_STEP)
        scale1 = np.abs(d1[inside]).max()
        scale2 = np.abs(d2[inside]).max()
        np.testing.assert_allclose(d1[inside], fd1[inside], rtol=0, atol=FD_RTOL * scale1)
        np.testing.assert_allclose(d2[inside], fd2[inside], rtol=0, atol=FD_RTOL * scale2)


@pytest.mark.parametrize(
    ("order", "continuous"),
    [(0, 0), (1, 1), (2, 2), (3, 3), (INFINITE_ORDER, 6)],
    ids=["m0", "m1", "m2", "m3", "minf"],
)
def test_first_m_derivatives_vanish_at_the_cut(order: int, continuous: int) -> None:
    """φ ∝ (r_c − r)^(m+1): the k-th derivative ∝ (r_c − r)^(m+1−k) → 0 for k ≤ m.

    We fit the local power of φ near r_c: log φ against log(r_c − r) has slope m + 1
    (T_∞ vanishes faster than any power, so its slope exceeds any m checked).
    """
    pot = soft_sphere_potential(taper_order=order)
    rc = pot.max_cutoff
    eps = np.array([1e-3, 2e-3]) if order != INFINITE_ORDER else np.array([0.05, 0.1])
    phi, d1, d2 = pot.evaluate(rc - eps)
    slope = np.log(phi[1] / phi[0]) / np.log(eps[1] / eps[0])
    if order == INFINITE_ORDER:
        assert slope > continuous
    else:
        assert slope == pytest.approx(order + 1, abs=0.01)
    # derivatives up to order m vanish at the cut, from the left
    tiny = rc - 1e-7
    _, d1c, d2c = pot.evaluate(np.array([tiny]))
    if continuous >= 1:
        assert abs(d1c[0]) < 1e-9
    if continuous >= 2:
        assert abs(d2c[0]) < 1e-5
    if continuous == 0:
        assert abs(d1c[0]) > 1e-3  # the untapered cut has a force jump


def test_soft_sphere_matches_seed_formula() -> None:
    """φ = (a_ij/r_c)^n [x^(−n) − 1] (1 − x²)² for m = 2 (seed 001 eqs 14, 16)."""
    pot = soft_sphere_potential(taper_order=2)
    r = np.linspace(0.8, 1.9, 7)
    ai, aj, rc, n = 1.2, 0.8, 1.955, 12
    x = r / rc
    expected = (0.5 * (ai + aj) / rc) ** n * (x**-n - 1) * (1 - x**2) ** 2
    np.testing.assert_allclose(pot.evaluate(r, ai, aj)[0], expected, rtol=1e-13)


def test_lennard_jones_has_its_minimum_at_two_to_the_sixth() -> None:
    pot = kob_andersen_potential(taper_order=0)
    r = np.linspace(1.05, 1.2, 20001)
    _, d1, _ = pot.evaluate(r)
    assert r[np.argmin(np.abs(d1))] == pytest.approx(2 ** (1 / 6), abs=1e-5)


def test_bad_taper_order_is_explained() -> None:
    with pytest.raises(ValueError, match="expected an integer m ≥ 0 or INFINITE_ORDER"):
        soft_sphere_potential(taper_order=-3)
