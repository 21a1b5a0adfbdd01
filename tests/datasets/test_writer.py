"""The dataset writer (issue 66 item 4): one attribute table, one version stamp, outputs unchanged.

``data/attributes_before_writer.json`` holds the attributes (global and per variable) of a small dataset
from every generator, the adapters and the mock builder, recorded with the code before the writer existed
(``python -m tests.datasets.test_writer`` writes it; only run that when an attribute changes on purpose).
The datasets made now must carry the same attributes, apart from the stamps of time and version, which
are normalised on both sides.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
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
    # the solver the attributes were recorded with (the default became arpack after the record, issue 65 item 2)
    "soft_spheres_lowest": {
        "n_particles": 64,
        "n_sweeps": 20,
        "n_lowest": 6,
        "n_vectors": 2,
        "mode_method": "chebyshev",
    },
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
        "mode_method": "chebyshev",
    },
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
    np.savez(
        path, eigenvalues=np.sort(np.random.default_rng(1).uniform(0.1, 4.0, size=(2, 30)), axis=1), spatial_dimension=2
    )
    return read_npz([path])


def _mock() -> xr.Dataset:
    from vdosbench.datasets import mock_spectrum

    return mock_spectrum(
        n_sample=2,
        n_mode=20,
        parameters={"delta": [0.0, 0.1]},
        n_site=5,
        vector_modes=(1, 2),
        pairs_per_sample=4,
        seed=2,
    )


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


#: Where the package version may be read for a dataset's attributes: the writer.
VERSION_READERS = {"datasets/writer.py"}


def test_the_version_is_stamped_in_one_place() -> None:
    """No generator, adapter or datasets module imports ``__version__`` itself: they stamp it through the
    writer (:func:`~vdosbench.datasets.provenance`, :func:`~vdosbench.datasets.history_line`)."""
    root = Path(__file__).resolve().parents[2]
    readers = []
    for folder in ("datasets", "generators", "benchmark/adapters"):
        for path in sorted((root / folder).rglob("*.py")):
            rel = str(path.relative_to(root))
            if rel in VERSION_READERS:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(
                isinstance(n, ast.ImportFrom) and any(a.name == "__version__" for a in n.names) for n in ast.walk(tree)
            ):
                readers.append(rel)
    assert readers == [], (
        f"{readers} read the package version themselves; expected datasets to be stamped by "
        "vdosbench.datasets.writer. Fix: use provenance(...) or history_line(...)"
    )


def test_provenance_and_history_carry_the_version() -> None:
    from vdosbench import __version__
    from vdosbench.datasets import history_line, provenance
    from vdosbench.datasets.writer import VDOSBENCH_VERSION

    assert VDOSBENCH_VERSION == __version__
    assert provenance("spring_network", "1.0.0", root_seed=3, seed_spawn_key="(0,)") == {
        "generator": "spring_network",
        "generator_version": "1.0.0",
        "root_seed": 3,
        "seed_spawn_key": "(0,)",
        "vdosbench_version": __version__,
    }
    line = history_line("adapter npz: read x.npz", when=datetime(2026, 11, 28, 14, 0, 5, tzinfo=UTC))
    assert line == f"2026-11-28T14:00:05Z vdosbench {__version__} adapter npz: read x.npz"
    assert _STAMP.match(history_line("now"))


def test_the_table_gives_fresh_copies_and_names_the_known_variables() -> None:
    from vdosbench.datasets import VARIABLE_ATTRS, coordinate, spatial_coordinate, variable_attrs

    attrs = variable_attrs("eigenvalue", units="t0/m")
    attrs["long_name"] = "changed"
    assert VARIABLE_ATTRS["eigenvalue"]["units"] == "1"
    assert VARIABLE_ATTRS["eigenvalue"]["long_name"] == "eigenvalue of the dynamical matrix (omega squared)"
    name, values, coord_attrs = spatial_coordinate(2)
    assert name == "spatial" and values.tolist() == ["x", "y"] and coord_attrs == {"long_name": "Cartesian component"}
    assert coordinate("sample", [4])[1].tolist() == [4]
    with pytest.raises(KeyError, match=r"no variable 'omega' in the convention's attribute table; expected one of"):
        variable_attrs("omega")
    with pytest.raises(TypeError):
        VARIABLE_ATTRS["sample"]["units"] = "s"  # type: ignore[index]
