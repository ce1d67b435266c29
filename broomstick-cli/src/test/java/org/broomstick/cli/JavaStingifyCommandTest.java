package org.broomstick.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java path through the three commands (issue 7, item 6): memwalk {@code --lang java} on class
 * files, stingygen {@code --target java}, stingify on the source root in each mode.
 */
class JavaStingifyCommandTest {
  private static final String SOURCE = """
      package demo;
      import java.nio.ByteBuffer;
      public class Srv {
        public interface Stage { void run(Task t); }
        public static final class Task { ByteBuffer buf; }
        public static void queue(Task t, Stage s) {}
        public static ByteBuffer buffer(int n) { return ByteBuffer.allocateDirect(n); }
        public static void release(ByteBuffer b) {}
        static void respond(Task t) { release(t.buf); }
        static void parse(Task t) {
          t.buf = buffer(4096);
          queue(t, Srv::respond);
        }
        public static void main(String[] a) { queue(new Task(), Srv::parse); }
      }
      """;

  @TempDir Path dir;
  Path src;
  Path file;
  Path report;
  Path gen;

  @BeforeEach
  void analyseAndPlan() throws Exception {
    src = dir.resolve("src");
    file = src.resolve("demo/Srv.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, SOURCE);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), file.toString())).isZero();
    Path spec = dir.resolve("broomstick.yaml");
    Files.writeString(spec, """
        queueStage: [{function: Srv.queue, params: [T, S]}]
        malloc: [{function: Srv.buffer, params: [size]}]
        free: [{function: Srv.release, params: [ptr]}]
        """);
    report = dir.resolve("report.json");
    Cli.Run m = Cli.run("memwalk", "-q", "--lang", "java", "--spec", spec.toString(), "-o", report.toString(), classes.toString());
    assertThat(m.exit()).as(m.err()).isZero();
    gen = dir.resolve("gen");
    Cli.Run g = Cli.run("stingygen", "-q", "--report", report.toString(), "-o", gen.toString(), "--target", "java",
        "--java-package", "demo.gen", "--cache-size", "256K", "--line-size", "64", "--stack-bytes", "4K");
    assertThat(g.exit()).as(g.err()).isZero();
    assertThat(gen.resolve("demo/gen/Ids.java")).content().contains("public static final int SRV_JAVA_11_SRV_BUFFER = id(0);");
  }

  private Cli.Run stingify(String... mode) {
    String[] args = new String[6 + mode.length];
    String[] head = {"stingify", "--report", report.toString(), "--config", gen.resolve("allocator.json").toString()};
    System.arraycopy(head, 0, args, 0, head.length);
    System.arraycopy(mode, 0, args, head.length, mode.length);
    args[args.length - 1] = src.toString();
    return Cli.run(args);
  }

  @Test
  void diffCheckOutAndInPlace() throws Exception {
    Cli.Run diff = stingify();
    assertThat(diff.exit()).as(diff.err()).isZero();
    assertThat(diff.out())
        .contains("+import demo.gen.Ids;", "+import org.broomstick.runtime.Stingy;")
        .contains("-    t.buf = buffer(4096);", "+    t.buf = Stingy.alloc(Ids.SRV_JAVA_11_SRV_BUFFER);")
        .contains("+  static void respond(Task t) { Stingy.free(t.buf); }");
    assertThat(Files.readString(file)).isEqualTo(SOURCE);

    Cli.Run check = stingify("--check");
    assertThat(check.exit()).isEqualTo(1);
    assertThat(check.err()).contains("Srv.java: not up to date");

    Path out = dir.resolve("patched");
    Cli.Run copy = stingify("--out", out.toString());
    assertThat(copy.exit()).as(copy.err()).isZero();
    String patched = Files.readString(out.resolve("demo/Srv.java"));
    assertThat(patched).contains("t.buf = Stingy.alloc(Ids.SRV_JAVA_11_SRV_BUFFER);");

    Cli.Run inPlace = stingify("--in-place");
    assertThat(inPlace.exit()).as(inPlace.err()).isZero();
    assertThat(Files.readString(file)).isEqualTo(patched);
  }

  @Test
  void aConfigMadeForCIsRefusedWithTheFix() throws Exception {
    Path c = dir.resolve("c");
    assertThat(Cli.run("stingygen", "-q", "--report", report.toString(), "-o", c.toString(), "--cache-size", "256K",
        "--line-size", "64", "--stack-bytes", "4K").exit()).isZero();
    Cli.Run r = Cli.run("stingify", "--report", report.toString(), "--config", c.resolve("allocator.json").toString(), src.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("make the allocator config with stingygen --target java");
  }
}
