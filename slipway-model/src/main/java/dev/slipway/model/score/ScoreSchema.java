package dev.slipway.model.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.slipway.model.Diagnostics;
import dev.slipway.model.Position;
import dev.slipway.model.yaml.JsonView;
import dev.slipway.model.yaml.SpecNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a Score file against the Score v1b1 JSON schema before anything is converted, so a Score
 * file that other Score tools would refuse is refused here too, with the line and column of the
 * offending value. The schema is bundled ({@code score-v1b1.schema.json}): Slipway validates
 * offline.
 */
public final class ScoreSchema {
  public static final String RESOURCE = "/dev/slipway/model/score/score-v1b1.schema.json";
  private static final JsonSchema SCHEMA = load();

  private ScoreSchema() {}

  /** Validates {@code root}; every problem becomes a {@code score.invalid} error. Returns whether it is valid. */
  public static boolean validate(SpecNode root, Diagnostics d) {
    List<ValidationMessage> messages = new ArrayList<>(SCHEMA.validate(JsonView.of(root)));
    // oneOf failures repeat what their branches say; the branch messages alone are clearer.
    messages.sort(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
        .thenComparing(ValidationMessage::getMessage));
    Set<String> seen = new LinkedHashSet<>();
    for (ValidationMessage m : messages) {
      String pointer = m.getInstanceLocation().toString();
      String property = m.getProperty();
      boolean atKey = property != null && ("additionalProperties".equals(m.getType()) || "propertyNames".equals(m.getType()));
      String target = atKey ? pointer + "/" + property.replace("~", "~0").replace("/", "~1") : pointer;
      Position at = JsonView.locate(root, target);
      String path = JsonView.path(target);
      String message = clean(m.getMessage(), pointer);
      if (seen.add(at + "|" + path + "|" + message)) {
        d.error("score.invalid", at, path, "not a valid Score workload (score.dev/v1b1): " + message);
      }
    }
    return messages.isEmpty();
  }

  /** networknt starts each message with the pointer; the diagnostic carries it already. */
  private static String clean(String message, String pointer) {
    String prefix = pointer + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private static JsonSchema load() {
    try (InputStream in = ScoreSchema.class.getResourceAsStream(RESOURCE)) {
      JsonNode node = new ObjectMapper().readTree(in);
      SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(node, config);
    } catch (IOException e) {
      throw new UncheckedIOException("bundled " + RESOURCE + " is unreadable", e);
    }
  }
}
