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
# Packaged and listed in one reactor: slipway-server's test classpath names slipway-sandbox, which
# resolves to its freshly built jar only inside the same reactor (nothing is installed into ~/.m2).
mvn -o -q -B -pl slipway-server,slipway-sandbox -am package -DskipTests \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
# The reactor's own classes come from target/, never from a (possibly stale) copy in ~/.m2; they are
# copied first, so that a build during the (long) run cannot change the code under measurement.
classes=""
for m in slipway-model slipway-engine slipway-kube slipway-git slipway-sandbox slipway-server; do
  mkdir -p "$work/classes/$m"
  cp -r "$root/$m/target/classes/." "$work/classes/$m/"
  classes="$classes:$work/classes/$m"
done
deps="$(cat slipway-server/target/bench-classpath.txt slipway-sandbox/target/bench-classpath.txt | tr ':' '\n' | grep -v '/dev/slipway/' | sort -u | paste -sd: -)"
"$root/bench/gen-apps.sh" "$n" "$work/platform"
exec java "-Xmx${XMX:-1536m}" -cp "${classes#:}:$deps" "$root/bench/ServeBench.java" "$work/platform" "${STEADY_SECONDS:-300}" "${DRIFTS:-100}"
