package dev.slipway.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.capacity.PodGroup;
import dev.slipway.engine.capacity.Workloads;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.model.Diagnostic;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.yaml.SpecNode.MapNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The escape hatches on components of platform-defined types: accepted beside the schema's fields,
 * merged over the same layers, applied to what the type renders, with the built-in checks.
 */
class TypedHatchesTest {
  @TempDir
  Path dir;

  static final String PLATFORM = """
      apiVersion: slipway.dev/v1alpha1
      kind: Platform
      metadata: {name: test}
      spec:
        environments:
        - name: dev
          domain: dev.example.com
          defaults: {podAnnotations: {example.com/owner: platform}}
          nodePools:
          - {name: default, instanceTypes: [m5.large], limits: {cpu: "40", memory: 160Gi}}
        - name: prod
          domain: example.com
          nodePools:
          - {name: default, instanceTypes: [m5.large], limits: {cpu: "40", memory: 160Gi}}
      """;

  /** A Deployment whose main container is not the first, a Service and a nightly CronJob. */
  static final String SERVICE_TYPE = """
      apiVersion: slipway.dev/v1alpha1
      kind: ComponentType
      metadata: {name: service}
      spec:
        schema:
          spec:
            image: string | required=true
            port: integer | default=8080
        resources:
        - id: deployment
          template:
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: "${component.name}"}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: "${component.name}"}
              template:
                metadata:
                  labels: {app: "${component.name}"}
                spec:
                  containers:
                  - name: log-tailer
                    image: a.io/tail:1
                    resources: {requests: {cpu: 10m, memory: 16Mi}}
                  - name: ${component.name}
                    image: ${schema.spec.image}
                    ports: [{name: http, containerPort: "${schema.spec.port}"}]
                    resources: {requests: {cpu: 100m, memory: 128Mi}}
        - id: service
          template:
            apiVersion: v1
            kind: Service
            metadata: {name: "${component.name}"}
            spec:
              selector: ${deployment.spec.selector.matchLabels}
              ports: [{name: http, port: 80, targetPort: http}]
        - id: cleanup
          template:
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: "${component.name}-cleanup"}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    metadata:
                      labels: {job: "${component.name}-cleanup"}
                    spec:
                      restartPolicy: OnFailure
                      containers:
                      - name: cleanup
                        image: ${schema.spec.image}
                        resources: {requests: {cpu: 50m, memory: 64Mi}}
      """;

  /** A type without pods. */
  static final String SETTINGS_TYPE = """
      apiVersion: slipway.dev/v1alpha1
      kind: ComponentType
      metadata: {name: settings}
      spec:
        schema:
          spec:
            level: string | default="info"
        resources:
        - id: config
          template:
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: "${component.name}"}
            data: {level: "${schema.spec.level}"}
      """;

  Plan plan(String appSpec, String... files) throws IOException {
    Files.writeString(dir.resolve("slipway.yaml"), PLATFORM);
    Files.createDirectories(dir.resolve("componentTypes"));
    Files.writeString(dir.resolve("componentTypes/service.yaml"), SERVICE_TYPE);
    Files.writeString(dir.resolve("componentTypes/settings.yaml"), SETTINGS_TYPE);
    Files.createDirectories(dir.resolve("apps/shop"));
    Files.writeString(dir.resolve("apps/shop/app.yaml"), """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata: {name: shop}
        spec:
        """ + appSpec.indent(2));
    for (int i = 0; i < files.length; i += 2) {
      Path f = dir.resolve(files[i]);
      Files.createDirectories(f.getParent());
      Files.writeString(f, files[i + 1]);
    }
    return new Planner(true).plan(Workspace.load(dir), new Planner.Scope(Set.of(), Set.of(), List.of("shop.web.podLabels.tier=gold")));
  }

  static final String WEB = """
      components:
        web:
          type: service
          image: a.io/web:1
      """;

  static List<Diagnostic> errors(Plan p) {
    return p.specDiagnostics().stream().filter(Diagnostic::isError).toList();
  }

  static JsonNode template(ApplicationPlan a, String kind, String name) {
    JsonNode body = EscapeHatchesTest.object(a, kind, name).body();
    return kind.equals("CronJob") ? body.path("spec").path("jobTemplate").path("spec").path("template")
        : body.path("spec").path("template");
  }

