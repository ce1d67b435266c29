package org.broomstick.memwalk.frontend.c;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.model.FrameSource;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.SourceLocation;

/**
 * Replaces frame estimates with the exact figures of GCC {@code -fstack-usage} files ({@code *.su}:
 * {@code file.c:LINE:COL:name<TAB>bytes<TAB>static|dynamic|dynamic,bounded}).
 */
final class StackUsage {
  private StackUsage() {}

  static void apply(List<Path> dirs, Map<String, Function> functions, PathDisplay display, Diagnostics diags) {
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir) && !Files.isRegularFile(dir)) {
        diags.warning(SourceLocation.ofFile(display.show(dir.toString())), "input.missing", "--su: no such file or directory");
        continue;
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path su : walk.filter(p -> p.toString().endsWith(".su")).sorted().toList()) {
          read(su, functions, display, diags);
        }
      } catch (IOException | UncheckedIOException e) {
        diags.warning(SourceLocation.ofFile(display.show(dir.toString())), "input.unreadable", "--su: " + e.getMessage());
      }
    }
  }

  private static void read(Path su, Map<String, Function> functions, PathDisplay display, Diagnostics diags) {
    List<String> lines;
    try {
      lines = Files.readAllLines(su);
    } catch (IOException e) {
      diags.warning(SourceLocation.ofFile(display.show(su.toString())), "input.unreadable", "cannot read: " + e.getMessage());
      return;
    }
    int n = 0;
    for (String line : lines) {
      n++;
      String[] cols = line.split("\t");
      if (cols.length < 3) {
        if (!line.isBlank()) {
          diags.warning(SourceLocation.of(display.show(su.toString()), n, 1), "su.malformed", "not a stack-usage line");
        }
        continue;
      }
      String where = cols[0];
      int lastColon = where.lastIndexOf(':');
      String name = where.substring(lastColon + 1);
      String file = where.split(":")[0];
      int bytes;
      try {
        bytes = Integer.parseInt(cols[1].trim());
      } catch (NumberFormatException e) {
        diags.warning(SourceLocation.of(display.show(su.toString()), n, 1), "su.malformed", "frame size is not a number");
        continue;
      }
      boolean dynamic = cols[2].startsWith("dynamic");
      Function byName = functions.get(name);
      String fileName = Path.of(file).getFileName().toString();
      Function target = null;
      if (byName != null && byName.defined()) {
        target = byName;
      } else {
        for (Function f : functions.values()) {
          if (f.isStatic() && f.name().equals(name) && f.location().file() != null
              && Path.of(f.location().file()).getFileName().toString().equals(fileName)) {
            target = f;
            break;
          }
        }
      }
      if (target != null) {
        functions.put(target.id(), target.withFrame(bytes, FrameSource.SU, dynamic));
      }
    }
  }
}
