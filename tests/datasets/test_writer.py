"""The dataset writer (issue 66 item 4): one attribute table, one version stamp, outputs unchanged.

``data/attributes_before_writer.json`` holds the attributes (global and per variable) of a small dataset
from every generator, the adapters and the mock builder, recorded with the code before the writer existed
(``python -m tests.datasets.test_writer`` writes it; only run that when an attribute changes on purpose).
The datasets made now must carry the same attributes, apart from the stamps of time and version, which
are normalised on both sides.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

BEFORE = Path(__file__).parent / "data" / "attributes_before_writer.json"

#: One small point of every generator (sizes as in tests/generators/test_grid_every_parameter.py).
SMALL: dict[str, dict[str, Any]] = {
    "elastic_medium": {"n_side": 8},
    "ghet_type2": {"n_modes": 200, "n_omega": 40},
    "het_finite_size": {"n_modes": 200, "n_omega": 60},
    "het_scba": {"n_modes": 200, "n_omega": 60},
    "inhomogeneous_medium": {"n_side": 6},
    "inhomogeneous_medium_closed_form": {"n_mode": 256, "n_omega": 40},
    "lennard_jones": {"n_particles": 40, "dimension": 2, "n_sweeps": 20, "n_vectors": 2},
    "lennard_jones_equilibrated": {"n_particles": 40, "dimension": 2, "equilibration_sweeps": 20,
                                   "spacing_sweeps": 10, "chain_samples": 1, "n_vectors": 2},
    "nine_node_toy": {},
    "soft_spheres": {"n_particles": 64, "n_sweeps": 20, "n_vectors": 2},
    "soft_spheres_lowest": {"n_particles": 64, "n_sweeps": 20, "n_lowest": 6, "n_vectors": 2},
    "soft_spheres_equilibrated": {"n_particles": 64, "equilibration_sweeps": 20, "spacing_sweeps": 10,
                                  "chain_samples": 1, "n_vectors": 2},
    "soft_spheres_lowest_equilibrated": {"n_particles": 64, "equilibration_sweeps": 20, "spacing_sweeps": 10,
                                         "chain_samples": 1, "n_lowest": 6, "n_vectors": 2},
    "spring_network": {"n_side": 6, "n_vectors": 2},
}

_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _plain(value: Any) -> Any:
    """An attribute value as JSON holds it (numpy scalars and arrays as Python numbers and lists)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _normalised(attrs: Mapping[str, Any], version: str, tmp: str) -> dict[str, Any]:
    """``attrs`` with the time stamps, the package version and the temporary folder replaced by placeholders."""
    out = {}
    for key, value in attrs.items():
        value = _plain(value)
        if isinstance(value, str):
            value = _STAMP.sub("<time>", value).replace(f"vdosbench {version}", "vdosbench <version>")
            value = value.replace(tmp, "<tmp>")
        if key == "vdosbench_version":
            value = "<version>"
        out[key] = value
    return out


def record(ds: xr.Dataset, tmp: Path) -> dict[str, Any]:
    """The attributes of ``ds``: global ones and those of every variable, normalised."""
    from vdosbench import __version__

    return {
        "global": _normalised(ds.attrs, __version__, str(tmp)),
        "variables": {n: _normalised(ds[n].attrs, __version__, str(tmp)) for n in sorted(map(str, ds.variables))},
    }


def _generated(name: str) -> xr.Dataset:
    from vdosbench.generators import build_in_memory, get_generator

    gen = get_generator(name)
    grid = {k: [v[0]] for k, v in gen.grid_defaults.items()}
    return build_in_memory(name, grid=grid, fixed=SMALL[name], n_samples=1, root_seed=11)


def _adapted(tmp: Path) -> xr.Dataset:
    from vdosbench.benchmark.adapters import read_npz

    path = tmp / "third_party.npz"
    np.savez(path, eigenvalues=np.sort(np.random.default_rng(1).uniform(0.1, 4.0, size=(2, 30)), axis=1),
             spatial_dimension=2)
    return read_npz([path])


def _mock() -> xr.Dataset:
    from vdosbench.datasets import mock_spectrum

    return mock_spectrum(n_sample=2, n_mode=20, parameters={"delta": [0.0, 0.1]}, n_site=5,
                         vector_modes=(1, 2), pairs_per_sample=4, seed=2)


def all_records(tmp: Path) -> dict[str, Any]:
    """The attributes of every dataset the test compares, by source name."""
    records = {f"generator:{name}": record(_generated(name), tmp) for name in sorted(SMALL)}
    records["adapter:npz"] = record(_adapted(tmp), tmp)
    records["mock"] = record(_mock(), tmp)
    return records


def test_every_generator_adapter_and_mock_writes_the_attributes_it_wrote_before(tmp_path: Path) -> None:
    before = json.loads(BEFORE.read_text())
    now = json.loads(json.dumps(all_records(tmp_path), sort_keys=True))  # the same JSON round trip as the file
    assert sorted(now) == sorted(before)
    for source in before:
        assert now[source]["global"] == before[source]["global"], source
        assert sorted(now[source]["variables"]) == sorted(before[source]["variables"]), source
        for name, attrs in before[source]["variables"].items():
            assert now[source]["variables"][name] == attrs, f"{source}: {name}"


if __name__ == "__main__":  # record the attributes (only when they change on purpose)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        BEFORE.write_text(json.dumps(all_records(Path(tmp)), indent=1, sort_keys=True) + "\n")
    print(f"wrote {BEFORE}", file=sys.stderr)
