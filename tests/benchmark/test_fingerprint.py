"""Fingerprints: known answers, the catalogued values, and what a rebuild must (not) reproduce."""

from __future__ import annotations

import math
import tomllib
from dataclasses import replace

import numpy as np
import pytest
import xarray as xr
from scipy import stats as scipy_stats
from vdosbench.benchmark.fingerprint import (
    REALIZATION_MIN_SAMPLES,
    RESOLUTION,
    compare_fingerprints,
    chain_groups,
    compare_realizations,
    compute_fingerprint,
    entry_toml,
)
from vdosbench.benchmark.rebuild import (
    BIT_FOR_BIT,
    CONSISTENT_REALIZATION,
    NOT_REPRODUCED,
    NOT_VERIFIED,
    WITHIN_TOLERANCE,
    BuildReport,
)
from vdosbench.datasets import mock_spectrum, open_dataset
from vdosbench.datasets.catalog import (
    CatalogError,
    Fingerprint,
    fingerprint_toml,
    get_entry,
    load_catalog,
)
from vdosbench.generators import build_in_memory
from vdosbench.validators import frequencies


def _with_eigenvalues(lam: np.ndarray) -> xr.Dataset:
    """A mock dataset (no zero mode) whose eigenvalues are ``lam`` (sample, mode), ascending."""
    ds = mock_spectrum(n_sample=lam.shape[0], n_mode=lam.shape[1], n_zero=0)
    ds["eigenvalue"].values[...] = lam
    return ds


def _full_set() -> xr.Dataset:
    """The catalogued full set of spring-network-16 (reference-data/spring-network-16-full.nc)."""
    return open_dataset(get_entry("spring-network-16").full_form.local_path).load()


def _recipe_ensemble(**changes: object) -> xr.Dataset:
    """The spring-network-16 recipe computed in this process, with ``changes`` to its arguments."""
    args = get_entry("spring-network-16").recipe.run_ensemble_arguments()
    fixed = {**args["fixed"], **changes.pop("fixed", {})}  # type: ignore[dict-item]
    args = {**args, **changes, "fixed": fixed}
    return build_in_memory("spring_network", **args)


# ------------------------------------------------------------------ known answers


def test_quantities_of_an_evenly_spaced_spectrum_have_their_closed_forms() -> None:
    # λ = 1..100 in one sample: the median is 50.5 (linear interpolation), the lowest decile is
    # λ = 1..10 so <ω²> = 5.5 and <ω⁴> = <λ²> = 38.5; equal spacings give r = 1 everywhere
    fp = compute_fingerprint(_with_eigenvalues(np.arange(1.0, 101.0)[None, :]))
    v = {q: col[0] for q, col in fp.values.items()}
    assert fp.resampled == "mode" and fp.points == ("all",)
    assert v["lambda_q0.5"] == pytest.approx(50.5, rel=1e-14)
    assert v["lambda_q0.01"] == pytest.approx(1.99, rel=1e-14)
    assert v["omega_low_moment_2"] == pytest.approx(5.5, rel=1e-14)
    assert v["omega_low_moment_4"] == pytest.approx(38.5, rel=1e-14)
    assert v["omega_low_moment_1"] == pytest.approx(np.mean(np.sqrt(np.arange(1.0, 11.0))), rel=1e-14)
    assert v["omega_min"] == pytest.approx(1.0, rel=1e-14)
    assert v["r_tilde_mean"] == pytest.approx(1.0, rel=1e-14)


def test_degenerate_levels_give_r_tilde_zero_and_no_ratio_for_two_in_a_row() -> None:
    # levels 1, 1, 2, 4, 4, 4: spacings 0, 1, 2, 0, 0 -> r̃ = 0, 0.5, 0, (0/0 dropped) -> mean 1/6
    fp = compute_fingerprint(_with_eigenvalues(np.array([[1.0, 1.0, 2.0, 4.0, 4.0, 4.0]])))
    assert fp.values["r_tilde_mean"][0] == pytest.approx(1 / 6, rel=1e-14)


