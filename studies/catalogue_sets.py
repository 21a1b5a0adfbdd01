"""Catalogue entries for the paper-size sets built in runs/ (issue 19 item 2).

For each set listed in ``SETS``: write the run's ``ensemble.nc`` in the
catalogue's storage form (``vdosbench compact``: float32 eigenvectors), then
print its catalogue table (``vdosbench fingerprint``: size, hashes, recipe from
the run's ``ensemble.json``, fingerprint) completed with the description,
source, citation, licence and the measured cost.  The cost is the CPU time
(user + system, worker processes included) that ``/usr/bin/time -v`` (or the
shell's ``time``) recorded in the run's logs, summed over the stages that
wrote the file.

Usage::

    python studies/catalogue_sets.py RUNS_DIR OUT_DIR > entries.toml
    python studies/catalogue_sets.py RUNS_DIR OUT_DIR --ladder td_ladder/n1000:soft_spheres_lowest_n1000_td

    python studies/catalogue_sets.py RUNS_DIR OUT_DIR --ladder 'pieces/c*-m*/n4000,s40/c*/n4000:RECIPE'
    python studies/catalogue_sets.py RUNS_DIR OUT_DIR \
        --ladder 'td_control/n1000/c*-m*/n1000:soft-spheres-lowest-n1000-td-control'
    python studies/catalogue_sets.py RUNS_DIR OUT_DIR --compact studies/results/finite_size_modes.nc:RECIPE

The second form catalogues a set of the issue-25 ladders (``studies/td_ladder_queue.sh``,
``studies/finite_size_queue.sh``, ``studies/chain_pieces.sh``), whose stages write parts taper by taper, and
chain pieces one chain to a folder (the third form: several folders, or glob patterns, separated by commas, all
under RUNS_DIR; each sample's part file must come from one folder only): its points are
combined at the largest sample count that every point of the recipe's grid has
(:func:`ladder_run`, the parts hard-linked into ``OUT_DIR/NAME.run`` and combined there by
the recipe, computing nothing), and its cost is the sum of the ``stage_seconds`` that every
combined part stores (one core, one BLAS thread; the ladders' stages overlap and are
stopped between sessions, so their logs do not add up).  The fourth form names a registered set
(:data:`REGISTERED_SETS`: issue 52's chains of the control, registered before they were made) in place of the
recipe: the set takes the recipe of that name's entry, must start at its registered first sample, and is
catalogued under its own name, apart from the recipe's exploratory set.

The fifth form (``--compact``, :func:`compact_run`) catalogues a ladder set whose part files are gone from the
finite-size study's compact form, which holds every per-sample variable of its points.

writes ``OUT_DIR/NAME.nc`` (the files to publish with ``vdosbench publish
NAME --from OUT_DIR``) and prints the TOML to append to
``datasets/catalog.toml``.  A set whose file already exists in ``OUT_DIR`` is
not rewritten (its hashes are read from it).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import xarray as xr

from vdosbench.benchmark import load_protocol_notes
from vdosbench.benchmark.fingerprint import entry_toml
from vdosbench.generators import RECIPES, run_ensemble
from vdosbench.generators.engine.describe import recipe_spec
from vdosbench.generators.engine.ensemble_spec import part_name
from vdosbench.datasets import point_group_key, read_point_groups
from vdosbench.datasets.catalog import toml_key
from vdosbench.datasets.compact import compact_file

SEED_001 = (
    "W. Schirmacher et al., Nat. Commun. 15, 3107 (2024) (vdosbench seed 001, file 001_d453c975fd50a4a2.txt); "
    "the vdosbench package for the data"
)
KOB_ANDERSEN = (
    "W. Kob and H. C. Andersen, Phys. Rev. E 51, 4626 (1995) (the model, tapered as in seed 001 eq. 10); " + SEED_001
)
LICENCE = "BSD-3-Clause (generated data, same licence as vdosbench)"
MACHINE = "2-core AMD EPYC virtual machine shared with other runs"


@dataclass(frozen=True)
class Set:
    """One catalogued set: its name, run folder, logs and words."""

    name: str
    folder: str
    logs: tuple[str, ...]
    description: str
    citation: str = SEED_001
    note: str = ""


#: What the additive mixture's T_d sets are (issue 52 item 3; the protocol note ``additive-td-aged`` of
#: vdosbench/benchmark/protocols.toml, which scores them so).
AGED = (
    "; " + {n.id: n for n in load_protocol_notes()}["additive-td-aged"].label + " glasses: the chains' energy "
    "still falls and the two-start test fails, so the T_d claims score these sets as that protocol (protocol note "
    "additive-td-aged, issue 52)"
)


def _equilibrated(
    name: str,
    folder: str,
    logs: tuple[str, ...],
    at: str,
    tapers: str,
    samples: int,
    chains: int,
    tau_first: int,
    model: str = "soft-sphere",
    aged: bool = False,
    **words: str,
) -> Set:
    """A set of the equilibrated protocol: its description from the chain layout (5 structures per chain);
    ``aged``: the additive mixture at T_d, which the protocol does not bring to equilibrium (:data:`AGED`)."""
    each = " each" if " and " in tapers else ""
    liquid = "swap Monte Carlo chains" if aged else "swap-equilibrated liquid"
    return Set(
        name,
        folder,
        logs,
        f"{model} glasses, N = 1000, quenched from the {liquid} at {at}, {tapers}, "
        f"{samples} samples{each} ({chains} chains of 5, {tau_first} tau_alpha before the first, "
        "3 tau_alpha apart)" + (AGED if aged else ""),
        **words,
    )


SETS = (
    Set(
        "soft-spheres-n1000-seed-literal",
        "literal_n1000",
        ("literal_n1000.log",),
        "soft-sphere glasses, N = 1000, T* = T_d = 0.144, m = 2 and inf, 100 samples each, seed-literal protocol "
        "(1.1e6 attempted moves = 1100 sweeps of swap Monte Carlo from random positions, then L-BFGS/FIRE quench)",
    ),
    *(
        _equilibrated(
            f"soft-spheres-n1000-equilibrated-{k}td",
            f"eq_{k}td",
            (f"eq_{k}td.log",),
            f"T* = {k} T_d = {t}",
            "m = 2 and inf",
            30,
            6,
            40,
        )
        for k, t in (("7", "1.0"), ("3", "0.432"), ("2", "0.288"), ("1.5", "0.216"))
    ),
    _equilibrated(
        "soft-spheres-n1000-equilibrated-td-m2",
        "eq_1td_m2",
        ("eq_1td_m2.log",),
        "T* = T_d = 0.144",
        "m = 2",
        30,
        6,
        40,
        aged=True,
    ),
    _equilibrated(
        "soft-spheres-n1000-equilibrated-td-minf",
        "eq_1td_minf_c",
        ("eq_1td_minf.log", "eq_1td_minf_c.log"),
        "T* = T_d = 0.144",
        "m = inf",
        60,
        12,
        40,
        aged=True,
        note="; includes chains recomputed after an interrupted run",
    ),
    *(
        _equilibrated(
            f"soft-spheres-n1000-equilibrated-1.25td-{m}",
            f"eq_1.25td_{m}",
            (f"eq_1.25td_{m}.log",),
            "T* = 1.25 T_d = 0.18",
            taper,
            30,
            6,
            120,
        )
        for m, taper in (("m2", "m = 2"), ("minf", "m = inf"))
    ),
    *(
        _equilibrated(
            f"kob-andersen-n1000-equilibrated-0.45-{m}",
            f"ka_eq_{m}",
            (f"ka_eq_{m}.log",),
            "T* = 0.45",
            taper,
            30,
            6,
            20,
            model="tapered Kob-Andersen",
            citation=KOB_ANDERSEN,
        )
        for m, taper in (("m2", "m = 2"), ("minf", "m = inf"))
    ),
    Set(
        "kob-andersen-n1000-seed-literal",
        "ka_literal",
        ("ka_literal.log",),
        "tapered Kob-Andersen glasses, N = 1000, T* = 0.45 and 2.0, m = 2 and inf, 30 samples each, "
        "seed-literal protocol (1100 sweeps of Monte Carlo from random positions, then quench)",
        citation=KOB_ANDERSEN,
    ),
    Set(
        "soft-spheres-n1600-levels-m2",
        "levels_n1600",
        ("levels_n1600.log",),
        "soft-sphere glasses, N = 1600, m = 2, T* = T_d = 0.144 and T* = 1.0, 900 samples each (the seed's number), "
        "seed-literal protocol, all eigenvalues and no eigenvectors (level statistics of seed 001 Fig. 2)",
        note="; stages stopped at the end of a working session are not in the log, so this is a lower bound "
        "(about 10 core-s per sample)",
    ),
)


def _control_words(n: int, start: str, which: str, why: str) -> str:
    """The description of a set of the non-additive control at N = ``n`` (with {n_samples}): ``start`` says which
    chains share a start, ``which`` which chains the set holds, ``why`` the issue it is for."""
    return (
        f"non-additive soft-sphere glasses (a_ij = (a_i + a_j)/2 (1 - 0.2 |a_i - a_j|), Ninarello et al. 2017), "
        f"N = {n}, m = 2 and inf, equilibrated by swap Monte Carlo at their own T* = T_d = 0.0716 (40 tau_alpha "
        f"before the first structure, 3 tau_alpha apart, 5 per chain; chain c of both tapers{start} from the same "
        f"start), {{n_samples}} samples each{which}; lowest 50 modes, moduli, participation and shell weights, the "
        f"chains' energy drift and tau_alpha ({why})"
    )


#: The issue-25 ladder sets: recipe → (catalogue name, description with {n_samples}).
LADDER_SETS = {
    **{
        f"soft_spheres_lowest_n{n}_td": (
            f"soft-spheres-lowest-n{n}-td",
            f"soft-sphere glasses, N = {n}, m = 2 and inf, run by swap Monte Carlo at T* = T_d = 0.144 (40 tau_alpha "
            "before the first structure, 3 tau_alpha apart, 5 per chain; chain c of both tapers from the same start), "
            "{n_samples} samples each; lowest 50 modes, moduli, participation and shell weights, the chains' energy "
            "drift and tau_alpha (issue 25 T_d ladder)" + AGED,
        )
        for n in (1000, 2000, 4000)
    },
    **{
        f"soft_spheres_lowest_n{n}_td_nonadditive": (
            f"soft-spheres-lowest-n{n}-td-nonadditive",
            _control_words(n, ", and of the additive ladder,", "", "issue 25 fractionation control"),
        )
        for n in (1000, 2000, 4000)
    },
    **{
        f"soft_spheres_lowest_n{n}": (
            f"soft-spheres-lowest-n{n}",
            f"soft-sphere glasses, N = {n}, m = 2 and inf, quenched after 1100 sweeps of swap Monte Carlo at T* = 1 and "
            "instantaneously (T* = inf), {n_samples} samples each; lowest 50 modes, moduli, participation and shell "
            "weights (issue 25 high-T* ladder)",
        )
        for n in (1000, 2000, 4000, 8000, 16000)
    },
    "soft_spheres_lowest_confirm_n2000": (
        "soft-spheres-lowest-confirm-n2000",
        "soft-sphere glasses, N = 2000, m = 2 and inf, quenched after 1100 sweeps of swap Monte Carlo at T* = 1 and "
        "instantaneously (T* = inf), {n_samples} samples each, fresh seeds; lowest 20 modes and moduli (issue 51's "
        "confirmatory sets, registered before they were made: benchmark/registrations/absolute-frequency.toml)",
    ),
}

#: The control's chains registered for issue 52 (benchmark/registrations/td-control.toml), catalogued apart from the
#: exploratory ``-td-nonadditive`` sets of the same recipes: catalogue name → (recipe, first sample, description with
#: {n_samples}, {first_chain} and {last_chain}).  Their pieces hold only the registered samples (from 100 = chain 20).
REGISTERED_SETS = {
    f"soft-spheres-lowest-n{n}-td-control": (
        f"soft_spheres_lowest_n{n}_td_nonadditive",
        100,
        _control_words(
            n,
            "",
            ": chains {first_chain} - {last_chain}, registered before they were made "
            "(benchmark/registrations/td-control.toml; the exploratory chains 0 - 19 are the "
            "-td-nonadditive set)",
            "issue 52, the control as the T_d model",
        ),
    )
    for n in (1000, 2000)
}

_TIME = re.compile(
    r"(?:User time \(seconds\): ([\d.]+))|(?:System time \(seconds\): ([\d.]+))|"
    r"(?:^(?:user|sys)\s+(\d+)m([\d.]+)s)",
    re.MULTILINE,
)


def cpu_seconds(log: Path) -> float:
    """Sum of the user and system CPU times recorded in ``log`` (``/usr/bin/time -v`` or bash ``time``)."""
    total = 0.0
    for user, system, minutes, seconds in _TIME.findall(log.read_text(errors="replace")):
        total += float(user or system) if (user or system) else 60 * float(minutes) + float(seconds)
    if total <= 0:
        raise ValueError(f"{log}: no CPU time found; expected /usr/bin/time -v or bash time output")
    return total


def entry(entry_set: Set, runs: Path, out: Path) -> str:
    """The catalogue TOML of one set (writes its compact file first)."""
    folder = runs / entry_set.folder
    target = out / f"{entry_set.name}.nc"
    manifest = out / f"{entry_set.name}.json"
    if not target.is_file():
        compact_file(folder / "ensemble.nc", target)
    if not manifest.is_file():
        shutil.copyfile(folder / "ensemble.json", manifest)
    hours = sum(cpu_seconds(runs / log) for log in entry_set.logs) / 3600.0
    source = (
        f"generated by vdosbench with {json.loads(manifest.read_text())['generator']} (run folder "
        f"runs/{entry_set.folder}, stored as float32 eigenvectors by vdosbench compact); not hosted yet: build "
        "it, or publish the file with vdosbench publish"
    )
    return _completed(
        entry_toml(entry_set.name, target, manifest),
        entry_set.name,
        entry_set.description,
        source,
        entry_set.citation,
        hours,
        "CPU time (user + system) of the generate runs, " + MACHINE + entry_set.note,
    )


def _completed(text: str, name: str, description: str, source: str, citation: str, hours: float, basis: str) -> str:
    """``vdosbench fingerprint``'s table with the words it leaves to complete by hand and the cost table."""
    head, _to_complete, rest = text.split("\n", 2)
    words = {"description": description, "source": source, "urls": [], "citation": citation, "licence": LICENCE}
    lines = [head] + [f"{k} = {json.dumps(v)}" for k, v in words.items()]
    cost = ["", f"[datasets.{toml_key(name)}.cost]", f"core_hours = {hours:.3g}", f"basis = {json.dumps(basis)}"]
    return "\n".join(lines) + "\n" + rest.rstrip("\n") + "\n" + "\n".join(cost) + "\n"


