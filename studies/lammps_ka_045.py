"""Kob–Andersen N = 1000 at T* = 0.45 made by LAMMPS, staged and resumable (issue 27, item 2).

The potential is by default **the seed's tapered Kob–Andersen (m = 2), the one vdosbench's own T* = 0.45 sets
use**, given to LAMMPS as ``pair_style table spline`` (:func:`vdosbench.benchmark.lammps_runtime.kob_andersen_table`:
φ and −φ′ of vdosbench's kernels at 20 000 points a pair from 0.5 σ_ab to r_c = 2.5 σ_ab; in a 250-particle liquid
at T* = 1 the energy agrees with a brute-force sum of vdosbench's potential over pairs to 6 × 10⁻¹⁴ and the forces
to 3 × 10⁻¹³ of the largest, m = 2 and m = ∞; ``tests/benchmark/test_lammps_table.py`` holds them to 10⁻¹⁰ and 10⁻⁸),
declared ``taper_order = 2``.  Its T_c is 0.352 (m = 2), so T* = 0.45 is ≈ 1.28 T_c, and the comparison with
vdosbench's sets is the same potential at the same T*, made by another code's dynamics (MD, not swap Monte
Carlo), minimiser and dynamical matrix.  The tapered samples land in ``run_states/lammps_ka_045_m2/`` and the
summary goes to ``results/lammps_ka_045_m2.json``.

``--taper-order 0`` selects the truncated-and-shifted potential of ``studies/lammps_ka.py``: ``pair_style lj/cut``
2.5 σ_ab with ``pair_modify shift yes`` (force jump at r_c), declared ``taper_order = 0``.  That is the published
Kob–Andersen form (Kob & Andersen 1995), whose T_MCT = 0.435: T* = 0.45 is ≈ 1.03 T_MCT there, a deeper
supercooled state than the seed's taper at the same T* (T_c 0.352 ± 0.014 for m = 2 and 0.364 ± 0.005 for
m = ∞, ``docs/findings/low-tstar.md``).  Its sample 0 stays landed in ``studies/run_states/lammps_ka_045/``.  The
comparison with vdosbench's s at T* = 0.45 (``studies/results/low_tstar_ka.json``, copied into the summary by
:func:`vdosbench_ka_points`) is across that difference.

Per sample (one LAMMPS, one core): random start, melt 20 LJ time at T = 2 (NVT Nosé–Hoover, dt = 0.002),
velocities rescaled to 0.45, then NVT at 0.45 (T_damp = 0.5, dt = 0.005) in segments of ``--segment-time``.
After each segment: ``write_restart`` to ``sN.restart.tmp`` then ``os.replace`` to ``sN.restart``, and the
sample's state ``sN.json`` (same temp-then-rename): segment index, total time, V/N at ``--energy-every`` steps,
and F_s(q = 7.25, t) of the A particles within the segment (→ τ_α(t_w) of that segment): from the segment's start
at lags below ``--origin-every`` (geometric), and averaged over every pair of frames ``--origin-every`` apart at
longer lags (multiple time origins, :func:`segment_fs`); the single-origin τ_α is stored too
(``tau_alpha_single_origin``).  A re-run reads ``sN.json`` and ``read_restart sN.restart`` and continues.

After every segment the sample's state and structure are also landed in ``--landed`` (default
``studies/run_states/lammps_ka_045/``, :func:`land`): ``sN.state.json.gz`` (segments, F_s, the whole V/N trace, the
rule's verdict) and ``sN.data.gz`` (``write_data``: positions, image flags, velocities); a done sample lands
``sN.npz`` instead of the data file (its eigenvalues from LAMMPS's dynamical matrix, the inherent structure's
positions, species and box; the 72 MB matrix itself stays in the work folder).  A session commits that folder;
a later one, on a machine without the work folder, continues each sample from it (``read_data``: the same
positions and velocities, the thermostat's own variables from zero, recorded in ``resumed_from_landed_at``), and
the export reads the landed ``sN.npz``.  ``--land-only`` lands a work folder written by an earlier version of this
script.

Equilibrium rule (:func:`equilibrated`; ``benchmark/registrations/lammps-ka-equilibrium.toml``, whose numbers this
module reads; registered before any T = 0.45 data and amended before any sample passed or was quenched:
``docs/findings/low-tstar.md``, History), with τ_k the τ_α of segment k (F_s reaching
1/e inside the segment): a sample is equilibrated after segment n when

1. **no ageing of τ_α**: the segments that start in the last half of the trace (at least
   ``MIN_LATE_SEGMENTS`` = 5, every one reaching 1/e) show no growth of τ_α with time: Spearman's rank
   correlation of τ_k with k, one-sided (growth), p ≥ ``TREND_P`` = 0.05;
2. the energy drift of V/N over the last half of the whole 0.45 trace
   (``generators/glasses/energy_drift.energy_drift``, 10 blocks, 95 %) is consistent with 0;
3. **the same wait as vdosbench's own chains**: the time at 0.45 is ≥ ``TAU_MULTIPLE`` = 40 τ̄_α, τ̄_α the
   median τ_k of those segments (vdosbench's Kob–Andersen and soft-sphere chains run 40 τ_α before their first
   structure).

Then ``minimize 0 1e-10 20000 200000`` (cg, quadratic line search), ``write_data`` and
``dynamical_matrix all regular 1e-6 file sN.dyn binary yes``; ``sN.json`` gets ``"done": true``.  Segments must be
longer than a few τ_α for F_s to reach 1/e inside them (``--segment-time`` ≥ 3 τ_α).  The segment length is read on
every invocation, so a run whose segments keep ending above 1/e after ageing is continued with a longer
``--segment-time`` (the rule only looks at each segment's own τ_α).  ``--budget-seconds`` is checked after each
segment (every invocation lands at least one): the run stops cleanly after the segment that crosses it, and
no further sample is started.  ``--rule-report JSON`` writes the rule's numbers for every sample state.

Cost, tapered m = 2 (N = 1000, one core with the other busy): τ_α ≈ 9.2 – 9.7 LJ time (median of each sample's
last 5 segments of 100), so all 5 samples passed the rule at 1000 LJ time (40 τ_α ≈ 370), 721 – 801 s of wall a
sample (0.75 s per LJ time with F_s origins every LJ time, ``--origin-every 1``): 3754 s for the set.  The
truncated form's costs (τ_α ≈ 1200 LJ time and more, ≥ 1.5 core-hours a sample) are in the findings page's
History.

Background job (one core, resumable, re-run the same line to go on; commit ``studies/run_states/lammps_ka_045_m2/``
before the session stops)::

    taskset -c 1 env OMP_NUM_THREADS=1 python studies/lammps_ka_045.py \\
        --work runs/lammps_ka_045_m2 --samples 5 --segment-time 100 --origin-every 1 --budget-seconds 3600

(with ``--taper-order 0 --work runs/lammps_ka_045 --segment-time 10000`` instead, the truncated form goes on).

When ``--samples`` samples are done it exports ``lammps_ka_045.npz`` and the
sidecar and runs ``vdosbench score`` (with ``--export-only`` it does only
that); the summary goes to ``studies/results/lammps_ka_045.json``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

from vdosbench.benchmark import load_registration
from vdosbench.benchmark.lammps_runtime import (
    kob_andersen_commands,
    kob_andersen_table,
    random_kob_andersen_commands,
    start_lammps,
    tapered_kob_andersen_commands,
    unwrapped_positions,
)
from vdosbench.datasets import load_catalog
from vdosbench.datasets.io import temporary_path, write_bytes, write_text
from vdosbench.datasets.json_files import dumps_strict, loads_numbers
from vdosbench.generators.glasses.energy_drift import energy_drift
from vdosbench.generators import INFINITE_ORDER
from vdosbench.generators import relaxation_time, self_intermediate_scattering
from vdosbench.validators.results.registry import study_measure

#: The equilibrium rule (benchmark/registrations/lammps-ka-equilibrium.toml): its numbers are read from there.
RULE = load_registration("lammps-ka-equilibrium")
Q_FS = float(RULE.claim("equilibrium.no-tau-ageing").settings["fs_wavenumber"])
MIN_LATE_SEGMENTS = int(RULE.claim("equilibrium.no-tau-ageing").settings["min_late_segments"])
TREND_P = float(RULE.claim("equilibrium.no-tau-ageing").expect.value)
TAU_MULTIPLE = float(RULE.claim("equilibrium.wait").expect.value)
RESULTS = Path(__file__).parent / "results"
#: Run states (the landed samples a later run continues from) live beside the results, not among them (issue 66).
STATES = Path(__file__).parent / "run_states"
#: Where the truncated-and-shifted form (``--taper-order 0``) lands and writes its summary; the tapered forms use
#: ``lammps_ka_045_m{taper}`` (:func:`default_paths`).
RESULT = RESULTS / "lammps_ka_045.json"
LANDED = STATES / "lammps_ka_045"
#: ``--taper-order`` values: "0" the truncated-and-shifted ``lj/cut`` form, "2" and "inf" the seed's taper through
#: ``pair_style table`` (module docstring).
TAPERS = {"0": 0, "2": 2, "inf": INFINITE_ORDER}
#: Points per pair of the table file (:func:`vdosbench.benchmark.lammps_runtime.kob_andersen_table`).
TABLE_POINTS = 20000


def default_paths(taper: str) -> tuple[Path, Path]:
    """(landed folder, summary JSON) of a ``--taper-order``: the earlier names for "0", ``…_m{taper}`` otherwise.

    Examples
    --------
    >>> [p.name for p in default_paths("2")]
    ['lammps_ka_045_m2', 'lammps_ka_045_m2.json']
    """
    if taper == "0":
        return LANDED, RESULT
    return STATES / f"lammps_ka_045_m{taper}", RESULTS / f"lammps_ka_045_m{taper}.json"


def potential_commands(args: argparse.Namespace) -> str:
    """The potential's LAMMPS lines for ``args.taper_order``: ``lj/cut`` shifted for "0", else the table of
    vdosbench's own tapered potential, written to ``args.work / "ka_m{taper}.table"`` (the same bytes on every
    invocation)."""
    if args.taper_order == "0":
        return kob_andersen_commands()
    table = args.work / f"ka_m{args.taper_order}.table"
    text = kob_andersen_table(TAPERS[args.taper_order], n_points=TABLE_POINTS)
    if not table.exists() or table.read_text() != text:
        write_text(table, text)
    return tapered_kob_andersen_commands(table, n_table=TABLE_POINTS)


def write_json_atomic(path: Path, obj: dict) -> None:
    """Write ``obj`` as JSON to ``path`` atomically (:func:`vdosbench.datasets.io.write_text`)."""
    write_text(path, dumps_strict(obj, indent=1, default=float) + "\n")


def _gzip(data: bytes) -> bytes:
    """``data`` gzipped with no time stamp, so that landing the same state twice gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def landed_state(landed: Path, sample: int) -> dict | None:
    """The state of ``sample`` landed in ``landed`` (``sN.state.json.gz``), or ``None`` when none is."""
    path = landed / f"s{sample}.state.json.gz"
    return loads_numbers(gzip.decompress(path.read_bytes())) if path.exists() else None