def test_a_scalar_the_model_leaves_nan_is_left_out_and_a_finite_one_is_averaged() -> None:
    # a two-species mixture stores NaN for the size-neighbour correlation (no diameters): the
    # fingerprint leaves that scalar out instead of failing on a NaN standard error
    ds = _with_eigenvalues(np.array([[1.0, 2.0, 3.0], [1.5, 2.5, 3.5]]))
    ds["size_neighbour_correlation"] = ("sample", [np.nan, np.nan])
    ds["inherent_energy"] = ("sample", [-4.0, -5.0])
    fp = compute_fingerprint(ds)
    assert "mean:size_neighbour_correlation" not in fp.values
    assert fp.values["mean:inherent_energy"] == (-4.5,) and fp.stderr["mean:inherent_energy"][0] > 0


def test_bootstrap_standard_error_over_samples_matches_sigma_over_root_n() -> None:
    # omega_min is the mean over n samples of each sample's lowest ω; with the lowest ω iid normal
    # (sd 0.01) its standard error is 0.01/√n.  200 bootstrap replicates estimate an SD to ~5 %:
    # 20 % is four of those.
    rng = np.random.default_rng(3)
    n = 400
    lowest = 1.0 + 0.01 * rng.standard_normal(n)
    lam = np.column_stack([lowest**2, np.full(n, 4.0), np.full(n, 9.0)])
    fp = compute_fingerprint(_with_eigenvalues(lam))
    assert fp.resampled == "sample"
    assert fp.stderr["omega_min"][0] == pytest.approx(np.std(lowest, ddof=1) / math.sqrt(n), rel=0.2)
    assert fp.stderr["lambda_q0.99"][0] == pytest.approx(0.0, abs=1e-12)  # every sample has the same top


def test_a_padded_dataset_is_fingerprinted_as_its_unpadded_points() -> None:
    # a grid whose points have Monte Carlo traces of other lengths (padded, VDOS-1.0): the fingerprint reads only
    # eigenvalues and scalars, but must keep each point's length to trim the points (found cataloguing N = 16000)
    ds = mock_spectrum(n_sample=4, n_mode=30, parameters={"p": [0, 1]}, seed=3)
    plain = compute_fingerprint(ds)
    trace = np.arange(2 * 4 * 3, dtype=float).reshape(2, 4, 3)
    trace[0, :, 2] = np.nan  # point p=0 has 2 records, p=1 has 3
    padded = ds.assign(
        mc_energy=(("p", "sample", "mc_record"), trace), mc_record_length=("p", np.array([2, 3]))
    ).assign_attrs(padded_dims="mc_record")
    assert compute_fingerprint(padded) == plain


# ------------------------------------------------------------------ the catalogue's fingerprints


def test_every_catalogue_entry_has_a_fingerprint_with_standard_errors() -> None:
    for entry in load_catalog().values():
        fp = entry.fingerprint
        assert fp is not None, entry.name
        assert fp.resampled == ("sample" if entry.recipe.samples >= 2 else "mode")
        assert len(fp.points) == math.prod(len(v) for v in entry.recipe.grid.values())
        assert any(e > 0 for col in fp.stderr.values() for e in col), entry.name


def test_the_catalogued_full_set_reproduces_its_fingerprint_exactly() -> None:
    entry = get_entry("spring-network-16")
    comparison = compare_fingerprints(entry.fingerprint, compute_fingerprint(_full_set(), stderr=False))
    assert comparison.within_tolerance and comparison.largest.ratio == 0.0
    assert len(comparison.deviations) == 4 * 14


def test_library_version_like_perturbation_is_within_tolerance() -> None:
    # what another LAPACK build does: every eigenvalue moved at 1e-12 relative, and equal
    # eigenvalues (the degenerate lattice modes at delta = 0) come out in another order
    ds = _full_set()
    lam = ds["eigenvalue"].values.copy()
    rng = np.random.default_rng(11)
    perturbed = lam * (1.0 + 1e-12 * rng.uniform(-1.0, 1.0, lam.shape))
    ds["eigenvalue"].values[...] = np.sort(perturbed, axis=-1)
    assert not np.array_equal(ds["eigenvalue"].values, lam)
    comparison = compare_fingerprints(get_entry("spring-network-16").fingerprint, compute_fingerprint(ds, stderr=False))
    assert comparison.within_tolerance, [d.describe() for d in comparison.exceeding]
    assert 0.0 < comparison.largest.ratio < 1e-3


