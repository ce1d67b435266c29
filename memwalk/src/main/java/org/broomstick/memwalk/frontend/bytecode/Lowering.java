package org.broomstick.memwalk.frontend.bytecode;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.frontend.CallConstraints;
import org.broomstick.memwalk.frontend.TypeTests;
import org.broomstick.memwalk.model.Argument;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.Constraint;
import org.broomstick.memwalk.model.FieldStore;
import org.broomstick.memwalk.model.FlowGraph;
import org.broomstick.memwalk.model.Hints;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.ServerSpec;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LocalVariableAnnotationNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

/**
 * Lowers one method body to the model: its call sites (with their dispatch targets), the stores
 * into stage fields, its points-to constraints and its control flow.
 *
 * <p>Points-to cells follow the values, not the local slots: ASM's {@link Analyzer} with a {@link
 * SourceInterpreter} says which instructions may have produced each stack and local value, and the
 * cell {@code t:METHOD#i} holds what instruction {@code i} produces. A local read is the union of
 * the stores that reach it, so javac's reuse of a slot for another variable merges nothing.
 * Parameters are {@code param:METHOD#k} with the receiver as parameter 0, fields {@code
 * f:Class.field} (field-based), statics {@code g:Class.field}. Array elements are the content of
 * the array object; a library object's content is everything stored into it through its methods,
 * and what its methods return may be any of it (collections of handlers, maps filled in static
 * initialisers).
 */
final class Lowering {

  /** The {@code sizeExpr} of a {@code Malloc} whose size is the shallow size of a class. */
  static final String SHALLOW_SIZE = "shallowSizeOf(";

  /** The model of one body. */
  record Lowered(List<CallSite> calls, List<FieldStore> stores, FlowGraph flow, int unresolved) {}

  private final ClassPath cp;
  private final Dispatch dispatch;
  private final ServerSpec spec;
  private final Set<String> stageFields;
  private final Map<String, Hints> methodHints;
  private final Set<Constraint> constraints;
  private final Map<String, String> names;
  private final Diagnostics diags;
  /** The type tests on library results (filled while lowering; resolved by the frontend). */
  final TypeTests typeTests;
  private final CallConstraints callConstraints;

  /**
   * @param constraints where every body's constraints go
   * @param names filled with the name of every function id a call may reach
   */
  Lowering(ClassPath cp, Dispatch dispatch, ServerSpec spec, Map<String, Hints> methodHints,
      Set<Constraint> constraints, Map<String, String> names, Diagnostics diags, TypeTests typeTests) {
    this.cp = cp;
    this.dispatch = dispatch;
    this.spec = spec;
    this.stageFields = new java.util.HashSet<>();
    spec.stageFields().forEach(f -> stageFields.add(f.key()));
    this.methodHints = methodHints;
    this.constraints = constraints;
    this.names = names;
    this.diags = diags;
    this.typeTests = typeTests;
    this.callConstraints = new CallConstraints(constraints, typeTests);
  }

  // ------------------------------------------------------------------ locations

  /** {@code com/x/Server.java}: the package path and the class's SourceFile attribute. */
  static String sourceFile(ClassNode c) {
    int slash = c.name.lastIndexOf('/');
    String pkg = slash < 0 ? "" : c.name.substring(0, slash + 1);
    if (c.sourceFile != null) {
      return pkg + c.sourceFile;
    }
    String outer = c.name.contains("$") ? c.name.substring(0, c.name.indexOf('$')) : c.name;
    return outer + ".java";
  }

