package org.broomstick.stingify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** STYLE §1: JavaParser only in {@code stingify.java}. */
class PackageRulesTest {
  private static final Path MAIN = Path.of("src/main/java/org/broomstick/stingify");

  @Test
  void javaParserOnlyInTheJavaRewriter() throws IOException {
    List<Path> sources;
    try (Stream<Path> s = Files.walk(MAIN)) {
      sources = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).anySatisfy(f -> assertThat(f.startsWith(MAIN.resolve("java"))).isTrue());
    for (Path f : sources) {
      if (!f.startsWith(MAIN.resolve("java"))) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain("com.github.javaparser");
      }
    }
  }
}
