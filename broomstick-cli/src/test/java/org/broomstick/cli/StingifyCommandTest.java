package org.broomstick.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code broomstick stingify}: its modes, the stale-report guard and idempotence (SPEC §7, §9; issue 6, item 2). */
class StingifyCommandTest {

  @TempDir Path dir;
  Path src;
  Path report;
  Path config;

  private static Cli.Run run(String... args) {
    return Cli.run(args);
  }

  @BeforeEach
  void analyseACopyOfThePipeline() throws Exception {
    src = dir.resolve("src");
    Files.createDirectories(src);
    Files.copy(Path.of("../examples/c/pipeline/pipeline.c"), src.resolve("pipeline.c"));
    Files.copy(Path.of("../include/broomstick.h"), src.resolve("broomstick.h"));
    report = dir.resolve("report.json");
    Cli.Run m = run("memwalk", "-q", "-I", src.toString(), "-o", report.toString(), src.resolve("pipeline.c").toString());
    assertThat(m.exit()).as(m.err()).isZero();
    config = writeConfig(report, dir.resolve("allocator.json"));
  }

  /** A plan giving every per-task object a pool; the names as stingygen's would be. */
  private static Path writeConfig(Path report, Path out) throws Exception {
    ObjectMapper m = new ObjectMapper();
    JsonNode r = m.readTree(report.toFile());
    ObjectNode root = m.createObjectNode().put("schemaVersion", 1);
    ArrayNode objs = root.putArray("objects");
    int i = 0;
    for (JsonNode o : r.get("objects")) {
      objs.addObject().put("id", o.get("id").asText()).put("count", 8).put("slotBytes", 512).put("region", i)
          .put("cName", "OBJ_" + i++);
    }
    Files.writeString(out, m.writeValueAsString(root));
    return out;
  }

  @Test
  void theDefaultIsADiffAndNothingIsWritten() throws Exception {
    byte[] before = Files.readAllBytes(src.resolve("pipeline.c"));
    Cli.Run r = run("stingify", "--report", report.toString(), "--config", config.toString(), src.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("+++ b/").contains("+#include \"stingy_config.h\"")
        .contains("-  struct conn *c = srv_alloc(sizeof(struct conn));")
        .contains("+  struct conn *c = stingy_alloc(OBJ_0);")
        .contains("+    stingy_free(t->request);");
    assertThat(Files.readAllBytes(src.resolve("pipeline.c"))).isEqualTo(before);
  }

  @Test
  void checkFailsOnAStaleTreeOutWritesACopyAndInPlaceThenNeedsAFreshReport() throws Exception {
    Cli.Run check = run("stingify", "--report", report.toString(), "--config", config.toString(), "--check", src.toString());
    assertThat(check.exit()).isEqualTo(1);
    assertThat(check.err()).contains("pipeline.c: not up to date");

    Path out = dir.resolve("patched");
    Cli.Run copy = run("stingify", "--report", report.toString(), "--config", config.toString(), "--out", out.toString(), src.toString());
    assertThat(copy.exit()).as(copy.err()).isZero();
    assertThat(Files.readString(out.resolve("pipeline.c"))).contains("stingy_alloc(OBJ_1)");
    assertThat(out.resolve("broomstick.h")).as("unchanged analysed files are copied too").exists();

    Cli.Run inPlace = run("stingify", "--report", report.toString(), "--config", config.toString(), "--in-place", src.toString());
    assertThat(inPlace.exit()).as(inPlace.err()).isZero();
    assertThat(Files.readString(src.resolve("pipeline.c"))).isEqualTo(Files.readString(out.resolve("pipeline.c")));

    // The old report no longer describes the file: refused, nothing written.
    byte[] rewritten = Files.readAllBytes(src.resolve("pipeline.c"));
    Cli.Run stale = run("stingify", "--report", report.toString(), "--config", config.toString(), "--in-place", src.toString());
    assertThat(stale.exit()).isEqualTo(1);
    assertThat(stale.err()).contains("file changed since the report was made").contains("nothing written");
    assertThat(Files.readAllBytes(src.resolve("pipeline.c"))).isEqualTo(rewritten);

    // A fresh analysis of the rewritten tree finds nothing left to do.
    Files.writeString(src.resolve("stingy_config.h"), "void *stingy_alloc(int id); void stingy_free(void *p);\n"
        + "enum { OBJ_0, OBJ_1, OBJ_2 };\n");
    Path report2 = dir.resolve("report2.json");
    Cli.Run m = run("memwalk", "-q", "-I", src.toString(), "-o", report2.toString(), src.resolve("pipeline.c").toString());
    assertThat(m.exit()).as(m.err()).isZero();
    Cli.Run again = run("stingify", "--report", report2.toString(), "--config", config.toString(), "--check", src.toString());
    assertThat(again.exit()).as(again.err()).isZero();
  }

  @Test
  void aReportOfAnotherSchemaVersionIsRefusedClearly() throws Exception {
    Files.writeString(report, Files.readString(report).replaceFirst("\"schemaVersion\" : 1", "\"schemaVersion\" : 7"));
    Cli.Run r = run("stingify", "--report", report.toString(), "--config", config.toString(), src.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("schemaVersion 7; this stingify reads version 1");
  }
}
