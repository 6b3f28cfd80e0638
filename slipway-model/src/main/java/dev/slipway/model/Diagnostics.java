package dev.slipway.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * A collector of {@link Diagnostic}s. Duplicates (the same problem found once per environment,
 * say) are kept once; iteration is in file/line order so output is deterministic.
 */
public final class Diagnostics {
  private final TreeSet<Diagnostic> items = new TreeSet<>();

  public void add(Diagnostic d) {
    items.add(d);
  }

  public void addAll(Collection<Diagnostic> ds) {
    items.addAll(ds);
  }

  public void error(String code, Position at, String path, String message) {
    add(Diagnostic.error(code, at, path, message));
  }

  public void warning(String code, Position at, String path, String message) {
    add(Diagnostic.warning(code, at, path, message));
  }

  public boolean hasErrors() {
    return items.stream().anyMatch(Diagnostic::isError);
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  public List<Diagnostic> list() {
    return new ArrayList<>(items);
  }
}
