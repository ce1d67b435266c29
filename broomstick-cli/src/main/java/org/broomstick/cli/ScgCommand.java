package org.broomstick.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Severity;
import org.broomstick.memwalk.pointsto.Andersen;
import org.broomstick.memwalk.pointsto.PointsTo;
import org.broomstick.memwalk.report.ScgDot;
import org.broomstick.memwalk.report.ScgJson;
import org.broomstick.memwalk.scg.CallGraph;
import org.broomstick.memwalk.scg.CallGraphBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code broomstick scg}: the call graph with event edges, the quick look at a codebase. */
@Command(
    name = "scg",
    mixinStandardHelpOptions = true,
    description = "Read a C server into its call graph with event edges (no stage analyses).")
final class ScgCommand implements Callable<Integer> {

  enum Format {
    json,
    dot
  }

  @Mixin InputOptions input;
  @Mixin CommonOptions common;

  @Option(names = "--format", defaultValue = "json", description = "json or dot (default: ${DEFAULT-VALUE}).")
  Format format;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    ProgramLoader.Loaded r = ProgramLoader.load(input, common);
    long t1 = System.nanoTime();
    PointsTo pt = Andersen.analyse(r.program());
    long t2 = System.nanoTime();
    CallGraph g = CallGraphBuilder.build(r.program(), pt);
    List<Diagnostic> diags = ScgJson.all(g);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("units", r.units());
    stats.put("unitsWithErrors", r.unitsWithErrors());
    stats.put("functions", g.program().functions().stream().filter(f -> f.location().isKnown()).count());
    stats.put("externalFunctions", g.program().functions().stream().filter(f -> !f.location().isKnown()).count());
    stats.put("callEdges", g.callEdges());
    stats.put("eventEdges", g.eventEdges());
    stats.put("indirectCalls", g.indirectCalls().size());
    stats.put("indirectResolved", g.indirectCalls().size() - g.unresolvedIndirectCalls());
    stats.put("indirectUnresolved", g.unresolvedIndirectCalls());
    stats.put("parseMillis", r.parseMillis());
    Outputs.write(
        common.output,
        spec.commandLine().getOut(),
        w -> {
          if (format == Format.dot) {
            ScgDot.write(g, w);
          } else {
            ScgJson.write(g, pt, stats, w);
          }
        });
    if (Boolean.getBoolean("broomstick.timing")) {
      System.err.printf("timing: frontend %d ms, points-to %d ms, graph+output %d ms%n",
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
    }
    var err = spec.commandLine().getErr();
    ProgramLoader.printDiagnostics(diags, common, err, 20);
    long errors = diags.stream().filter(d -> d.severity() == Severity.ERROR).count();
    long warnings = diags.stream().filter(d -> d.severity() == Severity.WARNING).count();
    if (!common.quiet) {
      err.printf(
          "scg: %d units (%d with errors), %s functions, %d call edges, %d event edges, %d/%d indirect calls resolved; %d errors, %d warnings%n",
          r.units(), r.unitsWithErrors(), stats.get("functions"), g.callEdges(), g.eventEdges(),
          g.indirectCalls().size() - g.unresolvedIndirectCalls(), g.indirectCalls().size(), errors, warnings);
      err.flush();
    }
    return errors > 0 ? ExitCode.FINDINGS.code() : ExitCode.OK.code();
  }
}
