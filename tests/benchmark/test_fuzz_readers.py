"""Untrusted input, fuzzed (issue 27, item 6): every reader of third-party files against hostile input.

The property held for every reader: it returns a dataset that passes :func:`vdosbench.datasets.check`, or it
raises one of the errors that the command line turns into exit status 2 with a message (:data:`EXPLAINED`),
never another exception (a traceback, which the CLI reports as "a bug in vdosbench"); a file whose headers
claim a huge size is refused before it is allocated (peak traced memory below :data:`MEMORY_BOUND`); and a
failed ``vdosbench score`` leaves no report under its final name.

Inputs: arrays of every dtype and shape (NaN, inf, strings, complex, empty) saved as ``.npz``; valid files
(npz, netCDF, LAMMPS dynmat / data / dump) with bytes flipped, lines replaced by hostile ones and tails cut;
plain text of numbers and junk tokens; sidecar TOML of any keys and value types; ``--declare`` items of any
text.  Every test is derandomised (``derandomize=True``, no example database), so CI runs the same cases each
time; ``max_examples`` is set per test (:data:`EXAMPLES`), a few seconds each.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from vdosbench.benchmark.adapters import AdapterError, read, read_lammps_data, read_lammps_dump
from vdosbench.benchmark.adapters.npz import NPZ_KEYS
from vdosbench.cli import main
from vdosbench.benchmark.declaration import DECLARABLE, DeclarationError, declaration_for
from vdosbench.datasets import ConventionError, MemoryBoundError, VDOSReadError, check

#: The errors that carry a message for the user (the CLI prints it and exits 2); anything else is a bug.
EXPLAINED = (AdapterError, DeclarationError, ConventionError, VDOSReadError, MemoryBoundError)
#: Examples per test: enough to reach every branch the strategies open, a few seconds each on one core.
EXAMPLES = 60
#: Peak Python-traced memory allowed while refusing a file that claims a huge size.
MEMORY_BOUND = 64 * 2**20

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_read_or_explained(reader: Callable[[], xr.Dataset | Any]) -> str:
    """Run ``reader``: ``"dataset"`` (then it passes ``check``), ``"refused"`` with an explained error; any other
    exception, a bare message or a dataset that breaks the convention fails the calling test."""
    try:
        result = reader()
    except EXPLAINED as e:
        message = str(e)
        assert len(message) > 20, f"{type(e).__name__} with a bare message {message!r}"
        return "refused"
    if isinstance(result, xr.Dataset):
        check(result)  # a dataset handed on must follow the convention
    return "dataset"


def _valid_npz_bytes() -> bytes:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        eigenvalues=np.array([[0.0, 0.0, 0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 1.5, 2.5, 3.5]]),
        spatial_dimension=3,
    )
    return buffer.getvalue()


def _mutated(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    """``data`` with bytes replaced at ``flips`` (position mod length, new byte) and cut to ``cut`` bytes."""
    out = bytearray(data)
    for where, byte in flips:
        out[where % len(out)] = byte
    return bytes(out[: max(0, min(cut, len(out)))])


MUTATIONS = st.tuples(
    st.integers(0, 4096),
    st.lists(st.tuples(st.integers(0, 2**20), st.integers(0, 255)), max_size=6),
)

# ------------------------------------------------------------------ npz


ARRAYS = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.bool_, np.complex128, np.dtype("<U3")]),
    shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
)


@FUZZ
@given(
    arrays=st.dictionaries(st.sampled_from((*NPZ_KEYS, "junk")), ARRAYS, max_size=5),
    dimension=st.one_of(st.none(), st.integers(-1, 4)),
)
def test_npz_of_arbitrary_arrays_is_read_or_explained(tmp_path: Path, arrays: dict, dimension: int | None) -> None:
    path = tmp_path / "fuzz.npz"
    np.savez(path, **arrays)
    options = {} if dimension is None else {"spatial_dimension": dimension}
    assert_read_or_explained(lambda: read(path, format="npz", **options))


@FUZZ
@given(mutation=MUTATIONS)
def test_damaged_npz_is_read_or_explained(tmp_path: Path, mutation: tuple) -> None:
    path = tmp_path / "damaged.npz"
    path.write_bytes(_mutated(_valid_npz_bytes(), *mutation))
    assert_read_or_explained(lambda: read(path, format="npz"))


def _npy_header(shape: tuple[int, ...]) -> bytes:
    """A version-1.0 ``.npy`` header for float64 ``shape`` followed by 16 bytes of data (a lie)."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return header.getvalue() + bytes(16)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@example(n_sample=9, n_mode=10**6, bare=False)  # found by the fuzzing: 72 MB allocated for a 200-byte file
