package org.broomstick.memwalk.frontend.bytecode;

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
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Reads the server interface from the {@code org.broomstick.annotations} in class files, and puts
 * every spec in the form the model uses for Java: parameter indices count the receiver of an
 * instance method as parameter 0, as call arguments and points-to parameters do. Annotations and
 * {@code broomstick.yaml} label the declared parameters only, so their indices are shifted here.
 */
final class AnnotationSpec {

  static final String PKG = "Lorg/broomstick/annotations/";
  private static final String QUEUE = PKG + "QueueStage;";
  private static final String SCHEDULE = PKG + "ScheduleStage;";
  private static final String SCHEDULER = PKG + "Scheduler;";
  private static final String MALLOC = PKG + "Malloc;";
  private static final String FREE = PKG + "Free;";
  private static final String STAGE_FIELD = PKG + "StageField;";
  static final String STINGY_SIZE = PKG + "StingySize;";
  static final String STINGY_COUNT = PKG + "StingyCount;";

  /** The spec declared in the classes, and hints declared on methods (keyed by function id). */
  record Declared(ServerSpec spec, Map<String, Hints> methodHints) {}

  private AnnotationSpec() {}

  static Declared read(ClassPath cp, Diagnostics diags) {
    Map<String, ServerSpec.StageFunction> queues = new LinkedHashMap<>();
    Map<String, ServerSpec.StageFunction> schedules = new LinkedHashMap<>();
    Map<String, ServerSpec.AllocFunction> mallocs = new LinkedHashMap<>();
    Map<String, ServerSpec.FreeFunction> frees = new LinkedHashMap<>();
    List<ServerSpec.Declared> schedulers = new ArrayList<>();
    List<ServerSpec.StageField> stageFields = new ArrayList<>();
    Map<String, Hints> hints = new HashMap<>();
    for (ClassPath.AppClass a : cp.appClasses().values()) {
      ClassNode c = a.node();
      for (MethodNode m : c.methods) {
        SourceLocation at = Lowering.methodLocation(c, m);
        String name = Ids.name(c.name, m.name);
        boolean instance = (m.access & Opcodes.ACC_STATIC) == 0;
        int declared = Type.getArgumentTypes(m.desc).length;
        Hints h = hints(m.invisibleAnnotations);
        if (!h.isEmpty()) {
          hints.put(Ids.method(c.name, m.name, m.desc), h);
        }
        AnnotationNode q = find(m.invisibleAnnotations, QUEUE);
        if (q != null) {
          stage(m, q, "QueueStage", PKG + "QueueStage$", at, name, instance, declared, diags).ifPresent(s -> queues.put(name, s));
        }
        AnnotationNode s = find(m.invisibleAnnotations, SCHEDULE);
        if (s != null) {
          stage(m, s, "ScheduleStage", PKG + "ScheduleStage$", at, name, instance, declared, diags).ifPresent(f -> schedules.put(name, f));
        }
        if (find(m.invisibleAnnotations, SCHEDULER) != null) {
          schedulers.add(new ServerSpec.Declared(name, at));
        }
        AnnotationNode ma = find(m.invisibleAnnotations, MALLOC);
        if (ma != null) {
          mallocs.put(name, malloc(m, ma, at, name, instance, declared, diags));
        }
        AnnotationNode fa = find(m.invisibleAnnotations, FREE);
        if (fa != null) {
          int ptr = freePointer(m, fa, at, instance, declared, diags);
          if (ptr >= 0) {
            frees.put(name, new ServerSpec.FreeFunction(name, ptr, at));
          }
        }
      }
      for (FieldNode f : c.fields) {
        if (find(f.invisibleAnnotations, STAGE_FIELD) != null) {
          stageFields.add(new ServerSpec.StageField(Ids.simple(c.name), f.name, SourceLocation.ofFile(Lowering.sourceFile(c))));
        }
      }
    }
    ServerSpec spec = new ServerSpec(queues, schedules, mallocs, frees, schedulers, stageFields, List.of(), null);
    return new Declared(spec, hints);
  }

