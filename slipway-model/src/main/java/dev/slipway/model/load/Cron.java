package dev.slipway.model.load;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cron schedules as Kubernetes CronJobs and KEDA's cron scaler read them (robfig/cron's standard
 * parser): five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of
 * week 0-6 or SUN-SAT), each {@code *}, {@code ?} (the day fields), a value, a range {@code a-b},
 * a step {@code x/n}, or a comma-separated list of those; or a macro such as {@code @daily}.
 */
final class Cron {
  private Cron() {}

  private record Field(String name, int min, int max, List<String> names) {}

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  private static final List<Field> FIELDS = List.of(
      new Field("minute", 0, 59, List.of()),
      new Field("hour", 0, 23, List.of()),
      new Field("day of month", 1, 31, List.of()),
      new Field("month", 1, 12, MONTHS),
      new Field("day of week", 0, 6, DAYS));
  private static final Set<String> MACROS = Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");

  /** Null when {@code cron} is a valid schedule, else what is wrong with it. */
  static String problem(String cron) {
    String c = cron.trim();
    if (c.startsWith("@")) {
      return MACROS.contains(c) ? null : "unknown macro '" + c + "'; macros: " + String.join(", ", MACROS.stream().sorted().toList());
    }
    if (c.startsWith("TZ=") || c.startsWith("CRON_TZ=")) {
      return "a time zone in the schedule is not allowed; use the timezone field";
    }
    String[] parts = c.split("\\s+");
    if (parts.length != 5) {
      return "it has " + parts.length + " fields; a cron expression has 5 (minute hour day-of-month month day-of-week)";
    }
    for (int i = 0; i < 5; i++) {
      String p = field(parts[i], FIELDS.get(i), i == 2 || i == 4);
      if (p != null) {
        return FIELDS.get(i).name() + " '" + parts[i] + "': " + p;
      }
    }
    return null;
  }

  private static String field(String text, Field f, boolean questionMark) {
    if (text.equals("?") && questionMark) {
      return null;
    }
    for (String item : text.split(",", -1)) {
      String p = item(item, f);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private static String item(String item, Field f) {
    String range = item;
    int slash = item.indexOf('/');
    if (slash >= 0) {
      range = item.substring(0, slash);
      String step = item.substring(slash + 1);
      if (!step.matches("\\d{1,4}") || Integer.parseInt(step) == 0) {
        return "the step after '/' must be a whole number of at least 1";
      }
    }
    if (range.equals("*")) {
      return null;
    }
    int dash = range.indexOf('-');
    String from = dash < 0 ? range : range.substring(0, dash);
    Integer lo = value(from, f);
    if (lo == null) {
      return "'" + from + "' is not " + describe(f);
    }
    if (dash >= 0) {
      String to = range.substring(dash + 1);
      Integer hi = value(to, f);
      if (hi == null) {
        return "'" + to + "' is not " + describe(f);
      }
      if (lo > hi) {
        return "the range " + range + " runs backwards";
      }
    }
    return null;
  }

  private static Integer value(String s, Field f) {
    if (s.matches("\\d{1,4}")) {
      int v = Integer.parseInt(s);
      return v >= f.min() && v <= f.max() ? v : null;
    }
    int at = f.names().indexOf(s.toUpperCase(Locale.ROOT));
    return at < 0 ? null : at + f.min();
  }

  private static String describe(Field f) {
    return "a " + f.name() + " (" + f.min() + "-" + f.max() + (f.names().isEmpty() ? "" : " or " + f.names().get(0) + "-"
        + f.names().get(f.names().size() - 1)) + ")";
  }
}
