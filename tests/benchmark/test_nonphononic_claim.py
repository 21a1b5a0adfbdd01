"""The issue-25 estimators on datasets and the finite-size claim (Lerner 2020), on mock spectra with a known s."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark import evaluate_claim, load_claims
from vdosbench.benchmark.scoring import Verdict
from vdosbench.generators.theory.mock_spectrum import DEFAULT_PREFACTOR, mock_glass_spectra
from vdosbench.validators import (
    ModeSpectra,
    mode_spectra_from_dataset,
    nonphononic_exponent,
    paired_window_difference,
    window_mle,
)


def _dataset(exponent: float, n_samples: int = 300, seed: int = 0, prefactor: float = DEFAULT_PREFACTOR) -> xr.Dataset:
    """A mock point of ``n_samples`` glasses of 1000 sites (a deep copy of the one built for these arguments)."""
    return _built_dataset(exponent, n_samples, seed, prefactor).copy(deep=True)


@pytest.fixture(scope="module", autouse=True)
def _drop_the_drawn_points():  # noqa: ANN202
    """The drawn points are kept while this file runs, not for the rest of the worker's tests."""
    yield
    _built_dataset.cache_clear()


@functools.lru_cache(maxsize=None)
def _built_dataset(exponent: float, n_samples: int, seed: int, prefactor: float) -> xr.Dataset:
    # the mock spectra of 300 glasses take ~10 s of CPU to draw, and the same ones were drawn by several tests
    # (the m = 2 point of every T_d set is the same); each test gets its own copy, so none sees another's changes
    m = mock_glass_spectra(1000, n_samples, exponent=exponent, k=40, seed=seed, prefactor=prefactor)
    lam = np.concatenate([np.zeros((n_samples, 3)), m.omega**2], axis=1)
    zero = np.zeros(lam.shape, bool)
    zero[:, :3] = True
    box = np.full(n_samples, (1000 / m.density) ** (1 / 3))
    point = xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam),
            "zero_mode": (("sample", "mode"), zero),
            "shear_modulus": ("sample", m.shear_modulus),
            "bulk_modulus": ("sample", m.bulk_modulus),
            "participation_ratio": (
                ("sample", "mode"),
                np.concatenate([np.full((n_samples, 3), np.nan), m.participation], axis=1),
            ),
            "box_length": ("sample", box),
        },
        coords={"sample": np.arange(n_samples), "site": np.arange(1000)},
        attrs={"generator": "soft_spheres_lowest", "spatial_dimension": 3},
    )
    return point.expand_dims(parent_temperature=[1.0], taper_order=[2])


def test_dataset_view_equals_the_arrays_and_the_estimate_recovers_the_mock_exponent() -> None:
    ds = _dataset(4.0)
    point = ds.isel(parent_temperature=0, taper_order=0)
    sp = mode_spectra_from_dataset(point)
    m = mock_glass_spectra(1000, 300, exponent=4.0, k=40, seed=0)
    np.testing.assert_allclose(sp.omega, m.omega, rtol=1e-12)
    np.testing.assert_allclose(sp.omega0, m.omega0, rtol=1e-12)
    direct = window_mle(ModeSpectra(**m.arrays()), 0.5, n_bootstrap=200, seed=0)
    via_ds = nonphononic_exponent(point, factor=0.5, n_bootstrap=200, seed=0)
    assert via_ds.value == pytest.approx(direct.value, rel=1e-12)
    assert via_ds.covers(4.0)


@pytest.mark.parametrize(("exponent", "verdict"), [(4.0, Verdict.SUPPORTED), (2.0, Verdict.REFUTED)])
def test_finite_size_claim_is_supported_by_s4_and_refuted_by_data_built_to_fail(
    exponent: float, verdict: Verdict
) -> None:
    claim = next(c for c in load_claims() if c.id == "lerner.finite-size-s4")
    # four times the default nonphononic prefactor: enough modes below 0.5 omega0 for a half-width < 0.5
    result = evaluate_claim(claim, _dataset(exponent, seed=3, prefactor=4 * DEFAULT_PREFACTOR))
    assert len(result.points) == 1
    assert result.verdict is verdict, result.points[0].measurement


def test_missing_shear_modulus_and_parameter_dimensions_name_the_fix() -> None:
    ds = _dataset(4.0, n_samples=20)
    with pytest.raises(ValueError, match="parameter dimensions"):
        mode_spectra_from_dataset(ds)
    with pytest.raises(ValueError, match="shear_modulus.*Fix"):
        mode_spectra_from_dataset(ds.isel(parent_temperature=0, taper_order=0).drop_vars("shear_modulus"))
    with pytest.raises(ValueError, match="unknown estimator"):
        nonphononic_exponent(ds.isel(parent_temperature=0, taper_order=0), estimator="flatness")


def _td_dataset(s_m2: float, s_minf: float, n_chains: int = 60, seed: int = 5) -> xr.Dataset:
    """A mock T_d set with both tapers in its grid, chains of 5 structures (the layout of the T_d ladder)."""
    points = []
    for taper, exponent in ((2, s_m2), (-1, s_minf)):
        point = _dataset(exponent, n_samples=5 * n_chains, seed=seed, prefactor=4 * DEFAULT_PREFACTOR)
        point = point.isel(parent_temperature=0, taper_order=0, drop=True)
        point = point.assign(chain=("sample", np.repeat(np.arange(n_chains), 5)))
        points.append(point.expand_dims(taper_order=[taper]))
    ds = xr.concat(points, "taper_order", data_vars="minimal", coords="minimal", compat="override")
    return ds.expand_dims(parent_temperature=[0.144]).assign_attrs(generator="soft_spheres_lowest_equilibrated")


