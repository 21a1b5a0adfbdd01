"""Adapter ``text``: plain eigenvalue (or frequency) text.

Layout
------
* ``#`` starts a comment (whole line or end of line); blank lines are skipped.
* One number per line: one sample, one mode per line.
* Several numbers per line: each line is one sample
  (``samples="rows"``, the default) or each column is one sample
  (``samples="columns"``); every line must hold the same count.
* The numbers of a line are separated by whitespace, commas or semicolons
  (CSV): the separator is detected from the first line of numbers and must
  be the same on every line (recorded in ``adapter_separator``); with
  semicolons, a decimal comma is named as such in the error; with commas, a
  file whose numbers are all integers in an even count of fields a line is
  refused as decimal commas read as pairs of integers (``0,110680``).
* Header comments ``# spatial_dimension: 3`` (alias ``dimension``),
  ``# values: frequency`` and ``# units: ...`` (``:`` or ``=``) set the
  option of that name; an option passed explicitly must agree with the
  header, and two header lines that give one key different values are an
  error naming both.
* Header comments ``# box_length: …``, ``# shear_modulus: …`` and
  ``# bulk_modulus: …`` give one number for every sample or one per sample
  (separated by whitespace or commas): with ``n_particles`` declared they let
  the claims read in absolute frequency ω/ω_g apply.
* A UTF-8 byte-order mark is skipped.

Memory: the numbers are parsed into one float64 buffer; before parsing, the
count estimated from the file size (and, while parsing, the count so far)
times :data:`TEXT_BYTES_PER_VALUE` is checked against the memory bound
(:func:`vdosbench.datasets.check_memory`).

Values are eigenvalues λ = ω² unless ``values="frequency"`` (then
λ = sign(ω) ω²).  The spatial dimension is not in the numbers: it must come
from the header or the option.
"""

from __future__ import annotations

import array
import re
from pathlib import Path

import numpy as np
import xarray as xr

from vdosbench.datasets.memory import check_memory

from .base import ZERO_TOLERANCE, AdapterError, as_spatial_dimension, spectrum_dataset
from .keys import text_aliases

__all__ = ["DELIMITERS", "HEADER_KEYS", "TEXT_BYTES_PER_VALUE", "read_text"]

#: Header comment keys the adapter understands (canonical names; aliases in :mod:`.keys`).
HEADER_KEYS = ("spatial_dimension", "values", "units", "box_length", "shear_modulus", "bulk_modulus")
#: Header keys that hold one number for every sample or one per sample.
PER_SAMPLE_HEADERS = ("box_length", "shear_modulus", "bulk_modulus")
_HEADER = re.compile(r"^#\s*(\w+)\s*[:=]\s*(.+?)\s*$")
_LAYOUTS = ("rows", "columns")
#: Separators between the numbers of a line, by name: detected from the first line of numbers.
DELIMITERS = {",": "comma", ";": "semicolon", None: "whitespace"}
#: Bytes held per number from parsing to the checked dataset (the parsed array, the sorted copy, the sort
#: order, flags and temporaries of the checks); measured peak over the file's numbers: 40 - 50 bytes.
TEXT_BYTES_PER_VALUE = 56
#: Numbers parsed between two checks of the memory bound.
_CHECK_EVERY = 1 << 20
#: Longest piece of a line that an error message quotes.
_QUOTE = 40


def _quote(text: str) -> str:
    """``text`` as ``repr``, cut to :data:`_QUOTE` characters (an error message stays a few lines)."""
    return repr(text if len(text) <= _QUOTE else text[:_QUOTE] + "…")


def _delimiter(body: str) -> str | None:
    """The separator of a line of numbers: ``;`` or ``,`` when present (``;`` first: a decimal comma), else
    whitespace (``None``)."""
    return ";" if ";" in body else "," if "," in body else None


