"""Issue 63 items 6 and 7: the landed parts of the two registered sets are the registered recipes' own (root seed,
settings, samples inside the registered range), so that no other data can be read as theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from vdosbench.datasets import read_point_group_parts
from vdosbench.generators import RECIPES

RESULTS = Path(__file__).resolve().parents[2] / "studies" / "results"


@pytest.mark.parametrize(
    ("file", "recipe"),
    [
        ("parts/td_control_long", "soft_spheres_lowest_n1000_td_control_long"),
        ("parts/confirm_n8000", "soft_spheres_lowest_confirm_n8000"),
    ],
)
def test_the_landed_parts_are_the_registered_recipes(file: str, recipe: str) -> None:
    r = RECIPES[recipe]
    points = read_point_group_parts(RESULTS / file)
    assert points, f"{file} holds no point"
    for name, ds in points.items():
        assert int(ds.attrs["root_seed"]) == r.root_seed, name
        assert int(ds.attrs["n_lowest"]) == r.fixed["n_lowest"], name
        assert ds.attrs["mode_method"] == r.fixed["mode_method"], name  # the recipe keeps the solver (issue 65)
        samples = ds["sample"].values
        assert samples.min() >= 0 and samples.max() < r.n_samples, name
        if "chain_samples" in r.fixed:  # whole chains only: a chain's 25 structures land together
            assert int(ds.attrs["chain_samples"]) == r.fixed["chain_samples"]
            assert ds.sizes["sample"] % r.fixed["chain_samples"] == 0, name