def land(lmp: object, state: dict, landed: Path) -> None:
    """Land one sample's state in ``landed`` so that a later session, on another machine, continues or scores it.

    Writes ``sN.state.json.gz`` (the whole state: segments, F_s, the V/N trace, the rule's verdict) and, for a
    sample still running, ``sN.data.gz`` (``write_data`` of the LAMMPS instance ``lmp`` holds now: positions,
    image flags, velocities); for a done sample, instead, ``sN.npz`` (its eigenvalues from the dynamical
    matrix, the inherent structure's positions, species and box: what :func:`export_and_score` reads) and the
    data file is removed.  Every file goes through a temporary name and a rename, the state last, so that a
    landed state never points at a half-written structure.
    """
    landed.mkdir(parents=True, exist_ok=True)
    sample = state["sample"]
    if state.get("done"):
        from vdosbench.benchmark.adapters import read

        ds = read(
            [state["dynmat"]],
            format="lammps-dynmat",
            data_file=[state["data"]],
            unit_style="lj",
            zero_modes=3,
            binary=True,
        )
        buffer = io.BytesIO()
        np.savez(
            buffer,
            eigenvalues=ds["eigenvalue"].values[0],
            positions=ds["position"].values[0],
            box_length=ds["box_length"].values[0],
            species=ds["species"].values[0],
        )
        write_bytes(landed / f"s{sample}.npz", buffer.getvalue())
        (landed / f"s{sample}.data.gz").unlink(missing_ok=True)
    else:
        plain = temporary_path(landed / f"s{sample}.data")
        try:
            lmp.command(f"write_data {plain} nocoeff")  # type: ignore[attr-defined]
            write_bytes(landed / f"s{sample}.data.gz", _gzip(plain.read_bytes()))
        finally:
            plain.unlink(missing_ok=True)
    kept = {k: v for k, v in state.items() if k not in ("dynmat", "data")}
    write_bytes(landed / f"s{sample}.state.json.gz", _gzip(dumps_strict(kept, default=float).encode()))


