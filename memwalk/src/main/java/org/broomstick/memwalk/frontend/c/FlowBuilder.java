package org.broomstick.memwalk.frontend.c;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.broomstick.memwalk.model.FlowGraph;
import org.eclipse.cdt.core.dom.ast.IASTBinaryExpression;
import org.eclipse.cdt.core.dom.ast.IASTBreakStatement;
import org.eclipse.cdt.core.dom.ast.IASTCaseStatement;
import org.eclipse.cdt.core.dom.ast.IASTCompoundStatement;
import org.eclipse.cdt.core.dom.ast.IASTConditionalExpression;
import org.eclipse.cdt.core.dom.ast.IASTContinueStatement;
import org.eclipse.cdt.core.dom.ast.IASTDeclarationStatement;
import org.eclipse.cdt.core.dom.ast.IASTDefaultStatement;
import org.eclipse.cdt.core.dom.ast.IASTDoStatement;
import org.eclipse.cdt.core.dom.ast.IASTExpression;
import org.eclipse.cdt.core.dom.ast.IASTExpressionStatement;
import org.eclipse.cdt.core.dom.ast.IASTForStatement;
import org.eclipse.cdt.core.dom.ast.IASTGotoStatement;
import org.eclipse.cdt.core.dom.ast.IASTIfStatement;
import org.eclipse.cdt.core.dom.ast.IASTLabelStatement;
import org.eclipse.cdt.core.dom.ast.IASTNode;
import org.eclipse.cdt.core.dom.ast.IASTReturnStatement;
import org.eclipse.cdt.core.dom.ast.IASTStatement;
import org.eclipse.cdt.core.dom.ast.IASTSwitchStatement;
import org.eclipse.cdt.core.dom.ast.IASTWhileStatement;
import org.eclipse.cdt.core.dom.ast.gnu.IGNUASTCompoundStatementExpression;
import org.eclipse.cdt.core.dom.ast.gnu.IGNUASTGotoStatement;

/**
 * Builds a function's {@link FlowGraph} from its CDT body: blocks of events (the ordinals the
 * lowering gave to calls and field stores) joined by the edges of C's statements and of the
 * short-circuit operators. Syntax only: nothing here knows what an event means.
 *
 * <p>A computed {@code goto *p} may reach any label, so it gets an edge to every label of the
 * function. Code after a {@code return}, {@code break} or {@code goto} starts a block without
 * predecessors, which the analyses never reach.
 */
final class FlowBuilder {

  /** What the lowering knows of the body's nodes. */
  interface Events {
    /** The events attached to one AST node (a call, or an assignment that stores a field). */
    List<Integer> at(IASTNode node);

    /** The points-to cell of a pointer-valued expression and its pointee struct, or null when it is not one. */
    FlowGraph.NullPointer pointer(IASTExpression e);
  }

  private final String function;
  private final Events events;
  private final List<List<Integer>> blockEvents = new ArrayList<>();
  private final List<Set<Integer>> successors = new ArrayList<>();
  private final List<List<FlowGraph.NullPointer>> nullOnEntry = new ArrayList<>();
  private final Deque<Integer> breaks = new ArrayDeque<>();
  private final Deque<Integer> continues = new ArrayDeque<>();
  private final Map<String, Integer> labels = new HashMap<>();
  private final List<Integer> computedGotos = new ArrayList<>();
  private final BitSet placed = new BitSet();
  private final int exit;
  /** The block new events go to. */
  private int current;

  private FlowBuilder(String function, Events events) {
    this.function = function;
    this.events = events;
    current = block();
    exit = block();
  }

  /**
   * @param expected how many events the lowering numbered in this body; any the walk did not place
   *     (a construct it does not know) go to a block that may or may not run, so they neither
   *     dominate nor are lost
   */
  static FlowGraph build(String function, IASTStatement body, Events events, int expected) {
    FlowBuilder b = new FlowBuilder(function, events);
    b.statement(body);
    b.edge(b.current, b.exit);
    for (int from : b.computedGotos) {
      b.labels.values().forEach(to -> b.edge(from, to));
    }
    if (b.placed.cardinality() < expected) {
      int stray = b.block();
      for (int i = 0; i < expected; i++) {
        if (!b.placed.get(i)) {
          b.blockEvents.get(stray).add(i);
        }
      }
      b.edge(0, stray);
      b.edge(stray, b.exit);
    }
    List<FlowGraph.Block> blocks = new ArrayList<>();
    for (int i = 0; i < b.blockEvents.size(); i++) {
      blocks.add(new FlowGraph.Block(b.blockEvents.get(i), List.copyOf(b.successors.get(i)), b.nullOnEntry.get(i)));
    }
    return new FlowGraph(function, blocks, b.exit);
  }

