package org.broomstick.stingify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.broomstick.memwalk.Memwalk;
import org.broomstick.memwalk.frontend.c.CFrontend;
import org.broomstick.memwalk.objects.ObjectClass;
import org.broomstick.memwalk.objects.Objects;
import org.broomstick.memwalk.report.Report;
import org.broomstick.memwalk.report.ReportJson;
import org.broomstick.memwalk.spec.ServerSpec;
import org.broomstick.stingify.input.InputReader;
import org.broomstick.stingify.input.StingifyInput;

/**
 * Runs a before/after pair the way a user's build does: memwalk writes report.json from the
 * before text, a plan gives every per-task object of known size or hint a pool, stingify rewrites.
 * For every pair it also checks (STYLE.md 6–7): the result compiles against a stingy_config.h, a
 * second run over the result changes nothing, and the same pair with CRLF line endings gives the
 * same result with CRLF line endings.
 */
final class RewriteHarness {
  private final Path dir;
  private final String spec;

  RewriteHarness(Path dir) {
    this(dir, null);
  }

  /** @param spec a broomstick.yaml beside the source, or null */
  RewriteHarness(Path dir, String spec) {
    this.dir = dir;
    this.spec = spec;
  }

  /** The outcome of one stingify run on one file. */
  record Outcome(String after, List<Finding> findings, Path report, Path allocator) {}

  /** Asserts that stingify turns {@code before} into {@code after}; returns the findings. */
  List<Finding> rewrite(String before, String after) throws Exception {
    Outcome lf = run("lf", before);
    assertThat(lf.after()).isEqualTo(after);
    compiles(lf.after(), "lf");
    Outcome again = run("again", lf.after());
    assertThat(again.after()).as("a second run over stingify's own output").isEqualTo(lf.after());
    Outcome crlf = run("crlf", before.replace("\n", "\r\n"));
    assertThat(crlf.after()).as("the same with CRLF line endings").isEqualTo(after.replace("\n", "\r\n"));
    return lf.findings();
  }

  /** Asserts that stingify leaves {@code source} byte for byte as it is. */
  List<Finding> unchanged(String source) throws Exception {
    Outcome o = run("same", source);
    assertThat(o.after()).isEqualTo(source);
    return o.findings();
  }

  Outcome run(String name, String source) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    Path file = d.resolve("s.c");
    Files.writeString(file, source, StandardCharsets.UTF_8);
    Files.writeString(d.resolve("stingy_config.h"), config(List.of()));
    Path report = analyse(d);
    Path allocator = plan(report, d);
    StingifyInput in = InputReader.read(report, allocator, d);
    Stingify.Plan plan = Stingify.plan(in, List.of(d), null);
    Stingify.FilePlan fp = plan.files().stream().filter(f -> f.path().equals(file)).findFirst().orElseThrow();
    return new Outcome(new String(fp.rewritten(), StandardCharsets.UTF_8), plan.findings(), report, allocator);
  }

  Path analyse(Path d) throws IOException {
    Path specFile = null;
    if (spec != null) {
      specFile = d.resolve("broomstick.yaml");
      Files.writeString(specFile, spec);
    }
    var r = CFrontend.load(new CFrontend.Options(
        List.of(d.resolve("s.c")), null, List.of(), Map.of(), List.of(), ServerSpec.EMPTY, specFile, false, 1, d, "gcc", null, null));
    Report report = Memwalk.analyse(r.program(), Memwalk.Options.DEFAULTS);
    StringWriter w = new StringWriter();
    ReportJson.write(report, d.toString(), Map.of(), w);
    Path out = d.resolve("report.json");
    Files.writeString(out, w.toString());
    lastIds = new ArrayList<>();
    for (Objects.Classified c : report.objects().objects().values()) {
      if (c.objectClass() == ObjectClass.PER_TASK) {
        lastIds.add(c.id());
      }
    }
    return out;
  }

  private List<String> lastIds = List.of();

  /** A plan with a pool of 4 for every per-task object; ids named O_<line> for readable fixtures. */
  private Path plan(Path report, Path d) throws IOException {
    ObjectMapper m = new ObjectMapper();
    var rep = m.readTree(report.toFile());
    ObjectNode root = m.createObjectNode();
    root.put("schemaVersion", 1);
    ArrayNode objs = root.putArray("objects");
    List<String> names = new ArrayList<>();
    for (var o : rep.get("objects")) {
      if (!o.get("class").asText().equals("per-task")) {
        continue;
      }
      if (o.get("sizeBytes").isNull() && o.get("sizeHint").isNull()) {
        continue;
      }
      String name = "O_" + o.get("site").get("line").asInt();
      names.add(name);
      objs.addObject().put("id", o.get("id").asText()).put("count", 4).put("slotBytes", 64).put("region", 0)
          .put("cName", name);
    }
    Files.writeString(d.resolve("stingy_config.h"), config(names));
    Path out = d.resolve("allocator.json");
    Files.writeString(out, m.writeValueAsString(root));
    return out;
  }

  private static String config(List<String> names) {
    StringBuilder b = new StringBuilder("#include <stddef.h>\nvoid *stingy_alloc(unsigned id);\nvoid stingy_free(void *p);\n");
    b.append("enum stingy_object { STINGY_NONE");
    names.forEach(n -> b.append(", ").append(n));
    return b.append(" };\n").toString();
  }

  private void compiles(String text, String name) throws Exception {
    Path d = dir.resolve(name);
    Path f = d.resolve("after.c");
    Files.writeString(f, text);
    Process p = new ProcessBuilder("gcc", "-std=gnu11", "-fsyntax-only", "-Wall", "-Werror", "-Wno-attributes", "-Wno-unused-variable",
        "-Wno-unused-function", "-I", d.toString(), f.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("gcc -fsyntax-only on the rewritten source:\n" + out).isZero();
  }
}
