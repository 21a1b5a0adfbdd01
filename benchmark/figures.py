"""Figures of a scorecard: the data (reduced DOS, coordination, local response, a vortex mode) and each claim's
diagnostic curves (F(ω)/ω^(s+1), P(r) against the GOE surmise, P(σ), ω_BP against k_G, ...).

Every figure is written atomically as a PNG under the report's ``figures/``
folder.  :func:`draw_report_figures` draws all of them for a scorecard and
never raises for a figure that cannot be drawn: it records a
:class:`FigureEntry` with a note saying why, which the Markdown and HTML
reports print as the figure's caption.

Claim figures are the validators' own ``plot(ax)`` (one panel per parameter
point), so each claim kind gets its validator's diagnostic figure:

====================================  ========================================================
validator                             figure
====================================  ========================================================
``power_law_exponent``                F(ω)/ω^(s+1) for the trial s and the flattest s
``level_statistics``                  P(r) against the Atas GOE surmise and Poisson
``stress_exponent``                   P(σ) with the fitted σ^α
``crossover_slope``                   ω_BP against c·k_G with the fitted lines and √3/2
``boson_peak_excess``                 reduced DOS, Debye level, excess
``coordination_distribution``         P(z)
``new_poles``                         the measured value with its interval
``phonon_shell``                      plane-wave-shell weight of every stored mode against ω/ω₀
``curve_exponent/_peak/_gap``         g/ω² of the theory curve with the window, peak or gap edge
``exponent_below_crossover``          F(ω)/ω^(s+1) below the predicted crossover
====================================  ========================================================
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from vdosbench.datasets import parameter_dims, select_point  # noqa: E402
from vdosbench.datasets.io import temporary_path  # noqa: E402
from vdosbench.datasets.labels import point_label, value_label  # noqa: E402  (point_label: re-exported)
from vdosbench.validators import (  # noqa: E402
    coordination_distribution,
    debye_reduced_level,
    field_vorticity,
    local_response,
    reduced_dos,
)

from .scoring import ClaimResult  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from .scorecard import InputInfo

__all__ = [
    "FigureEntry",
    "ReportFigures",
    "draw_report_figures",
    "figure_claim",
    "figure_coordination",
    "figure_local_response",
    "figure_reduced_dos",
    "figure_vortex_mode",
    "has_vector_modes",
    "point_label",
    "safe_filename",
]

#: Most sites drawn as arrows in :func:`figure_vortex_mode` (the largest displacements are kept).
MAX_ARROWS = 5000


@dataclass(frozen=True)
class FigureEntry:
    """One figure of a report, drawn or skipped.

    Attributes
    ----------
    caption
        What the figure shows, short (a heading).
    path
        The PNG under ``figures/``; ``None`` when the figure was skipped.
    note
        Why the figure was skipped, or what it leaves out (e.g. points beyond
        the panel limit); empty when there is nothing to say.
    details
        The choices the figure made (e.g. which mode and slice), printed under it.
    """

    caption: str
    path: Path | None = None
    note: str = ""
    details: str = ""

    @property
    def png(self) -> bytes:
        """The PNG bytes (empty when skipped)."""
        return self.path.read_bytes() if self.path is not None else b""


@dataclass
class ReportFigures:
    """The figures of one report: the data figures and one entry (or ``None``) per claim result.

    Attributes
    ----------
    data
        Figures of the input datasets, in input order.
    claims
        Aligned with ``ScoreCard.results``: the claim's diagnostic figure, or
        ``None`` for a claim that was not measured (not applicable).
    """

    data: list[FigureEntry] = field(default_factory=list)
    claims: list[FigureEntry | None] = field(default_factory=list)


# ------------------------------------------------------------------------------
# helpers
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


@contextmanager
def _figure(n: int, path: Path) -> Iterator[Any]:
    """Axes of a grid of ``n`` panels; saved atomically to ``path`` on success, always closed."""
    fig, axes = _grid(n)
    try:
        yield axes
        _save(fig, path)
    finally:
        plt.close(fig)


def _save(fig: plt.Figure, path: Path) -> None:
    tmp = temporary_path(path).with_suffix(".png")
    try:
        fig.tight_layout()
        fig.savefig(tmp, dpi=110)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------
# figures of the data
# ------------------------------------------------------------------------------


def figure_reduced_dos(ds: xr.Dataset, path: Path, omega_max: float = 1.5, bins: int = 30) -> Path:
    """Reduced DOS g(ω)/ω^(d−1), one panel per non-numeric parameter point, a line per numeric one."""
    line, panel_dims = _line_and_panels(ds)
    panels = _panels(ds, panel_dims)
    edges = np.linspace(0.0, omega_max, bins + 1)
    d = int(ds.attrs["spatial_dimension"])
    with _figure(len(panels), path) as axes:
        for ax, panel in zip(axes, panels):
            lines = ds[line].values.tolist() if line else [None]
            colors = plt.cm.viridis(np.linspace(0, 0.9, len(lines)))
            for color, value in zip(colors, lines):
                point = _point(ds, panel, line, value)
                red = reduced_dos(point, bins=edges)
                label = f"{line}={value_label(line, value)}"
                ax.plot(red["omega"], red["g_reduced"], color=color, label=label)
            if int(ds.attrs.get("site_degrees_of_freedom", d)) == 1:
                level = debye_reduced_level(1.0, d, float(ds.vdos.number_density.mean()))
                ax.axhline(level, color="k", ls="--", lw=0.8, label="Debye, c = 1 (unit-spring crystal)")
            ax.set_xlabel("ω")
            ax.set_ylabel(f"g(ω)/ω^{d - 1}" if d > 1 else "g(ω)")
            ax.set_title(point_label(panel) or str(ds.attrs.get("title", "")), fontsize=9)
            ax.set_xlim(0, omega_max)
            ax.legend(fontsize=7)
    return path


def figure_coordination(ds: xr.Dataset, path: Path) -> Path:
    """Coordination-number histograms, panels and lines as in :func:`figure_reduced_dos`."""
    line, panel_dims = _line_and_panels(ds)
    panels = _panels(ds, panel_dims)
    with _figure(len(panels), path) as axes:
        for ax, panel in zip(axes, panels):
            lines = ds[line].values.tolist() if line else [None]
            for k, value in enumerate(lines):
                point = _point(ds, panel, line, value)
                res = coordination_distribution(point, n_bootstrap=10)  # only the histogram is drawn
                hist = res.histogram
                width = 0.8 / len(lines)
                ax.bar(
                    hist["coordination_number"] + (k - (len(lines) - 1) / 2) * width,
                    hist["probability"],
                    width=width,
                    label=f"{line}={value_label(line, value)}" if line else str(value),
                )
            ax.set_xlabel("coordination number z")
            ax.set_ylabel("P(z)")
            ax.set_title(point_label(panel), fontsize=9)
            ax.legend(fontsize=7)
    return path


def figure_local_response(ds: xr.Dataset, path: Path) -> Path:
    """−Im G_ii(ω) of every site, one panel per parameter point (e.g. the toy's variants)."""
    panels = _panels(ds, list(parameter_dims(ds)))
    with _figure(len(panels), path) as axes:
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
            ax.set_title(point_label(panel), fontsize=9)
    return path


def has_vector_modes(ds: xr.Dataset) -> bool:
    """Whether ``ds`` stores vector eigenvectors and positions in 2D or 3D (a vortex can be drawn)."""
    return (
        "eigenvector" in ds
        and "spatial" in ds["eigenvector"].dims
        and "position" in ds
        and "box_length" in ds
        and int(ds.attrs.get("spatial_dimension", 0)) in (2, 3)
    )


def _lowest_vector_mode(point: xr.Dataset) -> tuple[int, int, float]:
    """(position along ``vector_mode``, mode index, ω) of the lowest stored non-zero mode of sample 0."""
    zero = point.vdos.zero_mode.isel(sample=0).values
    lam = point["eigenvalue"].isel(sample=0).values
    modes = np.asarray(point["vector_mode"].values, dtype=np.int64)
    candidates = [(float(lam[m]), k, int(m)) for k, m in enumerate(modes) if not zero[m]]
    if not candidates:
        raise ValueError("every stored eigenvector is a zero (translation) mode")
    lam_min, k, mode = min(candidates)
    return k, mode, float(np.sqrt(max(lam_min, 0.0)))


def figure_vortex_mode(ds: xr.Dataset, path: Path) -> tuple[Path, str]:
    """The lowest stored non-zero eigenvector as arrows: the vortex-like type-II mode (seeds 001, 003).

    The choice, stated in the returned caption: the first parameter point,
    sample 0, the stored eigenvector of lowest non-zero ω.  In 2D every site
    is an arrow (u_x, u_y) at its position in the periodic box.  In 3D the
    arrows are the (u_x, u_y) components of the sites in a slab one mean
    interparticle distance thick around the plane z = z₀ through the site
    of largest |u|.  At most :data:`MAX_ARROWS`
    arrows are drawn (the largest displacements).  Colour is |u|; the cross
    marks the circulation centre of :func:`vdosbench.validators.field_vorticity`
    when it can be located (in 3D: when it lies in the slab).

    Returns
    -------
    tuple of (pathlib.Path, str)
        The PNG and the caption.
    """
    pdims = list(parameter_dims(ds))
    values = {d: ds[d].values.tolist()[0] for d in pdims}
    point = select_point(ds, values) if values else ds
    d = int(point.attrs["spatial_dimension"])
    k, mode, omega = _lowest_vector_mode(point)
    u = point["eigenvector"].transpose("sample", "vector_mode", "site", "spatial").values[0, k]
    x = point["position"].transpose("sample", "site", "spatial").values[0]
    box_var = point["box_length"].isel(sample=0)
    box = np.broadcast_to(np.asarray(box_var.values, dtype=float), (d,)).copy()
    x = np.mod(x, box)
    try:  # the marker is an annotation: the figure stands without it
        pairs = point.vdos.sample_pairs("pair_i", "pair_j")[0] if "pair_i" in point else None
        spacing = float(np.prod(box) / x.shape[0]) ** (1.0 / d)
        fv = field_vorticity(u, x, box, pairs=pairs, radius=None if pairs else 1.6 * spacing)
        centre = fv.circulation_centre if np.all(np.isfinite(fv.circulation_centre)) else fv.core_position
        curl = f"; curl content {fv.curl_content:.3g}, core curl content {fv.core_curl_content:.3g}"
    except Exception:  # noqa: BLE001 - any failure only drops the marker
        centre, curl = None, ""
    amplitude = np.linalg.norm(u, axis=1)
    shown = np.arange(x.shape[0])
    where = "all sites"
    if d == 3:
        spacing = float(np.prod(box) / x.shape[0]) ** (1.0 / 3.0)
        z0 = x[int(np.argmax(amplitude)), 2]
        dz = np.abs(x[:, 2] - z0)
        dz = np.minimum(dz, box[2] - dz)
        shown = shown[dz <= spacing / 2]
        where = f"(u_x, u_y) of the sites with |z − {z0:.3g}| ≤ {spacing / 2:.3g} (a slab one mean spacing thick)"
        if centre is not None:
            dc = abs(float(np.mod(centre[2], box[2])) - z0)
            centre = centre if min(dc, box[2] - dc) <= spacing / 2 else None
    if shown.size > MAX_ARROWS:
        shown = shown[np.argsort(amplitude[shown])[-MAX_ARROWS:]]
        where += f"; the {MAX_ARROWS} largest displacements"
    with _figure(1, path) as axes:
        ax = axes[0]
        q = ax.quiver(
            x[shown, 0],
            x[shown, 1],
            u[shown, 0],
            u[shown, 1],
            amplitude[shown],
            cmap="viridis",
            angles="xy",
            pivot="middle",
        )
        plt.colorbar(q, ax=ax, label="|u_i|")
        if centre is not None:
            ax.plot(*np.mod(centre[:2], box[:2]), "x", color="tab:red", ms=12, mew=2, label="circulation centre")
            ax.legend(fontsize=7, loc="upper right")
        ax.set_xlim(0, box[0])
        ax.set_ylim(0, box[1])
        ax.set_aspect("equal")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title(f"mode {mode}, ω = {omega:.4g}", fontsize=9)
    label = point_label(values)
    caption = (
        f"lowest stored non-zero eigenvector (mode {mode}, ω = {omega:.4g}) of sample 0"
        f"{' at ' + label if label else ''}, {d}D: {where}{curl}"
    )
    return path, caption


# ------------------------------------------------------------------------------
# figures of the claims
# ------------------------------------------------------------------------------


def figure_claim(result: ClaimResult, path: Path, max_points: int = 6) -> Path | None:
    """The diagnostic curves of a claim's measurements (one panel per parameter point, at most ``max_points``).

    A panel whose ``plot`` fails says so in the panel instead.  Returns
    ``None`` when no point has a result to draw.
    """
    points = [p for p in result.points if p.result is not None and hasattr(p.result, "plot")][:max_points]
    if not points:
        return None
    with _figure(len(points), path) as axes:
        for ax, p in zip(axes, points):
            try:
                p.result.plot(ax)
            except Exception as e:  # noqa: BLE001 - a validator's plot must not cost the report
                ax.clear()
                ax.text(
                    0.5,
                    0.5,
                    f"could not draw:\n{type(e).__name__}: {e}",
                    ha="center",
                    va="center",
                    wrap=True,
                    fontsize=8,
                    transform=ax.transAxes,
                )
            label = point_label(p.parameters)
            ax.set_title(f"{label + ': ' if label else ''}{p.verdict.value}\n{ax.get_title()}".strip(), fontsize=9)
    return path


def _safe(caption: str, draw: Callable[[], FigureEntry]) -> FigureEntry:
    """``draw()``, or a skipped entry whose note names the error (a figure never costs the report)."""
    try:
        return draw()
    except Exception as e:  # noqa: BLE001 - any failure of one figure is reported, not raised
        return FigureEntry(caption, None, f"not drawn: {type(e).__name__}: {e}")


def safe_filename(name: str) -> str:
    """``name`` with every character other than letters, digits, ``-`` and ``_`` replaced by ``_``.

    Examples
    --------
    >>> safe_filename("tests/test_a.py::test_b[x]")
    'tests_test_a_py__test_b_x_'
    """
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)


