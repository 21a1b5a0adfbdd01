"""The lowest-mode generator (issue 25): sparse modes = dense spectrum, moduli = LU route, mode measures."""

from __future__ import annotations

import numpy as np
import pytest

from vdosbench.datasets import check
from vdosbench.generators import RECIPES, get_generator
from vdosbench.generators import fcc_crystal
from vdosbench.generators.glasses.elastic import shear_modulus
from vdosbench.generators import hessian_matrix
from vdosbench.generators.glasses.lowest_mode_glasses import (
    FINITE_SIZE_N,
    LowestModeParams,
    lowest_mode_sample,
    participation_ratio,
    plane_wave_shell,
    shell_weights,
)
from vdosbench.generators import Configuration
from vdosbench.generators import soft_sphere_potential
from vdosbench.generators.glasses.soft_spheres import GlassParams, equilibrate, make_glass
from vdosbench.validators import lowest_phonon_frequency

SMALL = {"n_particles": 128, "parent_temperature": 1.0, "n_sweeps": 20, "n_lowest": 12, "n_vectors": 4}


@pytest.fixture(scope="module")
def sample():  # noqa: ANN201
    return lowest_mode_sample(SMALL, 3, sample=0)


def test_sparse_lowest_modes_equal_the_dense_generators_spectrum_of_the_same_glass(sample) -> None:  # noqa: ANN001
    # same seed, same T*, same sweeps: the dense generator reaches the same inherent structure
    dense = make_glass(GlassParams(**{k: v for k, v in SMALL.items() if k != "n_lowest"}), 3)
    np.testing.assert_allclose(sample["position"].values[0], dense.quench.config.positions, atol=1e-12)
    lam = sample["eigenvalue"].values[0]
    np.testing.assert_allclose(lam[3:], dense.eigenvalues[3:15], rtol=1e-7)
    assert np.all(lam[:3] == 0) and sample["zero_mode"].values[0].tolist() == [True] * 3 + [False] * 12
    lu = shear_modulus(dense.quench.config, GlassParams().pair_potential)
    np.testing.assert_allclose(sample["shear_modulus"].item(), lu.value, rtol=1e-8)
    # the stored eigenvectors are the dense ones up to sign
    for k in range(4):
        v = sample["eigenvector"].values[0, k].ravel()
        w = dense.eigenvectors[k].ravel()
        assert abs(abs(v @ w) - 1) < 1e-5


def test_the_arpack_solver_gives_the_chebyshev_sample(sample) -> None:  # noqa: ANN001
    """mode_method = chebyshev against the default (arpack since issue 65 item 2): the same glass, the same modes
    (to the solver tolerance) and moduli; the attributes say which solver ran."""
    other = lowest_mode_sample({**SMALL, "mode_method": "chebyshev"}, 3, sample=0)
    np.testing.assert_array_equal(other["position"].values, sample["position"].values)
    np.testing.assert_allclose(other["eigenvalue"].values, sample["eigenvalue"].values, rtol=1e-8)
    np.testing.assert_allclose(other["shear_modulus"].values, sample["shear_modulus"].values, rtol=1e-8)
    assert other.attrs["mode_method"] == "chebyshev" and "Chebyshev" in other.attrs["eigensolver"]
    assert sample.attrs["mode_method"] == "arpack" and "Lanczos" in sample.attrs["eigensolver"]


def test_sample_dataset_passes_the_convention_and_feeds_the_shear_route_to_omega0(sample) -> None:  # noqa: ANN001
    check(sample)
    omega0 = lowest_phonon_frequency(sample, method="shear_modulus")
    box, rho = sample["box_length"].item(), 128 / sample["box_length"].item() ** 3
    expected = 2 * np.pi * np.sqrt(sample["shear_modulus"].item() / rho) / box
    np.testing.assert_allclose(omega0.value, expected, rtol=1e-12)
    assert sample["stage_seconds"].sizes["stage"] == 6 and bool((sample["stage_seconds"] >= 0).all())
    for name in ("participation_ratio", "transverse_shell_weight", "longitudinal_shell_weight"):
        values = sample[name].values[0, 3:]
        assert np.all((values > 0) & (values <= 1 + 1e-9)), name
    assert sample["longitudinal_modulus"].item() > sample["bulk_modulus"].item() > sample["shear_modulus"].item() > 0


