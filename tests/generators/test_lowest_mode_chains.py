"""The T_d ladder's generator (issue 25): equilibrated chains analysed by their lowest modes and moduli."""

from __future__ import annotations

import numpy as np
import pytest

from vdosbench.datasets import check
from vdosbench.generators import RECIPES, T_D, get_generator
from vdosbench.generators.glasses.energy_drift import energy_drift
from vdosbench.generators.glasses.glass_chains import soft_sphere_chain
from vdosbench.generators.glasses.glass_chains import NONADDITIVE_SWAP_TAU_TD
from vdosbench.generators.glasses.lowest_mode_chains import NONADDITIVE_N, TD_CHAINS, lowest_mode_chain
from vdosbench.generators import T_D_NONADDITIVE

CHAIN = {
    "n_particles": 128,
    "parent_temperature": 0.5,
    "equilibration_sweeps": 60,
    "spacing_sweeps": 10,
    "chain_samples": 2,
    "record_every": 1,
}


@pytest.fixture(scope="module")
def parts() -> list:
    return lowest_mode_chain({**CHAIN, "n_lowest": 12}, np.random.SeedSequence(5), first_sample=2)


def test_each_structure_is_the_dense_chains_structure_with_its_lowest_modes(parts: list) -> None:
    # the same chain (seed, settings) analysed densely: same liquid, same quench, same lowest eigenvalues
    dense = soft_sphere_chain({**CHAIN, "n_vectors": 0}, np.random.SeedSequence(5), first_sample=2)
    for sparse, full in zip(parts, dense):
        check(sparse)
        np.testing.assert_allclose(sparse["position"].values, full["position"].values, atol=1e-12)
        lam = full["eigenvalue"].values[0]
        np.testing.assert_allclose(sparse["eigenvalue"].values[0, 3:], lam[3:15], rtol=1e-7, atol=1e-9)
        for name in ("chain", "mc_sweep", "mc_step", "segment_mean_energy", "inherent_energy"):
            np.testing.assert_allclose(sparse[name].values, full[name].values, rtol=1e-12, err_msg=name)
    assert [int(p["sample"].item()) for p in parts] == [2, 3]
    assert [int(p["chain"].item()) for p in parts] == [1, 1]


def test_every_structure_carries_its_chains_energy_drift(parts: list) -> None:
    ds = parts[0]
    expected = energy_drift(ds["mc_record"].values, ds["mc_energy"].values[0])
    assert ds["energy_drift"].item() == pytest.approx(expected.drift, rel=1e-12)
    assert ds["energy_drift_stderr"].item() == pytest.approx(expected.stderr, rel=1e-12)
    assert ds["energy_drift_low"].item() <= ds["energy_drift"].item() <= ds["energy_drift_high"].item()
    assert parts[1]["energy_drift"].item() == ds["energy_drift"].item()  # one trace per chain
    assert "Student t" in ds.attrs["energy_drift_method"]


def test_the_record_says_what_the_chain_and_the_analysis_did(parts: list) -> None:
    ds = parts[1]
    assert ds.attrs["generator"] == "soft_spheres_lowest_equilibrated"
    assert ds.attrs["protocol"] == "equilibrated"
    assert "n_sweeps" not in ds.attrs and "mc_step" not in ds.attrs  # the chain's own record replaces them
    assert ds.attrs["equilibration_sweeps"] == 60 and ds.attrs["n_lowest"] == 12
    seconds = ds["stage_seconds"].sel(stage="monte_carlo").item()
    assert seconds > 0
    assert float(ds["shear_modulus"].item()) > 0 and float(ds["bulk_modulus"].item()) > 0


def test_a_too_short_trace_gives_nan_drift_not_an_error() -> None:
    parts = lowest_mode_chain(
        {**CHAIN, "record_every": 10, "chain_samples": 1, "n_lowest": 6}, np.random.SeedSequence(1), first_sample=0
    )
    assert np.isnan(parts[0]["energy_drift"].item())


