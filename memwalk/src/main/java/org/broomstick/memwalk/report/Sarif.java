package org.broomstick.memwalk.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.SourceLocation;

/**
 * Diagnostics as SARIF 2.1.0, for code-scanning UIs: one rule per diagnostic key (the stable id),
 * one result per diagnostic, with its file, line and column when known.
 */
public final class Sarif {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Sarif() {}

  public static void write(List<Diagnostic> diagnostics, String toolVersion, Writer out) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "broomstick");
    driver.put("version", toolVersion);
    driver.put("informationUri", "https://github.com/broomstick/broomstick");
    ArrayNode rules = driver.putArray("rules");
    Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    diagnostics.stream().map(Diagnostic::key).sorted().distinct().forEach(k -> {
      ruleIndex.put(k, ruleIndex.size());
      rules.addObject().put("id", k).putObject("shortDescription").put("text", k);
    });
    ArrayNode results = run.putArray("results");
    for (Diagnostic d : diagnostics) {
      ObjectNode r = results.addObject();
      r.put("ruleId", d.key()).put("ruleIndex", ruleIndex.get(d.key()));
      r.put("level", switch (d.severity()) {
        case ERROR -> "error";
        case WARNING -> "warning";
        default -> "note";
      });
      r.putObject("message").put("text", d.message());
      SourceLocation at = d.at();
      if (at.file() != null) {
        ObjectNode phys = r.putArray("locations").addObject().putObject("physicalLocation");
        phys.putObject("artifactLocation").put("uri", at.file());
        if (at.line() > 0) {
          ObjectNode region = phys.putObject("region").put("startLine", at.line());
          if (at.column() > 0) {
            region.put("startColumn", at.column());
          }
        }
      }
    }
    MAPPER.writeValue(new NonClosing(out), root);
    out.write('\n');
    out.flush();
  }

  /** Jackson closes the writer it is given; the caller owns this one. */
  private static final class NonClosing extends java.io.FilterWriter {
    NonClosing(Writer w) {
      super(w);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
