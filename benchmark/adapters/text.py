"""Adapter ``text``: plain eigenvalue (or frequency) text.

Layout
------
* ``#`` starts a comment (whole line or end of line); blank lines are skipped.
* One number per line: one sample, one mode per line.
* Several whitespace-separated numbers per line: each line is one sample
  (``samples="rows"``, the default) or each column is one sample
  (``samples="columns"``); every line must hold the same count.
* Header comments ``# spatial_dimension: 3``, ``# values: frequency`` and
  ``# units: ...`` (``:`` or ``=``) set the option of that name; an option
  passed explicitly must agree with the header.

Values are eigenvalues λ = ω² unless ``values="frequency"`` (then
λ = sign(ω) ω²).  The spatial dimension is not in the numbers: it must come
from the header or the option.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xarray as xr

from .base import ZERO_TOLERANCE, AdapterError, as_spatial_dimension, spectrum_dataset

__all__ = ["HEADER_KEYS", "read_text"]

#: Header comment keys the adapter understands.
HEADER_KEYS = ("spatial_dimension", "values", "units")
_HEADER = re.compile(r"^#\s*(\w+)\s*[:=]\s*(.+?)\s*$")
_LAYOUTS = ("rows", "columns")


def _parse(path: Path) -> tuple[list[tuple[int, list[float]]], dict[str, str]]:
    where = f"{path} (format 'text')"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise AdapterError(
            f"{where}: not UTF-8 text ({e}); a binary file needs its own format (see the format list)"
        ) from e
    header: dict[str, str] = {}
    rows: list[tuple[int, list[float]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            match = _HEADER.match(stripped)
            if match and match.group(1) in HEADER_KEYS:
                header[match.group(1)] = match.group(2)
            continue
        body = stripped.split("#", 1)[0].split()
        if not body:
            continue
        try:
            rows.append((number, [float(tok) for tok in body]))
        except ValueError:
            bad = next(tok for tok in body if not _is_float(tok))
            raise AdapterError(
                f"{where}: line {number} holds {bad!r}, which is not a number; "
                "comment out non-numeric lines with '#'"
            ) from None
    return rows, header


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
    rows, header = _parse(path)
    if not rows:
        raise AdapterError(
            f"{where}: no numbers found (the file is empty or holds only comments); "
            "write one eigenvalue per line, or one sample per line"
        )
    widths = {len(r) for _, r in rows}
    if len(widths) > 1:
        first = rows[0]
        odd = next((n, r) for n, r in rows if len(r) != len(first[1]))
        raise AdapterError(
            f"{where}: line {first[0]} holds {len(first[1])} numbers but line {odd[0]} holds {len(odd[1])}; "
            "every sample needs the same number of modes (store different sizes in separate files)"
        )
    table = np.array([r for _, r in rows], dtype=np.float64)
    if table.shape[1] == 1:
        lam = table.T  # one number per line: one sample
    else:
        lam = table if samples == "rows" else table.T
    d_text = _agree(spatial_dimension, header, "spatial_dimension", where)
    if d_text is None:
        raise AdapterError(
            f"{where}: the spatial dimension is unknown for plain eigenvalue text; pass "
            "spatial_dimension=2 or 3 (CLI: --set spatial_dimension=3) or add a header line "
            "'# spatial_dimension: 3'"
        )
    try:
        d = as_spatial_dimension(int(d_text), where)
    except ValueError:
        raise AdapterError(f"{where}: spatial_dimension {d_text!r} is not an integer 1, 2 or 3") from None
    kind = _agree(values, header, "values", where) or "eigenvalue"
    unit = _agree(units, header, "units", where) or "1"
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
        extra_attrs={"adapter_layout": "one sample" if table.shape[1] == 1 else f"one sample per {samples[:-1]}"},
    )
