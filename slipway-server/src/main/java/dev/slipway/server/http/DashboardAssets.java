package dev.slipway.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web dashboard's static files (HTML, CSS, JavaScript modules, SVG), served from the jar's
 * {@code dev/slipway/server/dashboard/} folder at {@code /}. They carry no data and need no token:
 * every figure on the page comes from the API, with the user's token.
 *
 * <p>Only names made of letters, digits, {@code -}, {@code _} and one extension, at most two
 * folders deep, are looked up, so no request can name anything outside that folder ({@code ..},
 * encoded slashes, dot files). File names carry no content hash (there is no front-end build), so
 * every answer says {@code no-cache} with a strong ETag: the browser keeps its copy and revalidates
 * it with a 304, and a new jar is seen at the next load.
 */
final class DashboardAssets {
  static final String ROOT = "/dev/slipway/server/dashboard/";
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_-]+\\.[a-z0-9]+");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "svg", "image/svg+xml; charset=utf-8",
      "txt", "text/plain; charset=utf-8");
  /**
   * The page's own rules: scripts, styles and requests only from this origin, no framing, no
   * inline script. The API's answers are JSON and never rendered as HTML.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private record Asset(byte[] body, String type, String etag) {}

  private final ClassLoader loader;
  private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

  DashboardAssets() {
    this(DashboardAssets.class.getClassLoader());
  }

  DashboardAssets(ClassLoader loader) {
    this.loader = loader;
  }

  /** The file's name under the dashboard folder for a request path, or empty when the path cannot name one. */
  static Optional<String> fileFor(String path) {
    List<String> segments = Router.split(path);
    if (segments == null) {
      return Optional.empty();
    }
    if (segments.isEmpty()) {
      return Optional.of("index.html");
    }
    if (segments.size() > 3) {
      return Optional.empty();
    }
    for (int i = 0; i < segments.size() - 1; i++) {
      if (!SEGMENT.matcher(segments.get(i)).matches()) {
        return Optional.empty();
      }
    }
    String file = segments.get(segments.size() - 1);
    if (!FILE.matcher(file).matches() || !TYPES.containsKey(extension(file))) {
      return Optional.empty();
    }
    return Optional.of(String.join("/", segments));
  }

  /**
   * The answer to a GET or HEAD of {@code path}, or empty when no dashboard file has that name
   * (the caller answers 404 as for any unknown route).
   */
  Optional<Response> answer(String path, String ifNoneMatch) {
    // Only files found are kept: names that match nothing are not remembered, so requests for
    // made-up names cannot grow the cache.
    Optional<Asset> asset = fileFor(path).flatMap(name -> {
      Optional<Asset> known = cache.get(name);
      if (known != null) {
        return known;
      }
      Optional<Asset> loaded = load(name);
      loaded.ifPresent(a -> cache.putIfAbsent(name, loaded));
      return loaded;
    });
    if (asset.isEmpty()) {
      return Optional.empty();
    }
    Asset a = asset.get();
    Map<String, String> headers = Map.of(
        "Cache-Control", "no-cache",
        "ETag", a.etag(),
        "Content-Security-Policy", CONTENT_SECURITY_POLICY,
        "Referrer-Policy", "no-referrer",
        "X-Frame-Options", "DENY");
    if (ifNoneMatch != null && List.of(ifNoneMatch.split("\\s*,\\s*")).contains(a.etag())) {
      return Optional.of(new Response(304, null, a.type(), headers));
    }
    return Optional.of(new Response(200, a.body(), a.type(), headers));
  }

  private Optional<Asset> load(String name) {
    try (InputStream in = loader.getResourceAsStream(ROOT.substring(1) + name)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] body = in.readAllBytes();
      String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16) + "\"";
      return Optional.of(new Asset(body, TYPES.get(extension(name)), etag));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dashboard file " + name, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String extension(String file) {
    return file.substring(file.lastIndexOf('.') + 1);
  }
}
