"""No number in the findings changes with the one claims schema (issue 66 item 1): every claim of every registration,
read through :func:`vdosbench.benchmark.load_claims`, gives again the verdict its study stored in
``studies/results/`` from the stored values and intervals, and the stored expectation is the claim's.

Each registration names the results file of its study below; a registration whose claims no stored reading covers
fails :func:`test_every_registered_claim_is_read_again` until its reader is added here, unless it is listed in
:data:`AWAITING_DATA` (registered before its data exist: no results file reads it yet).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from vdosbench.benchmark import Claim, load_claims
from vdosbench.benchmark.registration import REGISTRATIONS
from vdosbench.benchmark.scoring import NOT_ASSESSED, assessed_verdict
from vdosbench.validators import Measurement

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "studies" / "results"
#: One stored reading: (claim id, where in the file, stored verdict, re-judged verdict by the claim as loaded).
Reading = tuple[str, str, str, str]


def _claims(name: str) -> dict[str, Claim]:
    return {c.id: c for c in load_claims(REGISTRATIONS / f"{name}.toml")}


def _interval(
    low: float | None,
    high: float | None,
    value: float | None = None,
    confidence: float = 0.95,
) -> Measurement:
    """A stored interval as a measurement to judge (NaN where the file holds none: not assessed)."""
    low = math.nan if low is None else float(low)
    high = math.nan if high is None else float(high)
    mid = (low + high) / 2 if value is None else float(value)
    return Measurement("stored", mid, 0.0, low, high, confidence, "1", {}, None, 2, "stored")


def _judged(claim: Claim, low: float | None, high: float | None, assessed: bool = True, **kw: Any) -> str:
    return assessed_verdict(_interval(low, high, **kw), claim.expect, assessed=assessed)


def _readings_with_intervals(name: str, results: str) -> Iterator[Reading]:
    """The studies that store each reading with its interval, expectation and verdict (``judged_reading``):
    absolute_frequency_confirm.json and td_control_verdicts.json; the stored expectation text is the claim's."""
    claims = _claims(name)

    def walk(node: Any, path: str) -> Iterator[Reading]:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key in claims and isinstance(value, list):
                    for i, r in enumerate(value):
                        where = f"{path}/{key}[{i}] {r['reading']!r}"
                        assert r["expect"] == claims[key].expect.describe(), where
                        again = _judged(claims[key], *r["interval"]) if not r["why"] else "inconclusive"
                        yield key, where, r["verdict"], again
                else:
                    yield from walk(value, f"{path}/{key}")

    yield from walk(json.loads((RESULTS / results).read_text()), results)


def _finite_size() -> Iterator[Reading]:
    """finite_size.json: each point's primary against its claims (percentile and expanded intervals), the size
    difference, the paired taper and model differences."""
    from studies import finite_size

    claims = _claims("finite-size")
    stored = json.loads((RESULTS / "finite_size.json").read_text())
    for p in stored["points"]:
        t = float(p["parent_temperature"])
        keys = finite_size.point_claims(int(p["taper_order"]), t)
        primary, ok = p["primary"], p["primary"]["status"] == "ok"
        where = f"finite_size.json N={p['n_particles']} m={p['taper_order']} T*={p['parent_temperature']}"
        for key, claim_id in keys.items():
            assert p["claim_values"][key] == claims[claim_id].expect.value, where
            yield claim_id, where, p["verdicts"][key], _judged(claims[claim_id], *primary["interval"], assessed=ok)
            yield (
                claim_id,
                where + " expanded",
                p["verdicts_expanded"][key],
                _judged(claims[claim_id], *primary["interval_expanded"], assessed=ok),
            )
    for item in stored["across_sizes"]:
        diff = item.get("size_difference")
        if diff is not None:
            where = f"finite_size.json sizes m={item['taper_order']} T*={item['parent_temperature']}"
            again = _judged(
                claims["s-independent-of-N"], diff["low"], diff["high"], assessed="not_assessed_because" not in diff
            )
            yield "s-independent-of-N", where, diff["verdict_s_independent_of_N"], again
    for d in stored["taper_difference"]:
        where = f"finite_size.json taper difference N={d['n_particles']} T*={d['parent_temperature']}"
        for claim_id, key in (
            ("taper-difference-0", "verdict_equal_0"),
            ("taper-difference-plus-1", "verdict_equal_plus_1"),
        ):
            yield claim_id, where, d[key], _judged(claims[claim_id], d["low"], d["high"])
            yield claim_id, where + " expanded", d[key + "_expanded"], _judged(claims[claim_id], *d["expanded"])
    for d in stored["model_difference"]:
        where = f"finite_size.json model difference N={d['n_particles']} m={d['taper_order']}"
        again = _judged(claims["model-difference-0"], d["low"], d["high"])
        yield "model-difference-0", where, d["verdict_equal_0"], again
        yield (
            "model-difference-0",
            where + " expanded",
            d["verdict_equal_0_expanded"],
            _judged(claims["model-difference-0"], *d["expanded"]),
        )


