package org.broomstick.memwalk.frontend.bytecode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.broomstick.memwalk.model.FlowGraph;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;

/**
 * Builds a method's {@link FlowGraph} from its instruction list: basic blocks split at jump
 * targets, after jumps, switches, returns and {@code athrow}, and at exception-range boundaries.
 * Block 0 is an empty entry (the first instruction may be a loop head); returns and {@code athrow}
 * lead to the exit.
 *
 * <p>Inside a {@code try} range every call starts a block, and the handler is reached from each
 * block of the range and from the range's predecessors: an exception may come from any call, so the
 * handler sees the state before and after each one. A free inside the range therefore never counts
 * as done on the handler's path unless it happened before the range.
 */
final class BytecodeFlow {
  private BytecodeFlow() {}

  /**
   * @param events per instruction, its event ordinal, or -1
   */
  static FlowGraph build(String function, MethodNode m, AbstractInsnNode[] insns, int[] events) {
    return build(function, m, insns, events, i -> null);
  }

  /**
   * @param nullTested for an IFNULL/IFNONNULL at an index, the pointer it tests (null: unknown);
   *     the branch where it is null gets it as a fact when that branch has no other way in
   */
  static FlowGraph build(String function, MethodNode m, AbstractInsnNode[] insns, int[] events,
      java.util.function.IntFunction<FlowGraph.NullPointer> nullTested) {
    int n = insns.length;
    if (n == 0) {
      return FlowGraph.straight(function, List.of());
    }
    boolean[] leader = new boolean[n + 1];
    leader[0] = true;
    boolean[] inTry = new boolean[n];
    for (TryCatchBlockNode tcb : m.tryCatchBlocks) {
      int s = index(m, tcb.start);
      int e = index(m, tcb.end);
      leader[s] = true;
      leader[e] = true;
      leader[index(m, tcb.handler)] = true;
      for (int i = s; i < e; i++) {
        inTry[i] = true;
      }
    }
    for (int i = 0; i < n; i++) {
      AbstractInsnNode insn = insns[i];
      if (insn instanceof JumpInsnNode j) {
        leader[index(m, j.label)] = true;
        leader[i + 1] = true;
      } else if (insn instanceof TableSwitchInsnNode ts) {
        leader[index(m, ts.dflt)] = true;
        ts.labels.forEach(l -> leader[index(m, l)] = true);
        leader[i + 1] = true;
      } else if (insn instanceof LookupSwitchInsnNode ls) {
        leader[index(m, ls.dflt)] = true;
        ls.labels.forEach(l -> leader[index(m, l)] = true);
        leader[i + 1] = true;
      } else if (ends(insn.getOpcode())) {
        leader[i + 1] = true;
      }
      if (inTry[i] && events[i] >= 0) {
        leader[i] = true;
      }
    }
    // Blocks 1..count hold instructions; 0 is the entry and count + 1 the exit.
    int[] blockOf = new int[n];
    List<Integer> starts = new ArrayList<>();
    int b = 0;
    for (int i = 0; i < n; i++) {
      if (leader[i]) {
        b++;
        starts.add(i);
      }
      blockOf[i] = b;
    }
    int count = b;
    int exit = count + 1;
    List<List<Integer>> blockEvents = new ArrayList<>();
    List<Set<Integer>> succ = new ArrayList<>();
    java.util.Map<Integer, Object[]> nullFacts = new java.util.HashMap<>();
    for (int k = 0; k <= exit; k++) {
      blockEvents.add(new ArrayList<>());
      succ.add(new LinkedHashSet<>());
    }
    succ.get(0).add(1);
    List<Integer> jsrReturns = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (insns[i].getOpcode() == Opcodes.JSR && i + 1 < n) {
        jsrReturns.add(blockOf[i + 1]);
      }
    }
    for (int k = 1; k <= count; k++) {
      int start = starts.get(k - 1);
      int end = k < count ? starts.get(k) : n; // exclusive
      AbstractInsnNode last = null;
      for (int i = start; i < end; i++) {
        if (events[i] >= 0) {
          blockEvents.get(k).add(events[i]);
        }
        if (insns[i].getOpcode() >= 0) {
          last = insns[i];
        }
      }
      Set<Integer> out = succ.get(k);
      boolean fallsThrough = true;
      if (last instanceof JumpInsnNode j) {
        out.add(blockOf[index(m, j.label)]);
        fallsThrough = j.getOpcode() != Opcodes.GOTO;
        if (j.getOpcode() == Opcodes.IFNULL || j.getOpcode() == Opcodes.IFNONNULL) {
          FlowGraph.NullPointer p = nullTested.apply(m.instructions.indexOf(j));
          if (p != null) {
            int nullBlock = j.getOpcode() == Opcodes.IFNULL ? blockOf[index(m, j.label)] : (end < n ? blockOf[end] : -1);
            if (nullBlock >= 0) {
              nullFacts.put(nullBlock, new Object[] {k, p});
            }
          }
        }
      } else if (last instanceof TableSwitchInsnNode ts) {
        out.add(blockOf[index(m, ts.dflt)]);
        ts.labels.forEach(l -> out.add(blockOf[index(m, l)]));
        fallsThrough = false;
      } else if (last instanceof LookupSwitchInsnNode ls) {
        out.add(blockOf[index(m, ls.dflt)]);
        ls.labels.forEach(l -> out.add(blockOf[index(m, l)]));
        fallsThrough = false;
      } else if (last != null && last.getOpcode() == Opcodes.RET) {
        out.addAll(jsrReturns); // pre-Java-6 subroutines return after any jsr
        fallsThrough = false;
      } else if (last != null && ends(last.getOpcode())) {
        out.add(exit);
        fallsThrough = false;
      }
      if (fallsThrough) {
        out.add(end < n ? blockOf[end] : exit);
      }
    }
    // Exception edges, from the blocks of each range and from the range's predecessors.

