package org.broomstick.memwalk.frontend.c;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.pointsto.Andersen;
import org.broomstick.memwalk.pointsto.PointsTo;
import org.broomstick.memwalk.scg.CallGraph;
import org.broomstick.memwalk.scg.CallGraphBuilder;
import org.broomstick.memwalk.scg.Edge;
import org.broomstick.memwalk.spec.ServerSpec;

/**
 * Test helper: writes small C files into a directory, runs the C frontend, points-to and call
 * graph on them, and answers in compact strings ({@code "a -> b"} for a call, {@code "a => b"} for
 * an event edge) so tests read like specifications.
 */
final class CFixture {
  private final Path dir;
  private final Map<String, String> files = new LinkedHashMap<>();
  private ServerSpec spec = ServerSpec.EMPTY;
  private String specFile;
  private boolean ilp32;
  private final List<String> defines = new ArrayList<>();
  private CFrontend.Result result;
  private PointsTo pointsTo;
  private CallGraph graph;

  CFixture(Path dir) {
    this.dir = dir;
  }

  CFixture file(String name, String text) {
    files.put(name, text);
    return this;
  }

  CFixture spec(ServerSpec s) {
    this.spec = s;
    return this;
  }

  /** Reads this fixture file as broomstick.yaml. */
  CFixture specFile(String name) {
    this.specFile = name;
    return this;
  }

  /** Analyse for i386 instead of x86-64. */
  CFixture ilp32() {
    this.ilp32 = true;
    return this;
  }

  CFixture define(String d) {
    defines.add(d);
    return this;
  }

  Path dir() {
    return dir;
  }

  CFixture run() {
    try {
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = dir.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> defs = new LinkedHashMap<>();
    for (String d : defines) {
      int eq = d.indexOf('=');
      defs.put(eq < 0 ? d : d.substring(0, eq), eq < 0 ? "1" : d.substring(eq + 1));
    }
    CFrontend.Options o =
        new CFrontend.Options(
            List.of(dir), null, List.of(), defs, List.of(), spec,
            specFile == null ? null : dir.resolve(specFile), ilp32, 2, dir, "gcc", null, null);
    result = CFrontend.load(o);
    pointsTo = Andersen.analyse(result.program());
    graph = CallGraphBuilder.build(result.program(), pointsTo);
    return this;
  }

  Program program() {
    return result.program();
  }

  CFrontend.Result result() {
    return result;
  }

  PointsTo pointsTo() {
    return pointsTo;
  }

  CallGraph graph() {
    return graph;
  }

  /** Every edge as {@code from -> to} (call) or {@code from => to} (event). */
  Set<String> edges() {
    Set<String> out = new TreeSet<>();
    for (Edge e : graph.edges()) {
      out.add(e.from() + (e.kind() == Edge.Kind.CALL ? " -> " : " => ") + e.to());
    }
    return out;
  }

  Set<String> eventEdges() {
    Set<String> out = new TreeSet<>();
    for (String e : edges()) {
      if (e.contains(" => ")) {
        out.add(e);
      }
    }
    return out;
  }

  /** Every diagnostic of program and graph as {@code file:line key}. */
  Set<String> diagnostics() {
    Set<String> out = new TreeSet<>();
    List<Diagnostic> all = new ArrayList<>(result.program().diagnostics());
    all.addAll(graph.diagnostics());
    for (Diagnostic d : all) {
      out.add(d.at().file() + ":" + d.at().line() + " " + d.severity().label() + " " + d.key());
    }
    return out;
  }

  private static final Pattern MARKER =
      Pattern.compile("(?:/\\*|#)\\s*::\\s*(error|warning|note):\\s*\\(([a-z0-9.-]+)\\)\\s*(?:\\*/)?");

  /**
   * The diagnostics the fixture files announce: a {@code /* :: warning: (key) *}{@code /} comment
   * refers to the next line.
   */
  Set<String> expectedDiagnostics() {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      String[] lines = f.getValue().split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        Matcher m = MARKER.matcher(lines[i]);
        while (m.find()) {
          out.add(f.getKey() + ":" + (i + 2) + " " + m.group(1) + " " + m.group(2));
        }
      }
    }
    return out;
  }
}
