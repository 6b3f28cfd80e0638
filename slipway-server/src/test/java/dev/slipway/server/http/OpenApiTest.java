package dev.slipway.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.api.ActionResult;
import dev.slipway.server.api.ApplicationDetail;
import dev.slipway.server.api.ApplicationDiff;
import dev.slipway.server.api.ApplicationStatus;
import dev.slipway.server.api.CostBreakdown;
import dev.slipway.server.api.Finding;
import dev.slipway.server.api.HistoryEntry;
import dev.slipway.server.api.Operation;
import dev.slipway.server.api.ResourceGroup;
import dev.slipway.server.api.ResourceObject;
import dev.slipway.server.api.SpecProblem;
import dev.slipway.server.api.StatusEvent;
import dev.slipway.server.auth.AuditEntry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Keeps openapi.yaml true: every route is documented, nothing else is, and the schemas match the records. */
class OpenApiTest {

  private static JsonNode document(TestServer s) {
    HttpResponse<String> r = s.get("/api/v1/openapi.json", null);
    assertThat(r.statusCode()).isEqualTo(200);
    return s.json(r);
  }

  @Test
  void documentIsOpenApi31AndServedWithoutAToken() {
    try (TestServer s = new TestServer()) {
      JsonNode doc = document(s);
      assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
      assertThat(doc.path("info").path("title").asText()).isEqualTo("Slipway API");
    }
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() {
    try (TestServer s = new TestServer()) {
      JsonNode paths = document(s).path("paths");
      TreeSet<String> routes = new TreeSet<>();
      for (Route r : s.api.routes()) {
        routes.add(r.method() + " " + r.pattern());
      }
      TreeSet<String> documented = new TreeSet<>();
      paths.fieldNames().forEachRemaining(p -> paths.path(p).fieldNames().forEachRemaining(m -> {
        if (List.of("get", "post", "put", "delete", "patch").contains(m)) {
          documented.add(m.toUpperCase(Locale.ROOT) + " " + p);
        }
      }));
      assertThat(documented).isEqualTo(routes);
    }
  }

  @Test
  void everyDocumentedOperationDescribesItsResponsesAndPathParameters() {
    try (TestServer s = new TestServer()) {
      JsonNode paths = document(s).path("paths");
      for (Route r : s.api.routes()) {
        JsonNode path = paths.path(r.pattern());
        JsonNode op = path.path(r.method().toLowerCase(Locale.ROOT));
        assertThat(op.path("operationId").asText()).as(r.pattern()).isNotBlank();
        assertThat(op.path("responses").size()).as(r.pattern()).isPositive();
        List<String> declared = new ArrayList<>();
        path.path("parameters").forEach(p -> declared.add(p.path("$ref").asText().replace("#/components/parameters/", "")));
        for (String segment : r.segments()) {
          if (segment.startsWith("{")) {
            assertThat(declared).as(r.pattern()).contains(segment.substring(1, segment.length() - 1));
          }
        }
        boolean isPublic = r.access() == Route.Access.PUBLIC;
        assertThat(op.has("security") && op.path("security").isEmpty()).as(r.pattern() + " security").isEqualTo(isPublic);
      }
    }
  }

  @Test
  void schemasHaveExactlyTheFieldsOfTheRecordsTheApiSends() {
    Map<String, Class<?>> schemas = Map.ofEntries(
        Map.entry("ApplicationStatus", ApplicationStatus.class),
        Map.entry("ApplicationDetail", ApplicationDetail.class),
        Map.entry("ResourceGroup", ResourceGroup.class),
        Map.entry("ResourceObject", ResourceObject.class),
        Map.entry("Operation", Operation.class),
        Map.entry("OperationStep", Operation.OperationStep.class),
        Map.entry("HistoryEntry", HistoryEntry.class),
        Map.entry("CostBreakdown", CostBreakdown.class),
        Map.entry("CostItem", CostBreakdown.Item.class),
        Map.entry("Finding", Finding.class),
        Map.entry("SpecProblem", SpecProblem.class),
        Map.entry("ApplicationDiff", ApplicationDiff.class),
        Map.entry("Diagnosis", dev.slipway.server.api.Diagnosis.class),
        Map.entry("RolloutView", dev.slipway.server.api.RolloutView.class),
        Map.entry("ObjectDiff", ApplicationDiff.ObjectDiff.class),
        Map.entry("ActionResult", ActionResult.class),
        Map.entry("StatusEvent", StatusEvent.class),
        Map.entry("AuditEntry", AuditEntry.class));
    try (TestServer s = new TestServer()) {
      JsonNode components = document(s).path("components").path("schemas");
      schemas.forEach((name, type) -> {
        TreeSet<String> documented = new TreeSet<>();
        components.path(name).path("properties").fieldNames().forEachRemaining(documented::add);
        TreeSet<String> fields = new TreeSet<>();
        Arrays.stream(type.getRecordComponents()).forEach(c -> fields.add(c.getName()));
        assertThat(documented).as(name).isEqualTo(fields);
      });
    }
  }
}
