"""Measure τ_α of swap Monte Carlo at the parent temperatures of the low-T* claims, and whether chains equilibrate.

Models (``--model``):

- ``soft_spheres`` (default): the seed-001 soft spheres (N = 1000 by default,
  d = 3, density 1); T* given as T*/T_d (``--ratios``), T_d = 0.144
  (``td_measurement.json``); q = 6.872, the first peak of S(q) measured there;
- ``kob_andersen``: the Kob–Andersen 80:20 Lennard-Jones mixture at density
  1.2 (the generators' ``lennard_jones`` model); T* given as T*/T_MCT with the
  published T_MCT = 0.435 (cited, not re-measured for the tapered potential),
  or directly with ``--temperatures``; q = 7.25, the first peak of the A–A
  S(q) at this density (Kob & Andersen 1995), F_s over all particles.

Taper m = 2 and m = ∞.  For each (m, T*), one chain:

1. random positions, overlaps removed by FIRE (max |F| ≤ 10), 200 sweeps of
   swap MC at |Δr| = 0.1;
2. |Δr| calibrated to a displacement acceptance of 30 % (seed 001's low-T*
   figure; :func:`vdosbench.generators.glasses.equilibration.calibrate_step`, on a
   copy of the state), then held fixed;
3. segments of swap MC (p_swap = 0.2) at doubling waiting times t_w = 1000,
   2000, 4000, … sweeps; in each, F_s(q, t) at the first peak of S(q)
   (q = 6.872, ``td_measurement.json``) is followed from t_w until
   F_s < 0.1: τ_α(t_w) is where F_s = 1/e.  The chain stops when the last
   three τ_α agree within 15 % and t_w ≥ 10 τ_α (stationary by τ_α), or at its
   sweep budget; the energy change over those three segments is reported too
   (``energy_drift_last_three``): a chain whose τ_α stopped growing may still
   lower its energy;
4. crystallites (ten Wolde q₆: ≥ 8 connections with d₆ > 0.7) and size
   fractionation (correlation of neighbours' diameters) at the start of the
   segments and at the end.

Usage::

    python studies/measure_swap_tau.py                       # the default grid, resumable
    python studies/measure_swap_tau.py --ratios 1.0 --tapers 2 --budget 2000000
    python studies/measure_swap_tau.py --model kob_andersen --temperatures 1.0 0.6 --budget 100000
    python studies/measure_swap_tau.py --non-additivity 0.2 --temperatures 0.3 0.2 --n 500   # see below

Each (m, T*) is written to the JSON as soon as it is done; a re-run skips
those already there (same N, seed, budget and non-additivity).  Writes
``studies/results/swap_tau.json`` (soft spheres) or
``studies/results/swap_tau_ka.json`` (Kob–Andersen), and the figure of
each.

Non-additive soft spheres (issue 25 item 5): ``--non-additivity ε`` uses the
pair size a_ij = (a_i + a_j)/2 · (1 − ε|a_i − a_j|) (Ninarello, Berthier &
Coslovich, PRX 7, 021039, 2017: ε = 0.2), same taper and cutoff; T* is
given by ``--temperatures`` or as ``--ratios`` of that model's own T_d
(``--td``, from ``measure_td.py --non-additivity ε``), q from that JSON when
it exists (``--q`` overrides).  Results go to
``studies/results/swap_tau_nonadditive_{ε}.json``.  Each chain also
reports the size segregation (cell-mean variance over that of random
placement, :func:`~vdosbench.generators.glasses.equilibration.size_segregation`),
the fractionation this model is meant to suppress.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from vdosbench.benchmark.machine import machine_info
from vdosbench.generators.glasses.configurations import (
    A_MAX,
    A_MIN,
    Configuration,
    kob_andersen_configuration,
    polydisperse_configuration,
)
from vdosbench.generators.glasses.equilibration import (
    calibrate_step,
    crystalline_particles,
    relaxation_segments,
    size_neighbour_correlation,
    size_segregation,
)
from vdosbench.generators.glasses.glass_chains import KA_FS_WAVENUMBER, PRE_STEP, PRE_SWEEPS
from vdosbench.generators import MCSettings, run_swap_mc
from vdosbench.generators import (
    INFINITE_ORDER,
    PairPotential,
    kob_andersen_potential,
    soft_sphere_potential,
)
from vdosbench.generators.glasses.soft_spheres import KA_T_MCT, T_D, remove_overlaps
from vdosbench.datasets import write_results

RESULTS = Path(__file__).parent / "results"
FIGURES = Path(__file__).resolve().parents[1] / "docs" / "figures" / "seed001"


@dataclass(frozen=True)
class Model:
    """A glass former: its start, its potential, the temperature T* is measured against, and q of F_s."""

    name: str
    reference: str  # name of the reference temperature: "T_d" or "T_MCT"
    reference_temperature: float
    wavenumber: Callable[[], float]
    configuration: Callable[[int, np.random.Generator], Configuration]
    potential: Callable[[int], PairPotential]
    results: Path
    figure: Path

    @property
    def ratio_key(self) -> str:
        return f"ratio_to_{self.reference}"


MODELS = {
    "soft_spheres": Model(
        "soft_spheres",
        "T_d",
        T_D,
        lambda: float(json.loads((RESULTS / "td_measurement.json").read_text())["q"]),
        lambda n, rng: polydisperse_configuration(n, 3, rng),
        lambda m: soft_sphere_potential(taper_order=m),
        RESULTS / "swap_tau.json",
        FIGURES / "swap_tau.png",
    ),
    "kob_andersen": Model(
        "kob_andersen",
        "T_MCT",
        KA_T_MCT,
        lambda: KA_FS_WAVENUMBER,
        lambda n, rng: kob_andersen_configuration(n, 3, rng, 1.2),
        lambda m: kob_andersen_potential(taper_order=m),
        RESULTS / "swap_tau_ka.json",
        FIGURES / "swap_tau_ka.png",
    ),
}
#: T*/T_d of the s(T*) crossover (issue 14): 1, 1.25, 1.5, 2, 3 and ~7 (T* = 1.0).
DEFAULT_RATIOS = (1.0 / T_D, 3.0, 2.0, 1.5, 1.25, 1.0)
#: Total sweeps allowed per chain, by T*/T_d (the chain stops earlier once stationary).
BUDGETS = ((4.0, 20_000), (2.5, 50_000), (1.75, 100_000), (1.4, 200_000), (1.1, 400_000), (0.0, 800_000))
#: Waiting time of the first segment; later ones double it.
FIRST_WAIT = 1000
#: Stationary when the last three τ_α lie within this fraction of their mean and t_w ≥ 10 τ_α.
TAU_TOLERANCE = 0.15


def non_additive_model(model: Model, eps: float, td: float | None, parser: argparse.ArgumentParser) -> Model:
    """The soft-sphere model with pair-size non-additivity ε, its T* measured against ``td`` (its own T_d)."""
    if model.name != "soft_spheres":
        parser.error(f"--non-additivity and --td apply to --model soft_spheres, not {model.name}")
    try:
        soft_sphere_potential(2, non_additivity=eps).check_sizes(np.array([A_MIN, A_MAX]))
    except ValueError as e:
        parser.error(str(e))
    if eps == 0.0:
        return replace(model, reference_temperature=td)
    td_json = RESULTS / f"td_measurement_nonadditive_{eps:g}.json"
    return replace(
        model,
        name=f"soft_spheres_nonadditive_{eps:g}",
        # without its T_d, T* is its own reference ("ratio_to_1": T* in units of ε): give --temperatures
        reference="T_d" if td is not None else "1",
        reference_temperature=1.0 if td is None else td,
        wavenumber=lambda: float(
            json.loads((td_json if td_json.exists() else RESULTS / "td_measurement.json").read_text())["q"]
        ),
        potential=lambda m: soft_sphere_potential(taper_order=m, non_additivity=eps),
        results=RESULTS / f"swap_tau_nonadditive_{eps:g}.json",
        figure=FIGURES / f"swap_tau_nonadditive_{eps:g}.png",
    )


def default_budget(ratio: float) -> int:
    return next(b for above, b in BUDGETS if ratio >= above)


def stationary(t_w: list[int], taus: list[float]) -> bool:
    last = np.asarray(taus[-3:], dtype=float)
    if last.size < 3 or not np.all(np.isfinite(last)):
        return False
    return bool(np.all(np.abs(last / last.mean() - 1) <= TAU_TOLERANCE) and t_w[-1] >= 10 * last[-1])


def structure_checks(positions: np.ndarray, box: float, sizes: np.ndarray) -> dict:
    crystal, q6 = crystalline_particles(positions, box, sizes)
    return {
        "crystalline_particles": int(crystal.sum()),
        "mean_q6": float(q6.mean()),
        "size_neighbour_correlation": size_neighbour_correlation(positions, box, sizes),
        "size_segregation": size_segregation(positions, box, sizes),
    }


def run_point(model: Model, taper: int, ratio: float, n: int, seed: int, budget: int, q: float) -> dict:
    t0 = time.perf_counter()
    temperature = ratio * model.reference_temperature
    pot = model.potential(taper)
    seq = np.random.SeedSequence(seed, spawn_key=(int(taper) + 1, int(round(ratio * 1000))))
    rng = np.random.default_rng(seq)
    start = model.configuration(n, rng)
    pre = run_swap_mc(
        remove_overlaps(start, pot),
        start.box_length,
        start.sizes,
        start.species,
        pot,
        MCSettings(temperature=temperature, n_sweeps=PRE_SWEEPS, step=PRE_STEP, skin=0.6, record_every=PRE_SWEEPS),
        rng,
    )
    cal = calibrate_step(pre.positions, start.box_length, pre.sizes, pre.species, pot, temperature, rng)
    before = structure_checks(pre.positions, start.box_length, pre.sizes)
    state = (pre.positions, pre.sizes, pre.species)
    t, target = PRE_SWEEPS, FIRST_WAIT
    rows = []
    while t < budget:
        cap = max(1000, budget - max(t, target))
        seg = relaxation_segments(
            *state[:1],
            start.box_length,
            *state[1:],
            pot,
            temperature,
            q,
            rng,
            n_segments=1,
            max_segment_sweeps=cap,
            step=cal.step,
            start_sweep=t,
            waits=[max(0, min(target, budget - 1000) - t)],
        )
        state = (seg.positions, seg.sizes, seg.species)
        tau = float(seg.tau_alpha[0])
        rows.append(
            {
                "t_w": int(seg.start_sweep[0]),
                "tau_alpha": tau if np.isfinite(tau) else None,
                "length": int(seg.length[0]),
                "fs_end": float(seg.fs_end[0]),
                "mean_energy": float(seg.mean_energy[0]),
                "wait_energy": float(seg.wait_energy[0]),
                "acceptance": float(seg.acceptance[0]),
                "fs": {"sweeps": seg.curves[0][0].tolist(), "fs": seg.curves[0][1].tolist()},
            }
        )
        t = int(seg.start_sweep[0] + seg.length[0])
        target *= 2
        if stationary([r["t_w"] for r in rows], [r["tau_alpha"] or np.nan for r in rows]):
            break
    after = structure_checks(state[0], start.box_length, state[1])
    taus = [r["tau_alpha"] or np.nan for r in rows]
    return {
        "model": model.name,
        "taper_order": int(taper),
        model.ratio_key: ratio,
        "temperature": temperature,
        "non_additivity": float(getattr(pot, "non_additivity", 0.0)),
        "n_particles": n,
        "seed": seed,
        "spawn_key": list(seq.spawn_key),
        "budget": budget,
        "q": q,
        "step": cal.step,
        "step_acceptance_trial": cal.acceptance,
        "step_tried": cal.tried.tolist(),
        "segments": rows,
        "stationary": stationary([r["t_w"] for r in rows], taus),
        "tau_alpha_final": taus[-1] if np.isfinite(taus[-1]) else None,
        "energy_drift_last_three": (rows[-1]["mean_energy"] - rows[-3]["mean_energy"]) if len(rows) >= 3 else None,
        "structure_start": before,
        "structure_end": after,
        "size_neighbour_correlation_shuffled": size_neighbour_correlation(
            state[0], start.box_length, rng.permutation(state[1])
        ),
        "total_sweeps": t,
        "wall_seconds": time.perf_counter() - t0,
    }


def point_tau(point: dict) -> float:
    """τ_α of a chain: the median of its last three segments' τ_α (NaN where fewer than three decayed)."""
    taus = [r["tau_alpha"] for r in point["segments"][-4:] if r["tau_alpha"] is not None][-3:]
    return float(np.median(taus)) if len(taus) == 3 else float("nan")


