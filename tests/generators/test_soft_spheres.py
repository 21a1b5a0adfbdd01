"""The soft-sphere / Lennard-Jones generators end to end: VDOS-1.0 datasets, stresses, recipes."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits
import xarray as xr

from vdosbench.datasets import check, write
from vdosbench.generators import interacting_pairs
from vdosbench.generators import INFINITE_ORDER, soft_sphere_potential
from vdosbench.generators import get_generator
from vdosbench.generators.glasses.soft_spheres import (
    MC_RECORD_DIM,
    RECIPES,
    GlassParams,
    lennard_jones_sample,
    soft_sphere_sample,
)
from vdosbench.generators import pair_stresses

SMALL = {"n_particles": 128, "n_sweeps": 20, "record_every": 10, "n_vectors": 8}


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread() -> Iterator[None]:
    """Small dense matrices: one BLAS thread (threads only add contention on a shared machine)."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def soft() -> xr.Dataset:
    """N = 128 soft spheres, m = ∞, 20 swap-MC sweeps at T* = 0.3."""
    return soft_sphere_sample({**SMALL, "taper_order": "inf", "parent_temperature": 0.3}, np.random.SeedSequence(7), 2)


@pytest.fixture(scope="module")
def soft_random() -> xr.Dataset:
    """The same sample index quenched from random positions (T* = ∞)."""
    return soft_sphere_sample({**SMALL, "taper_order": 2, "parent_temperature": math.inf}, np.random.SeedSequence(7), 2)


def test_soft_sphere_sample_follows_the_convention(soft: xr.Dataset, tmp_path: Path) -> None:
    check(soft)
    assert soft.sizes["mode"] == 3 * 128 and soft.sizes["site"] == 128
    assert soft["sample"].values.tolist() == [2]
    assert soft["vector_mode"].values.tolist() == list(range(3, 11))  # lowest 8 above the translations
    assert soft["zero_mode"].values[0].tolist()[:4] == [True, True, True, False]
    assert float(soft["quench_max_force"].item()) <= 1e-10
    assert soft.attrs["taper_order"] == INFINITE_ORDER and soft.attrs["generator"] == "soft_spheres"
    assert 0 < float(soft["mc_acceptance_displacement"].item()) < 1
    assert float(soft["diameter"].mean()) == pytest.approx(1.0, abs=1e-12)  # swaps permute the diameters
    # the expensive data kept at their precision: positions and diameters float64, the lowest eigenvectors
    # float32 (half the bytes) and still orthonormal to the convention's tolerance
    assert soft["position"].dtype == np.float64 and soft["diameter"].dtype == np.float64
    vectors = soft["eigenvector"].values[0].reshape(8, -1)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(vectors.astype(float) @ vectors.T.astype(float), np.eye(8), atol=1e-6)
    write(soft, tmp_path / "soft.nc")
    with xr.open_dataset(tmp_path / "soft.nc") as back:
        np.testing.assert_array_equal(back["eigenvalue"].values, soft["eigenvalue"].values)
        assert back["eigenvector"].dtype == np.float32 and back["position"].dtype == np.float64
        assert back.attrs["parent_temperature"] == 0.3


def test_infinite_parent_temperature_skips_monte_carlo(soft: xr.Dataset, soft_random: xr.Dataset) -> None:
    check(soft_random)
    assert math.isinf(soft_random.attrs["parent_temperature"])
    # one trace coordinate for every T*, so samples of a grid combine
    np.testing.assert_array_equal(soft_random[MC_RECORD_DIM].values, soft[MC_RECORD_DIM].values)
    trace = soft_random["mc_energy"].values[0]
    assert np.isfinite(trace[0]) and np.all(np.isnan(trace[1:]))
    assert np.isnan(soft_random["mc_acceptance_swap"].item())


