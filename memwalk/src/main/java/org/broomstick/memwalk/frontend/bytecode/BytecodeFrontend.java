package org.broomstick.memwalk.frontend.bytecode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.diag.InputException;
import org.broomstick.memwalk.frontend.c.PathDisplay;
import org.broomstick.memwalk.frontend.ContentHash;
import org.broomstick.memwalk.frontend.TypeTests;
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.Constraint;
import org.broomstick.memwalk.model.FieldStore;
import org.broomstick.memwalk.model.FlowGraph;
import org.broomstick.memwalk.model.FrameSource;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.InputFile;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.JavaSpec;
import org.broomstick.memwalk.spec.ServerSpec;
import org.broomstick.memwalk.frontend.JavaInputs;
import org.broomstick.memwalk.spec.SiteBinder;
import org.broomstick.memwalk.spec.SpecCheck;
import org.broomstick.memwalk.spec.SpecFile;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.ParameterNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * The Java bytecode frontend (SPEC §4): reads class directories and jars with ASM and builds the
 * language-neutral {@link Program} — one function per method with code ({@code Class.method}
 * names, {@code pkg.Class.method(desc)} ids), calls resolved by rapid type analysis and lambda
 * metafactory sites, points-to constraints from the stack-value sources of each instruction, the
 * server interface from the annotations in the class files and {@code broomstick.yaml}, and a flow
 * graph per method. Library classes on the classpath and the JDK are read for the hierarchy only.
 */
public final class BytecodeFrontend {

  /** Figures about a run. */
  public record Stats(int classes, int methods, int libraryClasses, int calls, int unresolvedCalls, long millis) {}

  /**
   * The program, the run's figures, and the shallow instance size in bytes of every application
   * class under the running JVM's layout (keyed by binary name, {@code com.x.Request}).
   */
  public record Result(Program program, Stats stats, Map<String, Long> shallowSizes) {
    public Result {
      shallowSizes = Map.copyOf(shallowSizes);
    }
  }

  private BytecodeFrontend() {}

  public static Result load(JavaInputs o) {
    long start = System.nanoTime();
    PathDisplay display = new PathDisplay(o.base());
    Diagnostics diags = new Diagnostics();
    ServerSpec yaml = o.spec();
    if (o.specFile() != null) {
      ServerSpec fromFile = SpecFile.parse(o.specFile(), display.show(o.specFile().toString()), diags);
      ServerSpec.Merged merged = yaml.mergedWith(fromFile);
      merged.conflicts().forEach(c -> diags.error(SourceLocation.NONE, "spec.conflict", c));
      yaml = merged.spec();
    }
    List<Path> inputFiles = new ArrayList<>();
    try (ClassPath cp = new ClassPath(o.paths(), o.classpath(), display, diags, inputFiles)) {
      if (cp.appClasses().isEmpty()) {
        throw new InputException(Diagnostic.error(
            SourceLocation.ofFile(o.paths().isEmpty() ? "." : display.show(o.paths().get(0).toString())),
            "input.no-classes", "no class files found in the inputs"));
      }
      return build(cp, o, yaml, display, diags, inputFiles, start);
    }
  }

