package org.broomstick.memwalk.frontend.c;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * File contents shared by all translation units of a run: every header is read and decoded once,
 * however many units include it. Also answers offset → column, which CDT does not give.
 */
final class SourceCache {

  /** A decoded file and the offsets where its lines start. */
  static final class Source {
    final String path;
    final char[] chars;
    private final org.eclipse.cdt.internal.core.parser.scanner.CharArray charArray;
    private volatile int[] lineStarts;

    Source(String path, char[] chars) {
      this.path = path;
      this.chars = chars;
      this.charArray = new org.eclipse.cdt.internal.core.parser.scanner.CharArray(chars);
    }

    /** One CDT view of the content per run, so the hash CDT takes of it is computed once. */
    org.eclipse.cdt.internal.core.parser.scanner.CharArray charArray() {
      return charArray;
    }

    /** 1-based column of a character offset. */
    int column(int offset) {
      int[] starts = lineStarts();
      int i = Arrays.binarySearch(starts, offset);
      int line = i >= 0 ? i : -i - 2;
      return offset - starts[Math.max(line, 0)] + 1;
    }

    int line(int offset) {
      int[] starts = lineStarts();
      int i = Arrays.binarySearch(starts, offset);
      return (i >= 0 ? i : -i - 2) + 1;
    }

    private int[] lineStarts() {
      int[] s = lineStarts;
      if (s == null) {
        int n = 1;
        for (char c : chars) {
          if (c == '\n') {
            n++;
          }
        }
        s = new int[n];
        int k = 1;
        for (int i = 0; i < chars.length; i++) {
          if (chars[i] == '\n') {
            s[k++] = i + 1;
          }
        }
        lineStarts = s;
      }
      return s;
    }
  }

  private final ConcurrentHashMap<String, Optional<Source>> files = new ConcurrentHashMap<>();
  // The preprocessor asks for every include directory in turn: remember the misses too.
  private final ConcurrentHashMap<String, Boolean> exists = new ConcurrentHashMap<>();

  /** The decoded content, or empty when the file cannot be read. */
  Optional<Source> get(String path) {
    return files.computeIfAbsent(path, SourceCache::load);
  }

  boolean exists(String path) {
    Optional<Source> cached = files.get(path);
    if (cached != null) {
      return cached.isPresent();
    }
    return exists.computeIfAbsent(path, p -> Files.isRegularFile(Paths.get(p)));
  }

  private static Optional<Source> load(String path) {
    try {
      byte[] bytes = Files.readAllBytes(Path.of(path));
      return Optional.of(new Source(path, decode(bytes)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** UTF-8, falling back to Latin-1 so that old sources with stray bytes still parse. */
  static char[] decode(byte[] bytes) {
    try {
      CharBuffer cb =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      char[] out = new char[cb.remaining()];
      cb.get(out);
      return out;
    } catch (CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1).toCharArray();
    }
  }
}
