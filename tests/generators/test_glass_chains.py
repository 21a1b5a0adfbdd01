"""The equilibrated protocol: inherent structures along swap Monte Carlo chains, run as whole chains by the runner."""

from __future__ import annotations

import functools

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import xarray as xr
from vdosbench.datasets import check
from vdosbench.generators import RECIPES, get_generator, run_ensemble
from vdosbench.generators import build_in_memory
from vdosbench.generators import EnsembleSettingsError, sample_seed
from vdosbench.generators.glasses.glass_chains import PRE_SWEEPS, ChainParams, glass_chain
from vdosbench.validators import power_law_exponent
from vdosbench.validators import bootstrap

SMALL = {
    "n_particles": 128,
    "parent_temperature": 0.5,
    "equilibration_sweeps": 20,
    "spacing_sweeps": 10,
    "chain_samples": 3,
    "n_vectors": 3,
}


def test_a_chain_yields_its_structures_in_order_with_chain_and_time():
    parts = glass_chain(SMALL, 5, first_sample=3)
    assert [int(p["sample"].item()) for p in parts] == [3, 4, 5]
    assert [int(p["chain"].item()) for p in parts] == [1, 1, 1]
    assert [int(p["mc_sweep"].item()) for p in parts] == [PRE_SWEEPS + 20, PRE_SWEEPS + 30, PRE_SWEEPS + 40]
    for p in parts:
        check(p)
        assert p.attrs["protocol"] == "equilibrated" and "n_sweeps" not in p.attrs and "mc_step" not in p.attrs
        assert 0.0 < float(p["mc_step"].item()) < 0.5
    # one chain: the same calibrated step, consecutive structures differ
    assert len({float(p["mc_step"].item()) for p in parts}) == 1
    assert not np.array_equal(parts[0]["eigenvalue"].values, parts[1]["eigenvalue"].values)
    # the seed alone fixes the chain
    again = glass_chain(SMALL, 5, first_sample=3)
    xr.testing.assert_identical(parts[2].drop_attrs(), again[2].drop_attrs())


def test_chain_settings_are_checked():
    with pytest.raises(ValueError, match="set by the chain"):
        ChainParams.from_mapping({**SMALL, "n_sweeps": 100})
    with pytest.raises(ValueError, match="raise equilibration_sweeps"):
        ChainParams.from_mapping({**SMALL, "equilibration_sweeps": 5})
    with pytest.raises(ValueError, match="parent_temperature = inf"):
        ChainParams.from_mapping({**SMALL, "parent_temperature": float("inf")})
    with pytest.raises(ValueError, match="not a multiple"):
        glass_chain(SMALL, 5, first_sample=2)


