"""Measurement, the bootstrap over samples, and splitting an ensemble into parameter points."""

from __future__ import annotations

import dataclasses
import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr
from scipy import stats

from vdosbench.datasets import mock_spectrum
from vdosbench.validators import (
    Measurement,
    ParameterPointError,
    boson_peak_excess,
    bootstrap,
    coordination_distribution,
    density_of_states,
    expanded_levels,
    integrated_dos,
    jsonable,
    local_response,
    reduced_dos,
    sound_speed,
)

# Standard error of the bootstrap SE itself is ~ SE / sqrt(2 n_bootstrap); 2000 resamples -> ~1.6 %;
# the plug-in SE of a mean is sigma * sqrt((n-1)/n)/sqrt(n).  Allow 10 %.
SE_RTOL = 0.10


def test_bootstrap_mean_standard_error_matches_theory() -> None:
    rng = np.random.default_rng(3)
    data = rng.normal(2.0, 1.5, size=50)
    est = bootstrap(np.mean, data, n_bootstrap=2000, seed=7)
    expected_se = np.std(data, ddof=0) / np.sqrt(data.size)
    assert float(est.value) == pytest.approx(np.mean(data), abs=1e-14)
    assert float(est.standard_error) == pytest.approx(expected_se, rel=SE_RTOL)
    assert est.low < est.value < est.high
    assert est.replicates.shape == (2000,)


@pytest.mark.parametrize("n", [2, 6, 12, 20, 100])
def test_expanded_levels_put_the_normal_quantile_at_the_scaled_t_quantile(n: int) -> None:
    low, high = expanded_levels(0.95, n)
    assert low + high == pytest.approx(1.0, abs=1e-15)
    assert stats.norm.isf(low) == pytest.approx(stats.t.ppf(0.975, n - 1) * np.sqrt(n / (n - 1)), rel=1e-9)
    assert low < 0.025  # always wider than the percentile levels, tending to them as n grows
    assert expanded_levels(0.95, 10**7)[0] == pytest.approx(0.025, rel=1e-3)


def test_expanded_interval_of_a_mean_is_the_t_interval() -> None:
    # known answer: for the mean of symmetric data the expanded percentile interval is x̄ ± t_{n-1} s/√n, where the
    # percentile interval is about x̄ ± z s √((n-1)/n)/√n (here n = 8: 0.713 of the t interval's half-width)
    rng = np.random.default_rng(11)
    data = rng.normal(0.0, 1.0, 8)
    est = bootstrap(np.mean, data, n_bootstrap=40000, seed=4)
    lo, hi = est.expanded_interval()
    half_t = stats.t.ppf(0.975, 7) * np.std(data, ddof=1) / np.sqrt(8)
    assert (hi - lo) / 2 == pytest.approx(half_t, rel=0.06)
    assert (est.high - est.low) / 2 / half_t == pytest.approx(1.96 * np.sqrt(7 / 8) / stats.t.ppf(0.975, 7), rel=0.06)


def test_expanded_interval_covers_where_the_percentile_interval_falls_short() -> None:
    # 300 normal data sets of 6: the percentile interval of the mean covers about 0.87 (P(|T_5| < 1.96 √(5/6))),
    # the expanded one about 0.95; binomial s.e. 0.013 - 0.019
    rng = np.random.default_rng(5)
    covered = np.zeros(2)
    for k in range(300):
        est = bootstrap(np.mean, rng.normal(1.0, 2.0, 6), n_bootstrap=1000, seed=k)
        lo, hi = est.expanded_interval()
        covered += [est.low <= 1.0 <= est.high, lo <= 1.0 <= hi]
    percentile, expanded = covered / 300
    assert percentile < 0.91 and 0.92 <= expanded <= 0.99, (percentile, expanded)


