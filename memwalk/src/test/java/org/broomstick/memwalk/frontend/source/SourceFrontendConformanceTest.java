package org.broomstick.memwalk.frontend.source;

import org.broomstick.memwalk.frontend.JavaInputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.broomstick.memwalk.frontend.FrontendConformanceTest;
import org.broomstick.memwalk.frontend.bytecode.BytecodeFrontendAccess;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.spec.ServerSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance cases through the source frontend, and each case's whole view compared with the
 * bytecode frontend's on the same snippets compiled by javac.
 */
class SourceFrontendConformanceTest extends FrontendConformanceTest {

  @Override
  protected Program load(Path src) {
    return SourceFrontend.load(new JavaInputs(List.of(src), List.of(), ServerSpec.EMPTY, null, src)).program();
  }

  static List<String> cases() {
    return List.copyOf(CASES.keySet());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theWholeViewEqualsTheBytecodeFrontends(String name) throws Exception {
    Path src = write(dir.resolve(name), SERVER, CASES.get(name));
    View fromSource = View.of(load(src));
    View fromBytecode = View.of(BytecodeFrontendAccess.load(compile(src)));
    assertThat(fromSource).isEqualTo(fromBytecode);
  }
}