def test_participation_ratio_known_answers() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 10, 4000)
    wave = np.zeros((1, 4000, 3))
    wave[0, :, 1] = np.cos(2 * np.pi * x / 10)
    np.testing.assert_allclose(participation_ratio(wave), 2 / 3, rtol=0.03)  # a plane wave: 2/3
    one = np.zeros((1, 50, 3))
    one[0, 7] = [0.6, 0.0, 0.8]
    np.testing.assert_allclose(participation_ratio(one), 1 / 50)  # one particle: 1/N
    np.testing.assert_allclose(participation_ratio(np.ones((1, 50, 3))), 1.0)


def test_crystal_modes_of_the_lowest_plane_wave_shell_lie_wholly_on_it() -> None:
    # In a Bravais crystal every q = 2π/L e_β wave is an exact eigenvector; the modes at its frequencies (12
    # transverse, 6 longitudinal; the [110] transverse waves of this anisotropic fcc crystal lie lower, at
    # 2.46 against 2.90) lie wholly on the shell, every other mode has no weight on it.
    c = fcc_crystal(4)
    h = hessian_matrix(c, soft_sphere_potential(2))
    lam, vec = np.linalg.eigh(h.toarray())
    lam, vec = lam[3:120], vec[:, 3:120]
    vectors = vec.T.reshape(-1, c.n_particles, 3)
    trans, longi = plane_wave_shell(c.positions, c.box_length)
    rayleigh = [float(w.ravel() @ (h @ w.ravel())) for w in (trans[0], longi[0])]
    wt, wl = shell_weights(vectors, trans), shell_weights(vectors, longi)
    on_t = np.isclose(lam, rayleigh[0], rtol=1e-8)
    on_l = np.isclose(lam, rayleigh[1], rtol=1e-8)
    assert on_t.sum() == 12 and on_l.sum() == 6
    np.testing.assert_allclose(wt[on_t], 1.0, atol=1e-8)
    np.testing.assert_allclose(wl[on_l], 1.0, atol=1e-8)
    np.testing.assert_allclose(wt[~on_t], 0.0, atol=1e-8)
    np.testing.assert_allclose(wl[~on_l], 0.0, atol=1e-8)
    # data built to fail: a localised vector has almost no weight on the shell
    local = np.zeros((1, c.n_particles, 3))
    local[0, 0, 0] = 1.0
    assert shell_weights(local, trans)[0] < 0.1


def test_bad_parameters_name_the_fix() -> None:
    with pytest.raises(ValueError, match="n_vectors = 12 exceeds n_lowest = 10"):
        LowestModeParams(n_particles=128, n_lowest=10, n_vectors=12)
    with pytest.raises(ValueError, match="vector_modes is not used"):
        LowestModeParams(n_particles=128, vector_modes=(5,))
    with pytest.raises(ValueError, match="use the dense generator"):
        LowestModeParams(n_particles=20, n_lowest=50)
    with pytest.raises(ValueError, match="soft-sphere"):
        get_generator("soft_spheres_lowest").validate({**SMALL, "potential": "lennard_jones"})


def test_equilibrate_is_shared_by_both_generators_and_recipes_cover_the_ladder() -> None:
    p = GlassParams(n_particles=64, n_sweeps=5, dimension=3)
    a = equilibrate(p, 11)
    b = equilibrate(p, 11)
    assert isinstance(a[1], Configuration)
    np.testing.assert_array_equal(a[1].positions, b[1].positions)
    assert {f"soft_spheres_lowest_n{n}" for n in FINITE_SIZE_N} <= set(RECIPES)
    small = RECIPES["soft_spheres_lowest_small"]
    assert small.fixed["n_particles"] == 128 and small.generator == "soft_spheres_lowest"
