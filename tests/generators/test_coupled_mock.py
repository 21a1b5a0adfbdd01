"""generators/theory/coupled_mock.py (issue 63 item 2): the couplings the mocks carry, each against its known
answer — G(N), the density's N-dependence, the G–soft-mode coupling that keeps the mean count, level repulsion."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vdosbench.generators import GlassCouplings, coupled_glass_mock, coupling_statistics
from vdosbench.generators import CurvedSpectrum
from vdosbench.validators import ModeSpectra
from vdosbench.validators.spectral.absolute_frequency import reduced_modes

#: A pure power law s = 4 (s_deep = s_high; CurvedSpectrum halves the amplitude): 1.5 modes below x = 0.3 at N = 1000.
POWER_LAW = CurvedSpectrum(2 * 1.5e-3 * 5 / 0.3**5, 4.0, 4.0, 1.0)


def _count_below(mock, g_unit: float, x: float) -> np.ndarray:
    sp = ModeSpectra(**mock.arrays()).in_common_unit(g_unit)
    xs, _, _ = reduced_modes(sp)
    return np.sum((xs <= x) & ~mock.is_phonon, axis=1)


def test_the_modulus_and_density_laws_in_n():
    c = GlassCouplings(5.0, modulus_n_slope=0.04, density_excess=0.5)
    assert c.shear_modulus(1000) == pytest.approx(4.8) and c.shear_modulus(4000) == pytest.approx(4.9)
    assert c.density_factor(2000) / c.density_factor(8000) == pytest.approx(1.25 / 1.0625)
    m = coupled_glass_mock(2000, 400, spectrum=POWER_LAW, couplings=c, k=12, seed=1)
    assert m.shear_modulus.mean() == pytest.approx(c.shear_modulus(2000), rel=3 * 0.095 * math.sqrt(0.5) / 20)
    assert m.truth["couplings"]["density_excess"] == 0.5 and m.truth["shear_modulus_at_n"] == c.shear_modulus(2000)


def test_the_density_excess_is_found_in_the_counts_of_the_common_unit():
    """Known answer: below x of the large-N unit, N = 1000 holds (1 + e) / (1 + e/8) as many modes per particle as
    N = 8000 (no G(N) here, so the unit is the same)."""
    c = GlassCouplings(4.6, density_excess=0.5, modulus_scatter=0.0)
    small = _count_below(
        coupled_glass_mock(1000, 600, spectrum=POWER_LAW, couplings=c, k=12, levels="poisson", seed=2), 4.6, 0.2
    )
    large = _count_below(
        coupled_glass_mock(8000, 100, spectrum=POWER_LAW, couplings=c, k=20, levels="poisson", seed=3), 4.6, 0.2
    )
    expected = 1.5 * (0.2 / 0.3) ** 5  # modes below 0.2 at N = 1000 without the excess
    assert small.mean() == pytest.approx(expected * 1.5, rel=4 / math.sqrt(expected * 1.5 * 600))
    assert large.mean() / 8 == pytest.approx(expected * 1.0625, rel=4 / math.sqrt(expected * 8 * 100))


def test_the_coupling_ranks_g_with_the_lowest_mode_and_keeps_the_mean_count():
    """Built to fail without the coupling: β = 0 gives the pure-rescaling Spearman (small), β = 2 the glasses'
    (≈ 0.5); the mean count below x is the same at both (the count-preserving constant)."""
    rows = {}
    for beta in (0.0, 2.0):
        c = GlassCouplings(4.6, modulus_coupling=beta)
        m = coupled_glass_mock(1000, 600, spectrum=POWER_LAW, couplings=c, k=12, levels="poisson", seed=4)
        rows[beta] = (coupling_statistics(m.omega, m.shear_modulus), _count_below(m, 4.6, 0.3).mean())
    assert rows[0.0][0]["spearman_g_lowest"] < 0.3 < 0.4 < rows[2.0][0]["spearman_g_lowest"]
    assert rows[2.0][1] == pytest.approx(rows[0.0][1], rel=0.1)
    assert rows[0.0][1] == pytest.approx(1.5, rel=0.1)


def test_goe_levels_repel_and_poisson_levels_do_not():
    c = GlassCouplings(4.6)
    dense = CurvedSpectrum(2 * 8e-3 * 5 / 0.3**5, 4.0, 4.0, 1.0)  # 8 soft modes below 0.3: r from soft levels
    r = {
        lv: coupling_statistics(
            *(lambda m: (m.omega, m.shear_modulus))(
                coupled_glass_mock(1000, 150, spectrum=dense, couplings=c, levels=lv, k=12, seed=5)
            )
        )["r_tilde"]
        for lv in ("goe", "poisson")
    }
    # Atas et al.: 0.531 (GOE), 0.386 (Poisson); the mock's unfolded stretch of a finite GOE matrix reads ≈ 0.49
    assert r["goe"] > 0.46 and r["poisson"] == pytest.approx(0.386, abs=0.04)


def test_bad_couplings_are_refused_with_what_was_expected():
    with pytest.raises(ValueError, match="expected G_inf > 0"):
        GlassCouplings(-1.0)
    with pytest.raises(ValueError, match="modulus_n_slope < 1"):
        GlassCouplings(4.0, modulus_n_slope=1.5)
