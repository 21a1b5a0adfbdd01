"""The self-contained HTML report: well-formed, figures embedded as PNG data URIs, verdicts as in result.json."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark import load_claims
from vdosbench.benchmark import figures as figures_module
from vdosbench.benchmark import write_report
from vdosbench.benchmark.scorecard import read_input, score_datasets
from vdosbench.datasets import mock_spectrum

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
VOID = {"meta", "img", "br", "hr", "link", "input", "col", "area", "base", "source", "wbr"}

CLAIMS = """
[[claim]]
id = "mock.s4"
source = { file = "none", where = "mock" }
statement = "mock spectra follow g ~ w^4 <tag> & 'quotes'"
measure = { validator = "power_law_exponent", quantity = "mle", window = [0.0, 1.0], n_bootstrap = 50, seed = 0 }
expect = { kind = "equal", value = 4.0, tolerance = 1.5, basis = "the mock's exponent" }

[[claim]]
id = "mock.s2-built-to-fail"
source = { file = "none", where = "built to fail" }
statement = "mock spectra follow g ~ w^2"
measure = { validator = "power_law_exponent", quantity = "mle", window = [0.0, 1.0], n_bootstrap = 50, seed = 0 }
expect = { kind = "equal", value = 2.0, tolerance = 0.1, basis = "built to fail" }

[[claim]]
id = "mock.poisson"
source = { file = "none", where = "mock" }
statement = "independent levels have Poisson statistics"
measure = { validator = "level_statistics", quantity = "mean_r_tilde", window = "lowest", n_modes = 40, n_bootstrap = 50, seed = 0 }
expect = { kind = "within", low = 0.2, high = 0.7, basis = "mock" }

[[claim]]
id = "mock.flat-stresses"
source = { file = "none", where = "mock" }
statement = "uniform stresses: P(sigma) flat"
requires = ["pair_psi", "pair_count"]
measure = { validator = "stress_exponent", quantity = "alpha", stress = "abs_psi", quantile = 0.5, n_bootstrap = 50, seed = 0 }
expect = { kind = "equal", value = 0.0, tolerance = 1.0, basis = "mock" }

[[claim]]
id = "mock.soft-spheres-only"
source = { file = "none", where = "mock" }
statement = "about soft spheres only"
applies_to = { generator = "soft_spheres" }
measure = { validator = "power_law_exponent", quantity = "mle", window = [0.0, 1.0], n_bootstrap = 50, seed = 0 }
expect = { kind = "equal", value = 4.0, tolerance = 1.0, basis = "mock" }
"""


def vortex_dataset(spatial_dimension: int = 2, side: int = 8, n_sample: int = 8) -> xr.Dataset:
    """A mock spectrum (g ~ ω⁴) on a periodic lattice whose stored modes are a translation and a vortex."""
    d = spatial_dimension
    n_site = side**d
    ds = mock_spectrum(
        n_sample=n_sample, n_mode=60, exponent=4.0, n_site=n_site, spatial_dimension=d, pairs_per_sample=200, seed=3
    )
    rng = np.random.default_rng(0)
    ds["pair_psi"] = ("pair", rng.uniform(0.0, 1.0, ds.sizes["pair"]), {"long_name": "r phi'", "units": "1"})
    grid = np.stack(np.meshgrid(*[np.arange(side) + 0.5] * d, indexing="ij"), -1).reshape(-1, d)
    ds["position"] = (
        ("sample", "site", "spatial"),
        np.broadcast_to(grid, (n_sample, n_site, d)).copy(),
        {"long_name": "site position", "units": "1"},
    )
    ds["box_length"] = ("sample", np.full(n_sample, float(side)), {"long_name": "periodic box edge", "units": "1"})
    r = grid - side / 2
    vortex = np.zeros((n_site, d))
    vortex[:, 0], vortex[:, 1] = -r[:, 1], r[:, 0]
    vortex *= np.exp(-(r**2).sum(1) / 4.0)[:, None]
    translation = np.zeros((n_site, d))
    translation[:, 0] = 1.0
    vec = np.stack([translation, vortex])
    vec /= np.linalg.norm(vec, axis=(1, 2), keepdims=True)
    ds = ds.assign_coords(vector_mode=("vector_mode", np.array([0, 1]), {"long_name": "mode index", "units": "1"}))
    ds["eigenvector"] = (
        ("sample", "vector_mode", "site", "spatial"),
        np.broadcast_to(vec, (n_sample, 2, n_site, d)).copy(),
        {"long_name": "normalised eigenvector", "units": "1"},
    )
    ds.attrs["site_degrees_of_freedom"] = d
    return ds


class _Collector(HTMLParser):
    """Checks nesting (every non-void tag closed in order) and collects images and claim verdicts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.verdicts: list[tuple[str, str, str]] = []
        self._verdict: dict[str, str | None] | None = None
        self._text: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            self.images.append(a)
        if tag not in VOID:
            self.stack.append(tag)
        if "verdict" in (a.get("class") or "").split():
            self._verdict, self._text = a, []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        if self._verdict is not None and tag in ("td", "span"):
            self.verdicts.append(
                (str(self._verdict["data-claim"]), str(self._verdict["data-dataset"]), "".join(self._text).strip())
            )
            self._verdict = None

    def handle_data(self, data: str) -> None:
        if self._verdict is not None:
            self._text.append(data)


def _parse(path: Path) -> _Collector:
    parser = _Collector()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    assert parser.doctype.lower() == "doctype html"
    assert not parser.errors, parser.errors[:5]
    assert parser.stack == [], parser.stack
    return parser


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("claims") / "claims.toml"
    path.write_text(CLAIMS)
    return path


