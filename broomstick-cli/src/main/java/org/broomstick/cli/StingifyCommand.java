package org.broomstick.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.stingify.Finding;
import org.broomstick.stingify.Stingify;
import org.broomstick.stingify.input.InputException;
import org.broomstick.stingify.input.InputReader;
import org.broomstick.stingify.input.StingifyInput;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code broomstick stingify}: rewrites allocation and free sites to the Stingy allocator (SPEC §7). */
@Command(
    name = "stingify",
    mixinStandardHelpOptions = true,
    description = {
      "Rewrite the allocation and free sites of managed objects to stingy_alloc/stingy_free (C)",
      "or Stingy.alloc(Ids.X)/Stingy.free(b) (Java; the PATHs are source roots).",
      "Refuses files that changed since the report; never leaves a half-written file."
    })
final class StingifyCommand implements Callable<Integer> {

  @Option(names = "--report", required = true, paramLabel = "FILE", description = "report.json from memwalk.")
  Path report;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "allocator.json from stingygen.")
  Path config;

  static final class Mode {
    @Option(names = "--diff", description = "Print a unified diff (the default).")
    boolean diff;

    @Option(names = "--out", paramLabel = "DIR", description = "Write a patched copy of the analysed files under DIR.")
    Path out;

    @Option(names = "--in-place", description = "Rewrite the files in place (atomically, one file at a time).")
    boolean inPlace;

    @Option(names = "--check", description = "Exit 1 when the files are not up to date (for CI); write nothing.")
    boolean check;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Mode mode = new Mode();

  @Option(names = {"-q", "--quiet"}, description = "Print only errors.")
  boolean quiet;

  @Parameters(paramLabel = "PATH", description = {
      "Files or directories to rewrite (default: every analysed file).",
      "For a Java report: source roots, where the report's package paths are looked up"
          + " (default: the report's base and its src/main/java)."})
  List<Path> paths = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    Stingify.Plan plan;
    try {
      StingifyInput in = InputReader.read(report, config, Path.of(""));
      plan = Stingify.plan(in, paths, null);
    } catch (InputException e) {
      throw new BroomstickException(ExitCode.FINDINGS, Diagnostic.error(SourceLocation.NONE, "stingify.input", e.getMessage()));
    } catch (Stingify.StaleException e) {
      e.findings().forEach(f -> err.println(f.format()));
      err.println("stingify: nothing written; " + e.getMessage());
      err.flush();
      return ExitCode.FINDINGS.code();
    } catch (IOException e) {
      throw new BroomstickException(ExitCode.FINDINGS, Diagnostic.error(SourceLocation.NONE, "stingify.io", e.getMessage()));
    }
    if (!quiet) {
      for (Finding f : plan.findings()) {
        if (!f.severity().equals("note")) {
          err.println(f.format());
        }
      }
    }
    List<Stingify.FilePlan> changed = plan.changed();
    try {
      if (mode.check) {
        for (Stingify.FilePlan f : changed) {
          err.println(f.shown() + ": not up to date (stingify would rewrite it)");
        }
      } else if (mode.out != null) {
        Stingify.writeOut(plan, mode.out);
      } else if (mode.inPlace) {
        Stingify.writeInPlace(plan);
      } else {
        spec.commandLine().getOut().print(Stingify.diff(plan));
        spec.commandLine().getOut().flush();
      }
    } catch (IOException e) {
      throw new BroomstickException(ExitCode.FINDINGS, Diagnostic.error(SourceLocation.NONE, "stingify.io",
          "cannot write: " + e.getMessage()));
    }
    if (!quiet) {
      long notes = plan.findings().stream().filter(f -> f.severity().equals("note")).count();
      err.printf("stingify: %d files, %d to rewrite%s; %d sites left alone%n", plan.files().size(), changed.size(),
          mode.out != null ? " (copies in " + mode.out + ")" : mode.inPlace ? " (rewritten in place)" : "",
          plan.findings().size());
      if (notes > 0 && !mode.check) {
        plan.findings().stream().filter(f -> f.severity().equals("note")).forEach(f -> err.println(f.format()));
      }
      err.flush();
    }
    return mode.check && !changed.isEmpty() ? ExitCode.FINDINGS.code() : ExitCode.OK.code();
  }
}
