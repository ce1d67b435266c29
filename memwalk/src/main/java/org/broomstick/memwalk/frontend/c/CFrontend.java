package org.broomstick.memwalk.frontend.c;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.diag.InputException;
import org.broomstick.memwalk.frontend.ContentHash;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.Constraint;
import org.broomstick.memwalk.model.FieldStore;
import org.broomstick.memwalk.model.FlowGraph;
import org.broomstick.memwalk.model.FrameSource;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.Global;
import org.broomstick.memwalk.model.InputFile;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.ServerSpec;
import org.broomstick.memwalk.spec.SiteBinder;
import org.eclipse.cdt.core.dom.ast.IASTTranslationUnit;
import org.eclipse.cdt.core.dom.ast.gnu.c.GCCLanguage;
import org.eclipse.cdt.core.model.ILanguage;
import org.eclipse.cdt.core.parser.ExtendedScannerInfo;
import org.eclipse.cdt.core.parser.FileContent;
import org.eclipse.cdt.core.parser.NullLogService;

/**
 * The C frontend (SPEC §4): parses translation units with CDT's GCC dialect and a real
 * preprocessor configured per unit, in parallel, and links what they contain into one {@link
 * Program}. Problems inside a unit become diagnostics; only unusable inputs as a whole throw {@link
 * InputException}.
 */
public final class CFrontend {

  /** Everything the frontend needs to know about a run. */
  /**
   * Whether units read their system headers from a system prelude: {@code AUTO} (the default) when
   * the run has at least {@link #MIN_UNITS} units, {@code ON} always, {@code OFF} never.
   *
   * <p>Why a threshold: a prelude costs a fixed ≈ 1.2 s of CPU per configuration (gcc's
   * preprocessing of the union of the system headers, about 0.5 s, and reading its output) and
   * saves each unit most of its system-header parse. Measured (bench/scg/README.md, CPU seconds
   * without → with): memcached, 29 units, 2.4 → 3.9 (a loss: 2–3 configurations and headers under
   * inactive {@code #if}s such as {@code <immintrin.h>}); libevent, 67 units, 6.9 → 4.9; nginx,
   * 120 units, 10.3 → 8.8. 48 sits between the loss and the gains.
   */
  public enum Prelude {
    AUTO,
    ON,
    OFF;

    /** Runs with fewer units than this take the normal path under {@code AUTO}. */
    public static final int MIN_UNITS = 48;

    /** From the system property {@code broomstick.prelude}: {@code on}/{@code true}, {@code off}/{@code false}, else AUTO. */
    public static Prelude byDefault() {
      String v = System.getProperty("broomstick.prelude", "").trim().toLowerCase(java.util.Locale.ROOT);
      return switch (v) {
        case "on", "true" -> ON;
        case "off", "false" -> OFF;
        default -> AUTO;
      };
    }

    /** Whether a run of {@code units} translation units uses the prelude. */
    public boolean use(int units) {
      return this == ON || (this == AUTO && units >= MIN_UNITS);
    }
  }

  /**
   * What a run reads and how. A null {@code spec}, {@code compiler}, {@code progress} or {@code
   * prelude} takes its default ({@link Prelude#byDefault()} for the prelude).
   */
  public record Options(
      List<Path> paths,
      Path compileCommands,
      List<Path> includeDirs,
      Map<String, String> defines,
      List<Path> suDirs,
      ServerSpec spec,
      Path specFile,
      boolean ilp32,
      int threads,
      Path base,
      String compiler,
      Progress progress,
      Prelude prelude) {

    public Options {
      paths = List.copyOf(paths);
      includeDirs = List.copyOf(includeDirs);
      defines = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(defines));
      suDirs = List.copyOf(suDirs);
      spec = spec == null ? ServerSpec.EMPTY : spec;
      threads = Math.max(1, threads);
      compiler = compiler == null ? "gcc" : compiler;
      progress = progress == null ? Progress.NONE : progress;
      prelude = prelude == null ? Prelude.byDefault() : prelude;
    }