def test_expanded_interval_counts_chains_and_is_nan_without_a_bootstrap() -> None:
    est = bootstrap(np.mean, np.arange(12.0), n_bootstrap=500, groups=np.repeat(np.arange(6), 2))
    assert est.n_units == 6
    expected = np.quantile(est.replicates, expanded_levels(0.95, 6))
    assert np.allclose(est.expanded_interval(), expected)
    five = bootstrap(np.mean, np.arange(10.0), groups=np.repeat(np.arange(5), 2))  # below MIN_GROUPS
    assert np.all(np.isnan(five.expanded_interval()))
    with pytest.raises(ValueError, match="expected at least 2 independent units"):
        expanded_levels(0.95, 1)
    with pytest.raises(ValueError, match="expected a number in"):
        expanded_levels(1.5, 10)


def test_bootstrap_is_reproducible_and_seed_dependent() -> None:
    data = np.arange(20.0) ** 1.5
    a = bootstrap(np.median, data, n_bootstrap=300, seed=1)
    b = bootstrap(np.median, data, n_bootstrap=300, seed=1)
    c = bootstrap(np.median, data, n_bootstrap=300, seed=2)
    np.testing.assert_array_equal(a.replicates, b.replicates)
    assert not np.array_equal(a.replicates, c.replicates)


def test_bootstrap_resamples_rows_of_several_arrays_together() -> None:
    # statistic of paired arrays: sum(x)/sum(y) with x = 2 y exactly -> every resample gives 2
    y = np.arange(1.0, 11.0)
    est = bootstrap(lambda x, yy: x.sum() / yy.sum(), (2 * y, y), n_bootstrap=100, seed=0)
    np.testing.assert_allclose(est.replicates, 2.0, rtol=1e-15)
    assert float(est.standard_error) == pytest.approx(0.0, abs=1e-15)


def test_bootstrap_vector_statistic_and_measurement() -> None:
    data = np.random.default_rng(0).normal(size=(30, 3))
    est = bootstrap(lambda a: a.mean(axis=0), data, n_bootstrap=200, seed=0)
    assert est.value.shape == (3,) and est.standard_error.shape == (3,)
    m = est.measurement("second", index=1, units="1", settings={"k": 1}, curve=None, method="mean")
    assert m.value == pytest.approx(data[:, 1].mean())
    assert m.settings["n_bootstrap"] == 200 and m.settings["bootstrap_seed"] == 0 and m.settings["k"] == 1
    assert m.n_samples == 30


def test_bootstrap_single_sample_has_undefined_spread() -> None:
    est = bootstrap(np.mean, np.array([3.0]), n_bootstrap=10)
    assert float(est.value) == 3.0
    assert np.isnan(est.standard_error) and np.isnan(est.low) and np.isnan(est.high)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"confidence": 1.0}, "confidence"),
        ({"n_bootstrap": 0}, "n_bootstrap"),
    ],
    ids=["confidence-1", "no-resamples"],
)
def test_bootstrap_rejects_bad_settings(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        bootstrap(np.mean, np.arange(5.0), **kwargs)


def test_bootstrap_rejects_arrays_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="axis 0"):
        bootstrap(lambda a, b: 0.0, (np.arange(3.0), np.arange(4.0)))


def test_measurement_to_dict_is_strict_json_and_frozen() -> None:
    curve = xr.Dataset({"y": ("x", [1.0, 2.0])}, coords={"x": [0.0, 1.0]})
    m = Measurement(
        "thing",
        1.0,
        float("nan"),
        float("nan"),
        float("nan"),
        0.95,
        "1",
        {"window": (0.0, 1.0), "edges": np.array([0.0, 0.5])},
        curve,
        1,
        "test",
    )
    text = json.dumps(m.to_dict(), allow_nan=False)
    back = json.loads(text)
    assert back["uncertainty"] is None and back["settings"]["edges"] == [0.0, 0.5]
    assert "curve" not in back
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.value = 2.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        m.settings["window"] = (0.0, 2.0)  # type: ignore[index]


def test_measurement_plot_draws_curve_and_value() -> None:
    curve = xr.Dataset(
        {"y": ("x", [1.0, 2.0, 3.0]), "y_sample": (("sample", "x"), np.ones((2, 3)))},
        coords={"x": [0.0, 1.0, 2.0]},
    )
    fig, (ax1, ax2) = plt.subplots(1, 2)
    Measurement("a", 1.0, 0.1, 0.8, 1.2, 0.95, "1", {}, curve, 2, "m").plot(ax1)
    Measurement("b", 1.0, 0.1, 0.8, 1.2, 0.95, "1", {}, None, 2, "m").plot(ax2)
    assert len(ax1.lines) == 3  # two samples and the mean
    assert len(ax2.lines) + len(ax2.collections) >= 1
    plt.close(fig)


