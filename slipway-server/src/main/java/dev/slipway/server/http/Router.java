package dev.slipway.server.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the route for a method and path: a route whose pattern matches and whose method is the
 * request's, else "method not allowed" with the methods that would be, else "not found". Literal
 * segments win over parameters, so no order of registration can make one route hide another.
 */
final class Router {
  private final List<Route> routes = new ArrayList<>();

  sealed interface Match {}

  record Found(Route route, Map<String, String> params) implements Match {}

  record WrongMethod(List<String> allowed) implements Match {}

  record NotFound() implements Match {}

  Router add(Route route) {
    for (Route r : routes) {
      if (r.method().equals(route.method()) && r.pattern().equals(route.pattern())) {
        throw new IllegalArgumentException("duplicate route " + route.method() + " " + route.pattern());
      }
    }
    routes.add(route);
    return this;
  }

  List<Route> routes() {
    return List.copyOf(routes);
  }

  Match match(String method, String path) {
    List<String> segments = split(path);
    if (segments == null) {
      return new NotFound();
    }
    TreeSet<String> allowed = new TreeSet<>();
    Found best = null;
    int bestLiterals = -1;
    for (Route r : routes) {
      Map<String, String> params = params(r.segments(), segments);
      if (params == null) {
        continue;
      }
      if (!r.method().equals(method)) {
        allowed.add(r.method());
        continue;
      }
      int literals = (int) r.segments().stream().filter(s -> !s.startsWith("{")).count();
      if (literals > bestLiterals) {
        best = new Found(r, params);
        bestLiterals = literals;
      }
    }
    if (best != null) {
      return best;
    }
    return allowed.isEmpty() ? new NotFound() : new WrongMethod(List.copyOf(allowed));
  }

  private static Map<String, String> params(List<String> pattern, List<String> path) {
    if (pattern.size() != path.size()) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.size(); i++) {
      String p = pattern.get(i);
      if (p.startsWith("{") && p.endsWith("}")) {
        params.put(p.substring(1, p.length() - 1), path.get(i));
      } else if (!p.equals(path.get(i))) {
        return null;
      }
    }
    return params;
  }

  /** The decoded, non-empty segments of a path, or null when a segment is empty or malformed. */
  static List<String> split(String path) {
    List<String> out = new ArrayList<>();
    if (path.isEmpty() || path.charAt(0) != '/') {
      return null;
    }
    String rest = path.length() > 1 && path.endsWith("/") ? path.substring(1, path.length() - 1) : path.substring(1);
    if (rest.isEmpty()) {
      return out;
    }
    for (String s : rest.split("/", -1)) {
      if (s.isEmpty()) {
        return null;
      }
      out.add(s);
    }
    return out;
  }
}
