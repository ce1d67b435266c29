package org.broomstick.memwalk.frontend.c;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.broomstick.memwalk.diag.Diagnostics;
import org.eclipse.cdt.core.dom.ast.IASTTranslationUnit;
import org.eclipse.cdt.core.dom.ast.gnu.c.GCCLanguage;
import org.eclipse.cdt.core.index.IIndexFileLocation;
import org.eclipse.cdt.core.model.ILanguage;
import org.eclipse.cdt.core.parser.ExtendedScannerInfo;
import org.eclipse.cdt.core.parser.FileContent;
import org.eclipse.cdt.core.parser.NullLogService;
import org.eclipse.cdt.internal.core.parser.IMacroDictionary;
import org.eclipse.cdt.internal.core.parser.scanner.CharArray;
import org.eclipse.cdt.internal.core.parser.scanner.InternalFileContent;
import org.eclipse.cdt.internal.core.parser.scanner.InternalFileContentProvider;

/**
 * A benchmark harness, not a test (bench/scg/README.md): parses the units of a compile database
 * with CDT the plainest way (GCCLanguage.getASTTranslationUnit, the same scanner info as {@link
 * CFrontend}, a caching content provider, 2 threads) and times that beside {@code CFrontend.load}
 * on the same database, round by round in one JVM. The difference is what Broomstick adds.
 *
 * <pre>
 * javac -d /tmp/rp -cp broomstick-cli/target/broomstick.jar bench/scg/RawParse.java
 * java -XX:+UseParallelGC -Xmn512m -XX:TieredStopAtLevel=1 \
 *   -cp /tmp/rp:broomstick-cli/target/broomstick.jar org.broomstick.memwalk.frontend.c.RawParse \
 *   DB [ROUNDS] [raw|front|both]
 * </pre>
 *
 * (In the package of the frontend to reuse its compile-database reader, gcc probe and decoder.)
 */
public final class RawParse {

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String which = args.length > 2 ? args[2] : "both";
    int threads = 2;
    List<UnitConfig> units = CompileCommands.read(db, db.toString(), new Diagnostics());
    for (int r = 0; r < rounds; r++) {
      if (!which.equals("front")) {
        long c0 = cpu();
        long t0 = System.nanoTime();
        int problems = raw(units, threads);
        System.out.printf("round %d raw   %4d ms wall %5d ms cpu  (%d units, %d problem nodes)%n",
            r, (System.nanoTime() - t0) / 1_000_000, (cpu() - c0) / 1_000_000, units.size(), problems);
      }
      if (!which.equals("raw")) {
        long c0 = cpu();
        long t0 = System.nanoTime();
        CFrontend.Options o = new CFrontend.Options(List.of(), db, List.of(), Map.of(), List.of(), null, null, false,
            threads, Path.of(""), "gcc", null, null);
        CFrontend.Result res = CFrontend.load(o);
        System.out.printf("round %d front %4d ms wall %5d ms cpu  (%d units, %d functions)%n",
            r, (System.nanoTime() - t0) / 1_000_000, (cpu() - c0) / 1_000_000, res.stats().units(),
            res.program().functions().size());
      }
    }
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Header contents read once per round, shared by all units. */
  static class Provider extends InternalFileContentProvider {
    final Map<String, Optional<CharArray>> files;

    Provider(Map<String, Optional<CharArray>> files) {
      this.files = files;
    }

    Optional<CharArray> load(String path) {
      return files.computeIfAbsent(path, p -> {
        try {
          return Optional.of(new CharArray(SourceCache.decode(Files.readAllBytes(Path.of(p)))));
        } catch (Exception e) {
          return Optional.empty();
        }
      });
    }

    @Override
    public boolean getInclusionExists(String path) {
      return load(path).isPresent();
    }

    @Override
    public InternalFileContent getContentForInclusion(String path, IMacroDictionary macros) {
      return load(path).map(c -> new InternalFileContent(path, c)).orElse(null);
    }

    @Override
    public InternalFileContent getContentForInclusion(IIndexFileLocation ifl, String astPath) {
      return getContentForInclusion(astPath, null);
    }
  }

  static int raw(List<UnitConfig> units, int threads) throws Exception {
    GccProbe probe = new GccProbe("gcc");
    Map<String, Optional<CharArray>> files = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(null, r, "raw", 256L << 20));
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (UnitConfig u : units) {
        fs.add(pool.submit(() -> parse(u, probe, new Provider(files))));
      }
      int n = 0;
      for (Future<Integer> f : fs) {
        n += f.get();
      }
      return n;
    } finally {
      pool.shutdown();
    }
  }

  static int parse(UnitConfig u, GccProbe probe, Provider provider) throws Exception {
    GccProbe.Result sys = probe.probe(u.probeFlags());
    // -Draw.noSystemIncludes=true: what a parse costs that finds no system header (each missing
    // header is a preprocessor problem, not a failure, for CDT).
    if (Boolean.getBoolean("raw.noSystemIncludes")) {
      sys = new GccProbe.Result(List.of(), sys.macros(), sys.failure());
    }
    ExtendedScannerInfo info = CFrontend.scannerInfo(u, sys);
    FileContent content = FileContent.create(u.file().toString(), true,
        SourceCache.decode(Files.readAllBytes(u.file())));
    int opts = ILanguage.OPTION_NO_IMAGE_LOCATIONS | ILanguage.OPTION_SKIP_TRIVIAL_EXPRESSIONS_IN_AGGREGATE_INITIALIZERS;
    IASTTranslationUnit tu =
        GCCLanguage.getDefault().getASTTranslationUnit(content, info, provider, null, opts, new NullLogService());
    return tu.getPreprocessorProblemsCount()
        + (Boolean.getBoolean("raw.syntaxProblems") ? org.eclipse.cdt.internal.core.dom.parser.c.CVisitor.getProblems(tu).length : 0);
  }
}
