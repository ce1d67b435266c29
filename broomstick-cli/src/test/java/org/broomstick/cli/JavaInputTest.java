package org.broomstick.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --lang java}: the bytecode frontend behind the same commands (issue 7). */
class JavaInputTest {

  @TempDir Path dir;

  @Test
  void memwalkReadsClassesWithAYamlSpec() throws Exception {
    Path src = dir.resolve("src/demo/Srv.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package demo;
        import java.nio.ByteBuffer;
        public class Srv {
          public interface Stage { void run(Task t); }
          public static final class Task { ByteBuffer buf; }
          public static void queue(Task t, Stage s) {}
          public static ByteBuffer buffer(int n) { return ByteBuffer.allocateDirect(n); }
          public static void release(ByteBuffer b) {}
          static void respond(Task t) { release(t.buf); }
          static void parse(Task t) { t.buf = buffer(4096); queue(t, Srv::respond); }
          public static void main(String[] a) { queue(new Task(), Srv::parse); }
        }
        """);
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString());
    assertThat(rc).isZero();
    Path spec = dir.resolve("broomstick.yaml");
    Files.writeString(spec, """
        queueStage: [{function: Srv.queue, params: [T, S]}]
        malloc: [{function: Srv.buffer, params: [size]}]
        free: [{function: Srv.release, params: [ptr]}]
        """);
    Cli.Run r = Cli.run("memwalk", "--lang", "java", "--spec", spec.toString(), "--format", "text",
        "--cache-size", "1M", classes.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Per-task working set: 4 KiB at most (in Srv.parse)")
        .contains("Match for Srv.buffer(")
        .contains("=> [4096] in stage Srv.parse");
    assertThat(List.of(r.out().split("\n"))).anySatisfy(l -> assertThat(l).contains("Srv.respond: L = {O1}"));
  }

  @Test
  void aDirectoryOfSourcesWithoutClassesGoesToTheSourceFrontend() throws Exception {
    Path src = dir.resolve("src/demo/Srv.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package demo;
        import java.nio.ByteBuffer;
        public class Srv {
          public interface Stage { void run(Task t); }
          public static final class Task { ByteBuffer buf; }
          public static void queue(Task t, Stage s) {}
          public static ByteBuffer buffer(int n) { return ByteBuffer.allocateDirect(n); }
          public static void release(ByteBuffer b) {}
          static void respond(Task t) { release(t.buf); }
          static void parse(Task t) { t.buf = buffer(4096); queue(t, Srv::respond); }
          public static void main(String[] a) { queue(new Task(), Srv::parse); }
        }
        """);
    Path spec = dir.resolve("broomstick.yaml");
    Files.writeString(spec, """
        queueStage: [{function: Srv.queue, params: [T, S]}]
        malloc: [{function: Srv.buffer, params: [size]}]
        free: [{function: Srv.release, params: [ptr]}]
        """);
    assertThat(ProgramLoader.areSources(List.of(dir.resolve("src")))).isTrue();
    Cli.Run r = Cli.run("memwalk", "--lang", "java", "--spec", spec.toString(), "--format", "text",
        "--cache-size", "1M", dir.resolve("src").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Per-task working set: 4 KiB at most (in Srv.parse)")
        .contains("=> [4096] in stage Srv.parse");
    assertThat(List.of(r.out().split("\n"))).anySatisfy(l -> assertThat(l).contains("Srv.respond: L = {O1}"));
  }
}
