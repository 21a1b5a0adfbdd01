"""Two-start test of equilibrium at T_d (issue 25 item 4): does a chain reach the same energy from above and below?

A chain of the T_d ladder (``soft_spheres_lowest_n{N}_td``, generator
``soft_spheres_lowest_equilibrated``) starts from random positions and comes
down in energy.  If it is in equilibrium over the last half of its trace, a
chain with **the same diameters** that starts *below* the equilibrium energy
must come up to the same level.  Per (taper, chain) this script runs that
second chain:

1. the chain's own random start and its first :data:`PRE_SWEEPS` sweeps
   (the same seed streams as :func:`~vdosbench.generators.glasses.glass_chains.glass_chain`,
   so the same particles and diameters);
2. **deep preparation**: |Δr| calibrated at T_deep = ``--deep-ratio`` × T_d
   (default 0.8), then ``--deep-sweeps`` of swap Monte Carlo there (swap
   Monte Carlo equilibrates well below T_d: this start is lower in energy
   than the T_d liquid, which the script checks and records);
3. the T_d leg: |Δr| re-calibrated at T_d, then as many sweeps as the
   ladder chain's equilibration trace, the energy recorded as the ladder does.

It compares the mean V/N over the last half of both traces (block means,
10 blocks each, the standard error of each mean from its blocks) and states
the difference with a 95 % interval (normal, the two standard errors in
quadrature), and each trace's drift (:func:`~vdosbench.generators.glasses.energy_drift.energy_drift`).
Decision rule: the registration ``benchmark/registrations/two-start.toml`` (its claims
``equilibrium.two-start`` and ``equilibrium.two-start-power``, read by :func:`decide`; its dates and the one amendment:
``docs/findings/finite-size.md``, History): the chain passes ("agree") when the difference's interval holds 0
*and* the deep start is structurally below the random chain: the inherent-structure energy of the deep start (its
configuration quenched when the T_d leg begins) lies below the mean inherent-structure energy of the random chain's
structures (otherwise the test has no power: "deep start not below").  Energies are compared only on identical
diameters: a draw's polydispersity moves V/N by ≈ 0.05.

T_d is the recipe's own parent temperature: 0.144 for the additive ladder, 0.0716 for the non-additive
control (``--suffix _nonadditive``: recipes ``soft_spheres_lowest_n{N}_td_nonadditive``, issue 25 item 5).

Usage (the ladder's parts must exist for the chains asked)::

    taskset -c 0 python studies/two_start.py runs/td_ladder --n 1000 --chains 0 1
    taskset -c 0 python studies/two_start.py runs/td_ladder_nonadditive --suffix _nonadditive --n 1000
    python studies/two_start.py --redraw        # the figure again, from the result file

Writes ``studies/results/two_start.json`` (merging with earlier runs: one entry per (recipe, taper, chain)) and the
figure ``docs/figures/seed003/two_start.png``.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.benchmark import Verdict, judge, load_registration
from vdosbench.generators import RECIPES
from vdosbench.generators import sample_seed
from vdosbench.generators.glasses.energy_drift import energy_drift
from vdosbench.generators.glasses.equilibration import calibrate_step
from vdosbench.generators.glasses.glass_chains import PRE_STEP, PRE_SWEEPS
from vdosbench.generators.glasses.lowest_mode_chains import check_lowest_chain_params
from vdosbench.generators import Configuration
from vdosbench.generators import QuenchSettings, quench
from vdosbench.generators import MCSettings, run_swap_mc
from vdosbench.generators.glasses.soft_spheres import child_seed, remove_overlaps, start_configuration
from vdosbench.validators import Measurement
from vdosbench.validators.results.registry import study_measure
from vdosbench.datasets.json_files import dumps_strict

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "studies" / "results" / "two_start.json"
FIGURE = ROOT / "docs" / "figures" / "seed003" / "two_start.png"
#: The decision rule (benchmark/registrations/two-start.toml).
RULE = load_registration("two-start")
BLOCKS = int(RULE.claim("equilibrium.two-start").settings["blocks"])


def late_mean(sweeps: np.ndarray, energy: np.ndarray, n_blocks: int = BLOCKS) -> tuple[float, float]:
    """Mean V/N over the last half of a trace and its standard error from ``n_blocks`` block means."""
    keep = np.isfinite(energy)
    t, e = sweeps[keep], energy[keep]
    begin = t[-1] - 0.5 * (t[-1] - t[0])
    e = e[t >= begin]
    blocks = np.array_split(e, n_blocks)
    means = np.array([b.mean() for b in blocks])
    return float(means.mean()), float(means.std(ddof=1) / math.sqrt(n_blocks))


def ladder_chain(folder: Path, recipe: str, taper: str, chain: int) -> xr.Dataset:
    """The structures of ``chain`` in the ladder's parts under ``folder`` (the energy trace is the chain's, the
    same in each)."""
    k = RECIPES[recipe].fixed["chain_samples"]
    found = []
    for j in range(chain * k, (chain + 1) * k):
        pattern = str(folder / "parts" / f"taper_order-{taper}__*" / f"sample-{j:04d}.nc")
        found += sorted(glob.glob(pattern))[:1]
    if len(found) < k:
        raise SystemExit(
            f"no complete chain under {folder / 'parts'} (taper {taper}): run studies/td_ladder_queue.sh "
            f"until chain {chain} of {recipe} has landed"
        )
    parts = []
    for f in found:
        with xr.open_dataset(f) as ds:
            parts.append(ds.load())
    return xr.concat(
        parts, "sample", data_vars="minimal", coords="minimal", compat="override", combine_attrs="override"
    )


def inherent_energy(
    positions: np.ndarray, box: float, sizes: np.ndarray, species: np.ndarray, pot: Any, force_tolerance: float
) -> float:
    """V/N of the inherent structure of a configuration (the generators' quench)."""
    result = quench(Configuration(positions, box, sizes, species), pot, QuenchSettings(force_tolerance=force_tolerance))
    if not result.converged:
        raise RuntimeError(f"the quench of the deep start stopped at max |F| = {result.max_force:.3g}")
    return float(result.energy / positions.shape[0])


def recipe_td(recipe_name: str) -> float:
    """The T_d of a ladder recipe: its one parent temperature."""
    (t_d,) = RECIPES[recipe_name].grid["parent_temperature"]
    return float(t_d)


def deep_start_trace(
    recipe_name: str, taper_order: int, chain: int, deep_ratio: float, deep_sweeps: int, sweeps: int
) -> dict[str, Any]:
    """Steps 1–3 of the module docstring for one chain of the recipe: the deep start's T_d energy trace."""
    recipe = RECIPES[recipe_name]
    record_every = int(recipe.fixed["record_every"])
    t_d = recipe_td(recipe_name)
    params = {**recipe.fixed, "taper_order": taper_order, "parent_temperature": t_d}
    p = check_lowest_chain_params(params)
    g = p.glass
    pot = g.pair_potential
    seq = sample_seed(recipe.root_seed, chain)
    rng = np.random.default_rng(child_seed(seq, 1))
    start = start_configuration(g, seq)
    box = start.box_length
    t0 = time.perf_counter()
    pre = run_swap_mc(
        remove_overlaps(start, pot),
        box,
        start.sizes,
        start.species,
        pot,
        MCSettings(
            temperature=g.parent_temperature,
            n_sweeps=PRE_SWEEPS,
            step=PRE_STEP,
            p_swap=g.p_swap,
            skin=g.mc_skin,
            record_every=PRE_SWEEPS,
        ),
        rng,
    )
    t_deep = deep_ratio * t_d
    cal_deep = calibrate_step(
        pre.positions,
        box,
        pre.sizes,
        pre.species,
        pot,
        t_deep,
        rng,
        target=p.target_acceptance,
        p_swap=g.p_swap,
        skin=g.mc_skin,
    )
    deep = run_swap_mc(
        pre.positions,
        box,
        pre.sizes,
        pre.species,
        pot,
        MCSettings(
            temperature=t_deep,
            n_sweeps=deep_sweeps,
            step=cal_deep.step,
            p_swap=g.p_swap,
            skin=g.mc_skin,
            record_every=record_every,
        ),
        rng,
    )
    e_is_start = inherent_energy(deep.positions, box, deep.sizes, deep.species, pot, g.force_tolerance)
    cal = calibrate_step(
        deep.positions,
        box,
        deep.sizes,
        deep.species,
        pot,
        t_d,
        rng,
        target=p.target_acceptance,
        p_swap=g.p_swap,
        skin=g.mc_skin,
    )
    leg = run_swap_mc(
        deep.positions,
        box,
        deep.sizes,
        deep.species,
        pot,
        MCSettings(
            temperature=t_d, n_sweeps=sweeps, step=cal.step, p_swap=g.p_swap, skin=g.mc_skin, record_every=record_every
        ),
        rng,
    )
    if not np.array_equal(np.sort(leg.sizes), np.sort(start.sizes)):
        raise RuntimeError("the deep start's diameters differ from the chain's: swaps must only permute them")
    e_is_end = inherent_energy(leg.positions, box, leg.sizes, leg.species, pot, g.force_tolerance)
    return {
        "inherent_energy_start": e_is_start,
        "inherent_energy_end": e_is_end,
        "td_temperature": t_d,
        "deep_temperature": t_deep,
        "deep_sweeps": deep_sweeps,
        "deep_step": cal_deep.step,
        "deep_energy_end": float(deep.energy_trace[-1]),
        "deep_trace_sweeps": np.asarray(deep.trace_sweeps).tolist(),
        "deep_trace": np.asarray(deep.energy_trace).tolist(),
        "td_step": cal.step,
        "sweeps": np.asarray(leg.trace_sweeps),
        "energy": np.asarray(leg.energy_trace),
        "wall_s": time.perf_counter() - t0,
    }


@study_measure("two_start.late_mean_difference", "two_start.inherent_energy_gap")
def decide(difference: float, stderr: float, inherent_gap: float) -> tuple[float, tuple[float, float], bool, str]:
    """The registered rule (``benchmark/registrations/two-start.toml``) for one chain.

    Parameters
    ----------
    difference, stderr
        Late mean V/N of the deep start minus the random start's, and its standard error (the two in quadrature).
    inherent_gap
        The deep start's inherent-structure energy when its T_d leg begins minus the random chain's mean.

    Returns
    -------
    tuple
        ``(difference, (low, high), deep start below, verdict)``, the verdict ``"agree"``, ``"disagree"`` or
        ``"deep start not below"``.

    Examples
    --------
    >>> _, (low, high), below, verdict = decide(0.001, 0.002, -0.01)
    >>> round(low, 5), round(high, 5), below, verdict
    (-0.00292, 0.00492, True, 'agree')
    >>> decide(0.01, 0.002, -0.01)[3], decide(0.001, 0.002, 0.01)[3]
    ('disagree', 'deep start not below')
    """
    agree, power = RULE.claim("equilibrium.two-start"), RULE.claim("equilibrium.two-start-power")
    z = float(agree.settings["z"])
    low, high = difference - z * stderr, difference + z * stderr
    gap = Measurement(
        "inherent-energy gap",
        inherent_gap,
        0.0,
        inherent_gap,
        inherent_gap,
        1.0,
        "energy per particle",
        dict(power.settings),
        None,
        1,
        "exact",
    )
    meet = Measurement(
        "late-mean difference",
        difference,
        stderr,
        low,
        high,
        float(agree.settings["confidence"]),
        "energy per particle",
        dict(agree.settings),
        None,
        2,
        "normal interval",
    )
    below = judge(gap, power.expect)[0] is Verdict.SUPPORTED
    verdict = (
        ("agree" if judge(meet, agree.expect)[0] is Verdict.SUPPORTED else "disagree")
        if below
        else "deep start not below"
    )
    return difference, (low, high), below, verdict


def compare(n: int, taper: str, chain: int, ladder: xr.Dataset, deep: dict[str, Any]) -> dict[str, Any]:
    """The decision of the module docstring for one chain."""
    t_r, e_r = ladder["mc_record"].values, ladder["mc_energy"].values[0]
    m_r, se_r = late_mean(t_r, e_r)
    m_d, se_d = late_mean(deep["sweeps"], deep["energy"])
    drift_r = energy_drift(t_r, e_r)
    drift_d = energy_drift(deep["sweeps"], deep["energy"])
    e_is_random = float(np.mean(ladder["inherent_energy"].values))
    diff, (low, high), start_below, verdict = decide(
        m_d - m_r, math.hypot(se_r, se_d), deep["inherent_energy_start"] - e_is_random
    )
    return {
        "n_particles": n,
        "taper_order": taper,
        "chain": chain,
        "random_start": {
            "late_mean": m_r,
            "late_mean_stderr": se_r,
            "drift": drift_r.drift,
            "inherent_energy_mean": e_is_random,
            "inherent_energies": ladder["inherent_energy"].values.tolist(),
            "drift_interval": [drift_r.low, drift_r.high],
            "trace_sweeps": int(t_r[-1]),
        },
        "deep_start": {
            "late_mean": m_d,
            "late_mean_stderr": se_d,
            "drift": drift_d.drift,
            "drift_interval": [drift_d.low, drift_d.high],
            "energy_at_td_start": float(deep["energy"][0]),
            "inherent_energy_start": deep["inherent_energy_start"],
            "inherent_energy_end": deep["inherent_energy_end"],
            "deep_temperature": deep["deep_temperature"],
            "deep_sweeps": deep["deep_sweeps"],
            "deep_energy_end": deep["deep_energy_end"],
            "td_step": deep["td_step"],
            "wall_s": deep["wall_s"],
        },
        "difference": diff,
        "difference_interval": [low, high],
        "deep_start_below": start_below,
        "verdict": verdict,
        "trace": {
            "random": [t_r[::10].tolist(), e_r[::10].tolist()],
            "deep": [deep["sweeps"][::10].tolist(), deep["energy"][::10].tolist()],
        },
    }


def _recipe(entry: dict[str, Any]) -> str:
    """The recipe of a result entry (entries written before the control have none: the additive ladder's)."""
    return entry.get("recipe", f"soft_spheres_lowest_n{entry['n_particles']}_td")


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(dumps_strict(data, indent=1))
        f.write("\n")
    os.replace(tmp, path)


def figure(entries: list[dict[str, Any]], path: Path) -> None:
    """Both traces of every chain, one panel per (N, taper)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = sorted({(_recipe(e), e["taper_order"]) for e in entries})
    fig, axes = plt.subplots(1, len(keys), figsize=(4.2 * len(keys), 3.4), squeeze=False)
    for ax, (recipe, taper) in zip(axes[0], keys):
        here = [e for e in entries if (_recipe(e), e["taper_order"]) == (recipe, taper)]
        n, t_d = here[0]["n_particles"], recipe_td(recipe)
        model = "non-additive ε = 0.2" if recipe.endswith("_nonadditive") else "additive"
        for e in here:
            for which, style in (("random", "-"), ("deep", "--")):
                t, en = e["trace"][which]
                ax.plot(np.asarray(t) / 1e3, en, style, lw=0.8, label=f"chain {e['chain']}, {which} start")
        ax.set_title(f"{model}, N = {n}, m = {'∞' if taper == '-1' else taper}, T* = T_d = {t_d:g}", fontsize=8)
        ax.set_xlabel("10³ sweeps at T_d")
        ax.set_ylabel("V/N")
        ax.legend(fontsize=6)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path.with_suffix(".tmp.png"), dpi=120)
    os.replace(path.with_suffix(".tmp.png"), path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ladder", type=Path, nargs="?", help="folder of studies/td_ladder_queue.sh (runs/td_ladder)")
    ap.add_argument("--redraw", action="store_true", help="only redraw the figure from the result file")
    ap.add_argument(
        "--n",
        type=int,
        default=1000,
        help="the ladder's N: recipe soft_spheres_lowest_n{N}_td, parts under LADDER/n{N}",
    )
    ap.add_argument(
        "--recipe",
        default=None,
        help="another recipe of soft_spheres_lowest_equilibrated, parts "
        "directly under LADDER (tests: soft_spheres_lowest_td_small)",
    )
    ap.add_argument(
        "--suffix",
        default="",
        help="recipe suffix: _nonadditive for the non-additive control's ladder (studies/td_ladder_queue.sh SUFFIX)",
    )
    ap.add_argument("--result", type=Path, default=RESULT)
    ap.add_argument("--figure", type=Path, default=FIGURE)
    ap.add_argument("--tapers", nargs="+", default=["2", "-1"], help="taper orders (-1: T_inf)")
    ap.add_argument("--chains", nargs="+", type=int, default=[0, 1])
    ap.add_argument("--deep-ratio", type=float, default=0.8, help="T_deep / T_d of the deep preparation")
    ap.add_argument("--deep-sweeps", type=int, default=190_000, help="sweeps of the deep preparation")
    args = ap.parse_args(argv)
    if args.redraw:
        figure(json.loads(args.result.read_text())["entries"], args.figure)
        return 0
    if args.ladder is None:
        ap.error("the ladder folder is required unless --redraw is given")
    previous = json.loads(args.result.read_text()) if args.result.exists() else {"entries": []}
    entries = {(_recipe(e), e["taper_order"], e["chain"]): e for e in previous["entries"]}
    recipe = args.recipe or f"soft_spheres_lowest_n{args.n}_td{args.suffix}"
    folder = args.ladder if args.recipe else args.ladder / f"n{args.n}"
    n = int(RECIPES[recipe].fixed["n_particles"])
    for taper in args.tapers:
        for chain in args.chains:
            ladder = ladder_chain(folder, recipe, taper, chain)
            sweeps = int(ladder["mc_record"].values[-1])
            deep = deep_start_trace(recipe, int(taper), chain, args.deep_ratio, args.deep_sweeps, sweeps)
            command = " ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])])
            entry = {
                "recipe": recipe,
                "parent_temperature": deep["td_temperature"],
                "command": command,
                **compare(n, taper, chain, ladder, deep),
            }
            entries[(recipe, taper, chain)] = entry
            print(
                f"N = {n} m = {taper} chain {chain}: random {entry['random_start']['late_mean']:.4f}, "
                f"deep {entry['deep_start']['late_mean']:.4f}, difference {entry['difference']:+.4f} "
                f"[{entry['difference_interval'][0]:+.4f}, {entry['difference_interval'][1]:+.4f}] "
                f"-> {entry['verdict']} ({deep['wall_s']:.0f} s)",
                flush=True,
            )
            out = sorted(entries.values(), key=lambda e: (_recipe(e), e["taper_order"], e["chain"]))
            _write_json(
                args.result,
                {
                    "script": "studies/two_start.py",
                    "decision_rule": f"benchmark/registrations/two-start.toml (registered {RULE.registered}): "
                    + RULE.header["verdict_rule"],
                    "command": command + " (the latest; each entry states its own)",
                    "entries": out,
                },
            )
            figure(out, args.figure)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
