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


def test_the_registered_chains_are_timed_from_the_pieces_logs(cost, tmp_path):
    """A chain cut off at a session's end and resumed costs the sum of its runs; other recipes' lines and
    /usr/bin/time's own notes are skipped; the stages are costed at the mean CPU rate of each N."""
    log = tmp_path / "time.log"
    log.write_text(
        "soft_spheres_lowest_n1000_td_nonadditive chain=20 taper=2 wall=242.4 user=225.6 maxrss_kb=1\n"
        "Command terminated by signal 15\n"
        "soft_spheres_lowest_n1000_td_nonadditive chain=20 taper=inf wall=20.0 user=18.0 maxrss_kb=1\n"
        "soft_spheres_lowest_n1000_td_nonadditive chain=20 taper=inf wall=300.0 user=270.0 maxrss_kb=1\n"
        "soft_spheres_lowest_n2000_td_nonadditive chain=20 taper=2 wall=500.0 user=480.0 maxrss_kb=1\n"
        "soft_spheres_lowest_confirm_n2000 chain=0 taper=2 wall=9.0 user=9.0 maxrss_kb=1\n"
    )
    for piece in ("c20-m2/n1000", "c20-minf/n1000", "c20-m2/n2000"):  # the finished pieces' folders
        (tmp_path / piece).mkdir(parents=True)
        (tmp_path / piece / "ensemble.nc").touch()
    with log.open("a") as fh:  # a chain whose only run failed (no ensemble.nc): not a chain's cost
        fh.write("soft_spheres_lowest_n2000_td_nonadditive chain=24 taper=inf wall=2236.9 user=9.7 maxrss_kb=1\n")
    times = cost.chain_times([log])
    rows = {(r["n_particles"], r["chain"], r["taper"]): r for r in times["chains"]}
    assert set(rows) == {(1000, 20, "2"), (1000, 20, "inf"), (2000, 20, "2")}
    assert rows[(1000, 20, "inf")]["user_s"] == pytest.approx(288.0) and rows[(1000, 20, "inf")]["runs"] == 2
    m = cost.measured(times)
    assert m["by_n"]["1000"]["cpu_core_hours_per_chain"] == pytest.approx((225.6 + 288.0) / 2 / 3600)
    stage1 = 2 * 40 * (225.6 + 288.0) / 2 / 3600 + 2 * 20 * 480.0 / 3600
    assert m["stages_core_hours"]["stage 1 (registered)"] == pytest.approx(stage1)
