package dev.slipway.engine.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.plan.ApplicationPlan;
import dev.slipway.engine.plan.IngressGroups;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ALB ingress groups, rule order, graceful pod shutdown behind target type ip, and the NetworkPolicy it needs. */
class AlbIngressTest {
  @TempDir
  Path dir;

  static String platform(String ingress) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: Platform
        metadata: {name: test}
        spec:
          addons:
            ingress: %s
          environments:
          - name: dev
            domain: dev.example.com
        """.formatted(ingress);
  }

  private Plan plan(String platform, String... apps) throws IOException {
    Files.writeString(dir.resolve("slipway.yaml"), platform);
    for (int i = 0; i < apps.length; i++) {
      Files.createDirectories(dir.resolve("apps/app" + i));
      Files.writeString(dir.resolve("apps/app" + i + "/app.yaml"), """
          apiVersion: slipway.dev/v1alpha1
          kind: Application
          metadata: {name: app%d}
          spec:
            components:
          """.formatted(i) + apps[i].indent(4));
    }
    return new Planner().plan(Workspace.load(dir), new Planner.Scope(Set.of(), Set.of(), List.of()));
  }

  private static JsonNode object(Plan p, String app, String kind, String name) {
    ApplicationPlan a = p.environments().get(0).applications().stream().filter(x -> x.name().equals(app)).findFirst().orElseThrow();
    return a.bundle().objects().stream().filter(o -> o.kind().equals(kind) && o.name().equals(name)).findFirst().orElseThrow().body();
  }

  private static String annotation(Plan p, String name, String key) {
    return object(p, "app0", "Ingress", name).path("metadata").path("annotations").path("alb.ingress.kubernetes.io/" + key).asText();
  }

  private static final String WEB = "web:\n  type: web\n  image: a.io/web:1\n  port: 8080\n  ingress: {path: /}\n";
  private static final String API = "api:\n  type: api\n  image: a.io/api:1\n  port: 8080\n  ingress: {path: /api, host: app0}\n";

  @Test
  void differentSchemesInOneGroupAreAnErrorNamingBothIngresses() throws IOException {
    Plan p = plan(platform("{class: alb}"), WEB + API.replace("host: app0}", "host: app0, public: false}"));
    assertThat(p.blocked()).as("a conflict in an ALB group blocks the plan and a sync").isTrue();
    assertThat(p.allDiagnostics()).filteredOn(d -> d.code().equals(IngressGroups.CODE)).singleElement().satisfies(d -> {
      assertThat(d.isError()).isTrue();
      assertThat(d.file()).isEqualTo("apps/app0/app.yaml");
      assertThat(d.line()).isEqualTo(15);
      assertThat(d.path()).isEqualTo("spec.components.api.ingress.public");
      assertThat(d.message()).contains("Ingress app0/api (application app0", "Ingress app0/web (application app0",
          "ALB group 'app0'", "scheme: 'internal' and 'internet-facing'");
    });
  }

  @Test
  void twoApplicationsRoutingTheSameHostAndPathInASharedGroupConflict() throws IOException {
    String shared = WEB.replace("ingress: {path: /}", "ingress: {path: /, host: shop}");
    Plan p = plan(platform("{class: alb, group: 'shared-{env}'}"), shared, shared);
    assertThat(p.allDiagnostics()).filteredOn(d -> d.code().equals(IngressGroups.CODE)).singleElement()
        .satisfies(d -> assertThat(d.message()).contains("application app0", "application app1", "'shared-dev'",
            "both route host shop.dev.example.com path /"));
  }

  @Test
  void differentSslPoliciesConflictOnlyWhenTheyShareAGroup() throws IOException {
    // One environment has one SSL policy: a conflict needs two environments on one cluster and one group.
    String two = """
        apiVersion: slipway.dev/v1alpha1
        kind: Platform
        metadata: {name: test}
        spec:
          addons:
            ingress: {class: alb, group: shared, sslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06}
          environments:
          - {name: dev, domain: dev.example.com, cluster: {context: one}, namespace: '{app}-{env}'}
          - {name: qa, domain: qa.example.com, cluster: {context: one}, namespace: '{app}-{env}'}
        """;
    assertThat(plan(two, WEB).specDiagnostics()).isEmpty();
    Plan q = plan(two.replace("qa.example.com, cluster: {context: one}, namespace: '{app}-{env}'}\n",
        "qa.example.com, cluster: {context: one}, namespace: '{app}-{env}',\n"
        + "     addons: {ingress: {sslPolicy: ELBSecurityPolicy-2016-08}}}\n"), WEB);
    assertThat(q.allDiagnostics()).filteredOn(d -> d.code().equals(IngressGroups.CODE)).singleElement()
        .satisfies(d -> assertThat(d.message()).contains("environment dev", "environment qa", "differ in SSL policy"));
  }

  @Test
  void longerPathsComeFirstInTheGroup() throws IOException {
    Plan p = plan(platform("{class: alb}"), WEB + API);
    assertThat(Integer.parseInt(annotation(p, "api", "group.order"))).isLessThan(Integer.parseInt(annotation(p, "web", "group.order")))
        .isBetween(1, 1000);
    assertThat(annotation(p, "web", "group.order")).isEqualTo("999");
  }

  @Test
  void podsBehindAnAlbWithTargetTypeIpDrainBeforeTheyStop() throws IOException {
    Plan p = plan(platform("{class: alb}"), WEB + "worker:\n  type: worker\n  image: a.io/w:1\n");
    assertThat(p.specDiagnostics()).isEmpty();
    assertThat(object(p, "app0", "Namespace", "app0").path("metadata").path("labels")
        .path("elbv2.k8s.aws/pod-readiness-gate-inject").asText()).isEqualTo("enabled");
    JsonNode pod = object(p, "app0", "Deployment", "web").path("spec").path("template").path("spec");
    int sleep = pod.path("containers").get(0).path("lifecycle").path("preStop").path("sleep").path("seconds").asInt();
    int delay = Integer.parseInt(annotation(p, "web", "target-group-attributes").replace("deregistration_delay.timeout_seconds=", ""));
    assertThat(delay).isEqualTo(30);
    assertThat(sleep).isGreaterThan(delay);
    assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThan(sleep);
    JsonNode worker = object(p, "app0", "Deployment", "worker").path("spec").path("template").path("spec");
    assertThat(worker.has("terminationGracePeriodSeconds")).isFalse();
    assertThat(worker.path("containers").get(0).has("lifecycle")).isFalse();
    assertThat(p.environments().get(0).applications().get(0).validation()).isEmpty();
  }

  @Test
  void instanceTargetsGetNoReadinessGateOrDrain() throws IOException {
    Plan p = plan(platform("{class: alb, targetType: instance}"), WEB);
    assertThat(object(p, "app0", "Namespace", "app0").path("metadata").path("labels").has("elbv2.k8s.aws/pod-readiness-gate-inject"))
        .isFalse();
    assertThat(object(p, "app0", "Deployment", "web").path("spec").path("template").path("spec").has("terminationGracePeriodSeconds"))
        .isFalse();
  }

  @Test
  void subnetCidrsNarrowTheNetworkPolicyToTheAlbSubnets() throws IOException {
    Plan p = plan(platform("{class: alb, sourceCidrs: [10.0.0.0/16], subnetCidrs: [10.0.0.0/24, 10.0.1.0/24]}"), WEB);
    JsonNode from = object(p, "app0", "NetworkPolicy", "web").path("spec").path("ingress").get(0).path("from");
    assertThat(from.findValuesAsText("cidr")).containsExactly("10.0.0.0/24", "10.0.1.0/24");
    Plan wide = plan(platform("{class: alb, sourceCidrs: [10.0.0.0/16]}"), WEB);
    assertThat(object(wide, "app0", "NetworkPolicy", "web").path("spec").path("ingress").get(0).path("from").findValuesAsText("cidr"))
        .containsExactly("10.0.0.0/16");
  }

  @Test
  void cidrsThatAreNotBlocksAreErrorsAtTheValue() throws IOException {
    Plan p = plan(platform("{class: alb, subnetCidrs: [10.0.0.0/24, 10.0.1.7/24, 10.0.300.0/24, subnet-1, '2600:1f18::/56']}"), WEB);
    assertThat(p.specDiagnostics()).filteredOn(d -> d.code().equals("spec.invalid-cidr")).allSatisfy(d -> {
      assertThat(d.isError()).isTrue();
      assertThat(d.file()).isEqualTo("slipway.yaml");
      assertThat(d.line()).isEqualTo(6);
    }).extracting(Diagnostic::path).containsExactly("spec.addons.ingress.subnetCidrs[1]", "spec.addons.ingress.subnetCidrs[2]",
        "spec.addons.ingress.subnetCidrs[3]");
    assertThat(p.specDiagnostics()).anySatisfy(d -> assertThat(d.message()).contains("host bits are set; the block is 10.0.1.0/24"));
  }
}
