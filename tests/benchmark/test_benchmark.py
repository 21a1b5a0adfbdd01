"""Claims, verdicts, scoring and the CLI gate, on real small spring networks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark import ClaimsFileError, Expectation, Verdict, load_claims, verdict_for
from vdosbench.cli import main
from vdosbench.benchmark.scoring import PAIR_VALIDATORS, VALIDATORS, evaluate_claim
from vdosbench.datasets import combine_parts, select_point, write
from vdosbench.generators import nine_node_toy
from vdosbench.generators import spring_network_sample
from vdosbench.validators import Measurement, boson_peak_excess

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
GRID = {"delta": (0.0, 0.3), "connectivity": ("nearest", "cutoff"), "spring": ("inverse_distance", "constant")}


def _ensemble(n_side: int, n_samples: int, root_seed: int = 11) -> xr.Dataset:
    """A small seed-002 ensemble built without Dask (the ensemble runner is tested elsewhere)."""
    parts = []
    for delta in GRID["delta"]:
        for conn in GRID["connectivity"]:
            for spring in GRID["spring"]:
                for s in range(n_samples):
                    seed = np.random.SeedSequence(root_seed, spawn_key=(s,))
                    part = spring_network_sample(
                        {"n_side": n_side, "delta": delta, "connectivity": conn, "spring": spring, "n_vectors": 2},
                        seed,
                        s,
                    )
                    part = part.assign_coords(
                        delta=((), delta, {"long_name": "displacement", "units": "1"}),
                        connectivity=((), conn, {"long_name": "connectivity rule"}),
                        spring=((), spring, {"long_name": "spring law"}),
                    )
                    for name in GRID:
                        part.attrs.pop(name, None)
                    part.attrs["parameter_names"] = "delta connectivity spring"
                    parts.append(part)
    ds = combine_parts(parts)
    ds.attrs["title"] = "seed-002 spring networks (test ensemble)"  # part titles name their point
    return ds


@pytest.fixture(scope="module")
def networks() -> xr.Dataset:
    return _ensemble(n_side=20, n_samples=4)


@pytest.fixture(scope="module")
def network_file(networks: xr.Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(networks, tmp_path_factory.mktemp("data") / "networks.nc")


def _m(low: float, high: float) -> Measurement:
    return Measurement(
        name="x",
        value=(low + high) / 2,
        uncertainty=(high - low) / 4,
        low=low,
        high=high,
        confidence=0.95,
        units="1",
        settings={},
        curve=None,
        n_samples=5,
        method="test",
    )


VERDICTS = [
    (_m(0.45, 0.55), Expectation("equal", 0.5, 0.1), Verdict.SUPPORTED),
    (_m(0.45, 0.65), Expectation("equal", 0.5, 0.1), Verdict.INCONCLUSIVE),
    (_m(0.65, 0.75), Expectation("equal", 0.5, 0.1), Verdict.REFUTED),
    (_m(0.2, 0.3), Expectation("greater", 0.1), Verdict.SUPPORTED),
    (_m(0.05, 0.3), Expectation("greater", 0.1), Verdict.INCONCLUSIVE),
    (_m(-0.1, 0.05), Expectation("greater", 0.1), Verdict.REFUTED),
    (_m(-0.1, 0.05), Expectation("less", 0.1), Verdict.SUPPORTED),
    (_m(1.0, 2.0), Expectation("within", low=0.0, high=3.0), Verdict.SUPPORTED),
    (_m(4.0, 5.0), Expectation("within", low=0.0, high=3.0), Verdict.REFUTED),
    (_m(2.0, 2.0), Expectation("equal", 2, 0), Verdict.SUPPORTED),
    (_m(3.0, 3.0), Expectation("equal", 2, 0), Verdict.REFUTED),
    (_m(float("nan"), float("nan")), Expectation("equal", 2, 0), Verdict.INCONCLUSIVE),
    # "holds": a test of consistency (the two-start test): the interval holds the value or excludes it
    (_m(-0.1, 0.05), Expectation("holds", 0.0), Verdict.SUPPORTED),
    (_m(-5.0, 5.0), Expectation("holds", 0.0), Verdict.SUPPORTED),  # wide: still consistent, never inconclusive
    (_m(0.0, 0.0), Expectation("holds", 0.0), Verdict.SUPPORTED),
    (_m(0.01, 0.05), Expectation("holds", 0.0), Verdict.REFUTED),
    (_m(-0.05, -0.01), Expectation("holds", 0.0), Verdict.REFUTED),
    (_m(float("nan"), float("nan")), Expectation("holds", 0.0), Verdict.INCONCLUSIVE),
]


@pytest.mark.parametrize(
    ("m", "expect", "verdict"), VERDICTS, ids=[f"{e.kind}-{v.value}-{i}" for i, (_, e, v) in enumerate(VERDICTS)]
)
def test_verdict_rule(m: Measurement, expect: Expectation, verdict: Verdict) -> None:
    assert verdict_for(m, expect) is verdict


def _one_sample(low: float, high: float, confidence: float = 0.95) -> Measurement:
    return Measurement(
        name="x",
        value=low,
        uncertainty=float("nan") if low != low else 0.0,
        low=low,
        high=high,
        confidence=confidence,
        units="1",
        settings={},
        curve=None,
        n_samples=1,
        method="test",
    )


@pytest.mark.parametrize(
    ("m", "reason"),
    [
        (_one_sample(3.0, 3.0), "only 1 sample: a 95 % bootstrap interval needs at least 2 samples"),
        (_one_sample(float("nan"), float("nan")), "only 1 sample"),
        (_m(float("nan"), float("nan")), "is not finite: the validator could not measure x"),
    ],
    ids=["zero-width", "nan-one-sample", "nan"],
)
def test_an_interval_from_too_few_samples_is_inconclusive_with_a_reason(m: Measurement, reason: str) -> None:
    from vdosbench.benchmark.scoring import judge

    for expect in (Expectation("equal", 2, 0), Expectation("equal", 3, 0)):  # would be refuted / supported
        verdict, why = judge(m, expect)
        assert verdict is Verdict.INCONCLUSIVE and reason in why
        assert verdict_for(m, expect) is Verdict.INCONCLUSIVE


def test_an_exact_quantity_is_judged_from_one_sample() -> None:
    from vdosbench.benchmark.scoring import judge

    exact = _one_sample(2.0, 2.0, confidence=1.0)
    assert judge(exact, Expectation("equal", 2, 0)) == (Verdict.SUPPORTED, "")
    assert judge(exact, Expectation("equal", 3, 0)) == (Verdict.REFUTED, "")


def test_unmeasurable_points_are_inconclusive_not_refuted(networks: xr.Dataset) -> None:
    """All modes zero, or a single sample: no claim gets refuted/supported from a zero-width interval."""
    zero = networks.copy(deep=True)
    zero["eigenvalue"][:] = 0.0
    zero["zero_mode"][:] = True
    single = networks.isel(sample=[0])
    for claim in load_claims():
        for data, what in ((zero, "every mode of this point is zero"), (single, "only 1 sample")):
            if claim.validator == "coordination_distribution" and data is zero:
                continue  # structure, not spectrum: still measurable
            result = evaluate_claim(claim, data, "data")
            if result.verdict is Verdict.NOT_APPLICABLE:
                continue
            assert result.verdict is Verdict.INCONCLUSIVE, (claim.id, what)
            assert all(p.verdict is Verdict.INCONCLUSIVE and what in p.reason for p in result.points), claim.id


def test_shipped_claims_are_well_formed() -> None:
    claims = load_claims()
    assert len({c.id for c in claims}) == len(claims) >= 7
    for c in claims:
        assert (SEEDS / c.source_file).exists() or not SEEDS.exists(), c.source_file
        assert c.validator in VALIDATORS or c.validator in PAIR_VALIDATORS, c.validator
        assert c.expect.kind != "equal" or c.expect.basis, f"{c.id}: a tolerance needs its basis"


BAD_CLAIMS = [
    (
        '[[claim]]\nid="a"\nsource={file="x"}\nstatement="s"\nmeasure={validator="v", quantity="q"}\nexpect={kind="equal", value=1}\n',
        "needs a tolerance",
    ),
    (
        '[[claim]]\nid="a"\nsource={file="x"}\nstatement="s"\nmeasure={validator="v", quantity="q"}\nexpect={kind="about", value=1}\n',
        "expect.kind is 'about'",
    ),
    (
        '[[claim]]\nid="a"\nbogus=1\nsource={file="x"}\nstatement="s"\nmeasure={validator="v", quantity="q"}\nexpect={kind="greater", value=1}\n',
        r"unknown field\(s\) \['bogus'\]",
    ),
    (
        '[[claim]]\nid="a"\nsource={file="x"}\nstatement="s"\nmeasure={validator="v", quantity="q"}\nexpect={kind="greater", value=1}\n'
        * 2,
        r"duplicate claim ids \['a'\]",
    ),
    ("[[claim]\n", "not valid TOML"),
    ("title = 'x'\n", r"no \[\[claim\]\] tables"),
]


@pytest.mark.parametrize(
    ("text", "match"), BAD_CLAIMS, ids=["no-tolerance", "bad-kind", "unknown-field", "duplicate", "toml", "empty"]
)
def test_bad_claims_files_are_explained(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "claims.toml"
    path.write_text(text)
    with pytest.raises(ClaimsFileError, match=match):
        load_claims(path)


def test_verdict_is_recomputed_from_the_validator(networks: xr.Dataset) -> None:
    """The scorer's number is the validator's number, and its verdict follows from it."""
    claim = next(c for c in load_claims() if c.id == "jiang.coordination-excess")
    result = evaluate_claim(claim, networks, "networks")
    assert {tuple(p.parameters.items()) for p in result.points} == {
        (("delta", 0.3), ("connectivity", "cutoff"), ("spring", s)) for s in GRID["spring"]
    }
    point = result.points[0]
    direct = boson_peak_excess(select_point(networks, point.parameters), **claim.settings).relative_excess
    assert point.measurement is not None
    assert point.measurement.value == direct.value
    assert (point.measurement.low, point.measurement.high) == (direct.low, direct.high)
    assert point.verdict is verdict_for(direct, claim.expect)


def test_claims_not_about_the_data_are_not_applicable(networks: xr.Dataset) -> None:
    toy_claim = next(c for c in load_claims() if c.id == "jiang.toy-two-new-poles")
    res = evaluate_claim(toy_claim, networks)
    assert res.verdict is Verdict.NOT_APPLICABLE
    assert "nine_node_toy" in res.reason


def test_claims_say_what_the_data_are_about_before_what_they_lack() -> None:
    """The reason a claim does not apply names the applies_to selector first (what to declare), then variables."""
    from vdosbench.benchmark import inapplicability, why_not_applicable
    from vdosbench.datasets import mock_spectrum

    needs_pairs = next(c for c in load_claims() if "pair_stiffness" in c.requires and "generator" in c.applies_to)
    ds = mock_spectrum()
    why = inapplicability(needs_pairs, ds)
    assert why is not None and (why.kind, why.key) == ("no-key", "generator")
    assert why_not_applicable(needs_pairs, ds) == str(why) == "the dataset has no 'generator' (attribute or coordinate)"
    wanted = needs_pairs.applies_to["generator"]
    declared = ds.assign_attrs(generator=wanted if isinstance(wanted, str) else wanted[0])
    why = inapplicability(needs_pairs, declared)
    assert why is not None and why.kind in ("no-key", "lacks")  # the next selector, or the missing pair data
    other = str(inapplicability(needs_pairs, ds.assign_attrs(generator="x")))
    assert other.startswith("generator is 'x', the claim is about")


def test_scorecard_gate_when_no_claim_applies(networks: xr.Dataset) -> None:
    """No claim applies: gate 'no-applicable-claims', exit 3 (also strict), a message with reasons and keys."""
    from vdosbench.benchmark.scorecard import EXIT_NO_APPLICABLE_CLAIMS, read_input, score_datasets
    from vdosbench.datasets import mock_spectrum

    claims = load_claims()
    card = score_datasets([read_input(mock_spectrum(), name="mock")], claims, "default")
    assert card.no_claim_applies() and card.gate() == "no-applicable-claims"
    assert card.exit_code() == card.exit_code(strict=True) == EXIT_NO_APPLICABLE_CLAIMS == 3
    assert card.totals()["score"] is None
    why = card.why_no_claim_applies()
    assert why.startswith(f"no claim applies to these data (0 of {len(claims)} claims on 1 input)")
    assert "not a pass" in why and "the dataset has no 'generator' attribute or coordinate" in why
    assert "Declare what the claims select on: model, " in why and "--declare KEY=VALUE" in why
    assert "generator" in why and "--set KEY=VALUE" in why
    # one input with applicable claims: the gate is the verdicts' (exit 0 or 1, never 3)
    card = score_datasets([read_input(networks, name="networks")], claims, "default")
    assert not card.no_claim_applies() and card.gate() != "no-applicable-claims"
    assert card.exit_code() == (1 if card.gate() == "refuted" else 0)


def test_toy_claim_is_measured_exactly() -> None:
    toy_claim = next(c for c in load_claims() if c.id == "jiang.toy-two-new-poles")
    res = evaluate_claim(toy_claim, nine_node_toy())
    assert [p.measurement.value for p in res.points if p.measurement] == [2, 2]
    assert res.verdict is Verdict.SUPPORTED


def test_score_cli_writes_report_and_gates(network_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    code = main(["score", str(network_file), "--output", str(out)])
    result = json.loads((out / "result.json").read_text())
    refuted = [r for r in result["results"] if r["verdict"] == "refuted"]
    assert code == (1 if refuted else 0)
    assert result["content_hash"].startswith("sha256:")
    assert result["gate"] in ("supported", "refuted", "inconclusive") and result["gate_message"] is None
    report = (out / "report.md").read_text()
    assert "## Verdicts" in report and "jiang.coordination-peaks-at-4" in report
    figures = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert "networks_reduced_dos.png" in figures and "networks_coordination.png" in figures
    assert all((out / "figures" / f).stat().st_size > 5000 for f in figures)
    # stratified by N and window: every applicable point counted once, under its input's size
    strata = result["strata"]
    points = [p for r in result["results"] if r["verdict"] != "not applicable" for p in r["points"]]
    assert sum(row["points"] for row in strata) == len(points)
    for verdict in ("supported", "refuted", "inconclusive"):
        assert sum(row[verdict] for row in strata) == sum(p["verdict"] == verdict for p in points)
    assert {row["N"] for row in strata} == {"N = 400"} and "(0, 1]" in {row["window"] for row in strata}
    assert "## Verdicts by system size and frequency window" in report
    # the same data and claims give the same content hash
    main(["score", str(network_file), "--output", str(tmp_path / "again")])
    again = json.loads((tmp_path / "again" / "result.json").read_text())
    assert again["content_hash"] == result["content_hash"]


def test_strict_gate_and_built_to_fail_claim(network_file: Path, tmp_path: Path) -> None:
    claims = tmp_path / "claims.toml"
    claims.write_text(
        '[[claim]]\nid = "wrong.coordination-six"\nsource = { file = "none", where = "built to fail" }\n'
        'statement = "the cutoff network is 6-coordinated"\n'
        'applies_to = { connectivity = "cutoff", exclude = { delta = [0.0] } }\nrequires = ["coordination"]\n'
        'measure = { validator = "coordination_distribution", quantity = "most_common", n_bootstrap = 200, seed = 0 }\n'
        'expect = { kind = "equal", value = 6, tolerance = 0, basis = "built to fail" }\n'
    )
    assert main(["score", str(network_file), "--claims", str(claims), "--output", str(tmp_path / "r")]) == 1
    result = json.loads((tmp_path / "r" / "result.json").read_text())
    assert result["results"][0]["verdict"] == "refuted"
    assert result["results"][0]["points"][0]["measurement"]["value"] == 4


def _broken_file(tmp_path: Path, kind: str, networks: xr.Dataset) -> Path:
    path = tmp_path / f"{kind}.nc"
    if kind == "not-netcdf":
        path.write_text("0.0\n1.0\n")
        return path
    ds = networks.isel(delta=[0]).copy(deep=True)
    if kind == "nan":
        ds["eigenvalue"][..., 5] = np.nan
    elif kind == "negative":
        ds["eigenvalue"][..., 0] = -0.5
    elif kind == "dims":
        ds = ds.transpose("mode", ...)
    elif kind == "zero":
        ds["eigenvalue"][:] = 0.0
        ds["zero_mode"][:] = True
    write(ds, path, validate=False)
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("not-netcdf", "not a readable netCDF-4 file"),
        ("nan", "eigenvalue-finite"),
        ("negative", "eigenvalue-nonnegative"),
        ("dims", "eigenvalue-dims"),
        ("zero", "eigenvalue-nonzero"),
    ],
    ids=["not-netcdf", "nan", "negative", "dims", "all-zero"],
)
def test_bad_input_exits_2_without_output(
    kind: str, message: str, networks: xr.Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _broken_file(tmp_path, kind, networks)
    out = tmp_path / "report"
    assert main(["score", str(path), "--output", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_help_lists_commands_and_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for word in ("generate", "score", "demo", "examples:"):
        assert word in text


def test_versus_claims_use_the_paired_difference(networks: xr.Dataset) -> None:
    """Common random numbers: resampling samples jointly narrows the interval of a difference."""
    from vdosbench.benchmark.scoring import _difference
    from vdosbench.validators import paired_excess_difference

    claim = next(c for c in load_claims() if c.id == "jiang.spring-strength-irrelevant")
    result = evaluate_claim(claim, networks)
    point = result.points[0]
    assert point.measurement is not None and "paired" in point.measurement.method
    a = boson_peak_excess(select_point(networks, point.parameters), **claim.settings)
    b = boson_peak_excess(select_point(networks, point.versus), **claim.settings)
    paired = paired_excess_difference(a, b, "relative_excess", n_bootstrap=1000, seed=0)
    assert paired.value == pytest.approx(a.relative_excess.value - b.relative_excess.value, abs=1e-12)
    independent = _difference(a.relative_excess, b.relative_excess)
    assert paired.high - paired.low < independent.high - independent.low
    itself = paired_excess_difference(a, a, "relative_excess", n_bootstrap=200, seed=0)
    assert itself.value == 0 and itself.low == 0 and itself.high == 0


@pytest.mark.slow
def test_seed001_claims_are_measured_on_a_small_glass_ensemble() -> None:
    """The seed-001/003 claims apply to soft-sphere data and get finite measurements."""
    from vdosbench.generators import T_HIGH, T_LOW, build_in_memory

    ds = build_in_memory(
        "soft_spheres",
        grid={"taper_order": [2, -1], "parent_temperature": [T_HIGH, T_LOW]},
        fixed={"n_particles": 64, "n_sweeps": 20, "n_vectors": 5},
        n_samples=3,
        root_seed=5,
    )
    claims = {c.id: c for c in load_claims()}
    t_d_claims = {
        "schirmacher.low-parent-temperature-m2-s4": 1,
        "schirmacher.low-parent-temperature-minf-s3": 1,
        "lerner-bouchbinder.s4-universal": 2,
    }
    # issue 25 item 6: the seed-literal generator's sets carry no memory of T_d and are not scored on T_d claims
    for claim_id in t_d_claims:
        assert evaluate_claim(claims[claim_id], ds).verdict is Verdict.NOT_APPLICABLE, claim_id
    equilibrated = ds.assign_attrs(generator="soft_spheres_equilibrated")
    for claim_id, n_points in t_d_claims.items():
        result = evaluate_claim(claims[claim_id], equilibrated)
        assert len(result.points) == n_points, claim_id
    ids = {
        "schirmacher.high-parent-temperature-s2": 2,
        "schirmacher.stress-exponent-m2": 2,
        "schirmacher.stress-exponent-minf": 2,
        "schirmacher.goe-lowest-50": 4,
        "schirmacher.poisson-highest-50": 4,
    }
    for claim_id, n_points in ids.items():
        result = evaluate_claim(claims[claim_id], ds)
        assert len(result.points) == n_points, claim_id
        assert all(p.measurement is not None and np.isfinite(p.measurement.value) for p in result.points), claim_id
    assert evaluate_claim(claims["schirmacher.lennard-jones-s5"], ds).verdict is Verdict.NOT_APPLICABLE
    # omega0 is a claim about N = 1000; the shell claims need enough stored modes (5 hold < half the shell)
    assert evaluate_claim(claims["schirmacher.lowest-phonon-omega0"], ds).verdict is Verdict.NOT_APPLICABLE
    below = evaluate_claim(claims["schirmacher.modes-below-omega0-not-waves"], ds)
    assert below.verdict is Verdict.INCONCLUSIVE and all("n_vectors" in p.reason for p in below.points)


def test_claims_sharing_a_validator_compute_it_once(networks: xr.Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """score_datasets' per-dataset cache: a claim and its rival with the same validator and settings on the
    same point run the validator once; the verdicts equal those without the cache."""
    from vdosbench.benchmark import scoring
    from vdosbench.benchmark.scorecard import InputInfo, score_datasets

    claims = [c for c in load_claims() if c.id in ("jiang.coordination-excess", "jiang.boson-peak-position")]
    assert len(claims) == 2 and claims[0].settings == claims[1].settings  # two quantities of one measurement
    calls: list[int] = []
    original = scoring.VALIDATORS["boson_peak_excess"]
    monkeypatch.setitem(scoring.VALIDATORS, "boson_peak_excess", lambda p, s: calls.append(1) or original(p, s))
    card = score_datasets([(InputInfo("networks", "-", "-"), networks)], claims, "test")
    n_points = len(card.results[0].points)
    # the primaries share one computation; alternatives with equal settings share theirs
    measures = {
        json.dumps(dict(s), sort_keys=True) for c in claims for s in [c.settings, *(a.settings for a in c.alternatives)]
    }
    n_estimators = sum(1 + len(c.alternatives) for c in claims)
    assert n_points > 0 and len(measures) < n_estimators and len(calls) == len(measures) * n_points
    uncached = [evaluate_claim(c, networks) for c in claims]
    assert [r.verdict for r in card.results] == [r.verdict for r in uncached]
    assert [[a.result.verdict for a in r.alternatives] for r in card.results] == [
        [a.result.verdict for a in r.alternatives] for r in uncached
    ]
    per_claim = sum(
        len({json.dumps(dict(s), sort_keys=True) for s in [c.settings, *(a.settings for a in c.alternatives)]})
        for c in claims
    )  # without a shared cache each claim still shares within itself
    assert len(calls) == (len(measures) + per_claim) * n_points


def test_seed000_claim_is_measured_across_the_k_g_sweep() -> None:
    """A claim with ``across = "k_G"`` gets one sub-grid per variant, pairs cut to it."""
    from vdosbench.generators import build_in_memory
    from vdosbench.validators import crossover_slope

    ds = build_in_memory(
        "inhomogeneous_medium",
        grid={"variant": ["modulation", "random"], "k_G": [2 * np.pi * m / 12 for m in range(3)]},
        fixed={"dimension": 2, "n_side": 12},
        n_samples=2,
    )
    claim = next(c for c in load_claims() if c.id == "jiang.omega-bp-proportional-to-k-g")
    result = evaluate_claim(claim, ds)
    assert [p.parameters for p in result.points] == [{"variant": "modulation"}, {"variant": "random"}]
    point = result.points[1]
    sweep = select_point(ds, {"variant": "random"}, keep=("k_G",))
    assert int(sweep["pair_count"].sum()) == sweep.sizes["pair"]
    direct = crossover_slope(sweep, sound_speed="modulus", window=(0.0, 1.5), estimator="fit", n_bootstrap=200, seed=0)
    assert point.measurement is not None
    assert point.measurement.value == direct.slope.value
    assert point.verdict is verdict_for(direct.slope, claim.expect)
