package org.broomstick.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code broomstick stingygen} as a user meets it: files written, exit codes 0/1/2/3 (SPEC §8). */
class StingygenCliTest {
  private static final Path FIGURE52 = Path.of("src/test/resources/reports/figure52.json");

  @TempDir Path dir;

  private static Cli.Run run(String... args) {
    return Cli.run(args);
  }

  @Test
  void writesThePlanAndExitsZero() throws IOException {
    Path out = dir.resolve("out");
    Cli.Run r = run("stingygen", "--report", FIGURE52.toString(), "-o", out.toString(), "--cache-size", "32K", "--line-size", "64");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("stingygen: OPTIMAL, objective 1333.33")
        .contains("entry stage accept_conn admits at most 9 tasks in flight")
        .contains("wrote 8 files to " + out);
    JsonNode j = new ObjectMapper().readTree(out.resolve("allocator.json").toFile());
    assertThat(j.at("/objects/0/count").asInt()).isEqualTo(9);
    assertThat(out.resolve("stingy_config.h")).content().contains("STINGY_OBJ_SERVER_C_10_XMALLOC");
    assertThat(run("stingygen", "--report", FIGURE52.toString(), "-o", out.toString(), "--cache-size", "32K", "-q").err()).isEmpty();
  }

  @Test
  void theJavaTargetWritesTheIdsClass() throws IOException {
    Path out = dir.resolve("out");
    Cli.Run r = run("stingygen", "--report", FIGURE52.toString(), "-o", out.toString(), "--cache-size", "32K",
        "--line-size", "64", "--target", "java", "--java-package", "org.acme.gen");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("wrote 3 files to " + out);
    assertThat(out.resolve("org/acme/gen/Ids.java")).content()
        .contains("package org.acme.gen;", "public static final int SERVER_C_10_XMALLOC = id(0);", "StingyConfig CONFIG", "Stingy.register(CONFIG);");
    assertThat(out.resolve("allocator.json")).content().contains("\"class\" : \"org.acme.gen.Ids\"");
    assertThat(out.resolve("stingy_config.h")).doesNotExist();
  }

  @Test
  void strictAndStackOverrideAreOptions() {
    Cli.Run r = run("stingygen", "--report", FIGURE52.toString(), "-o", dir.toString(), "--cache-size", "32K",
        "--strict", "--stack-bytes", "2K", "--global-threshold", "1K", "--solver-seconds", "5");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("tau 30520 of 32768 cache bytes");
  }

  @Test
  void infeasibleExitsThreeAndWritesNothing() {
    Path out = dir.resolve("out");
    Cli.Run r = run("stingygen", "--report", FIGURE52.toString(), "-o", out.toString(), "--cache-size", "8K");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err().strip()).isEqualTo(FIGURE52 + ": error: infeasible: stage \"body\" (entry read_body) overflows"
        + " tau = 4992 bytes by 2008 bytes even with n_O = 1 for every object: 3000 bytes live at its start + 4000"
        + " bytes allocated in it (1 more stage(s) overflow: body, send) [ilp.stage-overflow]");
    assertThat(out).doesNotExist();
  }

  @Test
  void badReportsExitOneWithTheirPlace() throws IOException {
    Path v2 = dir.resolve("v2.json");
    Files.writeString(v2, "{\n \"schemaVersion\": 2}\n");
    Cli.Run r = run("stingygen", "--report", v2.toString(), "-o", dir.resolve("o").toString(), "--cache-size", "32K");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("v2.json:2:").contains("reads schemaVersion 1").contains("[report.schema-version]");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"schemaVersion\": 1,\n \"stages\": [}");
    Cli.Run b = run("stingygen", "--report", broken.toString(), "--cache-size", "32K");
    assertThat(b.exit()).isEqualTo(1);
    assertThat(b.err()).contains("broken.json:2:").contains("[report.syntax]").doesNotContain("\tat ");
    Cli.Run missing = run("stingygen", "--report", dir.resolve("nope.json").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("nope.json: error: no such file [report.missing]");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("stingygen").exit()).as("--report is required").isEqualTo(2);
    Cli.Run size = run("stingygen", "--report", FIGURE52.toString(), "--cache-size", "lots");
    assertThat(size.exit()).isEqualTo(2);
    assertThat(size.err()).contains("\"lots\" is not a size");
    Cli.Run line = run("stingygen", "--report", FIGURE52.toString(), "--cache-size", "32K", "--line-size", "48", "-o", dir.toString());
    assertThat(line.exit()).isEqualTo(2);
    assertThat(line.err()).contains("line size 48 is not a power of two");
    assertThat(run("stingygen", "--report", FIGURE52.toString(), "--java-package", "a.b").exit())
        .as("--java-package without --target java").isEqualTo(2);
    Cli.Run pkg = run("stingygen", "--report", FIGURE52.toString(), "--cache-size", "32K", "--target", "java",
        "--java-package", "a.1b", "-o", dir.toString());
    assertThat(pkg.exit()).isEqualTo(2);
    assertThat(pkg.err()).contains("a.1b is not a Java package name");
    assertThat(run("stingygen", "--help").out()).contains("--cache-size", "--strict", "--solver-seconds", "--global-threshold");
  }
}
