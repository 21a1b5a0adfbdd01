"""What the studies that read one registration each share: the verdicts of a result, and writing it.

A result of :mod:`studies.confirm_n8000` or :mod:`studies.td_control_long` holds ``claims``: claim id → a list of
readings (:func:`vdosbench.benchmark.scoring.judged_reading`), or → {point: list of readings} where a claim is read
at several points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import xarray as xr

from vdosbench.datasets import point_group_key, read_point_group_parts
from vdosbench.datasets.io import write_text
from vdosbench.datasets.json_files import dumps_strict

#: The tapers' names in the readings.
TAPER_NAME = {2: "m = 2", -1: "m = inf"}


def points_at(path: Path, n: int, tstar: float) -> dict[int, xr.Dataset]:
    """The points of size ``n`` at parent temperature ``tstar`` in a point-group file or a folder of parts:
    {taper: dataset}.  A file that names its groups without the size (``m2_t1``: one N in the file, as the N = 2000
    confirmatory file does) is read as size ``n``."""
    out = {}
    for name, ds in read_point_group_parts(path).items():
        size, taper, t = point_group_key(name if name.startswith("n") else f"n{n}_{name}")
        if size == n and math.isclose(t, tstar):
            out[taper] = ds
    return out


def registered_units(path: Path, n: int, tstar: float, registered: Mapping[int, float]) -> dict[int, float]:
    """G_u a taper by the package's rule (:func:`vdosbench.validators.common_shear_modulus`) on the points of size
    ``n`` at ``tstar`` in ``path``, each checked against the number its registration fixed (to 5e-4)."""
    from vdosbench.validators import common_shear_modulus, mode_spectra_from_dataset

    out = {}
    for taper, ds in points_at(path, n, tstar).items():
        g = common_shear_modulus(mode_spectra_from_dataset(ds, f"N={n} {TAPER_NAME[taper]}"))
        if abs(g - registered[taper]) > 5e-4:
            raise ValueError(
                f"G_u of {TAPER_NAME[taper]} from {path.name} is {g:.4f}; the registration fixed "
                f"{registered[taper]:.3f}. The file changed since the registration: restore it"
            )
        out[taper] = g
    return out


def incomplete(landed: Mapping[str, int], required: int, what: str) -> dict[str, str]:
    """Each taper whose landed count is below ``required``, with why it is not read (``what``: e.g. "samples
    landed")."""
    return {
        name: f"{count} of {required} {what}: not read until complete"
        for name, count in landed.items()
        if count < required
    }


def reader_main(doc: str, read: Any, new: Path, out: Path, argv: Any = None) -> int:
    """The command line of a registered reader: ``--new`` (the landed parts), ``--out`` (the result JSON)."""
    import argparse

    parser = argparse.ArgumentParser(
        description=doc.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--new", type=Path, default=new, help="the landed parts (a folder of point-group files)")
    parser.add_argument("--out", type=Path, default=out, help="where the result JSON goes")
    args = parser.parse_args(argv)
    write_result(read(args.new), args.out)
    return 0


def verdicts(result: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(claim id, reading, verdict) of every reading in a result, in order.

    Examples
    --------
    >>> verdicts({"claims": {"a": [{"reading": "primary", "verdict": "supported"}],
    ...                      "b": {"m = 2": [{"reading": "primary", "verdict": "refuted"}]}}})
    [('a', 'primary', 'supported'), ('b', 'primary', 'refuted')]
    """
    out = []
    for claim_id, readings in result.get("claims", {}).items():
        groups = readings.values() if isinstance(readings, Mapping) else [readings]
        out += [(claim_id, r["reading"], r["verdict"]) for group in groups for r in group]
    return out


def write_result(result: Mapping[str, Any], out: Path) -> None:
    """Write ``result`` as strict JSON (atomically) and print what was read: the incomplete data, or each verdict."""
    write_text(out, dumps_strict(result, indent=1) + "\n")
    if result.get("not_read"):
        print(f"not read (incomplete): {dict(result['not_read'])}")
    for claim_id, reading, verdict in verdicts(result):
        print(f"{claim_id:45s} {verdict:13s} {reading}")
    print(f"wrote {out}")
