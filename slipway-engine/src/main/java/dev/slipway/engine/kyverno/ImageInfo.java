package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An image reference as Kyverno describes it in its {@code images} variable and
 * {@code image_normalize}: the registry defaults to {@code docker.io}, the path is kept as written
 * ({@code nginx}, not {@code library/nginx}), the tag defaults to {@code latest} unless there is a
 * digest.
 */
record ImageInfo(String registry, String path, String name, String tag, String digest) {

  private static final java.util.regex.Pattern PATH =
      java.util.regex.Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

  /** Whether the reference is well formed (a lower-case repository path), as {@code image_normalize} requires. */
  boolean valid() {
    return PATH.matcher(path).matches();
  }

  static ImageInfo parse(String image) {
    String rest = image;
    String digest = "";
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = "";
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = "docker.io";
    int slash = rest.indexOf('/');
    String first = slash < 0 ? "" : rest.substring(0, slash);
    if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      registry = first;
      rest = rest.substring(slash + 1);
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = "latest";
    }
    String name = rest.substring(rest.lastIndexOf('/') + 1);
    return new ImageInfo(registry, rest, name, tag, digest);
  }

  /** {@code registry/path:tag}, or {@code registry/path@digest} when there is a digest. */
  String reference() {
    String base = registry + "/" + path;
    return digest.isEmpty() ? base + ":" + tag : base + "@" + digest;
  }

  ObjectNode json() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("registry", registry);
    n.put("path", path);
    n.put("name", name);
    n.put("tag", tag);
    n.put("digest", digest);
    n.put("reference", reference());
    n.put("referenceWithTag", registry + "/" + path + ":" + tag);
    return n;
  }
}