def _sample_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("sample-*.nc"))


def _gather_parts(ladders: list[Path]) -> dict[str, list[Path]]:
    """Every grid point's part files over the folders ``ladders`` (each with ``parts/<point>/sample-*.nc``), by
    point, sorted by name; a sample found in two folders is refused."""
    points: dict[str, dict[str, Path]] = {}
    for ladder in ladders:
        if not (ladder / "parts").is_dir():
            raise ValueError(
                f"{ladder} holds no parts/ folder; expected a run folder of `vdosbench generate` "
                "(a ladder stage or a chain piece)"
            )
        for point in (ladder / "parts").iterdir():
            seen = points.setdefault(point.name, {})
            for f in _sample_files(point):
                if f.name in seen:
                    raise ValueError(
                        f"{point.name}/{f.name} is in {seen[f.name].parents[2]} and in {ladder}; "
                        "expected each sample in one folder: leave out the copy"
                    )
                seen[f.name] = f
    return {point: [files[k] for k in sorted(files)] for point, files in points.items()}


def _point_values(folder: str) -> tuple[tuple[str, object], ...]:
    """A part folder's name ``name-value__name-value`` as (name, value) pairs, numbers as floats (so that
    ``parent_temperature-1``, written by ``vdosbench generate --grid parent_temperature=1``, is the recipe's
    ``parent_temperature-1.0``)."""
    pairs = []
    for piece in folder.split("__"):
        name, _, value = piece.partition("-")
        try:
            pairs.append((name, float(value)))
        except ValueError:
            pairs.append((name, value))
    return tuple(pairs)


