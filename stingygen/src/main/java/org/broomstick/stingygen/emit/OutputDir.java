package org.broomstick.stingygen.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.StingygenException.Kind;

/**
 * Writes a set of files into a directory all or nothing, as far as a file system allows: every
 * file is first written to a temporary file beside its target; only when all are written are they
 * renamed over their targets (atomically where supported). On any failure the temporaries are
 * removed and no target is touched.
 */
public final class OutputDir {
  private OutputDir() {}

  /** Writes {@code files} (relative path to content) into {@code dir}; returns the paths written. */
  public static List<Path> write(Path dir, Map<String, String> files) {
    Map<Path, Path> staged = new LinkedHashMap<>();
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> e : files.entrySet()) {
        Path target = dir.resolve(e.getKey());
        // a name may hold directories (a Java class under its package path)
        Path parent = Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
        staged.put(tmp, target);
        Files.writeString(tmp, e.getValue(), StandardCharsets.UTF_8);
      }
      List<Path> written = new ArrayList<>();
      for (Map.Entry<Path, Path> e : staged.entrySet()) {
        try {
          Files.move(e.getKey(), e.getValue(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException x) {
          Files.move(e.getKey(), e.getValue(), StandardCopyOption.REPLACE_EXISTING);
        }
        written.add(e.getValue());
      }
      return List.copyOf(written);
    } catch (IOException e) {
      for (Path tmp : staged.keySet()) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the write error below is what the user needs
        }
      }
      throw new StingygenException(Kind.PLAN, "output.failed", dir.toString(), 0, 0, "cannot write: " + e);
    }
  }
}