def _figure_stems(names: list[str]) -> list[str]:
    """A file-name stem per input: :func:`safe_filename` of its name, with the input's index added where two
    names map to one stem (``x.y`` and ``x_y``), so that no input's figure overwrites another's.

    Examples
    --------
    >>> _figure_stems(["x.y", "x_y", "z"])
    ['x_y', 'x_y_2', 'z']
    """
    stems: list[str] = []
    for k, name in enumerate(names, start=1):
        stem = safe_filename(name)
        stems.append(f"{stem}_{k}" if stem in stems else stem)
    return stems


def _data_figures(name: str, ds: xr.Dataset, figdir: Path, stem: str | None = None) -> list[FigureEntry]:
    stem = stem or safe_filename(name)
    entries: list[FigureEntry] = []
    if "local_response" in ds or ("variant" in ds.dims and "eigenvector" in ds):
        caption = f"{name}: local response −Im G_ii(ω)"
        entries.append(
            _safe(
                caption, lambda: FigureEntry(caption, figure_local_response(ds, figdir / f"{stem}_local_response.png"))
            )
        )
        return entries
    caption = f"{name}: reduced DOS"
    entries.append(
        _safe(caption, lambda: FigureEntry(caption, figure_reduced_dos(ds, figdir / f"{stem}_reduced_dos.png")))
    )
    if "coordination" in ds:
        caption_z = f"{name}: coordination numbers"
        entries.append(
            _safe(
                caption_z, lambda: FigureEntry(caption_z, figure_coordination(ds, figdir / f"{stem}_coordination.png"))
            )
        )
    if has_vector_modes(ds):
        caption_v = f"{name}: vortex mode"

        def vortex() -> FigureEntry:
            path, detail = figure_vortex_mode(ds, figdir / f"{stem}_vortex_mode.png")
            return FigureEntry(caption_v, path, details=detail)

        entries.append(_safe(caption_v, vortex))
    return entries


