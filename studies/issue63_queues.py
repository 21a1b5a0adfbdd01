"""Issue 63's two registered runs, started again from what has landed: the queue scripts of the pieces left.

A session's machine may be new: its run folders, queue scripts and time logs are gone, and only the landed parts
(``studies/results/parts/td_control_long``, ``.../confirm_n8000``; :mod:`studies.land_parts`) say where the runs
stand.  ``python -m studies.issue63_queues OUT`` (from the clone's root) writes ``OUT/go_td.sh`` and
``OUT/go_8000.sh``, each the queue of one run over the pieces not landed, in the registered order:

- the T_d chains (td-control-long.toml: chains 0 – 49 a taper), ``studies/chain_pieces.sh`` over ``TAPER:CHAIN``
  of every chain not landed, both tapers of a chain together;
- the N = 8000 pieces (confirm-n8000.toml: samples 0 – 449 a taper in pieces of 10), ``vdosbench generate`` of each
  piece not landed, one taper at a time (a piece whose other taper has landed runs alone), each in its own folder
  ``OUT/n8000/from{F}-m{taper}-t1/n8000`` and on the time log that :mod:`studies.runs_progress` reads.

Start them with the environment's `vdosbench` on PATH, pinned one a core, e.g. ``(setsid nohup taskset -c 0 bash OUT/go_td.sh >> OUT/q_td.log 2>&1 &)``.  A
piece that is not landed runs from scratch unless its folder (and part files) are still on the machine.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ROOT / "studies" / "results" / "parts"
TD_RECIPE = "soft_spheres_lowest_n1000_td_control_long"
N8000_RECIPE = "soft_spheres_lowest_confirm_n8000"
#: Registered: 50 chains a taper; 450 samples a taper in pieces of 10.
TD_CHAINS, N8000_SAMPLES, N8000_PIECE = 50, 450, 10
TAPERS = ("2", "inf")


def td_left(parts: Path = PARTS) -> list[str]:
    """``TAPER:CHAIN`` of every T_d chain not landed, chain by chain (``2`` before ``inf``)."""
    landed = {p.stem for p in (parts / "td_control_long").glob("c*-m*.nc")}
    return [f"{t}:{c}" for c in range(TD_CHAINS) for t in TAPERS if f"c{c}-m{t}" not in landed]


def n8000_left(parts: Path = PARTS) -> list[tuple[str, int]]:
    """``(taper, first sample)`` of every N = 8000 piece not landed, piece by piece (``2`` before ``inf``)."""
    landed = {p.stem for p in (parts / "confirm_n8000").glob("from*-m*-t1.nc")}
    return [(t, f) for f in range(0, N8000_SAMPLES, N8000_PIECE) for t in TAPERS if f"from{f}-m{t}-t1" not in landed]


def go_td(out: Path, left: Sequence[str]) -> str:
    """The T_d queue: ``studies/chain_pieces.sh`` over the chains ``left``."""
    return (
        "#!/usr/bin/env bash\n# issue 63: the registered T_d chains not landed (written by studies/issue63_queues.py)\n"
        f"exec bash {shlex.quote(str(ROOT / 'studies' / 'chain_pieces.sh'))} {TD_RECIPE} "
        f"{shlex.quote(str(out / 'td'))} {' '.join(left)}\n"
    )


def go_8000(out: Path, left: Sequence[tuple[str, int]]) -> str:
    """The N = 8000 queue: one ``vdosbench generate`` a piece ``left``, logged as ``finite_size_queue.sh`` logs."""
    folder = out / "n8000"
    lines = [
        "#!/usr/bin/env bash",
        "# issue 63: the registered N = 8000 pieces not landed (written by studies/issue63_queues.py)",
        "set -euo pipefail",
        "export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1",
        f"out={shlex.quote(str(folder))}",
        'mkdir -p "$out"',
    ]
    for taper, first in left:
        stop, piece = first + N8000_PIECE, f"from{first}-m{taper}-t1"
        label = f"taper={taper} T*=1 N=8000 samples={stop} first={first}"
        lines += [
            f'if [ -e "$out/STOP" ]; then echo "$(date -u +%FT%TZ) STOP: not starting {label}" >> "$out/queue.log"; '
            "exit 0; fi",
            f'if [ ! -f "$out/{piece}/n8000/ensemble.nc" ]; then',
            f'  echo "$(date -u +%FT%TZ) stage {label}" >> "$out/queue.log"',
            f'  /usr/bin/time -a -o "$out/time.log" -f "{label} wall=%e user=%U maxrss_kb=%M" \\',
            f"    vdosbench generate --recipe {N8000_RECIPE} --grid taper_order={taper} --grid parent_temperature=1 \\",
            f"      --samples {stop} --first-sample {first} --workers 1 --blas-threads 1 --no-progress \\",
            f'      --output "$out/{piece}/n8000"',
            "fi",
        ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="the runs' folder (e.g. /work/runs63): the scripts and their outputs")
    ap.add_argument("--parts", type=Path, default=PARTS, help="where the landed parts are")
    args = ap.parse_args(argv)
    out = args.out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    td, n8000 = td_left(args.parts), n8000_left(args.parts)
    (out / "go_td.sh").write_text(go_td(out, td))
    (out / "go_8000.sh").write_text(go_8000(out, n8000))
    print(f"{out / 'go_td.sh'}: {len(td)} T_d chains left, first {td[:2]}")
    print(f"{out / 'go_8000.sh'}: {len(n8000)} N = 8000 pieces left, first {n8000[:2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
