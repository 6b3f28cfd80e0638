package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.model.yaml.JsonView;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.yaml.Origin.Layer;
import dev.slipway.model.yaml.YamlLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs a {@code kyverno-test.yaml} names besides policies and resources: its values file
 * ({@code variables:}, or {@code values:} naming a file or holding the values inline) and its
 * userinfo file ({@code userinfo:}), in the older plain shape and the newer
 * {@code cli.kyverno.io/v1alpha1} {@code Values}/{@code UserInfo} kinds, which hold the same fields:
 *
 * <ul>
 *   <li>{@code globalValues}: variables for every rule and resource ({@code request.operation: UPDATE});
 *   <li>{@code policies[]}: per policy, {@code rules[]} with {@code values} (mocked context data, e.g.
 *       a configMap or apiCall result under the context entry's name) and {@code foreachValues}, and
 *       {@code resources[]} with per-resource {@code values};
 *   <li>{@code namespaceSelector[]} ({@code name}, {@code labels}) and {@code namespaces[]}
 *       (Namespace objects): the labels {@code match.namespaceSelector} reads;
 *   <li>{@code subresources[]}: which kind a {@code Kind/subresource} request carries;
 *   <li>{@code exceptions}: files of {@code PolicyException} objects;
 *   <li>userinfo: {@code userInfo} ({@code username}, {@code groups}), {@code roles}, {@code clusterRoles}.
 * </ul>
 *
 * <p>As in Kyverno's CLI, without a userinfo file the request has no admission information (user
 * filters are dropped), and a namespace the values do not describe has no labels.
 */
final class KyvernoTestInputs {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private KyvernoTestInputs() {}

  static EvaluationInputs read(JsonNode test, Path base, Diagnostics d) {
    EvaluationInputs in = EvaluationInputs.defaults();
    JsonNode values = null;
    JsonNode valuesRef = test.has("variables") ? test.get("variables") : test.get("values");
    if (valuesRef != null && valuesRef.isTextual()) {
      values = document(base.resolve(valuesRef.asText()), d);
    } else if (valuesRef != null && valuesRef.isObject()) {
      values = valuesRef;
    }
    EvaluationInputs.UserInfo user = EvaluationInputs.UserInfo.NO_ADMISSION_INFO;
    if (test.path("userinfo").isTextual()) {
      JsonNode u = document(base.resolve(test.get("userinfo").asText()), d);
      if (u != null) {
        user = new EvaluationInputs.UserInfo(u.path("userInfo").path("username").asText(null),
            strings(u.path("userInfo").path("groups")), strings(u.path("roles")), strings(u.path("clusterRoles")));
      }
    }
    // Kyverno's CLI: a namespace the values do not describe has no labels.
    Map<String, JsonNode> namespaceLabels = Map.of();
    List<JsonNode> subresources = List.of();
    EvaluationInputs.ValuesSource source = EvaluationInputs.ValuesSource.NONE;
    if (values != null) {
      if (values.has("namespaceSelector") || values.has("namespaces")) {
        namespaceLabels = new HashMap<>();
        for (JsonNode n : values.path("namespaceSelector")) {
          namespaceLabels.put(n.path("name").asText(), n.path("labels"));
        }
        for (JsonNode n : values.path("namespaces")) {
          namespaceLabels.put(n.path("metadata").path("name").asText(), n.path("metadata").path("labels"));
        }
      }
      List<JsonNode> subs = new ArrayList<>();
      values.path("subresources").forEach(subs::add);
      subresources = subs;
      source = valuesSource(values);
    }
    List<JsonNode> exceptions = new ArrayList<>();
    for (JsonNode file : test.path("exceptions")) {
      Path path = base.resolve(file.asText());
      for (JsonNode doc : KyvernoTestRunner.resources(KyvernoTestRunner.read(path, d), path.toString(), d)) {
        if (doc.path("kind").asText().equals("PolicyException")) {
          exceptions.add(doc);
        }
      }
    }
    return new EvaluationInputs(in.operation(), user, namespaceLabels, source, subresources, exceptions, in.clock());
  }

  /** Values for (policy, rule, resource): global values, then the resource's, then the rule's, later ones winning. */
  private static EvaluationInputs.ValuesSource valuesSource(JsonNode values) {
    Map<String, JsonNode> global = flat(values.path("globalValues"));
    return (policy, rule, resource) -> {
      Map<String, JsonNode> vars = new LinkedHashMap<>(global);
      Map<String, List<JsonNode>> foreach = new LinkedHashMap<>();
      String name = resource.path("metadata").path("name").asText();
      for (JsonNode p : values.path("policies")) {
        if (!p.path("name").asText().equals(policy)) {
          continue;
        }
        for (JsonNode r : p.path("resources")) {
          String n = r.path("name").asText();
          if (n.equals(name) || n.endsWith("/" + name)) {
            vars.putAll(flat(r.path("values")));
          }
        }
        for (JsonNode r : p.path("rules")) {
          if (r.path("name").asText().equals(rule)) {
            vars.putAll(flat(r.path("values")));
            r.path("foreachValues").properties().forEach(e -> {
              List<JsonNode> list = new ArrayList<>();
              e.getValue().forEach(list::add);
              foreach.put(e.getKey(), list);
            });
          }
        }
      }
      return vars.isEmpty() && foreach.isEmpty() ? EvaluationInputs.RuleValues.NONE : new EvaluationInputs.RuleValues(vars, foreach);
    };
  }

  /** Values by dotted path; a string holding a JSON array is that array, as Kyverno's docs ask lists to be written. */
  private static Map<String, JsonNode> flat(JsonNode map) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    map.properties().forEach(e -> out.put(e.getKey(), jsonArray(e.getValue())));
    return out;
  }

  private static JsonNode jsonArray(JsonNode v) {
    if (v.isTextual() && v.asText().trim().startsWith("[")) {
      try {
        JsonNode parsed = JSON.readTree(v.asText());
        if (parsed != null && parsed.isArray()) {
          return parsed;
        }
      } catch (java.io.IOException e) {
        return v;
      }
    }
    return v;
  }

  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode document(Path file, Diagnostics d) {
    String content = KyvernoTestRunner.read(file, d);
    for (YamlLoader.Document doc : new YamlLoader(YamlLoader.Limits.MANIFESTS, false).load(content, file.toString(), Layer.APP, d)) {
      if (doc.root() != null) {
        return JsonView.of(doc.root());
      }
    }
    return null;
  }
}
