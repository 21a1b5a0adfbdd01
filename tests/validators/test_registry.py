"""Validators register what they measure (validators/results/registry.py); scoring looks them up (issue 54 item 1)."""

from __future__ import annotations

import pytest

from vdosbench.benchmark import scoring
from vdosbench.benchmark import load_claims
from vdosbench.validators.results import registry
from vdosbench.validators.results.registry import PAIR_VALIDATORS, POINT_VALIDATORS, measures, registered


def test_every_claim_and_alternative_names_a_registered_validator_and_one_of_its_quantities() -> None:
    assert scoring.VALIDATORS is POINT_VALIDATORS and scoring.PAIR_VALIDATORS is PAIR_VALIDATORS
    asked = []
    for claim in load_claims():
        asked.append((claim.id, claim.validator, claim.quantity))
        for alt in claim.alternatives:
            asked.append((f"{claim.id} / {alt.label}", alt.validator, alt.quantity))
    for where, validator, quantity in asked:
        entry = registered(validator)
        assert quantity in entry.quantities, (where, validator, quantity, entry.quantities)


def test_the_registry_holds_every_validator_scoring_used_to_list() -> None:
    assert set(POINT_VALIDATORS) >= {
        "boson_peak_excess",
        "coordination_distribution",
        "power_law_exponent",
        "level_statistics",
        "stress_exponent",
        "crossover_slope",
        "phonon_shell",
        "shear_modulus_omega0",
        "curve_exponent",
        "curve_peak",
        "curve_gap",
        "exponent_below_crossover",
        "nonphononic_exponent",
        "absolute_exponent",
    }
    assert set(PAIR_VALIDATORS) == {"new_poles"}
    assert set(registry.PAIRED_DIFFERENCES) == {"boson_peak_excess", "nonphononic_exponent", "absolute_exponent"}
    assert POINT_VALIDATORS["coordination_distribution"].structural
    assert not POINT_VALIDATORS["power_law_exponent"].structural


def test_claim_settings_become_the_call_arguments() -> None:
    from vdosbench.validators import PowerLawWindow

    power = POINT_VALIDATORS["power_law_exponent"]
    assert power.call_settings({"window": "lowest_k", "k": 10, "seed": 0}) == {
        "window": PowerLawWindow.lowest_k(10),
        "seed": 0,
    }
    assert power.call_settings({"window": "below_phonon", "phonon_factor": 0.8, "omega0": 1.5}) == {
        "window": PowerLawWindow.below_phonon(0.8),
        "omega0": 1.5,
    }
    assert power.call_settings({"window": [0.1, 0.5]})["window"] == PowerLawWindow.explicit(0.1, 0.5)
    assert POINT_VALIDATORS["level_statistics"].call_settings({"window": [1, 2]}) == {"window": (1, 2)}
    assert POINT_VALIDATORS["level_statistics"].call_settings({}) == {}  # the function's default window
    assert POINT_VALIDATORS["crossover_slope"].call_settings({"across": "k_G", "window": [0, 1]}) == {
        "dim": "k_G",
        "window": (0, 1),
    }
    assert POINT_VALIDATORS["stress_exponent"].call_settings({"window": [1, 2]}) == {"window": [1, 2]}


def test_a_quantity_the_validator_does_not_measure_is_refused_with_what_it_measures() -> None:
    from dataclasses import replace

    from vdosbench.datasets import mock_spectrum

    claim = next(c for c in load_claims() if c.validator == "power_law_exponent")
    wrong = replace(claim, quantity="slope", alternatives=())
    ds = mock_spectrum(n_sample=4, n_mode=60)
    with pytest.raises(KeyError, match="measures flatness, mle; the claim asks for 'slope'"):
        scoring._measure_point(wrong, ds, {}, ds)


def test_registering_needs_quantities_and_refuses_a_second_function_under_one_name() -> None:
    with pytest.raises(ValueError, match="needs the quantities"):
        measures()

    def power_law_exponent(point: object) -> None:  # another function under a registered name
        return None

    with pytest.raises(ValueError, match="registered twice"):
        measures("mle")(power_law_exponent)
    with pytest.raises(KeyError, match="unknown validator 'nope'; known: "):
        registered("nope")


def test_a_study_measure_is_declared_once_by_name() -> None:
    """A registration's study-only measure names one function; another function under the name is refused."""
    from vdosbench.validators.results.registry import STUDY_MEASURES, study_measure

    def first() -> None: ...

    def second() -> None: ...

    try:
        assert study_measure("test.measure")(first) is first and STUDY_MEASURES["test.measure"] is first
        study_measure("test.measure")(first)  # the same function again (a module imported twice): accepted
        with pytest.raises(ValueError, match="'test.measure' is declared twice"):
            study_measure("test.measure")(second)
        with pytest.raises(ValueError, match="needs the names"):
            study_measure()
    finally:
        STUDY_MEASURES.pop("test.measure", None)
