package org.broomstick.memwalk.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A thread-safe collector that frontends and binders report into while they run. The collected
 * list is sorted by location so output does not depend on thread scheduling.
 */
public final class Diagnostics {

  private final List<Diagnostic> items = new ArrayList<>();

  public synchronized void report(Diagnostic d) {
    items.add(d);
  }

  public void error(org.broomstick.memwalk.model.SourceLocation at, String key, String message) {
    report(Diagnostic.error(at, key, message));
  }

  public void warning(org.broomstick.memwalk.model.SourceLocation at, String key, String message) {
    report(Diagnostic.warning(at, key, message));
  }

  public void note(org.broomstick.memwalk.model.SourceLocation at, String key, String message) {
    report(Diagnostic.note(at, key, message));
  }

  public synchronized void addAll(List<Diagnostic> ds) {
    items.addAll(ds);
  }

  public synchronized boolean hasErrors() {
    return items.stream().anyMatch(d -> d.severity() == Severity.ERROR);
  }

  /** A sorted, de-duplicated, immutable snapshot. */
  public synchronized List<Diagnostic> snapshot() {
    return items.stream()
        .distinct()
        .sorted(
            Comparator.comparing(Diagnostic::at)
                .thenComparing(Diagnostic::key)
                .thenComparing(Diagnostic::message))
        .toList();
  }
}
