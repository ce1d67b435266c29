package org.broomstick.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.InputException;
import org.broomstick.memwalk.diag.Severity;
import org.broomstick.memwalk.frontend.c.CFrontend;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.ServerSpec;

/** Turns input options into a program model through the right frontend. */
final class ProgramLoader {
  private ProgramLoader() {}

  static CFrontend.Result load(InputOptions in, CommonOptions common) {
    if (!in.lang.equals("c")) {
      throw new BroomstickException(
          ExitCode.USAGE,
          Diagnostic.error(SourceLocation.NONE, "usage.lang", "--lang " + in.lang + " is not supported yet (only c)"));
    }
    ServerSpec spec = ServerSpec.EMPTY;
    if (in.spec != null && !java.nio.file.Files.isRegularFile(in.spec)) {
      throw new BroomstickException(
          ExitCode.FINDINGS,
          Diagnostic.error(SourceLocation.ofFile(in.spec.toString()), "spec.unreadable", "spec file not found"));
    }
    ProgressBar bar = new ProgressBar(System.err, !common.quiet);
    CFrontend.Options opts =
        new CFrontend.Options(
            in.paths,
            in.compileCommands,
            in.includes,
            in.defineMap(),
            in.suDirs,
            spec,
            in.specFile(),
            in.ilp32,
            in.threads(),
            Path.of(""),
            in.compiler,
            bar);
    try {
      return CFrontend.load(opts);
    } catch (InputException e) {
      throw new BroomstickException(ExitCode.FINDINGS, e.diagnostic(), e);
    } finally {
      bar.finish();
    }
  }

  /**
   * Prints diagnostics to stderr: errors always, warnings unless quiet, notes with -v; without -v
   * at most {@code limit} lines and a count of the rest.
   */
  static void printDiagnostics(List<Diagnostic> diags, CommonOptions common, PrintWriter err, int limit) {
    int shown = 0;
    int hidden = 0;
    // Errors first, all of them: a limit must never hide why a run failed.
    List<Diagnostic> ordered = new java.util.ArrayList<>(diags);
    ordered.sort(java.util.Comparator.comparing((Diagnostic d) -> d.severity() != Severity.ERROR));
    for (Diagnostic d : ordered) {
      boolean wanted =
          d.severity() == Severity.ERROR
              || (d.severity() == Severity.WARNING && !common.quiet)
              || common.verbose;
      if (!wanted) {
        continue;
      }
      if (!common.verbose && shown >= limit && d.severity() != Severity.ERROR) {
        hidden++;
        continue;
      }
      err.println(d.format());
      shown++;
    }
    if (hidden > 0) {
      err.println("... " + hidden + " more diagnostics (all are in the JSON output; -v prints them here)");
    }
    err.flush();
  }
}
