package dev.slipway.model.spec;

import java.util.regex.Pattern;

/**
 * The container image reference grammar of the distribution project, as containerd and the
 * kubelet read it: {@code [registry[:port]/]path[:tag][@digest]}. A first component is a registry
 * only when it has a '.' or ':' or is {@code localhost}; otherwise it is part of the path, which
 * must be lowercase ({@code UPPER/case} is refused, as {@code docker pull} refuses it).
 */
public final class ImageReference {
  private ImageReference() {}

  private static final Pattern PATH_COMPONENT = Pattern.compile("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$");
  private static final Pattern DOMAIN = Pattern.compile(
      "^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
          + "|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?$");
  private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
  private static final Pattern DIGEST = Pattern.compile("^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$");
  private static final int MAX_NAME = 255;

  /** Null when {@code ref} is a valid image reference, else what is wrong with it. */
  public static String problem(String ref) {
    if (ref.isEmpty()) {
      return "it is empty";
    }
    if (!ref.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return "it contains spaces or characters outside printable ASCII";
    }
    String rest = ref;
    int at = rest.indexOf('@');
    if (at >= 0) {
      String digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        return "'" + digest + "' is not a digest (algorithm:hex, e.g. sha256: and 64 hex digits)";
      }
      String hex = digest.substring(digest.indexOf(':') + 1);
      if (digest.startsWith("sha256:") && hex.length() != 64 || digest.startsWith("sha512:") && hex.length() != 128) {
        return "a " + digest.substring(0, digest.indexOf(':')) + " digest has " + (digest.startsWith("sha256:") ? 64 : 128)
            + " hex digits, not " + hex.length();
      }
    }
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      String tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        return tag.isEmpty() ? "the tag after ':' is empty" : "'" + tag + "' is not a tag (letters, digits, '_', '.', '-'; at most 128)";
      }
    }
    if (rest.isEmpty()) {
      return "it has no repository name";
    }
    if (rest.length() > MAX_NAME) {
      return "the repository name is longer than " + MAX_NAME + " characters";
    }
    String[] parts = rest.split("/", -1);
    int first = 0;
    if (parts.length > 1 && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"))) {
      if (!DOMAIN.matcher(parts[0]).matches()) {
        return "'" + parts[0] + "' is not a registry host[:port]";
      }
      first = 1;
    }
    for (int i = first; i < parts.length; i++) {
      if (!PATH_COMPONENT.matcher(parts[i]).matches()) {
        if (parts[i].isEmpty()) {
          return "the repository name has an empty path component";
        }
        return parts[i].toLowerCase(java.util.Locale.ROOT).equals(parts[i]) || !PATH_COMPONENT.matcher(
            parts[i].toLowerCase(java.util.Locale.ROOT)).matches()
            ? "'" + parts[i] + "' is not a repository path component (lowercase letters and digits, separated by '.', '_', '__' or '-')"
            : "the repository name must be lowercase ('" + parts[i] + "')";
      }
    }
    return null;
  }
}
