package dev.slipway.engine.kyverno;

import static io.burt.jmespath.function.ArgumentConstraints.anyValue;
import static io.burt.jmespath.function.ArgumentConstraints.listOf;
import static io.burt.jmespath.function.ArgumentConstraints.typeOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.engine.kyverno.Arithmetic.FunctionError;
import io.burt.jmespath.Adapter;
import io.burt.jmespath.JmesPathType;
import io.burt.jmespath.function.ArgumentConstraint;
import io.burt.jmespath.function.BaseFunction;
import io.burt.jmespath.function.Function;
import io.burt.jmespath.function.FunctionArgument;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kyverno's JMESPath function library, as its documentation lists it, on top of the JMESPath
 * standard functions. Failures (a bad argument, a division by zero) throw {@link FunctionError},
 * which makes the rule an error, as in Kyverno.
 */
final class KyvernoFunctions {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
  /** The clock of the evaluation under way; see {@link Variables#withClock}. */
  static final ThreadLocal<Clock> CLOCK = ThreadLocal.withInitial(Clock::systemUTC);

  private KyvernoFunctions() {}

  /** A function over Jackson values (the runtime is always Jackson's). */
  private static final class Fn extends BaseFunction {
    private final java.util.function.Function<List<JsonNode>, JsonNode> body;

    Fn(String name, java.util.function.Function<List<JsonNode>, JsonNode> body, ArgumentConstraint... args) {
      super(name, args);
      this.body = body;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T callFunction(Adapter<T> runtime, List<FunctionArgument<T>> arguments) {
      List<JsonNode> values = new ArrayList<>();
      for (FunctionArgument<T> a : arguments) {
        values.add((JsonNode) a.value());
      }
      return (T) body.apply(values);
    }
  }

  private static ArgumentConstraint str() {
    return typeOf(JmesPathType.STRING);
  }

  private static ArgumentConstraint num() {
    return typeOf(JmesPathType.NUMBER);
  }

  private static ArgumentConstraint strOrNum() {
    return typeOf(JmesPathType.STRING, JmesPathType.NUMBER);
  }

  private static JsonNode text(String s) {
    return F.textNode(s);
  }

