package org.broomstick.stingify.java;

import com.github.javaparser.JavaParser;
import com.github.javaparser.JavaToken;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Problem;
import com.github.javaparser.TokenRange;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.broomstick.stingify.Finding;
import org.broomstick.stingify.edit.TextEdit;
import org.broomstick.stingify.input.AllocationSite;
import org.broomstick.stingify.input.ReleaseSite;

/**
 * The edits that move Java sources onto the Java Stingy runtime (SPEC §7, Java bullet):
 *
 * <ul>
 *   <li>a managed object's {@code @Malloc} call of constant size becomes {@code
 *       Stingy.alloc(Ids.X)}; one of run-time size with a {@code @StingySize} hint becomes {@code
 *       Stingy.alloc(Ids.X, size)}, the runtime's one-call form of the guard of thesis figure 6.5
 *       (a slice when the size fits, else {@code allocateDirect(size)}); an allocator the spec gives
 *       a wrapper (figure 7.5) becomes {@code wrapper(Stingy.alloc(Ids.X), other arguments)};
 *   <li>a {@code @Free} call whose pointer may hold a managed object becomes {@code
 *       Stingy.free(b)}, which ignores buffers that are not the arena's (the GC takes them);
 *   <li>{@code import org.broomstick.runtime.Stingy;} and the {@code Ids} import, once each, after
 *       the last import (fully qualified names instead when the file has another type of that name).
 * </ul>
 *
 * The bytecode report has lines but no columns, so a site is the one call of its allocator method
 * whose argument list opens on the site's line (javac's line for an invocation). A line with several
 * such calls is reported and left alone, as are allocators that do not return a {@code ByteBuffer}
 * (when their declaration is among the sources) and frees whose pointer argument is unclear.
 *
 * <p>Edits are computed from JavaParser's token ranges, whose concatenated texts are exactly the
 * file, rather than by reprinting with the {@code LexicalPreservingPrinter}: the result is the same
 * lexical preservation (every byte outside a rewritten call is untouched), and the edits go through
 * the same {@code EditSet}, diff, check and write modes as C.
 */
public final class JavaRewriter {
  public static final String RUNTIME_CLASS = "org.broomstick.runtime.Stingy";

  private JavaRewriter() {}

  /** The edits of one file and what was left alone. */
  public record Result(List<TextEdit> edits, List<Finding> findings) {
    public Result {
      edits = List.copyOf(edits);
      findings = List.copyOf(findings);
    }
  }

  /** A source to rewrite: its name in findings, its text, and its sites. */
  public record Source(String shown, String text, String lineEnding, List<AllocationSite> allocs, List<ReleaseSite> frees) {
    public Source {
      allocs = List.copyOf(allocs);
      frees = List.copyOf(frees);
    }
  }

  /**
   * Rewrites every source; the declarations of all of them are consulted for the allocators'
   * return types and the frees' pointer parameters.
   *
   * @param managed the {@code javaClass} constant of every managed object, by object id
   * @param javaClass the generated config class, {@code pkg.Ids}
   * @return the result of each source, by {@link Source#shown()}
   */
  public static Map<String, Result> rewrite(List<Source> sources, Map<String, String> managed, String javaClass) {
    Map<String, Parsed> parsed = new LinkedHashMap<>();
    Map<String, Result> out = new LinkedHashMap<>();
    Declarations decls = new Declarations();
    for (Source s : sources) {
      Parsed p = Parsed.of(s);
      if (p.error() != null) {
        out.put(s.shown(), new Result(List.of(), List.of(p.error())));
      } else {
        parsed.put(s.shown(), p);
        decls.add(p.cu());
      }
    }
    // Objects whose allocator is declared to return something else stay with it, and so do the
    // frees of only such objects: Stingy.free takes a ByteBuffer.
    Map<String, String> rewritable = new HashMap<>();
    for (Source s : sources) {
      for (AllocationSite a : s.allocs()) {
        if (managed.containsKey(a.id()) && (a.wrapper() != null || decls.returnsByteBuffer(a.allocator()))) {
          rewritable.put(a.id(), managed.get(a.id()));
        }
      }
    }
    for (Parsed p : parsed.values()) {
      out.put(p.source().shown(), new FileRewrite(p, decls, managed, rewritable, javaClass).run());
    }
    return out;
  }