@pytest.mark.parametrize(
    ("changes", "what"),
    [
        ({"root_seed": 20261}, "another seed"),
        ({"fixed": {"spring": "constant"}}, "constant springs instead of 1/r"),
    ],
    ids=["seed", "spring"],
)
def test_wrong_parameter_is_not_reproduced(changes: dict, what: str) -> None:
    comparison = compare_fingerprints(
        get_entry("spring-network-16").fingerprint, compute_fingerprint(_recipe_ensemble(**changes), stderr=False)
    )
    assert not comparison.within_tolerance, what
    assert comparison.largest.ratio > 1.0 and not comparison.mismatches


def test_the_recipe_itself_rebuilt_in_process_is_reproduced() -> None:
    # the control of the test above: same recipe, same seed -> within tolerance (here: exactly)
    comparison = compare_fingerprints(
        get_entry("spring-network-16").fingerprint, compute_fingerprint(_recipe_ensemble(), stderr=False)
    )
    assert comparison.within_tolerance


def test_wrong_grid_value_names_the_missing_points() -> None:
    comparison = compare_fingerprints(
        get_entry("spring-network-16").fingerprint,
        compute_fingerprint(
            _recipe_ensemble(grid={"delta": [0.0, 0.1], "connectivity": ["nearest", "cutoff"]}), stderr=False
        ),
    )
    assert not comparison.within_tolerance
    assert any("missing from the rebuild" in m and "delta=0.2" in m for m in comparison.mismatches)


def test_tolerance_floor_applies_only_where_the_spread_vanishes() -> None:
    cat = Fingerprint(1, "sample", ("all",), {"a": (2.0,), "b": (2.0,)}, {"a": (0.0,), "b": (0.5,)})
    new = Fingerprint(
        1, "sample", ("all",), {"a": (2.0 * (1 + 0.5 * RESOLUTION),), "b": (2.4,)}, {"a": (0.0,), "b": (0.0,)}
    )
    ratios = {d.quantity: d.ratio for d in compare_fingerprints(cat, new).deviations}
    assert ratios["a"] == pytest.approx(0.5) and ratios["b"] == pytest.approx(0.8)
    off = replace(new, values={"a": (2.0 * (1 + 3 * RESOLUTION),), "b": (2.4,)})
    c = compare_fingerprints(cat, off)
    assert not c.within_tolerance and [d.quantity for d in c.exceeding] == ["a"]


def test_other_definition_or_nan_is_not_reproduced() -> None:
    cat = Fingerprint(1, "sample", ("all",), {"a": (2.0,)}, {"a": (0.1,)})
    assert compare_fingerprints(cat, replace(cat, definition=2)).mismatches
    assert compare_fingerprints(cat, replace(cat, values={"a": (math.nan,)})).largest.ratio == math.inf


# ------------------------------------------------------------------ another realization: the two-sample test


def _realization(a: xr.Dataset, b: xr.Dataset, **kw: object):  # type: ignore[no-untyped-def]
    return compare_realizations(
        compute_fingerprint(a),
        compute_fingerprint(b),
        n_catalogued=a.sizes["sample"],
        n_rebuilt=b.sizes["sample"],
        **kw,
    )  # type: ignore[arg-type]


def test_independent_realizations_pass_and_another_exponent_fails() -> None:
    # known answer: 12 pairs of independent mock ensembles (g ~ w^4, 40 samples of 100 modes, other seeds) are
    # realizations of one ensemble, so at a family-wise alpha of 0.05 at most a few may be flagged (P(>= 3 of 12)
    # = 0.02 at the nominal rate); an exponent of 3 instead of 4 is another ensemble and must fail every time
    def mock(seed: int, exponent: float = 4.0) -> xr.Dataset:
        return mock_spectrum(n_sample=40, n_mode=100, exponent=exponent, seed=seed)

    same = [_realization(mock(100 + 2 * r), mock(101 + 2 * r)) for r in range(12)]
    assert all(t.assessed and t.threshold == pytest.approx(0.05 / 12) for t in same)
    assert sum(not t.consistent for t in same) <= 2, [t.describe() for t in same]
    other = [_realization(mock(100 + 2 * r), mock(101 + 2 * r, exponent=3.0)) for r in range(4)]
    assert not any(t.consistent for t in other)
    assert all("beyond the threshold" in t.describe() for t in other)