def test_jsonable_converts_numpy_types() -> None:
    out = jsonable({"i": np.int64(3), "b": np.bool_(True), "inf": np.inf, "t": (1, 2)})
    assert out == {"i": 3, "b": True, "inf": None, "t": [1, 2]}


# ---------------------------------------------------------------- parameter points


def _ragged_grid(seed: int = 0) -> xr.Dataset:
    """Two parameter dims and pairs of varying count; pair_distance encodes the owner."""
    ds = mock_spectrum(parameters={"a": [0, 1], "b": [10.0, 20.0, 30.0]}, n_sample=3, n_site=4, pairs_per_sample=1)
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 4, size=(2, 3, 3))
    owner = np.repeat(np.arange(counts.size), counts.ravel())
    ds = ds.drop_vars(["pair_i", "pair_j", "pair_distance", "pair_count"])
    ds["pair_count"] = (("a", "b", "sample"), counts, {"long_name": "pairs", "units": "1", "sample_dimension": "pair"})
    ds["pair_i"] = ("pair", np.zeros(owner.size, dtype=np.int64), {"long_name": "i", "units": "1"})
    ds["pair_distance"] = ("pair", owner.astype(float), {"long_name": "owner", "units": "1"})
    return ds


def test_points_slices_ragged_pairs() -> None:
    ds = _ragged_grid()
    points = list(ds.vdos.points())
    assert [p for p, _ in points] == [{"a": a, "b": b} for a in (0, 1) for b in (10.0, 20.0, 30.0)]
    for k, (params, point) in enumerate(points):
        point.vdos.require_point()
        ia, ib = divmod(k, 3)
        xr.testing.assert_equal(point["eigenvalue"], ds["eigenvalue"].isel(a=ia, b=ib))
        expected_owner = np.repeat(ia * 9 + ib * 3 + np.arange(3), ds["pair_count"].values[ia, ib])
        np.testing.assert_array_equal(point["pair_distance"].values, expected_owner)
        assert float(point["b"]) == params["b"]


def test_points_without_parameters_yields_the_dataset() -> None:
    ds = mock_spectrum()
    [(params, point)] = list(ds.vdos.points())
    assert params == {} and point is ds


def test_points_needs_pair_count_for_pairs() -> None:
    ds = _ragged_grid().drop_vars("pair_count")
    with pytest.raises(ValueError, match="no pair_count"):
        list(ds.vdos.points())


@pytest.mark.parametrize(
    "call",
    [
        lambda ds: density_of_states(ds),
        lambda ds: integrated_dos(ds),
        lambda ds: reduced_dos(ds),
        lambda ds: sound_speed(ds, "dispersion"),
        lambda ds: boson_peak_excess(ds, reference=1.0),
        lambda ds: coordination_distribution(ds),
        lambda ds: local_response(ds, [1.0], 0.1),
    ],
    ids=["dos", "F", "reduced", "sound", "boson-peak", "coordination", "green"],
)
def test_validators_refuse_a_parameter_grid(call) -> None:
    ds = mock_spectrum(parameters={"delta": [0.0, 0.1]}, n_site=4)
    with pytest.raises(ParameterPointError, match=r"one parameter point.*ds\.vdos\.points\(\)"):
        call(ds)


