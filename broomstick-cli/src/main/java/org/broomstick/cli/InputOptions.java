package org.broomstick.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.frontend.c.CFrontend;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The input options {@code scg} and {@code memwalk} share (SPEC §8). */
final class InputOptions {

  @Parameters(paramLabel = "PATH",
      description = "C files or directories (searched for *.c); with --lang java, class directories, jars or class files, or source roots (directories of .java files without .class files).")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--compile-commands", paramLabel = "FILE",
      description = "A JSON compilation database (CMake, Bear): one preprocessor setup per unit. "
          + "With PATHs, only units under them are read.")
  Path compileCommands;

  @Option(names = "-I", paramLabel = "DIR", description = "Add an include directory.")
  List<Path> includes = new ArrayList<>();

  @Option(names = "-D", paramLabel = "NAME[=VALUE]", description = "Define a macro.")
  List<String> defines = new ArrayList<>();

  @Option(names = "--spec", paramLabel = "FILE",
      description = "A broomstick.yaml binding the server's functions to QueueStage, Malloc, Free, … "
          + "(default: broomstick.yaml in the first input directory, when there is one).")
  Path spec;

  @Option(names = "--su", paramLabel = "DIR", description = "Directory of GCC -fstack-usage (.su) files: exact frame sizes.")
  List<Path> suDirs = new ArrayList<>();

  @Option(names = "--lang", paramLabel = "c|java", defaultValue = "c", description = "Input language (default: ${DEFAULT-VALUE}).")
  String lang;

  @Option(names = {"--classpath", "-cp"}, paramLabel = "PATH", split = ":",
      description = "With --lang java: library jars and class directories read for the class hierarchy, not analysed.")
  List<Path> classpath = new ArrayList<>();

  @Option(names = "--m32", description = "Analyse for i386 (ILP32) instead of x86-64 (LP64).")
  boolean ilp32;

  @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Parser threads (default: the number of cores).")
  Integer jobs;

  @Option(names = "--cc", paramLabel = "COMPILER", defaultValue = "gcc",
      description = "Compiler asked for system include directories and predefined macros (default: ${DEFAULT-VALUE}).")
  String compiler;

  @Option(names = "--prelude", paramLabel = "auto|on|off", converter = PreludeConverter.class,
      description = "Whether units read their system headers from the system prelude (gcc's preprocessing of "
          + "the system headers, once per configuration): auto (the default) when the run has at least "
          + CFrontend.Prelude.MIN_UNITS + " units, on, or off (also -Dbroomstick.prelude=on|off).")
  CFrontend.Prelude prelude;

  /** auto, on, off in any case. */
  static final class PreludeConverter implements picocli.CommandLine.ITypeConverter<CFrontend.Prelude> {
    @Override
    public CFrontend.Prelude convert(String value) {
      return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "auto" -> CFrontend.Prelude.AUTO;
        case "on" -> CFrontend.Prelude.ON;
        case "off" -> CFrontend.Prelude.OFF;
        default -> throw new picocli.CommandLine.TypeConversionException("expected auto, on or off, not '" + value + "'");
      };
    }
  }

  Map<String, String> defineMap() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String d : defines) {
      int eq = d.indexOf('=');
      if (eq < 0) {
        m.put(d, "1");
      } else {
        m.put(d.substring(0, eq), d.substring(eq + 1));
      }
    }
    return m;
  }

  /** The spec file to read: the one given, else {@code broomstick.yaml} beside the inputs. */
  Path specFile() {
    if (spec != null) {
      return spec;
    }
    for (Path p : paths) {
      Path candidate = java.nio.file.Files.isDirectory(p) ? p.resolve("broomstick.yaml") : null;
      if (candidate != null && java.nio.file.Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    if (compileCommands != null && compileCommands.toAbsolutePath().getParent() != null) {
      Path candidate = compileCommands.toAbsolutePath().getParent().resolve("broomstick.yaml");
      if (java.nio.file.Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  int threads() {
    return jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
  }
}
