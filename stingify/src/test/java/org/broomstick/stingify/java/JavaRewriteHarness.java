package org.broomstick.stingify.java;

import org.broomstick.memwalk.frontend.JavaInputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.broomstick.annotations.Malloc;
import org.broomstick.memwalk.Memwalk;
import org.broomstick.memwalk.frontend.bytecode.BytecodeFrontend;
import org.broomstick.memwalk.report.Report;
import org.broomstick.memwalk.report.ReportJson;
import org.broomstick.memwalk.spec.ServerSpec;
import org.broomstick.runtime.Stingy;
import org.broomstick.stingify.Finding;
import org.broomstick.stingify.Stingify;
import org.broomstick.stingify.input.InputReader;
import org.broomstick.stingify.input.StingifyInput;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Stingygen;
import org.broomstick.stingygen.StingygenOptions;

/**
 * Runs a Java before/after pair the way a user's build does: javac compiles the before text, the
 * bytecode frontend and memwalk write report.json, stingygen plans and writes the {@code Ids} class
 * and allocator.json ({@code --target java}), stingify rewrites the source. For every pair it also
 * checks (STYLE.md 6–7): the result compiles against stingy-runtime and the generated {@code Ids}, a
 * second run over the result (recompiled and re-analysed) changes nothing, and the same pair with
 * CRLF line endings gives the same result with CRLF line endings.
 */
final class JavaRewriteHarness {
  static final String PACKAGE = "demo";
  private static final Pattern TYPE = Pattern.compile("(?m)^(?:public |final |abstract )*(?:class|interface|record|enum) (\\w+)");

  private final Path dir;
  private final String spec;

  JavaRewriteHarness(Path dir) {
    this(dir, null);
  }

  /** @param spec a broomstick.yaml for the analysis, or null */
  JavaRewriteHarness(Path dir, String spec) {
    this.dir = dir;
    this.spec = spec;
  }

  /** One run: the rewritten text of the (single) source, the findings and the files. */
  record Outcome(String after, List<Finding> findings, Path report, Path allocator, Path src, Path gen, Path file) {}

  /** Asserts that stingify turns {@code before} into {@code after}; returns the findings. */
  List<Finding> rewrite(String before, String after) throws Exception {
    Outcome lf = run("lf", before);
    assertThat(lf.after()).isEqualTo(after);
    compiles(lf, "lf");
    Outcome again = run("again", lf.after(), lf.gen());
    assertThat(again.after()).as("a second run over stingify's own output").isEqualTo(lf.after());
    Outcome crlf = run("crlf", before.replace("\n", "\r\n"));
    assertThat(crlf.after()).as("the same with CRLF line endings").isEqualTo(after.replace("\n", "\r\n"));
    return lf.findings();
  }

  /** Asserts that stingify leaves {@code source} byte for byte as it is; returns the findings. */
  List<Finding> unchanged(String source) throws Exception {
    Outcome o = run("same", source);
    assertThat(o.after()).isEqualTo(source);
    return o.findings();
  }

  /** Compiles and analyses {@code source} in {@code dir/name}, plans, and plans the rewrite. */
  Outcome run(String name, String source) throws Exception {
    return run(name, source, null);
  }

  /** @param ids a directory with a generated Ids class the source uses (a rewritten source), or null */
  Outcome run(String name, String source, Path ids) throws Exception {
    Path d = dir.resolve(name);
    List<Path> classpath = new ArrayList<>(List.of(annotations(), runtime()));
    if (ids != null) {
      // the previous run's Ids, compiled apart so the analysis does not read it as application code
      Path idsClasses = Files.createDirectories(d.resolve("ids-classes"));
      javac(javaFiles(ids), idsClasses, List.of(runtime()), List.of());
      classpath.add(idsClasses);
    }
    Path src = d.resolve("src");
    Matcher t = TYPE.matcher(source);
    assertThat(t.find()).as("a top-level type in the fixture").isTrue();
    Path file = Files.createDirectories(src.resolve(PACKAGE)).resolve(t.group(1) + ".java");
    Files.writeString(file, source, StandardCharsets.UTF_8);
    Path classes = Files.createDirectories(d.resolve("classes"));
    javac(List.of(file), classes, classpath, List.of("-g"));
    Path report = analyse(d, classes);
    Path gen = d.resolve("gen");
    Plan plan = Stingygen.plan(Stingygen.read(report),
        StingygenOptions.defaults().withCache(256L * 1024, 64).withStackBytes(4096L).withSolver(10, 1));
    Stingygen.write(plan, gen, Stingygen.Target.java(null));
    StingifyInput in = InputReader.read(report, gen.resolve("allocator.json"), d);
    Stingify.Plan p = Stingify.plan(in, List.of(src), null);
    Stingify.FilePlan fp = p.files().stream().filter(f -> f.path().equals(file)).findFirst().orElseThrow();
    return new Outcome(new String(fp.rewritten(), StandardCharsets.UTF_8), p.findings(), report,
        gen.resolve("allocator.json"), src, gen, file);
  }

  private Path analyse(Path d, Path classes) throws IOException {
    Path specFile = null;
    if (spec != null) {
      specFile = d.resolve("broomstick.yaml");
      Files.writeString(specFile, spec);
    }
    var r = BytecodeFrontend.load(new JavaInputs(List.of(classes), List.of(), ServerSpec.EMPTY, specFile, d));
    Report report = Memwalk.analyse(r.program(), Memwalk.Options.DEFAULTS);
    StringWriter w = new StringWriter();
    ReportJson.write(report, d.toString(), Map.of(), w);
    Path out = d.resolve("report.json");
    Files.writeString(out, w.toString());
    return out;
  }

  /** The rewritten source compiles against the runtime and the generated Ids, warnings as errors. */
  void compiles(Outcome o, String name) throws IOException {
    Path after = dir.resolve(name).resolve("after");
    Path f = Files.createDirectories(after.resolve(PACKAGE)).resolve(o.file().getFileName());
    Files.writeString(f, o.after());
    List<Path> files = new ArrayList<>(List.of(f));
    files.addAll(javaFiles(o.gen()));
    javac(files, Files.createDirectories(dir.resolve(name).resolve("after-classes")), List.of(annotations(), runtime()),
        List.of("-Xlint:all,-processing", "-Werror"));
  }

  private static List<Path> javaFiles(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  static void javac(List<Path> files, Path out, List<Path> classpath, List<String> extra) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, null)) {
      fm.setLocation(StandardLocation.CLASS_OUTPUT, List.of(out.toFile()));
      fm.setLocation(StandardLocation.CLASS_PATH, classpath.stream().map(Path::toFile).toList());
      List<String> options = new ArrayList<>(List.of("--release", "17", "-proc:none"));
      options.addAll(extra);
      boolean ok = javac.getTask(null, fm, diags, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
      StringBuilder text = new StringBuilder();
      for (Path p : files) {
        text.append(p).append(":\n").append(Files.readString(p)).append('\n');
      }
      assertThat(ok).as("javac: %s\n%s", diags.getDiagnostics(), text).isTrue();
    }
  }

  static Path annotations() {
    return jarOf(Malloc.class);
  }

  static Path runtime() {
    return jarOf(Stingy.class);
  }

  private static Path jarOf(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