def land_work(args: argparse.Namespace) -> list[int]:
    """Land every sample state of the work folder ``args.work`` (``sN.json``, ``sN.restart``) in ``args.landed``;
    returns the samples landed.  For a run of an earlier version of this script, or one stopped before it
    landed its last segment."""
    work, landed, done = args.work, args.landed, []
    potential = potential_commands(args)
    for state in _states(work, "s*.json"):
        if state.get("done"):
            land(None, state, landed)
        else:
            lmp = start_lammps()
            try:
                _resume(lmp, work / f"s{state['sample']}.restart", potential)
                land(lmp, state, landed)
            finally:
                lmp.close()  # type: ignore[attr-defined]
        done.append(state["sample"])
    return done


def _states(folder: Path, pattern: str) -> list[dict]:
    """The sample states in ``folder`` whose names match ``pattern`` (``s*.json`` of a work folder,
    ``s*.state.json.gz`` of the landed one), by sample."""
    out = []
    for path in folder.glob(pattern):
        stem = path.name.split(".")[0]
        if stem[1:].isdigit():
            raw = path.read_bytes()
            out.append(loads_numbers(gzip.decompress(raw) if path.suffix == ".gz" else raw))
    return sorted(out, key=lambda st: st["sample"])


@study_measure("lammps_ka.spearman_growth_p", "lammps_ka.energy_drift", "lammps_ka.wait_in_tau_alpha")
def rule_details(state: dict) -> dict:
    """The numbers the equilibrium rule looks at (module docstring), for the record.

    Returns every segment's span and τ_α, the late segments' τ_α, their median, Spearman's ρ and one-sided p of
    τ_k against k, the energy drift over the last half (value, 95 % interval) and the time at the target
    temperature.
    """
    late = [seg for seg in state["segments"] if seg["start"] >= state["time"] / 2]
    taus = np.array([seg["tau_alpha"] for seg in late], dtype=float)
    out: dict = {
        "time": float(state["time"]),
        "late_segments": len(late),
        "late_tau_alpha": taus.tolist(),
        "segments": [
            {"start": seg["start"], "end": seg["end"], "tau_alpha": seg["tau_alpha"]} for seg in state["segments"]
        ],
    }
    if taus.size >= 2 and np.all(np.isfinite(taus)):
        trend = stats.spearmanr(np.arange(taus.size), taus, alternative="greater")
        out.update(
            tau_alpha_median=float(np.median(taus)),
            spearman_rho=float(trend.statistic),
            spearman_p_growth=float(trend.pvalue),
        )
    try:
        drift = energy_drift(np.asarray(state["energy_time"]), np.asarray(state["energy"]))
    except ValueError as e:  # too short a trace for the drift's blocks
        out["energy_drift_last_half"] = {"error": str(e), "consistent_with_zero": False}
        return out
    out["energy_drift_last_half"] = {
        "drift": drift.drift,
        "low": drift.low,
        "high": drift.high,
        "consistent_with_zero": bool(drift.consistent_with_zero),
    }
    return out