  private static boolean isByteBuffer(String type) {
    return type.equals("ByteBuffer") || type.equals("java.nio.ByteBuffer");
  }

  /** A parsed file with the character offset of every token. */
  private record Parsed(Source source, CompilationUnit cu, Map<JavaToken, Integer> offsets, Finding error) {
    static Parsed of(Source s) {
      ParserConfiguration conf = new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17);
      ParseResult<CompilationUnit> r = new JavaParser(conf).parse(s.text());
      if (!r.isSuccessful() || r.getResult().isEmpty()) {
        Problem first = r.getProblems().isEmpty() ? null : r.getProblems().get(0);
        int line = first == null ? 0 : first.getLocation().flatMap(TokenRange::toRange).map(x -> x.begin.line).orElse(0);
        return new Parsed(s, null, null, new Finding(s.shown(), line, 0, "error", "stingify.parse",
            "not parsable as Java 17 (" + (first == null ? "unknown problem" : first.getMessage().lines().findFirst().orElse(""))
                + "); not rewritten"));
      }
      CompilationUnit cu = r.getResult().get();
      Map<JavaToken, Integer> offsets = new IdentityHashMap<>();
      int at = 0;
      if (cu.getTokenRange().isPresent()) {
        for (JavaToken t : cu.getTokenRange().get()) {
          offsets.put(t, at);
          at += t.getText().length();
        }
      }
      if (at != s.text().length()) {
        // a file the tokens do not spell out exactly would get edits at wrong places
        return new Parsed(s, null, null, new Finding(s.shown(), 0, 0, "error", "stingify.unexpected-text",
            "JavaParser's tokens do not cover the file exactly (" + at + " of " + s.text().length() + " characters); not rewritten"));
      }
      return new Parsed(s, cu, offsets, null);
    }

    int start(Node n) {
      return offsets.get(n.getTokenRange().orElseThrow().getBegin());
    }

    int end(Node n) {
      JavaToken e = n.getTokenRange().orElseThrow().getEnd();
      return offsets.get(e) + e.getText().length();
    }