  static SourceLocation methodLocation(ClassNode c, MethodNode m) {
    for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
      if (i instanceof LineNumberNode ln) {
        return SourceLocation.of(sourceFile(c), ln.line, 0);
      }
    }
    return SourceLocation.ofFile(sourceFile(c));
  }

  // ------------------------------------------------------------------ bodies

  Lowered lower(ClassNode c, MethodNode m) {
    return new Body(c, m).run();
  }

  /** Gives parameters a value of their own, so a merge with a later store keeps them. */
  private static final class Interpreter extends SourceInterpreter {
    final Map<AbstractInsnNode, Integer> params = new IdentityHashMap<>();
    private final int[] paramOfSlot;

    Interpreter(int[] paramOfSlot) {
      super(Opcodes.ASM9);
      this.paramOfSlot = paramOfSlot;
    }

    @Override
    public SourceValue newParameterValue(boolean isInstanceMethod, int local, Type type) {
      InsnNode marker = new InsnNode(Opcodes.NOP);
      params.put(marker, paramOfSlot[local]);
      return new SourceValue(type.getSize(), marker);
    }
  }

  private final class Body {
    final ClassNode owner;
    final MethodNode m;
    final String id;
    final String file;
    final AbstractInsnNode[] insns;
    final int[] lines;
    final int[] events;
    final Interpreter interpreter;
    Frame<SourceValue>[] frames;
    final List<CallSite> calls = new ArrayList<>();
    final List<FieldStore> stores = new ArrayList<>();
    int unresolved;

    Body(ClassNode owner, MethodNode m) {
      this.owner = owner;
      this.m = m;
      this.id = Ids.method(owner.name, m.name, m.desc);
      this.file = sourceFile(owner);
      this.insns = m.instructions.toArray();
      this.lines = new int[insns.length];
      this.events = new int[insns.length];
      int line = 0;
      int ordinal = 0;
      for (int i = 0; i < insns.length; i++) {
        if (insns[i] instanceof LineNumberNode ln) {
          line = ln.line;
        }
        lines[i] = line;
        events[i] = isEvent(insns[i]) ? ordinal++ : -1;
      }
      Type[] args = Type.getArgumentTypes(m.desc);
      int[] paramOfSlot = new int[Math.max(m.maxLocals, 1) + 2];
      int slot = 0;
      int param = 0;
      if ((m.access & Opcodes.ACC_STATIC) == 0) {
        paramOfSlot[slot++] = param++;
      }
      for (Type t : args) {
        if (slot < paramOfSlot.length) {
          paramOfSlot[slot] = param;
        }
        slot += t.getSize();
        param++;
      }
      this.interpreter = new Interpreter(paramOfSlot);
    }

    /** Calls, and stores into stage fields, are the events of the flow graph. */
    private boolean isEvent(AbstractInsnNode insn) {
      if (insn instanceof MethodInsnNode) {
        return true;
      }
      return insn instanceof FieldInsnNode f
          && (f.getOpcode() == Opcodes.PUTFIELD || f.getOpcode() == Opcodes.PUTSTATIC)
          && stageFields.contains(Ids.simple(cp.fieldOwner(f.owner, f.name)) + "." + f.name);
    }

    Lowered run() {
      try {
        frames = new Analyzer<>(interpreter).analyze(owner.name, m);
      } catch (AnalyzerException | RuntimeException e) {
        // Unverifiable or exotic code: calls and flow stay, data flow through the body is lost.
        diags.warning(methodLocation(owner, m), "bytecode.unanalysable",
            "the data flow of " + Ids.name(owner.name, m.name) + " cannot be analysed (" + e.getMessage() + "); its values point nowhere");
        @SuppressWarnings("unchecked")
        Frame<SourceValue>[] none = new Frame[insns.length];
        frames = none;
      }
      for (int i = 0; i < insns.length; i++) {
        instruction(i);
      }
      FlowGraph flow = BytecodeFlow.build(id, m, insns, events, this::nullTested);
      return new Lowered(calls, stores, flow, unresolved);
    }

    /** The pointer an IFNULL/IFNONNULL at {@code i} tests, with its class when its producers agree on one. */
    FlowGraph.NullPointer nullTested(int i) {
      Frame<SourceValue> f = frames[i];
      if (f == null || f.getStackSize() == 0) {
        return null;
      }
      SourceValue v = top(f, 0);
      List<String> cs = cells(v);
      if (cs.size() != 1) {
        return null;
      }
      String type = typeOf(v, 3);
      return new FlowGraph.NullPointer(cs.get(0), type == null ? null : type.replace('/', '.'));
    }

    /** The internal name of the class every producer of {@code v} gives, or null. */
    private String typeOf(SourceValue v, int depth) {
      String type = null;
      for (AbstractInsnNode s : v.insns) {
        String t = null;
        if (s instanceof FieldInsnNode fi) {
          t = Type.getType(fi.desc).getSort() == Type.OBJECT ? Type.getType(fi.desc).getInternalName() : null;
        } else if (s instanceof MethodInsnNode mi) {
          Type r = Type.getReturnType(mi.desc);
          t = r.getSort() == Type.OBJECT ? r.getInternalName() : null;
        } else if (s instanceof TypeInsnNode ti && (ti.getOpcode() == Opcodes.CHECKCAST || ti.getOpcode() == Opcodes.NEW)) {
          t = ti.desc;
        } else if (s instanceof VarInsnNode vi && vi.getOpcode() == Opcodes.ALOAD && depth > 0) {
          Frame<SourceValue> at = index(s) < 0 ? null : frames[index(s)];
          if (at != null) {
            SourceValue local = at.getLocal(vi.var);
            for (AbstractInsnNode store : local.insns) {
              if (index(store) < 0) {
                return null; // a parameter: its class is the declared one, not known here
              }
              Frame<SourceValue> sf = frames[index(store)];
              if (store.getOpcode() == Opcodes.ASTORE && sf != null) {
                String st = typeOf(top(sf, 0), depth - 1);
                if (st == null || t != null && !t.equals(st)) {
                  return null;
                }
                t = st;
              } else {
                return null; // a parameter or a merge: no single class known here
              }
            }
          }
        }
        if (t == null || type != null && !type.equals(t)) {
          return null;
        }
        type = t;
      }
      return type;
    }

    // -------------------------------------------------------------- cells

    String t(int i) {
      return "t:" + id + "#" + i;
    }

    int index(AbstractInsnNode insn) {
      return m.instructions.indexOf(insn);
    }

    SourceValue top(Frame<SourceValue> f, int depth) {
      return f.getStack(f.getStackSize() - 1 - depth);
    }

    List<String> cells(SourceValue v) {
      List<String> out = new ArrayList<>();
      for (AbstractInsnNode s : v.insns) {
        Integer p = interpreter.params.get(s);
        out.add(p != null ? Constraint.param(id, p) : t(index(s)));
      }
      return out;
    }

    /** One cell for a value: its producer's, or {@code name} holding every producer's. */
    String cell(SourceValue v, String name) {
      List<String> cs = cells(v);
      if (cs.isEmpty()) {
        return null;
      }
      if (cs.size() == 1) {
        return cs.get(0);
      }
      cs.forEach(c -> copy(name, c));
      return name;
    }

    void copy(String dst, String src) {
      callConstraints.copy(dst, src);
    }

    void copyAll(String dst, SourceValue v) {
      cells(v).forEach(c -> copy(dst, c));
    }

    SourceLocation at(int i) {
      return SourceLocation.of(file, lines[i], 0);
    }

    // -------------------------------------------------------------- instructions

    void instruction(int i) {
      AbstractInsnNode insn = insns[i];
      Frame<SourceValue> f = frames[i];
      int op = insn.getOpcode();
      if (insn instanceof MethodInsnNode mi) {
        call(i, mi, f);
        return;
      }
      if (f == null) {
        return; // unreachable
      }
      switch (op) {
        case Opcodes.ALOAD -> copyAll(t(i), f.getLocal(((VarInsnNode) insn).var));
        case Opcodes.ASTORE -> copyAll(t(i), top(f, 0));
        case Opcodes.CHECKCAST -> {
          // A value that passed a cast to a class of the program is an instance of it (TypeTests).
          String type = ((TypeInsnNode) insn).desc;
          copyAll(cp.appClasses().containsKey(type) ? typeTests.test(t(i), type, t(i) + ".c") : t(i), top(f, 0));
        }
        case Opcodes.DUP, Opcodes.DUP_X1, Opcodes.DUP_X2, Opcodes.DUP2, Opcodes.DUP2_X1, Opcodes.DUP2_X2, Opcodes.SWAP -> {
          // The copies all name this instruction as their source, so its cell holds what was
          // copied: DUP, DUP_X1 and DUP_X2 copy only the top value (the values they skip are
          // pushed back as they were, with their own sources); the DUP2 forms and SWAP copy the
          // top two, which one cell cannot keep apart.
          int depth = switch (op) {
            case Opcodes.DUP, Opcodes.DUP_X1, Opcodes.DUP_X2 -> 1;
            default -> 2;
          };
          for (int d = 0; d < Math.min(depth, f.getStackSize()); d++) {
            copyAll(t(i), top(f, d));
          }
        }
        case Opcodes.GETFIELD, Opcodes.GETSTATIC -> {
          FieldInsnNode fi = (FieldInsnNode) insn;
          if (isReference(Type.getType(fi.desc))) {
            copy(t(i), fieldCell(fi));
          }
        }
        case Opcodes.PUTFIELD, Opcodes.PUTSTATIC -> putField(i, (FieldInsnNode) insn, f);
        case Opcodes.AALOAD -> {
          String array = cell(top(f, 1), t(i) + ".array");
          if (array != null) {
            constraints.add(new Constraint.Load(t(i), array));
          }
        }
        case Opcodes.AASTORE -> {
          String array = cell(top(f, 2), t(i) + ".array");
          String value = cell(top(f, 0), t(i) + ".value");
          if (array != null && value != null) {
            constraints.add(new Constraint.Store(array, value));
          }
        }
        case Opcodes.NEW -> constraints.add(new Constraint.AddressOf(t(i), newObject(id, i, ((TypeInsnNode) insn).desc)));
        case Opcodes.ANEWARRAY, Opcodes.MULTIANEWARRAY -> constraints.add(new Constraint.AddressOf(t(i), "arr:" + id + "#" + i));
        case Opcodes.ARETURN -> copyAll(Constraint.ret(id), top(f, 0));
        case Opcodes.INVOKEDYNAMIC -> lambda(i, (InvokeDynamicInsnNode) insn, f);
        default -> { }
      }
    }

    String fieldCell(FieldInsnNode fi) {
      String declaring = cp.fieldOwner(fi.owner, fi.name);
      return fi.getOpcode() == Opcodes.GETSTATIC || fi.getOpcode() == Opcodes.PUTSTATIC
          ? Ids.staticField(declaring, fi.name)
          : Ids.field(declaring, fi.name);
    }

    void putField(int i, FieldInsnNode fi, Frame<SourceValue> f) {
      if (!isReference(Type.getType(fi.desc))) {
        return;
      }
      SourceValue value = top(f, 0);
      copyAll(fieldCell(fi), value);
      if (events[i] >= 0) {
        String key = Ids.simple(cp.fieldOwner(fi.owner, fi.name)) + "." + fi.name;
        String stage = stageCell(i, cell(value, t(i) + ".value"));
        stores.add(new FieldStore(at(i), id, key, stage, describe(value, 0), events[i]));
      }
    }

    /**
     * A cell with the functions a stage value runs: lambdas and method references are functions
     * already; an object of a stage interface runs its class's implementation, which the frontend
     * put in the object's content (see {@code BytecodeFrontend}).
     */
    String stageCell(int i, String value) {
      if (value == null) {
        return null;
      }
      String stage = t(i) + ".stage";
      copy(stage, value);
      constraints.add(new Constraint.Load(stage, value));
      return stage;
    }

    void lambda(int i, InvokeDynamicInsnNode indy, Frame<SourceValue> f) {
      Dispatch.LambdaSite site = lambdaSite(indy);
      if (site == null) {
        return; // string concatenation, records' bootstrap methods: no code of the program runs
      }
      Handle h = (Handle) indy.bsmArgs[1];
      names.put(site.impl(), Ids.name(h.getOwner(), h.getName()));
      constraints.add(new Constraint.AddressOf(t(i), Constraint.function(site.impl())));
      int shift = site.constructor() ? 1 : 0;
      for (int k = 0; k < site.captured(); k++) {
        copyAll(Constraint.param(site.impl(), k + shift), top(f, site.captured() - 1 - k));
      }
    }

    // -------------------------------------------------------------- calls

    void call(int i, MethodInsnNode mi, Frame<SourceValue> f) {
      boolean receiver = mi.getOpcode() != Opcodes.INVOKESTATIC;
      Type[] types = Type.getArgumentTypes(mi.desc);
      int n = types.length + (receiver ? 1 : 0);
      List<SourceValue> ops = new ArrayList<>();
      List<String> argCells = new ArrayList<>();
      List<Argument> args = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        SourceValue v = f == null ? null : f.getStack(f.getStackSize() - n + k);
        boolean ref = receiver && k == 0 || isReference(types[k - (receiver ? 1 : 0)]);
        ops.add(v);
        String c = v == null || !ref ? null : cell(v, t(i) + ".a" + k);
        argCells.add(c);
        args.add(new Argument(c, v == null ? "?" : describe(v, 0), v == null || ref ? null : constant(v, 0)));
      }
      boolean refResult = isReference(Type.getReturnType(mi.desc));
      String result = f != null && refResult ? t(i) : null;

      String owner = mi.owner.startsWith("[") ? "java/lang/Object" : mi.owner;
      ClassPath.Method declared = cp.resolve(owner, mi.name, mi.desc);
      List<Dispatch.Target> targets = new ArrayList<>();
      if (declared == null) {
        unresolved++;
        boolean classKnown = cp.find(owner) != null;
        diags.warning(at(i), "bytecode.unresolved-call",
            "call of " + owner.replace('/', '.') + "." + mi.name + mi.desc + " in " + Ids.name(this.owner.name, m.name)
                + (classKnown ? ": no such method in the class or its supertypes" : ": class not found in the inputs or classpath"));
        String nominal = Ids.method(owner, mi.name, mi.desc);
        names.put(nominal, Ids.name(owner, mi.name));
        targets.add(new Dispatch.Target(nominal, -1, false, false));
      } else if (!virtual(mi, declared)) {
        targets.add(Dispatch.Target.method(declared));
      } else {
        Dispatch.Targets found = dispatch.targets(owner, mi.name, mi.desc);
        targets.addAll(found.targets());
        if (targets.isEmpty()) {
          unresolved++;
          diags.warning(at(i), "bytecode.unresolved-call",
              "call of " + owner.replace('/', '.') + "." + mi.name + mi.desc + " in " + Ids.name(this.owner.name, m.name)
                  + ": no instantiated class or lambda implements it");
          targets.add(Dispatch.Target.method(declared));
        } else if (found.fromHierarchy()) {
          diags.note(at(i), "bytecode.cha-fallback",
              "no object of a subtype of " + owner.replace('/', '.') + " is created in the analysed code; "
                  + "the call of " + mi.name + " may reach every implementation");
        }
      }
      for (Dispatch.Target tg : targets) {
        names.putIfAbsent(tg.function(), nameOf(tg.function()));
      }

      String callee = null;
      String calleeCell = null;
      if (targets.size() == 1) {
        callee = targets.get(0).function();
      } else {
        calleeCell = t(i) + ".callee";
        for (Dispatch.Target tg : targets) {
          constraints.add(new Constraint.AddressOf(calleeCell, Constraint.function(tg.function())));
        }
      }
      if (f != null) {
        // Strings and boxes hold no program objects: library code cannot hand one back through them.
        List<String> libraryArgs = new ArrayList<>(argCells);
        boolean keepsNone = TypeTests.keepsNoArgument(owner, mi.name);
        for (int k = receiver ? 1 : 0; k < n; k++) {
          if (keepsNone || holdsNothing(types[k - (receiver ? 1 : 0)])) {
            libraryArgs.set(k, null);
          }
        }
        String libraryResult = holdsNothing(Type.getReturnType(mi.desc)) ? null : result;
        for (Dispatch.Target tg : targets) {
          if (tg.app()) {
            callConstraints.bind(tg.function(), tg.captured(), tg.constructor(), argCells, result);
          } else {
            library(i, receiver, libraryArgs, libraryResult, owner, Type.getReturnType(mi.desc));
          }
        }
      }
      if (callee == null) {
        // The arguments are bound above, per target; Andersen would bind lambdas' parameters off by
        // their captured values.
        List<Argument> unbound = new ArrayList<>();
        args.forEach(a -> unbound.add(new Argument(null, a.text(), a.constant())));
        args = unbound;
      } else {
        ServerSpec.StageFunction q = stageFunction(names.get(callee));
        if (q != null) {
          int s = q.stageParam();
          if (s >= 0 && s < args.size() && args.get(s).cell() != null) {
            Argument a = args.get(s);
            args.set(s, new Argument(stageCell(i, a.cell()), a.text(), a.constant()));
          }
        }
      }
      Hints hints = callee == null ? Hints.NONE : methodHints.getOrDefault(callee, Hints.NONE);
      hints = hints.overriddenBy(receivingHints(i));
      String calleeText = receiver && !ops.isEmpty() && ops.get(0) != null
          ? describe(ops.get(0), 0) + "." + mi.name
          : Ids.name(owner, mi.name);
      calls.add(new CallSite(id, at(i), callee, calleeCell, calleeText, args, result, hints, false, events[i], -1, -1));
    }

    private ServerSpec.StageFunction stageFunction(String name) {
      if (name == null) {
        return null;
      }
      ServerSpec.StageFunction q = spec.queueStages().get(name);
      return q != null ? q : spec.scheduleStages().get(name);
    }

    /** Whether the call dispatches on the receiver's class at run time. */
    private boolean virtual(MethodInsnNode mi, ClassPath.Method declared) {
      if (mi.getOpcode() != Opcodes.INVOKEVIRTUAL && mi.getOpcode() != Opcodes.INVOKEINTERFACE) {
        return false;
      }
      int access = declared.node().access;
      if ((access & (Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL | Opcodes.ACC_STATIC)) != 0) {
        return false;
      }
      ClassNode c = cp.find(declared.owner());
      if (c != null && (c.access & Opcodes.ACC_FINAL) != 0 && declared.owner().equals(mi.owner)) {
        return false;
      }
      // A method the spec names is bound by its name, whatever runs behind it.
      String name = Ids.name(declared.owner(), declared.node().name);
      return !(spec.queueStages().containsKey(name) || spec.scheduleStages().containsKey(name)
          || spec.mallocs().containsKey(name) || spec.frees().containsKey(name));
    }

    /** A library method ({@link CallConstraints#library}). */
    private void library(int i, boolean receiver, List<String> args, String result, String owner, Type returns) {
      String type = returns.getSort() == Type.OBJECT ? returns.getInternalName() : null;
      callConstraints.library(receiver, args, result, owner, type, t(i), id + "#" + i);
    }

    /** Hints on the local variable or field the call's value goes to right away. */
    private Hints receivingHints(int i) {
      int j = i + 1;
      while (j < insns.length && (insns[j].getOpcode() < 0 || insns[j].getOpcode() == Opcodes.CHECKCAST)) {
        j++;
      }
      if (j >= insns.length) {
        return Hints.NONE;
      }
      AbstractInsnNode next = insns[j];
      if (next.getOpcode() == Opcodes.ASTORE && m.invisibleLocalVariableAnnotations != null) {
        int var = ((VarInsnNode) next).var;
        Hints h = Hints.NONE;
        for (LocalVariableAnnotationNode a : m.invisibleLocalVariableAnnotations) {
          for (int r = 0; r < a.index.size(); r++) {
            // The variable's range starts right after its first store.
            if (a.index.get(r) == var && index(a.start.get(r)) <= j + 2 && j < index(a.end.get(r))) {
              h = h.overriddenBy(AnnotationSpec.hints(List.of(a)));
            }
          }
        }
        return h;
      }
      if (next instanceof FieldInsnNode fi && (fi.getOpcode() == Opcodes.PUTFIELD || fi.getOpcode() == Opcodes.PUTSTATIC)) {
        FieldNode fn = cp.field(fi.owner, fi.name);
        if (fn != null) {
          List<org.objectweb.asm.tree.AnnotationNode> all = new ArrayList<>();
          if (fn.invisibleAnnotations != null) {
            all.addAll(fn.invisibleAnnotations);
          }
          if (fn.invisibleTypeAnnotations != null) {
            all.addAll(fn.invisibleTypeAnnotations);
          }
          return AnnotationSpec.hints(all);
        }
      }
      return Hints.NONE;
    }

    // -------------------------------------------------------------- values as text and numbers

    /** A short text for a value, for messages: {@code Server::parse}, {@code r}, {@code 4096}. */
    String describe(SourceValue v, int depth) {
      if (v.insns.size() != 1 || depth > 4) {
        return "?";
      }
      AbstractInsnNode s = v.insns.iterator().next();
      Integer p = interpreter.params.get(s);
      if (p != null) {
        return paramName(p);
      }
      Long c = constant(v, 0);
      if (c != null) {
        return Long.toString(c);
      }
      Frame<SourceValue> f = frames[index(s)];
      if (s instanceof VarInsnNode vi) {
        String local = localName(vi.var, index(s));
        return local != null ? local : f == null ? "?" : describe(f.getLocal(vi.var), depth + 1);
      }
      if (s instanceof FieldInsnNode fi) {
        return Ids.simple(fi.owner) + "." + fi.name;
      }
      if (s instanceof InvokeDynamicInsnNode indy && lambdaSite(indy) != null) {
        Handle h = (Handle) indy.bsmArgs[1];
        return Ids.simple(h.getOwner()) + "::" + h.getName();
      }
      if (s instanceof TypeInsnNode ti && s.getOpcode() == Opcodes.NEW) {
        return "new " + Ids.simple(ti.desc);
      }
      if (s instanceof MethodInsnNode mi) {
        return mi.name + "(…)";
      }
      if (s.getOpcode() == Opcodes.AALOAD && f != null) {
        return describe(top(f, 1), depth + 1) + "[…]";
      }
      if (s.getOpcode() == Opcodes.CHECKCAST && f != null) {
        return describe(top(f, 0), depth + 1);
      }
      return "?";
    }

    private String paramName(int p) {
      boolean instance = (m.access & Opcodes.ACC_STATIC) == 0;
      if (instance && p == 0) {
        return "this";
      }
      int declared = p - (instance ? 1 : 0);
      if (m.parameters != null && declared < m.parameters.size()) {
        return m.parameters.get(declared).name;
      }
      int slot = instance ? 1 : 0;
      Type[] args = Type.getArgumentTypes(m.desc);
      for (int k = 0; k < declared && k < args.length; k++) {
        slot += args[k].getSize();
      }
      String n = localName(slot, 0);
      return n != null ? n : "arg" + declared;
    }

    private String localName(int var, int at) {
      if (m.localVariables == null) {
        return null;
      }
      for (LocalVariableNode lv : m.localVariables) {
        if (lv.index == var && index(lv.start) <= at + 2 && at <= index(lv.end)) {
          return lv.name;
        }
      }
      return null;
    }

    /** The value as an integer when it is a constant, also through locals and simple arithmetic. */
    Long constant(SourceValue v, int depth) {
      if (v == null || v.insns.size() != 1 || depth > 8) {
        return null;
      }
      AbstractInsnNode s = v.insns.iterator().next();
      int op = s.getOpcode();
      if (op >= Opcodes.ICONST_M1 && op <= Opcodes.ICONST_5) {
        return (long) (op - Opcodes.ICONST_0);
      }
      if (op == Opcodes.LCONST_0 || op == Opcodes.LCONST_1) {
        return (long) (op - Opcodes.LCONST_0);
      }
      if (s instanceof IntInsnNode ii && op != Opcodes.NEWARRAY) {
        return (long) ii.operand;
      }
      if (s instanceof LdcInsnNode ldc) {
        return ldc.cst instanceof Integer n ? Long.valueOf(n) : ldc.cst instanceof Long n ? n : null;
      }
      if (interpreter.params.containsKey(s)) {
        return null;
      }
      Frame<SourceValue> f = frames[index(s)];
      if (f == null) {
        return null;
      }
      switch (op) {
        case Opcodes.ILOAD, Opcodes.LLOAD -> {
          return constant(f.getLocal(((VarInsnNode) s).var), depth + 1);
        }
        case Opcodes.ISTORE, Opcodes.LSTORE, Opcodes.I2L, Opcodes.L2I -> {
          return constant(top(f, 0), depth + 1);
        }
        case Opcodes.IADD, Opcodes.LADD, Opcodes.ISUB, Opcodes.LSUB, Opcodes.IMUL, Opcodes.LMUL, Opcodes.ISHL, Opcodes.LSHL -> {
          Long a = constant(top(f, 1), depth + 1);
          Long b = constant(top(f, 0), depth + 1);
          if (a == null || b == null) {
            return null;
          }
          return switch (op) {
            case Opcodes.IADD, Opcodes.LADD -> a + b;
            case Opcodes.ISUB, Opcodes.LSUB -> a - b;
            case Opcodes.IMUL, Opcodes.LMUL -> a * b;
            default -> a << b;
          };
        }
        default -> {
          return null;
        }
      }
    }
  }

  private String nameOf(String functionId) {
    String n = names.get(functionId);
    if (n != null) {
      return n;
    }
    int paren = functionId.indexOf('(');
    String qualified = paren < 0 ? functionId : functionId.substring(0, paren);
    int dot = qualified.lastIndexOf('.');
    String cls = qualified.substring(0, dot);
    return cls.substring(cls.lastIndexOf('.') + 1) + qualified.substring(dot);
  }

  private static final Set<String> VALUES = Set.of(
      "java/lang/String", "java/lang/Integer", "java/lang/Long", "java/lang/Short", "java/lang/Byte",
      "java/lang/Character", "java/lang/Boolean", "java/lang/Double", "java/lang/Float", "java/lang/Class");

  /** Immutable values of the JDK that cannot contain other objects. */
  static boolean holdsNothing(Type t) {
    return t.getSort() == Type.OBJECT && VALUES.contains(t.getInternalName());
  }

  static boolean isReference(Type t) {
    return t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY;
  }

  /** The abstract object of a {@code new} site. */
  static String newObject(String method, int insn, String cls) {
    return "new:" + cls.replace('/', '.') + "@" + method + "#" + insn;
  }

  /** The lambda a {@code LambdaMetafactory} call site makes; null for other bootstrap methods. */
  static Dispatch.LambdaSite lambdaSite(InvokeDynamicInsnNode indy) {
    Handle bsm = indy.bsm;
    if (!bsm.getOwner().equals("java/lang/invoke/LambdaMetafactory") || indy.bsmArgs.length < 3
        || !(indy.bsmArgs[1] instanceof Handle h) || !(indy.bsmArgs[0] instanceof Type sam)) {
      return null;
    }
    Type made = Type.getReturnType(indy.desc);
    return new Dispatch.LambdaSite(
        made.getInternalName(), indy.name, sam.getDescriptor(), Ids.method(h.getOwner(), h.getName(), h.getDesc()),
        Type.getArgumentTypes(indy.desc).length, h.getTag() == Opcodes.H_NEWINVOKESPECIAL);
  }
}
