package dev.slipway.engine.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One rule of Slipway's built-in baseline. Rules are pure: an object and its context in,
 * violations out. Rule ids follow the Kyverno policy library's names where one exists.
 */
public interface BaselineRule {
  String id();

  /** One line for users: what the rule requires. */
  String description();

  /** Whether the rule has anything to say about this object here. */
  boolean appliesTo(JsonNode obj, PolicyContext ctx);

  List<Violation> check(JsonNode obj, PolicyContext ctx);
}
