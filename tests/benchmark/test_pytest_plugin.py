"""The pytest plugin (entry point ``pytest11: vdosbench``): fixture, marker, assert_claims and --vdosbench-report."""

from __future__ import annotations

from importlib.metadata import distributions, entry_points

import pytest

pytest_plugins = ["pytester"]

# The importlib_metadata backport (imported by a dependency when a netCDF file is first written) removes the stdlib's
# distribution finder and puts its own in sys.meta_path; pytester's in-process runs restore sys.meta_path afterwards,
# which would leave this process without any distributions (no entry points, no versions).  Importing it here, outside
# the runs, keeps its finder in place.
try:
    import importlib_metadata  # noqa: F401
except ImportError:  # pragma: no cover - the backport is not installed: nothing to protect against
    pass

CLAIMS = """
[[claim]]
id = "mock.s4"
source = { file = "none", where = "mock" }
statement = "mock spectra follow g ~ w^4"
measure = { validator = "power_law_exponent", quantity = "mle", window = [0.0, 1.0], n_bootstrap = 50, seed = 0 }
expect = { kind = "equal", value = 4.0, tolerance = 1.0, basis = "the mock's exponent" }

[[claim]]
id = "mock.s2"
source = { file = "none", where = "built to fail" }
statement = "mock spectra follow g ~ w^2"
measure = { validator = "power_law_exponent", quantity = "mle", window = [0.0, 1.0], n_bootstrap = 50, seed = 0 }
expect = { kind = "equal", value = 2.0, tolerance = 0.1, basis = "built to fail" }

[[claim]]
id = "mock.soft-spheres-only"
source = { file = "none", where = "mock" }
statement = "about soft spheres only"
applies_to = { generator = "soft_spheres" }
measure = { validator = "power_law_exponent", quantity = "mle", window = [0.0, 1.0], n_bootstrap = 50, seed = 0 }
expect = { kind = "equal", value = 4.0, tolerance = 1.0, basis = "mock" }
"""

TESTS = """
import pytest
from vdosbench.benchmark.pytest_plugin import assert_claims
from vdosbench.datasets import mock_spectrum, write

CLAIMS = "claims.toml"


@pytest.fixture(scope="module")
def data():
    return mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3)


@pytest.mark.vdosbench_claims("mock.s4")
def test_marker_passes(vdosbench_score, data):
    card = vdosbench_score(data, claims_file=CLAIMS)
    assert [r.claim.id for r in card.results] == ["mock.s4"]


@pytest.mark.vdosbench_claims("mock.s2")
def test_marker_fails(vdosbench_score, data):
    vdosbench_score(data, claims_file=CLAIMS)


@pytest.mark.vdosbench_claims(refuted=["mock.s2"], strict=True)
def test_marker_expects_refuted(vdosbench_score, data):
    vdosbench_score(data, claims_file=CLAIMS)


def test_helper_with_a_file(vdosbench_score, data, tmp_path):
    path = write(data, tmp_path / "ensemble.nc")
    card = vdosbench_score(path, claims=["mock.s4", "mock.s2"], claims_file=CLAIMS)
    assert card.inputs[0].name == tmp_path.name
    assert_claims(card, supported=["mock.s4"], refuted=["mock.s2"], strict=True)
    with pytest.raises(AssertionError, match="FAIL  mock.s2"):
        assert_claims(card)
    with pytest.raises(AssertionError, match="nothing to gate"):
        assert_claims(vdosbench_score(data, claims=["mock.soft-spheres-only"], claims_file=CLAIMS))


@pytest.mark.vdosbench_claims("mock.soft-spheres-only")
def test_not_applicable_fails(vdosbench_score, data):
    vdosbench_score(data, claims_file=CLAIMS)


def test_unknown_claim(vdosbench_score, data):
    vdosbench_score(data, claims=["mock.nope"], claims_file=CLAIMS)


@pytest.mark.vdosbench_claims()
def test_empty_gate_fails(vdosbench_score, data):
    vdosbench_score(data, claims=["mock.soft-spheres-only"], claims_file=CLAIMS)


@pytest.mark.vdosbench_claims("mock.soft-spheres-only")
def test_declared_generator_passes(vdosbench_score, data):
    card = vdosbench_score(data.assign_attrs(generator="soft_spheres"), claims_file=CLAIMS)
    assert card.gate() == "supported" and card.exit_code() == 0
"""


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makefile(".toml", claims=CLAIMS)
    pytester.makepyfile(test_gate=TESTS)
    result = pytester.runpytest("--strict-markers", "-p", "no:cacheprovider", *args)
    assert any(d.metadata["Name"] == "vdosbench" for d in distributions()), "the run broke importlib.metadata"
    return result


