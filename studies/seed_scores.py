"""Seeds 000 and 002 scored on their catalogued reference sets, through ``vdosbench score`` (issue 66 item 6).

The README's findings table has one row per seed's headline claim; seeds 000 and 002 had no results file to
read it from (their findings pages were written from a generated sweep and a 60×60 run).  This script scores the
small sets the catalogue keeps in ``reference-data/`` with the same evaluation as ``vdosbench score`` -- it *is*
``vdosbench score``, run in this process -- and keeps each ``result.json`` as a results file:

- ``seed000_inhomogeneous_medium_score.json``: ``inhomogeneous-medium-k-g`` (scalar lattices whose modulus varies on
  1/k_G: modulation, random field, soft inclusions; 14³ sites, k_G = 2π m/14, m = 0…3), seed 000's
  ω_BP = (√3/2) c k_G (``jiang.omega-bp-proportional-to-k-g``) and its ω⁴ side;
- ``seed002_spring_networks_score.json``: ``spring-network-16`` (16×16 networks, δ = 0 and 0.2, nearest and cutoff
  springs, 3 samples; the full set, which holds the springs the excess claims read) and ``nine-node-toy``: seed
  002's boson peak from coordination (not spring-strength) disorder and the toy's two new poles.

Run from the clone's root (about 1 min on 2 cores)::

    python studies/seed_scores.py            # writes both files in studies/results/
    python studies/seed_scores.py --check    # rescores and compares the verdicts and values with the files

The scores are deterministic (fixed bootstrap seeds in the claims), so ``--check`` compares every verdict and
value exactly, apart from the paths and the provenance of the run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vdosbench.datasets.json_files import dumps_strict

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
REFERENCE = ROOT / "reference-data"
#: The claims file, relative to the clone's root (vdosbench's own).
CLAIMS = "benchmark/claims.toml"

#: Each results file and the catalogued sets (files in ``reference-data/``) it scores.
SETS: dict[str, tuple[str, ...]] = {
    "seed000_inhomogeneous_medium_score.json": ("inhomogeneous-medium-k-g.nc",),
    "seed002_spring_networks_score.json": ("spring-network-16-full.nc", "nine-node-toy.nc"),
}

#: ``vdosbench score``'s exit statuses that are verdicts (0: none refuted, 1: a claim refuted).
VERDICT_STATUSES = (0, 1)


def score(files: Sequence[Path]) -> dict[str, Any]:
    """``vdosbench score FILES --claims benchmark/claims.toml`` in this process, from the clone's root; its
    ``result.json``.

    Raises
    ------
    RuntimeError
        When the exit status is no verdict (2: bad input, 3: no claim applies); the message holds its stderr.
    """
    from vdosbench.cli import main

    # run from the clone's root with paths relative to it: the results file names no machine's folder, and its
    # content_hash (which covers the claims file's name) stays the one vdosbench score computed
    argv = ["score", *map(_relative, files), "--claims", CLAIMS]
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(ROOT):
        report = Path(tmp) / "report"
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            status = main([*argv, "--output", str(report)])
        if status not in VERDICT_STATUSES:
            raise RuntimeError(
                f"vdosbench {' '.join(argv)} exited {status}; expected a verdict (0 or 1). "
                f"Its stderr: {err.getvalue().strip()}"
            )
        return json.loads((report / "result.json").read_text(encoding="utf-8"))


def _relative(path: Path) -> str:
    """``path`` relative to the clone's root when it lies inside it, else absolute."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def readings(card: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Every applicable claim's verdict, robustness and point values of a scorecard, for comparing two scorings."""
    out = []
    for entry in card["results"]:
        points = tuple(
            (
                json.dumps(p.get("parameters"), sort_keys=True),
                *(_number(p.get("measurement", {}).get(k)) for k in ("value", "low", "high")),
            )
            for p in entry.get("points", [])
        )
        out.append((entry["id"], entry["dataset"], entry["verdict"], entry.get("robustness"), points))
    return out


def _number(value: Any) -> Any:
    return "nan" if isinstance(value, float) and math.isnan(value) else value


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the results files; the exit status (1: a file differs)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=RESULTS, help="the folder the results files are written to")
    ap.add_argument("--check", action="store_true", help="rescore and compare with the files; write nothing")
    args = ap.parse_args(argv)
    stale = []
    for name, files in SETS.items():
        card = score([REFERENCE / f for f in files])
        path = args.results / name
        if args.check:
            if not path.is_file() or readings(json.loads(path.read_text(encoding="utf-8"))) != readings(card):
                stale.append(name)
            continue
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(dumps_strict(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        shutil.move(tmp, path)
        print(f"wrote {path}")
    if stale:
        print(
            f"{', '.join(stale)} differ from a fresh scoring; run python studies/seed_scores.py to rewrite them",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
