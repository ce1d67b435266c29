package org.broomstick.memwalk.frontend.source;

import org.broomstick.memwalk.frontend.JavaInputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.broomstick.memwalk.frontend.FrontendConformanceTest;
import org.broomstick.memwalk.frontend.bytecode.BytecodeFrontendAccess;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.spec.ServerSpec;
import org.broomstick.runtime.Stingy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7, item 3 on the real servers: every example under {@code examples/java/} through both
 * frontends, its sources as they are and compiled by javac, must give the same view (stages, event
 * and call edges, objects, {@code L_s}/{@code A_s}, object classes).
 */
class ExamplesConformanceTest {

  @TempDir Path dir;

  static Stream<String> examples() throws IOException {
    try (Stream<Path> s = Files.list(examplesDir())) {
      List<String> names = s.filter(p -> Files.isDirectory(p.resolve("src/main/java"))).map(p -> p.getFileName().toString())
          .sorted().toList();
      assertThat(names).as("examples under %s", examplesDir()).isNotEmpty();
      return names.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void bothFrontendsGiveTheSameView(String example) throws Exception {
    Path sources = examplesDir().resolve(example).resolve("src/main/java");
    Path copy = dir.resolve("src");
    try (Stream<Path> s = Files.walk(sources)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Path to = copy.resolve(sources.relativize(p).toString());
        Files.createDirectories(to.getParent());
        Files.copy(p, to);
      }
    }
    Path runtime = location(Stingy.class);
    Path classes = FrontendConformanceTest.compile(copy, runtime);
    Program fromSource = SourceFrontend.load(new JavaInputs(
        List.of(copy), List.of(runtime, FrontendConformanceTest.annotations()), ServerSpec.EMPTY, null, copy)).program();
    FrontendConformanceTest.View source = FrontendConformanceTest.View.of(fromSource);
    FrontendConformanceTest.View bytecode = FrontendConformanceTest.View.of(BytecodeFrontendAccess.load(classes, runtime));
    assertThat(source.stages()).as("stages").isNotEmpty();
    // part by part, so that a difference reads
    assertThat(source.stages()).as("stages").isEqualTo(bytecode.stages());
    assertThat(source.eventEdges()).as("event edges").isEqualTo(bytecode.eventEdges());
    assertThat(source.callEdges()).as("call edges").isEqualTo(bytecode.callEdges());
    assertThat(source.objects()).as("objects").isEqualTo(bytecode.objects());
    assertThat(source.liveIn()).as("L_s").isEqualTo(bytecode.liveIn());
    assertThat(source.allocates()).as("A_s").isEqualTo(bytecode.allocates());
    assertThat(source.classes()).as("object classes").isEqualTo(bytecode.classes());
    assertThat(source).isEqualTo(bytecode);
  }

  private static Path examplesDir() {
    return Path.of("").toAbsolutePath().resolveSibling("examples").resolve("java");
  }

  private static Path location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