  /** Every Kyverno function, plus Slipway's {@code image_reference}. */
  static List<Function> all() {
    List<Function> fs = new ArrayList<>();
    // strings
    fs.add(new Fn("compare", a -> com.fasterxml.jackson.databind.node.IntNode.valueOf(Integer.signum(a.get(0).asText().compareTo(a.get(1).asText()))), str(), str()));
    fs.add(new Fn("equal_fold", a -> BooleanNode.valueOf(a.get(0).asText().equalsIgnoreCase(a.get(1).asText())), str(), str()));
    fs.add(new Fn("replace", a -> text(replace(a.get(0).asText(), a.get(1).asText(), a.get(2).asText(), a.get(3).asInt())),
        str(), str(), str(), num()));
    fs.add(new Fn("replace_all", a -> text(a.get(0).asText().replace(a.get(1).asText(), a.get(2).asText())), str(), str(), str()));
    fs.add(new Fn("to_upper", a -> text(a.get(0).asText().toUpperCase(Locale.ROOT)), str()));
    fs.add(new Fn("to_lower", a -> text(a.get(0).asText().toLowerCase(Locale.ROOT)), str()));
    // Kyverno's trim takes a cutset; with one argument (as older Slipway policies wrote) it trims whitespace.
    fs.add(new Fn("trim", a -> text(a.size() > 1 ? trim(a.get(0).asText(), a.get(1).asText()) : a.get(0).asText().strip()),
        listOf(1, 2, str())));
    fs.add(new Fn("trim_prefix", a -> text(a.get(0).asText().startsWith(a.get(1).asText())
        ? a.get(0).asText().substring(a.get(1).asText().length()) : a.get(0).asText()), str(), str()));
    fs.add(new Fn("trim_suffix", a -> text(a.get(0).asText().endsWith(a.get(1).asText())
        ? a.get(0).asText().substring(0, a.get(0).asText().length() - a.get(1).asText().length()) : a.get(0).asText()),
        str(), str()));
    fs.add(new Fn("split", a -> split(a.get(0).asText(), a.get(1).asText()), str(), str()));
    fs.add(new Fn("truncate", a -> {
      String s = a.get(0).asText();
      int n = Math.max(0, a.get(1).asInt());
      return text(s.codePointCount(0, s.length()) <= n ? s : s.substring(0, s.offsetByCodePoints(0, n)));
    }, str(), num()));
    fs.add(new Fn("regex_match", a -> BooleanNode.valueOf(regex("regex_match", a.get(0).asText()).matcher(scalar(a.get(1))).find()),
        str(), strOrNum()));
    fs.add(new Fn("regex_replace_all", a -> text(regexReplace(a.get(0).asText(), scalar(a.get(1)), scalar(a.get(2)), false)),
        str(), strOrNum(), strOrNum()));
    fs.add(new Fn("regex_replace_all_literal", a -> text(regexReplace(a.get(0).asText(), scalar(a.get(1)), scalar(a.get(2)), true)),
        str(), strOrNum(), strOrNum()));
    fs.add(new Fn("pattern_match", a -> BooleanNode.valueOf(Values.wildcard(a.get(0).asText(), scalar(a.get(1)))), str(), strOrNum()));
    fs.add(new Fn("to_boolean", a -> toBoolean(a.get(0).asText()), str()));
    fs.add(new Fn("base64_encode", a -> text(Base64.getEncoder().encodeToString(a.get(0).asText().getBytes(StandardCharsets.UTF_8))),
        str()));
    fs.add(new Fn("base64_decode", a -> text(base64Decode(a.get(0).asText())), str()));
    fs.add(new Fn("sha256", a -> text(digest("SHA-256", a.get(0).asText())), str()));
    fs.add(new Fn("md5", a -> text(digest("MD5", a.get(0).asText())), str()));
    fs.add(new Fn("path_canonicalize", a -> text(cleanPath(a.get(0).asText())), str()));
    fs.add(new Fn("semver_compare", a -> BooleanNode.valueOf(SemVer.satisfies(a.get(0).asText(), a.get(1).asText())), str(), str()));
    fs.add(new Fn("random", a -> text(RandomText.generate(a.get(0).asText())), str()));
    // structures
    fs.add(new Fn("parse_json", a -> parse("parse_json", JSON, a.get(0).asText()), str()));
    fs.add(new Fn("parse_yaml", a -> parse("parse_yaml", YAML, a.get(0).asText()), str()));
    fs.add(new Fn("items", a -> items(a.get(0), a.get(1).asText(), a.get(2).asText()),
        typeOf(JmesPathType.OBJECT, JmesPathType.ARRAY), str(), str()));
    fs.add(new Fn("object_from_lists", a -> objectFromLists(a.get(0), a.get(1)), typeOf(JmesPathType.ARRAY),
        typeOf(JmesPathType.ARRAY)));
    fs.add(new Fn("lookup", a -> lookup(a.get(0), a.get(1)), typeOf(JmesPathType.OBJECT, JmesPathType.ARRAY), anyValue()));
    fs.add(new Fn("label_match", a -> BooleanNode.valueOf(labelMatch(a.get(0), a.get(1))), typeOf(JmesPathType.OBJECT),
        typeOf(JmesPathType.OBJECT)));
    // arithmetic
    fs.add(new Fn("add", a -> Arithmetic.add(a.get(0), a.get(1)), anyValue(), anyValue()));
    fs.add(new Fn("subtract", a -> Arithmetic.subtract(a.get(0), a.get(1)), anyValue(), anyValue()));
    fs.add(new Fn("multiply", a -> Arithmetic.multiply(a.get(0), a.get(1)), anyValue(), anyValue()));
    fs.add(new Fn("divide", a -> Arithmetic.divide(a.get(0), a.get(1)), anyValue(), anyValue()));
    fs.add(new Fn("modulo", a -> Arithmetic.modulo(a.get(0), a.get(1)), anyValue(), anyValue()));
    fs.add(new Fn("round", a -> Arithmetic.round(a.get(0), a.get(1)), anyValue(), anyValue()));
    fs.add(new Fn("sum", a -> Arithmetic.sum(a.get(0)), typeOf(JmesPathType.ARRAY)));
    // time
    fs.add(new Fn("time_now", a -> TimeFunctions.now(CLOCK.get(), false)));
    fs.add(new Fn("time_now_utc", a -> TimeFunctions.now(CLOCK.get(), true)));
    fs.add(new Fn("time_add", a -> TimeFunctions.add(a.get(0), a.get(1)), str(), str()));
    fs.add(new Fn("time_after", a -> TimeFunctions.after(a.get(0), a.get(1)), str(), str()));
    fs.add(new Fn("time_before", a -> TimeFunctions.before(a.get(0), a.get(1)), str(), str()));
    fs.add(new Fn("time_between", a -> TimeFunctions.betweenTimes(a.get(0), a.get(1), a.get(2)), str(), str(), str()));
    fs.add(new Fn("time_diff", a -> TimeFunctions.diff(a.get(0), a.get(1)), str(), str()));
    fs.add(new Fn("time_parse", a -> TimeFunctions.parseWithLayout(a.get(0), a.get(1)), str(), str()));
    fs.add(new Fn("time_since", a -> TimeFunctions.since(CLOCK.get(), a.get(0), a.get(1), a.get(2)), str(), str(), str()));
    fs.add(new Fn("time_to_cron", a -> TimeFunctions.toCron(a.get(0)), str()));
    fs.add(new Fn("time_truncate", a -> TimeFunctions.truncate(a.get(0), a.get(1)), str(), str()));
    fs.add(new Fn("time_utc", a -> TimeFunctions.utc(a.get(0)), str()));
    // images and certificates
    fs.add(new Fn("image_normalize", a -> text(normalize(a.get(0).asText())), str()));
    fs.add(new Fn("is_external_url", a -> BooleanNode.valueOf(isExternalUrl(a.get(0).asText())), str()));
    fs.add(new Fn("x509_decode", a -> X509.decode(a.get(0).asText()), str()));
    fs.add(new Fn("image_reference", a -> imageReference(a.get(0).asText()), str()));
    return fs;
  }

