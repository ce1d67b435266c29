package org.broomstick.stingygen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE §1: OR-Tools only in {@code stingygen.ilp}; the verifier shares no code with the model
 * builder (issue 5); stingygen reads report.json itself and needs neither memwalk nor picocli.
 */
class PackageRulesTest {
  private static final Path MAIN = Path.of("src/main/java/org/broomstick/stingygen");

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void orToolsOnlyInIlp() throws IOException {
    for (Path f : sources()) {
      if (!f.startsWith(MAIN.resolve("ilp"))) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain("com.google.ortools");
      }
    }
  }

  @Test
  void verifierUsesNothingOfTheIntegerProgram() throws IOException {
    for (Path f : sources()) {
      if (f.startsWith(MAIN.resolve("verify"))) {
        assertThat(Files.readString(f)).as(f.toString())
            .doesNotContain("stingygen.ilp")
            .doesNotContain("stingygen.layout.Workload");
      }
    }
  }

  @Test
  void noMemwalkOrPicocli() throws IOException {
    for (Path f : sources()) {
      assertThat(Files.readString(f)).as(f.toString()).doesNotContain("org.broomstick.memwalk").doesNotContain("picocli");
    }
  }
}
