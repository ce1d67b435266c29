package org.broomstick.stingify;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.broomstick.stingify.c.CRewriter;
import org.broomstick.stingify.edit.AtomicWriter;
import org.broomstick.stingify.edit.EditSet;
import org.broomstick.stingify.edit.SourceText;
import org.broomstick.stingify.input.AllocationSite;
import org.broomstick.stingify.input.ReleaseSite;
import org.broomstick.stingify.input.StingifyInput;

/**
 * stingify's facade (SPEC §7): plans the edits of every analysed file under the given roots, and
 * carries them out as a diff, a patched copy, an in-place rewrite or a check. A plan is made only
 * from files whose content still has the hash recorded in the report; one stale file refuses the
 * whole plan, so nothing is rewritten from an outdated analysis. C files are rewritten by {@link
 * CRewriter}; a Java report's sources, found under the roots by their package paths, by {@link
 * org.broomstick.stingify.java.JavaRewriter} (see {@link JavaPlanner} for what makes one stale).
 */
public final class Stingify {
  private Stingify() {}

  /** One file's original and rewritten content. */
  public record FilePlan(Path path, String shown, Path relative, byte[] original, byte[] rewritten, String oldText, String newText) {
    public boolean changed() {
      return !java.util.Arrays.equals(original, rewritten);
    }
  }

  /** The rewrite of a tree: every analysed file under the roots, changed or not, and the findings. */
  public record Plan(List<FilePlan> files, List<Finding> findings) {
    public Plan {
      files = List.copyOf(files);
      findings = List.copyOf(findings);
    }

    public List<FilePlan> changed() {
      return files.stream().filter(FilePlan::changed).toList();
    }
  }

  /** Thrown when a file changed since the report was made; nothing has been written. */
  public static final class StaleException extends RuntimeException {
    private final List<Finding> findings;

    StaleException(List<Finding> findings) {
      super(findings.size() + " file(s) changed since the report was made");
      this.findings = List.copyOf(findings);
    }

    public List<Finding> findings() {
      return findings;
    }
  }

  /**
   * @param roots files or directories to rewrite; only analysed files under them are planned (all
   *     analysed files when empty); for a Java report, the source roots
   * @param root the directory --out copies are relative to (null: the single directory root, or the
   *     report's base); Java copies always keep their package paths
   */
  public static Plan plan(StingifyInput in, List<Path> roots, Path root) throws IOException {
    List<Path> absRoots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    if (in.isJava()) {
      return JavaPlanner.plan(in, absRoots);
    }
    Path relativeTo = root != null ? root.toAbsolutePath().normalize()
        : absRoots.size() == 1 && Files.isDirectory(absRoots.get(0)) ? absRoots.get(0)
        : in.base().toAbsolutePath().normalize();
    Map<String, List<AllocationSite>> allocs = new TreeMap<>();
    in.allocations().forEach(a -> allocs.computeIfAbsent(a.file(), k -> new ArrayList<>()).add(a));
    Map<String, List<ReleaseSite>> frees = new TreeMap<>();
    in.releases().forEach(f -> frees.computeIfAbsent(f.file(), k -> new ArrayList<>()).add(f));

    List<FilePlan> files = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    List<Finding> stale = new ArrayList<>();
    Map<String, String> inputs = new LinkedHashMap<>(in.inputs());
    for (Map.Entry<String, String> e : inputs.entrySet()) {
      String shown = e.getKey();
      Path path = in.resolve(shown);
      if (!absRoots.isEmpty() && absRoots.stream().noneMatch(path::startsWith)) {
        continue;
      }
      if (!Files.isRegularFile(path)) {
        stale.add(new Finding(shown, 0, 0, "error", "stingify.stale", "analysed file is missing; re-run memwalk"));
        continue;
      }
      byte[] bytes = Files.readAllBytes(path);
      if (!sha256(bytes).equals(e.getValue())) {
        stale.add(new Finding(shown, 0, 0, "error", "stingify.stale",
            "file changed since the report was made (its SHA-256 differs); re-run memwalk before stingify"));
        continue;
      }
      SourceText src = SourceText.decode(bytes);
      CRewriter.Result r = CRewriter.rewrite(shown, src.text(), src.lineEnding(),
          allocs.getOrDefault(shown, List.of()), frees.getOrDefault(shown, List.of()), in.managed());
      findings.addAll(r.findings());
      String newText = EditSet.of(r.edits()).applyTo(src.text());
      Path rel = path.startsWith(relativeTo) ? relativeTo.relativize(path) : Path.of(path.getFileName().toString());
      files.add(new FilePlan(path, shown, rel, bytes, src.encode(newText), src.text(), newText));
    }
    if (!stale.isEmpty()) {
      throw new StaleException(stale);
    }
    return new Plan(files, findings);
  }

  /** A unified diff of every changed file (paths as the report shows them, a/ and b/ prefixed). */
  public static String diff(Plan plan) {
    StringBuilder b = new StringBuilder();
    for (FilePlan f : plan.changed()) {
      List<String> before = f.oldText().lines().toList();
      List<String> after = f.newText().lines().toList();
      Patch<String> patch = DiffUtils.diff(before, after);
      for (String line : UnifiedDiffUtils.generateUnifiedDiff("a/" + f.shown(), "b/" + f.shown(), before, patch, 3)) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }

  /** Writes every planned file, changed or not, under {@code out} at its relative path. */
  public static void writeOut(Plan plan, Path out) throws IOException {
    for (FilePlan f : plan.files()) {
      AtomicWriter.write(out.resolve(f.relative()), f.rewritten());
    }
  }

  /** Replaces each changed file atomically; unchanged files are not touched. */
  public static void writeInPlace(Plan plan) throws IOException {
    for (FilePlan f : plan.changed()) {
      AtomicWriter.write(f.path(), f.rewritten());
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
