"""Every registered generator's every parameter gridded over two values at a small size (issue 26, item 5).

A gridded parameter that changes a dimension's length (``n_sweeps`` → ``mc_record``, ``n_particles`` →
``mode``/``site``, ``n_vectors`` → ``vector_mode``, ``n_omega`` → ``omega``) is stored padded
(:mod:`vdosbench.datasets.padding`); each point selected back equals what the generator made for it alone.
Three grids are refused up front or at combination with a clear error (``REFUSED``): a list-valued
parameter, the dimension of space (one global ``spatial_dimension`` per VDOS-1.0 dataset) and points that
store pairs next to points that do not.

Run time: 16 s of CPU for the 117 cases (measured with -n 0; the glasses at N = 64 in 3D, Lennard-Jones
at N = 40 in 2D, 160 in 3D where the dimension is gridded).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import xarray as xr

from vdosbench.datasets import check, iter_points
from vdosbench.generators import build_in_memory, generator_names, get_generator
from vdosbench.generators import Parameter

#: Small fixed sizes of each generator (the recipes' small sizes, or the smallest box its cutoff allows).
SMALL: dict[str, dict[str, Any]] = {
    "elastic_medium": {"n_side": 8},
    "ghet_type2": {"n_modes": 200, "n_omega": 40},
    "het_finite_size": {"n_modes": 200, "n_omega": 60},
    "het_scba": {"n_modes": 200, "n_omega": 60},
    "inhomogeneous_medium": {"n_side": 6},
    "inhomogeneous_medium_closed_form": {"n_mode": 256, "n_omega": 40},
    "lennard_jones": {"n_particles": 40, "dimension": 2, "n_sweeps": 20, "n_vectors": 2},
    "lennard_jones_equilibrated": {
        "n_particles": 40,
        "dimension": 2,
        "equilibration_sweeps": 20,
        "spacing_sweeps": 10,
        "chain_samples": 1,
        "n_vectors": 2,
    },
    "nine_node_toy": {},
    "soft_spheres": {"n_particles": 64, "n_sweeps": 20, "n_vectors": 2},
    "soft_spheres_lowest": {"n_particles": 64, "n_sweeps": 20, "n_lowest": 6, "n_vectors": 2},
    "soft_spheres_equilibrated": {
        "n_particles": 64,
        "equilibration_sweeps": 20,
        "spacing_sweeps": 10,
        "chain_samples": 1,
        "n_vectors": 2,
    },
    "soft_spheres_lowest_equilibrated": {
        "n_particles": 64,
        "equilibration_sweeps": 20,
        "spacing_sweeps": 10,
        "chain_samples": 1,
        "n_lowest": 6,
        "n_vectors": 2,
    },
    "spring_network": {"n_side": 6, "n_vectors": 2},
}

#: Second values the generic rule (``_alternate``) would get wrong: commensurate k_G, d = 2 next to 3.
OVERRIDE: dict[tuple[str, str], Any] = {
    ("elastic_medium", "k_G"): 2 * np.pi / 8,
    ("inhomogeneous_medium", "k_G"): 2 * np.pi / 6,
    **{
        (g, "dimension"): 2
        for g in (
            "inhomogeneous_medium",
            "soft_spheres",
            "soft_spheres_equilibrated",
            "soft_spheres_lowest",
            "soft_spheres_lowest_equilibrated",
        )
    },
    **{(g, "dimension"): 3 for g in ("lennard_jones", "lennard_jones_equilibrated")},
}
#: Fixed values of one case that differ from SMALL: the 3D Lennard-Jones box needs N = 160 for its cutoff.
CASE_FIXED: dict[tuple[str, str], dict[str, Any]] = {
    (g, "dimension"): {"n_particles": 160} for g in ("lennard_jones", "lennard_jones_equilibrated")
}

#: Measured wall times stored per sample (they differ between two runs of the same sample).
WALL_TIMES = {"stage_seconds"}

#: Grids refused with a clear error, and the words of that error.
REFUSED: dict[str, str] = {
    "dimension": "parts disagree on spatial_dimension",
    "vector_modes": "grid values of 'vector_modes' must be numbers, booleans or strings",
    "pair_data": "some parameter points store pair data and others do not",
}


def _alternate(p: Parameter, value: Any) -> Any:
    """A second valid value next to ``value`` from the declaration's kind."""
    if p.kind == "choice":
        return next(c for c in p.choices if c != value)
    if p.kind == "bool":
        return not value
    if p.kind == "int":
        return value + 1 if value != -1 else 2
    if p.kind == "ints":
        return [*value, 5]
    return value * 0.9 if value else 0.1