def test_the_realization_test_is_welch_t_with_bonferroni() -> None:
    cat = Fingerprint(
        1, "sample", ("p=1", "p=2"), {"a": (1.0, 2.0), "b": (5.0, 5.0)}, {"a": (0.3, 0.3), "b": (0.0, 0.0)}
    )
    new = replace(cat, values={"a": (1.9, 2.0), "b": (5.0, 5.0)}, stderr={"a": (0.6, 0.3), "b": (0.0, 0.0)})
    t = compare_realizations(cat, new, n_catalogued=21, n_rebuilt=41)
    # standard errors scaled by sqrt(n / (n - 1)): 0.3 * sqrt(21/20), 0.6 * sqrt(41/40); Welch df from them
    se_c, se_r = 0.3 * (21 / 20) ** 0.5, 0.6 * (41 / 40) ** 0.5
    df = (se_c**2 + se_r**2) ** 2 / (se_c**4 / 20 + se_r**4 / 40)
    z = 0.9 / (se_c**2 + se_r**2) ** 0.5
    d = t.largest
    assert (d.quantity, d.point) == ("a", "p=1")
    assert d.z == pytest.approx(z) and d.df == pytest.approx(df)
    assert d.p_value == pytest.approx(2 * scipy_stats.t.sf(z, df))
    assert t.threshold == pytest.approx(0.05 / 2)  # k = 2 stochastic differences (b has no spread)
    assert t.consistent == (d.p_value >= 0.025)
    # a deterministic quantity (no spread on either side) must agree to the resolution floor
    off = replace(new, values={"a": (1.0, 2.0), "b": (5.0 * (1 + 3 * RESOLUTION), 5.0)})
    t = compare_realizations(cat, off, n_catalogued=40, n_rebuilt=40)
    assert not t.consistent and [d.quantity for d in t.exceeding] == ["b"]


def test_the_realization_test_is_not_assessed_where_its_errors_do_not_hold() -> None:
    cat = Fingerprint(1, "sample", ("all",), {"a": (1.0,)}, {"a": (0.1,)})
    few = REALIZATION_MIN_SAMPLES - 1
    cases = {
        "a single sample per point": compare_realizations(
            cat, replace(cat, resampled="mode"), n_catalogued=1, n_rebuilt=1
        ),
        f"fewer than {REALIZATION_MIN_SAMPLES} samples per point (catalogued {few}, rebuilt 40)": compare_realizations(
            cat, cat, n_catalogued=few, n_rebuilt=40
        ),
        "structures of Monte Carlo chains": compare_realizations(
            cat, cat, n_catalogued=40, n_rebuilt=40, independent=False
        ),
        "other definitions, points or quantities": compare_realizations(
            cat, replace(cat, points=("p=1",)), n_catalogued=40, n_rebuilt=40
        ),
    }
    for reason, t in cases.items():
        assert not t.assessed and not t.consistent and reason in t.reason and not t.differences
        assert t.describe().startswith("not assessed: ")


def test_chain_structures_are_not_independent_samples() -> None:
    ds = mock_spectrum(n_sample=6, n_mode=10)
    assert chain_groups(ds) is None and compute_fingerprint(ds).chains is None
    ds["chain"] = ("sample", np.arange(6))  # one structure per chain: independent
    assert chain_groups(ds) is None and compute_fingerprint(ds).chain_stderr is None
    ds["chain"] = ("sample", np.repeat([0, 1], 3))  # three structures of each of two chains
    assert chain_groups(ds) == [[0, 1, 2], [3, 4, 5]]


def _chains(n_chains: int, per_chain: int, seed: int, jitter: float = 1e-3) -> xr.Dataset:
    """Mock Monte Carlo chains: each chain one mock glass (g ~ w^4), its structures that glass with every
    eigenvalue moved by a relative jitter, so a chain's structures are nearly copies of each other."""
    base = mock_spectrum(n_sample=n_chains, n_mode=100, exponent=4.0, seed=seed)
    rng = np.random.default_rng(seed)
    lam = np.repeat(base["eigenvalue"].values, per_chain, axis=0)
    lam = lam * (1 + jitter * rng.standard_normal(lam.shape))
    ds = base.isel(sample=np.repeat(np.arange(n_chains), per_chain)).assign_coords(
        sample=np.arange(n_chains * per_chain)
    )
    ds["eigenvalue"] = (("sample", "mode"), lam)
    ds["chain"] = ("sample", np.repeat(np.arange(n_chains), per_chain))
    return ds