  private static Optional<ServerSpec.StageFunction> stage(
      MethodNode m, AnnotationNode a, String what, String markerPrefix, SourceLocation at, String name,
      boolean instance, int declared, Diagnostics diags) {
    List<String> labels = strings(a, "params");
    List<ParamRole> roles = new ArrayList<>();
    boolean markers = false;
    for (int i = 0; i < declared; i++) {
      List<AnnotationNode> on = parameterAnnotations(m, i, declared);
      boolean stage = find(on, markerPrefix + "Stage;") != null;
      boolean task = find(on, markerPrefix + "Task;") != null;
      markers |= stage || task;
      roles.add(stage ? ParamRole.S : task ? ParamRole.T : ParamRole.X);
    }
    Optional<List<ParamRole>> resolved = JavaSpec.stageRoles(roles, markers, labels, what, name, at, diags);
    return resolved.map(r -> new ServerSpec.StageFunction(name, withReceiver(r, instance), at));
  }

  static List<ParamRole> withReceiver(List<ParamRole> roles, boolean instance) {
    return JavaSpec.withReceiver(roles, instance);
  }

  private static ServerSpec.AllocFunction malloc(
      MethodNode m, AnnotationNode a, SourceLocation at, String name, boolean instance, int declared, Diagnostics diags) {
    int size = -1;
    for (int i = 0; i < declared; i++) {
      if (find(parameterAnnotations(m, i, declared), PKG + "Malloc$Size;") != null) {
        size = i;
      }
    }
    List<String> labels = strings(a, "params");
    for (int i = 0; i < labels.size(); i++) {
      Optional<ParamRole> r = ParamRole.parse(labels.get(i));
      if (r.isEmpty() || !(r.get() == ParamRole.SIZE || r.get() == ParamRole.X)) {
        diags.error(at, "spec.unknown-label", "unknown label \"" + labels.get(i) + "\" in Malloc (size or X)");
      } else if (r.get() == ParamRole.SIZE) {
        size = i;
      }
    }
    Object fixed = value(a, "size");
    String fixedSize = fixed instanceof Long l && l >= 0 ? Long.toString(l) : null;
    if (size < 0 && fixedSize == null) {
      // No size declared: the shallow size of the class the method returns, when it is one.
      Type r = Type.getReturnType(m.desc);
      if (r.getSort() == Type.OBJECT) {
        fixedSize = Lowering.SHALLOW_SIZE + r.getInternalName().replace('/', '.') + ")";
      }
    }
    return new ServerSpec.AllocFunction(name, size < 0 ? -1 : size + (instance ? 1 : 0), fixedSize, at);
  }

  private static int freePointer(MethodNode m, AnnotationNode a, SourceLocation at, boolean instance, int declared, Diagnostics diags) {
    int marked = -1;
    for (int i = 0; i < declared && marked < 0; i++) {
      if (find(parameterAnnotations(m, i, declared), PKG + "Free$Ptr;") != null) {
        marked = i;
      }
    }
    return JavaSpec.freePointer(marked, strings(a, "params"), instance, declared, at, diags);
  }

  /** Declared parameter {@code i}'s invisible annotations (javac may leave out leading synthetic ones). */
  private static List<AnnotationNode> parameterAnnotations(MethodNode m, int i, int declared) {
    if (m.invisibleParameterAnnotations == null) {
      return List.of();
    }
    int j = i - (declared - m.invisibleParameterAnnotations.length);
    if (j < 0 || j >= m.invisibleParameterAnnotations.length || m.invisibleParameterAnnotations[j] == null) {
      return List.of();
    }
    return m.invisibleParameterAnnotations[j];
  }

  static Hints hints(List<AnnotationNode> annotations) {
    Object size = value(find(annotations, STINGY_SIZE), "value");
    Object count = value(find(annotations, STINGY_COUNT), "value");
    return new Hints(size instanceof Long l ? l : null, count instanceof Long l ? l : null);
  }

  static AnnotationNode find(List<? extends AnnotationNode> annotations, String desc) {
    if (annotations != null) {
      for (AnnotationNode a : annotations) {
        if (a.desc.equals(desc)) {
          return a;
        }
      }
    }
    return null;
  }

  static Object value(AnnotationNode a, String key) {
    if (a == null || a.values == null) {
      return null;
    }
    for (int i = 0; i + 1 < a.values.size(); i += 2) {
      if (a.values.get(i).equals(key)) {
        return a.values.get(i + 1);
      }
    }
    return null;
  }

  private static List<String> strings(AnnotationNode a, String key) {
    Object v = value(a, key);
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }
}
