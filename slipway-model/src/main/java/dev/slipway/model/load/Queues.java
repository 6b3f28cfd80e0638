package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.spec.ComponentSpec.Queue;
import dev.slipway.model.spec.ComponentSpec.ServiceAccount;
import dev.slipway.model.spec.ComponentType;
import dev.slipway.model.spec.EnvironmentSpec;
import dev.slipway.model.yaml.Fields;
import dev.slipway.model.yaml.SpecNode;
import dev.slipway.model.yaml.SpecNode.MapNode;
import dev.slipway.model.yaml.SpecNode.Scalar;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds a worker's {@code queue:}: the Amazon SQS queue it consumes, written as the queue's URL or
 * as a map with {@code url}, {@code messagesPerReplica} and {@code activationMessages}; {@code {env}}
 * in the URL is replaced by the environment's name. Everything
 * the scaler and the IAM policy need is read from the URL (region, account, name), so nothing is
 * guessed: a queue name alone is refused.
 */
final class Queues {
  private static final String QUEUE_URL = Queue.URL_VARIABLE;
  /** KEDA's default {@code queueLength}. */
  static final int MESSAGES_PER_REPLICA = 5;
  /** Replicas a queue worker may reach when its autoscaling is not written: the ceiling of KEDA's scaling. */
  static final int DEFAULT_MAX_REPLICAS = 10;
  /** {@code https://sqs.<region>.amazonaws.com/<12-digit account>/<name>}; a FIFO queue's name ends in {@code .fifo}. */
  private static final Pattern URL = Pattern.compile(
      "^https://sqs\\.([a-z]{2}(?:-gov)?-[a-z]+-\\d)\\.amazonaws\\.com(?:\\.cn)?/(\\d{12})/([A-Za-z0-9_-]{1,75}(?:\\.fifo)?)$");

  private Queues() {}

  /** The worker's queue, or null when it has none (or it is wrong: then a diagnostic says why). */
  static Queue bind(Fields component, ComponentType type, ServiceAccount sa, EnvironmentSpec env, Diagnostics d) {
    SpecNode n = component.raw("queue");
    if (n == null) {
      return null;
    }
    String path = component.path("queue");
    if (type != ComponentType.WORKER) {
      return null; // reported by the resolver's applicability check, with what to do instead
    }
    String url;
    int perReplica = MESSAGES_PER_REPLICA;
    int activation = 0;
    dev.slipway.model.Position urlAt;
    String urlPath;
    if (n instanceof Scalar s) {
      url = s.value();
      urlAt = s.position();
      urlPath = path;
    } else {
      Fields f = Fields.of(n, path, d);
      if (f == null) {
        return null;
      }
      url = f.required("url");
      urlAt = f.position("url");
      urlPath = f.path("url");
      Integer per = f.integer("messagesPerReplica", 1, 1_000_000);
      perReplica = per == null ? perReplica : per;
      Integer act = f.integer("activationMessages", 0, 1_000_000);
      activation = act == null ? activation : act;
      f.finish();
      if (url == null) {
        return null;
      }
    }
    // One app.yaml for every environment: each environment's queue by its name.
    url = url.replace("{env}", env.name());
    Matcher m = URL.matcher(url);
    if (!m.matches()) {
      d.error("spec.invalid-value", urlAt, urlPath, "'" + url + "' is not an SQS queue URL"
          + " (https://sqs.<region>.amazonaws.com/<account>/<queue name>): the region and account are read from it for"
          + " the scaler and the role's IAM policy");
      return null;
    }
    if (env.addons().autoscaling() == null || !env.addons().autoscaling().keda()) {
      d.error("spec.addon-missing", component.position("queue"), path, "a queue worker is scaled by KEDA on the queue's length:"
          + " environment '" + env.name() + "' has no KEDA (addons.autoscaling.engine: keda in slipway.yaml)");
    }
    if (sa == null || sa.roleArn() == null) {
      d.error("spec.required", component.position("queue"), component.path("serviceAccount.roleArn"),
          "a queue worker reads the queue with the application's IAM role (IRSA), and KEDA measures it with the same role:"
              + " set serviceAccount.roleArn on the component, or defaults.serviceAccount.roleArn on environment '"
              + env.name() + "' in slipway.yaml ({app} and {env} are replaced)");
    }
    for (String key : List.of("env", "secrets")) {
      if (component.node().get(key) instanceof MapNode vars && vars.get(QUEUE_URL) != null) {
        d.error("spec.duplicate-name", vars.keyPosition(QUEUE_URL), component.path(key) + "." + QUEUE_URL, "'" + QUEUE_URL
            + "' is set by Slipway from the worker's queue (" + url + "); remove it from " + key);
      }
    }
    if (url.contains(".amazonaws.com.cn/") != m.group(1).startsWith("cn-")) {
      d.error("spec.invalid-value", urlAt, urlPath, "'" + url + "': China regions (cn-*) and only they are served from"
          + " amazonaws.com.cn");
      return null;
    }
    return new Queue(url, m.group(1), m.group(2), m.group(3), perReplica, activation);
  }
}
