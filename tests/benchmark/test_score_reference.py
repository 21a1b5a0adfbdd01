"""``vdosbench score DATA --reference NAME``: distance of submitted ensembles to a reference ensemble."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
import xarray as xr

from vdosbench.cli import main
from vdosbench.benchmark.reference import (
    ReferenceInputError,
    ReferenceUnavailableError,
    compare_to_reference,
    open_reference,
    resolve_reference,
)
from vdosbench.datasets import list_entries, mock_spectrum, select_point, write
from vdosbench.validators import frequencies
from vdosbench.validators import eigenvalue_agreement, ks_statistic

reference_module = importlib.import_module("vdosbench.benchmark.reference")
FAST = {"n_permutations": 99, "n_bootstrap": 20}


@pytest.fixture(scope="module")
def spring16() -> tuple:
    source = resolve_reference("spring-network-16")
    return source, open_reference(source)


@pytest.mark.parametrize(
    ("na", "nb", "n_permutations", "floor"),
    [(3, 3, 99, 0.1), (3, 3, 9, 0.1), (2, 3, 0, float("nan")), (515, 515, 999, 1e-3), (900, 900, 999, 1e-3)],
)
def test_the_permutation_floor_is_exact_for_small_and_large_ensembles(
    na: int, nb: int, n_permutations: int, floor: float
) -> None:
    """k / C(n_a + n_b, n_a) or 1 / (1 + permutations), the larger; C(1030, 515) and beyond are no floats (the
    N = 1600 level set's 900 samples a side raised OverflowError in ``compact``)."""
    got = reference_module._permutation_floor(na, nb, n_permutations)
    assert got == pytest.approx(floor, nan_ok=True, rel=1e-12, abs=0.0)


def test_the_catalogued_reference_against_itself_agrees(spring16: tuple) -> None:
    source, ref = spring16
    assert source.origin == "catalogue (full set, repository)" and source.path.name == "spring-network-16-full.nc"
    res = compare_to_reference([("self", ref)], ref, source, **FAST)
    assert len(res.points) == 4 and all(p.compared for p in res.points)
    for p in res.points:
        whole = p.window("whole band")
        assert whole["ks_statistic"] == 0.0
        assert whole["ks_pvalue_pooled"] == pytest.approx(1.0)
        assert whole["ks_pvalue_permutation"] == pytest.approx(1.0)
        assert p.agreement is not None and p.agreement.max_relative_deviation.value == 0.0
        assert p.permutation_pvalue_floor == pytest.approx(0.1)  # 3 + 3 samples: 2 / C(6, 3)
        # a 16x16 network has no mode below its lowest phonon: the window is empty and s is not measured
        assert p.window(p.window_names[1])["n_a"] == 0
        assert p.power_law is None and "holds 0 non-zero modes" in p.power_law_note
    text = res.to_markdown()
    assert "spring-network-16" in text and "delta=0.2, connectivity=cutoff" in text
    json.dumps(res.to_json_dict())  # plain JSON


def test_rescaled_eigenvalues_are_flagged(spring16: tuple) -> None:
    source, ref = spring16
    sub = ref.copy()
    sub["eigenvalue"] = ref["eigenvalue"] * 1.2  # same configurations, frequencies sqrt(1.2) higher
    res = compare_to_reference([("scaled", sub)], ref, source, **FAST)
    for p in res.points:
        whole = p.window("whole band")
        assert whole["ks_pvalue_pooled"] < 1e-6
        # the observed split is the most extreme one: p sits at the floor 0.1 that 3 + 3 samples allow
        assert whole["ks_pvalue_permutation"] <= 0.15
        assert p.agreement is not None
        assert p.agreement.max_relative_deviation.value == pytest.approx(0.2, rel=1e-9)
        assert "3 shared configuration(s)" in p.agreement_note


def test_a_different_spectrum_is_flagged_by_the_permutation_test_and_by_s(tmp_path: Path) -> None:
    write(mock_spectrum(n_sample=20, n_mode=60, exponent=4.0, seed=0), tmp_path / "ref.nc")
    source = resolve_reference(tmp_path / "ref.nc")
    assert source.origin == "file" and source.name == "ref"
    other = mock_spectrum(n_sample=20, n_mode=60, exponent=2.0, seed=1)
    res = compare_to_reference(
        [("s2", other)], open_reference(source), source, power_law_window=(0.0, 1.0), n_permutations=199, n_bootstrap=50
    )
    (p,) = res.points
    assert p.omega0 is None and "not available" in p.omega0_note  # no box: windows whole band and low band
    assert p.window_names[1].startswith("low band")
    assert p.window("whole band")["ks_pvalue_permutation"] == pytest.approx(1 / 200)
    ds_, se = p.s_difference()
    assert abs(ds_ - (2.0 - 4.0)) < 4 * se and abs(ds_) > 5 * se
    assert p.agreement is None and "no positions" in p.agreement_note


def test_points_on_one_side_only_are_reported_with_the_reason(spring16: tuple) -> None:
    source, ref = spring16
    sub = select_point(ref, {"delta": 0.2}, keep=("connectivity",))  # delta becomes a scalar coordinate
    mock = mock_spectrum(n_sample=3, n_mode=256, parameters={"delta": [0.2]})
    res = compare_to_reference([("half", sub), ("mock", mock)], ref, source, **FAST)
    compared = [(p.dataset, p.parameters.get("connectivity")) for p in res.points if p.compared]
    assert compared == [("half", "cutoff"), ("half", "nearest")]
    missing = [p for p in res.points if not p.compared]
    why = "connectivity is not recorded in the submitted data"
    assert any(p.dataset == "mock" and why in p.reason for p in missing)
    only_ref = [p for p in missing if p.dataset.endswith("(reference)")]
    assert sorted(p.parameters["connectivity"] for p in only_ref) == ["cutoff", "nearest"]
    assert all(p.parameters["delta"] == 0.0 and "in the reference only" in p.reason for p in only_ref)
    assert "not compared" in res.table()


def test_cli_writes_reference_files_and_keeps_the_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref_ds = mock_spectrum(n_sample=8, n_mode=40, n_site=40, seed=0)
    sub_ds = ref_ds.copy()
    sub_ds["eigenvalue"] = ref_ds["eigenvalue"] * 1.2
    write(ref_ds, tmp_path / "ref.nc")
    write(sub_ds, tmp_path / "sub.nc")
    plain = main(["score", str(tmp_path / "sub.nc"), "--output", str(tmp_path / "plain")])
    capsys.readouterr()
    out = tmp_path / "report"
    code = main(["score", str(tmp_path / "sub.nc"), "--output", str(out), "--reference", str(tmp_path / "ref.nc")])
    printed = capsys.readouterr().out
    assert code == plain
    assert "| sub | (single point) | 8/8 |" in printed and "reference report:" in printed
    assert (out / "reference.md").read_text().startswith("# Comparison with a reference ensemble")
    assert not list(out.glob(".reference*"))  # no temporary files left behind
    result = json.loads((out / "reference.json").read_text())
    point = result["points"][0]
    assert result["reference"]["origin"] == "file" and point["compared"]

    # recompute reported numbers directly from vdosbench.validators.spectral.comparison
    wa = frequencies(ref_ds).values
    wb = frequencies(sub_ds).values
    assert point["spectrum"]["per_window"]["ks_statistic"][0] == pytest.approx(ks_statistic(wa.ravel(), wb.ravel()))
    direct = eigenvalue_agreement(ref_ds, sub_ds)
    reported = point["eigenvalue_agreement"]["measurements"]["max_relative_eigenvalue_deviation"]["value"]
    assert reported == pytest.approx(direct.max_relative_deviation.value) == pytest.approx(0.2)


def test_unknown_reference_name_exits_2_naming_vdosbench_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(mock_spectrum(), tmp_path / "data.nc")
    out = tmp_path / "report"
    assert main(["score", str(tmp_path / "data.nc"), "--output", str(out), "--reference", "no-such-reference"]) == 2
    err = capsys.readouterr().err
    assert "unknown reference 'no-such-reference'" in err and "vdosbench list" in err
    assert not out.exists()
    with pytest.raises(ReferenceInputError, match="spring-network-16"):
        resolve_reference("no-such-reference")


@pytest.mark.parametrize("name", ["reference.nc", "reference.txt"])
def test_reference_that_is_not_netcdf_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    write(mock_spectrum(), tmp_path / "data.nc")
    bad = tmp_path / name
    bad.write_text("0.0 1.0 2.0\n")
    out = tmp_path / "report"
    assert main(["score", str(tmp_path / "data.nc"), "--output", str(out), "--reference", str(bad)]) == 2
    assert "is not a readable netCDF-4 file" in capsys.readouterr().err
    assert not out.exists()


def test_catalogued_reference_missing_offline_names_fetch_and_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    unavailable = [e for e in list_entries() if e.file is None and not e.urls and e.scoring_form is None]
    if not unavailable:
        pytest.skip("every catalogued dataset is in the repository or hosted")
    name = unavailable[0].name
    monkeypatch.setenv("VDOSBENCH_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ReferenceUnavailableError) as info:
        resolve_reference(name)
    assert f"vdosbench fetch {name}" in str(info.value) and f"vdosbench build {name}" in str(info.value)
    write(mock_spectrum(), tmp_path / "data.nc")
    assert main(["score", str(tmp_path / "data.nc"), "--output", str(tmp_path / "r"), "--reference", name]) == 2
    assert f"vdosbench fetch {name}" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_a_folder_with_ensemble_nc_is_a_reference(tmp_path: Path) -> None:
    write(mock_spectrum(seed=3), tmp_path / "built" / "ensemble.nc")
    source = resolve_reference(tmp_path / "built")
    assert source.path == tmp_path / "built" / "ensemble.nc" and source.name == "built"
    assert isinstance(open_reference(source), xr.Dataset)
