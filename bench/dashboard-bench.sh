#!/usr/bin/env bash
# How fast the dashboard's overview is usable with N generated applications (default 1000) in the
# sandbox's 3 environments: Chromium (Debian's /usr/bin/chromium, via Playwright) navigates to the
# dashboard with a token and the benchmark times (1) the first matrix row visible, (2) the search
# box answering (typing a name until only that application is shown), over RUNS navigations
# (default 5), with the controller still converging (most cells pending) as it would be after a start.
# Usage: [RUNS=5] [SETTLE_SECONDS=20] bench/dashboard-bench.sh [N]
# Builds with `package` only (nothing installed into ~/.m2).
set -euo pipefail
n="${1:-1000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[ -x /usr/bin/chromium ] || { echo "needs Debian's chromium: apt-get install -y chromium" >&2; exit 2; }

cd "$root"
. "$root/bench/server-classpath.sh"
server_classpath "$root" "$work"
"$root/bench/gen-apps.sh" "$n" "$work/platform"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 exec java "-Xmx${XMX:-1536m}" -cp "$classpath" "$root/bench/DashboardBench.java" \
  "$work/platform" "${RUNS:-5}" "${SETTLE_SECONDS:-20}"
