"""vdosbench's tapered Kob–Andersen potential as a LAMMPS ``pair_style table`` (issue 27 item 2): the table file,
and (with LAMMPS) energies and forces of a hot liquid against a brute-force sum of vdosbench's potential over
every pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vdosbench.benchmark.lammps_runtime import (
    KOB_ANDERSEN_PAIRS,
    TABLE_KEYWORDS,
    kob_andersen_table,
    random_kob_andersen_commands,
    tapered_kob_andersen_commands,
)
from vdosbench.generators import INFINITE_ORDER, kob_andersen_potential


def _sections(text: str) -> dict[str, tuple[str, np.ndarray]]:
    """{keyword: (its N/R/FPRIME line, rows of index, r, energy, force)} of a table file."""
    out, lines, k = {}, text.splitlines(), 0
    while k < len(lines):
        if lines[k] in TABLE_KEYWORDS.values():
            n = int(lines[k + 1].split()[1])
            rows = np.array([[float(v) for v in line.split()] for line in lines[k + 3 : k + 3 + n]])
            out[lines[k]] = (lines[k + 1], rows)
            k += 3 + n
        else:
            k += 1
    return out


@pytest.mark.parametrize("taper", [2, INFINITE_ORDER, 1])
def test_table_holds_the_potential_and_its_force(taper: int):
    sections = _sections(kob_andersen_table(taper, n_points=400))
    assert sorted(sections) == ["AA", "AB", "BB"]
    potential = kob_andersen_potential(taper_order=taper)
    for (a, b), keyword in TABLE_KEYWORDS.items():
        header, rows = sections[keyword]
        sigma = KOB_ANDERSEN_PAIRS[(a, b)][1]
        assert rows.shape == (400, 4) and rows[:, 0].tolist() == list(range(1, 401))
        assert rows[0, 1] == pytest.approx(0.5 * sigma) and rows[-1, 1] == pytest.approx(2.5 * sigma)
        words = header.split()
        assert words[:3] == ["N", "400", "R"] and words[5] == "FPRIME"
        assert [float(w) for w in words[3:5]] == pytest.approx([0.5 * sigma, 2.5 * sigma], rel=1e-15)
        phi, dphi, _ = potential.evaluate(rows[:, 1], species_i=a - 1, species_j=b - 1)
        np.testing.assert_allclose(rows[:, 2], phi, rtol=1e-15, atol=1e-300)
        np.testing.assert_allclose(rows[:, 3], -dphi, rtol=1e-15, atol=1e-300)
        # the force column is −dφ/dr: central differences of the energy column agree
        h = rows[1, 1] - rows[0, 1]
        inner = slice(200, 399)
        np.testing.assert_allclose((rows[2:, 2] - rows[:-2, 2])[199:] / (2 * h), -rows[inner, 3], rtol=2e-3, atol=1e-4)
        assert rows[-1, 2] == 0.0 and rows[-1, 3] == 0.0  # tapered: φ and φ′ vanish at r_c


def test_table_refuses_bad_arguments():
    with pytest.raises(ValueError, match="n_points >= 2"):
        kob_andersen_table(2, n_points=1)
    with pytest.raises(ValueError, match="0 < inner < 2.5"):
        kob_andersen_table(2, inner=3.0)
    with pytest.raises(ValueError, match="lj/cut"):  # the force jump of m = 0: LAMMPS's own pair style instead
        kob_andersen_table(0)


def test_commands_name_each_pair_section_and_cutoff():
    lines = tapered_kob_andersen_commands("t.table", n_table=500).splitlines()
    assert lines[0] == "pair_style table spline 500"
    assert lines[1:4] == [
        "pair_coeff 1 1 t.table AA 2.5",
        "pair_coeff 1 2 t.table AB 2",
        "pair_coeff 2 2 t.table BB 2.2",
    ]


def _lammps():
    from vdosbench.benchmark.lammps_runtime import LammpsUnavailable, start_lammps

    try:
        return start_lammps()
    except LammpsUnavailable as e:
        pytest.skip(str(e))


def _hot_liquid(lmp, potential: str) -> None:
    """250 Kob–Andersen particles at density 1.2 (box 5.9 > 2 r_c), 200 MD steps at T = 1: far from a minimum."""
    lmp.commands_string(
        random_kob_andersen_commands(200, 50, 1.2, 11, potential)
        + """
        velocity all create 1.0 5 mom yes dist gaussian
        fix nve all nve
        timestep 0.002
        run 200
        """
    )


def _brute_force(lmp, taper: int) -> tuple[float, np.ndarray]:
    """Energy and forces of the LAMMPS instance's configuration by vdosbench's potential over every pair."""
    n = lmp.get_natoms()
    order = np.argsort(np.asarray(lmp.numpy.extract_atom("id"))[:n])
    x = np.asarray(lmp.numpy.extract_atom("x"))[:n][order]
    types = np.asarray(lmp.numpy.extract_atom("type"))[:n][order]
    lo, hi = lmp.extract_box()[:2]
    box = hi[0] - lo[0]
    i, j = np.triu_indices(n, 1)
    d = x[i] - x[j]
    d -= box * np.round(d / box)
    r = np.linalg.norm(d, axis=1)
    phi, dphi, _ = kob_andersen_potential(taper_order=taper).evaluate(r, species_i=types[i] - 1, species_j=types[j] - 1)
    pair_force = (-dphi / r)[:, None] * d
    forces = np.zeros_like(x)
    np.add.at(forces, i, pair_force)
    np.add.at(forces, j, -pair_force)
    return float(phi.sum()), forces


def _lammps_energy_forces(lmp) -> tuple[float, np.ndarray]:
    n = lmp.get_natoms()
    order = np.argsort(np.asarray(lmp.numpy.extract_atom("id"))[:n])
    lmp.command("run 0")
    return lmp.get_thermo("pe") * n, np.array(np.asarray(lmp.numpy.extract_atom("f"))[:n][order])


@pytest.mark.lammps
@pytest.mark.parametrize("taper", [2, INFINITE_ORDER])
def test_lammps_table_gives_vdosbench_energy_and_forces(tmp_path: Path, taper: int):
    table = tmp_path / "ka.table"
    table.write_text(kob_andersen_table(taper))
    lmp = _lammps()
    try:
        _hot_liquid(lmp, tapered_kob_andersen_commands(table))
        energy, forces = _lammps_energy_forces(lmp)
        ref_energy, ref_forces = _brute_force(lmp, taper)
    finally:
        lmp.close()
    assert energy == pytest.approx(ref_energy, rel=1e-10)
    scale = np.abs(ref_forces).max()
    assert scale > 1.0  # a hot liquid: forces of order one, so the comparison means something
    np.testing.assert_allclose(forces, ref_forces, atol=1e-8 * scale)
