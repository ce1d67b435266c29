package org.broomstick.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.SourceLocation;

/** Writes a result to a file atomically (temp file, then rename) or to stdout. */
final class Outputs {
  private Outputs() {}

  /** Produces the content into a writer. */
  interface Content {
    void writeTo(Writer w) throws IOException;
  }

  static void write(Path file, PrintWriter stdout, Content content) {
    if (file == null) {
      try {
        content.writeTo(stdout);
        stdout.flush();
      } catch (IOException e) {
        throw new BroomstickException(
            ExitCode.FINDINGS, Diagnostic.error(SourceLocation.NONE, "output.failed", "cannot write to stdout: " + e.getMessage()));
      }
      return;
    }
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
      try (Writer w = new OutputStreamWriter(Files.newOutputStream(tmp), StandardCharsets.UTF_8)) {
        content.writeTo(w);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the real error is reported below
        }
      }
      throw new BroomstickException(
          ExitCode.FINDINGS, Diagnostic.error(SourceLocation.ofFile(file.toString()), "output.failed", "cannot write: " + e.getMessage()));
    }
  }
}
