"""The mock finite-box spectra (generators/theory/mock_spectrum.py): shells, counts, level repulsion, chains."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vdosbench.generators import box_phonon_levels, goe_unfolded_levels, mock_glass_spectra


def test_box_shells_have_the_integer_vector_degeneracies() -> None:
    # |n|^2 = 1, 2, 3 hold 6, 12, 8 integer vectors in 3D (r_3(m)); 2 transverse levels each
    L, cT, cL = 2 * math.pi, 1.0, 10.0
    w = box_phonon_levels(L, cT, cL, math.sqrt(3) + 1e-9)
    levels, counts = np.unique(np.round(w, 9), return_counts=True)
    assert levels.tolist() == pytest.approx([1.0, math.sqrt(2), math.sqrt(3)])
    assert counts.tolist() == [12, 24, 16]
    # 2D: r_2(1) = 4, one transverse level each; longitudinal at c_L |q|
    w2 = box_phonon_levels(L, cT, 1.5, 1.5, dimension=2)
    assert np.unique(np.round(w2, 9), return_counts=True)[1].tolist() == [4, 4, 4]  # 1, sqrt2 (T), 1.5 (L)


def test_pure_debye_without_hybridisation_is_the_box_staircase() -> None:
    m = mock_glass_spectra(1000, 3, prefactor=0.0, hybridisation=0.0, k=30, seed=3)
    assert not np.any(~m.is_phonon)
    for i in range(3):
        L = m.truth["box_length"]
        cT = math.sqrt(m.shear_modulus[i])
        cL = math.sqrt(m.bulk_modulus[i] + 4 * m.shear_modulus[i] / 3)
        ref = box_phonon_levels(L, cT, cL, 3 * m.omega0[i])[:30]
        np.testing.assert_allclose(m.omega[i], ref, rtol=1e-12)
    np.testing.assert_allclose(m.omega0, 2 * np.pi * np.sqrt(m.shear_modulus) / m.truth["box_length"], rtol=1e-12)


@pytest.mark.parametrize("levels", ["poisson", "goe"], ids=["poisson", "goe"])
def test_nonphononic_count_follows_the_stated_law(levels: str) -> None:
    # mean count below w is N A w^(s+1)/(s+1); tolerance: 4 standard errors of the mean (Poisson bound)
    s, A, N = 4.0, 0.036, 1000
    m = mock_glass_spectra(N, 200, exponent=s, prefactor=A, levels=levels, k=60, seed=11)
    w = 0.9 * m.omega0
    counts = np.sum((m.omega <= w[:, None]) & ~m.is_phonon, axis=1)
    expected = N * A * w ** (s + 1) / (s + 1)
    assert np.mean(counts - expected) == pytest.approx(0.0, abs=4 * math.sqrt(expected.mean() / 200))


def test_goe_levels_repel_and_poisson_levels_do_not() -> None:
    # mean spacing ratio <r~>: GOE ≈ 0.5307, Poisson 2 ln 2 - 1 ≈ 0.386
    rng = np.random.default_rng(0)
    ratios = []
    for _ in range(100):
        x = goe_unfolded_levels(80.0, rng)
        sp = np.diff(x)
        ratios.append(np.mean(np.minimum(sp[1:], sp[:-1]) / np.maximum(sp[1:], sp[:-1])))
    assert np.mean(ratios) == pytest.approx(0.5307, abs=0.02)
    counts = [goe_unfolded_levels(80.0, rng).size for _ in range(100)]
    assert np.mean(counts) == pytest.approx(80.0, abs=1.0)  # unit mean spacing after unfolding
    assert np.var(counts) < 5.0  # GOE number variance ~ (2/pi^2) ln L, far below Poisson's 80


def test_chain_structures_share_levels() -> None:
    # built to fail the independence assumption: structures of one chain keep 70 % of a parent level set
    m = mock_glass_spectra(1000, 20, k=40, structures_per_chain=5, chain_memory=0.7, seed=4)
    n_below = np.sum((m.omega < 0.8 * m.omega0[:, None]) & ~m.is_phonon, axis=1).astype(float)
    within = np.mean([np.var(n_below[m.groups == g]) for g in range(4)])
    assert m.groups.tolist() == np.repeat(np.arange(4), 5).tolist()
    assert within < np.var(n_below)  # counts vary less inside a chain than across chains


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="not a multiple of structures_per_chain"):
        mock_glass_spectra(1000, 7, structures_per_chain=5)
    with pytest.raises(ValueError, match="levels is 'gue'"):
        mock_glass_spectra(1000, 2, levels="gue")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="chain_memory"):
        mock_glass_spectra(1000, 2, chain_memory=1.0)
