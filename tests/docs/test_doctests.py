"""Run the Examples sections of every module's docstrings (numpydoc examples must run)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import vdosbench

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(vdosbench.__path__ + [], prefix="vdosbench.")
    if not m.name.endswith("__main__")
)
SUBPACKAGES = ["vdosbench.datasets", "vdosbench.generators", "vdosbench.validators", "vdosbench.benchmark"]


def _all_modules() -> list[str]:
    names = set(MODULES)
    for pkg in SUBPACKAGES:
        module = importlib.import_module(pkg)
        names.add(pkg)
        names.update(m.name for m in pkgutil.walk_packages(module.__path__, prefix=pkg + "."))
    return sorted(names)


@pytest.mark.parametrize("name", _all_modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
