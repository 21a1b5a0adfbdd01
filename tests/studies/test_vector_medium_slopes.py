"""studies/vector_medium.py: the slopes' bootstrap, now vdosbench.validators.stratified_bootstrap, gives the numbers
of the study's own loop (issue 54 item 2), bit for bit, from the same shared generator."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from script_loader import load_script


@pytest.fixture(scope="module")
def vm():  # noqa: ANN201
    return load_script("studies/vector_medium.py", "vector_medium_study")


def _reference_slopes(vm, points: list[dict[str, Any]], rng: np.random.Generator) -> dict[str, Any]:  # noqa: ANN001
    """REFERENCE ONLY: ``_slopes`` as it was before issue 54 item 2 (commit 57b888b), its own bootstrap loop."""
    out: dict[str, Any] = {}
    for label, use in (
        ("all", [p for p in points if p["k_G"] > 0]),
        ("unflagged", [p for p in points if p["k_G"] > 0 and not p["omega_bp_at_window_edge"]]),
    ):
        if len(use) < 2:
            out[label] = {"n_points": len(use), "note": "fewer than 2 points: no slope"}
            continue
        x = np.array([p["c_T"] * p["k_G"] for p in use])
        y = np.array([p["omega_bp"]["value"] for p in use])
        est = vm._fits(x, y)
        reps = np.empty((vm.N_BOOTSTRAP, 3))
        for b in range(vm.N_BOOTSTRAP):
            xb, yb = np.empty(len(use)), np.empty(len(use))
            for i, p in enumerate(use):
                idx = rng.integers(0, p["n_samples"], p["n_samples"])
                yb[i] = vm._peak_on(p["_fine"], p["_smoothed"][idx].mean(axis=0))
                xb[i] = p["_c_t"][idx].mean() * p["k_G"]
            reps[b] = vm._fits(xb, yb)
        summary = {}
        for j, key in enumerate(("slope_through_origin", "slope", "intercept")):
            summary[key] = {
                "value": est[j],
                "se": float(np.nanstd(reps[:, j], ddof=1)),
                "interval_95": [float(np.nanpercentile(reps[:, j], 2.5)), float(np.nanpercentile(reps[:, j], 97.5))],
            }
        out[label] = {
            "n_points": len(use),
            "k_G": [p["k_G"] for p in use],
            **summary,
            "seed000_slope": vm.CROSSOVER_COEFFICIENT,
        }
    return out


def _points(
    seed: int, k_gs: tuple[float, ...], flagged: tuple[bool, ...], n_samples: tuple[int, ...], c_spread: float
) -> list[dict[str, Any]]:
    """Synthetic points: per sample a smoothed reduced DOS with a noisy peak near 0.87 c_T k_G, and a noisy c_T."""
    rng = np.random.default_rng(seed)
    fine = np.linspace(0.001, 1.5, 400)
    points = []
    for k_G, edge, n in zip(k_gs, flagged, n_samples, strict=True):
        c_t = 1.0 + c_spread * rng.standard_normal(n)
        centre = 0.87 * k_G + 0.03 * rng.standard_normal(n)
        smoothed = np.exp(-(((fine[None, :] - centre[:, None]) / 0.1) ** 2))
        smoothed += 0.05 * rng.random((n, fine.size))
        points.append(
            {
                "k_G": k_G,
                "omega_bp_at_window_edge": edge,
                "n_samples": n,
                "c_T": float(c_t.mean()),
                "omega_bp": {"value": float(fine[int(np.argmax(smoothed.mean(axis=0)))])},
                "_fine": fine,
                "_smoothed": smoothed,
                "_c_t": c_t,
            }
        )
    return points


@pytest.mark.parametrize(
    ("k_gs", "flagged", "n_samples", "c_spread"),
    [
        ((0.0, 0.4, 0.6, 0.8, 1.0, 1.3), (False, False, False, False, False, True), (4, 4, 3, 5, 4, 1), 0.02),
        ((0.0, 0.5, 0.9), (False, True, False), (4, 2, 4), 0.02),  # one unflagged point: no slope there
        ((0.0, 0.5, 0.5), (False, False, False), (3, 2, 3), 0.0),  # one x: every line fit NaN (nanstd of NaNs)
    ],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_slopes_equal_the_old_loop_bit_for_bit(vm, k_gs, flagged, n_samples, c_spread) -> None:  # noqa: ANN001
    points = _points(7, k_gs, flagged, n_samples, c_spread)
    new_rng, old_rng = np.random.default_rng(vm.ROOT_SEED), np.random.default_rng(vm.ROOT_SEED)
    for _ in range(2):  # main() shares one generator across the media: the stream must continue alike
        new = vm._slopes(points, new_rng)
        old = _reference_slopes(vm, points, old_rng)
        assert json.dumps(new, default=float) == json.dumps(old, default=float)
    assert new_rng.random() == old_rng.random()
    if c_spread == 0.0:
        assert math.isnan(new["all"]["slope"]["value"]) and math.isnan(new["all"]["slope"]["se"])
        assert math.isfinite(new["all"]["slope_through_origin"]["se"])
