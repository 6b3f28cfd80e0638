package dev.slipway.engine.doctor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One finding as JSON, the same for {@code slipway doctor -o json} and the server's diagnosis route. */
public final class FindingJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private FindingJson() {}

  public static ObjectNode of(Finding f) {
    ObjectNode o = F.objectNode();
    o.put("severity", f.severity().label());
    o.put("application", f.application());
    o.put("component", f.component());
    o.put("analyzer", f.analyzer());
    ObjectNode obj = o.putObject("object");
    obj.put("kind", f.object().kind());
    obj.put("namespace", f.object().namespace());
    obj.put("name", f.object().name());
    f.evidence().forEach(o.putArray("evidence")::add);
    o.put("explanation", f.explanation());
    o.put("fix", f.fix());
    if (f.spec() == null) {
      o.putNull("spec");
    } else {
      ObjectNode s = o.putObject("spec");
      s.put("file", f.spec().position().file());
      s.put("line", f.spec().position().line());
      s.put("column", f.spec().position().column());
      s.put("field", f.spec().field());
    }
    return o;
  }
}
