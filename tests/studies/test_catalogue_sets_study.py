"""studies/catalogue_sets.py --ladder: a ladder's parts, taper by taper, become one catalogued set (issue 25 item 8)."""

from __future__ import annotations

import contextlib
import io
import shutil
import tomllib
from pathlib import Path

import pytest
import xarray as xr

from vdosbench.datasets import load_catalog

from script_loader import load_script

RECIPE = "soft_spheres_lowest_td_small"


@pytest.fixture(scope="module")
def study():  # noqa: ANN201
    module = load_script("studies/catalogue_sets.py", "catalogue_sets_study", register=True)
    module.LADDER_SETS[RECIPE] = ("small-ladder", "small ladder, {n_samples} samples each")
    return module


def _generate(output: Path, taper: str, samples: int, first: int = 0) -> None:
    """``vdosbench generate`` of the recipe's samples ``first`` .. ``samples`` - 1 at one taper, one worker, in this
    process (the command the queue runs, without starting an interpreter and loading the glass kernels again for
    it); its output is kept from the tests' captured output."""
    from vdosbench.cli import main

    argv = ["generate", "--recipe", RECIPE, "--grid", f"taper_order={taper}", "--samples", str(samples)]
    argv += ["--first-sample", str(first)] if first else []
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*argv, "--workers", "1", "--no-progress", "--output", str(output)])
    assert code == 0, out.getvalue() + err.getvalue()


def _stage(ladder: Path, taper: str, samples: int) -> None:
    _generate(ladder, taper, samples)


@pytest.fixture(scope="module")
def ladder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small T_d ladder as the queue leaves it mid-way: 4 samples of m = 2, 2 of m = inf."""
    folder = tmp_path_factory.mktemp("runs") / "td_ladder" / "n128"
    _stage(folder, "2", 4)
    _stage(folder, "inf", 2)
    return folder


def test_a_ladder_needs_every_grid_point(study, ladder: Path, tmp_path: Path) -> None:  # noqa: ANN001
    """A ladder whose first stage ran at m = 2 only is refused.  Its parts are the shared ladder's first two m = 2
    samples (what ``_stage(half, "2", 2)`` writes: the same recipe, seeds and samples), not generated again."""
    half = tmp_path / "half"
    m2 = "taper_order-2__parent_temperature-0.144"
    (half / "parts" / m2).mkdir(parents=True)
    for k in (0, 1):
        shutil.copyfile(ladder / "parts" / m2 / f"sample-{k:04d}.nc", half / "parts" / m2 / f"sample-{k:04d}.nc")
    with pytest.raises(ValueError, match="1 grid points .* has 2: finish every point's first stage"):
        study.ladder_run(half, RECIPE, tmp_path / "out", "small-ladder")


def test_the_set_is_combined_at_the_common_sample_count(study, ladder: Path, tmp_path: Path) -> None:  # noqa: ANN001
    built, n_samples, first = study.ladder_run(ladder, RECIPE, tmp_path, "small-ladder")
    assert n_samples == 2 and first == 0
    with xr.open_dataset(built) as ds:
        assert dict(ds.sizes)["taper_order"] == 2 and dict(ds.sizes)["sample"] == 2
        # the m = 2 samples are the ladder's own parts, value for value
        with xr.open_dataset(ladder / "parts" / "taper_order-2__parent_temperature-0.144" / "sample-0001.nc") as part:
            assert (
                ds["eigenvalue"].sel(taper_order=2).isel(sample=1).values == part["eigenvalue"].values.ravel()
            ).all()
        expected_hours = float(ds["stage_seconds"].sum()) / 3600
    assert study.stage_core_hours(built) == pytest.approx(expected_hours)


def test_the_entry_is_a_valid_catalogue_table(study, ladder: Path, tmp_path: Path) -> None:  # noqa: ANN001
    text = study.ladder_entry(ladder, RECIPE, tmp_path, "small-ladder", "small ladder, {n_samples} samples each")
    table = tomllib.loads(text)
    entry = table["datasets"]["small-ladder"]
    assert entry["description"] == "small ladder, 2 samples each"
    assert entry["recipe"]["n_samples"] == 2 and entry["recipe"]["grid"]["taper_order"] == [2, -1]
    assert entry["cost"]["core_hours"] > 0
    assert set(entry["fingerprint"]["points"]) == {
        "taper_order=-1, parent_temperature=0.144",
        "taper_order=2, parent_temperature=0.144",
    }
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(text, encoding="utf-8")
    (parsed,) = load_catalog(catalog).values()
    assert parsed.recipe.generator == "soft_spheres_lowest_equilibrated"


def _piece(folder: Path, taper: str, first: int, stop: int) -> Path:
    """A chain piece as studies/chain_pieces.sh runs it: samples first .. stop - 1 of one taper."""
    _generate(folder, taper, stop, first)
    return folder


def test_chain_pieces_of_one_set_are_combined(
    study,
    ladder: Path,
    tmp_path: Path,  # noqa: ANN001
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The N = 4000 control's chains ran as pieces in many folders: together they are one set, and a sample
    found twice is refused."""
    runs = ladder.parents[1]
    inf_rest = _piece(runs / "pieces" / "c1-minf", "inf", 2, 4)  # the small recipe's chain 1 (2 samples)
    assert study.main([str(runs), str(tmp_path / "out"), "--ladder", f"td_ladder/n128,pieces/c*-m*:{RECIPE}"]) == 0
    entry = tomllib.loads(capsys.readouterr().out)["datasets"]["small-ladder"]
    assert entry["recipe"]["n_samples"] == 4  # m = 2: 0-3 in the ladder; m = inf: 0-1 there, 2-3 in the piece
    assert f"{runs / 'td_ladder/n128'}, {runs / 'pieces/c*-m*'}" in entry["source"]
    point = "taper_order--1__parent_temperature-0.144"
    built = tmp_path / "out" / "small-ladder.run" / "ensemble.nc"
    with xr.open_dataset(built) as ds, xr.open_dataset(inf_rest / "parts" / point / "sample-0003.nc") as part:
        assert (ds["eigenvalue"].sel(taper_order=-1).isel(sample=3).values == part["eigenvalue"].values.ravel()).all()
    copy = tmp_path / "copy"
    shutil.copytree(inf_rest, copy)
    with pytest.raises(ValueError, match="sample-0002.nc is in .* expected each sample in one folder"):
        study.ladder_run([ladder, inf_rest, copy], RECIPE, tmp_path / "again", "small-ladder")
    with pytest.raises(ValueError, match="holds no parts/ folder"):
        study.ladder_run([ladder, tmp_path], RECIPE, tmp_path / "again", "small-ladder")


