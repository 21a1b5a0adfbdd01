"""Robustness of claims across registered alternative estimators (issue 15, item 3).

Known answers: a pure power law g ~ w^4, on which every reasonable estimator of s agrees (label robust);
a spectrum built as w^4 below w = 0.5 and w^2 above, on which the lowest-k MLE (s = 4) and the MLE over
the whole band (0, 1] (s ~ 2) disagree (label estimator-dependent); an alternative whose window holds no
modes (not measured, never a disagreement).  The gate keeps the primary verdict.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark import ClaimsFileError, Verdict, load_claims
from vdosbench.benchmark.claims import alternative_claims
from vdosbench.cli import main
from vdosbench.benchmark.scorecard import read_input, score_datasets
from vdosbench.benchmark.scoring import PAIR_VALIDATORS, VALIDATORS, Robustness, evaluate_claim
from vdosbench.datasets import mock_spectrum, write

#: Bootstrap size of the synthetic claims (the primary's; alternatives inherit it).
N_BOOT = 200
#: Samples and modes of the synthetic spectra: 40 x 30 lowest modes give the MLE of s = 4 a standard error
#: of about (s + 1)/sqrt(1200) = 0.14, so its 95 % interval fits inside the tolerance 4 +- 0.5.
N_SAMPLE, N_MODE = 40, 1201


def _power_law() -> xr.Dataset:
    """g ~ w^4 on (0, 1]: every estimator of s should find 4."""
    return mock_spectrum(n_sample=N_SAMPLE, n_mode=N_MODE, exponent=4.0, seed=3)


CLAIM = """
[[claim]]
id = "test.s4"
source = {{ file = "none", where = "synthetic" }}
statement = "g ~ w^4 at low frequency"
measure = {{ validator = "power_law_exponent", quantity = "mle", window = "lowest_k", k = 30, n_bootstrap = {n}, seed = 0 }}
expect = {{ kind = "equal", value = 4.0, tolerance = 0.5, basis = "test" }}
alternatives = [
  {{ label = "flatness", basis = "F/w^(s+1) on the same modes", measure = {{ quantity = "flatness" }} }},
  {{ label = "whole band", basis = "MLE over (0, 1]", measure = {{ validator = "power_law_exponent", quantity = "mle", window = [0.0, 1.0], n_bootstrap = {n}, seed = 0 }} }},
{extra}]
"""
EMPTY_WINDOW = (
    '  { label = "empty window", basis = "MLE over (0, 1e-4]: no mode there", measure = { validator = '
    f'"power_law_exponent", quantity = "mle", window = [0.0, 1e-4], n_bootstrap = {N_BOOT}, seed = 0 }} }},\n'
)


def _claims(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "claims.toml"
    path.write_text(CLAIM.format(n=N_BOOT, extra=extra))
    return path


def _two_regimes(n_sample: int = N_SAMPLE, n_mode: int = N_MODE, seed: int = 7) -> xr.Dataset:
    """g(w) = w^4 on (0, 0.5] and 0.25 w^2 on (0.5, 1] (continuous), drawn by inverse CDF per sample.

    Mass below 0.5: 0.5^5/5 = 0.00625; above: 0.25 (1 - 0.125)/3 = 0.0729, so ~8 % of the modes follow w^4.
    The lowest 30 modes of each sample (of ~ 96 below 0.5; the 31st near w = 0.4) give s = 4; the band
    (0, 1] is dominated by w^2.
    """
    ds = mock_spectrum(n_sample=n_sample, n_mode=n_mode, exponent=4.0, seed=seed)
    rng = np.random.default_rng(seed)
    low, high = 0.5**5 / 5, 0.25 * (1 - 0.5**3) / 3
    u = rng.random((n_sample, n_mode - 1)) * (low + high)
    omega = np.where(u <= low, (5 * u) ** 0.2, (0.5**3 + 3 * (u - low) / 0.25) ** (1 / 3))
    lam = ds["eigenvalue"].values.copy()
    lam[:, 1:] = np.sort(omega**2, axis=1)
    return ds.assign(eigenvalue=(ds["eigenvalue"].dims, lam, ds["eigenvalue"].attrs))


def test_all_estimators_agree_on_a_pure_power_law(tmp_path: Path) -> None:
    """g ~ w^4 on (0, 1]: lowest-30 MLE, flatness and the whole-band MLE all support s = 4 -> robust."""
    claim = load_claims(_claims(tmp_path))[0]
    result = evaluate_claim(claim, _power_law())
    assert result.verdict is Verdict.SUPPORTED
    assert [a.result.verdict for a in result.alternatives] == [Verdict.SUPPORTED, Verdict.SUPPORTED]
    label, why = result.robustness()
    assert label is Robustness.ROBUST and "flatness, whole band" in why
    values = [a.result.points[0].measurement.value for a in result.alternatives]  # type: ignore[union-attr]
    assert all(abs(v - 4.0) < 0.3 for v in values), values


def test_a_spectrum_built_to_split_the_estimators_is_estimator_dependent(tmp_path: Path) -> None:
    """w^4 below 0.5, w^2 above: the lowest 30 modes say 4 (supported), the whole band says ~2 (refuted)."""
    claim = load_claims(_claims(tmp_path))[0]
    result = evaluate_claim(claim, _two_regimes())
    assert result.verdict is Verdict.SUPPORTED  # the primary: lowest 30 modes per sample
    flat, band = result.alternatives
    assert flat.result.verdict is Verdict.SUPPORTED and not flat.differs
    assert band.result.verdict is Verdict.REFUTED
    assert band.result.points[0].measurement.value < 3.0  # type: ignore[union-attr]
    label, why = result.robustness()
    assert label is Robustness.ESTIMATOR_DEPENDENT
    assert why == "whole band: refuted where the primary is supported"
    # the same data, the primary alone (no alternatives): the verdict is unchanged, the label not assessed
    alone = evaluate_claim(claim.__class__(**{**claim.__dict__, "alternatives": ()}), _two_regimes())
    assert alone.verdict is result.verdict and alone.robustness()[0] is Robustness.NOT_ASSESSED


def test_an_alternative_that_cannot_be_measured_is_reported_not_counted(tmp_path: Path) -> None:
    """An empty window is 'not measured': it neither makes the claim estimator-dependent nor robust."""
    claim = load_claims(_claims(tmp_path, EMPTY_WINDOW))[0]
    result = evaluate_claim(claim, _power_law())
    empty = result.alternatives[-1]
    assert empty.result.verdict is Verdict.INCONCLUSIVE and not empty.compared and not empty.differs
    assert "holds 0 non-zero modes" in empty.unmeasured_reason()
    label, why = result.robustness()
    assert label is Robustness.ROBUST and "not measured where the primary was: empty window" in why
    # with the unmeasurable alternative alone there is nothing to compare: not assessed
    only = claim.__class__(**{**claim.__dict__, "alternatives": claim.alternatives[-1:]})
    label, why = evaluate_claim(only, _power_law()).robustness()
    assert label is Robustness.NOT_ASSESSED and why.startswith("no alternative estimator could be measured where")
    # a primary that cannot be measured (20 modes per sample, fewer than k + 1 = 31): nothing to compare with
    few = evaluate_claim(claim, mock_spectrum(n_sample=N_SAMPLE, n_mode=20, exponent=4.0, seed=3))
    assert few.verdict is Verdict.INCONCLUSIVE and few.alternatives[1].result.points[0].measured  # whole band
    assert few.robustness() == (Robustness.NOT_ASSESSED, "the primary estimator could not be measured at any point")


def test_the_gate_uses_the_primary_verdict_and_reports_the_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Estimator-dependent but primary supported: exit 0; JSON, Markdown and HTML carry the label and table."""
    data = write(_two_regimes(), tmp_path / "split.nc")
    out = tmp_path / "report"
    assert main(["score", str(data), "--claims", str(_claims(tmp_path, EMPTY_WINDOW)), "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "supported  test.s4  (split)  [estimator-dependent]" in printed
    assert "gate: supported (primary verdicts; the 1 deciding claim result: estimator-dependent 1)" in printed
    result = json.loads((out / "result.json").read_text())
    assert result["gate"] == "supported"
    assert result["gate_claims"] == [
        {"id": "test.s4", "dataset": "split", "verdict": "supported", "robustness": "estimator-dependent"}
    ]
    assert result["robustness_totals"] == {"robust": 0, "estimator-dependent": 1, "not assessed": 0}
    (r,) = result["results"]
    assert r["robustness"] == "estimator-dependent"
    alts = {a["label"]: a for a in r["alternatives"]}
    assert alts["flatness"]["agrees"] is True and alts["flatness"]["verdict"] == "supported"
    assert alts["whole band"]["agrees"] is False and alts["whole band"]["differs"] == [
        {"parameters": {}, "primary": "supported", "alternative": "refuted"}
    ]
    assert alts["empty window"]["agrees"] is None and "non-zero modes" in alts["empty window"]["not_measured"]
    assert alts["whole band"]["points"][0]["measurement"]["value"] < 3.0
    md = (out / "report.md").read_text()
    assert "## Robustness across estimators" in md
    assert "| `test.s4` | split | = 4 ± 0.5 | **supported** | estimator-dependent |" in md
    assert "| whole band | validator = power\\_law\\_exponent" not in md  # same validator: only what changed
    assert "| whole band | window = \\[0.0, 1.0\\], no k | refuted | 2." in md
    assert "| empty window |" in md and "not measured:" in md
    html = (out / "report.html").read_text()
    assert 'data-claim="test.s4" data-dataset="split" data-robustness="estimator-dependent"' in html
    assert "<h2>Robustness across estimators</h2>" in html and "whole band" in html

    # the same claim, primary refuted and the whole band alternative agreeing: exit 1, label reported
    refuted = _claims(tmp_path).read_text().replace("value = 4.0, tolerance = 0.5", "value = 2.0, tolerance = 0.5")
    (tmp_path / "refuted.toml").write_text(refuted)
    assert main(["score", str(data), "--claims", str(tmp_path / "refuted.toml"), "--output", str(tmp_path / "r2")]) == 1
    printed = capsys.readouterr().out
    assert "gate: refuted (primary verdicts;" in printed and "test.s4 (split) estimator-dependent" in printed


def _write(tmp_path: Path, alternatives: str) -> Path:
    path = tmp_path / "claims.toml"
    path.write_text(
        '[[claim]]\nid = "a"\nsource = { file = "x" }\nstatement = "s"\n'
        'measure = { validator = "power_law_exponent", quantity = "mle", window = "lowest_k", k = 10 }\n'
        'expect = { kind = "greater", value = 1 }\n' + alternatives
    )
    return path


BAD_ALTERNATIVES = [
    (
        'alternatives = [ { label = "x", basis = "b", measure = { windw = [0, 1] } } ]\n',
        r"measure overrides unknown key\(s\) \['windw'\].*override only quantity or the primary's settings \['k', 'window'\]",
    ),
    (
        'alternatives = [ { label = "x", basis = "b", measure = { k = 5 }, colour = 1 } ]\n',
        r"unknown field\(s\) \['colour'\]",
    ),
    ('alternatives = [ { label = "x", measure = { k = 5 } } ]\n', r"missing field\(s\) \['basis'\]"),
    (
        'alternatives = [ { label = "x", basis = "b", measure = { k = 5 } }, { label = "x", basis = "b", measure = { k = 20 } } ]\n',
        "label 'x' is used twice",
    ),
    ('alternatives = [ { label = "x", basis = "b", measure = { k = 10 } } ]\n', "changes nothing of the primary's"),
    (
        'alternatives = [ { label = "x", basis = "b", measure = { validator = "power_law_exponent" } } ]\n',
        "lacks quantity",
    ),
    ('alternatives = { label = "x" }\n', "write a list of tables"),
    ('alternatives = [ { label = "x", basis = " ", measure = { k = 5 } } ]\n', "basis is empty"),
]


@pytest.mark.parametrize(
    ("text", "match"),
    BAD_ALTERNATIVES,
    ids=[
        "unknown-key",
        "unknown-field",
        "no-basis",
        "duplicate-label",
        "no-change",
        "no-quantity",
        "not-a-list",
        "empty-basis",
    ],
)
def test_bad_alternatives_are_explained(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(ClaimsFileError, match=match):
        load_claims(_write(tmp_path, text))


def test_overrides_keep_the_primary_measure_and_a_full_table_replaces_it(tmp_path: Path) -> None:
    claim = load_claims(
        _write(
            tmp_path,
            (
                'alternatives = [ { label = "k5", basis = "b", measure = { k = 5 } },\n'
                '  { label = "band", basis = "b", measure = { validator = "power_law_exponent", quantity = "flatness", '
                "window = [0.0, 1.0] } } ]\n"
            ),
        )
    )[0]
    (k5, k5_claim), (band, band_claim) = alternative_claims(claim)
    assert (k5_claim.quantity, dict(k5_claim.settings)) == ("mle", {"window": "lowest_k", "k": 5})
    assert (band_claim.quantity, dict(band_claim.settings)) == ("flatness", {"window": [0.0, 1.0]})
    assert k5_claim.id == claim.id and k5_claim.expect == claim.expect and k5_claim.alternatives == ()


def test_every_shipped_claim_registers_a_reasonable_alternative() -> None:
    """Each claim in claims.toml has >= 1 alternative with a basis, a known validator, and settings the
    validator accepts (checked by scoring the alternative's settings keys against the primary's or a
    validator of the registry)."""
    claims = load_claims()
    for claim in claims:
        assert claim.alternatives, f"{claim.id} registers no alternative estimator"
        for alt, alt_claim in alternative_claims(claim):
            assert len(alt.basis) > 20, (claim.id, alt.label)
            assert alt.validator in VALIDATORS or alt.validator in PAIR_VALIDATORS, (claim.id, alt.label)
            assert (alt.validator, alt.quantity, dict(alt.settings)) != (
                claim.validator,
                claim.quantity,
                dict(claim.settings),
            )
    ids = {c.id: c for c in claims}
    core = [dict(a.settings).get("core_neighbours") for a in ids["schirmacher.type-two-modes-vortex-like"].alternatives]
    assert core == [1.5, 3.0] and ids["schirmacher.type-two-modes-vortex-like"].settings["core_neighbours"] == 2.0


def test_a_claim_that_does_not_apply_gets_no_label() -> None:
    claim = next(c for c in load_claims() if c.id == "jiang.toy-two-new-poles")
    card = score_datasets([read_input(mock_spectrum(), name="mock")], [claim], "test")
    (result,) = card.results
    assert result.verdict is Verdict.NOT_APPLICABLE and result.alternatives == []
    assert result.robustness() == (None, "") and result.to_dict()["robustness"] is None
    assert card.gate_claims() == []


def test_the_below_omega0_alternative_is_the_window_0_to_factor_times_omega0() -> None:
    """The shipped 'MLE below omega0' (window = "below_phonon", phonon_factor = 0.8, omega0 = 1.5) measures the
    same modes as the explicit window (0, 1.2]: the same estimate, the edge recorded."""
    from vdosbench.validators import power_law_exponent

    claim = next(c for c in load_claims() if c.id == "schirmacher.high-parent-temperature-s2")
    ((alt, alt_claim),) = [(a, c) for a, c in alternative_claims(claim) if a.label == "MLE below omega0"]
    ds = mock_spectrum(n_sample=10, n_mode=200, exponent=2.0, omega_max=2.0, seed=1)
    settings = {**alt_claim.settings, "n_bootstrap": 50}
    res = VALIDATORS[alt_claim.validator](ds, settings)
    direct = power_law_exponent(ds, (0.0, 1.2), n_bootstrap=50, seed=0)
    assert res.mle.value == pytest.approx(direct.mle.value, rel=1e-12)
    assert res.window["omega_max"] == pytest.approx(1.2) and res.window["omega0_source"] == "given omega0"
