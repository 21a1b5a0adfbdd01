"""Fuzz the readers of third-party files: damaged and hostile inputs, counted by outcome (issue 64 item 6).

Every case builds one input from a valid one and reads it the way ``vdosbench score`` does — the adapter
(:func:`vdosbench.benchmark.scorecard.read_input`, with the ``--set`` options parsed as the command line parses
them), then the declaration (sidecar and ``--declare``, :func:`vdosbench.benchmark.declaration.declare`) — and
sorts what happened as ``vdosbench score`` would report it (:func:`vdosbench.cli.errors.run_guarded`):

``read``       a dataset that passes :func:`vdosbench.datasets.check`;
``refused``    an error whose message says what was expected, found and the fix (exit 2);
``os-error``   an ``OSError`` (exit 2 with the generic file-system message);
``memory``     a ``MemoryError`` (exit 2, "ran out of memory");
``bug``        any other exception: what ``score`` reports as "this is a bug in vdosbench" (the count must be 0);
``hang``       no answer within :data:`CASE_SECONDS` (``SIGALRM``).

The families (cases split evenly, each from its own ``numpy.random.SeedSequence`` child of ``--seed``):

- ``npz-zip``: a stored ``.npz`` (eigenvalues, positions, box, species, moduli) with 1 – 8 bytes replaced anywhere
  and, in a third of the cases, its tail cut: zip headers, central directory, ``.npy`` headers and data;
- ``npz-deflate``: a compressed ``.npz`` with bytes replaced inside one member's deflate stream only;
- ``npz-header``: a ``.npy`` header's text edited (shape with huge, negative or unbalanced numbers, dtype
  strings), or the zip's compression method, flag bits or version fields set to other values;
- ``npz-values``: valid archives of hostile values: integers at and beyond the 64-bit limits (``uint64``
  2⁶⁴ − 1 species and zero-mode counts), huge floats, moduli of the wrong shape, every dtype;
- ``lammps-data`` and ``lammps-dump``: a 4-atom data or dump file next to its dynamical matrix (read as
  ``--format lammps-dynmat --set data_file=...``) with lines replaced by hostile ones (ids and types of
  2⁶⁴, 10³⁰, −2⁶³ − 1, 0, −1, NaN, 10⁹⁹⁹, junk), duplicated or cut;
- ``huge-integers``: integers with hundreds to thousands of digits in a sidecar key, a ``--declare`` or
  ``--set`` value, a text header or a text file's numbers;
- ``text``: eigenvalue text with junk tokens, decimal commas, mixed separators and huge numbers.

Usage (pinned to one core, low priority, one process)::

    taskset -c 1 nice -n 5 python speed/fuzz_readers.py --cases 2000

Writes ``speed/results/fuzz_readers.json`` (strict JSON: counts per family and outcome, the first examples of
every outcome other than ``read``/``refused``, the machine and its load before and after).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import signal
import struct
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
#: Seconds one case may take before it is counted as a hang.
CASE_SECONDS = 30
#: Examples kept per outcome other than read and refused.
KEEP_EXAMPLES = 20
#: Integers at and beyond the limits of 64-bit types, as text.
HUGE = [
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775808",
    "-9223372036854775809",
    "1" + "0" * 30,
    "1" + "0" * 400,
    "9" * 4000,
    "-" + "9" * 4000,
    "1e999",
    "-1e999",
    "1e308",
    "0",
    "-1",
]
#: Tokens that are not numbers, or are numbers no reader should accept silently.
JUNK = ["nan", "NaN", "inf", "-inf", "x", "", "1,5", "0x10", "1e", "--", "\x00", "é", "1.5.5", "()", "[]", "#"]


@dataclass
class Case:
    """One input: the file to score, its format and ``--set`` / ``--declare`` items (as the command line has them)."""

    path: Path
    format: str | None = None
    sets: list[str] = field(default_factory=list)
    declares: list[str] = field(default_factory=list)


class CaseTimeout(Exception):
    """A case ran past :data:`CASE_SECONDS`."""


# ------------------------------------------------------------------ valid inputs


def _ring_dynmat(n: int = 4) -> np.ndarray:
    """The dynamical matrix of n unit masses on a ring of unit springs (3n × 3n, positive semi-definite)."""
    lap = 2 * np.eye(n) - np.roll(np.eye(n), 1, 0) - np.roll(np.eye(n), -1, 0)
    return np.kron(lap, np.diag([1.0, 0.5, 0.25]))


DATA_FILE = (
    "LAMMPS data file\n\n4 atoms\n2 atom types\n\n0 2 xlo xhi\n0 2 ylo yhi\n0 2 zlo zhi\n\nMasses\n\n1 1.0\n2 1.0\n\n"
    "Atoms # atomic\n\n1 1 0.5 0.5 0.5\n2 2 1.5 0.5 0.5\n3 1 0.5 1.5 0.5\n4 1 0.5 0.5 1.5\n"
)
DUMP_FILE = (
    "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n4\nITEM: BOX BOUNDS pp pp pp\n0 2\n0 2\n0 2\n"
    "ITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n2 2 1.5 0.5 0.5\n3 1 0.5 1.5 0.5\n4 1 0.5 0.5 1.5\n"
)


def _arrays(rng: np.random.Generator, n_sample: int = 3, n_site: int = 8) -> dict[str, np.ndarray]:
    """A small valid third-party set: eigenvalues (3 zero modes), positions, box, species, moduli."""
    lam = np.sort(rng.uniform(0.1, 4.0, (n_sample, 3 * n_site)), axis=1)
    lam[:, :3] = 0.0
    return {
        "eigenvalues": lam,
        "positions": rng.uniform(0, 2.0, (n_sample, n_site, 3)),
        "box_length": np.full(n_sample, 2.0),
        "species": rng.integers(0, 2, (n_sample, n_site)),
        "shear_modulus": rng.uniform(3, 5, n_sample),
        "bulk_modulus": np.float64(50.0),
        "spatial_dimension": np.int64(3),
        "zero_modes": np.int64(3),
    }


def _npz_bytes(arrays: dict[str, Any], compressed: bool) -> bytes:
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def _text_of(lam: np.ndarray) -> str:
    return "\n".join(" ".join(repr(float(v)) for v in row) for row in lam) + "\n"


# ------------------------------------------------------------------ families


def _npz_zip(rng: np.random.Generator, folder: Path) -> Case:
    raw = bytearray(_npz_bytes(_arrays(rng), compressed=bool(rng.integers(2))))
    for _ in range(int(rng.integers(1, 9))):
        raw[int(rng.integers(len(raw)))] = int(rng.integers(256))
    if rng.random() < 1 / 3:
        raw = raw[: int(rng.integers(len(raw)))]
    path = folder / "zip.npz"
    path.write_bytes(bytes(raw))
    return Case(path, "npz", declares=["model=kob_andersen"])


def _deflate_region(raw: bytes, rng: np.random.Generator) -> tuple[int, int]:
    """The byte range of one member's compressed data in a zip archive (from its local file header)."""
    starts = [i for i in range(len(raw) - 4) if raw[i : i + 4] == b"PK\x03\x04"]
    start = starts[int(rng.integers(len(starts)))]
    size, name_len, extra_len = (
        struct.unpack("<I", raw[start + 18 : start + 22])[0],
        *struct.unpack("<HH", raw[start + 26 : start + 30]),
    )
    begin = start + 30 + name_len + extra_len
    return begin, begin + max(size, 1)


