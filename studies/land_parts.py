"""Land finished pieces of a running study as append-only parts (issue 66 item 7: results that do not bloat history).

``python -m studies.land_parts SET FOLDER [FOLDER ...] --sizes N`` (from the clone's root) writes each finished piece folder (one that holds
``n{N}/ensemble.nc``: every sample of the piece done) in the compact form (per-site arrays and Monte Carlo traces
left out, :func:`studies.finite_size.export_compact`) as ``studies/results/parts/SET/<folder name>.nc``.  A part is
written once and never rewritten: landing adds files, so each landing adds to the repository's history only what is
new (a growing single file added its whole size again at every landing).  A folder already landed is skipped when
its part holds the same samples, and refused when it differs.  Readers join the parts with
:func:`vdosbench.datasets.read_point_group_parts`.

Sets landed this way: ``confirm_n8000`` (issue 63 item 6, pieces of 10 samples a taper) and ``td_control_long``
(issue 63 item 7, one chain of 25 structures a piece).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from vdosbench.datasets import read_point_groups

from studies.finite_size import export_compact, load_points

ROOT = Path(__file__).resolve().parents[1]
PARTS = ROOT / "studies" / "results" / "parts"


def land(set_name: str, folders: Sequence[Path], sizes: Sequence[int], parts: Path = PARTS) -> dict[str, str]:
    """Land every finished folder of ``folders`` as a part of ``set_name``; what happened to each, by folder name."""
    out = {}
    for folder in map(Path, folders):
        if not all((folder / f"n{n}" / "ensemble.nc").exists() for n in sizes):
            out[folder.name] = "not finished (no ensemble.nc): skipped"
            continue
        target = parts / set_name / f"{folder.name}.nc"
        points = load_points(folder, sizes)
        if not points:
            out[folder.name] = "no point with 5 or more samples: skipped"
            continue
        if target.exists():
            held = {name: ds["sample"].values.tolist() for name, ds in read_point_groups(target).items()}
            new = {key: ds["sample"].values.tolist() for key, ds in points.items()}
            if sorted(map(sorted, held.values())) != sorted(map(sorted, new.values())):
                raise ValueError(
                    f"{target} holds samples {held}, the folder {folder} holds {new}; a part is never "
                    "rewritten. Fix: land the folder under another name, or remove the part on purpose"
                )
            out[folder.name] = "already landed"
            continue
        export_compact(points, target)
        counts = {f"{key}": int(ds.sizes["sample"]) for key, ds in points.items()}
        out[folder.name] = f"landed {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: {counts}"
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("set", help="the results set, e.g. confirm_n8000 or td_control_long")
    ap.add_argument("folders", type=Path, nargs="+", help="piece folders (finished ones are landed)")
    ap.add_argument("--sizes", type=int, nargs="+", required=True, help="the N of the pieces (e.g. 8000)")
    ap.add_argument("--parts", type=Path, default=PARTS, help="where the sets' part folders are")
    args = ap.parse_args(argv)
    for name, what in land(args.set, args.folders, args.sizes, args.parts).items():
        print(f"{name}: {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
