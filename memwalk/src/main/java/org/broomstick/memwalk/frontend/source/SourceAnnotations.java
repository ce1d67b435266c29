package org.broomstick.memwalk.frontend.source;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.expr.ArrayInitializerExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MemberValuePair;
import com.github.javaparser.ast.expr.NormalAnnotationExpr;
import com.github.javaparser.ast.expr.SingleMemberAnnotationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.model.Hints;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.JavaSpec;
import org.broomstick.memwalk.spec.ParamRole;
import org.broomstick.memwalk.spec.ServerSpec;

/**
 * Reads the server interface from the {@code org.broomstick.annotations} written in the sources,
 * with the meaning the bytecode frontend gives them in class files (receiver as parameter 0). An
 * annotation is ours when its name, as the file's imports resolve it, is in that package; the
 * annotations jar need not be on the classpath.
 */
final class SourceAnnotations {
  static final String PKG = "org.broomstick.annotations.";

  /** The spec declared in the sources, and hints declared on methods (keyed by function id). */
  record Declared(ServerSpec spec, Map<String, Hints> methodHints) {}

  private SourceAnnotations() {}

  static Declared read(SourceTree tree, Diagnostics diags) {
    Map<String, ServerSpec.StageFunction> queues = new LinkedHashMap<>();
    Map<String, ServerSpec.StageFunction> schedules = new LinkedHashMap<>();
    Map<String, ServerSpec.AllocFunction> mallocs = new LinkedHashMap<>();
    Map<String, ServerSpec.FreeFunction> frees = new LinkedHashMap<>();
    List<ServerSpec.Declared> schedulers = new ArrayList<>();
    List<ServerSpec.StageField> stageFields = new ArrayList<>();
    Map<String, Hints> hints = new HashMap<>();
    for (SourceTree.AppType t : tree.types.values()) {
      CompilationUnit cu = t.unit.cu();
      for (SourceTree.AppMethod m : t.methods) {
        if (!(m.node() instanceof MethodDeclaration md)) {
          continue;
        }
        SourceLocation at = t.unit.at(md.getName());
        String name = m.name();
        boolean instance = !md.isStatic();
        int declared = md.getParameters().size();
        Hints h = hints(md.getAnnotations(), cu);
        if (!h.isEmpty()) {
          hints.put(m.id(), h);
        }
        find(md.getAnnotations(), cu, "QueueStage").ifPresent(a ->
            stage(md, a, "QueueStage", at, name, instance, cu, diags).ifPresent(s -> queues.put(name, s)));
        find(md.getAnnotations(), cu, "ScheduleStage").ifPresent(a ->
            stage(md, a, "ScheduleStage", at, name, instance, cu, diags).ifPresent(s -> schedules.put(name, s)));
        if (find(md.getAnnotations(), cu, "Scheduler").isPresent()) {
          schedulers.add(new ServerSpec.Declared(name, at));
        }
        find(md.getAnnotations(), cu, "Malloc").ifPresent(a -> mallocs.put(name, malloc(md, a, at, name, instance, cu, tree, diags)));
        find(md.getAnnotations(), cu, "Free").ifPresent(a -> {
          int ptr = freePointer(md, a, at, instance, declared, cu, diags);
          if (ptr >= 0) {
            frees.put(name, new ServerSpec.FreeFunction(name, ptr, at));
          }
        });
      }
      if (t.node instanceof com.github.javaparser.ast.body.TypeDeclaration<?> td) {
        for (FieldDeclaration f : td.getFields()) {
          if (find(f.getAnnotations(), cu, "StageField").isPresent()) {
            f.getVariables().forEach(v -> stageFields.add(new ServerSpec.StageField(t.simple(), v.getNameAsString(), t.unit.at(v))));
          }
        }
      }
    }
    return new Declared(new ServerSpec(queues, schedules, mallocs, frees, schedulers, stageFields, List.of(), null), hints);
  }

  private static Optional<ServerSpec.StageFunction> stage(MethodDeclaration md, AnnotationExpr a, String what,
      SourceLocation at, String name, boolean instance, CompilationUnit cu, Diagnostics diags) {
    List<String> labels = strings(value(a, "params"));
    List<ParamRole> roles = new ArrayList<>();
    boolean markers = false;
    for (Parameter p : md.getParameters()) {
      boolean stage = find(p.getAnnotations(), cu, what + ".Stage").isPresent();
      boolean task = find(p.getAnnotations(), cu, what + ".Task").isPresent();
      markers |= stage || task;
      roles.add(stage ? ParamRole.S : task ? ParamRole.T : ParamRole.X);
    }
    Optional<List<ParamRole>> resolved = JavaSpec.stageRoles(roles, markers, labels, what, name, at, diags);
    return resolved.map(r -> new ServerSpec.StageFunction(name, JavaSpec.withReceiver(r, instance), at));
  }