def _npz_deflate(rng: np.random.Generator, folder: Path) -> Case:
    raw = bytearray(_npz_bytes(_arrays(rng), compressed=True))
    begin, end = _deflate_region(bytes(raw), rng)
    for _ in range(int(rng.integers(1, 9))):
        raw[int(rng.integers(begin, min(end, len(raw))))] = int(rng.integers(256))
    if rng.random() < 0.2:  # a run of zeros, as the fault probe's zlib case
        k = int(rng.integers(begin, min(end, len(raw))))
        raw[k : k + 16] = bytes(len(raw[k : k + 16]))
    path = folder / "deflate.npz"
    path.write_bytes(bytes(raw))
    return Case(path, "npz", declares=["model=kob_andersen"])


_HEADER_EDITS = [
    "(3, 24 ",
    "(3, 24))",
    "(-3, 24)",
    "(3, 18446744073709551616)",
    "(10**30,)",
    "(3,, 24)",
    "(3, 24.5)",
    "('a', 24)",
    "(3, 24, 9999999999999)",
    "()",
    "(" * 40,
    "{",
    "'<f8'",
    "'<U99999'",
    "'|O'",
    "'<c16'",
    "'>f8'",
    "'<i8'",
    "True",
    "None",
    "\\x00",
    "'fortran_order': True",
]


