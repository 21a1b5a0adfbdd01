"""studies/literature_matrix.py (issue 67 item 2): the page is what the results file gives, the results are the
register's claims judged by their own rule, and the series set is the five sizes along n_particles."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from script_loader import load_script
from vdosbench.benchmark import load_literature
from vdosbench.benchmark import assessed_verdict
from vdosbench.validators import Measurement, size_series_spectra

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def study():  # noqa: ANN201
    name = "literature_matrix_study"
    yield load_script("studies/literature_matrix.py", name, register=True)  # its dataclass looks the module up
    sys.modules.pop(name, None)


@pytest.fixture(scope="module")
def results(study):  # noqa: ANN001, ANN201
    return json.loads(study.RESULTS.read_text())


def test_regenerating_the_page_gives_the_committed_page(study, results) -> None:  # noqa: ANN001
    certificates = json.loads(study.CERTIFIED.read_text())
    stresses = json.loads(study.STRESSES.read_text())
    assert study.PAGE.read_text() == study.render(results, certificates, stresses), (
        "run: python -m studies.literature_matrix --page"
    )
    assert study.main(["--check"]) == 0


def test_the_certificates_cover_every_set_and_count_consistently(study) -> None:  # noqa: ANN001
    certificates = json.loads(study.CERTIFIED.read_text())
    assert [s["set"] for s in certificates["sets"]] == [d.name for d in study.DATA_SETS]
    certifiable = [s for s in certificates["sets"] if s["certifiable"]]
    assert certifiable, "the sets with configurations are certified"
    for s in certifiable:
        for p in s["points"]:
            assert 0 <= p["certified"] <= p["samples"], (s["set"], p["point"])
            assert p["samples"] - p["certified"] <= sum(p["failed"].values()), (s["set"], p["point"])
            assert p["certified"] == p["samples"] or any(p["failed"].values()), (s["set"], p["point"])


def test_the_results_hold_the_register_as_it_is(study, results) -> None:  # noqa: ANN001
    register = load_literature()
    assert [c["id"] for c in results["claims"]] == [e.claim.id for e in register]
    assert [d["name"] for d in results["data_sets"]] == [d.name for d in study.DATA_SETS]
    for stored, entry in zip(results["claims"], register):
        assert stored["expect"] == entry.claim.expect.describe(), entry.claim.id
        assert (stored["checked"], stored["applicable"], stored["ours"]) == (
            entry.checked,
            entry.applicable,
            entry.system["ours"],
        ), entry.claim.id
        if entry.applicable:
            labels = [r["reading"] for r in stored["readings"]]
            assert labels == [study.PAPER_READING, *(a.label for a in entry.claim.alternatives)], entry.claim.id
            assert any(r["cells"] for r in stored["readings"]), f"{entry.claim.id} reads no set"


def test_every_stored_verdict_is_the_claims_rule_on_the_stored_interval(results) -> None:  # noqa: ANN001
    register = {e.claim.id: e.claim for e in load_literature()}
    judged = 0
    for stored in results["claims"]:
        expect = register[stored["id"]].expect
        for reading in stored.get("readings", []):
            for cell in reading["cells"]:
                where = (stored["id"], reading["reading"], cell["set"], cell["point"])
                if cell["value"] is None or cell["low"] is None or cell["high"] is None:
                    assert cell["verdict"] == "inconclusive" and cell["why"], where
                    continue
                m = Measurement("stored", cell["value"], 0.0, cell["low"], cell["high"], 0.95, "1", {}, None, 2, "")
                assert math.isfinite(m.low) and math.isfinite(m.high), where
                assert assessed_verdict(m, expect) == cell["verdict"], where
                judged += 1
    assert judged > 100


def test_a_claim_not_checked_is_shown_without_weight(study, results) -> None:  # noqa: ANN001
    page = study.render(results)
    unchecked = [c for c in results["claims"] if not c["checked"] and c["applicable"]]
    assert unchecked
    for c in unchecked:
        row = next(line for line in page.splitlines() if line.startswith(f"| `{c['id']}` |"))
        cells = row.split(" | ")
        assert cells[3].startswith("(") and cells[4].startswith("("), row


def test_the_series_set_is_each_size_with_its_own_samples(study) -> None:  # noqa: ANN001
    ds = study.open_set(study.SERIES)
    assert ds["n_particles"].values.tolist() == list(study._SIZES)
    point = ds.sel(taper_order=2, parent_temperature=1.0, drop=True)
    spectra = size_series_spectra(point)
    assert [sp.n_particles for sp in spectra] == list(study._SIZES)
    assert [sp.n_samples + sp.excluded_unstable for sp in spectra] == [study._SAMPLES[n] for n in study._SIZES]