def _as_recipe_points(gathered: dict[str, list[Path]], recipe_name: str) -> dict[str, list[Path]]:
    """``gathered`` keyed by the recipe's own part-folder names (the names its run looks for), matched by value.

    A folder that names another point of the grid under another spelling is renamed, so that the recipe's run
    finds its parts and only combines them; a folder that matches no point of the recipe is refused (the run
    would compute that point's samples anew)."""
    expected = {
        _point_values(part_name(point)): part_name(point) for point in recipe_spec(RECIPES[recipe_name]).points()
    }
    out: dict[str, list[Path]] = {}
    for folder, files in gathered.items():
        target = expected.get(_point_values(folder))
        if target is None:
            raise ValueError(
                f"part folder {folder!r} is no grid point of recipe {recipe_name}; expected one of "
                f"{sorted(expected.values())}: catalogue only that recipe's runs"
            )
        out[target] = out.get(target, []) + files
    return {point: sorted(files, key=lambda f: f.name) for point, files in out.items()}


def _sample_index(f: Path) -> int:
    return int(f.name.removeprefix("sample-").removesuffix(".nc"))


def ladder_run(
    ladder: Path | list[Path], recipe_name: str, out: Path, name: str, first_sample: int | None = None
) -> tuple[Path, int, int]:
    """Combine a ladder folder's parts (or those of several chain pieces) into ``out/NAME.run/ensemble.nc`` by the
    recipe; return it, the samples and the first sample.

    The sample count is the largest that every grid point of the recipe holds as consecutive
    part files from its first sample (a point still being computed has a gap, or fewer files), over all the
    folders given.  The first sample is 0 for a whole ladder; pieces of later samples only (e.g. chains
    registered after the first ones were seen, ``vdosbench generate --first-sample K``) make a set of samples
    K … K + count − 1, catalogued with the recipe's ``first_sample``, and every point must start at the same K
    (``first_sample``: the K a registered set must start at, else ValueError before anything is written).
    The parts are hard-linked (copied across file systems) into ``out/NAME.run/parts``,
    so that the ladder folders, which a running stage may hold locked, are only read; the recipe then
    finds every part and only combines them.
    """
    recipe = RECIPES[recipe_name]
    gathered = _as_recipe_points(_gather_parts([ladder] if isinstance(ladder, Path) else list(ladder)), recipe_name)
    starts = {point: _sample_index(files[0]) for point, files in gathered.items() if files}
    if len(set(starts.values())) > 1:
        raise ValueError(
            f"{ladder}: the grid points start at different samples {starts}; expected one first sample "
            "for every point (catalogue the samples all of them hold)"
        )
    first = next(iter(starts.values()), 0)
    if first_sample is not None and first != first_sample:
        raise ValueError(
            f"{name}: its parts start at samples {sorted(set(starts.values()))}; expected every point to "
            f"start at sample {first_sample}, the set's first registered sample (pass only the "
            "registered pieces)"
        )
    counts = {}
    for point, files in gathered.items():
        counts[point] = next((k for k, f in enumerate(files) if f.name != f"sample-{first + k:04d}.nc"), len(files))
    n_points = 1
    for values in recipe.grid.values():
        n_points *= len(values)
    if len(counts) != n_points:
        raise ValueError(
            f"{ladder}: parts hold {len(counts)} grid points {sorted(counts)}; recipe {recipe_name} "
            f"has {n_points}: finish every point's first stage before cataloguing"
        )
    n_samples = min(counts.values())
    if n_samples < 1:
        raise ValueError(f"{ladder}: a grid point has no part file ({counts})")
    run = out / f"{name}.run"
    for point in counts:
        target = run / "parts" / point
        target.mkdir(parents=True, exist_ok=True)
        for f in gathered[point][:n_samples]:
            if not (target / f.name).exists():
                try:
                    os.link(f, target / f.name)
                except OSError:
                    shutil.copyfile(f, target / f.name)
    spec = replace(recipe_spec(replace(recipe, n_samples=first + n_samples)), first_sample=first)
    run_ensemble(spec, output=run, n_workers=1, progress=False)
    return run / "ensemble.nc", n_samples, first


