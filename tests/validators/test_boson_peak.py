"""boson_peak_excess on synthetic spectra: pure Debye (no excess) and an injected excess near ω = 0.5."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from vdosbench.datasets import check, convention_attrs
from vdosbench.validators import boson_peak_excess

N_SITE = 400  # one zero mode + 399 non-zero modes per sample; number density n = 1 (L = 20)
# 2D scalar Debye spectrum with n = c = 1: F_D(ω) = ω²/(4π) up to ω_D = √(4π) where F_D = 1.
OMEGA_D = np.sqrt(4 * np.pi)
BINS = 25  # width 0.04 on [0, 1]: 0.5 is a bin centre
PEAK_TOL = 0.04  # one bin
N_BOOT = 400


def spectrum_dataset(omegas: np.ndarray) -> xr.Dataset:
    """One-point scalar dataset with a zero mode and the given non-zero frequencies (sample, 399)."""
    n_sample = omegas.shape[0]
    lam = np.concatenate([np.zeros((n_sample, 1)), np.sort(omegas**2, axis=1)], axis=1)
    u = {"units": "1"}
    ds = xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam, {"long_name": "eigenvalue", **u}),
            "zero_mode": (
                ("sample", "mode"),
                np.arange(N_SITE)[None, :].repeat(n_sample, 0) < 1,
                {"long_name": "zero", **u},
            ),
            "position": (
                ("sample", "site", "spatial"),
                np.zeros((n_sample, N_SITE, 2)),
                {"long_name": "position", **u},
            ),
            "box_length": ("sample", np.full(n_sample, np.sqrt(N_SITE)), {"long_name": "box edge", **u}),
        },
        coords={
            "sample": ("sample", np.arange(n_sample), {"long_name": "sample", **u}),
            "mode": ("mode", np.arange(N_SITE), {"long_name": "mode", **u}),
            "spatial": ("spatial", np.array(["x", "y"]), {"long_name": "component"}),
        },
        attrs=convention_attrs("synthetic Debye spectrum", "tests", "none", 2, site_degrees_of_freedom=1),
    )
    check(ds)
    return ds


def debye_frequencies(n_sample: int, seed: int) -> np.ndarray:
    return OMEGA_D * np.sqrt(np.random.default_rng(seed).random((n_sample, N_SITE - 1)))


def with_excess(n_sample: int, seed: int, fraction: float = 0.04) -> np.ndarray:
    """Debye spectrum with a `fraction` of the modes moved to ω ~ N(0.5, 0.04)."""
    rng = np.random.default_rng(seed + 1000)
    w = debye_frequencies(n_sample, seed)
    n_extra = int(round(fraction * (N_SITE - 1)))
    w[:, :n_extra] = np.abs(rng.normal(0.5, 0.04, size=(n_sample, n_extra)))
    return w


def measure(w: np.ndarray, **kw: object):
    kw = {"window": (0.0, 1.0), "bins": BINS, "reference": 1.0, "n_bootstrap": N_BOOT, "seed": 0, **kw}
    return boson_peak_excess(spectrum_dataset(w), **kw)  # type: ignore[arg-type]


def test_injected_excess_is_found_near_half() -> None:
    res = measure(with_excess(20, seed=1))
    # 4 % of the modes moved into the window; the Debye modes they replaced were in it with p = 1/(4π)
    expected = 0.04 * (1 - 1 / (4 * np.pi))
    assert res.excess_area.low > 0  # the interval excludes 0
    assert res.excess_area.value == pytest.approx(expected, abs=4 * res.excess_area.uncertainty)
    assert res.peak_frequency.value == pytest.approx(0.5, abs=PEAK_TOL)
    assert res.relative_excess.value == pytest.approx(res.excess_area.value * 4 * np.pi, rel=1e-12)


def test_pure_debye_spectrum_has_no_significant_excess() -> None:
    """Built to fail the 'excess exists' claim: the interval contains 0."""
    res = measure(debye_frequencies(20, seed=2))
    assert res.excess_area.low < 0 < res.excess_area.high
    assert res.relative_excess.low < 0 < res.relative_excess.high
    np.testing.assert_allclose(res.curve.debye_level, 1 / (2 * np.pi), rtol=1e-14)


def test_bootstrap_interval_shrinks_with_more_samples() -> None:
    few = measure(with_excess(5, seed=3)).excess_area
    many = measure(with_excess(40, seed=3)).excess_area
    width = lambda m: m.high - m.low  # noqa: E731
    # expected ratio √(5/40) ≈ 0.35; require < 0.6
    assert width(many) < 0.6 * width(few)
    assert many.uncertainty < 0.6 * few.uncertainty


def test_excess_area_does_not_depend_on_bins() -> None:
    w = with_excess(6, seed=4)
    a, b = measure(w, bins=10), measure(w, bins=40)
    assert a.excess_area.value == pytest.approx(b.excess_area.value, abs=1e-15)
    assert a.excess_area.settings["n_bins"] == 10 and b.excess_area.settings["n_bins"] == 40


def test_crystal_reference_and_float_reference_agree() -> None:
    w = debye_frequencies(4, seed=5)
    a = measure(w, reference="crystal", crystal_sound_speed=1.0)
    b = measure(w, reference=1.0)
    assert a.excess_area.value == b.excess_area.value
    assert a.settings["reference"] == "crystal"
    # a slower reference speed raises the Debye level by 1/c²
    slow = measure(w, reference=0.5)
    assert float(slow.curve.debye_level) == pytest.approx(4 * float(b.curve.debye_level), rel=1e-14)


def test_settings_curve_plot_and_json() -> None:
    res = measure(with_excess(4, seed=6), n_bootstrap=50)
    s = res.excess_area.settings
    assert s["window"] == (0.0, 1.0) and s["n_bootstrap"] == 50 and s["bootstrap_seed"] == 0
    assert len(s["bin_edges"]) == BINS + 1 and s["reference"] == "given sound speed"
    assert set(res.curve.data_vars) >= {"g_reduced", "g_reduced_sample", "debye_level", "excess"}
    json.dumps(res.to_dict(), allow_nan=False)
    fig, ax = plt.subplots()
    res.plot(ax)
    assert len(ax.lines) >= 4 + 2  # 4 samples, mean, Debye level, peak marker
    plt.close(fig)


def test_window_restricts_the_peak_search() -> None:
    res = measure(with_excess(10, seed=7), window=(0.6, 1.0), bins=10)
    assert 0.6 < res.peak_frequency.value < 1.0


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"window": (1.0, 0.5)}, "w0 < w1"),
        ({"bins": [0.0, 2.0]}, "inside the window"),
        ({"reference": "debye"}, "expected 'own', 'crystal'"),
    ],
    ids=["reversed-window", "edges-outside", "unknown-reference"],
)
def test_bad_arguments_are_explained(kw: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        measure(debye_frequencies(2, seed=0), **kw)


def test_vector_model_needs_given_speeds() -> None:
    ds = spectrum_dataset(debye_frequencies(2, seed=0)).assign_attrs(site_degrees_of_freedom=2)
    with pytest.raises(ValueError, match="transverse_sound_speed"):
        boson_peak_excess(ds)
    res = boson_peak_excess(ds, reference=1.0, transverse_sound_speed=1.0, n_bootstrap=10)
    assert float(res.curve.debye_level) == pytest.approx(1 / (2 * np.pi), rel=1e-14)
