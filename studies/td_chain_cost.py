"""Issue 52 item 6: core-hours per equilibrated T_d chain, from the catalogued ladders, and what the registered
stages of the control's new chains cost.

Each catalogued T_d ladder (``soft-spheres-lowest-n{N}-td`` and ``-td-nonadditive``) states its cost: the stage
seconds stored in every sample, summed (one core, one BLAS thread; wall time on this 2-core virtual machine shared
with other runs).  A chain is ``chain_samples`` structures of one taper; so a chain costs
core_hours / (tapers × samples per point / chain_samples).  The registration ``td-control`` reads 40 new chains a
taper at N = 1000 and 20 at N = 2000 (stage 1) and 200 and 100 (stage 2, amendment 1, stage 1's chains among
them); their cost is projected from the control's per-chain cost.  Writes ``studies/results/td_chain_cost.json``.

Run from the clone's root: ``python studies/td_chain_cost.py``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vdosbench.datasets import load_catalog
from vdosbench.datasets.io import write_text

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "studies" / "results" / "td_chain_cost.json"
SIZES = (1000, 2000, 4000)
#: New chains a taper the registration reads, by stage and N (benchmark/registrations/td-control.toml).
STAGES = {"stage 1 (registered)": {1000: 40, 2000: 20}, "stage 2 (amendment 1)": {1000: 200, 2000: 100}}


def chain_cost(entry: Any) -> dict[str, Any]:
    """Chains and core-hours per chain of one catalogued T_d ladder."""
    tapers = len(entry.recipe.grid["taper_order"])
    per_chain = int(entry.recipe.fixed["chain_samples"])
    chains = tapers * entry.recipe.samples // per_chain
    return {"n_particles": int(entry.recipe.fixed["n_particles"]), "tapers": tapers,
            "chains_per_taper": chains // tapers, "structures_per_chain": per_chain,
            "core_hours": entry.cost.core_hours, "core_hours_per_chain": entry.cost.core_hours / chains,
            "basis": entry.cost.basis}


def study() -> dict[str, Any]:
    """Per-chain cost of every catalogued T_d ladder and the projected cost of the registered stages."""
    catalog = load_catalog()
    out: dict[str, Any] = {"method": __doc__.split("\n\n")[1].replace("\n", " "), "ladders": {}, "stages": {}}
    for model, suffix in (("additive", "td"), ("non-additive", "td-nonadditive")):
        for n in SIZES:
            name = f"soft-spheres-lowest-n{n}-{suffix}"
            out["ladders"][name] = {"model": model, **chain_cost(catalog[name])}
    for stage, chains in STAGES.items():
        rows = {}
        for n, count in chains.items():
            per = out["ladders"][f"soft-spheres-lowest-n{n}-td-nonadditive"]["core_hours_per_chain"]
            rows[str(n)] = {"new_chains_per_taper": count, "core_hours": 2 * count * per}
        out["stages"][stage] = {"by_n": rows, "core_hours": sum(r["core_hours"] for r in rows.values())}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args(argv)
    result = study()
    write_text(args.output, json.dumps(result, indent=1) + "\n")
    for name, r in result["ladders"].items():
        print(f"{name}: {r['chains_per_taper']} chains a taper, {r['core_hours_per_chain']:.3f} core-h a chain")
    for stage, r in result["stages"].items():
        print(f"{stage}: {r['core_hours']:.1f} core-h")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
