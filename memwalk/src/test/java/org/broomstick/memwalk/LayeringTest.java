package org.broomstick.memwalk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Parsers stay in their frontends (STYLE.md, example 1): CDT only in {@code frontend.c}, ASM only in {@code frontend.bytecode},
 * JavaParser only in {@code frontend.source}, and no
 * analysis package reads files.
 */
class LayeringTest {

  private static final Path MAIN = Path.of("src/main/java/org/broomstick/memwalk");

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void cdtIsUsedOnlyInTheCFrontend() throws IOException {
    assertThat(sources())
        .filteredOn(p -> !p.startsWith(MAIN.resolve("frontend/c")))
        .allSatisfy(p -> assertThat(Files.readString(p)).as(p.toString()).doesNotContain("org.eclipse.cdt"));
  }

  @Test
  void asmIsUsedOnlyInTheBytecodeFrontend() throws IOException {
    assertThat(sources())
        .filteredOn(p -> !p.startsWith(MAIN.resolve("frontend/bytecode")))
        .allSatisfy(p -> assertThat(Files.readString(p)).as(p.toString()).doesNotContain("org.objectweb.asm"));
  }

  @Test
  void javaParserIsUsedOnlyInTheSourceFrontend() throws IOException {
    assertThat(sources())
        .filteredOn(p -> !p.startsWith(MAIN.resolve("frontend/source")))
        .allSatisfy(p -> assertThat(Files.readString(p)).as(p.toString()).doesNotContain("com.github.javaparser"));
  }

  @Test
  void analysesDoNotReadFiles() throws IOException {
    for (String pkg : List.of("pointsto", "scg", "model", "liveness", "objects", "interference", "order", "cycles", "stack")) {
      assertThat(sources())
          .filteredOn(p -> p.startsWith(MAIN.resolve(pkg)))
          .allSatisfy(p -> assertThat(Files.readString(p)).as(p.toString())
              .doesNotContain("java.nio.file.Files").doesNotContain("java.io.File"));
    }
  }
}
