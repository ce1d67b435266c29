package org.broomstick.cli;

import org.broomstick.memwalk.frontend.JavaInputs;

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

  /** A program and the run's figures, whatever the frontend: units are C files or Java classes. */
  record Loaded(org.broomstick.memwalk.model.Program program, int units, int unitsWithErrors, long parseMillis) {}

  static Loaded load(InputOptions in, CommonOptions common) {
    if (in.lang.equals("java")) {
      return loadJava(in);
    }
    if (!in.lang.equals("c")) {
      throw new BroomstickException(
          ExitCode.USAGE,
          Diagnostic.error(SourceLocation.NONE, "usage.lang", "--lang " + in.lang + " is not a language Broomstick reads (c or java)"));
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
            bar,
            in.prelude); // null: CFrontend.Prelude.byDefault()
    try {
      CFrontend.Result r = CFrontend.load(opts);
      return new Loaded(r.program(), r.stats().units(), r.stats().unitsWithErrors(), r.stats().parseMillis());
    } catch (InputException e) {
      throw new BroomstickException(ExitCode.FINDINGS, e.diagnostic(), e);
    } finally {
      bar.finish();
    }
  }

  private static Loaded loadJava(InputOptions in) {
    if (in.paths.isEmpty()) {
      throw new BroomstickException(ExitCode.USAGE, Diagnostic.error(SourceLocation.NONE, "input.none",
          "no input paths given (class directories, jars or class files)"));
    }
    try {
      if (areSources(in.paths)) {
        var r = org.broomstick.memwalk.frontend.source.SourceFrontend.load(
            new org.broomstick.memwalk.frontend.JavaInputs(
                in.paths, in.classpath, ServerSpec.EMPTY, in.specFile(), Path.of("")));
        return new Loaded(r.program(), r.stats().files(), r.stats().filesWithErrors(), r.stats().millis());
      }
      var r = org.broomstick.memwalk.frontend.bytecode.BytecodeFrontend.load(
          new org.broomstick.memwalk.frontend.JavaInputs(
              in.paths, in.classpath, ServerSpec.EMPTY, in.specFile(), Path.of("")));
      return new Loaded(r.program(), r.stats().classes(), 0, r.stats().millis());
    } catch (InputException e) {
      throw new BroomstickException(ExitCode.FINDINGS, e.diagnostic(), e);
    }
  }

  /**
   * Java sources go to the source frontend: every path is a {@code .java} file or a directory
   * holding {@code .java} files and no {@code .class} files (a build's output next to its sources
   * is analysed as classes, which javac has already checked).
   */
  static boolean areSources(List<Path> paths) {
    for (Path p : paths) {
      if (java.nio.file.Files.isDirectory(p)) {
        boolean[] seen = new boolean[2];
        try (var walk = java.nio.file.Files.walk(p)) {
          walk.forEach(f -> {
            String n = f.toString();
            seen[0] |= n.endsWith(".java");
            seen[1] |= n.endsWith(".class");
          });
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
          return false; // the bytecode frontend reports the unreadable directory
        }
        if (!seen[0] || seen[1]) {
          return false;
        }
      } else if (!p.toString().endsWith(".java")) {
        return false;
      }
    }
    return !paths.isEmpty();
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
