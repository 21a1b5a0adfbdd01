"""Issue 67 item 2: the literature matrix, claims x estimators x our data sets, and its page.

Every claim of the literature register (``benchmark/literature/*.toml``, :mod:`vdosbench.benchmark.literature`)
is read twice on each of our small catalogued sets (:data:`DATA_SETS`, ``reference-data/``): by the paper's
estimator (the claim's primary measure, re-implemented) and by our registered estimator (its alternative labelled
``vdosbench registered``), plus any other registered alternative.  Each cell is one parameter point of one set:
the value, its 95 % bootstrap interval and the verdict of the claim's own rule
(:func:`vdosbench.benchmark.evaluate_claim`); a claim whose published value was not checked against the paper's
text is read the same way and shown in parentheses (no verdict weight).

A claim that measures across sizes (``across = "n_particles"``: the Weibull of ω_min across N) reads the series
set (:data:`SERIES`: the five high-T* sizes along ``n_particles``); every other claim reads the single sets.

``python -m studies.literature_matrix`` (from the clone's root) computes ``studies/results/literature_matrix.json``
(a few minutes on one core) and writes ``docs/findings/literature-matrix.md`` from it; ``--page`` only rewrites the
page from the stored results, ``--check`` only compares the page with what the results give (exit 1 when stale).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets.json_files import dumps_strict
from vdosbench.benchmark import evaluate_claim
from vdosbench.benchmark.claims import Claim, alternative_claims
from vdosbench.benchmark.literature import REGISTERED_LABEL, LiteratureClaim, load_literature, papers
from vdosbench.benchmark.scoring import PointResult, ResultCache

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results" / "literature_matrix.json"
#: Written by ``python -m studies.certified_sets``: which samples of these sets are certified (issue 67 item 3).
CERTIFIED = ROOT / "studies" / "results" / "certified_sets.json"
#: Written by ``python -m studies.residual_stress``: each point's residual shear stress (issue 67 item 4).
STRESSES = ROOT / "studies" / "results" / "residual_stress.json"
PAGE = ROOT / "docs" / "findings" / "literature-matrix.md"
SCRIPT = "studies/literature_matrix.py"
PAPER_READING = "paper's estimator"


#: The page's dated changes (written by hand here, rendered at the page's end).
HISTORY = (
    "- 2026-11-28: first generated (issue 67 items 1 and 2): the register's claims, the paper's estimator beside "
    "ours, on the catalogued sets of `reference-data/`.  Before any verdict of the two participation-split claims "
    "was read, their window went from (0, 0.9 omega0] to the registered (0, 0.7 omega0] (the confirmatory set's 20 "
    "stored modes stop below 0.9 omega0 in 7 - 9 of 1000 samples a point; `benchmark/literature/wang-2019.toml`).",
    "- 2026-11-28: on glass-like mocks of known s = 3 (N = 1000, 300 samples, GOE levels, phonon shells; "
    "tests/benchmark/test_literature.py) the lowest-10-modes MLE that several papers' readings use here reads "
    "2.89 [2.82, 2.96]: low by about 0.1, its interval missing the truth (the tenth mode reaches the hybridised "
    "first shell); the window MLE below 0.8 omega0 and the participation split cover the truth.  Read its cells "
    "with that bias in mind.",
    "- 2026-11-28: certified samples counted (issue 67 item 3, first part: Sylvester inertia of the rebuilt "
    "Hessian and the other checks, section above) on every set that stores its configurations.  Not yet: the "
    "verdicts reading only certified samples, a stochastic Chebyshev count where a factorisation does not fit in "
    "memory, and the residual-stress axis (item 4); the verdicts above read every stored sample.",
    "- 2026-11-28: each cell's residual shear stress beside its reading (issue 67 item 4, "
    "`docs/findings/residual-stress.md`); the certified-samples section says that every sample of the certifiable "
    "sets passed (their verdicts read certified samples only, none left out) and what rebuild would give the "
    "uncertified sets positions; each unchecked value says what would check it; `vdosbench score --certified` and "
    "the stochastic Chebyshev count (`certify_by_eigencount`) exist for other inputs.  No verdict changed.",
)


@dataclass(frozen=True)
class DataSet:
    """One catalogued set the matrix reads.

    Attributes
    ----------
    name
        Short name in the matrix.
    files
        Its file(s) under ``reference-data/`` (several: sizes concatenated along ``n_particles``).
    description
        What it holds, in words.
    """

    name: str
    files: tuple[str, ...]
    description: str

    @property
    def series(self) -> bool:
        """Whether it is several sizes along ``n_particles``."""
        return len(self.files) > 1


_SIZES = (1000, 2000, 4000, 8000, 16000)
_SAMPLES = {1000: 100, 2000: 60, 4000: 80, 8000: 120, 16000: 10}
#: The series set: the high-T* soft spheres at every size, along ``n_particles``.
SERIES = DataSet(
    "lowest N-series",
    tuple(f"soft-spheres-lowest-n{n}.nc" for n in _SIZES),
    "soft spheres after T* = 1 and T* = inf, both tapers, N = 1000 - 16000 (the five sets above)",
)
#: The sets the matrix reads, in page order.
DATA_SETS: tuple[DataSet, ...] = (
    *(
        DataSet(
            f"lowest N={n}",
            (f"soft-spheres-lowest-n{n}.nc",),
            f"soft spheres, N = {n}, T* = 1 and inf, both tapers, lowest 50 modes and G, {_SAMPLES[n]} samples",
        )
        for n in _SIZES
    ),
    SERIES,
    DataSet(
        "confirm N=2000",
        ("soft-spheres-lowest-confirm-n2000.nc",),
        "soft spheres, N = 2000, T* = 1 and inf, both tapers, lowest 20 modes, G, K and participation ratios, "
        "1000 samples (the issue-51 confirmatory set)",
    ),
    DataSet(
        "lowest N=1000 T_d",
        ("soft-spheres-lowest-n1000-td.nc",),
        "soft spheres, N = 1000, T_d = 0.144 (aged 40 tau_alpha of swap MC), both tapers, lowest 50 modes, G, K, "
        "participation ratios, 100 samples in 20 chains",
    ),
    *(
        DataSet(
            f"full N=1000 {label}",
            (f"soft-spheres-n1000-equilibrated-{label}.nc",),
            f"soft spheres, N = 1000, equilibrated (swap MC) at T* = {where}, full spectrum, {n} samples",
        )
        for label, where, n in (
            ("7td", "7 T_d = 1.0, both tapers", 30),
            ("3td", "3 T_d, both tapers", 30),
            ("2td", "2 T_d, both tapers", 30),
            ("1.5td", "1.5 T_d, both tapers", 30),
            ("1.25td-m2", "1.25 T_d, m = 2", 30),
            ("1.25td-minf", "1.25 T_d, m = inf", 30),
            ("td-m2", "T_d, m = 2", 30),
            ("td-minf", "T_d, m = inf", 60),
        )
    ),
    DataSet(
        "KA 0.45 m=2",
        ("kob-andersen-n1000-equilibrated-0.45-m2.nc",),
        "Kob-Andersen mixture, N = 1000, equilibrated at T* = 0.45, m = 2, full spectrum, 30 samples",
    ),
    DataSet(
        "KA 0.45 m=inf",
        ("kob-andersen-n1000-equilibrated-0.45-minf.nc",),
        "Kob-Andersen mixture, N = 1000, equilibrated at T* = 0.45, m = inf, full spectrum, 30 samples",
    ),
)

#: Variables the series set keeps of each size (what the size-series and per-size estimators read).
_SERIES_VARIABLES = ("eigenvalue", "zero_mode", "shear_modulus", "box_length")


def open_set(data_set: DataSet, root: Path = ROOT / "reference-data") -> xr.Dataset:
    """The set's dataset; a series set is its sizes concatenated along ``n_particles`` (NaN-padded samples)."""
    if not data_set.series:
        with xr.open_dataset(root / data_set.files[0]) as ds:
            return ds.load()
    parts = []
    for name in data_set.files:
        with xr.open_dataset(root / name) as ds:
            part = ds[[v for v in _SERIES_VARIABLES if v in ds]].load()
            n = int(ds.attrs["n_particles"])
            attrs = {
                k: v
                for k, v in ds.attrs.items()
                if k not in ("n_particles", "title", "grid", "n_samples", "padded_dims")
            }
        part = part.assign_coords(sample=np.arange(part.sizes["sample"]))
        part.attrs = attrs
        parts.append((n, part))
    sizes = [n for n, _ in parts]
    out = xr.concat([p for _, p in parts], dim="n_particles", join="outer", combine_attrs="drop_conflicts")
    out = out.assign_coords(n_particles=sizes)
    if "zero_mode" in out:
        out["zero_mode"] = out["zero_mode"].fillna(False).astype(bool)
    out["eigenvalue"] = out["eigenvalue"].transpose("n_particles", ..., "sample", "mode")
    return out


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def _cell(data_set: str, point: PointResult) -> dict[str, Any]:
    m = point.measurement
    low, high = (None, None) if m is None else (_finite(m.low), _finite(m.high))
    why = point.reason or ("" if m is None else str(m.settings.get("not_assessed", "")))
    return {
        "set": data_set,
        "point": {k: _jsonable(v) for k, v in point.parameters.items()},
        "value": None if m is None else _finite(m.value),
        "low": low,
        "high": high,
        "verdict": point.verdict.value,
        "why": why,
    }


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isinf(v):
        return "inf"
    return v


