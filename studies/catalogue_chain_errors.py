"""Give the catalogue's Monte Carlo chain sets their chain standard errors (issue 25, item 8).

``vdosbench build`` judges a rebuild that is not within the rounding tolerance by a two-sample realization
test (:func:`vdosbench.benchmark.fingerprint.compare_realizations`).  For a set of Monte Carlo chains it needs
standard errors from a bootstrap over whole chains, which fingerprints computed before 26 Nov 2026 do not hold.
The full sets are gone (made on a lost machine, or their parts removed after cataloguing); their scoring forms
are in the repository (``reference-data/``), and the finite-size study's compact file
(``studies/results/finite_size_modes.nc``, one group per N, taper and temperature) keeps every per-sample
variable of the issue-25 ladder sets, as ``studies/results/td_control_chains.nc`` does for the control's registered
chains (issue 52).  This script computes each chain set's fingerprint from its scoring form, or, where the form
left quantities out and a study file gives them all, from that file's groups of the entry's points (the entry's
samples of a group that holds more); it checks that the source gives the catalogued value and sample standard
error of every quantity it holds (the same samples in the same order: equal to 1e-12 relative), and writes
``chains = [...]``
and a ``[datasets.NAME.fingerprint.chain_stderr]`` table into ``datasets/catalog.toml``.  A quantity neither
source holds (a scalar the scoring form did not need) gets no chain standard error; the realization test names
it as left out.

Usage::

    python studies/catalogue_chain_errors.py [--catalog datasets/catalog.toml] [--study FILE ...] [--check]

``--check`` changes nothing and exits 1 when an entry's chain standard errors are missing or differ from
what its scoring form gives by more than :data:`AGREEMENT` relative.  Numbers are compared by value, never as
text: another numpy/scipy/BLAS build sums the same bootstrap in another order and may differ in the last bit
(~1e-16 relative), so a catalogue that agrees to :data:`AGREEMENT` is left as it is, with its digits.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import xarray as xr

from vdosbench.benchmark.fingerprint import compute_fingerprint
from vdosbench.datasets import parameter_dims
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
#: The finite-size study's compact file: every per-sample variable of the ladder sets, a group per point.
STUDY = Path(__file__).resolve().parent / "results" / "finite_size_modes.nc"
#: The study files tried in turn: the finite-size study's and the control's registered chains (issue 52), in the
#: same compact form.
STUDIES = (STUDY, STUDY.with_name("td_control_chains.nc"))
#: Relative agreement demanded between the catalogued and the scoring form's values and sample errors.
AGREEMENT = 1e-12


def chain_entries(catalog: Path = CATALOG) -> list[CatalogEntry]:
    """The entries whose data are Monte Carlo chains (``mean:chain`` in the fingerprint) with a scoring form."""
    return [
        e
        for e in load_catalog(catalog).values()
        if e.fingerprint is not None and "mean:chain" in e.fingerprint.values and e.scoring_form is not None
    ]


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= AGREEMENT * max(abs(a), abs(b), 1e-300)


def _columns_agree(ours: Sequence[float], theirs: Sequence[float]) -> bool:
    """Two columns of a fingerprint table hold as many numbers, each pair equal to :data:`AGREEMENT` relative."""
    return len(ours) == len(theirs) and all(_close(a, b) for a, b in zip(ours, theirs))


def fingerprint_differences(ours: Fingerprint, catalogued: Fingerprint) -> list[str]:
    """What differs between two fingerprints, one line each; empty when they agree.

    The labels (definition, resampling, points, chain counts) must be equal; the numbers (values, standard
    errors, chain standard errors) equal to :data:`AGREEMENT` relative, never bit for bit (module docstring).

    Examples
    --------
    >>> a = Fingerprint(1, "sample", ("all",), {"q": (1.0,)}, {"q": (0.1,)}, (2,), {"q": (0.2,)})
    >>> fingerprint_differences(a, replace(a, chain_stderr={"q": (0.2 * (1 + 1e-15),)}))
    []
    >>> fingerprint_differences(a, replace(a, chain_stderr={"q": (0.2002,)}))
    ['chain_stderr q: [0.2], catalogued [0.2002]']
    """
    lines = [
        f"{field} {getattr(ours, field)!r}, catalogued {getattr(catalogued, field)!r}"
        for field in ("definition", "resampled", "points", "chains")
        if getattr(ours, field) != getattr(catalogued, field)
    ]
    for table in ("values", "stderr", "chain_stderr"):
        mine: Mapping[str, tuple[float, ...]] = getattr(ours, table) or {}
        theirs: Mapping[str, tuple[float, ...]] = getattr(catalogued, table) or {}
        if one_side := sorted(set(mine) ^ set(theirs)):
            lines.append(f"{table}: quantities on one side only: {one_side}")
        lines += [
            f"{table} {q}: {list(mine[q])}, catalogued {list(theirs[q])}"
            for q in sorted(set(mine) & set(theirs))
            if not _columns_agree(mine[q], theirs[q])
        ]
    return lines


def _study_dataset(form: xr.Dataset, study: Path) -> xr.Dataset | None:
    """The study file's groups of the scoring form's points, stacked on its parameter dimensions, or ``None``; a
    group whose samples include the form's gives those samples only."""
    dims = parameter_dims(form)
    if set(dims) != {"taper_order", "parent_temperature"} or not study.is_file():
        return None
    n = int(form.attrs["n_particles"])
    rows = []
    for taper in form["taper_order"].values:
        row = []
        for temperature in form["parent_temperature"].values:
            group = f"n{n}_m{'inf' if int(taper) == -1 else int(taper)}_t{float(temperature):g}"
            try:
                g = xr.open_dataset(study, group=group, engine="netcdf4").load()
            except (OSError, KeyError):  # no such group
                return None
            if "sample" in g.coords and set(form["sample"].values.tolist()) <= set(g["sample"].values.tolist()):
                g = g.sel(sample=form["sample"].values)  # a study group may hold more chains than the set
            row.append(g.drop_vars(["taper_order", "parent_temperature"], errors="ignore"))
        rows.append(xr.concat(row, dim="parent_temperature"))
    ds = xr.concat(rows, dim="taper_order").assign_coords(
        taper_order=form["taper_order"].values, parent_temperature=form["parent_temperature"].values
    )
    ds = ds.transpose(*dims, "sample", ...)
    ds.attrs.update(form.attrs)
    return ds