def test_chain_standard_errors_resample_chains_and_leave_the_sample_ones_unchanged() -> None:
    ds = _chains(20, 5, seed=7)
    fp = compute_fingerprint(ds)
    assert fp.chains == (20,) and fp.chain_stderr is not None and set(fp.chain_stderr) == set(fp.values)
    # the first set is the bootstrap over samples, as without the chain labels (same seed, same draws)
    plain = compute_fingerprint(ds.drop_vars("chain"))
    assert {q: fp.stderr[q] for q in plain.stderr} == dict(plain.stderr)
    # known answer: five near-copies per chain, so a mean over 100 structures is a mean over 20 draws; its
    # standard error is sd / sqrt(20) with divisor n (what a bootstrap gives), sqrt(5) times the sample bootstrap's
    first = np.nanmin(frequencies(ds).values, axis=1)  # each structure's lowest non-zero mode
    per_chain = first.reshape(20, 5).mean(axis=1)
    expected = np.std(per_chain) / np.sqrt(20)
    assert fp.chain_stderr["omega_min"][0] == pytest.approx(expected, rel=0.2)  # 200 replicates: ~5 % noise
    assert fp.chain_stderr["omega_min"][0] / fp.stderr["omega_min"][0] == pytest.approx(np.sqrt(5), rel=0.25)
    # no spread without a bootstrap
    assert set(compute_fingerprint(ds, stderr=False).chain_stderr["omega_min"]) == {0.0}


def test_chain_sets_are_compared_by_their_chains() -> None:
    # known answer: 8 pairs of independent mock chain sets (20 chains of 5 near-copies a side) are realizations of
    # one ensemble: by the chain standard errors at most 2 of 8 may be flagged (P(>= 3) = 0.006 at the nominal
    # rate); with the sample standard errors (the structures taken as independent, too small by sqrt(5)) most are
    pairs = [
        (compute_fingerprint(_chains(20, 5, seed=200 + 2 * r)), compute_fingerprint(_chains(20, 5, 201 + 2 * r)))
        for r in range(8)
    ]
    by_chain = [compare_realizations(a, b, n_catalogued=100, n_rebuilt=100) for a, b in pairs]
    assert all(t.assessed and not t.left_out and t.largest.df < 40 for t in by_chain)  # n = 20 chains a side
    assert sum(not t.consistent for t in by_chain) <= 2, [t.describe() for t in by_chain]
    by_sample = [compare_realizations(a, b, n_catalogued=100, n_rebuilt=100, independent=True) for a, b in pairs]
    assert sum(not t.consistent for t in by_sample) >= 5, [t.describe() for t in by_sample]
    # another exponent is another ensemble, chains or not
    other = _chains(20, 5, seed=300)
    other["eigenvalue"] = other["eigenvalue"] ** 1.15
    assert not compare_realizations(pairs[0][0], compute_fingerprint(other), n_catalogued=100, n_rebuilt=100).consistent


def test_chain_sets_need_chain_errors_on_both_sides_and_enough_chains() -> None:
    cat = Fingerprint(1, "sample", ("all",), {"a": (1.0,), "b": (2.0,)}, {"a": (0.1,), "b": (0.1,)})
    chained = replace(cat, chains=(20,), chain_stderr={"a": (0.2,), "b": (0.2,)})
    t = compare_realizations(cat, chained, n_catalogued=100, n_rebuilt=100)
    assert not t.assessed and "catalogued fingerprint has no chain standard errors" in t.reason
    few = replace(chained, chains=(REALIZATION_MIN_SAMPLES - 1,))
    t = compare_realizations(chained, few, n_catalogued=100, n_rebuilt=100)
    assert not t.assessed and f"fewer than {REALIZATION_MIN_SAMPLES} chains per point" in t.reason
    # a quantity whose chain standard error the catalogue lacks (a scoring form left its variable out) is named
    partial = replace(chained, chain_stderr={"a": (0.2,)})
    t = compare_realizations(partial, chained, n_catalogued=100, n_rebuilt=100)
    assert t.assessed and t.left_out == ("b",) and [d.quantity for d in t.differences] == ["a"]
    assert "1 quantities without a chain standard error left out (b)" in t.describe()
    # the chain standard errors and chain counts decide: 0.2 * sqrt(20/19) a side, df from 20 chains each
    d = compare_realizations(
        chained, replace(chained, values={"a": (1.5,), "b": (2.0,)}), n_catalogued=100, n_rebuilt=100
    ).largest
    assert d.catalogued_stderr == pytest.approx(0.2 * (20 / 19) ** 0.5) and d.df == pytest.approx(38.0)


