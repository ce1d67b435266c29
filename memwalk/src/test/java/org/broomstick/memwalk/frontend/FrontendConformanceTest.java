package org.broomstick.memwalk.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
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
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.objects.ObjectClassifier;
import org.broomstick.memwalk.pointsto.Andersen;
import org.broomstick.memwalk.pointsto.PointsTo;
import org.broomstick.memwalk.scg.CallGraph;
import org.broomstick.memwalk.scg.CallGraphBuilder;
import org.broomstick.memwalk.scg.Edge;
import org.broomstick.memwalk.scg.StageDiscovery;
import org.broomstick.memwalk.scg.StageGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One specification, two Java frontends (STYLE.md example 10; issue 7, item 3): the same snippets
 * through the bytecode frontend (compiled with javac) and the source frontend must give the same
 * stages (by entry name), event edges, call edges between the program's functions, objects (by
 * {@code file:line#allocator}: class files have no columns), {@code L_s}/{@code A_s} and object
 * classes. Frame and code sizes legitimately differ and are not compared.
 */
public abstract class FrontendConformanceTest {

  @TempDir protected Path dir;

  /** Loads the snippets written under {@code src} (package directories) with one frontend. */
  protected abstract Program load(Path src) throws Exception;

  /** The interface of every snippet: a task, a stage interface, queue, alloc and free. */
  public static final String SERVER = """
      package demo;
      import java.nio.ByteBuffer;
      import org.broomstick.annotations.*;
      public final class Srv {
        public interface Handler { void handle(Req r); }
        public static final class Req { public ByteBuffer buf; public boolean err; public String path; }
        @QueueStage public static void queue(@QueueStage.Task Req r, @QueueStage.Stage Handler h) {}
        @Malloc public static ByteBuffer buffer(@Malloc.Size int n) { return ByteBuffer.allocateDirect(n); }
        @Free public static void release(ByteBuffer b) {}
      }
      """;

  /** The snippets of the conformance cases, by case name (each with {@link #SERVER}). */
  public static final Map<String, String> CASES = new TreeMap<>(Map.ofEntries(Map.entry(
      "lambda", """
          package demo;
          public class Lambdas {
            static void start(Srv.Req r) {
              int limit = 3;
              Srv.queue(r, req -> work(req, limit));
              Srv.queue(r, req -> { Runnable nested = () -> work(req, 1); nested.run(); });
            }
            static void work(Srv.Req r, int n) {}
            static void main() { Srv.queue(new Srv.Req(), Lambdas::start); }
          }
          """),
      Map.entry("methodReference", """
          package demo;
          public class Refs {
            static void start(Srv.Req r) { Srv.queue(r, Refs::parse); }
            static void parse(Srv.Req r) { Srv.queue(r, new Refs()::respond); }
            void respond(Srv.Req r) {}
            static void main(Srv.Req r) { Srv.queue(r, Refs::start); }
          }
          """),
      Map.entry("stageObject", """
          package demo;
          public class Objects {
            static final class Parse implements Srv.Handler { public void handle(Srv.Req r) {} }
            static final class Reply implements Srv.Handler { public void handle(Srv.Req r) {} }
            static final class Unused implements Srv.Handler { public void handle(Srv.Req r) {} }
            static final class Elsewhere implements Srv.Handler { public void handle(Srv.Req r) {} }
            static Srv.Handler kept = new Elsewhere();
            static void start(Srv.Req r) {
              Srv.Handler h = r.err ? new Parse() : new Reply();
              Srv.queue(r, h);
            }
          }
          """),
      Map.entry("handlerMap", """
          package demo;
          import java.util.HashMap;
          import java.util.Map;
          public class Router {
            static final Map<String, Srv.Handler> ROUTES = new HashMap<>();
            static final Srv.Handler[] TABLE = { Router::c, r -> d(r) };
            static {
              ROUTES.put("/a", Router::a);
              ROUTES.put("/b", Router::b);
            }
            static void route(Srv.Req r) {
              Srv.queue(r, ROUTES.getOrDefault(r.path, Router::missing));
            }
            static void table(Srv.Req r, int i) { Srv.queue(r, TABLE[i]); }
            static void a(Srv.Req r) {}
            static void b(Srv.Req r) {}
            static void c(Srv.Req r) {}
            static void d(Srv.Req r) {}
            static void missing(Srv.Req r) {}
          }
          """),
      Map.entry("recursion", """
          package demo;
          public class Rec {
            static int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }
            int even(int n) { return n == 0 ? 1 : odd(n - 1); }
            int odd(int n) { return n == 0 ? 0 : even(n - 1); }
            static void stage(Srv.Req r) { depth(3); new Rec().even(4); }
            static void main() { Srv.queue(new Srv.Req(), Rec::stage); }
          }
          """),
      Map.entry("errorPathFree", """
          package demo;
          public class Pipeline {
            static void accept(Srv.Req r) {
              r.buf = Srv.buffer(4096);
              Srv.queue(r, Pipeline::parse);
            }
            static void parse(Srv.Req r) {
              if (r.err) {
                Srv.release(r.buf);
                Srv.queue(r, Pipeline::close);
                return;
              }
              Srv.queue(r, Pipeline::respond);
            }
            static void close(Srv.Req r) {}
            static void respond(Srv.Req r) {
              Srv.release(r.buf);
            }
            static void main() { Srv.queue(new Srv.Req(), Pipeline::accept); }
          }
          """),
      Map.entry("tryCatch", """
          package demo;
          public class Guarded {
            static void accept(Srv.Req r) {
              r.buf = Srv.buffer(64);
              Srv.queue(r, Guarded::work);
            }
            static void work(Srv.Req r) {
              try {
                check(r);
                Srv.release(r.buf);
              } catch (IllegalStateException e) {
                Srv.queue(r, Guarded::fail);
                return;
              }
              Srv.queue(r, Guarded::done);
            }
            static void check(Srv.Req r) { if (r.err) throw new IllegalStateException(); }
            static void fail(Srv.Req r) {}
            static void done(Srv.Req r) {}
            static void main() { Srv.queue(new Srv.Req(), Guarded::accept); }
          }
          """),
      Map.entry("nullGuard", """
          package demo;
          public class Guard {
            static void accept(Srv.Req r) {
              r.buf = Srv.buffer(64);
              Srv.queue(r, Guard::done);
            }
            static void done(Srv.Req r) {
              java.nio.ByteBuffer b = r.buf;
              if (b == null) {
                return;
              }
              Srv.release(b);
            }
            static void main() { Srv.queue(new Srv.Req(), Guard::accept); }
          }
          """),
      Map.entry("castFromLibrary", """
          package demo;
          import java.nio.ByteBuffer;
          import java.util.ArrayDeque;
          import org.broomstick.annotations.*;
          public class Casts {
            public interface Stage { void run(Conn c); }
            public static final class Conn { public ByteBuffer in; public Stage next; }
            static final ArrayDeque<Object> EVENTS = new ArrayDeque<>();
            @QueueStage static void queue(@QueueStage.Task Conn c, @QueueStage.Stage Stage s) { c.next = s; EVENTS.addLast(c); }
            @Malloc static Conn conn() { return new Conn(); }
            @Free static void free(Conn c) {}
            static void accept(Conn l) {
              Conn c = conn();
              c.in = Srv.buffer(64);
              EVENTS.addLast(Srv.buffer(16));
              queue(c, Casts::close);
            }
            static void close(Conn c) {
              Srv.release(c.in);
              free(c);
            }
            static void loop() {
              Conn c = (Conn) EVENTS.pollFirst();
              c.next.run(c);
            }
            static void main() { queue(new Conn(), Casts::accept); }
          }
          """),
      Map.entry("copiesOnly", """
          package demo;
          import java.io.IOException;
          import java.nio.ByteBuffer;
          import java.nio.channels.SocketChannel;
          import org.broomstick.annotations.*;
          public class Owned {
            public interface Stage { void run(Conn c); }
            public static final class Conn { public SocketChannel ch; public Part part; }
            public static final class Part { public ByteBuffer data; }
            static Object lock;
            @QueueStage static void queue(@QueueStage.Task Conn c, @QueueStage.Stage Stage s) {}
            @Malloc static Part part() { return new Part(); }
            @Free static void drop(Part p) {}
            static void read(Conn c) {
              Part p = part();
              p.data = Srv.buffer(64);
              c.part = p;
              try {
                c.ch.read(p.data);
              } catch (IOException e) {
                // dropped by done all the same
              }
              lock = c.ch.blockingLock();
              queue(c, Owned::done);
            }
            static void done(Conn c) {
              Part p = c.part;
              if (p == null) {
                return;
              }
              Srv.release(p.data);
              drop(p);
            }
            static void main(Conn c) throws IOException {
              c.ch = SocketChannel.open();
              queue(c, Owned::read);
            }
          }
          """),
      Map.entry("recordConstructors", """
          package demo;
          public class Records {
            public record Options(int port, String name) {
              public Options {
                if (port < 0) {
                  throw new IllegalArgumentException("port < 0");
                }
                check(name);
              }
              public Options(int port) {
                this(port, "default");
              }
              static void check(String name) {}
            }
            static void start(Srv.Req r) {
              new Options(80);
              new Options(81, "x");
            }
            static void main() { Srv.queue(new Srv.Req(), Records::start); }
          }
          """),
      Map.entry("libraryView", """
          package demo;
          import java.util.HashMap;
          import java.util.Map;
          public class Views {
            static final Map<String, Srv.Handler> ROUTES = new HashMap<>();
            static { ROUTES.put("/a", Views::a); }
            static void route(Srv.Req r) {
              for (Map.Entry<String, Srv.Handler> e : ROUTES.entrySet()) {
                Srv.queue(r, e.getValue());
              }
            }
            static void a(Srv.Req r) {}
            static void main() { Srv.queue(new Srv.Req(), Views::route); }
          }
          """)));

  // ------------------------------------------------------------------ what both must agree on

  /** The frontend-independent view of a program's analyses. */
  public record View(
      SortedSet<String> stages,
      SortedSet<String> eventEdges,
      SortedSet<String> callEdges,
      SortedSet<String> objects,
      SortedMap<String, SortedSet<String>> liveIn,
      SortedMap<String, SortedSet<String>> allocates,
      SortedMap<String, String> classes) {

    public static View of(Program p) {
      PointsTo pt = Andersen.analyse(p);
      CallGraph cg = CallGraphBuilder.build(p, pt);
      StageGraph sg = StageDiscovery.discover(cg, null);
      Map<String, Function> byId = p.functionsById();
      java.util.function.Function<String, String> name = id -> byId.containsKey(id) ? byId.get(id).name() : id;
      SortedSet<String> stages = new TreeSet<>();
      sg.stages().forEach(s -> stages.add(name.apply(s.id())));
      SortedSet<String> events = new TreeSet<>();
      SortedSet<String> calls = new TreeSet<>();
      for (Edge e : cg.edges()) {
        String text = name.apply(e.from()) + " -> " + name.apply(e.to());
        if (e.kind() == Edge.Kind.EVENT) {
          events.add(text);
        } else if (defined(byId, e.from()) && defined(byId, e.to())) {
          calls.add(text);
        }
      }
      SortedSet<String> objects = new TreeSet<>();
      p.allocs().forEach(a -> objects.add(noColumn(a.id())));
      Liveness l = TaskLiveness.analyse(sg, pt);
      SortedMap<String, SortedSet<String>> liveIn = new TreeMap<>();
      SortedMap<String, SortedSet<String>> allocates = new TreeMap<>();
      for (Liveness.StageFacts s : l.stages()) {
        liveIn.put(name.apply(s.stage()), noColumns(s.liveIn()));
        allocates.put(name.apply(s.stage()), noColumns(s.allocates()));
      }
      SortedMap<String, String> classes = new TreeMap<>();
      ObjectClassifier.classify(p, l, ObjectClassifier.DEFAULT_THRESHOLD).objects()
          .forEach((id, c) -> classes.put(noColumn(id), c.objectClass().label()));
      return new View(stages, events, calls, objects, liveIn, allocates, classes);
    }

    private static boolean defined(Map<String, Function> byId, String id) {
      Function f = byId.get(id);
      return f != null && f.defined();
    }

    /** {@code demo/A.java:4:14#Srv.buffer} → {@code demo/A.java:4#Srv.buffer}. */
    static String noColumn(String objectId) {
      return objectId.replaceFirst(":(\\d+):\\d+#", ":$1#");
    }

    private static SortedSet<String> noColumns(SortedSet<String> ids) {
      SortedSet<String> out = new TreeSet<>();
      ids.forEach(i -> out.add(noColumn(i)));
      return out;
    }
  }

  protected View view(String caseName) throws Exception {
    Path src = write(dir.resolve(caseName), SERVER, CASES.get(caseName));
    return View.of(load(src));
  }

  // ------------------------------------------------------------------ the cases as specifications

  @Test
  void aLambdaIsTheStageRunningItsBody() throws Exception {
    View v = view("lambda");
    assertThat(v.eventEdges()).containsExactly(
        "Lambdas.main -> Lambdas.start", "Lambdas.start -> Lambdas.lambda$start$0", "Lambdas.start -> Lambdas.lambda$start$2");
    assertThat(v.callEdges()).contains("Lambdas.lambda$start$0 -> Lambdas.work", "Lambdas.lambda$start$1 -> Lambdas.work");
  }

  @Test
  void aMethodReferenceIsTheStage() throws Exception {
    View v = view("methodReference");
    assertThat(v.eventEdges()).containsExactly("Refs.main -> Refs.start", "Refs.parse -> Refs.respond", "Refs.start -> Refs.parse");
    assertThat(v.stages()).containsExactly("Refs.parse", "Refs.respond", "Refs.start");
  }

  @Test
  void anObjectOfTheStageInterfaceRunsTheImplementationsThatMayFlowThere() throws Exception {
    assertThat(view("stageObject").eventEdges())
        .containsExactly("Objects.start -> Objects$Parse.handle", "Objects.start -> Objects$Reply.handle");
  }

  @Test
  void handlerMapsAndArraysFilledInTheStaticInitialiserAreFollowed() throws Exception {
    View v = view("handlerMap");
    assertThat(v.eventEdges()).contains("Router.route -> Router.a", "Router.route -> Router.b", "Router.route -> Router.missing",
        "Router.table -> Router.c", "Router.table -> Router.lambda$static$0");
  }

  @Test
  void recursionIsACallEdgeToItself() throws Exception {
    assertThat(view("recursion").callEdges()).contains("Rec.depth -> Rec.depth", "Rec.even -> Rec.odd", "Rec.odd -> Rec.even");
  }

  @Test
  void aFreeOnTheErrorPathDoesNotKillTheObjectOnTheNormalPath() throws Exception {
    View v = view("errorPathFree");
    String buf = "demo/Pipeline.java:4#Srv.buffer";
    assertThat(v.objects()).containsExactly(buf);
    assertThat(v.allocates().get("Pipeline.accept")).containsExactly(buf);
    assertThat(v.liveIn().get("Pipeline.respond")).containsExactly(buf);
    assertThat(v.liveIn().get("Pipeline.close")).isEmpty();
    assertThat(v.classes()).containsEntry(buf, "per-task");
  }

  @Test
  void aFreeInsideATryDoesNotCountOnTheHandlersPath() throws Exception {
    View v = view("tryCatch");
    String buf = "demo/Guarded.java:4#Srv.buffer";
    assertThat(v.liveIn().get("Guarded.fail")).containsExactly(buf);
    assertThat(v.liveIn().get("Guarded.done")).isEmpty();
  }

  @Test
  void aNullGuardBeforeTheFreeKillsOnBothPaths() throws Exception {
    View v = view("nullGuard");
    String buf = "demo/Guard.java:4#Srv.buffer";
    assertThat(v.liveIn().get("Guard.done")).containsExactly(buf);
    assertThat(v.classes()).containsEntry(buf, "per-task");
  }

  @Test
  void aValueCastToAProgramClassHoldsOnlyItsObjects() throws Exception {
    // The queue also carries a buffer, but the cast value is a connection: its free has one
    // candidate, so the connection is per-task; the buffer stays in the queue and is global.
    View v = view("castFromLibrary");
    assertThat(v.classes()).containsEntry("demo/Casts.java:13#Casts.conn", "per-task")
        .containsEntry("demo/Casts.java:14#Srv.buffer", "per-task")
        .containsEntry("demo/Casts.java:15#Srv.buffer", "global-final");
    assertThat(v.liveIn().get("Casts.close"))
        .containsExactly("demo/Casts.java:13#Casts.conn", "demo/Casts.java:14#Srv.buffer", "demo/Casts.java:15#Srv.buffer");
  }

  @Test
  void aChannelReadKeepsNoBufferSoAPartOwnsItsBuffer() throws Exception {
    // ch.read(buffer) copies bytes; what the channel hands back later (its lock) is not the
    // buffer, so the buffer is held only by the part, and the null guard drops both.
    View v = view("copiesOnly");
    assertThat(v.classes()).containsEntry("demo/Owned.java:15#Owned.part", "per-task")
        .containsEntry("demo/Owned.java:16#Srv.buffer", "per-task");
  }

  @Test
  void aRecordsCompactConstructorIsItsCanonicalConstructor() throws Exception {
    // javac compiles the compact form into the canonical constructor, which the other one calls
    assertThat(view("recordConstructors").callEdges()).contains(
        "Records.start -> Records$Options.<init>", "Records$Options.<init> -> Records$Options.<init>",
        "Records$Options.<init> -> Records$Options.check");
  }

  @Test
  void aViewOfALibraryObjectSharesItsContent() throws Exception {
    // entrySet() is not the map itself (a Set is not a Map) but hands back what the map holds.
    assertThat(view("libraryView").eventEdges()).contains("Views.route -> Views.a");
  }

  // ------------------------------------------------------------------ fixtures

  private static final Pattern TYPE = Pattern.compile("(?m)^(?:public |final |abstract )*(?:class|interface|record|enum) (\\w+)");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");

  /** Writes each source (one top-level type each) under {@code dir/src} in its package directory. */
  public static Path write(Path dir, String... sources) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    for (String s : sources) {
      Matcher t = TYPE.matcher(s);
      assertThat(t.find()).as("a top-level type in %s", s).isTrue();
      Matcher p = PACKAGE.matcher(s);
      Path pkg = p.find() ? src.resolve(p.group(1).replace('.', '/')) : src;
      Files.writeString(Files.createDirectories(pkg).resolve(t.group(1) + ".java"), s);
    }
    return src;
  }

  /**
   * Compiles the sources under {@code src} with javac ({@code -g}) next to it, against the
   * annotations and {@code classpath}; the class directory.
   */
  public static Path compile(Path src, Path... classpath) throws IOException {
    Path classes = Files.createDirectories(src.resolveSibling("classes"));
    List<Path> files = new ArrayList<>();
    try (var walk = Files.walk(src)) {
      walk.filter(f -> f.toString().endsWith(".java")).sorted().forEach(files::add);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, null)) {
      fm.setLocation(StandardLocation.CLASS_OUTPUT, List.of(classes.toFile()));
      List<java.io.File> cp = new ArrayList<>(List.of(annotations().toFile()));
      for (Path p : classpath) {
        cp.add(p.toFile());
      }
      fm.setLocation(StandardLocation.CLASS_PATH, cp);
      boolean ok = javac.getTask(null, fm, diags, List.of("--release", "17", "-proc:none", "-g"), null,
          fm.getJavaFileObjectsFromPaths(files)).call();
      assertThat(ok).as("javac: %s", diags.getDiagnostics()).isTrue();
    }
    return classes;
  }

  /** Where the annotations' classes are (a jar or a class directory). */
  public static Path annotations() {
    try {
      return Path.of(QueueStage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
