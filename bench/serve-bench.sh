#!/usr/bin/env bash
# Runs the continuous controller of `slipway serve --sandbox` over N generated applications
# (default 1000) in environment dev: convergence from empty, a quiet steady state (STEADY_SECONDS,
# default 300, one resync period), 100 drift corrections and webhook-to-synced latency.
# Usage: [WORKERS=4] [QPS=20] [STEADY_SECONDS=300] [DRIFTS=100] [XMX=1536m] bench/serve-bench.sh [N] (unset: serve's defaults;
# QPS sets burst to the same). Builds with `package` only (nothing installed into ~/.m2).
set -euo pipefail
n="${1:-1000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
. "$root/bench/server-classpath.sh"
server_classpath "$root" "$work"
"$root/bench/gen-apps.sh" "$n" "$work/platform"
exec java "-Xmx${XMX:-1536m}" -cp "$classpath" "$root/bench/ServeBench.java" "$work/platform" "${STEADY_SECONDS:-300}" "${DRIFTS:-100}"
