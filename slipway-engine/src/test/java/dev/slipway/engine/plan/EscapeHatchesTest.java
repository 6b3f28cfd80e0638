package dev.slipway.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.capacity.Workloads;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each escape hatch renders into the component's objects, and what it cannot do is an error at the field. */
class EscapeHatchesTest {
  @TempDir
  Path dir;

  static final String PLATFORM = """
      apiVersion: slipway.dev/v1alpha1
      kind: Platform
      metadata: {name: test}
      spec:
        addons:
          ingress: {class: alb, targetType: ip}
        environments:
        - name: dev
          domain: dev.example.com
          nodePools:
          - {name: default, instanceTypes: [t3.medium, m5.large], limits: {cpu: "40", memory: 160Gi}}
        - name: prod
          domain: example.com
          policy: {enforcement: enforce}
          nodePools:
          - {name: default, instanceTypes: [m5.large], limits: {cpu: "40", memory: 160Gi}}
      """;

  Plan plan(String components, String... files) throws IOException {
    Files.writeString(dir.resolve("slipway.yaml"), PLATFORM);
    Files.createDirectories(dir.resolve("apps/shop"));
    Files.writeString(dir.resolve("apps/shop/app.yaml"), """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata: {name: shop}
        spec:
          components:
        """ + components.indent(4));
    for (int i = 0; i < files.length; i += 2) {
      Files.writeString(dir.resolve("apps/shop").resolve(files[i]), files[i + 1]);
    }
    return new Planner(true).plan(Workspace.load(dir), new Planner.Scope(Set.of(), Set.of(), List.of()));
  }

  static ApplicationPlan app(Plan p, String env) {
    return p.environments().stream().filter(e -> e.environment().name().equals(env)).findFirst().orElseThrow().applications().get(0);
  }

  static RenderedObject object(ApplicationPlan a, String kind, String name) {
    return a.bundle().objects().stream().filter(o -> o.kind().equals(kind) && o.name().equals(name)).findFirst().orElseThrow();
  }

  static JsonNode pod(ApplicationPlan a, String deployment) {
    return object(a, "Deployment", deployment).body().path("spec").path("template");
  }

  static List<Diagnostic> errors(Plan p) {
    return p.specDiagnostics().stream().filter(Diagnostic::isError).toList();
  }

  static final String WEB = """
      web:
        type: web
        image: a.io/web:1
      """;

