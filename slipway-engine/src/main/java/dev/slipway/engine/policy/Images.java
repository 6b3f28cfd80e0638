package dev.slipway.engine.policy;

/** Container image references, normalised the way container runtimes resolve them. */
public final class Images {
  private Images() {}

  /**
   * A parsed reference.
   *
   * @param repository the fully qualified repository, e.g. {@code docker.io/library/nginx}
   */
  public record Ref(String original, String registry, String repository, String tag, String digest) {

    /** Whether the image comes from {@code allowed}: a registry host, or a registry path prefix. */
    public boolean isFrom(String allowed) {
      String a = allowed.endsWith("/") ? allowed.substring(0, allowed.length() - 1) : allowed;
      return repository.equals(a) || repository.startsWith(a + "/");
    }
  }

  public static Ref parse(String image) {
    String rest = image;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry;
    String path;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? "" : rest.substring(0, slash);
    if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      registry = first;
      path = rest.substring(slash + 1);
    } else {
      registry = "docker.io";
      path = rest;
    }
    if (registry.equals("docker.io") && !path.contains("/")) {
      path = "library/" + path;
    }
    return new Ref(image, registry, registry + "/" + path, tag, digest);
  }
}