def test_pair_data_stresses_and_coordination(soft: xr.Dataset) -> None:
    n_pair = int(soft["pair_count"].item())
    assert soft.sizes["pair"] == n_pair
    stress = soft["pair_stress"].values
    psi = soft["pair_psi"].values
    np.testing.assert_array_equal(stress, np.swapaxes(stress, 1, 2))
    np.testing.assert_allclose(np.trace(stress, axis1=1, axis2=2), psi, rtol=1e-12, atol=1e-15)
    assert np.all(psi <= 0) and np.mean(psi < 0) > 0.99  # repulsive (T_inf underflows to 0 at the cut)
    assert np.all(soft["pair_distance"].values < 1.955)
    z = soft["coordination"].values[0]
    assert int(z.sum()) == 2 * n_pair
    shell = soft["first_shell_coordination"].values[0]
    assert np.all(shell <= z) and 9 < shell.mean() < 15
    assert 1.2 < float(soft["first_shell_cutoff"].item()) < 1.6


@pytest.mark.parametrize("seed", [1, 2, 4])
def test_a_box_too_small_for_the_second_shell_flags_first_shell_counts(seed: int) -> None:
    """N = 70: g(x) is searched only to x ≈ 1.29, short of the first minimum; 'minima' the smoothing makes
    from the edge padding near the range's end (x = 1.2 – 1.3 for these seeds) must not count."""
    ds = soft_sphere_sample(
        {"n_particles": 70, "n_sweeps": 0, "parent_temperature": math.inf, "n_vectors": 2},
        np.random.SeedSequence(seed),
        0,
    )
    check(ds)
    assert np.isnan(ds["first_shell_cutoff"].item())
    assert np.all(ds["first_shell_coordination"].values == -1)


def test_traceless_stress_has_the_seed_eigenvalues() -> None:
    """Seed 001 eq. (89): σ̃ has eigenvalues ψ(d−1)/d once and −ψ/d (d−1 times)."""
    from vdosbench.generators import fcc_crystal

    st = pair_stresses(interacting_pairs(fcc_crystal(3), soft_sphere_potential(2)))
    assert np.abs(np.trace(st.traceless, axis1=1, axis2=2)).max() < 1e-14
    eig = np.linalg.eigvalsh(st.traceless)  # ascending; ψ < 0
    np.testing.assert_allclose(eig[:, 0], st.psi * 2 / 3, rtol=1e-12)
    np.testing.assert_allclose(eig[:, 1:], np.repeat(-st.psi[:, None] / 3, 2, axis=1), rtol=1e-12)


def test_same_seed_same_sample_and_common_random_configurations(soft: xr.Dataset) -> None:
    again = soft_sphere_sample({**SMALL, "taper_order": "inf", "parent_temperature": 0.3}, np.random.SeedSequence(7), 2)
    xr.testing.assert_identical(again, soft)
    other = soft_sphere_sample({**SMALL, "taper_order": "inf", "parent_temperature": 0.3}, np.random.SeedSequence(8), 2)
    assert not np.array_equal(other["eigenvalue"].values, soft["eigenvalue"].values)


def test_lennard_jones_sample_in_two_dimensions() -> None:
    ds = lennard_jones_sample(
        {"n_particles": 100, "dimension": 2, "n_sweeps": 10, "parent_temperature": 0.45, "n_vectors": 4},
        np.random.SeedSequence(3),
        0,
    )
    check(ds)
    assert "diameter" not in ds and np.bincount(ds["species"].values[0]).tolist() == [80, 20]
    assert ds.attrs["density"] == 1.2 and ds.attrs["generator"] == "lennard_jones"
    assert int(ds["zero_mode"].sum()) == 2
    assert np.any(ds["pair_psi"].values > 0)  # the attractive tail of a potential with a minimum


