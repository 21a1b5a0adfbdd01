"""Level-spacing ratios against the Atas GOE surmise and Poisson (seed 001 eq. 18, Fig. 2).

Known answers: the laws' normalisation and means by numerical integration; GOE matrices
(real symmetric Gaussian) and independent (sorted uniform) levels; a brute-force loop over
samples for the window selection.  Built to fail: Poisson levels tested against GOE and
GOE levels against Poisson.
"""

from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr
from scipy.integrate import quad
from threadpoolctl import threadpool_limits

from vdosbench.datasets import mock_spectrum
from vdosbench.datasets import accessor as accessor_module
from vdosbench.validators import (
    GOE_LARGE_N_MEAN_R_TILDE,
    GOE_SURMISE_MEAN_R_TILDE,
    POISSON_MEAN_R_TILDE,
    ParameterPointError,
    goe_surmise_pdf,
    goe_surmise_r_tilde_cdf,
    level_statistics,
    level_statistics_by_window,
    poisson_r_tilde_cdf,
    poisson_ratio_pdf,
    spacing_ratios,
)

QUAD_TOL = 1e-9
N_MATRIX = 300  # GOE matrix size
N_SAMPLE = 40
MIDDLE = 200  # bulk window: the middle 200 of 300 levels (198 ratios per sample)
MEAN_TOL = 0.01  # ~3 bootstrap standard errors of <r~> for 40 x 198 ratios (se ~ 0.003)
# A law is "not rejected" when the KS p-value exceeds ACCEPT_P.  Ratios of one sample share
# spacings, so the p-values are mildly anti-conservative: for Poisson levels (200 ensembles of
# 40 x 298 ratios) 1.5 % fell below 0.01 and 6 % below 0.05.  1e-3 keeps false alarms rare.
ACCEPT_P = 1e-3
REJECT_P = 1e-10  # and "rejected" below this


def levels_dataset(lam: np.ndarray, n_zero: int = 0, flag: bool = True) -> xr.Dataset:
    """One-point dataset of the given levels (sample, n), with n_zero zero modes in front."""
    n_sample = lam.shape[0]
    lam = np.concatenate([np.zeros((n_sample, n_zero)), lam], axis=1)
    data = {"eigenvalue": (("sample", "mode"), lam, {"units": "1"})}
    if flag:
        zero = np.zeros(lam.shape, dtype=bool)
        zero[:, :n_zero] = True
        data["zero_mode"] = (("sample", "mode"), zero, {"units": "1"})
    return xr.Dataset(data, coords={"sample": np.arange(n_sample), "mode": np.arange(lam.shape[1])})


def goe_levels(n_sample: int, n: int, seed: int) -> np.ndarray:
    """Eigenvalues of real symmetric Gaussian matrices, shifted positive (ratios are shift-invariant)."""
    rng = np.random.default_rng(seed)
    with threadpool_limits(1):  # small matrices: threads only add contention
        lam = np.stack([np.linalg.eigvalsh((a + a.T) / math.sqrt(2)) for a in rng.normal(size=(n_sample, n, n))])
    return lam - lam.min() + 1.0


def poisson_levels(n_sample: int, n: int, seed: int) -> np.ndarray:
    return np.sort(np.random.default_rng(seed).random((n_sample, n)), axis=1) + 1.0


@pytest.fixture(scope="module")
def goe() -> xr.Dataset:
    return levels_dataset(goe_levels(N_SAMPLE, N_MATRIX, seed=1), n_zero=2)


# ----------------------------------------------------------------------------- the laws

LAWS = {
    "goe_surmise": (goe_surmise_pdf, goe_surmise_r_tilde_cdf, GOE_SURMISE_MEAN_R_TILDE),
    "poisson": (poisson_ratio_pdf, poisson_r_tilde_cdf, POISSON_MEAN_R_TILDE),
}


@pytest.mark.parametrize("law", list(LAWS), ids=list(LAWS))
def test_law_normalisation_mean_and_cdf(law: str) -> None:
    pdf, cdf, mean = LAWS[law]
    assert quad(pdf, 0, np.inf, epsabs=QUAD_TOL)[0] == pytest.approx(1.0, abs=QUAD_TOL)
    # symmetry r -> 1/r: P(1/r)/r^2 = P(r), so r~ = min(r, 1/r) has density 2P on [0, 1]
    for r in (0.3, 1.7, 5.0):
        assert pdf(1 / r) / r**2 == pytest.approx(pdf(r), rel=1e-12)
    assert quad(lambda x: 2 * x * pdf(x), 0, 1, epsabs=QUAD_TOL)[0] == pytest.approx(mean, abs=QUAD_TOL)
    for x in (0.0, 0.1, 0.5, 0.9, 1.0):
        assert float(cdf(x)) == pytest.approx(2 * quad(pdf, 0, x, epsabs=QUAD_TOL)[0], abs=QUAD_TOL)


