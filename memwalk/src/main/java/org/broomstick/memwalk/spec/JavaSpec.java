package org.broomstick.memwalk.spec;

import org.broomstick.memwalk.model.SourceLocation;

import org.broomstick.memwalk.diag.Diagnostics;

import java.util.Optional;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server interface in the form the model uses for Java, shared by the bytecode and source
 * frontends: parameter indices count the receiver of an instance method as parameter 0, as call
 * arguments and points-to parameters do. Annotations and {@code broomstick.yaml} label the declared
 * parameters only, so their indices are shifted here.
 */
public final class JavaSpec {
  private JavaSpec() {}

  /**
   * The roles of a {@code QueueStage}/{@code ScheduleStage} method's declared parameters, from its
   * parameter markers ({@code @QueueStage.Stage}, {@code .Task}) or its {@code params} labels, not
   * both; exactly one stage parameter. Problems are reported at {@code at}; empty when there is one.
   *
   * @param markerRoles the role each declared parameter's marker gives (X without a marker)
   * @param markers whether any parameter carries a marker
   */
  public static Optional<List<ParamRole>> stageRoles(
      List<ParamRole> markerRoles, boolean markers, List<String> labels, String what, String name,
      SourceLocation at, Diagnostics diags) {
    int declared = markerRoles.size();
    List<ParamRole> roles = new ArrayList<>(markerRoles);
    if (!labels.isEmpty()) {
      if (markers) {
        diags.error(at, "spec.conflicting-roles", what + " " + name + " gives both params and parameter markers; use one");
        return Optional.empty();
      }
      if (labels.size() != declared) {
        diags.error(at, "spec.param-count", what + " " + name + " has " + declared + " parameters but " + labels.size() + " labels");
        return Optional.empty();
      }
      roles.clear();
      for (String l : labels) {
        Optional<ParamRole> r = ParamRole.parse(l);
        if (r.isEmpty() || !(r.get() == ParamRole.S || r.get() == ParamRole.T || r.get() == ParamRole.X)) {
          diags.error(at, "spec.unknown-label", "unknown label \"" + l + "\" in " + what + " (T, S or X)");
          return Optional.empty();
        }
        roles.add(r.get());
      }
    }
    if (roles.stream().filter(r -> r == ParamRole.S).count() != 1) {
      diags.error(at, "spec.missing-stage", what + " " + name + " needs exactly one stage parameter");
      return Optional.empty();
    }
    return Optional.of(roles);
  }

  /**
   * The model index of a {@code Free} method's freed pointer: the parameter marked
   * {@code @Free.Ptr}, else the {@code ptr} of its labels, else its only parameter, else (no
   * parameters) the receiver. -1 with a diagnostic when none of these says.
   *
   * @param marked the declared index of the marked parameter, or -1
   */
  public static int freePointer(int marked, List<String> labels, boolean instance, int declared,
      SourceLocation at, Diagnostics diags) {
    int shift = instance ? 1 : 0;
    if (marked >= 0) {
      return marked + shift;
    }
    if (!labels.isEmpty()) {
      int p = ParamRole.pointerParam(labels);
      if (p < 0) {
        diags.error(at, "spec.unknown-label", "Free params " + labels + " do not name one ptr parameter");
      }
      return p < 0 ? -1 : p + shift;
    }
    if (declared == 1) {
      return shift;
    }
    if (declared == 0 && instance) {
      return 0;
    }
    diags.error(at, "spec.free-pointer", "Free method with " + declared + " parameters: mark the freed one with @Free.Ptr");
    return -1;
  }

  /** The receiver of an instance method is the task when no parameter is (QueueStage Javadoc). */
  public static List<ParamRole> withReceiver(List<ParamRole> roles, boolean instance) {
    if (!instance) {
      return roles;
    }
    List<ParamRole> out = new ArrayList<>();
    out.add(roles.contains(ParamRole.T) ? ParamRole.X : ParamRole.T);
    out.addAll(roles);
    return out;
  }

  /**
   * A spec written for the declared parameters ({@code broomstick.yaml}) in the model's indexing,
   * with qualified names ({@code a.b.Server.queue}) turned into {@code Server.queue}.
   *
   * @param instanceByName for each {@code Class.method} and qualified name: the short name and
   *     whether the method is an instance method, and how many parameters it declares
   */
  public static ServerSpec forModel(ServerSpec spec, Map<String, Shape> instanceByName) {
    Map<String, ServerSpec.StageFunction> queues = new LinkedHashMap<>();
    spec.queueStages().forEach((n, f) -> {
      Shape s = instanceByName.get(n);
      String name = s == null ? n : s.name();
      queues.put(name, new ServerSpec.StageFunction(name, withReceiver(f.params(), s != null && s.instance()), f.declaredAt()));
    });
    Map<String, ServerSpec.StageFunction> schedules = new LinkedHashMap<>();
    spec.scheduleStages().forEach((n, f) -> {
      Shape s = instanceByName.get(n);
      String name = s == null ? n : s.name();
      schedules.put(name, new ServerSpec.StageFunction(name, withReceiver(f.params(), s != null && s.instance()), f.declaredAt()));
    });
    Map<String, ServerSpec.AllocFunction> mallocs = new LinkedHashMap<>();
    spec.mallocs().forEach((n, f) -> {
      Shape s = instanceByName.get(n);
      String name = s == null ? n : s.name();
      int size = f.sizeParam() >= 0 && s != null && s.instance() ? f.sizeParam() + 1 : f.sizeParam();
      mallocs.put(name, new ServerSpec.AllocFunction(name, size, f.fixedSize(), f.declaredAt(), f.wrapper()));
    });
    Map<String, ServerSpec.FreeFunction> frees = new LinkedHashMap<>();
    spec.frees().forEach((n, f) -> {
      Shape s = instanceByName.get(n);
      String name = s == null ? n : s.name();
      boolean receiverIsPointer = s != null && s.instance() && s.declared() == 0;
      int ptr = s != null && s.instance() && !receiverIsPointer ? f.ptrParam() + 1 : f.ptrParam();
      frees.put(name, new ServerSpec.FreeFunction(name, ptr, f.declaredAt()));
    });
    List<ServerSpec.Declared> schedulers = spec.schedulers().stream().map(d -> renamed(d, instanceByName)).toList();
    List<ServerSpec.StageField> fields = spec.stageFields().stream()
        .map(f -> new ServerSpec.StageField(f.struct().substring(f.struct().lastIndexOf('.') + 1), f.field(), f.declaredAt()))
        .toList();
    return new ServerSpec(queues, schedules, mallocs, frees, schedulers, fields, spec.hints(),
        spec.entry() == null ? null : renamed(spec.entry(), instanceByName));
  }

  private static ServerSpec.Declared renamed(ServerSpec.Declared d, Map<String, Shape> byName) {
    Shape s = byName.get(d.name());
    return s == null ? d : new ServerSpec.Declared(s.name(), d.declaredAt());
  }

  /** What the spec needs to know of a method named in it. */
  public record Shape(String name, boolean instance, int declared) {}
}
