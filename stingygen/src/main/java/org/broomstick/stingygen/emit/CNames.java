package org.broomstick.stingygen.emit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.broomstick.stingygen.report.Report.ReportObject;
import org.broomstick.stingygen.report.Report.Stage;

/**
 * C identifiers for object and stage ids, stable across runs. Rule: an object at {@code
 * http.c:214:17} allocated by {@code xmalloc} is {@code STINGY_OBJ_HTTP_C_214_XMALLOC} (file base
 * name, line, allocator); objects that would share a name add the column ({@code
 * ..._214_17_XMALLOC}), then the full path; any collision left gets {@code _2}, {@code _3}, … in
 * report order. A stage is {@code STINGY_STAGE_} + its entry function. Upper case; every run of
 * characters other than letters and digits becomes one {@code _}.
 */
public final class CNames {
  private CNames() {}

  /** Names of the objects, by id, in the order given. */
  public static Map<String, String> objects(List<ReportObject> objects) {
    int n = objects.size();
    int[] level = new int[n];
    String[] name = new String[n];
    for (int round = 0; round < 3; round++) {
      Map<String, Integer> uses = new HashMap<>();
      for (int i = 0; i < n; i++) {
        name[i] = objectName(objects.get(i), level[i]);
        uses.merge(name[i], 1, Integer::sum);
      }
      boolean clash = false;
      for (int i = 0; i < n; i++) {
        if (uses.get(name[i]) > 1 && level[i] < 2) {
          level[i]++;
          clash = true;
        }
      }
      if (!clash) {
        break;
      }
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(objectName(objects.get(i), level[i]));
    }
    List<String> unique = unique(names);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      out.put(objects.get(i).id(), unique.get(i));
    }
    return out;
  }

  /** Names of the stages, by id, in the order given. */
  public static Map<String, String> stages(List<Stage> stages) {
    List<String> names = new ArrayList<>();
    for (Stage s : stages) {
      names.add("STINGY_STAGE_" + sanitize(s.entry()));
    }
    List<String> unique = unique(names);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      out.put(stages.get(i).id(), unique.get(i));
    }
    return out;
  }

  private static String objectName(ReportObject o, int level) {
    String file = o.site().file();
    String base = file.substring(file.lastIndexOf('/') + 1);
    StringBuilder b = new StringBuilder("STINGY_OBJ_");
    b.append(sanitize(level >= 2 ? file : base)).append('_').append(o.site().line());
    if (level >= 1) {
      b.append('_').append(o.site().column());
    }
    if (o.allocator() != null && !o.allocator().isEmpty()) {
      b.append('_').append(sanitize(o.allocator()));
    }
    return b.toString();
  }

  private static List<String> unique(List<String> names) {
    Map<String, Integer> seen = new HashMap<>();
    List<String> out = new ArrayList<>();
    java.util.Set<String> taken = new java.util.HashSet<>(names);
    for (String name : names) {
      int k = seen.merge(name, 1, Integer::sum);
      String candidate = name;
      if (k > 1) {
        do {
          candidate = name + "_" + k++;
        } while (taken.contains(candidate));
        seen.put(name, k - 1);
        taken.add(candidate);
      }
      out.add(candidate);
    }
    return out;
  }

  static String sanitize(String s) {
    String t = s.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
    t = t.replaceAll("^_+|_+$", "");
    return t.isEmpty() ? "X" : t;
  }
}
