package org.broomstick.stingify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.broomstick.stingify.input.InputReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C rewriting as before/after pairs (SPEC §7; issue 6, item 1). */
class StingifyTest {

  @TempDir Path dir;

  private static final String IFACE = """
      struct conn { int fd; char peer[24]; };
      struct task { struct conn *c; char *buf; char *line; };
      typedef void stage_fn(struct task *);
      void queue(struct task *t, stage_fn *s) __attribute__((QueueStage("T", "S")));
      void *xalloc(size_t n) __attribute__((Malloc("size")));
      void xfree(void *p) __attribute__((Free("ptr")));
      """;

  private RewriteHarness h() {
    return new RewriteHarness(dir);
  }

  @Test
  void constantSizeAllocationsAndTheirFreesMoveToStingyAndTheIncludeIsAddedOnce() throws Exception {
    h().rewrite("""
        /* server.c: a staged server */
        #include <stdlib.h>
        """ + IFACE + """
        void done(struct task *t) {
          xfree(t->c); /* the connection dies with the task */
        }
        void start(struct task *t) {
          t->c = (struct conn *) xalloc(sizeof(struct conn)); // one per task
          queue(t, done);
        }
        void driver(struct task *t) { queue(t, start); }
        """, """
        /* server.c: a staged server */
        #include "stingy_config.h"
        #include <stdlib.h>
        """ + IFACE + """
        void done(struct task *t) {
          stingy_free(t->c); /* the connection dies with the task */
        }
        void start(struct task *t) {
          t->c = (struct conn *) stingy_alloc(O_13); // one per task
          queue(t, done);
        }
        void driver(struct task *t) { queue(t, start); }
        """);
  }

  @Test
  void aRunTimeSizeWithAStingySizeHintGetsTheGuardOfThesisFigure65() throws Exception {
    h().rewrite("""
        #include <stdlib.h>
        #include <string.h>
        """ + IFACE + """
        void done(struct task *t) { xfree(t->line); }
        void start(struct task *t) {
          char *line __attribute__((stingy_size(148)));
          line = xalloc(strlen(t->buf) + 1);
          t->line = line;
          queue(t, done);
        }
        void driver(struct task *t) { queue(t, start); }
        """, """
        #include "stingy_config.h"
        #include <stdlib.h>
        #include <string.h>
        """ + IFACE + """
        void done(struct task *t) { stingy_free(t->line); }
        void start(struct task *t) {
          char *line __attribute__((stingy_size(148)));
          line = ({ size_t stingy_n0 = (strlen(t->buf) + 1); stingy_n0 <= 148 ? stingy_alloc(O_12) : xalloc(stingy_n0); });
          t->line = line;
          queue(t, done);
        }
        void driver(struct task *t) { queue(t, start); }
        """);
  }

  @Test
  void anAllocatorWhoseCallerExpectsMoreThanTheBufferGoesThroughTheSpecsWrapper() throws Exception {
    // Thesis figure 7.5: get_abuf(req, n) returns the buffer after filling req->abuf.
    String spec = """
        malloc: [{function: get_abuf, params: [X, size], wrapper: stingy_usr_wrapper1}]
        free: [{function: free_abuf, params: [ptr]}]
        queueStage: [{function: queue, params: [T, S]}]
        """;
    String prelude = """
        #include <stddef.h>
        struct abuf { char *buf; int flags; };
        struct task { struct abuf abuf; };
        typedef void stage_fn(struct task *);
        void queue(struct task *t, stage_fn *s);
        char *get_abuf(struct task *req, size_t n);
        void free_abuf(char *buf);
        char *stingy_usr_wrapper1(void *buf, struct task *req);
        """;
    new RewriteHarness(dir, spec).rewrite(prelude + """
        void sent(struct task *t) { free_abuf(t->abuf.buf); }
        void send_header(struct task *t) {
          char *buff = get_abuf(t, 512);
          t->abuf.buf = buff;
          queue(t, sent);
        }
        void driver(struct task *t) { queue(t, send_header); }
        """, "#include \"stingy_config.h\"\n" + prelude + """
        void sent(struct task *t) { stingy_free(t->abuf.buf); }
        void send_header(struct task *t) {
          char *buff = stingy_usr_wrapper1(stingy_alloc(O_11), t);
          t->abuf.buf = buff;
          queue(t, sent);
        }
        void driver(struct task *t) { queue(t, send_header); }
        """);
  }

  @Test
  void sitesInsideMacrosAreReportedAndLeftAlone() throws Exception {
    List<Finding> f = h().unchanged("""
        #include <stdlib.h>
        """ + IFACE + """
        #define NEW_CONN() xalloc(sizeof(struct conn))
        #define DROP(p) xfree(p)
        void done(struct task *t) { DROP(t->c); }
        void start(struct task *t) {
          t->c = NEW_CONN();
          queue(t, done);
        }
        void driver(struct task *t) { queue(t, start); }
        """);
    assertThat(f).filteredOn(x -> x.key().equals("stingify.macro-site")).extracting(Finding::line)
        .containsExactlyInAnyOrder(10, 12);
  }

  @Test
  void unboundedAndGlobalObjectsAreLeftAloneAndListed() throws Exception {
    List<Finding> f = h().unchanged("""
        #include <stdlib.h>
        """ + IFACE + """
        static char *forever;
        void done(struct task *t) { xfree(t->buf); }
        void start(struct task *t) {
          for (int i = 0; i < 3; i++)
            t->buf = xalloc(16);
          forever = xalloc(32);
          queue(t, done);
        }
        void driver(struct task *t) { queue(t, start); }
        """);
    assertThat(f).extracting(Finding::key).containsOnly("stingify.left-alone");
    assertThat(f).extracting(Finding::message).anySatisfy(m -> assertThat(m).contains("unbounded"))
        .anySatisfy(m -> assertThat(m).contains("global-final"));
  }

  @Test
  void aFileChangedSinceTheReportIsRefusedAndNothingIsWritten() throws Exception {
    RewriteHarness h = h();
    RewriteHarness.Outcome o = h.run("stale", "#include <stdlib.h>\n" + IFACE + """
        void done(struct task *t) { xfree(t->c); }
        void start(struct task *t) { t->c = xalloc(sizeof(struct conn)); queue(t, done); }
        void driver(struct task *t) { queue(t, start); }
        """);
    Path file = dir.resolve("stale/s.c");
    Files.writeString(file, Files.readString(file) + "/* edited after the analysis */\n");
    byte[] before = Files.readAllBytes(file);
    var in = InputReader.read(o.report(), o.allocator(), dir);
    assertThatThrownBy(() -> Stingify.plan(in, List.of(dir.resolve("stale")), null))
        .isInstanceOfSatisfying(Stingify.StaleException.class, e -> assertThat(e.findings())
            .singleElement().satisfies(x -> assertThat(x.format()).contains("s.c: error: file changed since the report")));
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }
}