@given(n_sample=st.integers(1, 10**6), n_mode=st.integers(10**3, 10**13), bare=st.booleans())
def test_header_claiming_huge_arrays_is_refused_without_allocating(
    tmp_path: Path, n_sample: int, n_mode: int, bare: bool
) -> None:
    """A few hundred bytes claiming n_sample x n_mode float64 (up to 10^19 values): refused within the bound."""
    path = tmp_path / ("huge.npy" if bare else "huge.npz")
    if bare:
        path.write_bytes(_npy_header((n_sample, n_mode)))
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("eigenvalues.npy", _npy_header((n_sample, n_mode)))
    tracemalloc.start()
    try:
        outcome = assert_read_or_explained(lambda: read(path, format="npz", spatial_dimension=3))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome == "refused"
    assert peak < MEMORY_BOUND, f"peak {peak} bytes while refusing a {n_sample} x {n_mode} header"


# ------------------------------------------------------------------ plain text

TOKENS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        [
            "nan",
            "-inf",
            "1e999",
            "-0",
            "0x10",
            "1,5",
            "#",
            "# spatial_dimension: 3",
            "# spatial_dimension: 7",
            "# values: frequency",
            "# samples: columns",
            "\x00",
            "é",
            "",
        ]
    ),
    st.text(max_size=6),
)


@FUZZ
@given(
    lines=st.lists(st.lists(TOKENS, max_size=8).map(" ".join), max_size=12),
    options=st.fixed_dictionaries(
        {},
        optional={
            "spatial_dimension": st.integers(-1, 4),
            "values": st.sampled_from(["eigenvalue", "frequency", "x"]),
            "samples": st.sampled_from(["rows", "columns", "diagonal"]),
            "zero_modes": st.integers(-2, 8),
        },
    ),
)
def test_text_of_numbers_and_junk_is_read_or_explained(tmp_path: Path, lines: list[str], options: dict) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    assert_read_or_explained(lambda: read(path, format="text", **options))


@FUZZ
@given(data=st.binary(max_size=256))
def test_binary_junk_as_text_is_explained(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(data)
    assert_read_or_explained(lambda: read(path, format="text", spatial_dimension=3))


# ------------------------------------------------------------------ netCDF


@pytest.fixture(scope="module")
def valid_netcdf_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from vdosbench.datasets import mock_spectrum, write

    path = tmp_path_factory.mktemp("nc") / "valid.nc"
    write(mock_spectrum(n_sample=2, n_mode=12, exponent=4.0, seed=1), path)
    return path.read_bytes()


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(n_sample=st.integers(1, 10**4), n_mode=st.integers(10**7, 10**12), zlib=st.booleans(), index=st.booleans())
def test_netcdf_header_claiming_huge_arrays_is_refused_without_allocating(
    tmp_path: Path, n_sample: int, n_mode: int, zlib: bool, index: bool
) -> None:
    """A few kB of netCDF header declaring n_sample x n_mode float64 (unwritten): refused from the header alone,
    by the memory bound or because the file cannot hold what it declares (issue 53, item 6)."""
    import netCDF4

    path = tmp_path / "huge.nc"
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("sample", n_sample)
        nc.createDimension("mode", n_mode)
        nc.createVariable("eigenvalue", "f8", ("sample", "mode"), zlib=zlib, chunksizes=(1, 1 << 16))
        if index:
            nc.createVariable("mode", "i8", ("mode",), zlib=zlib, chunksizes=(1 << 16,))
    tracemalloc.start()
    try:
        outcome = assert_read_or_explained(lambda: read(path, format="netcdf"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome == "refused"
    assert peak < MEMORY_BOUND, f"peak {peak} bytes while refusing a {n_sample} x {n_mode} netCDF header"


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutation=MUTATIONS)
def test_damaged_netcdf_is_read_or_explained(tmp_path: Path, valid_netcdf_bytes: bytes, mutation: tuple) -> None:
    cut, flips = mutation
    path = tmp_path / "damaged.nc"
    path.write_bytes(_mutated(valid_netcdf_bytes, cut * 8, flips))  # cuts reach past the HDF5 superblock
    assert_read_or_explained(lambda: read(path, format="netcdf"))


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    values=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6)),
    dims=st.lists(st.sampled_from(["sample", "mode", "site", "x"]), min_size=3, max_size=3, unique=True),
    attrs=st.dictionaries(
        st.sampled_from(["Conventions", "spatial_dimension", "units", "title"]),
        st.one_of(st.text(max_size=5), st.integers(-3, 5)),
        max_size=3,
    ),
)
def test_netcdf_with_arbitrary_eigenvalues_is_read_or_explained(
    tmp_path: Path, values: np.ndarray, dims: list[str], attrs: dict
) -> None:
    path = tmp_path / "any.nc"
    xr.Dataset({"eigenvalue": (tuple(dims[: values.ndim]), values)}, attrs=attrs).to_netcdf(path)
    assert_read_or_explained(lambda: read(path, format="netcdf"))


