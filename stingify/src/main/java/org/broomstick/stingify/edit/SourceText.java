package org.broomstick.stingify.edit;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A source file's text decoded the way the C frontend decoded it (UTF-8, else Latin-1), so the
 * analysis' character offsets apply, and encoded back with the same charset, so every byte an edit
 * does not touch comes out unchanged.
 */
public record SourceText(String text, Charset charset) {

  public static SourceText decode(byte[] bytes) {
    try {
      CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return new SourceText(cb.toString(), StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      return new SourceText(new String(bytes, StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1);
    }
  }

  public byte[] encode(String newText) {
    return newText.getBytes(charset);
  }

  /** The file's line ending: CRLF when it has any, else LF. */
  public String lineEnding() {
    return text.contains("\r\n") ? "\r\n" : "\n";
  }
}
