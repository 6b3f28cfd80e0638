package dev.slipway.server.dashboard;

import static org.junit.jupiter.api.Assertions.fail;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium (/usr/bin/chromium), headless, driven by Playwright for Java. Playwright's own
 * browser downloads are switched off: the tests use the distribution's browser, which {@code .ci/run}
 * installs. Without it the tests fail when {@code SLIPWAY_REQUIRE_BROWSER} is set (CI sets it) and
 * are skipped, saying why, otherwise.
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  public static final Path SCREENSHOTS = Paths.get("target", "dashboard-screenshots");

  private final Playwright playwright;
  private final com.microsoft.playwright.Browser browser;

  private Browser(Playwright playwright, com.microsoft.playwright.Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  /** Starts Chromium, or skips (or fails, under SLIPWAY_REQUIRE_BROWSER) when it is not installed. */
  public static Browser start() {
    if (!Files.isExecutable(CHROMIUM)) {
      String why = CHROMIUM + " is missing: install Debian's chromium (apt-get install -y chromium) to run the dashboard's browser tests";
      if (System.getenv("SLIPWAY_REQUIRE_BROWSER") != null) {
        fail(why + " (SLIPWAY_REQUIRE_BROWSER is set)");
      }
      Assumptions.abort(why);
    }
    Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      return new Browser(playwright, playwright.chromium().launch(new BrowserType.LaunchOptions()
          .setExecutablePath(CHROMIUM).setHeadless(true).setArgs(List.of("--no-sandbox"))));
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  /** A fresh browser profile of the given width whose tab starts with {@code token} already signed in (null: not signed in). */
  public Page page(String token, int width) {
    BrowserContext context = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
        .setViewportSize(width, 900).setLocale("en-US").setTimezoneId("UTC"));
    if (token != null) {
      context.addInitScript("sessionStorage.setItem('slipway.token', " + quote(token) + ")");
    }
    Page page = context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  public static void screenshot(Page page, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
  }

  private static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
