package org.broomstick.stingify.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.broomstick.stingify.Finding;
import org.broomstick.stingify.Stingify;
import org.broomstick.stingify.input.InputReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java rewriting as before/after pairs (SPEC §7, Java bullet; issue 7, item 6). */
class JavaStingifyTest {

  @TempDir Path dir;

  /** The server interface of every snippet: a task, a stage interface, queue, alloc and free. */
  private static final String IFACE = """
        public interface Handler { void handle(Req r); }
        public static final class Req { ByteBuffer buf; ByteBuffer line; ByteBuffer aux; }
        @QueueStage public static void queue(@QueueStage.Task Req r, @QueueStage.Stage Handler h) {}
        @Malloc public static ByteBuffer buffer(@Malloc.Size int n) { return ByteBuffer.allocateDirect(n); }
        @Free public static void release(ByteBuffer b) {}
      """;

  private JavaRewriteHarness h() {
    return new JavaRewriteHarness(dir);
  }

  @Test
  void constantSizeAllocationsAndTheirFreesMoveToStingyAndTheImportsAreAddedOnce() throws Exception {
    h().rewrite("""
        package demo;

        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;

        /** A staged server. */
        public final class Srv {
        """ + IFACE + """
          static void done(Req r) {
            release(r.buf); // the buffer dies with the task
            Srv.release(r.line);
          }
          static void start(Req r) {
            r.buf = buffer(512);   /* one per task */
            r.line = Srv.buffer(
                128);
            queue(r, Srv::done);
          }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """, """
        package demo;

        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        import broomstick.generated.Ids;
        import org.broomstick.runtime.Stingy;

        /** A staged server. */
        public final class Srv {
        """ + IFACE + """
          static void done(Req r) {
            Stingy.free(r.buf); // the buffer dies with the task
            Stingy.free(r.line);
          }
          static void start(Req r) {
            r.buf = Stingy.alloc(Ids.SRV_JAVA_18_SRV_BUFFER);   /* one per task */
            r.line = Stingy.alloc(Ids.SRV_JAVA_19_SRV_BUFFER);
            queue(r, Srv::done);
          }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """);
  }

  @Test
  void aRunTimeSizeWithAStingySizeHintUsesTheRuntimesGuardedAlloc() throws Exception {
    h().rewrite("""
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        public final class Srv {
        """ + IFACE + """
          static void done(Req r) { release(r.line); }
          static void start(Req r) {
            @StingySize(148) ByteBuffer line = buffer(r.buf.remaining() + 1);
            r.line = line;
            queue(r, Srv::done);
          }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """, """
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        import broomstick.generated.Ids;
        import org.broomstick.runtime.Stingy;
        public final class Srv {
        """ + IFACE + """
          static void done(Req r) { Stingy.free(r.line); }
          static void start(Req r) {
            @StingySize(148) ByteBuffer line = Stingy.alloc(Ids.SRV_JAVA_12_SRV_BUFFER, r.buf.remaining() + 1);
            r.line = line;
            queue(r, Srv::done);
          }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """);
  }

  @Test
  void anInstanceAllocatorsSizeIsItsCallArgumentNotTheReceiver() throws Exception {
    // The model counts the receiver as argument 0 (nio-httpd's buffer(n) is an instance method).
    String iface = """
          public interface Handler { void handle(Req r); }
          public static final class Req { ByteBuffer line; }
          @QueueStage public static void queue(@QueueStage.Task Req r, @QueueStage.Stage Handler h) {}
          @Malloc ByteBuffer buffer(@Malloc.Size int n) { return ByteBuffer.allocateDirect(n); }
          @Free void release(ByteBuffer b) {}
          static final Srv S = new Srv();
        """;
    h().rewrite("""
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        public final class Srv {
        """ + iface + """
          static void done(Req r) { S.release(r.line); }
          static void start(Req r, int n) {
            @StingySize(148) ByteBuffer line = S.buffer(n + 1);
            r.line = line;
            queue(r, Srv::done);
          }
          public static void main(String[] a) { queue(new Req(), r -> start(r, 9)); }
        }
        """, """
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        import broomstick.generated.Ids;
        import org.broomstick.runtime.Stingy;
        public final class Srv {
        """ + iface + """
          static void done(Req r) { Stingy.free(r.line); }
          static void start(Req r, int n) {
            @StingySize(148) ByteBuffer line = Stingy.alloc(Ids.SRV_JAVA_13_SRV_BUFFER, n + 1);
            r.line = line;
            queue(r, Srv::done);
          }
          public static void main(String[] a) { queue(new Req(), r -> start(r, 9)); }
        }
        """);
  }

