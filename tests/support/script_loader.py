"""The scripts of ``studies/`` and ``speed/`` loaded as modules for their tests.

A study that builds on another study imports it as ``studies.<name>`` and runs as ``python -m studies.<name>``
from the clone's root (``studies/README.md``); the root is on ``sys.path`` under ``python -m pytest`` from the
root, and is added here for any other way of starting pytest.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
if not any(Path(p or ".").resolve() == ROOT for p in sys.path):
    sys.path.append(str(ROOT))


def load_script(relative: str, name: str, *, register: bool = False) -> ModuleType:
    """Execute ``ROOT / relative`` as a fresh module called ``name``.

    With ``register`` the module is put in ``sys.modules`` under ``name`` before it runs: a script whose
    dataclasses look their module up there needs it (the caller removes it when it must not stay).
    """
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    if register:
        sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
