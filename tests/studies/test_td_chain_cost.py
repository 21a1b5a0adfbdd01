"""studies/td_chain_cost.py (issue 52 item 6): core-hours per T_d chain from the catalogue, and the stages'
projected cost; the committed results file is what the script computes from the catalogue on main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from script_loader import load_script
from vdosbench.datasets import load_catalog

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cost():
    return load_script("studies/td_chain_cost.py", "td_chain_cost")


def test_a_chain_is_five_structures_of_one_taper(cost):
    entry = load_catalog()["soft-spheres-lowest-n1000-td-nonadditive"]
    r = cost.chain_cost(entry)
    chains = 2 * entry.recipe.samples // 5  # two tapers, 5 structures a chain
    assert r["chains_per_taper"] * 2 == chains
    assert r["core_hours_per_chain"] == pytest.approx(entry.cost.core_hours / chains, rel=1e-12)


def test_the_stages_are_projected_from_the_control_and_the_file_is_current(cost):
    out = cost.study()
    per = {n: out["ladders"][f"soft-spheres-lowest-n{n}-td-nonadditive"]["core_hours_per_chain"] for n in (1000, 2000)}
    stage2 = out["stages"]["stage 2 (amendment 1)"]
    assert stage2["core_hours"] == pytest.approx(2 * 200 * per[1000] + 2 * 100 * per[2000], rel=1e-12)
    assert json.loads((ROOT / "studies/results/td_chain_cost.json").read_text()) == json.loads(json.dumps(out))
