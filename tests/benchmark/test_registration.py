"""benchmark.registration: a registration is a claims file with a [registration] header, read whole, amendments
applied in order, bad files refused with what was expected, what was found and the fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from vdosbench.benchmark.claims import ClaimsFileError, alternative_claims, load_claims
from vdosbench.benchmark.registration import REGISTRATIONS, load_registration

GOOD = """
[registration]
registered = "2026-01-01T00:00Z"
unit = "omega_g"

[registration.estimators]
band_mle = "the band MLE"

[[claim]]
id = "a"
source = { file = "001_d453c975fd50a4a2.txt", where = "Fig. 4A" }
statement = "s = 2"
reads = "every point"
measure = { validator = "absolute_exponent", quantity = "s", estimator = "band_mle", band = [0.0, 0.29] }
as_registered = { estimator = "window_mle", x_edge = 0.29 }
expect = { kind = "equal", value = 2.0, tolerance = 0.5 }
alternatives = [
  { label = "band", measure = { band = [0.15, 0.29] }, basis = "b" },
  { label = "all chains", select = { chains = "all" }, basis = "the exploratory chains added" },
]

[[amendment]]
registered = "2026-01-02T00:00Z"
claim = "a"
measure = { validator = "absolute_exponent", quantity = "s", estimator = "extreme_value", law = "free" }
alternatives_added = [ { label = "k1", measure = { law = "independent" }, basis = "one N" } ]
"""


def test_amendments_replace_the_measure_and_add_alternatives_in_order(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(GOOD)
    reg = load_registration(path)
    claim = reg.claim("a")
    assert reg.registered == "2026-01-01T00:00Z" and reg.header["unit"] == "omega_g"
    assert reg.header["estimators"] == {"band_mle": "the band MLE"} and reg.amendments == ["2026-01-02T00:00Z"]
    assert (claim.validator, claim.quantity, dict(claim.settings)) == (
        "absolute_exponent",
        "s",
        {"estimator": "extreme_value", "law": "free"},
    )
    assert [a.label for a in claim.alternatives] == ["band", "all chains", "k1"]
    assert claim.registration.amended == ("2026-01-02T00:00Z",) and claim.registration.file == "r.toml"
    assert claim.expect.region() == (1.5, 2.5)
    assert claim.alternative("band").settings["band"] == [0.15, 0.29]  # read against the primary as registered
    assert dict(claim.alternative("k1").settings) == {"estimator": "extreme_value", "law": "independent"}
    assert claim.extra == {"as_registered": {"estimator": "window_mle", "x_edge": 0.29}, "reads": "every point"}
    with pytest.raises(KeyError, match="has no alternative 'c'.*'band', 'all chains', 'k1'"):
        claim.alternative("c")
    with pytest.raises(KeyError, match="registers no claim 'b'"):
        reg.claim("b")


def test_load_claims_reads_a_registration_and_the_scorer_skips_what_selects_other_data(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(GOOD)
    (claim,) = load_claims(path)
    assert claim.id == "a" and claim.alternative("all chains").select == {"chains": "all"}
    assert [a.label for a, _ in alternative_claims(claim)] == ["band", "k1"]


OLD_FORMAT = """
registered = "2026-01-01T00:00Z"

[[claim]]
id = "a"
measure = { estimator = "window_mle", x_edge = 0.29 }
expect = { kind = "equal", value = 2.0, tolerance = 0.5 }
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace('registered = "2026-01-01T00:00Z"\nunit', "unit", 1), "no 'registered' time"),
        (GOOD.replace('claim = "a"', 'claim = "zz"'), "name a registered claim"),
        (GOOD.replace('kind = "equal"', 'kind = "about"'), "expect.kind is 'about'"),
        (
            GOOD.replace("tolerance = 0.5 }", "tolerance = 0.5, low = 1 }").replace('"equal"', '"within"'),
            "'within' needs low and high",
        ),
        (
            GOOD.replace(
                'measure = { validator = "absolute_exponent", quantity = "s", estimator = "band_mle", '
                "band = [0.0, 0.29] }\n",
                "",
            ),
            "missing field 'measure'",
        ),
        (GOOD.replace("measure = { band = [0.15, 0.29] }", "measure = { x_edge = 0.15 }"), "overrides unknown key"),
        (GOOD.replace('reads = "every point"', 'points = "every point"'), r"unknown field\(s\) \['points'\]"),
        (GOOD.replace('registered = "2026-01-02T00:00Z"\n', ""), "an amendment states when"),
        ("issue = 1\n" + GOOD, "format before issue 66"),
        (OLD_FORMAT, "format before issue 66"),
    ],
)
def test_a_bad_registration_is_refused_naming_what_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "r.toml"
    path.write_text(text)
    with pytest.raises(ClaimsFileError, match=message):
        load_registration(path)


