package org.broomstick.memwalk.frontend.c;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits a small C expression written as text into the token images CDT would give. */
final class CTokens {
  private static final Pattern TOKEN =
      Pattern.compile(
          "\\s*([A-Za-z_]\\w*|0[xX][0-9a-fA-F]+\\w*|\\d+\\w*|'(?:\\\\.|[^'])+'"
              + "|<<|>>|<=|>=|==|!=|&&|\\|\\||[-+*/%()~!<>&|^?:,\\[\\].])");

  private CTokens() {}

  /** The tokens, or a list ending in an unknown token when the text has one (evaluation fails). */
  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    int pos = 0;
    while (pos < text.length()) {
      if (!m.find(pos) || m.start() != pos) {
        if (text.substring(pos).isBlank()) {
          break;
        }
        out.add("\u0000" + text.substring(pos)); // no C token: never a constant
        break;
      }
      out.add(m.group(1));
      pos = m.end();
    }
    return out;
  }
}