def _members(arrays: dict[str, Any]) -> dict[str, bytearray]:
    """Each array as the bytes of its ``.npy`` member."""
    out = {}
    for key, value in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, value)
        out[f"{key}.npy"] = bytearray(buffer.getvalue())
    return out


def _rezip(members: dict[str, bytearray], compressed: bool) -> bytes:
    """A zip archive of ``members`` with correct CRCs (the damage is inside a member, not caught by the CRC)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, bytes(data))
    return buffer.getvalue()


def _npz_header(rng: np.random.Generator, folder: Path) -> Case:
    """A ``.npy`` header's text edited inside a valid zip (CRCs recomputed), or a zip field set to another value."""
    members = _members(_arrays(rng))
    compressed = bool(rng.integers(2))
    if rng.random() < 0.7:  # the text of one .npy header, or its data cut or extended
        name = list(members)[int(rng.integers(len(members)))]
        raw = members[name]
        n = struct.unpack("<H", raw[8:10])[0]
        if rng.random() < 0.8:
            text = raw[10 : 10 + n].decode("latin1")
            edit = _HEADER_EDITS[int(rng.integers(len(_HEADER_EDITS)))]
            at = int(rng.integers(len(text)))
            new = (text[:at] + edit + text[at + int(rng.integers(0, 8)) :])[:n].ljust(n)  # keeps its length
            raw[10 : 10 + n] = new.encode("latin1", errors="replace")[:n]
        else:
            members[name] = raw[: 10 + n + int(rng.integers(0, max(1, len(raw) - 10 - n)))] + bytearray(
                int(rng.integers(0, 3)) * 8
            )
        data = _rezip(members, compressed)
    else:  # a zip field: compression method, flag bits, version needed
        raw = bytearray(_rezip(members, compressed))
        signature, offsets = ((b"PK\x03\x04", (4, 6, 8)), (b"PK\x01\x02", (4, 6, 8, 10)))[int(rng.integers(2))]
        places = [i for i in range(len(raw) - 4) if raw[i : i + 4] == signature]
        p = places[int(rng.integers(len(places)))] + int(rng.choice(offsets))
        value = int(rng.choice([0, 1, 6, 8, 9, 12, 14, 20, 63, 93, 95, 98, 99, 0x41, 0x60, 0xFFFF]))
        raw[p : p + 2] = value.to_bytes(2, "little")
        data = bytes(raw)
    path = folder / "header.npz"
    path.write_bytes(data)
    return Case(path, "npz", declares=["model=kob_andersen", "taper_order=0"])


def _hostile_array(rng: np.random.Generator, key: str, shape: tuple[int, ...]) -> np.ndarray:
    kind = int(rng.integers(6))
    if kind == 0:
        return np.full(shape, np.iinfo(np.uint64).max, dtype=np.uint64)
    if kind == 1:
        return np.full(shape, np.iinfo(np.int64).min, dtype=np.int64)
    if kind == 2:
        return np.full(shape, 1e308 * float(rng.choice([1, -1])))
    if kind == 3:
        return rng.integers(-5, 5, shape).astype(rng.choice([np.int8, np.uint8, np.int32, np.uint32, np.int64]))
    if kind == 4:
        wrong = tuple(int(s) + int(rng.integers(-1, 2)) for s in shape) or (int(rng.integers(0, 4)),)
        return np.ones(tuple(max(0, s) for s in wrong))
    return np.array(rng.choice(["x", "1", "nan"], size=shape))


