"""The installed wheel (not only the editable install) imports all four subpackages."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    wheels = list(dist.glob("vdosbench-*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # the dependencies come from this interpreter's site-packages, appended to the new venv's
    # path by a .pth file (no download; .pth files found there are not executed, so an editable
    # install of vdosbench there stays invisible); the wheel goes into the venv's own
    # site-packages, which comes first on sys.path
    inner_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    (Path(inner_site) / "outer-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheels[0])],
        check=True,
        capture_output=True,
    )
    code = (
        "import vdosbench, vdosbench.datasets, vdosbench.generators, vdosbench.validators, "
        "vdosbench.benchmark; print(vdosbench.__file__); print(vdosbench.datasets.__file__)"
    )
    out = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path)
    files = out.stdout.split()
    assert all(str(env_dir) in f for f in files), files
    cli = subprocess.run(
        [str(env_dir / "bin" / "vdosbench"), "--help"], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    assert "vdosbench" in cli.stdout
    assert "score" in cli.stdout
