"""The T_d claims in absolute frequency (issue 52): in the claims file as the registration wrote them, scored on
T_d chains with a known taper difference (+1 and 0, each data built to fail the other claim), paired by chain.

The registered verdicts are the study's (``studies/td_control.py``, new chains only, per N); these claims let
``vdosbench score`` read any T_d set, ours or a third-party code's, in ω/ω_g.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

from lowest_mode_points import lowest_mode_point
from vdosbench.benchmark import evaluate_claim, load_claims, load_registration
from vdosbench.benchmark import Verdict
from vdosbench.generators import T_D_NONADDITIVE
from vdosbench.generators.theory.mock_spectrum import DEFAULT_SHEAR_MODULUS, mock_glass_spectra

N = 1000
CHAINS = 60
#: Modes a structure below 0.29 ω_g in the mocks (the control has 0.55 – 0.79; more here, so that one set decides).
COUNT = 6.0
TD_CLAIMS = (
    "schirmacher.td-taper-difference-absolute",
    "lerner-bouchbinder.td-taper-0-absolute",
    "schirmacher.td-m2-s4-absolute",
    "schirmacher.td-minf-s3-absolute",
    "lerner-bouchbinder.td-s4-absolute",
)


def _claims() -> dict:
    return {c.id: c for c in load_claims()}


def _prefactor(exponent: float) -> float:
    """A of N A ω^s with COUNT modes a structure below 0.29 ω_g (ρ = 1: ω_g = √G)."""
    edge = 0.29 * math.sqrt(DEFAULT_SHEAR_MODULUS)
    return COUNT * (exponent + 1) / (N * edge ** (exponent + 1))


def _control_set(s_m2: float, s_minf: float) -> xr.Dataset:
    """A mock T_d set of the control (both tapers, chains of 5; both tapers from the same seed, so equal exponents
    give the same modes at both)."""
    points = []
    for taper, exponent in ((2, s_m2), (-1, s_minf)):
        m = mock_glass_spectra(
            N,
            5 * CHAINS,
            exponent=exponent,
            prefactor=_prefactor(exponent),
            k=40,
            seed=11,
            levels="poisson",
            hybridisation=0.0,
            modulus_scatter=0.0,
        )
        point = lowest_mode_point(m, N).assign(chain=("sample", np.repeat(np.arange(CHAINS), 5)))
        points.append(point.expand_dims(taper_order=[taper]))
    ds = xr.concat(points, "taper_order", data_vars="minimal", coords="minimal", compat="override")
    return ds.expand_dims(parent_temperature=[T_D_NONADDITIVE]).assign_attrs(
        generator="soft_spheres_lowest_equilibrated",
        model="soft_spheres",
        spatial_dimension=3,
        n_particles=N,
        non_additivity=0.2,
    )


def test_the_scored_td_claims_are_the_registered_ones():
    """claims.toml names the control's claims by reference: the scorer reads the registration's measure, data and
    expectation (no second definition to drift), with the alternatives a score reports."""
    reg = load_registration("td-control")
    claims = _claims()
    for claim_id in TD_CLAIMS:
        claim, registered = claims[claim_id], reg.claim(claim_id)
        assert claim.registration == registered.registration and claim.registration.file == "td-control.toml"
        assert (
            claim.validator,
            claim.quantity,
            dict(claim.settings),
            claim.versus,
            claim.expect,
            dict(claim.applies_to),
            claim.statement,
        ) == (
            registered.validator,
            registered.quantity,
            dict(registered.settings),
            registered.versus,
            registered.expect,
            dict(registered.applies_to),
            registered.statement,
        )
        assert claim.settings["band"] == [0.0, 0.29] and claim.superseded_by is None
        assert T_D_NONADDITIVE in claim.applies_to["parent_temperature"] and math.isclose(T_D_NONADDITIVE, 0.0716)
        scored = {a.label for a in claim.alternatives}
        assert all(
            a.label in scored
            for a in registered.alternatives
            if not a.select and a.label.startswith(("deep window", "band ("))
        )  # the registered bands a score can read, read by the scorer too
    # the windows tied to ω₀ at T_d are superseded by these, and the aged note covers these too
    assert {
        claims[c].superseded_by
        for c in (
            "schirmacher.td-window-m2-s4",
            "schirmacher.td-window-minf-s3",
            "lerner.td-window-s4",
            "schirmacher.td-taper-difference",
            "lerner.td-taper-difference-0",
        )
    } == set(TD_CLAIMS)


@pytest.mark.parametrize(
    ("s_m2", "s_minf", "seed_says", "rival_says"),
    [
        (4.0, 3.0, Verdict.SUPPORTED, Verdict.REFUTED),  # s = 3 + 2/m
        (4.0, 4.0, Verdict.REFUTED, Verdict.SUPPORTED),  # the taper does not matter
    ],
)
def test_a_known_taper_difference_decides_between_the_seed_and_the_rival(s_m2, s_minf, seed_says, rival_says):
    """The five claims are scored as ``vdosbench score`` scores them: one result cache for the set
    (:data:`~vdosbench.benchmark.scoring.ResultCache`), so a fit at one taper and band is computed once for
    every claim that reads it (measured: 12.8 CPU s a case without it, 5.7 s with it; the same verdicts)."""
    claims = _claims()
    ds = _control_set(s_m2, s_minf)
    cache: dict = {}

    def scored(claim_id: str):
        return evaluate_claim(claims[claim_id], ds, "data", cache)

    seed = scored("schirmacher.td-taper-difference-absolute")
    rival = scored("lerner-bouchbinder.td-taper-0-absolute")
    (point,) = seed.points
    assert point.versus == {"parent_temperature": T_D_NONADDITIVE, "taper_order": -1}
    m = point.measurement
    assert tuple(m.settings["band_omega_over_omega_g"]) == (0.0, 0.29)
    assert m.value == pytest.approx(s_m2 - s_minf, abs=4 * max(m.uncertainty, 0.05)), m
    assert seed.verdict is seed_says, m
    assert rival.verdict is rival_says, rival.points[0].measurement
    # the per-taper claims at their own taper, the rival's s = 4 at both
    m2 = scored("schirmacher.td-m2-s4-absolute")
    assert len(m2.points) == 1 and m2.verdict is Verdict.SUPPORTED, m2.points[0].measurement
    assert len(scored("lerner-bouchbinder.td-s4-absolute").points) == 2
    minf = scored("schirmacher.td-minf-s3-absolute")
    assert minf.verdict is (Verdict.SUPPORTED if s_minf == 3.0 else Verdict.REFUTED), minf.points[0].measurement
