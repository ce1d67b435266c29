package org.broomstick.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.spi.ToolProvider;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

/** Compiles source text in-process against this module's classes, and disassembles the result. */
final class Javac {
  private Javac() {}

  /** The outcome of one compilation: javac's error messages and the output directory. */
  record Result(List<String> errors, Path classes) {
    boolean ok() {
      return errors.isEmpty();
    }

    Path classFile(String binaryName) {
      return classes.resolve(binaryName.replace('.', '/') + ".class");
    }

    /** {@code javap -v -p} of one compiled class, as text. */
    String javap(String binaryName) {
      ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int rc =
          javap.run(
              new PrintWriter(out),
              new PrintWriter(err),
              "-v",
              "-p",
              classFile(binaryName).toString());
      assertThat(rc).as("javap: %s", err).isZero();
      return out.toString();
    }
  }

  /** Compiles one public class {@code binaryName} (default package allowed) from {@code source}. */
  static Result compile(Path out, String binaryName, String source) throws IOException {
    JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diags, Locale.ROOT, null)) {
      files.setLocation(StandardLocation.CLASS_OUTPUT, List.of(out.toFile()));
      files.setLocation(StandardLocation.CLASS_PATH, List.of(annotationClasses().toFile()));
      JavaFileObject unit =
          new SimpleJavaFileObject(
              URI.create("string:///" + binaryName.replace('.', '/') + ".java"),
              JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
              return source;
            }
          };
      // -g:none: the annotations must reach the class file without debug tables
      List<String> options = List.of("--release", "17", "-g:none", "-proc:none");
      javac.getTask(null, files, diags, options, null, List.of(unit)).call();
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(d.getLineNumber() + ": " + d.getMessage(Locale.ROOT));
      }
    }
    return new Result(errors, out);
  }

  /** Where the annotation classes under test were loaded from (target/classes). */
  static Path annotationClasses() {
    try {
      return Path.of(QueueStage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