def equilibrated(state: dict) -> tuple[bool, str]:
    """The equilibrium rule of the module docstring on a sample state; returns (passed, why).

    ``state["segments"]`` is a list of dicts with ``tau_alpha`` (NaN when F_s did not reach 1/e),
    ``start`` and ``end`` (time at the target temperature); ``state["time"]`` the time at that temperature;
    ``state["energy_time"]`` and ``state["energy"]`` the V/N trace at that temperature.
    """
    return judge_details(rule_details(state))


def judge_details(d: dict) -> tuple[bool, str]:
    """The equilibrium rule on the numbers of :func:`rule_details` (those a rule report stores); (passed, why)."""
    if d["late_segments"] < MIN_LATE_SEGMENTS:
        return False, f"{d['late_segments']} segments in the last half of the trace, need {MIN_LATE_SEGMENTS}"
    if "tau_alpha_median" not in d:
        return False, "F_s did not reach 1/e in a segment of the last half"
    if d["spearman_p_growth"] < TREND_P:
        return False, (
            f"tau_alpha grows over the last half: Spearman rho = {d['spearman_rho']:.2f}, "
            f"p = {d['spearman_p_growth']:.3g}"
        )
    drift = d["energy_drift_last_half"]
    if "error" in drift:
        return False, f"energy drift not measurable: {drift['error']}"
    if not drift["consistent_with_zero"]:
        return False, f"energy drift {drift['drift']:.3g} [{drift['low']:.3g}, {drift['high']:.3g}] excludes 0"
    tau = d["tau_alpha_median"]
    if d["time"] < TAU_MULTIPLE * tau:
        return False, f"{d['time']:g} LJ time < {TAU_MULTIPLE:g} tau_alpha = {TAU_MULTIPLE * tau:g}"
    return True, (
        f"tau_alpha = {tau:.4g} (median of {d['late_segments']} segments) without growth "
        f"(p = {d['spearman_p_growth']:.2f}), drift consistent with 0, {d['time']:g} >= "
        f"{TAU_MULTIPLE:g} tau_alpha"
    )


def _setup(lmp: object, args: argparse.Namespace, seed: int) -> None:
    lmp.commands_string(  # type: ignore[attr-defined]
        random_kob_andersen_commands(args.n_a, args.n_b, args.density, seed, potential_commands(args))
        + f"""
        velocity all create {args.melt_temperature} {seed + 2} mom yes dist gaussian
        fix nvt all nvt temp {args.melt_temperature} {args.melt_temperature} 0.2
        timestep 0.002
        run {round(args.melt_time / 0.002)}
        unfix nvt
        velocity all scale {args.temperature}
        """
    )