@pytest.fixture(scope="module")
def one_worker() -> Iterator[Any]:
    """One single-threaded local Dask worker process, shared by this module's runs of the ensemble runner (two
    through ``run_ensemble(client=...)``, four through ``vdosbench generate --scheduler``).

    Each run on a local cluster of its own starts a worker process that imports vdosbench and loads the glass
    kernels again; here that happens once.  The runner's own local cluster (``n_workers``, ``--workers``) is
    tested in tests/generators/test_ensemble.py and tests/cli.  The worker gets the environment the runner gives
    its local workers: one BLAS, OpenMP and numba thread.
    """
    import distributed

    env = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"), "1")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0", env=env
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_runner_computes_whole_chains_and_resumes_them(tmp_path, capsys, one_worker):
    gen = get_generator("soft_spheres_equilibrated")
    fixed = {**SMALL, "chain_samples": 2}
    grid = {"taper_order": [2], "parent_temperature": [0.5]}
    fixed.pop("parent_temperature")
    run = functools.partial(
        run_ensemble, gen.name, grid=grid, fixed=fixed, n_samples=4, root_seed=11, output=tmp_path / "a"
    )
    ds = run(client=one_worker, progress=False)
    assert ds["chain"].values.ravel().tolist() == [0, 0, 1, 1]
    # chain c is seeded by sample_seed(root, c): the same as glass_chain called directly (the same chain and
    # inherent structure; the LAPACK of a one-thread worker may round the eigenvalues differently)
    direct = glass_chain({**fixed, "taper_order": 2, "parent_temperature": 0.5}, sample_seed(11, 1), 2)
    np.testing.assert_array_equal(ds["position"].values[0, 0, 3], direct[1]["position"].values[0])
    np.testing.assert_allclose(
        ds["eigenvalue"].values[0, 0, 3], direct[1]["eigenvalue"].values[0], rtol=1e-9, atol=1e-9
    )
    # parts lost (between the writes of a chain, or a whole chain) are recomputed identically
    lost = tmp_path / "a" / "parts"
    part = sorted(lost.glob("*/sample-0003.nc"))[0]
    kept = xr.open_dataset(part).load()
    part.unlink()
    (part.parent / "sample-0002.nc").unlink()  # the whole second chain is lost: two parts, one task
    capsys.readouterr()
    again = run(client=one_worker, progress=True)
    bar = capsys.readouterr().err
    assert "2/4" in bar and "4/4" in bar  # the bar counts parts (2 on disk), not chains
    xr.testing.assert_identical(kept, xr.open_dataset(part).load())
    xr.testing.assert_equal(ds.drop_attrs(), again.drop_attrs())
    # in memory, without Dask: the same parts
    memory = build_in_memory(gen.name, grid=grid, fixed=fixed, n_samples=4, root_seed=11)
    np.testing.assert_array_equal(memory["position"].values, ds["position"].values)
    with pytest.raises(EnsembleSettingsError, match="not a multiple of chain_samples = 2"):
        run_ensemble(
            gen.name,
            grid=grid,
            fixed=fixed,
            n_samples=3,
            root_seed=11,
            output=tmp_path / "b",
            n_workers=1,
            progress=False,
        )
    assert not (tmp_path / "b").exists()  # refused before anything was written


def test_cluster_bootstrap_counts_a_chain_once():
    # Known answer: k identical copies of each of n independent values.  Resampling chains gives the
    # standard error of n values; resampling the n k "samples" would shrink it by about sqrt(k).
    rng = np.random.default_rng(0)
    values = rng.normal(size=40)
    copies = np.repeat(values, 5)
    chains = np.repeat(np.arange(40), 5)
    independent = bootstrap(np.mean, values, n_bootstrap=2000, seed=1)
    clustered = bootstrap(np.mean, copies, n_bootstrap=2000, seed=1, groups=chains)
    naive = bootstrap(np.mean, copies, n_bootstrap=2000, seed=1)
    assert abs(clustered.standard_error / independent.standard_error - 1.0) < 0.1
    assert naive.standard_error < 0.6 * clustered.standard_error  # what treating structures as independent would claim
    assert clustered.settings()["resampled"].startswith("chains")
    with pytest.raises(ValueError, match="one label per sample"):
        bootstrap(np.mean, copies, groups=chains[:-1])


def test_power_law_resamples_chains_when_the_dataset_has_them():
    from vdosbench.datasets import mock_spectrum

    ds = mock_spectrum(n_sample=12, n_mode=60, exponent=4.0, seed=3)
    grouped = ds.assign(chain=("sample", np.repeat(np.arange(6), 2)))
    res = power_law_exponent(grouped, "lowest_k", n_bootstrap=200)
    assert "chains" in res.mle.settings["resampled"] and np.isfinite(res.mle.low)
    # four chains are too few for a percentile interval: NaN, so a claim reads inconclusive
    few = power_law_exponent(ds.assign(chain=("sample", np.repeat(np.arange(4), 3))), "lowest_k", n_bootstrap=200)
    assert np.isnan(few.mle.low) and np.isnan(few.mle.high) and np.isfinite(few.mle.value)
    assert "samples" in power_law_exponent(ds, "lowest_k", n_bootstrap=200).mle.settings["resampled"]


