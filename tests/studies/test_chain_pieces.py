"""``studies/chain_pieces.sh``: chains of a T_d ladder recipe run as ``--first-sample`` pieces (issue 25).

The chains themselves take tens of minutes, so ``vdosbench`` is replaced (``VDOSBENCH``) by a stand-in that records
its arguments and writes the ``ensemble.nc`` a finished run leaves; what is tested is the script's own logic: which
samples each piece asks for, where it writes, what it skips, when it stops, and what it refuses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "studies" / "chain_pieces.sh"
RECIPE = "soft_spheres_lowest_n4000_td_nonadditive"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")

STAND_IN = """#!/usr/bin/env bash
echo "$*" >> "$CALLS"
while [ $# -gt 0 ]; do
  if [ "$1" = --output ]; then mkdir -p "$2"; touch "$2/ensemble.nc"; fi
  shift
done
"""


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    stand_in = tmp_path / "vdosbench"
    stand_in.write_text(STAND_IN)
    stand_in.chmod(0o755)
    # PYTHON: the script reads the recipe with this interpreter (the one running the tests, whatever is on PATH)
    env = dict(os.environ, VDOSBENCH=str(stand_in), CALLS=str(tmp_path / "calls"), PYTHON=sys.executable)
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60)


def calls(tmp_path: Path) -> list[str]:
    path = tmp_path / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_each_piece_is_its_chain_of_five_samples_in_its_own_folder(tmp_path):
    out = tmp_path / "pieces"
    done = run(tmp_path, RECIPE, str(out), "inf:6", "2:0")
    assert done.returncode == 0, done.stderr
    first, second = calls(tmp_path)
    assert f"--recipe {RECIPE} --grid taper_order=inf --samples 35 --first-sample 30 --workers 1" in first
    assert first.endswith(f"--output {out}/c6-minf/n4000")
    assert "--grid taper_order=2 --samples 5 --first-sample 0 " in second
    assert (out / "c0-m2" / "n4000" / "ensemble.nc").exists()


def test_a_done_chain_is_skipped_and_the_stop_file_ends_the_queue(tmp_path):
    out = tmp_path / "pieces"
    assert run(tmp_path, RECIPE, str(out), "2:1").returncode == 0
    assert run(tmp_path, RECIPE, str(out), "2:1", "inf:1").returncode == 0
    assert len(calls(tmp_path)) == 2  # 2:1 once, then inf:1
    (out / "STOP").touch()
    assert run(tmp_path, RECIPE, str(out), "2:2").returncode == 0
    assert len(calls(tmp_path)) == 2
    log = (out / "queue.log").read_text()
    assert "already done" in log and "STOP found: not starting chain 2 of m = 2" in log


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((RECIPE, "out", "4:1"), "expected TAPER:CHAIN with TAPER 2 or inf and CHAIN 0, 1, ..., found '4:1'"),
        ((RECIPE, "out", "2:1x"), "found '2:1x'"),
        ((RECIPE, "out", "inf"), "found 'inf' (e.g. inf:6)"),
        (("soft_spheres_n1000", "out", "2:0"), "expected a recipe soft_spheres_lowest_n{N}_td..., found"),
        ((RECIPE, "out"), "usage: chain_pieces.sh RECIPE OUT TAPER:CHAIN"),
    ],
)
def test_bad_arguments_are_refused_before_any_chain_runs(tmp_path, args, message):
    done = run(tmp_path, *args)
    assert done.returncode == 2 and message in done.stderr
    assert calls(tmp_path) == []


def test_two_workers_with_one_claims_folder_never_run_a_piece_twice(tmp_path):
    """CLAIMS: a piece is claimed by an atomic mkdir before it runs; a second worker given the same list passes
    over what the first claimed, and runs what is left."""
    out, claims = tmp_path / "pieces", tmp_path / "claims"
    (claims / "2-3").mkdir(parents=True)  # claimed by the other worker, still running
    stand_in = tmp_path / "vdosbench"
    stand_in.write_text(STAND_IN)
    stand_in.chmod(0o755)
    env = dict(
        os.environ, VDOSBENCH=str(stand_in), CALLS=str(tmp_path / "calls"), PYTHON=sys.executable, CLAIMS=str(claims)
    )
    done = subprocess.run(
        ["bash", str(SCRIPT), RECIPE, str(out), "2:3", "inf:3"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert [c.split("--grid ")[1].split()[0] for c in calls(tmp_path)] == ["taper_order=inf"]
    assert sorted(p.name for p in claims.iterdir()) == ["2-3", "inf-3"]
