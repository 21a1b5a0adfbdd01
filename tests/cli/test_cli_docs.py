"""Self-describing generators on the command line, and the generated block of docs/cli.md (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vdosbench.cli import main
from vdosbench.cli.docs import BEGIN, END, command_line_section, replace_section, update_readme
from vdosbench.generators import RECIPES, generator_names, get_generator
from vdosbench.generators.glasses.cost import (
    MC_MOVES_PER_SECOND,
    QUENCH_SECONDS_N1000,
    SPECTRUM_SECONDS_3000,
    glass_task_seconds,
)
from vdosbench.generators.engine.describe import (
    describe_generator,
    describe_recipe,
    generator_list,
    recipe_cost_seconds,
    recipe_list,
)
from vdosbench.generators import Recipe

REPO = Path(__file__).resolve().parents[2]


def test_the_docs_command_line_block_is_what_the_command_line_prints() -> None:
    """Fails when docs/cli.md and the CLI disagree; fix with ``python -m vdosbench.cli.docs docs/cli.md``."""
    page = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert replace_section(page, command_line_section()) == page, (
        "docs/cli.md's generated block is stale: run python -m vdosbench.cli.docs docs/cli.md"
    )


def test_the_block_is_regenerated_in_place(tmp_path: Path) -> None:
    readme = tmp_path / "cli.md"
    readme.write_text(f"# x\n\n## Command line\n\n{BEGIN}\nold text\n{END}\n\n## next\n", encoding="utf-8")
    assert update_readme(readme) is True
    text = readme.read_text(encoding="utf-8")
    assert "old text" not in text and command_line_section() in text and text.endswith(f"{END}\n\n## next\n")
    assert update_readme(readme) is False  # idempotent
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.md"]  # no temporary file left
    readme.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected one .* line followed by one"):
        update_readme(readme)


def test_generate_list_prints_one_line_per_generator_with_its_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--list"]) == 0
    out = capsys.readouterr().out
    assert out == generator_list() + "\n"
    lines = out.splitlines()
    assert len(lines) == len(generator_names())
    for name, line in zip(generator_names(), lines):
        assert line.split()[0] == name and get_generator(name).source in line


def test_describe_lists_every_parameter_with_units_default_and_allowed_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in generator_names():
        assert main(["describe", name]) == 0
        out = capsys.readouterr().out
        assert out == describe_generator(name) + "\n"
        for p in get_generator(name).parameters:
            assert f"  {p.name}" in out and p.allowed in out and p.meaning in out
            if p.units not in (None, "1"):
                assert f"{p.name} [{p.units}]" in out
        listed = next(line for line in out.splitlines() if line.startswith("recipes: "))
        used = sorted(recipe for recipe, r in RECIPES.items() if r.generator == name)
        assert listed == (f"recipes: {', '.join(used)} (vdosbench describe RECIPE)" if used else "recipes: none")
    # generate NAME --help is the same text; generate --help alone is the usage
    with pytest.raises(SystemExit, match="0"):
        main(["generate", "soft_spheres", "--help"])
    assert capsys.readouterr().out == describe_generator("soft_spheres") + "\n"
    with pytest.raises(SystemExit, match="0"):
        main(["generate", "--help"])
    assert "--list-recipes" in capsys.readouterr().out


def test_describe_shows_m_infinity_as_infinity(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "soft_spheres"]) == 0
    out = capsys.readouterr().out
    assert "taper_order = 2,∞" in out and "or ∞ (stored as -1)" in out
    assert main(["describe", "soft_spheres_n1000"]) == 0
    assert "taper_order=2,∞" in capsys.readouterr().out


def test_describe_refuses_an_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "soft_sphere"]) == 2
    err = capsys.readouterr().err
    assert "'soft_sphere' is neither a generator nor a recipe" in err and "soft_spheres" in err
    assert main(["generate", "soft_spheres"]) == 2
    assert "generate needs --output DIR" in capsys.readouterr().err


def test_list_recipes_gives_size_and_cost(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--list-recipes"]) == 0
    out = capsys.readouterr().out
    assert out == recipe_list() + "\n"
    assert "soft_spheres_n1600_levels  " in out and "4 points x 900 samples, N = 1600" in out
    assert main(["describe", "soft_spheres_n1000_equilibrated_1td"]) == 0
    assert capsys.readouterr().out == describe_recipe("soft_spheres_n1000_equilibrated_1td") + "\n"


# ------------------------------------------------------------------------------
# cost estimates: from measured timings, scaled by sizes
# ------------------------------------------------------------------------------


def test_the_cost_constants_are_the_measured_ones() -> None:
    results = REPO / "speed" / "results"
    mc = json.loads((results / "mc_throughput.json").read_text())
    measured = {
        c["temperature"]: c["moves_per_second_wall_median"]
        for c in mc["cases"]
        if c["step"] == 0.2 and c["p_swap"] == 0.2 and c["label"] in ("issue 14: T_d, |Δr| = 0.2", "T = 1, |Δr| = 0.2")
    }
    assert dict(MC_MOVES_PER_SECOND) == pytest.approx(measured, rel=1e-3)  # rounded to 4 digits
    stages = json.loads((results / "soft_sphere_stages.json").read_text())
    assert stages["n_particles"] == 1000 and stages["dimension"] == 3
    assert QUENCH_SECONDS_N1000 == pytest.approx(stages["stages"]["quench"]["seconds"], rel=2e-3)
    assert SPECTRUM_SECONDS_3000 == pytest.approx(stages["stages"]["spectrum"]["seconds"], rel=2e-3)


def test_glass_task_seconds_scales_with_the_sizes() -> None:
    one = QUENCH_SECONDS_N1000 + SPECTRUM_SECONDS_3000
    assert glass_task_seconds(1000, 3, 0, 1.0) == pytest.approx(one)  # no Monte Carlo
    # MC: N * sweeps / rate at the measured temperatures, the T_d rate below T_d and the T = 1 rate above 1
    (t_lo, r_lo), (t_hi, r_hi) = MC_MOVES_PER_SECOND
    for t, rate in ((t_lo, r_lo), (0.05, r_lo), (t_hi, r_hi), (2.0, r_hi), (float("inf"), r_hi)):
        assert glass_task_seconds(1000, 3, 500, t) - one == pytest.approx(1000 * 500 / rate)
    # the dense eigensolve goes as (dN)^3, the quench as N
    assert glass_task_seconds(2000, 3, 0, 1.0) == pytest.approx(2 * QUENCH_SECONDS_N1000 + 8 * SPECTRUM_SECONDS_3000)
    assert glass_task_seconds(1000, 3, 0, 1.0, structures=5) == pytest.approx(5 * one)


def test_a_recipe_costs_its_tasks_times_the_cost_of_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import vdosbench.generators as generators

    literal = Recipe(
        "soft_spheres",
        {"taper_order": [2, -1], "parent_temperature": [0.144]},
        {"n_particles": 500, "n_sweeps": 300},
        n_samples=7,
        root_seed=1,
    )
    per_sample = glass_task_seconds(500, 3, 300, 0.144)
    assert recipe_cost_seconds(literal) == pytest.approx(2 * 7 * per_sample)
    chains = Recipe(
        "soft_spheres_equilibrated",
        {"taper_order": [2], "parent_temperature": [0.3]},
        {"n_particles": 200, "equilibration_sweeps": 100, "spacing_sweeps": 50, "chain_samples": 3},
        n_samples=6,
        root_seed=1,
    )
    from vdosbench.generators.glasses.glass_chains import PRE_SWEEPS

    per_chain = glass_task_seconds(200, 3, PRE_SWEEPS + 100 + 2 * 50, 0.3, structures=3)
    assert recipe_cost_seconds(chains) == pytest.approx(2 * per_chain)  # 6 samples = 2 chains of 3
    toy = Recipe("nine_node_toy", {"variant": ["lattice", "added"]}, {}, n_samples=3, root_seed=0)
    per_part = generators.get_generator("nine_node_toy").cost_estimate({"variant": "lattice", "epsilon": 0.01})
    assert 0 < per_part < 1 and recipe_cost_seconds(toy) == pytest.approx(2 * 3 * per_part)
    networks = Recipe(
        "spring_network", {"delta": [0.0]}, {"connectivity": "nearest", "spring": "constant"}, n_samples=1, root_seed=0
    )
    assert recipe_cost_seconds(networks) is None
    monkeypatch.setitem(generators.RECIPES, "networks_recipe", networks)
    assert "cost not estimated" in recipe_list()


# ------------------------------------------------------------------------------
# the newcomer's path: from --list to a low-T* m = ∞ run
# ------------------------------------------------------------------------------


@pytest.mark.slow
def test_from_the_list_to_a_low_temperature_m_infinity_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import xarray as xr

    assert main(["generate", "--list"]) == 0
    assert "soft_spheres " in capsys.readouterr().out
    assert main(["describe", "soft_spheres"]) == 0
    text = capsys.readouterr().out
    assert "parent_temperature [epsilon]" in text and "or ∞ (stored as -1)" in text
    out = tmp_path / "low_t_minf"
    assert (
        main(
            [
                "generate",
                "soft_spheres",
                "--grid",
                "taper_order=inf",
                "--grid",
                "parent_temperature=0.144",
                "--set",
                "n_particles=64",
                "--set",
                "n_sweeps=20",
                "--set",
                "n_vectors=2",
                "--samples",
                "1",
                "--workers",
                "1",
                "--no-progress",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "grid: taper_order=∞, parent_temperature=0.144" in printed
    with xr.open_dataset(out / "ensemble.nc") as ds:
        assert ds["taper_order"].values.tolist() == [-1]  # stored as documented
        assert ds["parent_temperature"].values.tolist() == [0.144]