  @Test
  void sidecarsAndInitContainersGetTheMainContainersSecureDefaultsAndCountInThePodsRequests() throws IOException {
    Plan p = plan(WEB + """
          sidecars:
          - name: proxy
            image: a.io/proxy:2
            ports: {admin: 9901}
            env: {MODE: edge}
            resources: {cpu: 50m, memory: 64Mi}
            probes: {readiness: {path: /ready, port: 9901}}
          - name: agent
            image: a.io/agent:1
            native: true
            resources: {cpu: 20m, memory: 32Mi}
          initContainers:
          - name: migrate
            image: a.io/migrate:1
            command: [migrate, up]
            resources: {cpu: "1", memory: 64Mi}
        """);
    assertThat(errors(p)).isEmpty();
    JsonNode spec = pod(app(p, "dev"), "web").path("spec");
    assertThat(spec.path("containers")).extracting(c -> c.path("name").asText()).containsExactly("web", "proxy");
    JsonNode proxy = spec.path("containers").get(1);
    assertThat(proxy.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(proxy.path("securityContext").path("capabilities").path("drop").get(0).asText()).isEqualTo("ALL");
    assertThat(proxy.path("resources").path("limits").path("cpu").asText()).isEqualTo("100m");
    assertThat(proxy.path("resources").path("limits").path("memory").asText()).isEqualTo("64Mi");
    assertThat(proxy.path("env").get(0).toString()).isEqualTo("{\"name\":\"MODE\",\"value\":\"edge\"}");
    assertThat(proxy.path("readinessProbe").path("httpGet").path("port").asInt()).isEqualTo(9901);
    assertThat(proxy.path("volumeMounts").get(0).path("name").asText()).isEqualTo("tmp-proxy");
    // The native sidecar starts first, as an init container that keeps running.
    assertThat(spec.path("initContainers")).extracting(c -> c.path("name").asText()).containsExactly("agent", "migrate");
    assertThat(spec.path("initContainers").get(0).path("restartPolicy").asText()).isEqualTo("Always");
    assertThat(spec.path("initContainers").get(1).has("restartPolicy")).isFalse();
    // web 100m + proxy 50m + native agent 20m = 170m; migrate alone (1000m + agent 20m) is larger: 1020m.
    long[] requests = Workloads.podRequests(pod(app(p, "dev"), "web").path("spec"));
    assertThat(requests).containsExactly(1020, 128 + 64 + 32);
  }

  @Test
  void schedulingHooksAndPodMetadataRenderIntoThePodTemplate() throws IOException {
    Plan p = plan(WEB + """
          nodeSelector: {kubernetes.io/arch: amd64}
          tolerations:
          - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
          - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
          affinity:
            podAntiAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 100
                podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app.kubernetes.io/name: web}}}
          topologySpread:
          - {maxSkew: 1, topologyKey: kubernetes.io/hostname}
          lifecycle:
            preStop: {sleep: 45}
            postStart: {exec: [/bin/warm-up]}
          podAnnotations: {example.com/team: storefront}
          podLabels: {team: storefront}
        """);
    assertThat(errors(p)).isEmpty();
    JsonNode template = pod(app(p, "dev"), "web");
    JsonNode spec = template.path("spec");
    assertThat(spec.path("nodeSelector").toString()).isEqualTo("{\"kubernetes.io/arch\":\"amd64\"}");
    assertThat(spec.path("tolerations").get(1).toString())
        .isEqualTo("{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":30}");
    assertThat(spec.path("affinity").path("podAntiAffinity").path("preferredDuringSchedulingIgnoredDuringExecution").get(0)
        .path("weight").asInt()).isEqualTo(100);
    JsonNode spread = spec.path("topologySpreadConstraints").get(0);
    assertThat(spread.path("whenUnsatisfiable").asText()).isEqualTo("DoNotSchedule");
    assertThat(spread.path("labelSelector").path("matchLabels").path("app.kubernetes.io/instance").asText()).isEqualTo("shop-web");
    JsonNode main = spec.path("containers").get(0);
    // The user's preStop replaces the ALB drain sleep, and the grace period covers it.
    assertThat(main.path("lifecycle").path("preStop").path("sleep").path("seconds").asInt()).isEqualTo(45);
    assertThat(main.path("lifecycle").path("postStart").path("exec").path("command").get(0).asText()).isEqualTo("/bin/warm-up");
    assertThat(spec.path("terminationGracePeriodSeconds").asInt()).isGreaterThanOrEqualTo(55);
    assertThat(template.path("metadata").path("annotations").path("example.com/team").asText()).isEqualTo("storefront");
    assertThat(template.path("metadata").path("labels").path("team").asText()).isEqualTo("storefront");
  }

  @Test
  void anEnvironmentOverrideReplacesTheListAndExplainShowsWhereItCameFrom() throws IOException {
    Files.writeString(dir.resolve("slipway.yaml"), PLATFORM);
    Files.createDirectories(dir.resolve("apps/shop"));
    Files.writeString(dir.resolve("apps/shop/app.yaml"), """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata: {name: shop}
        spec:
          components:
            web:
              type: web
              image: a.io/web:1
              tolerations: [{key: dedicated, operator: Exists}]
          environments:
            prod:
              components:
                web:
                  tolerations: [{key: prod-only, operator: Exists}]
        """);
    Plan p = new Planner(true).plan(Workspace.load(dir), new Planner.Scope(Set.of(), Set.of(), List.of()));
    assertThat(errors(p)).isEmpty();
    assertThat(pod(app(p, "dev"), "web").path("spec").path("tolerations").get(0).path("key").asText()).isEqualTo("dedicated");
    assertThat(pod(app(p, "prod"), "web").path("spec").path("tolerations")).hasSize(1);
    assertThat(pod(app(p, "prod"), "web").path("spec").path("tolerations").get(0).path("key").asText()).isEqualTo("prod-only");
    var tree = (dev.slipway.model.yaml.SpecNode.MapNode) app(p, "prod").resolved().trees().get("web");
    assertThat(tree.get("tolerations").origin().describe()).startsWith("environment override (apps/shop/app.yaml:14:");
  }

  @Test
  void badInputIsReportedAtTheField() throws IOException {
    Plan p = plan(WEB + """
          sidecars:
          - {name: web, image: a.io/x:1, resources: {cpu: 10m, memory: 8Mi}}
          - {name: nores, image: a.io/x:1}
          tolerations:
          - {key: dedicated, operator: Sometimes}
          - {operator: Equal, value: x}
          podLabels: {app.kubernetes.io/name: other}
          podAnnotations: {slipway.dev/config-hash: x}
        """);
    assertThat(errors(p)).extracting(d -> d.line() + " " + d.path() + ": " + d.message()).anySatisfy(s ->
        assertThat(s).startsWith("10 spec.components.web.sidecars[0].name:").contains("already used in this pod"))
        .anySatisfy(s -> assertThat(s).startsWith("11 spec.components.web.sidecars[1].resources:").contains("needs resources"))
        .anySatisfy(s -> assertThat(s).startsWith("13 spec.components.web.tolerations[0].operator:").contains("not one of Equal, Exists"))
        .anySatisfy(s -> assertThat(s).startsWith("14 spec.components.web.tolerations[1].operator:").contains("without a key"))
        .anySatisfy(s -> assertThat(s).startsWith("15 spec.components.web.podLabels.app.kubernetes.io/name:")
            .contains("'app.kubernetes.io/name' is Slipway's own"))
        .anySatisfy(s -> assertThat(s).startsWith("16 spec.components.web.podAnnotations.slipway.dev/config-hash:"));
    assertThat(errors(p)).allSatisfy(d -> assertThat(d.file()).isEqualTo("apps/shop/app.yaml"));
  }

  @Test
  void aNodeSelectorNoPoolCanSatisfyCannotBeScheduledAnErrorWhereEnforced() throws IOException {
    Plan p = plan(WEB + """
          nodeSelector: {node.kubernetes.io/instance-type: t3.medium}
        """);
    List<Diagnostic> found = p.specDiagnostics().stream().filter(d -> d.code().equals("capacity.unschedulable")).toList();
    // dev has t3.medium; prod has only m5.large.
    assertThat(found).singleElement().satisfies(d -> {
      assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
      assertThat(d.line()).isEqualTo(9);
      assertThat(d.message()).contains("environment prod", "pool default: node.kubernetes.io/instance-type=t3.medium (its nodes have m5.large)");
    });
  }

  @Test
  void aPreStopSleepLongerThanTheGracePeriodIsRefused() throws IOException {
    Plan p = plan(WEB + """
          lifecycle: {preStop: {sleep: 60}, terminationGracePeriodSeconds: 30}
        """);
    assertThat(errors(p)).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("spec.components.web.lifecycle.terminationGracePeriodSeconds");
      assertThat(d.message()).contains("does not cover the preStop sleep of 60s");
    });
  }
}
