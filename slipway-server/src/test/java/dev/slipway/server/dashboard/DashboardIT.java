package dev.slipway.server.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.slipway.server.api.ActionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in Chromium over the real server on the sandbox's simulated clusters with
 * examples/acme (dev and staging automated, prod manual), as a user sees it after
 * {@code slipway serve examples/acme --sandbox}. One server for the class: each test uses its own
 * application or environment so that they do not depend on each other's order.
 */
class DashboardIT {
  static final Path EXAMPLE = Path.of("..", "examples", "acme");

  @TempDir
  static Path tmp;

  static SandboxServer server;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start();
    server = new SandboxServer(EXAMPLE, tmp, Duration.ofSeconds(2), Set.of());
    SandboxServer.await("dev and staging converged", Duration.ofSeconds(90), () -> server.converged("dev") && server.converged("staging"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (browser != null) {
      browser.close();
    }
  }

  static Page open(String token, int width, String hash) {
    Page page = browser.page(token, width);
    page.navigate(server.url() + hash);
    return page;
  }

  static LocatorAssertions.HasTextOptions within(Duration d) {
    return new LocatorAssertions.HasTextOptions().setTimeout(d.toMillis());
  }

  @Test
  void signingInShowsEveryApplicationInEveryEnvironmentMarkedSimulated() {
    Page page = open(null, 1280, "");
    page.getByLabel("Token").fill("not-a-token-of-this-server");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    assertThat(page.locator("#login-error")).hasText("This token is not valid for this server.");
    Browser.screenshot(page, "01-sign-in");
    page.getByLabel("Token").fill(SandboxServer.ADMIN_TOKEN);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();

    assertThat(page.locator("table.matrix thead th")).hasText(new String[] {"Application", "dev", "staging", "prod"});
    assertThat(page.locator("table.matrix tbody th")).hasText(new String[] {"flask-otel-app", "hello-world", "proyecto06"});
    assertThat(page.locator("table.matrix tbody td")).hasCount(9);
    assertThat(page.locator("#simulated")).isVisible();
    assertThat(page.locator("#simulated")).containsText("SIMULATED");
    assertThat(page.locator("#live")).hasText("Live");
    Locator devCell = page.locator("td[data-label=dev]").first();
    assertThat(devCell).containsText("Synced");
    assertThat(devCell).containsText("Healthy");
    assertThat(devCell.locator(".health .icon")).hasAttribute("aria-hidden", "true");
    assertThat(devCell).containsText("flask-otel-app:2.3.0");
    Browser.screenshot(page, "02-overview");

    page.getByLabel("Search").fill("nginx");
    assertThat(page.locator("table.matrix tbody th")).hasText(new String[] {"hello-world"});
    page.getByLabel("Search").fill("");
    page.getByLabel("Environment").selectOption("prod");
    assertThat(page.locator("table.matrix thead th")).hasText(new String[] {"Application", "prod"});
    assertThat(page).hasURL(java.util.regex.Pattern.compile("#/\\?env=prod$"));
    assertThat(page.locator("#summary")).containsText("3 applications of 3");
  }

  @Test
  void aSyncStartedFromThePageShowsItRunningAndThenHealthyWithoutAReload() {
    Page page = open(SandboxServer.ADMIN_TOKEN, 1280, "#/app/hello-world/prod");
    assertThat(page.locator("#sec-status")).containsText("OutOfSync");
    page.evaluate("window.__sameDocument = true");
    page.locator("#act-sync").click();
    Locator preview = page.locator("#sync-preview");
    assertThat(preview).containsText("would change");
    assertThat(preview).containsText("Deployment");
    Browser.screenshot(page, "05-sync-preview");
    page.locator("#dialog-ok").click();

    assertThat(page.locator("#operation-phase")).hasText("sync running", within(Duration.ofSeconds(10)));
    assertThat(page.locator("#sec-status .health")).hasText("♥ Healthy", within(Duration.ofSeconds(60)));
    assertThat(page.locator("#sec-status .sync")).hasText("✔ Synced");
    assertThat(page.locator("#operation-summary")).containsText("Succeeded");
    assertThat(page.locator("#events-list")).containsText("sync succeeded");
    assertThat(page.evaluate("window.__sameDocument")).as("the page was never reloaded").isEqualTo(true);
    Browser.screenshot(page, "06-after-sync");
  }

  @Test
  void driftInjectedThroughTheKubernetesApiShowsOutOfSyncWithinTwoSecondsWithTheChangedField() throws Exception {
    Page page = open(SandboxServer.ADMIN_TOKEN, 1280, "#/app/hello-world/staging");
    assertThat(page.locator("#sec-status .sync")).hasText("✔ Synced");
    assertThat(page.locator("#diff-none")).isVisible();
    assertThat(page.locator("#live")).hasText("Live");

    server.sandbox.drift("staging", "apps/v1", "Deployment", "hello-world", "web", "spec.template.spec.containers[0].image", "nginx:evil");
    long injected = System.nanoTime();
    assertThat(page.locator("#sec-status .sync")).hasText("⇅ OutOfSync", within(Duration.ofSeconds(2)));
    long shownMs = (System.nanoTime() - injected) / 1_000_000;
    assertThat(shownMs).as("OutOfSync shown %d ms after the drift", shownMs).isLessThan(2000);

    Locator diff = page.locator("#sec-diff details", new Page.LocatorOptions().setHasText("Deployment hello-world/web"));
    assertThat(diff.locator(".del")).containsText(new String[] {"image: nginx:evil"});
    assertThat(diff.locator(".add")).containsText(new String[] {"image: docker.io/nginxinc/nginx-unprivileged:1.27-alpine"});
    Browser.screenshot(page, "03-drift-unified");
    page.getByLabel("Side by side").check();
    Locator split = diff.locator("table.split");
    assertThat(split.locator("td.del")).containsText(new String[] {"image: nginx:evil"});
    assertThat(split.locator("td.add")).containsText(new String[] {"image: docker.io/nginxinc/nginx-unprivileged:1.27-alpine"});
    assertThat(page.locator("#sec-resources")).containsText("OutOfSync");
    Browser.screenshot(page, "04-drift-side-by-side");
  }

  @Test
  void aRollbackFromHistoryRestoresTheEarlierRevisionAndPinsIt() throws Exception {
    Path app = server.dir.resolve("apps/flask-otel-app/app.yaml");
    Files.writeString(app, Files.readString(app).replace("flask-otel-app:2.3.0", "flask-otel-app:2.4.0"));
    server.commit("flask-otel-app 2.4.0");
    server.controller.poll();
    SandboxServer.await("two revisions of flask-otel-app in dev", Duration.ofSeconds(60), () ->
        server.controller.application("flask-otel-app", "dev").orElseThrow().history().size() >= 2
            && server.status("flask-otel-app", "dev").health().label().equals("Healthy"));

    Page page = open(SandboxServer.ADMIN_TOKEN, 1280, "#/app/flask-otel-app/dev");
    assertThat(page.locator("#status-images")).containsText("flask-otel-app:2.4.0");
    assertThat(page.locator("#sec-history tbody tr")).hasCount(2);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Roll back to revision 1")).click();
    Locator preview = page.locator("#rollback-preview");
    assertThat(preview.locator(".del")).containsText("flask-otel-app:2.4.0");
    assertThat(preview.locator(".add")).containsText("flask-otel-app:2.3.0");
    Browser.screenshot(page, "07-rollback-confirm");
    page.locator("#dialog-ok").click();

    assertThat(page.locator("#status-images")).containsText("flask-otel-app:2.3.0", new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
    assertThat(page.locator("#sec-status")).containsText("pinned to history revision 1");
    assertThat(page.locator("#act-pin")).hasText("Unpin");
    assertThat(page.locator("#operation-summary")).containsText("rollback");
    // The page shows the rollback's revision as soon as it is recorded, before its sync has written.
    SandboxServer.await("the Deployment in the cluster rolled back", Duration.ofSeconds(30), () -> server.sandbox.cluster("dev").client()
        .apps().deployments().inNamespace("flask-otel-app").withName("api").get()
        .getSpec().getTemplate().getSpec().getContainers().get(0).getImage().endsWith("flask-otel-app:2.3.0"));
    assertThat(page.locator("#operation-summary")).containsText("Succeeded", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
    Browser.screenshot(page, "08-after-rollback");
  }

  @Test
  void aBlueGreenRolloutWaitsOnThePageForPromoteAndUndoSwitchesBack() throws Exception {
    Path app = server.dir.resolve("apps/hello-world/app.yaml");
    // Only in dev (the other tests use hello-world's plain Deployment elsewhere).
    Files.writeString(app, Files.readString(app) + "  environments:\n    dev:\n      components:\n        web:\n"
        + "          strategy: {type: blueGreen, scaleDownDelay: 1h}\n");
    server.commit("hello-world: blue/green in dev");
    server.controller.poll();
    // Giving the running component a strategy is itself a rollout, from its plain Deployment; it promotes itself.
    SandboxServer.await("hello-world switched to its first revision in dev", Duration.ofSeconds(60), () ->
        server.controller.rollouts("hello-world", "dev").map(l -> !l.isEmpty() && l.get(0).phase().equals("STABLE")
            && "legacy".equals(l.get(0).previous())).orElse(false));
    Files.writeString(app, Files.readString(app).replace("nginx-unprivileged:1.27-alpine", "nginx-unprivileged:1.28-alpine")
        .replace("strategy: {type: blueGreen, scaleDownDelay: 1h}", "strategy: {type: blueGreen, autoPromote: false, scaleDownDelay: 1h}"));
    server.commit("hello-world 1.28");
    server.controller.poll();
    SandboxServer.await("the rollout paused before the switch", Duration.ofSeconds(60), () ->
        server.controller.rollouts("hello-world", "dev").map(l -> l.get(0).phase().equals("PAUSED")).orElse(false));

    Page page = open(SandboxServer.ADMIN_TOKEN, 1280, "#/app/hello-world/dev");
    Locator rollout = page.locator("#rollout-web");
    assertThat(rollout).containsText("PAUSED");
    assertThat(rollout).containsText("slipway rollout promote");
    assertThat(page.locator("#sec-status")).containsText("Suspended");
    Browser.screenshot(page, "10-rollout-paused");
    page.locator("#rollout-web-promote").click();
    assertThat(rollout).containsText("STABLE", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
    assertThat(rollout).containsText("Previous");
    String promoted = server.controller.rollouts("hello-world", "dev").orElseThrow().get(0).stable();
    // The page can show the stored state a moment before the Service it wants is applied.
    SandboxServer.await("the live Service on the promoted revision", Duration.ofSeconds(10), () -> promoted.equals(server.sandbox
        .cluster("dev").client().services().inNamespace("hello-world").withName("web").get().getSpec().getSelector().get("slipway.dev/revision")));
    String live = promoted;
    page.locator("#rollout-web-undo").click();
    assertThat(rollout).containsText("ABORTED", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
    assertThat(rollout).containsText("undone by ada");
    Browser.screenshot(page, "11-rollout-undone");
    // As after the promote: the stored state (ABORTED) can show a moment before the Service it wants is applied.
    SandboxServer.await("the live Service back on the previous revision", Duration.ofSeconds(10), () -> !live.equals(server.sandbox
        .cluster("dev").client().services().inNamespace("hello-world").withName("web").get().getSpec().getSelector().get("slipway.dev/revision")));
    Page viewer = open(SandboxServer.VIEWER_TOKEN, 1280, "#/app/hello-world/dev");
    assertThat(viewer.locator("#rollout-web")).containsText("ABORTED");
    assertThat(viewer.locator("#rollout-web button")).hasCount(0);
  }

  @Test
  void aViewerSeesNoActionsAndAForgedPostIsRefused() {
    Page page = open(SandboxServer.VIEWER_TOKEN, 1280, "#/app/hello-world/dev");
    assertThat(page.locator("#no-actions")).hasText("You have the viewer role in dev: actions are not available.");
    assertThat(page.locator("#sec-history")).isVisible();
    assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sync…"))).hasCount(0);
    assertThat(page.locator("#sec-status button, #sec-history button")).hasCount(0);
    Browser.screenshot(page, "09-viewer");

    @SuppressWarnings("unchecked")
    Map<String, Object> answer = (Map<String, Object>) page.evaluate("async () => {"
        + " const r = await fetch('/api/v1/applications/hello-world/environments/dev/sync', {method: 'POST',"
        + "   headers: {'Authorization': 'Bearer ' + sessionStorage.getItem('slipway.token'), 'Content-Type': 'application/json'}, body: '{}'});"
        + " return {status: r.status, body: await r.json()}; }");
    assertThat(answer.get("status")).isEqualTo(403);
    assertThat(answer.get("body").toString()).contains("code=forbidden");
  }

  @Test
  void aLostEventStreamIsShownAndReestablishedAndChangesArriveAgain() throws Exception {
    Page page = open(SandboxServer.ADMIN_TOKEN, 1280, "");
    assertThat(page.locator("#live")).hasAttribute("data-state", "live", new LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
    server.stopApi();
    try {
      assertThat(page.locator("#live")).hasAttribute("data-state", "reconnecting",
          new LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
      assertThat(page.locator("#live")).containsText("Connection lost");
      Browser.screenshot(page, "10-connection-lost");
    } finally {
      server.startApi();
    }
    assertThat(page.locator("#live")).hasAttribute("data-state", "live", new LocatorAssertions.HasAttributeOptions().setTimeout(40_000));
    assertThat(server.controller.pause("hello-world", "dev", "ada").outcome()).isEqualTo(ActionResult.Outcome.DONE);
    try {
      assertThat(page.locator("table.matrix tbody")).containsText("paused", new LocatorAssertions.ContainsTextOptions().setTimeout(10_000));
    } finally {
      server.controller.resume("hello-world", "dev", "ada");
    }
  }

  @Test
  void theOverviewDrawsItsFirstPageBeforeTheWholeMatrixArrivesAndSearchWaitsForIt() throws Exception {
    Page page = browser.page(SandboxServer.ADMIN_TOKEN, 1280);
    // A first page of one application (of 3) instead of 50, and the whole matrix held back until the
    // test lets it through: the state of a large platform's first second.
    page.route(url -> url.endsWith("/api/v1/applications?limit=50"),
        route -> route.resume(new Route.ResumeOptions().setUrl(route.request().url().replace("limit=50", "limit=1"))));
    List<Route> held = new CopyOnWriteArrayList<>();
    page.route(url -> url.endsWith("/api/v1/applications"), held::add);
    List<String> requested = new CopyOnWriteArrayList<>();
    page.onRequest(r -> requested.add(r.url().replace(server.url(), "/")));
    page.navigate(server.url());

    assertThat(page.locator("table.matrix tbody th")).hasText(new String[] {"flask-otel-app"});
    assertThat(page.locator("#summary")).hasText("The first 1 application of 3; reading the rest…");
    page.getByLabel("Search").fill("nginx");
    assertThat(page.locator("#summary")).hasText("Reading all 3 applications…");
    SandboxServer.await("the whole matrix requested", Duration.ofSeconds(10), () -> {
      page.waitForTimeout(50);
      return !held.isEmpty();
    });
    held.forEach(Route::resume);

    assertThat(page.locator("table.matrix tbody th")).hasText(new String[] {"hello-world"});
    assertThat(page.locator("#summary")).containsText("1 application of 3");
    // The requests early.js starts before the modules load are the ones the page uses: each is made once.
    assertThat(requested.stream().filter(u -> u.startsWith("/api/v1/") && !u.startsWith("/api/v1/events")).sorted().toList())
        .containsExactly("/api/v1/applications", "/api/v1/applications?limit=50", "/api/v1/environments", "/api/v1/whoami");
    page.getByLabel("Search").fill("");
    assertThat(page.locator("table.matrix tbody th")).hasText(new String[] {"flask-otel-app", "hello-world", "proyecto06"});
  }

  @Test
  void theDiagnosisShowsAStuckRolloutWithItsFixAfterDiagnoseAgain() throws Exception {
    Page page = open(SandboxServer.ADMIN_TOKEN, 1280, "#/app/flask-otel-app/staging");
    assertThat(page.locator("#sec-diagnosis")).containsText("No problems found in the running objects.",
        new LocatorAssertions.ContainsTextOptions().setTimeout(20_000));
    // The sandbox's Deployment stops becoming available; after its progress deadline (30 s in the
    // sandbox) it reports ProgressDeadlineExceeded, as the Deployment controller does.
    server.sandbox.failDeployment("staging", "flask-otel-app", "api", "ImagePullBackOff");
    try {
      Locator diagnosis = page.locator("#sec-diagnosis");
      SandboxServer.await("the stuck rollout diagnosed", Duration.ofSeconds(90), () -> {
        page.locator("#diagnose-again").click();
        page.waitForTimeout(2_000);
        return diagnosis.innerText().contains("Rollout");
      });
      assertThat(diagnosis).containsText("1 error");
      assertThat(diagnosis).containsText("Deployment/api");
      assertThat(diagnosis).containsText("The rollout stopped");
      assertThat(diagnosis).containsText("Fix:");
      assertThat(diagnosis).containsText("apps/flask-otel-app/app.yaml:");
      Browser.screenshot(page, "12-diagnosis");
    } finally {
      server.sandbox.clearFault("staging", "apps/v1", "Deployment", "flask-otel-app", "api");
    }
  }

  @Test
  void aCellThatChangesKeepsTheKeyboardFocusWhereItWas() throws Exception {
    Page page = open(SandboxServer.ADMIN_TOKEN, 1280, "");
    assertThat(page.locator("#live")).hasAttribute("data-state", "live", new LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
    Locator cell = page.locator("td[data-cell='proyecto06/staging'] a");
    cell.focus();
    assertThat(server.controller.pause("proyecto06", "staging", "ada").outcome()).isEqualTo(ActionResult.Outcome.DONE);
    try {
      // The cell is redrawn in place from the event: the page is not redrawn under the user's focus.
      assertThat(page.locator("td[data-cell='proyecto06/staging']")).containsText("paused",
          new LocatorAssertions.ContainsTextOptions().setTimeout(10_000));
      assertThat(page.evaluate("document.activeElement.closest('td') && document.activeElement.closest('td').dataset.cell"))
          .isEqualTo("proyecto06/staging");
    } finally {
      server.controller.resume("proyecto06", "staging", "ada");
    }
  }

  @Test
  void everyPageFitsA390PixelWideScreen() {
    Page page = open(SandboxServer.ADMIN_TOKEN, 390, "");
    assertThat(page.locator("table.matrix tbody tr")).hasCount(3);
    assertThat(page.locator("td[data-label=staging]").first()).isVisible();
    assertThat(bodyOverflow(page)).as("horizontal overflow of the overview").isLessThanOrEqualTo(0);
    Browser.screenshot(page, "10-phone-overview");
    page.navigate(server.url() + "#/app/proyecto06/dev");
    assertThat(page.locator("#sec-resources")).isVisible();
    assertThat(page.locator("#sec-history tbody tr").first()).isVisible();
    assertThat(bodyOverflow(page)).as("horizontal overflow of the application page").isLessThanOrEqualTo(0);
    Browser.screenshot(page, "11-phone-application");
  }

  /** How far the document is wider than the viewport, in CSS pixels. */
  static int bodyOverflow(Page page) {
    return ((Number) page.evaluate("document.documentElement.scrollWidth - window.innerWidth")).intValue();
  }
}
