package org.broomstick.memwalk.objects;

import java.util.List;
import java.util.Map;

/**
 * The objects of a server sorted by how the allocator must treat them, and its global variables
 * (SPEC §5.4–5.6).
 *
 * @param objects per allocation site id, in the program's order
 * @param globals static global variables of known size, by id
 * @param thresholdBytes the size up to which a global is final (kept in the cache slab)
 */
public record Objects(Map<String, Classified> objects, List<GlobalVariable> globals, long thresholdBytes) {

  public Objects {
    objects = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(objects));
    globals = List.copyOf(globals);
  }

  /**
   * @param sizeBytes the object's size: its constant size, else its {@code stingy_size} hint; null
   *     when neither is known
   * @param count instances a task may hold at once: 1, or the {@code stingy_count} hint
   * @param reason one line on why the object has its class
   */
  public record Classified(String id, ObjectClass objectClass, Long sizeBytes, long count, String reason) {}

  /** A static global variable and whether it is kept in the cache slab. */
  public record GlobalVariable(
      String id, String name, org.broomstick.memwalk.model.SourceLocation location, long sizeBytes, ObjectClass objectClass) {}

  /** Bytes of the globals kept in the cache slab: final dynamic globals and final variables. */
  public long finalGlobalBytes() {
    long sum = 0;
    for (Classified c : objects.values()) {
      if (c.objectClass() == ObjectClass.GLOBAL_FINAL && c.sizeBytes() != null) {
        sum += c.sizeBytes() * c.count();
      }
    }
    for (GlobalVariable g : globals) {
      if (g.objectClass() == ObjectClass.GLOBAL_FINAL) {
        sum += g.sizeBytes();
      }
    }
    return sum;
  }

  public List<String> perTask() {
    return objects.values().stream().filter(c -> c.objectClass() == ObjectClass.PER_TASK).map(Classified::id).toList();
  }
}
