#!/usr/bin/env bash
# Writes a platform with N generated applications (database, backend, frontend each) over the
# example's 3 environments into DIR. Usage: bench/gen-apps.sh N DIR
# TYPES=platform writes the same applications on platform-defined types (componentTypes/ from
# bench/types/: bench-postgres, bench-api, bench-web), each rendering the same kinds of objects as
# the built-in type it stands for, to measure CEL templates against the built-in renderers.
set -euo pipefail
n="$1"
work="$2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$work"
cp "$root/examples/acme/slipway.yaml" "$work/"
cp -r "$root/examples/acme/policies" "$work/"
types="${TYPES:-builtin}"
case "$types" in
  builtin) db=postgres; api=api; web=web ;;
  platform) db=bench-postgres; api=bench-api; web=bench-web; cp -r "$root/bench/types" "$work/componentTypes" ;;
  *) echo "TYPES is builtin or platform, not '$types'" >&2; exit 2 ;;
esac
for i in $(seq -w 1 "$n"); do
  mkdir -p "$work/apps/app$i"
  cat > "$work/apps/app$i/app.yaml" <<YAML
apiVersion: slipway.dev/v1alpha1
kind: Application
metadata: {name: app$i}
spec:
  components:
    database: {type: $db, version: "16", storage: {size: 5Gi}, secrets: {POSTGRES_PASSWORD: app$i/db-password}}
    backend:
      type: $api
      image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app$i-backend:1.0.$i
      port: 8000
      probes: {liveness: /health, readiness: /health}
      env: {LOG_LEVEL: info}
      secrets: {DATABASE_URL: app$i/database-url}
      autoscaling: {min: 2, max: 10, cpu: 70}
      metrics: {path: /metrics}
      dependsOn: [database]
    frontend:
      type: $web
      image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app$i-frontend:1.0.$i
      port: 8080
      probes: {liveness: /, readiness: /}
      ingress: {path: /}
      dependsOn: [backend]
  environments:
    dev: {components: {backend: {replicas: 1, autoscaling: null}}}
    prod: {components: {backend: {resources: {cpu: "1", memory: 2Gi}, autoscaling: {min: 3, max: 20}}}}
YAML
done
