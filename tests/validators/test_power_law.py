"""Power-law exponent s (F/ω^(s+1) flatness and maximum likelihood) and the lowest phonon ω₀.

Known answers: frequencies drawn from g ∝ ω^s (``mock_spectrum``, inverse transform
F = ω^(s+1) on (0, 1]); the truncated-power-law likelihood maximised by scipy; the unit
square lattice, whose spectrum is known in closed form.  Built to fail: a mixture of two
exponents and a broken power law fitted over the wrong window.
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
from scipy import stats
from scipy.optimize import minimize_scalar

from vdosbench.datasets import mock_spectrum
from vdosbench.validators.spectral import truncated_power_law as mle_module
from vdosbench.datasets import accessor as accessor_module
from vdosbench.validators import (
    Measurement,
    ParameterPointError,
    PowerLawWindow,
    integrated_dos,
    lowest_phonon_frequency,
    phonon_frequency,
    power_law_exponent,
    sound_speed,
    truncated_power_law_mle,
)

EXPONENTS = [2.0, 3.0, 4.0, 5.0]
EXPONENT_IDS = [f"s={s:g}" for s in EXPONENTS]
N_SAMPLE = 100  # a realistic ensemble: 100 samples x 50 non-zero modes
N_MODE = 51  # one zero mode + 50 non-zero modes
N_BOOT = 200
Z_RECOVERY = 3.0  # |s_hat - s| must be below this many standard errors
Z_FAIL = 5.0  # a case built to fail must sit further than this many standard errors away
WINDOWS = {
    "explicit": PowerLawWindow.explicit(0.1, 0.9),
    "lowest_k": PowerLawWindow.lowest_k(30),
    "below_phonon": PowerLawWindow.below_phonon(0.8),  # omega0 = 1.125 below: window (0, 0.9]
}

# Coverage: independent ensembles per exponent, pooled over the four exponents (200
# intervals per estimator); fewer bootstrap resamples than the default (200 instead of 1000)
# to keep the run short, which makes the percentile interval noisier, not biased.  A longer
# run (200 ensembles per exponent, 200 resamples) measured 0.957 (flatness) and 0.943 (MLE).
COVERAGE_ENSEMBLES = 50
COVERAGE_BOOT = 200
COVERAGE_ALPHA = 1e-3  # two-sided probability of a false alarm of the binomial check


def ensemble(s: float, seed: int, n_sample: int = N_SAMPLE, n_mode: int = N_MODE, **kw: object) -> xr.Dataset:
    return mock_spectrum(n_sample=n_sample, n_mode=n_mode, exponent=s, seed=seed, **kw)


def binomial_band(n: int, p: float = 0.95, alpha: float = COVERAGE_ALPHA) -> tuple[float, float]:
    """Acceptance band of the covered fraction k/n, k ~ Binomial(n, p)."""
    return stats.binom.ppf(alpha / 2, n, p) / n, stats.binom.isf(alpha / 2, n, p) / n


# ----------------------------------------------------------------------------- recovery and coverage


@pytest.mark.parametrize("rule", list(WINDOWS), ids=list(WINDOWS))
@pytest.mark.parametrize("s", EXPONENTS, ids=EXPONENT_IDS)
def test_both_estimators_recover_s(s: float, rule: str) -> None:
    ds = ensemble(s, seed=int(10 * s), n_site=N_MODE)  # n_site: box_length for the phonon rule
    res = power_law_exponent(ds, WINDOWS[rule], omega0=1.125 if rule == "below_phonon" else None, n_bootstrap=N_BOOT)
    for m in (res.flatness, res.mle):
        assert abs(m.value - s) < Z_RECOVERY * m.uncertainty, (m.name, m.value, m.uncertainty)
        assert m.low < m.value < m.high
    assert abs(res.mle.value - s) < Z_RECOVERY * res.fisher_standard_error
    # the bootstrap and Fisher errors of the MLE agree (independent modes): within 35 %
    assert res.mle.uncertainty == pytest.approx(res.fisher_standard_error, rel=0.35)


def test_interval_coverage_over_repeated_draws() -> None:
    """95 % intervals of both estimators cover the true s at the nominal rate (window (0.1, 0.9])."""
    covered = {"flatness": [], "mle": [], "fisher": []}
    for s in EXPONENTS:
        for r in range(COVERAGE_ENSEMBLES):
            res = power_law_exponent(
                ensemble(s, seed=100_000 + 1000 * int(s) + r), WINDOWS["explicit"], n_bootstrap=COVERAGE_BOOT, seed=r
            )
            covered["flatness"].append(res.flatness.low <= s <= res.flatness.high)
            covered["mle"].append(res.mle.low <= s <= res.mle.high)
            covered["fisher"].append(abs(res.mle.value - s) <= 1.959964 * res.fisher_standard_error)
    n = len(EXPONENTS) * COVERAGE_ENSEMBLES
    lo, hi = binomial_band(n)
    rates = {k: float(np.mean(v)) for k, v in covered.items()}
    for name, rate in rates.items():
        assert lo <= rate <= hi, f"{name} coverage {rate:.3f} outside [{lo:.3f}, {hi:.3f}] over {n} ensembles"


# ----------------------------------------------------------------------------- built to fail


def test_mixture_of_two_exponents_gives_neither() -> None:
    """Each sample holds 25 modes from g ~ ω² and 25 from g ~ ω⁵: the fit matches neither law."""
    rng = np.random.default_rng(7)
    u = rng.random((N_SAMPLE, 50))
    w = np.concatenate([u[:, :25] ** (1 / 3), u[:, 25:] ** (1 / 6)], axis=1)
    ds = ensemble(3.0, seed=0)
    ds["eigenvalue"][:, 1:] = np.sort(w**2, axis=1)
    res = power_law_exponent(ds, (0.0, 1.0), n_bootstrap=N_BOOT)
    for m in (res.flatness, res.mle):
        for s_wrong in (2.0, 5.0):
            assert abs(m.value - s_wrong) > Z_FAIL * m.uncertainty, (m.name, m.value, s_wrong)
            assert not m.low <= s_wrong <= m.high


def broken_power_law(n_sample: int, n_mode: int, seed: int) -> np.ndarray:
    """g ∝ ω⁴ on (0, ½], continued as ¼ω² on (½, 1] (continuous); sorted frequencies (sample, mode)."""
    below = 0.5**5 / 5
    above = 0.25 * (1 - 0.5**3) / 3
    p = np.random.default_rng(seed).random((n_sample, n_mode)) * (below + above)
    lo = (5 * p) ** (1 / 5)
    hi = (0.125 + 3 * (p - below) / 0.25) ** (1 / 3)
    return np.sort(np.where(p <= below, lo, hi), axis=1)


def test_wrong_window_on_a_broken_power_law() -> None:
    """s = 4 holds only below ω = ½; the window (0, 1] misses it, (0, ½] recovers it."""
    w = broken_power_law(N_SAMPLE, 200, seed=3)
    ds = ensemble(4.0, seed=0, n_mode=201)
    ds["eigenvalue"][:, 1:] = w**2
    wrong = power_law_exponent(ds, (0.0, 1.0), n_bootstrap=N_BOOT)
    right = power_law_exponent(ds, (0.0, 0.5), n_bootstrap=N_BOOT)
    for m in (wrong.flatness, wrong.mle):
        assert abs(m.value - 4.0) > Z_FAIL * m.uncertainty and not m.low <= 4.0 <= m.high
    for m in (right.flatness, right.mle):
        assert abs(m.value - 4.0) < Z_RECOVERY * m.uncertainty


# ----------------------------------------------------------------------------- the seed-003 curve

FLAT_RATIO = 20.0  # variance of log F/ω^(s+1) at s ± 1 over that at the true s (measured ~50-300)
TILT_TOL = 0.05  # slope of log F/ω^(s'+1) vs log ω must be s - s' within this


def test_ratio_curve_is_flat_at_the_true_s_and_tilted_otherwise() -> None:
    s = 3.0
    res = power_law_exponent(
        ensemble(s, seed=11, n_mode=201), (0.0, 1.0), trial_exponents=(2.0, 3.0, 4.0), n_bootstrap=20
    )
    var = res.curve["flatness_variance"]
    assert float(var.sel(trial_exponent=2.0)) > FLAT_RATIO * float(var.sel(trial_exponent=3.0))
    assert float(var.sel(trial_exponent=4.0)) > FLAT_RATIO * float(var.sel(trial_exponent=3.0))
    ratio = res.ratio([1.0, 2.0, 3.0, 4.0, 5.0])
    x = np.log(ratio["omega"].values)
    for trial in ratio["trial_exponent"].values:
        slope = np.polyfit(x, np.log(ratio.sel(trial_exponent=trial).values), 1)[0]
        assert slope == pytest.approx(s - trial, abs=TILT_TOL), trial
    xr.testing.assert_allclose(ratio.sel(trial_exponent=[2.0, 3.0, 4.0]), res.curve["F_over_omega_power"])


def test_curve_F_is_the_integrated_dos() -> None:
    ds = ensemble(4.0, seed=5)
    res = power_law_exponent(ds, (0.2, 0.9), n_bootstrap=10)
    F = integrated_dos(ds, omega=res.curve["omega"].values)["F"]
    np.testing.assert_allclose(res.curve["F"].values, F.values, rtol=1e-12)
    step = np.diff(np.r_[float(integrated_dos(ds, omega=[0.2])["F"][0]), F.values])
    np.testing.assert_allclose(res.curve["F_mid"].values, F.values - step / 2, rtol=1e-12)


def test_flatness_is_the_least_squares_slope_minus_one() -> None:
    """The stated definition, checked by brute force: minimise the variance over a grid of s."""
    res = power_law_exponent(ensemble(2.0, seed=9), (0.0, 0.8), n_bootstrap=10)
    x, y = np.log(res.curve["omega"].values), np.log(res.curve["F_mid"].values)
    grid = np.linspace(1.0, 3.0, 20001)
    variances = [np.var(y - (g + 1) * x) for g in grid[::100]]
    coarse = grid[::100][int(np.argmin(variances))]
    fine = minimize_scalar(lambda g: np.var(y - (g + 1) * x), bounds=(coarse - 0.02, coarse + 0.02), method="bounded")
    assert res.flatness.value == pytest.approx(fine.x, abs=1e-5)


# ----------------------------------------------------------------------------- the likelihood


@pytest.mark.parametrize(
    ("a", "b", "s"),
    [(0.0, 1.0, 4.0), (0.1, 0.9, 3.0), (0.5, 0.6, -3.0), (0.2, 1.0, 0.0), (0.3, 0.31, 10.0)],
    ids=["a=0", "a=0.1", "negative-s", "s=0", "narrow"],
)
def test_mle_against_scipy(a: float, b: float, s: float) -> None:
    u = s + 1
    p = np.random.default_rng(1).random(500)
    w = (a**u + p * (b**u - a**u)) ** (1 / u) if u != 0 else a * (b / a) ** p

    def nll(uu: float) -> float:
        z = math.log(b / a) if abs(uu) < 1e-12 else (b**uu - (a**uu if a > 0 else 0.0)) / uu
        return -float(np.sum(-np.log(z) + (uu - 1) * np.log(w)))

    bounds = (1e-6, 40.0) if a == 0 else (-40.0, 40.0)  # a = 0: normalisable only for s > -1
    opt = minimize_scalar(nll, bounds=bounds, method="bounded", options={"xatol": 1e-10})
    s_hat, se = truncated_power_law_mle(w, a, b)
    assert nll(s_hat + 1) <= nll(opt.x) + 1e-9  # at least as likely as scipy's optimum
    assert s_hat == pytest.approx(opt.x - 1, abs=1e-5 * (1 + se))  # a flat likelihood (large se) limits scipy
    h = 0.01 * se  # observed information by central differences (truncation error ~ 1e-4 relative)
    info = (nll(opt.x + h) - 2 * nll(opt.x) + nll(opt.x - h)) / h**2
    assert se == pytest.approx(1 / math.sqrt(info), rel=1e-3)


def test_mle_at_s_minus_one_where_the_log_density_is_flat() -> None:
    """u = s + 1 = 0 exactly (y uniform on [0, ℓ), mean ℓ/2): the moments take their u → 0 limits.

    Found on quenched T_∞ glasses, whose pair-stress exponent is α ≈ −1 (u ≈ 0):
    the bracket walk lands on u = 0.0 and a plain float 1/u² raised ZeroDivisionError.
    """
    ell = 1.0
    assert mle_module._var_y(0.0, np.array([ell]))[0] == pytest.approx(ell**2 / 12)
    assert mle_module._mean_y(0.0, np.array([ell]))[0] == pytest.approx(ell / 2)
    for n in (2, 4, 100):  # Σ y = n ℓ / 2 solves the score equation at u = 0
        s, se = mle_module.solve_truncated_power_law(n, n * ell / 2, ell)
        assert s == pytest.approx(-1.0, abs=1e-12)
        assert se == pytest.approx(1 / math.sqrt(n * ell**2 / 12), rel=1e-9)


def test_mle_rejects_data_outside_the_window() -> None:
    with pytest.raises(ValueError, match=r"inside \(0.1, 0.5\]"):
        truncated_power_law_mle([0.2, 0.7], 0.1, 0.5)
    with pytest.raises(ValueError, match="omega_min < omega_max"):
        truncated_power_law_mle([0.2], 0.5, 0.1)


# ----------------------------------------------------------------------------- windows and data


def test_window_is_recorded() -> None:
    ds = ensemble(3.0, seed=2, n_site=N_MODE)  # 2D box, L = sqrt(51)
    L = math.sqrt(N_MODE)
    res = power_law_exponent(ds, "below_phonon", transverse_sound_speed=L / (2 * math.pi), n_bootstrap=10)
    w = res.window
    assert (w["rule"], w["phonon_factor"], w["omega0"], w["omega_max"]) == (
        "below_phonon",
        0.8,
        pytest.approx(1.0),
        pytest.approx(0.8),
    )
    n_in = int((np.sqrt(ds["eigenvalue"].values[:, 1:]) <= 0.8).sum())
    assert w["n_modes"] == n_in == res.curve.sizes["omega"]
    assert res.mle.settings["window"]["n_modes"] == n_in
    res_k = power_law_exponent(ds, PowerLawWindow.lowest_k(12), n_bootstrap=10)
    kth = np.sqrt(ds["eigenvalue"].values[:, 13])  # (k+1)-th non-zero mode (column 0 is the zero mode)
    assert res_k.window["n_modes"] == 12 * N_SAMPLE
    assert res_k.window["upper_edge_max"] == pytest.approx(kth.max())
    np.testing.assert_allclose(res_k.curve["upper_edge_sample"].values, kth)
    json.dumps(res_k.to_dict())


def test_eigenvalue_only_third_party_dataset() -> None:
    """Only an eigenvalue array, zero modes stored as exact zeros, no flags or attributes."""
    ds = ensemble(4.0, seed=4)
    bare = xr.Dataset({"eigenvalue": (("sample", "mode"), ds["eigenvalue"].values)})
    a = power_law_exponent(ds, (0.0, 0.9), n_bootstrap=50)
    b = power_law_exponent(bare, (0.0, 0.9), n_bootstrap=50)
    assert a.flatness.value == b.flatness.value and a.mle.value == b.mle.value


@pytest.mark.parametrize("window", [(0.1, 0.8), PowerLawWindow.lowest_k(20)], ids=["explicit", "lowest_k-two-passes"])
def test_dask_chunked_equals_in_memory(window: object, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = ensemble(3.0, seed=6, n_sample=50, n_mode=81)
    a = power_law_exponent(ds, window, n_bootstrap=50)
    lazy = ds.chunk({"sample": 10})
    monkeypatch.setattr(accessor_module, "BLOCK_VALUES", 2000)  # blocks of 20 samples: 3 reads per pass
    assert [sl.stop for sl, _ in lazy.vdos.sample_blocks()] == [20, 40, 50]
    b = power_law_exponent(lazy, window, n_bootstrap=50)
    assert a.to_dict() == b.to_dict()
    xr.testing.assert_allclose(a.curve, b.curve)


@pytest.mark.parametrize(
    ("window", "kwargs", "match"),
    [
        ("lowest", {}, "expected a PowerLawWindow"),
        ((0.5,), {}, "expected a PowerLawWindow"),
        ((0.5, 0.2), {}, "expected omega_max > omega_min"),
        (PowerLawWindow.lowest_k(60), {}, "needs k \\+ 1 = 61 non-zero modes"),
        ((0.0, 1e-4), {}, "holds 0 non-zero modes"),
        ("below_phonon", {"omega0": 1.0, "transverse_sound_speed": 1.0}, "either omega0 or transverse_sound_speed"),
        ("below_phonon", {}, "needs box_length"),
    ],
    ids=["unknown-name", "one-edge", "reversed", "k-too-large", "empty", "both-phonon-inputs", "no-box"],
)
def test_bad_windows_explain(window: object, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        power_law_exponent(ensemble(3.0, seed=0, n_sample=5), window, n_bootstrap=5, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rule": "lowest_k", "k": 1}, "expected an integer >= 2"),
        ({"rule": "lowest_k", "k": 5, "omega_min": 0.1}, "omega_min must be 0"),
        ({"rule": "below_phonon", "phonon_factor": 1.5}, r"expected a number in \(0, 1\]"),
        ({"rule": "explicit", "omega_max": 1.0, "k": 3}, "k belongs to the 'lowest_k' rule"),
        ({"rule": "median"}, "expected one of"),
    ],
    ids=["k<2", "k-with-omega_min", "factor>1", "k-on-explicit", "unknown-rule"],
)
def test_window_validation(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        PowerLawWindow(**kwargs)  # type: ignore[arg-type]


def test_parameter_grid_is_refused() -> None:
    with pytest.raises(ParameterPointError, match=r"ds\.vdos\.points\(\)"):
        power_law_exponent(mock_spectrum(parameters={"delta": [0.0, 0.1]}), (0.0, 1.0))


def test_plot_and_json() -> None:
    res = power_law_exponent(ensemble(4.0, seed=1), (0.0, 0.9), n_bootstrap=20)
    fig, ax = plt.subplots()
    assert res.plot(ax) is ax
    assert len(ax.get_lines()) == len(res.curve["trial_exponent"]) + 1
    plt.close(fig)
    d = json.loads(json.dumps(res.to_dict()))
    assert set(d["measurements"]) == {"s_flatness", "s_mle"}
    assert d["measurements"]["s_mle"]["settings"]["fisher_standard_error"] == pytest.approx(res.fisher_standard_error)


# ----------------------------------------------------------------------------- lowest phonon ω0


def square_lattice(L: int, n_sample: int = 2) -> xr.Dataset:
    """Unit square lattice (t = 1, unit masses) with its exact spectrum λ = Σ_a 2(1 − cos k_a)."""
    x, y = np.divmod(np.arange(L * L), L)
    idx = x * L + y
    i = np.r_[idx, idx]
    j = np.r_[((x + 1) % L) * L + y, x * L + (y + 1) % L]
    k = 2 * np.pi * np.arange(L) / L
    lam = np.sort((2 * (1 - np.cos(k))[:, None] + 2 * (1 - np.cos(k))[None, :]).ravel())
    lam[0] = 0.0
    u = {"units": "1"}
    n_pair = i.size
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), np.tile(lam, (n_sample, 1)), {"long_name": "eigenvalue", **u}),
            "zero_mode": (
                ("sample", "mode"),
                np.tile(np.arange(L * L) == 0, (n_sample, 1)),
                {"long_name": "zero", **u},
            ),
            "position": (("sample", "site", "spatial"), np.tile(np.c_[x, y].astype(float), (n_sample, 1, 1)), u),
            "box_length": ("sample", np.full(n_sample, float(L)), u),
            "pair_count": ("sample", np.full(n_sample, n_pair), u),
            "pair_i": ("pair", np.tile(i, n_sample), u),
            "pair_j": ("pair", np.tile(j, n_sample), u),
            "pair_stiffness": ("pair", np.ones(n_pair * n_sample), u),
        },
        coords={"sample": np.arange(n_sample), "mode": np.arange(L * L), "spatial": ["x", "y"]},
        attrs={"spatial_dimension": 2, "site_degrees_of_freedom": 1},
    )


@pytest.mark.parametrize("L", [8, 12], ids=["L=8", "L=12"])
def test_omega0_of_the_unit_square_lattice(L: int) -> None:
    ds = square_lattice(L)
    k0 = 2 * np.pi / L
    c_disp = float(sound_speed(ds, "dispersion")[0])
    m = lowest_phonon_frequency(ds, method="dispersion", n_bootstrap=20)
    assert m.value == pytest.approx(k0 * c_disp, rel=1e-12)
    assert m.value == pytest.approx(math.sqrt(2 * (1 - math.cos(k0))), rel=1e-12)  # the lowest shell itself
    assert m.uncertainty == pytest.approx(0.0, abs=1e-14)  # identical samples: the bootstrap has no spread
    m_mod = lowest_phonon_frequency(ds, n_bootstrap=20)  # springs stored: exact homogenisation, c = 1
    assert m_mod.settings["sound_method"] == "modulus"
    assert m_mod.value == pytest.approx(k0, rel=1e-10)
    assert float(phonon_frequency(L, 1.0)) == pytest.approx(k0)


def test_omega0_from_a_given_sound_speed_measurement() -> None:
    ds = square_lattice(10)
    v = Measurement("v_T", 2.0, 0.1, 1.8, 2.2, 0.95, "1")
    m = lowest_phonon_frequency(ds, v, n_bootstrap=20)
    assert m.value == pytest.approx(2 * np.pi * 2.0 / 10)
    assert m.uncertainty == pytest.approx(m.value * 0.05)
    assert m.low < m.value < m.high


def test_omega0_of_a_vector_model_needs_the_transverse_speed() -> None:
    ds = square_lattice(6)
    ds.attrs["site_degrees_of_freedom"] = 2
    with pytest.raises(ValueError, match="pass transverse_sound_speed=v_T"):
        lowest_phonon_frequency(ds)
    assert lowest_phonon_frequency(ds, 1.0, n_bootstrap=5).value == pytest.approx(2 * np.pi / 6)
