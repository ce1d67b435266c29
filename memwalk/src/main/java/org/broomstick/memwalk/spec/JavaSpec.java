package org.broomstick.memwalk.spec;

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
