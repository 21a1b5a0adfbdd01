#!/usr/bin/env bash
# Issue 25 finite-size ladder, staged so that every stage lands finished parts and a re-run resumes.
#
# Each stage runs one recipe of vdosbench.generators.glasses.lowest_mode_glasses (soft_spheres_lowest_n{N})
# restricted to one (taper, T*) point and a sample count; a later stage with more samples or the other
# point reuses the finished parts (part files are named by their parameters and sample; seeds depend on
# the recipe's root seed and the sample index only).  One worker, one BLAS thread: pin the whole script
# to a core, e.g.  taskset -c 1 bash studies/finite_size_queue.sh runs/finite_size
set -euo pipefail
out=${1:-runs/finite_size}
vdosbench=${VDOSBENCH:-vdosbench}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1
stage() {  # stage TAPER TSTAR N SAMPLES [FIRST]
  local dir="$out/n$3" first=()
  if [ -n "${5:-}" ]; then  # a piece: samples FIRST .. SAMPLES - 1, in a folder of its own
    dir="$out/from$5-m$1-t$2/n$3" first=(--first-sample "$5")
  fi
  if [ -e "$out/STOP" ]; then
    echo "$(date -u +%FT%TZ) $out/STOP found: not starting taper=$1 T*=$2 N=$3 samples=$4 ${5:+first=$5}" \
      >> "$out/queue.log"
    exit 0
  fi
  echo "$(date -u +%FT%TZ) stage taper=$1 T*=$2 N=$3 samples=$4 ${5:+first=$5}" >> "$out/queue.log"
  /usr/bin/time -a -o "$out/time.log" -f "taper=$1 T*=$2 N=$3 samples=$4 ${5:+first=$5 }wall=%e user=%U maxrss_kb=%M" \
    "$vdosbench" generate --recipe "${RECIPE:-soft_spheres_lowest_n$3}" --grid "taper_order=$1" --grid "parent_temperature=$2" \
      --samples "$4" "${first[@]}" --workers 1 --blas-threads 1 --no-progress --output "$dir"
}
# SPECS="N:SAMPLES ..." (and TSTARS, default "1 inf") runs only those stages, in that order, e.g. the first pass of
# the instantaneous quench alone:  TSTARS=inf SPECS="1000:100 2000:60 4000:40 8000:20" taskset -c 1 bash ...
# A spec N:FIRST:SAMPLES runs samples FIRST .. SAMPLES - 1 only (vdosbench generate --first-sample), each
# (taper, T*) in its own folder OUT/from{FIRST}-m{taper}-t{T*}/n{N}: how a point goes on from the samples kept in
# the compact form (studies/results/finite_size_modes.nc) when their part files are gone, e.g.
#   TSTARS=1 SPECS="4000:40:80" taskset -c 0 bash studies/finite_size_queue.sh runs/high_t
# then  python studies/finite_size.py studies/results/finite_size_modes_pending.nc runs/high_t/from40-* \
#   --sizes 4000 --export-only --compact studies/results/finite_size_modes_pending.nc  (pass only finished folders:
#   n{N}/ensemble.nc; --sizes, since a piece folder holds every N run from that first sample)
# RECIPE=NAME runs that recipe instead of soft_spheres_lowest_n{N} (issue 51's confirmatory sets:
#   RECIPE=soft_spheres_lowest_confirm_n2000 TSTARS=inf SPECS="2000:0:100 2000:100:200" taskset -c 0 bash ...).
# Touch OUT/STOP to stop before the next stage.
for spec in ${SPECS:-}; do
  case $spec in
    *[!0-9:]* | :* | *: | *::* | *:*:*:*) bad=1 ;;
    *:*) bad=0 ;;
    *) bad=1 ;;
  esac
  if [ $bad = 1 ]; then
    echo "finite_size_queue.sh: expected SPECS entries N:SAMPLES or N:FIRST:SAMPLES (e.g. 4000:40:80), found '$spec'" >&2
    exit 2
  fi
done
mkdir -p "$out"
if [ -n "${SPECS:-}" ]; then
  for tstar in ${TSTARS:-1 inf}; do
    for spec in $SPECS; do
      n=${spec%%:*} samples=${spec##*:} first=
      case $spec in *:*:*) first=${spec#*:} first=${first%%:*} ;; esac
      for taper in 2 inf; do stage "$taper" "$tstar" "$n" "$samples" $first; done
    done
  done
  exit 0
fi
# stage 1: both tapers at T* = 1 and at T* = inf (the instantaneous quench), a first pass over N <= 8000
# (taper pairs first, so that each size lands both tapers: the taper difference is paired by sample)
for tstar in 1 inf; do
  for spec in 1000:100 2000:60 4000:40 8000:20; do
    for taper in 2 inf; do stage "$taper" "$tstar" "${spec%%:*}" "${spec##*:}"; done
  done
done
# stage 2: N = 16000, a first pass (about 4 min a sample at T* = 1)
for tstar in 1 inf; do
  for taper in 2 inf; do stage "$taper" "$tstar" 16000 10; done
done
# stage 3: towards the recipes' sample counts (400, 300, 200, 150, 100)
for tstar in 1 inf; do
  for spec in 1000:400 2000:300 4000:200 8000:150 16000:100; do
    for taper in 2 inf; do stage "$taper" "$tstar" "${spec%%:*}" "${spec##*:}"; done
  done
done
