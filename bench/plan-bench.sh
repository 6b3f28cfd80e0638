#!/usr/bin/env bash
# Generates N applications (default 1000) over the example's 3 environments and times
# `slipway plan` on them, wall clock including JVM start, best of R runs (default 3).
# Usage: bench/plan-bench.sh [N] [RUNS]
set -euo pipefail
n="${1:-1000}"
runs="${2:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$root/slipway" --version >/dev/null   # builds the jar if needed, outside the timing
"$root/bench/gen-apps.sh" "$n" "$work"

best() {
  local label="$1" clean="$2"; shift 2
  local best_ms=""
  for _ in $(seq 1 "$runs"); do
    if [ "$clean" = clean ]; then rm -rf "$work/out"; fi
    local start end ms
    start=$(date +%s%N)
    "$root/slipway" plan "$work" "$@" >"$work/last.txt"
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best_ms" ] || [ "$ms" -lt "$best_ms" ]; then best_ms=$ms; fi
  done
  printf '%-40s %6d ms\n' "$label" "$best_ms"
}

echo "slipway plan: $n applications x 3 environments, $(nproc) cores, best of $runs, $(java -version 2>&1 | head -1)"
best "plan --no-write (pipeline only)" clean --no-write
# The same without any policy, to isolate the policy engine's share (13 baseline + 1 example policy).
cp "$work/slipway.yaml" "$work/slipway.yaml.orig"
sed -i 's|^  policies: .*|  policies: []|' "$work/slipway.yaml"
best "plan --no-write, no policies" clean --no-write
mv "$work/slipway.yaml.orig" "$work/slipway.yaml"
best "plan, empty out/ (writes every file)" clean
tail -1 "$work/last.txt"
best "plan again, out/ up to date" keep
tail -1 "$work/last.txt"
echo "file creation baseline on this filesystem: $(python3 - "$work" <<'PY' 2>/dev/null || echo n/a
import os, sys, time
base = os.path.join(sys.argv[1], "fs-baseline")
start = time.time()
for d in range(300):
    p = os.path.join(base, str(d)); os.makedirs(p)
    for i in range(26):
        with open(os.path.join(p, f"f{i}.yaml"), "w") as f:
            f.write("x" * 1500)
print(f"{(time.time() - start) * 1000 / 7800:.2f} ms per file (python, 7,800 files)")
PY
)"
