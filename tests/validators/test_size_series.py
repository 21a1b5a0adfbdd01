"""The size-series estimators as a claim names them (issue 67): s across N on mock spectra with a known s."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark import evaluate_claim
from vdosbench.benchmark import Claim, Expectation
from vdosbench.benchmark import Verdict
from vdosbench.generators import mock_glass_spectra
from vdosbench.validators import ModeSpectra, extreme_value, size_series_exponent, size_series_spectra

SIZES = (1000, 2000, 4000)
#: Samples a size: enough for an interval narrower than 2 on s across a factor 4 in N (the mocks' own spread).
N_SAMPLES = 300
N_BOOTSTRAP = 300


@functools.lru_cache(maxsize=None)
def _series(exponent: float, seed: int = 0) -> xr.Dataset:
    """Mock lowest-20 spectra at each of :data:`SIZES` along n_particles: independent (Poisson) levels, for which
    w_min is Weibull of shape s + 1 exactly below the phonon shells (the law the estimator assumes; level
    repulsion narrows it), phonon shells and scattered G; the smallest size has 20 fewer samples (NaN padding, as
    sets of different sample counts concatenate)."""
    parts = []
    for i, n in enumerate(SIZES):
        n_samples = N_SAMPLES - (20 if i == 0 else 0)
        m = mock_glass_spectra(n, n_samples, exponent=exponent, k=20, levels="poisson", seed=seed + n)
        lam = np.concatenate([np.zeros((n_samples, 3)), m.omega**2], axis=1)
        zero = np.zeros(lam.shape, bool)
        zero[:, :3] = True
        parts.append(
            xr.Dataset(
                {
                    "eigenvalue": (("sample", "mode"), lam),
                    "zero_mode": (("sample", "mode"), zero),
                    "shear_modulus": ("sample", m.shear_modulus),
                    "box_length": ("sample", np.full(n_samples, (n / m.density) ** (1 / 3))),
                },
                coords={"sample": np.arange(n_samples)},
                attrs={"generator": "soft_spheres_lowest", "spatial_dimension": 3},
            )
        )
    ds = xr.concat(parts, dim="n_particles", join="outer").assign_coords(n_particles=list(SIZES))
    ds["zero_mode"] = ds["zero_mode"].fillna(False).astype(bool)
    return ds.expand_dims(taper_order=[2], parent_temperature=[1.0])


@pytest.fixture(scope="module", autouse=True)
def _drop_the_drawn_series():  # noqa: ANN202
    yield
    _series.cache_clear()


def _point(exponent: float) -> xr.Dataset:
    return _series(exponent).isel(taper_order=0, parent_temperature=0, drop=True).copy(deep=True)


def test_series_spectra_drop_the_padding_and_carry_each_size() -> None:
    spectra = size_series_spectra(_point(4.0))
    assert [sp.n_particles for sp in spectra] == list(SIZES)
    assert [sp.n_samples for sp in spectra] == [N_SAMPLES - 20] + [N_SAMPLES] * (len(SIZES) - 1)
    # the same estimate as the validator of plain ModeSpectra built from the mock arrays (brute-force path)
    direct = extreme_value(
        [
            ModeSpectra(
                **mock_glass_spectra(
                    n, N_SAMPLES - (20 if i == 0 else 0), exponent=4.0, k=20, levels="poisson", seed=n
                ).arrays()
            )
            for i, n in enumerate(SIZES)
        ],
        n_bootstrap=100,
        seed=0,
    )
    via = size_series_exponent(_point(4.0), "extreme_value", n_bootstrap=100, seed=0)
    assert via.s.value == pytest.approx(direct.value, rel=1e-10)
    assert via.sizes == SIZES


@pytest.mark.parametrize(
    "estimator", ["extreme_value", "count_scaling"], ids=["weibull-omega-min", "count-below-omega0"]
)
def test_estimates_cover_the_mock_exponent(estimator: str) -> None:
    # count_scaling counts modes below 0.7 omega0 (at N = 4000 fewer than one a sample lies below 0.5 omega0)
    r = size_series_exponent(_point(4.0), estimator, factor=0.7, n_bootstrap=N_BOOTSTRAP, seed=0)
    assert r.estimate.status == "ok", r.estimate.reason
    assert r.s.low <= 4.0 <= r.s.high, (r.s.value, r.s.low, r.s.high)
    assert r.s.high - r.s.low < 2.0  # an interval that can tell 4 from 2 (the rivals of the debate)


def _claim(statistic: str = "mean") -> Claim:
    return Claim(
        id="test.weibull-across-n",
        source_file="test",
        source_where="",
        statement="s = 4 across N",
        applies_to={"model": "soft_spheres"},
        exclude={},
        requires=("eigenvalue", "shear_modulus"),
        validator="size_series_exponent",
        quantity="s",
        settings={
            "estimator": "extreme_value",
            "across": "n_particles",
            "statistic": statistic,
            "n_bootstrap": N_BOOTSTRAP,
            "seed": 0,
        },
        versus=None,
        expect=Expectation(kind="equal", value=4.0, tolerance=0.5),
    )


def test_a_claim_across_n_keeps_the_sizes_whole_and_is_refuted_by_a_series_built_to_fail() -> None:
    # s = 2 mocks: <w_min> ~ N^(-1/3), far from N^(-1/5); the s = 4 claim must be refuted, not merely inconclusive
    result = evaluate_claim(_claim(), _series(2.0).copy(deep=True))
    assert [p.parameters for p in result.points] == [{"taper_order": 2, "parent_temperature": 1.0}]
    assert result.verdict is Verdict.REFUTED, (result.points[0].measurement, result.points[0].reason)


def test_errors_name_the_fix() -> None:
    single = _point(4.0).isel(n_particles=0, drop=True)
    with pytest.raises(ValueError, match="expected a size dimension 'n_particles'"):
        size_series_exponent(single)
    with pytest.raises(ValueError, match="unknown estimator 'window'"):
        size_series_exponent(_point(4.0), "window")  # type: ignore[arg-type]