def _two_start() -> Iterator[Reading]:
    """two_start.json: each entry's late-mean difference (interval holds 0) and inherent-energy gap (below 0),
    combined by the registration's verdict rule."""
    claims = _claims("two-start")
    meet, power = claims["equilibrium.two-start"], claims["equilibrium.two-start-power"]
    for e in json.loads((RESULTS / "two_start.json").read_text())["entries"]:
        r, d = e["random_start"], e["deep_start"]
        where = f"two_start.json N={e['n_particles']} m={e['taper_order']} chain {e['chain']}"
        se = math.hypot(r["late_mean_stderr"], d["late_mean_stderr"])
        difference = d["late_mean"] - r["late_mean"]
        z = float(meet.settings["z"])
        assert difference == pytest.approx(e["difference"], rel=1e-12, abs=1e-15), where
        assert [difference - z * se, difference + z * se] == pytest.approx(
            e["difference_interval"], rel=1e-12, abs=1e-15
        ), where
        gap = d["inherent_energy_start"] - r["inherent_energy_mean"]
        below = _judged(power, gap, gap, confidence=1.0)
        agrees = _judged(meet, *e["difference_interval"])
        yield "equilibrium.two-start-power", where, "supported" if e["deep_start_below"] else "refuted", below
        verdict = ("agree" if agrees == "supported" else "disagree") if below == "supported" else "deep start not below"
        yield "equilibrium.two-start", where, e["verdict"], verdict


def _lammps_ka() -> Iterator[Reading]:
    """lammps_ka_045_rule.json and _m2: every sample's pass and reason, judged again by the study's rule (its
    numbers read from the registration: min_late_segments, the p bound, the wait)."""
    from studies import lammps_ka_045 as study

    claims = _claims("lammps-ka-equilibrium")
    assert (study.MIN_LATE_SEGMENTS, study.TREND_P, study.TAU_MULTIPLE, study.Q_FS) == (
        claims["equilibrium.no-tau-ageing"].settings["min_late_segments"],
        claims["equilibrium.no-tau-ageing"].expect.value,
        claims["equilibrium.wait"].expect.value,
        claims["equilibrium.no-tau-ageing"].settings["fs_wavenumber"],
    )
    for report in ("lammps_ka_045_rule.json", "lammps_ka_045_m2_rule.json"):
        for sample in json.loads((RESULTS / report).read_text())["samples"]:
            again = study.judge_details(sample)
            for claim_id in claims:  # the rule checks its three claims in order; the first not supported is named
                yield (
                    claim_id,
                    f"{report} sample {sample['sample']}",
                    json.dumps([sample["passes"], sample["why"]]),
                    json.dumps(list(again)),
                )


