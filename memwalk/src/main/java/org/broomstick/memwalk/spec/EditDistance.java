package org.broomstick.memwalk.spec;

import java.util.Collection;
import java.util.Optional;

/** Levenshtein distance, for "did you mean" suggestions on misspelt names and keys. */
final class EditDistance {

  /** The largest distance still worth suggesting; beyond it the guess is more noise than help. */
  static final int MAX_SUGGESTION_DISTANCE = 2;

  private EditDistance() {}

  /** The number of single-character insertions, deletions and substitutions from a to b. */
  static int between(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /**
   * The candidate nearest to {@code name} within {@link #MAX_SUGGESTION_DISTANCE}, ties broken
   * alphabetically so the suggestion does not depend on set iteration order. A candidate must also
   * be nearer than the name is long: suggesting "g" for "f" would be a guess, not a correction.
   */
  static Optional<String> nearest(String name, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      // Cheap length filter first: the known-function set of a large server has many thousands.
      if (Math.abs(candidate.length() - name.length()) > MAX_SUGGESTION_DISTANCE
          || candidate.equals(name)) {
        continue;
      }
      int d = between(name, candidate);
      if (d <= MAX_SUGGESTION_DISTANCE
          && d < name.length()
          && (d < bestDistance || (d == bestDistance && candidate.compareTo(best) < 0))) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }
}
