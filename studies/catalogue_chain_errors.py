"""Give the catalogue's Monte Carlo chain sets their chain standard errors (issue 25, item 8).

``vdosbench build`` judges a rebuild that is not within the rounding tolerance by a two-sample realization
test (:func:`vdosbench.benchmark.fingerprint.compare_realizations`).  For a set of Monte Carlo chains it needs
standard errors from a bootstrap over whole chains, which fingerprints computed before 26 Nov 2026 do not hold.
The full sets are gone (made on a lost machine, or their parts removed after cataloguing); their scoring forms
are in the repository (``reference-data/``).  This script computes each chain set's fingerprint from its
scoring form and, after checking that the scoring form gives the catalogued values and sample standard errors
of every quantity it holds (the same eigenvalues and scalars: equal to 1e-12 relative), writes ``chains =
[...]`` and a ``[datasets.NAME.fingerprint.chain_stderr]`` table into ``datasets/catalog.toml``.  A quantity
the scoring form left out (a scalar not needed for scoring) gets no chain standard error; the realization
test names it as left out.

Usage::

    python studies/catalogue_chain_errors.py [--catalog datasets/catalog.toml] [--check]

``--check`` changes nothing and exits 1 when an entry's chain standard errors are missing or differ from
what its scoring form gives.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import xarray as xr

from vdosbench.benchmark.fingerprint import compute_fingerprint
from vdosbench.datasets.catalog import (
    CatalogEntry,
    Fingerprint,
    file_sha256,
    fingerprint_toml,
    load_catalog,
    toml_key,
)
from vdosbench.datasets.io import write_text

CATALOG = Path(__file__).resolve().parents[1] / "datasets" / "catalog.toml"
#: Relative agreement demanded between the catalogued and the scoring form's values and sample errors.
AGREEMENT = 1e-12


def chain_entries(catalog: Path = CATALOG) -> list[CatalogEntry]:
    """The entries whose data are Monte Carlo chains (``mean:chain`` in the fingerprint) with a scoring form."""
    return [e for e in load_catalog(catalog).values()
            if e.fingerprint is not None and "mean:chain" in e.fingerprint.values and e.scoring_form is not None]


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= AGREEMENT * max(abs(a), abs(b), 1e-300)


def from_scoring_form(entry: CatalogEntry) -> Fingerprint:
    """The entry's catalogued fingerprint with the chain counts and chain standard errors of its scoring form.

    Raises
    ------
    ValueError
        When the scoring form is not at hand, holds no chains, or gives another value or sample standard error
        for a quantity it holds.
    """
    assert entry.fingerprint is not None and entry.scoring_form is not None
    path = entry.scoring_form.local_path
    if path is None or not path.is_file() or file_sha256(path) != entry.scoring_form.sha256:
        raise ValueError(f"{entry.name}: scoring form {entry.scoring_form.repository_path} not found or not its "
                         "catalogued sha256; expected it in the clone's reference-data/. Fix: run from a clone")
    with xr.open_dataset(path, engine="netcdf4") as ds:
        fp = compute_fingerprint(ds)
    cat = entry.fingerprint
    if fp.chains is None or fp.chain_stderr is None:
        raise ValueError(f"{entry.name}: its scoring form has no chain variable shared by samples; expected chains")
    if fp.points != cat.points:
        raise ValueError(f"{entry.name}: scoring form points {fp.points}, catalogued {cat.points}")
    for q in fp.values:
        if q not in cat.values:
            raise ValueError(f"{entry.name}: the scoring form gives {q!r}, which the catalogue lacks")
        for column, ours, theirs in (("value", fp.values[q], cat.values[q]), ("stderr", fp.stderr[q], cat.stderr[q])):
            if not all(_close(a, b) for a, b in zip(ours, theirs)):
                raise ValueError(f"{entry.name}: {q} {column} {list(ours)} from the scoring form, catalogued "
                                 f"{list(theirs)}; expected equal to {AGREEMENT:g} relative")
    return replace(cat, chains=fp.chains, chain_stderr=dict(fp.chain_stderr))


def _fingerprint_block(text: str, name: str) -> tuple[int, int]:
    """Start and end of the entry's ``[datasets.NAME.fingerprint...]`` tables in the catalogue's text."""
    key = re.escape(toml_key(name))
    start = re.search(rf"^\[datasets\.{key}\.fingerprint\]$", text, flags=re.M)
    if start is None:
        raise ValueError(f"{name}: no [datasets.{toml_key(name)}.fingerprint] table in the catalogue")
    following = re.compile(r"^\[(?!datasets\." + key + r"\.fingerprint[.\]])", flags=re.M)
    end = following.search(text, start.end())
    return start.start(), end.start() if end else len(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, default=CATALOG)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 where the catalogue differs")
    args = parser.parse_args(argv)
    text = args.catalog.read_text()
    stale = []
    for entry in chain_entries(args.catalog):
        fp = from_scoring_form(entry)
        if entry.fingerprint == fp:
            print(f"{entry.name}: chain standard errors as catalogued ({list(fp.chains or ())} chains)")
            continue
        stale.append(entry.name)
        left_out = sorted(set(fp.values) - set(fp.chain_stderr or {}))
        print(f"{entry.name}: {list(fp.chains or ())} chains, {len(fp.chain_stderr or {})} chain standard errors"
              f"{f', left out (not in the scoring form): {left_out}' if left_out else ''}")
        start, end = _fingerprint_block(text, entry.name)
        text = text[:start] + fingerprint_toml(entry.name, fp) + ("\n" if end < len(text) else "") + text[end:]
    if args.check:
        if stale:
            print(f"missing or different chain standard errors: {stale}. Fix: python studies/catalogue_chain_errors.py")
        return 1 if stale else 0
    if stale:
        write_text(args.catalog, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