def _realization() -> Iterator[Reading]:
    """realization_test.json: each rebuild's smallest p times k against alpha (consistent: another realization)."""
    claim = _claims("realization-test")["rebuild.another-realization"]
    for name, rebuild in json.loads((RESULTS / "realization_test.json").read_text())["rebuild"].items():
        r = rebuild["realization"]
        k = claim.settings["alpha"] / r["threshold"]
        corrected = r["smallest_p"] * k
        yield (
            claim.id,
            f"realization_test.json {name}",
            "supported" if r["consistent"] else "refuted",
            _judged(claim, corrected, corrected, confidence=1.0),
        )


def _sorting_trend() -> Iterator[Reading]:
    """sorting_trend.json: every point's and every model's mean chain slope against 0 (grows / falls)."""
    claim = _claims("sorting-trend")["equilibrium.sorting-trend"]
    names = {"supported": "grows", "refuted": "falls", "inconclusive": "no trend resolved"}
    stored = json.loads((RESULTS / "sorting_trend.json").read_text())
    rows = [(p["point"] + " " + p["model"], p) for p in stored["points"]] + list(stored["pooled"].items())
    for label, row in rows:
        for measure, s in row.get("slopes", {}).items():
            if "mean_slope" in s:
                yield (
                    claim.id,
                    f"sorting_trend.json {label} {measure}",
                    s["trend"],
                    names[_judged(claim, s["low"], s["high"], value=s["mean_slope"])],
                )


#: The reader of each registration's stored findings.
READERS: dict[str, Callable[[], Iterator[Reading]]] = {
    "absolute-frequency": lambda: _readings_with_intervals("absolute-frequency", "absolute_frequency_confirm.json"),
    "td-control": lambda: _readings_with_intervals("td-control", "td_control_verdicts.json"),
    "finite-size": _finite_size,
    "two-start": _two_start,
    "lammps-ka-equilibrium": _lammps_ka,
    "realization-test": _realization,
    "sorting-trend": _sorting_trend,
}


#: Registrations fixed before their data exist (issue 63), with the study measures their readers are still to build
#: (declared with ``@study_measure`` when the reader is written; then the registration moves to READERS).
AWAITING_DATA: dict[str, frozenset[str]] = {
    "confirm-n8000": frozenset(),  # studies/confirm_n8000.py declares every measure; the set is being made
    "td-control-long": frozenset(),  # studies/td_control_long.py declares every measure; the chains are running
}


@pytest.mark.parametrize("name", sorted(READERS))
def test_the_stored_verdicts_are_given_again_through_the_one_schema(name: str) -> None:
    readings = list(READERS[name]())
    assert readings, f"no stored reading of {name}"
    differ = [(claim_id, where, stored, again) for claim_id, where, stored, again in readings if stored != again]
    assert not differ, differ[:5]
    assert {stored for _, _, stored, _ in readings} - {NOT_ASSESSED}  # some reading is judged, not all skipped


def test_every_registered_claim_is_read_again() -> None:
    """Every claim of every shipped registration has at least one stored reading judged again above (a registration
    still awaiting its data: none yet, and it is listed in AWAITING_DATA)."""
    shipped = {p.stem for p in REGISTRATIONS.glob("*.toml")}
    assert not set(READERS) & set(AWAITING_DATA), "a registration with a reader awaits no data: drop it from AWAITING"
    assert set(AWAITING_DATA) <= shipped
    read_here = shipped - set(AWAITING_DATA)
    assert read_here <= set(READERS), f"add a reader of the stored findings of {sorted(read_here - set(READERS))}"
    for name in sorted(read_here):
        read = {claim_id for claim_id, *_ in READERS[name]()}
        assert set(_claims(name)) <= read, (name, sorted(set(_claims(name)) - read))


