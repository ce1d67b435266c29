package org.broomstick.stingygen.report;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.StingygenException.Kind;
import org.broomstick.stingygen.report.Report.Cluster;
import org.broomstick.stingygen.report.Report.Global;
import org.broomstick.stingygen.report.Report.ObjectClass;
import org.broomstick.stingygen.report.Report.OrderConstraint;
import org.broomstick.stingygen.report.Report.ReportObject;
import org.broomstick.stingygen.report.Report.Site;
import org.broomstick.stingygen.report.Report.StackSummary;
import org.broomstick.stingygen.report.Report.Stage;

/**
 * Reads {@code report.json} into a {@link Report}. Refuses another {@code schemaVersion}, and
 * reports malformed input as {@code file:line:column} plus the JSON path of the offending value
 * (the line found by a second, streaming pass over the file, only when there is an error).
 */
public final class ReportReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String file;
  private final String text;

  private ReportReader(String file, String text) {
    this.file = file;
    this.text = text;
  }

  /** Reads and checks the report at {@code path}. */
  public static Report read(Path path) {
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new StingygenException(Kind.INPUT, "report.missing", path.toString(), 0, 0, "no such file");
    } catch (IOException e) {
      throw new StingygenException(
          Kind.INPUT, "report.unreadable", path.toString(), 0, 0, "cannot read: " + e.getMessage());
    }
    return parse(path.toString(), text);
  }

  /** Parses report text; {@code file} names it in messages. */
  public static Report parse(String file, String text) {
    return new ReportReader(file, text).parse();
  }

  private Report parse() {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new StingygenException(
          Kind.INPUT,
          "report.syntax",
          file,
          at == null ? 0 : at.getLineNr(),
          at == null ? 0 : at.getColumnNr(),
          "not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw fail("$", "the report must be a JSON object");
    }
    JsonNode version = root.get("schemaVersion");
    if (version == null || !version.isInt()) {
      throw fail("$.schemaVersion", "missing schemaVersion (an integer; this stingygen reads 1)");
    }
    if (version.asInt() != Report.SCHEMA_VERSION) {
      throw new StingygenException(
          Kind.INPUT,
          "report.schema-version",
          file,
          lineOf("$.schemaVersion")[0],
          lineOf("$.schemaVersion")[1],
          "report schemaVersion "
              + version.asInt()
              + ", but this stingygen reads schemaVersion "
              + Report.SCHEMA_VERSION
              + " (re-run memwalk of the same Broomstick version)");
    }
    String language = optText(root, "$", "language", "c");
    List<Stage> stages = list(root, "$", "stages", true, this::stage);
    List<ReportObject> objects = list(root, "$", "objects", true, this::object);
    List<Global> globals = list(root, "$", "globals", false, this::global);
    List<OrderConstraint> order = list(root, "$", "orderConstraints", false, this::order);
    StackSummary stack = stack(root.get("stack"));
    Report r = new Report(file, version.asInt(), language, stages, objects, globals, order, stack);
    checkReferences(r);
    return r;
  }

  // ---- elements ------------------------------------------------------------------------------

  private record At(JsonNode node, String path) {}

  private Stage stage(At a) {
    return new Stage(
        text(a, "id"),
        text(a, "entry"),
        strings(a, "liveIn"),
        strings(a, "allocates"),
        optLong(a, "codeBytes", 0),
        optStrings(a, "successors"),
        optBool(a, "entryStage"),
        (int) optLong(a, "rank", 0));
  }

  private ReportObject object(At a) {
    JsonNode site = a.node().get("site");
    String sitePath = a.path() + ".site";
    if (site == null || !site.isObject()) {
      throw fail(sitePath, "missing site {file, line, column}");
    }
    At s = new At(site, sitePath);
    String cls = text(a, "class");
    ObjectClass oc = ObjectClass.ofJson(cls);
    if (oc == null) {
      throw fail(a.path() + ".class", "unknown class \"" + cls + "\" (per-task, global-final, global-temporary or unbounded)");
    }
    Long size = nullableLong(a, "sizeBytes");
    Long hint = nullableLong(a, "sizeHint");
    Long count = nullableLong(a, "countHint");
    if (size != null && size <= 0) {
      throw fail(a.path() + ".sizeBytes", "size must be positive, not " + size);
    }
    if (hint != null && hint <= 0) {
      throw fail(a.path() + ".sizeHint", "size hint must be positive, not " + hint);
    }
    if (count != null && (count <= 0 || count > Integer.MAX_VALUE)) {
      throw fail(a.path() + ".countHint", "count hint must be a positive int, not " + count);
    }
    Long color = nullableLong(a, "color");
    return new ReportObject(
        text(a, "id"),
        new Site(text(s, "file"), (int) optLong(s, "line", 0), (int) optLong(s, "column", 0)),
        optText(a.node(), a.path(), "allocator", ""),
        optText(a.node(), a.path(), "stage", null),
        size,
        optText(a.node(), a.path(), "sizeExpr", null),
        hint,
        count == null ? null : count.intValue(),
        oc,
        color == null ? null : color.intValue(),
        optStrings(a, "freedIn"));
  }

  private Global global(At a) {
    String cls = text(a, "class");
    ObjectClass gc = ObjectClass.ofJson(cls);
    if (gc != ObjectClass.GLOBAL_FINAL && gc != ObjectClass.GLOBAL_TEMPORARY) {
      throw fail(a.path() + ".class", "a global is global-final or global-temporary, not \"" + cls + "\"");
    }
    long size = optLong(a, "sizeBytes", -1);
    if (size < 0) {
      throw fail(a.path() + ".sizeBytes", "missing or negative sizeBytes");
    }
    return new Global(
        text(a, "id"),
        optText(a.node(), a.path(), "name", text(a, "id")),
        optText(a.node(), a.path(), "file", null),
        (int) optLong(a, "line", 0),
        size,
        gc);
  }

  private OrderConstraint order(At a) {
    return new OrderConstraint(text(a, "greater"), text(a, "lesser"));
  }

  private StackSummary stack(JsonNode node) {
    if (node == null || node.isNull()) {
      throw fail("$.stack", "missing stack {totalBytes, clusters}");
    }
    At a = new At(node, "$.stack");
    Long total = nullableLong(a, "totalBytes");
    if (total != null && total < 0) {
      throw fail("$.stack.totalBytes", "negative stack size " + total);
    }
    List<Cluster> clusters =
        list(node, "$.stack", "clusters", false, c -> new Cluster(optLong(c, "bytes", 0), optLong(c, "paths", 0)));
    return new StackSummary(total, clusters);
  }

  private void checkReferences(Report r) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < r.objects().size(); i++) {
      if (!ids.add(r.objects().get(i).id())) {
        throw fail("$.objects[" + i + "].id", "duplicate object id \"" + r.objects().get(i).id() + "\"");
      }
    }
    Set<String> stageIds = new HashSet<>();
    for (int i = 0; i < r.stages().size(); i++) {
      Stage s = r.stages().get(i);
      if (!stageIds.add(s.id())) {
        throw fail("$.stages[" + i + "].id", "duplicate stage id \"" + s.id() + "\"");
      }
      refs(ids, s.liveIn(), "$.stages[" + i + "].liveIn");
      refs(ids, s.allocates(), "$.stages[" + i + "].allocates");
    }
    for (int i = 0; i < r.orderConstraints().size(); i++) {
      OrderConstraint c = r.orderConstraints().get(i);
      refs(ids, List.of(c.greater()), "$.orderConstraints[" + i + "].greater");
      refs(ids, List.of(c.lesser()), "$.orderConstraints[" + i + "].lesser");
    }
  }

  private void refs(Set<String> ids, List<String> used, String path) {
    for (int j = 0; j < used.size(); j++) {
      if (!ids.contains(used.get(j))) {
        String p = path.endsWith("greater") || path.endsWith("lesser") ? path : path + "[" + j + "]";
        throw fail(p, "unknown object id \"" + used.get(j) + "\"");
      }
    }
  }

  // ---- field access --------------------------------------------------------------------------

  private <T> List<T> list(JsonNode parent, String path, String field, boolean required, Function<At, T> each) {
    JsonNode n = parent.get(field);
    String p = path + "." + field;
    if (n == null || n.isNull()) {
      if (required) {
        throw fail(p, "missing array " + field);
      }
      return List.of();
    }
    if (!n.isArray()) {
      throw fail(p, field + " must be an array");
    }
    List<T> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      String ep = p + "[" + i + "]";
      if (!e.isObject()) {
        throw fail(ep, "expected an object");
      }
      out.add(each.apply(new At(e, ep)));
    }
    return out;
  }

  private String text(At a, String field) {
    JsonNode n = a.node().get(field);
    if (n == null || !n.isTextual() || n.asText().isEmpty()) {
      throw fail(a.path() + "." + field, "missing or empty string " + field);
    }
    return n.asText();
  }

  private String optText(JsonNode node, String path, String field, String dflt) {
    JsonNode n = node.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isTextual()) {
      throw fail(path + "." + field, field + " must be a string");
    }
    return n.asText();
  }

  private long optLong(At a, String field, long dflt) {
    Long v = nullableLong(a, field);
    return v == null ? dflt : v;
  }

  private Long nullableLong(At a, String field) {
    JsonNode n = a.node().get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw fail(a.path() + "." + field, field + " must be an integer or null, not " + n);
    }
    return n.asLong();
  }

  private boolean optBool(At a, String field) {
    JsonNode n = a.node().get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw fail(a.path() + "." + field, field + " must be true or false");
    }
    return n.asBoolean();
  }

  private List<String> strings(At a, String field) {
    JsonNode n = a.node().get(field);
    if (n == null || n.isNull()) {
      throw fail(a.path() + "." + field, "missing array " + field);
    }
    return stringArray(n, a.path() + "." + field);
  }

  private List<String> optStrings(At a, String field) {
    JsonNode n = a.node().get(field);
    return n == null || n.isNull() ? List.of() : stringArray(n, a.path() + "." + field);
  }

  private List<String> stringArray(JsonNode n, String path) {
    if (!n.isArray()) {
      throw fail(path, "must be an array of strings");
    }
    List<String> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isTextual()) {
        throw fail(path + "[" + i + "]", "must be a string");
      }
      out.add(n.get(i).asText());
    }
    return out;
  }

  private StingygenException fail(String path, String message) {
    int[] at = lineOf(path);
    return new StingygenException(Kind.INPUT, "report.malformed", file, at[0], at[1], path + ": " + message);
  }

  /**
   * Line and column of the value at a {@code $.a[1].b} path, or of its nearest existing parent
   * (a missing field is reported where its object starts). Runs only on the error path.
   */
  private int[] lineOf(String path) {
    String want = pointer(path);
    int[] best = {0, 0};
    int bestLength = -1;
    try (JsonParser p = JSON.getFactory().createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME || t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          continue;
        }
        String here = p.getParsingContext().pathAsPointer().toString();
        // for START_OBJECT/ARRAY the context is the new container: use its parent's pointer
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          here = p.getParsingContext().getParent() == null
              ? ""
              : p.getParsingContext().getParent().pathAsPointer().toString();
        }
        if ((want.equals(here) || want.startsWith(here + "/") || here.isEmpty())
            && here.length() > bestLength) {
          JsonLocation loc = p.currentTokenLocation();
          best = new int[] {loc.getLineNr(), loc.getColumnNr()};
          bestLength = here.length();
        }
      }
    } catch (IOException e) {
      // the tree parse already succeeded; a location is a nicety
    }
    return best;
  }

  private static String pointer(String path) {
    // $.objects[3].site.file -> /objects/3/site/file
    return path.substring(1).replace("[", "/").replace("]", "").replace('.', '/');
  }
}