    public static Options of(List<Path> paths) {
      return new Options(
          paths, null, List.of(), Map.of(), List.of(), ServerSpec.EMPTY, null, false,
          Runtime.getRuntime().availableProcessors(), Path.of(""), "gcc", Progress.NONE, null);
    }
  }

  /** Told how many units are parsed so far; called from parser threads. */
  public interface Progress {
    Progress NONE = (done, total) -> {};

    void unitsDone(int done, int total);
  }

  /**
   * Figures about a run that the benchmark and the JSON {@code stats} report; {@code preludeUnits}:
   * the units parsed with a system prelude (and not again on the normal path).
   */
  public record Stats(int units, int unitsWithErrors, long parseMillis, int preludeUnits) {}

  /** The program and the run's figures. */
  public record Result(Program program, Stats stats) {}

  private CFrontend() {}

  /** What every unit's parse shares within one run. */
  private record Run(
      Options options,
      PathDisplay display,
      SourceCache cache,
      GccProbe probe,
      CTypeLayout layout,
      Map<String, List<Path>> headersByName,
      Diagnostics diags,
      SystemPreludes preludes,
      java.util.concurrent.atomic.AtomicLong parseNanos,
      java.util.concurrent.atomic.AtomicLong extractNanos,
      AtomicInteger preludeUnits,
      java.util.Queue<String> fallbacks) {}


  public static Result load(Options options) {
    long start = System.nanoTime();
    PathDisplay display = new PathDisplay(options.base());
    Diagnostics diags = new Diagnostics();
    if (options.specFile() != null) {
      ServerSpec fromFile =
          org.broomstick.memwalk.spec.SpecFile.parse(options.specFile(), display.show(options.specFile().toString()), diags);
      ServerSpec.Merged merged = options.spec().mergedWith(fromFile);
      options = withSpec(options, merged.spec());
    }
    List<UnitConfig> units = units(options, display, diags);
    if (units.isEmpty()) {
      throw new InputException(
          Diagnostic.error(
              SourceLocation.ofFile(options.paths().isEmpty() ? "." : display.show(options.paths().get(0).toString())),
              "input.no-units",
              "no C translation units found in the inputs"));
    }
    Map<String, List<Path>> headersByName = headersByName(options.paths());
    SourceCache cache = new SourceCache();
    GccProbe probe = new GccProbe(options.compiler());
    CTypeLayout layout = new CTypeLayout(options.ilp32() ? DataModel.ILP32 : DataModel.LP64);

    // Time spent in CDT and in extraction, summed over threads, for -Dbroomstick.timing.
    SystemPreludes preludes = options.prelude().use(units.size()) ? new SystemPreludes(cache, options.compiler(), units, systemDirs(units, probe)) : null;
    Run run = new Run(options, display, cache, probe, layout, headersByName, diags, preludes,
        new java.util.concurrent.atomic.AtomicLong(), new java.util.concurrent.atomic.AtomicLong(), new AtomicInteger(),
        new java.util.concurrent.ConcurrentLinkedQueue<>());
    List<UnitFacts> facts = parseAll(units, run);
    Program program = link(facts, options, display, diags);
    int withErrors = (int) facts.stream().filter(UnitFacts::hadErrors).count();
    if (Boolean.getBoolean("broomstick.timing")) {
      System.err.printf("timing: cdt %d ms, extract %d ms (summed over threads), link %d ms%n",
          run.parseNanos().get() / 1_000_000, run.extractNanos().get() / 1_000_000, (System.nanoTime() - start) / 1_000_000);
      if (preludes != null) {
        System.err.printf("prelude: %d built in %d ms (gcc %d ms); %d of %d units parsed with one, %d parsed again on the normal path%n",
            preludes.built(), preludes.buildMillis(), preludes.gccMillis(), run.preludeUnits().get(), units.size(), run.fallbacks().stream().filter(f -> !f.contains(": (no prelude) ")).count());
        run.fallbacks().forEach(f -> System.err.println("  normal path: " + f));
        preludes.buildFailures.forEach(f -> System.err.println("  prelude build: " + f));
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new Result(program, new Stats(units.size(), withErrors, millis, run.preludeUnits().get()));
  }

  private static Options withSpec(Options o, ServerSpec spec) {
    return new Options(o.paths(), o.compileCommands(), o.includeDirs(), o.defines(), o.suDirs(), spec, null,
        o.ilp32(), o.threads(), o.base(), o.compiler(), o.progress(), o.prelude());
  }

  // ------------------------------------------------------------------ inputs

  private static List<UnitConfig> units(Options o, PathDisplay display, Diagnostics diags) {
    List<String> userIncludes = o.includeDirs().stream().map(p -> p.toAbsolutePath().normalize().toString()).toList();
    List<String> probeFlags = o.ilp32() ? List.of("-m32") : List.of();
    if (o.compileCommands() != null) {
      Path cc = o.compileCommands();
      if (!Files.isRegularFile(cc)) {
        throw new InputException(
            Diagnostic.error(SourceLocation.ofFile(display.show(cc.toString())), "input.missing", "compilation database not found"));
      }
      List<UnitConfig> fromDb = CompileCommands.read(cc, display.show(cc.toString()), diags);
      List<Path> roots = o.paths().stream().map(p -> p.toAbsolutePath().normalize()).toList();
      List<UnitConfig> out = new ArrayList<>();
      for (UnitConfig u : fromDb) {
        if (!roots.isEmpty() && roots.stream().noneMatch(r -> u.file().startsWith(r))) {
          continue;
        }
        if (!Files.isReadable(u.file())) {
          diags.warning(SourceLocation.ofFile(display.show(u.file().toString())), "input.unreadable", "translation unit in the compilation database cannot be read; skipped");
          continue;
        }
        List<String> inc = new ArrayList<>(u.includes());
        inc.addAll(userIncludes);
        Map<String, String> defs = new LinkedHashMap<>(u.defines());
        defs.putAll(o.defines());
        List<String> flags = new ArrayList<>(u.probeFlags());
        if (o.ilp32() && !flags.contains("-m32")) {
          flags.add("-m32");
        }
        out.add(new UnitConfig(u.file(), u.directory(), inc, u.quoteIncludes(), u.systemIncludes(), defs, u.forcedIncludes(), flags));
      }
      return out;
    }
    if (o.paths().isEmpty()) {
      throw new InputException(
          Diagnostic.error(SourceLocation.NONE, "input.none", "no input paths given (files, directories or --compile-commands)"));
    }
    Set<Path> files = new LinkedHashSet<>();
    for (Path p : o.paths()) {
      String shown = display.show(p.toString());
      if (!Files.exists(p)) {
        throw new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.missing", "no such file or directory"));
      }
      if (Files.isDirectory(p)) {
        if (!Files.isReadable(p) || !Files.isExecutable(p)) {
          throw new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.unreadable", "directory cannot be read"));
        }
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(f -> f.toString().endsWith(".c") && Files.isRegularFile(f) && !hidden(p, f))
              .sorted()
              .forEach(f -> files.add(f.toAbsolutePath().normalize()));
        } catch (IOException | UncheckedIOException e) {
          Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
          String where = cause instanceof AccessDeniedException ade ? display.show(ade.getFile()) : shown;
          throw new InputException(
              Diagnostic.error(SourceLocation.ofFile(where), "input.unreadable", "directory cannot be read: " + cause.getMessage()));
        }
      } else {
        String name = p.getFileName().toString();
        if (!(name.endsWith(".c") || name.endsWith(".h") || name.endsWith(".i"))) {
          throw new InputException(
              Diagnostic.error(
                  SourceLocation.ofFile(shown),
                  "input.not-c",
                  "not a C source file (expected .c or .h; use --lang java for Java inputs)"));
        }
        if (!Files.isReadable(p)) {
          throw new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.unreadable", "file cannot be read"));
        }
        files.add(p.toAbsolutePath().normalize());
      }
    }
    List<UnitConfig> out = new ArrayList<>();
    for (Path f : files) {
      out.add(
          new UnitConfig(
              f, f.getParent(), userIncludes, List.of(), List.of(), o.defines(), List.of(), probeFlags));
    }
    return out;
  }

  /**
   * Files under a hidden directory, or under a directory that holds Broomstick's own output (marked
   * by {@value #OUTPUT_MARKER}), are not inputs: {@code optimize . -o build/stingy} must not read
   * its previous patched copies as a second definition of every function.
   */
  private static boolean hidden(Path root, Path f) {
    Path rel = root.relativize(f);
    Path dir = root;
    for (int i = 0; i < rel.getNameCount(); i++) {
      Path part = rel.getName(i);
      if (part.toString().startsWith(".")) {
        return true;
      }
      dir = dir.resolve(part);
      // The root itself may be an output directory the user asked for (to re-analyse a result).
      if (i < rel.getNameCount() - 1 && Files.exists(dir.resolve(OUTPUT_MARKER))) {
        return true;
      }
    }
    return false;
  }

  /** The file that marks a directory of Broomstick output (written by {@code optimize}). */
  public static final String OUTPUT_MARKER = ".broomstick-output";


  private static Map<String, List<Path>> headersByName(List<Path> roots) {
    Map<String, List<Path>> byName = new HashMap<>();
    for (Path r : roots) {
      if (!Files.isDirectory(r)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(r)) {
        walk.filter(f -> f.toString().endsWith(".h") && !hidden(r, f))
            .sorted()
            .forEach(f -> byName.computeIfAbsent(f.getFileName().toString(), k -> new ArrayList<>()).add(f.toAbsolutePath().normalize()));
      } catch (IOException | UncheckedIOException e) {
        // Headers are a fallback only; an unreadable subtree just gives fewer candidates.
      }
    }
    return byName;
  }

  // ------------------------------------------------------------------ parsing

  private static List<UnitFacts> parseAll(List<UnitConfig> units, Run run) {
    Options o = run.options();
    PathDisplay display = run.display();
    Diagnostics diags = run.diags();
    AtomicInteger done = new AtomicInteger();
    int total = units.size();
    // Deep expressions recurse deeply in CDT's parser: give the threads a large stack.
    ThreadFactory tf =
        new ThreadFactory() {
          private final AtomicInteger n = new AtomicInteger();

          @Override
          public Thread newThread(Runnable r) {
            Thread t = new Thread(null, r, "cdt-parse-" + n.incrementAndGet(), 256L << 20);
            t.setDaemon(true);
            return t;
          }
        };
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(o.threads(), total), tf);
    try {
      List<Future<UnitFacts>> futures = new ArrayList<>();
      // Largest units first, so the last ones to finish are small and the threads end together
      // (longest-processing-time order); results are still taken in the units' order.
      List<Integer> order = new ArrayList<>();
      long[] sizes = new long[units.size()];
      for (int i = 0; i < units.size(); i++) {
        order.add(i);
        sizes[i] = units.get(i).file().toFile().length();
      }
      order.sort((a, b) -> Long.compare(sizes[b], sizes[a]));
      List<Future<UnitFacts>> byOrder = new ArrayList<>(java.util.Collections.nCopies(units.size(), null));
      for (int i : order) {
        UnitConfig u = units.get(i);
        byOrder.set(
            i,
            pool.submit(
                () -> {
                  try {
                    return parseUnit(u, run);
                  } finally {
                    o.progress().unitsDone(done.incrementAndGet(), total);
                  }
                }));
      }
      futures.addAll(byOrder);
      List<UnitFacts> out = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        try {
          out.add(futures.get(i).get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          String shown = display.show(units.get(i).file().toString());
          diags.error(
              SourceLocation.ofFile(shown),
              "parse.crash",
              "the parser failed on this unit (" + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + "); unit skipped");
          out.add(emptyFacts(shown));
        }
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static UnitFacts emptyFacts(String unit) {
    return new UnitFacts(unit, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(), ServerSpec.EMPTY, List.of(), List.of(), Map.of(), List.of(), true);
  }

  private static UnitFacts parseUnit(UnitConfig u, Run run) {
    Options o = run.options();
    PathDisplay display = run.display();
    SourceCache cache = run.cache();
    Diagnostics diags = run.diags();
    GccProbe probe = run.probe();
    String shown = display.show(u.file().toString());
    GccProbe.Result sys = probe.probe(u.probeFlags());
    if (sys.failure() != null) {
      diags.warning(
          SourceLocation.NONE,
          "parse.no-compiler",
          "system include directories and predefined macros unknown: " + sys.failure());
    }
    ExtendedScannerInfo info = scannerInfo(u, sys);
    SourceCache.Source src =
        cache.get(u.file().toString())
            .orElseThrow(() -> new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.unreadable", "file cannot be read")));
    FileContent content = FileContent.create(u.file().toString(), true, src.chars);
    Set<String> systemDirs = new LinkedHashSet<>(sys.systemIncludes());
    systemDirs.addAll(u.systemIncludes());
    if (run.preludes() != null) {
      run.preludes().unitStarted();
    }
    PreludeSession session = preludeSession(u, sys, systemDirs, run);
    CachingContentProvider provider = new CachingContentProvider(cache, run.headersByName(), session);
    int opts =
        ILanguage.OPTION_NO_IMAGE_LOCATIONS
            | ILanguage.OPTION_SKIP_TRIVIAL_EXPRESSIONS_IN_AGGREGATE_INITIALIZERS;
    IASTTranslationUnit tu;
    long t0 = System.nanoTime();
    try {
      try {
        tu = GCCLanguage.getDefault().getASTTranslationUnit(content, info, provider, null, opts, new NullLogService());
      } catch (Exception | StackOverflowError e) {
        if (session == null || !session.used()) {
          throw e;
        }
        tu = null;
        session.fail("the parser failed with the prelude (" + e.getClass().getSimpleName() + ")");
      }
      if (session != null && session.used()) {
        if (tu != null) {
          session.check();
          session.problems(tu.getPreprocessorProblemsCount()
              + org.eclipse.cdt.internal.core.dom.parser.c.CVisitor.getProblems(tu).length);
        }
        if (session.fallback() != null) {
          // The prelude cannot be shown to give this unit the parse of the normal path: take that.
          run.fallbacks().add(shown + ": " + session.fallback());
          FileContent again = FileContent.create(u.file().toString(), true, src.chars);
          provider = new CachingContentProvider(cache, run.headersByName());
          tu = GCCLanguage.getDefault().getASTTranslationUnit(again, info, provider, null, opts, new NullLogService());
        } else {
          run.preludeUnits().incrementAndGet();
        }
      } else if (session != null && session.offReason() != null) {
        run.fallbacks().add(shown + ": (no prelude) " + session.offReason());
      } else if (session != null) {
        run.fallbacks().add(shown + ": (no prelude) no system include");
      }
    } catch (Exception | StackOverflowError e) {
      diags.error(SourceLocation.ofFile(shown), "parse.crash", "the parser failed on this unit (" + e.getClass().getSimpleName() + "); unit skipped");
      return emptyFacts(shown);
    }
    Set<String> fixedExprs = new LinkedHashSet<>();
    for (ServerSpec.AllocFunction m : o.spec().mallocs().values()) {
      if (m.fixedSize() != null) {
        fixedExprs.add(m.fixedSize());
      }
    }
    long t1 = System.nanoTime();
    Set<String> specFunctions = new LinkedHashSet<>();
    specFunctions.addAll(o.spec().queueStages().keySet());
    specFunctions.addAll(o.spec().scheduleStages().keySet());
    specFunctions.addAll(o.spec().mallocs().keySet());
    specFunctions.addAll(o.spec().frees().keySet());
    UnitFacts f =
        new UnitExtractor(tu, cache, display, new Sizes(run.layout()), systemDirs, fixedExprs, specFunctions, provider).extract();
    run.parseNanos().addAndGet(t1 - t0);
    run.extractNanos().addAndGet(System.nanoTime() - t1);
    diags.addAll(f.diagnostics());
    return f;
  }

  /** Every system include directory of the run's units (the compiler's and -isystem). */
  private static Set<String> systemDirs(List<UnitConfig> units, GccProbe probe) {
    Set<String> dirs = new LinkedHashSet<>();
    for (UnitConfig u : units) {
      dirs.addAll(probe.probe(u.probeFlags()).systemIncludes());
      dirs.addAll(u.systemIncludes());
    }
    return dirs;
  }

  /**
   * A unit's parse with the run's system prelude, or null when the unit takes the normal path from
   * the start: preludes off, the compiler unknown, {@code -nostdinc}, or an {@code -include} that is
   * not one of the project's files.
   */
  private static PreludeSession preludeSession(UnitConfig u, GccProbe.Result sys, Set<String> systemDirs, Run run) {
    SystemPreludes preludes = run.preludes();
    if (preludes == null || sys.failure() != null || sys.systemIncludes().isEmpty() || u.probeFlags().contains("-nostdinc")
        || preludes.failure() != null) {
      return null;
    }
    for (String f : u.forcedIncludes()) {
      Path p = u.directory().resolve(f).normalize();
      if (preludes.projectFile(p.toString()) == null) {
        return null;
      }
    }
    return new PreludeSession(
        preludes, new SystemPreludes.Toolchain(u.probeFlags(), u.systemIncludes()), List.copyOf(systemDirs), u.file().toString());
  }

  /**
   * How CDT's preprocessor is set up for one unit: the compiler's predefined macros with stand-ins
   * for what CDT lacks, the unit's -D/-U in order, and its include directories before the
   * compiler's. (Also used by bench/scg/RawParse.java, which times a plain CDT parse beside ours.)
   */
  static ExtendedScannerInfo scannerInfo(UnitConfig u, GccProbe.Result sys) {
    Map<String, String> macros = new LinkedHashMap<>(sys.macros());
    macros.put("__BROOMSTICK__", "1");
    // CDT has no _FloatN types; glibc uses them when the compiler claims to be a recent gcc.
    macros.putIfAbsent("_Float128", "long double");
    // Nor the C11 _Atomic qualifier: dropping it keeps sizes and pointers (stdatomic.h uses it).
    macros.putIfAbsent("_Atomic", "");
    // Nor C11 _Static_assert: a harmless declaration stands in, valid wherever the assertion is.
    macros.putIfAbsent("_Static_assert(...)", "extern int __broomstick_static_assert__");
    macros.putIfAbsent("_Float64x", "long double");
    macros.putIfAbsent("_Float32", "float");
    macros.putIfAbsent("_Float64", "double");
    macros.putIfAbsent("_Float32x", "double");
    for (Map.Entry<String, String> d : u.defines().entrySet()) {
      if (d.getValue() == null) {
        macros.remove(d.getKey());
      } else {
        macros.put(d.getKey(), d.getValue());
      }
    }
    List<String> includePaths = new ArrayList<>(u.includes());
    includePaths.addAll(u.systemIncludes());
    includePaths.addAll(sys.systemIncludes());
    return new ExtendedScannerInfo(
        macros,
        includePaths.toArray(new String[0]),
        new String[0],
        u.forcedIncludes().toArray(new String[0]),
        u.quoteIncludes().toArray(new String[0]));
  }

  // ------------------------------------------------------------------ linking

  private static boolean ownFlow(String function, String unit, Map<String, String> flowUnit) {
    String u = flowUnit.get(function);
    return u == null || u.equals(unit);
  }

  private static CallSite withoutFlow(CallSite c) {
    return new CallSite(c.caller(), c.location(), c.callee(), c.calleeCell(), c.calleeText(), c.args(), c.result(),
        c.resultHints(), c.inMacro(), -1, c.offset(), c.length());
  }

  private static Program link(List<UnitFacts> facts, Options o, PathDisplay display, Diagnostics diags) {
    Map<String, Function> functions = new TreeMap<>();
    Set<Constraint> constraints = new LinkedHashSet<>();
    Map<String, Global> globals = new TreeMap<>();
    List<CallSite> calls = new ArrayList<>();
    List<FieldStore> fieldStores = new ArrayList<>();
    Map<String, FlowGraph> flows = new TreeMap<>();
    Map<String, Long> recursionBounds = new TreeMap<>();
    Map<String, String> flowUnit = new HashMap<>();
    ServerSpec declared = ServerSpec.EMPTY;
    Set<String> files = new TreeSet<>();
    Map<String, List<SourceLocation>> definitions = new TreeMap<>();
    for (UnitFacts f : facts) {
      for (Function fn : f.functions()) {
        functions.merge(fn.id(), fn, CFrontend::preferDefinition);
        if (fn.defined()) {
          List<SourceLocation> at = definitions.computeIfAbsent(fn.id(), k -> new ArrayList<>());
          if (!at.contains(fn.location())) {
            at.add(fn.location());
          }
        }
      }
      constraints.addAll(f.constraints());
      for (Global g : f.globals()) {
        globals.merge(g.id(), g, (a, b) -> a.sizeBytes() != null ? a : b);
      }
      f.recursionBounds().forEach((fn, n) -> recursionBounds.merge(fn, n, Math::min));
      for (FlowGraph flow : f.flows()) {
        if (flows.putIfAbsent(flow.function(), flow) == null) {
          flowUnit.put(flow.function(), f.unit());
        }
      }
      // A function defined in several units keeps the first unit's flow; the events of the other
      // definitions have no place in it.
      for (CallSite c : f.calls()) {
        calls.add(ownFlow(c.caller(), f.unit(), flowUnit) ? c : withoutFlow(c));
      }
      for (FieldStore s : f.fieldStores()) {
        fieldStores.add(
            s.function() == null || ownFlow(s.function(), f.unit(), flowUnit)
                ? s
                : new FieldStore(s.location(), s.function(), s.field(), s.value(), s.valueText(), -1));
      }
      ServerSpec.Merged m = declared.mergedWith(f.declared());
      declared = m.spec();
      for (String c : m.conflicts()) {
        diags.error(SourceLocation.NONE, "spec.conflict", c);
      }
      for (String c : f.declarationConflicts()) {
        diags.error(SourceLocation.NONE, "spec.conflict", c);
      }
    }
    // Two programs in one database (a server and its test driver both define main): say so, since
    // their call graphs are merged by name. The model keeps the definition of the first unit in
    // input order (its location, sizes and flow; see preferDefinition and flowUnit); the warning is
    // at the second definition and names the kept one.
    definitions.forEach(
        (id, at) -> {
          if (at.size() > 1) {
            diags.warning(
                at.get(1),
                "link.duplicate-definition",
                id + " is also defined at " + at.get(0) + (at.size() > 2 ? " (and in " + (at.size() - 2) + " more units)" : "")
                    + "; the model keeps that definition, the first unit's, and merges the calls of all"
                    + " (give one program's units at a time to keep them apart)");
          }
        });
    Set<String> knownNames = new java.util.HashSet<>();
    functions.values().forEach(fn -> knownNames.add(fn.name()));
    diags.addAll(org.broomstick.memwalk.spec.SpecCheck.unknownFunctions(o.spec(), knownNames));
    // Of the functions only declared (thousands in system headers), keep those the program uses.
    Set<String> used = new java.util.HashSet<>();
    for (CallSite c : calls) {
      if (c.callee() != null) {
        used.add(c.callee());
      }
    }
    for (Constraint c : constraints) {
      if (c instanceof Constraint.AddressOf a && a.object().startsWith("fn:")) {
        used.add(a.object().substring(3));
      }
    }
    functions.values().removeIf(fn -> !fn.defined() && !used.contains(fn.id()));
    // Declared-only functions have no file (SPEC §10: external functions are entries with file null).
    functions.replaceAll(
        (id, fn) -> fn.defined() ? fn : new Function(fn.id(), fn.name(), SourceLocation.NONE, fn.isStatic(), false, 0, FrameSource.NONE, false, 0, fn.params()));
    ServerSpec.Merged withFile = declared.mergedWith(o.spec());
    for (String c : withFile.conflicts()) {
      diags.error(SourceLocation.NONE, "spec.conflict", c);
    }
    ServerSpec spec = withFile.spec();
    if (!o.suDirs().isEmpty()) {
      StackUsage.apply(o.suDirs(), functions, display, diags);
    }
    calls.sort(Comparator.comparing(CallSite::location).thenComparing(CallSite::caller));
    fieldStores.sort(Comparator.comparing(FieldStore::location));
    Map<String, Long> fixedSizes = new HashMap<>();
    for (UnitFacts f : facts) {
      f.fixedSizes().forEach(fixedSizes::putIfAbsent);
    }
    Map<String, String> names = new HashMap<>();
    functions.values().forEach(fn -> names.put(fn.id(), fn.name()));
    SiteBinder.Bound bound = SiteBinder.bind(calls, fieldStores, spec, fixedSizes, id -> names.getOrDefault(id, id));
    diags.addAll(bound.diagnostics());
    constraints.removeAll(bound.superseded());
    constraints.addAll(bound.constraints());
    Set<String> files2 = new TreeSet<>();
    for (UnitFacts f : facts) {
      files.add(f.unit());
      for (String h : f.headers()) {
        files2.add(h);
      }
    }
    List<InputFile> inputs = new ArrayList<>();
    for (String f : files) {
      inputs.add(new InputFile(f, ContentHash.sha256(o.base().resolve(f))));
    }
    for (String h : files2) {
      String shown = display.show(h);
      if (!files.contains(shown)) {
        inputs.add(new InputFile(shown, ContentHash.sha256(Path.of(h))));
      }
    }
    inputs.sort(Comparator.comparing(InputFile::path));
    return new Program(
        "c",
        inputs,
        List.copyOf(functions.values()),
        calls,
        List.copyOf(constraints),
        List.copyOf(globals.values()),
        fieldStores,
        bound.allocs(),
        bound.frees(),
        bound.queues(),
        List.copyOf(flows.values()),
        recursionBounds,
        spec,
        diags.snapshot());
  }

  /** Of two entries for one function: a definition over a declaration, the first of two definitions. */
  private static Function preferDefinition(Function a, Function b) {
    if (a.defined() != b.defined()) {
      return a.defined() ? a : b;
    }
    if (a.defined()) {
      return a;
    }
    if (a.params().isEmpty() && !b.params().isEmpty()) {
      return b;
    }
    return a;
  }

}
