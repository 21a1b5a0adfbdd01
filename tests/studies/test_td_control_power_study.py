"""studies/td_control_power.py (issue 52 item 2): the paired mocks it draws have the counts and the difference it
states, and its verdict tally follows the registered rules."""

from __future__ import annotations

import numpy as np
import pytest

from script_loader import load_script
from vdosbench.generators import mock_glass_spectra
from vdosbench.validators import ModeSpectra


@pytest.fixture(scope="module")
def power():
    return load_script("studies/td_control_power.py", "td_control_power")


@pytest.mark.parametrize(("n", "exponent", "taper"), [(1000, 4.0, 2), (2000, 3.0, -1)])
def test_the_mocks_hold_the_control_counts_below_the_window_edge(power, n, exponent, taper):
    """Known answer: the calibrated prefactor gives the control's modes a structure below 0.29 omega_g (no shell
    broadening or modulus scatter here, so the count is the power law's alone)."""
    a = power.prefactor(power.COUNTS_N1000[taper], exponent, n)
    mock = mock_glass_spectra(
        n,
        400,
        exponent=exponent,
        prefactor=a,
        k=20,
        levels="poisson",
        hybridisation=0.0,
        shear_modulus=power.SHEAR_MODULUS,
        modulus_scatter=0.0,
        seed=3,
    )
    sp = ModeSpectra(**mock.arrays())
    below = np.sum(mock.omega / sp.omega_g[:, None] <= power.X_EDGE, axis=1)
    expected = power.COUNTS_N1000[taper] * n / 1000
    assert below.mean() == pytest.approx(expected, rel=4 / np.sqrt(expected * 400))


def test_the_study_reads_a_known_difference_and_tallies_the_registered_verdicts(power):
    out = power.study(replicates=4, chains={1000: 40})
    r = out["results"]["N=1000, truth +1 (seed 001)"]
    assert 0.0 < r["mean_estimate"] < 2.0 and r["mean_width"] > 0
    assert sum(r["verdicts_on_+1"].values()) == 4 and sum(r["verdicts_on_0"].values()) == 4
    assert out["method"]["registered"] == "2026-11-27T15:10Z" and out["method"]["chains"] == {1000: 40}


def test_the_pooled_reading_uses_the_per_n_mocks_and_is_narrower(power):
    """Amendment 1: the pooled difference comes from the same mocks as the per-N ones (each equals replicate()),
    and its interval is narrower than each size's alone (both sizes' structures in one reading)."""
    pooled, per_n = power.pooled_replicate((4.0, 3.0), seed=5, chains={1000: 40, 2000: 20})
    for n, m in per_n.items():
        again = power.replicate(n, (4.0, 3.0), 5, {1000: 40, 2000: 20}[n])
        assert (m.value, m.low, m.high) == (again.value, again.low, again.high)
    assert pooled.settings["pooled_points"] == 2
    assert pooled.high - pooled.low < min(m.high - m.low for m in per_n.values())
    out = power.study(replicates=2, chains={1000: 20, 2000: 10})
    assert set(out["results"]) >= {"pooled N=1000+2000, truth +1 (seed 001)", "pooled N=1000+2000, truth 0 (rival)"}
