package org.broomstick.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.broomstick.memwalk.Memwalk;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Severity;
import org.broomstick.memwalk.frontend.c.CFrontend;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.report.Report;
import org.broomstick.memwalk.report.ReportJson;
import org.broomstick.stingify.Finding;
import org.broomstick.stingify.Stingify;
import org.broomstick.stingify.edit.AtomicWriter;
import org.broomstick.stingify.input.InputException;
import org.broomstick.stingify.input.InputReader;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Stingygen;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.StingygenOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code broomstick optimize PATH -o DIR}: memwalk, stingygen and stingify in one go (SPEC §8), the
 * build step of a C server. DIR receives report.json, allocator.json, memory-map.txt, the runtime
 * and its configuration, and a patched copy of the analysed sources at their paths under PATH.
 */
@Command(
    name = "optimize",
    mixinStandardHelpOptions = true,
    description = {
      "Analyse, size and rewrite a C server in one step: DIR gets report.json, allocator.json,",
      "memory-map.txt, stingy.{h,c}, stingy_sched.{h,c}, stingy_config.{h,c} and the patched sources."
    })
final class OptimizeCommand implements Callable<Integer> {

  @Mixin InputOptions input;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "broomstick-out",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--diff", description = "Print the rewrite as a unified diff instead of writing patched sources.")
  boolean diff;

  @Option(names = "--entry", paramLabel = "FN", description = "Explore the stage graph from this function only.")
  String entry;

  @Option(names = "--cache-size", paramLabel = "BYTES", converter = StingygenCommand.SizeConverter.class,
      description = "Cache size to plan for (default: half this machine's L2).")
  Long cacheSize;

  @Option(names = "--stack-bytes", paramLabel = "BYTES", converter = StingygenCommand.SizeConverter.class,
      description = "Stack to reserve instead of the analysed figure (needed when recursion leaves it unbounded).")
  Long stackBytes;

  @Option(names = "--global-threshold", paramLabel = "BYTES", defaultValue = "4096",
      converter = StingygenCommand.SizeConverter.class,
      description = "Globals up to this size stay in the cache slab (default: ${DEFAULT-VALUE}).")
  long globalThreshold;

  @Option(names = "--solver-seconds", paramLabel = "S", defaultValue = "10",
      description = "Time limit of the integer program (default: ${DEFAULT-VALUE}).")
  double solverSeconds;

  @Option(names = "--strict", description = "Also require all per-task objects to fit in the cache at once.")
  boolean strict;

  @Option(names = {"-q", "--quiet"}, description = "Print only errors.")
  boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "Print every diagnostic, and stack traces of internal errors.")
  boolean verbose;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (input.paths.size() != 1) {
      throw new BroomstickException(ExitCode.USAGE, Diagnostic.error(SourceLocation.NONE, "usage.path",
          "optimize takes one PATH (the server's directory or file), got " + input.paths.size()));
    }
    CommonOptions common = new CommonOptions();
    common.quiet = quiet;
    common.verbose = verbose;
    Path out = output.toAbsolutePath().normalize();
    Files.createDirectories(out);
    // Marks the directory so that a later run over PATH does not read these copies as input.
    AtomicWriter.write(out.resolve(CFrontend.OUTPUT_MARKER),
        "Broomstick output: not read as input when analysing a parent directory.\n".getBytes(StandardCharsets.UTF_8));

    // 1. memwalk
    ProgramLoader.Loaded loaded = ProgramLoader.load(input, common);
    Report report = Memwalk.analyse(loaded.program(), new Memwalk.Options(entry, globalThreshold));
    ProgramLoader.printDiagnostics(report.diagnostics(), common, err, 20);
    if (report.diagnostics().stream().anyMatch(d -> d.severity() == Severity.ERROR)) {
      err.println("optimize: memwalk found errors; nothing sized or rewritten");
      err.flush();
      return ExitCode.FINDINGS.code();
    }
    Path reportJson = out.resolve("report.json");
    StringWriter json = new StringWriter();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("units", loaded.units());
    ReportJson.write(report, Path.of("").toAbsolutePath().toString(), stats, json);
    AtomicWriter.write(reportJson, json.toString().getBytes(StandardCharsets.UTF_8));
    if (report.stages().stages().isEmpty()) {
      err.println("optimize: no stages declared; nothing to size (report.json written)");
      err.flush();
      return ExitCode.FINDINGS.code();
    }

    // 2. stingygen
    Plan plan;
    try {
      StingygenOptions options = StingygenOptions.defaults()
          .withCache(cacheSize, null)
          .withStackBytes(stackBytes)
          .withGlobalThreshold(globalThreshold)
          .withSolver(solverSeconds, 1)
          .withStrict(strict);
      plan = Stingygen.plan(Stingygen.read(reportJson), options);
      Stingygen.write(plan, out);
    } catch (StingygenException e) {
      ExitCode code = switch (e.kind()) {
        case INPUT, PLAN -> ExitCode.FINDINGS;
        case USAGE -> ExitCode.USAGE;
        case INFEASIBLE -> ExitCode.INFEASIBLE;
      };
      throw new BroomstickException(code, Diagnostic.error(SourceLocation.ofFile(reportJson.toString()), e.key(), e.getMessage()), e);
    }

    // 3. stingify
    Stingify.Plan rewrite;
    try {
      rewrite = Stingify.plan(InputReader.read(reportJson, out.resolve("allocator.json"), Path.of("")), List.of(input.paths.get(0)), null);
    } catch (InputException e) {
      throw new BroomstickException(ExitCode.FINDINGS, Diagnostic.error(SourceLocation.NONE, "stingify.input", e.getMessage()));
    } catch (Stingify.StaleException e) {
      e.findings().forEach(f -> err.println(f.format()));
      err.flush();
      return ExitCode.FINDINGS.code();
    }
    if (diff) {
      spec.commandLine().getOut().print(Stingify.diff(rewrite));
      spec.commandLine().getOut().flush();
    } else {
      Stingify.writeOut(rewrite, out);
    }
    if (!quiet) {
      for (Finding f : rewrite.findings()) {
        if (!f.severity().equals("note") || verbose) {
          err.println(f.format());
        }
      }
      var s = plan.sizing();
      Report.WorkingSet ws = report.workingSet();
      err.printf("optimize: %d stages, %d objects (%d per-task), working set %d bytes per task%n",
          report.stages().stages().size(), report.program().allocs().size(), report.objects().perTask().size(), ws.bytes());
      err.printf("optimize: %s in %d ms, %d objects managed in %d regions (%s), tau %d of %d cache bytes%n",
          s.status(), s.wallMillis(), plan.map().objects().size(), plan.map().regions().size(), counts(plan),
          plan.workload().tauBytes(), plan.map().cacheBytes());
      for (Plan.StagePlan st : plan.stages()) {
        if (st.entryStage() && st.admissionCap() > 0) {
          err.printf("optimize: entry stage %s admits at most %d tasks in flight%n", st.entry(), st.admissionCap());
        }
      }
      err.printf("optimize: %d of %d files rewritten%s; output in %s%n", rewrite.changed().size(), rewrite.files().size(),
          diff ? " (diff on stdout)" : "", output);
      err.flush();
    }
    return ExitCode.OK.code();
  }

  private static String counts(Plan plan) {
    StringBuilder b = new StringBuilder("n =");
    plan.map().objects().stream().limit(8).forEach(o -> b.append(' ').append(o.count()));
    if (plan.map().objects().size() > 8) {
      b.append(" …");
    }
    return b.toString();
  }
}
