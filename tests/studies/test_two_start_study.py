"""studies/two_start.py (issue 25 item 4): the decision on synthetic traces, and an end-to-end run at N = 128."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from script_loader import load_script

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def study():  # noqa: ANN201
    return load_script("studies/two_start.py", "two_start_study")


def _ladder(t: np.ndarray, e: np.ndarray) -> xr.Dataset:
    """A chain of 5 structures with inherent-structure energies about 1.02."""
    return xr.Dataset(
        {
            "mc_energy": (("sample", "mc_record"), np.repeat(e[None], 5, axis=0)),
            "inherent_energy": ("sample", [1.018, 1.020, 1.022, 1.019, 1.021]),
        },
        coords={"mc_record": t},
    )


def _deep(t: np.ndarray, e: np.ndarray, e_is_start: float) -> dict:
    return {
        "sweeps": t,
        "energy": e,
        "deep_temperature": 0.1,
        "deep_sweeps": 10,
        "deep_energy_end": e[0],
        "td_step": 0.07,
        "wall_s": 1.0,
        "inherent_energy_start": e_is_start,
        "inherent_energy_end": 1.02,
    }


def test_late_mean_is_the_mean_of_the_last_half(study) -> None:  # noqa: ANN001
    t = np.arange(0.0, 1000.0)
    e = np.where(t < 500, 5.0, 1.0 + 0.001 * (t % 2))
    mean, se = study.late_mean(t, e)
    assert mean == pytest.approx(1.0005, abs=1e-9)
    assert se < 1e-4


@pytest.mark.parametrize(
    ("deep_level", "e_is_start", "verdict"),
    [
        (1.20, 1.010, "agree"),  # from a deeper structure up to the same level
        (1.15, 1.010, "disagree"),  # stays below: the random chain (or the deep one) is not in equilibrium
        (1.20, 1.030, "deep start not below"),  # no power: the start's structure is not deeper than the chain's
    ],
)
def test_the_decision_rule(study, deep_level: float, e_is_start: float, verdict: str) -> None:  # noqa: ANN001
    rng = np.random.default_rng(1)
    t = np.arange(0.0, 20_000.0, 10.0)
    random = 1.2 + 0.002 * rng.normal(size=t.size)
    deep = deep_level + 0.002 * rng.normal(size=t.size)
    deep[0] = 1.10  # colder: a lower instantaneous energy says nothing about the structure
    entry = study.compare(1000, "2", 0, _ladder(t, random), _deep(t, deep, e_is_start))
    assert entry["verdict"] == verdict
    low, high = entry["difference_interval"]
    assert low < entry["difference"] < high


def test_end_to_end_on_the_small_ladder(study, tmp_path: Path) -> None:  # noqa: ANN001
    ladder = tmp_path / "ladder"
    cmd = [
        sys.executable,
        "-m",
        "vdosbench",
        "generate",
        "--recipe",
        "soft_spheres_lowest_td_small",
        "--grid",
        "taper_order=2",
        "--samples",
        "2",
        "--workers",
        "1",
        "--no-progress",
        "--output",
        str(ladder),
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    result, figure = tmp_path / "two_start.json", tmp_path / "two_start.png"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "studies" / "two_start.py"),
            str(ladder),
            "--recipe",
            "soft_spheres_lowest_td_small",
            "--tapers",
            "2",
            "--chains",
            "0",
            "--deep-sweeps",
            "40",
            "--result",
            str(result),
            "--figure",
            str(figure),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(result.read_text())
    (entry,) = data["entries"]
    assert entry["n_particles"] == 128 and entry["verdict"] in ("agree", "disagree", "deep start not below")
    assert entry["recipe"] == "soft_spheres_lowest_td_small" and entry["parent_temperature"] == 0.144
    assert entry["deep_start"]["deep_temperature"] == pytest.approx(0.8 * 0.144)
    assert figure.stat().st_size > 0
    # a chain that has not landed is refused before anything is computed: the script's main, called here (the
    # script's run as a process is the one above)
    missing = ["--recipe", "soft_spheres_lowest_td_small", "--chains", "5", "--result", str(result)]
    with pytest.raises(SystemExit, match="has landed") as stop:
        study.main([str(ladder), *missing])
    assert stop.value.code not in (0, None)
    assert entry["deep_start"]["inherent_energy_start"] > 0 and len(entry["random_start"]["inherent_energies"]) == 2


def test_t_d_is_the_recipes_own(study) -> None:  # noqa: ANN001
    """The control's T_d (issue 25 item 5) is not the additive model's."""
    assert study.recipe_td("soft_spheres_lowest_n1000_td") == 0.144
    assert study.recipe_td("soft_spheres_lowest_n1000_td_nonadditive") == 0.0716


def test_the_registered_rule_gives_every_stored_verdict_again(study) -> None:  # noqa: ANN001
    """The rule moved from the study's text to benchmark/registrations/two-start.toml without a number changed:
    every entry of studies/results/two_start.json is judged again from its stored numbers."""
    stored = json.loads((ROOT / "studies" / "results" / "two_start.json").read_text())["entries"]
    assert stored
    for e in stored:
        r, d = e["random_start"], e["deep_start"]
        se = math.hypot(r["late_mean_stderr"], d["late_mean_stderr"])
        diff, interval, below, verdict = study.decide(
            d["late_mean"] - r["late_mean"], se, d["inherent_energy_start"] - r["inherent_energy_mean"]
        )
        assert diff == pytest.approx(e["difference"], rel=1e-12, abs=1e-15)
        assert interval == pytest.approx(tuple(e["difference_interval"]), rel=1e-12, abs=1e-15)
        assert (below, verdict) == (e["deep_start_below"], e["verdict"]), (e["recipe"], e["taper_order"], e["chain"])


def test_the_rule_is_read_from_its_registration(study) -> None:  # noqa: ANN001
    from vdosbench.benchmark import load_registration

    rule = load_registration("two-start")
    assert rule.claim("equilibrium.two-start").expect.kind == "holds"
    assert study.BLOCKS == rule.claim("equilibrium.two-start").settings["blocks"] == 10
    assert study.decide(0.0, 1e-3, -1e-3)[3] == "agree" and study.decide(1.0, 1e-3, -1e-3)[3] == "disagree"
