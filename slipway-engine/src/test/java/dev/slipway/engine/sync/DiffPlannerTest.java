package dev.slipway.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.engine.plan.Plan;
import dev.slipway.engine.plan.Planner;
import dev.slipway.engine.render.RenderedObject;
import dev.slipway.engine.sync.ObjectDiff.SyncState;
import dev.slipway.model.load.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiffPlannerTest {
  static List<RenderedObject> desired() {
    Plan plan = new Planner().plan(Workspace.load(Path.of("..", "examples", "acme")),
        new Planner.Scope(Set.of("dev"), Set.of("hello-world")));
    return plan.environments().get(0).applications().get(0).bundle().objects();
  }

  /** What the cluster holds after a sync: what was sent, plus fields only the server sets. */
  static List<JsonNode> afterSync(List<ObjectDiff> diffs) {
    List<JsonNode> live = new ArrayList<>();
    int rv = 1;
    for (ObjectDiff d : diffs) {
      ObjectNode o = d.merged().deepCopy();
      o.with("metadata").put("resourceVersion", Integer.toString(rv++)).put("uid", "u" + rv);
      o.with("status").put("observedGeneration", 1);
      live.add(o);
    }
    return live;
  }

  @Test
  void reportsEverythingMissingInAnEmptyCluster() {
    List<ObjectDiff> diffs = DiffPlanner.compare(desired(), List.of());
    assertThat(diffs).isNotEmpty().allSatisfy(d -> assertThat(d.state()).isEqualTo(SyncState.MISSING));
    assertThat(diffs.get(0).diff()).contains("+++ desired/");
  }

  @Test
  void isInSyncWhenTheClusterHoldsWhatWasAppliedPlusServerFields() {
    List<RenderedObject> desired = desired();
    List<JsonNode> live = afterSync(DiffPlanner.compare(desired, List.of()));
    assertThat(DiffPlanner.compare(desired, live)).allSatisfy(d -> {
      assertThat(d.state()).as(d.ref()).isEqualTo(SyncState.SYNCED);
      assertThat(d.diff()).isEmpty();
    });
  }

  @Test
  void detectsAnOutOfBandEditWithAReadableDiff() {
    List<RenderedObject> desired = desired();
    List<JsonNode> live = afterSync(DiffPlanner.compare(desired, List.of()));
    for (JsonNode o : live) {
      if (o.path("kind").asText().equals("Deployment")) {
        ((ObjectNode) o.at("/spec/template/spec/containers/0")).put("image", "nginx:hacked");
      }
    }
    ObjectDiff d = DiffPlanner.compare(desired, live).stream().filter(x -> x.ref().startsWith("Deployment/")).findFirst().orElseThrow();
    assertThat(d.state()).isEqualTo(SyncState.OUT_OF_SYNC);
    assertThat(d.diff()).contains("-          image: nginx:hacked")
        .contains("+          image: docker.io/nginxinc/nginx-unprivileged:1.27-alpine")
        .doesNotContain("resourceVersion").doesNotContain(DiffPlanner.LAST_APPLIED);
  }

  @Test
  void listsOwnedObjectsNoLongerRenderedAsExtra() throws Exception {
    List<RenderedObject> desired = desired();
    List<JsonNode> live = afterSync(DiffPlanner.compare(desired, List.of()));
    live.add(tracked("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old-env, namespace: hello-world}\n"));
    assertThat(DiffPlanner.compare(desired, live)).filteredOn(d -> d.state() == SyncState.EXTRA).singleElement()
        .satisfies(d -> assertThat(d.ref()).isEqualTo("ConfigMap/hello-world/old-env"));
  }

  /** An object as Slipway applies it to environment dev for hello-world: labels and tracking annotation. */
  static JsonNode tracked(String yaml) throws Exception {
    ObjectNode o = (ObjectNode) new YAMLMapper().readTree(yaml);
    o.with("metadata").with("labels").put("slipway.dev/environment", "dev").put("slipway.dev/application", "hello-world")
        .put("app.kubernetes.io/managed-by", "slipway");
    Ownership.track(o);
    return o;
  }

  @Test
  void aControllersClaimMadeFromSlipwaysTemplateIsNeverExtra() throws Exception {
    List<RenderedObject> desired = desired();
    List<JsonNode> live = afterSync(DiffPlanner.compare(desired, List.of()));
    // The StatefulSet controller copies the claim template's labels, not the object's annotations.
    ObjectNode claim = (ObjectNode) new YAMLMapper().readTree(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data-database-0, namespace: hello-world}\n");
    claim.with("metadata").with("labels").put("slipway.dev/environment", "dev").put("slipway.dev/application", "hello-world")
        .put("app.kubernetes.io/managed-by", "slipway");
    live.add(claim);
    assertThat(DiffPlanner.compare(desired, live)).noneMatch(d -> d.state() == SyncState.EXTRA);
  }

  @Test
  void aCopyOfAnOwnedObjectThatKeepsItsLabelsAndAnnotationsIsNotSlipways() throws Exception {
    List<RenderedObject> desired = desired();
    List<JsonNode> live = afterSync(DiffPlanner.compare(desired, List.of()));
    ObjectNode copy = live.stream().filter(o -> o.path("kind").asText().equals("Deployment")).findFirst().orElseThrow().deepCopy();
    copy.with("metadata").put("name", "web-copy");
    live.add(copy);
    ObjectNode moved = copy.deepCopy();
    moved.with("metadata").put("name", "web").put("namespace", "elsewhere");
    live.add(moved);
    assertThat(Ownership.owns(copy)).isFalse();
    assertThat(DiffPlanner.compare(desired, live)).noneMatch(d -> d.state() == SyncState.EXTRA);
  }

  @Test
  void everyAppliedObjectCarriesATrackingAnnotationNamingItself() {
    for (ObjectDiff d : DiffPlanner.compare(desired(), List.of())) {
      assertThat(Ownership.owns(d.merged())).as(d.ref()).isTrue();
      assertThat(d.merged().at("/metadata/annotations").get(Ownership.TRACKING).asText()).startsWith("dev/hello-world:");
      assertThat(d.merged().at("/spec/template/metadata/annotations/" + Ownership.TRACKING.replace("/", "~1")).isMissingNode())
          .as("templates do not carry the tracking annotation").isTrue();
    }
  }

  @Test
  void neverShowsSecretValues() throws Exception {
    JsonNode secret = tracked("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: n}\ndata: {password: aHVudGVyMg==}\n");
    ObjectDiff d = DiffPlanner.compare(List.of(), List.of(secret)).get(0);
    assertThat(d.diff()).contains("password: \"***\"").doesNotContain("aHVudGVyMg==");
  }
}
