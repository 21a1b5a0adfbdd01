"""Where issue 63's two registered runs stand: what has landed (not read), what each piece cost, what is left.

``python -m studies.runs_progress --td-log TD_TIME_LOG --n8000-log N8000_TIME_LOG`` (from the clone's root) reads

- the landed parts (``studies/results/parts/td_control_long`` and ``.../confirm_n8000``, written by
  :mod:`studies.land_parts`): their sample counts per taper only — no eigenvalue is read, so counting is not
  reading the registered sets;
- the runs' time logs (``/usr/bin/time -a -f "LABEL wall=%e user=%U maxrss_kb=%M"``, one line per go of a piece,
  written by ``studies/chain_pieces.sh`` and ``studies/finite_size_queue.sh``): the user CPU of the ``generate``
  command, its Dask worker included (a child of the command).

A piece's cost is the sum of its goes: a piece interrupted by a session's end runs again from its finished part
files (each go on the log), and a queue that starts again re-checks a finished piece in a few seconds; both are
what the piece cost.  The mean is over landed pieces; the projection is (registered − landed pieces) × that mean
(null before any landed piece is timed).
A machine's time logs go with the machine: ``--earlier FILE`` adds the goes of a frozen copy of an earlier progress
file (``studies/run_states/issue63_goes_until_stop75.json``: every go up to the end of stop 75, whose machine is
gone) to those of the logs; never pass the output itself, whose goes already hold the current logs'.
Writes ``studies/results/issue63_runs_progress.json`` (``--output``) through the provenance envelope.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from vdosbench.datasets import point_group_key, read_point_group_parts, write_results

ROOT = Path(__file__).resolve().parents[1]
PARTS = ROOT / "studies" / "results" / "parts"
OUTPUT = ROOT / "studies" / "results" / "issue63_runs_progress.json"

#: The registered pieces of each set: 50 chains a taper (td-control-long.toml), 45 pieces of 10 samples a taper
#: (confirm-n8000.toml: 450 samples a taper).
REGISTERED_PIECES = {"td_control_long": 100, "confirm_n8000": 90}

_LINE = re.compile(r"^(?P<label>.*?) wall=(?P<wall>[0-9.]+) user=(?P<user>[0-9.]+)")
_TD = re.compile(r"chain=(?P<chain>\d+) taper=(?P<taper>\w+)")
_N8000 = re.compile(r"taper=(?P<taper>\w+) T\*=(?P<t>\w+) N=\d+ samples=\d+ first=(?P<first>\d+)")


def piece_name(set_name: str, label: str) -> str:
    """The part name of a time-log label (``chain=4 taper=inf`` → ``c4-minf``; ``taper=2 T*=1 N=8000 samples=40
    first=30`` → ``from30-m2-t1``).

    Raises
    ------
    ValueError
        When the label is not of the set's form.
    """
    td = set_name == "td_control_long"
    pattern, form = (_TD, "c{chain}-m{taper}") if td else (_N8000, "from{first}-m{taper}-t{t}")
    match = pattern.search(label)
    if match is None:
        raise ValueError(
            f"a time-log line of {set_name} names its piece as {pattern.pattern!r}; found {label!r}. "
            "Fix: pass the set's own time log"
        )
    return form.format(**match.groupdict())


def read_time_log(set_name: str, lines: Iterable[str]) -> dict[str, dict[str, float]]:
    """Per piece, its goes on the log and their summed wall and user CPU seconds (blank lines skipped)."""
    pieces: dict[str, dict[str, float]] = {}
    for line in lines:
        match = _LINE.match(line.strip())
        if match is None:
            continue
        entry = pieces.setdefault(piece_name(set_name, match["label"]), {"goes": 0, "wall_s": 0.0, "user_cpu_s": 0.0})
        entry["goes"] += 1
        entry["wall_s"] = round(entry["wall_s"] + float(match["wall"]), 2)
        entry["user_cpu_s"] = round(entry["user_cpu_s"] + float(match["user"]), 2)
    return pieces


def merge_goes(*records: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per piece, its goes and seconds summed over several records (time logs read by :func:`read_time_log`, or the
    ``pieces`` of an earlier progress file: a machine's time log is lost with the machine, the file keeps it)."""
    out: dict[str, dict[str, float]] = {}
    for record in records:
        for name, entry in record.items():
            into = out.setdefault(name, {"goes": 0, "wall_s": 0.0, "user_cpu_s": 0.0})
            into["goes"] += int(entry["goes"])
            into["wall_s"] = round(into["wall_s"] + float(entry["wall_s"]), 2)
            into["user_cpu_s"] = round(into["user_cpu_s"] + float(entry["user_cpu_s"]), 2)
    return out