def test_every_measure_a_registered_claim_names_exists_in_the_code() -> None:
    """A registered claim's measure (and each alternative's) is a validator claims can name (``@measures``) or a
    computation its study declares (``@study_measure``): no estimator label that exists nowhere.  A registration
    awaiting its data names the study measures its reader is to build, listed in AWAITING_DATA and nowhere else."""
    import importlib

    from vdosbench.benchmark import scoring  # noqa: F401 - registers the benchmark's validators
    from vdosbench.validators.results.registry import PAIR_VALIDATORS, POINT_VALIDATORS, STUDY_MEASURES

    for module in STUDIES:
        importlib.import_module(module)
    known = set(POINT_VALIDATORS) | set(PAIR_VALIDATORS) | set(STUDY_MEASURES)
    named = {
        (p.stem, c.id, v)
        for p in REGISTRATIONS.glob("*.toml")
        for c in load_claims(p)
        for v in (c.validator, *(a.validator for a in c.alternatives))
    }
    assert named and not {n for n in named if n[2] not in known | AWAITING_DATA.get(n[0], frozenset())}
    for name, to_build in AWAITING_DATA.items():  # the names still to build: named by the registration, built nowhere
        assert to_build == {v for stem, _, v in named if stem == name} - known, name
    assert not {"late_mean_difference", "welch_z", "mean_chain_slope"} & known  # the old free labels are gone


#: The modules whose import declares the study measures the registrations name.
STUDIES = (
    "studies.two_start",
    "studies.lammps_ka_045",
    "studies.sorting_trend",
    "studies.finite_size",
    "studies.absolute_frequency",
    "studies.confirm_n8000",
    "studies.td_control_long",
    "vdosbench.benchmark.fingerprint",
)


def test_a_changed_expectation_changes_a_verdict(tmp_path: Path) -> None:
    """Built to fail: the td-control registration with the seed's +1 moved to +3 no longer gives the stored
    verdicts (the comparison reads the claims as loaded, not the stored text)."""
    text = (REGISTRATIONS / "td-control.toml").read_text()
    moved = tmp_path / "td-control.toml"
    moved.write_text(
        text.replace(
            'expect = { kind = "equal", value = 1.0, tolerance = 0.5',
            'expect = { kind = "equal", value = 3.0, tolerance = 0.5',
            1,
        )
    )
    claim = {c.id: c for c in load_claims(moved)}["schirmacher.td-taper-difference-absolute"]
    stored = json.loads((RESULTS / "td_control_verdicts.json").read_text())
    intervals = [
        r["interval"]
        for stage in stored["stages"].values()
        for point in stage.values()
        if isinstance(point, Mapping)
        for r in point.get(claim.id, [])
        if not r["why"]
    ]
    assert intervals and any(_judged(claim, *i) == "refuted" for i in intervals)


def _definitions() -> dict[str, list[str]]:
    """Where each claim id is defined (not referenced): claims.toml, every registration, every literature file."""
    import tomllib

    from vdosbench.benchmark import default_claims_path

    benchmark = default_claims_path().parent
    where: dict[str, list[str]] = {}
    for path in [
        default_claims_path(),
        *sorted(REGISTRATIONS.glob("*.toml")),
        *sorted((benchmark / "literature").glob("*.toml")),
    ]:
        for entry in tomllib.loads(path.read_text()).get("claim", []):
            if "registration" not in entry:  # a reference names a registered claim, it defines none
                where.setdefault(str(entry["id"]), []).append(path.name)
    return where


def test_no_claim_id_is_defined_in_two_places() -> None:
    where = _definitions()
    assert len(where) > 60 and "lerner.deep-tail-s4-absolute" in where
    assert not {k: v for k, v in where.items() if len(v) > 1}
    assert where["lerner.deep-tail-s4-absolute"] == ["absolute-frequency.toml"]
    assert where["schirmacher.high-parent-temperature-s2"] == ["claims.toml"]
    assert where["schirmacher.high-tstar-window-s2"] == ["finite-size.toml"]


