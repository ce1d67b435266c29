package org.broomstick.stingygen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.broomstick.stingygen.Plan.StagePlan;
import org.broomstick.stingygen.StingygenException.Kind;
import org.broomstick.stingygen.cache.CacheGeometry;
import org.broomstick.stingygen.emit.AllocatorJson;
import org.broomstick.stingygen.emit.CConfig;
import org.broomstick.stingygen.emit.JavaConfig;
import org.broomstick.stingygen.emit.MemoryMapText;
import org.broomstick.stingygen.emit.OutputDir;
import org.broomstick.stingygen.ilp.Sizer;
import org.broomstick.stingygen.ilp.Sizing;
import org.broomstick.stingygen.ilp.SizingProblem;
import org.broomstick.stingygen.layout.MemoryMap;
import org.broomstick.stingygen.layout.Workload;
import org.broomstick.stingygen.report.Report;
import org.broomstick.stingygen.report.Report.Stage;
import org.broomstick.stingygen.report.ReportReader;
import org.broomstick.stingygen.runtime.CRuntime;
import org.broomstick.stingygen.verify.PlanVerifier;
import org.broomstick.stingygen.verify.Verdict;

/**
 * stingygen (SPEC §6): memwalk's report in, a verified allocator plan out: pool sizes n_O from the
 * integer program, the memory map, and the files a C server builds with ({@code allocator.json},
 * {@code memory-map.txt}, {@code stingy_config.h/.c} and the runtime sources) or a Java server
 * builds with ({@code Ids.java}, see {@link Target}). Every failure is a
 * {@link StingygenException}; nothing is written unless the plan passed the verifier.
 */
public final class Stingygen {
  /** Files written besides the runtime's {@link CRuntime#FILES}. */
  public static final List<String> OUTPUTS =
      List.of("allocator.json", "memory-map.txt", "stingy_config.h", "stingy_config.c");

  private Stingygen() {}

  /**
   * What the server is written in: C gets {@code stingy_config.h/.c} and the runtime sources; Java
   * gets the config class {@code javaPackage.Ids} under its package path (the runtime is the {@code
   * stingy-runtime} library).
   */
  public record Target(String language, String javaPackage) {
    public static final Target C = new Target("c", null);

    public Target {
      if (!language.equals("c") && !language.equals("java")) {
        throw new StingygenException(Kind.USAGE, "usage.target", "--target " + language + " is not c or java");
      }
      if (language.equals("java")) {
        javaPackage = javaPackage == null ? JavaConfig.DEFAULT_PACKAGE : javaPackage;
        JavaConfig.checkPackage(javaPackage);
      }
    }

    /** Java, the class in {@code javaPackage} (null: {@value JavaConfig#DEFAULT_PACKAGE}). */
    public static Target java(String javaPackage) {
      return new Target("java", javaPackage);
    }

    public boolean isJava() {
      return language.equals("java");
    }
  }

  public static Report read(Path report) {
    return ReportReader.read(report);
  }

  /** Sizes, lays out and verifies; throws INFEASIBLE or PLAN {@link StingygenException}s. */
  public static Plan plan(Report report, StingygenOptions options) {
    if (options.solverSeconds() <= 0 || Double.isNaN(options.solverSeconds())) {
      throw new StingygenException(Kind.USAGE, "solver.seconds", "--solver-seconds must be positive, not " + options.solverSeconds());
    }
    CacheGeometry cache = CacheGeometry.resolve(options.cacheBytes(), options.lineBytes(), options.sysCpuCache());
    Workload w = Workload.of(report, cache, options.stackBytes(), options.globalThreshold());
    SizingProblem problem = SizingProblem.of(w, report, options.strict());
    Sizing sizing = Sizer.solve(problem, options.solverSeconds(), options.workers());
    MemoryMap map = MemoryMap.layout(w, sizing.counts());
    Plan plan = new Plan(report, options, w, sizing, map, stagePlans(report, w, sizing));
    Verdict v = PlanVerifier.verify(report, map, w.tauBytes(), options.strict());
    if (!v.ok()) {
      throw new StingygenException(
          Kind.PLAN,
          "plan.unsound",
          report.file(),
          0,
          0,
          "the plan failed verification, nothing written: " + String.join("; ", v.violations()));
    }
    return plan;
  }

  /** The output files' names and contents for C, the C runtime included. */
  public static Map<String, String> render(Plan plan) {
    return render(plan, Target.C);
  }

  /** The output files' relative paths and contents for {@code target}. */
  public static Map<String, String> render(Plan plan, Target target) {
    Map<String, String> files = new LinkedHashMap<>();
    if (target.isJava()) {
      files.put("allocator.json", AllocatorJson.render(plan, JavaConfig.qualifiedName(target.javaPackage())));
      files.put("memory-map.txt", MemoryMapText.render(plan));
      files.put(JavaConfig.path(target.javaPackage()), JavaConfig.source(plan, target.javaPackage()));
      return files;
    }
    files.put("allocator.json", AllocatorJson.render(plan));
    files.put("memory-map.txt", MemoryMapText.render(plan));
    files.put("stingy_config.h", CConfig.header(plan));
    files.put("stingy_config.c", CConfig.source(plan));
    for (String f : CRuntime.FILES) {
      files.put(f, CRuntime.source(f));
    }
    return files;
  }

  /** Renders and writes all C files into {@code dir}, all or nothing. */
  public static List<Path> write(Plan plan, Path dir) {
    return write(plan, dir, Target.C);
  }

  /** Renders and writes all files of {@code target} into {@code dir}, all or nothing. */
  public static List<Path> write(Plan plan, Path dir, Target target) {
    return OutputDir.write(dir, render(plan, target));
  }

  private static List<StagePlan> stagePlans(Report report, Workload w, Sizing sizing) {
    Map<String, Integer> index = w.index();
    List<StagePlan> out = new ArrayList<>();
    for (Stage s : report.stages()) {
      long live = 0;
      int cap = Integer.MAX_VALUE;
      for (String id : new LinkedHashSet<>(s.liveIn())) {
        Integer i = index.get(id);
        if (i != null) {
          live += w.managed().get(i).bytesPerTask() * sizing.counts().get(i);
          cap = Math.min(cap, sizing.counts().get(i));
        }
      }
      long alloc = 0;
      int admission = cap;
      List<String> allocates = new ArrayList<>();
      for (String id : new LinkedHashSet<>(s.allocates())) {
        Integer i = index.get(id);
        if (i != null) {
          alloc += w.managed().get(i).bytesPerTask();
          admission = Math.min(admission, sizing.counts().get(i));
          allocates.add(id);
        }
      }
      out.add(new StagePlan(
          s.id(), s.entry(), s.entryStage(), s.rank(), live, alloc, live + alloc,
          cap == Integer.MAX_VALUE ? 0 : cap, admission == Integer.MAX_VALUE ? 0 : admission, allocates));
    }
    return out;
  }
}
