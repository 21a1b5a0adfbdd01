"""``studies/finite_size_queue.sh``: the high-T* ladder's stages, and pieces that go on from the compact form (issue 25).

The stages take minutes to hours, so ``vdosbench`` is replaced (``VDOSBENCH``) by a stand-in that records its
arguments; what is tested is the script's own logic: which samples each stage asks for, where it writes, when it
stops, and which specs it refuses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "studies" / "finite_size_queue.sh"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")

STAND_IN = """#!/usr/bin/env bash
echo "$*" >> "$CALLS"
"""


def run(tmp_path: Path, out: Path, **env: str) -> subprocess.CompletedProcess:
    stand_in = tmp_path / "vdosbench"
    stand_in.write_text(STAND_IN)
    stand_in.chmod(0o755)
    full = dict(os.environ, VDOSBENCH=str(stand_in), CALLS=str(tmp_path / "calls"), **env)
    return subprocess.run(["bash", str(SCRIPT), str(out)], env=full, capture_output=True, text=True, timeout=60)


def calls(tmp_path: Path) -> list[str]:
    path = tmp_path / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_a_piece_runs_its_samples_of_each_taper_in_a_folder_of_its_own(tmp_path):
    out = tmp_path / "high_t"
    done = run(tmp_path, out, TSTARS="1", SPECS="4000:40:80 8000:30")
    assert done.returncode == 0, done.stderr
    first, second, third, fourth = calls(tmp_path)
    assert (
        "--recipe soft_spheres_lowest_n4000 --grid taper_order=2 --grid parent_temperature=1 "
        "--samples 80 --first-sample 40 --workers 1"
    ) in first
    assert first.endswith(f"--output {out}/from40-m2-t1/n4000")
    assert "--grid taper_order=inf" in second and second.endswith(f"--output {out}/from40-minf-t1/n4000")
    # a plain N:SAMPLES stage: all its samples, in the shared folder of its N
    assert "--samples 30 --workers 1" in third and "--first-sample" not in third
    assert third.endswith(f"--output {out}/n8000") and fourth.endswith(f"--output {out}/n8000")


def test_the_stop_file_ends_the_queue_before_the_next_stage(tmp_path):
    out = tmp_path / "high_t"
    out.mkdir()
    (out / "STOP").touch()
    assert run(tmp_path, out, TSTARS="inf", SPECS="4000:40:80").returncode == 0
    assert calls(tmp_path) == []
    assert "STOP found: not starting taper=2 T*=inf N=4000 samples=80 first=40" in (out / "queue.log").read_text()


@pytest.mark.parametrize("spec", ["4000", "4000:40:80:90", "4000::80", ":80", "4000:", "4k:40"])
def test_a_bad_spec_is_refused_before_any_stage_runs(tmp_path, spec):
    out = tmp_path / "high_t"
    done = run(tmp_path, out, SPECS=f"1000:100 {spec}")
    assert done.returncode == 2
    assert f"expected SPECS entries N:SAMPLES or N:FIRST:SAMPLES (e.g. 4000:40:80), found '{spec}'" in done.stderr
    assert calls(tmp_path) == [] and not out.exists()
