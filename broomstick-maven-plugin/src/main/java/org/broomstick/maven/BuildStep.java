package org.broomstick.maven;

import org.broomstick.memwalk.frontend.JavaInputs;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.broomstick.memwalk.Memwalk;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Severity;
import org.broomstick.memwalk.frontend.source.SourceFrontend;
import org.broomstick.memwalk.report.Report;
import org.broomstick.memwalk.report.ReportJson;
import org.broomstick.stingify.Stingify;
import org.broomstick.stingify.edit.AtomicWriter;
import org.broomstick.stingify.input.InputReader;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Stingygen;
import org.broomstick.stingygen.StingygenOptions;

/**
 * The Java build step the plugin's goals share, free of Maven types so it can be tested alone:
 * memwalk on the source root (JavaParser frontend), stingygen for Java ({@code Ids.java}), and
 * Java stingify, giving the rewritten sources and the config class as one source tree.
 *
 * @param sources the project's Java source root
 * @param classpath library jars and directories for type resolution
 * @param spec a {@code broomstick.yaml}, or null
 * @param work where report.json, allocator.json and memory-map.txt go
 * @param cacheBytes the cache to plan for (null: half this machine's L2)
 */
record BuildStep(Path sources, List<Path> classpath, Path spec, Path work, String javaPackage, Long cacheBytes) {

  /** What a run produced: every file of the generated source tree, by path relative to it. */
  record Result(Map<Path, byte[]> files, List<Diagnostic> errors, Report report, Plan plan, int rewritten) {}

  Result run() throws IOException {
    var loaded = SourceFrontend.load(new JavaInputs(List.of(sources), classpath, null, spec, sources));
    Report report = Memwalk.analyse(loaded.program(), Memwalk.Options.DEFAULTS);
    List<Diagnostic> errors = report.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).toList();
    if (!errors.isEmpty() || report.stages().stages().isEmpty()) {
      return new Result(Map.of(), errors, report, null, 0);
    }
    Files.createDirectories(work);
    Path reportJson = work.resolve("report.json");
    StringWriter json = new StringWriter();
    ReportJson.write(report, sources.toAbsolutePath().toString(), Map.of(), json);
    AtomicWriter.write(reportJson, json.toString().getBytes(StandardCharsets.UTF_8));
    Plan plan = Stingygen.plan(Stingygen.read(reportJson),
        StingygenOptions.defaults().withCache(cacheBytes, null));
    Stingygen.Target target = Stingygen.Target.java(javaPackage);
    Stingygen.write(plan, work, target);
    Stingify.Plan rewrite = Stingify.plan(
        InputReader.read(reportJson, work.resolve("allocator.json"), sources), List.of(sources), sources);
    Map<Path, byte[]> files = new java.util.TreeMap<>();
    for (Stingify.FilePlan f : rewrite.files()) {
      files.put(f.relative(), f.rewritten());
    }
    try (Stream<Path> s = Files.walk(work)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".java")).toList()) {
        files.put(work.relativize(p), Files.readAllBytes(p));
      }
    }
    return new Result(files, List.of(), report, plan, rewrite.changed().size());
  }

  /** Writes the generated tree under {@code out}, replacing what an earlier run left there. */
  static void write(Result r, Path out) throws IOException {
    if (Files.isDirectory(out)) {
      try (Stream<Path> s = Files.walk(out)) {
        List<Path> old = new ArrayList<>(s.filter(Files::isRegularFile).toList());
        for (Path p : old) {
          if (!r.files().containsKey(out.relativize(p))) {
            Files.delete(p);
          }
        }
      }
    }
    for (Map.Entry<Path, byte[]> e : r.files().entrySet()) {
      AtomicWriter.write(out.resolve(e.getKey()), e.getValue());
    }
  }

  /** The files of {@code out} that differ from, are missing from, or are not in the result. */
  static List<String> stale(Result r, Path out) throws IOException {
    List<String> stale = new ArrayList<>();
    for (Map.Entry<Path, byte[]> e : r.files().entrySet()) {
      Path p = out.resolve(e.getKey());
      if (!Files.isRegularFile(p) || !java.util.Arrays.equals(Files.readAllBytes(p), e.getValue())) {
        stale.add(e.getKey().toString());
      }
    }
    if (Files.isDirectory(out)) {
      try (Stream<Path> s = Files.walk(out)) {
        s.filter(Files::isRegularFile).map(out::relativize).filter(p -> !r.files().containsKey(p))
            .forEach(p -> stale.add(p + " (not generated any more)"));
      }
    }
    return stale;
  }
}
