"""Import the subpackages from a clone's root, installed or not.

The subpackages live in top-level folders of the repository (``datasets/`` is
:mod:`vdosbench.datasets`, mapped in ``pyproject.toml``
``[tool.setuptools.package-dir]``), not under ``vdosbench/``.  With the working
directory at a clone's root, ``python`` puts the root first on ``sys.path``, so
the clone's ``vdosbench/`` folder is imported even when a wheel is installed,
and ``vdosbench.datasets`` would not be found next to it.  When
:mod:`vdosbench` is the clone's copy, :func:`install` adds a finder that
resolves the mapped names to the clone's folders, as setuptools' editable
install does; the installed wheel's copy has no ``pyproject.toml`` beside it
and installs nothing.  So ``import vdosbench.validators`` from the root imports
the clone's sources after ``pip install .``, after ``pip install -e .`` and
without any install.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from importlib.util import spec_from_file_location
from pathlib import Path
from types import ModuleType

__all__ = ["SourceTreeFinder", "clone_package_dirs", "install"]


def clone_package_dirs(package_dir: Path) -> dict[str, Path]:
    """The clone's mapping of dotted package names to folders, if ``package_dir`` is in a clone.

    Parameters
    ----------
    package_dir : pathlib.Path
        The folder of the :mod:`vdosbench` package being imported.

    Returns
    -------
    dict of str to pathlib.Path
        ``[tool.setuptools.package-dir]`` of the ``pyproject.toml`` beside
        ``package_dir``, with the folders made absolute; empty when there is no
        such file or it is not vdosbench's (an installed copy).

    Examples
    --------
    >>> import tempfile
    >>> clone_package_dirs(Path(tempfile.mkdtemp()) / "vdosbench")
    {}
    """
    pyproject = package_dir.parent / "pyproject.toml"
    try:
        config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    if config.get("project", {}).get("name") != "vdosbench":
        return {}
    mapping = config.get("tool", {}).get("setuptools", {}).get("package-dir", {})
    return {name: package_dir.parent / folder for name, folder in mapping.items()}


@dataclass(frozen=True)
class SourceTreeFinder:
    """A meta-path finder for the clone's subpackages (``importlib.abc.MetaPathFinder``).

    Parameters
    ----------
    folders : Mapping of str to pathlib.Path
        Dotted package name -> the folder holding its ``__init__.py``.
    """

    folders: Mapping[str, Path]

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """The spec of ``fullname`` from its mapped folder, or None for a name not mapped here.

        Parameters
        ----------
        fullname : str
            The dotted module name being imported.
        path, target
            Unused (the ``find_spec`` protocol).

        Returns
        -------
        importlib.machinery.ModuleSpec or None
            A package spec when ``fullname`` is mapped and its ``__init__.py`` exists.
        """
        folder = self.folders.get(fullname)
        if folder is None or not (folder / "__init__.py").is_file():
            return None
        return spec_from_file_location(fullname, folder / "__init__.py", submodule_search_locations=[str(folder)])


def install(package_dir: Path) -> bool:
    """Add a :class:`SourceTreeFinder` to ``sys.meta_path`` when ``package_dir`` is a clone's.

    Parameters
    ----------
    package_dir : pathlib.Path
        As in :func:`clone_package_dirs`.

    Returns
    -------
    bool
        True when a finder was added (a clone, and none added before).
    """
    folders = {name: folder for name, folder in clone_package_dirs(package_dir).items() if name != "vdosbench"}
    if not folders or any(isinstance(f, SourceTreeFinder) for f in sys.meta_path):
        return False
    # appended: an editable install's finder, placed before it, maps the same names to the same folders
    sys.meta_path.append(SourceTreeFinder(folders))
    return True
