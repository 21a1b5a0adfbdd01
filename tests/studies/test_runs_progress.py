"""studies/runs_progress.py: issue 63's run log read back (pieces named, goes summed, the projection's arithmetic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studies.runs_progress import (
    PARTS,
    earlier_pieces,
    landed_samples,
    merge_goes,
    piece_name,
    progress,
    read_time_log,
)

TD_LOG = """\
soft_spheres_lowest_n1000_td_control_long chain=0 taper=2 wall=2286.52 user=761.22 maxrss_kb=983588
soft_spheres_lowest_n1000_td_control_long chain=0 taper=inf wall=100.0 user=300.00 maxrss_kb=321656

soft_spheres_lowest_n1000_td_control_long chain=0 taper=inf wall=50.5 user=500.25 maxrss_kb=321656
"""
N8000_LOG = """\
taper=2 T*=1 N=8000 samples=10 first=0 wall=2471.10 user=502.74 maxrss_kb=254516
taper=2 T*=1 N=8000 samples=10 first=0 wall=6.45 user=3.21 maxrss_kb=254516
taper=inf T*=1 N=8000 samples=20 first=10 wall=676.94 user=507.44 maxrss_kb=255744
"""


def test_labels_name_the_landed_parts() -> None:
    assert piece_name("td_control_long", "soft_spheres_lowest_n1000_td_control_long chain=4 taper=inf") == "c4-minf"
    assert piece_name("confirm_n8000", "taper=2 T*=1 N=8000 samples=40 first=30") == "from30-m2-t1"
    with pytest.raises(ValueError, match="Fix: pass the set's own time log"):
        piece_name("confirm_n8000", "soft_spheres_lowest_n1000_td_control_long chain=4 taper=inf")


def test_goes_of_one_piece_are_summed() -> None:
    td = read_time_log("td_control_long", TD_LOG.splitlines())
    assert td["c0-minf"] == {"goes": 2, "wall_s": pytest.approx(150.5), "user_cpu_s": pytest.approx(800.25)}
    n8000 = read_time_log("confirm_n8000", N8000_LOG.splitlines())
    assert n8000["from0-m2-t1"]["goes"] == 2 and n8000["from0-m2-t1"]["user_cpu_s"] == pytest.approx(505.95)


def test_an_earlier_files_goes_are_added_to_the_logs(tmp_path: Path) -> None:
    earlier = {"c0-minf": {"landed": False, "goes": 1, "wall_s": 10.0, "user_cpu_s": 99.75}}
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"sets": {"td_control_long": {"pieces": earlier}}}))
    merged = merge_goes(earlier_pieces(path, "td_control_long"), read_time_log("td_control_long", TD_LOG.splitlines()))
    assert merged["c0-minf"] == {"goes": 3, "wall_s": pytest.approx(160.5), "user_cpu_s": pytest.approx(900.0)}
    assert merged["c0-m2"]["goes"] == 1
    with pytest.raises(ValueError, match="holds no set 'confirm_n8000'"):
        earlier_pieces(path, "confirm_n8000")


def test_the_projection_is_the_pieces_left_times_the_landed_mean() -> None:
    pieces = read_time_log("td_control_long", TD_LOG.splitlines())
    out = progress("td_control_long", {"c0-m2": {"m = 2": 25}, "c0-minf": {"m = inf": 25}}, pieces)
    mean = (761.22 + 800.25) / 2
    assert out["mean_user_cpu_s_a_piece"] == pytest.approx(mean, abs=0.05)
    assert out["core_hours_left"] == pytest.approx(98 * mean / 3600, abs=0.05)
    assert out["samples_landed"] == {"m = 2": 25, "m = inf": 25}
    none = progress("td_control_long", {}, pieces)
    assert none["core_hours_left"] is None and none["mean_user_cpu_s_a_piece"] is None


def test_the_landed_parts_are_counted_by_taper() -> None:
    counts = landed_samples(Path(PARTS) / "td_control_long")
    assert counts, "no landed part"
    for name, by_taper in counts.items():
        taper = "m = inf" if name.endswith("minf") else "m = 2"
        assert by_taper == {taper: 25}, name  # a T_d piece is one whole chain of 25 structures
