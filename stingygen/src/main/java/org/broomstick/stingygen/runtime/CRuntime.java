package org.broomstick.stingygen.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Stingy allocator's C runtime (SPEC §6 "C runtime", thesis §5.2 and §7.4.5), shipped as
 * resources of this module: stingygen writes these files next to the {@code stingy_config.h/.c}
 * it generates, and the server compiles them together. The API and the configuration contract
 * are documented in {@code stingy.h}, the scheduler helper in {@code stingy_sched.h}.
 */
public final class CRuntime {

  /** The runtime's files, headers first. */
  public static final List<String> FILES =
      List.of("stingy.h", "stingy.c", "stingy_sched.h", "stingy_sched.c");

  private CRuntime() {}

  /** The text of one of {@link #FILES}. */
  public static String source(String file) {
    if (!FILES.contains(file)) {
      throw new IllegalArgumentException("not a runtime file: " + file + " (one of " + FILES + ")");
    }
    try (InputStream in = CRuntime.class.getResourceAsStream("c/" + file)) {
      if (in == null) {
        throw new IllegalStateException("runtime resource c/" + file + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes all of {@link #FILES} into {@code dir} (created if needed); returns their paths. */
  public static List<Path> writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (String file : FILES) {
      Path target = dir.resolve(file);
      Files.writeString(target, source(file), StandardCharsets.UTF_8);
      written.add(target);
    }
    return List.copyOf(written);
  }
}
