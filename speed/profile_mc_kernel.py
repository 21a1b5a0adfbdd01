"""Where a swap Monte Carlo move's time goes: the kernel with cycle counters, at the chains' own settings.

Issue 65 item 3 asks where the time goes at 30 % acceptance.  This script copies the kernel's modules
(``generators/glasses/{configurations,potentials,neighbors,mc_sums,montecarlo}.py``) into a package of its own
(``--dir``), inserts the CPU's cycle counter (LLVM ``readcyclecounter``, the time-stamp counter) at the top of
every move of ``_mc_moves`` and around the two inner passes of an accepted displacement, and charges the cycles
of each move to its kind: swap rejected, swap accepted, displacement rejected, displacement accepted,
displacement accepted with a renewal of the particle's Verlet list; the renewals (cell search and list update)
and the old-terms pass of an accepted displacement (the old φ and the neighbours' sums: ``_exchange_from_r2`` since
issue 65, ``_exchange_terms`` with its own pass over the neighbours' positions before) are also counted alone.
Before issue 65's kernel change (commit be13b51) the script patched the kernel of that commit.  A move whose
count exceeds 200 000 cycles (the process was descheduled: the counter runs on in wall time) is left out (their
number is recorded).  The random numbers of a batch (``_draw_batch``) and the fresh per-particle sums are timed
in Python (CPU time).  The counters change no value: the chain is the kernel's.

Usage::

    taskset -c 1 python speed/bench_mc_production.py --states DIR ...   # builds and saves the parent liquids
    taskset -c 1 python speed/profile_mc_kernel.py --states DIR [--sweeps 300]

Writes ``speed/results/mc_profile.json`` (``--out``): that file holds the kernel before issue 65's change,
``mc_profile_after.json`` the kernel after it.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

from vdosbench.benchmark.machine import machine_info
from vdosbench.generators.glasses.glass_params import NINARELLO_NON_ADDITIVITY, T_D_NONADDITIVE
from vdosbench.generators import INFINITE_ORDER, soft_sphere_potential
from vdosbench.datasets.json_files import dumps_strict

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("configurations", "potentials", "neighbors", "mc_sums", "montecarlo")
#: Kinds of move the cycles are charged to (index into the counters).
KINDS = (
    "swap rejected",
    "swap accepted",
    "displacement rejected",
    "displacement accepted",
    "displacement accepted, list renewed",
)
#: (old, new) text replacements that insert the counters into montecarlo.py.
PATCHES = [
    (
        """@njit(cache=True, inline="always")