def _shipped() -> list[str]:
    """The generators vdosbench registers itself (test modules register toys into the same registry)."""
    return [g for g in generator_names() if get_generator(g).make_sample.__module__.startswith("vdosbench.")]


def _cases() -> list[tuple[str, str]]:
    return [(g, p.name) for g in _shipped() for p in get_generator(g).parameters]


def test_every_generator_has_a_small_size() -> None:
    assert sorted(SMALL) == _shipped(), "give a new generator its small size in SMALL"


def _base(name: str, p: Parameter) -> Any:
    return SMALL[name].get(p.name, p.default[0] if p.grid else p.default)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "parameter"), _cases(), ids=[f"{g}.{p}" for g, p in _cases()])
def test_grid_over_two_values(name: str, parameter: str) -> None:
    gen = get_generator(name)
    p = gen.parameter(parameter)
    base = _base(name, p)
    alt = OVERRIDE.get((name, parameter), _alternate(p, base))
    grid = {q.name: [q.default[0]] for q in gen.parameters if q.grid}
    grid[parameter] = [base, alt]
    fixed = {k: v for k, v in SMALL[name].items() if k != parameter} | CASE_FIXED.get((name, parameter), {})
    n_samples = 2 if parameter == "chain_samples" else 1
    if parameter in REFUSED:
        with pytest.raises((ValueError, TypeError), match=REFUSED[parameter]):
            build_in_memory(name, grid=grid, fixed=fixed, n_samples=n_samples)
        return
    ds = build_in_memory(name, grid=grid, fixed=fixed, n_samples=n_samples)
    check(ds)
    points = list(iter_points(ds))
    assert len(points) == 2
    if not ds.attrs.get("padded_dims"):
        return  # nothing padded: the grid is the plain stack the rest of the suite tests
    # each point, cut back from the padded ensemble, is the ensemble the generator makes for that value alone
    for values, point in points:
        alone = build_in_memory(name, grid={k: [v] for k, v in values.items()}, fixed=fixed, n_samples=n_samples)
        ((_, expected),) = iter_points(alone)
        assert dict(point.sizes) == dict(expected.sizes), (values, dict(point.sizes), dict(expected.sizes))
        for var in expected.data_vars:
            if var in WALL_TIMES:
                continue
            xr.testing.assert_equal(point[var].reset_coords(drop=True), expected[var].reset_coords(drop=True))


def test_padding_layout_of_a_sweep_grid() -> None:
    """``n_sweeps = 20, 30`` (the issue's AlignmentError): mc_record padded with NaN, lengths recorded."""
    ds = build_in_memory(
        "soft_spheres",
        grid={"n_sweeps": [20, 30], "taper_order": [2], "parent_temperature": [1.0]},
        fixed={"n_particles": 64, "n_vectors": 2},
    )
    assert ds.attrs["padded_dims"] == "mc_record"
    assert ds["mc_record_length"].squeeze().values.tolist() == [3, 4]  # records at sweeps 0, 10, 20 (, 30)
    assert ds["mc_record"].values.tolist() == [0, 10, 20, 30]  # the union of the points' coordinates
    energy = [v for v in ds.data_vars if "mc_record" in ds[v].dims][0]
    short = ds[energy].isel(n_sweeps=0).squeeze()
    assert np.isnan(short.isel(mc_record=-1)).all() and np.isfinite(short.isel(mc_record=slice(0, 3))).all()


def test_check_reads_each_padded_point() -> None:
    """Padding broken by hand is explained: the lengths variable missing, or a NaN inside a point's own length."""
    grid = build_in_memory("het_scba", grid={"gamma_ratio": [0.5], "n_modes": [200, 201]}, fixed={"n_omega": 60})
    assert grid.attrs["padded_dims"] == "mode"
    check(grid)
    with pytest.raises(ValueError, match="rule 'padding' broken"):
        check(grid.drop_vars("mode_length"))
    bad = grid.copy(deep=True)
    bad["eigenvalue"][{"n_modes": 1, "mode": 3}] = np.nan
    with pytest.raises(ValueError, match=r"at gamma_ratio=0.5, n_modes=201: .*NaN"):
        check(bad)
