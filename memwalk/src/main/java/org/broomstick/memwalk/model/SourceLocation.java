package org.broomstick.memwalk.model;

import java.util.Comparator;

/**
 * A place in a source file. {@code file} is the path as the user's inputs name it (relative to the
 * working directory when possible); {@code line} and {@code column} are 1-based, 0 when unknown.
 */
public record SourceLocation(String file, int line, int column) implements Comparable<SourceLocation> {

  private static final Comparator<SourceLocation> ORDER =
      Comparator.comparing(SourceLocation::file, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparingInt(SourceLocation::line)
          .thenComparingInt(SourceLocation::column);

  /** A location for something that exists only as a declaration outside the inputs (libc). */
  public static final SourceLocation NONE = new SourceLocation(null, 0, 0);

  public static SourceLocation of(String file, int line, int column) {
    return new SourceLocation(file, line, column);
  }

  public static SourceLocation ofFile(String file) {
    return new SourceLocation(file, 0, 0);
  }

  public boolean isKnown() {
    return file != null;
  }

  /** {@code file:line:column}, leaving out the parts that are unknown. */
  @Override
  public String toString() {
    if (file == null) {
      return "<unknown>";
    }
    if (line <= 0) {
      return file;
    }
    return column <= 0 ? file + ":" + line : file + ":" + line + ":" + column;
  }

  @Override
  public int compareTo(SourceLocation o) {
    return ORDER.compare(this, o);
  }
}
