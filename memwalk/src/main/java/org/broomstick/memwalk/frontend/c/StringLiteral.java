package org.broomstick.memwalk.frontend.c;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code units of a C string or character literal after escapes, as gcc encodes them on x86
 * Linux: UTF-8 bytes without a prefix or with {@code u8}, UTF-16 units for {@code u}, code points
 * (4 bytes) for {@code U} and {@code L}. Adjacent string pieces concatenate; a prefixed piece
 * decides the encoding of all of them.
 */
record StringLiteral(List<Long> units, String prefix) {

  private static final Pattern PIECE = Pattern.compile("(u8|u|U|L)?\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** Elements of the array the literal initialises, counting the terminating NUL. */
  long elements() {
    return units.size() + 1L;
  }

  /** Bytes per element. */
  int unitSize() {
    return unitSize(prefix);
  }

  static int unitSize(String prefix) {
    return switch (prefix) {
      case "u" -> 2;
      case "U", "L" -> 4;
      default -> 1;
    };
  }

  /** Parses CDT's image of a (possibly concatenated) string literal. */
  static StringLiteral parse(String image) {
    List<String[]> pieces = new ArrayList<>();
    String prefix = "";
    Matcher m = PIECE.matcher(image);
    while (m.find()) {
      String p = m.group(1) == null ? "" : m.group(1);
      if (!p.isEmpty() && !p.equals("u8")) {
        prefix = p;
      }
      pieces.add(new String[] {p, m.group(2)});
    }
    if (pieces.isEmpty()) {
      throw new IllegalArgumentException("not a string literal: " + image);
    }
    List<Long> units = new ArrayList<>();
    for (String[] piece : pieces) {
      units.addAll(decode(piece[1], prefix));
    }
    return new StringLiteral(List.copyOf(units), prefix);
  }

  /** The code units of a literal's body (between the quotes); empty list on a malformed escape. */
  static List<Long> decode(String body, String prefix) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < body.length(); ) {
      char c = body.charAt(i);
      if (c != '\\') {
        int cp = body.codePointAt(i);
        i += Character.charCount(cp);
        codePoint(cp, prefix, out);
        continue;
      }
      if (i + 1 >= body.length()) {
        return List.of();
      }
      char n = body.charAt(i + 1);
      i += 2;
      switch (n) {
        case 'n' -> out.add(10L);
        case 't' -> out.add(9L);
        case 'r' -> out.add(13L);
        case 'a' -> out.add(7L);
        case 'b' -> out.add(8L);
        case 'f' -> out.add(12L);
        case 'v' -> out.add(11L);
        case 'e', 'E' -> out.add(27L); // GNU
        case 'x' -> {
          int j = i;
          while (j < body.length() && Character.digit(body.charAt(j), 16) >= 0) {
            j++;
          }
          if (j == i) {
            return List.of();
          }
          out.add(new BigInteger(body.substring(i, j), 16).longValue());
          i = j;
        }
        case 'u', 'U' -> {
          int len = n == 'u' ? 4 : 8;
          if (i + len > body.length()) {
            return List.of();
          }
          codePoint(Integer.parseInt(body.substring(i, i + len), 16), prefix, out);
          i += len;
        }
        default -> {
          if (n >= '0' && n <= '7') {
            int start = i - 1;
            int k = start;
            while (k < body.length()
                && k < start + 3
                && body.charAt(k) >= '0'
                && body.charAt(k) <= '7') {
              k++;
            }
            out.add(Long.parseLong(body.substring(start, k), 8));
            i = k;
          } else {
            out.add((long) n); // \\ \' \" \? and unknown escapes stand for themselves
          }
        }
      }
    }
    return out;
  }

  private static void codePoint(int cp, String prefix, List<Long> out) {
    switch (unitSize(prefix)) {
      case 1 -> {
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          out.add((long) (b & 0xff));
        }
      }
      case 2 -> {
        for (char ch : Character.toChars(cp)) {
          out.add((long) ch);
        }
      }
      default -> out.add((long) cp);
    }
  }
}
