package org.broomstick.memwalk.frontend.c;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.diag.InputException;
import org.broomstick.memwalk.model.SourceLocation;

/**
 * Reads a JSON compilation database (the format CMake and Bear write) into one {@link UnitConfig}
 * per C translation unit. Entries for other languages are skipped; a unit compiled twice is kept
 * once (the first entry).
 */
final class CompileCommands {
  private CompileCommands() {}

  static List<UnitConfig> read(Path file, String displayPath, Diagnostics diags) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      SourceLocation loc =
          at == null
              ? SourceLocation.ofFile(displayPath)
              : SourceLocation.of(displayPath, at.getLineNr(), at.getColumnNr());
      throw new InputException(
          Diagnostic.error(loc, "input.compile-commands", "not valid JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new InputException(
          Diagnostic.error(
              SourceLocation.ofFile(displayPath), "input.unreadable", "cannot read the compilation database: " + e.getMessage()));
    }
    if (root == null || !root.isArray()) {
      throw new InputException(
          Diagnostic.error(
              SourceLocation.ofFile(displayPath),
              "input.compile-commands",
              "a compilation database must be a JSON array of {directory, file, arguments|command}"));
    }
    Path base = file.toAbsolutePath().getParent();
    List<UnitConfig> units = new ArrayList<>();
    Set<Path> seen = new LinkedHashSet<>();
    int index = 0;
    for (JsonNode entry : root) {
      index++;
      SourceLocation at = SourceLocation.ofFile(displayPath + " entry " + index);
      if (!entry.isObject() || !entry.hasNonNull("file")) {
        diags.error(at, "input.compile-commands", "entry has no \"file\"");
        continue;
      }
      Path dir = entry.hasNonNull("directory") ? base.resolve(entry.get("directory").asText()) : base;
      Path src = dir.resolve(entry.get("file").asText()).normalize();
      List<String> args;
      if (entry.has("arguments") && entry.get("arguments").isArray()) {
        args = new ArrayList<>();
        entry.get("arguments").forEach(a -> args.add(a.asText()));
      } else if (entry.hasNonNull("command")) {
        args = ShellWords.split(entry.get("command").asText());
      } else {
        diags.error(at, "input.compile-commands", "entry for " + src + " has neither \"arguments\" nor \"command\"");
        continue;
      }
      if (!isC(src, args) || !seen.add(src)) {
        continue;
      }
      units.add(fromArguments(src, dir, args));
    }
    return units;
  }

  private static boolean isC(Path src, List<String> args) {
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("-x")) {
        return args.get(i + 1).equals("c");
      }
    }
    String name = src.getFileName().toString();
    return name.endsWith(".c") || name.endsWith(".h") || name.endsWith(".i");
  }

  /** Picks the preprocessing-relevant options out of a compiler command line. */
  static UnitConfig fromArguments(Path src, Path dir, List<String> args) {
    List<String> includes = new ArrayList<>();
    List<String> quote = new ArrayList<>();
    List<String> system = new ArrayList<>();
    Map<String, String> defines = new LinkedHashMap<>();
    List<String> forced = new ArrayList<>();
    List<String> probe = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      String next = i + 1 < args.size() ? args.get(i + 1) : null;
      if (a.equals("-I") || a.equals("-iquote") || a.equals("-isystem") || a.equals("-idirafter")
          || a.equals("-D") || a.equals("-U") || a.equals("-include") || a.equals("-imacros")) {
        if (next == null) {
          break;
        }
        i++;
        apply(a, next, dir, includes, quote, system, defines, forced);
      } else if (a.startsWith("-I")) {
        apply("-I", a.substring(2), dir, includes, quote, system, defines, forced);
      } else if (a.startsWith("-isystem")) {
        apply("-isystem", a.substring("-isystem".length()), dir, includes, quote, system, defines, forced);
      } else if (a.startsWith("-iquote")) {
        apply("-iquote", a.substring("-iquote".length()), dir, includes, quote, system, defines, forced);
      } else if (a.startsWith("-D")) {
        apply("-D", a.substring(2), dir, includes, quote, system, defines, forced);
      } else if (a.startsWith("-U")) {
        apply("-U", a.substring(2), dir, includes, quote, system, defines, forced);
      } else if (GccProbe.affectsPredefines(a)) {
        probe.add(a);
      }
    }
    return new UnitConfig(src, dir, includes, quote, system, defines, forced, probe);
  }

  private static void apply(
      String opt,
      String value,
      Path dir,
      List<String> includes,
      List<String> quote,
      List<String> system,
      Map<String, String> defines,
      List<String> forced) {
    switch (opt) {
      case "-I" -> includes.add(dir.resolve(value).normalize().toString());
      case "-iquote" -> quote.add(dir.resolve(value).normalize().toString());
      case "-isystem", "-idirafter" -> system.add(dir.resolve(value).normalize().toString());
      case "-include", "-imacros" -> forced.add(dir.resolve(value).normalize().toString());
      case "-D" -> {
        int eq = value.indexOf('=');
        if (eq < 0) {
          defines.put(value, "1");
        } else {
          defines.put(value.substring(0, eq), value.substring(eq + 1));
        }
      }
      case "-U" -> defines.put(value, null);
      default -> throw new IllegalArgumentException(opt);
    }
  }
}
