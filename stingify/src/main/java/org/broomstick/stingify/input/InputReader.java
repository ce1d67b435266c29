package org.broomstick.stingify.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads {@code report.json} (memwalk) and {@code allocator.json} (stingygen) into a {@link StingifyInput}. */
public final class InputReader {
  static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private InputReader() {}

  /**
   * @param base where the report's relative paths are resolved when it does not record its own base
   */
  public static StingifyInput read(Path report, Path allocator, Path base) {
    JsonNode r = json(report, "report");
    JsonNode a = json(allocator, "allocator config");
    String where = report.toString();
    Path b = r.hasNonNull("base") ? Path.of(r.get("base").asText()) : base.toAbsolutePath();
    Map<String, String> inputs = new LinkedHashMap<>();
    for (JsonNode in : array(r, "inputs", where)) {
      inputs.put(text(in, "path", where + ": inputs[]"), text(in, "sha256", where + ": inputs[]"));
    }
    List<AllocationSite> allocs = new ArrayList<>();
    int i = 0;
    for (JsonNode o : array(r, "objects", where)) {
      String at = where + ": objects[" + i++ + "]";
      JsonNode site = o.get("site");
      if (site == null || !site.isObject()) {
        throw new InputException(at + ": no \"site\" object");
      }
      allocs.add(new AllocationSite(
          text(o, "id", at), text(site, "file", at + ".site"), site.path("line").asInt(), site.path("column").asInt(),
          text(o, "allocator", at), text(o, "class", at), longOrNull(o, "sizeBytes"), longOrNull(o, "sizeHint"),
          o.path("inMacro").asBoolean(false), integer(o, "offset", at), o.path("length").asInt(0),
          o.path("sizeOffset").asInt(-1), o.path("sizeLength").asInt(0), o.path("sizeParam").asInt(-1),
          args(o.path("args")), o.hasNonNull("wrapper") ? o.get("wrapper").asText() : null));
    }
    List<ReleaseSite> frees = new ArrayList<>();
    i = 0;
    for (JsonNode f : r.path("freeSites")) {
      String at = where + ": freeSites[" + i++ + "]";
      List<String> releases = new ArrayList<>();
      f.path("releases").forEach(x -> releases.add(x.asText()));
      frees.add(new ReleaseSite(
          text(f, "id", at), text(f, "file", at), f.path("line").asInt(), f.path("column").asInt(),
          text(f, "freer", at), releases, f.path("inMacro").asBoolean(false), integer(f, "offset", at),
          f.path("length").asInt(0)));
    }
    String language = r.path("language").asText("c");
    boolean java = language.equals("java");
    String aw = allocator.toString();
    String javaClass = null;
    if (java) {
      javaClass = a.path("java").path("class").asText(null);
      if (javaClass == null || !javaClass.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
        throw new InputException(aw + ": no Java config class (\"java.class\") for this Java report;"
            + " make the allocator config with stingygen --target java");
      }
    }
    Map<String, String> managed = new LinkedHashMap<>();
    i = 0;
    for (JsonNode o : array(a, "objects", aw)) {
      String at = aw + ": objects[" + i++ + "]";
      String id = text(o, "id", at);
      if (o.path("count").asLong(0) <= 0) {
        continue; // no pool: the site keeps its allocator
      }
      String name = java ? o.path("javaName").asText(null)
          : o.hasNonNull("cName") ? o.get("cName").asText() : o.path("enumName").asText(null);
      if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new InputException(at + ": no valid " + (java ? "Java constant name (\"javaName\")" : "C enum name (\"cName\")")
            + " for object " + id);
      }
      managed.put(id, name);
    }
    Set<String> sources = new TreeSet<>();
    if (java) {
      for (JsonNode f : r.path("functions")) {
        if (f.hasNonNull("file")) {
          sources.add(f.get("file").asText());
        }
      }
      allocs.forEach(x -> sources.add(x.file()));
      frees.forEach(x -> sources.add(x.file()));
    }
    Instant written;
    try {
      written = Files.getLastModifiedTime(report).toInstant();
    } catch (IOException e) {
      throw new InputException(report + ": cannot read its time: " + e.getMessage(), e);
    }
    return new StingifyInput(b, language, inputs, allocs, frees, managed, javaClass, sources, written);
  }

  private static JsonNode json(Path file, String what) {
    JsonNode n;
    try {
      n = MAPPER.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new InputException(file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr()
          + ": not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InputException(file + ": cannot read the " + what + ": " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new InputException(file + ": not a " + what + " (expected a JSON object)");
    }
    int v = n.path("schemaVersion").asInt(-1);
    if (v != SCHEMA_VERSION) {
      throw new InputException(file + ": schemaVersion " + (v < 0 ? "missing" : v) + "; this stingify reads version "
          + SCHEMA_VERSION + " (re-run the step that wrote it with this Broomstick)");
    }
    return n;
  }

  private static Iterable<JsonNode> array(JsonNode n, String field, String where) {
    JsonNode a = n.get(field);
    if (a == null || !a.isArray()) {
      throw new InputException(where + ": no \"" + field + "\" array");
    }
    return a;
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new InputException(where + ": \"" + field + "\" missing or not a string");
    }
    return v.asText();
  }

  private static int integer(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToInt()) {
      throw new InputException(where + ": \"" + field + "\" missing or not an integer (a report from an older memwalk?)");
    }
    return v.asInt();
  }

  private static List<String> args(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(x.isNull() ? null : x.asText()));
    return out;
  }

  private static Long longOrNull(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asLong();
  }
}