def test_equilibrated_recipes_have_small_versions_that_use_the_chain_generator():
    full = [k for k in RECIPES if "_n1000_equilibrated" in k and not k.endswith("_small")]
    assert {RECIPES[k].generator for k in full} == {"soft_spheres_equilibrated", "lennard_jones_equilibrated"}
    for name in full:
        small = RECIPES[f"{name}_small"]
        assert small.generator == RECIPES[name].generator
        assert small.generator.endswith("_equilibrated") and small.generator.startswith(name.split("_n1000")[0])
        assert small.n_samples % small.fixed["chain_samples"] == 0
        assert RECIPES[name].fixed["equilibration_sweeps"] >= 10 * RECIPES[name].fixed["spacing_sweeps"] / 3


@pytest.mark.slow
def test_small_low_tstar_recipes_run_the_real_pipeline_and_are_scored_by_the_low_tstar_claims(tmp_path, one_worker):
    """Item 11 of issue 14: the small T_d recipes of both protocols through the CLI, then the low-T* claims
    (generated on the module's one worker: ``--scheduler``, the command line's cluster option)."""
    from vdosbench.benchmark import Verdict, load_claims
    from vdosbench.cli import main
    from vdosbench.benchmark import evaluate_claim

    claims = {c.id: c for c in load_claims()}
    for recipe in (
        "soft_spheres_n1000_equilibrated_1td_small",
        "soft_spheres_n1000_small",
        "lennard_jones_n1000_equilibrated_0.45_small",
    ):
        out = tmp_path / recipe
        scheduler = ["--scheduler", one_worker.scheduler.address]
        assert main(["generate", "--recipe", recipe, "--output", str(out), *scheduler, "--no-progress"]) == 0
        ds = xr.open_dataset(out / "ensemble.nc").load()
        claim = "schirmacher.lennard-jones-s5" if recipe.startswith("lennard") else "lerner-bouchbinder.s4-universal"
        rival = evaluate_claim(claims[claim], ds)
        if recipe == "soft_spheres_n1000_small":
            # issue 25 item 6: the seed-literal protocol carries no memory of T_d; its sets skip the T_d claims
            assert rival.verdict is Verdict.NOT_APPLICABLE and "excludes" in str(rival.reason)
            continue
        assert rival.verdict is not Verdict.NOT_APPLICABLE and len(rival.points) == 2
        resampled = rival.points[0].measurement.settings["resampled"]
        assert ("chains" in resampled) == ("equilibrated" in recipe)
    levels = tmp_path / "levels"
    assert (
        main(
            [
                "generate",
                "--recipe",
                "soft_spheres_n1600_levels_small",
                "--grid",
                "taper_order=2",
                "--output",
                str(levels),
                *scheduler,
                "--no-progress",
            ]
        )
        == 0
    )
    ds = xr.open_dataset(levels / "ensemble.nc")
    assert "pair_psi" not in ds.variables and ds.sizes["site"] == 160


def test_taper_order_inf_is_stored_as_minus_one_whatever_the_input():
    """`--grid taper_order=inf` once left inf as the coordinate, so the m = ∞ claims (taper_order = -1) missed it."""
    from vdosbench.generators import EnsembleSpec

    for generator in ("soft_spheres", "soft_spheres_equilibrated", "lennard_jones"):
        spec = EnsembleSpec.create(
            generator, grid={"taper_order": [2, float("inf")], "parent_temperature": [0.5]}, n_samples=5, root_seed=1
        )
        assert spec.grid["taper_order"] == (2, -1)
        assert spec.parts()[-1][2].parent.name.startswith("taper_order--1")
        fixed = EnsembleSpec.create(
            generator, grid={"parent_temperature": [0.5]}, fixed={"taper_order": "inf"}, n_samples=5, root_seed=1
        ).fixed
        assert fixed["taper_order"] == -1
    with pytest.raises(ValueError, match="taper_order"):
        EnsembleSpec.create("soft_spheres", grid={"taper_order": ["two"]}, n_samples=1, root_seed=1)
