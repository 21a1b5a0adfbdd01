"""studies/finite_size.py on mock ladders with a known exponent (issue 25: the analysis, not the data)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.generators.glasses.lowest_mode_glasses import STAGES
from vdosbench.generators.theory.mock_spectrum import DEFAULT_PREFACTOR, mock_glass_spectra

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("finite_size_study", ROOT / "studies" / "finite_size.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.N_BOOTSTRAP = 200
    return module


def _point(n: int, exponent: float, n_samples: int, seed: int) -> xr.Dataset:
    """A mock point in the layout of the soft_spheres_lowest parts (eigenvalues, moduli, mode measures)."""
    m = mock_glass_spectra(n, n_samples, exponent=exponent, k=80, seed=seed, prefactor=4 * DEFAULT_PREFACTOR)
    lam = np.concatenate([np.zeros((n_samples, 3)), m.omega**2], axis=1)
    zero = np.zeros(lam.shape, bool)
    zero[:, :3] = True
    nan3 = np.full((n_samples, 3), np.nan)
    return xr.Dataset(
        {"eigenvalue": (("sample", "mode"), lam), "zero_mode": (("sample", "mode"), zero),
         "shear_modulus": ("sample", m.shear_modulus),
         "longitudinal_modulus": ("sample", m.bulk_modulus + 4 * m.shear_modulus / 3),
         "participation_ratio": (("sample", "mode"), np.concatenate([nan3, m.participation], axis=1)),
         "box_length": ("sample", np.full(n_samples, (n / m.density) ** (1 / 3))),
         "inherent_energy": ("sample", np.zeros(n_samples)),
         "stage_seconds": (("sample", "stage"), np.ones((n_samples, len(STAGES))))},
        coords={"sample": np.arange(n_samples), "site": np.arange(n), "stage": list(STAGES)},
        attrs={"spatial_dimension": 3, "generator": "soft_spheres_lowest"},
    )


def test_the_study_recovers_a_size_independent_mock_exponent_and_no_taper_difference(study) -> None:  # noqa: ANN001
    points = {(n, m, 1.0): _point(n, 4.0, 120, seed=10 * n + (m == 2)) for n in (1000, 2000) for m in (2, -1)}
    result = study.analyse(points)
    assert len(result["points"]) == 4
    for row in result["points"]:
        primary = row["primary"]
        assert primary["status"] == "ok"
        assert primary["interval"][0] <= 4.0 <= primary["interval"][1], row["n_particles"]
        assert row["verdicts"]["schirmacher.high-parent-temperature-s2"] == "refuted"
        assert row["verdicts"]["lerner.finite-size-s4"] in ("supported", "inconclusive")
    for taper in result["taper_difference"]:
        assert taper["low"] <= 0.0 <= taper["high"]
    for item in result["across_sizes"]:
        assert item["size_difference"]["low"] <= 0.0 <= item["size_difference"]["high"]


def test_a_taper_built_to_differ_is_found(study) -> None:  # noqa: ANN001
    # data built to fail the "no taper dependence" expectation: m = 2 has s = 4, m = inf has s = 2
    points = {(1000, 2, 1.0): _point(1000, 4.0, 150, seed=1), (1000, -1, 1.0): _point(1000, 2.0, 150, seed=2)}
    result = study.analyse(points)
    taper = result["taper_difference"][0]
    assert taper["low"] > 0.5 and taper["verdict_equal_0"] == "refuted"


def test_compact_form_round_trips_every_number_of_the_analysis(study, tmp_path: Path) -> None:  # noqa: ANN001
    points = {(1000, 2, 1.0): _point(1000, 4.0, 60, seed=5), (1000, -1, float("inf")): _point(1000, 3.0, 60, seed=6)}
    path = tmp_path / "compact.nc"
    study.export_compact(points, path)
    assert path.exists() and not path.with_suffix(".nc.part").exists()
    back = study.load_compact(path)
    assert sorted(back) == sorted(points)
    for key, ds in points.items():
        np.testing.assert_array_equal(back[key]["eigenvalue"].values, ds["eigenvalue"].values)
        assert back[key].sizes["site"] == ds.sizes["site"]
    a, b = study.analyse(points), study.analyse(back)
    assert [r["primary"] for r in a["points"]] == [r["primary"] for r in b["points"]]