# ------------------------------------------------------------------ LAMMPS

DATA_FILE = (
    "LAMMPS data file\n\n4 atoms\n1 atom types\n\n0 2 xlo xhi\n0 2 ylo yhi\n0 2 zlo zhi\n\nMasses\n\n1 1.0\n\n"
    "Atoms # atomic\n\n1 1 0.5 0.5 0.5\n2 1 1.5 0.5 0.5\n3 1 0.5 1.5 0.5\n4 1 0.5 0.5 1.5\n"
)
DUMP_FILE = (
    "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n4\nITEM: BOX BOUNDS pp pp pp\n0 2\n0 2\n0 2\n"
    "ITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n2 1 1.5 0.5 0.5\n3 1 0.5 1.5 0.5\n4 1 0.5 0.5 1.5\n"
)
HOSTILE_LINES = st.one_of(
    st.sampled_from(
        [
            "1000000000000 atoms",
            "-4 atoms",
            "1.5 atoms",
            "nan atoms",
            "0 nan xlo xhi",
            "2 0 ylo yhi",
            "0 1e999 zlo zhi",
            "1 1 0 xy xz yz",
            "x y xy xz yz",
            "Atoms # full",
            "Atoms # nonsense",
            "Masses",
            "1",
            "1 one",
            "ITEM: NUMBER OF ATOMS",
            "ITEM: NUMBER OF ATOMS\n-3",
            "ITEM: NUMBER OF ATOMS\n1000000000000",
            "ITEM: BOX BOUNDS xy xz yz pp pp pp",
            "ITEM: ATOMS id type xs ys zs",
            "ITEM: ATOMS type x y z",
            "ITEM: ATOMS id x y",
            "ITEM: TIMESTEP",
            "1 1 a b c",
            "1 1 0.5",
            "\x00\xff",
            "",
            "x 1 0.5 0.5 0.5",
            "1 1 nan 0.5 0.5",
            "-3",
            "0",
            "nan 2",
            "1 heavy",
            "0 a 0 xy xz yz",
        ]
    ),
    st.lists(TOKENS, max_size=5).map(" ".join),
)


def _edited(text: str, edits: list[tuple[int, str]], cut: int, junk: bytes = b"") -> bytes:
    """``text`` with lines replaced (index mod line count), cut to ``cut`` characters, ``junk`` bytes appended."""
    lines = text.splitlines()
    for where, line in edits:
        lines[where % len(lines)] = line
    return ("\n".join(lines)[:cut] + "\n").encode("utf-8", errors="surrogateescape") + junk


EDITS = st.tuples(
    st.lists(st.tuples(st.integers(0, 100), HOSTILE_LINES), min_size=1, max_size=4),
    st.integers(0, 400),
    st.one_of(st.just(b""), st.binary(max_size=6)),
)


# the explicit examples are the failures the fuzzing found first (issue 27): each raised a bare ValueError,
# IndexError or UnicodeDecodeError before the readers were fixed
@FUZZ
@example(edits=([(2, "1.5 atoms")], 400, b""))
@example(edits=([(7, "0 a 0 xy xz yz")], 400, b""))
@example(edits=([(11, "1 heavy")], 400, b""))
@example(edits=([(0, "title")], 400, b"\xff\xfe"))
@given(edits=EDITS)
def test_edited_lammps_data_file_is_read_or_explained(tmp_path: Path, edits: tuple) -> None:
    path = tmp_path / "edited.data"
    path.write_bytes(_edited(DATA_FILE, *edits))
    assert_read_or_explained(lambda: read_lammps_data(path))


@FUZZ
@example(edits=([(9, "1 1 a b c")], 400, b""), frame=-1)
@example(edits=([(9, "x 1 0.5 0.5 0.5")], 400, b""), frame=-1)
@example(edits=([(3, "-3")], 400, b""), frame=-1)
@example(edits=([(5, "nan 2")], 400, b""), frame=0)
@example(edits=([(1, "0")], 400, b"\xff\xfe"), frame=-1)
@given(edits=EDITS, frame=st.integers(-3, 2))
def test_edited_lammps_dump_is_read_or_explained(tmp_path: Path, edits: tuple, frame: int) -> None:
    path = tmp_path / "edited.dump"
    path.write_bytes(_edited(DUMP_FILE, *edits))
    assert_read_or_explained(lambda: read_lammps_dump(path, frame=frame))


def _ring_dynmat(n: int = 4) -> np.ndarray:
    """The dynamical matrix of n unit masses on a ring of unit springs, each along x (3n x 3n, PSD)."""
    lap = 2 * np.eye(n) - np.roll(np.eye(n), 1, 0) - np.roll(np.eye(n), -1, 0)
    return np.kron(lap, np.diag([1.0, 0.5, 0.25]))


