#!/usr/bin/env bash
# Generates N applications (default 1000) over the example's 3 environments and times
# `slipway plan` on them, wall clock including JVM start, over R runs (default 3): the best and the
# worst run, and the largest peak resident set size (GNU time's "Maximum resident set size").
# Usage: bench/plan-bench.sh [N] [RUNS] [LAYOUTS]   (LAYOUTS: "hydrated files" by default)
# SLIPWAY_JAVA_OPTS is passed to the JVM as ./slipway does (e.g. -Xmx1500m to show the bound).
# TYPES=platform plans the same applications on platform-defined types (bench/types/, CEL
# templates) instead of the built-in ones; compare with the default TYPES=builtin (docs/types.md).
set -euo pipefail
n="${1:-1000}"
runs="${2:-3}"
layouts="${3:-hydrated files}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
timer=/usr/bin/time
[ -x "$timer" ] || { echo "needs GNU time (/usr/bin/time): apt-get install time" >&2; exit 2; }

"$root/slipway" --version >/dev/null   # builds the jar if needed, outside the timing
"$root/bench/gen-apps.sh" "$n" "$work"

# measure LABEL PREPARE ARGS...: PREPARE (clean|keep|touch) runs before each timed run.
measure() {
  local label="$1" prepare="$2"; shift 2
  local best="" worst="" rss=0
  for i in $(seq 1 "$runs"); do
    case "$prepare" in
      clean) rm -rf "$work/out" ;;
      touch) sed -i "s|^      env: {LOG_LEVEL: .*}|      env: {LOG_LEVEL: run$i}|" "$work/apps/app$(printf "%0${#n}d" 1)/app.yaml" ;;
    esac
    # Each run starts with the disk idle: the previous run's 100 MB still being written back, or the
    # deletion above being committed (with trims, on a filesystem mounted with `discard`), would
    # otherwise be charged to this run. SYNC_BEFORE=0 measures without (see docs/benchmarks.md).
    if [ "${SYNC_BEFORE:-1}" = 1 ]; then sync; fi
    local start end ms kb
    start=$(date +%s%N)
    "$timer" -f '%M' -o "$work/rss.txt" "$root/slipway" plan "$work" "$@" >"$work/last.txt" || [ $? -eq 1 ]
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    kb=$(tail -1 "$work/rss.txt")
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    if [ -z "$worst" ] || [ "$ms" -gt "$worst" ]; then worst=$ms; fi
    if [ "$kb" -gt "$rss" ]; then rss=$kb; fi
  done
  printf '%-52s best %6d ms  worst %6d ms  peak RSS %5d MB\n' "$label" "$best" "$worst" $((rss / 1024))
}

echo "slipway plan: $n applications x 3 environments, ${TYPES:-builtin} types, $(nproc) cores, $runs runs, $(java -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes runs vary)"
measure "plan --no-write (pipeline only)" clean --no-write
for layout in $layouts; do
  measure "plan --layout $layout, empty out/ (first write)" clean --layout "$layout"
  tail -1 "$work/last.txt" | sed 's/.*; //'
  measure "plan --layout $layout again, nothing changed" keep --layout "$layout"
  tail -1 "$work/last.txt" | sed 's/.*; //'
  measure "plan --layout $layout again, one app changed" touch --layout "$layout"
  tail -1 "$work/last.txt" | sed 's/.*; //'
  rm -rf "$work/out"
done
