package dev.slipway.server.http;

import static dev.slipway.server.http.TestServer.ADA;
import static dev.slipway.server.http.TestServer.ALICE;
import static dev.slipway.server.http.TestServer.VICTOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApplicationApiTest {
  private static final String SHOP_DEV = "/api/v1/applications/shop/environments/dev";
  private final TestServer server = new TestServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private static List<String> cells(JsonNode matrix) {
    List<String> out = new ArrayList<>();
    matrix.path("items").forEach(i -> out.add(i.path("application").asText() + "/" + i.path("environment").asText()));
    return out;
  }

  @Test
  void matrixListsEveryApplicationInEveryEnvironmentInOrder() {
    HttpResponse<String> r = server.get("/api/v1/applications", ADA);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    JsonNode m = server.json(r);
    assertThat(m.path("environments").toString()).isEqualTo("[\"dev\",\"staging\",\"prod\"]");
    assertThat(m.path("applications").asInt()).isEqualTo(3);
    assertThat(cells(m)).hasSize(9).startsWith("billing/dev", "billing/staging", "billing/prod");
    JsonNode shopProd = m.path("items").get(8);
    assertThat(shopProd.path("sync").asText()).isEqualTo("OutOfSync");
    assertThat(shopProd.path("health").asText()).isEqualTo("Degraded");
    assertThat(shopProd.path("healthReason").asText()).contains("progress deadline");
    assertThat(shopProd.path("driftedObjects").asInt()).isEqualTo(2);
    assertThat(shopProd.path("monthlyCost").decimalValue()).isEqualByComparingTo("42.50");
    assertThat(shopProd.path("lastSyncTime").asText()).isEqualTo("2025-06-01T12:00:00Z");
    assertThat(shopProd.path("images").get(0).asText()).isEqualTo("registry.example/shop:1.0.0");
    assertThat(shopProd.has("pinned") && shopProd.has("paused") && shopProd.has("policyFindings") && shopProd.has("revision")).isTrue();
  }

  @Test
  void matrixFiltersByEnvironmentTextHealthAndSync() {
    assertThat(cells(server.json(server.get("/api/v1/applications?env=prod", ADA))))
        .containsExactly("billing/prod", "search/prod", "shop/prod");
    assertThat(cells(server.json(server.get("/api/v1/applications?env=dev,prod&q=SHO", ADA))))
        .containsExactly("shop/dev", "shop/prod");
    assertThat(cells(server.json(server.get("/api/v1/applications?health=Degraded", ADA)))).containsExactly("shop/prod");
    assertThat(cells(server.json(server.get("/api/v1/applications?sync=InvalidSpec,OutOfSync", ADA))))
        .containsExactly("search/staging", "shop/prod");
    assertThat(server.json(server.get("/api/v1/applications?env=prod", ADA)).path("environments").toString()).isEqualTo("[\"prod\"]");
  }

  @Test
  void matrixPagesByWholeApplicationsAfterFiltering() {
    JsonNode first = server.json(server.get("/api/v1/applications?limit=2", ADA));
    assertThat(cells(first)).containsExactly("billing/dev", "billing/staging", "billing/prod",
        "search/dev", "search/staging", "search/prod");
    assertThat(first.path("applications").asInt()).isEqualTo(3);
    assertThat(first.path("complete").asBoolean()).isFalse();
    JsonNode rest = server.json(server.get("/api/v1/applications?limit=2&offset=2", ADA));
    assertThat(cells(rest)).containsExactly("shop/dev", "shop/staging", "shop/prod");
    assertThat(rest.path("complete").asBoolean()).isTrue();
    assertThat(cells(server.json(server.get("/api/v1/applications?env=prod&limit=1&offset=1", ADA)))).containsExactly("search/prod");
    assertThat(server.json(server.get("/api/v1/applications?offset=9", ADA)).path("items").size()).isZero();
    assertThat(server.json(server.get("/api/v1/applications", ADA)).has("complete")).isFalse();
    for (String bad : List.of("limit=0", "limit=x", "offset=-1")) {
      HttpResponse<String> r = server.get("/api/v1/applications?" + bad, ADA);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(server.json(r).path("error").path("message").asText()).contains(bad.substring(0, bad.indexOf('=')));
    }
  }

  @Test
  void matrixRefusesUnknownFilterValuesNamingTheValidOnes() {
    HttpResponse<String> r = server.get("/api/v1/applications?health=Fine", ADA);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(server.json(r).path("error").path("message").asText()).contains("Fine").contains("Healthy");
    assertThat(server.get("/api/v1/applications?sync=Maybe", ADA).statusCode()).isEqualTo(400);
    assertThat(server.get("/api/v1/applications?colour=red", ADA).statusCode()).isEqualTo(400);
  }

  @Test
  void applicationPageHasTreeOperationHistoryCostFindings() {
    server.post(SHOP_DEV + "/sync", ALICE, "{}");
    JsonNode d = server.json(server.get(SHOP_DEV, VICTOR));
    assertThat(d.path("status").path("application").asText()).isEqualTo("shop");
    JsonNode web = d.path("resources").get(1);
    assertThat(web.path("component").asText()).isEqualTo("web");
    assertThat(web.path("wave").asInt()).isEqualTo(1);
    JsonNode deployment = web.path("objects").get(2);
    assertThat(deployment.path("kind").asText()).isEqualTo("Deployment");
    assertThat(deployment.path("namespace").asText()).isEqualTo("shop");
    assertThat(deployment.path("health").asText()).isEqualTo("Healthy");
    assertThat(deployment.path("sync").asText()).isEqualTo("Synced");
    assertThat(web.path("objects").get(0).path("health").isNull()).isTrue();
    assertThat(d.path("lastOperation").path("phase").asText()).isEqualTo("Succeeded");
    assertThat(d.path("lastOperation").path("who").asText()).isEqualTo("alice");
    assertThat(d.path("lastOperation").path("steps").get(0).path("action").asText()).isEqualTo("unchanged");
    assertThat(d.path("history").get(0).path("number").asInt()).isEqualTo(3);
    assertThat(d.path("cost").path("items").get(0).path("component").asText()).isEqualTo("web");
    JsonNode finding = d.path("policyFindings").get(0);
    assertThat(finding.path("rule").asText()).isEqualTo("require-run-as-non-root");
    assertThat(finding.path("file").asText() + ":" + finding.path("line").asInt()).isEqualTo("apps/shop/app.yaml:12");
    assertThat(d.path("diagnostics").size()).isZero();
  }

  @Test
  void invalidSpecApplicationShowsItsDiagnosticsAndRefusesToSync() {
    JsonNode d = server.json(server.get("/api/v1/applications/search/environments/staging", ADA));
    assertThat(d.path("status").path("sync").asText()).isEqualTo("InvalidSpec");
    JsonNode problem = d.path("diagnostics").get(0);
    assertThat(problem.path("file").asText() + ":" + problem.path("line").asInt()).isEqualTo("apps/search/app.yaml:7");
    assertThat(problem.path("message").asText()).contains("did you mean 'port'");
    HttpResponse<String> r = server.post("/api/v1/applications/search/environments/staging/sync", ADA, null);
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(server.json(r).path("error").path("code").asText()).isEqualTo("conflict");
  }

  @Test
  void diagnosisListsTheFindingsWithTheSpecLineOfTheFix() {
    HttpResponse<String> r = server.get("/api/v1/applications/shop/environments/prod/diagnosis", VICTOR);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode d = server.json(r);
    assertThat(d.path("errors").asInt()).isEqualTo(1);
    JsonNode f = d.path("findings").get(0);
    assertThat(f.path("analyzer").asText()).isEqualTo("OOMKilled");
    assertThat(f.path("object").path("kind").asText()).isEqualTo("Deployment");
    assertThat(f.path("spec").path("file").asText()).isEqualTo("apps/shop/app.yaml");
    assertThat(f.path("spec").path("line").asInt()).isEqualTo(14);
    assertThat(f.path("spec").path("field").asText()).isEqualTo("components.web.resources.memory");
    assertThat(server.get("/api/v1/applications/nope/environments/prod/diagnosis", VICTOR).statusCode()).isEqualTo(404);
  }

  @Test
  void diffNamesEachObjectAndNeverCarriesSecretValues() {
    HttpResponse<String> r = server.get("/api/v1/applications/shop/environments/prod/diff", VICTOR);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode diff = server.json(r);
    assertThat(diff.path("objects").get(0).path("change").asText()).isEqualTo("update");
    assertThat(diff.path("objects").get(0).path("diff").asText()).contains("+  replicas: 3");
    assertThat(r.body()).doesNotContain(dev.slipway.server.InMemoryControlPlane.SECRET_VALUE).contains("<redacted>");
  }

  @Test
  void unknownApplicationOrEnvironmentIs404ForReadsAndActions() {
    assertThat(server.get("/api/v1/applications/nope/environments/dev", ADA).statusCode()).isEqualTo(404);
    assertThat(server.get("/api/v1/applications/shop/environments/qa", ADA).statusCode()).isEqualTo(404);
    assertThat(server.get("/api/v1/applications/nope/environments/dev/diff", ADA).statusCode()).isEqualTo(404);
    HttpResponse<String> r = server.post("/api/v1/applications/nope/environments/dev/sync", ADA, "{}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(server.json(r).path("error").path("message").asText()).contains("nope").contains("dev");
  }

  @Test
  void syncDeploysTheHeadRevisionAndReturnsTheOperation() {
    HttpResponse<String> r = server.post("/api/v1/applications/shop/environments/staging/sync", ALICE, "{\"prune\": true}");
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode result = server.json(r);
    assertThat(result.path("outcome").asText()).isEqualTo("accepted");
    assertThat(result.path("operationId").asText()).startsWith("op-");
    JsonNode after = server.json(server.get("/api/v1/applications/shop/environments/staging", ALICE));
    assertThat(after.path("lastOperation").path("prune").asBoolean()).isTrue();
    assertThat(after.path("history").get(0).path("who").asText()).isEqualTo("alice");
  }

  @Test
  void dryRunSyncReturnsTheChangesAndChangesNothing() {
    String before = server.get("/api/v1/applications/shop/environments/prod", ADA).body();
    HttpResponse<String> r = server.post("/api/v1/applications/shop/environments/prod/sync", ADA, "{\"dryRun\": true}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode change = server.json(r).path("changes").get(0);
    assertThat(change.path("kind").asText() + " " + change.path("action").asText()).isEqualTo("Deployment update");
    assertThat(server.get("/api/v1/applications/shop/environments/prod", ADA).body()).isEqualTo(before);
  }

  @Test
  void rollbackPinsTheApplicationAndUnpinReleasesIt() {
    HttpResponse<String> r = server.post(SHOP_DEV + "/rollback", ALICE, "{\"revision\": 1}");
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode status = server.json(server.get(SHOP_DEV, ALICE)).path("status");
    assertThat(status.path("pinned").asBoolean()).isTrue();
    assertThat(status.path("pinnedRevision").asInt()).isEqualTo(1);
    assertThat(status.path("revision").asText()).isEqualTo("0ld0001");
    assertThat(server.post(SHOP_DEV + "/unpin", ALICE, null).statusCode()).isEqualTo(200);
    assertThat(server.json(server.get(SHOP_DEV, ALICE)).path("status").path("pinned").asBoolean()).isFalse();
  }

  @Test
  void rollbackToARevisionNotInHistoryIs404AndNeedsARevision() {
    assertThat(server.post(SHOP_DEV + "/rollback", ALICE, "{\"revision\": 99}").statusCode()).isEqualTo(404);
    HttpResponse<String> missing = server.post(SHOP_DEV + "/rollback", ALICE, "{}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(server.json(missing).path("error").path("message").asText()).contains("revision");
    assertThat(server.post(SHOP_DEV + "/rollback", ALICE, "{\"revision\": \"1\"}").statusCode()).isEqualTo(400);
    assertThat(server.json(server.get(SHOP_DEV, ALICE)).path("status").path("pinned").asBoolean()).isFalse();
  }

  @Test
  void pinPauseResumeAndRefreshChangeTheCell() {
    assertThat(server.post(SHOP_DEV + "/pin", ALICE, "{}").statusCode()).isEqualTo(200);
    assertThat(server.post(SHOP_DEV + "/pause", ALICE, null).statusCode()).isEqualTo(200);
    JsonNode status = server.json(server.get(SHOP_DEV, ALICE)).path("status");
    assertThat(status.path("pinned").asBoolean()).isTrue();
    assertThat(status.path("paused").asBoolean()).isTrue();
    assertThat(server.post(SHOP_DEV + "/resume", ALICE, null).statusCode()).isEqualTo(200);
    assertThat(server.json(server.get(SHOP_DEV, ALICE)).path("status").path("paused").asBoolean()).isFalse();
    HttpResponse<String> refresh = server.post(SHOP_DEV + "/refresh", ALICE, null);
    assertThat(refresh.statusCode()).isEqualTo(200);
    assertThat(server.json(refresh).path("outcome").asText()).isEqualTo("done");
  }

  @Test
  void environmentsListTheCallersRoleInEach() {
    JsonNode envs = server.json(server.get("/api/v1/environments", ALICE)).path("items");
    assertThat(envs).hasSize(3);
    assertThat(envs.get(0).path("name").asText() + "=" + envs.get(0).path("role").asText()).isEqualTo("dev=deployer");
    assertThat(envs.get(2).path("name").asText() + "=" + envs.get(2).path("role").asText()).isEqualTo("prod=viewer");
    assertThat(envs.get(0).path("cluster").asText()).isEqualTo("dev-cluster");
  }

  @Test
  void whoamiNamesTheSubjectGroupsAndRoles() {
    JsonNode me = server.json(server.get("/api/v1/whoami", ALICE));
    assertThat(me.path("subject").asText()).isEqualTo("alice");
    assertThat(me.path("groups").toString()).isEqualTo("[\"developers\"]");
    assertThat(me.path("anonymous").asBoolean()).isFalse();
    assertThat(me.path("roles").toString()).isEqualTo("{\"dev\":\"deployer\",\"prod\":\"viewer\",\"staging\":\"deployer\"}");
  }
}
