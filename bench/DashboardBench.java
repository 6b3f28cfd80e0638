import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import dev.slipway.kube.ClusterClient;
import dev.slipway.model.load.Workspace;
import dev.slipway.model.spec.PlatformSpec;
import dev.slipway.sandbox.Sandbox;
import dev.slipway.sandbox.SandboxOptions;
import dev.slipway.server.api.ApplicationStatus;
import dev.slipway.server.auth.AccessPolicy;
import dev.slipway.server.auth.Principal;
import dev.slipway.server.auth.TokenStore;
import dev.slipway.server.control.Controller;
import dev.slipway.server.control.PlatformSource;
import dev.slipway.server.http.ApiServer;
import dev.slipway.server.http.ServerOptions;
import dev.slipway.server.log.JsonLog;
import dev.slipway.server.metrics.ServerMetrics;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The dashboard's overview with many applications (bench/dashboard-bench.sh): the server as
 * `slipway serve --sandbox` wires it, Chromium driven by Playwright, timings per navigation.
 */
public class DashboardBench {
  static final String TOKEN = "bench-admin-token-0123456789";

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int runs = Integer.parseInt(args[1]);
    int settle = Integer.parseInt(args[2]);
    PlatformSpec platform = Workspace.load(dir).platform();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    JsonLog.Sink sink = new JsonLog.Sink(quiet, Clock.systemUTC(), JsonLog.Level.ERROR);
    try (Sandbox sandbox = Sandbox.start(platform, SandboxOptions.DEFAULT)) {
      String kubeconfig = sandbox.kubeconfig();
      ServerMetrics metrics = new ServerMetrics();
      Controller controller = new Controller(PlatformSource.directory(dir),
          env -> new KubernetesClientBuilder().withConfig(ClusterClient.configure(
              Config.fromKubeconfig(env.cluster().context(), kubeconfig, null), Duration.ofSeconds(30))).build(),
          Controller.Settings.defaults().withSimulated(true), Controller.Responsibility.ALL, metrics, sink, Clock.systemUTC());
      TokenStore tokens = TokenStore.of(List.of(new Principal("bench", List.of("admins"), false)), List.of(TOKEN));
      ApiServer api = ApiServer.start(controller, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), tokens,
          AccessPolicy.fromList(List.of(Map.of("group", "admins", "role", "admin")), Optional.empty())), metrics, sink);
      controller.start();
      String url = "http://127.0.0.1:" + api.port() + "/";
      long started = System.nanoTime();
      while (controller.applications().size() < 3 * platform.environmentNames().size() && System.nanoTime() - started < 120e9) {
        Thread.sleep(200);
      }
      System.out.printf("platform rendered: %d matrix cells after %.1f s; settling %d s%n", controller.applications().size(),
          (System.nanoTime() - started) / 1e9, settle);
      Thread.sleep(settle * 1000L);

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<byte[]> matrix = http.send(HttpRequest.newBuilder(URI.create(url + "api/v1/applications"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
      System.out.printf("GET /api/v1/applications: %d, %,d bytes%n", matrix.statusCode(), matrix.body().length);
      HttpResponse<byte[]> first = http.send(HttpRequest.newBuilder(URI.create(url + "api/v1/applications?limit=50"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
      System.out.printf("GET /api/v1/applications?limit=50 (the page's first request): %d, %,d bytes%n", first.statusCode(),
          first.body().length);

      try (Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
           Browser browser = pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Paths.get("/usr/bin/chromium"))
               .setHeadless(true).setArgs(List.of("--no-sandbox")))) {
        List<Double> rowVisible = new ArrayList<>();
        List<Double> searched = new ArrayList<>();
        List<Double> markMs = new ArrayList<>();
        List<Double> filterMs = new ArrayList<>();
        List<Double> completeMs = new ArrayList<>();
        List<Double> beforeNavigation = new ArrayList<>();
        String last = controller.applications().get(controller.applications().size() - 1).application();
        for (int i = 0; i <= runs; i++) {
          BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
          context.addInitScript("sessionStorage.setItem('slipway.token', '" + TOKEN + "')");
          Page page = context.newPage();
          long t0 = System.nanoTime();
          long wall0 = System.currentTimeMillis();
          page.navigate(url);
          page.locator("table.matrix tbody tr").first().waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE));
          long t1 = System.nanoTime();
          page.getByLabel("Search").fill(last);
          page.waitForFunction("name => { const rows = document.querySelectorAll('table.matrix tbody th');"
              + " return rows.length === 1 && rows[0].textContent === name; }", last);
          long t2 = System.nanoTime();
          double mark = ((Number) page.evaluate("performance.getEntriesByName('slipway:matrix')[0].startTime")).doubleValue();
          double complete = ((Number) page.evaluate("(performance.getEntriesByName('slipway:complete')[0] || {startTime: -1}).startTime"))
              .doubleValue();
          double origin = ((Number) page.evaluate("performance.timeOrigin")).doubleValue() - wall0;
          double filter = ((Number) page.evaluate("Math.max(...performance.getEntriesByName('slipway:filter').map(e => e.duration))"))
              .doubleValue();
          String summary = page.locator("#summary").textContent();
          if (i == runs) {
            // Where the last navigation's time went: the document, each module and API request (page clock).
            System.out.println("last navigation, page clock (ms): " + page.evaluate("() => {"
                + " const n = performance.getEntriesByType('navigation')[0];"
                + " const r = performance.getEntriesByType('resource').map(e => e.name.replace(location.origin, '')"
                + "   + ' ' + Math.round(e.startTime) + '-' + Math.round(e.responseEnd));"
                + " return ['document ' + Math.round(n.responseEnd), 'DOMContentLoaded ' + Math.round(n.domContentLoadedEventEnd),"
                + "   ...r].join('; '); }"));
          }
          if (i == 0) {
            System.out.println("warm-up navigation (not counted): " + summary);
          } else {
            rowVisible.add((t1 - t0) / 1e6);
            searched.add((t2 - t0) / 1e6);
            markMs.add(mark);
            filterMs.add(filter);
            completeMs.add(complete);
            beforeNavigation.add(origin);
          }
          context.close();
        }
        Map<String, Long> states = controller.applications().stream()
            .collect(Collectors.groupingBy(s -> s.sync().label() + "/" + s.health().label(), TreeMap::new, Collectors.counting()));
        System.out.printf("matrix state at the end: %s%n", states);
        System.out.printf("navigation -> first row visible (ms): %s median %.0f%n", fmt(rowVisible), median(rowVisible));
        System.out.printf("Playwright's navigate() -> the page's navigation start (browser's own start-up of a fresh profile, ms): %s median %.0f%n",
            fmt(beforeNavigation), median(beforeNavigation));
        System.out.printf("first matrix page drawn, page clock since navigation start (ms): %s median %.0f%n", fmt(markMs), median(markMs));
        System.out.printf("whole matrix read and drawn, page clock since navigation start (ms; -1: came whole at once): %s median %.0f%n",
            fmt(completeMs), median(completeMs));
        System.out.printf("search typed -> matrix filtered and drawn, page clock, slowest keystroke (ms): %s median %.0f%n", fmt(filterMs),
            median(filterMs));
        System.out.printf("navigation -> search answered, 1 of %d rows (ms): %s median %.0f%n",
            controller.applications().stream().map(ApplicationStatus::application).distinct().count(), fmt(searched), median(searched));
        System.out.printf("load average: %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      } finally {
        api.close();
        controller.close();
      }
    }
  }

  static String fmt(List<Double> xs) {
    return xs.stream().map(x -> String.format("%.0f", x)).collect(Collectors.joining(", ", "[", "]"));
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }
}