def test_reference_means_closed_forms() -> None:
    assert GOE_SURMISE_MEAN_R_TILDE == pytest.approx(0.5359, abs=1e-4)
    assert POISSON_MEAN_R_TILDE == pytest.approx(0.3863, abs=1e-4)
    assert GOE_LARGE_N_MEAN_R_TILDE == 0.5307


def test_spacing_ratios_by_hand() -> None:
    np.testing.assert_allclose(spacing_ratios([4.0, 0.0, 1.0, 3.0]), [0.5, 2.0])
    assert np.isinf(spacing_ratios([0.0, 1.0, 1.0])[0])


# ----------------------------------------------------------------------------- GOE and Poisson levels


def test_goe_matrices(goe: xr.Dataset) -> None:
    res = level_statistics(goe, "middle", n_modes=MIDDLE, n_bootstrap=300)
    m = res.mean_r_tilde
    assert m.value == pytest.approx(GOE_LARGE_N_MEAN_R_TILDE, abs=MEAN_TOL)
    assert m.low < GOE_LARGE_N_MEAN_R_TILDE < m.high
    assert res.goe.p_value > ACCEPT_P
    assert res.poisson.p_value < REJECT_P
    assert res.window["n_ratios"] == N_SAMPLE * (MIDDLE - 2)


def test_poisson_levels() -> None:
    ds = levels_dataset(poisson_levels(N_SAMPLE, N_MATRIX, seed=2), n_zero=1)
    res = level_statistics(ds, "all", n_bootstrap=300)
    m = res.mean_r_tilde
    assert m.value == pytest.approx(POISSON_MEAN_R_TILDE, abs=MEAN_TOL)
    assert m.low < POISSON_MEAN_R_TILDE < m.high
    assert res.poisson.p_value > ACCEPT_P
    assert res.goe.p_value < REJECT_P  # built to fail: independent levels are not GOE


def test_bootstrap_error_matches_the_spread_of_independent_ensembles() -> None:
    """The bootstrap standard error of <r~> estimates the ensemble-to-ensemble spread."""
    n_rep = 60
    values, errors = [], []
    for rep in range(n_rep):
        res = level_statistics(
            levels_dataset(poisson_levels(20, 60, seed=1000 + rep)), "all", n_bootstrap=200, seed=rep
        )
        values.append(res.mean_r_tilde.value)
        errors.append(res.mean_r_tilde.uncertainty)
    # the sample sd of 60 values has a relative standard error ~ 1/sqrt(2*59) ~ 9 %: allow 30 %
    assert np.mean(errors) == pytest.approx(np.std(values, ddof=1), rel=0.3)


def test_histograms_against_the_laws(goe: xr.Dataset) -> None:
    res = level_statistics(goe, "middle", n_modes=MIDDLE, n_bootstrap=20)
    c = res.curve
    width = (c["r_high"] - c["r_low"]).values
    in_range = float((c["density"] * width).sum())
    assert in_range == pytest.approx(1 - c.attrs["r_beyond_r_max"] / res.window["n_ratios"], abs=1e-12)
    # bin averages of the laws integrate to their CDF at r_max = 5
    goe_cdf_5 = 1 - float(goe_surmise_r_tilde_cdf(1 / 5)) / 2
    assert float((c["goe_surmise"] * width).sum()) == pytest.approx(goe_cdf_5, rel=1e-12)
    assert float((c["poisson"] * width).sum()) == pytest.approx(5 / 6, rel=1e-12)
    # the GOE histogram sits on the surmise far better than on Poisson
    d_goe = float(np.abs(c["density"] - c["goe_surmise"]).sum())
    d_poisson = float(np.abs(c["density"] - c["poisson"]).sum())
    assert d_goe < 0.25 * d_poisson
    t_width = 1 / c.sizes["r_tilde"]
    assert float(c["density_r_tilde"].sum()) * t_width == pytest.approx(1.0, abs=1e-12)


# ----------------------------------------------------------------------------- windows, zero modes, data


def brute_force(lam: np.ndarray, window: object, n_modes: int) -> tuple[float, int]:
    """<r~> and the number of ratios by an explicit loop over samples."""
    r_all = []
    for row in lam:
        nz = np.sort(row[row > 0])
        if window == "lowest":
            sel = nz[:n_modes]
        elif window == "highest":
            sel = nz[-n_modes:]
        elif window == "middle":
            start = (nz.size - n_modes) // 2
            sel = nz[start : start + n_modes]
        elif window == "all":
            sel = nz
        else:
            lo, hi = window  # type: ignore[misc]
            sel = nz[(nz >= lo**2) & (nz <= hi**2)]
        r = spacing_ratios(sel)
        r_all.append(np.minimum(r, 1 / r))
    rt = np.concatenate(r_all)
    return float(rt.mean()), rt.size


