"""The package names the studies and timing scripts needed, made public for them (issue 54 item 2).

Each was private, reached by a study or a timing script around the public API (or lived in a test file or in
``speed/``): the machine description of every result JSON, the point groups' names, a sample's seed streams, the
closed form's integral, the force kernel alone, the Chebyshev solver's block product and backend, the claims at
another bootstrap cost, and a set without some variables.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import scipy.sparse
import xarray as xr
from scipy import integrate

from vdosbench.benchmark.claims import load_claims, with_bootstrap_replicates
from vdosbench.benchmark.machine import cpu_model, machine_info
from vdosbench.benchmark.scoring_form import without_variables
from vdosbench.datasets import point_group_key, point_group_name
from vdosbench.generators import polydisperse_configuration
from vdosbench.generators.glasses.lowest_modes import SolverBackend, csr_block_product, spectral_upper_bound
from vdosbench.generators.glasses.minimize import EnergyModel
from vdosbench.generators import soft_sphere_potential
from vdosbench.generators.glasses.soft_spheres import GlassParams, child_seed, start_configuration
from vdosbench.generators.theory.inhomogeneous_closed_form import closed_form_cdf, closed_form_integral


def test_machine_info_is_json_and_names_the_machine_and_the_asked_modules() -> None:
    info = machine_info("xarray", "surely_not_a_module")
    assert json.loads(json.dumps(info)) == info
    assert info["cpu_model"] == cpu_model() and isinstance(info["cpu_count"], int)
    assert info["numpy"] == np.__version__ and info["xarray"] == xr.__version__
    assert info["surely_not_a_module"].startswith("unavailable (")
    assert all({"internal_api", "num_threads"} <= set(pool) for pool in info["blas"])


@pytest.mark.parametrize(
    "key", [(1000, 2, 1.0), (2000, -1, math.inf), (1000, 2, 0.144), (4000, -1, 0.0716), (16000, 0, 2.0)]
)
def test_point_group_names_read_back_to_their_point(key: tuple[int, int, float]) -> None:
    assert point_group_key(point_group_name(*key)) == key


def test_a_name_of_another_form_is_refused_with_the_form_expected() -> None:
    for name in ("m2_tinf", "n1000_m2", "n1000_mx_t1", "n1000_m2_tabc"):
        with pytest.raises(ValueError, match=r"n\{N\}_m\{m\}_t\{T\*\}|not a number"):
            point_group_key(name)


def test_a_child_seed_is_the_stream_the_sample_draws_from() -> None:
    params = GlassParams(n_particles=64)
    seq = np.random.SeedSequence(11, spawn_key=(4,))
    start = start_configuration(params, seq)
    rng = np.random.default_rng(child_seed(seq, 0))
    again = polydisperse_configuration(64, params.dimension, rng, params.density, params.diameter_normalization)
    np.testing.assert_array_equal(start.positions, again.positions)
    assert child_seed(seq, 1).generate_state(2).tolist() != child_seed(seq, 0).generate_state(2).tolist()
    assert seq.n_children_spawned == 0  # the parent's spawn counter is untouched


@pytest.mark.parametrize("a", [0.0, 0.05, 0.7, 2.0])
def test_the_closed_form_integral_is_the_integral_and_normalises_the_cdf(a: float) -> None:
    for w in (0.01, 0.3, 1.5):
        exact = integrate.quad(lambda x: x**4 / (x * x + a * a), 0.0, w, epsabs=0, epsrel=1e-13)[0]
        assert float(closed_form_integral(np.array(w), a)) == pytest.approx(exact, rel=1e-10)
    k_g = a / (math.sqrt(3.0) / 2.0)  # a = omega_BP = (sqrt 3 / 2) c k_G with c = 1
    w_max = 3.0
    assert float(closed_form_cdf(1.0, k_g, omega_max=w_max)) == pytest.approx(
        float(closed_form_integral(np.array(1.0), a) / closed_form_integral(np.array(w_max), a)), rel=1e-12
    )


@pytest.fixture(scope="module")
def glass_model():
    from dataclasses import replace

    from vdosbench.generators import fcc_crystal

    crystal = fcc_crystal(3)
    shaken = crystal.positions + 0.05 * np.random.default_rng(3).standard_normal(crystal.positions.shape)
    config = replace(crystal, positions=shaken)
    return config, EnergyModel(config, soft_sphere_potential(2))


def test_the_kernel_alone_gives_the_energy_gradient_and_blocks_of_the_model(glass_model) -> None:  # noqa: ANN001
    config, model = glass_model
    x = np.ascontiguousarray(config.positions)
    energy, gradient = model.energy_gradient(x)
    grad = np.empty_like(x)
    assert model.evaluate_on_list(x, grad) == pytest.approx(energy, rel=1e-14)
    np.testing.assert_allclose(grad, gradient, rtol=1e-13, atol=1e-13)
    blocks = np.empty((config.n_particles, model.block_width))
    model.evaluate_on_list(x, grad, blocks)
    assert model.block_width == 6
    diagonal = model.hessian_diagonal(x)
    np.testing.assert_allclose(diagonal[:, 0, 0], blocks[:, 0], rtol=1e-12, atol=1e-12)


def test_the_block_product_is_the_sparse_product_with_shift_and_memory() -> None:
    rng = np.random.default_rng(0)
    a = scipy.sparse.random(40, 40, density=0.2, random_state=1, format="csr")
    a = (a + a.T).tocsr()
    a.sort_indices()
    x = rng.standard_normal((40, 3))
    previous = rng.standard_normal((40, 3))
    out = previous.copy()
    csr_block_product(a.indptr.astype(np.int64), a.indices.astype(np.int64), a.data, x, 0.5, 0.2, 0.3, out)
    np.testing.assert_allclose(out, 0.5 * (a @ x - 0.2 * x) - 0.3 * previous, rtol=1e-12, atol=1e-12)


def test_the_backend_bounds_the_spectrum_outside_the_excluded_vectors() -> None:
    values = np.array([0.0, 0.5, 1.0, 2.0, 7.0])
    h = scipy.sparse.diags(values)
    exclude = np.zeros((5, 1))
    exclude[4, 0] = 1.0  # the largest eigenvector left out: the bound is of the rest
    bound = spectral_upper_bound(SolverBackend("numpy", h, exclude))
    assert 2.0 <= bound < 7.0
    assert spectral_upper_bound(SolverBackend("numpy", h, None)) >= 7.0
    with pytest.raises(ImportError, match="cupy"):
        try:
            import cupy  # noqa: F401
        except ImportError:
            SolverBackend("cupy", h, None)
        else:  # pragma: no cover - a machine with CuPy
            raise ImportError("cupy present: nothing to refuse")


def test_claims_at_another_bootstrap_cost_change_only_their_replicates() -> None:
    claims = load_claims()
    fewer = with_bootstrap_replicates(claims, 40)
    assert [c.id for c in fewer] == [c.id for c in claims]
    for before, after in zip(claims, fewer):
        expected = {**before.settings, "n_bootstrap": 40} if "n_bootstrap" in before.settings else dict(before.settings)
        assert dict(after.settings) == expected
        assert [a.label for a in after.alternatives] == [a.label for a in before.alternatives]
        for alt_before, alt_after in zip(before.alternatives, after.alternatives):
            if "n_bootstrap" in alt_before.settings:
                assert alt_after.settings["n_bootstrap"] == 40
    assert any("n_bootstrap" in c.settings for c in claims)


def test_a_set_without_variables_drops_the_coordinates_left_unused() -> None:
    ds = xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), np.ones((2, 3))),
            "position": (("sample", "site", "spatial"), np.zeros((2, 4, 3))),
            "diameter": (("sample", "site"), np.ones((2, 4))),
        },
        coords={"sample": [0, 1], "site": np.arange(4), "spatial": ["x", "y", "z"]},
    )
    out = without_variables(ds, ["position"])
    assert set(out.data_vars) == {"eigenvalue", "diameter"} and "site" in out.coords and "spatial" not in out.coords
    out = without_variables(ds, ["position", "diameter"])
    assert set(out.coords) == {"sample"}
