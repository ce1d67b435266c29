package org.broomstick.memwalk.frontend.c;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.broomstick.memwalk.diag.Diagnostics;
import org.eclipse.cdt.core.dom.ast.ASTVisitor;
import org.eclipse.cdt.core.dom.ast.IASTCompositeTypeSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTDeclSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTDeclaration;
import org.eclipse.cdt.core.dom.ast.IASTDeclarator;
import org.eclipse.cdt.core.dom.ast.IASTElaboratedTypeSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTEnumerationSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTFileLocation;
import org.eclipse.cdt.core.dom.ast.IASTFunctionDefinition;
import org.eclipse.cdt.core.dom.ast.IASTName;
import org.eclipse.cdt.core.dom.ast.IASTSimpleDeclaration;
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

/**
 * Go/no-go harness for a system prelude (issue 3), not a test: times, in one JVM and round by
 * round, the raw CDT parse of a compile database's units (as {@link RawParse}) beside the same
 * parse where each unit's first system include is replaced by a prelude (bench/scg/prelude.py's
 * output, reduced here to what the project's identifiers reach) and later system includes by
 * nothing.
 *
 * <pre>
 * java -cp /tmp/pp:broomstick.jar org.broomstick.memwalk.frontend.c.PreludeParse DB PRELUDE SRCROOT [ROUNDS]
 * </pre>
 */
public final class PreludeParse {