def test_the_tapers_of_one_chain_start_from_the_same_diameters() -> None:
    gen = get_generator("soft_spheres_lowest_equilibrated")
    seed = np.random.SeedSequence(9)
    a = gen.make_chain({**CHAIN, "taper_order": 2, "n_lowest": 6, "chain_samples": 1}, seed, 0)[0]
    b = gen.make_chain({**CHAIN, "taper_order": -1, "n_lowest": 6, "chain_samples": 1}, seed, 0)[0]
    np.testing.assert_array_equal(np.sort(a["diameter"].values[0]), np.sort(b["diameter"].values[0]))
    assert a.attrs["taper_order"] != b.attrs["taper_order"]


def test_the_td_recipes_are_the_ladder_the_issue_names() -> None:
    for n, chains in TD_CHAINS.items():
        r = RECIPES[f"soft_spheres_lowest_n{n}_td"]
        assert r.grid["parent_temperature"] == [T_D]
        assert r.n_samples == 5 * chains and r.fixed["chain_samples"] == 5
        assert r.fixed["equilibration_sweeps"] >= 40 * 9500 and r.fixed["spacing_sweeps"] >= 3 * 9500
    assert TD_CHAINS[1000] >= 20 and TD_CHAINS[2000] >= 20 and TD_CHAINS[4000] >= 12
    assert len({RECIPES[f"soft_spheres_lowest_n{n}_td"].root_seed for n in TD_CHAINS}) == len(TD_CHAINS)


def test_the_nonadditive_control_is_the_same_ladder_at_its_own_td_with_paired_starts() -> None:
    for n in NONADDITIVE_N:
        r, additive = RECIPES[f"soft_spheres_lowest_n{n}_td_nonadditive"], RECIPES[f"soft_spheres_lowest_n{n}_td"]
        assert r.grid == {**additive.grid, "parent_temperature": [T_D_NONADDITIVE]}
        assert r.fixed["non_additivity"] == 0.2 and "non_additivity" not in additive.fixed
        assert r.fixed["equilibration_sweeps"] == 40 * NONADDITIVE_SWAP_TAU_TD
        assert r.fixed["spacing_sweeps"] == 3 * NONADDITIVE_SWAP_TAU_TD
        assert (r.root_seed, r.n_samples) == (additive.root_seed, additive.n_samples)
    assert set(NONADDITIVE_N) == {1000, 2000, 4000}
    # a small chain of each model from one seed: the same diameters, the model recorded, other energies
    gen = get_generator("soft_spheres_lowest_equilibrated")
    seed = np.random.SeedSequence(9)
    small = {**CHAIN, "taper_order": 2, "n_lowest": 6, "chain_samples": 1}
    a = gen.make_chain(small, seed, 0)[0]
    b = gen.make_chain({**small, "non_additivity": 0.2}, seed, 0)[0]
    np.testing.assert_array_equal(np.sort(a["diameter"].values[0]), np.sort(b["diameter"].values[0]))
    assert a.attrs["non_additivity"] == 0.0 and b.attrs["non_additivity"] == 0.2
    assert b["inherent_energy"].item() < a["inherent_energy"].item()  # unlike pairs are smaller: less overlap


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"parent_temperature": float("inf")}, "no Monte Carlo chain"),
        ({"vector_modes": [5]}, "vector_modes is not used"),
        ({"n_sweeps": 10}, "set by the chain"),
        ({"n_vectors": 20, "n_lowest": 10}, "exceeds n_lowest"),
    ],
)
def test_bad_settings_are_refused_with_the_fix(extra: dict, words: str) -> None:
    gen = get_generator("soft_spheres_lowest_equilibrated")
    with pytest.raises(ValueError, match=words):
        gen.check_params({**CHAIN, **extra})


def test_claims_on_the_highest_modes_are_not_scored_on_a_partial_spectrum(parts: list) -> None:
    """Data built to fail: the lowest-mode sets store 3 + n_lowest of 3N modes, so their 'highest 50' are low
    modes; the level-statistics claim on the highest modes must refuse them, naming why, not give a verdict."""
    import xarray as xr

    from vdosbench.benchmark import evaluate_claim, load_claims
    from vdosbench.benchmark import Verdict

    claim = next(c for c in load_claims() if c.id == "schirmacher.poisson-highest-50")
    ds = xr.concat(parts, "sample", data_vars="minimal", coords="minimal", compat="override", combine_attrs="override")
    result = evaluate_claim(claim, ds.expand_dims(taper_order=[2], parent_temperature=[0.5]))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert all(p.measurement is None and "partial spectrum" in p.reason for p in result.points)