  private static Result build(ClassPath cp, JavaInputs o, ServerSpec yaml, PathDisplay display, Diagnostics diags,
      List<Path> inputFiles, long start) {
    AnnotationSpec.Declared declared = AnnotationSpec.read(cp, diags);
    Map<String, JavaSpec.Shape> shapes = new HashMap<>();
    Map<String, List<String[]>> methodsByName = new HashMap<>(); // name -> {owner, desc, access}
    for (ClassPath.AppClass a : cp.appClasses().values()) {
      for (MethodNode m : a.node().methods) {
        String name = Ids.name(a.node().name, m.name);
        JavaSpec.Shape s = new JavaSpec.Shape(name, (m.access & Opcodes.ACC_STATIC) == 0, Type.getArgumentTypes(m.desc).length);
        shapes.putIfAbsent(name, s);
        shapes.putIfAbsent(Ids.qualifiedName(a.node().name, m.name), s);
        methodsByName.computeIfAbsent(name, k -> new ArrayList<>()).add(new String[] {a.node().name, m.desc, Integer.toString(m.access)});
      }
    }
    ServerSpec.Merged merged = declared.spec().mergedWith(JavaSpec.forModel(yaml, shapes));
    merged.conflicts().forEach(c -> diags.error(SourceLocation.NONE, "spec.conflict", c));
    ServerSpec spec = merged.spec();

    // Pass 1: what the program instantiates (rapid type analysis) and its lambdas.
    Set<String> instantiated = new TreeSet<>();
    List<Dispatch.LambdaSite> lambdas = new ArrayList<>();
    Set<String> markedLambdas = new TreeSet<>();
    Map<String, String> newSites = new TreeMap<>(); // abstract object -> class
    int methods = 0;
    for (ClassPath.AppClass a : cp.appClasses().values()) {
      for (MethodNode m : a.node().methods) {
        methods++;
        String id = Ids.method(a.node().name, m.name, m.desc);
        AbstractInsnNode[] insns = m.instructions.toArray();
        for (int i = 0; i < insns.length; i++) {
          if (insns[i] instanceof TypeInsnNode t && t.getOpcode() == Opcodes.NEW) {
            instantiated.add(t.desc);
            newSites.put(Lowering.newObject(id, i, t.desc), t.desc);
          } else if (insns[i] instanceof InvokeDynamicInsnNode indy) {
            Dispatch.LambdaSite l = Lowering.lambdaSite(indy);
            if (l != null) {
              lambdas.add(l);
              if (indy.bsm.getName().equals("altMetafactory")) {
                markedLambdas.add(l.impl()); // serializable or with marker interfaces
              }
            }
          }
        }
      }
    }
    Dispatch dispatch = new Dispatch(cp, instantiated, lambdas);

    // Pass 2: the bodies.
    Set<Constraint> constraints = new LinkedHashSet<>();
    Map<String, String> names = new HashMap<>();
    TypeTests typeTests = typeTests(cp, newSites, lambdas, markedLambdas);
    Lowering lowering = new Lowering(cp, dispatch, spec, declared.methodHints(), constraints, names, diags, typeTests);
    Map<String, Function> functions = new TreeMap<>();
    List<CallSite> calls = new ArrayList<>();
    List<FieldStore> stores = new ArrayList<>();
    List<FlowGraph> flows = new ArrayList<>();
    int unresolved = 0;
    for (ClassPath.AppClass a : cp.appClasses().values()) {
      ClassNode c = a.node();
      for (MethodNode m : c.methods) {
        if ((m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
          continue;
        }
        String id = Ids.method(c.name, m.name, m.desc);
        names.put(id, Ids.name(c.name, m.name));
        Integer code = a.codeLengths().get(m.name + m.desc);
        functions.put(id, new Function(id, Ids.name(c.name, m.name), Lowering.methodLocation(c, m), false, true,
            (m.maxLocals + m.maxStack) * 8, FrameSource.BYTECODE, false, code == null ? 0 : code, params(c, m)));
        Lowering.Lowered l = lowering.lower(c, m);
        calls.addAll(l.calls());
        stores.addAll(l.stores());
        flows.add(l.flow());
        unresolved += l.unresolved();
      }
    }
    // Callees outside the analysed code are entries without a file (SPEC §10).
    Set<String> used = new TreeSet<>();
    calls.forEach(c -> {
      if (c.callee() != null) {
        used.add(c.callee());
      }
    });
    constraints.forEach(c -> {
      if (c instanceof Constraint.AddressOf ad && ad.object().startsWith("fn:")) {
        used.add(ad.object().substring(3));
      }
    });
    for (String id : used) {
      functions.computeIfAbsent(id, k -> new Function(k, names.getOrDefault(k, k), SourceLocation.NONE, false, false, 0,
          FrameSource.NONE, false, 0, List.of()));
    }
    stageObjects(cp, spec, methodsByName, newSites, constraints);

    ObjectLayout layout = new ObjectLayout(cp, ObjectLayout.Jvm.current());
    Map<String, Long> sizes = new TreeMap<>();
    cp.appClasses().keySet().forEach(n -> sizes.put(n.replace('/', '.'), layout.shallowSize(n)));
    Map<String, Long> fixedSizes = new HashMap<>();
    for (ServerSpec.AllocFunction f : spec.mallocs().values()) {
      String e = f.fixedSize();
      if (e == null) {
        continue;
      }
      if (e.matches("\\d+")) {
        fixedSizes.put(e, Long.parseLong(e));
      } else if (e.startsWith(Lowering.SHALLOW_SIZE) && e.endsWith(")")) {
        String cls = e.substring(Lowering.SHALLOW_SIZE.length(), e.length() - 1).replace('.', '/');
        Long s = layout.shallowSize(cls);
        if (s != null) {
          fixedSizes.put(e, s);
        }
      }
    }
    SiteBinder.Bound bound = SiteBinder.bind(calls, stores, spec, fixedSizes, id -> names.getOrDefault(id, id));
    diags.addAll(bound.diagnostics());
    constraints.removeAll(bound.superseded());
    constraints.addAll(bound.constraints());
    typeTests.mallocs(bound.allocs(), calls, n -> n);
    typeTests.libraryObjects(constraints);
    constraints.addAll(typeTests.filters());
    Set<String> known = new java.util.HashSet<>();
    functions.values().forEach(f -> known.add(f.name()));
    diags.addAll(SpecCheck.unknownFunctions(spec, known));
    sameLineAllocations(bound.allocs(), diags);

    List<InputFile> inputs = new ArrayList<>();
    for (Path p : inputFiles) {
      inputs.add(new InputFile(display.show(p.toString()), ContentHash.sha256(p)));
    }
    inputs.sort(Comparator.comparing(InputFile::path));
    flows.sort(Comparator.comparing(FlowGraph::function));
    Program program = new Program("java", inputs, List.copyOf(functions.values()), calls, List.copyOf(constraints),
        List.of(), stores, bound.allocs(), bound.frees(), bound.queues(), flows, java.util.Map.of(), spec, diags.snapshot());
    long millis = (System.nanoTime() - start) / 1_000_000;
    Stats stats = new Stats(cp.appClasses().size(), methods, cp.libraryClassesRead(), calls.size(), unresolved, millis);
    return new Result(program, stats, sizes);
  }

  /**
   * An object of a stage type (the type of a {@code QueueStage}/{@code ScheduleStage} stage
   * parameter or of a stage field) runs its class's implementation of the type's abstract methods.
   * Each {@code new} of such a class gets those methods as its content, which the stage cells load
   * (see {@link Lowering}): the stages are the implementations whose objects may flow there.
   */
  private static void stageObjects(ClassPath cp, ServerSpec spec, Map<String, List<String[]>> methodsByName,
      Map<String, String> newSites, Set<Constraint> constraints) {
    Set<String> stageTypes = new TreeSet<>();
    List<ServerSpec.StageFunction> fns = new ArrayList<>(spec.queueStages().values());
    fns.addAll(spec.scheduleStages().values());
    for (ServerSpec.StageFunction f : fns) {
      for (String[] m : methodsByName.getOrDefault(f.name(), List.of())) {
        boolean instance = (Integer.parseInt(m[2]) & Opcodes.ACC_STATIC) == 0;
        int s = f.stageParam() - (instance ? 1 : 0);
        Type[] args = Type.getArgumentTypes(m[1]);
        if (s >= 0 && s < args.length && args[s].getSort() == Type.OBJECT) {
          stageTypes.add(args[s].getInternalName());
        }
      }
    }
    for (ServerSpec.StageField sf : spec.stageFields()) {
      for (ClassPath.AppClass a : cp.appClasses().values()) {
        if (Ids.simple(a.node().name).equals(sf.struct())) {
          for (FieldNode fd : a.node().fields) {
            Type t = Type.getType(fd.desc);
            if (fd.name.equals(sf.field()) && t.getSort() == Type.OBJECT) {
              stageTypes.add(t.getInternalName());
            }
          }
        }
      }
    }
    stageTypes.remove("java/lang/Object");
    for (String type : stageTypes) {
      List<MethodNode> abstracts = cp.abstractMethods(type);
      newSites.forEach((object, cls) -> {
        if (!cp.isSubtype(cls, type)) {
          return;
        }
        for (MethodNode am : abstracts) {
          ClassPath.Method impl = cp.implementation(cls, am.name, am.desc);
          if (impl != null && impl.app()) {
            constraints.add(new Constraint.AddressOf(object, Constraint.function(unbridged(cp, impl).id())));
          }
        }
      });
    }
  }

  /** What the objects of the program may be instances of (see {@link TypeTests}): news and lambdas. */
  private static TypeTests typeTests(
      ClassPath cp, Map<String, String> newSites, List<Dispatch.LambdaSite> lambdas, Set<String> markedLambdas) {
    TypeTests types = new TypeTests(new TypeTests.Hierarchy() {
      @Override
      public Set<String> supertypes(String type) {
        Set<String> s = cp.supertypes(type);
        return s.stream().allMatch(t -> cp.find(t) != null) ? s : null;
      }

      @Override
      public boolean isApp(String type) {
        return cp.appClasses().containsKey(type);
      }

      @Override
      public boolean isInterface(String type) {
        return cp.find(type) == null || cp.isInterface(type);
      }

      @Override
      public boolean isFinal(String type) {
        ClassNode n = cp.find(type);
        return n != null && (n.access & Opcodes.ACC_FINAL) != 0;
      }

      @Override
      public String object() {
        return "java/lang/Object";
      }
    });
    newSites.forEach((object, cls) -> {
      types.exact(object, cls);
    });
    lambdas.forEach(l -> types.exact(Constraint.function(l.impl()), markedLambdas.contains(l.impl()) ? null : l.iface()));
    return types;
  }

  /** A generic interface's erased method is a bridge in the class: the stage is what it calls. */
  private static ClassPath.Method unbridged(ClassPath cp, ClassPath.Method m) {
    if ((m.node().access & Opcodes.ACC_BRIDGE) == 0) {
      return m;
    }
    for (AbstractInsnNode i = m.node().instructions.getFirst(); i != null; i = i.getNext()) {
      if (i instanceof MethodInsnNode mi && mi.name.equals(m.node().name) && mi.owner.equals(m.owner())) {
        ClassPath.Method target = cp.resolve(mi.owner, mi.name, mi.desc);
        return target == null ? m : target;
      }
    }
    return m;
  }

  private static List<String> params(ClassNode c, MethodNode m) {
    List<String> out = new ArrayList<>();
    if ((m.access & Opcodes.ACC_STATIC) == 0) {
      out.add("this");
    }
    int n = Type.getArgumentTypes(m.desc).length;
    for (int i = 0; i < n; i++) {
      String name = null;
      if (m.parameters != null && i < m.parameters.size()) {
        ParameterNode p = m.parameters.get(i);
        name = p.name;
      }
      out.add(name != null ? name : "arg" + i);
    }
    return out;
  }

  /**
   * Class files have lines but no columns: two allocations by the same allocator on one line get
   * one id, and so one object.
   */
  private static void sameLineAllocations(List<AllocSite> allocs, Diagnostics diags) {
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (AllocSite a : allocs) {
      if (seen.merge(a.id(), 1, Integer::sum) == 2) {
        diags.warning(a.location(), "bytecode.same-line-allocations",
            "more than one call of " + a.allocator() + " on this line; the bytecode frontend sees them as one object (put them on separate lines)");
      }
    }
  }

}