def stage_core_hours(path: Path) -> float:
    """Sum of ``stage_seconds`` over every sample of a lowest-mode ensemble, in hours."""
    with xr.open_dataset(path) as ds:
        return float(ds["stage_seconds"].sum()) / 3600.0


def _stored(built: Path, out: Path, name: str) -> tuple[Path, Path]:
    """``built`` written as ``out/NAME.nc`` in the catalogue's storage form (anew) and its manifest as
    ``out/NAME.json``; both paths."""
    target, manifest = out / f"{name}.nc", out / f"{name}.json"
    target.unlink(missing_ok=True)
    compact_file(built, target)
    shutil.copyfile(built.with_name("ensemble.json"), manifest)
    return target, manifest


def ladder_entry(
    ladder: Path | list[Path],
    recipe_name: str,
    out: Path,
    name: str,
    description: str,
    source: str | None = None,
    first_sample: int | None = None,
) -> str:
    """The catalogue TOML of one ladder set (:func:`ladder_run`, then as :func:`entry`); ``source`` names the
    folders in the entry (default: the folder's path); ``first_sample``: the sample the set must start at (a
    registered set, :data:`REGISTERED_SETS`), else ValueError before anything is written.  The description may
    name ``{n_samples}``, ``{first_chain}`` and ``{last_chain}`` (the chains of the recipe's ``chain_samples``)."""
    built, n_samples, first = ladder_run(ladder, recipe_name, out, name, first_sample)
    target, manifest = _stored(built, out, name)
    folders = f"ladder folder {ladder}" if source is None else f"run folders {source}"
    which = f"{n_samples} samples per point" + (f" (samples {first} - {first + n_samples - 1})" if first else "")
    source = (
        f"generated by vdosbench with recipe {recipe_name} at {which} ({folders}, "
        "combined by studies/catalogue_sets.py --ladder); the full set is not hosted (build it)"
    )
    per_chain = int(RECIPES[recipe_name].fixed.get("chain_samples", 1))
    words = description.format(
        n_samples=n_samples, first_chain=first // per_chain, last_chain=(first + n_samples) // per_chain - 1
    )
    return _completed(
        entry_toml(name, target, manifest),
        name,
        words,
        source,
        SEED_001 + "; E. Lerner, Phys. Rev. E 101, 032120 (2020) (the finite-size question)",
        stage_core_hours(built),
        "sum of the stage seconds (wall, one core, one BLAS thread) stored in every sample, " + MACHINE,
    )


