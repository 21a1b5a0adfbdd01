"""The walk of one dataset through ``vdosbench.validators.power_law_exponent``.

Follows the Dataset object handed to the validator (``sys.setprofile``): every
call of a vdosbench function that receives that very object as an argument is
a *stop*; the script counts the stops, the distinct modules they are in, how
often the walk climbs back up an import floor (a stop in a lower layer —
``datasets`` below ``validators/results`` below ``validators/spectral`` —
followed by a stop in a higher one), and how often any function of
``validators/results/points.py`` is entered (with or without the dataset;
comprehensions not counted, a generator's resumptions not counted), how many
*derivations* happen (a helper that computes the dimension, box, ω or the
normalisation from ``ds``; after the accessor: a cache miss of ``ds.vdos``), and
how many calls receive the ``ds.vdos`` view instead of ``ds``.

Since issue 66 item 3 the walk follows the dataset in both its forms: a call that receives the dataset's view
(``ds.vdos``) instead of the dataset is a stop too (the accessor's own methods are not); before, the walk lost
the dataset once it became the view, and counted 3 stops where a run made 15.

Cases (each a one-point dataset from :func:`vdosbench.datasets.mock_spectrum`):

``explicit``
    an explicit window (eigenvalues only);
``lowest_k``
    the ``lowest_k`` rule;
``below_phonon``
    the ``below_phonon`` rule on a scalar network with its springs and box
    (ω₀ measured from the sound speed: the longest walk);
``boson_peak``
    :func:`~vdosbench.validators.boson_peak_excess` on the same network (its own sound speed, its number
    density from sites and box).

Usage::

    python tests/support/ds_walk.py [--output speed/results/ds_walk.json] [--label after]

The result file keeps one entry per ``--label`` (so a before and an after run
sit side by side); numbers are counts, not times, so the machine's load does
not change them.  ``before``/``after``: the accessor (issue 26); ``issue54_before``/
``issue54_after``: validators hand the view on, not the dataset (issue 54 item 1;
``tests/datasets/test_accessor.py`` pins each case's stops and climbs: the walk only shortens; this script
lives beside that test, the code-quality ratchet it is, and its record stays in ``speed/results/``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

import vdosbench
from vdosbench.datasets import mock_spectrum, write_results
from vdosbench.validators import boson_peak_excess, power_law_exponent

try:
    import vdosbench.datasets.accessor  # noqa: F401

    ACCESSOR_EXISTS = True
except ImportError:  # before the accessor: nothing to follow
    ACCESSOR_EXISTS = False

PACKAGE_ROOT = Path(vdosbench.__file__).resolve().parent.parent
ROOT = Path(__file__).resolve().parents[2]
POINTS = "validators/results/points.py"


def _floor(module: str) -> int:
    """Import floor of a module path: datasets 0, validators/results 1, the rest of validators 2."""
    if module.startswith("datasets/"):
        return 0
    if module.startswith("validators/results/"):
        return 1
    return 2


def _module_of(filename: str) -> str | None:
    try:
        rel = Path(filename).resolve().relative_to(PACKAGE_ROOT)
    except ValueError:
        return None
    if rel.parts[0] in ("datasets", "validators", "generators", "benchmark", "vdosbench"):
        return rel.as_posix()
    return None


#: Helpers that derive a property of the dataset (dimension, box, ω, normalisation) from ``ds``:
#: before the accessor each call re-derived it; after, they delegate to ``ds.vdos``.  ``zero_modes``,
#: ``mode_total``, ``nonzero_mode_count`` and ``number_density`` are deprecated twins of the view since
#: issue 54 item 1 (the package calls none of them); they stay listed so that a walk at an older commit
#: counts them as before, and a call that came back would show here.
DERIVING = {
    "validators/results/points.py": {"spatial_dimension", "site_degrees_of_freedom", "box_volume", "omega_units"},
    "validators/spectral/spectrum.py": {"frequencies", "zero_modes", "mode_total", "nonzero_mode_count"},
    "validators/spectral/debye.py": {"number_density"},
    "validators/spectral/phonon.py": {"_longest_edge"},
}
ACCESSOR = "datasets/accessor.py"


def _receives(frame: Any, target: object) -> bool:
    code = frame.f_code
    n_args = code.co_argcount + code.co_kwonlyargcount
    names = code.co_varnames[:n_args]
    f_locals = frame.f_locals
    if any(f_locals.get(n) is target for n in names):
        return True
    if code.co_flags & 0x04:  # *args
        return any(a is target for a in f_locals.get(code.co_varnames[n_args], ()))
    return False


def walk(ds: xr.Dataset, call: Any) -> dict[str, Any]:
    """Run ``call(ds)`` under a profiler and count the dataset's stops.

    A generator's resumptions are not new stops (only a frame's first entry counts).
    """
    stops: list[tuple[str, str]] = []
    view_calls: list[str] = []
    points_entries: Counter[str] = Counter()
    derivations: Counter[str] = Counter()
    seen: set[int] = set()
    frames: list[Any] = []  # keep entered frames alive so their ids are not reused
    view = getattr(ds, "vdos", None) if ACCESSOR_EXISTS else None

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event != "call" or id(frame) in seen:
            return
        module = _module_of(frame.f_code.co_filename)
        if module is None:
            return
        seen.add(id(frame))
        frames.append(frame)
        name = frame.f_code.co_name
        if name.startswith("<"):  # comprehensions and lambdas belong to their function's stop
            return
        if module == POINTS:
            points_entries[name] += 1
        if name in DERIVING.get(module, ()) or (module == ACCESSOR and name in ("compute", "_dimension")):
            what = frame.f_back.f_locals.get("name", "?") if name == "compute" else name
            derivations[f"{module}:{what}"] += 1
        if _receives(frame, ds):
            stops.append((module, name))
        elif view is not None and not (module == ACCESSOR and name.startswith("_")) and _receives(frame, view):
            view_calls.append(f"{module}:{name}")
            if module != ACCESSOR:  # the view handed on is the dataset in another form: a stop (issue 66 item 3)
                stops.append((module, name))

    sys.setprofile(profile)
    try:
        call(ds)
    finally:
        sys.setprofile(None)
    floors = [_floor(m) for m, _ in stops]
    climbs = sum(1 for a, b in zip(floors, floors[1:]) if b > a)
    return {
        "stops": len(stops),
        "modules": sorted({m for m, _ in stops}),
        "n_modules": len({m for m, _ in stops}),
        "climbs_up_a_floor": climbs,
        "points_py_entries": sum(points_entries.values()),
        "points_py_functions": dict(sorted(points_entries.items())),
        "view_calls": len(view_calls),
        "derivations": sum(derivations.values()),
        "derivation_functions": dict(sorted(derivations.items())),
        "path": [f"{m}:{f}" for m, f in stops],
    }


def _network() -> xr.Dataset:
    """A 4 × 4 scalar network (unit springs on the square lattice) with its box: ω₀ is measured."""
    ds = mock_spectrum(n_sample=4, n_mode=16, n_site=16, pairs_per_sample=32, spatial_dimension=2, seed=3)
    ds.attrs["site_degrees_of_freedom"] = 1
    ds["pair_stiffness"] = ds["pair_distance"].copy(data=np.ones(ds.sizes["pair"]))
    ds["pair_stiffness"].attrs = {"long_name": "spring constant", "units": "1"}
    return ds


def cases() -> dict[str, tuple[xr.Dataset, Any]]:
    spectrum = mock_spectrum(n_sample=20, n_mode=101, exponent=4.0, seed=1)
    return {
        "boson_peak": (_network(), lambda d: boson_peak_excess(d, n_bootstrap=20)),
        "explicit": (spectrum, lambda d: power_law_exponent(d, (0.0, 1.0), n_bootstrap=20)),
        "lowest_k": (spectrum, lambda d: power_law_exponent(d, "lowest_k", n_bootstrap=20)),
        "below_phonon": (
            _network(),
            lambda d: power_law_exponent(d, "below_phonon", n_bootstrap=20),
        ),
    }


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(PACKAGE_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "speed" / "results" / "ds_walk.json")
    parser.add_argument("--label", default="current", help="key of this run in the result file (e.g. before, after)")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"commit": _commit(), "cases": {}}
    for name, (ds, call) in cases().items():
        call(ds)  # warm-up: imports and first-call caches are not part of the walk
        fresh = ds.copy()  # a new Dataset object, as a user's call would get
        result["cases"][name] = walk(fresh, call)
        r = result["cases"][name]
        print(
            f"{args.label:>8} {name:>13}: {r['stops']:3d} stops in {r['n_modules']} modules, "
            f"{r['climbs_up_a_floor']:2d} climbs up a floor, points.py entered {r['points_py_entries']:3d} times, "
            f"{r['derivations']:2d} derivations, {r['view_calls']:2d} calls on ds.vdos"
        )
    data = json.loads(args.output.read_text()) if args.output.exists() else {}
    data.pop("provenance", None)  # this write's envelope replaces the last one
    data[args.label] = result
    write_results(args.output, data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