  @Test
  void twoCallsOfTheAllocatorOnOneLineAreReportedAndLeftAlone() throws Exception {
    List<Finding> f = h().unchanged("""
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        public final class Srv {
        """ + IFACE + """
          static void done(Req r) { release(r.buf); release(r.line); }
          static void start(Req r) {
            r.buf = buffer(64); r.line = buffer(32);
            queue(r, Srv::done);
          }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """);
    assertThat(f).filteredOn(x -> x.key().equals("stingify.ambiguous-site")).extracting(Finding::line)
        .containsExactlyInAnyOrder(10, 10, 12, 12);
    assertThat(f).extracting(Finding::format).anySatisfy(s -> assertThat(s)
        .startsWith(dir.resolve("same/src/demo/Srv.java") + ":12: warning: this line has 2 calls of Srv.buffer"));
  }

  @Test
  void unboundedAndGlobalObjectsAreLeftAloneAndListed() throws Exception {
    List<Finding> f = h().unchanged("""
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        public final class Srv {
        """ + IFACE + """
          static ByteBuffer forever;
          static void done(Req r) { release(r.buf); }
          static void start(Req r) {
            for (int i = 0; i < 3; i++) {
              r.buf = buffer(16);
            }
            forever = buffer(32);
            queue(r, Srv::done);
          }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """);
    assertThat(f).extracting(Finding::key).containsOnly("stingify.left-alone");
    assertThat(f).extracting(Finding::message).anySatisfy(m -> assertThat(m).contains("unbounded"))
        .anySatisfy(m -> assertThat(m).contains("global-final"));
  }

  @Test
  void anAllocatorThatDoesNotReturnAByteBufferIsLeftAlone() throws Exception {
    List<Finding> f = h().unchanged("""
        package demo;
        import org.broomstick.annotations.*;
        public final class Srv {
          public interface Handler { void handle(Req r); }
          public static final class Req { byte[] buf; }
          @QueueStage public static void queue(@QueueStage.Task Req r, @QueueStage.Stage Handler h) {}
          @Malloc public static byte[] bytes(@Malloc.Size int n) { return new byte[n]; }
          @Free public static void drop(byte[] b) {}
          static void done(Req r) { drop(r.buf); }
          static void start(Req r) { r.buf = bytes(100); queue(r, Srv::done); }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """);
    assertThat(f).singleElement().satisfies(x -> assertThat(x.message()).contains("returns byte[], not the ByteBuffer"));
  }

  @Test
  void aFileThatHasItsOwnIdsTypeGetsQualifiedNames() throws Exception {
    h().rewrite("""
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        public final class Srv {
        """ + IFACE + """
          enum Ids { A }
          static void done(Req r) { release(r.buf); }
          static void start(Req r) { r.buf = buffer(256); queue(r, Srv::done); }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """, """
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        import org.broomstick.runtime.Stingy;
        public final class Srv {
        """ + IFACE + """
          enum Ids { A }
          static void done(Req r) { Stingy.free(r.buf); }
          static void start(Req r) { r.buf = Stingy.alloc(broomstick.generated.Ids.SRV_JAVA_12_SRV_BUFFER); queue(r, Srv::done); }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """);
  }