def _estimator(claim: Claim) -> str:
    settings = ", ".join(f"{k} = {v}" for k, v in claim.settings.items() if k not in ("n_bootstrap", "seed"))
    return f"{claim.validator}.{claim.quantity}" + (f" ({settings})" if settings else "")


def _variants(claim: Claim) -> list[tuple[str, Claim]]:
    """(label, claim measured by it) of the paper's estimator (the primary) and of each alternative."""
    return [(PAPER_READING, replace(claim, alternatives=())), *((a.label, c) for a, c in alternative_claims(claim))]


def read_claim(
    entry: LiteratureClaim, sets: Mapping[str, xr.Dataset], caches: dict[str, ResultCache] | None = None
) -> dict[str, Any]:
    """One claim of the register on every set it can read: each reading's cells, and the sets it does not apply to.

    A reading that measures across sizes (``across`` in its settings) reads the series sets only; every other
    reading the single sets.  ``caches`` (one per set) lets readings of several claims that run one validator with
    the same settings on the same point share the computation.
    """
    caches = {} if caches is None else caches
    readings: list[dict[str, Any]] = []
    not_applicable: dict[str, str] = {}
    for label, variant in _variants(entry.claim):
        across = bool(variant.settings.get("across"))
        reading = {"reading": label, "estimator": _estimator(variant), "cells": []}
        for data_set in DATA_SETS:
            if data_set.name not in sets or across != data_set.series:
                continue
            result = evaluate_claim(variant, sets[data_set.name], data_set.name, caches.setdefault(data_set.name, {}))
            if not result.points:
                not_applicable.setdefault(data_set.name, result.reason)
                continue
            reading["cells"].extend(_cell(data_set.name, p) for p in result.points)
        readings.append(reading)
    return {
        "readings": readings,
        "not_applicable": [
            {"set": k, "reason": v}
            for k, v in not_applicable.items()
            if not any(c["set"] == k for r in readings for c in r["cells"])
        ],
    }


