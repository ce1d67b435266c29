package org.broomstick.memwalk.frontend.c;

/**
 * Blanks the bodies of function definitions in a system header (glibc's fortified and inline
 * wrappers), which Broomstick never analyses: library code is an external call. The declaration
 * stays (a body {@code {}}), and every newline stays, so lines and columns of what remains do not
 * move. A body is blanked only when it is certain to be one: a top-level {@code {} right after a
 * {@code )} (attributes and {@code __THROW}-like macros in between are allowed), whose braces
 * balance without any preprocessor directive inside. Anything else is left as it is.
 */
final class BodyStripper {
  private BodyStripper() {}

  /** The text with function bodies blanked; {@code text} itself when there was nothing to blank. */
  static char[] strip(char[] text) {
    char[] out = null;
    int depth = 0;
    int n = text.length;
    int i = 0;
    boolean lineStart = true;
    while (i < n) {
      char c = text[i];
      if (c == '/' && i + 1 < n && text[i + 1] == '*') {
        int end = indexOf(text, "*/", i + 2);
        i = end < 0 ? n : end + 2;
        continue;
      }
      if (c == '/' && i + 1 < n && text[i + 1] == '/') {
        while (i < n && text[i] != '\n') {
          i++;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        i = skipLiteral(text, i);
        continue;
      }
      if (c == '#' && lineStart) {
        i = skipDirective(text, i);
        lineStart = true;
        continue;
      }
      if (c == '\n') {
        lineStart = true;
        i++;
        continue;
      }
      if (!Character.isWhitespace(c)) {
        lineStart = false;
      }
      if (c == '{') {
        if (depth == 0 && afterParen(text, i)) {
          int close = bodyEnd(text, i);
          if (close > 0) {
            if (out == null) {
              out = text.clone();
            }
            for (int k = i + 1; k < close; k++) {
              if (out[k] != '\n') {
                out[k] = ' ';
              }
            }
            i = close + 1;
            continue;
          }
        }
        depth++;
      } else if (c == '}') {
        depth = Math.max(0, depth - 1);
      }
      i++;
    }
    return out == null ? text : out;
  }

  /**
   * The previous significant token is a ')': skips trailing macros like {@code __THROW} or {@code
   * __wur}, but not a keyword that starts a type ({@code struct x {}}), and never looks into a
   * preprocessor line (a {@code #define} ending in ')' before {@code struct s {} is not a declarator).
   */
  private static boolean afterParen(char[] t, int brace) {
    int j = brace - 1;
    for (int guard = 0; guard < 8; guard++) {
      while (j >= 0 && Character.isWhitespace(t[j])) {
        if (t[j] == '\n' && directiveLine(t, j - 1)) {
          return false;
        }
        j--;
      }
      if (j < 0) {
        return false;
      }
      if (t[j] == ')') {
        return true;
      }
      if (Character.isJavaIdentifierPart(t[j])) {
        int end = j + 1;
        while (j >= 0 && Character.isJavaIdentifierPart(t[j])) {
          j--;
        }
        String word = new String(t, j + 1, end - j - 1);
        if (word.equals("struct") || word.equals("union") || word.equals("enum") || word.equals("typedef")
            || word.equals("extern") || word.equals("do") || word.equals("else")) {
          return false;
        }
        continue;
      }
      return false;
    }
    return false;
  }

  /** The line that ends at {@code end} (inclusive) is a preprocessor directive or continues one. */
  private static boolean directiveLine(char[] t, int end) {
    int start = end;
    while (start >= 0 && t[start] != '\n') {
      start--;
    }
    int k = start + 1;
    while (k <= end && (t[k] == ' ' || t[k] == '\t')) {
      k++;
    }
    if (k <= end && t[k] == '#') {
      return true;
    }
    // A continuation of the line before it.
    return start > 0 && t[start - 1] == '\\' && directiveLine(t, start - 2);
  }

  /** The offset of the '}' matching the '{' at {@code open}, or -1 if a directive or the end comes first. */
  private static int bodyEnd(char[] t, int open) {
    int depth = 0;
    boolean lineStart = false;
    for (int i = open; i < t.length; i++) {
      char c = t[i];
      if (c == '/' && i + 1 < t.length && t[i + 1] == '*') {
        int end = indexOf(t, "*/", i + 2);
        if (end < 0) {
          return -1;
        }
        i = end + 1;
        continue;
      }
      if (c == '/' && i + 1 < t.length && t[i + 1] == '/') {
        while (i + 1 < t.length && t[i + 1] != '\n') {
          i++;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        i = skipLiteral(t, i) - 1;
        continue;
      }
      if (c == '\n') {
        lineStart = true;
        continue;
      }
      if (c == '#' && lineStart) {
        return -1; // conditional code inside: braces may not balance per branch
      }
      if (!Character.isWhitespace(c)) {
        lineStart = false;
      }
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static int skipLiteral(char[] t, int i) {
    char q = t[i];
    i++;
    while (i < t.length && t[i] != q && t[i] != '\n') {
      if (t[i] == '\\') {
        i++;
      }
      i++;
    }
    return Math.min(t.length, i + 1);
  }

  private static int skipDirective(char[] t, int i) {
    while (i < t.length) {
      if (t[i] == '\\' && i + 1 < t.length && t[i + 1] == '\n') {
        i += 2;
        continue;
      }
      if (t[i] == '/' && i + 1 < t.length && t[i + 1] == '*') {
        int end = indexOf(t, "*/", i + 2);
        i = end < 0 ? t.length : end + 2;
        continue;
      }
      if (t[i] == '\n') {
        return i + 1;
      }
      i++;
    }
    return i;
  }

  private static int indexOf(char[] t, String s, int from) {
    outer:
    for (int i = from; i <= t.length - s.length(); i++) {
      for (int k = 0; k < s.length(); k++) {
        if (t[i + k] != s.charAt(k)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