def _npz_values(rng: np.random.Generator, folder: Path) -> Case:
    arrays: dict[str, Any] = _arrays(rng)
    for key in rng.choice(list(arrays), size=int(rng.integers(1, 3)), replace=False):
        arrays[str(key)] = _hostile_array(rng, str(key), np.shape(arrays[str(key)]))
    path = folder / "values.npz"
    np.savez(path, **arrays)
    declares = ["model=kob_andersen"] + (["taper_order=0"] if rng.random() < 0.5 else [])
    return Case(path, "npz", declares=declares)


def _hostile_line(rng: np.random.Generator, template: str) -> str:
    tokens = template.split() or ["1"]
    for _ in range(int(rng.integers(1, 3))):
        pool = HUGE if rng.random() < 0.6 else JUNK
        tokens[int(rng.integers(len(tokens)))] = str(rng.choice(pool))
    return " ".join(tokens)


def _lammps(rng: np.random.Generator, folder: Path, template: str, option: str) -> Case:
    lines = template.splitlines()
    for _ in range(int(rng.integers(1, 4))):
        k = int(rng.integers(len(lines)))
        what = rng.random()
        if what < 0.7:
            lines[k] = _hostile_line(rng, lines[k])
        elif what < 0.85:
            lines.insert(k, lines[k])  # a line twice
        else:
            del lines[k:]
            lines = lines or ["LAMMPS"]
    structure = folder / ("edited.data" if option == "data_file" else "edited.dump")
    structure.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogateescape")
    dynmat = folder / "ring.dyn"
    dynmat.write_text("\n".join(" ".join(f"{v:.8f}" for v in row) for row in _ring_dynmat().reshape(-1, 3)) + "\n")
    return Case(
        dynmat,
        "lammps-dynmat",
        sets=[f"{option}={structure}"],
        declares=["model=kob_andersen"] + (["taper_order=0"] if rng.random() < 0.5 else []),
    )


def _lammps_data(rng: np.random.Generator, folder: Path) -> Case:
    return _lammps(rng, folder, DATA_FILE, "data_file")


def _lammps_dump(rng: np.random.Generator, folder: Path) -> Case:
    return _lammps(rng, folder, DUMP_FILE, "dump_file")


_SIDECAR_KEYS = [
    "n_particles",
    "spatial_dimension",
    "density",
    "parent_temperature",
    "parent_temperature_ratio",
    "taper_order",
    "shear_modulus",
    "bulk_modulus",
    "non_additivity",
]
_SET_KEYS = ["spatial_dimension", "zero_modes", "zero_tolerance", "species_base", "site_degrees_of_freedom"]