    List<Set<Integer>> preds = new ArrayList<>();
    for (int k = 0; k <= exit; k++) {
      preds.add(new LinkedHashSet<>());
    }
    for (int k = 0; k <= count; k++) {
      for (int s : succ.get(k)) {
        preds.get(s).add(k);
      }
    }
    for (TryCatchBlockNode tcb : m.tryCatchBlocks) {
      int s = index(m, tcb.start);
      int e = index(m, tcb.end);
      int handler = blockOf[index(m, tcb.handler)];
      for (int k = 1; k <= count; k++) {
        int start = starts.get(k - 1);
        if (start >= s && start < e) {
          succ.get(k).add(handler);
          for (int p : preds.get(k)) {
            int ps = p == 0 ? -1 : starts.get(p - 1);
            if (ps < s || ps >= e) {
              succ.get(p).add(handler);
            }
          }
        }
      }
    }
    // A null fact holds only where the test is the one way in.
    int[] inDegree = new int[exit + 1];
    for (int k = 0; k <= exit; k++) {
      for (int t : succ.get(k)) {
        inDegree[t]++;
      }
    }
    List<FlowGraph.Block> blocks = new ArrayList<>();
    for (int k = 0; k <= exit; k++) {
      Object[] fact = nullFacts.get(k);
      List<FlowGraph.NullPointer> nulls = fact != null && inDegree[k] == 1 && succ.get((Integer) fact[0]).contains(k)
          ? List.of((FlowGraph.NullPointer) fact[1]) : List.of();
      blocks.add(new FlowGraph.Block(blockEvents.get(k), k == exit ? List.of() : List.copyOf(succ.get(k)), nulls));
    }
    return new FlowGraph(function, blocks, exit);
  }

  private static boolean ends(int opcode) {
    return (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) || opcode == Opcodes.ATHROW || opcode == Opcodes.RET;
  }

  private static int index(MethodNode m, LabelNode l) {
    return m.instructions.indexOf(l);
  }
}