def test_the_finite_size_key_keeps_its_registered_name() -> None:
    """The window reading renamed so that no id is defined twice still records the name it was registered under,
    and the study's verdict key (the stored results' key) reads it."""
    from studies import finite_size

    claim = _claims("finite-size")["schirmacher.high-tstar-window-s2"]
    assert claim.extra["as_registered"]["claim"] == "schirmacher.high-parent-temperature-s2"
    assert finite_size.point_claims(2, 1.0)["schirmacher.high-parent-temperature-s2"] == claim.id


def _with_defaults(validator: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """``settings`` with the validator's defaults filled in (a default written out or left out is one measure)."""
    import inspect

    from vdosbench import validators

    function = getattr(validators, validator, None)
    if function is None:
        return dict(settings)
    defaults = {
        k: p.default
        for k, p in inspect.signature(function).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    return {**defaults, **settings}


def _stored_measurement(m: Mapping[str, Any]) -> Measurement:
    def number(x: Any) -> float:
        return math.nan if x is None else float(x)

    return Measurement(
        m["name"],
        number(m["value"]),
        number(m["uncertainty"]),
        number(m["low"]),
        number(m["high"]),
        float(m["confidence"]),
        m["units"],
        {},
        None,
        int(m["n_samples"]),
        m["method"],
    )


#: The scores of committed sets under the shipped claims (``vdosbench score``'s result.json), read again below.
SCORES = (
    "td_control_n1000_score.json",
    "td_control_n2000_score.json",
    "seed000_inhomogeneous_medium_score.json",
    "seed002_spring_networks_score.json",
    "n1600_levels_rebuild_score.json",
)


@pytest.mark.parametrize("name", SCORES)
def test_the_scored_registered_claims_give_their_stored_verdicts_again(name: str) -> None:
    """Every registered claim ``vdosbench score`` reads (claims.toml's references) measures what the stored score
    measured (the validator's defaults filled in) and judges every stored point as it was judged; the same for the
    alternatives the score reports."""
    from vdosbench.benchmark.scoring import judge

    claims = {c.id: c for c in load_claims()}
    stored = json.loads((RESULTS / name).read_text())
    assert str(stored["claims_file"]).endswith("benchmark/claims.toml")
    read = 0
    for r in stored["results"]:
        claim = claims[r["id"]]
        if claim.registration is None:
            continue
        assert (r["validator"], r["quantity"], r["expected"]) == (
            claim.validator,
            claim.quantity,
            claim.expect.describe(),
        ), r["id"]
        assert _with_defaults(r["validator"], r["settings"]) == _with_defaults(claim.validator, claim.settings)
        alternatives = {a.label: a for a in claim.alternatives if not a.select}
        for alt in r["alternatives"]:
            mine = alternatives[alt["label"]]
            assert (alt["validator"], _with_defaults(alt["validator"], alt["settings"])) == (
                mine.validator,
                _with_defaults(mine.validator, mine.settings),
            ), (r["id"], alt["label"])
        for p in r["points"]:
            if p["measurement"] is not None:
                assert judge(_stored_measurement(p["measurement"]), claim.expect)[0].value == p["verdict"], r["id"]
                read += 1
    if name.startswith("td_control"):
        assert read >= 6  # the six registered claims that apply to a T_d control set are measured on it


def test_a_moved_expectation_is_caught_in_a_stored_score() -> None:
    """Built to fail: the T_d m = 2 claim's expectation moved from 4 to 2 judges a stored point otherwise."""
    from dataclasses import replace

    from vdosbench.benchmark import Expectation
    from vdosbench.benchmark.scoring import judge

    claim = {c.id: c for c in load_claims()}["schirmacher.td-m2-s4-absolute"]
    moved = replace(claim.expect, value=2.0)
    assert isinstance(moved, Expectation)
    stored = json.loads((RESULTS / "td_control_n1000_score.json").read_text())
    points = [p for r in stored["results"] if r["id"] == claim.id for p in r["points"] if p["measurement"]]
    assert points and any(judge(_stored_measurement(p["measurement"]), moved)[0].value != p["verdict"] for p in points)
