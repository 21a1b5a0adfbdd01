"""Human labels: m = ∞ is shown as ∞, never −1, wherever a parameter value is printed (issue 17 item 2)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from vdosbench.datasets import mock_spectrum
from vdosbench.datasets import point_label, value_label


@pytest.mark.parametrize(
    ("name", "value", "label"),
    [
        ("taper_order", -1, "∞"),
        ("taper_order", np.int64(-1), "∞"),
        ("taper_order", -1.0, "∞"),
        ("taper_order", 2, "2"),
        ("taper_order", [2, -1], "2,∞"),
        ("delta", -1, "-1"),  # only the parameter whose convention says so
        ("taper_order", True, "True"),  # a bool is not the number -1 or 1
        ("parent_temperature", math.inf, "∞"),
        ("parent_temperature", np.float64(0.144), "0.144"),
        ("delta", 0.1 + 0.2, "0.3"),
        ("spring", "constant", "constant"),
    ],
)
def test_value_label(name: str, value: Any, label: str) -> None:
    assert value_label(name, value) == label


def test_the_stored_value_is_unchanged() -> None:
    point = {"taper_order": -1}
    assert point_label(point) == "taper_order=∞" and point == {"taper_order": -1}


def test_reports_and_figures_use_the_one_labelling_function() -> None:
    from vdosbench.benchmark import figures, html_report, reference, report

    assert figures.point_label is point_label
    assert report.point_label is point_label
    assert html_report.point_label is point_label
    assert reference._label({"taper_order": -1}) == "taper_order=∞"


def _drawn_text(monkeypatch: pytest.MonkeyPatch, draw: Any, ds: Any, tmp_path: Path) -> list[str]:
    """Titles and legend entries of the figure ``draw`` makes (captured instead of saved)."""
    from vdosbench.benchmark import figures

    texts: list[str] = []

    def capture(fig: Any, path: Path) -> None:
        for ax in fig.axes:
            texts.append(ax.get_title())
            legend = ax.get_legend()
            texts.extend(t.get_text() for t in (legend.get_texts() if legend else []))

    monkeypatch.setattr(figures, "_save", capture)
    draw(ds, tmp_path / "figure.png")
    return texts


@pytest.mark.parametrize("draw", ["figure_reduced_dos", "figure_coordination"])
def test_figure_titles_and_legends_show_infinity(draw: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from vdosbench.benchmark import figures

    # taper_order as the line (legend) ...
    ds = mock_spectrum(n_site=6, parameters={"taper_order": [2, -1]}, n_mode=6, n_zero=1)
    texts = _drawn_text(monkeypatch, getattr(figures, draw), ds, tmp_path)
    assert "taper_order=∞" in texts and "taper_order=2" in texts
    assert not any("-1" in t for t in texts), texts
    # ... and as the panel (title)
    ds = mock_spectrum(n_site=6, parameters={"delta": [0.0, 0.1], "taper_order": [2, -1]}, n_mode=6, n_zero=1)
    texts = _drawn_text(monkeypatch, getattr(figures, draw), ds, tmp_path)
    assert "taper_order=∞" in texts and not any("-1" in t for t in texts), texts


def test_the_systems_table_and_the_catalogue_list_show_infinity() -> None:
    from vdosbench.benchmark.report_text import _cell
    from vdosbench.datasets import get_entry

    assert _cell("taper_order", -1) == "∞" and _cell("parent_temperature", 0.14400001) == "0.144"
    assert _cell("n_particles", 1000) == "1000" and _cell("model", "soft_spheres") == "soft_spheres"
    summary = get_entry("ghet-type2").summary()
    assert "taper_order=1,2,3,∞" in summary and "taper_order=1,2,3,-1" not in summary