def _record(entry: LiteratureClaim) -> dict[str, Any]:
    """What the page says of a claim beside its cells (from the register, not computed)."""
    return {
        "id": entry.claim.id,
        "file": entry.file,
        "paper": entry.paper,
        "statement": entry.claim.statement,
        "where": entry.published["where"],
        "published_value": entry.published["value"],
        "checked": entry.checked,
        "weight": entry.weight,
        "applicable": entry.applicable,
        "ours": entry.system["ours"],
        "recipe": entry.recipe,
        "expect": entry.claim.expect.describe(),
        "to_check": entry.to_check,
    }


def compute(register: Sequence[LiteratureClaim] | None = None, root: Path = ROOT / "reference-data") -> dict[str, Any]:
    """The matrix of every applicable claim of ``register`` (default: the shipped one) on :data:`DATA_SETS`."""
    register = load_literature() if register is None else register
    sets = {d.name: open_set(d, root) for d in DATA_SETS}
    claims, caches = [], {}
    for entry in register:
        row = _record(entry)
        if entry.applicable:
            row.update(read_claim(entry, sets, caches))
        claims.append(row)
    return {
        "generated_by": SCRIPT,
        "data_sets": [{"name": d.name, "files": list(d.files), "description": d.description} for d in DATA_SETS],
        "papers": papers(register),
        "claims": claims,
    }


