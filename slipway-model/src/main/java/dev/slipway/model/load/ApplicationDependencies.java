package dev.slipway.model.load;

import dev.slipway.model.Diagnostics;
import dev.slipway.model.spec.ApplicationSpec;
import dev.slipway.model.spec.ApplicationSpec.Dependency;
import dev.slipway.model.yaml.Suggest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the applications' {@code spec.dependsOn} once every application is read: each named
 * application must exist (reported at the entry, with a suggestion) and the dependencies must not
 * form a cycle (each cycle reported once, at the {@code dependsOn} entry that closes it from its
 * alphabetically first application, naming every application in it).
 */
final class ApplicationDependencies {
  private ApplicationDependencies() {}

  static void check(List<ApplicationSpec> apps, Diagnostics d) {
    Map<String, ApplicationSpec> byName = new TreeMap<>();
    apps.forEach(a -> byName.put(a.name(), a));
    for (ApplicationSpec a : byName.values()) {
      for (int i = 0; i < a.dependencies().size(); i++) {
        Dependency dep = a.dependencies().get(i);
        if (!byName.containsKey(dep.application())) {
          d.error("spec.unknown-dependency", dep.position(), "spec.dependsOn[" + i + "]",
              "application '" + a.name() + "' depends on unknown application '" + dep.application() + "'"
                  + Suggest.hint(dep.application(), byName.keySet()));
        }
      }
    }
    Set<String> done = new HashSet<>();
    Set<String> reported = new HashSet<>();
    for (String name : byName.keySet()) {
      visit(name, byName, new ArrayList<>(), done, reported, d);
    }
  }

  private static void visit(String name, Map<String, ApplicationSpec> byName, List<String> stack, Set<String> done, Set<String> reported,
      Diagnostics d) {
    if (done.contains(name)) {
      return;
    }
    int at = stack.indexOf(name);
    if (at >= 0) {
      List<String> ring = rotate(stack.subList(at, stack.size()));
      String key = String.join(" ", ring);
      if (reported.add(key)) {
        ApplicationSpec first = byName.get(ring.get(0));
        String next = ring.size() > 1 ? ring.get(1) : ring.get(0);
        int i = first.dependsOn().indexOf(next);
        List<String> shown = new ArrayList<>(ring);
        shown.add(ring.get(0));
        d.error("spec.dependency-cycle", first.dependencies().get(i).position(), "spec.dependsOn[" + i + "]",
            "applications' dependsOn forms a cycle: " + String.join(" -> ", shown));
      }
      return;
    }
    ApplicationSpec app = byName.get(name);
    if (app == null) {
      return;
    }
    stack.add(name);
    for (String dep : app.dependsOn()) {
      visit(dep, byName, stack, done, reported, d);
    }
    stack.remove(stack.size() - 1);
    done.add(name);
  }

  /** The cycle starting at its smallest name, so the same cycle reads the same from wherever it was found. */
  private static List<String> rotate(List<String> ring) {
    int min = ring.indexOf(ring.stream().min(String::compareTo).orElseThrow());
    List<String> out = new ArrayList<>(ring.subList(min, ring.size()));
    out.addAll(ring.subList(0, min));
    return out;
  }
}