  @Test
  void withoutImportsTheyGoAfterThePackageAndAWrapperGetsTheOtherArguments() throws Exception {
    // Thesis figure 7.5: the caller expects what the allocator makes of a raw buffer.
    String spec = """
        malloc: [{function: Srv.frame, params: [X, size], wrapper: wrap}]
        """;
    String iface = """
          public interface Handler { void handle(Req r); }
          public static final class Req { java.nio.ByteBuffer buf; }
          @org.broomstick.annotations.QueueStage
          public static void queue(@org.broomstick.annotations.QueueStage.Task Req r,
              @org.broomstick.annotations.QueueStage.Stage Handler h) {}
          public static java.nio.ByteBuffer frame(Req owner, int n) { return java.nio.ByteBuffer.allocateDirect(n); }
          public static java.nio.ByteBuffer wrap(java.nio.ByteBuffer b, Req owner) { return b.put(0, (byte) 1); }
          @org.broomstick.annotations.Free public static void release(java.nio.ByteBuffer b) {}
        """;
    new JavaRewriteHarness(dir, spec).rewrite("""
        package demo;

        public final class Srv {
        """ + iface + """
          static void done(Req r) { release(r.buf); }
          static void start(Req r) { r.buf = frame(r, 1024); queue(r, Srv::done); }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """, """
        package demo;

        import broomstick.generated.Ids;
        import org.broomstick.runtime.Stingy;

        public final class Srv {
        """ + iface + """
          static void done(Req r) { Stingy.free(r.buf); }
          static void start(Req r) { r.buf = wrap(Stingy.alloc(Ids.SRV_JAVA_13_SRV_FRAME), r); queue(r, Srv::done); }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """);
  }

  @Test
  void aSourceEditedAfterTheReportIsRefusedAndNothingIsWritten() throws Exception {
    JavaRewriteHarness.Outcome o = h().run("stale", """
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        public final class Srv {
        """ + IFACE + """
          static void done(Req r) { release(r.buf); }
          static void start(Req r) { r.buf = buffer(256); queue(r, Srv::done); }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """);
    Files.writeString(o.file(), Files.readString(o.file()) + "// edited after the analysis\n");
    // an edit a second later, whatever the file system's timestamp resolution
    Files.setLastModifiedTime(o.file(), FileTime.from(Files.getLastModifiedTime(o.report()).toInstant().plusSeconds(1)));
    byte[] before = Files.readAllBytes(o.file());
    var in = InputReader.read(o.report(), o.allocator(), dir);
    assertThatThrownBy(() -> Stingify.plan(in, List.of(o.src()), null))
        .isInstanceOfSatisfying(Stingify.StaleException.class, e -> assertThat(e.findings())
            .singleElement().satisfies(x -> assertThat(x.format()).contains("Srv.java: error: source modified after the report")));
    assertThat(Files.readAllBytes(o.file())).isEqualTo(before);
  }

  @Test
  void aRecompiledClassIsRefused() throws Exception {
    JavaRewriteHarness.Outcome o = h().run("recompiled", """
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.*;
        public final class Srv {
        """ + IFACE + """
          static void done(Req r) { release(r.buf); }
          static void start(Req r) { r.buf = buffer(256); queue(r, Srv::done); }
          public static void main(String[] a) { queue(new Req(), Srv::start); }
        }
        """);
    Path cls = dir.resolve("recompiled/classes/demo/Srv.class");
    Files.write(cls, new byte[] {(byte) 0xca, (byte) 0xfe});
    var in = InputReader.read(o.report(), o.allocator(), dir);
    assertThatThrownBy(() -> Stingify.plan(in, List.of(o.src()), null))
        .isInstanceOfSatisfying(Stingify.StaleException.class, e -> assertThat(e.findings())
            .singleElement().satisfies(x -> assertThat(x.format()).contains("classes/demo/Srv.class: error: class file changed")));
  }
}
