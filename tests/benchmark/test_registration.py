"""benchmark.registration: a registered analysis read whole, amendments applied in order, bad files refused with
what was expected, what was found and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from vdosbench.benchmark.claims import ClaimsFileError
from vdosbench.benchmark.registration import REGISTRATIONS, load_registration

GOOD = '''
registered = "2026-01-01T00:00Z"
unit = "omega_g"

[[claim]]
id = "a"
measure = { estimator = "window_mle", x_edge = 0.29 }
expect = { kind = "equal", value = 2.0, tolerance = 0.5 }
alternatives = [ { label = "band", measure = { estimator = "band_mle", band = [0.15, 0.29] }, basis = "b" } ]

[[amendment]]
registered = "2026-01-02T00:00Z"
claim = "a"
measure = { estimator = "extreme_value", law = "free" }
alternatives_added = [ { label = "k1", measure = { estimator = "extreme_value", law = "independent" } } ]
'''


def test_amendments_replace_the_measure_and_add_alternatives_in_order(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(GOOD)
    reg = load_registration(path)
    claim = reg.claim("a")
    assert reg.registered == "2026-01-01T00:00Z" and reg.header["unit"] == "omega_g"
    assert claim.measure == {"estimator": "extreme_value", "law": "free"}
    assert [a[0] for a in claim.alternatives] == ["band", "k1"] and claim.amended == ("2026-01-02T00:00Z",)
    assert claim.expect.region() == (1.5, 2.5)
    assert claim.alternative("band")["band"] == [0.15, 0.29]
    with pytest.raises(KeyError, match="has no alternative 'c'.*'band', 'k1'"):
        claim.alternative("c")
    with pytest.raises(KeyError, match="registers no claim 'b'"):
        reg.claim("b")


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('registered = "2026-01-01T00:00Z"\n', "", 1), "no 'registered' time"),
    (lambda t: t.replace('claim = "a"', 'claim = "zz"'), "name a registered claim"),
    (lambda t: t.replace('kind = "equal"', 'kind = "about"'), "expected a table with kind"),
    (lambda t: t.replace("tolerance = 0.5 }", "tolerance = 0.5, low = 1 }").replace('"equal"', '"within"'),
     "give the numbers its kind needs"),
    (lambda t: t.replace('measure = { estimator = "window_mle", x_edge = 0.29 }\n', ""), "needs id"),
])
def test_a_bad_registration_is_refused_naming_what_and_the_fix(tmp_path: Path, edit, message) -> None:
    path = tmp_path / "r.toml"
    path.write_text(edit(GOOD))
    with pytest.raises(ClaimsFileError, match=message):
        load_registration(path)


def test_an_unknown_registration_names_those_there_are() -> None:
    with pytest.raises(FileNotFoundError, match="absolute-frequency"):
        load_registration("no-such-analysis")


def test_every_shipped_registration_reads() -> None:
    for path in REGISTRATIONS.glob("*.toml"):
        reg = load_registration(path.stem)
        assert reg.claims and all(c.expect.region()[0] <= c.expect.region()[1] for c in reg.claims.values())


def test_the_realization_test_reads_its_rule_from_the_registration() -> None:
    """vdosbench build's realization test takes alpha and the minimum from realization-test.toml (issue 54 item 2)."""
    from vdosbench.benchmark import fingerprint

    rule = load_registration("realization-test").claim("rebuild.another-realization")
    assert (fingerprint.REALIZATION_ALPHA, fingerprint.REALIZATION_MIN_SAMPLES) == (rule.measure["alpha"],
                                                                                 rule.measure["min_units"]) == (0.05, 20)
    assert rule.expect.describe() == "> 0.05"
