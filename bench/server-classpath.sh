# Sourced by the server benchmarks (serve-bench.sh, dashboard-bench.sh): builds the server and the
# sandbox with `package` only (nothing installed into ~/.m2) and sets $classpath for `java -cp`.
# Usage: server_classpath ROOT WORK
server_classpath() {
  local root="$1" work="$2" m classes="" deps
  # Packaged and listed in one reactor: slipway-server's test classpath names slipway-sandbox, which
  # resolves to its freshly built jar only inside the same reactor.
  (cd "$root" && mvn -o -q -B -pl slipway-server,slipway-sandbox -am package -DskipTests \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile=target/bench-classpath.txt)
  # The reactor's own classes come from target/, never from a (possibly stale) copy in ~/.m2; they are
  # copied first, so that a build during a (long) run cannot change the code under measurement.
  for m in slipway-model slipway-engine slipway-kube slipway-git slipway-sandbox slipway-server; do
    mkdir -p "$work/classes/$m"
    cp -r "$root/$m/target/classes/." "$work/classes/$m/"
    classes="$classes:$work/classes/$m"
  done
  deps="$(cat "$root/slipway-server/target/bench-classpath.txt" "$root/slipway-sandbox/target/bench-classpath.txt" \
    | tr ':' '\n' | grep -v '/dev/slipway/' | sort -u | paste -sd: -)"
  classpath="${classes#:}:$deps"
}
