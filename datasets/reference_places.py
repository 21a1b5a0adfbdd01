"""Where this machine holds the repository's reference data: the places :func:`~vdosbench.datasets.fetch.fetch`
looks before its cache and the network (issue 53, item 2).

The scoring forms live in a clone's :data:`REFERENCE_DATA_DIRNAME` folder, outside the wheel.  Whatever the
install (editable or not), a copy on this machine is found in turn

1. in ``$VDOSBENCH_REFERENCE_DATA`` (:data:`REFERENCE_DATA_ENV`), when set: it must then be a folder;
2. in the repository the command runs in: from the current folder upwards, the first folder holding
   :data:`REFERENCE_DATA_DIRNAME` and a ``pyproject.toml`` whose ``[project] name`` is ``vdosbench`` (so a
   ``pip install .`` from a clone, run inside the clone, is offline);
3. in the repository the package runs from (an editable install's source folder is a clone; an installed
   wheel has none).

:func:`reference_places` gives each place with what was found there, for the messages of a fetch that found
no copy; :func:`reference_data_folders` the folders that exist, in order.  Neither imports the catalogue.

Examples
--------
>>> import tempfile, pathlib
>>> clone = pathlib.Path(tempfile.mkdtemp())
>>> (clone / "reference-data").mkdir()
>>> _ = (clone / "pyproject.toml").write_text('[project]\\nname = "vdosbench"\\n')
>>> (clone / "docs" / "sub").mkdir(parents=True)
>>> clone_root(clone / "docs" / "sub") == clone
True
>>> _ = (clone / "pyproject.toml").write_text('[project]\\nname = "another"\\n')
>>> clone_root(clone / "docs" / "sub") is None
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import VdosbenchError

__all__ = [
    "PROJECT_NAME",
    "REFERENCE_DATA_DIRNAME",
    "REFERENCE_DATA_ENV",
    "ReferencePlace",
    "clone_root",
    "reference_data_folders",
    "reference_places",
]

#: Folder of the repository (next to ``datasets/``, outside the wheel) holding the scoring forms.
REFERENCE_DATA_DIRNAME = "reference-data"
#: Environment variable naming a folder that holds the scoring forms (e.g. of a clone elsewhere).
REFERENCE_DATA_ENV = "VDOSBENCH_REFERENCE_DATA"
#: The ``[project] name`` in a clone's ``pyproject.toml``.
PROJECT_NAME = "vdosbench"
#: The folder above the package's ``datasets/``: a clone for an editable install, ``site-packages/vdosbench``'s
#: parent folder for a wheel (module-level, so that a test can stand in a pip install).
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
#: A ``pyproject.toml`` larger than this is not a clone's (it is not read whole).
_MAX_PYPROJECT_BYTES = 1 << 20

#: The fixes a message names when no place holds a copy.
FIXES = (
    f"run the command inside a clone of {PROJECT_NAME} (cd into it); or set {REFERENCE_DATA_ENV}="
    f"/path/to/clone/{REFERENCE_DATA_DIRNAME}; or install from the clone with pip install -e ."
)


class ReferenceDataError(VdosbenchError, ValueError):
    """``$VDOSBENCH_REFERENCE_DATA`` is set but names no folder."""


@dataclass(frozen=True)
class ReferencePlace:
    """One place that may hold the reference data.

    Attributes
    ----------
    label
        What the place is (``$VDOSBENCH_REFERENCE_DATA``, the repository the command runs in, ...).
    folder
        Its :data:`REFERENCE_DATA_DIRNAME` folder, or ``None`` when the place has none.
    found
        What was found there, in words (for a message that names the places looked).
    """

    label: str
    folder: Path | None
    found: str

    def describe(self, file: str | None = None) -> str:
        """``label: found`` (with ``file``: whether the folder holds it)."""
        if self.folder is None or file is None:
            return f"{self.label}: {self.found}"
        held = "present" if (self.folder / file).exists() else "not there"
        return f"{self.label}: {self.folder / file} {held}"


def _names_this_project(pyproject: Path) -> bool:
    """``pyproject`` is a small TOML file whose ``[project] name`` is :data:`PROJECT_NAME`."""
    import tomllib

    try:
        with open(pyproject, "rb") as fh:
            raw = fh.read(_MAX_PYPROJECT_BYTES + 1)
        if len(raw) > _MAX_PYPROJECT_BYTES:
            return False
        project = tomllib.loads(raw.decode("utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return False
    return isinstance(project, dict) and project.get("name") == PROJECT_NAME


def clone_root(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The clone of vdosbench at or above ``start`` (default: the current folder), or ``None``.

    A clone is a folder holding :data:`REFERENCE_DATA_DIRNAME` and a ``pyproject.toml`` naming
    :data:`PROJECT_NAME` (module docstring).
    """
    try:
        here = Path(start if start is not None else Path.cwd()).resolve()
    except OSError:  # the current folder was removed
        return None
    for folder in (here, *here.parents):
        if (folder / REFERENCE_DATA_DIRNAME).is_dir() and _names_this_project(folder / "pyproject.toml"):
            return folder
    return None


def reference_places() -> list[ReferencePlace]:
    """Every place looked in, in order, with what was found (module docstring).

    Raises
    ------
    ReferenceDataError
        ``$VDOSBENCH_REFERENCE_DATA`` is set and names no folder.
    """
    places = []
    env = os.environ.get(REFERENCE_DATA_ENV)
    if env:
        folder = Path(env).expanduser()
        if not folder.is_dir():
            raise ReferenceDataError(
                f"{REFERENCE_DATA_ENV}={env} is not a folder; expected the {REFERENCE_DATA_DIRNAME}/ folder of a "
                f"{PROJECT_NAME} clone. Fix: point it there, or unset it"
            )
        places.append(ReferencePlace(f"${REFERENCE_DATA_ENV}", folder, f"the folder {folder}"))
    else:
        places.append(ReferencePlace(f"${REFERENCE_DATA_ENV}", None, "not set"))
    try:
        cwd: Path | str = Path.cwd()
    except OSError:
        cwd = "the current folder (removed)"
    root = clone_root()
    places.append(
        ReferencePlace(
            "the repository the command runs in",
            None if root is None else root / REFERENCE_DATA_DIRNAME,
            f"the clone {root}"
            if root is not None
            else f"no {PROJECT_NAME} clone (a folder with {REFERENCE_DATA_DIRNAME}/ and {PROJECT_NAME}'s pyproject.toml) "
            f"at or above {cwd}",
        )
    )
    source = PACKAGE_ROOT / REFERENCE_DATA_DIRNAME
    places.append(
        ReferencePlace(
            "the package's source folder",
            source if source.is_dir() else None,
            f"the clone {PACKAGE_ROOT} (an editable install)"
            if source.is_dir()
            else f"no {REFERENCE_DATA_DIRNAME}/ beside the installed package in {PACKAGE_ROOT} (a non-editable install)",
        )
    )
    return places


def reference_data_folders() -> list[Path]:
    """The folders of :func:`reference_places` that exist, in order, each once."""
    folders: dict[Path, Path] = {}
    for place in reference_places():
        if place.folder is not None and place.folder.is_dir():
            folders.setdefault(place.folder.resolve(), place.folder)
    return list(folders.values())
