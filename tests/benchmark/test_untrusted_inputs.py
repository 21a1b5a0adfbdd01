"""Third-party input as codes write it, read within bounded memory and time (issue 53, items 3, 6 and 9).

Each fault test is built from the reproduction of ``../shared/probes/faults-2026-11-27.md`` (F1, F2, F4 – F7,
F11, F12, F15, F17, F18; F1 and F2 also in one part file of a lazily opened ensemble), made small: the same kind
of damage, a memory bound scaled down with ``VDOSBENCH_MEMORY_LIMIT`` instead of gigabytes of data.  Peak memory
is measured where the issue asks for it: ``tracemalloc`` for refusals, ``ru_maxrss`` of a subprocess for a whole
read.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
import types
import zlib
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark.adapters import AdapterError, read
from vdosbench.benchmark.adapters.keys import key_table_markdown
from vdosbench.benchmark.adapters.text import TEXT_BYTES_PER_VALUE
from vdosbench.cli import main
from vdosbench.datasets import (
    MEMORY_LIMIT_ENV,
    MemoryBoundError,
    VDOSReadError,
    mock_spectrum,
    open_dataset,
    open_ensemble,
    write,
)
from vdosbench.datasets.isolated import READ_TIMEOUT_ENV

from test_memory_bounds import _traced_peak as _traced  # (peak traced bytes, seconds, exception) of fn()

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "reference-data" / "spring-network-16-full.nc"


# ------------------------------------------------------------------ item 3: keys, aliases, separators


def test_documented_key_table_is_the_code_table() -> None:
    """docs/third-party.md shows exactly the table the readers use (it cannot drift)."""
    doc = (ROOT / "docs" / "third-party.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- input-keys:start -->\n(.*?)<!-- input-keys:end -->", doc, re.S)
    assert block is not None, "docs/third-party.md lacks the input-keys block"
    assert block.group(1) == key_table_markdown()


def test_singular_keys_are_read_and_unknown_keys_listed(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    lam = np.sort(rng.uniform(0.1, 4.0, (2, 30)), axis=1)
    path = tmp_path / "code.npz"
    np.savez(
        path,
        eigenvalue=lam,
        position=rng.random((2, 10, 3)),
        diameter=np.ones((2, 10)),
        box_length=3.0,
        spatial_dimension=3,
        step=np.int64(7),
        temperature=0.4,
    )
    ds = read(path)
    np.testing.assert_array_equal(ds["eigenvalue"].values, lam)
    assert ds["position"].shape == (2, 10, 3) and "diameter" in ds
    assert ds.attrs["adapter_ignored_keys"] == "step temperature"
    assert "position -> positions" in ds.attrs["adapter_key_aliases"]


def test_two_keys_of_one_quantity_are_named(tmp_path: Path) -> None:
    path = tmp_path / "both.npz"
    np.savez(path, eigenvalues=np.ones(3), eigenvalue=np.ones(3), spatial_dimension=3)
    with pytest.raises(
        AdapterError, match=r"keys 'eigenvalues?' and 'eigenvalues?' both name 'eigenvalues'.*Fix: keep one"
    ):
        read(path)


@pytest.mark.parametrize(
    ("key", "values", "expected"),
    [
        ("type", [[1, 2, 1]], [[0, 1, 0]]),  # LAMMPS types, by the key's name
        ("species", [[1, 2, 2]], [[0, 1, 1]]),  # detected: no species 0 anywhere
        ("species", [[0, 1, 1]], [[0, 1, 1]]),  # already 0-based
    ],
)
def test_lammps_types_are_species(tmp_path: Path, key: str, values: list, expected: list) -> None:
    path = tmp_path / "t.npz"
    np.savez(path, eigenvalues=np.arange(1.0, 10.0)[None], spatial_dimension=3, **{key: np.array(values)})
    ds = read(path)
    assert ds["species"].values.tolist() == expected
    assert ("adapter_species_rule" in ds.attrs) == (expected != values)


def test_type_zero_is_below_the_first_lammps_type(tmp_path: Path) -> None:
    path = tmp_path / "t.npz"
    np.savez(path, eigenvalues=np.arange(1.0, 4.0)[None], spatial_dimension=3, types=np.array([[0, 1, 2]]))
    with pytest.raises(AdapterError, match=r"'types' holds 0, below 1.*Fix:"):
        read(path)


@pytest.mark.parametrize("separator", [" ", ",", ";", "\t", ", "])
def test_text_separator_is_detected(tmp_path: Path, separator: str) -> None:
    lam = np.random.default_rng(1).uniform(0.1, 4.0, (3, 20))
    path = tmp_path / "eig.csv"
    path.write_text("# spatial_dimension: 3\n" + "\n".join(separator.join(f"{v:.17g}" for v in row) for row in lam))
    ds = read(path, format="text")
    np.testing.assert_array_equal(ds["eigenvalue"].values, np.sort(lam, axis=1))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("1 2 3\n1,2,3\n", r"line 2 separates numbers by commas but line 1 by whitespace"),
        ("1;2,5;3\n", r"\(a decimal comma\?\)"),
        ("1,2,x" + "9" * 5000 + "\n", r"line 1 holds 'x9{20,}…', which is not a number \(numbers separated by comma\)"),
    ],
)
def test_separator_errors_are_short(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(AdapterError, match=match) as info:
        read(path, spatial_dimension=3)
    assert len(str(info.value)) < 400 and str(info.value).count("\n") == 0


def test_contradicting_text_headers_name_both_lines(tmp_path: Path) -> None:
    """F15: '# spatial_dimension: 3' then '# spatial_dimension: 2' is an error, not 'the last wins'."""
    path = tmp_path / "dup.txt"
    np.savetxt(
        path, np.random.default_rng(0).uniform(0.1, 4, (3, 50)), header="spatial_dimension: 3\nspatial_dimension: 2"
    )
    with pytest.raises(AdapterError, match=r"line 2 sets spatial_dimension = '2' but line 1 set it to '3'"):
        read(path)


# ------------------------------------------------------------------ item 6: bounded memory


def test_text_reader_checks_the_bound_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F4: a text file whose numbers need more than the bound is refused before it is parsed."""
    path = tmp_path / "big.txt"
    np.savetxt(path, np.sort(np.random.default_rng(0).random(200_000)) * 10, fmt="%.7f", header="spatial_dimension: 3")
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "2MB")
    peak, seconds, error = _traced(lambda: read(path))
    assert isinstance(error, MemoryBoundError) and "numbers at 56 bytes each" in str(error)
    assert peak < 2e6 and seconds < 5