#: Variables of the compact form that the study adds and the generator does not write (kept out of a set).
STUDY_VARIABLES = ("size_segregation",)  # studies/finite_size.py, with_size_segregation


@functools.cache
def _compact_points(compact: Path) -> dict[tuple[int, int, float], xr.Dataset]:
    """The points of the finite-size study's compact form by (N, taper, T*), ``site`` restored as a coordinate of
    length N (:func:`vdosbench.datasets.read_point_groups`, groups named by
    :func:`vdosbench.datasets.point_group_name`), read once per file however many sets are assembled from it."""
    return {
        point_group_key(name): ds.assign_coords(site=np.arange(int(ds.attrs["n_particles"])))
        for name, ds in read_point_groups(compact).items()
    }


def compact_run(compact: Path, recipe_name: str, out: Path, name: str) -> tuple[Path, int]:
    """Assemble the set of ``recipe_name`` from the finite-size study's compact form into
    ``out/NAME.run/ensemble.nc`` by the recipe; return it and the samples per point.

    For the ladder points whose part files are gone (the machine that held them was lost on 25 Nov 2026;
    later pieces were landed in the compact form and their folders not kept).  Every grid point of the
    recipe must be a group of the compact form (its N, taper and T*, and the recipe's non-additivity); the
    sample count is the largest that every point holds as consecutive samples from 0 (whole chains for a chain
    recipe).  Each sample is written as a part file of the recipe's run folder, and the recipe then only
    combines them (as :func:`ladder_run`), computing nothing.  The set holds every per-sample variable the
    parts held (not the study's own :data:`STUDY_VARIABLES`); the per-site arrays and Monte Carlo traces that
    the compact form leaves out (``finite_size.COMPACT_DROP``: positions, diameters, coordination, ``mc_energy``) are not in it, and a
    rebuild (``vdosbench build``) writes them.

    Raises
    ------
    ValueError
        A grid point of the recipe is not in the compact form, was made with other fixed parameters, or has
        no sample 0.
    """
    from vdosbench.datasets import write  # noqa: PLC0415
    from vdosbench.generators.engine.ensemble_spec import part_path  # noqa: PLC0415

    recipe = RECIPES[recipe_name]
    spec = recipe_spec(recipe)
    points = _compact_points(compact)
    fixed = spec.fixed
    n = int(fixed["n_particles"])
    expected = {**fixed, "root_seed": spec.root_seed}
    chosen = []
    for point in spec.points():
        key = (n, int(point["taper_order"]), float(point["parent_temperature"]))
        if key not in points:
            raise ValueError(
                f"{compact}: no group for N = {n}, {point} (recipe {recipe_name}); expected the point "
                "landed in the compact form (studies/finite_size.py --export-only)"
            )
        ds = points[key]
        for attr in ("non_additivity", "root_seed", "chain_samples", "equilibration_sweeps", "n_sweeps"):
            if attr in expected and attr in ds.attrs and float(ds.attrs[attr]) != float(expected[attr]):
                raise ValueError(
                    f"{compact}: group for {point} has {attr} = {ds.attrs[attr]}, recipe {recipe_name} "
                    f"has {expected[attr]}; expected the recipe's own points"
                )
        chosen.append((point, ds))
    per_chain = int(fixed.get("chain_samples", 1))
    counts = {}
    for point, ds in chosen:
        have = np.sort(ds["sample"].values)
        run_length = next((k for k, v in enumerate(have) if v != k), have.size)
        counts[part_path(point, 0).parent.name] = run_length - run_length % per_chain
    n_samples = min(counts.values())
    if n_samples < 1:
        raise ValueError(f"{compact}: a grid point of {recipe_name} has no sample 0 (or no whole chain): {counts}")
    run = out / f"{name}.run"
    for point, ds in chosen:
        for k in range(n_samples):
            target = run / "parts" / str(part_path(point, k))
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                part = (
                    ds.sel(sample=[k])
                    .drop_dims("site", errors="ignore")
                    .drop_vars([v for v in STUDY_VARIABLES if v in ds.variables])
                )
                write(part.assign_attrs(seed_spawn_key=f"({k},)"), target, validate=False)
    run_ensemble(recipe_spec(replace(recipe, n_samples=n_samples)), output=run, n_workers=1, progress=False)
    return run / "ensemble.nc", n_samples


