"""studies/soft_mode_density.py (issue 63 items 1 and 4): A_4 recovered from mocks with a known soft-mode density, the
four units against known answers, and the committed reading holding every protocol."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from script_loader import ROOT, load_script

from vdosbench.generators import GlassCouplings, coupled_glass_mock
from vdosbench.generators import CurvedSpectrum
from vdosbench.validators import ModeSpectra
from vdosbench.validators import band_mle, density_below

smd = load_script("studies/soft_mode_density.py", "soft_mode_density_study", register=True)

A4 = 3.9  # A_4 omega_g^5 per particle (the glasses read 4 - 8)
#: g(x) = A4 x^4 per particle in units of the large-N omega_g (s_deep = s_high: CurvedSpectrum halves the amplitude).
POWER_LAW = CurvedSpectrum(2 * A4, 4.0, 4.0, 1.0)
G_INF = 4.6


def _spectra(n: int, samples: int, couplings: GlassCouplings, seed: int, k: int = 12) -> ModeSpectra:
    mock = coupled_glass_mock(n, samples, spectrum=POWER_LAW, couplings=couplings, k=k, levels="poisson", seed=seed)
    return ModeSpectra(**mock.arrays())


def test_a_known_a4_is_recovered_within_its_interval_in_the_common_unit():
    sp = _spectra(2000, 1000, GlassCouplings(G_INF), seed=1)
    r = smd.a4_reading(sp.in_common_unit(G_INF), 0.2, n_bootstrap=300)
    assert r["interval"][0] < A4 < r["interval"][1]
    assert r["value"] == pytest.approx(A4, rel=0.15) and r["modes"] > 300 and r["samples_used"] == 1000
    assert r["n_units"] == 1000  # the mock's samples are chains of one structure


def test_a_thin_deep_band_gets_the_band_the_point_can_read_and_says_so():
    """N = 1000, 100 samples: about 6 modes below 0.15 (fewer than MIN_MODES), so (0, 0.29] is read beside it."""
    sp = _spectra(1000, 100, GlassCouplings(G_INF), seed=2, k=20)
    point = smd.Point("mock T*=1 m2", "mock", "liquid", 1.0, 2, 1000, sp, "mock")
    row = smd.read_point(point, G_INF, n_bootstrap=200)
    assert row["a4_deep"]["modes"] < smd.MIN_MODES and "fewer than" in row["deep_band_status"]
    alt = row["a4_alternative"]
    assert alt["band"] == [0.0, 0.29] and alt["modes"] > 50
    assert alt["interval"][0] < A4 < alt["interval"][1]  # a pure x^4 law: the wide band reads the same A_4
    assert row["unit_shear_modulus"] == G_INF


def test_the_deep_band_at_n16000_is_not_phonon_free_and_is_reported_so():
    sp = ModeSpectra(
        np.array([[0.1, 0.2]] * 3),
        np.full(3, 2 * math.pi / 16000 ** (1 / 3)),
        16000,
        1.0,
        shear_modulus=np.ones(3),
        coverage=np.full(3, 0.3),
    )
    point = smd.Point("mock", "mock", "liquid", 1.0, 2, 16000, sp, "mock")
    row = smd.read_point(point, 1.0, n_bootstrap=20)
    assert row["a4_deep"]["samples_used"] == 0 and "not phonon-free" in row["deep_band_status"]
    assert row["a4_alternative"]["band"] == [0.0, 0.13] and row["a4_alternative"]["samples_used"] == 3


def test_the_four_units_agree_when_every_sample_has_the_same_g():
    sp = _spectra(2000, 300, GlassCouplings(G_INF, modulus_scatter=0.0), seed=3)
    assert np.allclose(sp.shear_modulus, G_INF)
    dens = {
        u: density_below(smd.in_unit(sp, u, G_INF), smd.edge_in(u, 0.2, sp, G_INF), n_bootstrap=50).value
        for u in smd.UNITS
    }
    s = {
        u: band_mle(smd.in_unit(sp, u, G_INF), 0.0, smd.edge_in(u, 0.25, sp, G_INF), n_bootstrap=20).value
        for u in smd.UNITS
    }
    for u in smd.UNITS:
        assert dens[u] == pytest.approx(dens["per_sample"], rel=1e-9)
        assert s[u] == pytest.approx(s["per_sample"], rel=1e-9)


def test_absolute_omega_is_the_common_unit_with_omega_g_one():
    sp = _spectra(1000, 50, GlassCouplings(G_INF), seed=4)
    ab = smd.in_unit(sp, "absolute", G_INF)
    assert np.allclose(ab.omega_g, 1.0)
    edge = smd.edge_in("absolute", 0.29, sp, G_INF)
    assert edge == pytest.approx(0.29 * math.sqrt(G_INF / sp.density) * sp.density ** (1 / 3))
    common = smd.in_unit(sp, "common", G_INF)
    assert band_mle(ab, 0.0, edge, n_bootstrap=20).value == pytest.approx(
        band_mle(common, 0.0, 0.29, n_bootstrap=20).value, rel=1e-9
    )


def test_per_sample_g_lowers_the_density_when_g_is_coupled_to_the_soft_modes():
    """A sample whose G is low has its soft modes low (modulus_coupling 2, the glasses' kind): dividing each by its
    own omega_g moves the low-G samples' modes up, so the per-sample unit counts fewer below 0.2 than the common unit
    (expected ratio about E[G^-7.5]/E[G^-10] = 0.86 at 9.5 % scatter)."""
    sp = _spectra(2000, 1500, GlassCouplings(G_INF, modulus_coupling=2.0), seed=5)
    own = density_below(smd.in_unit(sp, "per_sample", G_INF), 0.2, n_bootstrap=50).value
    common = density_below(smd.in_unit(sp, "common", G_INF), 0.2, n_bootstrap=50).value
    assert own / common == pytest.approx(0.86, abs=0.07)
    assert own / common < 0.95


def test_the_common_unit_of_a_larger_n_with_a_higher_g_counts_more_than_the_per_n_unit_by_the_known_power():
    """G(N) grows with N: G_u (large N) / G(1000) = 1/(1 - 0.05); with g ∝ x^4 the count below x_b scales as
    omega_g^5, i.e. (G_u/G_N)^2.5 = 1.137."""
    c = GlassCouplings(G_INF, modulus_n_slope=0.05, modulus_scatter=0.0)
    sp = _spectra(1000, 2000, c, seed=6)
    per_n = density_below(smd.in_unit(sp, "per_n", G_INF), 0.25, n_bootstrap=50).value
    common = density_below(smd.in_unit(sp, "common", G_INF), 0.25, n_bootstrap=50).value
    assert common / per_n == pytest.approx((1 / 0.95) ** 2.5, rel=0.04)


def test_concatenate_stacks_samples_and_chains():
    a = ModeSpectra(np.array([[0.5, 0.8]] * 2), np.full(2, 0.6), 1000, 1.0, groups=np.array([0, 0]))
    b = ModeSpectra(np.array([[0.4, 0.7, 0.9]]), np.array([0.6]), 1000, 1.0, groups=np.array([7]))
    c = smd.concatenate([a, b], "ab")
    assert c.n_samples == 3 and c.n_groups == 2 and c.omega.shape == (3, 3) and c.label == "ab"
    assert np.isnan(c.omega[0, 2]) and c.omega[2, 2] == 0.9


def test_the_units_table_renders_one_row_per_reading():
    cell = {"value": 1.2, "interval": [1.0, 1.4], "samples_used": [10, 20]}
    table = {"rows": [{"reading": "x", "note": "", **{u: cell for u in smd.UNITS}}] * 2}
    md = smd.units_table_markdown(table).splitlines()
    assert len(md) == 4 and md[2].count("1.20 [1.00, 1.40] (10 / 20 samples)") == 4


# --------------------------------------------------------------------------- the committed reading
RESULT = ROOT / "studies" / "results" / "soft_mode_density.json"
EXPECTED_PROTOCOLS = (
    [f"soft-spheres T*={t} {m}" for t in ("inf", "1", "0.432", "0.288", "0.216", "0.18") for m in ("m2", "minf")]
    + [f"soft-spheres aged-T_d T*=0.144 {m}" for m in ("m2", "minf")]
    + [f"soft-spheres seed-literal T*=0.144 {m}" for m in ("m2", "minf")]
    + [f"non-additive-soft-spheres T_d-control T*=0.0716 {m}" for m in ("m2", "minf")]
    + [f"kob-andersen T*=0.45 {m}" for m in ("m2", "minf")]
)


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(RESULT.read_text())


def test_the_committed_reading_holds_every_protocol_with_its_unit(committed):
    assert set(EXPECTED_PROTOCOLS) <= set(committed["protocols"])
    assert set(committed["protocols"]) == set(committed["common_unit"])
    assert committed["common_unit"]["soft-spheres T*=1 m2"]["n_particles"] == 16000
    assert committed["common_unit"]["soft-spheres T*=1 m2"]["shear_modulus"] == pytest.approx(4.640, abs=5e-4)
    assert committed["common_unit"]["soft-spheres T*=1 minf"]["shear_modulus"] == pytest.approx(4.972, abs=5e-4)
    ctrl = committed["common_unit"]["non-additive-soft-spheres T_d-control T*=0.0716 m2"]
    assert ctrl["n_particles"] == 4000 and ctrl["shear_modulus"] == pytest.approx(2.294, abs=5e-4)
    assert committed["method"]["deep_band"] == [0.0, 0.15]
    for key, row in committed["points"].items():
        deep = row["a4_deep"]
        assert row["unit_shear_modulus"] == committed["common_unit"][row["protocol"]]["shear_modulus"], key
        if row["deep_band_status"] != "ok":
            assert "a4_alternative" in row, key
        else:
            assert (
                deep["modes"] >= committed["method"]["min_modes"]
                and deep["interval"][0] <= deep["value"] <= deep["interval"][1]
            ), key


def test_the_committed_units_table_has_four_units_and_absolute_equals_common(committed):
    rows = committed["units_table"]["rows"]
    assert len(rows) >= 20
    for r in rows:
        assert all(u in r for u in smd.UNITS)
        if r["common"]["value"] is not None and np.isfinite(r["common"]["value"]):
            assert r["absolute"]["value"] == pytest.approx(r["common"]["value"], rel=1e-9), r["reading"]


def test_the_published_values_are_not_invented(committed):
    pub = committed["published"]
    assert pub["status"] == "not placed on the figure" and "no number is invented" in pub["reason"].lower()
    assert (ROOT / "docs" / "figures" / "soft_mode_density.png").exists()
