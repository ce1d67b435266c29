package org.broomstick.memwalk.frontend.c;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to preprocess one translation unit: its own include paths and macros (from {@code
 * compile_commands.json} or the command line) and the flags that select the compiler probe.
 *
 * @param quoteIncludes {@code -iquote} directories, searched for {@code #include "…"} only
 * @param defines {@code -D} macros in order; a value of null means {@code -U}
 * @param forcedIncludes {@code -include} files, processed before the unit
 */
record UnitConfig(
    Path file,
    Path directory,
    List<String> includes,
    List<String> quoteIncludes,
    List<String> systemIncludes,
    Map<String, String> defines,
    List<String> forcedIncludes,
    List<String> probeFlags) {

  UnitConfig {
    includes = List.copyOf(includes);
    quoteIncludes = List.copyOf(quoteIncludes);
    systemIncludes = List.copyOf(systemIncludes);
    defines = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(defines));
    forcedIncludes = List.copyOf(forcedIncludes);
    probeFlags = List.copyOf(probeFlags);
  }
}