# ------------------------------------------------------------------ verdicts and TOML


def _report(
    content_identical: bool, fingerprint: Fingerprint | None, rebuilt: Fingerprint | None, n: int = 40
) -> BuildReport:
    comparison = compare_fingerprints(fingerprint, rebuilt) if fingerprint and rebuilt else None
    realization = None
    if comparison is not None and not comparison.within_tolerance:
        realization = compare_realizations(fingerprint, rebuilt, n_catalogued=n, n_rebuilt=n)  # type: ignore[arg-type]
    return BuildReport(
        name="x",
        path=None,
        sha256="a" * 64,
        expected_sha256="b" * 64,  # type: ignore[arg-type]
        content_sha256="c" * 64,
        expected_content_sha256=("c" if content_identical else "d") * 64,
        reference=None,
        eigenvalue_max_abs_diff=None,
        eigenvalue_max_rel_diff=None,
        differing_attrs=(),
        fingerprint=comparison,
        realization=realization,
    )


def test_verdicts_and_their_exit_codes() -> None:
    cat = Fingerprint(1, "sample", ("p=1",), {"omega_min": (1.0,)}, {"omega_min": (0.1,)})
    close = replace(cat, values={"omega_min": (1.05,)})
    far = replace(cat, values={"omega_min": (1.5,)})
    cases = [
        (_report(True, cat, far), BIT_FOR_BIT, 0),
        (_report(False, cat, close), WITHIN_TOLERANCE, 0),
        (_report(False, cat, far), NOT_REPRODUCED, 1),
        (_report(False, None, None), NOT_VERIFIED, 3),
    ]
    for report, verdict, code in cases:
        assert report.verdict == verdict and report.exit_code == code
    within = cases[1][0].summary()
    assert "verdict: reproduced within tolerance (largest deviation 0.5 tolerances: omega_min at p=1)" in within
    assert "every fingerprint quantity equal to the catalogue's" in _report(False, cat, cat).summary()
    failed = cases[2][0].summary()
    assert "verdict: not reproduced: 1 of 1 quantities differ by more than their tolerance" in failed
    assert "omega_min at p=1: rebuilt 1.5, catalogued 1 (|diff| = 5 tolerances of 0.1)" in failed


def test_another_realization_verdict_needs_the_two_sample_test() -> None:
    cat = Fingerprint(1, "sample", ("p=1",), {"omega_min": (1.0,)}, {"omega_min": (0.1,)})
    other_glasses = replace(cat, values={"omega_min": (1.15,)}, stderr={"omega_min": (0.1,)})  # 1.5 tolerances
    report = _report(False, cat, other_glasses)
    assert report.verdict == CONSISTENT_REALIZATION and report.exit_code == 0 and not report.reproduced
    text = report.summary()
    assert (
        "another realization? consistent: smallest p 0.3 (|z| 1.05, omega_min at p=1) against alpha / k = 0.05 / 1"
        in text
    )
    assert "verdict: another realization, consistent with the catalogue: not the catalogued samples" in text
    # too few samples for the two-sample test: not reproduced, with the reason
    few = _report(False, cat, other_glasses, n=5)
    assert few.verdict == NOT_REPRODUCED and few.exit_code == 1
    assert "another realization? not assessed: fewer than 20 samples per point" in few.summary()
    # another ensemble: beyond the threshold, listed
    far = _report(False, cat, replace(other_glasses, values={"omega_min": (1.5,)}))
    assert far.verdict == NOT_REPRODUCED
    assert (
        "beyond the two-sample threshold:\n    omega_min at p=1: rebuilt 1.5 ± 0.101, catalogued 1 ± 0.101 (z = 3.49"
        in far.summary()
    )


