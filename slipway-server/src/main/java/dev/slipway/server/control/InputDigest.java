package dev.slipway.server.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A hash of the inputs of each application (the files under {@code apps/<name>/} and its release
 * files {@code releases/<env>/<name>.yaml}) and of the platform (every other file but the
 * generated {@code out/}): what tells the server which
 * applications a new revision changed, so it renders and reconciles only those.
 */
public record InputDigest(String platform, SortedMap<String, String> applications) {
  /** {@code releases/<env>/<app>.yaml} and its approvals file: the inputs of one application. */
  private static final java.util.regex.Pattern RELEASE = java.util.regex.Pattern.compile("^releases/([^/]+)/([^/]+?)(\\.approvals)?\\.yaml$");

  /** Reads {@code dir}'s files. */
  public static InputDigest of(Path dir) throws IOException {
    Map<String, MessageDigest> apps = new TreeMap<>();
    MessageDigest platform = sha256();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      String rel = dir.relativize(f).toString().replace('\\', '/');
      if (rel.startsWith("out/") || rel.startsWith(".git/") || rel.contains("/.git/")) {
        continue;
      }
      MessageDigest into = platform;
      if (rel.startsWith("apps/")) {
        int slash = rel.indexOf('/', 5);
        if (slash > 0) {
          into = apps.computeIfAbsent(rel.substring(5, slash), a -> sha256());
          rel = rel.substring(slash + 1);
        }
      } else if (RELEASE.matcher(rel).matches()) {
        // A promotion changes one application's release file: only that application is rendered again.
        java.util.regex.Matcher m = RELEASE.matcher(rel);
        m.matches();
        into = apps.computeIfAbsent(m.group(2), a -> sha256());
      }
      into.update(rel.getBytes(StandardCharsets.UTF_8));
      into.update((byte) 0);
      into.update(Files.readAllBytes(f));
      into.update((byte) 0);
    }
    SortedMap<String, String> out = new TreeMap<>();
    apps.forEach((a, d) -> out.put(a, HexFormat.of().formatHex(d.digest())));
    return new InputDigest(HexFormat.of().formatHex(platform.digest()), out);
  }

  /**
   * The applications whose inputs differ from {@code before}'s (added, changed or removed); every
   * application when the platform's own files changed or there is no earlier digest.
   */
  public java.util.Set<String> changedSince(InputDigest before) {
    java.util.Set<String> changed = new java.util.TreeSet<>();
    if (before == null || !before.platform.equals(platform)) {
      changed.addAll(applications.keySet());
      if (before != null) {
        changed.addAll(before.applications.keySet());
      }
      return changed;
    }
    applications.forEach((a, h) -> {
      if (!h.equals(before.applications.get(a))) {
        changed.add(a);
      }
    });
    before.applications.keySet().stream().filter(a -> !applications.containsKey(a)).forEach(changed::add);
    return changed;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
