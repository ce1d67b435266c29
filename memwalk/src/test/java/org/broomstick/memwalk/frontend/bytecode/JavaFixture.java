package org.broomstick.memwalk.frontend.bytecode;

import org.broomstick.memwalk.frontend.JavaInputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.broomstick.annotations.QueueStage;
import org.broomstick.memwalk.liveness.Liveness;
import org.broomstick.memwalk.liveness.TaskLiveness;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.pointsto.Andersen;
import org.broomstick.memwalk.pointsto.PointsTo;
import org.broomstick.memwalk.scg.CallGraph;
import org.broomstick.memwalk.scg.CallGraphBuilder;
import org.broomstick.memwalk.scg.Edge;
import org.broomstick.memwalk.scg.StageDiscovery;
import org.broomstick.memwalk.scg.StageGraph;
import org.broomstick.memwalk.spec.ServerSpec;

/**
 * Compiles Java snippets with javac into a directory (the annotations on the classpath), runs the
 * bytecode frontend on it and the analyses on the program, and names things by {@code Class.method}.
 */
final class JavaFixture {
  private static final Pattern TYPE = Pattern.compile("(?m)^(?:public |final |abstract )*(?:class|interface|record|enum) (\\w+)");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");

  final Path classes;
  final BytecodeFrontend.Result result;
  final Program program;
  final PointsTo pointsTo;
  final CallGraph callGraph;
  final StageGraph stages;

  private JavaFixture(Path classes, BytecodeFrontend.Result result) {
    this.classes = classes;
    this.result = result;
    this.program = result.program();
    this.pointsTo = Andersen.analyse(program);
    this.callGraph = CallGraphBuilder.build(program, pointsTo);
    this.stages = StageDiscovery.discover(callGraph, null);
  }

  /** Compiles each source (one top-level type each, named after it) and loads the classes. */
  static JavaFixture of(Path dir, String... sources) throws IOException {
    Path classes = compile(dir, List.of("-g"), sources);
    return load(classes, null);
  }

  static JavaFixture load(Path classes, Path specFile) {
    return new JavaFixture(classes, BytecodeFrontend.load(
        new JavaInputs(List.of(classes), List.of(), ServerSpec.EMPTY, specFile, classes)));
  }

  static Path compile(Path dir, List<String> javacOptions, String... sources) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<Path> files = new ArrayList<>();
    for (String s : sources) {
      Matcher t = TYPE.matcher(s);
      assertThat(t.find()).as("a top-level type in %s", s).isTrue();
      Matcher p = PACKAGE.matcher(s);
      Path pkg = p.find() ? src.resolve(p.group(1).replace('.', '/')) : src;
      Path f = Files.createDirectories(pkg).resolve(t.group(1) + ".java");
      Files.writeString(f, s);
      files.add(f);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, null)) {
      fm.setLocation(StandardLocation.CLASS_OUTPUT, List.of(classes.toFile()));
      fm.setLocation(StandardLocation.CLASS_PATH, List.of(annotations().toFile()));
      List<String> options = new ArrayList<>(List.of("--release", "17", "-proc:none"));
      options.addAll(javacOptions);
      boolean ok = javac.getTask(null, fm, diags, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
      assertThat(ok).as("javac: %s", diags.getDiagnostics()).isTrue();
    }
    return classes;
  }

  static Path annotations() {
    try {
      return Path.of(QueueStage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ queries by name

  /** The one function named {@code Class.method} (lambdas: {@code Class.lambda$method$0}). */
  Function function(String name) {
    List<Function> fs = program.functions().stream().filter(f -> f.name().equals(name) && f.defined()).toList();
    assertThat(fs).as("functions named %s", name).hasSize(1);
    return fs.get(0);
  }

  String id(String name) {
    return function(name).id();
  }

  String name(String id) {
    return program.functionsById().get(id).name();
  }

  /** Names of the functions the edges of {@code kind} from {@code from} reach. */
  List<String> targets(String from, Edge.Kind kind) {
    String id = id(from);
    return callGraph.edges().stream().filter(e -> e.from().equals(id) && e.kind() == kind).map(e -> name(e.to())).sorted().toList();
  }

  /** Names of the stage entries. */
  List<String> stageNames() {
    return stages.stages().stream().map(s -> name(s.id())).sorted().toList();
  }

  Liveness liveness() {
    return TaskLiveness.analyse(stages, pointsTo);
  }

  Liveness.StageFacts stage(Liveness l, String name) {
    String id = id(name);
    return l.stages().stream().filter(s -> s.stage().equals(id)).findFirst().orElseThrow();
  }

  List<CallSite> callsIn(String name) {
    String id = id(name);
    return program.calls().stream().filter(c -> c.caller().equals(id)).toList();
  }

  Optional<CallSite> call(String caller, String calleeName) {
    return callsIn(caller).stream().filter(c -> c.callee() != null && name(c.callee()).equals(calleeName)).findFirst();
  }

  SortedSet<String> functionsOf(String cell) {
    return pointsTo.functionsOf(cell);
  }

  Map<String, Long> shallowSizes() {
    return result.shallowSizes();
  }
}
