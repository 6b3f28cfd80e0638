package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway iam}: the policy each application role needs, exact resources only. */
class IamCommandTest {
  static final String EXAMPLE = Path.of("..", "examples", "orders").toString();

  @Test
  void printsEachEnvironmentsRoleWithExactlyItsOwnQueue() throws IOException {
    CliRun r = CliRun.run("iam", EXAMPLE, "-o", "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.fieldNames()).toIterable().containsExactly("dev", "prod");
    JsonNode prod = root.path("prod").path("orders").path("arn:aws:iam::123456789012:role/orders-platform-prod-orders");
    assertThat(prod.path("Version").asText()).isEqualTo("2012-10-17");
    assertThat(prod.path("Statement")).hasSize(1);
    assertThat(prod.at("/Statement/0/Resource").toString()).isEqualTo("[\"arn:aws:sqs:us-east-1:123456789012:orders-prod\"]");
    List<String> resources = new ArrayList<>();
    root.findValues("Resource").forEach(n -> n.forEach(x -> resources.add(x.asText())));
    assertThat(resources).isNotEmpty().noneMatch(x -> x.contains("*") || x.contains("?"));
    assertThat(CliRun.run("iam", EXAMPLE, "--env", "dev").out())
        .contains("dev/orders  role arn:aws:iam::123456789012:role/orders-platform-dev-orders")
        .contains("on arn:aws:sqs:us-east-1:123456789012:orders-dev  (for processor)").doesNotContain("orders-prod");
  }

  @Test
  void saysSoWhenNoRoleNeedsAnything() {
    CliRun r = CliRun.run("iam", Path.of("..", "examples", "acme").toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("No application role needs AWS permissions");
  }

  @Test
  void aSpecErrorIsReportedWithItsPositionAndNothingElse(@TempDir Path tmp) throws IOException {
    Path app = tmp.resolve("apps/orders/app.yaml");
    Files.createDirectories(app.getParent());
    Files.copy(Path.of(EXAMPLE, "slipway.yaml"), tmp.resolve("slipway.yaml"));
    Files.writeString(app, Files.readString(Path.of(EXAMPLE, "apps/orders/app.yaml"))
        .replace("queue: https://sqs.us-east-1.amazonaws.com/123456789012/orders-{env}", "queue: orders"));
    CliRun r = CliRun.run("iam", tmp.toString());
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("app.yaml:15:").contains("'orders' is not an SQS queue URL").doesNotContain("Exception");
    assertThat(r.out()).isEmpty();
  }
}
