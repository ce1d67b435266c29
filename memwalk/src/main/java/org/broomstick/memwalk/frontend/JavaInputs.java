package org.broomstick.memwalk.frontend;

import java.nio.file.Path;
import java.util.List;
import org.broomstick.memwalk.spec.ServerSpec;

/**
 * What either Java frontend reads: the program's paths (class directories, jars or class files for
 * the bytecode frontend; source roots or {@code .java} files for the source frontend), the library
 * classpath (read for the class hierarchy, not analysed; the running JDK is always there), the
 * server interface, the {@code broomstick.yaml} it came from, and the directory locations are shown
 * relative to.
 */
public record JavaInputs(List<Path> paths, List<Path> classpath, ServerSpec spec, Path specFile, Path base) {
  public JavaInputs {
    paths = List.copyOf(paths);
    classpath = List.copyOf(classpath);
    spec = spec == null ? ServerSpec.EMPTY : spec;
    base = base == null ? Path.of("") : base;
  }

  public static JavaInputs of(List<Path> paths) {
    return new JavaInputs(paths, List.of(), ServerSpec.EMPTY, null, Path.of(""));
  }
}