def mct_fit(result: dict) -> dict:
    """Fit τ_α = A (T − T_c)^(−γ) per taper to the chains' τ_α (least squares in ln τ, scipy ``curve_fit``).

    Uses every temperature T ≤ 1 with a τ_α (:func:`point_tau`; the high-T end, where τ_α is set by the step
    and not by caging, is left out).  With four temperatures this locates T_c only roughly; the standard
    errors are ``curve_fit``'s.
    """
    from scipy.optimize import curve_fit

    out = {}
    for taper in sorted({p["taper_order"] for p in result["points"]}):
        pts = sorted(
            (p["temperature"], point_tau(p))
            for p in result["points"]
            if p["taper_order"] == taper and p["temperature"] <= 1.0 + 1e-9
        )
        pts = [(t, tau) for t, tau in pts if np.isfinite(tau)]
        if len(pts) < 4:
            continue
        t, tau = np.array(pts).T
        model = lambda x, a, tc, g: a - g * np.log(np.clip(x - tc, 1e-9, None))  # noqa: E731
        popt, pcov = curve_fit(model, t, np.log(tau), p0=[np.log(tau.max()), 0.8 * t.min(), 2.0])
        err = np.sqrt(np.diag(pcov))
        out[str(taper)] = {
            "T_c": float(popt[1]),
            "T_c_error": float(err[1]),
            "gamma": float(popt[2]),
            "gamma_error": float(err[2]),
            "temperatures": t.tolist(),
            "tau_alpha": tau.tolist(),
            "rule": "tau_alpha per chain = median of its last three segments; T <= 1; "
            "ln tau = ln A - gamma ln(T - T_c), least squares",
        }
    return out


