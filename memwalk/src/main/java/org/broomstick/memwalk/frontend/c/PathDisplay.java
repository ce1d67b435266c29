package org.broomstick.memwalk.frontend.c;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How file paths appear in diagnostics, ids and reports: relative to the base directory (the working
 * directory) when inside it, absolute otherwise, always with {@code /}.
 */
public final class PathDisplay {
  private final Path base;
  private final ConcurrentHashMap<String, String> memo = new ConcurrentHashMap<>();

  public PathDisplay(Path base) {
    this.base = base.toAbsolutePath().normalize();
  }

  public String show(String path) {
    if (path == null) {
      return null;
    }
    return memo.computeIfAbsent(path, this::compute);
  }

  private String compute(String path) {
    Path p = Path.of(path).toAbsolutePath().normalize();
    String s = p.startsWith(base) ? base.relativize(p).toString() : p.toString();
    return s.isEmpty() ? "." : s.replace('\\', '/');
  }
}