def test_parameters_are_validated() -> None:
    assert GlassParams(taper_order="inf").taper_order == INFINITE_ORDER
    assert GlassParams(taper_order=math.inf).taper_order == INFINITE_ORDER
    with pytest.raises(ValueError, match=r"unknown glass parameter\(s\) \['temperature'\]"):
        GlassParams.from_mapping({"temperature": 0.1})
    with pytest.raises(ValueError, match="taper_order must be an integer m ≥ 0"):
        GlassParams(taper_order=-3)
    with pytest.raises(ValueError, match="unknown potential 'morse'"):
        GlassParams(potential="morse")
    with pytest.raises(ValueError, match="parent_temperature must be a positive"):
        GlassParams(parent_temperature=0.0)
    with pytest.raises(ValueError, match="this generator makes 'soft_sphere' glasses"):
        soft_sphere_sample({"potential": "lennard_jones"}, np.random.SeedSequence(0), 0)


@pytest.mark.parametrize("name", ["soft_spheres", "lennard_jones"])
def test_generators_are_registered_with_json_grids(name: str) -> None:
    gen = get_generator(name)
    json.dumps({"grid": {k: list(v) for k, v in gen.grid_defaults.items()}, "fixed": dict(gen.fixed_defaults)})
    assert list(gen.grid_defaults) == ["taper_order", "parent_temperature"]
    GlassParams.from_mapping({**gen.fixed_defaults, **{k: v[0] for k, v in gen.grid_defaults.items()}})


def test_recipes_name_registered_generators_with_valid_parameters() -> None:
    assert {"soft_spheres_n1000", "soft_spheres_n1600_levels", "lennard_jones_n1000"} <= set(RECIPES)
    for name, recipe in RECIPES.items():
        gen = get_generator(recipe.generator)
        json.dumps({"grid": dict(recipe.grid), "fixed": dict(recipe.fixed)})
        for point in zip(*recipe.grid.values()):
            GlassParams.from_mapping({**gen.fixed_defaults, **recipe.fixed, **dict(zip(recipe.grid, point))})
        if name.endswith("_small"):
            assert recipe.fixed["n_particles"] <= 200 and recipe.n_samples <= 2
            assert name.removesuffix("_small") in RECIPES


def test_seed_literal_recipes_run_the_seeds_attempted_moves_and_the_level_set_keeps_eigenvalues_only():
    from vdosbench.generators.glasses.soft_spheres import SEED_MC_ATTEMPTS, seed_literal_sweeps

    # seed 001, Methods: N_t = 1.1e6 "MC steps", each one attempted move (a swap with probability p_swap)
    for name in ("soft_spheres_n1000", "soft_spheres_n1600_levels", "lennard_jones_n1000"):
        fixed = RECIPES[name].fixed
        assert fixed["n_sweeps"] * fixed["n_particles"] == pytest.approx(SEED_MC_ATTEMPTS, rel=1e-3)
    assert seed_literal_sweeps(1000) == 1100
    levels = RECIPES["soft_spheres_n1600_levels"].fixed
    assert levels["n_vectors"] == 0 and levels["pair_data"] is False
    ds = soft_sphere_sample(
        {"n_particles": 128, "n_sweeps": 5, "parent_temperature": 0.5, "n_vectors": 0, "pair_data": False}, 3, sample=0
    )
    check(ds)
    assert not [v for v in ds.variables if str(v).startswith("pair_")] and ds.attrs["pair_data"] == 0
    assert {"position", "diameter", "eigenvalue"} <= set(ds.variables)
    with pytest.raises(TypeError, match="pair_data"):
        GlassParams(pair_data="no")


def test_a_resumed_run_combines_float64_parts_written_before_with_float32_parts(soft: xr.Dataset) -> None:
    """Parts written before the eigenvectors were stored as float32 combine with newer ones (same long_name)."""
    from vdosbench.datasets import combine_parts

    old = soft.assign(eigenvector=soft["eigenvector"].astype(np.float64))
    old["eigenvector"].attrs = {k: v for k, v in soft["eigenvector"].attrs.items() if k != "comment"}
    new = soft.assign_coords(sample=[3])
    both = combine_parts([old, new])
    check(both)
    assert both["eigenvector"].attrs["long_name"] == soft["eigenvector"].attrs["long_name"]
    np.testing.assert_allclose(both["eigenvector"].values[0], both["eigenvector"].values[1], rtol=1e-6, atol=1e-7)