def test_pieces_of_later_samples_only_make_a_set_of_those_samples(
    study,
    ladder: Path,  # noqa: ANN001
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Registered chains made after the first ones (issue 52): pieces of chain 1 only, at both tapers, are catalogued
    as samples 2 - 3 of the recipe (first_sample 2), with the pieces' own values; points that start at different
    samples are refused."""
    runs = ladder.parents[1]
    m2 = "taper_order-2__parent_temperature-0.144"
    pieces = [tmp_path / "c1-m2", runs / "pieces" / "c1-minf"]  # m = inf: the piece of the test above
    (pieces[0] / "parts" / m2).mkdir(parents=True)
    for k in (2, 3):  # m = 2's chain 1 as a piece would hold it: the ladder's own samples 2 and 3
        shutil.copyfile(ladder / "parts" / m2 / f"sample-{k:04d}.nc", pieces[0] / "parts" / m2 / f"sample-{k:04d}.nc")
    if not (pieces[1] / "ensemble.nc").exists():
        _piece(pieces[1], "inf", 2, 4)
    text = study.ladder_entry(
        pieces, RECIPE, tmp_path, "small-later", "chain 1, {n_samples} samples each", source="pieces/c1-m*"
    )
    entry = tomllib.loads(text)["datasets"]["small-later"]
    assert entry["recipe"]["n_samples"] == 4 and entry["recipe"]["first_sample"] == 2
    assert entry["description"] == "chain 1, 2 samples each" and "(samples 2 - 3)" in entry["source"]
    with (
        xr.open_dataset(tmp_path / "small-later.run" / "ensemble.nc") as ds,
        xr.open_dataset(pieces[0] / "parts" / m2 / "sample-0003.nc") as part,
    ):
        assert ds["sample"].values.tolist() == [2, 3]
        assert (ds["eigenvalue"].sel(taper_order=2, sample=3).values == part["eigenvalue"].values.ravel()).all()
    # a registered set (issue 52's chains of the control): named apart from the recipe's set, its chains in the
    # description, and its registered first sample demanded
    shutil.copytree(pieces[1], tmp_path / "c1-minf")
    study.REGISTERED_SETS["small-registered"] = (RECIPE, 2, "chains {first_chain} - {last_chain}, {n_samples} each")
    study.REGISTERED_SETS["small-from-0"] = (RECIPE, 0, "from 0")
    assert study.main([str(tmp_path), str(tmp_path / "reg"), "--ladder", "c1-m*:small-registered"]) == 0
    registered = tomllib.loads(capsys.readouterr().out)["datasets"]["small-registered"]
    assert registered["description"] == "chains 1 - 1, 2 each" and registered["recipe"]["first_sample"] == 2
    with pytest.raises(ValueError, match=r"start at samples \[2\]; expected every point to start at sample 0"):
        study.main([str(tmp_path), str(tmp_path / "reg0"), "--ladder", "c1-m*:small-from-0"])
    assert not (tmp_path / "reg0" / "small-from-0.run").exists()
    with pytest.raises(SystemExit, match="neither a ladder recipe .* nor a registered set"):
        study.main([str(tmp_path), str(tmp_path / "reg1"), "--ladder", "c1-m*:no-such-set"])
    inf_from_0 = tmp_path / "inf-from-0"  # the ladder's m = inf point alone: samples 0 - 1
    point = "taper_order--1__parent_temperature-0.144"
    shutil.copytree(ladder / "parts" / point, inf_from_0 / "parts" / point)
    with pytest.raises(ValueError, match="start at different samples"):
        study.ladder_run([pieces[0], inf_from_0], RECIPE, tmp_path / "mixed", "small-mixed")


def _ladder_points(ladder: Path) -> dict[tuple[int, int, float], xr.Dataset]:
    """The small ladder's points as the finite-size study holds them before export: one dataset per taper."""
    points = {}
    for taper, folder in (
        (2, "taper_order-2__parent_temperature-0.144"),
        (-1, "taper_order--1__parent_temperature-0.144"),
    ):
        files = sorted((ladder / "parts" / folder).glob("sample-*.nc"))
        parts = []
        for f in files:
            with xr.open_dataset(f) as part:
                parts.append(part.load())
        points[(128, taper, 0.144)] = xr.concat(parts, dim="sample")
    return points


def test_a_set_is_assembled_from_the_compact_form_with_the_full_sets_fingerprint(
    study, ladder: Path, tmp_path: Path
) -> None:  # noqa: ANN001
    """Part files lost, the study's compact form kept: the set assembled from it holds the parts' values, and every
    fingerprint quantity it has equals the one of the set combined from the part files themselves."""
    finite_size = load_script("studies/finite_size.py", "finite_size_for_catalogue", register=True)
    compact = tmp_path / "modes.nc"
    finite_size.export_compact(_ladder_points(ladder), compact)
    text = study.compact_entry(
        compact, RECIPE, tmp_path / "compact", "small-ladder", "small ladder, {n_samples} samples each"
    )
    entry = tomllib.loads(text)["datasets"]["small-ladder"]
    assert entry["recipe"]["n_samples"] == 2 and "as the finite-size study keeps it" in entry["source"]
    full = tomllib.loads(
        study.ladder_entry(ladder, RECIPE, tmp_path / "full", "small-ladder", "small ladder, {n_samples} samples each")
    )["datasets"]["small-ladder"]
    assert entry["recipe"] == full["recipe"]
    assert entry["fingerprint"]["points"] == full["fingerprint"]["points"]
    values, full_values = entry["fingerprint"]["values"], full["fingerprint"]["values"]
    assert values and set(values) <= set(full_values)
    for quantity, value in values.items():
        assert value == pytest.approx(full_values[quantity], rel=1e-12, abs=1e-12), quantity
    assert entry["cost"]["core_hours"] == pytest.approx(full["cost"]["core_hours"])
    built = tmp_path / "compact" / "small-ladder.run" / "ensemble.nc"
    with xr.open_dataset(built) as ds:
        assert "position" not in ds and "diameter" not in ds and "size_segregation" not in ds
        with xr.open_dataset(ladder / "parts" / "taper_order--1__parent_temperature-0.144" / "sample-0001.nc") as part:
            assert (
                ds["eigenvalue"].sel(taper_order=-1).isel(sample=1).values == part["eigenvalue"].values.ravel()
            ).all()


def test_a_compact_form_without_a_grid_point_of_the_recipe_is_refused(study, ladder: Path, tmp_path: Path) -> None:  # noqa: ANN001
    finite_size = load_script("studies/finite_size.py", "finite_size_for_catalogue", register=True)
    compact = tmp_path / "modes.nc"
    points = _ladder_points(ladder)
    del points[(128, -1, 0.144)]
    finite_size.export_compact(points, compact)
    with pytest.raises(ValueError, match="no group for N = 128.*expected the point landed in the compact form"):
        study.compact_run(compact, RECIPE, tmp_path / "out", "small-ladder")
    assert not (tmp_path / "out").exists()


def test_a_ladder_folder_spelled_otherwise_is_the_recipes_point_and_a_foreign_one_is_refused() -> None:
    """`vdosbench generate --grid parent_temperature=1` names its folder `parent_temperature-1`; the recipe's run
    looks for `parent_temperature-1.0` and, not finding it, would compute the samples anew (found cataloguing
    issue 51's confirmatory set).  The parts are matched to the recipe's points by value; a point the recipe does not
    have is refused."""
    module = load_script("studies/catalogue_sets.py", "catalogue_sets_names", register=True)
    parts = {
        "taper_order-2__parent_temperature-1": [Path("b/sample-0001.nc")],
        "taper_order-2__parent_temperature-1.0": [Path("a/sample-0000.nc")],
        "taper_order--1__parent_temperature-inf": [Path("c/sample-0000.nc")],
    }
    mapped = module._as_recipe_points(parts, "soft_spheres_lowest_confirm_n2000")
    assert mapped == {
        "taper_order-2__parent_temperature-1.0": [Path("a/sample-0000.nc"), Path("b/sample-0001.nc")],
        "taper_order--1__parent_temperature-inf": [Path("c/sample-0000.nc")],
    }
    with pytest.raises(ValueError, match="no grid point of recipe soft_spheres_lowest_confirm_n2000"):
        module._as_recipe_points({"taper_order-3__parent_temperature-1": []}, "soft_spheres_lowest_confirm_n2000")
