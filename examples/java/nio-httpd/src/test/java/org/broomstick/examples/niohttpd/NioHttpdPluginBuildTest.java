package org.broomstick.examples.niohttpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
      Path classes = Path.of(NioHttpdPluginBuildTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .resolveSibling("stingy-classes");
      assertThat(classes.resolve("broomstick/generated/Ids.class")).as("the plugin's build (mvn process-classes)").isRegularFile();
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
