package org.broomstick.memwalk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.frontend.c.CFrontend;
import org.broomstick.memwalk.objects.ObjectClass;
import org.broomstick.memwalk.objects.Objects;
import org.broomstick.memwalk.report.Report;
import org.broomstick.memwalk.spec.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Object classes and globals through the facade (SPEC §5.4–5.6; issue 4, items 3 and 5). */
class MemwalkTest {

  @TempDir Path dir;

  private Report analyse(String code, long threshold) throws Exception {
    Files.writeString(dir.resolve("s.c"), code);
    var r = CFrontend.load(new CFrontend.Options(
        List.of(dir), null, List.of(), Map.of(), List.of(), ServerSpec.EMPTY, null, false, 1, dir, "gcc", null, null));
    return Memwalk.analyse(r.program(), new Memwalk.Options(null, threshold));
  }

  private static ObjectClass classAt(Report r, int line) {
    return r.objects().objects().values().stream()
        .filter(c -> c.id().startsWith("s.c:" + line + ":"))
        .map(Objects.Classified::objectClass).findFirst().orElseThrow();
  }

  @Test
  void objectsAreSortedByHowTheAllocatorMustTreatThem() throws Exception {
    Report r = analyse("""
        #include <stddef.h>
        struct task { int n; char *a, *b, *c, *d, *e; };
        typedef void stage_fn(struct task *);
        void queue(struct task *t, stage_fn *s) __attribute__((QueueStage("T", "S")));
        void *alloc(size_t n) __attribute__((Malloc("size")));
        void release(void *p) __attribute__((Free("ptr")));
        static char *cache_entry;
        static char table[8192];
        void finish(struct task *t) { release(t->a); release(t->b); release(t->c); }
        void work(struct task *t) {
          t->a = alloc(100);
          cache_entry = alloc(64);
          while (t->n--) t->b = alloc(16);
          char *list __attribute__((stingy_count(4)));
          for (int i = 0; i < 4; i++) list = alloc(32);
          t->c = list;
          t->d = alloc(1 << 20);
          queue(t, finish);
        }
        int main(void) { static struct task t; char *boot = alloc(256); (void) boot; (void) table; queue(&t, work); return 0; }
        """, 4096);
    assertThat(classAt(r, 11)).as("freed in the last stage").isEqualTo(ObjectClass.PER_TASK);
    assertThat(classAt(r, 12)).as("never freed: outlives the task, small").isEqualTo(ObjectClass.GLOBAL_FINAL);
    assertThat(classAt(r, 13)).as("allocated in a loop while the last one is held").isEqualTo(ObjectClass.UNBOUNDED);
    assertThat(classAt(r, 15)).as("bounded by stingy_count").isEqualTo(ObjectClass.PER_TASK);
    assertThat(classAt(r, 17)).as("never freed, 1 MiB").isEqualTo(ObjectClass.GLOBAL_TEMPORARY);
    assertThat(classAt(r, 20)).as("allocated outside every stage").isEqualTo(ObjectClass.GLOBAL_FINAL);
    assertThat(r.objects().objects().values()).filteredOn(c -> c.id().startsWith("s.c:15:"))
        .singleElement().satisfies(c -> assertThat(c.count()).isEqualTo(4));
    assertThat(r.objects().globals()).extracting(Objects.GlobalVariable::name, Objects.GlobalVariable::objectClass)
        .contains(org.assertj.core.groups.Tuple.tuple("cache_entry", ObjectClass.GLOBAL_FINAL),
            org.assertj.core.groups.Tuple.tuple("table", ObjectClass.GLOBAL_TEMPORARY));
    assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.key()).isEqualTo("memwalk.unbounded-object"));
  }
}