def _fields(body: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return body.split()
    fields = [f.strip() for f in body.split(delimiter)]
    return fields[:-1] if len(fields) > 1 and fields[-1] == "" else fields  # a trailing separator


def _estimated_values(path: Path) -> int:
    """Numbers in ``path``, estimated from the bytes per number of its first 64 kB of number lines."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    lines = [ln for ln in head.splitlines()[:-1] if ln.strip() and not ln.lstrip().startswith(b"#")]
    count = sum(len(ln.replace(b",", b" ").replace(b";", b" ").split()) for ln in lines)
    used = sum(len(ln) + 1 for ln in lines)
    return int(size * count / used) if count and used else 0


def _check_values(count: int, where: str) -> None:
    check_memory(
        count * TEXT_BYTES_PER_VALUE,
        f"reading {where} ({count} numbers at {TEXT_BYTES_PER_VALUE} bytes each while parsing and checking)",
        "split the file (one file per group of samples), or store the spectra as .npz (numpy.savez)",
    )


def _header_line(stripped: str, number: int, header: dict[str, tuple[int, str]], where: str) -> None:
    """Record a ``# key: value`` header line; a second line with another value for the same key is an error."""
    match = _HEADER.match(stripped)
    if not match:
        return
    key = text_aliases().get(match.group(1))
    if key is None:
        return
    value = match.group(2)
    if key in header and header[key][1] != value:
        first, old = header[key]
        raise AdapterError(
            f"{where}: header line {number} sets {key} = {_quote(value)} but line {first} set it to {_quote(old)}; "
            "expected one value. Fix: delete one of the two lines"
        )
    header.setdefault(key, (number, value))


def _parse(path: Path) -> tuple[np.ndarray, int, dict[str, str], str]:
    """The numbers of ``path`` as a table (rows as in the file), its width, the header and the separator's name."""
    where = f"{path} (format 'text')"
    _check_values(_estimated_values(path), where)
    header: dict[str, tuple[int, str]] = {}
    values = array.array("d")
    width = first_line = 0
    delimiter: str | None = None
    number = 0
    any_fraction = False  # a decimal point, an exponent, inf or nan anywhere (G13: decimal commas)
    try:
        with open(path, encoding="utf-8-sig") as fh:  # utf-8-sig: a byte-order mark (Windows editors) is skipped
            for number, line in enumerate(fh, start=1):
                stripped = line.strip()
                if stripped.startswith("#"):
                    _header_line(stripped, number, header, where)
                    continue
                body = stripped.split("#", 1)[0].strip()
                if not body:
                    continue
                if not first_line:
                    delimiter = _delimiter(body)
                elif delimiter is None and _delimiter(body) is not None:
                    raise AdapterError(
                        f"{where}: line {number} separates numbers by {DELIMITERS[_delimiter(body)]}s but line "
                        f"{first_line} by whitespace; expected one separator. Fix: use one separator throughout"
                    )
                fields = _fields(body, delimiter)
                if delimiter == "," and not any_fraction:
                    any_fraction = any(any(c in tok for c in ".eEnN") for tok in fields)
                try:
                    row = [float(tok) for tok in fields]
                except ValueError:
                    bad = next(tok for tok in fields if not _is_float(tok))
                    raise AdapterError(_not_a_number(where, number, bad, delimiter)) from None
                if not first_line:
                    width, first_line = len(row), number
                elif len(row) != width:
                    raise AdapterError(
                        f"{where}: line {first_line} holds {width} numbers but line {number} holds {len(row)}; "
                        "every sample needs the same number of modes (store different sizes in separate files)"
                    )
                values.extend(row)
                if len(values) % _CHECK_EVERY < width:
                    _check_values(len(values), where)
    except UnicodeDecodeError as e:
        raise AdapterError(
            f"{where}: not UTF-8 text (line {number + 1}: {e.reason} at byte {e.start}); expected plain text. "
            "A binary file needs its own format (see the format list)"
        ) from None
    if delimiter == "," and values and not any_fraction and width % 2 == 0:
        raise AdapterError(
            f"{where}: every number is an integer and the lines hold an even count ({width}) of comma-separated "
            f"fields, e.g. line {first_line} starts {_quote(_first_fields(path, first_line))}: decimal commas "
            "(0,110680 for 0.110680) read as pairs of integers? Expected eigenvalues with decimal points. Fix: "
            "write decimal points, or separate the numbers by semicolons (then a decimal comma is named), or, "
            "if the integers are meant, write them with a decimal point (3.0)"
        )
    table = np.frombuffer(values, dtype=np.float64).reshape(-1, width) if values else np.empty((0, 0))
    return table, width, {k: v for k, (_, v) in header.items()}, DELIMITERS[delimiter]


def _first_fields(path: Path, number: int) -> str:
    """The start of line ``number`` of ``path`` (for a message)."""
    with open(path, encoding="utf-8-sig") as fh:
        for k, line in enumerate(fh, start=1):
            if k == number:
                return line.strip()[:40]
    return ""


def _not_a_number(where: str, number: int, bad: str, delimiter: str | None) -> str:
    """The message for a field that is not a number (a few lines at most; the field is quoted, cut)."""
    found = f"line {number} holds {_quote(bad)}, which is not a number"
    if delimiter is None and ("," in bad or ";" in bad):
        return f"{where}: {found}; expected numbers separated by whitespace. Fix: use one separator throughout"
    if delimiter == ";" and "," in bad:
        return (
            f"{where}: {found} (a decimal comma?); expected numbers with a decimal point, separated by "
            "semicolons. Fix: write decimal points"
        )
    sep = DELIMITERS[delimiter]
    return f"{where}: {found} (numbers separated by {sep}); comment out non-numeric lines with '#'"


def _is_float(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _agree(option: object, header: dict[str, str], key: str, where: str) -> str | None:
    from_header = header.get(key)
    if option is None:
        return from_header
    if from_header is not None and str(option) != from_header:
        raise AdapterError(
            f"{where}: option {key}={option!r} contradicts the header line '# {key}: {from_header}'; "
            "fix the header or drop the option"
        )
    return str(option)


def _header_numbers(text: str, key: str, where: str) -> np.ndarray:
    """The numbers of a ``# key: …`` header line (one, or one per sample; whitespace or commas between them)."""
    fields = [f for f in re.split(r"[\s,]+", text) if f]
    try:
        numbers = np.array([float(f) for f in fields], dtype=np.float64)
    except ValueError:
        raise AdapterError(
            f"{where}: header '# {key}: {_quote(text)[1:-1]}' holds something that is not a number; expected one "
            f"number for every sample, or one per sample. Fix: write e.g. '# {key}: 15.4'"
        ) from None
    if not numbers.size:
        raise AdapterError(f"{where}: header '# {key}:' holds no number; expected one, or one per sample")
    return numbers


def _text_dimension(spatial_dimension: int | None, header: dict[str, str], where: str) -> int:
    """d from the option or the ``# spatial_dimension:`` header line (which must agree); raise if neither gives it."""
    d_text = _agree(spatial_dimension, header, "spatial_dimension", where)
    if d_text is None:
        raise AdapterError(
            f"{where}: the spatial dimension is unknown for plain eigenvalue text; pass "
            "spatial_dimension=2 or 3 (CLI: --set spatial_dimension=3) or add a header line "
            "'# spatial_dimension: 3'"
        )
    try:
        return as_spatial_dimension(int(d_text), where)
    except ValueError:
        raise AdapterError(f"{where}: spatial_dimension {d_text!r} is not an integer 1, 2 or 3") from None


def read_text(
    paths: list[Path],
    *,
    spatial_dimension: int | None = None,
    values: str | None = None,
    samples: str = "rows",
    zero_modes: int | None = None,
    zero_tolerance: float = ZERO_TOLERANCE,
    site_degrees_of_freedom: int | None = None,
    units: str | None = None,
) -> xr.Dataset:
    """Read plain eigenvalue text (layout in the module docstring).

    Parameters
    ----------
    paths
        One file.
    spatial_dimension
        d (required unless the header gives it).
    values
        ``"eigenvalue"`` (default) or ``"frequency"``.
    samples
        ``"rows"``: a line is a sample; ``"columns"``: a column is a sample.
    zero_modes, zero_tolerance
        Zero-mode rule (:func:`~vdosbench.benchmark.adapters.base.zero_mode_flags`).
    site_degrees_of_freedom
        1 (scalar model) or d (vector model), recorded when given.
    units
        Units of λ (default ``"1"``).

    Returns
    -------
    xarray.Dataset

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "two_samples.txt"
    >>> _ = target.write_text("# two samples, one per line\\n0 1 2\\n0 3 1\\n")
    >>> read_text([target], spatial_dimension=2, zero_modes=1)["eigenvalue"].values.tolist()
    [[0.0, 1.0, 2.0], [0.0, 1.0, 3.0]]
    """
    (path,) = paths
    where = f"{path} (format 'text')"
    if samples not in _LAYOUTS:
        raise AdapterError(f"{where}: samples={samples!r}; expected one of {_LAYOUTS}")
    table, width, header, separator = _parse(path)
    if not table.size:
        raise AdapterError(
            f"{where}: no numbers found (the file is empty or holds only comments); "
            "write one eigenvalue per line, or one sample per line"
        )
    if width == 1:
        lam = table.T  # one number per line: one sample
    else:
        lam = table if samples == "rows" else table.T
    d = _text_dimension(spatial_dimension, header, where)
    kind = _agree(values, header, "values", where) or "eigenvalue"
    unit = _agree(units, header, "units", where) or "1"
    given = {key: _header_numbers(header[key], key, where) for key in PER_SAMPLE_HEADERS if key in header}
    box = given.pop("box_length", None)
    if box is not None and box.size == 1:
        box = np.full(lam.shape[0], float(box[0]))
    return spectrum_dataset(
        lam,
        paths=paths,
        format_name="text",
        spatial_dimension=d,
        values=kind,
        zero_modes=zero_modes,
        zero_tolerance=zero_tolerance,
        units=unit,
        site_degrees_of_freedom=site_degrees_of_freedom,
        box_length=box,
        moduli={k: (v[0] if v.size == 1 else v) for k, v in given.items()},
        extra_attrs={
            "adapter_layout": "one sample" if width == 1 else f"one sample per {samples[:-1]}",
            "adapter_separator": separator,
        },
    )
