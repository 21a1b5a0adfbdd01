"""Tests of the seed-000 elastic (vector) medium and its longitudinal and transverse current correlations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import scipy.integrate
from threadpoolctl import threadpool_limits
from vdosbench.datasets import check, open_dataset
from vdosbench.generators import get_generator
from vdosbench.generators.theory.current_correlation import (
    elastic_medium_current_correlation,
    polarised_current_correlation,
)
from vdosbench.generators.theory.elastic_medium import (
    BOND_VECTORS,
    MAX_SPEED_RATIO,
    ElasticMediumParams,
    allowed_wavevectors,
    build_elastic_medium,
    elastic_medium_dataset,
    elastic_medium_modes,
    elastic_medium_sample,
    lattice_dispersion,
)
from vdosbench.generators import MediumParams, build_medium
from vdosbench.generators.theory.modulus_field import gaussian_random_field, modulus_factor

#: Eigenvalues against the exact lattice dispersion (absolute, units of α/m; λ ≤ 16 here).
DISPERSION_TOL = 1e-10
#: Completeness sum rules of the current-correlation weights.
SUM_RULE_TOL = 1e-10


@pytest.fixture(autouse=True)
def _one_thread():
    with threadpool_limits(1):
        yield


def _exact_spectrum(p: ElasticMediumParams) -> np.ndarray:
    return np.sort(lattice_dispersion(allowed_wavevectors(p), p.alpha0, p.beta0).ravel())


# ------------------------------------------------------------------------------------------------
# the homogeneous limit: the exact dispersion of both polarisations
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"n_side": 6},
        {"n_side": 8, "speed_ratio": 1.4, "sound_speed": 0.7},
        {"n_side": 7, "speed_ratio": 1.1},
        # k_G > 0 with zero fluctuation: f = 1 on every bond
        {"n_side": 8, "variant": "random", "k_G": 0.9, "log_modulus_std": 0.0},
        {"n_side": 8, "variant": "modulation", "k_G": 2 * math.pi * 2 / 8, "modulation_amplitude": 0.0},
        {"n_side": 8, "variant": "inclusions", "k_G": 1.0, "inclusion_softness": 1.0},
    ],
    ids=["central", "ratio-1.4", "ratio-1.1-odd-side", "random-sigma-0", "modulation-eps-0", "inclusions-s-1"],
)
def test_homogeneous_spectrum_is_the_exact_lattice_dispersion(settings: dict) -> None:
    """Every eigenvalue of the 2N × 2N matrix is ω²(q) of one branch at one allowed q (both branches, every q)."""
    p = ElasticMediumParams(**settings)
    lam = np.linalg.eigvalsh(build_elastic_medium(p, 3).hessian().toarray())
    assert lam.size == 2 * p.n_site
    np.testing.assert_allclose(lam, _exact_spectrum(p), rtol=0, atol=DISPERSION_TOL)


def test_dispersion_test_can_fail() -> None:
    """Built to fail: a fluctuating medium, or the other c_L/c_T, is not the homogeneous dispersion."""
    p = ElasticMediumParams(n_side=8)
    soft = ElasticMediumParams(n_side=8, variant="random", k_G=0.9)
    lam = np.linalg.eigvalsh(build_elastic_medium(soft, 3).hessian().toarray())
    assert np.abs(lam - _exact_spectrum(p)).max() > 1e-3
    other = ElasticMediumParams(n_side=8, speed_ratio=1.5)
    assert np.abs(_exact_spectrum(other) - _exact_spectrum(p)).max() > 1e-3


@pytest.mark.parametrize("ratio", [MAX_SPEED_RATIO, 1.5, 1.05], ids=["central", "1.5", "1.05"])
def test_continuum_limit_is_isotropic_with_the_given_speeds(ratio: float) -> None:
    """ω²/q² → c_T² and c_L² as q → 0 in every direction (derivation in the module docstring)."""
    p = ElasticMediumParams(sound_speed=1.3, speed_ratio=ratio)
    q = 1e-4
    angles = np.linspace(0.0, math.pi, 7)
    omega2 = lattice_dispersion(q * np.stack([np.cos(angles), np.sin(angles)], axis=1), p.alpha0, p.beta0)
    np.testing.assert_allclose(omega2[:, 0] / q**2, p.sound_speed**2, rtol=1e-6)
    np.testing.assert_allclose(omega2[:, 1] / q**2, p.longitudinal_speed**2, rtol=1e-6)


def test_central_force_lattice_obeys_the_cauchy_relation() -> None:
    """c_L/c_T = √3 means β₀ = 0: only central springs, α₀ = 8 c_T²/3 (the triangular network's c_T² = 3k/8)."""
    p = ElasticMediumParams(sound_speed=2.0)
    assert p.beta0 == 0.0
    assert p.alpha0 == pytest.approx(8.0 * 4.0 / 3.0, rel=1e-14)


def test_lattice_geometry() -> None:
    """Every bond joins nearest neighbours at unit distance along its δ, 6 per site; the two translations are
    the only zero modes, and the random field's grid holds every midpoint."""
    p = ElasticMediumParams(n_side=9, variant="random", k_G=0.8)
    med = build_elastic_medium(p, 0)
    box = np.array(p.box)
    delta = med.positions[med.pair_j] - med.positions[med.pair_i]
    delta -= box * np.round(delta / box)
    np.testing.assert_allclose(delta, BOND_VECTORS[med.pair_direction], atol=1e-12)
    counts = np.bincount(np.concatenate([med.pair_i, med.pair_j]), minlength=p.n_site)
    assert np.all(counts == 6)
    lam = np.linalg.eigvalsh(med.hessian().toarray())
    assert np.all(np.abs(lam[:2]) < 1e-10) and lam[2] > 1e-3


def test_soft_inclusions_stay_stable_with_a_transverse_stiffness() -> None:
    """Every bond matrix is positive semi-definite (β₀ ≥ 0), so soft discs leave λ ≥ 0 and two zero modes."""
    p = ElasticMediumParams(n_side=10, variant="inclusions", k_G=0.9, inclusion_softness=0.05, speed_ratio=1.2)
    lam = np.linalg.eigvalsh(build_elastic_medium(p, 1).hessian().toarray())
    assert lam[0] > -1e-10 and lam[2] > 1e-6


def test_modulation_is_the_cosine_at_the_bond_midpoints() -> None:
    p = ElasticMediumParams(n_side=12, variant="modulation", k_G=2 * math.pi * 3 / 12, modulation_amplitude=0.4)
    med = build_elastic_medium(p, 0)
    mid = np.mod(med.positions[med.pair_i] + 0.5 * BOND_VECTORS[med.pair_direction], np.array(p.box))
    np.testing.assert_allclose(med.factor, 1.0 + 0.4 * np.cos(p.k_G * mid[:, 0]), rtol=0, atol=1e-14)


def test_random_modulus_is_reproducible_and_seeded() -> None:
    p = ElasticMediumParams(n_side=8, variant="random", k_G=0.8)
    a, b, c = (build_elastic_medium(p, s).factor for s in (5, 5, 6))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    # log-normal with σ = 0.5 of a standardised field: the sample std of ln f is σ on the grid, near it on bonds
    assert 0.3 < np.log(a).std() < 0.7


# ------------------------------------------------------------------------------------------------
# the shared modulus field
# ------------------------------------------------------------------------------------------------


def test_gaussian_field_per_axis_arguments_equal_the_cubic_ones() -> None:
    one = gaussian_random_field(12, 2, 0.5, 0.7, np.random.default_rng(1))
    two = gaussian_random_field((12, 12), 2, (0.5, 0.5), 0.7, np.random.default_rng(1))
    np.testing.assert_array_equal(one, two)


def test_modulus_factor_refuses_a_grid_that_misses_the_midpoints() -> None:
    settings = MediumParams(variant="random", k_G=0.8, dimension=2, n_side=4)
    with pytest.raises(ValueError, match="does not hold the box"):
        modulus_factor(settings, np.array([[0.3, 0.0]]), [4.0, 4.0], [0.5, 0.5], np.random.default_rng(0))


def test_scalar_medium_still_draws_its_known_modulus() -> None:
    """The scalar medium's moduli after factoring out modulus_field (value recorded before the refactor)."""
    med = build_medium(MediumParams(variant="modulation", k_G=math.pi / 2, n_side=4, dimension=2), 0)
    assert med.pair_stiffness[med.pair_axis == 0][::4].round(6).tolist() == [1.353553, 0.646447, 0.646447, 1.353553]


# ------------------------------------------------------------------------------------------------
# C_L(q, ω) and C_T(q, ω)
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ratio", [MAX_SPEED_RATIO, 1.4], ids=["central", "1.4"])
def test_homogeneous_current_correlations_peak_on_the_two_branches(ratio: float) -> None:
    """Along the mirror axes x and y the plane waves are purely L or T: C_L peaks at ω_L(q), C_T at ω_T(q), and
    the whole weight sits on modes of exactly those frequencies."""
    p = ElasticMediumParams(n_side=10, speed_ratio=ratio)
    med, lam, vec = elastic_medium_modes(p, 0)
    lx, ly = p.box
    q = np.array([[2 * np.pi / lx, 0.0], [4 * np.pi / lx, 0.0], [0.0, 2 * np.pi / ly], [0.0, 6 * np.pi / ly]])
    grid = np.arange(0.0005, 4.0, 0.001)
    cq = polarised_current_correlation(lam, vec, med.positions, q, omega=grid, width=0.005)
    exact = np.sqrt(lattice_dispersion(q, p.alpha0, p.beta0))  # (n_q, 2): T then L
    np.testing.assert_allclose(cq["peak_frequency"].sel(polarisation="T"), exact[:, 0], atol=0.001)
    np.testing.assert_allclose(cq["peak_frequency"].sel(polarisation="L"), exact[:, 1], atol=0.001)
    freq = cq["mode_frequency"].values
    for k in range(q.shape[0]):
        for pol, branch in (("T", 0), ("L", 1)):
            on = np.abs(freq - exact[k, branch]) < 1e-8
            weight = cq["mode_weight"].sel(polarisation=pol).values[k]
            assert weight[on].sum() == pytest.approx(1.0, abs=1e-10)


def test_polarisations_are_not_interchangeable() -> None:
    """Built to fail: C_T of the homogeneous lattice does not peak at ω_L."""
    p = ElasticMediumParams(n_side=8)
    med, lam, vec = elastic_medium_modes(p, 0)
    q = np.array([[2 * np.pi / p.box[0], 0.0]])
    cq = polarised_current_correlation(lam, vec, med.positions, q, width=0.01)
    omega_l = math.sqrt(lattice_dispersion(q, p.alpha0, p.beta0)[0, 1])
    assert abs(float(cq["peak_frequency"].sel(polarisation="T")[0]) - omega_l) > 0.2


def test_sum_rules_hold_in_a_disordered_medium() -> None:
    """Σ_n w_L = 1 and Σ_n w_T = d − 1 = 1 for any q (completeness), here for soft inclusions."""
    p = ElasticMediumParams(n_side=8, variant="inclusions", k_G=1.0, speed_ratio=1.3)
    med, lam, vec = elastic_medium_modes(p, 2)
    q = np.array([[0.3, 0.2], [1.1, -0.4], [0.0, 2.0]])
    cq = polarised_current_correlation(lam, vec, med.positions, q)
    np.testing.assert_allclose(cq["mode_weight"].sum("mode"), 1.0, rtol=0, atol=SUM_RULE_TOL)
    # ∫ C_P dω = π k_B T Σ w: the broadened curve integrates to π T on a grid covering every mode
    grid = np.linspace(-0.5, np.sqrt(lam.max()) + 0.5, 20001)
    cq = polarised_current_correlation(lam, vec, med.positions, q, omega=grid, width=0.05, temperature=2.0)
    area = scipy.integrate.trapezoid(cq["current_correlation"].values, grid, axis=-1)
    np.testing.assert_allclose(area, 2.0 * math.pi, rtol=1e-6)


def test_polarised_weights_against_brute_force() -> None:
    """w_L, w_T of each mode against an explicit sum over sites."""
    p = ElasticMediumParams(n_side=5, variant="random", k_G=1.2)
    med, lam, vec = elastic_medium_modes(p, 4)
    q = np.array([0.7, -0.3])
    cq = polarised_current_correlation(lam, vec, med.positions, q[None])
    qhat = q / np.linalg.norm(q)
    perp = np.array([-qhat[1], qhat[0]])
    for n in (2, 17, 40):
        e = vec[:, n].reshape(-1, 2)
        phase = np.exp(-1j * med.positions @ q)
        w_l = abs(np.sum((e @ qhat) * phase)) ** 2 / p.n_site
        w_t = abs(np.sum((e @ perp) * phase)) ** 2 / p.n_site
        assert float(cq["mode_weight"].sel(polarisation="L")[0, n]) == pytest.approx(w_l, abs=1e-13)
        assert float(cq["mode_weight"].sel(polarisation="T")[0, n]) == pytest.approx(w_t, abs=1e-13)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"wavevectors": np.zeros((1, 2))}, "non-zero"),
        ({"wavevectors": np.ones((1, 3))}, r"wavevectors must have shape \(n_q, 2\)"),
        ({"width": 0.0}, "width must be > 0"),
        ({"eigenvectors": np.eye(3)}, r"expected eigenvalues \(n,\), eigenvectors \(d N, n\)"),
    ],
    ids=["q-zero", "q-dimension", "width", "vector-shape"],
)
def test_polarised_current_correlation_bad_input(kwargs: dict, match: str) -> None:
    p = ElasticMediumParams(n_side=4)
    med, lam, vec = elastic_medium_modes(p, 0)
    args = {"eigenvalues": lam, "eigenvectors": vec, "positions": med.positions, "wavevectors": np.array([[1.0, 0.0]])}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        polarised_current_correlation(**args)