@pytest.mark.parametrize(
    ("ds", "match"),
    [
        (mock_spectrum().drop_vars(["eigenvalue", "zero_mode"]), "expected a variable 'eigenvalue'"),
        (mock_spectrum().drop_vars("zero_mode").transpose("mode", "sample"), "expand_dims"),
    ],
    ids=["no-eigenvalue", "transposed"],
)
def test_require_point_explains(ds: xr.Dataset, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ds.vdos.require_point()


def test_points_refuses_a_misshapen_eigenvalue() -> None:
    ds = mock_spectrum().drop_vars("zero_mode").transpose("mode", "sample")
    with pytest.raises(ValueError, match=r"expected \(\.\.\., 'sample', 'mode'\).*expand_dims"):
        list(ds.vdos.points())


def test_a_measurement_carries_the_expanded_interval_only_when_asked() -> None:
    est = bootstrap(np.mean, np.arange(12.0), n_bootstrap=500, groups=np.repeat(np.arange(6), 2))
    plain = est.measurement("mean", units="1", settings={}, curve=None, method="mean")
    assert plain.expanded is None and "expanded" not in plain.to_dict()  # results written before it unchanged
    wide = est.measurement("mean", units="1", settings={}, curve=None, method="mean", expanded=True)
    assert wide.expanded == tuple(float(v) for v in est.expanded_interval())
    assert wide.expanded[0] < wide.low < wide.high < wide.expanded[1]
    assert json.loads(json.dumps(wide.to_dict()))["expanded"] == list(wide.expanded)


def test_every_validator_result_shares_one_base() -> None:
    """Issue 54 item 1: value, interval, settings, diagnostics and to_dict on every validator's result."""
    import vdosbench.validators as v
    from vdosbench.validators.results.result import ValidatorResult, measurements_dict
    from vdosbench.validators import ExponentEstimate

    results = [
        v.BosonPeakResult,
        v.CoordinationResult,
        v.CrossoverResult,
        v.CrossoverSlopeResult,
        v.CurveResult,
        v.LevelStatisticsResult,
        v.PhononShellResult,
        v.PowerLawResult,
        v.StressExponentResult,
        v.VorticityResult,
        v.SpectrumComparison,
        v.EigenvalueAgreement,
        ExponentEstimate,
    ]
    assert all(issubclass(c, ValidatorResult) for c in results)
    assert all(c.headline for c in results if c is not v.CurveResult)  # CurveResult: the measurement that is set

    ds = mock_spectrum(n_sample=12, n_mode=101, exponent=4.0, seed=1)
    res = v.power_law_exponent(ds, (0.0, 1.0), n_bootstrap=50)
    assert res.primary() is res.mle and res.value == res.mle.value
    assert res.interval() == (res.mle.low, res.mle.high)
    assert res.diagnostics is res.curve and res.settings["window"]["rule"] == "explicit"
    assert list(res.measurements()) == ["s_flatness", "s_mle"]

    net = mock_spectrum(n_sample=4, n_mode=400, exponent=1.0, omega_max=2.0).assign_attrs(site_degrees_of_freedom=1)
    bp = boson_peak_excess(net, reference=1.0, number_density=1.0, n_bootstrap=20)
    assert bp.to_dict() == measurements_dict(bp.measurements(), bp.settings)
    assert list(bp.measurements()) == ["peak_frequency", "excess_area", "relative_excess", "smoothed_peak_frequency"]

    # the scorer's own results (benchmark): the same face
    from vdosbench.benchmark.elastic import ShearOmega0Result
    from vdosbench.benchmark.scoring import NonphononicResult

    m = Measurement("s", 3.0, 0.1, 2.8, 3.2, 0.95, "1", {"window": "w"}, None, 10, "mle")
    scorer = NonphononicResult(m, "the estimate", settings={"estimator": "window_mle"})
    assert scorer.value == 3.0 and scorer.interval() == (2.8, 3.2) and scorer.diagnostics == "the estimate"
    assert scorer.settings == {"estimator": "window_mle"} and list(scorer.to_dict()["measurements"]) == ["s"]
    omega0 = ShearOmega0Result(m)
    assert isinstance(omega0, ValidatorResult) and omega0.primary() is m and omega0.diagnostics is m
    est = ExponentEstimate(m, diagnostics={"modes": 7})
    assert est.value == 3.0 and est.interval() == (2.8, 3.2) and est.settings["window"] == "w"
    assert est.diagnostics["modes"] == 7  # its own field, not the base's
    curve = v.CurveResult(peak_frequency=m)
    assert curve.primary() is m and curve.value == 3.0 and curve.to_dict()["settings"] == {}
