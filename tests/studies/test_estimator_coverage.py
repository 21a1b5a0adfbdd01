"""Coverage of the window-MLE and D − D_Debye intervals at small M (issue 25, item 2; the full study is
studies/estimator_coverage.py).

On strongly correlated structures (20 chains x 10 structures sharing 95 % of their soft modes) the bootstrap
over chains must keep its 95 % coverage, while the intervals that treat every mode as independent
(Fisher, profile likelihood) and the bootstrap over samples must under-cover: their measured coverage at
M = 60 is about 0.43.  Loose bounds (at least 0.8 and at most 0.7; binomial standard error about 0.06)
keep the test stable and still fail for an interval that ignores the chains.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from script_loader import load_script


def _import_study(name: str):
    """studies/estimator_coverage.py as module ``name``, registered in sys.modules (its dataclasses look it up)."""
    return load_script("studies/estimator_coverage.py", name, register=True)


@pytest.fixture(scope="module")
def study():
    return _import_study("estimator_coverage")


def test_importing_the_study_leaves_the_environment_alone() -> None:
    # a NUMBA_NUM_THREADS set after numba launched its threads makes every later compile in that
    # process raise (an order-dependent failure of unrelated tests under xdist, seen in session 36)
    before = dict(os.environ)
    try:
        _import_study("estimator_coverage_fresh")
    finally:
        sys.modules.pop("estimator_coverage_fresh", None)
    assert dict(os.environ) == before


def test_chain_bootstrap_covers_and_independent_mode_intervals_do_not(study) -> None:
    scenario = study.Scenario("strong_chains", "poisson", 200, 10, 0.95)
    out = study.coverage(scenario, 60, seed=7, n_bootstrap=300)
    methods = out["methods"]
    assert methods["bootstrap_groups"]["coverage"] >= 0.8, methods
    # the expanded interval: the same replicates at wider levels, never narrower, so never covering less
    assert methods["bootstrap_groups_expanded"]["covered"] >= methods["bootstrap_groups"]["covered"]
    assert methods["bootstrap_groups_expanded"]["median_width"] > methods["bootstrap_groups"]["median_width"]
    for broken in ("fisher", "profile", "bootstrap_samples"):
        assert methods[broken]["coverage"] <= 0.7, (broken, methods[broken])
    assert out["mean_s"] == pytest.approx(4.0, abs=0.3)


@pytest.mark.slow
def test_debye_excess_chain_bootstrap_covers_and_its_sample_bootstrap_does_not(study) -> None:
    # the same strongly correlated structures measured by D - D_Debye (studies/results/estimator_coverage.json,
    # 80 replicates: 0.89 over chains, 0.41 over samples); bounds 2.8 and 3.7 binomial standard errors away
    scenario = study.Scenario("strong_chains", "poisson", 200, 10, 0.95)
    out = study.coverage(scenario, 40, seed=11, n_bootstrap=200, estimator="debye_excess")
    methods = out["methods"]
    assert set(methods) == {"bootstrap_groups", "bootstrap_groups_expanded", "bootstrap_samples"}
    assert methods["bootstrap_groups"]["coverage"] >= 0.75, methods
    assert methods["bootstrap_samples"]["coverage"] <= 0.7, methods
    assert out["mean_s"] == pytest.approx(4.0, abs=0.3)


def test_the_coverage_interval_is_the_packages_wilson_interval(study) -> None:
    # the interval itself is tested with the package (tests/validators/test_coverage_intervals.py)
    from vdosbench.validators import wilson_interval

    assert study.wilson is wilson_interval


def test_one_scenario_more_is_merged_into_the_existing_results(
    study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--scenarios computes only the named scenario and keeps every other scenario and header of both sections."""
    import json

    out = tmp_path / "coverage.json"
    old = {
        "replicates": 80,
        "seed": 0,
        "scenarios": {"goe_6_chains_memory_0.7": {"kept": True}},
        "debye_excess": {"replicates": 80, "scenarios": {"goe_6_chains_memory_0.7": {"kept": True}}},
        "size_scaling": {"kept": True},
    }
    out.write_text(json.dumps(old))
    monkeypatch.setattr(
        sys,
        "argv",
        [
            "estimator_coverage.py",
            "--sections",
            "window_mle",
            "debye_excess",
            "--scenarios",
            "goe_5_chains_memory_0.7",
            "--replicates",
            "2",
            "--n-bootstrap",
            "20",
            "--out",
            str(out),
        ],
    )
    study.main()
    new = json.loads(out.read_text())
    for section in (new, new["debye_excess"]):
        assert section["replicates"] == 80 and section["scenarios"]["goe_6_chains_memory_0.7"] == {"kept": True}
        added = section["scenarios"]["goe_5_chains_memory_0.7"]
        assert added["replicates"] == 2 and added["scenario"]["n_chains"] == 5
    assert new["size_scaling"] == {"kept": True} and new["seed"] == 0


def test_paired_difference_covers_a_true_zero_and_rejects_a_true_one(study) -> None:
    """Paired chains (20 x 5, GOE, memory 0.7): a pair with equal exponents has 0 inside the D - D_Debye and
    c = 0.7 intervals; a pair whose second ensemble has s = 3 (built to fail: true difference +1) has 0 outside
    them and the truth +1 inside."""
    equal = study.PairedScenario("equal", 20, "shared_moduli")
    out = study.paired_replicate(equal, seed=3, n_bootstrap=200)
    assert out["covers"]["debye excess"] and out["covers"]["mle c=0.7"], out
    apart = study.PairedScenario("apart", 20, "shared_moduli", second_exponent=3.0)
    out = study.paired_replicate(apart, seed=3, n_bootstrap=200)
    assert apart.true_difference == 1.0
    for name in ("debye excess", "mle c=0.7"):
        low, high = out["intervals"][name]
        assert out["covers"][name] and low > 0.0, (name, out)
        wide_low, wide_high = out["intervals"][f"{name} expanded"]  # the same replicates at wider levels
        assert wide_low < low < high < wide_high and out["covers"][f"{name} expanded"], (name, out)
