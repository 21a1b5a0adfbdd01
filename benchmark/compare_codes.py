"""One table from several scored results of the same systems made by different codes.

``vdosbench compare-codes vdosbench=ours/result.json jax-md=jax/result.json ase=ase/result.json``
reads the ``result.json`` that ``vdosbench score`` wrote for each code's data and writes
``comparison.md``, ``comparison.html`` and ``comparison.json`` with, one column per code:

- **Hessian agreement**: the cross-code check of each result (``cross_code``: our analytic Hessian on the
  code's own configurations, :mod:`vdosbench.benchmark.cross_code`), its status and largest relative
  eigenvalue deviation;
- **moduli agreement**: every measurement of an elastic quantity (validator ``shear_modulus_omega0``: ω₀ from
  the Born-minus-non-affine shear modulus, :mod:`vdosbench.benchmark.elastic`) with its uncertainty, and its
  relative deviation from the first code's value (the reference column);
- **verdicts side by side**: each claim's verdict and measured value per code *and input*, and whether the codes
  agree on the verdict: a result that scored several inputs (``vdosbench demo``: the spring-network ensemble and
  the nine-node toy) has one verdict per (claim, input), so its rows are keyed by both (:func:`dataset_keys`);
- **cost per sample**: seconds per sample that the producer measured (``--cost LABEL=SECONDS``; a
  result does not record how long its data took to make), "not given" otherwise.

Before it compares, it checks that the results describe **the same system** (:data:`SYSTEM_KEYS`: model,
pair potential, dimension, N, density, parent temperature T* (and T*/T_d), taper order), as each
``result.json`` records it (``systems``, what the data declared or their generator says, and the parameter
points of the results); the potential follows from the model.  What differs is named before the table and at
its top, and a table of different systems is labelled as such (``same_system`` false in ``comparison.json``):
its deviations are no code differences.  A key that only some results state is listed as not checked.

Nothing here judges: the table reports what the results say.  Inputs are untrusted files: a result that is
not JSON, lacks ``results`` or holds values of the wrong type raises :class:`ComparisonInputError` naming
what was expected, what was found and the fix (the CLI exits 2).
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vdosbench.datasets.errors import VdosbenchError
from vdosbench.datasets.json_files import INFINITY, MINUS_INFINITY, dumps_strict

__all__ = [
    "ELASTIC_VALIDATORS",
    "SYSTEM_KEYS",
    "CodeComparison",
    "CodeResult",
    "ComparisonInputError",
    "compare_codes",
    "dataset_keys",
    "load_code_result",
    "system_of",
    "with_cost",
    "write_comparison",
]

#: What must agree for two results to describe the same system (``systems`` of result.json, point parameters).
SYSTEM_KEYS = (
    "model",
    "potential",
    "spatial_dimension",
    "n_particles",
    "density",
    "parent_temperature",
    "parent_temperature_ratio",
    "taper_order",
)
#: Validators whose measurements are elastic moduli (or follow from one): the "moduli" rows.
ELASTIC_VALIDATORS = ("shear_modulus_omega0",)
#: Files written by :func:`write_comparison`.
OUTPUT_FILES = ("comparison.md", "comparison.html", "comparison.json")


class ComparisonInputError(VdosbenchError, ValueError):
    """A result file or option that cannot be compared; the message names what was expected and the fix."""


@dataclass(frozen=True)
class Measured:
    """A claim's measurement at one parameter point: value, uncertainty, verdict."""

    value: float | None
    uncertainty: float | None
    verdict: str


