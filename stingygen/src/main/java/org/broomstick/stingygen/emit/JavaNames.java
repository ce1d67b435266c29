package org.broomstick.stingygen.emit;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.broomstick.stingygen.Plan;

/**
 * Java constant names for the generated {@code Ids} class: {@link CNames}' rule without the C
 * namespace prefix, since the class is the namespace ({@code STINGY_OBJ_SRV_JAVA_12_BUFFER} becomes
 * {@code SRV_JAVA_12_BUFFER}, {@code STINGY_STAGE_SRV_START} becomes {@code STAGE_SRV_START}). When
 * dropping the prefix would make two names equal, clash with the class' own members or start with
 * a digit, every name keeps its C spelling, so a name never depends on which other name clashed.
 */
public final class JavaNames {
  private static final String OBJ = "STINGY_OBJ_";
  private static final String STAGE = "STINGY_";
  /** The other members of the generated class. */
  static final Set<String> RESERVED = Set.of("CONFIG", "N_OBJECTS", "N_STAGES");

  private JavaNames() {}

  /** Object and stage constant names, by id; objects first, then stages, each in plan order. */
  public record Names(Map<String, String> objects, Map<String, String> stages) {}

  public static Names of(Plan plan) {
    Map<String, String> cObjects = CConfig.objectNames(plan);
    Map<String, String> cStages = CNames.stages(plan.report().stages());
    Map<String, String> objects = new LinkedHashMap<>();
    Map<String, String> stages = new LinkedHashMap<>();
    cObjects.forEach((id, c) -> objects.put(id, c.substring(OBJ.length())));
    cStages.forEach((id, c) -> stages.put(id, c.substring(STAGE.length())));
    Set<String> seen = new HashSet<>(RESERVED);
    boolean clash = false;
    for (String n : concat(objects, stages)) {
      clash |= !seen.add(n) || !Character.isLetter(n.charAt(0));
    }
    return clash ? new Names(cObjects, cStages) : new Names(objects, stages);
  }

  private static Iterable<String> concat(Map<String, String> a, Map<String, String> b) {
    java.util.List<String> all = new java.util.ArrayList<>(a.values());
    all.addAll(b.values());
    return all;
  }
}
