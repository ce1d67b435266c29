package org.broomstick.stingygen.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.broomstick.runtime.Arena;
import org.broomstick.runtime.StingyConfig;
import org.broomstick.runtime.StingyStats;
import org.broomstick.stingygen.Fixture;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Stingygen;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.layout.MemoryMap.Placement;
import org.broomstick.stingygen.report.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated Java config class satisfies the Java runtime's contract: it compiles with javac
 * against stingy-runtime, {@code StingyConfig.of} accepts its {@code CONFIG}, its constants are the
 * runtime's ids, and every object is served from the slab exactly up to its count.
 */
class GeneratedConfigJavaTest {
  @TempDir Path dir;

  @Test
  void figure52ConfigCompilesAndServesEachObjectUpToItsCount() throws Exception {
    Plan p = Stingygen.plan(Stingygen.read(Path.of("src/test/resources/reports/figure52.json")), Fixture.cache(32 * 1024));
    Class<?> ids = compileAndLoad(p, "broomstick.generated");
    assertThat(ids.getName()).isEqualTo("broomstick.generated.Ids");
    assertThat(ids.getField("SERVER_C_10_XMALLOC").getInt(null)).isZero();
    assertThat(ids.getField("STAGE_ACCEPT_CONN").getInt(null)).isZero();
    servesEachObjectUpToItsCount(p, ids);
  }

  /** Count hints and shared regions (objects never live together share slots). */
  @Test
  void sharedRegionsAndCountHints() throws Exception {
    Report shared = Fixture.report()
        .object("A", 1000L, null, 3, 0, Report.ObjectClass.PER_TASK)
        .object("B", 100, 0)
        .object("C", 64, null)
        .stage("s0", 10, List.of(), List.of("A", "C"))
        .stage("s1", 100, List.of("A", "C"), List.of())
        .stage("s2", 100, List.of("B"), List.of())
        .build();
    Plan p = Stingygen.plan(shared, Fixture.cache(16 * 1024));
    Class<?> ids = compileAndLoad(p, "com.example.gen");
    StingyConfig config = config(ids);
    assertThat(config.stages()).extracting(StingyConfig.Stage::id).containsExactly("s0", "s1", "s2");
    assertThat(config.stages().get(0).entry()).isTrue();
    assertThat(config.stages().get(1).liveIn()).containsExactly("A", "C");
    assertThat(config.objects().get(config.objectId("A")).count()).isEqualTo(3 * p.map().objects().get(0).tasks());
    servesEachObjectUpToItsCount(p, ids);
  }

  @Test
  void aPlanWithNothingToManageIsAnEmptyConfig() throws Exception {
    Report empty = Fixture.report().object("U", null, null, null, null, Report.ObjectClass.PER_TASK).build();
    Class<?> ids = compileAndLoad(Stingygen.plan(empty, Fixture.cache(16 * 1024)), "");
    assertThat(ids.getField("N_OBJECTS").getInt(null)).isZero();
    assertThat(config(ids).objects()).isEmpty();
  }

  @Test
  void theJavaTargetWritesTheClassUnderItsPackagePathAndNamesItInAllocatorJson() throws Exception {
    Plan p = Stingygen.plan(Stingygen.read(Path.of("src/test/resources/reports/figure52.json")), Fixture.cache(32 * 1024));
    List<Path> written = Stingygen.write(p, dir, Stingygen.Target.java("org.acme.alloc"));
    assertThat(written).containsExactly(
        dir.resolve("allocator.json"), dir.resolve("memory-map.txt"), dir.resolve("org/acme/alloc/Ids.java"));
    assertThat(Files.readString(dir.resolve("allocator.json")))
        .contains("\"class\" : \"org.acme.alloc.Ids\"", "\"javaName\" : \"SERVER_C_10_XMALLOC\"");
    try (var files = Files.list(dir)) {
      assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }
    assertThatThrownBy(() -> Stingygen.Target.java("org.1bad"))
        .isInstanceOfSatisfying(StingygenException.class, e -> assertThat(e.kind()).isEqualTo(StingygenException.Kind.USAGE));
  }

  @Test
  void namesKeepTheirCSpellingWhenDroppingThePrefixWouldClash() {
    Report r = Fixture.report().object("A", 64, null).stage("CONFIG", 10, List.of(), List.of("A")).build();
    Plan p = Stingygen.plan(r, Fixture.cache(16 * 1024));
    JavaNames.Names n = JavaNames.of(p);
    assertThat(n.objects()).containsEntry("A", "T_C_1_MALLOC");
    assertThat(n.stages()).containsEntry("CONFIG", "STAGE_CONFIG");
    Report digit = Fixture.report().object("A", 64, null).stage("s", 10, List.of(), List.of("A")).build();
    assertThat(JavaNames.of(Stingygen.plan(digit, Fixture.cache(16 * 1024))).stages()).containsEntry("s", "STAGE_S");
  }