  /** A string or number argument as text; numbers print as Go's shortest form ({@code 8080}, {@code 1.5}). */
  static String scalar(JsonNode n) {
    if (n.isNumber()) {
      java.math.BigDecimal d = n.decimalValue().stripTrailingZeros();
      return (d.scale() < 0 ? d.setScale(0) : d).toPlainString();
    }
    return n.asText();
  }

  private static Pattern regex(String function, String regex) {
    try {
      return PATTERNS.computeIfAbsent(regex, Pattern::compile);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new FunctionError(function, "invalid regular expression: " + e.getDescription());
    }
  }

  /** Go's {@code strings.Replace}: at most n replacements, all when n is negative. */
  private static String replace(String s, String old, String replacement, int n) {
    if (n < 0) {
      return s.replace(old, replacement);
    }
    StringBuilder sb = new StringBuilder();
    int from = 0;
    for (int i = 0; i < n; i++) {
      int at = old.isEmpty() ? (i == 0 ? 0 : from + 1) : s.indexOf(old, from);
      if (at < 0 || at > s.length()) {
        break;
      }
      sb.append(s, from, at).append(replacement);
      from = at + old.length();
    }
    return sb.append(s.substring(Math.min(from, s.length()))).toString();
  }

  /** Go's {@code strings.Trim}: removes leading and trailing characters found in the cutset. */
  private static String trim(String s, String cutset) {
    int start = 0;
    int end = s.length();
    while (start < end && cutset.indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && cutset.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(start, end);
  }

  /** Go's {@code strings.Split}: an empty separator splits into characters; no match gives the whole string. */
  private static ArrayNode split(String s, String sep) {
    ArrayNode out = F.arrayNode();
    if (sep.isEmpty()) {
      s.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
      return out;
    }
    int from = 0;
    int at;
    while ((at = s.indexOf(sep, from)) >= 0) {
      out.add(s.substring(from, at));
      from = at + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  /**
   * Go's {@code Regexp.ReplaceAll}: {@code $1}, {@code ${1}}, {@code $name} expand to groups (a
   * missing group to nothing), {@code $$} is a dollar; the literal form inserts the text as is.
   */
  private static String regexReplace(String regex, String src, String replacement, boolean literal) {
    String function = literal ? "regex_replace_all_literal" : "regex_replace_all";
    Matcher m = regex(function, regex).matcher(src);
    return m.replaceAll(r -> Matcher.quoteReplacement(literal ? replacement : expand(replacement, m)));
  }

  private static String expand(String template, Matcher m) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$' || i + 1 >= template.length()) {
        sb.append(c);
        i++;
        continue;
      }
      if (template.charAt(i + 1) == '$') {
        sb.append('$');
        i += 2;
        continue;
      }
      String name;
      int end;
      if (template.charAt(i + 1) == '{') {
        int close = template.indexOf('}', i + 2);
        if (close < 0) {
          sb.append(c);
          i++;
          continue;
        }
        name = template.substring(i + 2, close);
        end = close + 1;
      } else {
        int j = i + 1;
        while (j < template.length() && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) {
          j++;
        }
        name = template.substring(i + 1, j);
        end = j;
      }
      if (name.isEmpty()) {
        sb.append(c);
        i++;
        continue;
      }
      String value = null;
      try {
        value = name.chars().allMatch(Character::isDigit)
            ? (Integer.parseInt(name) <= m.groupCount() ? m.group(Integer.parseInt(name)) : null) : m.group(name);
      } catch (IllegalArgumentException e) {
        value = null;
      }
      sb.append(value == null ? "" : value);
      i = end;
    }
    return sb.toString();
  }

  private static JsonNode toBoolean(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true" -> BooleanNode.TRUE;
      case "false" -> BooleanNode.FALSE;
      default -> throw new FunctionError("to_boolean", "'" + s + "' is neither true nor false");
    };
  }

