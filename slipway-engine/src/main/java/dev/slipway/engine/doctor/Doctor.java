package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code slipway doctor}'s engine: runs every analyzer over an environment's live objects and
 * returns the findings in a stable order. Pure: the live objects are read by the caller (from the
 * cluster, the server's informers, or a saved {@code kubectl get -o yaml} dump) and {@code now}
 * is the time they were read, so the same input gives the same findings.
 */
public final class Doctor {
  /** Every analyzer, in the order docs/doctor.md lists them. */
  static final List<Analyzer> ANALYZERS = List.of(
      new ContainerAnalyzers.CrashLoop(), new ContainerAnalyzers.OomKilled(), new ContainerAnalyzers.ImagePull(),
      new SchedulingAnalyzer(), new ProbeAnalyzer(), new ServiceAnalyzer(), new IngressAnalyzer(), new AutoscalerAnalyzer(),
      new ExternalSecretAnalyzer(), new VolumeClaimAnalyzer(), new CronJobAnalyzer(), new DisruptionBudgetAnalyzer(),
      new RolloutAnalyzer());

  private Doctor() {}

  /** The analyzers' names, as findings carry them. */
  public static List<String> analyzers() {
    return ANALYZERS.stream().map(Analyzer::name).toList();
  }

  /**
   * Diagnoses the live objects of one environment.
   *
   * @param applications only findings about these applications; empty for all
   */
  public static List<Finding> diagnose(SpecFacts spec, List<JsonNode> live, Instant now, Set<String> applications) {
    Scan scan = new Scan(new LiveObjects(live), spec, now);
    for (Analyzer a : ANALYZERS) {
      a.analyze(scan);
    }
    return scan.findings().stream().filter(f -> applications.isEmpty() || applications.contains(f.application()))
        .sorted(Finding.ORDER).toList();
  }
}