def _prefetch_particle(""",
        """@intrinsic
def _rdtsc(typingctx):  # type: ignore
    def codegen(context, builder, signature, args):
        fnty = ir.FunctionType(ir.IntType(64), [])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.readcyclecounter")
        return builder.call(fn, [])
    return types.int64(), codegen


PROF = np.zeros(16, dtype=np.int64)


@njit(cache=True, inline="always")
def _prefetch_particle(""",
    ),
    (
        "record_moves: int, trace: np.ndarray, since_fresh: int, bound: np.ndarray,\n) -> int:",
        "record_moves: int, trace: np.ndarray, since_fresh: int, bound: np.ndarray, prof: np.ndarray,\n) -> int:",
    ),
    (
        "record_moves, trace, since_fresh, bound,\n            )",
        "record_moves, trace, since_fresh, bound, PROF,\n            )",
    ),
    (
        """        if is_swap[k]:
            # ---- swap the diameters""",
        """        t_now = _rdtsc()
        if cat >= 0 and t_now - t_prev < 200000:
            prof[cat] += t_now - t_prev
            prof[8 + cat] += 1
        elif cat >= 0:
            prof[15] += 1
        t_prev = t_now
        t_x = t_now
        if is_swap[k]:
            # ---- swap the diameters""",
    ),
    (
        """    for k in range(start, n_moves):
        g = move_offset + k""",
        """    cat = -1
    t_prev = _rdtsc()
    for k in range(start, n_moves):
        g = move_offset + k""",
    ),
    (
        """            j = partner[k]
            stats[2] += 1""",
        """            j = partner[k]
            cat = 0
            stats[2] += 1""",
    ),
    (
        """            stats[3] += 1
            energy[0] += d_e""",
        """            stats[3] += 1
            cat = 1
            energy[0] += d_e""",
    ),
    (
        """        stats[0] += 1
        far2 = 0.0""",
        """        stats[0] += 1
        cat = 2
        far2 = 0.0""",
    ),
    (
        """        stats[1] += 1
        energy[0] += d_e""",
        """        stats[1] += 1
        cat = 3
        energy[0] += d_e""",
    ),
    (
        """            if dim == 3:
                old_i = _exchange_from_r2(""",
        """            t_x = _rdtsc()
            if dim == 3:
                old_i = _exchange_from_r2(""",
    ),
    (
        """                old_i = _exchange_terms(pos, i, nbr, nn[i], sizes, species, box_length, kind, exponent, order,
                                        tables, phi_a, pe)""",
        """                old_i = _exchange_terms(pos, i, nbr, nn[i], sizes, species, box_length, kind, exponent, order,
                                        tables, phi_a, pe)
            dt = _rdtsc() - t_x
            prof[5] += dt if dt < 200000 else 0""",
    ),
    (
        """            if far2 > renew2:
                n_cand = _gather(""",
        """            if far2 > renew2:
                t_x = _rdtsc()
                n_cand = _gather(""",
    ),
    (
        """        if far:
            stats[4] += 1
            status = _update_particle(i, trial[0], scratch[0], dist2, n_cand, list_range, box_length, n_side, ref,
                                      nbr, nn, cell_members, cell_count, cell_of, slot, mark, work)""",
        """        if far:
            stats[4] += 1
            cat = 4
            status = _update_particle(i, trial[0], scratch[0], dist2, n_cand, list_range, box_length, n_side, ref,
                                      nbr, nn, cell_members, cell_count, cell_of, slot, mark, work)
            dt = _rdtsc() - t_x
            prof[6] += dt if dt < 200000 else 0""",
    ),
    (
        """    g = move_offset + n_moves
    if g % record_moves == 0:""",
        """    t_now = _rdtsc()
    if cat >= 0:
        prof[cat] += t_now - t_prev
        prof[8 + cat] += 1
    g = move_offset + n_moves
    if g % record_moves == 0:""",
    ),
]


