package org.broomstick.examples.niohttpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.broomstick.runtime.Arena;
import org.broomstick.runtime.Stingy;
import org.broomstick.runtime.StingyConfig;
import org.broomstick.runtime.StingyStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, "Show": nio-httpd built plain and through the Maven plugin. The module's build runs
 * {@code broomstick:stingify} on its own sources after compiling them (see the pom): memwalk's plan
 * for the buffers, {@code Stingy.alloc(Ids.X)}/{@code Stingy.free(b)} at every site, the generated
 * {@code Ids}, compiled into {@code target/stingy-classes}. Both servers, each on an ephemeral
 * loopback port, get 64 concurrent keep-alive clients with the same seeded sequences; the
 * responses must be identical byte for byte, the generated plan's arena must have served
 * allocations and no slot may be live once every connection is freed.
 */
class NioHttpdPluginBuildTest {
  private static final int CLIENTS = 64;
  private static final int REQUESTS = 40;

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void plainAndPluginBuiltGiveTheSameResponses() throws Exception {
    ServedFiles files = ServedFiles.under(dir);
    Path root = files.root();
    byte[] hello = files.hello();
    byte[] big = files.big();

    HttpServer plainServer = HttpServer.open(new HttpServer.Options(new InetSocketAddress("127.0.0.1", 0), root, false));
    Thread plainLoop = plainServer.start();
    LoadDriver.Result plain;
    try {
      plain = new LoadDriver(plainServer.port(), hello, big).run(CLIENTS, REQUESTS, 7, 90_000);
    } finally {
      plainServer.stop();
      plainLoop.join(10_000);
    }

    PluginBuilt built = new PluginBuilt(root);
    try {
      LoadDriver.Result stingy = new LoadDriver(built.port(), hello, big).run(CLIENTS, REQUESTS, 7, 90_000);
      StingyStats s = built.stop();
      for (LoadDriver.Result r : new LoadDriver.Result[] {plain, stingy}) {
        assertThat(r.failures()).isEmpty();
        assertThat(r.responses()).isEqualTo(r.requests()).isGreaterThanOrEqualTo((long) CLIENTS * REQUESTS);
      }
      for (int i = 0; i < CLIENTS; i++) {
        assertThat(stingy.transcripts().get(i)).as("responses of client %d", i).isEqualTo(plain.transcripts().get(i));
      }
      System.out.printf("nio-httpd through the Maven plugin: %d requests, %d connections; %d hits, %d fallbacks, %d live%n%s",
          stingy.requests(), stingy.connections(), s.hits(), s.fallbacks(), s.live(), s.toTable());
      assertThat(s.hits()).isPositive();
      assertThat(s.live()).as("slots still held").isZero();
      assertThat(s.regions()).allSatisfy(r -> assertThat(r.free()).isEqualTo(r.slots()));
    } finally {
      built.close();
    }
  }

  /**
   * The plugin-built server runs on its own, as a separate process started like any Java program
   * ({@code java -cp target/stingy-classes:stingy-runtime HttpServer}): nothing binds an arena for
   * it, the generated {@code Ids} registers its plan when the first rewritten site reads an id and the
   * loop thread's arena starts on that first allocation. It must give the plain server's responses
   * byte for byte; then of K + 20 clients that connect, send a request and stay connected, exactly
   * K (the plan's admission cap: min n_O over what the entry stage allocates) are answered, the
   * others wait in the backlog until 20 of the first hang up; every slot must be free when the
   * server exits (its summary on SIGTERM).
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void thePluginBuiltMainServesOnItsOwnWithAdmissionControl() throws Exception {
    ServedFiles files = ServedFiles.under(dir);
    Path root = files.root();
    HttpServer plainServer = HttpServer.open(new HttpServer.Options(new InetSocketAddress("127.0.0.1", 0), root, false));
    Thread plainLoop = plainServer.start();
    LoadDriver.Result plain;
    try {
      plain = new LoadDriver(plainServer.port(), files.hello(), files.big()).run(CLIENTS, REQUESTS, 11, 90_000);
    } finally {
      plainServer.stop();
      plainLoop.join(10_000);
    }

    Path classes = stingyClasses();
    int cap;
    try (URLClassLoader loader = new ChildFirst(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      cap = admissionCap((StingyConfig) loader.loadClass("broomstick.generated.Ids").getField("CONFIG").get(null));
    }
    String cp = classes + File.pathSeparator
        + Path.of(Stingy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path err = dir.resolve("server.err");
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", cp, HttpServer.class.getName(), "--port", "0", "--root", root.toString())
        .redirectError(err.toFile())
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertThat(first).as("the server's first line (stderr: %s)", Files.exists(err) ? Files.readString(err) : "").startsWith("port ");
      int port = Integer.parseInt(first.substring("port ".length()).trim());

      LoadDriver.Result built = new LoadDriver(port, files.hello(), files.big()).run(CLIENTS, REQUESTS, 11, 90_000);
      assertThat(built.failures()).isEmpty();
      assertThat(plain.failures()).isEmpty();
      for (int i = 0; i < CLIENTS; i++) {
        assertThat(built.transcripts().get(i)).as("responses of client %d", i).isEqualTo(plain.transcripts().get(i));
      }
      // K + 20 clients that each send a request and stay connected: K are admitted and answered, the
      // others wait in the backlog until 20 of the first hang up.
      List<Socket> clients = new ArrayList<>();
      try {
        for (int i = 0; i < cap + 20; i++) {
          Socket sock = new Socket("127.0.0.1", port);
          sock.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          clients.add(sock);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Socket> waiting = new ArrayList<>();
        for (Socket sock : clients) {
          sock.setSoTimeout((int) Math.max(50, (deadline - System.nanoTime()) / 1_000_000));
          if (!answered(sock)) {
            waiting.add(sock);
          }
        }
        assertThat(clients.size() - waiting.size()).as("clients answered while %d connect", clients.size()).isEqualTo(cap);
        for (Socket sock : clients.subList(0, 20)) {
          sock.close();
        }
        for (Socket sock : waiting) {
          sock.setSoTimeout(10_000);
          assertThat(answered(sock)).as("a waiting client, once others hung up").isTrue();
        }
      } finally {
        for (Socket sock : clients) {
          sock.close();
        }
      }
    } finally {
      server.destroy(); // SIGTERM: the shutdown hook stops the loop, which frees every connection
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    String summary = Files.readString(err);
    System.out.printf("nio-httpd through the Maven plugin, its own process (cap K = %d):%n%s", cap, summary);
    Matcher open = Pattern.compile("at most (\\d+) open").matcher(summary);
    assertThat(open.find()).as(summary).isTrue();
    assertThat(Integer.parseInt(open.group(1))).as("connections open at once").isEqualTo(cap);
    Matcher hits = Pattern.compile("stingy arena: .*, (\\d+) hits, (\\d+) fallbacks").matcher(summary);
    assertThat(hits.find()).as("the arena's counters: %s", summary).isTrue();
    assertThat(Long.parseLong(hits.group(1))).isPositive();
    Matcher row = Pattern.compile("(?m)^\\S+\\s+(?:slice|pool)\\s+\\d+\\s+(\\d+)\\s").matcher(summary);
    int rows = 0;
    while (row.find()) {
      rows++;
      assertThat(Integer.parseInt(row.group(1))).as("live in %s", row.group()).isZero();
    }
    assertThat(rows).isPositive();
  }

  /** Whether the first byte of a response arrives before the socket's timeout. */
  private static boolean answered(Socket sock) throws java.io.IOException {
    try {
      return sock.getInputStream().read() == 'H';
    } catch (java.net.SocketTimeoutException e) {
      return false;
    }
  }

