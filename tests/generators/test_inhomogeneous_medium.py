"""Tests of the seed-000 closed form, the numerical inhomogeneous medium and C(q, ω)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest
import scipy.integrate
import scipy.linalg
import xarray as xr
from threadpoolctl import threadpool_limits
from vdosbench.datasets import check
from vdosbench.generators import get_generator, run_ensemble
from vdosbench.generators import current_correlation, medium_current_correlation
from vdosbench.generators.theory.inhomogeneous_closed_form import (
    CROSSOVER_COEFFICIENT,
    closed_form_cdf,
    closed_form_dataset,
    closed_form_dos,
    closed_form_quantiles,
    closed_form_sample,
    crossover_frequency,
    debye_frequency,
)
from vdosbench.generators import (
    MediumParams,
    build_medium,
    gaussian_random_field,
    inhomogeneous_medium_sample,
    layered_conductance,
    layered_spectrum,
)
from vdosbench.validators import crossover_frequency as measure_crossover
from vdosbench.validators import crossover_slope
from vdosbench.validators import conductance_tensor, sound_speed

#: Log-slope of the closed form at ω = 10⁻³ ω_BP and 10³ ω_BP: the exact slope is
#: 4 − 2ω²/(ω² + ω_BP²), i.e. 4 − 2·10⁻⁶ and 2 + 2·10⁻⁶; central differences add ~10⁻⁹.
LOG_SLOPE_ATOL = 1e-5
#: Log-slope of the counting function F from the quantile spectrum: F ∝ ω⁵(1 − (5/7)(ω/ω_BP)² …)
#: for ω ≤ ω_BP/10 and ∝ ω³(1 − 3(ω_BP/ω)² …) for ω ≥ 30 ω_BP, so the slopes are within 0.02.
QUANTILE_SLOPE_ATOL = 0.02
#: Relative accuracy of the maximum of D/ω³ found on a log grid of step 10⁻⁴.
PEAK_RTOL = 2e-4
#: Eigenvalues of O(1)–O(12) matrices from LAPACK and from the Bloch blocks.
EIGENVALUE_ATOL = 1e-10
#: Sound speed from exact homogenisation of the homogeneous lattice (rounding only).
SPEED_ATOL = 1e-10
#: Lowest shell ω = 2 sin(π/L) against c k = 2π/L: the lattice dispersion
#: 2 sin(k/2)/k = 1 − k²/24 + … bounds the difference by (π/L)²/6 relative.
#: Modes with ω ≤ 0.6 against the Debye count N ω^d V_d/((2π)^d c^d): lattice
#: dispersion adds ≤ (2 asin(0.3)/0.6)^d − 1 ≤ 5 %, counting lattice points in a
#: sphere (disc) of radius ≈ 3.9 (≈ 12) adds a few % more.
DEBYE_RTOL = 0.10
#: The field's measured correlation length (where C(r) = e^{-1/2}) times k_G,
#: mean of 4 fields in a box of 16: 1 within the scatter and finite-box bias (≈ 3 %).
CORRELATION_RTOL = 0.10
#: Slope of ln ξ against ln k_G: −1.
CORRELATION_SLOPE_ATOL = 0.1
#: ML fit of ω_BP on the 4096-mode quantile spectrum, and the slope over k_G.
FIT_RTOL = 0.02
#: Completeness of the C(q, ω) mode weights and its sum rule on a grid of step ≈ 0.005 (η = 0.03).
WEIGHT_ATOL = 1e-10
SUM_RULE_RTOL = 1e-3

VARIANTS = ("modulation", "random", "inclusions")


@pytest.fixture(autouse=True)
def _one_blas_thread() -> Iterator[None]:
    # small dense eigenproblems (N ≤ 1000) run fastest on one thread, and cores are shared
    with threadpool_limits(limits=1):
        yield


def _seed(n: int = 0) -> np.random.SeedSequence:
    return np.random.SeedSequence(20260417, spawn_key=(n,))


# ---------------------------------------------------------------------------
# closed form (eq. 16) and the sign of eqs 14/E8
# ---------------------------------------------------------------------------


def _log_slope(f, w: float, h: float = 1e-4) -> float:
    return float((math.log(f(w * math.exp(h))) - math.log(f(w * math.exp(-h)))) / (2 * h))


@pytest.mark.parametrize(("k_G", "c"), [(0.5, 1.0), (1.0, 2.0), (3.0, 0.7)], ids=["kG0.5-c1", "kG1-c2", "kG3-c0.7"])
def test_closed_form_limits_are_omega4_and_omega2(k_G: float, c: float) -> None:
    # Eq. 17: ω ≪ ω_BP gives ω⁴; eq. 18: ω ≫ ω_BP gives ω² (Debye).
    a = crossover_frequency(k_G, c)

    def dos(w: float) -> float:
        return float(closed_form_dos(w, k_G, c))

    assert _log_slope(dos, 1e-3 * a) == pytest.approx(4.0, abs=LOG_SLOPE_ATOL)
    assert _log_slope(dos, 1e3 * a) == pytest.approx(2.0, abs=LOG_SLOPE_ATOL)
    assert dos(1e-3 * a) == pytest.approx((1e-3 * a) ** 4 / a**2, rel=1e-5)


def test_quantile_spectrum_has_the_two_power_laws() -> None:
    # F(ω_k) = (k − ½)/M exactly, so ln F against ln ω over the low and the high
    # quantiles measures the exponent + 1: 5 below ω_BP, 3 above.
    n = 20000
    low = closed_form_quantiles(n, 2 / math.sqrt(3) * 20.0, 1.0, omega_max=2.0)  # ω_BP = 20 ≫ ω_max = 2
    u = (np.arange(1, n + 1) - 0.5) / n
    keep = low <= 2.0
    slope_low = np.polyfit(np.log(low[keep][:2000]), np.log(u[keep][:2000]), 1)[0]
    assert slope_low == pytest.approx(5.0, abs=QUANTILE_SLOPE_ATOL)
    a = 0.002
    high = closed_form_quantiles(n, a / CROSSOVER_COEFFICIENT, 1.0, omega_max=1.0)
    sel = high >= 30 * a
    slope_high = np.polyfit(np.log(high[sel]), np.log(u[sel]), 1)[0]
    assert slope_high == pytest.approx(3.0, abs=QUANTILE_SLOPE_ATOL)


@pytest.mark.parametrize(("k_G", "c"), [(0.5, 1.0), (1.0, 1.0), (2.0, 0.5)], ids=["kG0.5", "kG1", "kG2-c0.5"])
def test_maximum_of_dos_over_omega3_is_at_crossover(k_G: float, c: float) -> None:
    # d/dω [ω/(ω² + a²)] = (a² − ω²)/(ω² + a²)² = 0 at ω = a = (√3/2) c k_G.
    a = crossover_frequency(k_G, c)
    assert a == pytest.approx(math.sqrt(3) / 2 * c * k_G, rel=1e-15)
    w = a * np.exp(np.arange(-3.0, 3.0, 1e-4))
    peak = w[np.argmax(closed_form_dos(w, k_G, c) / w**3)]
    assert peak == pytest.approx(a, rel=PEAK_RTOL)
    reduced = closed_form_dos(w, k_G, c) / w**2
    assert np.all(np.diff(reduced) > 0), "D/ω² of eq. 16 must rise monotonically (no peak)"


def test_normalisation_on_the_window_against_quad() -> None:
    k_G, c, wmax = 1.3, 0.8, 2.5
    total, _ = scipy.integrate.quad(lambda w: float(closed_form_dos(w, k_G, c, omega_max=wmax)), 0, wmax, limit=200)
    assert total == pytest.approx(1.0, rel=1e-10)
    assert float(closed_form_dos(wmax * 1.01, k_G, c, omega_max=wmax)) == 0.0
    # the cancellation-free series branch of the primitive (ω ≪ ω_BP) against quad
    w = 0.01
    part, _ = scipy.integrate.quad(lambda x: float(closed_form_dos(x, k_G, c, omega_max=wmax)), 0, w)
    assert float(closed_form_cdf(w, k_G, c, omega_max=wmax)) == pytest.approx(part, rel=1e-9)
    assert float(closed_form_cdf(debye_frequency(c), 0.0, c)) == pytest.approx(1.0, rel=1e-14)


def test_minus_sign_variant_is_not_a_density_of_states() -> None:
    k_G, c = 1.0, 1.0
    a = crossover_frequency(k_G, c)
    below = closed_form_dos(np.array([0.2, 0.5, 0.8]) * a, k_G, c, sign=-1)
    assert np.all(below < 0), "eqs 14/E8 form must be negative below ω_BP"
    assert np.isnan(closed_form_dos(a, k_G, c, sign=-1))
    assert float(closed_form_dos(a * (1 + 1e-6), k_G, c, sign=-1)) > 1e5 * a**2  # the pole
    far = 1e3 * a
    assert float(closed_form_dos(far, k_G, c, sign=-1)) == pytest.approx(float(closed_form_dos(far, k_G, c)), rel=1e-5)
    with pytest.raises(ValueError, match="not a density of states"):
        closed_form_dos(0.5, k_G, c, sign=-1, omega_max=3.0)
    np.testing.assert_array_equal(closed_form_dos([0.3, 1.0], 0.0, c, sign=-1), closed_form_dos([0.3, 1.0], 0.0, c))
    ds = closed_form_sample({"k_G": k_G, "n_mode": 100, "n_omega": 200}, 0, 0)
    below_bp = ds.omega < float(ds.crossover_frequency)
    assert bool((ds.dos_minus_sign.where(below_bp) < 0).sum() == below_bp.sum())


@pytest.mark.parametrize("sign", [0, 2, True, "+"], ids=["zero", "two", "bool", "str"])
def test_sign_must_be_plus_or_minus_one(sign: object) -> None:
    with pytest.raises(ValueError, match="sign must be"):
        closed_form_dos(1.0, 1.0, sign=sign)  # type: ignore[arg-type]


def test_validators_measure_the_closed_form_slope() -> None:
    # The quantile spectrum carries eq. 16 to the validators: the ML fit recovers
    # ω_BP and the slope against c k_G is √3/2.
    ds = closed_form_dataset([0.5, 1.0, 1.5, 2.0], n_mode=4096, n_omega=50)
    check(ds)
    window = (0.0, debye_frequency())
    res = crossover_slope(ds, sound_speed=1.0, window=window, n_bootstrap=5)
    assert res.slope.value == pytest.approx(CROSSOVER_COEFFICIENT, rel=FIT_RTOL)
    for params, point in ds.vdos.points():
        fit = measure_crossover(point, window=window, n_bootstrap=5).fit_frequency.value
        assert fit == pytest.approx(crossover_frequency(params["k_G"]), rel=FIT_RTOL)
    # built to fail: k_G labels doubled, the slope halves and is rejected
    wrong = ds.assign_coords(k_G=ds.k_G * 2)
    bad = crossover_slope(wrong, sound_speed=1.0, window=window, n_bootstrap=5)
    assert abs(bad.slope.value - CROSSOVER_COEFFICIENT) > 10 * FIT_RTOL * CROSSOVER_COEFFICIENT


def test_closed_form_generator_random_draws_are_reproducible() -> None:
    gen = get_generator("inhomogeneous_medium_closed_form")
    params = {**gen.fixed_defaults, "k_G": 1.0, "draw": "random", "n_mode": 200}
    one = gen.make_sample(params, _seed(1), 1)
    check(one)
    xr.testing.assert_identical(one, gen.make_sample(params, _seed(1), 1))
    other = gen.make_sample(params, _seed(2), 2)
    assert not np.array_equal(one.eigenvalue.values, other.eigenvalue.values)
    with pytest.raises(ValueError, match="unknown closed-form parameter"):
        gen.make_sample({"k_G": 1.0, "kG": 2.0}, _seed(), 0)


# ---------------------------------------------------------------------------
# the numerical medium
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dimension", "n_side", "solver"),
    [(2, 16, "dense"), (3, 8, "dense"), (3, 16, "bloch")],
    ids=["2D-16-dense", "3D-8-dense", "3D-16-bloch"],
)
def test_homogeneous_lowest_shell_is_c_times_k(dimension: int, n_side: int, solver: str) -> None:
    # k_G = 0: λ(k) = Σ_a 2(1 − cos k_a); the lowest shell (2d modes) sits at
    # k = 2π/L, ω = 2 sin(π/L), and c = 1 from exact homogenisation.
    ds = inhomogeneous_medium_sample(
        {"variant": "random", "k_G": 0.0, "dimension": dimension, "n_side": n_side, "solver": solver}, _seed(), 0
    )
    check(ds)
    c = float(sound_speed(ds, "modulus")[0])
    assert c == pytest.approx(1.0, abs=SPEED_ATOL)
    k = 2 * math.pi / n_side
    lam = ds.eigenvalue.values[0]
    np.testing.assert_allclose(lam[1 : 1 + 2 * dimension], 2 * (1 - math.cos(k)), rtol=0, atol=EIGENVALUE_ATOL)
    assert lam[1 + 2 * dimension] > 2 * (1 - math.cos(k)) + 1e-6
    omega = np.sqrt(lam[1 : 1 + 2 * dimension])
    np.testing.assert_allclose(omega, c * k, rtol=(math.pi / n_side) ** 2 / 6 * 1.01)
    assert int(ds.zero_mode.sum()) == 1


@pytest.mark.parametrize(("dimension", "n_side"), [(3, 40), (2, 128)], ids=["3D-40", "2D-128"])
def test_homogeneous_low_frequency_count_is_debye_with_own_c(dimension: int, n_side: int) -> None:
    # Debye: N(ω) = N V_d (ω/c)^d / (2π)^d per unit density; here the modes below
    # ω = 0.6 of the Bloch-exact spectrum against that count with the sample's c.
    params = MediumParams(variant="modulation", k_G=0.0, dimension=dimension, n_side=n_side)
    medium = build_medium(params, _seed())
    omega = np.sqrt(np.clip(layered_spectrum(medium)[1:], 0, None))
    c = math.sqrt(np.trace(layered_conductance(medium)) / dimension)
    assert c == pytest.approx(1.0, abs=SPEED_ATOL)
    ball = math.pi ** (dimension / 2) / math.gamma(dimension / 2 + 1)

    def debye(w: float) -> float:
        return params.n_site * ball * (w / c) ** dimension / (2 * math.pi) ** dimension

    w = 0.6
    assert np.sum(omega <= w) / debye(w) == pytest.approx(1.0, rel=DEBYE_RTOL)
    if dimension == 3:
        # built to fail: eq. 16 with ω_BP = 0.6 puts 3(π/4 − 2/3) ≈ 0.36 of the Debye count below ω_BP
        # (≈ 0.38 once normalised to N modes on the Debye sphere); its quantile spectrum is rejected
        k_seed = 0.6 / CROSSOVER_COEFFICIENT
        seed = closed_form_quantiles(params.n_site, k_seed, c, omega_max=debye_frequency(c))
        ratio = np.sum(seed <= w) / debye(w)
        expected = params.n_site * float(closed_form_cdf(w, k_seed, c)) / debye(w)
        assert ratio == pytest.approx(expected, abs=1.0 / debye(w))
        assert abs(ratio - 1.0) > DEBYE_RTOL


@pytest.mark.parametrize(
    ("dimension", "n_side", "m"), [(2, 12, 2), (3, 8, 1), (3, 8, 3)], ids=["2D-12-m2", "3D-8-m1", "3D-8-m3"]
)
def test_bloch_spectrum_equals_dense(dimension: int, n_side: int, m: int) -> None:
    # brute force: the full dense spectrum of the same layered medium
    params = MediumParams(
        variant="modulation", k_G=2 * math.pi * m / n_side, dimension=dimension, n_side=n_side, modulation_amplitude=0.7
    )
    medium = build_medium(params, _seed())
    dense = scipy.linalg.eigh(medium.hessian().toarray(), eigvals_only=True)
    np.testing.assert_allclose(layered_spectrum(medium), dense, rtol=0, atol=EIGENVALUE_ATOL)


@pytest.mark.parametrize("dimension", [2, 3], ids=["2D", "3D"])
def test_layered_conductance_equals_homogenisation(dimension: int) -> None:
    params = {
        "variant": "modulation",
        "k_G": 2 * math.pi * 2 / 8,
        "dimension": dimension,
        "n_side": 8,
        "modulation_amplitude": 0.6,
    }
    ds = inhomogeneous_medium_sample(params, _seed(), 0)
    sigma = conductance_tensor(ds).values[0]
    np.testing.assert_allclose(
        sigma, layered_conductance(build_medium(MediumParams(**params), _seed())), rtol=0, atol=1e-12
    )


def _correlation_length(field: np.ndarray, spacing: float) -> float:
    """r where the axis-averaged periodic autocorrelation first drops below e^{-1/2} (linear interpolation)."""
    d = field.ndim
    power = np.abs(np.fft.rfftn(field)) ** 2
    corr = np.fft.irfftn(power, s=field.shape, axes=tuple(range(d)))
    corr /= corr.flat[0]
    profile = np.mean([np.moveaxis(corr, a, 0)[(slice(None),) + (0,) * (d - 1)] for a in range(d)], axis=0)
    k = int(np.argmax(profile < math.exp(-0.5)))
    return spacing * (k - 1 + (profile[k - 1] - math.exp(-0.5)) / (profile[k - 1] - profile[k]))


def test_random_field_correlation_length_is_one_over_k_G() -> None:
    rng = np.random.default_rng(7)
    k_values = np.array([0.5, 1.0, 2.0])
    xi = np.array(
        [
            np.mean([_correlation_length(gaussian_random_field(32, 3, 0.5, k, rng), 0.5) for _ in range(4)])
            for k in k_values
        ]
    )
    np.testing.assert_allclose(xi * k_values, 1.0, rtol=CORRELATION_RTOL)
    assert np.polyfit(np.log(k_values), np.log(xi), 1)[0] == pytest.approx(-1.0, abs=CORRELATION_SLOPE_ATOL)
    # built to fail: a filter of width 2 k_G (covariance exp(−2 k_G² r²)) has half the length
    too_short = np.mean([_correlation_length(gaussian_random_field(32, 3, 0.5, 2.0, rng), 0.5) for _ in range(4)])
    assert abs(too_short * 1.0 - 1.0) > CORRELATION_RTOL


def test_random_medium_uses_the_field_on_bond_midpoints() -> None:
    params = MediumParams(variant="random", k_G=0.7, dimension=2, n_side=10, log_modulus_std=0.8)
    medium = build_medium(params, _seed(3))
    field = gaussian_random_field(20, 2, 0.5, 0.7, np.random.default_rng(_seed(3)))
    mid = (2 * medium.positions[medium.pair_i] + np.eye(2)[medium.pair_axis]).astype(int) % 20
    np.testing.assert_allclose(medium.pair_stiffness, np.exp(0.8 * field[mid[:, 0], mid[:, 1]]), rtol=1e-14)
    ln_t = np.log(medium.pair_stiffness)
    assert abs(ln_t.std() - 0.8) < 0.25 and abs(ln_t.mean()) < 0.4


def test_inclusions_are_soft_spheres_of_radius_one_over_k_G() -> None:
    params = MediumParams(
        variant="inclusions", k_G=0.5, dimension=2, n_side=16, inclusion_fraction=0.2, inclusion_softness=0.1
    )
    medium = build_medium(params, _seed(4))
    # n = round(φ L² / (π R²)), R = 2: round(0.2·256/(4π)) = 4
    assert medium.n_inclusions == 4
    assert set(np.unique(medium.pair_stiffness).tolist()) == {0.1, 1.0}
    assert 0.0 < medium.soft_fraction <= 0.2 + 0.05


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("dimension", "n_side"), [(2, 8), (3, 6)], ids=["2D-8", "3D-6"])
def test_sample_passes_check_and_stores_springs(variant: str, dimension: int, n_side: int) -> None:
    k_G = 2 * math.pi / n_side * 2 if variant == "modulation" else 1.1
    ds = inhomogeneous_medium_sample(
        {"variant": variant, "k_G": k_G, "dimension": dimension, "n_side": n_side, "n_vectors": 3}, _seed(), 5
    )
    check(ds)
    n = n_side**dimension
    assert ds.sizes["mode"] == n and int(ds.pair_count[0]) == dimension * n
    assert ds["sample"].values.tolist() == [5]
    hessian = build_medium(
        MediumParams(variant=variant, k_G=k_G, dimension=dimension, n_side=n_side), _seed()
    ).hessian()
    vec = ds.eigenvector.values[0]
    lam = ds.eigenvalue.values[0][ds.vector_mode.values]
    residual = hessian @ vec.T - vec.T * lam
    assert np.max(np.abs(residual)) < 1e-8
    assert float(sound_speed(ds, "modulus")[0]) > 0


@pytest.mark.parametrize("variant", VARIANTS)
def test_seeds_are_reproducible(variant: str) -> None:
    k_G = 2 * math.pi * 2 / 8 if variant == "modulation" else 1.0
    params = {"variant": variant, "k_G": k_G, "dimension": 2, "n_side": 8}
    one = inhomogeneous_medium_sample(params, _seed(1), 1)
    xr.testing.assert_identical(one, inhomogeneous_medium_sample(params, _seed(1), 1))
    other = inhomogeneous_medium_sample(params, _seed(2), 1)
    same = np.array_equal(one.pair_stiffness.values, other.pair_stiffness.values)
    assert same == (variant == "modulation"), "only the modulation is deterministic"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"variant": "modulation", "k_G": 0.5, "n_side": 14}, "not commensurate"),
        ({"variant": "modulation", "k_G": 2 * math.pi * 6 / 8, "n_side": 8}, "exceeds pi"),
        ({"variant": "inclusions", "k_G": 0.1, "n_side": 14}, "does not fit in the box"),
        ({"variant": "random", "k_G": 1.0, "solver": "bloch"}, "needs a layered medium"),
        ({"variant": "waves", "k_G": 1.0}, "unknown variant"),
        ({"variant": "random", "k_G": -1.0}, "k_G must be >= 0"),
        ({"variant": "modulation", "k_G": 0.0, "modulation_amplitude": 1.0}, "epsilon"),
        ({"variant": "random", "k_G": 1.0, "dimension": 4}, "dimension must be 2 or 3"),
    ],
    ids=["incommensurate", "beyond-pi", "inclusion-too-big", "bloch-random", "variant", "negative-kG", "epsilon", "4D"],
)
def test_invalid_parameters_explain_the_fix(params: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MediumParams(**params)


def test_unknown_parameter_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown inhomogeneous-medium parameter.*valid parameters"):
        inhomogeneous_medium_sample({"variant": "random", "kG": 1.0}, _seed(), 0)


@pytest.mark.slow
def test_generator_runs_through_the_ensemble_runner(tmp_path) -> None:
    ds = run_ensemble(
        get_generator("inhomogeneous_medium"),
        grid={"variant": ["modulation", "inclusions"], "k_G": [0.0, 2 * math.pi / 5 * 2]},
        fixed={"n_side": 5, "dimension": 2},
        n_samples=2,
        root_seed=3,
        output=tmp_path / "medium",
        n_workers=1,
        progress=False,
    )
    check(ds)
    assert ds.eigenvalue.dims == ("variant", "k_G", "sample", "mode")
    speeds = [float(sound_speed(point, "modulus").mean()) for _, point in ds.vdos.points()]
    assert speeds[0] == pytest.approx(1.0, abs=SPEED_ATOL) and speeds[2] == pytest.approx(1.0, abs=SPEED_ATOL)


# ---------------------------------------------------------------------------
# C(q, ω)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("dimension", "n_side"), [(2, 16), (3, 8)], ids=["2D-16", "3D-8"])
def test_current_correlation_of_homogeneous_lattice_follows_dispersion(dimension: int, n_side: int) -> None:
    # Homogeneous lattice: the weight of q = 2πm/L lies on the plane waves with
    # that q, so C(q, ω) = π k_BT δ_η(ω − 2 sin(q/2)) ≈ c q for small q (c = 1).
    cq = medium_current_correlation(
        {"variant": "random", "k_G": 0.0, "dimension": dimension, "n_side": n_side},
        _seed(),
        n_q=3,
        width=0.03,
        omega=np.linspace(0.005, 3.0, 600),
    )
    q = cq.wavevector.values
    step = float(cq.omega[1] - cq.omega[0])
    np.testing.assert_allclose(cq.peak_frequency.values, 2 * np.sin(q / 2), rtol=0, atol=step)
    np.testing.assert_allclose(cq.peak_frequency.values, q, rtol=q.max() ** 2 / 24 + step / q.min())
    np.testing.assert_allclose(cq.mode_weight.sum("mode").values, 1.0, rtol=0, atol=WEIGHT_ATOL)
    integral = cq.current_correlation.integrate("omega").values
    np.testing.assert_allclose(integral, math.pi, rtol=SUM_RULE_RTOL)


def test_current_correlation_of_modulated_medium_has_umklapp_replicas() -> None:
    # Built to fail for the dispersion test: in the modulated medium a plane wave
    # q couples to q ± k_G, so part of the weight of q moves off ω(q).
    L, m = 16, 4
    common = {"dimension": 2, "n_side": L}
    homog = medium_current_correlation({"variant": "modulation", "k_G": 0.0, **common}, _seed(), n_q=6, axes=[0])
    mod = medium_current_correlation(
        {"variant": "modulation", "k_G": 2 * math.pi * m / L, "modulation_amplitude": 0.8, **common},
        _seed(),
        n_q=6,
        axes=[0],
    )
    assert _largest_degenerate_weight(homog).min() > 1 - WEIGHT_ATOL
    assert _largest_degenerate_weight(mod).min() < 0.99


def _largest_degenerate_weight(cq: xr.Dataset) -> np.ndarray:
    """Per q, the largest total weight carried by one group of degenerate modes (basis-independent)."""
    _, group = np.unique(np.round(cq.mode_frequency.values, 8), return_inverse=True)
    return np.array([np.bincount(group, weights=w).max() for w in cq.mode_weight.values])


def test_current_correlation_rejects_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="expected eigenvalues"):
        current_correlation(np.ones(3), np.eye(4), np.zeros((4, 2)), 2.0)
    with pytest.raises(ValueError, match="width must be > 0"):
        current_correlation(np.ones(4), np.eye(4), np.zeros((4, 2)), 2.0, width=0.0)