def _huge_integers(rng: np.random.Generator, folder: Path) -> Case:
    big = str(rng.choice(HUGE))
    lam = np.sort(rng.uniform(0.1, 4.0, (3, 24)), axis=1)
    where = int(rng.integers(5))
    if where == 3:  # a text header or a number of the text itself
        path = folder / "huge.txt"
        header = str(rng.choice(["spatial_dimension", "box_length", "shear_modulus", "bulk_modulus", "dimension"]))
        text = _text_of(lam)
        if rng.random() < 0.5:
            text = text.replace(text.split()[int(rng.integers(10))], big, 1)
            header_line = "# spatial_dimension: 3\n"
        else:
            header_line = (
                f"# spatial_dimension: 3\n# {header}: {big}\n"
                if header != "spatial_dimension"
                else f"# spatial_dimension: {big}\n"
            )
        path.write_text(header_line + text)
        return Case(path, "text", declares=["model=glass"])
    path = folder / "huge.npz"
    np.savez(path, eigenvalues=lam, spatial_dimension=3)
    sidecar = folder / "huge.vdos.toml"
    sidecar.unlink(missing_ok=True)
    key = str(rng.choice(_SIDECAR_KEYS))
    if where == 0:
        sidecar.write_text(f'model = "soft_spheres"\n{key} = {big if not big.startswith("1e") else "1" + "0" * 50}\n')
        return Case(path, "npz")
    if where == 1:
        return Case(path, "npz", declares=["model=soft_spheres", f"{key}={big}"])
    if where == 2:
        return Case(path, "npz", sets=[f"{rng.choice(_SET_KEYS)}={big}"], declares=["model=glass"])
    arrays = {"eigenvalues": lam, "spatial_dimension": np.int64(3)}
    target = str(rng.choice(["zero_modes", "spatial_dimension", "species", "shear_modulus"]))
    value = int(big) if big.lstrip("-").isdigit() and len(big) < 25 else 2**64 - 1
    try:
        arrays[target] = np.array(value if target != "species" else [[value] * 8] * 3)
    except OverflowError:
        arrays[target] = np.array(2**64 - 1, dtype=np.uint64)
    np.savez(path, **arrays)
    return Case(path, "npz", declares=["model=kob_andersen"])


def _text(rng: np.random.Generator, folder: Path) -> Case:
    lam = np.sort(rng.uniform(0.1, 4.0, (int(rng.integers(1, 4)), 20)), axis=1)
    separator = str(rng.choice([" ", ",", ";", "\t", ", "]))
    lines = [separator.join(f"{v:.6f}" for v in row) for row in lam]
    for _ in range(int(rng.integers(0, 4))):
        k = int(rng.integers(len(lines)))
        fields = lines[k].split(separator)
        fields[int(rng.integers(len(fields)))] = str(rng.choice(JUNK + HUGE))
        lines[k] = separator.join(fields)
    if rng.random() < 0.2:
        lines = [line.replace(".", ",") for line in lines]  # decimal commas
    path = folder / "spectrum.txt"
    header = "# spatial_dimension: 3\n" if rng.random() < 0.8 else ""
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8", errors="surrogateescape")
    return Case(path, "text", declares=["model=glass"])


FAMILIES: dict[str, Callable[[np.random.Generator, Path], Case]] = {
    "npz-zip": _npz_zip,
    "npz-deflate": _npz_deflate,
    "npz-header": _npz_header,
    "npz-values": _npz_values,
    "lammps-data": _lammps_data,
    "lammps-dump": _lammps_dump,
    "huge-integers": _huge_integers,
    "text": _text,
}


