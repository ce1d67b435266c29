package org.broomstick.stingify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.broomstick.stingify.Stingify.FilePlan;
import org.broomstick.stingify.Stingify.Plan;
import org.broomstick.stingify.edit.EditSet;
import org.broomstick.stingify.edit.SourceText;
import org.broomstick.stingify.input.AllocationSite;
import org.broomstick.stingify.input.ReleaseSite;
import org.broomstick.stingify.input.StingifyInput;
import org.broomstick.stingify.java.JavaRewriter;

/**
 * The plan of a Java report. Its sites name sources by package path ({@code demo/Srv.java}), found
 * under the given source roots (default: the report's base and its {@code src/main/java}). A Java
 * report hashes the class files it read, not the sources, so a plan is refused when a class file
 * differs from the analysed one, or when a source was modified after the report was written (the
 * analysis then describes older code); each site is also checked to be a call of its allocator on
 * its line. The patched copy ({@code --out}) keeps package paths, so the directory is a source root.
 */
final class JavaPlanner {
  private JavaPlanner() {}

  static Plan plan(StingifyInput in, List<Path> roots) throws IOException {
    List<Finding> stale = new ArrayList<>();
    for (Map.Entry<String, String> e : in.inputs().entrySet()) {
      Path p = in.resolve(e.getKey());
      if (!Files.isRegularFile(p)) {
        stale.add(new Finding(e.getKey(), 0, 0, "error", "stingify.stale", "analysed class file is missing; re-run memwalk"));
      } else if (!Stingify.sha256(Files.readAllBytes(p)).equals(e.getValue())) {
        stale.add(new Finding(e.getKey(), 0, 0, "error", "stingify.stale",
            "class file changed since the report was made (its SHA-256 differs); re-run memwalk before stingify"));
      }
    }
    List<Path> searched = roots.isEmpty()
        ? List.of(in.base().toAbsolutePath().normalize(), in.base().toAbsolutePath().normalize().resolve("src/main/java"))
        : roots;
    Map<String, List<AllocationSite>> allocs = new LinkedHashMap<>();
    in.allocations().forEach(a -> allocs.computeIfAbsent(a.file(), k -> new ArrayList<>()).add(a));
    Map<String, List<ReleaseSite>> frees = new LinkedHashMap<>();
    in.releases().forEach(f -> frees.computeIfAbsent(f.file(), k -> new ArrayList<>()).add(f));

    List<Finding> findings = new ArrayList<>();
    List<JavaRewriter.Source> sources = new ArrayList<>();
    Map<String, Path> paths = new LinkedHashMap<>();
    Map<String, String> relative = new LinkedHashMap<>();
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    Map<String, SourceText> texts = new LinkedHashMap<>();
    for (String file : in.sources()) {
      Path path = find(file, searched);
      List<AllocationSite> a = allocs.getOrDefault(file, List.of());
      List<ReleaseSite> f = frees.getOrDefault(file, List.of());
      if (path == null) {
        if (a.stream().anyMatch(x -> in.managed().containsKey(x.id()))) {
          findings.add(new Finding(file, 0, 0, "warning", "stingify.no-source",
              "source of managed allocation sites not found under " + searched + "; not rewritten"));
        }
        continue;
      }
      String shown = show(path);
      if (Files.getLastModifiedTime(path).toInstant().isAfter(in.reportTime())) {
        stale.add(new Finding(shown, 0, 0, "error", "stingify.stale",
            "source modified after the report was made; recompile and re-run memwalk before stingify"));
        continue;
      }
      byte[] b = Files.readAllBytes(path);
      SourceText src = SourceText.decode(b);
      sources.add(new JavaRewriter.Source(shown, src.text(), src.lineEnding(), a, f));
      paths.put(shown, path);
      relative.put(shown, file);
      bytes.put(shown, b);
      texts.put(shown, src);
    }
    if (!stale.isEmpty()) {
      throw new Stingify.StaleException(stale);
    }
    Map<String, JavaRewriter.Result> results = JavaRewriter.rewrite(sources, in.managed(), in.javaClass());
    List<FilePlan> files = new ArrayList<>();
    for (JavaRewriter.Source s : sources) {
      JavaRewriter.Result r = results.get(s.shown());
      findings.addAll(r.findings());
      SourceText src = texts.get(s.shown());
      String newText = EditSet.of(r.edits()).applyTo(src.text());
      files.add(new FilePlan(paths.get(s.shown()), s.shown(), Path.of(relative.get(s.shown())), bytes.get(s.shown()),
          src.encode(newText), src.text(), newText));
    }
    return new Plan(files, findings);
  }

  /** The source {@code file} (a package path) under the first root that has it. */
  private static Path find(String file, List<Path> roots) {
    for (Path root : roots) {
      Path r = root.toAbsolutePath().normalize();
      if (Files.isDirectory(r)) {
        Path p = r.resolve(file).normalize();
        if (Files.isRegularFile(p)) {
          return p;
        }
      } else if (Files.isRegularFile(r) && r.endsWith(file)) {
        return r;
      }
    }
    return null;
  }

  /** The path relative to the working directory when under it, as a user's build shows paths. */
  private static String show(Path path) {
    Path cwd = Path.of("").toAbsolutePath();
    return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
  }
}