def test_fingerprint_toml_round_trips_exactly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    fp = get_entry("spring-network-16").fingerprint
    text = fingerprint_toml("x", fp)
    table = tomllib.loads(text)["datasets"]["x"]["fingerprint"]
    assert table["points"] == list(fp.points)
    for q in fp.values:
        assert tuple(table["values"][q]) == fp.values[q] and tuple(table["stderr"][q]) == fp.stderr[q]
    assert "chains" not in table and "chain_stderr" not in table
    # a chain set's chain counts and chain standard errors go with it
    chained = compute_fingerprint(_chains(3, 2, seed=5))
    src = get_entry("spring-network-16").catalog.read_text()
    head = src[src.index("[datasets.spring-network-16]") : src.index("[datasets.spring-network-16.fingerprint]")]
    path = tmp_path / "catalog.toml"
    path.write_text(head.replace("spring-network-16", "x") + fingerprint_toml("x", chained))
    assert load_catalog(path)["x"].fingerprint == chained and chained.chains == (3,)


def test_entry_toml_of_a_built_file_is_a_catalogue_entry_once_completed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    entry = get_entry("spring-network-16")
    text = entry_toml("new-set", entry.full_form.local_path)
    src = entry.catalog.read_text()
    recipe = src[
        src.index("[datasets.spring-network-16.recipe]") : src.index("[datasets.spring-network-16.fingerprint]")
    ]
    fields = "description = 'd'\nsource = 's'\ncitation = 'c'\nlicence = 'l'\n"
    path = tmp_path / "catalog.toml"
    path.write_text(
        text.replace("[datasets.new-set]\n", "[datasets.new-set]\n" + fields, 1)
        + recipe.replace("spring-network-16", "new-set")
    )
    new = load_catalog(path)["new-set"]
    assert (new.size, new.sha256, new.content_sha256) == (entry.size, entry.sha256, entry.content_sha256)
    # the fingerprint recomputed from the catalogued file: the catalogued one by value (another numpy/scipy may
    # differ in the last bit, issue 53), far inside the rebuild tolerance, and its standard errors to 1e-9
    comparison = compare_fingerprints(entry.fingerprint, new.fingerprint)
    assert comparison.within_tolerance and comparison.largest is not None and comparison.largest.ratio < 1e-6
    assert new.fingerprint.stderr == {
        q: pytest.approx(e, rel=1e-9, abs=1e-300) for q, e in entry.fingerprint.stderr.items()
    }
    assert (new.fingerprint.points, new.fingerprint.chains) == (entry.fingerprint.points, entry.fingerprint.chains)


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ("[datasets.x.fingerprint]\ndefinition = 1\n", r"fields \['definition'\]; expected exactly"),
        (
            "[datasets.x.fingerprint]\ndefinition = 1\nresampled = 'mode'\npoints = ['all']\n"
            "[datasets.x.fingerprint.values]\na = [1.0]\n[datasets.x.fingerprint.stderr]\nb = [1.0]\n",
            r"quantities without a standard error: \['a', 'b'\]",
        ),
        (
            "[datasets.x.fingerprint]\ndefinition = 1\nresampled = 'mode'\npoints = ['all']\n"
            "[datasets.x.fingerprint.values]\na = [1.0, 2.0]\n[datasets.x.fingerprint.stderr]\na = [1.0, 2.0]\n",
            r"'a' has 2 values; expected one per point \(1\)",
        ),
        (
            "[datasets.x.fingerprint]\ndefinition = 1\nresampled = 'mode'\npoints = ['all']\n"
            "[datasets.x.fingerprint.values]\na = [1.0]\n[datasets.x.fingerprint.stderr]\na = [-1.0]\n",
            r"stderr of 'a' is \[-1.0\]; expected values >= 0",
        ),
        (
            "[datasets.x.fingerprint]\ndefinition = 1\nresampled = 'sample'\npoints = ['all']\nchains = [20]\n"
            "[datasets.x.fingerprint.values]\na = [1.0]\n[datasets.x.fingerprint.stderr]\na = [1.0]\n",
            r"with \['chain_stderr', 'chains'\] both or neither",
        ),
        (
            "[datasets.x.fingerprint]\ndefinition = 1\nresampled = 'sample'\npoints = ['all']\nchains = [0]\n"
            "[datasets.x.fingerprint.values]\na = [1.0]\n[datasets.x.fingerprint.stderr]\na = [1.0]\n"
            "[datasets.x.fingerprint.chain_stderr]\na = [1.0]\n",
            r"chains is \[0\]; expected one count >= 1 per point \(1\)",
        ),
        (
            "[datasets.x.fingerprint]\ndefinition = 1\nresampled = 'sample'\npoints = ['all']\nchains = [20]\n"
            "[datasets.x.fingerprint.values]\na = [1.0]\n[datasets.x.fingerprint.stderr]\na = [1.0]\n"
            "[datasets.x.fingerprint.chain_stderr]\nb = [1.0]\n",
            r"chain_stderr names quantities without a value: \['b'\]",
        ),
    ],
    ids=[
        "missing-fields",
        "no-stderr",
        "wrong-length",
        "negative-stderr",
        "chains-alone",
        "zero-chains",
        "unknown-chain-quantity",
    ],
)
def test_malformed_fingerprint_is_explained(tmp_path, extra: str, match: str) -> None:  # type: ignore[no-untyped-def]
    src = get_entry("spring-network-16").catalog.read_text()
    head = src[src.index("[datasets.spring-network-16]") : src.index("[datasets.spring-network-16.fingerprint]")]
    path = tmp_path / "catalog.toml"
    path.write_text(head.replace("spring-network-16", "x") + extra)
    with pytest.raises(CatalogError, match=match):
        load_catalog(path)


