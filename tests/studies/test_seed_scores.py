"""Seeds 000 and 002 scored on their catalogued sets (issue 66 item 6, ``studies/seed_scores.py``).

The results files are ``vdosbench score``'s own ``result.json`` of the committed reference sets: their inputs are
those files (by sha256), their claims vdosbench's, and a fresh scoring of the cheapest input gives the same verdicts
and values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from script_loader import load_script

from vdosbench.benchmark import default_claims_path, load_claims
from vdosbench.datasets.catalog import file_sha256

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def study():
    return load_script("studies/seed_scores.py", "seed_scores_study")


@pytest.mark.parametrize("name", ["seed000_inhomogeneous_medium_score.json", "seed002_spring_networks_score.json"])
def test_the_results_files_are_scores_of_the_committed_sets(study, name: str) -> None:
    card = json.loads((study.RESULTS / name).read_text(encoding="utf-8"))
    files = study.SETS[name]
    assert [i["path"] for i in card["inputs"]] == [f"reference-data/{f}" for f in files]
    for entry, f in zip(card["inputs"], files, strict=True):
        assert entry["sha256"] == file_sha256(ROOT / "reference-data" / f), f"{f} changed since it was scored"
    assert card["claims_file"] == study.CLAIMS and "/" not in card["claims_file"].removeprefix("benchmark/")
    claims = {c.id: c for c in load_claims(default_claims_path())}
    applicable = [r for r in card["results"] if r["verdict"] != "not applicable"]
    assert applicable, "no claim applied: the wrong sets were scored"
    for r in applicable:  # each verdict was reached by a claim as it stands now
        assert r["id"] in claims and r["statement"] == claims[r["id"]].statement, r["id"]


@pytest.mark.slow
def test_a_fresh_scoring_gives_the_recorded_verdicts_and_values(study) -> None:
    """The nine-node toy (the smallest of seed 002's inputs; ``vdosbench score`` with its report, a few seconds of
    CPU): the same readings as the file's."""
    card = study.score([study.REFERENCE / "nine-node-toy.nc"])
    recorded = json.loads((study.RESULTS / "seed002_spring_networks_score.json").read_text(encoding="utf-8"))
    toy = {**recorded, "results": [r for r in recorded["results"] if r["dataset"] == "nine-node-toy"]}
    assert study.readings(card) == study.readings(toy)
    assert any(r["verdict"] == "supported" and r["id"] == "jiang.toy-two-new-poles" for r in card["results"])


def test_a_scoring_that_reaches_no_verdict_is_an_error(study, tmp_path: Path) -> None:
    path = tmp_path / "not-netcdf.nc"
    path.write_text("not a dataset")
    with pytest.raises(RuntimeError, match=r"exited 2; expected a verdict \(0 or 1\)\. Its stderr: vdosbench: error:"):
        study.score([path])
