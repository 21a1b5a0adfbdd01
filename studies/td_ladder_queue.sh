#!/usr/bin/env bash
# Issue 25 T_d ladder (soft_spheres_lowest_n{N}_td), staged so that every stage lands finished chains and a re-run
# resumes.
#
# Each stage runs one recipe of vdosbench.generators.glasses.lowest_mode_chains restricted to one taper and a sample
# count (a multiple of the 5 structures per chain); a later stage with more samples reuses the finished chains (part
# files are named by their parameters and sample; a chain's seed depends on the recipe's root seed and the chain
# index only, so chain c of m = 2 and of m = inf start from the same diameters and positions: the taper difference
# is paired by chain).  One worker, one BLAS thread: pin the whole script to a core, e.g.
#   taskset -c 1 bash studies/td_ladder_queue.sh runs/td_ladder
# About 350 s a chain at N = 1000 and 2.2x that per doubling of N (one core).
# If the part files are gone but the first chains are in the compact form (studies/results/finite_size_modes.nc),
# go on from the next chain with vdosbench generate --first-sample 5*CHAINS (docs/distributed.md, "One ensemble in
# pieces"); studies/finite_size.py merges the compact form and the new folder by sample.
set -euo pipefail
out=${1:-runs/td_ladder}
vdosbench=${VDOSBENCH:-vdosbench}
# SUFFIX="_nonadditive" runs the non-additive control's recipes (soft_spheres_lowest_n{N}_td_nonadditive, issue 25
# item 5) instead; give it its own folder, e.g. SUFFIX=_nonadditive ... td_ladder_queue.sh runs/td_ladder_nonadditive
suffix=${SUFFIX:-}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1
stage() {  # stage TAPER N SAMPLES
  local dir="$out/n$2"
  echo "$(date -u +%FT%TZ) stage taper=$1 N=$2 samples=$3$suffix" >> "$out/queue.log"
  /usr/bin/time -a -o "$out/time.log" -f "taper=$1 N=$2 samples=$3$suffix wall=%e user=%U maxrss_kb=%M" \
    "$vdosbench" generate --recipe "soft_spheres_lowest_n$2_td$suffix" --grid "taper_order=$1" \
      --samples "$3" --workers 1 --blas-threads 1 --no-progress --output "$dir"
}
mkdir -p "$out"
# stage 1: a first pass, both tapers per N (6, 3 and 2 chains); stage 2: the recipes' chains (20, 20, 12), in steps
# so that both tapers advance together.  SPECS="N:SAMPLES ..." runs only those steps, in that order, so that two
# copies pinned to two cores can work on different N at once, e.g.
#   SPECS="1000:60 1000:100" taskset -c 1 bash studies/td_ladder_queue.sh runs/td_ladder
#   SPECS="2000:25 2000:50" taskset -c 0 bash studies/td_ladder_queue.sh runs/td_ladder
# (never the same N in both: a run's output folder is locked while it writes).
specs=${SPECS:-"1000:30 2000:15 4000:10 1000:60 2000:40 1000:100 2000:70 4000:30 2000:100 4000:60"}
for spec in $specs; do
  for taper in 2 inf; do stage "$taper" "${spec%%:*}" "${spec##*:}"; done
done