  private static ServerSpec.AllocFunction malloc(MethodDeclaration md, AnnotationExpr a, SourceLocation at, String name,
      boolean instance, CompilationUnit cu, SourceTree tree, Diagnostics diags) {
    int size = -1;
    for (int i = 0; i < md.getParameters().size(); i++) {
      if (find(md.getParameter(i).getAnnotations(), cu, "Malloc.Size").isPresent()) {
        size = i;
      }
    }
    List<String> labels = strings(value(a, "params"));
    for (int i = 0; i < labels.size(); i++) {
      Optional<ParamRole> r = ParamRole.parse(labels.get(i));
      if (r.isEmpty() || !(r.get() == ParamRole.SIZE || r.get() == ParamRole.X)) {
        diags.error(at, "spec.unknown-label", "unknown label \"" + labels.get(i) + "\" in Malloc (size or X)");
      } else if (r.get() == ParamRole.SIZE) {
        size = i;
      }
    }
    Long fixed = number(value(a, "size"));
    String fixedSize = fixed != null && fixed >= 0 ? Long.toString(fixed) : null;
    if (size < 0 && fixedSize == null && md.getType().isClassOrInterfaceType()) {
      // No size declared: the shallow size of the class the method returns (as the bytecode frontend).
      String d = tree.descriptor(md.getType());
      if (d.startsWith("L")) {
        fixedSize = "shallowSizeOf(" + d.substring(1, d.length() - 1).replace('/', '.') + ")";
      }
    }
    return new ServerSpec.AllocFunction(name, size < 0 ? -1 : size + (instance ? 1 : 0), fixedSize, at);
  }

  private static int freePointer(MethodDeclaration md, AnnotationExpr a, SourceLocation at, boolean instance, int declared,
      CompilationUnit cu, Diagnostics diags) {
    int marked = -1;
    for (int i = 0; i < declared && marked < 0; i++) {
      if (find(md.getParameter(i).getAnnotations(), cu, "Free.Ptr").isPresent()) {
        marked = i;
      }
    }
    return JavaSpec.freePointer(marked, strings(value(a, "params")), instance, declared, at, diags);
  }

  /** {@code stingy_size} / {@code stingy_count} from annotations on a declaration. */
  static Hints hints(NodeList<AnnotationExpr> annotations, CompilationUnit cu) {
    Long size = find(annotations, cu, "StingySize").map(a -> number(value(a, "value"))).orElse(null);
    Long count = find(annotations, cu, "StingyCount").map(a -> number(value(a, "value"))).orElse(null);
    return new Hints(size, count);
  }

  /**
   * The annotation named {@code simple} ({@code QueueStage}, {@code QueueStage.Task}) of our
   * package, however the file spells it: qualified, imported, or through an import on demand.
   */
  static Optional<AnnotationExpr> find(NodeList<AnnotationExpr> annotations, CompilationUnit cu, String simple) {
    for (AnnotationExpr a : annotations) {
      if (simple.equals(ours(a.getNameAsString(), cu))) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** The name relative to our package, or null when the annotation is someone else's. */
  static String ours(String written, CompilationUnit cu) {
    if (written.startsWith(PKG)) {
      return written.substring(PKG.length());
    }
    int dot = written.indexOf('.');
    String first = dot < 0 ? written : written.substring(0, dot);
    String rest = dot < 0 ? "" : written.substring(dot);
    for (ImportDeclaration i : cu.getImports()) {
      if (i.isStatic()) {
        continue;
      }
      String n = i.getNameAsString();
      if (!i.isAsterisk() && n.startsWith(PKG) && n.endsWith("." + first)) {
        return n.substring(PKG.length()) + rest;
      }
      if (i.isAsterisk() && n.startsWith(PKG.substring(0, PKG.length() - 1))) {
        String prefix = n.length() > PKG.length() - 1 ? n.substring(PKG.length()) + "." : "";
        return prefix + written;
      }
    }
    return null;
  }

  private static Expression value(AnnotationExpr a, String key) {
    if (a instanceof SingleMemberAnnotationExpr s && key.equals("value")) {
      return s.getMemberValue();
    }
    if (a instanceof NormalAnnotationExpr n) {
      for (MemberValuePair p : n.getPairs()) {
        if (p.getNameAsString().equals(key)) {
          return p.getValue();
        }
      }
    }
    return null;
  }

  private static List<String> strings(Expression e) {
    List<String> out = new ArrayList<>();
    if (e instanceof StringLiteralExpr s) {
      out.add(s.asString());
    } else if (e instanceof ArrayInitializerExpr arr) {
      for (Expression v : arr.getValues()) {
        if (v instanceof StringLiteralExpr s) {
          out.add(s.asString());
        }
      }
    }
    return out;
  }

  private static Long number(Node e) {
    return e instanceof Expression x ? Constants.literal(x) : null;
  }
}