@FUZZ
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**4), TOKENS), max_size=4),
    cut=st.integers(0, 4000),
    encoding=st.sampled_from(["text", "gzip", "binary"]),
    with_data=st.booleans(),
    data_edits=st.lists(st.tuples(st.integers(0, 100), HOSTILE_LINES), max_size=2),
)
def test_edited_lammps_dynmat_is_read_or_explained(
    tmp_path: Path, edits: list, cut: int, encoding: str, with_data: bool, data_edits: list
) -> None:
    matrix = _ring_dynmat()
    path = tmp_path / "edited.dyn"
    if encoding == "binary":
        raw = bytearray(matrix.astype("<f8").tobytes())
        for where, token in edits:
            raw[where % len(raw)] = len(token) % 256
        path.write_bytes(bytes(raw[: cut * 2]))
    else:
        tokens = [f"{v:.8f}" for v in matrix.ravel()]
        for where, token in edits:
            tokens[where % len(tokens)] = token
        text = "\n".join(" ".join(tokens[k : k + 3]) for k in range(0, len(tokens), 3))[: cut * 4]
        data = text.encode("utf-8", errors="surrogateescape")
        path.write_bytes(gzip.compress(data) if encoding == "gzip" else data)
    options: dict[str, Any] = {"binary": encoding == "binary"}
    if with_data:
        data_file = tmp_path / "edited.data"
        data_file.write_bytes(_edited(DATA_FILE, data_edits, 10**4) if data_edits else DATA_FILE.encode())
        options["data_file"] = data_file
    assert_read_or_explained(lambda: read(path, format="lammps-dynmat", **options))


# ------------------------------------------------------------------ sidecar TOML and --declare

TOML_VALUES = st.one_of(
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(-3, 3), max_size=3),
    st.sampled_from(["soft_spheres", "kob_andersen", "spring_network", "glass", "inf", "0.45", "3"]),
)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string (escapes included)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


@FUZZ
@example(keys={}, tail="", binary=b"\x80")  # found by the fuzzing: a UnicodeDecodeError before the fix
@given(
    keys=st.dictionaries(st.sampled_from((*DECLARABLE, "model_name", "tapering")), TOML_VALUES, max_size=6),
    tail=st.one_of(st.just(""), st.text(max_size=20), st.sampled_from(["[table]\nx = 1", "= 3", "\x00"])),
    binary=st.one_of(st.none(), st.binary(min_size=1, max_size=30)),
)
def test_sidecar_toml_is_accepted_or_explained(tmp_path: Path, keys: dict, tail: str, binary: bytes | None) -> None:
    data = tmp_path / "glass.npz"
    side = tmp_path / "glass.vdos.toml"
    if binary is not None:
        side.write_bytes(binary)
    else:
        body = "".join(f"{k} = {_toml_value(v)}\n" for k, v in keys.items()) + tail
        side.write_text(body, encoding="utf-8", errors="surrogateescape")
    assert_read_or_explained(lambda: declaration_for(data))


@pytest.fixture(scope="module")
def small_npz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two samples of 30 modes of a 10-site, d = 3 system with 3 zero modes: scores fast (few claims apply)."""
    rng = np.random.default_rng(27)
    lam = np.sort(np.concatenate([np.zeros((2, 3)), rng.uniform(0.1, 4.0, (2, 27))], axis=1), axis=1)
    path = tmp_path_factory.mktemp("declare") / "small.npz"
    np.savez(path, eigenvalues=lam, spatial_dimension=3)
    return path


DECLARE_ITEMS = st.one_of(
    st.tuples(st.sampled_from((*DECLARABLE, "colour")), st.one_of(TOML_VALUES.map(str), st.text(max_size=8))).map(
        lambda kv: f"{kv[0]}={kv[1]}"
    ),
    st.text(max_size=12),
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(items=st.lists(DECLARE_ITEMS, min_size=1, max_size=3))
def test_declare_values_score_or_exit_2_without_a_report(
    tmp_path_factory: pytest.TempPathFactory,
    small_npz: Path,
    items: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``vdosbench score --declare ...``: a verdict exit status, or exit 2 with an explained message and no report."""
    out = tmp_path_factory.mktemp("report")
    argv = ["score", str(small_npz), "--output", str(out), "--no-cross-check"]
    for item in items:
        argv += ["--declare", item]
    try:
        code = main(argv)
    except SystemExit as e:  # argparse: an item starting with '-' is read as an option (its usage error, exit 2)
        code = e.code
    err = capsys.readouterr().err
    assert code in (0, 1, 2, 3), code
    assert "Traceback" not in err and "bug in vdosbench" not in err, err
    if code == 2:
        assert "error" in err
        assert not (out / "result.json").exists() and not (out / "report.md").exists()
