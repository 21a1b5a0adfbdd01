"""The registered chains of issue 52's control are written once (studies/td_control_stages.py) and agree with the
registration's own words."""

from __future__ import annotations

from vdosbench.benchmark import load_registration

from studies import td_chain_cost, td_control, td_control_power
from studies.td_control_stages import POOLED, STAGES, new_chains


def test_stages_are_the_registration_s_chains():
    reg = load_registration("td-control")
    one, two = STAGES["stage 1"], STAGES["stage 2"]
    # data: "chains 20 - 59 a taper: samples 100 - 299" and "chains 20 - 39 a taper: samples 100 - 199"
    for chains, recipe in ((one[1000], "n1000"), (one[2000], "n2000")):
        first, last = chains[0], chains[-1]
        assert (
            f"_{recipe}_td_nonadditive (chains {first} - {last} a taper: samples {5 * first} - "
            f"{5 * last + 4}" in reg.header["data"]
        )
    # amendment 1: "stage 2: 200 / 100 new chains", stage 1's chains among them
    labels = [alt.label for claim in reg.claims.values() for alt in claim.alternatives]
    assert f"stage 2: {len(two[1000])} / {len(two[2000])} new chains" in labels
    assert all(two[n][0] == one[n][0] and two[n][-1] >= one[n][-1] for n in one)


def test_studies_read_the_one_source():
    assert td_control.STAGES is STAGES
    assert td_control_power.CHAINS == new_chains("stage 1") == {1000: 40, 2000: 20}
    assert td_chain_cost.STAGES == {
        "stage 1 (registered)": {1000: 40, 2000: 20},
        "stage 2 (amendment 1)": {1000: 200, 2000: 100},
    }


def test_the_pooled_label_is_the_registration_s_for_both_taper_claims():
    """The reader and the README row find amendment 1's pooled difference by this label."""
    reg = load_registration("td-control")
    for claim_id in ("schirmacher.td-taper-difference-absolute", "lerner-bouchbinder.td-taper-0-absolute"):
        assert reg.claims[claim_id].alternative(POOLED).select["pooled"] == [1000, 2000]
