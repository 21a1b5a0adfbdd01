"""The claims in absolute frequency (issue 51 item 5) scored on datasets with a known exponent.

- ``absolute_exponent`` on a dataset equals the array estimator on its ModeSpectra;
- the s = 2 claim is supported by an s = 2 mock and refuted by an s = 4 one; the deep-tail
  claim the other way round (data built to fail for each);
- the taper difference is read paired over the same samples;
- a compact scoring form (no ``site`` dimension, ``n_particles`` attribute) is scored as the full set;
- the superseded claims stay registered and name a claim of the file; a dangling name is refused;
- the registration file was written before the confirmatory recipe's data and names the claims scored here.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from lowest_mode_points import lowest_mode_point
from vdosbench.benchmark import evaluate_claim, load_claims, load_registration
from vdosbench.benchmark import ClaimsFileError
from vdosbench.benchmark import Verdict
from vdosbench.generators import mock_glass_spectra
from vdosbench.validators import ModeSpectra, absolute_exponent, band_mle

ROOT = Path(__file__).resolve().parents[2]
N = 2000


def _mock(exponent: float, prefactor: float, n_samples: int, seed: int):
    """Poisson levels (fast); 60 modes a sample reach above 0.6 omega0 for every prefactor used here."""
    return mock_glass_spectra(
        N,
        n_samples,
        exponent=exponent,
        prefactor=prefactor,
        k=60,
        seed=seed,
        levels="poisson",
        hybridisation=0.19,
        modulus_scatter=0.0,
    )


def _dataset(
    exponent: float,
    prefactor: float,
    n_samples: int = 400,
    seed: int = 0,
    site: bool = True,
    tapers: tuple[int, ...] = (2,),
) -> xr.Dataset:
    """One (T* = 1) point per taper of mock spectra, as a soft_spheres_lowest set stores it (3 zero modes first);
    both tapers hold the same modes (a paired difference of exactly 0)."""
    points = []
    for _ in tapers:
        m = _mock(exponent, prefactor, n_samples, seed)
        points.append(lowest_mode_point(m, N))
    ds = xr.concat(points, xr.DataArray(list(tapers), dims="taper_order", name="taper_order"))
    ds = ds.expand_dims(parent_temperature=[1.0]).transpose("parent_temperature", "taper_order", "sample", "mode")
    ds.attrs.update(generator="soft_spheres_lowest", spatial_dimension=3, model="soft_spheres")
    if site:
        return ds.assign_coords(site=np.arange(N))
    return ds.assign_attrs(n_particles=N)


def _claim(claim_id: str):
    return next(c for c in load_claims() if c.id == claim_id)


def test_dataset_estimate_equals_the_array_estimate():
    ds = _dataset(3.0, prefactor=0.07, n_samples=200)
    point = ds.isel(parent_temperature=0, taper_order=0)
    m = _mock(3.0, 0.07, 200, 0)
    direct = band_mle(ModeSpectra(**m.arrays()), 0.0, 0.29, n_bootstrap=100)
    via = absolute_exponent(point, "band_mle", (0.0, 0.29), n_bootstrap=100)
    assert via.value == pytest.approx(direct.value, rel=1e-12)
    compact = _dataset(3.0, prefactor=0.07, n_samples=200, site=False).isel(parent_temperature=0, taper_order=0)
    assert absolute_exponent(compact, "band_mle", (0.0, 0.29), n_bootstrap=100).value == pytest.approx(via.value)


@pytest.mark.parametrize(
    ("exponent", "prefactor", "s2", "s4"),
    [
        (2.0, 0.03, Verdict.SUPPORTED, Verdict.REFUTED),
        (4.0, 1.2, Verdict.REFUTED, Verdict.SUPPORTED),
    ],
)
def test_claims_in_omega_g_judge_known_exponents(exponent, prefactor, s2, s4):
    """The mocks' omega_g is sqrt(4.5): prefactors put ~5 modes a sample below 0.29 omega_g (s = 2) and ~1.6 below
    0.15 omega_g (s = 4)."""
    ds = _dataset(exponent, prefactor, n_samples=600, seed=4, site=False)
    assert evaluate_claim(_claim("schirmacher.high-tstar-s2-absolute"), ds).verdict is s2
    deep = evaluate_claim(_claim("lerner.deep-tail-s4-absolute"), ds)
    assert deep.verdict is s4, deep.points[0].measurement


def test_taper_difference_is_paired_over_the_same_samples():
    ds = _dataset(4.0, 1.2, n_samples=300, seed=6, tapers=(2, -1))
    res = evaluate_claim(_claim("schirmacher.high-tstar-taper-0-absolute"), ds)
    (point,) = res.points
    m = point.measurement
    assert m.name == "s_difference_band_mle" and m.value == pytest.approx(0.0, abs=1e-12)  # the same modes twice
    assert "paired" in m.method


def test_superseded_claims_stay_registered_and_name_a_current_claim():
    claims = {c.id: c for c in load_claims()}
    assert claims["schirmacher.high-parent-temperature-s2"].superseded_by == "schirmacher.high-tstar-s2-absolute"
    assert claims["lerner.finite-size-s4"].superseded_by == "lerner.deep-tail-s4-absolute"
    for c in claims.values():
        assert c.superseded_by is None or c.superseded_by in claims


def test_a_dangling_superseded_by_is_refused(tmp_path):
    text = (ROOT / "benchmark" / "claims.toml").read_text()
    bad = tmp_path / "claims.toml"
    bad.write_text(text.replace('superseded_by = "lerner.deep-tail-s4-absolute"', 'superseded_by = "no.such"'))
    with pytest.raises(ClaimsFileError, match="superseded_by names no claim"):
        load_claims(bad)


def test_registration_precedes_the_confirmatory_data_and_names_the_scored_claims():
    reg = load_registration("absolute-frequency")
    assert reg.registered == "2026-11-27T10:45Z" and reg.header["issue"] == 51
    assert reg.amendments and all(t > reg.registered for t in reg.amendments)
    td = load_registration("td-control")  # issue 52's
    scored = {c.id for c in load_claims() if c.validator == "absolute_exponent"}
    assert scored <= set(reg.claims) | set(td.claims)
    assert all(
        c.registration is not None for c in load_claims() if c.id in set(reg.claims) | set(td.claims)
    )  # read from the registration, not defined twice
    from vdosbench.generators.glasses.lowest_mode_glasses import CONFIRM_ROOT_SEED, RECIPES

    recipe = RECIPES["soft_spheres_lowest_confirm_n2000"]
    assert recipe.root_seed == CONFIRM_ROOT_SEED and str(CONFIRM_ROOT_SEED) in reg.header["data"]
    assert recipe.n_samples == 1000 and recipe.fixed["n_lowest"] == 20
    assert math.isclose(0.6 * 2 * math.pi / N ** (1 / 3), 0.299, abs_tol=5e-4)  # the window rule's edge at N = 2000


def test_a_superseded_claim_is_reported_but_does_not_gate():
    """Built to fail: the s = 2 claim is refuted by an s = 4 mock and gates the exit status until it is marked
    superseded; then the gate follows the current claims only, and the gate line names what was left out."""
    from dataclasses import replace

    from vdosbench.benchmark.report_text import gate_line
    from vdosbench.benchmark.scorecard import EXIT_FAIL, EXIT_PASS, read_input, score_datasets

    ds = _dataset(4.0, 1.2, n_samples=600, seed=4, site=False)
    deep, s2 = _claim("lerner.deep-tail-s4-absolute"), _claim("schirmacher.high-tstar-s2-absolute")
    card = score_datasets([read_input(ds, name="mock")], [deep, s2], "default")
    assert card.gate() == "refuted" and card.exit_code() == EXIT_FAIL
    old = replace(s2, superseded_by=deep.id)
    card = score_datasets([read_input(ds, name="mock")], [deep, old], "default")
    assert [r.verdict for r in card.results] == [Verdict.SUPPORTED, Verdict.REFUTED]  # still scored and reported
    assert card.gate() == "supported" and card.exit_code() == EXIT_PASS
    assert f"superseded, reported but not gating: {s2.id} -> {deep.id}" in gate_line(card)
    only_old = score_datasets([read_input(ds, name="mock")], [old], "default")
    assert only_old.gate() == "inconclusive" and only_old.exit_code() == EXIT_PASS


def test_a_score_reports_s_of_omega_in_the_bands_whose_coverage_is_measured():
    """Issue 51: `vdosbench score` reports s(ω) beside the absolute claims' verdicts — the band MLE in the bands
    S_OF_OMEGA_EDGES of ω/ω_g, the same numbers as local_exponent on the point, and the Markdown report shows them."""
    from vdosbench.benchmark.report import _points_markdown
    from vdosbench.validators import S_OF_OMEGA_EDGES, local_exponent

    ds = _dataset(3.0, prefactor=0.07, n_samples=300, seed=2, site=False)
    res = evaluate_claim(_claim("schirmacher.high-tstar-s2-absolute"), ds)
    (point,) = res.points
    rows = point.measurement.settings["s_of_omega"]
    assert [r["band_omega_over_omega_g"] for r in rows] == [
        list(b) for b in zip(S_OF_OMEGA_EDGES, S_OF_OMEGA_EDGES[1:])
    ]
    spectra = ModeSpectra(**_mock(3.0, 0.07, 300, 2).arrays())
    direct, _ = local_exponent(spectra, S_OF_OMEGA_EDGES, n_bootstrap=400, seed=0)
    for row, est in zip(rows, direct):
        assert row["status"] == est.status and row["modes"] == est.diagnostics["modes"]
        if est.status == "ok":
            assert row["s"] == pytest.approx(est.value, rel=1e-12)
            assert row["interval"] == pytest.approx([est.measurement.low, est.measurement.high], rel=1e-12)
    assert "absolute_frequency_coverage_s_of_omega.json" in point.measurement.settings["s_of_omega_coverage"]
    text = "\n".join(_points_markdown(res))
    assert "s(ω) at" in text and "(0.23, 0.29]" in text


def test_the_coverage_study_reads_each_s_of_omega_band_against_its_population_value():
    """studies/absolute_frequency_coverage.py --s-of-omega: one replicate reads every band the score reports, with
    the truth of each (the band MLE's population value on the curved truth)."""
    from script_loader import load_script

    study = load_script("studies/absolute_frequency_coverage.py", "afc_s_of_omega")
    truth = study.s_of_omega_truths()
    assert list(truth) == [f"band {a:g}-{b:g}" for a, b in zip(study.S_OF_OMEGA_EDGES, study.S_OF_OMEGA_EDGES[1:])]
    assert all(2.5 < v < 4.0 for v in truth.values())  # the curved spectrum: s falls from ~3.7 to ~3.0 with x
    assert list(truth.values()) == sorted(truth.values(), reverse=True)
