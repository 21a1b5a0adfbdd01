"""HET in the self-consistent Born approximation (seed 001, Methods M1, eqs. 24–40).

Three kinds of check: against brute force (quadrature of eq. 33, explicit
wavevector sums), against limits (γ → 0 Debye, the marginal point, the
finite-size gap closing), and the validators of the package run on the
theory's quantile spectrum.  Cases built to fail: the quadratic model's γ_c
(stable in the full SCBA), γ above γ_c (g ∝ ω, not ω²), a wrong DOS against
a quantile spectrum.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import cumulative_trapezoid, quad
from vdosbench.datasets import check
from vdosbench.generators.theory.het import (
    DEFAULT_GAMMA_RATIOS,
    Wavevectors,
    default_omega_grid,
    finite_size_gap,
    marginal_point,
    quantile_eigenvalues,
    scba_residual,
    self_energy_at_zero,
    solve_self_energy,
)
from vdosbench.generators.theory.het_datasets import (
    FiniteSizeHETParams,
    HETParams,
    het_finite_size,
    het_scba,
    het_scba_sample,
)
from vdosbench.generators import get_generator
from vdosbench.validators import truncated_power_law_mle

#: Relative agreement with Debye's DOS at γ = 10⁻⁶γ_c (Σ̃ ~ 10⁻⁷), away from the edges.
DEBYE_RTOL = 1e-4
#: |Σ̃ − 3γ∫q⁴(⅔G_L + G_T)dq| by adaptive quadrature (brute force of eq. 33).
QUADRATURE_TOL = 1e-8
#: Residual of the stored solution, recomputed.
RESIDUAL_TOL = 1e-11
#: Local log-log slope of g at γ_c on ω̃ ∈ [1e-3, 1e-2] (corrections are O(ω̃)).
MARGINAL_SLOPE_TOL = 0.01
#: Maximum-likelihood s on the quantile spectrum (M = 10⁶) at γ_c, window ω̃ ≤ 0.05: near γ_c,
#: Σ̃ − Σ̃_c = c₁√(−z̃) + c₂z̃ + …, so g/ω̃² = A − Bω̃ and the window-averaged exponent is 2 − O(ω̃)
#: (1.96 here; 1.86 for ω̃ ≤ 0.1).
MARGINAL_MLE_TOL = 0.06
#: KS distance between the quantile spectrum and its own DOS, beyond 1/(2M): this test
#: interpolates F linearly between grid points, the module inverts the trapezoid F exactly.
KS_SLACK = 1e-5

K_TILDE = 3.0


def _gc(k: float = K_TILDE) -> float:
    return marginal_point(k).gamma_c


# ----------------------------------------------------------------------------- brute force


@pytest.mark.parametrize(
    ("z", "c"),
    [(0.3 + 0.05j, 1.0 + 0.0j), (0.8 + 0.2j, 0.7 - 0.1j), (2.0 + 0.5j, 4.3 - 0.2j), (1e-3 + 1e-3j, 0.5 - 0.3j)],
    ids=["inside", "complex-c", "longitudinal", "low-z"],
)
def test_closed_form_green_against_quadrature(z: complex, c: complex) -> None:
    # eq. 34 with eq. 24: 3∫₀¹ q²/(−z + q²c) dq, and its c-derivative −3∫ q⁴/(−z + q²c)² dq
    g, dg = Wavevectors.continuum().green(z, c)
    re = quad(lambda q: (3 * q * q / (-z + q * q * c)).real, 0, 1, epsabs=1e-12, limit=200)[0]
    im = quad(lambda q: (3 * q * q / (-z + q * q * c)).imag, 0, 1, epsabs=1e-12, limit=200)[0]
    dre = quad(lambda q: (-3 * q**4 / (-z + q * q * c) ** 2).real, 0, 1, epsabs=1e-12, limit=200)[0]
    dim = quad(lambda q: (-3 * q**4 / (-z + q * q * c) ** 2).imag, 0, 1, epsabs=1e-12, limit=200)[0]
    assert abs(g - complex(re, im)) < 1e-9
    assert abs(dg - complex(dre, dim)) < 1e-8


@pytest.mark.parametrize("ell", [1.5, 2.0, 3.3], ids=["l1.5", "l2", "l3.3"])
def test_box_shells_against_explicit_wavevectors(ell: float) -> None:
    wv = Wavevectors.periodic_box(ell)
    n = np.arange(-4, 5)
    vecs = np.array([(a, b, c) for a in n for b in n for c in n])
    q2 = (vecs**2).sum(axis=1) / ell**2
    q2 = q2[(q2 > 0) & (q2 < 1)]
    z, c = 0.2 + 0.01j, 0.8 - 0.05j
    brute = np.mean(1.0 / (-z + q2 * c))
    assert wv.n_wavevectors == q2.size
    assert abs(wv.green(z, c)[0] - brute) < 1e-12


def _eq33_by_quadrature(gamma: float, z: complex, a: complex, m: complex) -> tuple[float, float]:
    """3γ∫₀¹ q⁴ [⅔/(−z + q²M̃) + 1/(−z + q²(1 − Σ̃))] dq, real and imaginary parts."""

    def integrand(q: float) -> complex:
        return 3 * gamma * q**4 * (2 / 3 / (-z + q * q * m) + 1 / (-z + q * q * a))

    re = quad(lambda q: integrand(q).real, 0, 1, epsabs=1e-12, limit=400)[0]
    im = quad(lambda q: integrand(q).imag, 0, 1, epsabs=1e-12, limit=400)[0]
    return re, im


@pytest.mark.parametrize("ratio", [0.5, 0.9, 1.0], ids=["half", "0.9", "marginal"])
def test_solution_satisfies_eq33_on_whole_grid(ratio: float) -> None:
    gamma = ratio * _gc()
    w = default_omega_grid(K_TILDE, n_omega=600)
    sol = solve_self_energy(w**2, gamma, K_TILDE)
    # stored and recomputed residuals on every grid point
    assert np.all(sol.residual <= sol.tolerance)
    assert np.max(scba_residual(sol.sigma, sol.lam, gamma, K_TILDE, eta=sol.eta)) < RESIDUAL_TOL
    assert np.all(sol.sigma.imag >= 0)  # retarded branch
    # brute force: the first line of eq. 33 by quadrature at points where Σ″ is not tiny
    for lam in (0.05, 0.3, 1.0, 3.0):
        i = int(np.argmin(abs(sol.lam - lam)))
        s, z = sol.sigma[i], complex(sol.lam[i], sol.eta)
        a, m = 1 - s, K_TILDE + 4 / 3 * (1 - s)

        re, im = _eq33_by_quadrature(gamma, z, a, m)
        assert abs(s - complex(re, im)) < QUADRATURE_TOL, lam


def test_finite_size_solution_satisfies_its_equation() -> None:
    w = default_omega_grid(K_TILDE, n_omega=400)
    sol = solve_self_energy(w**2, 0.9 * _gc(), K_TILDE, box_edge=3.0)
    assert np.all(sol.residual <= sol.tolerance)
    assert np.max(scba_residual(sol.sigma, sol.lam, sol.gamma, K_TILDE, box_edge=3.0, eta=sol.eta)) < RESIDUAL_TOL


# ----------------------------------------------------------------------------- limits


@pytest.mark.parametrize("k", [1.0, 3.0, 10.0], ids=["K1", "K3", "K10"])
def test_weak_disorder_gives_debye_with_input_sound_speeds(k: float) -> None:
    # γ → 0: G_T = 1/(−z + q²), G_L = 1/(−z + q²(K̃ + 4/3)): v_T = 1, v_L = √(K̃ + 4/3), cutoff q = 1;
    # each branch is Debye's 3ω²/ω_D³ with ω_D = v k_ξ, weights 2/3 (T) and 1/3 (L)
    v_l = math.sqrt(k + 4 / 3)
    w = default_omega_grid(k, n_omega=800)
    expected = (2 / 3) * 3 * w**2 * (w < 1) + (1 / 3) * 3 * w**2 / v_l**3 * (w < v_l)
    away = (np.abs(w - 1) > 0.03) & (np.abs(w - v_l) > 0.03)
    sol = solve_self_energy(w**2, 1e-6 * _gc(k), k)
    # atol: the O(γ) tails of the SCBA band above the Debye edges
    np.testing.assert_allclose(sol.density_of_states[away], expected[away], rtol=DEBYE_RTOL, atol=1e-8)
    exact = solve_self_energy(w**2, 0.0, k)
    # atol: the Lorentzian η-tails above the Debye edges
    np.testing.assert_allclose(exact.density_of_states[away], expected[away], rtol=1e-10, atol=1e-9)


def test_dos_is_normalised_and_eta_insensitive() -> None:
    w = default_omega_grid(K_TILDE, n_omega=1500)
    a = solve_self_energy(w**2, 0.9 * _gc(), K_TILDE, eta=1e-10)
    b = solve_self_energy(w**2, 0.9 * _gc(), K_TILDE, eta=1e-8)
    total = np.trapezoid(a.density_of_states, w) + a.density_of_states[0] * w[0] / 3
    assert abs(total - 1) < 1e-4  # eq. 35 sum rule
    assert np.max(np.abs(a.density_of_states - b.density_of_states)) < 1e-6 * a.density_of_states.max()


@pytest.mark.parametrize("k", [0.5, 3.0, 10.0, 100.0], ids=["K0.5", "K3", "K10", "K100"])
def test_marginal_point_full_vs_quadratic(k: float) -> None:
    mp = marginal_point(k)
    # brute force: the maximum of γ(x) = x(1 − x)(3K + 4x)/(3K + 6x) on a dense grid
    x = np.linspace(1e-6, 1 - 1e-6, 2_000_001)
    gx = x * (1 - x) * (3 * k + 4 * x) / (3 * k + 6 * x)
    assert abs(mp.gamma_c - gx.max()) < 1e-12
    assert abs(mp.sigma_c - (1 - x[np.argmax(gx)])) < 1e-5
    # the quadratic model (eqs. 38-39) evaluates the same function at x = 1/2
    assert mp.gamma_c_quadratic == pytest.approx((3 * k + 2) / (4 * (3 * k + 3)), rel=1e-14)
    assert mp.gamma_c >= mp.gamma_c_quadratic
    assert mp.sigma_c > 0.5 and mp.gamma_tilde_c < 0.25
    # stated accuracy: the quadratic γ_c is at most 0.3 % low (largest, 0.26 %, near K̃ = 1)
    assert (mp.gamma_c - mp.gamma_c_quadratic) / mp.gamma_c < 3e-3
    assert abs(mp.sigma_c - 0.5) < 0.03


def test_quadratic_model_is_exact_where_b_is_constant() -> None:
    # B̃ = ⅔x/(K̃ + 4x/3) is independent of Σ̃ = 1 − x for K̃ → 0 (B̃ = ½) and K̃ → ∞ (B̃ = 0):
    # there the quadratic model is exact; in between it misses the Σ̃-dependence of B̃
    points = {k: marginal_point(k) for k in (1e-4, 1, 1e4)}
    rel = {k: (mp.gamma_c - mp.gamma_c_quadratic) / mp.gamma_c for k, mp in points.items()}
    assert rel[1e-4] < 1e-5 and rel[1e4] < 1e-7
    assert rel[1] > 2e-3


def test_solver_confirms_the_marginal_point() -> None:
    mp = marginal_point(K_TILDE)
    lam = np.array([1e-6, 1e-4])
    below = solve_self_energy(lam, (1 - 1e-3) * mp.gamma_c, K_TILDE)
    above = solve_self_energy(lam, (1 + 1e-3) * mp.gamma_c, K_TILDE)
    assert below.sigma[0].imag < 1e-5  # stable: Σ″ → 0
    assert above.sigma[0].imag > 1e-2  # unstable: Σ″(0) > 0
    assert abs(above.sigma[0] - self_energy_at_zero((1 + 1e-3) * mp.gamma_c, K_TILDE)) < 1e-3
    assert abs(below.sigma[0].real - self_energy_at_zero((1 - 1e-3) * mp.gamma_c, K_TILDE).real) < 1e-3
    # built to fail for the quadratic model: γ between γ_c^quad and γ_c is still stable
    between = 0.5 * (mp.gamma_c_quadratic + mp.gamma_c)
    assert between > mp.gamma_c_quadratic
    assert solve_self_energy(lam, between, K_TILDE).sigma[0].imag < 1e-5


def test_boson_peak_moves_to_zero_at_marginality() -> None:
    ds = het_scba()
    check(ds)
    ratios = ds["gamma_ratio"].values
    assert ratios.tolist() == sorted(DEFAULT_GAMMA_RATIOS)
    peak = ds["boson_peak_frequency"].values[:, 0]
    assert np.all(np.diff(peak) < 0)
    assert peak[-1] == 0.0 and ratios[-1] == 1.0
    assert peak[-2] < 0.15  # γ/γ_c = 0.97
    low = ds["density_of_states"].isel(omega=0).values[:, 0] / ds["omega"].values[0] ** 2
    assert np.all(np.diff(low) > 0)  # the low-frequency reduced DOS grows towards γ_c


def test_marginal_dos_is_omega_squared() -> None:
    gc = _gc()
    w = default_omega_grid(K_TILDE, n_omega=1500)
    sol = solve_self_energy(w**2, gc, K_TILDE)
    g = sol.density_of_states
    sel = (w >= 1e-3) & (w <= 1e-2)
    slope = np.polyfit(np.log(w[sel]), np.log(g[sel]), 1)[0]
    assert abs(slope - 2) < MARGINAL_SLOPE_TOL
    # the maximum of g/ω² is at ω → 0 at γ_c, but not below it
    red = g / w**2
    assert red[0] == red.max()
    sub = solve_self_energy(w**2, 0.9 * gc, K_TILDE).density_of_states / w**2
    assert sub[0] < sub.max()
    # the same exponent on the quantile spectrum, by a validator's maximum likelihood
    lam, _ = quantile_eigenvalues(w, g, 1_000_000)
    om = np.sqrt(lam)
    s, _ = truncated_power_law_mle(om[om <= 0.05], 0.0, 0.05)
    assert abs(s - 2) < MARGINAL_MLE_TOL


def test_above_marginality_dos_is_linear() -> None:
    # built to fail: ρ(0) > 0 above γ_c, so g = 2ωρ ∝ ω (s = 1, not 2)
    w = np.geomspace(1e-3, 1e-2, 30)
    g = solve_self_energy(w**2, 1.05 * _gc(), K_TILDE).density_of_states
    slope = np.polyfit(np.log(w), np.log(g), 1)[0]
    assert abs(slope - 1) < 0.05


# ----------------------------------------------------------------------------- quantile spectrum


def _ks(omega_k: np.ndarray, w: np.ndarray, g: np.ndarray) -> float:
    cdf = np.concatenate([[0.0], cumulative_trapezoid(g, w)]) + g[0] * w[0] / 3
    cdf /= cdf[-1]
    m = omega_k.size
    f = np.interp(omega_k, w, cdf)
    f = np.where(omega_k < w[0], g[0] * omega_k**3 / (3 * (np.trapezoid(g, w) + g[0] * w[0] / 3)), f)
    i = np.arange(1, m + 1)
    return float(max(np.max(i / m - f), np.max(f - (i - 1) / m)))


def test_quantile_spectrum_reproduces_the_dos() -> None:
    ds = het_scba_sample({"gamma_ratio": 0.9, "n_modes": 2000})
    w = ds["omega"].values
    g = ds["density_of_states"].values[0]
    omega_k = np.sqrt(ds["eigenvalue"].values[0])
    ks = _ks(omega_k, w, g)
    assert ks <= 1 / (2 * 2000) + KS_SLACK
    # built to fail: the same quantiles against the DOS at γ = γ_c/4
    other = het_scba_sample({"gamma_ratio": 0.25, "n_omega": 1500, "n_modes": 10})["density_of_states"].values[0]
    assert _ks(omega_k, w, other) > 0.01


def test_quantile_spectrum_of_a_known_law() -> None:
    w = np.linspace(0.01, 1.0, 3000)
    lam, total = quantile_eigenvalues(w, 3 * w**2, 50)
    u = (np.arange(1, 51) - 0.5) / 50
    np.testing.assert_allclose(np.sqrt(lam), u ** (1 / 3), rtol=1e-6)
    assert total == pytest.approx(1.0, abs=1e-6)


def test_quantile_spectrum_rejects_negative_dos() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        quantile_eigenvalues([0.1, 0.2, 0.3], [1.0, -1.0, 1.0], 3)


# ----------------------------------------------------------------------------- finite size


@pytest.mark.parametrize("ell", [2.0, 3.0, 4.0], ids=["l2", "l3", "l4"])
def test_finite_size_gap_closes_at_marginality(ell: float) -> None:
    gc = _gc()
    ratios = np.array([0.9, 0.95, 0.98, 0.99, 0.995])
    gaps = np.array([finite_size_gap(r * gc, K_TILDE, ell).gap_edge for r in ratios])
    assert np.all(gaps > 0) and np.all(np.diff(gaps) < 0)
    # linear closing: the last three points extrapolate to zero at γ = γ_c
    slope, intercept = np.polyfit(ratios[-3:], gaps[-3:], 1)
    assert abs(-intercept / slope - 1.0) < 1e-3
    assert finite_size_gap(gc, K_TILDE, ell).gap_edge == pytest.approx(0.0, abs=1e-12)
    # eq. 40 linearised at the full marginal point has the exact slope
    near = finite_size_gap(0.995 * gc, K_TILDE, ell)
    assert near.gap_edge / near.gap_edge_eq40 == pytest.approx(1.0, abs=0.01)
    # eq. 40 as written closes at the quadratic model's γ_c, where the true gap is still open
    mp = marginal_point(K_TILDE)
    early = finite_size_gap(mp.gamma_c_quadratic, K_TILDE, ell)
    assert early.gap_edge > 1e-5 and abs(early.gap_edge_eq40_literal) < 1e-9
    assert near.gap_edge < near.lowest_resonance


def test_finite_size_dos_has_a_square_root_edge() -> None:
    gap = finite_size_gap(0.95 * _gc(), K_TILDE, 2.0)
    lc = gap.gap_edge
    lam = np.concatenate([[0.5 * lc, 0.9 * lc], lc + lc * np.geomspace(1e-4, 1e-2, 12)])
    sol = solve_self_energy(lam, gap.gamma, K_TILDE, box_edge=2.0, eta=1e-12)
    assert np.all(sol.level_density[:2] < 1e-9)  # the gap (ρ ∝ η there)
    beta = np.polyfit(np.log(lam[2:] - lc), np.log(sol.level_density[2:]), 1)[0]
    assert abs(beta - 0.5) < 0.05  # eq. 40: ρ ∝ √(λ − λ_c)


def test_finite_size_dataset() -> None:
    ds = het_finite_size((0.9, 0.99), (2.0, 3.0), n_omega=400, n_modes=300)
    check(ds)
    assert dict(ds.sizes) == {"gamma_ratio": 2, "box_edge": 2, "sample": 1, "mode": 300, "omega": 400}
    gap = ds["gap_edge"].values[..., 0]
    assert np.all(gap[0] > gap[1])
    lowest = ds["eigenvalue"].isel(mode=0).values[..., 0]
    assert np.all(lowest > gap)  # the quantile spectrum lies above the gap
    np.testing.assert_allclose(ds["dos_integral"].values, 1.0, atol=1e-3)
    np.testing.assert_allclose(ds["box_length"].values[0, :, 0], 2 * np.pi * np.array([2.0, 3.0]))


def test_finite_size_gap_rejects_unstable_disorder() -> None:
    with pytest.raises(ValueError, match="exceeds the marginal point"):
        finite_size_gap(1.1 * _gc(), K_TILDE, 3.0)


# ----------------------------------------------------------------------------- datasets and errors


def test_het_scba_dataset_follows_the_convention() -> None:
    ds = het_scba((0.0, 0.5, 1.0), n_omega=400, n_modes=200)
    check(ds)
    assert ds.attrs["generator"] == "het_scba" and ds.attrs["root_seed"] == 0  # deterministic: seed unused
    assert "10.1038/s41467-024-46981-7" in ds.attrs["references"]
    assert ds.attrs["eigenvalue_construction"].startswith("quantiles of the theory DOS, M = 200")
    for name in ("density_of_states", "self_energy_real", "self_energy_imag"):
        assert ds[name].dims == ("gamma_ratio", "sample", "omega") and ds[name].attrs["long_name"]
    assert np.isnan(ds["boson_peak_frequency"].values[0, 0])  # γ = 0: no peak
    assert np.all(ds["self_energy_imag"].values >= 0)


@pytest.mark.parametrize("name", ["het_scba", "het_finite_size"], ids=["scba", "finite"])
def test_registered_generators_make_one_sample(name: str) -> None:
    gen = get_generator(name)
    params = {**gen.fixed_defaults, **{k: v[-1] for k, v in gen.grid_defaults.items()}, "n_omega": 200, "n_modes": 50}
    ds = gen.make_sample(params, np.random.SeedSequence(0), 2)
    check(ds)
    assert ds.sizes["sample"] == 1 and int(ds["sample"].item()) == 2


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: HETParams(gamma_ratio=1.5), "gamma_ratio must lie in"),
        (lambda: FiniteSizeHETParams(box_edge=1.0), "box_edge must be > 1"),
        (lambda: HETParams.from_mapping({"gamma": 0.1}), "unknown HETParams parameter"),
        (lambda: solve_self_energy([0.3, 0.1], 0.1), "strictly ascending"),
        (lambda: marginal_point(-1.0), "bulk_ratio must be >"),
    ],
    ids=["unstable", "tiny-box", "unknown-key", "unsorted", "negative-K"],
)
def test_bad_input_is_explained(make: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make()  # type: ignore[operator]
