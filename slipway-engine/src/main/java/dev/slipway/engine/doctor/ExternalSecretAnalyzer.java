package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.engine.doctor.Finding.ObjectRef;
import dev.slipway.engine.doctor.Finding.Severity;
import dev.slipway.engine.doctor.Finding.SpecRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ExternalSecret}: an ExternalSecret that is not synced, so its Secret is missing or stale
 * and pods that read it do not start. An access denial names the IRSA role (from the store's
 * ServiceAccount) and the exact secret ARN the role needs {@code secretsmanager:GetSecretValue}
 * on; a missing secret names the key and where the spec references it. Secret values are never
 * read: only the ExternalSecret's keys, conditions and events.
 */
final class ExternalSecretAnalyzer implements Analyzer {
  static final String ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";
  private static final Pattern ON_RESOURCE = Pattern.compile("on resource: (\\S+?)(?: because|\\s|$)");
  private static final Pattern ACCOUNT = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/(.+)");

  @Override
  public String name() {
    return "ExternalSecret";
  }

  @Override
  public void analyze(Scan scan) {
    for (JsonNode es : scan.live.ofKind("ExternalSecret")) {
      JsonNode ready = LiveObjects.condition(es, "Ready");
      if (!ready.path("status").asText().equals("False")) {
        continue;
      }
      ObjectRef ref = LiveObjects.ref(es);
      String component = scan.component(es);
      List<String> evidence = new ArrayList<>();
      evidence.add(LiveObjects.describeCondition(ready));
      List<JsonNode> events = scan.live.events(ref).stream().filter(e -> e.path("type").asText().equals("Warning")).toList();
      events.stream().reduce((a, b) -> b).ifPresent(e -> evidence.add(LiveObjects.describeEvent(e)));
      List<String[]> keys = new ArrayList<>(); // secretKey (env var), remote key, property
      for (JsonNode d : es.path("spec").path("data")) {
        keys.add(new String[] {d.path("secretKey").asText(), d.path("remoteRef").path("key").asText(),
            d.path("remoteRef").path("property").asText(null)});
      }
      for (JsonNode d : es.path("spec").path("dataFrom")) {
        keys.add(new String[] {null, d.path("extract").path("key").asText(d.path("find").path("name").path("regexp").asText()), null});
      }
      evidence.add("keys: " + String.join(", ", keys.stream().map(k -> k[1] + (k[2] == null ? "" : "#" + k[2])).toList()));
      String raw = ready.path("message").asText("") + "\n" + String.join("\n", events.stream().map(LiveObjects::message).toList());
      String text = raw.toLowerCase(Locale.ROOT);
      String storeName = es.path("spec").path("secretStoreRef").path("name").asText();
      Optional<JsonNode> store = scan.live.get("SecretStore", ref.namespace(), storeName);
      store.map(s -> LiveObjects.condition(s, "Ready")).filter(c -> c.path("status").asText().equals("False"))
          .ifPresent(c -> evidence.add("SecretStore " + storeName + ": " + LiveObjects.describeCondition(c)));
      String region = store.map(s -> s.path("spec").path("provider").path("aws").path("region").asText(null)).orElse(null);
      if (region == null) {
        region = scan.rendered(new ObjectRef("SecretStore", ref.namespace(), storeName))
            .map(r -> r.body().path("spec").path("provider").path("aws").path("region").asText(null)).orElse(null);
      }
      String role = role(scan, ref, store, storeName);
      String[] named = named(keys, raw);
      String explanation;
      String fix;
      SpecRef at;
      if (text.contains("assumerolewithwebidentity")) {
        at = scan.spec.platformSpecField("addons.secrets.roleArn");
        String sa = serviceAccount(scan, ref, store, storeName);
        explanation = "The secret store's ServiceAccount cannot assume its IAM role" + (role == null ? "" : " " + role)
            + ": the role's trust policy does not trust it (IRSA).";
        fix = "let the role trust the cluster's OIDC provider for system:serviceaccount:" + ref.namespace() + ":" + sa
            + " (condition on <oidc>:sub)" + (at == null ? "" : "; the role is set at " + at);
      } else if (text.contains("accessdenied") || text.contains("not authorized") || text.contains("403")) {
        at = scan.spec.platformSpecField("addons.secrets.roleArn");
        String arn = arn(region, role, named[1]);
        explanation = "AWS refuses to give the secret " + named[1] + " to the store's IAM role" + (role == null ? "" : " " + role)
            + ": the role has no secretsmanager:GetSecretValue on it, so the Secret " + es.path("spec").path("target").path("name").asText(ref.name())
            + " is not written and the pods that read it do not start.";
        fix = "allow secretsmanager:GetSecretValue on " + arn + " to " + (role == null ? "the store's role" : role)
            + " (IAM policy statement {\"Effect\": \"Allow\", \"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"" + arn + "\"})"
            + (at == null ? "" : "; the role is set at " + at);
      } else if (text.contains("resourcenotfound") || text.contains("can't find the specified secret") || text.contains("secret does not exist")
          || text.contains("not found") && !text.contains("key") && !text.contains("property")) {
        at = named[0] == null ? scan.locate(ref, component, "secrets") : scan.locate(ref, component, "secrets." + named[0], "secrets");
        explanation = "The secret " + named[1] + " does not exist in AWS Secrets Manager" + (region == null ? "" : " (" + region + ")")
            + ", so the Secret is not written and the pods that read it do not start.";
        fix = "create " + named[1] + " in Secrets Manager" + (region == null ? "" : " in " + region) + ", or correct the key"
            + (at == null ? "" : " at " + at);
      } else if (text.contains("property") || text.contains("key") && text.contains("does not exist")) {
        at = named[0] == null ? scan.locate(ref, component, "secrets") : scan.locate(ref, component, "secrets." + named[0], "secrets");
        explanation = "The secret " + named[1] + " exists but has no property " + (named[2] == null ? "(the one asked for)" : named[2])
            + " in its JSON value.";
        fix = "add the property to the secret's JSON, or correct key#property" + (at == null ? "" : " at " + at);
      } else {
        at = scan.locate(ref, component, "secrets");
        explanation = "The ExternalSecret is not synced: " + ContainerAnalyzers.firstLine(ready.path("message").asText(""));
        fix = "correct what the condition and the External Secrets Operator's events name" + (at == null ? "" : " (secrets at " + at + ")");
      }
      scan.add(Severity.ERROR, ref, component, name(), evidence, explanation, fix, at);
    }
  }

