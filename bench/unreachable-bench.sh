#!/usr/bin/env bash
# How long `slipway diff` takes to fail against clusters that cannot be used, and what it says:
# connection refused, unknown host, an endpoint that accepts and never answers, TLS spoken to a
# plain-HTTP server; and `slipway status` over three environments whose endpoints all hang.
# Every endpoint is on 127.0.0.1 (or a .invalid name). Usage: bench/unreachable-bench.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT INT TERM
cd "$root"
./slipway --version >/dev/null

start_endpoint() { # $1: hang|http; prints the port
  java "$root/bench/Endpoint.java" "$1" >"$work/$1.$$.$RANDOM" &
  local pid=$! f; pids+=("$pid")
  f="$(ls -t "$work"/"$1".* | head -1)"
  for _ in $(seq 1 100); do [[ -s "$f" ]] && break; sleep 0.1; done
  head -1 "$f"
}

kubeconfig() { # $1: file, then one server per environment dev, staging, prod
  local f="$1"; shift
  { echo "apiVersion: v1"; echo "kind: Config"; echo "clusters:"
    local i=0; for s in "$@"; do echo "- {name: c$i, cluster: {server: \"$s\", insecure-skip-tls-verify: true}}"; i=$((i+1)); done
    echo "users: [{name: me, user: {token: t}}]"; echo "contexts:"
    i=0; for e in dev staging prod; do [[ $i -lt $# ]] && echo "- {name: acme-$e, context: {cluster: c$i, user: me}}"; i=$((i+1)); done
  } >"$f"
}

closed=1   # nothing listens on port 1: connection refused
hang=$(start_endpoint hang)
hang2=$(start_endpoint hang)
hang3=$(start_endpoint hang)
http=$(start_endpoint http)

run() { # $1: label, $2: kubeconfig, rest: slipway args
  local label="$1" kc="$2"; shift 2
  local t0 t1 msg
  t0=$(date +%s.%N)
  msg=$(./slipway "$@" --kubeconfig "$kc" 2>&1 >/dev/null | head -3 | tr '\n' ' ' || true)
  t1=$(date +%s.%N)
  printf '| %s | %.1f s | %s |\n' "$label" "$(echo "$t1 - $t0" | bc)" "$msg"
}

echo "| case | wall time (JVM start and plan included) | message |"
echo "|---|---|---|"
kubeconfig "$work/refused" "http://127.0.0.1:$closed"; run "connection refused" "$work/refused" diff examples/acme --env dev --app hello-world
kubeconfig "$work/dns" "https://cluster.invalid:6443"; run "unknown host" "$work/dns" diff examples/acme --env dev --app hello-world
kubeconfig "$work/hang" "http://127.0.0.1:$hang"; run "accepts and hangs (default --request-timeout 30s)" "$work/hang" diff examples/acme --env dev --app hello-world
run "accepts and hangs, --request-timeout 5s" "$work/hang" diff examples/acme --env dev --app hello-world --request-timeout 5s
kubeconfig "$work/tls" "https://127.0.0.1:$http"; run "TLS to a plain-HTTP server" "$work/tls" diff examples/acme --env dev --app hello-world
kubeconfig "$work/three" "http://127.0.0.1:$hang" "http://127.0.0.1:$hang2" "http://127.0.0.1:$hang3"
run "status, 3 environments hanging, --request-timeout 5s" "$work/three" status examples/acme --request-timeout 5s