  /** min n_O over the objects the entry stage allocates: the most connections its check lets open. */
  private static int admissionCap(StingyConfig config) {
    return config.stages().stream().filter(StingyConfig.Stage::entry)
        .flatMap(s -> s.allocates().stream())
        .mapToInt(id -> config.objects().get(config.objectId(id)).count())
        .min()
        .orElseThrow();
  }

  private static Path stingyClasses() throws Exception {
    Path classes = Path.of(NioHttpdPluginBuildTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolveSibling("stingy-classes");
    assertThat(classes.resolve("broomstick/generated/Ids.class")).as("the plugin's build (mvn process-classes)").isRegularFile();
    return classes;
  }

  /**
   * The server compiled from the plugin's tree, in a loader of its own (its classes have the plain
   * server's names), serving on a thread that binds the generated plan's arena first, as a server's
   * event-loop thread does ({@code Stingy.init(Ids.CONFIG)}).
   */
  private static final class PluginBuilt {
    private final URLClassLoader loader;
    private final Class<?> server;
    private final Object instance;
    private final Thread loop;
    private final AtomicReference<Arena> arena = new AtomicReference<>();
    private final AtomicReference<Throwable> failed = new AtomicReference<>();
    private boolean stopped;

    PluginBuilt(Path root) throws Exception {
      Path classes = stingyClasses();
      loader = new ChildFirst(new URL[] {classes.toUri().toURL()}, NioHttpdPluginBuildTest.class.getClassLoader());
      server = loader.loadClass(HttpServer.class.getName());
      assertThat(server).isNotSameAs(HttpServer.class);
      Class<?> options = loader.loadClass(HttpServer.Options.class.getName());
      Object o = options.getConstructor(InetSocketAddress.class, Path.class, boolean.class)
          .newInstance(new InetSocketAddress("127.0.0.1", 0), root, false);
      instance = server.getMethod("open", options).invoke(null, o);
      StingyConfig config = (StingyConfig) loader.loadClass("broomstick.generated.Ids").getField("CONFIG").get(null);
      Method run = server.getMethod("run");
      loop = new Thread(() -> {
        arena.set(Stingy.init(config));
        try {
          run.invoke(instance);
        } catch (InvocationTargetException | IllegalAccessException e) {
          failed.set(e);
        } finally {
          Stingy.unbind();
        }
      }, "nio-httpd-plugin-built");
      loop.start();
    }

    int port() throws Exception {
      return (int) server.getMethod("port").invoke(instance);
    }

    /** Stops the loop, which frees every connection, and returns the arena's counters. */
    StingyStats stop() throws Exception {
      stopped = true;
      server.getMethod("stop").invoke(instance);
      loop.join(10_000);
      assertThat(loop.isAlive()).isFalse();
      assertThat(failed.get()).isNull();
      Object summary = server.getMethod("awaitSummary").invoke(instance);
      assertThat(summary.getClass().getMethod("openAtExit").invoke(summary)).isEqualTo(0);
      return arena.get().stats();
    }

    /** Stops the loop if the test did not, and closes the loader. */
    void close() throws Exception {
      if (!stopped) {
        server.getMethod("stop").invoke(instance);
        loop.join(10_000);
      }
      loader.close();
    }
  }

  /** Loads the server's package and the generated Ids from the plugin's classes, the rest (runtime, JDK) from the parent. */
  private static final class ChildFirst extends URLClassLoader {
    ChildFirst(URL[] urls, ClassLoader parent) {
      super(urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(HttpServer.class.getPackageName() + ".") && !name.startsWith("broomstick.generated.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