  @Test
  void podLevelHatchesGoIntoEveryPodTemplateTheTypeRenders() throws IOException {
    Plan p = plan(WEB + """
            sidecars:
            - {name: proxy, image: a.io/proxy:2, native: true, resources: {cpu: 50m, memory: 64Mi}}
            initContainers:
            - {name: migrate, image: a.io/migrate:1, resources: {cpu: 20m, memory: 32Mi}}
            nodeSelector: {kubernetes.io/arch: amd64}
            tolerations: [{key: dedicated, operator: Exists}]
            topologySpread: [{topologyKey: kubernetes.io/hostname}]
            podLabels: {team: shop}
        """);
    assertThat(errors(p)).isEmpty();
    ApplicationPlan dev = EscapeHatchesTest.app(p, "dev");
    for (JsonNode t : List.of(template(dev, "Deployment", "web"), template(dev, "CronJob", "web-cleanup"))) {
      JsonNode spec = t.path("spec");
      assertThat(spec.path("initContainers")).extracting(c -> c.path("name").asText()).containsExactly("proxy", "migrate");
      assertThat(spec.path("initContainers").get(0).path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
      assertThat(spec.path("volumes")).extracting(v -> v.path("name").asText()).containsExactly("tmp-proxy", "tmp-migrate");
      assertThat(spec.path("nodeSelector").path("kubernetes.io/arch").asText()).isEqualTo("amd64");
      assertThat(spec.path("tolerations").get(0).path("key").asText()).isEqualTo("dedicated");
      // The environment's default, the app's label and the --set label, each where it was given.
      assertThat(t.path("metadata").path("annotations").path("example.com/owner").asText()).isEqualTo("platform");
      assertThat(t.path("metadata").path("labels").path("team").asText()).isEqualTo("shop");
      assertThat(t.path("metadata").path("labels").path("tier").asText()).isEqualTo("gold");
    }
    // A spread selects the workload's own pods: its selector, or a CronJob's pod labels.
    assertThat(template(dev, "Deployment", "web").path("spec").path("topologySpreadConstraints").get(0).path("labelSelector")
        .path("matchLabels").toString()).isEqualTo("{\"app\":\"web\"}");
    assertThat(template(dev, "CronJob", "web-cleanup").path("spec").path("topologySpreadConstraints").get(0).path("labelSelector")
        .path("matchLabels").toString()).isEqualTo("{\"job\":\"web-cleanup\"}");
    // prod has no defaults: the environment's annotation is dev's only.
    assertThat(template(EscapeHatchesTest.app(p, "prod"), "Deployment", "web").path("metadata").path("annotations")
        .has("example.com/owner")).isFalse();
    MapNode tree = (MapNode) dev.resolved().trees().get("web");
    assertThat(tree.get("podAnnotations").origin().describe()).startsWith("platform (slipway.yaml:");
  }

  @Test
  void capacityCountsTheSidecarsOfATypesPods() throws IOException {
    Plan p = plan(WEB + """
            sidecars:
            - {name: proxy, image: a.io/proxy:2, native: true, resources: {cpu: 50m, memory: 64Mi}}
        """);
    assertThat(errors(p)).isEmpty();
    ApplicationPlan dev = EscapeHatchesTest.app(p, "dev");
    List<PodGroup> groups = Workloads.groups(dev.bundle(), Workloads.Scenario.MAX);
    // log-tailer 10m + web 100m + proxy 50m; memory 16 + 128 + 64.
    assertThat(groups).filteredOn(g -> g.workload().equals("Deployment/web")).singleElement().satisfies(g -> {
      assertThat(g.cpuMillis()).isEqualTo(160);
      assertThat(g.memoryMiB()).isEqualTo(208);
      assertThat(g.count()).isEqualTo(2);
    });
    assertThat(groups).filteredOn(g -> g.workload().equals("CronJob/web-cleanup")).singleElement()
        .satisfies(g -> assertThat(g.cpuMillis()).isEqualTo(100));
  }

  @Test
  void theHooksAreTheContainerNamedAfterTheComponentsElseTheFirst() throws IOException {
    Plan p = plan(WEB + """
            lifecycle:
              preStop: {sleep: 40}
        """);
    assertThat(errors(p)).isEmpty();
    JsonNode spec = template(EscapeHatchesTest.app(p, "dev"), "Deployment", "web").path("spec");
    assertThat(spec.path("containers").get(0).has("lifecycle")).isFalse();
    assertThat(spec.path("containers").get(1).path("lifecycle").path("preStop").toString()).isEqualTo("{\"sleep\":{\"seconds\":40}}");
    assertThat(spec.path("terminationGracePeriodSeconds").asInt()).isEqualTo(50);
    // No container of the CronJob's pod is named after the component: its first one gets them.
    JsonNode job = template(EscapeHatchesTest.app(p, "dev"), "CronJob", "web-cleanup").path("spec");
    assertThat(job.path("containers").get(0).path("lifecycle").path("preStop").path("sleep").path("seconds").asInt()).isEqualTo(40);
  }

  @Test
  void anHttpHookCallsTheMainContainersPortAndNeedsOneWhereItHasNone() throws IOException {
    Plan p = plan(WEB + """
            lifecycle:
              preStop: {httpGet: {path: /drain}}
        """);
    // The Deployment's main container has port 8080; the CronJob's has none.
    assertThat(errors(p)).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("spec.components.web.lifecycle.preStop.httpGet.port");
      assertThat(d.message()).contains("the main container of CronJob/web-cleanup has none, so set httpGet.port");
    });
    p = plan(WEB + """
            lifecycle:
              preStop: {httpGet: {path: /drain, port: 8081}}
        """);
    assertThat(errors(p)).isEmpty();
    assertThat(template(EscapeHatchesTest.app(p, "dev"), "Deployment", "web").path("spec").path("containers").get(1).path("lifecycle")
        .path("preStop").toString()).isEqualTo("{\"httpGet\":{\"path\":\"/drain\",\"port\":8081}}");
  }

  @Test
  void patchesTargetTheTypesObjectsAndExtraManifestsArePlacedAfterThem() throws IOException {
    Plan p = plan(WEB + """
            patches:
            - target: {kind: Service, name: web}
              patch: [{op: add, path: /spec/sessionAffinity, value: ClientIP}]
            - target: {kind: CronJob}
              merge: {spec: {suspend: true}}
            extraManifests: [extra.yaml]
        """, "apps/shop/extra.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-monitoring}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
        """);
    assertThat(errors(p)).isEmpty();
    ApplicationPlan dev = EscapeHatchesTest.app(p, "dev");
    assertThat(EscapeHatchesTest.object(dev, "Service", "web").body().path("spec").path("sessionAffinity").asText()).isEqualTo("ClientIP");
    assertThat(EscapeHatchesTest.object(dev, "CronJob", "web-cleanup").body().path("spec").path("suspend").asBoolean()).isTrue();
    RenderedObject policy = EscapeHatchesTest.object(dev, "NetworkPolicy", "allow-monitoring");
    assertThat(policy.component()).isEqualTo("web");
    assertThat(policy.wave()).isEqualTo(1);
    assertThat(policy.body().path("metadata").path("labels").path("slipway.dev/component").asText()).isEqualTo("web");
    assertThat(dev.bundle().sources()).containsEntry("Service/shop/web", "patched by spec.components.web.patches[0] (apps/shop/app.yaml:10:9)");
  }

  @Test
  void whatAHatchCannotDoToATypesObjectsIsAnErrorAtTheField() throws IOException {
    Plan p = plan(WEB + """
            patches:
            - target: {kind: Ingress}
              merge: {spec: {}}
            - target: {kind: Service}
              patch: [{op: replace, path: /spec/selector/app, value: other}]
            - target: {kind: Deployment}
              patch: [{op: remove, path: /spec/paused}]
            sidecars:
            - {name: log-tailer, image: a.io/x:1, resources: {cpu: 10m, memory: 8Mi}}
            podLabels: {app: other}
        """);
    assertThat(errors(p)).extracting(d -> d.code() + " " + d.line() + " " + d.path() + ": " + d.message())
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-target 10 spec.components.web.patches[0].target:")
            .contains("no object of component 'web' is a Ingress; it renders CronJob/web-cleanup, Deployment/web, Service/web"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-ownership 12 spec.components.web.patches[1]:")
            .contains("changes spec.selector of Service/web"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.patch-failed 15 spec.components.web.patches[2].patch[0]:")
            .contains("path /spec/paused does not exist"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.duplicate-name 16 spec.components.web.sidecars[0].name:")
            .contains("already used in the pod of Deployment/web (its containers: log-tailer, web)"))
        .anySatisfy(s -> assertThat(s).startsWith("spec.reserved-label 18 spec.components.web.podLabels.app:")
            .contains("selects the component's pods (app=web)"));
    assertThat(errors(p)).allSatisfy(d -> assertThat(d.file()).isEqualTo("apps/shop/app.yaml"));
  }

  @Test
  void aSidecarThatKeepsRunningIsRefusedInTheTypesJobPods() throws IOException {
    Plan p = plan(WEB + """
            sidecars:
            - {name: proxy, image: a.io/proxy:2, resources: {cpu: 50m, memory: 64Mi}}
        """);
    assertThat(errors(p)).extracting(Diagnostic::path, Diagnostic::line).containsOnly(
        org.assertj.core.groups.Tuple.tuple("spec.components.web.sidecars[0].native", 9));
    assertThat(errors(p).get(0).message()).contains("CronJob/web-cleanup", "set native: true");
  }

  @Test
  void aPodLevelHatchOnATypeWithoutPodsIsAnErrorButAnEnvironmentDefaultIsNot() throws IOException {
    Plan p = plan("""
        components:
          web:
            type: service
            image: a.io/web:1
          settings:
            type: settings
            tolerations: [{key: dedicated, operator: Exists}]
            patches:
            - target: {kind: ConfigMap}
              merge: {data: {extra: "yes"}}
        """);
    // The environment's podAnnotations default reaches settings too, and means nothing there: no error for it.
    assertThat(errors(p)).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.no-pod-template");
      assertThat(d.line()).isEqualTo(11);
      assertThat(d.path()).isEqualTo("spec.components.settings.tolerations");
      assertThat(d.message()).contains("component 'settings' of type settings renders no pod template (it renders ConfigMap/settings)");
    });
  }

  @Test
  void anEnvironmentOverrideReplacesAHatchOfATypedComponent() throws IOException {
    Plan p = plan(WEB + """
            tolerations: [{key: dedicated, operator: Exists}]
        environments:
          prod:
            components:
              web:
                tolerations: [{key: prod-only, operator: Exists}]
        """);
    assertThat(errors(p)).isEmpty();
    JsonNode prod = template(EscapeHatchesTest.app(p, "prod"), "Deployment", "web").path("spec").path("tolerations");
    assertThat(prod).extracting(t -> t.path("key").asText()).containsExactly("prod-only");
    JsonNode dev = template(EscapeHatchesTest.app(p, "dev"), "Deployment", "web").path("spec").path("tolerations");
    assertThat(dev).extracting(t -> t.path("key").asText()).containsExactly("dedicated");
  }

  @Test
  void aMisspelledHatchIsSuggestedAndBindErrorsAreTheBuiltInOnes() throws IOException {
    Plan p = plan(WEB + """
            sidecar: []
            tolerations: [{operator: Equal, value: x}]
        """);
    assertThat(errors(p)).extracting(d -> d.line() + " " + d.path() + ": " + d.message())
        .anySatisfy(s -> assertThat(s).startsWith("9 spec.components.web.sidecar: unknown field 'sidecar' (did you mean 'sidecars'?)"))
        .anySatisfy(s -> assertThat(s).startsWith("10 spec.components.web.tolerations[0].operator:").contains("without a key"));
  }

  @Test
  void aSidecarThatLoosensSecurityMakesTheNamespaceBaseline() throws IOException {
    Plan p = plan(WEB + """
            sidecars:
            - {name: proxy, image: a.io/proxy:2, native: true, resources: {cpu: 50m, memory: 64Mi}, security: {runAsNonRoot: false}}
        """);
    assertThat(errors(p)).isEmpty();
    JsonNode ns = EscapeHatchesTest.object(EscapeHatchesTest.app(p, "dev"), "Namespace", "shop").body();
    assertThat(ns.path("metadata").path("labels").path("pod-security.kubernetes.io/enforce").asText()).isEqualTo("baseline");
  }

  @Test
  void aTypesSchemaCannotDeclareAHatchField() throws IOException {
    Plan p = plan(WEB);
    assertThat(errors(p)).isEmpty();
    Files.writeString(dir.resolve("componentTypes/settings.yaml"), SETTINGS_TYPE.replace("level: string | default=\"info\"",
        "level: string | default=\"info\"\n      tolerations: string"));
    p = new Planner(true).plan(Workspace.load(dir), new Planner.Scope(Set.of(), Set.of(), List.of()));
    assertThat(errors(p)).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo("spec.invalid-name");
      assertThat(d.file()).isEqualTo("componentTypes/settings.yaml");
      assertThat(d.line()).isEqualTo(8);
      assertThat(d.message()).contains("field 'tolerations' is Slipway's own", "rename the field");
    });
  }
}