def _resume(lmp: object, start: Path, potential: str) -> None:
    """Continue from ``start``: this machine's binary restart (``sN.restart``, bitwise with the thermostat's
    state) or a landed data file with velocities (``sN.data`` unpacked from ``sN.data.gz``: positions, image
    flags and velocities exact; the Nosé–Hoover variables start from zero, a change of the trajectory but not of
    the ensemble)."""
    read = "read_restart" if start.suffix == ".restart" else "read_data"
    lmp.commands_string(  # type: ignore[attr-defined]
        f"""
        units lj
        atom_style atomic
        atom_modify map array sort 0 0.0
        {read} {start}
        {potential}
        """
    )


def segment_fs(
    frames: np.ndarray,
    spacing: float,
    short_time: list[float],
    short_fs: list[float],
) -> tuple[np.ndarray, np.ndarray]:
    """F_s(q, t) of one segment: ``short_*`` (from the segment's start) below ``spacing``, then the mean over
    every pair of ``frames`` (unwrapped A positions, one every ``spacing`` from the start) k·spacing apart.

    Examples
    --------
    >>> frames = np.zeros((4, 2, 3)); frames[:, 1, 0] = np.arange(4) * 0.1   # one particle drifts
    >>> t, fs = segment_fs(frames, 10.0, [0.0, 1.0], [1.0, 0.99])
    >>> t.tolist()
    [0.0, 1.0, 10.0, 20.0, 30.0]
    >>> bool(fs[2] > fs[3] > fs[4])
    True
    """
    times, values = (
        [float(t) for t in short_time if t < spacing],
        [float(f) for t, f in zip(short_time, short_fs) if t < spacing],
    )
    for k in range(1, frames.shape[0]):
        times.append(k * spacing)
        values.append(float(self_intermediate_scattering(frames[k:] - frames[:-k], Q_FS).mean()))
    return np.array(times), np.array(values)


def run_segment(lmp: object, args: argparse.Namespace, state: dict, is_a: np.ndarray) -> None:
    """One NVT segment at the target temperature; appends its record to ``state``."""
    dt, n = args.dt, round(args.segment_time / args.dt)
    every = max(1, round(args.energy_every / dt))
    origin = max(1, round(args.origin_every / dt))
    fs_steps = set(np.unique(np.geomspace(1, n, 40).astype(int)).tolist())
    origin_steps = set(range(origin, n + 1, origin))
    marks = sorted(fs_steps | origin_steps | set(range(every, n + 1, every)))
    start_pos, start_t = unwrapped_positions(lmp), state["time"]
    frames = [start_pos[is_a]]
    fs_t, fs, done = [0.0], [1.0], 0
    for step in marks:
        lmp.command(f"run {step - done} pre no post no")  # type: ignore[attr-defined]
        done = step
        if step in fs_steps or step in origin_steps:
            pos = unwrapped_positions(lmp)
            if step in fs_steps:
                fs_t.append(step * dt)
                fs.append(float(self_intermediate_scattering((pos - start_pos)[is_a], Q_FS)[0]))
            if step in origin_steps:
                frames.append(pos[is_a])
        if step % every == 0:
            state["energy_time"].append(start_t + step * dt)
            state["energy"].append(float(lmp.get_thermo("pe")))  # type: ignore[attr-defined]
    single = relaxation_time(np.array(fs_t), np.array(fs))
    avg_t, avg_fs = segment_fs(np.array(frames), origin * dt, fs_t, fs)
    tau = relaxation_time(avg_t, avg_fs)
    state["time"] = start_t + n * dt
    state["segments"].append(
        {
            "start": start_t,
            "end": state["time"],
            "tau_alpha": float(tau),
            "tau_alpha_single_origin": float(single),
            "origin_every": origin * dt,
            "fs_time": avg_t.tolist(),
            "fs": avg_fs.tolist(),
            "fs_single_origin_time": fs_t,
            "fs_single_origin": fs,
        }
    )


