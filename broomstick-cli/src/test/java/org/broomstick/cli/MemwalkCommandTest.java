package org.broomstick.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code broomstick memwalk} on the bundled pipeline and on code without stages (issue 4, item 10). */
class MemwalkCommandTest {

  @TempDir Path dir;

  private static final Path PIPELINE = Path.of("../examples/c/pipeline").toAbsolutePath().normalize();
  private static final Path INCLUDE = Path.of("../include").toAbsolutePath().normalize();

  private static Cli.Run run(String... args) {
    return Cli.run(args);
  }

  private Cli.Run memwalk(String... extra) {
    List<String> args = new ArrayList<>(List.of("memwalk", "-I", INCLUDE.toString()));
    args.addAll(List.of(extra));
    args.add(PIPELINE.toString());
    return run(args.toArray(String[]::new));
  }

  @Test
  void reportJsonCarriesTheContractOfSpecSection10() throws Exception {
    Path out = dir.resolve("report.json");
    Cli.Run r = memwalk("-o", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(json.get("inputs").findValuesAsText("sha256")).allSatisfy(h -> assertThat(h).hasSize(64));
    JsonNode stages = json.get("stages");
    assertThat(stages).hasSize(5);
    JsonNode send = null;
    for (JsonNode s : stages) {
      assertThat(s.fieldNames()).toIterable().contains(
          "id", "entry", "functions", "successors", "liveIn", "allocates", "frees", "maxStackBytes", "codeBytes", "inCycle");
      if (s.get("entry").asText().equals("send_reply")) {
        send = s;
      }
    }
    assertThat(send).isNotNull();
    assertThat(send.get("liveIn").findValuesAsText("")).isEmpty();
    assertThat(send.get("liveIn").toString()).contains("#srv_alloc").doesNotContain("pipeline.c:100:16");
    JsonNode objects = json.get("objects");
    assertThat(objects).hasSize(3);
    for (JsonNode o : objects) {
      assertThat(o.get("class").asText()).isEqualTo("per-task");
      assertThat(o.get("color").isInt()).isTrue();
      assertThat(o.get("site").get("line").asInt()).isPositive();
    }
    // Ids carry the path as given (absolute here, since the example is outside the working directory).
    assertThat(json.get("orderConstraints").toString())
        .containsPattern("\\{\"greater\":\"[^\"]*pipeline.c:91:20#srv_alloc\",\"lesser\":\"[^\"]*pipeline.c:100:16#srv_alloc\"}");
    assertThat(json.get("stack").get("totalBytes").asLong()).isPositive();
    assertThat(json.get("scheduler").get("entry").asText()).isEqualTo("run_scheduler");
    assertThat(r.err()).contains("5 stages", "3 per-task");
  }

  @Test
  void theTextReportSaysFirstWhetherTheWorkingSetFitsTheCache() {
    Cli.Run r = memwalk("--format", "text", "--cache-size", "1M");
    assertThat(r.exit()).as(r.err()).isZero();
    String first = r.out().lines().findFirst().orElseThrow();
    // conn 40 + request 256 + reply 512 bytes are held together in handle_request.
    assertThat(first).startsWith("Per-task working set: 808 bytes at most (in handle_request)")
        .contains("In a 1 MiB L2 cache: fits;");
    assertThat(r.out()).contains("Match for srv_alloc(REQUEST_BYTES) => [256] in stage read_request (O2)")
        .contains("handle_request: L = {O1, O2}  A = {O3}")
        .contains("accept_conn [entry] nf=");
    Cli.Run tiny = memwalk("--format", "text", "--cache-size", "1K");
    assertThat(tiny.out().lines().findFirst().orElseThrow()).contains("does NOT fit");
  }

  @Test
  void graphsAndSarifAreWellFormed() throws Exception {
    Cli.Run dot = memwalk("--format", "dot");
    assertThat(dot.out()).startsWith("strict digraph G {").contains("rankdir=LR").contains("->");
    Cli.Run graphml = memwalk("--format", "graphml");
    assertThat(graphml.out()).contains("<graphml").containsPattern("<node id=\"send_reply@[^\"]*pipeline.c\">").contains("<edge");
    Cli.Run sarif = memwalk("--format", "sarif");
    JsonNode json = new ObjectMapper().readTree(sarif.out());
    assertThat(json.get("version").asText()).isEqualTo("2.1.0");
    assertThat(json.get("runs").get(0).get("tool").get("driver").get("name").asText()).isEqualTo("broomstick");
  }

  @Test
  void codeWithoutStagesGivesAClearReportNotAnError() throws Exception {
    Files.writeString(dir.resolve("plain.c"), "int add(int a, int b) { return a + b; }\n");
    Cli.Run r = run("memwalk", "--format", "text", dir.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("No stages declared");
  }

  @Test
  void badOptionValuesAreUsageErrors() {
    Cli.Run r = memwalk("--cache-size", "lots");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("is not a size");
  }
}