def test_entry_point_is_registered() -> None:
    names = {e.name: e.value for e in entry_points(group="pytest11")}
    assert names.get("vdosbench") == "vdosbench.benchmark.pytest_plugin", (
        "reinstall: python -m pip install -e . --no-deps"
    )


def test_assert_claims_fails_when_no_claim_applies(tmp_path) -> None:
    """In process: nothing applies → AssertionError with the CLI's reasons, with or without named claims."""
    from vdosbench.benchmark import load_claims
    from vdosbench.benchmark.pytest_plugin import assert_claims
    from vdosbench.benchmark.scorecard import read_input, score_datasets
    from vdosbench.datasets import mock_spectrum

    path = tmp_path / "claims.toml"
    path.write_text(CLAIMS)
    claims = [c for c in load_claims(path) if c.id == "mock.soft-spheres-only"]
    data = mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3)
    card = score_datasets([read_input(data)], claims, str(path))
    for kwargs in ({}, {"supported": ["mock.soft-spheres-only"]}, {"refuted": ["mock.soft-spheres-only"]}):
        with pytest.raises(AssertionError, match="nothing to gate: no claim applies to these data") as info:
            assert_claims(card, **kwargs)
        assert card.why_no_claim_applies() in str(info.value)
    declared = score_datasets([read_input(data.assign_attrs(generator="soft_spheres"))], claims, str(path))
    assert_claims(declared, strict=True)  # one applicable, supported claim: the gate passes


def test_gates_pass_and_fail_with_a_clear_message(pytester: pytest.Pytester) -> None:
    result = _run(pytester)
    result.assert_outcomes(passed=4, failed=4)
    failed = {line.split("::")[1].split()[0] for line in result.outlines if line.startswith("FAILED")}
    assert failed == {"test_marker_fails", "test_not_applicable_fails", "test_unknown_claim", "test_empty_gate_fails"}
    # the gate's message: the claim, its verdict and robustness label (a claim without alternatives is not
    # assessed), the expected region and the measured value with its interval
    result.stdout.re_match_lines(
        [
            r".*vdosbench: 1 of 1 gated claim result\(s\) fail.*",
            r".*FAIL  mock.s2 on data: refuted \(not assessed\), want supported; expected = 2 ± 0.1, "
            r"measured \d\.\d+ \[\d\.\d+, \d\.\d+\].*",
        ]
    )
    result.stdout.fnmatch_lines(["*FAIL  mock.soft-spheres-only: want supported, but it applies to no input*"])
    # a gate on which no claim applies fails with `vdosbench score`'s message (exit 3 there), never passes
    assert (
        "AssertionError: vdosbench: nothing to gate: no claim applies to these data (0 of 1 claim on 1 input), so "
        "nothing was tested and this is not a pass; every claim was 'not applicable': the dataset has no 'generator' "
        "attribute or coordinate (1 claim; the claim is about generator in ['soft_spheres'])."
        " Declare what the claims select on: generator, as attributes of the dataset"
    ) in result.stdout.str()
    unknown = "ValueError: unknown claim id(s) ['mock.nope']; the claims file has ['mock.s2', 'mock.s4',"
    assert unknown in result.stdout.str()


def test_report_option_writes_reports(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--vdosbench-report", "reports", "-k", "marker_passes or helper")
    result.assert_outcomes(passed=2, deselected=6)
    reports = sorted(p.parent.name for p in (pytester.path / "reports").glob("*/report.html"))
    # one folder per call: the helper test scores twice
    assert reports == [
        "test_gate_py__test_helper_with_a_file",
        "test_gate_py__test_helper_with_a_file-2",
        "test_gate_py__test_marker_passes",
    ]
    assert (pytester.path / "reports" / "test_gate_py__test_marker_passes" / "result.json").exists()


def test_plugin_is_idle_unless_used(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "reports").exists()
    help_text = pytester.runpytest("--help").stdout.str()
    assert "--vdosbench-report=DIR" in help_text
    markers = pytester.runpytest("--markers").stdout.str()
    assert "@pytest.mark.vdosbench_claims(*claim_ids, refuted=(), strict=False)" in markers
