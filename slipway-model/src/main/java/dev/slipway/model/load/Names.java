package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import java.util.regex.Pattern;

/**
 * The Kubernetes name rules (k8s.io/apimachinery validation) for spec values that become object
 * names, label values or output paths. Checking them at spec time gives a file:line error instead
 * of an object the API server refuses, or a path outside {@code out/}.
 */
public final class Names {
  private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  public static final int LABEL_MAX = 63;
  public static final int SUBDOMAIN_MAX = 253;
  public static final String LABEL_RULE =
      "a DNS label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit";

  private Names() {}

  /** A DNS-1123 label: namespaces, most names Slipway derives, label values. */
  public static boolean isLabel(String s) {
    return s != null && s.length() <= LABEL_MAX && LABEL.matcher(s).matches();
  }

  /** A DNS-1123 subdomain: names of most object kinds (ConfigMaps, custom resources, storage classes). */
  public static boolean isSubdomain(String s) {
    return s != null && s.length() <= SUBDOMAIN_MAX && SUBDOMAIN.matcher(s).matches();
  }

  /**
   * Reports {@code value} unless it is a DNS label of at most {@code max} characters.
   *
   * @param what what the name is, as the user calls it ("node pool name")
   * @param why where it ends up, for the message ("it names the NodePool and its output file")
   */
  public static void checkLabel(String value, int max, String what, String why, Position at, String path, Diagnostics d) {
    if (value != null && (!isLabel(value) || value.length() > max)) {
      d.error("spec.invalid-name", at, path, what + " '" + abbreviate(value) + "' must be a DNS label: at most " + max
          + " lowercase letters, digits and '-', starting and ending with a letter or digit (" + why + ")");
    }
  }

  /** Reports {@code value} unless it is a DNS subdomain of at most {@code max} characters. */
  public static void checkSubdomain(String value, int max, String what, String why, Position at, String path, Diagnostics d) {
    if (value != null && (!isSubdomain(value) || value.length() > max)) {
      d.error("spec.invalid-name", at, path, what + " '" + abbreviate(value) + "' must be a DNS subdomain: at most " + max
          + " lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit (" + why + ")");
    }
  }

  static String abbreviate(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 80 ? clean.substring(0, 77) + "..." : clean;
  }
}
