#!/usr/bin/env bash
# Syncs N generated applications (default 1000) into fabric8's mock API server, then re-syncs
# with nothing changed; reports time, writes and reads. Usage: bench/sync-bench.sh [N] [ENV]
# (SYNC_BENCH_DETAIL=1 lists the calls by verb and kind.)
set -euo pipefail
n="${1:-1000}"
env="${2:-dev}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
mvn -B -q install -DskipTests -pl slipway-kube -am
mvn -B -q -pl slipway-kube org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt"
"$root/bench/gen-apps.sh" "$n" "$work/platform"
exec java -Xmx2g -cp "$root/slipway-kube/target/classes:$(cat "$work/classpath.txt")" "$root/bench/SyncBench.java" "$work/platform" "$env"
