"""Issue 65 item 2: the fastest eigensolver by default, while every set made keeps the solver it was made with.

The default ``mode_method`` of the lowest-mode generators is ``arpack`` (the fastest that meets the recipes'
tolerance, ``speed/results/lowest_mode_solvers.json``); every set made before was made with ``chebyshev``.  What
is pinned here: the catalogue records each catalogued set's solver and it is the one its data name; the recipes
with samples made keep it; a folder whose manifest predates the parameter resumes only with the solver it was made
with; and a catalogued recipe's sample rebuilds with its recorded solver to the numbers the default solver gives,
within the solver tolerance (the fingerprint's quantities, by value).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark.fingerprint import compute_fingerprint
from vdosbench.datasets import load_catalog
from vdosbench.generators import RECIPES, EnsembleSettingsError, EnsembleSpec, get_generator, sample_seed
from vdosbench.generators.engine.ensemble import _prepare_folder
from vdosbench.generators.glasses.lowest_mode_glasses import (
    BUILT_WITH_MODE_METHOD,
    DEFAULT_MODE_METHOD,
    LowestModeParams,
)

ROOT = Path(__file__).resolve().parents[2]
LOWEST_GENERATORS = ("soft_spheres_lowest", "soft_spheres_lowest_equilibrated")
#: The words of each solver in a dataset's ``eigensolver`` attribute.
SOLVER_WORDS = {"chebyshev": "Chebyshev-filtered subspace iteration", "arpack": "implicitly restarted Lanczos"}


def _catalogued_lowest_mode_entries() -> list:
    return [e for e in load_catalog().values() if e.recipe.generator in LOWEST_GENERATORS]


def test_the_default_is_arpack_and_an_absent_parameter_means_chebyshev() -> None:
    assert DEFAULT_MODE_METHOD == "arpack" and BUILT_WITH_MODE_METHOD == "chebyshev"
    assert LowestModeParams(n_particles=128, n_lowest=10).mode_method == "arpack"
    for name in LOWEST_GENERATORS:
        declared = get_generator(name).parameter("mode_method")
        assert (declared.default, declared.when_absent) == ("arpack", "chebyshev"), name


def test_every_catalogued_lowest_mode_set_records_the_solver_its_data_name() -> None:
    """The recipe of each catalogued set names its solver, and the set's own file (its scoring form in
    reference-data/) says in its ``eigensolver`` attribute that this solver made it."""
    entries = _catalogued_lowest_mode_entries()
    assert len(entries) >= 14
    for entry in entries:
        recorded = entry.recipe.fixed.get("mode_method")
        assert recorded in SOLVER_WORDS, f"{entry.name}: recipe.fixed.mode_method is {recorded!r}"
        path = ROOT / "reference-data" / entry.scoring_form.file
        with xr.open_dataset(path) as ds:
            assert ds.attrs["eigensolver"].startswith(SOLVER_WORDS[recorded]), entry.name
            assert ds.attrs.get("mode_method", recorded) == recorded, entry.name


def test_a_catalogued_recipe_resolves_to_its_recorded_solver_not_the_default() -> None:
    for entry in _catalogued_lowest_mode_entries():
        spec = EnsembleSpec.create(entry.recipe.generator, **entry.recipe.run_ensemble_arguments())
        assert spec.fixed["mode_method"] == entry.recipe.fixed["mode_method"] == "chebyshev", entry.name


def test_recipes_with_samples_keep_their_solver_and_the_small_ones_take_the_default() -> None:
    lowest = {k: r for k, r in RECIPES.items() if r.generator in LOWEST_GENERATORS}
    assert len(lowest) >= 12
    for name, recipe in lowest.items():
        expected = DEFAULT_MODE_METHOD if name.endswith("_small") else BUILT_WITH_MODE_METHOD
        assert recipe.fixed["mode_method"] == expected, name


def _old_folder(root: Path, spec: EnsembleSpec) -> None:
    """A folder started before ``mode_method`` existed: its manifest without it, one finished part."""
    manifest = spec.manifest()
    manifest["fixed"] = {k: v for k, v in manifest["fixed"].items() if k != "mode_method"}
    root.mkdir(parents=True)
    (root / "ensemble.json").write_text(json.dumps(manifest), encoding="utf-8")
    part = root / "parts" / "point" / "sample-0000.nc"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"")


def test_a_folder_made_before_the_parameter_resumes_with_chebyshev_only(tmp_path: Path) -> None:
    recipe = RECIPES["soft_spheres_lowest_small"]
    args = {"grid": recipe.grid, "n_samples": recipe.n_samples, "root_seed": recipe.root_seed}
    old = EnsembleSpec.create(recipe.generator, fixed={**recipe.fixed, "mode_method": "chebyshev"}, **args)
    _old_folder(tmp_path / "a", old)
    _prepare_folder(old, tmp_path / "a")  # as it was made: resumes (and the manifest now names the solver)
    assert json.loads((tmp_path / "a" / "ensemble.json").read_text())["fixed"]["mode_method"] == "chebyshev"
    # built to fail: the same folder resumed with the new default would mix solvers; refused, naming both
    new = EnsembleSpec.create(
        recipe.generator, fixed={k: v for k, v in recipe.fixed.items() if k != "mode_method"}, **args
    )
    assert new.fixed["mode_method"] == "arpack"
    _old_folder(tmp_path / "b", old)
    with pytest.raises(EnsembleSettingsError, match="holds parts of a different ensemble.*mode_method"):
        _prepare_folder(new, tmp_path / "b")


@pytest.mark.slow
def test_a_catalogued_recipe_rebuilds_with_its_solver_to_the_default_solvers_numbers() -> None:
    """One sample of the catalogued N = 1000 ladder (T* = inf, m = 2, sample 0: the recipe's own seed) made with
    the catalogue's solver and with the default one: the same glass, and every fingerprint quantity (the
    eigenvalue quantiles and low-frequency moments, omega_min, the mean moduli) within a relative 1e-8, far inside
    the fingerprint tolerances (the sampling spread of 100 samples, 1e-3 and more); so the change of default
    cannot move a rebuild's verdict, and the catalogued set rebuilds with the solver it was made with."""
    entry = load_catalog()["soft-spheres-lowest-n1000"]
    spec = EnsembleSpec.create(entry.recipe.generator, **entry.recipe.run_ensemble_arguments())
    point = {"taper_order": 2, "parent_temperature": float("inf")}
    gen = get_generator(entry.recipe.generator)
    made = {}
    for method in ("chebyshev", "arpack"):
        params = {**spec.fixed, **point, "mode_method": method}
        ds = gen.make_sample(params, sample_seed(spec.root_seed, 0), 0)
        assert ds.attrs["mode_method"] == method
        made[method] = ds.expand_dims({k: [v] for k, v in point.items()})
    np.testing.assert_array_equal(made["chebyshev"]["position"].values, made["arpack"]["position"].values)
    prints = {m: compute_fingerprint(ds, stderr=False) for m, ds in made.items()}
    values = {m: fp.values for m, fp in prints.items()}
    assert set(values["chebyshev"]) == set(values["arpack"]) and "omega_min" in values["arpack"]
    for quantity, reference in values["chebyshev"].items():
        np.testing.assert_allclose(values["arpack"][quantity], reference, rtol=1e-8, err_msg=quantity)