  private int block() {
    blockEvents.add(new ArrayList<>());
    successors.add(new LinkedHashSet<>());
    nullOnEntry.add(new ArrayList<>());
    return blockEvents.size() - 1;
  }

  private void edge(int from, int to) {
    if (from != exit) {
      successors.get(from).add(to);
    }
  }

  /** Ends the current block with an edge to {@code to}; what follows is unreachable. */
  private void jump(int to) {
    edge(current, to);
    current = block();
  }

  /** Continues in a new block reached from the current one and from {@code others}. */
  private int join(int... others) {
    int j = block();
    edge(current, j);
    for (int o : others) {
      edge(o, j);
    }
    current = j;
    return j;
  }

  private void emit(IASTNode node) {
    List<Integer> at = events.at(node);
    if (at != null) {
      for (int e : at) {
        if (!placed.get(e)) {
          placed.set(e);
          blockEvents.get(current).add(e);
        }
      }
    }
  }

  // ------------------------------------------------------------------ statements

  private void statement(IASTStatement s) {
    if (s == null) {
      return;
    }
    if (s instanceof IASTCompoundStatement cs) {
      for (IASTStatement x : cs.getStatements()) {
        statement(x);
      }
    } else if (s instanceof IASTExpressionStatement es) {
      expression(es.getExpression());
    } else if (s instanceof IASTDeclarationStatement ds) {
      node(ds.getDeclaration());
    } else if (s instanceof IASTIfStatement is) {
      ifStatement(is);
    } else if (s instanceof IASTWhileStatement ws) {
      int head = join();
      expression(ws.getCondition());
      int test = current;
      int after = block();
      loopBody(ws.getBody(), test, after, head);
      edge(test, after);
      current = after;
    } else if (s instanceof IASTDoStatement ds) {
      int body = join();
      int test = block();
      int after = block();
      breaks.push(after);
      continues.push(test);
      statement(ds.getBody());
      breaks.pop();
      continues.pop();
      edge(current, test);
      current = test;
      expression(ds.getCondition());
      edge(current, body);
      edge(current, after);
      current = after;
    } else if (s instanceof IASTForStatement fs) {
      statement(fs.getInitializerStatement());
      int head = join();
      expression(fs.getConditionExpression());
      int test = current;
      int after = block();
      int step = block();
      loopBody(fs.getBody(), test, after, step);
      current = step;
      expression(fs.getIterationExpression());
      edge(current, head);
      if (fs.getConditionExpression() != null) {
        edge(test, after);
      }
      current = after;
    } else if (s instanceof IASTSwitchStatement ss) {
      switchStatement(ss);
    } else if (s instanceof IASTBreakStatement) {
      jump(breaks.isEmpty() ? exit : breaks.peek());
    } else if (s instanceof IASTContinueStatement) {
      jump(continues.isEmpty() ? exit : continues.peek());
    } else if (s instanceof IASTReturnStatement rs) {
      expression(rs.getReturnValue());
      jump(exit);
    } else if (s instanceof IASTGotoStatement gs) {
      jump(label(new String(gs.getName().toCharArray())));
    } else if (s instanceof IGNUASTGotoStatement gs) {
      expression(gs.getLabelNameExpression());
      computedGotos.add(current);
      current = block();
    } else if (s instanceof IASTLabelStatement ls) {
      int l = label(new String(ls.getName().toCharArray()));
      edge(current, l);
      current = l;
      statement(ls.getNestedStatement());
    } else {
      // case/default outside a switch, null statements, problems: only their expressions matter.
      children(s);
    }
  }

  private void ifStatement(IASTIfStatement is) {
    expression(is.getConditionExpression());
    int test = current;
    NullTest nt = nullTest(is.getConditionExpression());
    current = join();
    if (nt != null && nt.nullWhenTrue()) {
      nullOnEntry.get(current).add(nt.cell());
    }
    statement(is.getThenClause());
    int thenEnd = current;
    current = test;
    join();
    if (nt != null && !nt.nullWhenTrue()) {
      nullOnEntry.get(current).add(nt.cell());
    }
    statement(is.getElseClause());
    join(thenEnd);
  }

  /** A condition that tells whether a pointer is null: {@code !p}, {@code p == NULL}, {@code p}, {@code p != 0}. */
  private record NullTest(FlowGraph.NullPointer cell, boolean nullWhenTrue) {}

