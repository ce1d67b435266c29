package org.broomstick.stingify.edit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The edits of one file, sorted and checked not to overlap, applied in one place. Two edits at the
 * same offset are allowed only when both are insertions (kept in the order they were added).
 */
public final class EditSet {
  private final List<TextEdit> edits;

  private EditSet(List<TextEdit> edits) {
    this.edits = List.copyOf(edits);
  }

  public static EditSet of(List<TextEdit> edits) {
    List<TextEdit> sorted = new ArrayList<>(edits);
    sorted.sort(Comparator.comparingInt(TextEdit::offset).thenComparingInt(TextEdit::length));
    for (int i = 1; i < sorted.size(); i++) {
      TextEdit a = sorted.get(i - 1);
      TextEdit b = sorted.get(i);
      if (b.offset() < a.end() || (b.offset() == a.offset() && a.length() > 0 && b.length() > 0)) {
        throw new IllegalArgumentException("overlapping edits in " + a.file() + ": " + a + " and " + b);
      }
    }
    return new EditSet(sorted);
  }

  public List<TextEdit> edits() {
    return edits;
  }

  public boolean isEmpty() {
    return edits.isEmpty();
  }

  /** The text with every edit applied; offsets refer to {@code text} as given. */
  public String applyTo(String text) {
    StringBuilder b = new StringBuilder(text.length() + 64 * edits.size());
    int at = 0;
    for (TextEdit e : edits) {
      if (e.end() > text.length()) {
        throw new IllegalArgumentException("edit beyond the end of " + e.file() + ": " + e);
      }
      b.append(text, at, e.offset()).append(e.text());
      at = e.end();
    }
    return b.append(text, at, text.length()).toString();
  }
}
