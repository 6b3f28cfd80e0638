package dev.slipway.server.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.capacity.Catalog;
import dev.slipway.engine.doctor.Doctor;
import dev.slipway.engine.doctor.Finding;
import dev.slipway.engine.doctor.FindingJson;
import dev.slipway.engine.doctor.SpecFacts;
import dev.slipway.engine.plan.EnvironmentPlan;
import dev.slipway.engine.sync.ManagedKinds;
import dev.slipway.kube.ClusterClient;
import dev.slipway.kube.DiagnosisReader;
import dev.slipway.model.Diagnostics;
import dev.slipway.server.api.Diagnosis;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The server's {@code slipway doctor}: the objects Slipway owns from the informers' cache, the rest
 * of the namespace (pods, events, ReplicaSets, endpoints, Jobs) and the nodes from one bounded read
 * (one list per kind), then the same analyzers the CLI runs. Positions in slipway.yaml are not
 * known here (the server keeps the bound platform, not its tree), so platform fixes point at the
 * environment's entry.
 */
final class Diagnoses {
  /** The kinds the informers hold for an application: not read again. */
  static final Set<String> CACHED = ManagedKinds.APPLICATION.stream().filter(ManagedKinds.Kind::namespaced)
      .map(ManagedKinds.Kind::kind).collect(Collectors.toUnmodifiableSet());

  private Diagnoses() {}

  static Diagnosis diagnose(Rendered r, String environment, String application, List<JsonNode> cached, ClusterClient client, Instant now) {
    EnvironmentPlan e = r.environments().get(environment);
    String namespace = r.application(environment, application).orElseThrow().bundle().namespace();
    List<String> skipped = new ArrayList<>();
    List<JsonNode> live = new ArrayList<>(cached);
    live.addAll(new DiagnosisReader(client).read(List.of(namespace), CACHED, skipped));
    SpecFacts facts = SpecFacts.of(e, Catalog.load(r.platform().pricing(), new Diagnostics()), null);
    List<Finding> findings = Doctor.diagnose(facts, live, now, Set.of(application));
    int errors = (int) findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).count();
    return new Diagnosis(application, environment, "informer cache and a read of namespace " + namespace, now.toString(),
        findings.stream().map(f -> (JsonNode) FindingJson.of(f)).toList(), errors, findings.size() - errors, skipped);
  }
}