  /** The secretKey (env var), remote key and property the message names, else the first key's. */
  private static String[] named(List<String[]> keys, String message) {
    Matcher m = ON_RESOURCE.matcher(message);
    String resource = m.find() ? m.group(1) : null;
    for (String[] k : keys) {
      if (resource != null && (resource.equals(k[1]) || resource.contains(":secret:" + k[1]))) {
        return k;
      }
    }
    for (String[] k : keys) {
      if (!k[1].isEmpty() && message.contains(k[1])) {
        return k;
      }
    }
    return keys.isEmpty() ? new String[] {null, resource == null ? "(unknown)" : resource, null} : keys.get(0);
  }

  private static String serviceAccount(Scan scan, ObjectRef ref, Optional<JsonNode> store, String storeName) {
    JsonNode body = store.orElseGet(() -> scan.rendered(new ObjectRef("SecretStore", ref.namespace(), storeName)).map(r -> (JsonNode) r.body())
        .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance()));
    return body.path("spec").path("provider").path("aws").path("auth").path("jwt").path("serviceAccountRef").path("name").asText("default");
  }

  /** The IRSA role of the store's ServiceAccount: live if in the dump, else as rendered. */
  private static String role(Scan scan, ObjectRef ref, Optional<JsonNode> store, String storeName) {
    String sa = serviceAccount(scan, ref, store, storeName);
    ObjectRef saRef = new ObjectRef("ServiceAccount", ref.namespace(), sa);
    return scan.live.get("ServiceAccount", ref.namespace(), sa)
        .map(s -> s.path("metadata").path("annotations").path(ROLE_ANNOTATION).asText(null))
        .or(() -> scan.rendered(saRef).map(r -> r.body().path("metadata").path("annotations").path(ROLE_ANNOTATION).asText(null)))
        .orElse(null);
  }

  /**
   * The secret's ARN as an IAM policy names it: Secrets Manager appends six random characters to
   * a secret's name, so a policy for one secret ends in {@code -??????}.
   */
  static String arn(String region, String role, String key) {
    String account = "<account>";
    if (role != null) {
      Matcher m = ACCOUNT.matcher(role);
      if (m.matches()) {
        account = m.group(1);
      }
    }
    if (key.startsWith("arn:")) {
      return key;
    }
    return "arn:aws:secretsmanager:" + (region == null ? "<region>" : region) + ":" + account + ":secret:" + key + "-??????";
  }
}
