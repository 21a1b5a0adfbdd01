"""A claim reads only certified samples (issue 67 item 3): the certified part of an input and the record of what
was left out and why; a third-party file must give its residual force; ``vdosbench score --certified``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark.certified_reading import CertificationError, certified_input, keep_samples
from vdosbench.generators import fcc_crystal
from vdosbench.generators import hessian_matrix
from vdosbench.generators import soft_sphere_potential


def _crystals(drop_in: tuple[int, ...] = (), displace_in: tuple[int, ...] = ()) -> xr.Dataset:
    """Four samples of an fcc crystal with its lowest modes (brute force, dense); a sample in ``drop_in`` lost
    one mode of its first phonon level (a solver that missed it), one in ``displace_in`` is off its minimum."""
    c = fcc_crystal(3)
    rng = np.random.default_rng(0)
    w0 = np.linalg.eigvalsh(hessian_matrix(c, soft_sphere_potential(2)).toarray())
    k = np.flatnonzero(np.diff(w0) > 1e-6 * w0[-1])[1] + 2  # the zeros, the first level, one mode of the next
    lams, positions = [], []
    for s in range(4):
        pos = c.positions + (0.01 * rng.standard_normal(c.positions.shape) if s in displace_in else 0.0)
        conf = type(c)(pos, c.box_length, sizes=c.sizes, species=c.species)
        w = np.linalg.eigvalsh(hessian_matrix(conf, soft_sphere_potential(2)).toarray())
        lam = w[:k]
        lams.append(np.append(np.delete(lam, 4), np.nan) if s in drop_in else lam)
        positions.append(pos)
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), np.array(lams)),
            "position": (("sample", "site", "spatial"), np.array(positions)),
            "box_length": ("sample", np.full(4, c.box_length)),
            "diameter": (("sample", "site"), np.ones((4, c.n_particles))),
        },
        coords={"sample": np.arange(4)},
        attrs={"potential": "soft_sphere", "taper_order": 2},
    )


def test_only_certified_samples_are_kept_and_the_record_says_why() -> None:
    kept, record = certified_input(_crystals(drop_in=(1,), displace_in=(3,)), "crystals")
    assert record.certifiable and record.samples == 4 and record.kept == 2
    assert kept["sample"].values.tolist() == [0, 2]
    assert record.left_out["missed_modes"] == 1 and record.left_out["residual_force"] == 1
    note = record.note()
    assert "2 of 4 read, 2 left out" in note and "missed modes 1" in note and "residual force 1" in note
    assert "not declared, measured" in note


def test_a_clean_input_is_returned_unchanged() -> None:
    ds = _crystals()
    kept, record = certified_input(ds, "crystals")
    assert kept is ds and record.kept == 4 and not any(record.left_out.values())


def test_files_without_configurations() -> None:
    from vdosbench.datasets import mock_spectrum

    ours = mock_spectrum()
    kept, record = certified_input(ours, "ours")
    assert kept is ours and not record.certifiable and "no configurations stored" in record.why
    assert "not certified" in record.note() and "not declared" in record.note()
    third = ours.assign_attrs(adapter_format="npz")
    with pytest.raises(CertificationError, match="declare it.*max_residual_force=1e-10"):
        certified_input(third, "theirs")
    _, record = certified_input(third.assign_attrs(max_residual_force=1e-11), "theirs")
    assert record.residual_force_declared == 1e-11 and "declared 1e-11" in record.note()


def test_ragged_pairs_follow_the_kept_samples() -> None:
    from vdosbench.datasets import mock_spectrum

    ds = mock_spectrum(n_sample=4, n_site=5, pairs_per_sample=3)
    ds["pair_i"] = ("pair", np.repeat(np.arange(4), 3))  # the sample each pair belongs to, to check the cut
    cut = keep_samples(ds, np.array([False, True, False, True]))
    assert [p.tolist() for (p,) in cut.vdos.sample_pairs("pair_i")] == [[1, 1, 1], [3, 3, 3]]


def test_score_certified_notes_what_it_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from vdosbench.cli import main
    from vdosbench.datasets import mock_spectrum, write

    path = write(mock_spectrum(n_sample=4, n_mode=40, seed=1), tmp_path / "mock.nc")
    main(["score", str(path), "--certified", "--output", str(tmp_path / "r")])
    printed = capsys.readouterr().out
    assert "note: mock: not certified" in printed
    notes = json.loads((tmp_path / "r" / "result.json").read_text())["inputs"][0]["notes"]
    assert any("not certified" in n for n in notes)
    assert "not certified" in (tmp_path / "r" / "report.md").read_text()


def test_a_third_party_file_is_refused_without_its_residual_force_and_read_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vdosbench.cli import main
    from vdosbench.datasets import mock_spectrum

    path = tmp_path / "theirs.npz"
    np.savez(path, eigenvalues=mock_spectrum(n_sample=4, n_mode=40, seed=1)["eigenvalue"].values, spatial_dimension=2)
    assert main(["score", str(path), "--certified", "--output", str(tmp_path / "r")]) == 2
    assert "declare it (--declare max_residual_force=1e-10" in capsys.readouterr().err
    main(
        [
            "score",
            str(path),
            "--certified",
            "--declare",
            "model=glass",
            "--declare",
            "max_residual_force=1e-10",
            "--output",
            str(tmp_path / "r2"),
        ]
    )
    assert "largest residual force declared 1e-10, none measured" in capsys.readouterr().out
