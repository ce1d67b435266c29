package org.broomstick.memwalk.frontend.bytecode;

import org.broomstick.memwalk.frontend.JavaInputs;

import java.nio.file.Path;
import java.util.List;
import org.broomstick.memwalk.frontend.FrontendConformanceTest;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.spec.ServerSpec;

/** The conformance cases through javac and the bytecode frontend. */
class BytecodeFrontendConformanceTest extends FrontendConformanceTest {

  @Override
  protected Program load(Path src) throws Exception {
    Path classes = compile(src);
    return BytecodeFrontend.load(new JavaInputs(List.of(classes), List.of(), ServerSpec.EMPTY, null, classes)).program();
  }
}
