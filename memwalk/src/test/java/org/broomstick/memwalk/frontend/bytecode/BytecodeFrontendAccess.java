package org.broomstick.memwalk.frontend.bytecode;

import org.broomstick.memwalk.frontend.JavaInputs;

import java.nio.file.Path;
import java.util.List;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.spec.ServerSpec;

/** Loads a class directory with the bytecode frontend, for tests of other packages. */
public final class BytecodeFrontendAccess {
  private BytecodeFrontendAccess() {}

  public static Program load(Path classes, Path... classpath) {
    return BytecodeFrontend.load(new JavaInputs(List.of(classes), List.of(classpath), ServerSpec.EMPTY, null, classes))
        .program();
  }
}
