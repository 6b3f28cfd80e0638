package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.slipway.engine.kyverno.Arithmetic.FunctionError;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Kyverno's {@code time_*} functions. Times are RFC 3339 strings and keep their offset, as Go's
 * {@code time.Parse} does; durations are Go durations. {@code time_now}, {@code time_now_utc} and
 * a {@code time_since} without an end read the clock the evaluation was given
 * ({@link Variables#withClock}), never the system clock directly.
 */
final class TimeFunctions {
  private static final DateTimeFormatter RFC3339 = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd'T'HH:mm:ss").appendOffset("+HH:MM", "Z").toFormatter(Locale.ROOT);
  /** Go's zero time, from which {@code Time.Truncate} counts. */
  private static final long GO_ZERO_SECONDS = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toEpochSecond();

  private TimeFunctions() {}

  static OffsetDateTime parse(String function, JsonNode n) {
    try {
      return OffsetDateTime.parse(n.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeParseException e) {
      throw new FunctionError(function, "'" + n.asText() + "' is not an RFC 3339 time");
    }
  }

  static long duration(String function, JsonNode n) {
    BigDecimal d = Arithmetic.goDurationNanos(n.asText());
    if (d == null) {
      throw new FunctionError(function, "'" + n.asText() + "' is not a duration");
    }
    return d.longValueExact();
  }

  static JsonNode text(OffsetDateTime t) {
    return JsonNodeFactory.instance.textNode(format(t));
  }

  static String format(OffsetDateTime t) {
    return RFC3339.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  static JsonNode now(Clock clock, boolean utc) {
    Instant i = clock.instant();
    return text(OffsetDateTime.ofInstant(i, utc ? ZoneOffset.UTC : clock.getZone()));
  }

  static JsonNode add(JsonNode t, JsonNode d) {
    return text(parse("time_add", t).plusNanos(duration("time_add", d)));
  }

  static JsonNode utc(JsonNode t) {
    return text(parse("time_utc", t).withOffsetSameInstant(ZoneOffset.UTC));
  }

  static JsonNode diff(JsonNode a, JsonNode b) {
    return between(parse("time_diff", a), parse("time_diff", b));
  }

  private static JsonNode between(OffsetDateTime from, OffsetDateTime to) {
    Duration d = Duration.between(from, to);
    return JsonNodeFactory.instance.textNode(Arithmetic.formatGoDuration(d.toNanos()));
  }

  static JsonNode before(JsonNode a, JsonNode b) {
    return BooleanNode.valueOf(parse("time_before", a).isBefore(parse("time_before", b)));
  }

  static JsonNode after(JsonNode a, JsonNode b) {
    return BooleanNode.valueOf(parse("time_after", a).isAfter(parse("time_after", b)));
  }

  /** Strictly between {@code start} and {@code end}, as Kyverno's {@code After && Before}. */
  static JsonNode betweenTimes(JsonNode t, JsonNode start, JsonNode end) {
    OffsetDateTime x = parse("time_between", t);
    return BooleanNode.valueOf(x.isAfter(parse("time_between", start)) && x.isBefore(parse("time_between", end)));
  }

  /** Go's {@code Time.Truncate}: rounds down to a multiple of the duration since Go's zero time, in absolute time. */
  static JsonNode truncate(JsonNode t, JsonNode d) {
    OffsetDateTime x = parse("time_truncate", t);
    long step = duration("time_truncate", d);
    if (step <= 0) {
      return text(x);
    }
    java.math.BigInteger sinceZero = java.math.BigInteger.valueOf(x.toEpochSecond() - GO_ZERO_SECONDS)
        .multiply(java.math.BigInteger.valueOf(1_000_000_000L)).add(java.math.BigInteger.valueOf(x.getNano()));
    long rest = sinceZero.mod(java.math.BigInteger.valueOf(step)).longValueExact();
    return text(x.minusNanos(rest));
  }

  /** {@code "minute hour day month weekday"} of the time, in its own offset (Sunday is 0). */
  static JsonNode toCron(JsonNode t) {
    OffsetDateTime x = parse("time_to_cron", t);
    int weekday = x.getDayOfWeek().getValue() % 7;
    return JsonNodeFactory.instance.textNode(x.getMinute() + " " + x.getHour() + " " + x.getDayOfMonth() + " "
        + x.getMonthValue() + " " + weekday);
  }

  /** {@code time_since(layout, t1, t2)}: t2 - t1 (t2 empty: now); an empty layout means RFC 3339. */
  static JsonNode since(Clock clock, JsonNode layout, JsonNode t1, JsonNode t2) {
    OffsetDateTime a = parseLayout("time_since", layout.asText(), t1.asText());
    OffsetDateTime b = t2.asText().isEmpty() ? OffsetDateTime.now(clock)
        : parseLayout("time_since", layout.asText(), t2.asText());
    return between(a, b);
  }

  /** {@code time_parse(layout, text)}: a Go layout, or a numeric layout for Unix seconds; the result is RFC 3339. */
  static JsonNode parseWithLayout(JsonNode layout, JsonNode ts) {
    if (layout.asText().matches("[+-]?\\d+")) {
      try {
        return text(OffsetDateTime.ofInstant(Instant.ofEpochSecond(Long.parseLong(ts.asText())), ZoneOffset.UTC));
      } catch (NumberFormatException e) {
        throw new FunctionError("time_parse", "'" + ts.asText() + "' is not a Unix time in seconds");
      }
    }
    return text(parseLayout("time_parse", layout.asText(), ts.asText()));
  }

  static OffsetDateTime parseLayout(String function, String layout, String text) {
    if (layout.isEmpty()) {
      return parse(function, JsonNodeFactory.instance.textNode(text));
    }
    DateTimeFormatter f = goLayout(function, layout);
    // Unresolved, as Go reads layouts: a weekday that does not fit the date is ignored.
    java.text.ParsePosition at = new java.text.ParsePosition(0);
    var parsed = f.parseUnresolved(text, at);
    if (parsed == null || at.getErrorIndex() >= 0 || at.getIndex() != text.length()) {
      throw new FunctionError(function, "'" + text + "' does not match the layout '" + layout + "'");
    }
    try {
      int hour = parsed.isSupported(ChronoField.HOUR_OF_DAY) ? (int) parsed.getLong(ChronoField.HOUR_OF_DAY)
          : parsed.isSupported(ChronoField.CLOCK_HOUR_OF_AMPM)
              ? (int) parsed.getLong(ChronoField.CLOCK_HOUR_OF_AMPM) % 12
                  + (parsed.isSupported(ChronoField.AMPM_OF_DAY) ? 12 * (int) parsed.getLong(ChronoField.AMPM_OF_DAY) : 0)
              : 0;
      java.time.LocalDate date = java.time.LocalDate.of(field(parsed, ChronoField.YEAR, 0),
          field(parsed, ChronoField.MONTH_OF_YEAR, 1), field(parsed, ChronoField.DAY_OF_MONTH, 1));
      java.time.LocalTime time = java.time.LocalTime.of(hour, field(parsed, ChronoField.MINUTE_OF_HOUR, 0),
          field(parsed, ChronoField.SECOND_OF_MINUTE, 0), field(parsed, ChronoField.NANO_OF_SECOND, 0));
      return OffsetDateTime.of(date, time, ZoneOffset.ofTotalSeconds(field(parsed, ChronoField.OFFSET_SECONDS, 0)));
    } catch (java.time.DateTimeException e) {
      throw new FunctionError(function, "'" + text + "' is not a valid time for the layout '" + layout + "'");
    }
  }

  private static int field(java.time.temporal.TemporalAccessor t, ChronoField f, int otherwise) {
    return t.isSupported(f) ? (int) t.getLong(f) : otherwise;
  }

  /**
   * A Go reference-time layout ({@code Mon Jan 2 15:04:05 MST 2006}) as a Java formatter. Covers
   * the numeric, month, weekday, AM/PM, fraction and numeric-offset elements; zone abbreviations
   * ({@code MST}) are not supported and make the function fail.
   */
  static DateTimeFormatter goLayout(String function, String layout) {
    String[][] tokens = {
        {"January", "MMMM"}, {"Monday", "EEEE"}, {"Z07:00", "XXX"}, {"-07:00", "xxx"}, {"Z0700", "XX"}, {"-0700", "xx"},
        {"-07", "x"}, {"2006", "uuuu"}, {".000000000", ".SSSSSSSSS"}, {".000000", ".SSSSSS"}, {".000", ".SSS"},
        {"Jan", "MMM"}, {"Mon", "EEE"}, {"MST", null}, {"15", "HH"}, {"01", "MM"}, {"02", "dd"}, {"_2", "ppd"},
        {"03", "hh"}, {"04", "mm"}, {"05", "ss"}, {"06", "uu"}, {"PM", "a"}, {"pm", "a"}, {"1", "M"}, {"2", "d"},
        {"3", "h"}, {"4", "m"}, {"5", "s"}};
    StringBuilder java = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    outer:
    while (i < layout.length()) {
      if (layout.startsWith(".999", i) || layout.startsWith(",999", i)) {
        int j = i + 1;
        while (j < layout.length() && layout.charAt(j) == '9') {
          j++;
        }
        flush(java, literal);
        java.append("[.SSSSSSSSS]");
        i = j;
        continue;
      }
      for (String[] t : tokens) {
        if (layout.startsWith(t[0], i)) {
          if (t[1] == null) {
            throw new FunctionError(function, "zone abbreviations (" + t[0] + ") in layouts are not supported");
          }
          flush(java, literal);
          java.append(t[1]);
          i += t[0].length();
          continue outer;
        }
      }
      literal.append(layout.charAt(i++));
    }
    flush(java, literal);
    return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(java.toString()).toFormatter(Locale.ENGLISH);
  }

  private static void flush(StringBuilder java, StringBuilder literal) {
    if (literal.length() > 0) {
      java.append('\'').append(literal.toString().replace("'", "''")).append('\'');
      literal.setLength(0);
    }
  }
}
