#!/usr/bin/env bash
# Issue 25: run chains of a T_d ladder recipe as pieces, one chain of one taper at a time, each in its own folder.
#
#   taskset -c 0 bash studies/chain_pieces.sh RECIPE OUT TAPER:CHAIN [TAPER:CHAIN ...]
#   e.g. taskset -c 0 bash studies/chain_pieces.sh soft_spheres_lowest_n4000_td_nonadditive runs/pieces inf:6 2:6
#
# Chain c of a recipe of lowest_mode_chains is samples kc .. kc + k - 1 (k = the recipe's chain_samples, 5 in every
# T_d recipe; N is its n_particles, both read from vdosbench's RECIPES), and its seed depends on the recipe's root
# seed and c only, so a piece `vdosbench generate --first-sample kc --samples kc + k` is that chain
# whatever ran before it, on whichever machine (docs/distributed.md, "One ensemble in pieces").  Each piece writes
# OUT/c{c}-m{taper}/n{N}/ (parts, then ensemble.nc when the chain is done); a piece whose folder already holds
# ensemble.nc is skipped, and one cut off mid-chain resumes from its finished parts when run again.  One worker and
# one BLAS thread: pin the script to a core.  Touch OUT/STOP to stop after the chain that is running.
#
# Two workers on one list (one a core): give both the same CLAIMS folder, e.g. CLAIMS=OUT/claims-$(date +%F-%H%M);
# each piece is claimed by an atomic mkdir CLAIMS/TAPER-CHAIN before it runs, and a piece another worker claimed is
# passed over.  Use a new CLAIMS folder each time the queues are started: a piece cut off when a session ended is
# still claimed in the old one (its parts are kept; the new run resumes it).
#
# Land finished chains with studies/finite_size.py (the pending file as an input too: --export-only overwrites its
# target):
#   python studies/finite_size.py studies/results/finite_size_modes_pending.nc OUT/c* --export-only \
#     --compact studies/results/finite_size_modes_pending.nc
# Pass only folders whose chain is done (n{N}/ensemble.nc present): a running chain's finished structures would
# enter the analysis as a short chain.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: chain_pieces.sh RECIPE OUT TAPER:CHAIN [TAPER:CHAIN ...]  (TAPER: 2 or inf; CHAIN: 0, 1, ...)" >&2
  exit 2
fi
recipe=$1 out=$2
shift 2
# the pieces first: checked in the shell, before Python starts to read the recipe
for spec in "$@"; do
  chain=${spec#*:}
  case $spec in
    2:* | inf:*) case $chain in '' | *[!0-9]*) bad=1 ;; *) bad=0 ;; esac ;;
    *) bad=1 ;;
  esac
  if [ $bad = 1 ]; then
    echo "chain_pieces.sh: expected TAPER:CHAIN with TAPER 2 or inf and CHAIN 0, 1, ...," \
      "found '$spec' (e.g. inf:6)" >&2
    exit 2
  fi
done
# N and the structures per chain, from the recipe itself; nothing printed for a recipe that is not a chain recipe
read -r n k < <("${PYTHON:-python}" -c '
import sys
from vdosbench.generators import RECIPES
fixed = getattr(RECIPES.get(sys.argv[1]), "fixed", {})
if "chain_samples" in fixed:
    print(fixed["n_particles"], fixed["chain_samples"])
' "$recipe") || true
if [ -z "${k:-}" ]; then
  echo "chain_pieces.sh: expected a recipe soft_spheres_lowest_n{N}_td..., found '$recipe'" \
    "(not a chain recipe; vdosbench describe soft_spheres_lowest_equilibrated lists them)" >&2
  exit 2
fi
vdosbench=${VDOSBENCH:-vdosbench}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1
mkdir -p "$out"
for spec in "$@"; do
  taper=${spec%%:*} chain=${spec##*:}
  dir="$out/c$chain-m$taper"
  if [ -e "$out/STOP" ]; then
    echo "$(date -u +%FT%TZ) $out/STOP found: not starting chain $chain of m = $taper" >> "$out/queue.log"
    exit 0
  fi
  if [ -f "$dir/n$n/ensemble.nc" ]; then
    echo "$(date -u +%FT%TZ) chain $chain of m = $taper already done in $dir" >> "$out/queue.log"
    continue
  fi
  if [ -n "${CLAIMS:-}" ]; then
    mkdir -p "$CLAIMS"
    mkdir "$CLAIMS/$taper-$chain" 2>/dev/null || continue  # another worker runs (or ran) this piece
  fi
  echo "$(date -u +%FT%TZ) chain $chain of m = $taper: $recipe -> $dir" >> "$out/queue.log"
  /usr/bin/time -a -o "$out/time.log" -f "$recipe chain=$chain taper=$taper wall=%e user=%U maxrss_kb=%M" \
    "$vdosbench" generate --recipe "$recipe" --grid "taper_order=$taper" \
      --samples $((k * chain + k)) --first-sample $((k * chain)) --workers 1 --blas-threads 1 --no-progress \
      --output "$dir/n$n"
  echo "$(date -u +%FT%TZ) chain $chain of m = $taper done" >> "$out/queue.log"
done