    String text(Node n) {
      return source.text().substring(start(n), end(n));
    }
  }

  /** Methods declared in the sources, by {@code Type.method} as the report names allocators. */
  private static final class Declarations {
    private final Map<String, List<MethodDeclaration>> byName = new HashMap<>();

    void add(CompilationUnit cu) {
      for (MethodDeclaration m : cu.findAll(MethodDeclaration.class)) {
        Optional<TypeDeclaration> owner = m.findAncestor(TypeDeclaration.class);
        owner.ifPresent(t -> byName.computeIfAbsent(t.getNameAsString() + "." + m.getNameAsString(), k -> new ArrayList<>()).add(m));
      }
    }

    /** Whether every declaration of the allocator in the sources (if any) returns a ByteBuffer. */
    boolean returnsByteBuffer(String allocator) {
      return of(allocator).stream().allMatch(m -> isByteBuffer(m.getType().asString()));
    }

    /** The declarations of {@code Outer$Inner.m} or {@code Type.m}; empty when not in the sources. */
    List<MethodDeclaration> of(String reportName) {
      int dot = reportName.lastIndexOf('.');
      String type = dot < 0 ? "" : reportName.substring(0, dot);
      type = type.substring(type.lastIndexOf('$') + 1);
      return byName.getOrDefault(type + "." + reportName.substring(dot + 1), List.of());
    }
  }

  private static final class FileRewrite {
    private final Parsed p;
    private final Declarations decls;
    private final Map<String, String> managed;
    private final Map<String, String> rewritable;
    private final String javaClass;
    private final String idsSimple;
    private final List<TextEdit> edits = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private final List<MethodCallExpr> calls;
    private String stingyRef;
    private String idsRef;
    private final List<String> imports = new ArrayList<>();

    FileRewrite(Parsed p, Declarations decls, Map<String, String> managed, Map<String, String> rewritable, String javaClass) {
      this.p = p;
      this.decls = decls;
      this.managed = managed;
      this.rewritable = rewritable;
      this.javaClass = javaClass;
      this.idsSimple = javaClass.substring(javaClass.lastIndexOf('.') + 1);
      this.calls = p.cu().findAll(MethodCallExpr.class);
    }

    Result run() {
      for (AllocationSite a : p.source().allocs()) {
        alloc(a);
      }
      for (ReleaseSite f : p.source().frees()) {
        free(f);
      }
      if (!edits.isEmpty()) {
        addImports();
      }
      return new Result(edits, findings);
    }

    private void alloc(AllocationSite a) {
      String id = managed.get(a.id());
      if (id == null) {
        note(a.line(), "stingify.left-alone",
            "allocation of " + a.id() + " left to " + a.allocator() + " (" + a.objectClass() + ", no pool in the allocator config)");
        return;
      }
      MethodCallExpr call = site(a.line(), a.allocator(), "allocation of " + a.id(), "Stingy.alloc(" + idsSimple + "." + id + ")");
      if (call == null) {
        return;
      }
      if (!rewritable.containsKey(a.id())) {
        String type = decls.of(a.allocator()).stream().map(m -> m.getType().asString()).filter(t -> !isByteBuffer(t))
            .findFirst().orElse("?");
        note(a.line(), "stingify.left-alone", "allocation of " + a.id() + " left to " + a.allocator() + ": it returns "
            + type + ", not the ByteBuffer Stingy.alloc gives (the spec can name a wrapper)");
        return;
      }
      String ids = ids() + "." + id;
      List<Expression> args = call.getArguments();
      // The model counts an instance method's receiver as argument 0; the call's arguments do not.
      int size = a.sizeParam() - (a.args() == null ? 0 : Math.max(0, a.args().size() - args.size()));
      String text;
      if (a.wrapper() != null) {
        // Figure 7.5: the caller expects what the allocator makes of a raw buffer.
        if (a.sizeBytes() == null) {
          note(a.line(), "stingify.left-alone",
              "allocation of " + a.id() + " through wrapper " + a.wrapper() + " needs a constant size; left to " + a.allocator());
          return;
        }
        StringBuilder w = new StringBuilder(a.wrapper()).append('(').append(stingy()).append(".alloc(").append(ids).append(')');
        for (int i = 0; i < args.size(); i++) {
          if (i != size) {
            w.append(", ").append(p.text(args.get(i)));
          }
        }
        text = w.append(')').toString();
      } else if (a.sizeBytes() != null) {
        text = stingy() + ".alloc(" + ids + ")";
      } else if (a.sizeHint() != null) {
        if (size < 0 || size >= args.size()) {
          warning(a.line(), "stingify.unexpected-text", "the size argument of " + a.id() + " is not known; not rewritten");
          return;
        }
        text = stingy() + ".alloc(" + ids + ", " + p.text(args.get(size)) + ")";
      } else {
        note(a.line(), "stingify.left-alone",
            "allocation of " + a.id() + " has no constant size and no @StingySize hint; left to " + a.allocator());
        return;
      }
      replace(call, text);
    }

    private void free(ReleaseSite f) {
      if (f.releases().stream().noneMatch(rewritable::containsKey)) {
        return;
      }
      MethodCallExpr call = site(f.line(), f.freer(), "free of a managed object", "Stingy.free");
      if (call == null) {
        return;
      }
      int ptr = pointerIndex(f.freer(), call.getArguments().size());
      if (ptr < 0) {
        warning(f.line(), "stingify.unexpected-text",
            "cannot tell which argument of " + f.freer() + " is the freed buffer (mark it @Free.Ptr); not rewritten");
        return;
      }
      replace(call, stingy() + ".free(" + p.text(call.getArguments().get(ptr)) + ")");
    }

    /** The pointer argument: the only one, or the parameter the declaration marks. */
    private int pointerIndex(String freer, int args) {
      if (args == 1) {
        return 0;
      }
      for (MethodDeclaration m : decls.of(freer)) {
        List<Parameter> ps = m.getParameters();
        if (ps.size() != args) {
          continue;
        }
        for (int i = 0; i < ps.size(); i++) {
          for (AnnotationExpr an : ps.get(i).getAnnotations()) {
            String n = an.getNameAsString();
            if (n.equals("Free.Ptr") || n.equals("Ptr") || n.endsWith(".Free.Ptr")) {
              return i;
            }
          }
        }
      }
      return -1;
    }

    /**
     * The one call of {@code method} ({@code Type.name}) whose argument list opens on {@code line};
     * null (and a finding) when there is none or more than one.
     */
    private MethodCallExpr site(int line, String method, String what, String byHand) {
      String name = method.substring(method.lastIndexOf('.') + 1);
      List<MethodCallExpr> found = new ArrayList<>();
      for (MethodCallExpr c : calls) {
        if (c.getNameAsString().equals(name) && parenLine(c) == line) {
          found.add(c);
        }
      }
      if (found.size() == 1) {
        return found.get(0);
      }
      if (found.isEmpty()) {
        warning(line, "stingify.unexpected-text", "no call of " + method + " on this line for the " + what
            + " (the source differs from the analysed classes?); not rewritten");
      } else {
        warning(line, "stingify.ambiguous-site", "this line has " + found.size() + " calls of " + method
            + " and the class file's line table cannot tell which is the " + what + "; not rewritten (call " + byHand
            + " there by hand, or split the line)");
      }
      return null;
    }

    /** The line of the call's {@code (}, which javac gives the invoke instruction. */
    private static int parenLine(MethodCallExpr c) {
      JavaToken t = c.getName().getTokenRange().orElseThrow().getEnd();
      for (t = t.getNextToken().orElse(null); t != null; t = t.getNextToken().orElse(null)) {
        if (!t.getCategory().isWhitespaceOrComment()) {
          return t.getRange().map(r -> r.begin.line).orElse(-1);
        }
      }
      return -1;
    }

    private void replace(Node n, String text) {
      int start = p.start(n);
      int end = p.end(n);
      for (TextEdit e : edits) {
        if (start < e.end() && e.offset() < end) {
          // e.g. release(buffer(n)): one call inside the other; rewriting both would overlap
          warning(n.getBegin().map(b -> b.line).orElse(0), "stingify.nested-site",
              "this call contains or is inside another rewritten site; not rewritten (rewrite it by hand)");
          return;
        }
      }
      edits.add(new TextEdit(p.source().shown(), start, end - start, text));
    }

    private String stingy() {
      if (stingyRef == null) {
        stingyRef = reference(RUNTIME_CLASS);
      }
      return stingyRef;
    }

    private String ids() {
      if (idsRef == null) {
        idsRef = reference(javaClass);
      }
      return idsRef;
    }

    /**
     * How the file names {@code qualified}: its simple name, imported unless the file already can;
     * the qualified name when the simple name means another type here.
     */
    private String reference(String qualified) {
      int dot = qualified.lastIndexOf('.');
      String simple = qualified.substring(dot + 1);
      String pkg = dot < 0 ? "" : qualified.substring(0, dot);
      CompilationUnit cu = p.cu();
      for (TypeDeclaration<?> t : cu.findAll(TypeDeclaration.class)) {
        if (t.getNameAsString().equals(simple)) {
          return qualified;
        }
      }
      for (ImportDeclaration i : cu.getImports()) {
        if (i.isStatic()) {
          continue;
        }
        String n = i.getNameAsString();
        if (!i.isAsterisk() && n.equals(qualified) || i.isAsterisk() && n.equals(pkg)) {
          return simple;
        }
        if (!i.isAsterisk() && n.endsWith("." + simple)) {
          return qualified;
        }
      }
      String own = cu.getPackageDeclaration().map(d -> d.getNameAsString()).orElse("");
      if (!own.equals(pkg) && !pkg.isEmpty()) {
        imports.add("import " + qualified + ";");
      }
      return simple;
    }

    /** After the last import; else two lines after the package declaration; else at the top. */
    private void addImports() {
      if (imports.isEmpty()) {
        return;
      }
      imports.sort(null);
      String eol = p.source().lineEnding();
      CompilationUnit cu = p.cu();
      String file = p.source().shown();
      if (!cu.getImports().isEmpty()) {
        edits.add(new TextEdit(file, p.end(cu.getImports().get(cu.getImports().size() - 1)), 0,
            eol + String.join(eol, imports)));
      } else if (cu.getPackageDeclaration().isPresent()) {
        edits.add(new TextEdit(file, p.end(cu.getPackageDeclaration().get()), 0, eol + eol + String.join(eol, imports)));
      } else {
        edits.add(new TextEdit(file, 0, 0, String.join(eol, imports) + eol + eol));
      }
    }

    private void warning(int line, String key, String message) {
      findings.add(new Finding(p.source().shown(), line, 0, "warning", key, message));
    }

    private void note(int line, String key, String message) {
      findings.add(new Finding(p.source().shown(), line, 0, "note", key, message));
    }
  }
}