  private NullTest nullTest(IASTExpression cond) {
    IASTExpression c = strip(cond);
    boolean negated = false;
    if (c instanceof org.eclipse.cdt.core.dom.ast.IASTUnaryExpression u
        && u.getOperator() == org.eclipse.cdt.core.dom.ast.IASTUnaryExpression.op_not) {
      c = strip(u.getOperand());
      negated = true;
    }
    if (c instanceof IASTBinaryExpression be
        && (be.getOperator() == IASTBinaryExpression.op_equals || be.getOperator() == IASTBinaryExpression.op_notequals)) {
      IASTExpression other;
      IASTExpression pointer;
      if (isNullConstant(be.getOperand2())) {
        pointer = be.getOperand1();
        other = be.getOperand2();
      } else if (isNullConstant(be.getOperand1())) {
        pointer = be.getOperand2();
        other = be.getOperand1();
      } else {
        return null;
      }
      FlowGraph.NullPointer cell = events.pointer(strip(pointer));
      if (cell == null || other == null) {
        return null;
      }
      boolean nullWhenTrue = be.getOperator() == IASTBinaryExpression.op_equals;
      return new NullTest(cell, negated != nullWhenTrue);
    }
    FlowGraph.NullPointer cell = events.pointer(c);
    return cell == null ? null : new NullTest(cell, negated);
  }

  private static IASTExpression strip(IASTExpression e) {
    while (true) {
      if (e instanceof org.eclipse.cdt.core.dom.ast.IASTUnaryExpression u
          && u.getOperator() == org.eclipse.cdt.core.dom.ast.IASTUnaryExpression.op_bracketedPrimary) {
        e = u.getOperand();
      } else if (e instanceof org.eclipse.cdt.core.dom.ast.IASTCastExpression ce) {
        e = ce.getOperand();
      } else {
        return e;
      }
    }
  }

  /** {@code 0}, {@code NULL} ({@code ((void *) 0)}) and the like. */
  private static boolean isNullConstant(IASTExpression e) {
    IASTExpression s = strip(e);
    return s instanceof org.eclipse.cdt.core.dom.ast.IASTLiteralExpression lit
        && lit.getKind() == org.eclipse.cdt.core.dom.ast.IASTLiteralExpression.lk_integer_constant
        && new String(lit.getValue()).replaceAll("[uUlL]", "").equals("0");
  }

  private void loopBody(IASTStatement body, int test, int after, int continueTo) {
    current = block();
    edge(test, current);
    breaks.push(after);
    continues.push(continueTo);
    statement(body);
    breaks.pop();
    continues.pop();
    edge(current, continueTo);
  }

  private void switchStatement(IASTSwitchStatement ss) {
    expression(ss.getControllerExpression());
    int test = current;
    int after = block();
    current = block(); // code before the first label is unreachable
    breaks.push(after);
    boolean hasDefault = false;
    List<IASTStatement> body = new ArrayList<>();
    if (ss.getBody() instanceof IASTCompoundStatement cs) {
      body.addAll(List.of(cs.getStatements()));
    } else if (ss.getBody() != null) {
      body.add(ss.getBody());
    }
    for (IASTStatement x : body) {
      if (x instanceof IASTCaseStatement || x instanceof IASTDefaultStatement) {
        hasDefault |= x instanceof IASTDefaultStatement;
        join(test); // falls through from the previous case, or is chosen by the switch
        if (x instanceof IASTCaseStatement cs) {
          expression(cs.getExpression());
        }
      } else {
        statement(x);
      }
    }
    breaks.pop();
    edge(current, after);
    if (!hasDefault) {
      edge(test, after);
    }
    current = after;
  }

  private int label(String name) {
    return labels.computeIfAbsent(name, n -> block());
  }

  // ------------------------------------------------------------------ expressions

  private void expression(IASTExpression e) {
    if (e == null) {
      return;
    }
    if (e instanceof IASTBinaryExpression be
        && (be.getOperator() == IASTBinaryExpression.op_logicalAnd
            || be.getOperator() == IASTBinaryExpression.op_logicalOr)) {
      expression(be.getOperand1());
      int test = current;
      join();
      expression(be.getOperand2());
      join(test);
      emit(e);
    } else if (e instanceof IASTConditionalExpression ce) {
      expression(ce.getLogicalConditionExpression());
      int test = current;
      join();
      expression(ce.getPositiveResultExpression());
      int thenEnd = current;
      current = test;
      join();
      expression(ce.getNegativeResultExpression());
      join(thenEnd);
      emit(e);
    } else if (e instanceof IGNUASTCompoundStatementExpression gse) {
      statement(gse.getCompoundStatement());
      emit(e);
    } else {
      children(e);
    }
  }

  /** Any node: a statement or expression as such, else its children in order, then its own events. */
  private void node(IASTNode n) {
    if (n instanceof IASTExpression e) {
      expression(e);
    } else if (n instanceof IASTStatement s) {
      statement(s);
    } else if (n != null) {
      children(n);
    }
  }

  private void children(IASTNode n) {
    for (IASTNode child : n.getChildren()) {
      node(child);
    }
    emit(n);
  }

  @Override
  public String toString() {
    return "FlowBuilder[" + function + "]";
  }
}