# ------------------------------------------------------------------ running a case


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def ring(signum: int, frame: Any) -> None:
        raise CaseTimeout(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def read_case(case: Case) -> Any:
    """Read ``case`` as ``vdosbench score`` does: ``--set`` parsed, the adapter, the declaration, the check."""
    from vdosbench.benchmark import declaration_for, declare
    from vdosbench.benchmark.scorecard import read_input
    from vdosbench.cli.options import parse_assignments, parse_declarations
    from vdosbench.datasets import check

    options = parse_assignments(case.sets, "--set", multi=False)
    info, ds = read_input(case.path, format=case.format, **options)
    declaration = declaration_for(case.path, parse_declarations(case.declares))
    if declaration is not None:
        ds = declare(ds, declaration, info.name)
    check(ds)
    return ds


def outcome_of(case: Case) -> tuple[str, str]:
    """(outcome, detail): the outcome as ``vdosbench score`` would report it (module docstring)."""
    from vdosbench.cli.errors import input_errors

    try:
        with _time_limit(CASE_SECONDS):
            read_case(case)
    except CaseTimeout as e:
        return "hang", str(e)
    except input_errors() as e:
        return ("refused", "") if len(str(e)) > 20 else ("bug", f"bare message: {type(e).__name__}: {e}")
    except MemoryError as e:
        return "memory", f"MemoryError: {str(e)[:200]}"
    except OSError as e:
        return "os-error", f"{type(e).__name__}: {str(e)[:200]}"
    except Exception as e:  # noqa: BLE001 - what score reports as "this is a bug"
        where = traceback.extract_tb(e.__traceback__)[-1]
        return "bug", f"{type(e).__name__}: {str(e)[:200]} (at {Path(where.filename).name}:{where.lineno})"
    return "read", ""


def run(n_cases: int, seed: int, folder: Path) -> dict[str, Any]:
    """Run ``n_cases`` cases split over :data:`FAMILIES`; counts per family and outcome, kept examples."""
    names = list(FAMILIES)
    children = np.random.SeedSequence(seed).spawn(len(names))
    rngs = {name: np.random.default_rng(child) for name, child in zip(names, children)}
    counts: dict[str, Counter[str]] = {name: Counter() for name in names}
    examples: list[dict[str, Any]] = []
    for k in range(n_cases):
        name = names[k % len(names)]
        case_folder = folder / f"{name}-{k}"
        case_folder.mkdir()
        try:
            case = FAMILIES[name](rngs[name], case_folder)
        except Exception as e:  # noqa: BLE001 - a builder's own failure is the script's bug, counted apart
            counts[name]["builder-failed"] += 1
            examples.append({"family": name, "case": k, "outcome": "builder-failed", "detail": repr(e)[:200]})
            continue
        outcome, detail = outcome_of(case)
        counts[name][outcome] += 1
        if outcome not in ("read", "refused") and sum(e["outcome"] == outcome for e in examples) < KEEP_EXAMPLES:
            examples.append(
                {
                    "family": name,
                    "case": k,
                    "outcome": outcome,
                    "detail": detail,
                    "sets": [_cut(x) for x in case.sets],
                    "declares": [_cut(x) for x in case.declares],
                }
            )
        for path in case_folder.iterdir():
            path.unlink()
        case_folder.rmdir()
    total = Counter()
    for c in counts.values():
        total.update(c)
    return {
        "by_family": {name: dict(sorted(c.items())) for name, c in counts.items()},
        "total": dict(sorted(total.items())),
        "examples": examples,
    }


def _cut(text: str, n: int = 80) -> str:
    """``text`` cut to ``n`` characters (a 4000-digit value is recorded by its start and length)."""
    return text if len(text) <= n else f"{text[:n]}… ({len(text)} characters)"


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=64)
    ap.add_argument("--output", type=Path, default=ROOT / "speed" / "results" / "fuzz_readers.json")
    args = ap.parse_args(argv)
    os.environ.setdefault("VDOSBENCH_MEMORY_LIMIT", "2GB")  # a case that would take more is refused, not run
    load_before, wall, cpu = _load(), time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="vdosbench-fuzz-") as folder:
        counts = run(args.cases, args.seed, Path(folder))
    from vdosbench.benchmark.machine import machine_info
    from vdosbench.datasets.io import write_text
    from vdosbench.datasets.json_files import dumps_strict

    result = {
        "method": __doc__,
        "command": "python speed/fuzz_readers.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "cases": args.cases,
        "seed": args.seed,
        "case_seconds": CASE_SECONDS,
        "memory_limit": os.environ["VDOSBENCH_MEMORY_LIMIT"],
        **counts,
        "bugs": counts["total"].get("bug", 0),
        "wall_seconds": round(time.perf_counter() - wall, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "machine": {
            **machine_info("numpy", "xarray"),
            "python": platform.python_version(),
            "affinity": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "nice": os.nice(0),
        },
        "load_average_1_5_15min": {"before": load_before, "after": _load()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_text(args.output, dumps_strict(result, indent=1) + "\n")
    print(dumps_strict({k: result[k] for k in ("total", "bugs", "wall_seconds")}, indent=1))
    return 0 if result["bugs"] == 0 and not counts["total"].get("hang") else 1


if __name__ == "__main__":
    sys.exit(main())