def earlier_pieces(path: Path, set_name: str) -> dict[str, dict[str, float]]:
    """The per-piece goes of one set in an earlier progress file (its ``landed`` flags dropped: they are re-read).

    Raises
    ------
    ValueError
        When the file holds no such set.
    """
    sets = json.loads(path.read_text()).get("sets", {})
    if set_name not in sets:
        raise ValueError(
            f"{path} holds no set {set_name!r} (found {sorted(sets)}). Fix: pass an earlier "
            "issue63_runs_progress.json written by this script"
        )
    return {
        name: {key: entry[key] for key in ("goes", "wall_s", "user_cpu_s")}
        for name, entry in sets[set_name]["pieces"].items()
    }


def landed_samples(folder: Path) -> dict[str, dict[str, int]]:
    """Per landed part (file stem), its sample count per taper (``m = 2``, ``m = inf``)."""
    out: dict[str, dict[str, int]] = {}
    for part in sorted(folder.glob("*.nc")):
        counts: Counter[str] = Counter()
        for name, ds in read_point_group_parts(part).items():
            taper = point_group_key(name)[1]
            counts["m = inf" if taper < 0 else f"m = {taper}"] += int(ds.sizes["sample"])
        out[part.stem] = dict(counts)
    return out


def progress(set_name: str, landed: dict[str, dict[str, int]], pieces: dict[str, dict[str, float]]) -> dict[str, Any]:
    """What has landed of one set, what its landed pieces cost and the core-hours left at that mean."""
    by_taper = sum((Counter(counts) for counts in landed.values()), Counter())
    costs = [pieces[name]["user_cpu_s"] for name in landed if name in pieces]
    mean = sum(costs) / len(costs) if costs else None
    left = REGISTERED_PIECES[set_name] - len(landed)
    return {
        "pieces_landed": len(landed),
        "pieces_registered": REGISTERED_PIECES[set_name],
        "samples_landed": dict(sorted(by_taper.items())),
        "landed_pieces_timed": len(costs),
        "mean_user_cpu_s_a_piece": None if mean is None else round(mean, 1),
        "core_hours_left": None if mean is None else round(left * mean / 3600, 1),
        "pieces": {name: {"landed": name in landed, **pieces[name]} for name in sorted(pieces)},
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--td-log", type=Path, required=True, help="the T_d chains' time log (td/time.log)")
    ap.add_argument("--n8000-log", type=Path, required=True, help="the N = 8000 pieces' time log (n8000/time.log)")
    ap.add_argument("--parts", type=Path, default=PARTS, help="where the sets' part folders are")
    ap.add_argument(
        "--earlier",
        type=Path,
        help="an earlier progress file whose pieces' goes are added to the logs' (the logs of a machine that is gone)",
    )
    ap.add_argument("--note", default="", help="what the run shared the machine with, and anything a reader needs")
    ap.add_argument("--output", type=Path, default=OUTPUT)
    args = ap.parse_args(argv)
    sets = {}
    for set_name, log in (("td_control_long", args.td_log), ("confirm_n8000", args.n8000_log)):
        landed = landed_samples(args.parts / set_name)
        goes = read_time_log(set_name, log.read_text().splitlines())
        if args.earlier is not None:
            goes = merge_goes(earlier_pieces(args.earlier, set_name), goes)
        sets[set_name] = progress(set_name, landed, goes)
    result = {
        "what": "Issue 63's two registered runs: what has landed (sample counts only: not read) and the user CPU of "
        "each piece (the generate command, its Dask worker included), summed over its goes",
        "written": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        "note": args.note,
        "sets": sets,
    }
    inputs = [args.parts / name for name in sets] + ([args.earlier] if args.earlier is not None else [])
    write_results(args.output, result, inputs=inputs)
    for name, s in sets.items():
        print(
            f"{name}: {s['pieces_landed']} / {s['pieces_registered']} pieces landed {s['samples_landed']}; "
            f"mean {s['mean_user_cpu_s_a_piece']} CPU s a piece; {s['core_hours_left']} core-hours left"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