@pytest.mark.parametrize(
    ("s_m2", "s_minf", "seed_says", "rival_says"),
    [
        (4.0, 3.0, Verdict.SUPPORTED, Verdict.REFUTED),  # s = 3 + 2/m
        (4.0, 4.0, Verdict.REFUTED, Verdict.SUPPORTED),  # the taper does not matter
    ],
)
def test_td_taper_difference_claims_decide_between_the_seed_and_the_rival(
    s_m2: float, s_minf: float, seed_says: Verdict, rival_says: Verdict
) -> None:
    claims = {c.id: c for c in load_claims()}
    ds = _td_dataset(s_m2, s_minf)
    seed = evaluate_claim(claims["schirmacher.td-taper-difference"], ds)
    rival = evaluate_claim(claims["lerner.td-taper-difference-0"], ds)
    assert len(seed.points) == 1 and seed.points[0].versus == {"parent_temperature": 0.144, "taper_order": -1}
    m = seed.points[0].measurement
    assert m.settings["resampled"].startswith("chains") and "paired units" in m.method
    assert seed.verdict is seed_says, m
    assert rival.verdict is rival_says, rival.points[0].measurement
    # the exponents themselves, one claim per taper, and the rival's at both
    assert evaluate_claim(claims["schirmacher.td-window-m2-s4"], ds).verdict is Verdict.SUPPORTED
    assert len(evaluate_claim(claims["lerner.td-window-s4"], ds).points) == 2


def test_paired_difference_is_tighter_than_independent_bootstraps_and_refuses_unpaired_points() -> None:
    ds = _td_dataset(4.0, 3.0)
    a = mode_spectra_from_dataset(ds.isel(parent_temperature=0).sel(taper_order=2))
    b = mode_spectra_from_dataset(ds.isel(parent_temperature=0).sel(taper_order=-1))
    paired = paired_window_difference(a, b, 0.5, n_bootstrap=300, seed=1)
    ea, eb = window_mle(a, 0.5, n_bootstrap=300, seed=1), window_mle(b, 0.5, n_bootstrap=300, seed=1)
    assert paired.value == pytest.approx(ea.value - eb.value, rel=1e-12)
    independent = float(np.hypot(ea.measurement.uncertainty, eb.measurement.uncertainty))
    assert paired.uncertainty < independent  # the shared realisations cancel
    short = mode_spectra_from_dataset(ds.isel(parent_temperature=0, sample=slice(0, 100)).sel(taper_order=-1))
    with pytest.raises(ValueError, match="same realisations"):
        paired_window_difference(a, short, 0.5)


def test_a_paired_difference_of_a_point_not_assessed_keeps_no_interval_at_all() -> None:
    from dataclasses import replace

    from vdosbench.benchmark.scoring import NonphononicResult, _paired_nonphononic

    ds = _td_dataset(4.0, 3.0)
    a = mode_spectra_from_dataset(ds.isel(parent_temperature=0).sel(taper_order=2))
    b = mode_spectra_from_dataset(ds.isel(parent_temperature=0).sel(taper_order=-1))
    ea, eb = window_mle(a, 0.5, n_bootstrap=200), window_mle(b, 0.5, n_bootstrap=200)
    ok = _paired_nonphononic(
        NonphononicResult(ea.measurement, ea, a), NonphononicResult(eb.measurement, eb, b), "s", n_bootstrap=200, seed=1
    )
    assert ok.expanded[0] < ok.low < ok.high < ok.expanded[1]  # the paired difference carries both intervals
    failed = replace(eb, status="inconclusive", reason="3 modes in the windows")  # built to fail
    d = _paired_nonphononic(
        NonphononicResult(ea.measurement, ea, a),
        NonphononicResult(eb.measurement, failed, b),
        "s",
        n_bootstrap=200,
        seed=1,
    )
    assert np.isnan(d.low) and np.isnan(d.high) and d.expanded is None and "expanded" not in d.to_dict()
    assert "3 modes in the windows" in d.settings["not_assessed"]


def test_a_sample_unstable_to_shear_is_left_out_and_counted() -> None:
    # data built to fail omega0: a packing stable at fixed box can have G < 0 (small T* = inf quenches make some)
    point = _dataset(4.0, n_samples=20).isel(parent_temperature=0, taper_order=0)
    g = point["shear_modulus"].values.copy()
    g[3] = -5.3
    sp = mode_spectra_from_dataset(point.assign(shear_modulus=("sample", g)))
    assert sp.n_samples == 19 and sp.excluded_unstable == 1
    assert sp.describe()["excluded_unstable_to_shear"] == 1
    with pytest.raises(ValueError, match="every sample's shear modulus is <= 0"):
        mode_spectra_from_dataset(point.assign(shear_modulus=("sample", -np.abs(g))))


def test_a_point_carries_its_expanded_interval_once_and_a_point_not_assessed_drops_it() -> None:
    from vdosbench.benchmark.scoring import _nonphononic

    point = _dataset(4.0).isel(parent_temperature=0, taper_order=0)
    est = nonphononic_exponent(point, factor=0.5, n_bootstrap=200, seed=0)
    m = est.measurement  # one source: the measurement, read by the estimate's intervals
    assert est.interval("bootstrap_expanded") == m.expanded and m.expanded[0] < m.low < m.high < m.expanded[1]
    scored = _nonphononic(point, {"factor": 0.5, "n_bootstrap": 200}).s
    assert scored.expanded == m.expanded and scored.to_dict()["expanded"] == list(m.expanded)
    few = _nonphononic(point, {"factor": 0.02, "n_bootstrap": 200})  # built to fail: almost no modes in the window
    assert not few.estimate.ok
    assert np.isnan(few.s.low) and few.s.expanded is None
    assert "expanded" not in few.s.to_dict() and "not_assessed" in few.s.settings