def _check(name: str, source: str, fp: Fingerprint, cat: Fingerprint, *, extra: bool = False) -> None:
    """``fp`` has the catalogue's points and, for every quantity it holds, its values and sample standard errors
    (``extra``: quantities the catalogue lacks, a variable the study added later, are passed over)."""
    if fp.chains is None or fp.chain_stderr is None:
        raise ValueError(f"{name}: the {source} has no chain variable shared by samples; expected chains")
    if fp.points != cat.points:
        raise ValueError(f"{name}: {source} points {fp.points}, catalogued {cat.points}")
    for q in fp.values:
        if q not in cat.values:
            if extra:
                continue
            raise ValueError(f"{name}: the {source} gives {q!r}, which the catalogue lacks")
        for column, ours, theirs in (("value", fp.values[q], cat.values[q]), ("stderr", fp.stderr[q], cat.stderr[q])):
            if not _columns_agree(ours, theirs):
                raise ValueError(
                    f"{name}: {q} {column} {list(ours)} from the {source}, catalogued "
                    f"{list(theirs)}; expected equal to {AGREEMENT:g} relative"
                )


def chain_fingerprint(entry: CatalogEntry, study: Path | Sequence[Path] = STUDIES) -> tuple[Fingerprint, str]:
    """The entry's catalogued fingerprint with chain counts and chain standard errors, and their source.

    The source is the scoring form, or the first study file (``study``: one or several, tried in turn) that gives
    every catalogued quantity where the form lacks some (module docstring).

    Raises
    ------
    ValueError
        When the scoring form is not at hand, holds no chains, or gives another value or sample standard error
        for a quantity it holds (study groups that are not this set are passed over, and the source says so).
    """
    assert entry.fingerprint is not None and entry.scoring_form is not None
    path = entry.scoring_form.local_path
    if path is None or not path.is_file() or file_sha256(path) != entry.scoring_form.sha256:
        raise ValueError(
            f"{entry.name}: scoring form {entry.scoring_form.repository_path} not found or not its "
            "catalogued sha256; expected it in the clone's reference-data/. Fix: run from a clone"
        )
    cat = entry.fingerprint
    studies = [study] if isinstance(study, Path) else list(study)
    with xr.open_dataset(path, engine="netcdf4") as form:
        fp, source = compute_fingerprint(form), "scoring form"
        _check(entry.name, source, fp, cat)
        for study_file in studies if set(fp.values) != set(cat.values) else []:
            ds = _study_dataset(form, study_file)
            if ds is None:
                continue
            try:
                whole = compute_fingerprint(ds)
                _check(entry.name, "study file", whole, cat, extra=True)
            except ValueError as e:  # other samples under the same group name (e.g. a high-T* point): not this set
                source += f" ({study_file.name}'s groups are not this set: {str(e)[:120]})"
            else:
                if set(whole.values) >= set(cat.values):
                    fp, source = whole, f"study file {study_file.name}"
                    break
    chain_stderr = {q: e for q, e in (fp.chain_stderr or {}).items() if q in cat.values}
    return replace(cat, chains=fp.chains, chain_stderr=chain_stderr), source


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
    parser.add_argument(
        "--study",
        type=Path,
        nargs="+",
        default=list(STUDIES),
        help="the study files in compact form, tried in turn (default: the finite-size study's and "
        "the control's registered chains)",
    )
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 where the catalogue differs")
    args = parser.parse_args(argv)
    text = args.catalog.read_text()
    stale = []
    for entry in chain_entries(args.catalog):
        fp, source = chain_fingerprint(entry, args.study)
        assert entry.fingerprint is not None
        differences = fingerprint_differences(fp, entry.fingerprint)
        if not differences:
            print(
                f"{entry.name}: chain standard errors as catalogued ({list(fp.chains or ())} chains, {source}; "
                f"equal to {AGREEMENT:g} relative)"
            )
            continue
        stale.append(entry.name)
        print(
            f"{entry.name}: differs from the catalogue: "
            + "; ".join(d[:200] for d in differences[:3])
            + (f"; and {len(differences) - 3} more" if len(differences) > 3 else "")
        )
        left_out = sorted(set(fp.values) - set(fp.chain_stderr or {}))
        print(
            f"{entry.name}: {list(fp.chains or ())} chains, {len(fp.chain_stderr or {})} chain standard errors "
            f"from the {source}{f', left out (in neither source): {left_out}' if left_out else ''}"
        )
        start, end = _fingerprint_block(text, entry.name)
        text = text[:start] + fingerprint_toml(entry.name, fp) + ("\n" if end < len(text) else "") + text[end:]
    if args.check:
        if stale:
            print(
                f"missing or different chain standard errors (beyond {AGREEMENT:g} relative): {stale}. "
                "Fix: python studies/catalogue_chain_errors.py"
            )
        return 1 if stale else 0
    if stale:
        write_text(args.catalog, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