  /**
   * The generated class starts the allocator, as the C config's constructor does: a rewritten site
   * reading an id initialises it (the ids are not constants javac would inline), its static
   * initialiser registers CONFIG, and the calling thread's first alloc makes its arena from it.
   */
  @Test
  void aRewrittenSiteStartsTheAllocatorOnItsOwn() throws Exception {
    Plan p = Stingygen.plan(Stingygen.read(Path.of("src/test/resources/reports/figure52.json")), Fixture.cache(32 * 1024));
    Path site = Files.createDirectories(dir.resolve("site-src/org/acme")).resolve("Site.java");
    Files.writeString(site, "package org.acme;\n"
        + "public final class Site {\n"
        + "  public static java.nio.ByteBuffer alloc() {\n"
        + "    return org.broomstick.runtime.Stingy.alloc(broomstick.generated.Ids.SERVER_C_10_XMALLOC);\n"
        + "  }\n"
        + "}\n");
    org.broomstick.runtime.Stingy.deregister();
    try {
      ClassLoader loader = compile(p, "broomstick.generated", site);
      Class<?> siteClass = Class.forName("org.acme.Site", true, loader);
      assertThat(org.broomstick.runtime.Stingy.registered()).as("nothing read an id yet").isEmpty();
      java.util.concurrent.atomic.AtomicReference<Object> result = new java.util.concurrent.atomic.AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          ByteBuffer b = (ByteBuffer) siteClass.getMethod("alloc").invoke(null);
          Arena a = org.broomstick.runtime.Stingy.arena();
          result.set(a.stats().hits() == 1 && a.stats().live() == 1 && b.isDirect() ? a.config() : "wrong counts");
        } catch (ReflectiveOperationException e) {
          result.set(e);
        }
      });
      t.start();
      t.join();
      StingyConfig registered = org.broomstick.runtime.Stingy.registered().orElseThrow();
      assertThat(registered).isSameAs(config(Class.forName("broomstick.generated.Ids", false, loader)));
      assertThat(result.get()).isSameAs(registered);
    } finally {
      org.broomstick.runtime.Stingy.deregister();
    }
  }

  private static void servesEachObjectUpToItsCount(Plan p, Class<?> ids) throws Exception {
    StingyConfig config = config(ids);
    Arena arena = new Arena(config);
    JavaNames.Names names = JavaNames.of(p);
    for (Placement pl : p.map().objects()) {
      int id = ids.getField(names.objects().get(pl.id())).getInt(null);
      assertThat(config.objectId(pl.id())).isEqualTo(id);
      List<ByteBuffer> held = new ArrayList<>();
      for (long i = 0; i < pl.count(); i++) {
        ByteBuffer b = arena.alloc(id);
        assertThat(b.capacity()).isEqualTo(pl.sizeBytes());
        held.add(b);
      }
      ByteBuffer over = arena.alloc(id);
      StingyStats.ObjectStats s = arena.stats().object(pl.id());
      assertThat(s.hits()).as(pl.id()).isEqualTo(pl.count());
      assertThat(s.fallbacks()).as(pl.id()).isEqualTo(1);
      held.forEach(arena::free);
      arena.free(over);
    }
    assertThat(arena.stats().live()).isZero();
    for (Plan.StagePlan s : p.stages()) {
      String field = names.stages().get(s.id());
      assertThat(config.stageId(s.id())).isEqualTo(ids.getField(field).getInt(null));
      assertThat(arena.dynCheck(config.stageId(s.id()))).isTrue();
    }
  }

  private static StingyConfig config(Class<?> ids) throws Exception {
    return (StingyConfig) ids.getField("CONFIG").get(null);
  }

  private Class<?> compileAndLoad(Plan p, String pkg) throws Exception {
    return Class.forName(JavaConfig.qualifiedName(pkg), true, compile(p, pkg));
  }

  /** The generated class of {@code p} and {@code more} sources, compiled into a loader of their own. */
  private ClassLoader compile(Plan p, String pkg, Path... more) throws Exception {
    Path src = dir.resolve("src-" + pkg);
    Stingygen.write(p, src, Stingygen.Target.java(pkg));
    Path file = src.resolve(JavaConfig.path(pkg));
    Path classes = Files.createDirectories(dir.resolve("classes-" + pkg));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, null)) {
      fm.setLocation(StandardLocation.CLASS_OUTPUT, List.of(classes.toFile()));
      fm.setLocation(StandardLocation.CLASS_PATH,
          List.of(Path.of(StingyConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile()));
      boolean ok = javac.getTask(null, fm, diags, List.of("--release", "17", "-Xlint:all", "-Werror"), null,
          fm.getJavaFileObjectsFromPaths(java.util.stream.Stream.concat(java.util.stream.Stream.of(file), java.util.Arrays.stream(more)).toList())).call();
      assertThat(ok).as("javac %s: %s\n%s", file, diags.getDiagnostics(), Files.readString(file)).isTrue();
    }
    return new URLClassLoader(new URL[] {classes.toUri().toURL()}, GeneratedConfigJavaTest.class.getClassLoader());
  }
}
