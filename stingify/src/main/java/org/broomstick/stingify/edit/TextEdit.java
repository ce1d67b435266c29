package org.broomstick.stingify.edit;

/**
 * Replace {@code length} characters at {@code offset} of {@code file}'s decoded text with {@code
 * text}; {@code length == 0} inserts. Offsets are the analysis' (CDT's) character offsets.
 */
public record TextEdit(String file, int offset, int length, String text) {
  public TextEdit {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length: " + offset + "+" + length);
    }
  }

  public int end() {
    return offset + length;
  }
}