@dataclass(frozen=True)
class CodeResult:
    """What one code's ``result.json`` says, reduced to what the table compares.

    Attributes
    ----------
    label
        The code's column name.
    path
        The result file.
    verdicts
        (claim id, input name) -> verdict (the claim's overall verdict on that input).
    points
        (claim id, input name, point key) -> :class:`Measured` (the primary measurement at each parameter point).
    validators
        Claim id -> its validator name.
    cross_code
        The result's cross-code checks (status, deviations), one per dataset.
    cost_per_sample
        Seconds per sample, when given.
    datasets
        The input names, in the order the result lists them.
    system
        Each :data:`SYSTEM_KEYS` key the result states -> its values (:func:`system_of`).
    """

    label: str
    path: str
    verdicts: dict[tuple[str, str], str]
    points: dict[tuple[str, str, str], Measured]
    validators: dict[str, str]
    cross_code: list[dict[str, Any]]
    cost_per_sample: float | None = None
    datasets: tuple[str, ...] = ()
    system: dict[str, tuple[Any, ...]] = field(default_factory=dict)


def _number(value: Any, what: str, where: str) -> float | None:
    if value is None:
        return None
    if value in (INFINITY, MINUS_INFINITY):  # how result.json writes an infinite value (strict JSON)
        return float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ComparisonInputError(
            f"{where}: {what} is {value!r} ({type(value).__name__}); expected a number, 'inf', '-inf' or "
            "null. Fix: pass the "
            "result.json that vdosbench score wrote, unedited"
        )
    return float(value)


