"""studies/realization_test.py: the calibration of build's realization test runs and its rates are rates."""

from __future__ import annotations

import json

import pytest

from script_loader import load_script


@pytest.fixture(scope="module")
def study():  # noqa: ANN201
    return load_script("studies/realization_test.py", "realization_test_study")


def _is_rate(entry: dict) -> bool:
    lo, hi = entry["interval_95"]
    return (
        0 <= entry["rejected"] <= entry["trials"]
        and lo <= entry["rate"] <= hi
        and entry["rate"] == pytest.approx(entry["rejected"] / entry["trials"], abs=1e-4)
    )


def test_the_calibration_sections_run_and_hold_rates(study, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(study, "CHAIN_POINTS", study.CHAIN_POINTS[:2])  # two of the six T_d points keep it short
    out = tmp_path / "rt.json"
    assert study.main(["--repeats", "1", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["rule"]["alpha"] == 0.05 and result["rule"]["min_samples_per_point"] == 20
    for n in study.MOCK_SIZES:
        assert _is_rate(result["mock"][f"n{n}"]["false_alarm"]) and _is_rate(
            result["mock"][f"n{n}"]["power_exponent_3.5"]
        )
    # an exponent of 3.5 against 4 at 40 samples of 100 modes is flagged (power 1.0 in the committed calibration)
    assert result["mock"]["n40"]["power_exponent_3.5"]["rejected"] == 1
    for n in study.SPLIT_SIZES:
        assert _is_rate(result["glass_splits"][f"n{n}"])
    assert result["glass_splits"]["n50"]["trials"] == 4  # only the four N = 1000 points hold 2 x 50 samples
    chains = result["chain_splits"]
    assert chains["chains_per_side"] == 10
    assert all(_is_rate(chains[key]) and chains[key]["trials"] == 2 for key in ("ignoring_chains", "by_chain"))
    # --only recomputes one section and keeps the others as they were
    kept = json.loads(out.read_text())
    assert study.main(["--repeats", "1", "--out", str(out), "--only", "shifted"]) == 0
    again = json.loads(out.read_text())
    fresh = ("shifted", "provenance")  # the recomputed section, and the envelope of this write (script, time, ...)
    assert {k: v for k, v in again.items() if k not in fresh} == {k: v for k, v in kept.items() if k not in fresh}
    assert set(again["provenance"]) == {"script", "command", "commit", "machine", "created", "inputs"}
    # a frequency scale off by 1.5 % is what the test can see at 30 samples a side; the rate is measured, not assumed
    assert all(_is_rate(result["shifted"][f"delta_{d:g}"]) for d in study.SHIFTS)


def test_the_committed_calibration_holds_the_rule_it_documents() -> None:
    from pathlib import Path

    result = json.loads((Path(__file__).resolve().parents[2] / "studies/results/realization_test.json").read_text())
    # the amended rule: glass splits flagged at or below alpha within their intervals at every n
    for key in ("n10", "n20", "n30", "n50"):
        split = result["glass_splits"][key]
        assert split["interval_95"][0] <= 0.05, key
    # chain sets: by the chain standard errors at or below alpha; ignoring the chains far above it
    chains = result["chain_splits"]
    assert chains["by_chain"]["interval_95"][0] <= 0.05 < chains["ignoring_chains"]["interval_95"][0]
    assert result["chain_splits_first"]["rate"] > 0.5  # the first measurement (ignoring chains), kept
    # the first rule, kept as measured, was above alpha at n = 20
    assert result["first_rule"]["glass_splits"]["n20"]["interval_95"][0] > 0.05
    assert result["rebuild"]["soft-spheres-lowest-n1000"]["realization"]["consistent"] is True
