"""``vdosbench score`` of a netCDF file imports no generator (issue 66 item 4 and the suite's time): importing
anything under :mod:`vdosbench.generators` imports every model and numba (≈ 0.4 CPU s of every score run, and
many tests run ``score`` in a process of their own).  The folder lock lives in :mod:`vdosbench.datasets.folder_lock`
and the adapters that diagonalise (``lammps-dynmat``, ``ase``) import the eigen-solvers where they read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vdosbench.datasets import mock_spectrum, write

#: One claim that applies to the mock (a declared soft-sphere glass): the score reads, measures, gates and writes
#: the report, with 50 bootstraps instead of the registered claims' thousands.
ONE_CLAIM = """
[[claim]]
id = "mock.s4"
source = { file = "none", where = "mock" }
statement = "mock spectra follow g ~ w^4"
applies_to = { generator = "soft_spheres" }
measure = { validator = "power_law_exponent", quantity = "mle", window = [0.0, 1.0], n_bootstrap = 50, seed = 0 }
expect = { kind = "equal", value = 4.0, tolerance = 1.0, basis = "the mock's exponent" }
"""

# the whole command in a fresh interpreter (only there is sys.modules the command's own); it prints what it imported
CODE = """
import sys
from vdosbench.cli import main
status = main(["score", sys.argv[1], "--claims", sys.argv[2], "--output", sys.argv[3]])
print(status, sorted(m for m in sys.modules if m == "numba" or m.startswith("vdosbench.generators")))
"""


def test_a_score_of_a_netcdf_file_imports_no_generator_nor_numba(tmp_path: Path) -> None:
    ds = mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3)
    data = write(
        ds.assign_attrs(generator="soft_spheres", generator_version="1", root_seed=0, vdosbench_version="0"),
        tmp_path / "glass.nc",
    )
    claims = tmp_path / "claims.toml"
    claims.write_text(ONE_CLAIM)
    argv = [sys.executable, "-c", CODE, str(data), str(claims), str(tmp_path / "report")]
    run = subprocess.run(argv, capture_output=True, text=True, check=True)
    status, imported = run.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "0" and (tmp_path / "report" / "report.md").is_file(), run.stdout + run.stderr  # scored
    assert imported == "[]", f"score imported {imported[:200]}...; import the generators where they are needed"