def _mapping(value: Any, what: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ComparisonInputError(
            f"{where}: {what} is {type(value).__name__}; expected a JSON object. Fix: pass the result.json that "
            "vdosbench score wrote, unedited"
        )
    return value


def _point_key(parameters: Any) -> str:
    if not parameters:
        return ""
    return ", ".join(f"{k}={v}" for k, v in sorted(_mapping(parameters, "parameters", "point").items()))


def _system_value(value: Any) -> Any:
    """A comparable form of a system value: numbers to 6 significant digits, ``"inf"`` as infinity."""
    if isinstance(value, str) and value.strip().lower() in ("inf", "infinity"):
        value = math.inf
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return float(f"{float(value):.6g}")


def system_of(body: dict[str, Any], where: str) -> dict[str, tuple[Any, ...]]:
    """The :data:`SYSTEM_KEYS` values a ``result.json`` states, each key -> its sorted distinct values.

    From ``systems`` (per input) and the parameters of the results' points (a grid over a key); the
    ``potential`` follows from the ``model`` (:data:`~vdosbench.benchmark.declaration.MODELS`).

    Examples
    --------
    >>> system_of({"systems": {"ka": {"model": "kob_andersen", "taper_order": 0, "declared_by": "--declare"}}}, "x")
    {'model': ('kob_andersen',), 'potential': ('kob_andersen',), 'taper_order': (0.0,)}
    """
    from .declaration import MODELS

    found: dict[str, set[Any]] = {}
    systems = body.get("systems") or {}
    for system in _mapping(systems, "systems", where).values():
        for key, value in _mapping(system, "a system", where).items():
            if key in SYSTEM_KEYS and value is not None:
                found.setdefault(key, set()).add(_system_value(value))
    for entry in body.get("results") or []:
        for point in (entry.get("points") or []) if isinstance(entry, dict) else []:
            parameters = point.get("parameters") if isinstance(point, dict) else None
            for key, value in (parameters or {}).items() if isinstance(parameters, dict) else []:
                if key in SYSTEM_KEYS and value is not None:
                    found.setdefault(key, set()).add(_system_value(value))
    for model in found.get("model", set()):
        if model in MODELS and MODELS[model].potential is not None:
            found.setdefault("potential", set()).add(MODELS[model].potential)
    return {k: tuple(sorted(found[k], key=str)) for k in SYSTEM_KEYS if k in found}


def load_code_result(path: str | Path, label: str | None = None) -> CodeResult:
    """Read one ``result.json`` of ``vdosbench score``.

    Parameters
    ----------
    path
        The file.
    label
        The code's column name; default: the result's first input name.

    Raises
    ------
    ComparisonInputError
        Not JSON, not a score result, or a field of the wrong type.
    FileNotFoundError
        No file at ``path``.
    """
    p = Path(path)
    where = f"{p} (vdosbench score result)"
    if not p.is_file():
        raise FileNotFoundError(f"no result file at {p}; pass the result.json that vdosbench score --output wrote")
    try:
        body = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ComparisonInputError(
            f"{where}: not JSON ({e}); expected the result.json of vdosbench score. Fix: score the data again"
        ) from e
    body = _mapping(body, "the file", where)
    results = body.get("results")
    if not isinstance(results, list):
        raise ComparisonInputError(
            f"{where}: found keys {sorted(body)[:8]}; expected a 'results' list (the result.json of vdosbench "
            "score). Fix: pass DIR/result.json from vdosbench score DATA --output DIR"
        )
    names = _input_names(body.get("inputs"))
    verdicts: dict[tuple[str, str], str] = {}
    validators: dict[str, str] = {}
    points: dict[tuple[str, str, str], Measured] = {}
    for entry in results:
        entry = _mapping(entry, "an entry of 'results'", where)
        claim = entry.get("id")
        verdict = entry.get("verdict")
        if not isinstance(claim, str) or not isinstance(verdict, str):
            raise ComparisonInputError(
                f"{where}: a result has id {claim!r} and verdict {verdict!r}; expected text for both. Fix: pass "
                "the result.json that vdosbench score wrote, unedited"
            )
        dataset = entry.get("dataset")
        # a result written before inputs were named per entry scored one input: that one
        dataset = str(dataset) if dataset is not None else (names[0] if len(names) == 1 else "")
        if dataset not in names:
            names.append(dataset)
        verdicts[(claim, dataset)] = verdict
        validators[claim] = str(entry.get("validator", ""))
        for point in entry.get("points") or []:
            point = _mapping(point, f"a point of {claim}", where)
            m = point.get("measurement")
            m = _mapping(m, f"the measurement of {claim}", where) if m is not None else {}
            points[(claim, dataset, _point_key(point.get("parameters")))] = Measured(
                _number(m.get("value"), f"the value of {claim}", where),
                _number(m.get("uncertainty"), f"the uncertainty of {claim}", where),
                str(point.get("verdict", verdict)),
            )
    cross = []
    for entry in body.get("cross_code") or []:
        entry = _mapping(entry, "a cross_code entry", where)
        cross.append(
            {
                "status": str(entry.get("status")),
                "max_relative_deviation": _number(entry.get("max_relative_deviation"), "a cross-code deviation", where),
            }
        )
    if label is None:
        label = names[0] if names and names[0] else (p.parent.name or p.stem)
    return CodeResult(
        label, str(p), verdicts, points, validators, cross, system=system_of(body, where), datasets=tuple(names)
    )


def _input_names(inputs: Any) -> list[str]:
    """The names of a result's ``inputs`` (entries without a name are skipped: the results name their input)."""
    if not isinstance(inputs, list):
        return []
    return [str(i["name"]) for i in inputs if isinstance(i, dict) and "name" in i]


def with_cost(code: CodeResult, seconds: float | None) -> CodeResult:
    """``code`` with its cost per sample (seconds, finite and >= 0; ``None``: not given)."""
    if seconds is not None and not (math.isfinite(seconds) and seconds >= 0):
        raise ComparisonInputError(
            f"the cost of {code.label} is {seconds}; expected finite seconds per sample >= 0. Fix: --cost "
            f"{code.label}=SECONDS with the time one sample took"
        )
    return dataclasses.replace(code, cost_per_sample=seconds)


@dataclass
class CodeComparison:
    """The table: one column per code (the first is the reference for relative deviations)."""

    codes: list[CodeResult]
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: Keys whose values differ between results that state them: "key: label=value, ..." each.
    system_differences: list[str] = field(default_factory=list)
    #: Keys that only some results state (not checked).
    system_unchecked: list[str] = field(default_factory=list)

    @property
    def same_system(self) -> bool:
        """Whether no stated system key differs between the results."""
        return not self.system_differences

    def system_summary(self) -> str:
        """One paragraph: same or different systems, what differs, what could not be checked."""
        if self.system_differences:
            text = (
                "DIFFERENT SYSTEMS: these results do not describe the same system, so their differences are "
                "not code differences; " + "; ".join(self.system_differences) + "."
            )
        else:
            stated = [k for k in SYSTEM_KEYS if all(k in c.system for c in self.codes)]
            text = f"Same system: {', '.join(stated) if stated else 'no key'} stated by every result and equal."
        if self.system_unchecked:
            text += f" Not checked (not stated by every result): {', '.join(self.system_unchecked)}."
        return text

    @property
    def labels(self) -> list[str]:
        """The column names."""
        return [c.label for c in self.codes]

    def section(self, name: str) -> list[dict[str, Any]]:
        """The rows of one section: ``"hessian"``, ``"moduli"``, ``"verdicts"`` or ``"cost"``."""
        return [r for r in self.rows if r["section"] == name]

    def to_json(self) -> dict[str, Any]:
        """JSON-able form (``comparison.json``)."""
        return {
            "codes": [
                {"label": c.label, "result": c.path, "system": {k: list(v) for k, v in c.system.items()}}
                for c in self.codes
            ],
            "same_system": self.same_system,
            "system_differences": self.system_differences,
            "system_unchecked": self.system_unchecked,
            "system_summary": self.system_summary(),
            "rows": self.rows,
        }

    def to_markdown(self) -> str:
        """The table as Markdown (one table per section)."""
        head = "| | " + " | ".join(self.labels) + " | |\n|---|" + "---|" * len(self.codes) + "---|\n"
        title = "Comparison across codes" + ("" if self.same_system else " (different systems)")
        parts = [
            f"# {title}\n\n**{self.system_summary()}**\n\n"
            f"Reference column (relative deviations): **{self.labels[0]}**.\n"
        ]
        for section, title in SECTIONS:
            rows = self.section(section)
            if not rows:
                continue
            body = "".join(f"| {r['name']} | " + " | ".join(r["cells"]) + f" | {r['summary']} |\n" for r in rows)
            parts.append(f"## {title}\n\n{head}{body}")
        return "\n".join(parts)

    def to_html(self) -> str:
        """The table as a standalone HTML page."""
        esc = html.escape
        out = [
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>vdosbench: comparison across codes</title>"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
            "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#eee}</style></head><body>",
            f"<h1>Comparison across codes{'' if self.same_system else ' (different systems)'}</h1>"
            f"<p><b>{esc(self.system_summary())}</b></p><p>Reference column (relative deviations): "
            f"<b>{esc(self.labels[0])}</b>.</p>",
        ]
        for section, title in SECTIONS:
            rows = self.section(section)
            if not rows:
                continue
            out.append(f"<h2>{esc(title)}</h2><table><tr><th></th>")
            out.extend(f"<th>{esc(label)}</th>" for label in self.labels)
            out.append("<th></th></tr>")
            for r in rows:
                cells = "".join(f"<td>{esc(c)}</td>" for c in r["cells"])
                out.append(f"<tr><th>{esc(r['name'])}</th>{cells}<td>{esc(r['summary'])}</td></tr>")
            out.append("</table>")
        out.append("</body></html>\n")
        return "".join(out)


SECTIONS = (
    ("system", "Systems (what each result describes)"),
    ("hessian", "Hessian agreement (our analytic Hessian on each code's configurations)"),
    ("moduli", "Moduli agreement"),
    ("verdicts", "Verdicts side by side"),
    ("cost", "Cost per sample"),
)


def _fmt(x: float | None, digits: int = 4) -> str:
    return "—" if x is None else f"{x:.{digits}g}"


def _system_text(values: tuple[Any, ...] | None) -> str:
    return "not stated" if values is None else ", ".join(str(v) for v in values)


def _system_rows(codes: list[CodeResult]) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """The rows of the systems section, the differences ("key: label=value, ...") and the unchecked keys."""
    rows, differences, unchecked = [], [], []
    for key in SYSTEM_KEYS:
        values = [c.system.get(key) for c in codes]
        if all(v is None for v in values):
            continue
        stated = {v for v in values if v is not None}
        if len(stated) > 1:
            summary = "differ"
            differences.append(f"{key}: " + ", ".join(f"{c.label}={_system_text(v)}" for c, v in zip(codes, values)))
        elif None in values:
            summary = "not stated by all"
            unchecked.append(key)
        else:
            summary = "same"
        rows.append({"section": "system", "name": key, "cells": [_system_text(v) for v in values], "summary": summary})
    return rows, differences, unchecked


def _hessian_rows(codes: list[CodeResult]) -> list[dict[str, Any]]:
    cells = []
    for c in codes:
        if not c.cross_code:
            cells.append("not run (no cross-code check in the result)")
            continue
        worst = max((x.get("max_relative_deviation") or 0.0 for x in c.cross_code), default=0.0)
        statuses = sorted({str(x.get("status")) for x in c.cross_code})
        cells.append(f"{'/'.join(statuses)}, max |Δλ|/λ = {_fmt(worst, 3)}")
    agree = all(c.cross_code and all(x.get("status") == "agree" for x in c.cross_code) for c in codes)
    return [
        {
            "section": "hessian",
            "name": "eigenvalues",
            "cells": cells,
            "summary": "all agree" if agree else "not all agree or not run",
        }
    ]


def dataset_keys(codes: list[CodeResult]) -> tuple[list[str], list[dict[str, str]]]:
    """How the inputs of the results are matched into rows: the row keys, and per code its input name -> key.

    Every result scored one input: one key, ``""`` (rows are named by the claim alone).  Every result scored
    inputs of the same names (the demo run by two codes): the names.  Otherwise the inputs are matched by their
    position: ``"input 1"``, ``"input 2"``, ... (each cell then names its own input).

    Examples
    --------
    >>> a = CodeResult("a", "a.json", {}, {}, {}, [], datasets=("ensemble", "toy"))
    >>> b = CodeResult("b", "b.json", {}, {}, {}, [], datasets=("ensemble", "toy"))
    >>> dataset_keys([a, b])[0]
    ['ensemble', 'toy']
    >>> dataset_keys([a, CodeResult("c", "c.json", {}, {}, {}, [], datasets=("x",))])[1][1]
    {'x': 'input 1'}
    """
    lists = [list(c.datasets) or [""] for c in codes]
    if all(len(names) == 1 for names in lists):
        return [""], [{names[0]: ""} for names in lists]
    if all(sorted(names) == sorted(lists[0]) for names in lists):
        return list(lists[0]), [{n: n for n in names} for names in lists]
    longest = max(len(names) for names in lists)
    keys = [f"input {k + 1}" for k in range(longest)]
    return keys, [{n: keys[k] for k, n in enumerate(names)} for names in lists]


def _by_key(mapping: dict[str, str], key: str) -> str | None:
    """The input name that ``mapping`` (input name -> row key) puts under row key ``key``."""
    return next((name for name, k in mapping.items() if k == key), None)


def _row_name(claim: str, key: str, point: str = "") -> str:
    name = claim if not key else f"{claim} ({key})"
    return f"{name} [{point}]" if point else name


def _moduli_rows(codes: list[CodeResult]) -> list[dict[str, Any]]:
    keys, maps = dataset_keys(codes)
    found = sorted(
        {
            (claim, maps[i][dataset], point)
            for i, c in enumerate(codes)
            for claim, dataset, point in c.points
            if c.validators.get(claim) in ELASTIC_VALIDATORS
        },
        key=lambda t: (t[0], keys.index(t[1]), t[2]),
    )
    rows = []
    for claim, key, point in found:
        measured = [
            c.points.get((claim, name, point)) if (name := _by_key(maps[i], key)) is not None else None
            for i, c in enumerate(codes)
        ]
        ref = measured[0]
        cells, devs = [], []
        for i, m in enumerate(measured):
            if m is None or m.value is None:
                cells.append("not measured")
                continue
            text = f"{_fmt(m.value)} ± {_fmt(m.uncertainty, 2)}"
            if ref is not None and ref.value and i > 0:
                dev = abs(m.value - ref.value) / abs(ref.value)
                devs.append(dev)
                text += f" (Δ = {_fmt(dev, 2)})"
            cells.append(text)
        summary = f"max relative deviation {_fmt(max(devs), 2)}" if devs else "no second value"
        rows.append(
            {
                "section": "moduli",
                "name": _row_name(claim, key, point),
                "cells": cells,
                "summary": summary,
                "max_relative_deviation": max(devs) if devs else None,
            }
        )
    return rows


def _verdict_rows(codes: list[CodeResult]) -> list[dict[str, Any]]:
    """One row per (claim, input): each code's verdict on its own input under that row (:func:`dataset_keys`)."""
    keys, maps = dataset_keys(codes)
    by_position = bool(keys) and keys[0].startswith("input ")
    claims = sorted({claim for c in codes for claim, _ in c.verdicts})
    rows = []
    for claim in claims:
        for key in keys:
            verdicts, cells = [], []
            for i, c in enumerate(codes):
                name = _by_key(maps[i], key)
                v = c.verdicts.get((claim, name), "absent") if name is not None else "absent"
                values = [
                    m.value
                    for (cid, ds, _), m in c.points.items()
                    if cid == claim and ds == name and m.value is not None
                ]
                cell = v + (f" ({_fmt(values[0])})" if len(values) == 1 else "")
                verdicts.append(v)
                cells.append(cell + (f" on {name}" if by_position and name is not None else ""))
            if all(v == "absent" for v in verdicts):
                continue
            scored = {v for v in verdicts if v not in ("not applicable", "absent")}
            summary = (
                "same verdict" if len(set(verdicts)) == 1 else ("differ" if len(scored) > 1 else "applies to some")
            )
            rows.append(
                {
                    "section": "verdicts",
                    "name": _row_name(claim, key),
                    "claim": claim,
                    "input": key,
                    "cells": cells,
                    "summary": summary,
                    "verdicts": verdicts,
                }
            )
    return rows


def _cost_rows(codes: list[CodeResult]) -> list[dict[str, Any]]:
    cells = [f"{_fmt(c.cost_per_sample, 3)} s" if c.cost_per_sample is not None else "not given" for c in codes]
    known = [c.cost_per_sample for c in codes if c.cost_per_sample]
    summary = f"ratio max/min {_fmt(max(known) / min(known), 3)}" if len(known) > 1 else ""
    return [{"section": "cost", "name": "seconds per sample", "cells": cells, "summary": summary}]


def compare_codes(codes: list[CodeResult]) -> CodeComparison:
    """Build the table (module docstring) from two or more codes' results, the first being the reference.

    Raises
    ------
    ComparisonInputError
        Fewer than two results, or two with the same label.
    """
    if len(codes) < 2:
        raise ComparisonInputError(
            f"found {len(codes)} result(s); expected at least two (one per code). Fix: pass "
            "LABEL=RESULT.json for each code, e.g. vdosbench=ours/result.json jax-md=jax/result.json"
        )
    labels = [c.label for c in codes]
    if len(set(labels)) != len(labels):
        raise ComparisonInputError(
            f"labels {labels} repeat; expected one per code. Fix: name each result, LABEL=RESULT.json"
        )
    system_rows, differences, unchecked = _system_rows(codes)
    out = CodeComparison(codes, system_differences=differences, system_unchecked=unchecked)
    out.rows = system_rows + _hessian_rows(codes) + _moduli_rows(codes) + _verdict_rows(codes) + _cost_rows(codes)
    return out


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_comparison(comparison: CodeComparison, folder: str | Path) -> list[Path]:
    """Write ``comparison.md``, ``comparison.html`` and ``comparison.json`` into ``folder`` (each atomically)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    texts = (comparison.to_markdown(), comparison.to_html(), dumps_strict(comparison.to_json(), indent=2) + "\n")
    paths = [out / name for name in OUTPUT_FILES]
    for path, text in zip(paths, texts):
        _write_atomically(path, text)
    return paths
