"""Scorecards: the verdicts of every claim on every dataset, as Markdown, PNG figures and JSON.

The JSON result carries a ``content_hash``: the sha256 of its canonical
form (inputs' hashes, claims, measured values, verdicts), so two runs on the
same data with the same claims give the same hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from vdosbench import __version__  # noqa: E402
from vdosbench.datasets import parameter_dims, select_point  # noqa: E402
from vdosbench.datasets.io import temporary_path  # noqa: E402
from vdosbench.validators import (  # noqa: E402
    coordination_distribution,
    debye_reduced_level,
    local_response,
    number_density,
    reduced_dos,
)

from .claims import Claim  # noqa: E402
from .scoring import ClaimResult, Verdict, evaluate_claim  # noqa: E402

__all__ = ["InputInfo", "ScoreCard", "score_datasets", "write_report", "file_sha256"]


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class InputInfo:
    """One scored dataset: a short name, where it came from and its hash."""

    name: str
    path: str
    sha256: str


@dataclass
class ScoreCard:
    """Every claim evaluated on every input."""

    inputs: list[InputInfo]
    claims_file: str
    results: list[ClaimResult] = field(default_factory=list)

    def applicable(self) -> list[ClaimResult]:
        """Results whose verdict is not 'not applicable'."""
        return [r for r in self.results if r.verdict is not Verdict.NOT_APPLICABLE]

    def totals(self) -> dict[str, Any]:
        """Counts per verdict and the score (supported / applicable)."""
        counts = {v.value: sum(r.verdict is v for r in self.results) for v in Verdict}
        n = len(self.applicable())
        return {**counts, "applicable": n, "score": counts["supported"] / n if n else float("nan")}

    def exit_code(self, strict: bool = False) -> int:
        """0 unless a claim is refuted (or, with ``strict``, inconclusive): the CI gate."""
        verdicts = {r.verdict for r in self.results}
        if Verdict.REFUTED in verdicts or (strict and Verdict.INCONCLUSIVE in verdicts):
            return 1
        return 0

    def to_json(self) -> dict[str, Any]:
        """The JSON result, with its content hash."""
        body = {
            "vdosbench_version": __version__,
            "claims_file": self.claims_file,
            "inputs": [{"name": i.name, "path": i.path, "sha256": i.sha256} for i in self.inputs],
            "totals": self.totals(),
            "results": [r.to_dict() for r in self.results],
        }
        canonical = json.dumps(
            {k: v for k, v in body.items() if k not in ("vdosbench_version",)} | {"inputs": [i.sha256 for i in self.inputs]},
            sort_keys=True,
            default=str,
        )
        body["content_hash"] = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
        return body


def score_datasets(
    datasets: Sequence[tuple[InputInfo, xr.Dataset]], claims: Sequence[Claim], claims_file: str
) -> ScoreCard:
    """Evaluate every claim on every dataset."""
    card = ScoreCard([info for info, _ in datasets], claims_file)
    for info, ds in datasets:
        for claim in claims:
            card.results.append(evaluate_claim(claim, ds, info.name))
    return card


# ------------------------------------------------------------------------------
# figures
# ------------------------------------------------------------------------------


def _line_and_panels(ds: xr.Dataset) -> tuple[str | None, list[str]]:
    pdims = list(parameter_dims(ds))
    numeric = [d for d in pdims if ds[d].dtype.kind in "iuf"]
    line = numeric[0] if numeric else (pdims[0] if pdims else None)
    return line, [d for d in pdims if d != line]


def _panels(ds: xr.Dataset, panel_dims: list[str]) -> list[dict[str, Any]]:
    return [dict(zip(panel_dims, combo)) for combo in product(*(ds[d].values.tolist() for d in panel_dims))]


def _point(ds: xr.Dataset, panel: dict[str, Any], line: str | None, value: Any) -> xr.Dataset:
    values = {**panel, **({line: value} if line else {})}
    return select_point(ds, values) if values else ds


def _grid(n: int) -> tuple[plt.Figure, np.ndarray]:
    cols = min(n, 2)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.8 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def _save(fig: plt.Figure, path: Path) -> None:
    tmp = temporary_path(path).with_suffix(".png")
    fig.tight_layout()
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)


def _label(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())


def figure_reduced_dos(ds: xr.Dataset, path: Path, omega_max: float = 1.5, bins: int = 30) -> Path:
    """Reduced DOS g(ω)/ω^(d−1), one panel per non-numeric parameter point, a line per numeric one."""
    line, panel_dims = _line_and_panels(ds)
    panels = _panels(ds, panel_dims)
    fig, axes = _grid(len(panels))
    edges = np.linspace(0.0, omega_max, bins + 1)
    d = int(ds.attrs["spatial_dimension"])
    for ax, panel in zip(axes, panels):
        lines = ds[line].values.tolist() if line else [None]
        colors = plt.cm.viridis(np.linspace(0, 0.9, len(lines)))
        for color, value in zip(colors, lines):
            point = _point(ds, panel, line, value)
            red = reduced_dos(point, bins=edges)
            label = f"{line}={value:g}" if isinstance(value, float) else f"{line}={value}"
            ax.plot(red["omega"], red["g_reduced"], color=color, label=label)
        if int(ds.attrs.get("site_degrees_of_freedom", d)) == 1:
            level = debye_reduced_level(1.0, d, float(number_density(ds).mean()))
            ax.axhline(level, color="k", ls="--", lw=0.8, label="Debye, c = 1 (unit-spring crystal)")
        ax.set_xlabel("ω")
        ax.set_ylabel(f"g(ω)/ω^{d - 1}" if d > 1 else "g(ω)")
        ax.set_title(_label(panel) or str(ds.attrs.get("title", "")), fontsize=9)
        ax.set_xlim(0, omega_max)
        ax.legend(fontsize=7)
    _save(fig, path)
    return path


def figure_coordination(ds: xr.Dataset, path: Path) -> Path:
    """Coordination-number histograms, panels and lines as in :func:`figure_reduced_dos`."""
    line, panel_dims = _line_and_panels(ds)
    panels = _panels(ds, panel_dims)
    fig, axes = _grid(len(panels))
    for ax, panel in zip(axes, panels):
        lines = ds[line].values.tolist() if line else [None]
        for k, value in enumerate(lines):
            point = _point(ds, panel, line, value)
            res = coordination_distribution(point, n_bootstrap=10)  # only the histogram is drawn
            hist = res.histogram
            width = 0.8 / len(lines)
            ax.bar(hist["coordination_number"] + (k - (len(lines) - 1) / 2) * width, hist["probability"], width=width,
                   label=f"{line}={value:g}" if isinstance(value, float) else str(value))
        ax.set_xlabel("coordination number z")
        ax.set_ylabel("P(z)")
        ax.set_title(_label(panel), fontsize=9)
        ax.legend(fontsize=7)
    _save(fig, path)
    return path


def figure_local_response(ds: xr.Dataset, path: Path) -> Path:
    """−Im G_ii(ω) of every site, one panel per parameter point (e.g. the toy's variants)."""
    pdims = list(parameter_dims(ds))
    panels = _panels(ds, pdims)
    fig, axes = _grid(len(panels))
    for ax, panel in zip(axes, panels):
        point = _point(ds, panel, None, None)
        if "local_response" in point:
            resp = point["local_response"].isel(sample=0)
            omega = resp["omega"].values
        else:
            omega = np.linspace(0.01, 3.0, 1500)
            resp = local_response(point, omega, epsilon=1e-3)
        for site in range(resp.sizes["site"]):
            ax.semilogy(omega, resp.isel(site=site), lw=0.8)
        ax.set_xlabel("ω")
        ax.set_ylabel("−Im G_ii(ω)")
        ax.set_title(_label(panel), fontsize=9)
    _save(fig, path)
    return path


def figure_claim(result: ClaimResult, path: Path, max_points: int = 6) -> Path | None:
    """The diagnostic curves of a claim's measurements (one panel per parameter point)."""
    points = [p for p in result.points if p.result is not None and hasattr(p.result, "plot")][:max_points]
    if not points:
        return None
    fig, axes = _grid(len(points))
    for ax, p in zip(axes, points):
        p.result.plot(ax)
        ax.set_title(f"{_label(p.parameters)}: {p.verdict.value}", fontsize=9)
    _save(fig, path)
    return path


# ------------------------------------------------------------------------------
# Markdown and JSON
# ------------------------------------------------------------------------------


def _fmt(m: Any) -> str:
    if m is None:
        return "—"
    return f"{m.value:.4g} [{m.low:.4g}, {m.high:.4g}]"


def write_report(
    card: ScoreCard, datasets: Sequence[tuple[InputInfo, xr.Dataset]], output: str | os.PathLike[str]
) -> Path:
    """Write ``report.md``, ``result.json`` and ``figures/*.png`` under ``output``.

    Returns the path of ``report.md``.  Every file is written atomically.
    """
    out = Path(output)
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    data_figs: list[tuple[str, Path]] = []
    for info, ds in datasets:
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in info.name)
        if "local_response" in ds or ("variant" in ds.dims and "eigenvector" in ds):
            data_figs.append((f"{info.name}: local response −Im G_ii(ω)", figure_local_response(ds, figdir / f"{stem}_local_response.png")))
        else:
            data_figs.append((f"{info.name}: reduced DOS", figure_reduced_dos(ds, figdir / f"{stem}_reduced_dos.png")))
            if "coordination" in ds:
                data_figs.append((f"{info.name}: coordination numbers", figure_coordination(ds, figdir / f"{stem}_coordination.png")))
    totals = card.totals()
    lines = [
        "# vdosbench scorecard",
        "",
        f"vdosbench {__version__}; claims: `{card.claims_file}`.",
        "",
        f"**Score: {totals['supported']} of {totals['applicable']} applicable claims supported** "
        f"(refuted {totals['refuted']}, inconclusive {totals['inconclusive']}, "
        f"not applicable {totals['not applicable']}).",
        "",
        "Verdicts compare the measured 95 % interval with the expected region: inside → supported, "
        "disjoint → refuted, overlapping → inconclusive. A claim over several parameter points is "
        "refuted if any point is and supported only if all are.",
        "",
        "## Inputs",
        "",
        "| name | file | sha256 |",
        "| --- | --- | --- |",
        *[f"| {i.name} | `{i.path}` | `{i.sha256[:16]}…` |" for i in card.inputs],
        "",
        "## Verdicts",
        "",
        "| claim | data | expected | verdict | measured value [95 % interval] per point |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in card.results:
        if r.verdict is Verdict.NOT_APPLICABLE:
            continue
        per_point = "; ".join(f"{_label(p.parameters)}: {_fmt(p.measurement)}" for p in r.points)
        lines.append(f"| `{r.claim.id}` | {r.dataset} | {r.claim.expect.describe()} | **{r.verdict.value}** | {per_point} |")
    disagree = [r for r in card.results if r.verdict in (Verdict.REFUTED, Verdict.INCONCLUSIVE)]
    lines += ["", "## Findings", ""]
    if disagree:
        lines.append("Where the data do not support the paper (reported as measured):")
        lines.append("")
        for r in disagree:
            bad = [p for p in r.points if p.verdict is not Verdict.SUPPORTED]
            detail = "; ".join(
                f"{_label(p.parameters)}: {_fmt(p.measurement)} ({p.verdict.value}{', ' + p.reason if p.reason else ''})"
                for p in bad
            )
            lines.append(f"- `{r.claim.id}` ({r.dataset}) is **{r.verdict.value}**: expected {r.claim.expect.describe()}, measured {detail}.")
    else:
        lines.append("Every applicable claim is supported by these data.")
    lines += ["", "## Figures of the data", ""]
    for caption, fig in data_figs:
        lines += [f"### {caption}", "", f"![{caption}](figures/{fig.name})", ""]
    lines += ["## Claims in detail", ""]
    for k, r in enumerate(card.results):
        c = r.claim
        lines += [f"### `{c.id}` on {r.dataset}: {r.verdict.value}", "", f"> {c.statement}", "",
                  f"- source: {c.source}",
                  f"- measured: `{c.validator}` → `{c.quantity}` with {json.dumps(dict(c.settings))}"
                  + (f", versus {json.dumps(c.versus)}" if c.versus else ""),
                  f"- expected: {c.expect.describe()} ({c.expect.basis or 'no basis given'})"]
        if r.reason:
            lines.append(f"- {r.reason}")
        if r.points:
            lines += ["", "| point | value | uncertainty | 95 % interval | verdict | method |", "| --- | --- | --- | --- | --- | --- |"]
            for p in r.points:
                m = p.measurement
                if m is None:
                    lines.append(f"| {_label(p.parameters)} | — | — | — | {p.verdict.value} | {p.reason} |")
                else:
                    lines.append(
                        f"| {_label(p.parameters)} | {m.value:.4g} | {m.uncertainty:.2g} | [{m.low:.4g}, {m.high:.4g}] "
                        f"| {p.verdict.value} | {m.method} |"
                    )
            fig = figure_claim(r, figdir / f"claim_{k:02d}_{c.id.replace('.', '_')}.png")
            if fig is not None:
                lines += ["", f"![{c.id}](figures/{fig.name})"]
        lines.append("")
    report = out / "report.md"
    _atomic_text(report, "\n".join(lines) + "\n")
    _atomic_text(out / "result.json", json.dumps(card.to_json(), indent=2, default=str) + "\n")
    return report


def _atomic_text(path: Path, text: str) -> None:
    tmp = temporary_path(path)
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
