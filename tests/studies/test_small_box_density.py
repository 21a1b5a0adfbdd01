"""studies/small_box_density.py and pooled_density_ratio (issue 63 item 5): the committed per-point N = 2000 / 8000
readings are amendment 3's registered ones; one pair pooled is density_ratio; a known pooled ratio is recovered."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from vdosbench.validators import ModeSpectra, density_ratio
from vdosbench.validators import pooled_density_ratio

RESULTS = Path(__file__).resolve().parents[2] / "studies" / "results"


def _point(n: int, per: float, rng: np.random.Generator, k: int = 2000, x_max: float = 0.2) -> ModeSpectra:
    """``per`` modes per particle below x_max (omega_g = 1; omega0 = 2 pi / N^(1/3), 0.6 of it above x_max up to
    N = 8000 for x_max = 0.15)."""
    w = np.full((k, 40), 0.95)
    for i, c in enumerate(rng.poisson(per * n, k)):
        w[i, :c] = np.sort(x_max * rng.random(c))  # at most 40 modes: Poisson(24) at N = 8000 stays below
    return ModeSpectra(np.sort(w, axis=1), np.full(k, 2 * np.pi / n ** (1 / 3)), n, 1.0, coverage=np.full(k, 0.95))


def test_the_committed_per_point_ratios_are_amendment_3s_registered_readings() -> None:
    mine = json.loads((RESULTS / "small_box_density.json").read_text())
    registered = json.loads((RESULTS / "absolute_frequency_confirm.json").read_text())
    for name, point in registered["points"].items():
        taper, t = name.split("_t")
        ours = mine["points"][f"T*={t} m={taper[1:]}"]["2000/8000 below 0.15"]
        reading = point["lerner.finite-size-density-absolute"][0]
        assert [ours["value"], ours["low"], ours["high"]] == pytest.approx([reading["value"], *reading["interval"]])
    pooled = mine["pooled"]["all four points"]["2000/8000 below 0.15"]
    assert pooled["low"] < pooled["value"] < pooled["high"] and "one G_u for every sample" in pooled["settings"]["unit"]


def test_one_pair_pooled_is_the_density_ratio() -> None:
    rng = np.random.default_rng(0)
    small, large = _point(1000, 3e-3, rng), _point(1000, 2e-3, rng)
    pooled = pooled_density_ratio([(small, large)], 0.2, phonon_factor=1.0, n_bootstrap=200)
    single = density_ratio(small, large, 0.2, phonon_factor=1.0, n_bootstrap=200).ratio
    assert [pooled.value, pooled.low, pooled.high] == pytest.approx([single.value, single.low, single.high])


def test_a_known_pooled_ratio_is_recovered_and_no_excess_reads_one() -> None:
    rng = np.random.default_rng(1)

    def pt(n: int, per: float) -> ModeSpectra:
        return _point(n, per, rng, x_max=0.15)

    excess = pooled_density_ratio(
        [(pt(1000, 3e-3), pt(8000, 2e-3)), (pt(1000, 1.5e-3), pt(8000, 1e-3))], 0.15, n_bootstrap=300
    )
    assert abs(excess.value - 1.5) < 4 * excess.uncertainty and excess.low > 1.2
    none = pooled_density_ratio([(pt(1000, 2e-3), pt(8000, 2e-3))], 0.15, n_bootstrap=300)
    assert none.low < 1.0 < none.high
    with pytest.raises(ValueError, match="no pair"):
        pooled_density_ratio([], 0.2)
