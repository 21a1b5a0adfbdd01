"""Issue 52 item 6: core-hours per equilibrated T_d chain, from the catalogued ladders, and what the registered
stages of the control's new chains cost.

Each catalogued T_d ladder (``soft-spheres-lowest-n{N}-td``, ``-td-nonadditive`` and, where catalogued, the
control's registered chains ``-td-control``) states its cost: the stage seconds stored in every sample, summed (one
core, one BLAS thread; wall time on this 2-core virtual machine shared with other runs).  A chain is
``chain_samples`` structures of one taper; so a chain costs core_hours / (tapers × samples per point /
chain_samples).  The registration ``td-control`` reads 40 new chains a
taper at N = 1000 and 20 at N = 2000 (stage 1) and 200 and 100 (stage 2, amendment 1, stage 1's chains among
them); their cost is projected from the control's per-chain cost.  Writes ``studies/results/td_chain_cost.json``.

The registered chains themselves are timed as they run: ``studies/chain_pieces.sh`` appends each piece's wall and
user CPU seconds (``/usr/bin/time``, worker processes included) to its ``time.log``.  ``--time-log LOG ...`` parses
those logs into ``studies/results/td_control_chain_times.json`` (a chain cut off at a session's end and resumed is
the sum of its runs); the study reads that file and states the measured CPU core-hours per chain at each N, and
the stages' cost at that rate, beside the ladders' wall-time figure (a chain run beside other work has a longer
wall time than CPU time, so the CPU time is the chain's cost).

Run from the clone's root: ``python -m studies.td_chain_cost [--time-log runs/td_control/n1000/time.log ...]``.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vdosbench.datasets import load_catalog
from vdosbench.datasets.io import write_text

from studies.td_control_stages import STAGE_SOURCE, new_chains
from studies.td_control_stages import STAGES as REGISTERED_STAGES
from vdosbench.datasets.json_files import dumps_strict
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "studies" / "results" / "td_chain_cost.json"
TIMES = ROOT / "studies" / "results" / "td_control_chain_times.json"
_LINE = re.compile(
    r"^(?P<recipe>soft_spheres_lowest_n(?P<n>\d+)_td_nonadditive) chain=(?P<chain>\d+) "
    r"taper=(?P<taper>2|inf) wall=(?P<wall>[\d.]+) user=(?P<user>[\d.]+)"
)
SIZES = (1000, 2000, 4000)
#: New chains a taper the registration reads, by stage and N (benchmark/registrations/td-control.toml).
STAGES = {f"{stage} ({STAGE_SOURCE[stage]})": new_chains(stage) for stage in REGISTERED_STAGES}


def chain_cost(entry: Any) -> dict[str, Any]:
    """Chains and core-hours per chain of one catalogued T_d ladder."""
    tapers = len(entry.recipe.grid["taper_order"])
    per_chain = int(entry.recipe.fixed["chain_samples"])
    chains = tapers * entry.recipe.samples // per_chain
    return {
        "n_particles": int(entry.recipe.fixed["n_particles"]),
        "tapers": tapers,
        "chains_per_taper": chains // tapers,
        "structures_per_chain": per_chain,
        "core_hours": entry.cost.core_hours,
        "core_hours_per_chain": entry.cost.core_hours / chains,
        "basis": entry.cost.basis,
    }


def chain_times(logs: Sequence[Path]) -> dict[str, Any]:
    """Wall and user CPU seconds of each finished registered chain in ``chain_pieces.sh``'s time logs, the runs of
    one chain (a chain cut off and resumed, or a run that failed before it) summed; a chain is finished when its
    piece folder next to the log holds ``c{chain}-m{taper}/n{N}/ensemble.nc`` (a chain still running, or whose
    only run failed, is not a chain's cost yet); lines of other recipes are skipped."""
    rows: dict[tuple[int, int, str], dict[str, Any]] = {}
    for log in logs:
        for line in Path(log).read_text().splitlines():
            m = _LINE.match(line)
            if m is None:
                continue
            if not (Path(log).parent / f"c{m['chain']}-m{m['taper']}" / f"n{m['n']}" / "ensemble.nc").is_file():
                continue
            key = (int(m["n"]), int(m["chain"]), m["taper"])
            row = rows.setdefault(
                key,
                {
                    "recipe": m["recipe"],
                    "n_particles": key[0],
                    "chain": key[1],
                    "taper": key[2],
                    "wall_s": 0.0,
                    "user_s": 0.0,
                    "runs": 0,
                },
            )
            row["wall_s"] += float(m["wall"])
            row["user_s"] += float(m["user"])
            row["runs"] += 1
    return {
        "source": "studies/chain_pieces.sh time logs (/usr/bin/time: wall, user CPU with worker processes)",
        "logs": [str(p) for p in logs],
        "chains": [rows[k] for k in sorted(rows)],
    }


def measured(times: dict[str, Any]) -> dict[str, Any]:
    """CPU core-hours per registered chain at each N (mean over chains and tapers) and the stages at that rate."""
    by_n: dict[int, list[dict[str, Any]]] = {}
    for row in times["chains"]:
        by_n.setdefault(int(row["n_particles"]), []).append(row)
    per_n = {
        n: {
            "chains_timed": len(rows),
            "cpu_core_hours_per_chain": sum(r["user_s"] for r in rows) / len(rows) / 3600,
            "wall_hours_per_chain": sum(r["wall_s"] for r in rows) / len(rows) / 3600,
        }
        for n, rows in sorted(by_n.items())
    }
    stages = {}
    for stage, chains in STAGES.items():
        if all(n in per_n for n in chains):
            stages[stage] = sum(2 * count * per_n[n]["cpu_core_hours_per_chain"] for n, count in chains.items())
    return {"by_n": {str(n): v for n, v in per_n.items()}, "stages_core_hours": stages}


def study(times: Path = TIMES) -> dict[str, Any]:
    """Per-chain cost of every catalogued T_d ladder and the projected cost of the registered stages; the registered
    chains' measured CPU cost where ``times`` exists."""
    catalog = load_catalog()
    out: dict[str, Any] = {"method": __doc__.split("\n\n")[1].replace("\n", " "), "ladders": {}, "stages": {}}
    for model, suffix in (("additive", "td"), ("non-additive", "td-nonadditive")):
        for n in SIZES:
            name = f"soft-spheres-lowest-n{n}-{suffix}"
            out["ladders"][name] = {"model": model, **chain_cost(catalog[name])}
    for n in SIZES:  # the control's registered chains, catalogued as their own set once a stage's size is complete
        name = f"soft-spheres-lowest-n{n}-td-control"
        if name in catalog:
            out["ladders"][name] = {"model": "non-additive, registered chains", **chain_cost(catalog[name])}
    for stage, chains in STAGES.items():
        rows = {}
        for n, count in chains.items():
            per = out["ladders"][f"soft-spheres-lowest-n{n}-td-nonadditive"]["core_hours_per_chain"]
            rows[str(n)] = {"new_chains_per_taper": count, "core_hours": 2 * count * per}
        out["stages"][stage] = {"by_n": rows, "core_hours": sum(r["core_hours"] for r in rows.values())}
    if times.exists():
        out["registered_chains_measured"] = measured(json.loads(times.read_text()))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=RESULT)
    parser.add_argument(
        "--time-log",
        type=Path,
        nargs="+",
        default=None,
        help="chain_pieces.sh time logs of the registered chains: parsed into " + TIMES.name,
    )
    args = parser.parse_args(argv)
    if args.time_log:
        write_text(TIMES, dumps_strict(chain_times(args.time_log), indent=1) + "\n")
    result = study()
    write_results(args.output, result, indent=1)
    for name, r in result["ladders"].items():
        print(f"{name}: {r['chains_per_taper']} chains a taper, {r['core_hours_per_chain']:.3f} core-h a chain")
    for stage, r in result["stages"].items():
        print(f"{stage}: {r['core_hours']:.1f} core-h")
    for n, r in result.get("registered_chains_measured", {}).get("by_n", {}).items():
        print(
            f"registered chains, N = {n}: {r['chains_timed']} timed, {r['cpu_core_hours_per_chain']:.3f} CPU "
            f"core-h a chain ({r['wall_hours_per_chain']:.3f} h wall)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
