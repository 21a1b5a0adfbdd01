"""Primary verdicts and robustness labels of scored sets, side by side (issue 15 item 5).

Reads the ``result.json`` that ``vdosbench score DATA --output FOLDER`` wrote
for each set and, for every applicable claim, records the primary verdict, the
robustness label (robust / estimator-dependent) with its reason, and each
registered alternative's verdict.  With ``--before NAME=OLD_RESULT_JSON`` it
also records the verdict an earlier scoring of the same set gave (before the
alternatives existed), so a change of verdict is visible.

Usage::

    python studies/robustness_summary.py NAME=runs/eq_7td/report_robust/result.json ... \\
        [--before NAME=runs/eq_7td/report/result.json ...] --out studies/results/robustness_rescore.json

Prints a Markdown table (set, claim, verdict, label, alternatives) for the findings pages (docs/findings/).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from vdosbench.datasets.json_files import dumps_strict

ROOT = Path(__file__).resolve().parents[1]


def _pairs(items: list[str], what: str) -> dict[str, Path]:
    out = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise SystemExit(f"{what} {item!r}: expected NAME=PATH/result.json")
        out[name] = Path(path)
    return out


def summarise(result: dict, before: dict | None) -> list[dict]:
    """The applicable claims of one scored set."""
    old = {r["id"]: r["verdict"] for r in before["results"]} if before else {}
    rows = []
    for r in result["results"]:
        if r["verdict"] == "not applicable":
            continue
        rows.append(
            {
                "claim": r["id"],
                "verdict": r["verdict"],
                "verdict_before": old.get(r["id"]),
                "robustness": r["robustness"],
                "robustness_reason": r["robustness_reason"],
                "alternatives": {a["label"]: a["verdict"] for a in r["alternatives"]},
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Write the JSON and print the Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="+", metavar="NAME=RESULT_JSON")
    ap.add_argument("--before", nargs="*", default=[], metavar="NAME=RESULT_JSON")
    ap.add_argument("--out", type=Path, default=ROOT / "studies" / "results" / "robustness_rescore.json")
    args = ap.parse_args(argv)
    now, before = _pairs(args.results, "result"), _pairs(args.before, "--before")
    table: dict[str, dict] = {}
    for name, path in now.items():
        result = json.loads(path.read_text())
        old = json.loads(before[name].read_text()) if name in before else None
        table[name] = {
            "result": str(path),
            "totals": result["totals"],
            "robustness_totals": result["robustness_totals"],
            "claims": summarise(result, old),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(dumps_strict(table, indent=1, sort_keys=True) + "\n")
    tmp.replace(args.out)
    print("| set | claim | verdict | label | alternatives |")
    print("|---|---|---|---|---|")
    for name, entry in table.items():
        for row in entry["claims"]:
            changed = f" (was {row['verdict_before']})" if row["verdict_before"] not in (None, row["verdict"]) else ""
            alts = ", ".join(f"{k}: {v}" for k, v in row["alternatives"].items())
            print(f"| {name} | `{row['claim']}` | {row['verdict']}{changed} | {row['robustness']} | {alts} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
