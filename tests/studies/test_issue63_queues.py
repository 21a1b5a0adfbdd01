"""studies/issue63_queues.py: the queues of issue 63's pieces not landed, from the landed parts' names."""

from __future__ import annotations

import subprocess
from pathlib import Path

from studies.issue63_queues import PARTS, go_8000, go_td, main, n8000_left, td_left


def _parts(tmp_path: Path, td: list[str], n8000: list[str]) -> Path:
    for folder, names in (("td_control_long", td), ("confirm_n8000", n8000)):
        (tmp_path / folder).mkdir(parents=True)
        for name in names:
            (tmp_path / folder / f"{name}.nc").write_bytes(b"")
    return tmp_path


def test_the_pieces_left_are_the_registered_ones_not_landed_in_order(tmp_path: Path) -> None:
    parts = _parts(tmp_path, ["c0-m2", "c0-minf", "c1-m2"], ["from0-m2-t1", "from0-minf-t1", "from10-m2-t1"])
    td = td_left(parts)
    assert td[:3] == ["inf:1", "2:2", "inf:2"] and len(td) == 100 - 3 and td[-1] == "inf:49"
    n8000 = n8000_left(parts)
    assert n8000[:3] == [("inf", 10), ("2", 20), ("inf", 20)] and len(n8000) == 90 - 3 and n8000[-1] == ("inf", 440)


def test_the_landed_sets_leave_fewer_pieces_than_registered() -> None:
    landed_td = len(list((PARTS / "td_control_long").glob("*.nc")))
    landed_n8000 = len(list((PARTS / "confirm_n8000").glob("*.nc")))
    assert len(td_left()) == 100 - landed_td and len(n8000_left()) == 90 - landed_n8000


def test_the_scripts_name_each_piece_once_and_parse(tmp_path: Path) -> None:
    td = go_td(tmp_path, ["inf:1", "2:2"])
    assert td.rstrip().endswith("soft_spheres_lowest_n1000_td_control_long " + f"{tmp_path / 'td'} inf:1 2:2")
    script = go_8000(tmp_path, [("inf", 10), ("2", 20)])
    assert script.count("vdosbench generate") == 2
    assert "--samples 20 --first-sample 10" in script and '--output "$out/from10-minf-t1/n8000"' in script
    assert "taper=2 T*=1 N=8000 samples=30 first=20 wall=%e" in script  # the label runs_progress reads
    (tmp_path / "go.sh").write_text(script)
    assert subprocess.run(["bash", "-n", str(tmp_path / "go.sh")]).returncode == 0
    parts = _parts(tmp_path / "parts", [], [])
    assert main([str(tmp_path / "runs"), "--parts", str(parts)]) == 0
    command = (tmp_path / "runs" / "go_td.sh").read_text().splitlines()[-1].split()
    assert sum(":" in word for word in command) == 100  # nothing landed: every registered chain of both tapers
