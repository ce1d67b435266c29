package org.broomstick.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.broomstick.memwalk.Memwalk;
import org.broomstick.memwalk.diag.Severity;
import org.broomstick.memwalk.report.Report;
import org.broomstick.memwalk.report.ReportJson;
import org.broomstick.memwalk.report.ReportText;
import org.broomstick.memwalk.report.Sarif;
import org.broomstick.memwalk.report.StageGraphExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code broomstick memwalk}: stages, per-task liveness, stack, globals, colours and order constraints. */
@Command(
    name = "memwalk",
    mixinStandardHelpOptions = true,
    description = {
      "Analyse a server: its stages, the objects a task holds at each stage (L_s) and allocates (A_s),",
      "stack per stage, globals, cycles, interference colours and allocation-order constraints."
    })
final class MemwalkCommand implements Callable<Integer> {

  enum Format {
    json,
    text,
    dot,
    graphml,
    sarif
  }

  @Mixin InputOptions input;
  @Mixin CommonOptions common;

  @Option(names = "--format", defaultValue = "json", paramLabel = "FORMAT",
      description = "json (report.json), text, dot or graphml (the stage graph), sarif (diagnostics); default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = "--entry", paramLabel = "FN", description = "Explore the stage graph from this function only.")
  String entry;

  @Option(names = "--global-threshold", paramLabel = "BYTES", defaultValue = "4096",
      converter = StingygenCommand.SizeConverter.class,
      description = "Globals up to this size are final, kept in the cache slab (default: ${DEFAULT-VALUE}).")
  long globalThreshold;

  @Option(names = "--cache-size", paramLabel = "BYTES|256K|1M", converter = StingygenCommand.SizeConverter.class,
      description = "L2 size the text report compares the working set with (default: this machine's L2).")
  Long cacheSize;

  @Spec CommandSpec spec;

  private Long cacheBytes() {
    if (cacheSize != null) {
      return cacheSize;
    }
    try {
      return org.broomstick.stingygen.cache.CacheGeometry.machineL2(
          org.broomstick.stingygen.StingygenOptions.defaults().sysCpuCache())[0];
    } catch (org.broomstick.stingygen.StingygenException e) {
      return null; // the kernel does not describe an L2: the report says the size is unknown
    }
  }

  @Override
  public Integer call() {
    Long cache = cacheBytes();
    long t0 = System.nanoTime();
    ProgramLoader.Loaded r = ProgramLoader.load(input, common);
    long t1 = System.nanoTime();
    Report report = Memwalk.analyse(r.program(), new Memwalk.Options(entry, globalThreshold));
    long t2 = System.nanoTime();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("units", r.units());
    stats.put("unitsWithErrors", r.unitsWithErrors());
    stats.put("frontendMillis", (t1 - t0) / 1_000_000);
    stats.put("analysisMillis", (t2 - t1) / 1_000_000);
    Outputs.write(common.output, spec.commandLine().getOut(), w -> {
      switch (format) {
        case text -> ReportText.write(report, cache, w);
        case dot -> StageGraphExport.dot(report, w);
        case graphml -> StageGraphExport.graphml(report, w);
        case sarif -> Sarif.write(report.diagnostics(), VersionProvider.version(), w);
        default -> ReportJson.write(report, java.nio.file.Path.of("").toAbsolutePath().toString(), stats, w);
      }
    });
    var err = spec.commandLine().getErr();
    ProgramLoader.printDiagnostics(report.diagnostics(), common, err, 20);
    long errors = report.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).count();
    long warnings = report.diagnostics().stream().filter(d -> d.severity() == Severity.WARNING).count();
    if (!common.quiet) {
      Report.WorkingSet ws = report.workingSet();
      err.printf("memwalk: %d units, %d stages, %d objects (%d per-task, %d colours, %d order constraints), "
              + "working set %d bytes per task; %d errors, %d warnings; frontend %d ms, analyses %d ms%n",
          r.units(), report.stages().stages().size(), report.program().allocs().size(),
          report.objects().perTask().size(), report.colouring().count(), report.orderConstraints().size(),
          ws.bytes(), errors, warnings, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
      err.flush();
    }
    return errors > 0 ? ExitCode.FINDINGS.code() : ExitCode.OK.code();
  }
}
