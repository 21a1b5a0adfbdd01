"""Generators and recipes described in words, from their declarations.

The text of ``vdosbench generate --list``, ``vdosbench generate --list-recipes``
and ``vdosbench describe NAME`` (also ``vdosbench generate NAME --help``), and so
of the "Command line" page of the documentation (docs/cli.md): everything here is read from each
generator's :class:`~vdosbench.generators.engine.parameters.Parameter` declarations and
the recipes (:data:`vdosbench.generators.RECIPES`), nothing is written twice.
Values are shown as :func:`vdosbench.datasets.value_label` writes them
(``taper_order`` −1 as ∞).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from vdosbench.datasets.labels import value_label

from .ensemble_spec import EnsembleSpec, Recipe
from .parameters import Parameter
from .registry import Generator, generator_names, get_generator

__all__ = [
    "describe",
    "describe_generator",
    "describe_recipe",
    "generator_list",
    "recipe_cost_seconds",
    "recipe_list",
    "recipe_spec",
]


def _recipes() -> Mapping[str, Recipe]:
    from .. import RECIPES  # the package's merged table (imported late: the package imports this module's peers)

    return RECIPES


def generator_list(names: Sequence[str] | None = None) -> str:
    """One line per generator: name, seed paper, description (``vdosbench generate --list``).

    Parameters
    ----------
    names
        The generators to list; default every registered one.
    """
    names = generator_names() if names is None else list(names)
    width = max(map(len, names))
    lines = [f"{n:<{width}}  {get_generator(n).source or '-':<8}  {get_generator(n).description}" for n in names]
    return "\n".join(lines)


def recipe_spec(recipe: Recipe) -> EnsembleSpec:
    """The ensemble a recipe runs (checked as ``vdosbench generate --recipe`` checks it; nothing is computed)."""
    return EnsembleSpec.create(
        recipe.generator,
        grid={k: list(v) for k, v in recipe.grid.items()},
        fixed=dict(recipe.fixed),
        n_samples=recipe.n_samples,
        root_seed=recipe.root_seed,
    )


def recipe_cost_seconds(recipe: Recipe) -> float | None:
    """Estimated seconds of the whole recipe on one core, or ``None`` when its generator has no ``cost_estimate``.

    The sum over grid points of tasks × the generator's ``cost_estimate`` of one task
    (a task is one sample, or one chain of ``chain_samples``); for glasses that is
    :func:`~vdosbench.generators.glasses.cost.glass_task_seconds`, measured stage times scaled
    by N, sweeps and dN.
    """
    spec = recipe_spec(recipe)
    gen = spec.generator
    if gen.cost_estimate is None:
        return None
    total = 0.0
    for point in spec.points():
        params = {**point, **spec.fixed}
        total += spec.n_samples // gen.chain_size(params) * gen.cost_estimate(params)
    return total


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "cost not estimated"
    hours = seconds / 3600
    return f"~{hours:.2g} core-hours" if hours >= 1 else f"~{seconds / 60:.2g} core-minutes"


def _recipe_size(recipe: Recipe) -> str:
    spec = recipe_spec(recipe)
    n_points = len(spec.points())
    size = f"{n_points} point{'s' if n_points != 1 else ''} x {spec.n_samples} samples"
    if "n_particles" in spec.fixed:
        size += f", N = {spec.fixed['n_particles']}"
    return size


def recipe_list() -> str:
    """Each recipe: name, generator, size and estimated cost, then its description (``--list-recipes``)."""
    recipes = _recipes()
    width = max(map(len, recipes))
    lines = []
    for name, recipe in sorted(recipes.items()):
        lines.append(
            f"{name:<{width}}  {recipe.generator}, {_recipe_size(recipe)}, {_duration(recipe_cost_seconds(recipe))}"
        )
        lines.append(f"{'':<{width}}  {recipe.description}")
    lines.append(
        "cost: one core, estimated from measured stage timings scaled by the sizes (generators/glasses/cost.py)"
    )
    return "\n".join(lines)


def _parameter_lines(params: list[Parameter]) -> list[str]:
    lines = []
    for p in params:
        units = f" [{p.units}]" if p.units not in (None, "1") else ""
        lines.append(f"  {p.name}{units} = {value_label(p.name, p.default) or '[]'}")
        lines.append(f"      {p.meaning}; {p.allowed}")
    return lines


def _example(gen: Generator) -> str:
    grid = " ".join(f"--grid {p.name}={value_label(p.name, p.default[0])}" for p in gen.parameters if p.grid)
    return f"vdosbench generate {gen.name} {grid} --samples 2 --output runs/{gen.name}"


def describe_generator(name: str) -> str:
    """Every parameter of generator ``name`` with units, default and allowed values, and the recipes that use it.

    Raises
    ------
    KeyError
        For an unknown name, listing the registered generators.
    """
    gen = get_generator(name)
    lines = [f"{gen.name} (version {gen.version}, {gen.source or 'no seed paper'}): {gen.description}"]
    if gen.chain_parameter is not None:
        lines.append(
            f"one task computes a chain of {gen.chain_parameter} correlated samples; "
            f"--samples must be a multiple of {gen.chain_parameter}"
        )
    lines.append("")
    lines.append("grid parameters (a dimension of the ensemble each; --grid NAME=V1,V2, or --set NAME=VALUE for one):")
    lines += _parameter_lines([p for p in gen.parameters if p.grid])
    lines.append("fixed parameters (--set NAME=VALUE):")
    lines += _parameter_lines([p for p in gen.parameters if not p.grid])
    uses = sorted(n for n, r in _recipes().items() if r.generator == name)
    lines.append("")
    lines.append(f"recipes: {', '.join(uses)} (vdosbench describe RECIPE)" if uses else "recipes: none")
    lines.append(f"example: {_example(gen)}")
    return "\n".join(lines)


def describe_recipe(name: str) -> str:
    """A recipe's generator, grid, fixed values, size and estimated cost."""
    recipes = _recipes()
    if name not in recipes:
        raise KeyError(f"unknown recipe {name!r}; recipes are {sorted(recipes)}")
    recipe = recipes[name]
    fixed = ", ".join(f"{k}={value_label(k, v)}" for k, v in recipe.fixed.items())
    grid = ", ".join(f"{k}={value_label(k, list(v))}" for k, v in recipe.grid.items())
    return "\n".join(
        [
            f"{name}: {recipe.description}",
            f"generator: {recipe.generator} (vdosbench describe {recipe.generator}: every parameter)",
            f"grid: {grid}",
            f"fixed: {fixed} (the generator's defaults for the rest)",
            f"size: {_recipe_size(recipe)}, root seed {recipe.root_seed}",
            f"cost: {_duration(recipe_cost_seconds(recipe))} (one core; measured stage timings scaled by the sizes)",
            f"run: vdosbench generate --recipe {name} --output runs/{name}",
        ]
    )


def describe(name: str) -> str:
    """:func:`describe_generator` or :func:`describe_recipe`, whichever ``name`` is.

    Raises
    ------
    KeyError
        When ``name`` is neither, listing both.
    """
    if name in generator_names():
        return describe_generator(name)
    if name in _recipes():
        return describe_recipe(name)
    raise KeyError(
        f"{name!r} is neither a generator nor a recipe; generators are {generator_names()}, "
        f"recipes are {sorted(_recipes())}"
    )