# ---------------------------------------------------------------------------------------------------------------
# the page
# ---------------------------------------------------------------------------------------------------------------


def _num(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def cell_text(cell: Mapping[str, Any], weighted: bool) -> str:
    """``verdict, value [low, high]`` of one cell; in parentheses when the claim carries no verdict weight."""
    if cell["value"] is None:
        text = f"{cell['verdict']} (not measured)"
    elif cell["low"] is None:
        text = f"{cell['verdict']}, {_num(cell['value'])} (no interval)"
    else:
        text = f"{cell['verdict']}, {_num(cell['value'])} [{_num(cell['low'])}, {_num(cell['high'])}]"
    return text if weighted else f"({text})"


def point_text(point: Mapping[str, Any]) -> str:
    """A cell's parameter point in words, e.g. ``m = ∞, T* = 1.0``."""
    parts = []
    for k, v in point.items():
        if k == "taper_order":
            parts.append("m = ∞" if v == -1 else f"m = {v}")
        elif k == "parent_temperature":
            parts.append(f"T* = {'∞' if v == 'inf' else v}")
        else:
            parts.append(f"{k} = {v}")
    return ", ".join(parts) or "–"


def _measured(cell: Mapping[str, Any]) -> bool:
    """Whether a cell holds a value with a finite interval (a verdict read from data, not a failure)."""
    return cell["value"] is not None and cell["low"] is not None and cell["high"] is not None


def agreement(claim: Mapping[str, Any]) -> Counter[str]:
    """Per (set, point) measured by both the paper's and our registered estimator: ``same`` when their verdicts
    agree, ``differ`` when they do not (any two different verdicts count: refuted against inconclusive too)."""
    by = {r["reading"]: r for r in claim.get("readings", [])}
    paper, ours = by.get(PAPER_READING), by.get(REGISTERED_LABEL)
    out: Counter[str] = Counter()
    if paper is None or ours is None:
        return out
    theirs = {(c["set"], json.dumps(c["point"], sort_keys=True)): c["verdict"] for c in paper["cells"] if _measured(c)}
    for c in ours["cells"]:
        key = (c["set"], json.dumps(c["point"], sort_keys=True))
        if key in theirs and _measured(c):
            out["same" if theirs[key] == c["verdict"] else "differ"] += 1
    return out


def tally(reading: Mapping[str, Any] | None, weighted: bool) -> str:
    """The verdicts of a reading's cells counted (``not measured``: no value or no finite interval)."""
    if reading is None:
        return "–"
    n = Counter(cell["verdict"] if _measured(cell) else "not measured" for cell in reading["cells"])
    text = ", ".join(f"{n[v]} {v}" for v in ("supported", "refuted", "inconclusive", "not measured") if n[v]) or "–"
    return text if weighted else f"({text})"


def _to_check(claim: Mapping[str, Any]) -> str:
    """What would check an unchecked value: from the results, or (results written before the field) the register."""
    if claim.get("to_check"):
        return str(claim["to_check"])
    by_id = {e.claim.id: e for e in load_literature()}
    return by_id[claim["id"]].to_check if claim["id"] in by_id else "not said"


def _point_key(taper: Any, tstar: Any) -> tuple[int, float]:
    return int(taper), math.inf if tstar in ("inf", math.inf) else round(float(tstar), 6)


def stress_index(results: Mapping[str, Any], stresses: Mapping[str, Any] | None) -> dict[Any, str]:
    """``(set, taper, T*) -> "⟨τ⟩ [low, high]"`` for the matrix's sets that ``residual_stress.json`` read, and
    ``set -> why not`` for those it could not (no positions stored)."""
    if stresses is None:
        return {}
    files = {d["files"][0]: d["name"] for d in results["data_sets"] if len(d["files"]) == 1}
    out: dict[Any, str] = {}
    for row in stresses["points"]:
        name = files.get(Path(row["source"]).name)
        if name is not None:
            m = row["shear_stress"]
            out[(name, *_point_key(row["taper_order"], row["parent_temperature"]))] = (
                f"{m['value']:.4f} [{m['low']:.4f}, {m['high']:.4f}]"
            )
    read = {k[0] for k in out}
    for d in results["data_sets"]:
        if d["name"] not in read:
            out[d["name"]] = "– (no positions stored)" if d["name"].startswith(("lowest N", "confirm")) else "–"
    return out


def stress_text(index: Mapping[Any, str], cell: Mapping[str, Any]) -> str:
    """The residual shear stress of a cell's point (ε/a³), or why there is none."""
    point = cell["point"]
    if "taper_order" in point and "parent_temperature" in point:
        key = (cell["set"], *_point_key(point["taper_order"], point["parent_temperature"]))
        if key in index:
            return index[key]
    return index.get(cell["set"], "–")


#: What would give positions to the sets that store none (issue 67 item 3): the recipe, not run here.
POSITIONS_RECIPE = (
    "- **The high-T* ladder** (`lowest N=1000` … `N=16000`): its samples were made on the machine lost on 25 Nov "
    "2026 and their part files were not kept; `vdosbench build soft-spheres-lowest-nN --output DIR` "
    "(`datasets/catalog.toml`: recipe `soft_spheres_lowest`, 100 / 60 / 80 / 120 / 10 samples a point, both "
    "tapers, T* = 1 and ∞) writes every per-site array (positions, diameters), but this machine makes other glasses "
    "from the same seeds (the catalogue's realization test), so the rebuild certifies *its* glasses, not the stored "
    "spectra: a certified reading of the ladder is a reading of the rebuilt set, in place of the stored one.  Cost "
    "as catalogued: 0.33 + 0.51 + 2.06 + 9.17 + 4.27 ≈ 16.3 core-hours, then `python -m studies.certified_sets` "
    "and `python -m studies.literature_matrix` on the rebuilt files.",
    "- **The confirmatory set** (`confirm N=2000`): its full set (243 MB, with positions and diameters; 40 run "
    "folders `runs/confirm/…`) is not hosted; where those folders remain, `studies/catalogue_sets.py --ladder` "
    "combines them and the certificates run on it; else `vdosbench build soft-spheres-lowest-confirm-n2000` (5.95 "
    "core-hours as catalogued; made on this machine, so the rebuild is verified by value against the stored "
    "scoring form).",
    "- Where a rebuild's Hessians do not fit a sparse LDLᵀ (N ≳ 10⁵), "
    "`vdosbench.validators.certify_by_eigencount` (stochastic Chebyshev count, deflated by the stored eigenvectors "
    "where they are kept) gives the count with its error bar.",
)


def certification_lines(certificates: Mapping[str, Any]) -> list[str]:
    """The page's section on certified samples, from ``studies/results/certified_sets.json``."""
    read = [p for s in certificates["sets"] if s["certifiable"] for p in s["points"]]
    left = sum(p["samples"] - p["certified"] for p in read)
    uncertifiable = [s["set"] for s in certificates["sets"] if not s["certifiable"]]
    verdicts = (
        f"Every sample of the certifiable sets passed ({sum(p['certified'] for p in read)} of "
        f"{sum(p['samples'] for p in read)}), so their verdicts above are read on certified samples only: none "
        "was left out."
        if left == 0
        else f"{left} samples of the certifiable sets failed (table); the verdicts above still read them."
    )
    lines = [
        "",
        "## Certified samples",
        "",
        "Which stored samples pass the checks of `vdosbench.benchmark.certify` (written by "
        "`python -m studies.certified_sets`): the inertia count of the rebuilt Hessian below the shift halfway "
        "between the two largest stored eigenvalues equals the stored modes below it (Sylvester's law of "
        "inertia: no mode was skipped), exactly d zero modes, a symmetric Hessian, a residual force at most "
        f"{certificates['max_residual_force']:g}, a box of at least twice the interaction range.  {verdicts}  "
        f"The sets that store no positions ({', '.join(uncertifiable)}) cannot be certified: their verdicts read "
        "every stored sample, uncertified, and say so here; `vdosbench score --certified` does the same for any "
        "input and notes what it left out.",
        "",
        "| set | point | certified / samples | left out (why) | modes below the shift | max residual force |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in certificates["sets"]:
        if not s["certifiable"]:
            lines.append(f"| {s['set']} | – | not certifiable | {s['why']} | – | – |")
            continue
        for p in s["points"]:
            why = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in p["failed"].items() if n) or "none"
            lo, hi = p["modes_below_shift"]
            lines.append(
                f"| {s['set']} | {point_text(p['point'])} | {p['certified']} / {p['samples']} | {why} | "
                f"{lo} – {hi} | {p['residual_force_max']:.1e} |"
            )
    lines += ["", "What would give the uncertified sets their positions (a recipe, not run):", "", *POSITIONS_RECIPE]
    return lines


def render(
    results: Mapping[str, Any], certificates: Mapping[str, Any] | None = None, stresses: Mapping[str, Any] | None = None
) -> str:
    """The page ``docs/findings/literature-matrix.md`` from the results (the same results give the same text);
    with ``certificates`` (``studies/results/certified_sets.json``) a section on the certified samples, with
    ``stresses`` (``studies/results/residual_stress.json``) each cell's residual shear stress beside it."""
    claims = results["claims"]
    stress = stress_index(results, stresses)
    lines = [
        "# The literature matrix (issue 67)",
        "",
        f"Generated by `{SCRIPT}` from `studies/results/literature_matrix.json`; do not edit by hand "
        "(`python -m studies.literature_matrix --page` rewrites it, `--check` compares).",
        "",
        "Each published claim of the register (`benchmark/literature/`, one file a paper) is read twice on each of "
        "our catalogued sets it applies to: by the **paper's estimator** (re-implemented; the claim's primary "
        "measure) and by **our registered estimator** (`vdosbench registered`), plus any other registered "
        "alternative.  A cell is one parameter point: the verdict of the claim's own rule and the value with its "
        "95 % bootstrap interval over samples (chains where a set has chains).  A claim whose published value could "
        "not be checked against the paper's text is shown in parentheses: it carries no verdict weight.  Where the "
        "two estimators give different verdicts on the same point, the papers may disagree only about the "
        "estimator; where both refute (or both support), about the glass.",
        "",
        f"{len(claims)} claims from {len(results['papers'])} papers; "
        f"{sum(c['checked'] for c in claims)} checked against the paper's text, "
        f"{sum(not c['applicable'] for c in claims)} not applicable to our data (each names what it needs).  "
        f"Where both the paper's estimator and ours measured a point, they gave the same verdict at "
        f"{sum(agreement(c)['same'] for c in claims)} and different verdicts at "
        f"{sum(agreement(c)['differ'] for c in claims)} (set, point) cells.",
        "",
        "## At a glance",
        "",
        "Verdicts are counted over the (set, point) cells each estimator read; *not measured*: the estimator could "
        "not read the point (a variable the set lacks, too few modes in its window), with the reason in the cell.  "
        "The last column compares the two estimators where both measured the same point.",
        "",
        "| claim | expects | checked | paper's estimator: verdicts | ours: verdicts | same / different verdict |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in claims:
        if not c["applicable"]:
            lines.append(f"| `{c['id']}` | {c['expect']} | {'yes' if c['checked'] else 'no'} | {c['ours']} | – | – |")
            continue
        by = {r["reading"]: r for r in c["readings"]}
        agree = agreement(c)
        lines.append(
            f"| `{c['id']}` | {c['expect']} | {'yes' if c['checked'] else 'no'} | "
            f"{tally(by.get(PAPER_READING), c['checked'])} | "
            f"{tally(by.get(REGISTERED_LABEL), c['checked'])} | {agree['same']} / {agree['differ']} |"
        )
    lines += ["", "## The data sets", "", "| set | files | what |", "| --- | --- | --- |"]
    for d in results["data_sets"]:
        lines.append(f"| {d['name']} | {', '.join(f'`{f}`' for f in d['files'])} | {d['description']} |")
    for paper in results["papers"]:
        lines += ["", f"## {paper}"]
        for c in (c for c in claims if c["paper"] == paper):
            lines += [
                "",
                f"### `{c['id']}`",
                "",
                f"{c['statement']}",
                "",
                f"- published ({c['where']}): {c['published_value']}; "
                + (
                    "checked against the paper's text"
                    if c["checked"]
                    else f"**not checked**: {c['weight']}; **what would check it**: {_to_check(c)}"
                ),
                f"- expects: {c['expect']}; our data: {c['ours']}"
                + (f"; recipe: {c['recipe']}" if c["recipe"] else ""),
            ]
            if not c["applicable"]:
                continue
            for r in c["readings"]:
                lines += [
                    "",
                    f"{r['reading']}: `{r['estimator']}`",
                    "",
                    "| set | point | verdict, value [95 %] | residual shear stress ⟨τ⟩ [95 %] |",
                    "| --- | --- | --- | --- |",
                ]
                for cell in r["cells"]:
                    text = cell_text(cell, c["checked"])
                    why = f" — {cell['why'][:160]}" if cell["why"] and not _measured(cell) else ""
                    lines.append(
                        f"| {cell['set']} | {point_text(cell['point'])} | {text}{why} | {stress_text(stress, cell)} |"
                    )
            if c["not_applicable"]:
                lines += [
                    "",
                    "Not applicable to: " + "; ".join(f"{n['set']} ({n['reason']})" for n in c["not_applicable"]),
                ]
    if certificates is not None:
        lines += certification_lines(certificates)
    lines += ["", "## History", "", *HISTORY]
    return "\n".join(lines) + "\n"


def _write_json(results: Mapping[str, Any], path: Path = RESULTS) -> None:
    path.write_text(dumps_strict(results, indent=1, sort_keys=False, ensure_ascii=False) + "\n")


def page_arguments(argv: Sequence[str] | None, description: str) -> argparse.Namespace:
    """The command line of a study that computes results and writes a page: ``--page`` (only rewrite the page from
    the stored results) or ``--check`` (only compare them; exit 1 when stale)."""
    parser = argparse.ArgumentParser(description=description)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--page", action="store_true", help="only rewrite the page from the stored results")
    mode.add_argument("--check", action="store_true", help="only compare the page with the stored results")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = page_arguments(argv, __doc__.splitlines()[0])
    certificates = json.loads(CERTIFIED.read_text()) if CERTIFIED.exists() else None
    stresses = json.loads(STRESSES.read_text()) if STRESSES.exists() else None
    if args.check:
        stale = PAGE.read_text() != render(json.loads(RESULTS.read_text()), certificates, stresses)
        print(f"{PAGE.relative_to(ROOT)} is {'stale' if stale else 'up to date'}")
        return int(stale)
    if not args.page:
        _write_json(compute())
    PAGE.write_text(render(json.loads(RESULTS.read_text()), certificates, stresses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
