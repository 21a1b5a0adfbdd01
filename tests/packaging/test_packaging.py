"""The installed wheel (not only the editable install) holds every module of the source tree and the package data."""

from __future__ import annotations

import json
import os
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

ROOT = Path(__file__).resolve().parents[2]
#: Package data the code reads at run time (pyproject.toml ``[tool.setuptools.package-data]``).
PACKAGE_DATA = [
    ("vdosbench.benchmark", "claims.toml"),
    ("vdosbench.benchmark", "protocols.toml"),
    *[
        ("vdosbench.benchmark", f"registrations/{p.name}")
        for p in sorted((ROOT / "benchmark" / "registrations").glob("*.toml"))
    ],
    ("vdosbench.datasets", "catalog.toml"),
]


def venv_with_outer_dependencies(env_dir: Path) -> Path:
    """A fresh virtual environment that sees this interpreter's dependencies but not its vdosbench; its python.

    The dependencies come from this interpreter's site-packages, appended to the new venv's path by a
    .pth file (no download; .pth files found there are not executed, so an editable install of
    vdosbench there stays invisible); anything installed into the venv goes into its own
    site-packages, which comes first on sys.path.  The venv gets no pip of its own (``ensurepip``
    costs about 6 CPU s): this interpreter's pip installs into it with ``pip --python``.
    """
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    inner_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(inner_site) / "outer-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return python


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources, installed (``pip install`` of the wheel) into a fresh venv.

    Returns the venv's folder.  Built once for this file's tests: it is the slowest step.
    """
    tmp_path = tmp_path_factory.mktemp("wheel")
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
    assert not [m for m in members if "reference-data" in m], (
        "the repository's reference-data/ must stay out of the wheel"
    )
    # reference data have one home, reference-data/ (issue 54 item 4): the wheel carries none (fetch downloads them)
    assert not [m for m in members if m.endswith(".nc")], "no reference data in the wheel"
    env_dir = tmp_path / "venv"
    python = venv_with_outer_dependencies(env_dir)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheels[0])],
        check=True,
        capture_output=True,
    )
    return env_dir


@pytest.mark.slow
def test_wheel_installs_and_runs(installed_wheel: Path, tmp_path: Path) -> None:
    env_dir = installed_wheel
    python = env_dir / "bin" / "python"
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
    assert not found["failed"], (
        f"modules the installed wheel cannot import (listed in pyproject.toml packages?): {found['failed']}"
    )
    assert len(found["files"]) == len(modules) > 60, (len(found["files"]), len(modules))
    outside = [f for f in found["files"] if str(env_dir) not in f]
    assert not outside, f"imported from outside the installed wheel (missing from pyproject.toml packages?): {outside}"
    assert not found["missing_data"], f"package data missing from the wheel: {found['missing_data']}"
    cli = subprocess.run(
        [str(env_dir / "bin" / "vdosbench"), "--help"], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    assert "vdosbench" in cli.stdout
    assert "score" in cli.stdout


#: Run with cwd = the clone's root: which files ``import vdosbench.validators`` took (the README's first command is
#: ``pip install .`` in a clone, after which the root's ``vdosbench/`` folder comes first on sys.path).
IMPORT_FROM_ROOT = (
    "import json, vdosbench.validators, vdosbench.benchmark.adapters\n"
    "print(json.dumps([vdosbench.__file__, vdosbench.validators.__file__, vdosbench.benchmark.adapters.__file__]))\n"
)
#: The clone's own files that ``IMPORT_FROM_ROOT`` must have imported (one copy, not a mix of two).
CLONE_FILES = [
    str(ROOT / "vdosbench" / "__init__.py"),
    str(ROOT / "validators" / "__init__.py"),
    str(ROOT / "benchmark" / "adapters" / "__init__.py"),
]


def import_from_root(python: Path | str) -> list[str]:
    """Run ``IMPORT_FROM_ROOT`` with ``python`` in the clone's root, PYTHONPATH unset; the files it imported."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    out = subprocess.run([str(python), "-c", IMPORT_FROM_ROOT], capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, f"import vdosbench.validators from the clone's root failed:\n{out.stderr}"
    return json.loads(out.stdout)


@pytest.mark.slow
def test_wheel_imports_from_the_clone_root(installed_wheel: Path) -> None:
    # after `pip install .` the clone's vdosbench/ shadows the wheel's; it must find its own subpackages
    assert import_from_root(installed_wheel / "bin" / "python") == CLONE_FILES


def test_imports_from_the_clone_root_without_install(tmp_path: Path) -> None:
    # a venv with the dependencies but no vdosbench at all: the root on sys.path is the only copy
    python = venv_with_outer_dependencies(tmp_path / "bare")
    absent = subprocess.run([str(python), "-c", "import vdosbench"], capture_output=True, text=True, cwd=tmp_path)
    assert absent.returncode != 0 and "No module named 'vdosbench'" in absent.stderr, absent.stderr
    assert import_from_root(python) == CLONE_FILES


def test_imports_from_the_clone_root_editable() -> None:
    # this interpreter's install (the test extra's `pip install -e`); from the root as from anywhere
    assert import_from_root(sys.executable) == CLONE_FILES


def test_installed_copy_adds_no_finder(tmp_path: Path) -> None:
    # an installed vdosbench/ has no pyproject.toml beside it, or one that is not vdosbench's
    from vdosbench import _source_tree

    package = tmp_path / "site-packages" / "vdosbench"
    package.mkdir(parents=True)
    assert _source_tree.clone_package_dirs(package) == {}
    (tmp_path / "site-packages" / "pyproject.toml").write_text('[project]\nname = "other"\n')
    assert _source_tree.clone_package_dirs(package) == {}
    assert _source_tree.clone_package_dirs(ROOT / "vdosbench")["vdosbench.validators"] == ROOT / "validators"


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
