package org.broomstick.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Stingygen;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.StingygenOptions;
import org.broomstick.stingygen.cache.CacheGeometry;
import org.broomstick.stingygen.report.Report;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code broomstick stingygen}: report.json in; allocator.json, memory-map.txt and, for C,
 * stingy_config.h/.c and the C runtime, for Java the {@code Ids} config class out (SPEC §6, §8).
 * Exit 3 when the integer program is infeasible.
 */
@Command(
    name = "stingygen",
    mixinStandardHelpOptions = true,
    description = {
      "Size the Stingy allocator's pools from memwalk's report (an integer program on OR-Tools CP-SAT).",
      "Writes allocator.json, memory-map.txt and stingy_config.h, stingy_config.c and the C runtime (--target c)",
      "or <package path>/Ids.java (--target java) into DIR.",
      "Exit codes: 0 written, 1 bad report or plan, 2 usage, 3 infeasible."
    })
final class StingygenCommand implements Callable<Integer> {

  /** Byte counts as users write them: 1048576, 256K, 1M. */
  static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return CacheGeometry.parseSize(value);
      } catch (StingygenException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  enum Target {
    c,
    java
  }

  @Option(names = "--report", required = true, paramLabel = "FILE", description = "memwalk's report.json.")
  Path report;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = ".",
      description = "Directory for the outputs (default: the current directory).")
  Path output;

  @Option(names = "--cache-size", paramLabel = "BYTES", converter = SizeConverter.class,
      description = "Cache slab size: bytes, or 256K, 1M (default: half this machine's L2 from /sys; the other half is left to code, kernel copies and unmanaged data).")
  Long cacheSize;

  @Option(names = "--line-size", paramLabel = "BYTES", description = "Cache line size (default: this machine's).")
  Integer lineSize;

  @Option(names = "--stack-bytes", paramLabel = "BYTES", converter = SizeConverter.class,
      description = "Stack area size, replacing the report's estimate.")
  Long stackBytes;

  @Option(names = "--global-threshold", paramLabel = "BYTES", converter = SizeConverter.class,
      description = "Globals up to this size are final (kept in the cache slab), larger ones temporary"
          + " (default: the report's classification).")
  Long globalThreshold;

  @Option(names = "--solver-seconds", paramLabel = "S", defaultValue = "10",
      description = "CP-SAT time limit; past it the best solution so far (default: ${DEFAULT-VALUE}).")
  double solverSeconds;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
      description = "CP-SAT workers; 1 gives the same plan on every run (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--strict", description = "Also require all per-task objects to fit in tau at once.")
  boolean strict;

  @Option(names = "--target", defaultValue = "c",
      description = "c: stingy_config.h/.c and the C runtime; java: the config class Ids.java under its package path"
          + " (default: ${DEFAULT-VALUE}).")
  Target target;

  @Option(names = "--java-package", paramLabel = "PKG",
      description = "Package of the generated Ids class for --target java (default: broomstick.generated).")
  String javaPackage;

  @Option(names = "--service-micros", defaultValue = "50", paramLabel = "US",
      description = "Assumed service time per task, for the Little's-law line (default: ${DEFAULT-VALUE}).")
  double serviceMicros;

  @Option(names = "--round-trip-micros", defaultValue = "100", paramLabel = "US",
      description = "Assumed network round trip per task, for the same line (default: ${DEFAULT-VALUE}).")
  double roundTripMicros;

  @Option(names = {"-q", "--quiet"}, description = "Print only errors.")
  boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces of internal errors.")
  boolean verbose;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (javaPackage != null && target != Target.java) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--java-package needs --target java");
    }
    if (workers < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be at least 1");
    }
    StingygenOptions options = StingygenOptions.defaults()
        .withCache(cacheSize, lineSize)
        .withStackBytes(stackBytes)
        .withGlobalThreshold(globalThreshold)
        .withSolver(solverSeconds, workers)
        .withStrict(strict)
        .withLittle(serviceMicros, roundTripMicros);
    Plan plan;
    List<Path> written;
    try {
      Stingygen.Target t = target == Target.java ? Stingygen.Target.java(javaPackage) : Stingygen.Target.C;
      Report r = Stingygen.read(report);
      plan = Stingygen.plan(r, options);
      written = Stingygen.write(plan, output, t);
    } catch (StingygenException e) {
      throw toBroomstick(e);
    }
    if (!quiet) {
      PrintWriter err = spec.commandLine().getErr();
      var s = plan.sizing();
      err.printf(
          "stingygen: %s, objective %.6g (bound %.6g, gap %.2f%%) in %d ms; %d objects managed in %d regions,"
              + " %d left to the default allocator; tau %d of %d cache bytes%n",
          s.status(), s.objective(), s.bound(), 100 * s.gap(), s.wallMillis(), plan.map().objects().size(),
          plan.map().regions().size(), plan.workload().unmanaged().size(), plan.workload().tauBytes(),
          plan.map().cacheBytes());
      for (Plan.StagePlan st : plan.stages()) {
        if (st.entryStage() && st.admissionCap() > 0) {
          err.printf("stingygen: entry stage %s admits at most %d tasks in flight%n", st.entry(), st.admissionCap());
        }
      }
      err.printf("stingygen: wrote %d files to %s%n", written.size(), output);
      err.flush();
    }
    return ExitCode.OK.code();
  }

  private BroomstickException toBroomstick(StingygenException e) {
    SourceLocation at = e.file() != null
        ? SourceLocation.of(e.file(), e.line(), e.column())
        : SourceLocation.ofFile(report.toString());
    ExitCode code = switch (e.kind()) {
      case INPUT, PLAN -> ExitCode.FINDINGS;
      case USAGE -> ExitCode.USAGE;
      case INFEASIBLE -> ExitCode.INFEASIBLE;
    };
    return new BroomstickException(code, Diagnostic.error(at, e.key(), e.getMessage()), e);
  }
}