PEAK_SCRIPT = """
import resource, sys
from pathlib import Path
from vdosbench.benchmark.adapters import read
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
ds = read(Path(sys.argv[1]))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) * 1024 / ds["eigenvalue"].size)
"""


def test_text_reader_peak_memory_per_number(tmp_path: Path) -> None:
    """F4 measured: the whole read holds at most TEXT_BYTES_PER_VALUE bytes a number (was about 300)."""
    path = tmp_path / "big.txt"
    np.savetxt(
        path, np.sort(np.random.default_rng(0).random(1_000_000)) * 10, fmt="%.7f", header="spatial_dimension: 3"
    )
    out = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(path)], capture_output=True, text=True, check=True)
    assert float(out.stdout) < TEXT_BYTES_PER_VALUE


def test_npz_bound_counts_every_array_and_its_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F6: 0.8 MB of eigenvalues plus a 1.6 MB array under no known key, bound 10 MB: refused (5 x 2.4 MB)."""
    path = tmp_path / "big.npz"
    np.savez(
        path,
        eigenvalues=np.sort(np.random.default_rng(0).random((2, 50_000)), axis=1),
        junk=np.zeros(200_000),
        spatial_dimension=3,
    )
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "10MB")
    with pytest.raises(MemoryBoundError, match=r"5 × the 2.4 MB that the .npy headers of all its arrays declare"):
        read(path)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "20MB")
    assert read(path).attrs["adapter_ignored_keys"] == "junk"


def test_scoring_that_would_pass_the_bound_is_refused_after_reading(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F6: an archive the reader's bound accepts (5 × its 0.8 MB) but whose scoring would hold 14 × its
    eigenvalues (11.2 MB, measured: the validators' working arrays) is refused before a claim is read."""
    from vdosbench.cli.commands import score

    path = tmp_path / "f6.npz"
    np.savez(path, eigenvalues=np.sort(np.random.default_rng(0).random((2, 50_000)), axis=1) * 10, spatial_dimension=3)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "8MB")
    assert main(["score", str(path), "--declare", "model=glass", "--output", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "scoring f6" in err and f"{score.SCORE_EIGENVALUE_COPIES} × the 0.8 MB of their eigenvalues" in err, err
    assert not (tmp_path / "r").exists()
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "12MB")  # 14 × 0.8 MB = 11.2 MB: within it
    held = xr.Dataset({"eigenvalue": (("sample", "mode"), np.zeros((2, 50_000)))})
    score._check_scoring_memory([(types.SimpleNamespace(name="f6"), held)])  # no error


def test_dynmat_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F5: a sparse 1.15 GB binary matrix (12000 x 12000) under a 512 MB bound: refused without reading it."""
    path = tmp_path / "big.dynmat"
    with open(path, "wb") as fh:
        fh.truncate(12000**2 * 8)
        fh.seek(8)
        fh.write(b"\0\0\0\0\0\0\xf0\x3f")
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "512MB")
    peak, seconds, error = _traced(lambda: read(path, format="lammps-dynmat"))
    assert isinstance(error, MemoryBoundError) and "12000 x 12000 matrix" in str(error)
    assert peak < 2e6 and seconds < 5


def _huge_netcdf(path: Path, n_mode: int) -> Path:
    import netCDF4

    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("sample", 1)
        nc.createDimension("mode", n_mode)
        nc.createVariable("eigenvalue", "f8", ("sample", "mode"), zlib=True, chunksizes=(1, 1 << 20))
    return path


def test_netcdf_declaring_more_than_it_holds_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    """Item 6: a 6 kB netCDF declaring 10^9 modes (8 GB) is refused from its header, under any bound."""
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    path = _huge_netcdf(tmp_path / "huge.nc", 10**9)
    assert path.stat().st_size < 100_000
    peak, seconds, error = _traced(lambda: open_dataset(path))
    assert isinstance(error, (VDOSReadError, MemoryBoundError)), error
    assert re.search(r"but the file holds [0-9.]+ kB", str(error)) and "Fix:" in str(error)
    assert peak < 4e6 and seconds < 20


# ------------------------------------------------------------------ item 9: damaged netCDF (F1, F2)


def _damaged(tmp_path: Path, name: str, edit) -> Path:
    data = bytearray(SHIPPED.read_bytes())
    edit(data)
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


def test_netcdf_that_makes_the_library_spin_ends_in_bounded_time(tmp_path: Path, monkeypatch) -> None:
    """F1: 49 bytes copied inside the header make netCDF-C/HDF5 loop forever; the read ends after the limit (2 s:
    the clock starts once the fork server has imported the readers, and nothing but the damaged file is read)."""
    path = _damaged(tmp_path, "hang.nc", lambda d: d.__setitem__(slice(7852, 7901), d[220732:220781]))
    monkeypatch.setenv(READ_TIMEOUT_ENV, "2")
    start = time.perf_counter()
    with pytest.raises(VDOSReadError, match=r"did not finish within 2 s.*Fix:"):
        open_dataset(path)
    assert time.perf_counter() - start < 30


@pytest.mark.parametrize(("where", "byte", "found"), [(193963, 242, "RuntimeError"), (13114, 30, "AttributeError")])
def test_one_damaged_byte_is_bad_input_not_a_bug(tmp_path: Path, capsys, where: int, byte: int, found: str) -> None:
    """F2: a damaged chunk (HDF error) or attribute: exit 2 with what was found and the fix, never 'a bug'."""
    path = _damaged(tmp_path, "flip.nc", lambda d: d.__setitem__(where, byte))
    assert main(["score", str(path), "--output", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "not a readable netCDF-4 file" in err and found in err and "Fix:" in err and "bug" not in err


def _ensemble_parts(folder: Path) -> dict[tuple[float, int], xr.Dataset]:
    """Four part files (delta 0.0/0.1 x samples 0/1) as vdosbench.datasets.write writes them; the parts."""
    parts = {}
    for delta in (0.0, 0.1):
        for sample in (0, 1):
            ds = mock_spectrum(n_sample=1, n_mode=400, seed=sample)
            ds = ds.assign_coords(
                sample=("sample", [sample], ds["sample"].attrs),
                delta=((), delta, {"long_name": "displacement", "units": "1"}),
            )
            ds.attrs["parameter_names"] = "delta"
            parts[(delta, sample)] = ds
            write(ds, folder / f"delta{delta}-sample{sample}.nc")
    return parts


def _damage_chunk(path: Path, values: np.ndarray) -> None:
    """Overwrite 40 bytes inside the compressed chunk that holds ``values`` (float64, shuffle + zlib)."""
    shuffled = np.frombuffer(values.astype("<f8").tobytes(), np.uint8).reshape(-1, 8).T.tobytes()
    data = bytearray(path.read_bytes())
    for start in (i for i, byte in enumerate(data) if byte == 0x78):  # a zlib stream's first byte
        try:
            if zlib.decompressobj().decompress(bytes(data[start:])) == shuffled:
                break
        except zlib.error:
            continue
    else:
        raise AssertionError(f"no zlib chunk of {path} holds the given values; expected write's shuffle + zlib")
    data[start + 20 : start + 60] = b"\xff" * 40
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("validate", [True, False])
def test_damaged_chunk_of_an_ensemble_part_is_named_at_open(tmp_path: Path, validate: bool) -> None:
    """A lazily opened ensemble reads every part's chunks in the child first: a damaged data chunk of one part
    is a VDOSReadError naming that part and variable with the fix, at open, not an HDF error (or a hang) in
    this process when the ensemble is computed, nor a convention error."""
    parts = _ensemble_parts(tmp_path)
    damaged = tmp_path / "delta0.1-sample1.nc"
    _damage_chunk(damaged, parts[(0.1, 1)]["eigenvalue"].values)
    start = time.perf_counter()
    with pytest.raises(VDOSReadError) as caught:
        open_ensemble(tmp_path, validate=validate)
    message = str(caught.value)
    assert f"{damaged} is not a readable netCDF-4 file" in message
    assert "damaged data in variable 'eigenvalue'" in message and "HDF error" in message
    assert "expected every chunk" in message and "Fix: delete the damaged part file" in message
    assert "bug" not in message and time.perf_counter() - start < 60
    # a trusted ensemble skips that read: it opens, and the damage shows only when the chunk is read
    lazy = open_ensemble(tmp_path, validate=False, trusted=True)
    assert lazy["eigenvalue"].chunks is not None
    np.testing.assert_array_equal(
        lazy["eigenvalue"].sel(delta=0.0, sample=0).values, parts[(0.0, 0)]["eigenvalue"].values[0]
    )
    with pytest.raises(RuntimeError, match="HDF error"):
        lazy["eigenvalue"].sel(delta=0.1, sample=1).values
    lazy.close()


def test_ensemble_part_that_makes_the_library_spin_ends_in_bounded_time(tmp_path: Path, monkeypatch) -> None:
    """F1 in an ensemble: one part whose header makes netCDF-C/HDF5 loop; open_ensemble ends after the limit (3 s:
    ample for the four small intact parts the child reads before it)."""
    _ensemble_parts(tmp_path)
    data = bytearray(SHIPPED.read_bytes())
    data[7852:7901] = data[220732:220781]
    (tmp_path / "hang.nc").write_bytes(bytes(data))
    monkeypatch.setenv(READ_TIMEOUT_ENV, "3")
    start = time.perf_counter()
    expected = r"every chunk of the 5 part file\(s\).*did not finish within 3 s.*Fix:"
    with pytest.raises(VDOSReadError, match=expected) as caught:
        open_ensemble(tmp_path)
    assert time.perf_counter() - start < 30
    # the child reports each part before reading it: the error names the one the library loops on (issue 64)
    assert f"(it was reading {tmp_path / 'hang.nc'})" in str(caught.value)
    assert f"The part file {tmp_path / 'hang.nc'} is damaged" in str(caught.value)


# ------------------------------------------------------------------ cross-code check (F7, species)


def _ka_npz(path: Path, n: int, types: np.ndarray) -> Path:
    rng = np.random.default_rng(2)
    box = (n / 1.2) ** (1 / 3)
    np.savez(
        path,
        eigenvalues=np.sort(rng.uniform(0.1, 4, (1, 60)), axis=1),
        positions=rng.random((1, n, 3)) * box,
        box_length=box,
        types=types[None],
        spatial_dimension=3,
    )
    return path


def test_cross_code_hessian_over_the_bound_is_not_run(tmp_path: Path, capsys, monkeypatch) -> None:
    """F7: a dense Hessian beyond the bound is 'not run' with the reason; the score goes on and writes its report."""
    path = _ka_npz(tmp_path / "ka.npz", 1000, np.ones(1000, dtype=int))
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "100MB")  # 3 x 3000^2 x 8 = 216 MB
    code = main(
        [
            "score",
            str(path),
            "--declare",
            "model=kob_andersen",
            "--declare",
            "taper_order=0",
            "--output",
            str(tmp_path / "r"),
        ]
    )
    assert code in (0, 1)
    out = capsys.readouterr().out
    assert "cross-code check: ka: not run: the cross-code check's dense Hessian" in out
    assert (tmp_path / "r" / "report.md").is_file()


def test_out_of_range_species_exit_2_naming_them(tmp_path: Path, capsys) -> None:
    """LAMMPS types 1 and 3 (species 0, 2) declared Kob-Andersen: exit 2 with what/found/fix, not an IndexError."""
    path = _ka_npz(tmp_path / "ka.npz", 300, np.where(np.arange(300) < 240, 1, 3))
    code = main(
        [
            "score",
            str(path),
            "--declare",
            "model=kob_andersen",
            "--declare",
            "taper_order=0",
            "--output",
            str(tmp_path / "r"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "species are [0, 2]" in err and "Fix:" in err and "bug" not in err


@pytest.mark.parametrize(
    ("species", "shown"),
    [
        (np.where(np.arange(300) < 240, 0, 2), "species are [0, 2]"),
        (np.where(np.arange(300) < 299, 0, 2**40), "species are [0, 1099511627776]"),
        (np.where(np.arange(300) < 299, 0, 2**64 - 1).astype(np.uint64), "'species' holds 18446744073709551615"),
    ],
)
def test_out_of_range_species_are_refused_whatever_is_declared(
    tmp_path: Path, capsys, species: np.ndarray, shown: str
) -> None:
    """G9 (issue 64 item 5): with only the model declared (no taper_order, so no cross-code check), species the
    model has no parameters for scored with exit 0, and 2**64 - 1 was shown as -1; now exit 2, shown as stored."""
    rng = np.random.default_rng(2)
    box = (300 / 1.2) ** (1 / 3)
    path = tmp_path / "ka.npz"
    np.savez(
        path,
        eigenvalues=np.sort(rng.uniform(0.1, 4, (1, 60)), axis=1),
        positions=rng.random((1, 300, 3)) * box,
        box_length=box,
        species=species[None],
        spatial_dimension=3,
    )
    code = main(["score", str(path), "--declare", "model=kob_andersen", "--output", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert (
        code == 2 and shown in err and "Fix:" in err and "bug" not in err and "[-1" not in err and "holds -1" not in err
    ), err
    assert not (tmp_path / "r" / "report.md").exists()


def test_in_range_species_with_only_the_model_declared_are_scored(tmp_path: Path, capsys) -> None:
    """The same archive with species 0 and 1 is read and scored (no refusal of a valid Kob-Andersen set)."""
    rng = np.random.default_rng(2)
    box = (300 / 1.2) ** (1 / 3)
    path = tmp_path / "ka.npz"
    np.savez(
        path,
        eigenvalues=np.sort(rng.uniform(0.1, 4, (1, 60)), axis=1),
        positions=rng.random((1, 300, 3)) * box,
        box_length=box,
        species=np.where(np.arange(300) < 240, 0, 1)[None],
        spatial_dimension=3,
    )
    code = main(["score", str(path), "--declare", "model=kob_andersen", "--output", str(tmp_path / "r")])
    assert code != 2, capsys.readouterr().err


# ------------------------------------------------------------------ report naming (F11, F12, F17, F18)


def test_inputs_sharing_a_figure_stem_get_their_own_figures(tmp_path: Path) -> None:
    """F11: x.y.npz and x_y.npz: two figure files, each input's own."""
    lam = np.sort(np.random.default_rng(5).uniform(0.1, 4, (4, 60)), axis=1)
    np.savez(tmp_path / "x.y.npz", eigenvalues=lam, spatial_dimension=3)
    np.savez(tmp_path / "x_y.npz", eigenvalues=5 * lam + 3, spatial_dimension=3)
    main(
        [
            "score",
            str(tmp_path / "x.y.npz"),
            str(tmp_path / "x_y.npz"),
            "--declare",
            "model=glass",
            "--output",
            str(tmp_path / "r"),
        ]
    )
    shown = re.findall(r"\(figures/(\S+_reduced_dos\.png)\)", (tmp_path / "r" / "report.md").read_text())
    assert len(shown) == 2 and len(set(shown)) == 2


def test_long_file_name_and_escapes_and_notes(tmp_path: Path, capsys) -> None:
    """F12: a 250-character name scores; F17: escape sequences never reach the terminal; notes in every output."""
    long = tmp_path / ("a" * 246 + ".npz")
    np.savez(long, eigenvalues=np.arange(1.0, 61.0)[None], spatial_dimension=3)
    assert main(["score", str(long), "--declare", "model=glass", "--output", str(tmp_path / "r12")]) in (0, 1)
    evil = tmp_path / "e\x1b[2J\x1b]0;pwned\x07.npz"
    np.savez(evil, eigenvalues=np.arange(1.0, 61.0)[None], spatial_dimension=3, step=1)
    capsys.readouterr()
    main(["score", str(evil), "--declare", "model=glass", "--output", str(tmp_path / "r17")])
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err and "\\x1b[2J" in captured.out
    assert "note: e\\x1b[2J\\x1b]0;pwned\\x07: keys not read" in captured.out
    result = json.loads((tmp_path / "r17" / "result.json").read_text())
    assert any("step" in note for note in result["inputs"][0]["notes"])
    assert "keys not read" in (tmp_path / "r17" / "report.md").read_text()


def test_input_notes_are_in_the_html_report(tmp_path: Path, capsys) -> None:
    """Keys not read, aliases and a detected separator: each note of result.json is in report.html too, under the
    inputs table (class input-notes, data-input naming the input), escaped, as in report.md and the output."""
    lam = np.sort(np.random.default_rng(3).uniform(0.1, 4, (3, 60)), axis=1)
    np.savez(tmp_path / "a.npz", eigenvalue=lam, spatial_dimension=3, step=1, temperature=0.5)
    (tmp_path / "b.csv").write_text(
        "# spatial_dimension: 3\n" + "\n".join(",".join(f"{v:.17g}" for v in row) for row in 2 * lam + 1)
    )
    main(
        [
            "score",
            str(tmp_path / "a.npz"),
            str(tmp_path / "b.csv"),
            "--declare",
            "model=glass",
            "--output",
            str(tmp_path / "r"),
        ]
    )
    out = capsys.readouterr().out
    result = json.loads((tmp_path / "r" / "result.json").read_text())
    notes = {i["name"]: i["notes"] for i in result["inputs"]}
    assert any("keys not read" in n and "step" in n and "temperature" in n for n in notes["a"])
    assert any("keys read under their canonical names" in n and "eigenvalue" in n for n in notes["a"])
    assert notes["b"] == ["numbers separated by commas (detected from the first line of numbers)"]
    page = (tmp_path / "r" / "report.html").read_text()
    listed = re.search(r'<h2>Inputs</h2>.*?</table>\n<ul class="input-notes">\n(.*?)\n</ul>', page, re.S)
    assert listed, "expected the notes as a list right after the inputs table of report.html"
    items = re.findall(r'<li data-input="([^"]*)">(.*?)</li>', listed.group(1))
    assert [(name, html.unescape(text)) for name, text in items] == [
        (name, f"{name}: {note}") for name, group in notes.items() for note in group
    ]
    assert all(f"note: {name}: {note}" in out for name, group in notes.items() for note in group)


def test_newline_in_a_sidecar_string_keeps_the_systems_row_whole(tmp_path: Path) -> None:
    """F18: quench = "FIRE\\n\\n## forged heading\\n| a | b |" stays in its cell."""
    np.savez(
        tmp_path / "g.npz",
        eigenvalues=np.sort(np.random.default_rng(0).uniform(0.1, 4, (3, 60)), axis=1),
        spatial_dimension=3,
    )
    (tmp_path / "g.vdos.toml").write_text('model = "glass"\nquench = "FIRE\\n\\n## forged heading\\n| a | b |"\n')
    main(["score", str(tmp_path / "g.npz"), "--output", str(tmp_path / "r")])
    md = (tmp_path / "r" / "report.md").read_text()
    section = md.split("## Systems", 1)[1].split("## Verdicts", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| g |")]
    assert len(rows) == 1 and "FIRE<br><br>" in rows[0] and rows[0].rstrip().endswith("|")
    assert "\n## forged" not in md


def test_an_isolated_reader_whose_caller_is_gone_ends_quietly(capfd) -> None:
    """A caller stopped (SIGTERM) while its child reader sends the answer closes the pipe: the child then ends
    without a traceback on the terminal (CI saw one from `score` stopped by SIGTERM)."""
    import multiprocessing

    from vdosbench.datasets import isolated

    parent, child = multiprocessing.Pipe(duplex=False)
    parent.close()  # the caller is gone
    isolated._child(child, len, ([1, 2, 3],), {})
    assert capfd.readouterr().err == ""
