"""Regression tests of the command-line faults of the 2026-11-27 probe (issue 53, item 9).

Each test is built from the fault's reproduction in ``shared/probes/faults-2026-11-27.md`` and
checks the fixed behaviour: exit status 2 with what was expected, what was found and the fix
(never "this is a bug"), or the documented exit status 143 after SIGTERM.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vdosbench.benchmark.cli import main
from vdosbench.benchmark.claims import ClaimsFileError, load_claims
from vdosbench.datasets.catalog import CatalogError, load_catalog
from vdosbench.datasets.toml_files import MAX_TOML_DEPTH, read_toml


def _npz(path: Path) -> Path:
    rng = np.random.default_rng(0)
    np.savez(path, eigenvalues=np.sort(rng.uniform(0.1, 4, (3, 60)), axis=1), spatial_dimension=3)
    return path


def _assert_bad_input(err: str, *needles: str) -> None:
    assert "bug in vdosbench" not in err and "RecursionError" not in err, err
    assert "expected" in err and "Fix:" in err, err
    for needle in needles:
        assert needle in err, err


# F3: deeply nested TOML --------------------------------------------------------------------------------


@pytest.mark.parametrize("nesting", ["[" * 600 + "]" * 600, "{a = " * 5000 + "1" + "}" * 5000, "[" * 40 + "]" * 40],
                         ids=["arrays-600", "inline-tables-5000", "arrays-40"])
def test_deep_sidecar_exits_2_not_a_bug(tmp_path: Path, nesting: str, capsys: pytest.CaptureFixture[str]) -> None:
    """F3: ``x = [[[...]]]`` 600 deep in ``g.vdos.toml`` was a RecursionError reported as a bug."""
    data = _npz(tmp_path / "g.npz")
    (tmp_path / "g.vdos.toml").write_text(f'model = "glass"\nx = {nesting}\n')
    assert main(["score", str(data), "--output", str(tmp_path / "r3")]) == 2
    _assert_bad_input(capsys.readouterr().err, "g.vdos.toml: nested too deeply", f"at most {MAX_TOML_DEPTH}")
    assert not (tmp_path / "r3" / "report.md").exists()


def test_deep_or_huge_claims_and_catalogue_are_refused(tmp_path: Path) -> None:
    """F3 on the other TOML readers: ``--claims FILE`` and a catalogue file; and the size limit."""
    deep = tmp_path / "claims.toml"
    deep.write_text('[[claim]]\nid = "x"\ny = ' + "[" * 700 + "]" * 700 + "\n")
    with pytest.raises(ClaimsFileError, match=r"nested too deeply"):
        load_claims(deep)
    catalogue = tmp_path / "catalog.toml"
    catalogue.write_text("[datasets.x]\ny = " + "{a = " * 900 + "1" + "}" * 900 + "\n")
    with pytest.raises(CatalogError, match=r"nested too deeply"):
        load_catalog(catalogue)
    big = tmp_path / "big.toml"
    big.write_text("a = 1\n" + "# padding\n" * 200)
    with pytest.raises(ValueError, match=r"big.toml: 2006 bytes; expected a TOML file of at most 1000 bytes"):
        read_toml(big, ValueError, fix="-", max_bytes=1000)
    assert read_toml(big, ValueError, fix="-", max_bytes=2006) == {"a": 1}  # the limit itself is accepted


# F13, F14: adapter options that turn a check off or leave nothing to measure ------------------------------


def test_symmetry_tolerance_nan_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """F13: ``--set symmetry_tolerance=nan`` scored a non-symmetric matrix (``asym > nan`` is False)."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((60, 60))
    b = rng.standard_normal((60, 60))
    dynmat = tmp_path / "ns.dynmat"
    np.savetxt(dynmat, (a @ a.T / 60 + np.eye(60) + 0.3 * (b - b.T)).reshape(-1, 3), fmt="%.8f")
    for value in ("nan", "-1", "inf"):
        assert main(["score", str(dynmat), "--declare", "model=glass", "--set", f"symmetry_tolerance={value}",
                     "--output", str(tmp_path / "r13")]) == 2
        _assert_bad_input(capsys.readouterr().err, f"symmetry_tolerance is {value}", "finite number in [0, 1)")
    assert main(["score", str(dynmat), "--declare", "model=glass", "--output", str(tmp_path / "r13")]) == 2
    assert "the matrix is not symmetric" in capsys.readouterr().err  # the check is on by default


def test_zero_modes_equal_to_the_mode_count_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """F14: ``--set zero_modes=50`` on 50 modes flagged every mode a zero mode and exited 0."""
    text = tmp_path / "t.txt"
    np.savetxt(text, np.random.default_rng(0).uniform(0.1, 4, (3, 50)), header="spatial_dimension: 3")
    assert main(["score", str(text), "--declare", "model=glass", "--set", "zero_modes=50",
                 "--output", str(tmp_path / "r14")]) == 2
    _assert_bad_input(capsys.readouterr().err, "zero_modes is 50", "[0, 49] for 50 modes")
    assert main(["score", str(text), "--declare", "model=glass", "--set", "zero_modes=49",
                 "--output", str(tmp_path / "r14")]) in (0, 1, 3)  # the largest allowed count still scores
