"""Measurements on tabulated theory curves: known laws, built-to-fail curves, HET claims end to end."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark import evaluate_claim, load_claims
from vdosbench.generators import build_in_memory
from vdosbench.generators.theory.het_datasets import het_finite_size_sample
from vdosbench.validators import curve_exponent, curve_gap, curve_peak


def _curve(omega: np.ndarray, g: np.ndarray) -> xr.Dataset:
    return xr.Dataset({"density_of_states": (("sample", "omega"), g[None])}, coords={"omega": omega, "sample": [0]})


@pytest.mark.parametrize("s", [2.0, 3.0, 4.0])
def test_exponent_of_a_pure_power_law_is_exact(s: float) -> None:
    w = np.geomspace(1e-3, 1.0, 300)
    m = curve_exponent(_curve(w, 5.0 * w**s), (1e-3, 1e-1)).exponent
    assert m.value == pytest.approx(s, abs=1e-10) and m.high - m.low < 1e-9 and m.confidence == 1.0


def test_a_crossover_inside_the_window_widens_the_interval() -> None:
    """w^4/(w^2 + w_c^2) crosses from 4 to 2 at w_c: a window across it cannot claim one exponent."""
    w = np.geomspace(1e-3, 1.0, 300)
    m = curve_exponent(_curve(w, w**4 / (w**2 + 0.05**2)), (1e-2, 0.3)).exponent
    assert m.low < 2.3 and m.high > 3.5


def test_peak_and_gap_of_known_curves() -> None:
    w = np.linspace(0.002, 2.0, 1000)
    peak = curve_peak(_curve(w, w**3 * np.exp(-w / 0.7))).peak_frequency  # max of w e^(-w/0.7) at 0.7
    assert peak.low <= 0.7 <= peak.high
    gap = curve_gap(_curve(w, np.sqrt(np.clip(w - 0.31, 0, None)))).gap_edge
    assert gap.low <= 0.31 <= gap.high
    no_gap = curve_gap(_curve(w, w**2 * (1 + w))).gap_edge  # gapless Debye-like: edge at the first grid point
    assert no_gap.value == w[0] and no_gap.low == 0.0


def test_results_plot_and_serialise() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    w = np.linspace(0.002, 2.0, 500)
    ds = _curve(w, w**3 * np.exp(-w))
    for res in (curve_exponent(ds, (0.01, 0.1)), curve_peak(ds), curve_gap(ds)):
        fig, ax = plt.subplots()
        res.plot(ax)
        assert ax.get_title() and len(ax.lines) >= 1
        plt.close(fig)
        ((name, entry),) = res.to_dict()["measurements"].items()
        assert entry["value"] == res.measurement().value


def test_bad_curves_are_explained() -> None:
    w = np.linspace(0.1, 1, 10)
    with pytest.raises(ValueError, match="density_of_states"):
        curve_peak(xr.Dataset({"x": ("omega", w)}, coords={"omega": w}))
    two = xr.Dataset({"density_of_states": (("sample", "omega"), np.ones((2, 10)))}, coords={"omega": w})
    with pytest.raises(ValueError, match="one curve"):
        curve_peak(two)
    with pytest.raises(ValueError, match="grid points"):
        curve_exponent(_curve(w, w**2), (0.95, 1.0))


def test_het_claims_recomputed_from_the_validators() -> None:
    """The three HET claims on small real SCBA solutions; each verdict recomputed from its validator."""
    claims = {c.id: c for c in load_claims()}
    scba = build_in_memory("het_scba", grid={"gamma_ratio": [0.9, 1.0]}, fixed={"n_omega": 400, "n_modes": 10})
    result = evaluate_claim(claims["schirmacher.het-marginal-s2"], scba)
    assert result.verdict.value == "supported" and len(result.points) == 1
    direct = curve_exponent(scba.sel(gamma_ratio=1.0), (0.001, 0.01)).exponent
    assert result.points[0].measurement.value == direct.value
    assert evaluate_claim(claims["schirmacher.het-boson-peak-reaches-zero"], scba).verdict.value == "supported"
    # at gamma_c the SCBA DOS is w^2 over the whole lowest decade: the half-decade window agrees (robust)
    assert result.robustness()[0].value == "robust"
    assert abs(result.alternatives[0].result.points[0].measurement.value - 2.0) < 0.01
    assert curve_peak(scba.sel(gamma_ratio=0.9)).peak_frequency.value > 0.1  # away from gamma_c it is not zero
    finite = het_finite_size_sample({"gamma_ratio": 0.9, "box_edge": 3.0, "n_omega": 400, "n_modes": 10})
    gap = curve_gap(finite).gap_edge
    assert gap.low <= np.sqrt(float(finite["gap_edge"].values[0])) <= gap.high  # the solver's fold
    marginal = curve_gap(scba.sel(gamma_ratio=1.0)).gap_edge  # no gap at gamma_c in the infinite system
    assert marginal.value < 0.01


def test_smoothed_peak_finds_the_broad_maximum_not_a_one_point_spike() -> None:
    """Built so the two peak estimators disagree: a broad maximum of g/w^2 at 1.0 (w e^(-w) reduced) plus a
    one-grid-point spike 1.5x higher at 0.3.  The raw argmax picks the spike; a 5-point running mean finds the
    broad maximum (the spike, 1.5 M, and its four neighbours, about 0.6 M each, average to about 0.78 M < M);
    on the smooth curve alone the two agree."""
    w = np.linspace(0.01, 3.0, 300)
    broad = w**3 * np.exp(-w)
    spiked = broad.copy()
    k = int(np.argmin(np.abs(w - 0.3)))
    spiked[k] = 1.5 * np.max(broad / w**2) * w[k] ** 2
    assert curve_peak(_curve(w, spiked)).peak_frequency.value == pytest.approx(w[k])
    smooth = curve_peak(_curve(w, spiked), smooth=2).peak_frequency
    assert smooth.low <= 1.0 <= smooth.high and smooth.settings["smooth"] == 2
    assert (
        curve_peak(_curve(w, broad), smooth=2).peak_frequency.value == curve_peak(_curve(w, broad)).peak_frequency.value
    )
    with pytest.raises(ValueError, match="smooth is -1; expected a whole number"):
        curve_peak(_curve(w, broad), smooth=-1)
