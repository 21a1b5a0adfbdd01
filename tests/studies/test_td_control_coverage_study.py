"""studies/td_control_coverage.py (issue 52 item 2, the registration's coverage line): its mocks hold the control's
counts, its truths are the estimators' population values (0 where the tapers share a shape), and its replicates
file resumes and summarises into coverages and the registered verdicts' tallies."""

from __future__ import annotations

import json

import numpy as np
import pytest

from script_loader import load_script


@pytest.fixture(scope="module")
def cov():
    return load_script("studies/td_control_coverage.py", "td_control_coverage")


@pytest.mark.parametrize("taper", [2, -1])
def test_each_spectrum_holds_the_control_count_below_the_window_edge(cov, taper):
    for s_deep in (3.5, 4.0, 4.5):
        sp = cov.spectrum(s_deep, taper)
        assert 1000 * sp.cumulative(np.array([cov.X_EDGE]), 1.0)[0] == pytest.approx(cov.COUNTS_N1000[taper], rel=1e-6)


def test_truths_are_zero_for_one_shape_and_near_one_for_the_shifted_pair(cov):
    rival, seed001 = cov.truths("0 (rival)"), cov.truths("+1 (seed 001)")
    assert set(rival) == set(cov.reading_names())
    for key, value in rival.items():
        if "paired" in key:
            assert value == pytest.approx(0.0, abs=1e-9)
    for key in ("N=1000 paired 0-0.29", "N=2000 paired 0-0.29", "pooled N=1000+2000 paired 0-0.29"):
        assert 0.85 < seed001[key] < 1.0  # the curvature takes a little off the +1 of s_deep
    for n in (1000, 2000):  # a curved window reads between the slopes far above and far below x*
        assert 3.0 < seed001[f"N={n} window m2 0-0.29"] < 4.5 and 2.0 < seed001[f"N={n} window minf 0-0.29"] < 3.5


def test_replicates_resume_and_summarise_under_the_registered_rules(cov, tmp_path):
    path = tmp_path / "reps.jsonl"
    small = {1000: 8, 2000: 4}
    assert cov.run(1, path, chains=small, n_bootstrap=40) == 2  # one replicate of each scenario
    assert cov.run(1, path, chains=small, n_bootstrap=40) == 0  # resumed: nothing left
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert {r["scenario"] for r in rows} == set(cov.SCENARIOS)
    assert set(rows[0]["readings"]) == set(cov.reading_names())
    out = cov.summary(path)
    block = out["coverage"]["+1 (seed 001)"]["N=1000 paired 0-0.29"]
    assert block["replicates"] == 1 and block["coverage"] in (0.0, 1.0)
    assert sum(block["verdicts"]["+1"].values()) == 1 and sum(block["verdicts"]["0"].values()) == 1
    assert out["method"]["registered"] == "2026-11-27T15:10Z" and out["method"]["levels"] == "goe"


def test_a_stored_interval_is_judged_as_the_registration_judges_it(cov):
    """Data built to fail: a stored interval wholly below +1 - 0.5 is refuted on seed 001's rule and one inside
    0 +- 0.5 supported on the rival's (a Measurement without its sample count would read inconclusive)."""
    from vdosbench.benchmark import load_registration
    from vdosbench.benchmark import judge

    reg = load_registration("td-control")
    plus, zero = (
        reg.claim(c).expect
        for c in ("schirmacher.td-taper-difference-absolute", "lerner-bouchbinder.td-taper-0-absolute")
    )
    assert cov._structures("N=1000 paired 0-0.29") == 200 and cov._structures("pooled N=1000+2000 paired 0-0.29") == 300
    stage2 = {1000: 200, 2000: 100}  # amendment 1: its own counts, files and pooled weights
    assert cov._structures("pooled N=1000+2000 paired 0-0.29", stage2) == 1500
    assert cov.STAGE_FILES["stage 2"][0].name == "td_control_coverage_stage2.jsonl"
    pooled = "pooled N=1000+2000 paired 0-0.29"
    assert cov.truths("0 (rival)", (1000, 2000), stage2)[pooled] == pytest.approx(0.0, abs=1e-12)
    # both stages hold as many structures × N at N = 1000 as at 2000, so the pooled truth is the same
    assert cov.truths("+1 (seed 001)", (1000, 2000), stage2)[pooled] == pytest.approx(
        cov.truths("+1 (seed 001)")[pooled], rel=1e-12
    )
    low = cov._as_measurement([-0.1, -0.4, 0.3], cov._structures("N=2000 paired 0-0.29"))
    assert judge(low, plus)[0].value == "refuted" and judge(low, zero)[0].value == "supported"