def _claim_figure(result: ClaimResult, path: Path, max_points: int = 6) -> FigureEntry | None:
    if not result.points:
        return None
    caption = f"{result.claim.id} on {result.dataset}: diagnostic curves of {result.claim.validator}"
    drawable = [p for p in result.points if p.result is not None and hasattr(p.result, "plot")]
    notes = []
    if len(drawable) > max_points:
        notes.append(f"the first {max_points} of {len(drawable)} points are shown")
    if len(drawable) < len(result.points):
        notes.append(f"{len(result.points) - len(drawable)} point(s) without a diagnostic curve (measurement failed)")

    def draw() -> FigureEntry:
        drawn = figure_claim(result, path, max_points)
        if drawn is None:
            return FigureEntry(caption, None, "not drawn: no point has a diagnostic curve")
        return FigureEntry(caption, drawn, "; ".join(notes))

    return _safe(caption, draw)


def draw_report_figures(
    results: Sequence[ClaimResult], datasets: Sequence[tuple[InputInfo, xr.Dataset]], figdir: str | os.PathLike[str]
) -> ReportFigures:
    """Draw every figure of a report under ``figdir``; a figure that fails is recorded as skipped.

    Parameters
    ----------
    results
        The claim results (``ScoreCard.results``).
    datasets
        The scored inputs, as given to :func:`~vdosbench.benchmark.scorecard.score_datasets`.
    figdir
        Folder of the PNG files (created).

    Returns
    -------
    ReportFigures
        Data figures in input order; one claim entry per result (``None`` when not measured).
    """
    figdir = Path(figdir)
    figdir.mkdir(parents=True, exist_ok=True)
    figures = ReportFigures()
    stems = _figure_stems([info.name for info, _ in datasets])
    for (info, ds), stem in zip(datasets, stems, strict=True):
        figures.data.extend(_data_figures(info.name, ds, figdir, stem))
    for k, r in enumerate(results):
        figures.claims.append(_claim_figure(r, figdir / f"claim_{k:02d}_{safe_filename(r.claim.id)}.png"))
    return figures