def compact_entry(compact: Path, recipe_name: str, out: Path, name: str, description: str) -> str:
    """The catalogue TOML of one ladder set assembled from the study's compact form (:func:`compact_run`):
    its file is the set as the study keeps it, its fingerprint and cost from the same samples."""
    built, n_samples = compact_run(compact, recipe_name, out, name)
    target, manifest = _stored(built, out, name)
    source = (
        f"generated by vdosbench with recipe {recipe_name} at {n_samples} samples per point; its part files "
        f"were not kept, so the file is the set as the finite-size study keeps it ({compact.as_posix()}, "
        "assembled by studies/catalogue_sets.py --compact): every per-sample variable, without the per-site "
        "arrays and Monte Carlo traces (positions, diameters, coordination, mc_energy), which a rebuild "
        "(vdosbench build, verified by value) writes; the full set is not hosted"
    )
    return _completed(
        entry_toml(name, target, manifest),
        name,
        description.format(n_samples=n_samples),
        source,
        SEED_001 + "; E. Lerner, Phys. Rev. E 101, 032120 (2020) (the finite-size question)",
        stage_core_hours(built),
        "sum of the stage seconds (wall, one core, one BLAS thread) stored in every sample, " + MACHINE,
    )


def main(argv: list[str] | None = None) -> int:
    """Write the compact files and print the catalogue entries."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", type=Path, help="folder holding the run folders and their logs")
    parser.add_argument("out", type=Path, help="folder for the compact files")
    parser.add_argument("--only", action="append", default=[], help="catalogue name (repeatable)")
    parser.add_argument(
        "--ladder",
        action="append",
        default=[],
        metavar="FOLDER[,FOLDER...]:RECIPE",
        help="a ladder folder under RUNS_DIR and its recipe, e.g. td_ladder/n1000:"
        "soft_spheres_lowest_n1000_td, or several folders or glob patterns separated by "
        "commas (chain pieces of one set) (repeatable); in place of the recipe, the name of a "
        "registered set (e.g. soft-spheres-lowest-n1000-td-control, the registered chains "
        "only); catalogues only these",
    )
    parser.add_argument(
        "--compact",
        action="append",
        default=[],
        metavar="FILE:RECIPE",
        help="a ladder set assembled from the finite-size study's compact form (e.g. "
        "studies/results/finite_size_modes.nc:soft_spheres_lowest_n2000) when its part files "
        "are gone (repeatable); catalogues only these",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.compact:
        for spec in args.compact:
            compact, _, recipe_name = spec.rpartition(":")
            name, description = LADDER_SETS[recipe_name]
            print(compact_entry(Path(compact), recipe_name, args.out, name, description))
            sys.stdout.flush()
        return 0
    if args.ladder:
        for spec in args.ladder:
            folders, _, target = spec.rpartition(":")
            if target in REGISTERED_SETS:
                name, (recipe_name, first_sample, description) = target, REGISTERED_SETS[target]
            elif target in LADDER_SETS:
                recipe_name, first_sample, (name, description) = target, None, LADDER_SETS[target]
            else:
                raise SystemExit(
                    f"--ladder {spec}: {target!r} is neither a ladder recipe ({sorted(LADDER_SETS)}) nor "
                    f"a registered set ({sorted(REGISTERED_SETS)})"
                )
            paths = [match for pattern in folders.split(",") for match in sorted(args.runs.glob(pattern))]
            if not paths:
                raise SystemExit(f"--ladder {spec}: no folder under {args.runs} matches {folders!r}")
            print(
                ladder_entry(
                    paths[0] if len(paths) == 1 else paths,
                    recipe_name,
                    args.out,
                    name,
                    description,
                    source=", ".join(str(args.runs / f) for f in folders.split(",")),
                    first_sample=first_sample,
                )
            )
            sys.stdout.flush()
        return 0
    for s in SETS:
        if args.only and s.name not in args.only:
            continue
        print(entry(s, args.runs, args.out))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
