#!/usr/bin/env bash
# Times the capacity planner on 10,000 pods over the catalogue's 55 instance types, and reports
# the packing's cost against the computed lower bound. Usage: bench/capacity-bench.sh [PODS] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/slipway" --version >/dev/null   # builds the jar if needed
exec java -cp "$root/slipway-cli/target/slipway.jar" "$root/bench/CapacityBench.java" "${1:-10000}" "${2:-5}"