def test_medium_current_correlation_wavevectors_and_attributes() -> None:
    cq = elastic_medium_current_correlation({"n_side": 6, "variant": "random", "k_G": 1.0}, 0, n_q=2)
    p = ElasticMediumParams(n_side=6)
    np.testing.assert_allclose(cq["q_x"].values, [2 * np.pi / 6, 4 * np.pi / 6, 0, 0])
    np.testing.assert_allclose(cq["q_y"].values, [0, 0, 2 * np.pi / p.box[1], 4 * np.pi / p.box[1]])
    assert cq.attrs["variant"] == "random" and "exp(log_modulus_std" in cq.attrs["modulus_rule"]


# ------------------------------------------------------------------------------------------------
# settings, datasets, registry and command line
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "error", "match"),
    [
        ({"speed_ratio": 2.0}, ValueError, r"speed_ratio = c_L/c_T must lie in \(1, sqrt\(3\)\]"),
        ({"speed_ratio": 1.0}, ValueError, "bulk modulus vanishes"),
        ({"variant": "modulation", "k_G": 0.5, "n_side": 12}, ValueError, "not commensurate"),
        ({"variant": "inclusions", "k_G": 0.2, "n_side": 8}, ValueError, "does not fit in the box"),
        ({"variant": "stripes"}, ValueError, "unknown variant 'stripes'"),
        ({"n_side": 3}, ValueError, "n_side must be an integer ≥ 4"),
        ({"n_side": 6.0}, TypeError, "n_side must be an integer"),
        ({"sound_speed": -1.0}, ValueError, r"sound_speed \(c_T\) must be > 0"),
        ({"n_vectors": 1000, "n_side": 4}, ValueError, "n_vectors must be <= 2 N - 2 = 30"),
        ({"colour": "red"}, ValueError, r"unknown elastic-medium parameter\(s\) \['colour'\]"),
    ],
    ids=[
        "ratio-high",
        "ratio-one",
        "modulation",
        "inclusion-size",
        "variant",
        "small",
        "float-side",
        "speed",
        "vectors",
        "unknown-key",
    ],
)
def test_bad_settings_are_refused(settings: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        ElasticMediumParams.from_mapping(settings)


def test_sample_dataset_follows_the_convention() -> None:
    ds = elastic_medium_sample({"variant": "inclusions", "k_G": 1.0, "n_side": 6, "n_vectors": 4}, 7, 3)
    check(ds)
    p = ElasticMediumParams(n_side=6)
    assert ds.sizes["mode"] == 2 * p.n_site and ds.attrs["site_degrees_of_freedom"] == 2
    assert ds["zero_mode"].values[0].tolist()[:3] == [True, True, False]
    assert ds["eigenvector"].dims == ("sample", "vector_mode", "site", "spatial")
    assert ds["vector_mode"].values.tolist() == [2, 3, 4, 5]
    np.testing.assert_allclose((ds["eigenvector"] ** 2).sum(("site", "spatial")), 1.0, atol=1e-12)
    assert ds["box_length"].dims == ("sample", "spatial")
    # the stored eigenvectors are eigenvectors of the stored medium's matrix
    med = build_elastic_medium(ElasticMediumParams(variant="inclusions", k_G=1.0, n_side=6, n_vectors=4), 7)
    h = med.hessian().toarray()
    for k, mode in enumerate(ds["vector_mode"].values):
        v = ds["eigenvector"].values[0, k].ravel()
        np.testing.assert_allclose(h @ v, ds["eigenvalue"].values[0, mode] * v, atol=1e-10)
    assert ds.attrs["generator"] == "elastic_medium" and ds.attrs["k_G"] == 1.0
    assert ds.attrs["longitudinal_sound_speed"] == pytest.approx(MAX_SPEED_RATIO)


def test_dataset_refuses_a_spectrum_of_the_wrong_size() -> None:
    med = build_elastic_medium(ElasticMediumParams(n_side=4), 0)
    with pytest.raises(ValueError, match=r"expected eigenvalues \(32,\)"):
        elastic_medium_dataset(med, np.zeros(10), np.zeros((10, 0)), 0, 0)


def test_registered_generator_makes_a_sample() -> None:
    gen = get_generator("elastic_medium")
    assert gen.parameter("log_modulus_std").default == 0.5  # declared once, shared with the scalar medium
    params = {**gen.fixed_defaults, "variant": "random", "k_G": 1.0, "n_side": 4}
    gen.validate(params)
    ds = gen.make_sample(params, np.random.SeedSequence(1), 0)
    check(ds)
    with pytest.raises(ValueError, match="speed_ratio"):
        gen.validate({**params, "speed_ratio": 3.0})


@pytest.mark.slow
def test_generate_elastic_medium_from_the_cli(tmp_path: Path) -> None:
    from vdosbench.cli import main

    out = tmp_path / "elastic"
    argv = [
        "generate",
        "elastic_medium",
        "--grid",
        "variant=random",
        "--grid",
        "k_G=0,1.0",
        "--set",
        "n_side=4",
        "--samples",
        "2",
        "--output",
        str(out),
        "--workers",
        "1",
        "--no-progress",
    ]
    assert main(argv) == 0
    ds = open_dataset(out / "ensemble.nc")
    assert ds["eigenvalue"].dims == ("variant", "k_G", "sample", "mode")
    assert ds.sizes["mode"] == 32 and ds.attrs["generator"] == "elastic_medium"
    homogeneous = ds["eigenvalue"].sel(variant="random", k_G=0.0).values
    p = ElasticMediumParams(n_side=4)
    np.testing.assert_allclose(homogeneous[0], _exact_spectrum(p), atol=DISPERSION_TOL)