def test_cli_fingerprint_prints_the_entry_tables(capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    from vdosbench.cli import main

    entry = get_entry("spring-network-16")
    assert main(["fingerprint", str(entry.full_form.local_path), "--name", "new-set"]) == 0
    table = tomllib.loads(capsys.readouterr().out)["datasets"]["new-set"]
    assert table["sha256"] == entry.sha256 and table["fingerprint"]["points"] == list(entry.fingerprint.points)
    assert main(["fingerprint", str(tmp_path / "missing.nc"), "--name", "x"]) == 2
    assert "is not a file; expected a built ensemble.nc" in capsys.readouterr().err


def test_cli_fingerprint_prints_the_recipe_of_the_run_that_wrote_the_file(
    capsys: pytest.CaptureFixture[str],
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    import json

    from vdosbench.cli import main
    from vdosbench.generators import EnsembleSpec, run_ensemble

    out = tmp_path / "run"
    run_ensemble(
        "spring_network",
        grid={"delta": [0.1, 0.2]},
        fixed={"n_side": 4, "n_vectors": 2, "connectivity": "cutoff", "spring": "constant"},
        n_samples=2,
        root_seed=11,
        output=out,
        n_workers=1,
        progress=False,
    )
    assert main(["fingerprint", str(out / "ensemble.nc"), "--name", "tiny-1.5"]) == 0
    text = capsys.readouterr().out
    assert "# complete by hand: description, source, urls, citation, licence, cost\n" in text
    recipe = tomllib.loads(text)["datasets"]["tiny-1.5"]["recipe"]  # a dotted name is quoted in the headers
    # the printed recipe is the run's manifest: the spec it makes is the one that wrote the file
    spec = EnsembleSpec.create(
        recipe["generator"],
        grid=recipe["grid"],
        fixed=recipe.get("fixed", {}),
        n_samples=recipe["n_samples"],
        root_seed=recipe["root_seed"],
    )
    assert spec.manifest() == json.loads((out / "ensemble.json").read_text())
    # the manifest may lie elsewhere (a compact copy); a missing one is an error, not a silent omission
    moved = tmp_path / "copy.nc"
    moved.write_bytes((out / "ensemble.nc").read_bytes())
    assert main(["fingerprint", str(moved), "--name", "tiny-1.5"]) == 0
    assert 'and [datasets."tiny-1.5".recipe] with .grid and .fixed' in capsys.readouterr().out
    assert main(["fingerprint", str(moved), "--name", "tiny-1.5", "--manifest", str(out / "ensemble.json")]) == 0
    assert tomllib.loads(capsys.readouterr().out)["datasets"]["tiny-1.5"]["recipe"] == recipe
    assert main(["fingerprint", str(moved), "--name", "tiny-1.5", "--manifest", str(tmp_path / "none.json")]) == 2
    assert "is not a file; expected the ensemble.json of the run" in capsys.readouterr().err
