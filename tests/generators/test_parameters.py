"""Parameter declarations: one declaration per parameter feeds defaults, attributes, checks and the CLI (issue 17)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from vdosbench.generators import Generator, generator_names, get_generator
from vdosbench.generators import EnsembleSettingsError, EnsembleSpec
from vdosbench.generators import Parameter


def _make(params: Any, seed: Any, sample: int) -> Any:  # never called: the generators here are only described
    raise AssertionError("not run")


@pytest.mark.parametrize(
    ("parameter", "good", "bad", "message"),
    [
        (
            Parameter("n_side", "nodes per side", 60, units="1", kind="int", minimum=3),
            [3, np.int64(60)],
            [2, 3.0, True, "3"],
            r"n_side must be an integer ≥ 3, found",
        ),
        (
            Parameter("p", "probability", 0.2, units="1", minimum=0.0, maximum=1.0),
            [0, 0.0, 1.0, np.float32(0.5)],
            [-1e-9, 1.000001, math.nan, math.inf, False],
            r"p must be a real in \[0, 1\], found",
        ),
        (
            Parameter(
                "x", "open range", 0.3, units="1", minimum=0.0, maximum=1.0, open_minimum=True, open_maximum=True
            ),
            [1e-12, 0.999],
            [0.0, 1.0],
            r"x must be a real in \(0, 1\), found",
        ),
        (
            Parameter(
                "T", "temperature", (1.0,), units="epsilon", grid=True, minimum=0.0, open_minimum=True, infinite=True
            ),
            [0.1, math.inf],
            [0.0, -math.inf, math.nan],
            r"T must be a real > 0, or inf",
        ),
        (
            Parameter("c", "connectivity", ("a", "b"), grid=True, kind="choice", choices=("a", "b")),
            ["a", np.str_("b")],
            ["z", 1],
            r"c must be one of a, b, found",
        ),
        (
            Parameter("flag", "a flag", True, kind="bool"),
            [True, np.bool_(False)],
            [1, "true"],
            r"flag must be true or false",
        ),
        (
            Parameter("modes", "mode indices", [], units="1", kind="ints", minimum=0),
            [[], [0, 5], (1,)],
            [[-1], [0.5], "12"],
            r"modes",
        ),
        (
            Parameter("taper_order", "m", (2, -1), units="1", grid=True, kind="int", minimum=0, special=(-1,)),
            [0, 2, -1],
            [-2, 1.5],
            r"taper_order must be an integer ≥ 0, or ∞ \(stored as -1\), found",
        ),
    ],
    ids=["int", "closed-real", "open-real", "infinite-real", "choice", "bool", "ints", "special"],
)
def test_a_declaration_accepts_its_allowed_values_and_refuses_the_rest(
    parameter: Parameter, good: list[Any], bad: list[Any], message: str
) -> None:
    for value in good:
        parameter.check(value)
    for value in bad:
        with pytest.raises((TypeError, ValueError), match=message):
            parameter.check(value)


def test_a_declaration_applies_its_stored_form_before_the_check() -> None:
    from vdosbench.generators.glasses.soft_spheres import canonical_taper_order

    p = Parameter(
        "taper_order",
        "m",
        (2,),
        units="1",
        grid=True,
        kind="int",
        minimum=0,
        special=(-1,),
        canonical=canonical_taper_order,
    )
    assert p.check("inf") == -1 and p.check(math.inf) == -1 and p.check(3) == 3
    with pytest.raises(TypeError, match="taper_order must be an integer"):
        p.check("two")


def test_a_bad_declaration_is_refused() -> None:
    with pytest.raises(ValueError, match="kind 'complex' is not one of"):
        Parameter("x", "x", 0, kind="complex")
    with pytest.raises(ValueError, match="choices go with kind 'choice'"):
        Parameter("x", "x", "a", choices=("a",))
    with pytest.raises(ValueError, match="grid parameter 'x': default must be a sequence"):
        Parameter("x", "x", 0.1, grid=True)


def test_a_generator_takes_each_parameter_once() -> None:
    delta = Parameter("delta", "displacement", (0.0, 0.1), units="1", grid=True, minimum=0.0)
    n = Parameter("n", "size", 4, units="1", kind="int", minimum=1)
    gen = Generator("toy", "1", _make, parameters=(delta, n))
    assert gen.grid_defaults == {"delta": (0.0, 0.1)} and gen.fixed_defaults == {"n": 4}
    assert gen.parameter_attrs == {
        "delta": {"long_name": "displacement", "units": "1"},
        "n": {"long_name": "size", "units": "1"},
    }
    assert gen.parameter("n") is n
    with pytest.raises(KeyError, match=r"has no parameter 'm'; its parameters are \['delta', 'n'\]"):
        gen.parameter("m")
    with pytest.raises(
        ValueError, match=r"\['fixed_defaults'\] given with parameters=; each parameter is declared once"
    ):
        Generator("toy", "1", _make, parameters=(delta,), fixed_defaults={"n": 4})
    with pytest.raises(ValueError, match=r"parameter\(s\) \['delta'\] declared twice"):
        Generator("toy", "1", _make, parameters=(delta, delta))
    # the older form still works; its parameters are listed, undeclared
    old = Generator("toy", "1", _make, grid_defaults={"delta": [0.0]}, fixed_defaults={"n": 4})
    assert [(p.name, p.grid, p.declared) for p in old.parameters] == [("delta", True, False), ("n", False, False)]


def test_the_ensemble_refuses_a_value_outside_the_declaration_that_the_model_does_not_check() -> None:
    def lenient(params: Any) -> None:  # a model check that knows nothing of delta's range
        pass

    def strict(params: Any) -> None:
        if params["delta"] > 0.5:
            raise ValueError("delta > 0.5 makes neighbours coincide")

    declared = (Parameter("delta", "displacement", (0.0, 0.1), units="1", grid=True, minimum=0.0, maximum=0.5),)
    gen = Generator("toy", "1", _make, check_params=lenient, parameters=declared)
    with pytest.raises(EnsembleSettingsError, match=r"at grid point delta=0\.7: delta must be a real in \[0, 0\.5\]"):
        EnsembleSpec.create(gen, grid={"delta": [0.1, 0.7]}, n_samples=1, root_seed=0)
    assert EnsembleSpec.create(gen, n_samples=1, root_seed=0).grid == {"delta": (0.0, 0.1)}
    # the model's own message (with its reason) comes first when it refuses
    gen = Generator("toy", "1", _make, check_params=strict, parameters=declared)
    with pytest.raises(EnsembleSettingsError, match=r"delta=0\.7: delta > 0\.5 makes neighbours coincide"):
        EnsembleSpec.create(gen, grid={"delta": [0.7]}, n_samples=1, root_seed=0)
    # without a model check the declarations still apply
    gen = Generator("toy", "1", _make, parameters=declared)
    with pytest.raises(EnsembleSettingsError, match=r"delta must be a real in \[0, 0\.5\], found -0\.1"):
        EnsembleSpec.create(gen, grid={"delta": [-0.1]}, n_samples=1, root_seed=0)


def _shipped_generators() -> list[str]:
    """Generators of the vdosbench package (not those another test module registered before collection)."""
    import vdosbench.generators  # noqa: F401  (registers the shipped generators)

    return [n for n in generator_names() if get_generator(n).make_sample.__module__.startswith("vdosbench.")]


@pytest.mark.parametrize("name", _shipped_generators())
def test_every_shipped_generator_declares_every_parameter(name: str) -> None:
    gen = get_generator(name)
    assert gen.parameters and all(p.declared for p in gen.parameters), [
        p.name for p in gen.parameters if not p.declared
    ]
    assert gen.source.startswith("seed 00"), gen.source
    for p in gen.parameters:
        assert p.units is not None or p.kind in ("choice", "bool"), f"{name}.{p.name} has no units"
    # the defaults pass both the declarations and the model's own check
    spec = EnsembleSpec.create(gen, n_samples=gen.chain_size(dict(gen.fixed_defaults)), root_seed=0)
    assert spec.points()


def test_a_shared_declaration_takes_each_generators_default() -> None:
    """The chain generators share their parameter declarations; q of F_s is each model's own (S(q)'s first peak),
    and a generator built from declarations keeps its memory estimate."""
    from vdosbench.generators.glasses.glass_chains import FS_WAVENUMBER, KA_FS_WAVENUMBER

    ka, soft = get_generator("lennard_jones_equilibrated"), get_generator("soft_spheres_equilibrated")
    assert ka.fixed_defaults["fs_wavenumber"] == ka.parameter("fs_wavenumber").default == KA_FS_WAVENUMBER == 7.25
    assert soft.fixed_defaults["fs_wavenumber"] == soft.parameter("fs_wavenumber").default == FS_WAVENUMBER == 6.872
    assert ka.memory_estimate is not None and soft.memory_estimate is not None


def _just(p: Parameter, inside: bool) -> list[Any]:
    """Values just outside (or just inside) the declared range or choices."""
    step = 1 if p.kind in ("int", "ints") else 1e-6
    out: list[Any] = []
    for bound, is_open, sign in ((p.minimum, p.open_minimum, -1), (p.maximum, p.open_maximum, 1)):
        if bound is None:
            continue
        if inside:
            out.append(bound - sign * step if is_open else bound)
        else:
            out.append(bound if is_open else bound + sign * step)
    if p.kind == "choice":
        out += list(p.choices) if inside else ["no-such-choice"]
    if p.kind == "int":
        out = [int(v) for v in out if not isinstance(v, str)] + [v for v in out if isinstance(v, str)]
    if p.kind == "ints":
        out = [[int(v)] for v in out]
    return [v for v in out if v not in p.special]


CASES = [(n, p.name) for n in generator_names() for p in get_generator(n).parameters if _just(p, inside=False)]


@pytest.mark.parametrize(("name", "parameter"), CASES, ids=[f"{n}.{p}" for n, p in CASES])
def test_a_declared_bound_is_the_models_bound(name: str, parameter: str) -> None:
    """The declaration states the limits the model enforces: just outside them the model's own check refuses,
    at (or just inside) them it accepts, unless the declaration notes a limit set by other parameters.

    (So the text of ``vdosbench describe`` cannot drift from what the generator accepts.)
    """
    gen = get_generator(name)
    assert gen.check_params is not None
    p = gen.parameter(parameter)
    base = {**gen.fixed_defaults, **{k: v[0] for k, v in gen.grid_defaults.items()}}
    for value in _just(p, inside=False):
        with pytest.raises((TypeError, ValueError)):
            p.check(value)
        with pytest.raises((TypeError, ValueError)):
            gen.check_params({**base, parameter: value})
    if p.note:
        return
    for value in _just(p, inside=True):
        p.check(value)
        gen.check_params({**base, parameter: value})