  private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern DEFINE = Pattern.compile("^#\\s*(define|undef)\\s+([A-Za-z_][A-Za-z0-9_]*)(.*)$");

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    Path preludeFile = Path.of(args[1]);
    Path root = Path.of(args[2]);
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    List<UnitConfig> units = CompileCommands.read(db, db.toString(), new Diagnostics());
    GccProbe probe = new GccProbe("gcc");
    GccProbe.Result sys0 = probe.probe(units.get(0).probeFlags());
    for (int r = 0; r < rounds; r++) {
      long c0 = cpu();
      long t0 = System.nanoTime();
      if (!Boolean.getBoolean("skip.raw")) {
        int problems = RawParse.raw(units, 2);
        System.out.printf("round %d raw      %5d ms wall %5d ms cpu  (%d problem nodes)%n",
            r, (System.nanoTime() - t0) / 1_000_000, (cpu() - c0) / 1_000_000, problems);
      }
      if (Boolean.getBoolean("skip.prelude")) {
        continue;
      }
      c0 = cpu();
      t0 = System.nanoTime();
      String full = Files.readString(preludeFile);
      Set<String> ids = projectIdentifiers(root);
      long idsCpu = cpu() - c0;
      String reduced = "text".equals(System.getProperty("prelude.reduction"))
          ? new TextReduction(full).reduce(ids, r == 0)
          : reduce(full, ids, sys0, r == 0);
      if (r == 0 && System.getProperty("prelude.dump") != null) {
        Files.writeString(Path.of(System.getProperty("prelude.dump")), reduced);
      }
      long redCpu = cpu() - c0;
      int[] p = prelude(units, probe, reduced, 2);
      System.out.printf("round %d prelude  %5d ms wall %5d ms cpu  (reading the prelude and the project's identifiers %d ms cpu, reduction %d ms cpu; %d preprocessor and syntax problems)%n",
          r, (System.nanoTime() - t0) / 1_000_000, (cpu() - c0) / 1_000_000, idsCpu / 1_000_000, (redCpu - idsCpu) / 1_000_000, p[0]);
      if (Boolean.getBoolean("skip.unreduced")) {
        continue;
      }
      c0 = cpu();
      t0 = System.nanoTime();
      p = prelude(units, probe, full, 2);
      System.out.printf("round %d unreduced %5d ms wall %5d ms cpu%n", r, (System.nanoTime() - t0) / 1_000_000,
          (cpu() - c0) / 1_000_000);
    }
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static Set<String> projectIdentifiers(Path root) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        String n = f.getFileName().toString();
        if (Files.isRegularFile(f) && (n.endsWith(".c") || n.endsWith(".h"))) {
          Matcher m = IDENT.matcher(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1));
          while (m.find()) {
            ids.add(m.group());
          }
        }
      }
    }
    return ids;
  }

  /** The prelude's macros and declarations that the project's identifiers reach, in order. */
  static String reduce(String text, Set<String> roots, GccProbe.Result sys, boolean verbose) throws Exception {
    // Directive lines blanked for the parse (offsets kept), collected with their names and bodies.
    char[] c = text.toCharArray();
    record Directive(int start, int end, String name, Set<String> refs) {}
    List<Directive> directives = new ArrayList<>();
    int lineStart = 0;
    for (int i = 0; i <= c.length; i++) {
      if (i == c.length || c[i] == '\n') {
        if (lineStart < c.length && c[lineStart] == '#') {
          String line = text.substring(lineStart, i);
          Matcher m = DEFINE.matcher(line);
          Set<String> refs = new HashSet<>();
          String name = null;
          if (m.matches()) {
            name = m.group(2);
            Matcher im = IDENT.matcher(m.group(3));
            while (im.find()) {
              refs.add(im.group());
            }
          }
          directives.add(new Directive(lineStart, i, name, refs));
          for (int k = lineStart; k < i; k++) {
            c[k] = ' ';
          }
        }
        lineStart = i + 1;
      }
    }
    UnitConfig none = new UnitConfig(Path.of("/prelude.c"), Path.of("/"), List.of(), List.of(), List.of(), Map.of(),
        List.of(), List.of());
    ExtendedScannerInfo info = CFrontend.scannerInfo(none, new GccProbe.Result(List.of(), sys.macros(), null));
    IASTTranslationUnit tu = GCCLanguage.getDefault().getASTTranslationUnit(
        FileContent.create("/prelude.c", true, c), info, new RawParse.Provider(new ConcurrentHashMap<>()), null,
        ILanguage.OPTION_NO_IMAGE_LOCATIONS, new NullLogService());
    record Decl(int start, int end, Set<String> declares, Set<String> refs) {}
    List<Decl> decls = new ArrayList<>();
    for (IASTDeclaration d : tu.getDeclarations()) {
      IASTFileLocation loc = d.getFileLocation();
      Set<String> declares = new HashSet<>();
      Set<String> refs = new HashSet<>();
      d.accept(new ASTVisitor() {
        {
          shouldVisitNames = true;
        }

        @Override
        public int visit(IASTName name) {
          refs.add(name.toString());
          return PROCESS_CONTINUE;
        }
      });
      if (d instanceof IASTSimpleDeclaration sd) {
        for (IASTDeclarator dd : sd.getDeclarators()) {
          declares.add(innermost(dd).getName().toString());
        }
        addSpecifierNames(sd.getDeclSpecifier(), declares);
      } else if (d instanceof IASTFunctionDefinition fd) {
        declares.add(innermost(fd.getDeclarator()).getName().toString());
        addSpecifierNames(fd.getDeclSpecifier(), declares);
      }
      declares.remove("");
      decls.add(new Decl(loc.getNodeOffset(), loc.getNodeOffset() + loc.getNodeLength(), declares, refs));
    }
    Map<String, List<Object>> byName = new HashMap<>();
    for (Directive d : directives) {
      if (d.name() != null) {
        byName.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(d);
      }
    }
    for (Decl d : decls) {
      for (String n : d.declares()) {
        byName.computeIfAbsent(n, k -> new ArrayList<>()).add(d);
      }
    }
    Set<Object> kept = new HashSet<>();
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> work = new ArrayDeque<>(roots);
    for (Decl d : decls) {
      if (d.declares().isEmpty()) {
        kept.add(d);
        work.addAll(d.refs());
      }
    }
    while (!work.isEmpty()) {
      String n = work.pop();
      if (!seen.add(n)) {
        continue;
      }
      for (Object o : byName.getOrDefault(n, List.of())) {
        if (kept.add(o)) {
          work.addAll(o instanceof Decl d ? d.refs() : ((Directive) o).refs());
        }
      }
    }
    TreeMap<Integer, String> out = new TreeMap<>();
    int keptDecls = 0;
    int keptMacros = 0;
    for (Directive d : directives) {
      if (d.name() != null && kept.contains(d)) {
        out.put(d.start(), text.substring(d.start(), d.end()) + "\n");
        keptMacros++;
      }
    }
    for (Decl d : decls) {
      if (kept.contains(d)) {
        out.put(d.start(), text.substring(d.start(), d.end()) + "\n");
        keptDecls++;
      }
    }
    StringBuilder sb = new StringBuilder();
    out.values().forEach(sb::append);
    if (verbose) {
      System.out.printf("reduced: %d of %d declarations, %d of %d directives, %d of %d chars (%d problems in the prelude parse)%n",
          keptDecls, decls.size(), keptMacros, directives.size(), sb.length(), text.length(), tu.getPreprocessorProblemsCount());
    }
    return sb.toString();
  }

  private static IASTDeclarator innermost(IASTDeclarator d) {
    while (d.getNestedDeclarator() != null) {
      d = d.getNestedDeclarator();
    }
    return d;
  }

  private static void addSpecifierNames(IASTDeclSpecifier s, Set<String> out) {
    if (s instanceof IASTCompositeTypeSpecifier ct) {
      out.add(ct.getName().toString());
    } else if (s instanceof IASTElaboratedTypeSpecifier et) {
      out.add(et.getName().toString());
    } else if (s instanceof IASTEnumerationSpecifier es) {
      out.add(es.getName().toString());
      for (IASTEnumerationSpecifier.IASTEnumerator e : es.getEnumerators()) {
        out.add(e.getName().toString());
      }
    }
  }

  /** Problem nodes and units that asked for a system header, parsed with the prelude. */
  static int[] prelude(List<UnitConfig> units, GccProbe probe, String prelude, int threads) throws Exception {
    Map<String, Optional<CharArray>> files = new ConcurrentHashMap<>();
    CharArray pre = new CharArray(prelude);
    CharArray empty = new CharArray("");
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(null, r, "pre", 256L << 20));
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (UnitConfig u : units) {
        fs.add(pool.submit(() -> {
          GccProbe.Result sys = probe.probe(u.probeFlags());
          List<String> sysDirs = sys.systemIncludes().stream().map(d -> d.endsWith("/") ? d : d + "/").toList();
          boolean[] first = {true};
          RawParse.Provider provider = new RawParse.Provider(files) {
            @Override
            public InternalFileContent getContentForInclusion(String path, IMacroDictionary macros) {
              if (sysDirs.stream().anyMatch(path::startsWith)) {
                if (first[0]) {
                  first[0] = false;
                  return new InternalFileContent("/prelude.h", pre);
                }
                return new InternalFileContent(path, empty);
              }
              return super.getContentForInclusion(path, macros);
            }

            @Override
            public InternalFileContent getContentForInclusion(IIndexFileLocation ifl, String astPath) {
              return getContentForInclusion(astPath, null);
            }
          };
          ExtendedScannerInfo info = CFrontend.scannerInfo(u, sys);
          FileContent content = FileContent.create(u.file().toString(), true,
              SourceCache.decode(Files.readAllBytes(u.file())));
          int opts = ILanguage.OPTION_NO_IMAGE_LOCATIONS | ILanguage.OPTION_SKIP_TRIVIAL_EXPRESSIONS_IN_AGGREGATE_INITIALIZERS;
          IASTTranslationUnit tu = GCCLanguage.getDefault().getASTTranslationUnit(content, info, provider, null, opts,
              new NullLogService());
          org.eclipse.cdt.core.dom.ast.IASTProblem[] syntax = org.eclipse.cdt.internal.core.dom.parser.c.CVisitor.getProblems(tu);
          if (Boolean.getBoolean("prelude.showProblems")) {
            for (org.eclipse.cdt.core.dom.ast.IASTProblem pr : syntax) {
              System.out.println("  problem " + u.file().getFileName() + ":" + pr.getFileLocation().getStartingLineNumber() + " "
                  + pr.getRawSignature().replace('\n', ' ').substring(0, Math.min(70, pr.getRawSignature().length())));
            }
          }
          return tu.getPreprocessorProblemsCount() + syntax.length;
        }));
      }
      int n = 0;
      for (Future<Integer> f : fs) {
        n += f.get();
      }
      return new int[] {n};
    } finally {
      pool.shutdown();
    }
  }
}
