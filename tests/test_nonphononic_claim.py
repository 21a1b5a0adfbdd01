"""The issue-25 estimators on datasets and the finite-size claim (Lerner 2020), on mock spectra with a known s."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark import evaluate_claim, load_claims
from vdosbench.benchmark.scoring import Verdict
from vdosbench.generators.theory.mock_spectrum import DEFAULT_PREFACTOR, mock_glass_spectra
from vdosbench.validators import mode_spectra_from_dataset, nonphononic_exponent, window_mle, ModeSpectra


def _dataset(exponent: float, n_samples: int = 300, seed: int = 0, prefactor: float = DEFAULT_PREFACTOR) -> xr.Dataset:
    m = mock_glass_spectra(1000, n_samples, exponent=exponent, k=40, seed=seed, prefactor=prefactor)
    lam = np.concatenate([np.zeros((n_samples, 3)), m.omega**2], axis=1)
    zero = np.zeros(lam.shape, bool)
    zero[:, :3] = True
    box = np.full(n_samples, (1000 / m.density) ** (1 / 3))
    point = xr.Dataset(
        {"eigenvalue": (("sample", "mode"), lam), "zero_mode": (("sample", "mode"), zero),
         "shear_modulus": ("sample", m.shear_modulus), "bulk_modulus": ("sample", m.bulk_modulus),
         "participation_ratio": (("sample", "mode"), np.concatenate([np.full((n_samples, 3), np.nan),
                                                                      m.participation], axis=1)),
         "box_length": ("sample", box)},
        coords={"sample": np.arange(n_samples), "site": np.arange(1000)},
        attrs={"generator": "soft_spheres_lowest", "spatial_dimension": 3},
    )
    return point.expand_dims(parent_temperature=[1.0], taper_order=[2])


def test_dataset_view_equals_the_arrays_and_the_estimate_recovers_the_mock_exponent() -> None:
    ds = _dataset(4.0)
    point = ds.isel(parent_temperature=0, taper_order=0)
    sp = mode_spectra_from_dataset(point)
    m = mock_glass_spectra(1000, 300, exponent=4.0, k=40, seed=0)
    np.testing.assert_allclose(sp.omega, m.omega, rtol=1e-12)
    np.testing.assert_allclose(sp.omega0, m.omega0, rtol=1e-12)
    direct = window_mle(ModeSpectra(**m.arrays()), 0.5, n_bootstrap=200, seed=0)
    via_ds = nonphononic_exponent(point, factor=0.5, n_bootstrap=200, seed=0)
    assert via_ds.value == pytest.approx(direct.value, rel=1e-12)
    assert via_ds.covers(4.0)


@pytest.mark.parametrize(("exponent", "verdict"), [(4.0, Verdict.SUPPORTED), (2.0, Verdict.REFUTED)])
def test_finite_size_claim_is_supported_by_s4_and_refuted_by_data_built_to_fail(exponent: float,
                                                                                verdict: Verdict) -> None:
    claim = next(c for c in load_claims() if c.id == "lerner.finite-size-s4")
    # four times the default nonphononic prefactor: enough modes below 0.5 omega0 for a half-width < 0.5
    result = evaluate_claim(claim, _dataset(exponent, seed=3, prefactor=4 * DEFAULT_PREFACTOR))
    assert len(result.points) == 1
    assert result.verdict is verdict, result.points[0].measurement


def test_missing_shear_modulus_and_parameter_dimensions_name_the_fix() -> None:
    ds = _dataset(4.0, n_samples=20)
    with pytest.raises(ValueError, match="parameter dimensions"):
        mode_spectra_from_dataset(ds)
    with pytest.raises(ValueError, match="shear_modulus.*Fix"):
        mode_spectra_from_dataset(ds.isel(parent_temperature=0, taper_order=0).drop_vars("shear_modulus"))
    with pytest.raises(ValueError, match="unknown estimator"):
        nonphononic_exponent(ds.isel(parent_temperature=0, taper_order=0), estimator="flatness")