def test_a_claims_file_references_a_registered_claim_and_cannot_redefine_it(tmp_path: Path) -> None:
    reference = '[[claim]]\nid = "schirmacher.td-m2-s4-absolute"\nregistration = "td-control"\n'
    path = tmp_path / "claims.toml"
    path.write_text(reference)
    (claim,) = load_claims(path)
    assert claim == replace(load_registration("td-control").claim(claim.id), alternatives=())
    assert claim.registration.file == "td-control.toml" and claim.expect.describe() == "= 4 ± 0.5"
    path.write_text(reference + 'expect = { kind = "equal", value = 3.0, tolerance = 0.5 }\n')
    with pytest.raises(ClaimsFileError, match="defined in its registration only"):
        load_claims(path)
    path.write_text(reference.replace('"td-control"', '"no-such"'))
    with pytest.raises(ClaimsFileError, match="no registration 'no-such'"):
        load_claims(path)


def test_an_unknown_registration_names_those_there_are() -> None:
    with pytest.raises(FileNotFoundError, match="absolute-frequency"):
        load_registration("no-such-analysis")


def test_every_shipped_registration_reads_through_load_claims() -> None:
    for path in REGISTRATIONS.glob("*.toml"):
        reg = load_registration(path.stem)
        assert reg.claims and all(c.expect.region()[0] <= c.expect.region()[1] for c in reg.claims.values())
        assert [c.id for c in load_claims(path)] == list(reg.claims)


def test_the_realization_test_reads_its_rule_from_the_registration() -> None:
    """vdosbench build's realization test takes alpha and the minimum from realization-test.toml (issue 54 item 2)."""
    from vdosbench.benchmark import fingerprint

    rule = load_registration("realization-test").claim("rebuild.another-realization")
    numbers = (rule.settings["alpha"], rule.settings["min_units"])
    assert (fingerprint.REALIZATION_ALPHA, fingerprint.REALIZATION_MIN_SAMPLES) == numbers == (0.05, 20)
    assert rule.expect.describe() == "> 0.05"


def test_a_reference_may_name_the_registered_reading_a_score_reads_and_its_data(tmp_path: Path) -> None:
    """The deep tail's registered primary needs the study's common unit; claims.toml names the registered alternative
    a scored set can form, and the data (the registration states none); what selects other data cannot be named."""
    (claim,) = [c for c in load_claims() if c.id == "lerner.deep-tail-s4-absolute"]
    registered = load_registration("absolute-frequency").claim(claim.id)
    read = registered.alternative("lowest band (0, 0.15] omega_g")
    assert registered.validator == "absolute_frequency.band_mle_common_unit" and not registered.applies_to
    assert (claim.validator, dict(claim.settings)) == (read.validator, dict(read.settings))
    assert claim.expect == registered.expect and claim.registration == registered.registration
    assert (
        claim.applies_to == {"model": ["soft_spheres", "kob_andersen", "glass"]} and "shear_modulus" in claim.requires
    )
    base = '[[claim]]\nid = "lerner.deep-tail-s4-absolute"\nregistration = "absolute-frequency"\n'
    path = tmp_path / "claims.toml"
    for extra, message in [
        ('reading = "no such"\n', r"reading = 'no such'. Fix: name a registered alternative"),
        ('reading = "extreme value, kappa free (withdrawn primary)"\n', "selects other data of its study"),
    ]:
        path.write_text(base + extra)
        with pytest.raises(ClaimsFileError, match=message):
            load_claims(path)
    path.write_text(
        '[[claim]]\nid = "schirmacher.high-tstar-s2-absolute"\nregistration = "absolute-frequency"\n'
        'applies_to = { model = "glass" }\n'
    )
    with pytest.raises(ClaimsFileError, match="a registered claim's data are its registration's"):
        load_claims(path)


def test_importing_fingerprint_reads_no_registration() -> None:
    """The realization test's rule is read on first use, not when vdosbench.benchmark.fingerprint is imported."""
    import subprocess
    import sys

    code = (
        "import vdosbench.benchmark.registration as r, vdosbench.benchmark.fingerprint as f\n"
        "assert f.realization_rule.cache_info().currsize == 0\n"
        "calls = []\n"
        "f.load_registration = lambda name: calls.append(name) or r.load_registration(name)\n"
        "assert f.REALIZATION_MIN_SAMPLES == 20 and calls == ['realization-test']\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