def instrumented(folder: Path):
    """The kernel's modules, the counters inserted, as the package ``mcinstr`` in ``folder`` (rewritten only when
    the text changed, so numba's cache next to it is reused)."""
    package = folder / "mcinstr"
    package.mkdir(parents=True, exist_ok=True)
    texts = {"__init__": ""}
    for name in MODULES:
        texts[name] = (ROOT / "generators" / "glasses" / f"{name}.py").read_text()
    src = texts["montecarlo"]
    for old, new in PATCHES:
        if src.count(old) != 1:
            raise SystemExit(f"the kernel changed: cannot place a counter at {old[:60]!r}; update PATCHES")
        src = src.replace(old, new)
    texts["montecarlo"] = src
    for name, text in texts.items():
        path = package / f"{name}.py"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    spec = importlib.util.spec_from_file_location(
        "mcinstr", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    sys.modules["mcinstr"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules["mcinstr"])
    return importlib.import_module("mcinstr.montecarlo")


def tsc_hz() -> float:
    """The time-stamp counter's rate: cycles counted over 0.5 s of wall clock."""
    from mcinstr.montecarlo import _rdtsc  # noqa: PLC0415
    from numba import njit  # noqa: PLC0415

    read = njit(lambda: _rdtsc())
    read()
    c0, t0 = read(), time.perf_counter()
    time.sleep(0.5)
    return (read() - c0) / (time.perf_counter() - t0)


def profile(mc, state: dict, n: int, taper: int, sweeps: int) -> dict:
    """Cycles per move of each kind, and the Python-side costs, for one run of ``sweeps`` sweeps."""
    pot = soft_sphere_potential(taper, non_additivity=NINARELLO_NON_ADDITIVITY)
    spent = {"draw": 0.0, "fresh": 0.0}
    draw, fresh = mc._draw_batch, mc._all_particle_energies

    def timed(name, fn):
        def wrapper(*a):
            c0 = time.process_time()
            out = fn(*a)
            spent[name] += time.process_time() - c0
            return out

        return wrapper

    mc._draw_batch, mc._all_particle_energies = timed("draw", draw), timed("fresh", fresh)
    try:

        def run(s: int):
            settings = mc.MCSettings(
                temperature=T_D_NONADDITIVE,
                n_sweeps=s,
                step=float(state["step"]),
                p_swap=0.2,
                skin=float(state["skin"]),
                record_every=max(1, s // 10),
            )
            return mc.run_swap_mc(
                state["positions"],
                float(state["box"]),
                state["sizes"],
                state["species"],
                pot,
                settings,
                np.random.default_rng(5),
            )

        run(2)
        mc.PROF[:] = 0
        spent.update(draw=0.0, fresh=0.0)
        c0 = time.process_time()
        res = run(sweeps)
        cpu = time.process_time() - c0
    finally:
        mc._draw_batch, mc._all_particle_energies = draw, fresh
    prof = mc.PROF.copy()
    moves = res.n_attempted
    kinds = {
        k: {
            "per_move": int(prof[8 + c]) / moves,
            "cycles_each": float(prof[c] / max(prof[8 + c], 1)),
            "cycles_per_move": float(prof[c] / moves),
        }
        for c, k in enumerate(KINDS)
    }
    return {
        "n_particles": n,
        "taper_order": "inf" if taper == INFINITE_ORDER else taper,
        "sweeps": sweeps,
        "acceptance_displacement": res.acceptance_displacement,
        "acceptance_swap": res.acceptance_swap,
        "cpu_seconds_per_move": cpu / moves,
        "draw_seconds_per_move": spent["draw"] / moves,
        "fresh_sums_seconds_per_move": spent["fresh"] / moves,
        "kernel_cycles_per_move": float(prof[:5].sum() / moves),
        "kinds": kinds,
        "old_terms_pass_cycles_per_move": float(prof[5] / moves),
        "list_renewal_cycles_per_move": float(prof[6] / moves),
        "moves_left_out_descheduled": int(prof[15]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000])
    parser.add_argument("--tapers", nargs="+", default=["2", "inf"])
    parser.add_argument("--sweeps", type=int, default=300)
    parser.add_argument(
        "--states",
        type=Path,
        required=True,
        help="the parent liquids saved by speed/bench_mc_production.py --states DIR",
    )
    parser.add_argument("--dir", type=Path, default=Path("/tmp/mc_profile"), help="folder of the instrumented copy")
    parser.add_argument("--note", default="", help="what else ran on the machine")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "mc_profile.json")
    args = parser.parse_args()
    mc = instrumented(args.dir)
    load_before = os.getloadavg()
    rows = []
    for n in args.sizes:
        for label in args.tapers:
            taper = INFINITE_ORDER if label == "inf" else int(label)
            state = dict(np.load(args.states / f"state_{n}_{label}.npz"))
            rows.append(profile(mc, state, n, taper, args.sweeps))
            r = rows[-1]
            print(
                f"N={n} m={label}: {r['kernel_cycles_per_move']:.0f} cycles/move in the kernel; "
                + "; ".join(f"{k} {v['cycles_per_move']:.0f}" for k, v in r["kinds"].items())
                + f"; old terms {r['old_terms_pass_cycles_per_move']:.0f}, renewals "
                f"{r['list_renewal_cycles_per_move']:.0f}; draw {r['draw_seconds_per_move'] * 1e9:.0f} ns/move",
                flush=True,
            )
    info = machine_info("numba")
    info["load_average_before"] = list(load_before)
    info["load_average_after"] = list(os.getloadavg())
    out = {
        "method": __doc__.split("Usage::")[0].strip(),
        "tsc_hz": tsc_hz(),
        "profiles": rows,
        "machine": info,
        "threads": {k: os.environ.get(k) for k in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS")},
        "other_load": args.note,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps_strict(out, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