def advance_sample(args: argparse.Namespace, sample: int, deadline: float) -> dict:
    """Run segments of one sample until it is equilibrated and quenched or the deadline passes, landing its state
    in ``args.landed`` after every segment (:func:`land`).

    The state comes from the work folder (``sN.json`` + ``sN.restart``, bitwise continuation) when it holds one,
    else from the landed folder (``sN.state.json.gz`` + ``sN.data.gz``, another machine's run), else the sample
    starts from its seed.
    """
    state_path, restart = args.work / f"s{sample}.json", args.work / f"s{sample}.restart"
    seed = 7001 + 10 * sample
    start = restart
    if state_path.exists():
        state = loads_numbers(state_path.read_text())
    elif (state := landed_state(args.landed, sample)) is not None and not state["done"]:
        start = args.work / f"s{sample}.landed.data"
        start.write_bytes(gzip.decompress((args.landed / f"s{sample}.data.gz").read_bytes()))
        state.setdefault("resumed_from_landed_at", []).append(state["time"])
    elif state is None:
        state = {
            "sample": sample,
            "seed": seed,
            "time": 0.0,
            "segments": [],
            "energy_time": [],
            "energy": [],
            "done": False,
            "wall_s": 0.0,
            "taper_order": args.taper_order,
        }
    if state.setdefault("taper_order", "0") != args.taper_order:
        raise SystemExit(
            f"sample {sample} was run with --taper-order {state['taper_order']}, found "
            f"--taper-order {args.taper_order}; use that taper or another --work and --landed"
        )
    if state["done"]:
        return {**state, "already_done": True}
    lmp = start_lammps()
    t0 = time.perf_counter()
    try:
        if state["segments"]:
            _resume(lmp, start, potential_commands(args))
        else:
            _setup(lmp, args, seed)
        lmp.commands_string(  # type: ignore[attr-defined]
            f"""
            compute unwrapped all property/atom xu yu zu
            fix nvt all nvt temp {args.temperature} {args.temperature} 0.5
            timestep {args.dt}
            thermo_style custom step pe
            """
        )
        lmp.command("run 0")  # type: ignore[attr-defined]
        is_a = np.arange(args.n_a + args.n_b) < args.n_a
        while len(state["segments"]) < args.max_segments:
            run_segment(lmp, args, state, is_a)
            lmp.command(f"write_restart {restart}.tmp")  # type: ignore[attr-defined]
            os.replace(f"{restart}.tmp", restart)
            ok, why = equilibrated(state)
            state["rule"] = why
            state["wall_s"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            write_json_atomic(state_path, state)
            print(
                f"sample {sample} segment {len(state['segments'])}: t = {state['time']:g}, "
                f"tau_alpha = {state['segments'][-1]['tau_alpha']:.4g}; {why}",
                flush=True,
            )
            if ok:
                dyn, data = args.work / f"s{sample}.dyn", args.work / f"s{sample}.data"
                lmp.commands_string(  # type: ignore[attr-defined]
                    "unfix nvt\nmin_style cg\nmin_modify line quadratic\nminimize 0 1e-10 20000 200000"
                )
                state["final_force_norm"] = float(lmp.get_thermo("fnorm"))  # type: ignore[attr-defined]
                state["inherent_structure_energy_per_particle"] = float(lmp.get_thermo("pe"))  # type: ignore[attr-defined]
                lmp.command(f"write_data {data}.tmp")  # type: ignore[attr-defined]
                os.replace(f"{data}.tmp", data)
                lmp.command(f"dynamical_matrix all regular 1e-6 file {dyn}.tmp binary yes")  # type: ignore[attr-defined]
                os.replace(f"{dyn}.tmp", dyn)
                state.update(done=True, dynmat=str(dyn), data=str(data))
                state["wall_s"] += time.perf_counter() - t0
                write_json_atomic(state_path, state)
                land(lmp, state, args.landed)
                break
            land(lmp, state, args.landed)
            if time.time() >= deadline:
                break
    finally:
        lmp.close()  # type: ignore[attr-defined]
    return state


def vdosbench_ka_points(path: Path = Path(__file__).parent / "results" / "low_tstar_ka.json") -> list[dict]:
    """vdosbench's own Kob–Andersen s at T* = 0.45 (protocol, taper, samples, MLE k = 10 with its 95 % interval)
    and inherent-structure energy per particle (mean, 95 % interval)."""
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    return [
        {
            "protocol": p.get("protocol"),
            "taper_order": p.get("taper_order"),
            "n_samples": p.get("n_samples"),
            "s_mle_k10": p.get("s_mle_k10"),
            "inherent_energy": p.get("inherent_energy"),
            "source": str(path.relative_to(path.parents[2])),
        }
        for p in data.get("points", [])
        if p.get("model") == "kob_andersen"
    ]


def vdosbench_energies(taper: str, catalog: Path | None = None) -> dict:
    """vdosbench's own equilibrated T* = 0.45 set of the same taper, from its catalogue fingerprint
    (:func:`vdosbench.datasets.catalog.load_catalog`, default the shipped catalogue): the parent liquid's mean V/N
    over the chains' segments (swap Monte Carlo at T* = 0.45) and the inherent-structure V/N, each with the
    fingerprint's standard error over samples; empty for the truncated form, which has no such set.
    """
    name = f"kob-andersen-n1000-equilibrated-0.45-m{taper}"
    entry = load_catalog(catalog).get(name) if taper != "0" else None
    if entry is None or entry.fingerprint is None:
        return {}
    values, stderr = entry.fingerprint.values, entry.fingerprint.stderr
    return {
        "set": name,
        "samples": entry.recipe.samples,
        **{
            key: {"value": float(values[f"mean:{field}"][0]), "stderr": float(stderr[f"mean:{field}"][0])}
            for key, field in (("parent_energy", "segment_mean_energy"), ("inherent_energy", "inherent_energy"))
        },
    }


def late_mean_energy(state: dict) -> float:
    """Mean V/N over the last half of a sample's trace at the target temperature (the half rule 2 judges)."""
    t, e = np.asarray(state["energy_time"]), np.asarray(state["energy"])
    return float(e[t >= state["time"] / 2].mean())


def mean_interval(values: list[float]) -> dict:
    """Mean and 95 % Student-t interval of independent samples' values (no interval for one sample).

    Examples
    --------
    >>> m = mean_interval([1.0, 2.0, 3.0]); m["value"], round(m["low"], 3), round(m["high"], 3)
    (2.0, -0.484, 4.484)
    """
    x = np.asarray(values, dtype=float)
    out = {"value": float(x.mean()), "n": int(x.size)}
    if x.size > 1:
        half = float(stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
        out.update(low=out["value"] - half, high=out["value"] + half)
    return out


def pair_style(args: argparse.Namespace) -> str:
    """The potential as the summary and the sidecar state it."""
    if args.taper_order == "0":
        return "LAMMPS lj/cut 2.5 sigma_ab, pair_modify shift yes (truncated and shifted)"
    return (
        f"LAMMPS pair_style table spline {TABLE_POINTS} of vdosbench's tapered KA, m = {args.taper_order}, "
        f"r_c = 2.5 sigma_ab ({TABLE_POINTS} points a pair from 0.5 sigma_ab)"
    )


def export_and_score(args: argparse.Namespace, states: list[dict]) -> None:
    """Done samples (their landed ``sN.npz``, :func:`land`) -> one npz + sidecar (taper_order,
    parent_temperature) -> ``vdosbench score`` (``--reference`` vdosbench's catalogued set of the same potential,
    for a tapered form) -> summary."""
    parts = [np.load(args.landed / f"s{s['sample']}.npz") for s in states]
    npz, tmp = args.work / "lammps_ka_045.npz", args.work / "lammps_ka_045.partial.npz"
    np.savez(
        tmp,
        **{
            key: np.stack([part[key] for part in parts])
            for key in ("eigenvalues", "positions", "box_length", "species")
        },
        spatial_dimension=3,
    )
    os.replace(tmp, npz)
    side = args.work / "lammps_ka_045.vdos.toml"
    side_tmp = args.work / "lammps_ka_045.vdos.toml.tmp"
    side_tmp.write_text(
        'model = "kob_andersen"\n'
        f"taper_order = {'-1' if args.taper_order == 'inf' else args.taper_order}  # {pair_style(args)}\n"
        f"spatial_dimension = 3\nn_particles = {args.n_a + args.n_b}\ndensity = {args.density}\n"
        f"parent_temperature = {args.temperature}\n"
        'quench = "LAMMPS NVT at the parent temperature to the equilibrium rule of studies/lammps_ka_045.py, '
        'then CG to a force norm of 1e-10"\n'
    )
    os.replace(side_tmp, side)
    report = args.work / "report"
    ours = vdosbench_energies(args.taper_order)
    reference = ["--reference", ours["set"]] if ours else []  # spectra and s against our set of the same potential
    score = subprocess.run(
        [str(Path(sys.executable).parent / "vdosbench"), "score", str(npz), "--output", str(report), *reference],
        capture_output=True,
        text=True,
        check=False,
    )
    print(score.stdout, score.stderr, flush=True)
    result = json.loads((report / "result.json").read_text())
    compared = json.loads((report / "reference.json").read_text()) if reference else None
    summary = {
        "script": "studies/lammps_ka_045.py",
        "temperature": args.temperature,
        "taper_order": args.taper_order,
        "pair_style": pair_style(args),
        "samples": [{k: v for k, v in s.items() if k not in ("energy", "energy_time", "already_done")} for s in states],
        "cost_core_s": sum(s["wall_s"] for s in states),
        "inherent_energy": mean_interval([s["inherent_structure_energy_per_particle"] for s in states]),
        "parent_energy": mean_interval([late_mean_energy(s) for s in states]),
        "vdosbench_same_potential": ours,
        "reference_comparison": compared,
        "score": {
            "exit_status": score.returncode,
            "totals": result["totals"],
            "results": [
                {"id": r["id"], "verdict": r["verdict"], "reason": r.get("reason", ""), "points": r.get("points", [])}
                for r in result["results"]
                if r["verdict"] != "not applicable"
            ],
            "cross_code": result.get("cross_code"),
        },
        "vdosbench_ka_at_0.45": vdosbench_ka_points(),
        "t_mct": {
            "this_set": (
                "0.435 (published KA, truncated and shifted)"
                if args.taper_order == "0"
                else f"the tapered m = {args.taper_order} form's, as vdosbench's own sets"
            ),
            "vdosbench_tapered": "T_c = 0.352 +- 0.014 (m = 2), 0.364 +- 0.005 (m = inf), docs/findings/low-tstar.md",
        },
    }
    write_json_atomic(args.output, summary)
    print(f"wrote {args.output}")


def current_states(work: Path, landed: Path) -> dict[int, dict]:
    """Every sample's newest state, by sample: the work folder's ``sN.json`` where it has one (this machine's
    run), else the landed ``sN.state.json.gz``."""
    states = {st["sample"]: st for st in _states(landed, "s*.state.json.gz")} if landed.exists() else {}
    states.update({st["sample"]: st for st in _states(work, "s*.json")})
    return dict(sorted(states.items()))


def write_rule_report(work: Path, path: Path, landed: Path = LANDED) -> dict:
    """The equilibrium rule applied to every sample state (:func:`current_states`, :func:`rule_details`),
    written to ``path``."""
    samples = []
    for state in current_states(work, landed).values():
        ok, why = equilibrated(state)
        samples.append(
            {
                "sample": state["sample"],
                "done": bool(state.get("done")),
                "passes": ok,
                "why": why,
                "wall_s": state.get("wall_s"),
                **rule_details(state),
            }
        )
    report = {
        "script": "studies/lammps_ka_045.py",
        "rule": f"benchmark/registrations/lammps-ka-equilibrium.toml (registered {RULE.registered}; "
        "docs/findings/low-tstar.md, History)",
        "min_late_segments": MIN_LATE_SEGMENTS,
        "trend_p": TREND_P,
        "tau_multiple": TAU_MULTIPLE,
        "samples": samples,
    }
    write_json_atomic(path, report)
    print(f"wrote {path}")
    return report


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--samples", type=int, default=5)
    p.add_argument("--n-a", type=int, default=800)
    p.add_argument("--n-b", type=int, default=200)
    p.add_argument("--density", type=float, default=1.2)
    p.add_argument("--temperature", type=float, default=0.45)
    p.add_argument("--melt-temperature", type=float, default=2.0)
    p.add_argument("--melt-time", type=float, default=20.0)
    p.add_argument("--dt", type=float, default=0.005)
    p.add_argument("--segment-time", type=float, default=1000.0)
    p.add_argument("--energy-every", type=float, default=1.0, help="LJ time between V/N records")
    p.add_argument(
        "--origin-every",
        type=float,
        default=50.0,
        help="LJ time between the time origins of a segment's averaged F_s (module docstring)",
    )
    p.add_argument("--max-segments", type=int, default=10**6)
    p.add_argument("--budget-seconds", type=float, default=float("inf"))
    p.add_argument(
        "--taper-order",
        choices=list(TAPERS),
        default="2",
        help="the potential: 2 or inf, the seed's taper as a LAMMPS table (default, module docstring "
        "2026-11-26); 0, lj/cut truncated and shifted (the first runs)",
    )
    p.add_argument("--export-only", action="store_true")
    p.add_argument(
        "--output",
        type=Path,
        help="summary JSON (default: studies/results/lammps_ka_045_m{taper}.json; "
        "lammps_ka_045.json for --taper-order 0)",
    )
    p.add_argument(
        "--landed",
        type=Path,
        help="where every sample's state is landed after each segment, and read from when --work has "
        "none (default: studies/run_states/lammps_ka_045_m{taper}/, lammps_ka_045/ for "
        "--taper-order 0, in the repository)",
    )
    p.add_argument(
        "--land-only",
        action="store_true",
        help="only land the sample states of --work (a run of an earlier version of this script)",
    )
    p.add_argument(
        "--rule-report",
        type=Path,
        metavar="JSON",
        help="only write the equilibrium rule's numbers for every sample state (--work, else --landed) to JSON",
    )
    args = p.parse_args(argv)
    landed, output = default_paths(args.taper_order)
    args.landed = args.landed or landed
    args.output = args.output or output
    args.work.mkdir(parents=True, exist_ok=True)
    if args.rule_report:
        write_rule_report(args.work, args.rule_report, args.landed)
        return
    if args.land_only:
        print(f"landed samples {land_work(args)} in {args.landed}")
        return
    deadline = time.time() + args.budget_seconds
    states: list[dict] = []
    advanced = False
    saved: dict[int, dict] | None = None  # the states on disk, read once when a sample is not advanced
    for s in range(args.samples):
        if args.export_only or (advanced and time.time() >= deadline):
            saved = current_states(args.work, args.landed) if saved is None else saved
            states.append(saved.get(s, {"done": False}))
            continue
        states.append(advance_sample(args, s, deadline))
        advanced = advanced or not states[-1].get("already_done", False)
    if all(s.get("done") for s in states):
        export_and_score(args, states)
    else:
        print(f"{sum(bool(s.get('done')) for s in states)} of {args.samples} samples done; re-run to continue")


if __name__ == "__main__":
    main()