WINDOW_CASES = ["lowest", "middle", "highest", "all", (0.5, 0.9)]


@pytest.mark.parametrize("window", WINDOW_CASES, ids=["lowest", "middle", "highest", "all", "frequency"])
def test_windows_against_brute_force(window: object) -> None:
    ds = mock_spectrum(n_sample=7, n_mode=83, n_zero=3, exponent=2.0, seed=3)
    res = level_statistics(ds, window, n_modes=20, n_bootstrap=20)
    mean, n = brute_force(ds["eigenvalue"].values, window, 20)
    assert res.window["n_ratios"] == n
    assert res.mean_r_tilde.value == pytest.approx(mean, rel=1e-12)


def test_zero_modes_are_skipped_flagged_or_not() -> None:
    lam = poisson_levels(5, 80, seed=4)
    ref = level_statistics(levels_dataset(lam), "lowest", n_bootstrap=50)
    flagged = level_statistics(levels_dataset(lam, n_zero=3), "lowest", n_bootstrap=50)
    unflagged = level_statistics(levels_dataset(lam, n_zero=3, flag=False), "lowest", n_bootstrap=50)
    for other in (flagged, unflagged):
        assert other.to_dict()["measurements"] == ref.to_dict()["measurements"]
        assert other.goe == ref.goe and other.poisson == ref.poisson


def test_degenerate_levels() -> None:
    """A doubly degenerate level gives r = inf (r~ = 0); a triple one gives 0/0, dropped and counted."""
    lam = np.array([[1.0, 2.0, 2.0, 3.5, 5.0, 5.0, 5.0, 6.0]])
    res = level_statistics(levels_dataset(lam), "all", n_bootstrap=5)
    # ratios: 1/0=inf, 0/1.5, 1.5/1.5, 1.5/0=inf, 0/0 (dropped), 0/1 -> r~ = 0, 0, 1, 0, 0
    assert res.window["n_degenerate"] == 1
    assert res.window["n_ratios"] == 5
    assert res.mean_r_tilde.value == pytest.approx(0.2)
    assert res.curve.attrs["r_beyond_r_max"] == 2


def test_one_pass_over_several_windows_equals_single_calls(goe: xr.Dataset) -> None:
    many = level_statistics_by_window(goe, ["lowest", (2.0, 5.0)], n_modes=30, n_bootstrap=50)
    assert list(many) == ["lowest", "frequency [2, 5]"]
    one = level_statistics(goe, (2.0, 5.0), n_modes=30, n_bootstrap=50)
    assert many["frequency [2, 5]"].to_dict() == one.to_dict()


def test_dask_chunked_equals_in_memory(goe: xr.Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    a = level_statistics_by_window(goe, n_modes=50, n_bootstrap=100)
    monkeypatch.setattr(accessor_module, "BLOCK_VALUES", 10 * (N_MATRIX + 2))  # one chunk of 10 samples per read
    b = level_statistics_by_window(goe.chunk({"sample": 10}), n_modes=50, n_bootstrap=100)
    for key in a:
        assert a[key].to_dict() == b[key].to_dict()
        xr.testing.assert_allclose(a[key].curve, b[key].curve)


@pytest.mark.parametrize(
    ("window", "kwargs", "match"),
    [
        ("bottom", {}, "expected one of 'lowest', 'middle', 'highest', 'all'"),
        ("lowest", {"n_modes": 500}, "lower n_modes or use window='all'"),
        ((10.0, 11.0), {}, "holds no spacing ratio"),
        ((0.5, 0.2), {}, "expected 0 <= omega_min < omega_max"),
        ("lowest", {"n_modes": 2}, "expected an integer >= 3"),
    ],
    ids=["unknown", "too-many-modes", "empty-frequency-window", "reversed", "n_modes<3"],
)
def test_bad_windows_explain(window: object, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        level_statistics(mock_spectrum(n_sample=3, n_mode=60), window, n_bootstrap=5, **kwargs)


def test_parameter_grid_is_refused() -> None:
    with pytest.raises(ParameterPointError, match=r"ds\.vdos\.points\(\)"):
        level_statistics(mock_spectrum(parameters={"delta": [0.0, 0.1]}, n_mode=60))


def test_plot_and_json(goe: xr.Dataset) -> None:
    res = level_statistics(goe, "lowest", n_bootstrap=20)
    fig, ax = plt.subplots()
    assert res.plot(ax) is ax
    assert len(ax.get_lines()) == 3
    plt.close(fig)
    d = json.loads(json.dumps(res.to_dict()))
    assert set(d["goodness_of_fit"]) == {"goe_surmise", "poisson"}
    assert d["window"]["n_modes"] == 50 and d["window"]["n_ratios"] == 48 * N_SAMPLE