@pytest.mark.parametrize("spatial_dimension", [2, 3], ids=["2d", "3d"])
def test_html_report_is_self_contained_and_matches_json(
    spatial_dimension: int, claims_file: Path, tmp_path: Path
) -> None:
    ds = vortex_dataset(spatial_dimension, side=8 if spatial_dimension == 2 else 5)
    inputs = [read_input(ds, name="mock <vortex>")]
    card = score_datasets(inputs, load_claims(claims_file), str(claims_file))
    out = tmp_path / "report"
    write_report(card, inputs, out)

    parsed = _parse(out / "report.html")
    result = json.loads((out / "result.json").read_text())
    # every claim-level verdict in the HTML is the JSON's; every JSON result appears
    expected = {(r["id"], r["dataset"]): r["verdict"] for r in result["results"]}
    assert {(c, d) for c, d, _ in parsed.verdicts} == set(expected)
    for claim, dataset, verdict in parsed.verdicts:
        assert verdict == expected[(claim, dataset)], (claim, verdict)
    assert expected[("mock.s4", "mock <vortex>")] == "supported"
    assert expected[("mock.s2-built-to-fail", "mock <vortex>")] == "refuted"
    # figures: every <img> is a PNG data URI; one per drawn figure (data: DOS, coordination, vortex; 4 claims)
    pngs = sorted((out / "figures").glob("*.png"))
    assert len(parsed.images) == len(pngs) == 7
    for img in parsed.images:
        src = str(img["src"])
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1], validate=True).startswith(PNG_MAGIC)
        assert img.get("alt")
    assert any(p.name.endswith("_vortex_mode.png") for p in pngs)
    text = (out / "report.html").read_text()
    assert 'src="http' not in text and "<script" not in text and "<link" not in text
    # text is escaped; the inputs' full sha256 and the measured settings are there
    assert "&lt;tag&gt; &amp; &#x27;quotes&#x27;" in text and "<tag>" not in text
    assert result["inputs"][0]["sha256"] in text
    assert "lowest stored non-zero eigenvector (mode 1" in text
    assert "<summary>settings</summary>" in text and "n_bootstrap" in text
    # nothing left under a temporary name
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
    assert (out / "report.md").read_text().count("](figures/") == 7


def test_a_figure_that_fails_is_skipped_with_a_note(
    claims_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no ink left")

    monkeypatch.setattr(figures_module, "figure_coordination", broken)
    monkeypatch.setattr(figures_module, "figure_vortex_mode", broken)
    ds = vortex_dataset(2, side=6, n_sample=4)
    inputs = [read_input(ds, name="mock")]
    card = score_datasets(inputs, load_claims(claims_file)[:1], str(claims_file))
    out = tmp_path / "report"
    write_report(card, inputs, out)
    parsed = _parse(out / "report.html")
    assert len(parsed.images) == 2  # reduced DOS and the claim's figure
    html = (out / "report.html").read_text()
    markdown = (out / "report.md").read_text()
    for text in (html, markdown):
        assert "not drawn: RuntimeError: no ink left" in text
        assert "mock: coordination numbers" in text and "mock: vortex mode" in text
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


def test_vortex_figure_marks_the_circulation_centre(tmp_path: Path) -> None:
    pairs = ["pair_count", "pair_i", "pair_j", "pair_distance", "pair_psi"]
    ds = vortex_dataset(2, side=8, n_sample=2).drop_vars(pairs)  # neighbours from a radius
    path, caption = figures_module.figure_vortex_mode(ds, tmp_path / "vortex.png")
    assert path.read_bytes().startswith(PNG_MAGIC)
    assert "mode 1" in caption and "2D: all sites" in caption and "curl content" in caption
    assert not figures_module.has_vector_modes(mock_spectrum(n_site=16, vector_modes=[1]))  # scalar field


def test_reports_say_a_card_without_applicable_claims_is_not_a_pass(claims_file: Path, tmp_path: Path) -> None:
    """Issue 18 item 3: no claim applies → both reports and result.json say so; never 'Every applicable claim is
    supported'.  One applicable, supported claim → that sentence, and no gate note."""
    ds = mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3)
    claims = load_claims(claims_file)
    soft_only = [c for c in claims if c.id == "mock.soft-spheres-only"]
    inputs = [read_input(ds, name="third party")]
    out = tmp_path / "empty"
    write_report(score_datasets(inputs, soft_only, str(claims_file)), inputs, out)
    parsed = _parse(out / "report.html")
    assert parsed.verdicts == [("mock.soft-spheres-only", "third party", "not applicable")]
    html, markdown = (out / "report.html").read_text(), (out / "report.md").read_text()
    result = json.loads((out / "result.json").read_text())
    assert result["gate"] == "no-applicable-claims"
    for text in (html, markdown):
        assert "No claim applies to these data: nothing was tested, and this is not a pass" in text
        assert "No claim applies to these data, so none was tested: this is not a pass" in text
        assert "Every applicable claim is supported" not in text
        assert "Declare what the claims select on: generator" in text
    assert '<p class="gate">No claim applies to these data (0 of 1 claim on 1 input)' in html
    assert "the dataset has no &#x27;generator&#x27; attribute or coordinate" in html  # escaped

    out = tmp_path / "one"
    s4 = [c for c in claims if c.id == "mock.s4"]
    write_report(score_datasets(inputs, s4, str(claims_file)), inputs, out)
    html, markdown = (out / "report.html").read_text(), (out / "report.md").read_text()
    assert json.loads((out / "result.json").read_text())["gate"] == "supported"
    for text in (html, markdown):
        assert "Every applicable claim is supported by these data." in text
        assert "Score: 1 of 1 applicable claims supported" in text and "not a pass" not in text
    assert 'class="gate"' not in html