def figure(result: dict, path: Path, model: Model) -> None:
    """τ_α(t_w) and the segment energy against the waiting time, per taper and T*/T_ref."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_tau, ax_e) = plt.subplots(1, 2, figsize=(12, 4.5))
    key, ref = model.ratio_key, model.reference
    ratios = sorted({round(p[key], 3) for p in result["points"]})
    colors = dict(zip(ratios, plt.cm.viridis(np.linspace(0, 0.9, len(ratios)))))
    for p in result["points"]:
        rows = [r for r in p["segments"] if r["tau_alpha"] is not None]
        style = "o-" if p["taper_order"] == 2 else "s--"
        label = f"T*/{ref} = {p[key]:.3g}, m = {'∞' if p['taper_order'] < 0 else p['taper_order']}"
        color = colors[round(p[key], 3)]
        ax_tau.plot([r["t_w"] for r in rows], [r["tau_alpha"] for r in rows], style, color=color, ms=4, label=label)
        ax_e.plot(
            [r["t_w"] for r in p["segments"]], [r["mean_energy"] for r in p["segments"]], style, color=color, ms=4
        )
    for ax in (ax_tau, ax_e):
        ax.set_xscale("log")
        ax.set_xlabel("waiting time t_w (sweeps since the random start)")
    ax_tau.set_yscale("log")
    ax_tau.set_ylabel("τ_α(t_w) of swap MC (sweeps)")
    ax_e.set_ylabel("mean V/N over the segment")
    ax_tau.legend(fontsize=6, ncol=2)
    what = {"soft_spheres": "soft spheres", "kob_andersen": "Kob–Andersen"}.get(
        model.name, model.name.replace("_", " ")
    )
    n = result["points"][0]["n_particles"] if result["points"] else "?"
    fig.suptitle(f"Swap MC of the {what} (p_swap = 0.2, |Δr| at 30 % acceptance), N = {n}: ageing and τ_α")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="soft_spheres")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument(
        "--ratios",
        type=float,
        nargs="+",
        default=None,
        help="T*/T_d (soft spheres) or T*/T_MCT (Kob–Andersen) values; default: the s(T*) grid",
    )
    parser.add_argument("--temperatures", type=float, nargs="+", default=None, help="T* values (instead of --ratios)")
    parser.add_argument("--tapers", nargs="+", default=["2", "inf"])
    parser.add_argument("--budget", type=int, default=None, help="sweeps per chain (default: by T*/T_d)")
    parser.add_argument("--seed", type=int, default=14_2026)
    parser.add_argument("--out", type=Path, default=None, help="results JSON (default: the model's)")
    parser.add_argument("--figure", type=Path, default=None, help="figure of τ_α(t_w) and the energy")
    parser.add_argument(
        "--non-additivity",
        type=float,
        default=0.0,
        help="soft spheres: ε of a_ij = (a_i + a_j)/2 (1 − ε|a_i − a_j|) (0: the seed's model)",
    )
    parser.add_argument(
        "--td",
        type=float,
        default=None,
        help="T_d that --ratios refer to (needed with --ratios for ε > 0: that model's own T_d)",
    )
    parser.add_argument("--q", type=float, default=None, help="wavenumber of F_s (default: the model's)")
    args = parser.parse_args()
    model = MODELS[args.model]
    if args.non_additivity != 0.0 or args.td is not None:
        model = non_additive_model(model, args.non_additivity, args.td, parser)
    if args.q is not None:
        model = replace(model, wavenumber=lambda: args.q)
    if model.reference == "1" and args.temperatures is None:
        parser.error("--non-additivity without --td: give T* by --temperatures (this model's T_d is not known)")
    if args.ratios is not None and args.temperatures is not None:
        parser.error("give --ratios or --temperatures, not both")
    if args.temperatures is not None:
        ratios = [t / model.reference_temperature for t in args.temperatures]
    else:
        ratios = args.ratios or (list(DEFAULT_RATIOS) if model.name == "soft_spheres" else [2.0 / KA_T_MCT])
    out, figure_path = args.out or model.results, args.figure or model.figure
    q = model.wavenumber()
    key = model.ratio_key
    result = (
        json.loads(out.read_text())
        if out.exists()
        else {"method": __doc__, model.reference: model.reference_temperature, "machine": machine_info(), "points": []}
    )
    done = {
        (p["taper_order"], round(p[key], 6), p["n_particles"], p["seed"], p["budget"], p.get("non_additivity", 0.0))
        for p in result["points"]
    }
    for ratio in ratios:
        for name in args.tapers:
            taper = INFINITE_ORDER if name == "inf" else int(name)
            budget = args.budget or default_budget(ratio)
            if (taper, round(ratio, 6), args.n, args.seed, budget, args.non_additivity) in done:
                continue
            point = run_point(model, taper, ratio, args.n, args.seed, budget, q)
            result["points"].append(point)
            write_results(out, result, indent=1)
            rows = point["segments"]
            taus = ", ".join(
                f"{r['t_w']}:{'-' if r['tau_alpha'] is None else format(r['tau_alpha'], '.4g')}" for r in rows
            )
            print(
                f"m={name} T*/{model.reference}={ratio:.3g} (T*={point['temperature']:.4f}) step={point['step']:.4f} "
                f"t_w:tau_alpha [{taus}]; energy {[round(r['mean_energy'], 4) for r in rows]}; "
                f"stationary {point['stationary']}; crystalline {point['structure_end']['crystalline_particles']}; "
                f"size corr {point['structure_end']['size_neighbour_correlation']:.3f} "
                f"(shuffled {point['size_neighbour_correlation_shuffled']:.3f}); {point['wall_seconds']:.0f} s",
                flush=True,
            )
    if model.name == "kob_andersen":
        result["mct_fit"] = mct_fit(result)
        write_results(out, result, indent=1)
        for taper, fit in result["mct_fit"].items():
            print(
                f"m={taper}: T_c = {fit['T_c']:.3f} ± {fit['T_c_error']:.3f}, gamma = {fit['gamma']:.2f} "
                f"± {fit['gamma_error']:.2f} from T = {fit['temperatures']}"
            )
    figure(result, figure_path, model)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
