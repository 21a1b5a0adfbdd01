"""A study's verdict at one point (``assessed_verdict``): the scoring rule, or "not assessed" where nothing can be judged."""

from __future__ import annotations

import math

import pytest

from vdosbench.benchmark import Expectation, Verdict, assessed_verdict, verdict_for
from vdosbench.validators import Measurement

EXPECT = Expectation(kind="equal", value=4.0, tolerance=0.5)


def _m(low: float, high: float) -> Measurement:
    return Measurement("s", (low + high) / 2, 0.1, low, high, 0.95, "1", {}, None, 40, "bootstrap")


@pytest.mark.parametrize(
    ("low", "high", "verdict"),
    [(3.7, 4.3, Verdict.SUPPORTED), (2.0, 3.0, Verdict.REFUTED), (3.0, 4.2, Verdict.INCONCLUSIVE)],
)
def test_an_assessed_point_reads_the_scoring_rule(low: float, high: float, verdict: Verdict) -> None:
    assert assessed_verdict(_m(low, high), EXPECT) == verdict.value == verdict_for(_m(low, high), EXPECT).value


@pytest.mark.parametrize("case", ["no measurement", "not assessed", "nan interval", "infinite interval"])
def test_a_point_with_nothing_to_judge_is_not_assessed(case: str) -> None:
    m = {
        "no measurement": None,
        "not assessed": _m(3.7, 4.3),
        "nan interval": _m(math.nan, math.nan),
        "infinite interval": _m(3.7, math.inf),
    }[case]
    assert assessed_verdict(m, EXPECT, assessed=case != "not assessed") == "not assessed"


def test_a_registered_reading_carries_the_rule_s_verdict_or_the_estimator_s_reason() -> None:
    """judged_reading (the studies' registered readings): an estimate whose status is ok gets the scoring rule's
    verdict; one that is not says why, whatever its interval; a NaN interval says it was not measured."""
    from types import SimpleNamespace

    from vdosbench.benchmark import judged_reading

    ok = judged_reading("primary", SimpleNamespace(measurement=_m(3.7, 4.3), status="ok", reason=""), EXPECT)
    assert (ok["reading"], ok["verdict"], ok["interval"], ok["expect"]) == (
        "primary",
        "supported",
        [3.7, 4.3],
        "= 4 ± 0.5",
    )
    few = judged_reading(
        "alt", SimpleNamespace(measurement=_m(3.7, 4.3), status="inconclusive", reason="12 modes in the band"), EXPECT
    )
    assert few["verdict"] == "inconclusive" and few["why"] == "inconclusive: 12 modes in the band"
    empty = judged_reading("deep", _m(math.nan, math.nan), EXPECT)
    assert empty["verdict"] == "inconclusive" and "not finite" in empty["why"]
