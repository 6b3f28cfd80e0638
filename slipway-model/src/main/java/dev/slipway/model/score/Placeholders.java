package dev.slipway.model.score;

import java.util.List;

/**
 * Score's placeholders: {@code ${metadata.name}}, {@code ${resources.db.host}}. {@code $$} stands
 * for a literal {@code $}, so {@code $${x}} is the text {@code ${x}}, as in Score's reference
 * implementations. A password or other secret output may only be a whole value: Slipway passes
 * secrets to containers as references to the platform's secret store (an ExternalSecret), so
 * it can never paste one into a ConfigMap or a longer string.
 */
final class Placeholders {
  private Placeholders() {}

  /** What a placeholder or a whole expanded value stands for. */
  sealed interface Value permits Text, Secret, EnvironmentHost {}

  /** Plain text, safe for a ConfigMap. */
  record Text(String text) implements Value {}

  /** A key ({@code key} or {@code key#property}) in the platform's secret store. */
  record Secret(String ref) implements Value {}

  /**
   * The application's public host, which differs per environment ({@code <app>.<domain>}, as an
   * ingress without a host gets): a dns resource's {@code host}.
   */
  record EnvironmentHost() implements Value {}

  /** Thrown (and turned into one diagnostic) when a value cannot be expanded; a null message means it was reported already. */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;

    Problem(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Expands every placeholder of {@code text}. {@code lookup} gets the reference split at dots
   * ({@code [resources, db, host]}) and returns its value or throws a {@link Problem}.
   */
  static Value expand(String text, Lookup lookup) throws Problem {
    StringBuilder out = new StringBuilder();
    Secret secret = null;
    int placeholders = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new Problem("placeholder '" + abbreviate(text.substring(i)) + "' has no closing '}' (write $${ for a literal ${)");
        }
        String ref = text.substring(i + 2, end);
        if (ref.isBlank()) {
          throw new Problem("empty placeholder '${}'");
        }
        Value v = lookup.resolve(List.of(ref.split("\\.", -1)));
        placeholders++;
        if (v instanceof Secret s) {
          secret = s;
        } else if (v instanceof EnvironmentHost) {
          if (text.length() != end - i + 1) {
            throw new Problem("${" + ref + "} differs per environment (the application's host <app>.<domain>): it can only be"
                + " a route's whole host, where Slipway gives the ingress that host in every environment");
          }
          return v;
        } else {
          out.append(((Text) v).text());
        }
        i = end + 1;
        continue;
      }
      out.append(c);
      i++;
    }
    if (secret != null) {
      if (placeholders == 1 && out.length() == 0) {
        return secret;
      }
      throw new Problem("a secret (secret store key '" + secret.ref() + "') can only be a whole value, not part of a longer text:"
          + " Slipway passes secrets as references to the secret store and never writes them into a ConfigMap or file;"
          + " use a variable of its own for it");
    }
    return new Text(out.toString());
  }

  /** Resolves one reference. */
  interface Lookup {
    Value resolve(List<String> parts) throws Problem;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
