"""The installed wheel (not only the editable install) holds every module of the source tree and the package data."""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
from test_layering import FOLDERS, module_files

ROOT = Path(__file__).resolve().parents[1]
#: Package data the code reads at run time (pyproject.toml ``[tool.setuptools.package-data]``).
PACKAGE_DATA = [
    ("vdosbench.benchmark", "claims.toml"),
    ("vdosbench.datasets", "catalog.toml"),
    *(("vdosbench.datasets", f"reference/{p.name}") for p in sorted((ROOT / "datasets" / "reference").glob("*.nc"))),
]


@pytest.mark.slow
def test_wheel_installs_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # build from a copy of the sources only: a stale build/lib in the checkout would put modules into the
    # wheel that pyproject.toml no longer lists
    source = tmp_path / "source"
    source.mkdir()
    # reference-data/ is in the copy so that its exclusion from the wheel is tested, not assumed
    for name in [*FOLDERS, "pyproject.toml", "README.md", "reference-data"]:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(source)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    wheels = list(dist.glob("vdosbench-*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as wheel:
        members = wheel.namelist()
    assert not [m for m in members if "reference-data" in m], "the repository's reference-data/ must stay out of the wheel"
    assert any(m.endswith("datasets/reference/spring_network_16.nc") for m in members)
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
    modules = sorted(m for m in module_files(ROOT) if not m.endswith("__main__"))
    code = (
        "import importlib, importlib.resources, json, sys\n"
        f"modules, data = {modules!r}, {PACKAGE_DATA!r}\n"
        "files, failed = [], []\n"
        "for m in modules:\n"
        "    try:\n"
        "        files.append(importlib.import_module(m).__file__)\n"
        "    except ImportError as e:\n"
        "        failed.append(f'{m}: {e}')\n"
        "missing = [f'{p}/{n}' for p, n in data if not importlib.resources.files(p).joinpath(n).is_file()]\n"
        "print(json.dumps({'files': files, 'failed': failed, 'missing_data': missing}))\n"
    )
    out = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path)
    found = json.loads(out.stdout)
    assert not found["failed"], f"modules the installed wheel cannot import (listed in pyproject.toml packages?): {found['failed']}"
    assert len(found["files"]) == len(modules) > 60, (len(found["files"]), len(modules))
    outside = [f for f in found["files"] if str(env_dir) not in f]
    assert not outside, f"imported from outside the installed wheel (missing from pyproject.toml packages?): {outside}"
    assert not found["missing_data"], f"package data missing from the wheel: {found['missing_data']}"
    cli = subprocess.run(
        [str(env_dir / "bin" / "vdosbench"), "--help"], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    assert "vdosbench" in cli.stdout
    assert "score" in cli.stdout


def test_every_source_package_is_listed_in_pyproject() -> None:
    # a subpackage missing from [tool.setuptools] packages would work in the editable install and be
    # left out of the wheel; the wheel test above catches it slowly, this one at once
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    packages = {name for name, path in module_files(ROOT).items() if path.name == "__init__.py"}
    assert packages == listed, (
        f"packages in the source tree but not in pyproject.toml: {sorted(packages - listed)}; "
        f"listed but absent: {sorted(listed - packages)}"
    )
    assert set(FOLDERS.values()) <= packages