  private static String base64Decode(String s) {
    try {
      return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new FunctionError("base64_decode", "not valid base64: " + e.getMessage());
    }
  }

  private static String digest(String algorithm, String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Go's {@code filepath.Clean} on a slash path. */
  static String cleanPath(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.startsWith("/");
    List<String> out = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
          out.remove(out.size() - 1);
        } else if (!rooted) {
          out.add("..");
        }
      } else {
        out.add(part);
      }
    }
    String joined = String.join("/", out);
    return rooted ? "/" + joined : joined.isEmpty() ? "." : joined;
  }

  private static JsonNode parse(String function, ObjectMapper mapper, String text) {
    try {
      JsonNode n = mapper.readTree(text);
      return n == null || n.isMissingNode() ? F.nullNode() : n;
    } catch (java.io.IOException e) {
      throw new FunctionError(function, "cannot parse: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** {@code items}: an object's entries sorted by key (as Go iterates them), or an array's elements with their index. */
  private static ArrayNode items(JsonNode source, String keyName, String valueName) {
    ArrayNode out = F.arrayNode();
    if (source.isArray()) {
      for (int i = 0; i < source.size(); i++) {
        ObjectNode pair = out.addObject();
        pair.put(keyName, i);
        pair.set(valueName, source.get(i));
      }
      return out;
    }
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    source.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach((k, v) -> {
      ObjectNode pair = out.addObject();
      pair.put(keyName, k);
      pair.set(valueName, v);
    });
    return out;
  }

  /** {@code object_from_lists(keys, values)}: keys without a value map to null; keys must be strings. */
  private static ObjectNode objectFromLists(JsonNode keys, JsonNode values) {
    ObjectNode out = F.objectNode();
    for (int i = 0; i < keys.size(); i++) {
      if (!keys.get(i).isTextual()) {
        throw new FunctionError("object_from_lists", "keys must be strings, found " + keys.get(i));
      }
      out.set(keys.get(i).asText(), i < values.size() ? values.get(i) : F.nullNode());
    }
    return out;
  }

  /** {@code lookup(object, key)} or {@code lookup(array, index)}: the entry, or null when absent. */
  private static JsonNode lookup(JsonNode collection, JsonNode key) {
    if (collection.isObject()) {
      if (!key.isTextual()) {
        throw new FunctionError("lookup", "an object's key must be a string");
      }
      JsonNode v = collection.get(key.asText());
      return v == null ? F.nullNode() : v;
    }
    if (!key.isNumber() || key.decimalValue().stripTrailingZeros().scale() > 0) {
      throw new FunctionError("lookup", "an array's index must be an integer");
    }
    int i = key.asInt();
    return i >= 0 && i < collection.size() ? collection.get(i) : F.nullNode();
  }

  /** {@code label_match(selector, labels)}: every key of the selector is in the labels with the same value. */
  private static boolean labelMatch(JsonNode selector, JsonNode labels) {
    for (var e : selector.properties()) {
      JsonNode v = labels.get(e.getKey());
      if (v == null || !v.equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code is_external_url(url)}: false for loopback, private, link-local and unspecified IP
   * addresses and {@code localhost}; true for other hosts (names are not resolved); false for text
   * that is not a URL with a host.
   */
  static boolean isExternalUrl(String url) {
    String host;
    try {
      host = new java.net.URI(url).getHost();
    } catch (java.net.URISyntaxException e) {
      return false;
    }
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return false;
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return true;
    }
    try {
      java.net.InetAddress a = java.net.InetAddress.getByName(h); // a literal address: no lookup
      return !(a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
          || a instanceof java.net.Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc);
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String normalize(String image) {
    ImageInfo info = ImageInfo.parse(image);
    if (!info.valid()) {
      throw new FunctionError("image_normalize", "bad image: '" + image + "': invalid reference format");
    }
    return info.reference();
  }

  /**
   * Slipway's {@code image_reference}: the repository as a container runtime resolves it
   * ({@code nginx} is {@code docker.io/library/nginx}), the tag and digest as written (null when absent).
   */
  private static JsonNode imageReference(String image) {
    ImageInfo info = ImageInfo.parse(image);
    String path = info.registry().equals("docker.io") && !info.path().contains("/") ? "library/" + info.path() : info.path();
    boolean tagged = image.substring(image.lastIndexOf('/') + 1).replaceAll("@.*", "").contains(":");
    ObjectNode m = F.objectNode();
    m.put("registry", info.registry());
    m.put("repository", info.registry() + "/" + path);
    m.put("tag", tagged ? info.tag() : null);
    m.put("digest", info.digest().isEmpty() ? null : info.digest());
    return m;
  }
}
