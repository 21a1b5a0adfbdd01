"""Shear, bulk and longitudinal moduli of every full-spectrum N = 1000 soft-sphere sample (issue 51).

The continuum D − D_Debye of a full spectrum needs each sample's shear modulus G and bulk modulus K (and
the longitudinal wave modulus M).  The scoring forms in ``reference-data/`` that hold all d·N eigenvalues per
sample also store its inherent structure (positions, diameters, box), so the moduli are recomputed here from
the structures with :func:`vdosbench.benchmark.elastic.sample_elastic_moduli` (one call of
:func:`vdosbench.generators.glasses.moduli.elastic_moduli` per sample, unit masses): G the mean of the six
simple-shear moduli, K = −V dp/dV (isotropic dilation, relaxed), M the mean of the three uniaxial-strain
moduli, each stored as the function returns it (M is not built from K + 4G/3).  The moduli assume mechanical
equilibrium, so the largest residual force max_i |F_i| of every stored structure is recorded beside them.

Every parameter point of every set is measured (one ``parent_temperature`` per file; a ``taper_order``
dimension of one or two values).  A file whose ``mode`` dimension is not d·N (not a full spectrum), or
that lacks the configurations, is skipped with a note.

Output layout (``studies/results/full_spectrum_moduli.nc``; read it with ``xarray.open_dataset``)
--------------------------------------------------------------------------------------------------
Dimensions ``set`` (one per source file, named after it: ``seed-literal``, ``7td``, …, ``td-minf``),
``taper_order`` (the union over the sets: −1 for T_∞, 2 for T_2) and ``sample`` (the position along the
source file's ``sample`` dimension, up to the largest set).  Variables ``shear_modulus``, ``bulk_modulus``,
``longitudinal_modulus``, ``shear_modulus_born``, ``shear_modulus_nonaffine``, ``pressure`` and
``residual_force_max`` (set, taper_order, sample), NaN where a set has no such point or sample;
``source_sample`` (set, taper_order, sample), the source file's sample coordinate (−1: none);
``n_samples`` (set, taper_order) (0: no such point); ``parent_temperature`` (set,); ``seconds_per_sample``
(set, taper_order) on one core.  So ``ds.sel(set="7td", taper_order=2)["bulk_modulus"].dropna("sample")``
gives one point's K per sample.  Attributes: ``source_files`` and ``source_sha256`` (in ``set`` order),
``function``, ``date_created``, ``threads``.

Usage
-----
From the clone's root, on one core (about 0.6 s per sample, 590 samples: about 6 minutes)::

    OMP_NUM_THREADS=1 taskset -c 1 python studies/full_spectrum_moduli.py
    python studies/full_spectrum_moduli.py --max-samples 2 --output /tmp/moduli.nc FILE.nc ...

Prints, per set and point: the samples, the mean G, K and M, the largest residual force and the seconds
per sample.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr
from threadpoolctl import threadpool_limits

from vdosbench.benchmark.elastic import sample_elastic_moduli
from vdosbench.datasets.io import temporary_path
from vdosbench.datasets import iter_points

ROOT = Path(__file__).resolve().parents[1]
SETS = (
    "seed-literal",
    "equilibrated-7td",
    "equilibrated-3td",
    "equilibrated-2td",
    "equilibrated-1.5td",
    "equilibrated-1.25td-m2",
    "equilibrated-1.25td-minf",
    "equilibrated-td-m2",
    "equilibrated-td-minf",
)
DEFAULT_DATA = tuple(str(ROOT / "reference-data" / f"soft-spheres-n1000-{s}.nc") for s in SETS)
DEFAULT_OUTPUT = ROOT / "studies" / "results" / "full_spectrum_moduli.nc"
PER_SAMPLE = (
    "shear_modulus",
    "bulk_modulus",
    "longitudinal_modulus",
    "shear_modulus_born",
    "shear_modulus_nonaffine",
    "pressure",
    "residual_force_max",
)
#: The variables a set's moduli are computed from (the rest of a scoring form is not read).
NEEDED = ("position", "box_length", "diameter", "species", "eigenvalue")


def set_name(path: str | Path) -> str:
    """The set's name from its file name: ``soft-spheres-n1000-equilibrated-7td.nc`` → ``7td``."""
    name = Path(path).stem
    for prefix in ("soft-spheres-n1000-", "equilibrated-"):
        name = name.removeprefix(prefix)
    return name


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _shown(path: str | Path) -> str:
    """``path`` relative to the clone's root when inside it, else its file name."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def full_spectrum_problem(ds: xr.Dataset) -> str | None:
    """Why ``ds`` is not a full-spectrum set with configurations (``None`` when it is)."""
    lacking = [v for v in ("position", "box_length", "eigenvalue") if v not in ds.variables]
    if "diameter" not in ds.variables and "species" not in ds.variables:
        lacking.append("diameter or species")
    if lacking:
        return f"lacks {lacking}"
    full = int(ds.sizes["site"]) * int(ds.sizes["spatial"])
    if int(ds.sizes["mode"]) != full:
        return f"holds {ds.sizes['mode']} modes per sample, not all d*N = {full}"
    return None


def measure_set(path: str | Path, max_samples: int | None) -> list[dict]:
    """One entry per parameter point of the file: its values, the moduli (sample,) and the timing."""
    out = []
    with xr.open_dataset(path) as ds:
        problem = full_spectrum_problem(ds)
        if problem is not None:
            print(f"{set_name(path)}: skipped ({Path(path).name} {problem})", flush=True)
            return out
        ds = ds[[v for v in NEEDED if v in ds.variables]]
        for values, point in iter_points(ds):
            point = point.drop_vars("eigenvalue").load()
            start = time.perf_counter()
            moduli = sample_elastic_moduli(point, max_samples=max_samples)
            seconds = (time.perf_counter() - start) / max(moduli.sizes["sample"], 1)
            out.append({"values": values, "moduli": moduli, "seconds_per_sample": seconds})
            print(
                f"{set_name(path)} {values}: {moduli.sizes['sample']} samples, "
                f"G = {float(moduli['shear_modulus'].mean()):.4f}, K = {float(moduli['bulk_modulus'].mean()):.4f}, "
                f"M = {float(moduli['longitudinal_modulus'].mean()):.4f}, "
                f"max |F| = {float(moduli['residual_force_max'].max()):.3g}, {seconds:.2f} s/sample",
                flush=True,
            )
    return out


def assemble(measured: dict[str, list[dict]], sources: dict[str, str]) -> xr.Dataset:
    """The results file (module docstring: the layout) from ``{set: measure_set(...)}`` and ``{set: path}``."""
    names = [s for s in measured if measured[s]]
    tapers = sorted({int(e["values"]["taper_order"]) for s in names for e in measured[s]})
    n_max = max((e["moduli"].sizes["sample"] for s in names for e in measured[s]), default=0)
    shape = (len(names), len(tapers), n_max)
    data = {v: np.full(shape, np.nan) for v in PER_SAMPLE}
    source_sample = np.full(shape, -1, dtype=np.int64)
    n_samples = np.zeros(shape[:2], dtype=np.int64)
    seconds = np.full(shape[:2], np.nan)
    parent = np.full(len(names), np.nan)
    for i, s in enumerate(names):
        for e in measured[s]:
            j = tapers.index(int(e["values"]["taper_order"]))
            m = e["moduli"]
            n = m.sizes["sample"]
            for v in PER_SAMPLE:
                data[v][i, j, :n] = m[v].values
            source_sample[i, j, :n] = m["sample"].values
            n_samples[i, j], seconds[i, j] = n, e["seconds_per_sample"]
            parent[i] = float(e["values"].get("parent_temperature", np.nan))
    dims = ("set", "taper_order", "sample")
    first = next((e["moduli"] for s in names for e in measured[s]), None)
    variables = {v: (dims, data[v], dict(first[v].attrs) if first is not None else {}) for v in PER_SAMPLE}
    variables.update(
        {
            "source_sample": (dims, source_sample, {"long_name": "sample coordinate in the source file (-1: none)"}),
            "n_samples": (("set", "taper_order"), n_samples, {"long_name": "samples measured (0: no such point)"}),
            "parent_temperature": ("set", parent, {"long_name": "parent temperature of the set's inherent structures"}),
            "seconds_per_sample": (
                ("set", "taper_order"),
                seconds,
                {"long_name": "wall seconds per sample, one core", "units": "s"},
            ),
        }
    )
    return xr.Dataset(
        variables,
        coords={"set": names, "taper_order": tapers, "sample": np.arange(n_max)},
        attrs={
            "title": "shear, bulk and longitudinal moduli of the full-spectrum N = 1000 soft-sphere samples",
            "source_files": [_shown(sources[s]) for s in names],
            "source_sha256": [sha256(sources[s]) for s in names],
            "function": "vdosbench.benchmark.elastic.sample_elastic_moduli "
            "(vdosbench.generators.glasses.moduli.elastic_moduli per sample)",
            "date_created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "threads": 1,
            "layout": "dims (set, taper_order, sample); NaN where a set has no such point or sample",
        },
    )


def write_results(result: xr.Dataset, path: str | Path) -> Path:
    """Write ``result`` to ``path`` atomically (a temporary file in the same folder, then renamed), zlib-compressed.

    Not :func:`vdosbench.datasets.io.write`: its one-sample-per-chunk layout, made for spectra, stores these few
    numbers per sample in 13x the bytes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    result = result.copy()
    for v in result.variables.values():
        v.encoding = {}
    encoding = {
        str(v): {"zlib": True, "complevel": 4, "shuffle": True}
        for v in result.data_vars
        if result[v].dtype.kind in "fiu"
    }
    tmp = temporary_path(path)
    try:
        result.to_netcdf(tmp, engine="netcdf4", format="NETCDF4", encoding=encoding)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def main(argv: Sequence[str] | None = None) -> Path:
    """Measure every set and write the results file; returns its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="*", default=list(DEFAULT_DATA), help="scoring forms (default: the nine sets)")
    parser.add_argument("--max-samples", type=int, default=None, help="first samples of each point (default all)")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    args = parser.parse_args(argv)
    measured: dict[str, list[dict]] = {}
    sources: dict[str, str] = {}
    with threadpool_limits(1):
        for path in args.data:
            name = set_name(path)
            if name in measured:
                raise ValueError(f"two files give the set name {name!r}: {sources[name]} and {path}")
            sources[name] = path
            measured[name] = measure_set(path, args.max_samples)
    result = assemble(measured, sources)
    target = write_results(result, args.output)
    print(f"wrote {target}", flush=True)
    return target


if __name__ == "__main__":
    main()
