"""Importing :mod:`vdosbench.generators` (the command and every ``generate`` worker does it once) leaves out the
modules a sample does not need: scipy.stats (≈ 0.6 CPU-s of the import, issue 65 item 1's fixed cost per worker)
is imported where the energy drift and the coupled mock use it, not at import."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_generators_does_not_import_scipy_stats() -> None:
    code = "import sys, vdosbench.generators; print(sorted(m for m in sys.modules if m.startswith('scipy.stats')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", f"importing vdosbench.generators imported {out}; import scipy.stats inside the function"
