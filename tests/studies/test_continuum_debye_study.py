"""studies/continuum_debye.py (issue 51 item 2): the continuum D − D_Debye above ω₀ on the N = 1000 full spectra.

Known answer: on mock spectra whose nonphononic part is a power law of known s continued above ω₀, the estimator
on the study's first window reads s; the real points load with their moduli aligned sample by sample, and each
window is stated in ω/ω_g as well as in ω₀.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from script_loader import load_script


@pytest.fixture(scope="module")
def study():  # noqa: ANN201
    return load_script("studies/continuum_debye.py", "continuum_debye_study")


def test_the_estimator_reads_a_known_exponent_above_omega0(study) -> None:  # noqa: ANN001
    (case,) = study.mock_check(n_samples=24, levels=600, cases=((2.5, 0.1),), n_bootstrap=100)
    first = case["windows"][0]
    assert first["window_omega0"] == [1.5, 3.0] and first["status"] == "ok", first
    assert abs(first["s"] - 2.5) < 0.3, first["s"]
    # the window in omega_g: (1.5, 3] omega0 times omega0 / omega_g = 2 pi / N^(1/3) at N = 1000, moduli scattered
    assert first["window_omega_g"] == pytest.approx([1.5 * 2 * math.pi / 10, 3.0 * 2 * math.pi / 10], rel=0.05)


def test_the_full_spectrum_points_load_with_their_moduli(study) -> None:  # noqa: ANN001
    points = study.load_points(study.MODULI)
    assert len(points) == 14
    sp, info = points["7td m=2"]
    assert (sp.n_samples, sp.n_groups, info["chains"]) == (30, 6, 6)
    assert sp.bulk_modulus is not None and np.all(sp.shear_modulus > 0)
    assert np.all(np.isfinite(sp.omega).sum(axis=1) == 2997)  # the full spectrum: 3000 levels less 3 translations
    rows = study.excess_estimates(sp, [(1.5, 3.0)], n_bootstrap=50)
    assert rows[0]["status"] in ("ok", "no_excess", "inconclusive") and rows[0]["window_omega0"] == [1.5, 3.0]
