package dev.slipway.model.yaml;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the specs write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}. */
public final class Durations {
  /** The whole form a spec duration must have. */
  public static final Pattern FORM = Pattern.compile("^(\\d+(ms|s|m|h))+$");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Durations() {}

  /** Whether {@code text} is a spec duration. */
  public static boolean valid(String text) {
    return text != null && FORM.matcher(text).matches();
  }

  /** A spec duration; the caller checked the form with {@link #valid}. */
  public static Duration parse(String text) {
    Duration d = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    return d;
  }

  /** A duration the way specs write it: {@code 1h30m}, {@code 45s}, {@code 250ms}. */
  public static String text(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    long h = d.toHours();
    long m = d.toMinutesPart();
    long s = d.toSecondsPart();
    long ms = d.toMillisPart();
    if (h > 0) {
      b.append(h).append('h');
    }
    if (m > 0) {
      b.append(m).append('m');
    }
    if (s > 0) {
      b.append(s).append('s');
    }
    if (ms > 0) {
      b.append(ms).append("ms");
    }
    return b.toString();
  }
}
