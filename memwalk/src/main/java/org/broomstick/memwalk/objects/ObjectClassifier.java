package org.broomstick.memwalk.objects;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.liveness.Liveness;
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.Global;
import org.broomstick.memwalk.model.Program;

/**
 * Sorts objects into per-task, global (final or temporary) and unbounded, and global variables into
 * final or temporary (SPEC §5.4–5.6).
 *
 * <p>An object allocated outside every stage, or still held when a task's last stage returns, is
 * global. One a task may allocate again while it may still hold an earlier instance has no static
 * per-task bound; a {@code stingy_count} hint bounds it. That rule is sharper than "allocated inside
 * an SCG cycle" (SPEC §5.4) and still sound: a stage in a cycle that frees its object before the
 * cycle closes holds one instance, and an allocation in a loop inside one stage is caught too.
 */
public final class ObjectClassifier {
  private ObjectClassifier() {}

  /** The default size up to which a global stays in the cache slab. */
  public static final long DEFAULT_THRESHOLD = 4096;

  public static Objects classify(Program program, Liveness liveness, long thresholdBytes) {
    Map<String, Liveness.ObjectFacts> facts = liveness.objectsById();
    Map<String, Objects.Classified> out = new LinkedHashMap<>();
    for (AllocSite a : program.allocs()) {
      Long size = a.sizeBytes() != null ? a.sizeBytes() : a.hints().stingySize();
      Long countHint = a.hints().stingyCount();
      long count = countHint == null ? 1 : countHint;
      Liveness.ObjectFacts f = facts.get(a.id());
      ObjectClass c;
      String reason;
      if (f == null || f.allocatedIn().isEmpty()) {
        c = global(size, count, thresholdBytes);
        reason = "allocated outside every stage";
      } else if (f.outlivesTask()) {
        c = global(size, count, thresholdBytes);
        reason = "still held when a task's last stage returns";
      } else if (f.reallocatedWhileLive() && countHint == null) {
        c = ObjectClass.UNBOUNDED;
        reason = "allocated again while an earlier instance may be held (loop, cycle or recursion); no stingy_count";
      } else {
        c = ObjectClass.PER_TASK;
        reason = f.reallocatedWhileLive() ? "at most " + count + " per task (stingy_count)" : "held by a task and freed before it ends";
      }
      if (c == ObjectClass.GLOBAL_FINAL || c == ObjectClass.GLOBAL_TEMPORARY) {
        reason += size == null ? "; size unknown" : "; " + size * count + " bytes, threshold " + thresholdBytes;
      }
      out.put(a.id(), new Objects.Classified(a.id(), c, size, count, reason));
    }
    List<Objects.GlobalVariable> globals = new ArrayList<>();
    for (Global g : program.globals()) {
      if (g.sizeBytes() == null || !g.location().isKnown()) {
        continue;
      }
      globals.add(new Objects.GlobalVariable(
          g.id(), g.name(), g.location(), g.sizeBytes(), global(g.sizeBytes(), 1, thresholdBytes)));
    }
    return new Objects(out, globals, thresholdBytes);
  }

  private static ObjectClass global(Long size, long count, long threshold) {
    return size != null && size * count <= threshold ? ObjectClass.GLOBAL_FINAL : ObjectClass.GLOBAL_TEMPORARY;
  }
}
