"""Measure the dynamical-arrest temperature T_d of the seed-001 soft-sphere model.

Model (seed ``001_d453c975fd50a4a2.txt``, eqs. 13–16 and Methods): polydisperse
soft spheres, P(a) ∝ a⁻³ on [0.73, 1.62] rescaled to ⟨a⟩ = 1, n = 12,
r_c = 1.955, taper T_2 (m = 2), number density 1, d = 3.

Method:

1. Independent replicas (chains), each from random positions melted at T = 5.
2. Down a temperature grid, each chain is equilibrated at T by swap Monte
   Carlo (p_swap = 0.2, |Δr| = 0.2); the structural decorrelation F_s(q, t)
   of the swap run itself is recorded as the equilibration check.
3. From the equilibrated configuration, plain Metropolis MC (p_swap = 0) is
   run with log-spaced frames until F_s(q, t) < 0.25; τ_α is where the
   self-intermediate scattering function F_s(q, τ_α) = 1/e, with q at the
   first peak of S(q) (measured first).
4. τ_α(T) (geometric mean over replicas) is fitted by the mode-coupling power
   law τ_α = A (T − T_d)^(−γ) for T ≤ ``--fit-max``; the uncertainty of T_d
   comes from a bootstrap over replicas (resampled at every T) and from the
   fit covariance; a Vogel–Fulcher–Tammann fit gives T_0 as a cross-check.

Usage::

    python studies/measure_td.py                      # N = 500, 4 replicas, 2 workers (~30 min)
    python studies/measure_td.py --non-additivity 0.2 # the non-additive model (issue 25 item 5), see below
    python studies/measure_td.py --n 1000 --replicas 8 --workers 8
    python studies/measure_td.py --reanalyse studies/results/td_measurement.json --fit-max 0.35

Result stored here (N = 500, 4 replicas, T ≤ 0.4): T_d = 0.144 ± 0.008
(bootstrap), 0.12–0.16 over fit ranges; see the JSON for τ_α(T).

Writes ``studies/results/td_measurement.json``.

Non-additive soft spheres (issue 25 item 5, fractionation control):
``--non-additivity ε`` runs the same measurement with the pair size
a_ij = (a_i + a_j)/2 · (1 − ε|a_i − a_j|) of Ninarello, Berthier & Coslovich
(PRX 7, 021039, 2017; ε = 0.2 there), the same taper (m = 2), cutoff and
diameters, and writes ``studies/results/td_measurement_nonadditive_{ε}.json``
unless ``--out`` is given (q of the first peak of S(q) is measured for that
model).  Its smaller a_ij of unlike pairs lowers the packing: at the same T
its energy is ≈ 0.6 of the additive one and a short unequilibrated smoke run (N = 128, 200
sweeps per T) relaxed ≈ 3 – 10× faster than the additive τ_α above, so T_d
lies well below 0.144 and the grid must reach lower.  The run for the lead
(not yet done; the additive one took 0.95 core-hours, this one has more and
colder points and MC ≈ 0.6× as fast per move (no swap pre-rejection): about
3 – 4 core-hours at N = 500, 4 replicas, one core)::

    taskset -c 0 env OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python studies/measure_td.py \
        --non-additivity 0.2 --n 500 --replicas 4 --workers 1 --fit-max 0.25 \
        --temperatures 0.4 0.3 0.25 0.2 0.17 0.15 0.13 0.12 0.11 0.1 0.095 0.09 \
        --checkpoint runs/td_nonadditive

(``--checkpoint``: each replica's state is saved after every temperature, so the
same line run again continues where a stopped session left it, with the same
numbers as an uninterrupted run.)

then choose the fit range from τ_α(T) (``--reanalyse … --fit-max``) as for
the additive model.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import time
from pathlib import Path

import numpy as np

from vdosbench.benchmark.machine import cpu_model
from vdosbench.generators import sample_diameters
from vdosbench.generators import MCSettings, run_swap_mc
from vdosbench.generators import soft_sphere_potential
from vdosbench.generators.glasses.relaxation import (
    fit_mct,
    fit_vft,
    log_spaced_sweeps,
    mc_trajectory,
    relaxation_time,
    self_intermediate_scattering,
    structure_factor,
)
from vdosbench.validators import stratified_bootstrap
from vdosbench.datasets.json_files import dumps_strict, loads_numbers

DEFAULT_GRID = (0.6, 0.5, 0.4, 0.35, 0.3, 0.27, 0.25, 0.23, 0.21, 0.2, 0.19, 0.18)
A_MIN, A_MAX = 0.73, 1.62
DENSITY = 1.0
STOP_BELOW = 0.25
MELT_TEMPERATURE = 5.0
METHOD = (
    "Per replica: random positions melted by swap MC at T=5, then down the T grid: swap-MC "
    "equilibration ({eq_sweeps} sweeps, p_swap=0.2, |dr|=0.2), then plain Metropolis MC "
    "(p_swap=0, |dr|=0.2) with log-spaced frames until F_s(q,t) < 0.25. F_s is the isotropic "
    "self-intermediate scattering function (mean of sin(q|dr|)/(q|dr|) over particles, unwrapped "
    "displacements) at q = first peak of S(q). tau_alpha: F_s(q, tau_alpha) = 1/e (linear "
    "interpolation in ln t), in MC sweeps. Fit: unweighted least squares of ln tau = ln A - gamma ln(T - T_d) "
    "to the replica mean of ln tau over T <= {fit_max}; T_d error: bootstrap over replicas (resampled at "
    "each T, same estimator); systematic: the same fit over other T ranges (fit_range_sensitivity); "
    "VFT ln tau = ln tau0 + B/(T - T0) as a cross-check."
)


def initial_state(n: int, rng: np.random.Generator, pot) -> tuple[np.ndarray, np.ndarray, float]:
    box = (n / DENSITY) ** (1.0 / 3.0)
    sizes = sample_diameters(n, rng)
    positions = rng.uniform(0.0, box, (n, 3))
    melt = run_swap_mc(
        positions,
        box,
        sizes,
        np.zeros(n, int),
        pot,
        MCSettings(temperature=MELT_TEMPERATURE, n_sweeps=300, record_every=300),
        rng,
    )
    return melt.positions, melt.sizes, box


def model_potential(non_additivity: float):
    """The measured model: seed-001 soft spheres, m = 2, with pair-size non-additivity ε (0: the seed's)."""
    return soft_sphere_potential(taper_order=2, non_additivity=non_additivity)


def measure_peak(n: int, seed: int, temperature: float, sweeps: int, non_additivity: float = 0.0) -> dict:
    """q of the first peak of S(q) from swap-equilibrated configurations at ``temperature``."""
    pot = model_potential(non_additivity)
    rng = np.random.default_rng(seed)
    positions, sizes, box = initial_state(n, rng, pot)
    res = run_swap_mc(
        positions,
        box,
        sizes,
        np.zeros(n, int),
        pot,
        MCSettings(temperature=temperature, n_sweeps=sweeps, record_every=sweeps),
        rng,
    )
    positions, sizes = res.positions, res.sizes
    s_sum = None
    for _ in range(5):
        res = run_swap_mc(
            positions,
            box,
            sizes,
            np.zeros(n, int),
            pot,
            MCSettings(temperature=temperature, n_sweeps=200, record_every=200),
            rng,
        )
        positions, sizes = res.positions, res.sizes
        q, s = structure_factor(positions, box, q_max=10.0, bin_width=0.25)
        s_sum = s if s_sum is None else s_sum + s
    s_mean = s_sum / 5
    window = (q > 4.0) & (q < 10.0)
    k = np.argmax(np.where(window, s_mean, -np.inf))
    return {
        "q_peak": float(q[k]),
        "s_peak": float(s_mean[k]),
        "q": q.tolist(),
        "s": s_mean.tolist(),
        "temperature": temperature,
        "bin_width": 0.25,
    }


def _checkpoint_paths(folder: Path, replica: int) -> tuple[Path, Path]:
    return folder / f"replica-{replica}.json", folder / f"replica-{replica}.npz"


def save_checkpoint(
    folder: Path,
    replica: int,
    key: dict,
    out: list[dict],
    positions: np.ndarray,
    sizes: np.ndarray,
    box: float,
    rng: np.random.Generator,
) -> None:
    """The replica's state after its last finished temperature: results so far, configuration and the
    generator's state, each written to a temporary name and renamed (never a half-written checkpoint)."""
    folder.mkdir(parents=True, exist_ok=True)
    meta, arrays = _checkpoint_paths(folder, replica)
    tmp = arrays.with_name(arrays.stem + ".tmp.npz")
    np.savez(tmp, positions=positions, sizes=sizes, box=np.array(box))
    os.replace(tmp, arrays)
    doc = {"key": key, "results": out, "rng_state": rng.bit_generator.state}
    tmp_meta = meta.with_name(meta.name + ".tmp")
    tmp_meta.write_text(dumps_strict(doc, default=float))
    os.replace(tmp_meta, meta)


def load_checkpoint(
    folder: Path, replica: int, key: dict
) -> tuple[list[dict], np.ndarray, np.ndarray, float, dict] | None:
    """A replica's saved state, or ``None`` when there is none; refuses one made with other parameters."""
    meta, arrays = _checkpoint_paths(folder, replica)
    if not meta.exists():
        return None
    doc = loads_numbers(meta.read_text())
    if doc["key"] != key:
        raise SystemExit(
            f"{meta} was made with {doc['key']}, this run asks for {key}; use another --checkpoint "
            "folder or the same parameters"
        )
    with np.load(arrays) as a:
        return doc["results"], a["positions"], a["sizes"], float(a["box"]), doc["rng_state"]


def run_chain(args: tuple) -> dict:
    """One replica down the temperature grid: swap equilibration, then plain-MC τ_α at each T.

    With a checkpoint folder (the last element of ``args``, or ``None``) the replica's state is saved after
    every temperature and a re-run continues from it: the same numbers as an uninterrupted run.
    """
    replica, seed_seq, n, grid, q, eq_sweeps, max_sweeps, non_additivity, checkpoint = args
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    pot = model_potential(non_additivity)
    rng = np.random.default_rng(seed_seq)
    species = np.zeros(n, int)
    key = {
        "replica": replica,
        "n": n,
        "q": q,
        "eq_sweeps": eq_sweeps,
        "max_sweeps": max_sweeps,
        "non_additivity": non_additivity,
        "entropy": int(seed_seq.entropy),
        "spawn_key": list(seed_seq.spawn_key),
    }
    saved = load_checkpoint(checkpoint, replica, key) if checkpoint is not None else None
    if saved is None:
        positions, sizes, box = initial_state(n, rng, pot)
        out: list[dict] = []
    else:
        out, positions, sizes, box, state = saved
        rng.bit_generator.state = state
        done = [r["temperature"] for r in out]
        if done != list(grid[: len(done)]):
            raise SystemExit(
                f"checkpoint of replica {replica} has temperatures {done}, not the start of the grid "
                f"{list(grid)}; use another --checkpoint folder or extend the grid only downwards"
            )
        print(f"replica {replica}: resumed after T = {done[-1] if done else 'start'}", flush=True)
    for temperature in grid[len(out) :]:
        t0 = time.perf_counter()
        eq = run_swap_mc(
            positions,
            box,
            sizes,
            species,
            pot,
            MCSettings(temperature=temperature, n_sweeps=eq_sweeps, record_every=max(1, eq_sweeps // 20)),
            rng,
        )
        positions, sizes = eq.positions, eq.sizes
        fs_swap = float(self_intermediate_scattering(eq.displacement, q)[0])
        half = eq.energy_trace.size // 2
        traj = mc_trajectory(
            positions,
            box,
            sizes,
            species,
            pot,
            temperature,
            log_spaced_sweeps(max_sweeps, 8),
            rng,
            q=q,
            stop_below=STOP_BELOW,
        )
        fs = self_intermediate_scattering(traj.displacements, q)
        tau = relaxation_time(traj.sweeps, fs)
        out.append(
            {
                "temperature": temperature,
                "tau_alpha": tau,
                "swap_equilibration_sweeps": eq_sweeps,
                "swap_acceptance": eq.acceptance_swap,
                "swap_displacement_acceptance": eq.acceptance_displacement,
                "fs_after_swap_equilibration": fs_swap,
                "energy_first_half": float(np.mean(eq.energy_trace[1 : half + 1])),
                "energy_second_half": float(np.mean(eq.energy_trace[half + 1 :])),
                "plain_mc_acceptance": traj.acceptance,
                "plain_mc_sweeps": int(traj.sweeps[-1]),
                "fs_sweeps": traj.sweeps.tolist(),
                "fs": fs.tolist(),
                "wall_seconds": time.perf_counter() - t0,
            }
        )
        print(
            f"replica {replica} T={temperature:.3f} tau={tau:.4g} sweeps={traj.sweeps[-1]} "
            f"Fs(swap eq)={fs_swap:.3f} acc={traj.acceptance:.3f} {time.perf_counter() - t0:.1f}s",
            flush=True,
        )
        if checkpoint is not None:
            save_checkpoint(checkpoint, replica, key, out, positions, sizes, box, rng)
    return {"replica": replica, "results": out}


def bootstrap_fits(temperature: np.ndarray, log_tau: np.ndarray, rng: np.random.Generator, n_boot: int):
    """Refit after resampling replicas (columns of ``log_tau``, shape (n_T, n_replicas)) at every T.

    Each bootstrap sample uses the same estimator as the point estimate: the
    unweighted least-squares fit of the replica mean of ln τ.  The replicas
    are resampled independently at each temperature (the temperatures are the
    strata of :func:`vdosbench.validators.stratified_bootstrap`); a fit that
    fails (RuntimeError) drops that replicate from its parameter's sample.
    """
    n_t, n_r = log_tau.shape

    def statistic(picks: list[np.ndarray]) -> tuple[float, float]:
        mean = np.take_along_axis(log_tau, np.stack(picks), axis=1).mean(axis=1)
        fits = []
        for fit, name in ((fit_mct, "t_d"), (fit_vft, "t_0")):
            try:
                fits.append(getattr(fit(temperature, np.exp(mean)), name))
            except RuntimeError:
                fits.append(np.nan)
        return fits[0], fits[1]

    reps = stratified_bootstrap(statistic, [n_r] * n_t, n_boot, rng)
    t_d, t_0 = reps[:, 0], reps[:, 1]
    return t_d[~np.isnan(t_d)], t_0[~np.isnan(t_0)]


def analyse(temperature: np.ndarray, tau: np.ndarray, fit_max: float, seed: int, n_boot: int) -> dict:
    """Fits of τ_α(T) (``tau`` (n_T, n_replicas), sweeps) and their uncertainties.

    Point estimates: unweighted least squares of the replica mean of ln τ
    over T ≤ ``fit_max`` (every replica decayed); uncertainty: bootstrap over
    replicas; systematic: the same fit over other T ranges.
    """
    n_rep = tau.shape[1]
    complete = np.all(np.isfinite(tau), axis=1)
    log_tau = np.log(tau)
    mean_log = np.where(complete, log_tau.mean(axis=1), np.nan)
    sem_log = np.where(complete, log_tau.std(axis=1, ddof=1) / np.sqrt(n_rep), np.nan)
    use = complete & (temperature <= fit_max + 1e-12)
    mct = fit_mct(temperature[use], np.exp(mean_log[use]))
    vft = fit_vft(temperature[use], np.exp(mean_log[use]))
    boot_td, boot_t0 = bootstrap_fits(temperature[use], log_tau[use], np.random.default_rng(seed + 1), n_boot)
    sensitivity = {}
    for t_max in (0.3, 0.35, 0.4, 0.5, 0.6):
        sel = complete & (temperature <= t_max + 1e-12)
        if sel.sum() >= 4:
            f = fit_mct(temperature[sel], np.exp(mean_log[sel]))
            sensitivity[f"T_le_{t_max}"] = {
                "t_d": f.t_d,
                "t_d_error_covariance": f.t_d_error,
                "gamma": f.gamma,
                "residual_rms_log_tau": f.residual_rms,
            }
    for t_min in (0.19, 0.2, 0.21):
        sel = complete & (temperature <= fit_max + 1e-12) & (temperature >= t_min - 1e-12)
        if sel.sum() >= 4:
            f = fit_mct(temperature[sel], np.exp(mean_log[sel]))
            sensitivity[f"{t_min}_le_T_le_{fit_max}"] = {
                "t_d": f.t_d,
                "t_d_error_covariance": f.t_d_error,
                "gamma": f.gamma,
            }
    t_d_err = float(np.std(boot_td, ddof=1))
    range_td = [v["t_d"] for v in sensitivity.values()]
    return {
        "tau_alpha_geometric_mean": np.exp(mean_log).tolist(),
        "log_tau_standard_error": sem_log.tolist(),
        "all_replicas_decayed": complete.tolist(),
        "fit_temperatures": temperature[use].tolist(),
        "mct_fit": {
            "t_d": mct.t_d,
            "t_d_error_covariance": mct.t_d_error,
            "gamma": mct.gamma,
            "amplitude_sweeps": mct.amplitude,
            "residual_rms_log_tau": mct.residual_rms,
        },
        "vft_fit": {
            "t_0": vft.t_0,
            "t_0_error_covariance": vft.t_0_error,
            "b": vft.b,
            "tau_0_sweeps": vft.tau_0,
            "residual_rms_log_tau": vft.residual_rms,
        },
        "bootstrap": {
            "samples": int(boot_td.size),
            "t_d_mean": float(boot_td.mean()),
            "t_d_std": t_d_err,
            "t_d_percentiles_2.5_50_97.5": np.percentile(boot_td, [2.5, 50, 97.5]).tolist(),
            "t_0_std": float(np.std(boot_t0, ddof=1)) if boot_t0.size > 1 else None,
        },
        "fit_range_sensitivity": sensitivity,
        "T_d": mct.t_d,
        "T_d_error": t_d_err,
        "T_d_systematic_fit_range": [float(min(range_td)), float(max(range_td))],
    }


def equilibration_check(per_temperature: list[dict], threshold: float = 0.1) -> dict:
    """Temperatures where the swap-MC equilibration left F_s(q, t_eq) above ``threshold`` in some replica.

    F_s of the swap run itself measures how far the structure decorrelated
    during equilibration; well above 0 means fewer than a few swap
    relaxation times, so τ_α there may be biased low (less stable states).
    """
    by_t: dict[float, float] = {}
    for row in per_temperature:
        t = row["temperature"]
        by_t[t] = max(by_t.get(t, -1.0), row["fs_after_swap_equilibration"])
    return {
        "max_fs_after_swap_equilibration": {str(t): v for t, v in sorted(by_t.items(), reverse=True)},
        "threshold": threshold,
        "incompletely_equilibrated_temperatures": sorted((t for t, v in by_t.items() if v > threshold), reverse=True),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="particles (default 500)")
    parser.add_argument("--replicas", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--temperatures", type=float, nargs="+", default=list(DEFAULT_GRID))
    parser.add_argument("--eq-sweeps", type=int, default=20_000, help="swap-MC sweeps at each T")
    parser.add_argument("--max-sweeps", type=int, default=300_000, help="cap on plain-MC sweeps at each T")
    parser.add_argument("--fit-max", type=float, default=0.4, help="fit T ≤ this")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--bootstrap", type=int, default=2000)
    parser.add_argument(
        "--non-additivity",
        type=float,
        default=0.0,
        help="ε of a_ij = (a_i + a_j)/2 (1 − ε|a_i − a_j|) (default 0: the seed's additive model; "
        "0.2: Ninarello et al. 2017)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results JSON (default studies/results/td_measurement.json, or "
        "td_measurement_nonadditive_{ε}.json for ε > 0)",
    )
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        help="folder for each replica's state after every temperature; a re-run with the same "
        "folder and parameters continues where the last one stopped (e.g. runs/td_nonadditive)",
    )
    parser.add_argument(
        "--reanalyse",
        type=Path,
        default=None,
        help="redo only the fits from the τ_α stored in this JSON (written back to --out)",
    )
    args = parser.parse_args()
    try:  # a bad ε fails here, not in a worker
        model_potential(args.non_additivity).check_sizes(np.array([A_MIN, A_MAX]))
    except ValueError as e:
        parser.error(str(e))
    if args.out is None:
        name = (
            "td_measurement.json"
            if args.non_additivity == 0
            else f"td_measurement_nonadditive_{args.non_additivity:g}.json"
        )
        args.out = Path(__file__).parent / "results" / name

    if args.reanalyse is not None:
        result = json.loads(args.reanalyse.read_text())
        result["fit_max"] = args.fit_max
        result["method"] = METHOD.format(eq_sweeps=result["eq_sweeps"], fit_max=args.fit_max)
        result |= analyse(
            np.array(result["temperatures"]),
            np.array(result["tau_alpha_per_replica"], dtype=float),
            args.fit_max,
            result["seed"],
            args.bootstrap,
        )
        result["equilibration_check"] = equilibration_check(result["per_temperature"])
        write_and_report(result, args.out)
        return

    t_start = time.perf_counter()
    grid = sorted(args.temperatures, reverse=True)
    peak = measure_peak(args.n, args.seed, temperature=0.25, sweeps=3000, non_additivity=args.non_additivity)
    q = peak["q_peak"]
    print(f"S(q) first peak at q = {q:.3f} (S = {peak['s_peak']:.2f})", flush=True)
    seeds = np.random.SeedSequence(args.seed).spawn(args.replicas)
    jobs = [
        (r, seeds[r], args.n, grid, q, args.eq_sweeps, args.max_sweeps, args.non_additivity, args.checkpoint)
        for r in range(args.replicas)
    ]
    if args.workers > 1:
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            chains = pool.map(run_chain, jobs)
    else:
        chains = [run_chain(job) for job in jobs]

    temperature = np.array(grid)
    tau = np.array([[c["results"][k]["tau_alpha"] for c in chains] for k in range(len(grid))])  # (n_T, n_rep)
    result = {
        "model": {
            "potential": "soft_sphere",
            "exponent_n": 12,
            "r_cut": 1.955,
            "taper_order": 2,
            "dimension": 3,
            "number_density": DENSITY,
            "size_distribution": "P(a) ∝ a^-3 on [0.73, 1.62], rescaled to mean 1",
            "reference": "seed 001_d453c975fd50a4a2.txt eqs. 13-16, Methods 'Simulation details'",
            "non_additivity": args.non_additivity,
            "pair_size": "a_ij = (a_i + a_j)/2 (1 - non_additivity |a_i - a_j|) (Ninarello, Berthier, Coslovich, "
            "PRX 7, 021039, 2017, for non_additivity > 0)",
        },
        "method": METHOD.format(eq_sweeps=args.eq_sweeps, fit_max=args.fit_max),
        "n_particles": args.n,
        "replicas": args.replicas,
        "seed": args.seed,
        "replica_seeds": {"scheme": "numpy.random.SeedSequence(seed).spawn(replicas)", "entropy": args.seed},
        "q": q,
        "structure_factor": peak,
        "temperatures": grid,
        "tau_alpha_per_replica": tau.tolist(),
        "fit_max": args.fit_max,
        "per_temperature": [
            {k: v for k, v in c["results"][i].items()} | {"replica": c["replica"]}
            for i in range(len(grid))
            for c in chains
        ],
        "eq_sweeps": args.eq_sweeps,
        "max_plain_sweeps": args.max_sweeps,
        "machine": {"platform": platform.platform(), "cpu": cpu_model(), "workers": args.workers},
        "wall_seconds": time.perf_counter() - t_start,
    }
    result |= analyse(temperature, tau, args.fit_max, args.seed, args.bootstrap)
    result["equilibration_check"] = equilibration_check(result["per_temperature"])
    write_and_report(result, args.out)


def write_and_report(result: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps_strict(result, indent=1, default=float))
    mct, vft = result["mct_fit"], result["vft_fit"]
    lo, hi = result["T_d_systematic_fit_range"]
    print(
        f"T_d = {mct['t_d']:.4f} ± {result['T_d_error']:.4f} (MCT, gamma = {mct['gamma']:.2f}; "
        f"fit-range spread {lo:.3f}–{hi:.3f}); VFT T_0 = {vft['t_0']:.4f}; "
        f"simulation wall {result['wall_seconds']:.0f} s",
        flush=True,
    )
    for t, m in zip(result["temperatures"], result["tau_alpha_geometric_mean"]):
        print(f"  T = {t:.3f}  tau_alpha = {m:.4g} sweeps")


if __name__ == "__main__":
    main()
