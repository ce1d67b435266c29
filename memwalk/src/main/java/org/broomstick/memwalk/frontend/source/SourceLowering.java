package org.broomstick.memwalk.frontend.source;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.EnumConstantDeclaration;
import com.github.javaparser.ast.body.EnumDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.InitializerDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.*;
import com.github.javaparser.ast.stmt.*;
import com.github.javaparser.resolution.declarations.ResolvedConstructorDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedFieldDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedMethodDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedMethodLikeDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedValueDeclaration;
import com.github.javaparser.resolution.types.ResolvedType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.frontend.CallConstraints;
import org.broomstick.memwalk.frontend.TypeTests;
import org.broomstick.memwalk.model.Argument;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.Constraint;
import org.broomstick.memwalk.model.FieldStore;
import org.broomstick.memwalk.model.FlowGraph;
import org.broomstick.memwalk.model.FrameSource;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.Hints;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.ServerSpec;

/**
 * Lowers method, constructor, initialiser and lambda bodies to the model, with the cells of the
 * bytecode frontend: parameters {@code param:F#i} (receiver 0, then javac's hidden constructor
 * parameters, then the declared ones), returns {@code ret:F}, fields {@code f:Class.field},
 * statics {@code g:Class.field}, temporaries {@code t:F#n} and locals {@code v:F#name@line:col}.
 * A lambda body reads the locals and {@code this} of its enclosing method directly, so its
 * parameters are only the declared ones; a call through its interface binds argument {@code j} to
 * its parameter {@code j - 1}. Library objects are bags of what is stored into them, as in the
 * bytecode frontend (handler maps filled in static initialisers).
 */
final class SourceLowering {

  private final SourceTree tree;
  private final ServerSpec spec;
  private final Set<String> stageFields = new HashSet<>();
  private final Map<String, Hints> methodHints;
  private final Map<Node, SourceTree.AppMethod> methodOfNode;
  private final Map<Node, SourceDispatch.FnObject> fnObjects;
  private final Diagnostics diags;
  private SourceDispatch dispatch;
  /** The type tests on library results and casts (TypeTests), resolved by the frontend. */
  final TypeTests typeTests;

  final Set<Constraint> constraints = new LinkedHashSet<>();
  private final CallConstraints callConstraints;
  final Map<String, String> names = new HashMap<>();
  final Map<String, String> newSites = new TreeMap<>();
  final Map<String, Function> functions = new TreeMap<>();
  final List<CallSite> calls = new ArrayList<>();
  final List<FieldStore> stores = new ArrayList<>();
  final List<FlowGraph> flows = new ArrayList<>();
  private final Set<Node> lowered = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  int unresolved;

  SourceLowering(SourceTree tree, ServerSpec spec, Map<String, Hints> methodHints, Map<Node, SourceTree.AppMethod> methodOfNode,
      Map<Node, SourceDispatch.FnObject> fnObjects, SourceDispatch dispatch, Diagnostics diags, TypeTests typeTests) {
    this.tree = tree;
    this.spec = spec;
    spec.stageFields().forEach(f -> stageFields.add(f.key()));
    this.methodHints = methodHints;
    this.methodOfNode = methodOfNode;
    this.fnObjects = fnObjects;
    this.dispatch = dispatch;
    this.diags = diags;
    this.typeTests = typeTests;
    this.callConstraints = new CallConstraints(constraints, typeTests);
  }

  /** Local variables visible in a body, and those of the bodies around it (captures). */
  private record Scope(Map<String, String> vars, Scope parent) {
    String lookup(String name) {
      for (Scope s = this; s != null; s = s.parent) {
        String c = s.vars.get(name);
        if (c != null) {
          return c;
        }
      }
      return null;
    }
  }

  /** Lowers a type's functions; local and anonymous classes see the locals of {@code around}. */
  void lowerType(SourceTree.AppType t, Scope around, String outerThis) {
    if (!lowered.add(t.node)) {
      return;
    }
    for (SourceTree.AppMethod m : t.methods) {
      if (!m.isAbstract() && m.kind() != SourceTree.Kind.LAMBDA) {
        new Body(m, around, null).run();
      }
    }
  }

  void lowerType(SourceTree.AppType t) {
    lowerType(t, null, null);
  }

  static boolean isLocal(SourceTree.AppType t) {
    return t.node instanceof ObjectCreationExpr
        || t.node.getParentNode().filter(p -> p instanceof LocalClassDeclarationStmt || p instanceof LocalRecordDeclarationStmt).isPresent();
  }

  // ------------------------------------------------------------------ one body

  private final class Body {
    final SourceTree.AppMethod m;
    final String fid;
    final SourceTree.AppType owner;
    final SourceTree.Unit unit;
    final FlowBuilder flow;
    final String thisCell;
    Scope scope;
    int ordinal;
    int temps;
    int locals;
    int maxDepth = 1;
    int codeBytes;
    final Deque<Jump> jumps = new ArrayDeque<>();
    final Deque<Fin> finallies = new ArrayDeque<>();
    final Set<String> assigned = new HashSet<>();
    final Map<String, Expression> initialisers = new HashMap<>();
    final Constants constants;

    /** A break/continue target: a loop, a switch or a labelled statement. */
    record Jump(String label, int breakTo, int continueTo, int finallyDepth) {}

    /** A finally body's entry and where control goes after it. */
    record Fin(int entry, Set<Integer> exits) {}

    Body(SourceTree.AppMethod m, Scope around, String enclosingThis) {
      this.m = m;
      this.fid = m.id();
      this.owner = m.owner();
      this.unit = owner.unit;
      this.flow = new FlowBuilder(fid);
      this.scope = new Scope(new HashMap<>(), around);
      this.thisCell = enclosingThis != null ? enclosingThis : m.isStatic() ? null : Constraint.param(fid, 0);
      this.constants = new Constants(this::definition);
      names.put(fid, m.name());
    }

    void run() {
      Node n = m.node();
      if (n != null) {
        n.findAll(AssignExpr.class).forEach(a -> assigned.add(a.getTarget().toString()));
        n.findAll(UnaryExpr.class).stream().filter(u -> !u.getOperator().isPrefix() || u.getOperator().name().contains("CREMENT"))
            .forEach(u -> assigned.add(u.getExpression().toString()));
      }
      int first = (m.isStatic() ? 0 : 1) + m.hidden();
      List<String> params = new ArrayList<>();
      if (!m.isStatic()) {
        params.add("this");
      }
      for (int h = 0; h < m.hidden(); h++) {
        params.add(owner.hasOuterInstance && h == 0 ? "this$0" : "hidden" + h);
      }
      NodeList<Parameter> declared = n instanceof MethodDeclaration md ? md.getParameters()
          : n instanceof ConstructorDeclaration cd ? cd.getParameters()
          : n instanceof LambdaExpr le ? le.getParameters()
          : n instanceof CompactConstructorDeclaration && owner.node instanceof RecordDeclaration r ? r.getParameters()
          : new NodeList<>();
      for (int i = 0; i < declared.size(); i++) {
        scope.vars().put(declared.get(i).getNameAsString(), Constraint.param(fid, first + i));
        params.add(declared.get(i).getNameAsString());
      }
      while (params.size() < m.params()) {
        params.add("arg" + (params.size() - first));
      }
      locals = params.size();
      switch (m.kind()) {
        case METHOD -> ((MethodDeclaration) n).getBody().ifPresent(this::statement);
        case CONSTRUCTOR -> constructor();
        case CLINIT -> staticInitialiser();
        case LAMBDA -> {
          LambdaExpr le = (LambdaExpr) n;
          if (le.getBody() instanceof ExpressionStmt es) {
            copy(Constraint.ret(fid), expr(es.getExpression()));
          } else {
            statement(le.getBody());
          }
        }
        case ACCESSOR -> copy(Constraint.ret(fid), fieldCell(owner.binary, m.simpleName(), false));
        default -> { }
      }
      Node at = n instanceof MethodDeclaration md ? md.getName() : n instanceof ConstructorDeclaration cd ? cd.getName()
          : n != null ? n : owner.node;
      SourceLocation loc = unit.at(at);
      if (m.kind() == SourceTree.Kind.CLINIT || m.node() == null) {
        loc = unit.at(owner.node instanceof TypeDeclaration<?> td ? td.getName() : owner.node);
      }
      functions.put(fid, new Function(fid, m.name(), loc, false, true, (locals + maxDepth) * 8, FrameSource.ESTIMATE, false,
          Math.max(1, codeBytes), params));
      flows.add(flow.build());
    }

    // -------------------------------------------------------------- initialisers

    void constructor() {
      if (owner.hasOuterInstance && m.hidden() > 0) {
        copy(fieldCell(owner.binary, "this$0", false), Constraint.param(fid, 1));
      }
      if (m.node() instanceof ConstructorDeclaration cd) {
        NodeList<Statement> body = cd.getBody().getStatements();
        boolean delegates = false;
        int start = 0;
        if (!body.isEmpty() && body.get(0) instanceof ExplicitConstructorInvocationStmt eci) {
          explicitConstructorCall(eci);
          delegates = eci.isThis();
          start = 1;
        } else {
          superCall(List.of(), null);
        }
        if (!delegates) {
          instanceInitialisers();
        }
        for (int i = start; i < body.size(); i++) {
          statement(body.get(i));
        }
        return;
      }
      // Implicit: a default, anonymous or canonical record constructor (or a compact one's body).
      List<String> args = new ArrayList<>();
      int first = 1 + m.hidden();
      if (owner.node instanceof ObjectCreationExpr) {
        for (int i = 0; i < m.declared(); i++) {
          args.add(Constraint.param(fid, first + i));
        }
      }
      superCall(args, owner.node instanceof ObjectCreationExpr oce ? oce : null);
      instanceInitialisers();
      if (m.node() instanceof CompactConstructorDeclaration cc) {
        statement(cc.getBody()); // its parameters are the record's components, assigned to the fields after it
      }
      if (owner.node instanceof RecordDeclaration r) {
        for (int i = 0; i < r.getParameters().size(); i++) {
          copy(fieldCell(owner.binary, r.getParameter(i).getNameAsString(), false), Constraint.param(fid, first + i));
        }
      }
    }

    void explicitConstructorCall(ExplicitConstructorInvocationStmt eci) {
      List<String> args = new ArrayList<>();
      eci.getArguments().forEach(a -> args.add(expr(a)));
      ResolvedConstructorDeclaration rc = SourceTree.attempt(eci::resolve);
      String target = rc == null ? null : constructorId(rc);
      if (target == null && eci.isThis()) {
        // The solver does not see a record's canonical constructor (implicit or compact): the one
        // constructor of this class with that many parameters.
        List<SourceTree.AppMethod> arity = owner.methods.stream()
            .filter(c -> c.kind() == SourceTree.Kind.CONSTRUCTOR && c.declared() == eci.getArguments().size()).toList();
        target = arity.size() == 1 ? arity.get(0).id() : null;
      }
      if (target == null) {
        superCall(args, null);
        return;
      }
      invokeConstructor(eci, target, thisCell, args, eci.getArguments(), isApp(target));
    }

    /** The implicit {@code super(…)} of a constructor. */
    void superCall(List<String> args, Node at) {
      String sup = owner.superclass;
      SourceTree.AppType st = tree.types.get(sup);
      String target = null;
      if (st != null) {
        for (SourceTree.AppMethod c : st.methods) {
          if (c.kind() == SourceTree.Kind.CONSTRUCTOR && c.declared() == args.size()) {
            target = c.id();
          }
        }
      }
      if (target == null) {
        target = sup + ".<init>()V";
        names.putIfAbsent(target, simple(sup) + ".<init>");
      }
      Node where = at != null ? at : m.node() != null ? m.node() : owner.node;
      invokeConstructor(where, target, thisCell, args, new NodeList<>(), st != null);
    }

    void instanceInitialisers() {
      for (Node member : members(owner)) {
        if (member instanceof FieldDeclaration f && !f.isStatic()) {
          fieldInitialisers(f, false);
        } else if (member instanceof InitializerDeclaration i && !i.isStatic()) {
          statement(i.getBody());
        }
      }
    }

    void staticInitialiser() {
      if (owner.node instanceof EnumDeclaration e) {
        for (EnumConstantDeclaration c : e.getEntries()) {
          SourceTree.AppType body = tree.typeOfNode.get(c);
          String cls = body != null ? body.binary : owner.binary;
          String value = newObject(c, cls, c.getArguments(), null, 2);
          copy(fieldCell(owner.binary, c.getNameAsString(), true), value);
        }
      }
      for (Node member : members(owner)) {
        if (member instanceof FieldDeclaration f && (f.isStatic() || owner.isInterface)) {
          fieldInitialisers(f, true);
        } else if (member instanceof InitializerDeclaration i && i.isStatic()) {
          statement(i.getBody());
        }
      }
    }

    void fieldInitialisers(FieldDeclaration f, boolean isStatic) {
      for (VariableDeclarator v : f.getVariables()) {
        v.getInitializer().ifPresent(init -> {
          String value = init instanceof ArrayInitializerExpr ai ? arrayInitialiser(ai) : expr(init);
          storeField(v, owner.binary, v.getNameAsString(), isStatic, value, init);
        });
      }
    }

    // -------------------------------------------------------------- statements

    void statement(Statement s) {
      if (s == null) {
        return;
      }
      codeBytes++;
      if (s instanceof BlockStmt b) {
        Scope saved = scope;
        scope = new Scope(new HashMap<>(), scope);
        b.getStatements().forEach(this::statement);
        scope = saved;
      } else if (s instanceof ExpressionStmt e) {
        expr(e.getExpression());
      } else if (s instanceof IfStmt i) {
        condition(i.getCondition());
        int from = flow.current();
        int after = flow.block();
        Boolean nullWhenTrue = nullTest(i.getCondition());
        FlowGraph.NullPointer tested = nullWhenTrue == null ? null : testedPointer(i.getCondition());
        flow.at(from);
        flow.next();
        if (tested != null && nullWhenTrue) {
          flow.nullOnEntry(tested);
        }
        statement(i.getThenStmt());
        flow.edge(flow.current(), after);
        flow.at(from);
        flow.next();
        if (tested != null && !nullWhenTrue) {
          flow.nullOnEntry(tested);
        }
        i.getElseStmt().ifPresent(this::statement);
        flow.edge(flow.current(), after);
        flow.at(after);
        codeBytes += 3;
      } else if (s instanceof WhileStmt w) {
        loop(null, w.getCondition(), null, w.getBody(), List.of(), false);
      } else if (s instanceof DoStmt d) {
        loop(null, d.getCondition(), null, d.getBody(), List.of(), true);
      } else if (s instanceof ForStmt f) {
        Scope saved = scope;
        scope = new Scope(new HashMap<>(), scope);
        f.getInitialization().forEach(this::expr);
        loop(null, f.getCompare().orElse(null), null, f.getBody(), f.getUpdate(), false);
        scope = saved;
      } else if (s instanceof ForEachStmt f) {
        Scope saved = scope;
        scope = new Scope(new HashMap<>(), scope);
        String iterable = expr(f.getIterable());
        VariableDeclarator v = f.getVariable().getVariable(0);
        String cell = local(v);
        if (iterable != null) {
          // An array's elements or a collection's members: the content of the object.
          constraints.add(new Constraint.Load(cell, iterable));
        }
        loop(null, null, null, f.getBody(), List.of(), false);
        scope = saved;
      } else if (s instanceof LabeledStmt l) {
        Statement inner = l.getStatement();
        if (inner instanceof WhileStmt || inner instanceof DoStmt || inner instanceof ForStmt || inner instanceof ForEachStmt) {
          pendingLabel = l.getLabel().asString();
          statement(inner);
        } else {
          int after = flow.block();
          jumps.push(new Jump(l.getLabel().asString(), after, -1, finallies.size()));
          statement(inner);
          jumps.pop();
          flow.edge(flow.current(), after);
          flow.at(after);
        }
      } else if (s instanceof ReturnStmt r) {
        r.getExpression().ifPresent(e -> copy(Constraint.ret(fid), expr(e)));
        jumpTo(FlowBuilder.EXIT, 0);
      } else if (s instanceof ThrowStmt t) {
        expr(t.getExpression());
        flow.raise();
      } else if (s instanceof BreakStmt b) {
        Jump j = target(b.getLabel().map(x -> x.asString()).orElse(null), false);
        if (j != null) {
          jumpTo(j.breakTo(), j.finallyDepth());
        }
      } else if (s instanceof ContinueStmt c) {
        Jump j = target(c.getLabel().map(x -> x.asString()).orElse(null), true);
        if (j != null) {
          jumpTo(j.continueTo(), j.finallyDepth());
        }
      } else if (s instanceof YieldStmt y) {
        String v = expr(y.getExpression());
        if (!switchResults.isEmpty()) {
          copy(switchResults.peek(), v);
        }
        Jump j = target(null, false);
        if (j != null) {
          jumpTo(j.breakTo(), j.finallyDepth());
        }
      } else if (s instanceof SwitchStmt sw) {
        switchBody(sw.getSelector(), sw.getEntries(), null);
      } else if (s instanceof TryStmt t) {
        tryStatement(t);
      } else if (s instanceof SynchronizedStmt sy) {
        expr(sy.getExpression());
        statement(sy.getBody());
      } else if (s instanceof LocalClassDeclarationStmt lc) {
        SourceTree.AppType t = tree.typeOfNode.get(lc.getClassDeclaration());
        if (t != null) {
          lowerType(t, scope, null);
        }
      } else if (s instanceof LocalRecordDeclarationStmt lr) {
        SourceTree.AppType t = tree.typeOfNode.get(lr.getRecordDeclaration());
        if (t != null) {
          lowerType(t, scope, null);
        }
      } else if (s instanceof AssertStmt a) {
        int from = flow.current();
        int after = flow.block();
        flow.edge(from, after);
        flow.next();
        condition(a.getCheck());
        a.getMessage().ifPresent(this::expr);
        flow.edge(flow.current(), after);
        flow.raise();
        flow.at(after);
      } else if (s instanceof ExplicitConstructorInvocationStmt eci) {
        explicitConstructorCall(eci);
      }
    }

    String pendingLabel;
    final Deque<String> switchResults = new ArrayDeque<>();

    /** {@code x == null} (true) or {@code x != null} (false) with a plain variable or field x; else null. */
    Boolean nullTest(Expression c) {
      Expression e = c;
      while (e instanceof com.github.javaparser.ast.expr.EnclosedExpr en) {
        e = en.getInner();
      }
      if (!(e instanceof com.github.javaparser.ast.expr.BinaryExpr b)) {
        return null;
      }
      var op = b.getOperator();
      if (op != com.github.javaparser.ast.expr.BinaryExpr.Operator.EQUALS
          && op != com.github.javaparser.ast.expr.BinaryExpr.Operator.NOT_EQUALS) {
        return null;
      }
      if (!(b.getLeft() instanceof com.github.javaparser.ast.expr.NullLiteralExpr)
          && !(b.getRight() instanceof com.github.javaparser.ast.expr.NullLiteralExpr)) {
        return null;
      }
      return op == com.github.javaparser.ast.expr.BinaryExpr.Operator.EQUALS;
    }

    /** The cell and class of the non-null side of a null test, when it is a plain variable or field. */
    FlowGraph.NullPointer testedPointer(Expression c) {
      Expression e = c;
      while (e instanceof com.github.javaparser.ast.expr.EnclosedExpr en) {
        e = en.getInner();
      }
      com.github.javaparser.ast.expr.BinaryExpr b = (com.github.javaparser.ast.expr.BinaryExpr) e;
      Expression x = b.getLeft() instanceof com.github.javaparser.ast.expr.NullLiteralExpr ? b.getRight() : b.getLeft();
      boolean plain = x instanceof NameExpr
          || x instanceof FieldAccessExpr fa && (fa.getScope() instanceof NameExpr || fa.getScope() instanceof ThisExpr);
      if (!plain) {
        return null; // lowering it again could repeat its calls
      }
      String cell = expr(x);
      if (cell == null) {
        return null;
      }
      String type = tree.binaryOf(SourceTree.attempt(x::calculateResolvedType));
      return new FlowGraph.NullPointer(cell, type);
    }

    void condition(Expression c) {
      if (c != null) {
        expr(c);
      }
    }

    void loop(String label, Expression cond, Object unused, Statement body, List<Expression> update, boolean bodyFirst) {
      String l = label != null ? label : pendingLabel;
      pendingLabel = null;
      int head = flow.block();
      int after = flow.block();
      int cont = flow.block();
      flow.edge(flow.current(), head);
      flow.at(head);
      if (!bodyFirst) {
        condition(cond);
        flow.edge(flow.current(), after);
        flow.next();
      }
      jumps.push(new Jump(l, after, cont, finallies.size()));
      statement(body);
      jumps.pop();
      flow.edge(flow.current(), cont);
      flow.at(cont);
      update.forEach(this::expr);
      if (bodyFirst) {
        condition(cond);
        flow.edge(flow.current(), after);
      }
      flow.edge(flow.current(), head);
      flow.at(after);
      codeBytes += 3;
    }

    Jump target(String label, boolean isContinue) {
      for (Jump j : jumps) {
        if (label == null ? !isContinue || j.continueTo() >= 0 : label.equals(j.label())) {
          if (label == null && j.label() != null && j.breakTo() < 0) {
            continue;
          }
          return j;
        }
      }
      return null;
    }

    /** Leaves through the finally bodies between here and the target. */
    void jumpTo(int to, int finallyDepth) {
      if (!flow.reachable()) {
        return;
      }
      List<Fin> between = new ArrayList<>(finallies).subList(0, Math.max(0, finallies.size() - finallyDepth));
      if (between.isEmpty()) {
        flow.jump(to);
        return;
      }
      flow.jump(between.get(0).entry());
      for (int k = 0; k < between.size(); k++) {
        between.get(k).exits().add(k + 1 < between.size() ? between.get(k + 1).entry() : to);
      }
    }

    void switchBody(Expression selector, NodeList<SwitchEntry> entries, String result) {
      expr(selector);
      int sel = flow.current();
      int after = flow.block();
      jumps.push(new Jump(null, after, -1, finallies.size()));
      boolean hasDefault = false;
      int fall = -1;
      for (SwitchEntry e : entries) {
        hasDefault |= e.getLabels().isEmpty();
        int entry = flow.block();
        flow.edge(sel, entry);
        flow.edge(fall, entry);
        flow.at(entry);
        Scope saved = scope;
        scope = new Scope(new HashMap<>(), scope);
        if (e.getType() == SwitchEntry.Type.EXPRESSION && result != null) {
          Statement st = e.getStatements().get(0);
          copy(result, st instanceof ExpressionStmt es ? expr(es.getExpression()) : null);
        } else {
          e.getStatements().forEach(this::statement);
        }
        scope = saved;
        if (e.getType() == SwitchEntry.Type.STATEMENT_GROUP) {
          fall = flow.current();
        } else {
          flow.edge(flow.current(), after);
          fall = -1;
        }
      }
      flow.edge(fall, after);
      if (!hasDefault) {
        flow.edge(sel, after);
      }
      jumps.pop();
      flow.at(after);
      codeBytes += 4;
    }

    void tryStatement(TryStmt t) {
      int after = flow.block();
      Fin fin = null;
      if (t.getFinallyBlock().isPresent()) {
        fin = new Fin(flow.block(), new LinkedHashSet<>());
      }
      List<Integer> handlers = new ArrayList<>();
      for (int i = 0; i < t.getCatchClauses().size(); i++) {
        handlers.add(flow.block());
      }
      List<Integer> tryHandlers = new ArrayList<>(handlers);
      if (fin != null) {
        tryHandlers.add(fin.entry());
        finallies.push(fin);
      }
      Scope saved = scope;
      scope = new Scope(new HashMap<>(), scope);
      flow.enterTry(tryHandlers);
      for (Expression r : t.getResources()) {
        expr(r);
      }
      statement(t.getTryBlock());
      flow.exitTry();
      scope = saved;
      flow.edge(flow.current(), fin != null ? fin.entry() : after);
      if (fin != null) {
        fin.exits().add(after);
        flow.enterTry(List.of(fin.entry())); // an exception in a catch body still runs the finally
      }
      for (int i = 0; i < handlers.size(); i++) {
        CatchClause c = t.getCatchClauses().get(i);
        flow.at(handlers.get(i));
        scope = new Scope(new HashMap<>(), saved);
        local(c.getParameter().getNameAsString(), c.getParameter());
        statement(c.getBody());
        flow.edge(flow.current(), fin != null ? fin.entry() : after);
        scope = saved;
      }
      if (fin != null) {
        flow.exitTry();
        finallies.pop();
        flow.at(fin.entry());
        statement(t.getFinallyBlock().get());
        int end = flow.current();
        for (int exit : fin.exits()) {
          flow.edge(end, exit);
        }
        flow.at(end);
        flow.raise(); // the exceptional way through the finally rethrows
      }
      flow.at(after);
    }

    // -------------------------------------------------------------- expressions

    String t() {
      return "t:" + fid + "#" + temps++;
    }

    void copy(String dst, String src) {
      callConstraints.copy(dst, src);
    }

    String local(VariableDeclarator v) {
      return local(v.getNameAsString(), v);
    }

    String local(String name, Node at) {
      String cell = "v:" + fid + "#" + name + at.getBegin().map(p -> "@" + p.line + ":" + p.column).orElse("");
      scope.vars().put(name, cell);
      locals++;
      return cell;
    }

    /** The cell of the expression's value (null for primitives and values holding no objects). */
    String expr(Expression e) {
      codeBytes++;
      maxDepth = Math.max(maxDepth, depth(e));
      if (e instanceof NameExpr n) {
        String local = scope.lookup(n.getNameAsString());
        if (local != null) {
          return local;
        }
        ResolvedValueDeclaration v = SourceTree.attempt(n::resolve);
        if (v != null && v.isField()) {
          ResolvedFieldDeclaration f = v.asField();
          return fieldCell(tree.binary(f.declaringType().asReferenceType()), f.getName(), f.isStatic());
        }
        return null;
      }
      if (e instanceof FieldAccessExpr fa) {
        ResolvedValueDeclaration v = SourceTree.attempt(fa::resolve);
        if (v != null && v.isField()) {
          ResolvedFieldDeclaration f = v.asField();
          if (!f.isStatic()) {
            expr(fa.getScope());
          }
          return fieldCell(tree.binary(f.declaringType().asReferenceType()), f.getName(), f.isStatic());
        }
        return null; // array length, a type or package name
      }
      if (e instanceof ThisExpr th) {
        return th.getTypeName().isPresent() ? outerThis(th.getTypeName().get().asString()) : thisCell;
      }
      if (e instanceof SuperExpr) {
        return thisCell;
      }
      if (e instanceof MethodCallExpr mc) {
        return call(mc);
      }
      if (e instanceof ObjectCreationExpr oce) {
        SourceTree.AppType anon = tree.typeOfNode.get(oce);
        String cls = tree.classOf(oce);
        if (cls == null) {
          warnUnresolved(oce, "type " + oce.getType().asString());
          oce.getArguments().forEach(this::expr);
          return null;
        }
        String value = newObject(oce, cls, oce.getArguments(), oce.getScope().orElse(null), 0);
        if (anon != null) {
          lowerType(anon, scope, null);
        }
        return value;
      }
      if (e instanceof ArrayCreationExpr ac) {
        ac.getLevels().forEach(l -> l.getDimension().ifPresent(this::expr));
        return ac.getInitializer().map(this::arrayInitialiser).orElseGet(() -> {
          String c = t();
          constraints.add(new Constraint.AddressOf(c, "arr:" + fid + "#" + position(ac)));
          return c;
        });
      }
      if (e instanceof ArrayInitializerExpr ai) {
        return arrayInitialiser(ai);
      }
      if (e instanceof ArrayAccessExpr aa) {
        String array = expr(aa.getName());
        expr(aa.getIndex());
        if (array == null) {
          return null;
        }
        String c = t();
        constraints.add(new Constraint.Load(c, array));
        return c;
      }
      if (e instanceof AssignExpr a) {
        return assign(a);
      }
      if (e instanceof VariableDeclarationExpr vd) {
        for (VariableDeclarator v : vd.getVariables()) {
          String value = v.getInitializer().map(i -> i instanceof ArrayInitializerExpr ai ? arrayInitialiser(ai) : expr(i)).orElse(null);
          String cell = local(v);
          v.getInitializer().ifPresent(i -> initialisers.put(cell, i));
          copy(cell, value);
        }
        return null;
      }
      if (e instanceof CastExpr c) {
        String value = expr(c.getExpression());
        String type = tree.binaryOf(SourceTree.attempt(() -> c.getType().resolve()));
        String from = tree.binaryOf(SourceTree.attempt(() -> c.getExpression().calculateResolvedType()));
        return cast(value, type, from);
      }
      if (e instanceof EnclosedExpr p) {
        return expr(p.getInner());
      }
      if (e instanceof ConditionalExpr c) {
        condition(c.getCondition());
        int from = flow.current();
        int after = flow.block();
        String result = t();
        flow.next();
        copy(result, expr(c.getThenExpr()));
        flow.edge(flow.current(), after);
        flow.at(from);
        flow.next();
        copy(result, expr(c.getElseExpr()));
        flow.edge(flow.current(), after);
        flow.at(after);
        return result;
      }
      if (e instanceof BinaryExpr b) {
        if (b.getOperator() == BinaryExpr.Operator.AND || b.getOperator() == BinaryExpr.Operator.OR) {
          expr(b.getLeft());
          int from = flow.current();
          int after = flow.block();
          flow.edge(from, after);
          flow.next();
          expr(b.getRight());
          flow.edge(flow.current(), after);
          flow.at(after);
          return null;
        }
        expr(b.getLeft());
        expr(b.getRight());
        return null;
      }
      if (e instanceof UnaryExpr u) {
        expr(u.getExpression());
        return null;
      }
      if (e instanceof InstanceOfExpr io) {
        String v = expr(io.getExpression());
        io.getPattern().ifPresent(p -> {
          if (p instanceof TypePatternExpr pe) {
            copy(local(pe.getNameAsString(), pe), v);
          }
        });
        return null;
      }
      if (e instanceof LambdaExpr || e instanceof MethodReferenceExpr) {
        return functionObject(e);
      }
      if (e instanceof SwitchExpr sw) {
        String result = t();
        switchResults.push(result);
        switchBody(sw.getSelector(), sw.getEntries(), result);
        switchResults.pop();
        return result;
      }
      // Literals, class literals, text blocks: no program objects.
      for (Node c : SourceTree.children(e)) {
        if (c instanceof Expression x) {
          expr(x);
        }
      }
      return null;
    }

    String arrayInitialiser(ArrayInitializerExpr ai) {
      String c = t();
      constraints.add(new Constraint.AddressOf(c, "arr:" + fid + "#" + position(ai)));
      for (Expression v : ai.getValues()) {
        String value = v instanceof ArrayInitializerExpr nested ? arrayInitialiser(nested) : expr(v);
        if (value != null) {
          constraints.add(new Constraint.Store(c, value));
        }
      }
      return c;
    }

    String assign(AssignExpr a) {
      Expression target = a.getTarget();
      if (target instanceof ArrayAccessExpr aa) {
        String array = expr(aa.getName());
        expr(aa.getIndex());
        String value = expr(a.getValue());
        if (array != null && value != null && a.getOperator() == AssignExpr.Operator.ASSIGN) {
          constraints.add(new Constraint.Store(array, value));
        }
        return value;
      }
      if (target instanceof NameExpr n) {
        String local = scope.lookup(n.getNameAsString());
        if (local != null) {
          String value = expr(a.getValue());
          if (a.getOperator() == AssignExpr.Operator.ASSIGN) {
            copy(local, value);
          }
          return value;
        }
      }
      if (target instanceof FieldAccessExpr || target instanceof NameExpr) {
        ResolvedValueDeclaration v = SourceTree.attempt(() -> target instanceof NameExpr n ? n.resolve() : ((FieldAccessExpr) target).resolve());
        if (target instanceof FieldAccessExpr fa && (v == null || !v.isField() || !v.asField().isStatic())) {
          expr(fa.getScope());
        }
        String value = expr(a.getValue());
        if (v != null && v.isField() && a.getOperator() == AssignExpr.Operator.ASSIGN) {
          ResolvedFieldDeclaration f = v.asField();
          storeField(a, tree.binary(f.declaringType().asReferenceType()), f.getName(), f.isStatic(), value, a.getValue());
        }
        return value;
      }
      return expr(a.getValue());
    }

    /** A store into a field; into a stage field it is also an event (SPEC §3 stageField). */
    void storeField(Node at, String declaring, String field, boolean isStatic, String value, Expression valueExpr) {
      copy(fieldCell(declaring, field, isStatic), value);
      String key = simple(declaring) + "." + field;
      if (stageFields.contains(key)) {
        int ord = ordinal++;
        flow.event(ord);
        stores.add(new FieldStore(unit.at(at), fid, key, stageCell(value), unit.source(valueExpr), ord));
      }
    }

    String fieldCell(String declaring, String field, boolean isStatic) {
      return (isStatic ? "g:" : "f:") + declaring + "." + field;
    }

    /** {@code Outer.this}: the enclosing instances are the {@code this$0} fields of inner classes. */
    String outerThis(String typeName) {
      String cell = thisCell;
      for (SourceTree.AppType t = owner; t != null; t = t.outer) {
        if (t.simple().equals(typeName) || t.binary.endsWith("." + typeName) || t.binary.endsWith("$" + typeName)) {
          return cell;
        }
        cell = fieldCell(t.binary, "this$0", false);
      }
      return thisCell;
    }

    /** The receiver of an unqualified call of an instance method declared in {@code declaring}. */
    String implicitThis(String declaring) {
      String cell = thisCell;
      for (SourceTree.AppType t = owner; t != null; t = t.outer) {
        if (tree.isSubtype(t.binary, declaring)) {
          return cell;
        }
        cell = fieldCell(t.binary, "this$0", false);
      }
      return thisCell;
    }

    /** A field named in a method reference's scope, which the parser takes for a type. */
    String fieldByName(String name) {
      for (SourceTree.AppType t = owner; t != null; t = t.outer) {
        if (t.node instanceof TypeDeclaration<?> td) {
          for (FieldDeclaration f : td.getFields()) {
            if (f.getVariables().stream().anyMatch(v -> v.getNameAsString().equals(name))) {
              return fieldCell(t.binary, name, f.isStatic());
            }
          }
        }
      }
      return null;
    }

    String functionObject(Expression e) {
      SourceDispatch.FnObject f = fnObjects.get(e);
      if (e instanceof LambdaExpr le) {
        SourceTree.AppMethod lm = methodOfNode.get(le);
        String c = t();
        if (lm != null) {
          constraints.add(new Constraint.AddressOf(c, Constraint.function(lm.id())));
          if (lowered.add(le)) {
            new Body(lm, scope, thisCell).run();
          }
        }
        return c;
      }
      MethodReferenceExpr mr = (MethodReferenceExpr) e;
      String bound = null;
      if (f != null && f.captured() > 0) {
        bound = mr.getScope() instanceof TypeExpr te ? scope.lookup(te.getType().asString()) : expr(mr.getScope());
        if (bound == null && mr.getScope() instanceof TypeExpr te) {
          bound = fieldByName(te.getType().asString());
        }
      }
      if (f == null) {
        warnUnresolved(mr, "method reference " + unit.source(mr));
        return null;
      }
      String c = t();
      constraints.add(new Constraint.AddressOf(c, Constraint.function(f.impl())));
      names.putIfAbsent(f.impl(), nameOf(f.impl()));
      if (bound != null) {
        copy(Constraint.param(f.impl(), 0), bound);
      }
      return c;
    }

    // -------------------------------------------------------------- calls

    String newObject(Node at, String cls, NodeList<Expression> argExprs, Expression outerScope, int enumHidden) {
      String object = "new:" + cls + "@" + fid + "#" + position(at);
      newSites.put(object, cls);
      String obj = t();
      constraints.add(new Constraint.AddressOf(obj, object));
      SourceTree.AppType type = tree.types.get(cls);
      List<String> args = new ArrayList<>();
      if (type != null && type.hasOuterInstance) {
        args.add(outerScope != null ? expr(outerScope) : implicitThis(type.outer.binary));
      }
      for (int h = 0; h < enumHidden; h++) {
        args.add(null);
      }
      argExprs.forEach(a -> args.add(expr(a)));
      String target = null;
      if (type != null && type.node instanceof ObjectCreationExpr) {
        target = type.methods.stream().filter(x -> x.kind() == SourceTree.Kind.CONSTRUCTOR).map(SourceTree.AppMethod::id).findFirst().orElse(null);
      } else if (at instanceof ObjectCreationExpr oce) {
        ResolvedConstructorDeclaration rc = SourceTree.attempt(oce::resolve);
        target = rc == null ? null : constructorId(rc);
      } else if (at instanceof EnumConstantDeclaration && type != null) {
        SourceTree.AppType enumType = type.node instanceof EnumConstantDeclaration ? type.outer : type;
        for (SourceTree.AppMethod c : enumType.methods) {
          if (c.kind() == SourceTree.Kind.CONSTRUCTOR && c.declared() == argExprs.size()) {
            target = c.id();
          }
        }
      }
      if (target == null && type != null) {
        for (SourceTree.AppMethod c : type.methods) {
          if (c.kind() == SourceTree.Kind.CONSTRUCTOR && c.declared() == argExprs.size()) {
            target = c.id();
          }
        }
      }
      if (target == null) {
        if (type != null || SourceTree.attempt(() -> ((ObjectCreationExpr) at).resolve()) == null) {
          warnUnresolved(at, "constructor of " + simple(cls));
        }
        target = cls + ".<init>(" + "?".repeat(0) + ")V";
      }
      invokeConstructor(at, target, obj, args, argExprs, isApp(target));
      return obj;
    }

    void invokeConstructor(Node at, String target, String receiver, List<String> args, NodeList<Expression> argExprs, boolean app) {
      List<String> cells = new ArrayList<>();
      cells.add(receiver);
      cells.addAll(args);
      names.putIfAbsent(target, nameOf(target));
      List<SourceDispatch.Target> targets = List.of(new SourceDispatch.Target(target, -1, false, app));
      List<String[]> texts = argTexts(receiver == thisCell ? "this" : "new", 0, argExprs);
      for (int h = 0; h < args.size() - argExprs.size(); h++) {
        texts.add(1, new String[] {"?", null, "-1", "0"}); // javac's hidden parameters
      }
      finishCall(at, target, targets, cells, texts, true, null,
          simple(target.substring(0, target.indexOf(".<init>"))) + ".<init>");
    }

    /**
     * A value that passed a cast to a class of the program is an instance of it (TypeTests): where
     * javac puts a {@code checkcast}, a cast or a generic call whose static type is narrower than
     * {@code from}, the type the value has.
     */
    String cast(String value, String type, String from) {
      if (value == null || type == null || !tree.types.containsKey(type) || from != null && tree.isSubtype(from, type)) {
        return value;
      }
      String cell = t();
      copy(typeTests.test(cell, type, cell + ".c"), value);
      return cell;
    }

    String call(MethodCallExpr mc) {
      ResolvedMethodDeclaration rm = SourceTree.attempt(mc::resolve);
      Expression scopeExpr = mc.getScope().orElse(null);
      if (rm == null && scopeExpr == null) {
        String byName = unqualifiedByName(mc);
        if (byName != null) {
          return byName;
        }
      }
      if (rm == null && (scopeExpr instanceof NameExpr || scopeExpr instanceof FieldAccessExpr)
          && scope.lookup(scopeExpr.toString()) == null) {
        String byName = staticByName(mc, scopeExpr.toString());
        if (byName != null) {
          return byName;
        }
      }
      if (rm == null) {
        if (scopeExpr != null && !(scopeExpr instanceof NameExpr n && scope.lookup(n.getNameAsString()) == null
            && Character.isUpperCase(n.getNameAsString().charAt(0)))) {
          expr(scopeExpr);
        }
        List<String> cells = new ArrayList<>();
        mc.getArguments().forEach(a -> cells.add(expr(a)));
        String text = (scopeExpr == null ? "" : unit.source(scopeExpr) + ".") + mc.getNameAsString();
        warnUnresolved(mc, "call of " + text);
        unresolved++;
        String nominal = "?" + text + "/" + mc.getArguments().size();
        String nominalName = scopeExpr == null ? simple(owner.binary) + "." + mc.getNameAsString() : text;
        names.put(nominal, nominalName);
        List<SourceDispatch.Target> targets = List.of(new SourceDispatch.Target(nominal, -1, false, false));
        List<String> unbound = new ArrayList<>();
        cells.forEach(c -> unbound.add(null));
        finishCall(mc, nominal, targets, unbound, argTexts(null, 0, mc.getArguments()), false, null, text);
        return null;
      }
      boolean isStatic = rm.isStatic();
      String declaring = tree.binary(rm.declaringType());
      String desc = descriptor(rm);
      SourceTree.AppMethod appDeclared = appMethod(rm, declaring, desc);
      String declaredId = appDeclared != null ? appDeclared.id() : declaring + "." + rm.getName() + desc;
      names.putIfAbsent(declaredId, simple(declaring) + "." + rm.getName());
      List<String> cells = new ArrayList<>();
      String ownerType = declaring;
      boolean superCall = scopeExpr instanceof SuperExpr;
      if (!isStatic) {
        String recv;
        if (scopeExpr == null) {
          recv = implicitThis(declaring);
        } else {
          recv = expr(scopeExpr);
          String st = superCall ? null : tree.binaryOf(SourceTree.attempt(scopeExpr::calculateResolvedType));
          if (st != null && tree.isSubtype(st, declaring)) {
            ownerType = st;
          }
        }
        cells.add(recv);
      } else if (scopeExpr != null && !(scopeExpr instanceof NameExpr) && !(scopeExpr instanceof FieldAccessExpr)) {
        expr(scopeExpr);
      }
      List<String> argCells = new ArrayList<>();
      mc.getArguments().forEach(a -> argCells.add(expr(a)));
      int declaredParams = rm.getNumberOfParams();
      boolean varargs = SourceTree.attempt(rm::hasVariadicParameter) == Boolean.TRUE;
      if (varargs && !(argCells.size() == declaredParams && lastIsArray(mc))) {
        // The trailing arguments go into a new array, as javac compiles them.
        String array = t();
        constraints.add(new Constraint.AddressOf(array, "arr:" + fid + "#" + position(mc)));
        for (int k = declaredParams - 1; k < argCells.size(); k++) {
          if (argCells.get(k) != null) {
            constraints.add(new Constraint.Store(array, argCells.get(k)));
          }
        }
        List<String> packed = new ArrayList<>(argCells.subList(0, Math.max(0, declaredParams - 1)));
        packed.add(array);
        argCells.clear();
        argCells.addAll(packed);
      }
      cells.addAll(argCells);
      // Primitive and value-type arguments and results carry no objects.
      List<Boolean> refs = new ArrayList<>();
      if (!isStatic) {
        refs.add(true);
      }
      for (int k = 0; k < argCells.size(); k++) {
        int pk = k;
        ResolvedType pt = k < declaredParams ? SourceTree.attempt(() -> rm.getParam(pk).getType()) : null;
        refs.add(pt == null || !pt.isPrimitive());
      }
      for (int k = 0; k < cells.size(); k++) {
        if (!refs.get(k)) {
          cells.set(k, null);
        }
      }
      ResolvedType rt = SourceTree.attempt(rm::getReturnType);
      boolean refResult = rt == null || !(rt.isPrimitive() || rt.isVoid());
      String result = refResult ? t() : null;

      List<SourceDispatch.Target> targets = new ArrayList<>();
      boolean isPrivate = rm.accessSpecifier() == com.github.javaparser.ast.AccessSpecifier.PRIVATE;
      boolean isFinal = appDeclared != null && appDeclared.node() instanceof MethodDeclaration md && md.isFinal()
          || appDeclared != null && appDeclared.owner().isFinal && appDeclared.owner().binary.equals(ownerType);
      String shortName = simple(declaring) + "." + rm.getName();
      boolean named = spec.queueStages().containsKey(shortName) || spec.scheduleStages().containsKey(shortName)
          || spec.mallocs().containsKey(shortName) || spec.frees().containsKey(shortName);
      if (isStatic || isPrivate || isFinal || superCall || named) {
        targets.add(new SourceDispatch.Target(declaredId, -1, false, appDeclared != null));
      } else {
        SourceDispatch.Targets found = dispatch.targets(ownerType, rm.getName(), desc, declaredParams, declaredId, appDeclared != null);
        targets.addAll(found.targets());
        if (targets.isEmpty()) {
          unresolved++;
          diags.warning(unit.at(mc.getName()), "source.unresolved-call", "call of " + ownerType + "." + rm.getName()
              + " in " + m.name() + ": no instantiated class or lambda implements it");
          targets.add(new SourceDispatch.Target(declaredId, -1, false, appDeclared != null));
        } else if (found.fromHierarchy()) {
          diags.note(unit.at(mc.getName()), "source.cha-fallback", "no object of a subtype of " + ownerType
              + " is created in the analysed code; the call of " + rm.getName() + " may reach every implementation");
        }
      }
      // Strings and boxes hold no program objects: library code cannot hand one back through them.
      String calleeText = scopeExpr == null ? mc.getNameAsString() : unit.source(scopeExpr) + "." + mc.getNameAsString();
      if (scopeExpr != null && isStatic) {
        calleeText = simple(declaring) + "." + rm.getName();
      }
      String libraryResult = rt != null && holdsNothing(rt) ? null : result;
      finishCall(mc, declaredId, targets, cells, argTexts(isStatic ? null : scopeExpr == null ? "this" : unit.source(scopeExpr),
          cells.size(), mc.getArguments()), !isStatic, result, calleeText, libraryResult, rm, isStatic ? declaring : ownerType);
      // javac's checkcast after a generic call: its static type is narrower than the erased one.
      return cast(result, tree.binaryOf(SourceTree.attempt(mc::calculateResolvedType)), rt == null ? null : tree.binaryOf(rt));
    }

    /**
     * An unqualified call the solver cannot type (a lambda's untyped parameter in an array
     * initialiser): the one method of that name and arity in the enclosing classes, if unique.
     */
    String unqualifiedByName(MethodCallExpr mc) {
      int arity = mc.getArguments().size();
      for (SourceTree.AppType t = owner; t != null; t = t.outer) {
        List<SourceTree.AppMethod> found = new ArrayList<>();
        for (String c : tree.superclasses(t.binary)) {
          SourceTree.AppType ct = tree.types.get(c);
          if (ct != null) {
            ct.methods.stream().filter(x -> x.kind() == SourceTree.Kind.METHOD && x.simpleName().equals(mc.getNameAsString())
                && x.declared() == arity).forEach(found::add);
          }
        }
        if (found.size() > 1) {
          return null;
        }
        if (found.size() == 1) {
          SourceTree.AppMethod target = found.get(0);
          List<String> cells = new ArrayList<>();
          if (!target.isStatic()) {
            cells.add(implicitThis(target.owner().binary));
          }
          mc.getArguments().forEach(a -> cells.add(expr(a)));
          String result = target.desc().endsWith(")V") || !target.desc().endsWith(";") ? null : t();
          names.putIfAbsent(target.id(), target.name());
          finishCall(mc, target.id(), List.of(new SourceDispatch.Target(target.id(), -1, false, true)), cells,
              argTexts(target.isStatic() ? null : "this", cells.size(), mc.getArguments()), !target.isStatic(), result,
              mc.getNameAsString());
          return result;
        }
      }
      return null;
    }

    /**
     * {@code Type.m(…)} the solver cannot type (an argument of a local class): the one static
     * method of that name and arity in the application type so named.
     */
    String staticByName(MethodCallExpr mc, String typeText) {
      String suffix = typeText.replace('.', '$');
      List<SourceTree.AppMethod> found = new ArrayList<>();
      for (SourceTree.AppType t : tree.types.values()) {
        if (t.binary.endsWith("." + suffix) || t.binary.endsWith("$" + suffix) || t.binary.equals(typeText)) {
          t.methods.stream().filter(x -> x.kind() == SourceTree.Kind.METHOD && x.isStatic()
              && x.simpleName().equals(mc.getNameAsString()) && x.declared() == mc.getArguments().size()).forEach(found::add);
        }
      }
      if (found.size() != 1) {
        return null;
      }
      SourceTree.AppMethod target = found.get(0);
      List<String> cells = new ArrayList<>();
      mc.getArguments().forEach(a -> cells.add(expr(a)));
      String result = target.desc().endsWith(";") ? t() : null;
      names.putIfAbsent(target.id(), target.name());
      finishCall(mc, target.id(), List.of(new SourceDispatch.Target(target.id(), -1, false, true)), cells,
          argTexts(null, cells.size(), mc.getArguments()), false, result, target.name());
      return result;
    }

    boolean lastIsArray(MethodCallExpr mc) {
      Expression last = mc.getArguments().getLast().orElse(null);
      ResolvedType t = last == null ? null : SourceTree.attempt(last::calculateResolvedType);
      return t != null && (t.isArray() || t.isNull());
    }

    void finishCall(Node at, String declaredId, List<SourceDispatch.Target> targets, List<String> cells, List<String[]> texts,
        boolean receiver, String result, String calleeText) {
      finishCall(at, declaredId, targets, cells, texts, receiver, result, calleeText, result, null, null);
    }

    void finishCall(Node at, String declaredId, List<SourceDispatch.Target> targets, List<String> cells, List<String[]> texts,
        boolean receiver, String result, String calleeText, String libraryResult, ResolvedMethodDeclaration rm, String owner) {
      int ord = ordinal++;
      flow.event(ord);
      codeBytes += 2;
      for (SourceDispatch.Target tg : targets) {
        names.putIfAbsent(tg.function(), nameOf(tg.function()));
      }
      String callee = null;
      String calleeCell = null;
      if (targets.size() == 1) {
        callee = targets.get(0).function();
      } else {
        calleeCell = t() + ".callee";
        for (SourceDispatch.Target tg : targets) {
          constraints.add(new Constraint.AddressOf(calleeCell, Constraint.function(tg.function())));
        }
      }
      List<String> libraryArgs = new ArrayList<>(cells);
      String returns = null;
      if (rm != null) {
        int first = receiver ? 1 : 0;
        boolean keepsNone = owner != null && TypeTests.keepsNoArgument(owner, rm.getName());
        ResolvedType rt = SourceTree.attempt(rm::getReturnType);
        returns = rt == null || !(rt.isReferenceType() || rt.isTypeVariable()) ? null : tree.binaryOf(rt);
        for (int k = first; k < libraryArgs.size(); k++) {
          int pk = k - first;
          ResolvedType pt = pk < rm.getNumberOfParams() ? SourceTree.attempt(() -> rm.getParam(pk).getType()) : null;
          if (keepsNone || pt != null && holdsNothing(pt)) {
            libraryArgs.set(k, null);
          }
        }
      }
      for (SourceDispatch.Target tg : targets) {
        if (tg.app()) {
          callConstraints.bind(tg.function(), tg.captured(), tg.constructor(), cells, result);
        } else {
          library(at, receiver, libraryArgs, libraryResult, owner, returns);
        }
      }
      List<Argument> args = new ArrayList<>();
      for (int k = 0; k < cells.size(); k++) {
        String[] tx = k < texts.size() ? texts.get(k) : new String[] {"?", null, "-1", "0"};
        Long constant = tx[1] == null ? null : Long.valueOf(tx[1]);
        args.add(new Argument(callee == null ? null : cells.get(k), tx[0], constant, Integer.parseInt(tx[2]), Integer.parseInt(tx[3])));
      }
      if (callee != null) {
        ServerSpec.StageFunction q = stageFunction(names.get(callee));
        if (q != null) {
          int s = q.stageParam();
          if (s >= 0 && s < args.size() && args.get(s).cell() != null) {
            Argument a = args.get(s);
            args.set(s, new Argument(stageCell(a.cell()), a.text(), a.constant(), a.offset(), a.length()));
          }
        }
      }
      Hints hints = callee == null ? Hints.NONE : methodHints.getOrDefault(callee, Hints.NONE);
      hints = hints.overriddenBy(receivingHints(at));
      Node name = at instanceof MethodCallExpr mc ? mc.getName() : at;
      calls.add(new CallSite(fid, unit.at(name), callee, calleeCell, calleeText, args, result, hints, false, ord,
          unit.offset(at), unit.length(at)));
    }

    /** Per argument (receiver first): its text, constant value, offset and length. */
    List<String[]> argTexts(String receiverText, int count, NodeList<Expression> argExprs) {
      List<String[]> out = new ArrayList<>();
      if (receiverText != null) {
        out.add(new String[] {receiverText, null, "-1", "0"});
      }
      for (Expression a : argExprs) {
        Long c = constants.value(a);
        out.add(new String[] {unit.source(a), c == null ? null : c.toString(), Integer.toString(unit.offset(a)),
            Integer.toString(unit.length(a))});
      }
      while (out.size() < count) {
        out.add(new String[] {"?", null, "-1", "0"});
      }
      return out;
    }

    /** A library method ({@link CallConstraints#library}). */
    void library(Node at, boolean receiver, List<String> args, String result, String owner, String type) {
      callConstraints.library(receiver, args, result, owner, type, t(), fid + "#" + position(at));
    }

    String stageCell(String value) {
      if (value == null) {
        return null;
      }
      String stage = t() + ".stage";
      copy(stage, value);
      constraints.add(new Constraint.Load(stage, value));
      return stage;
    }

    ServerSpec.StageFunction stageFunction(String name) {
      if (name == null) {
        return null;
      }
      ServerSpec.StageFunction q = spec.queueStages().get(name);
      return q != null ? q : spec.scheduleStages().get(name);
    }

    /** Hints on the local variable or field the call's value goes to right away. */
    Hints receivingHints(Node at) {
      Node n = at;
      Node p = n.getParentNode().orElse(null);
      while (p instanceof EnclosedExpr || p instanceof CastExpr) {
        n = p;
        p = p.getParentNode().orElse(null);
      }
      if (p instanceof VariableDeclarator v) {
        Node decl = v.getParentNode().orElse(null);
        if (decl instanceof VariableDeclarationExpr vde) {
          return SourceAnnotations.hints(vde.getAnnotations(), unit.cu()).overriddenBy(
              SourceAnnotations.hints(v.getType().getAnnotations(), unit.cu()));
        }
        if (decl instanceof FieldDeclaration fd) {
          return SourceAnnotations.hints(fd.getAnnotations(), unit.cu());
        }
      }
      if (p instanceof AssignExpr a && a.getValue() == n) {
        ResolvedValueDeclaration v = SourceTree.attempt(() -> a.getTarget() instanceof NameExpr ne ? ne.resolve()
            : a.getTarget() instanceof FieldAccessExpr fa ? fa.resolve() : null);
        if (v != null && v.isField()) {
          Optional<Node> ast = SourceTree.attempt(() -> v.asField().toAst());
          if (ast != null && ast.isPresent()) {
            Node f = ast.get() instanceof VariableDeclarator vd ? vd.getParentNode().orElse(null) : ast.get();
            if (f instanceof FieldDeclaration fd) {
              SourceTree.Unit u = unitOf(fd);
              return u == null ? Hints.NONE : SourceAnnotations.hints(fd.getAnnotations(), u.cu());
            }
          }
        }
      }
      return Hints.NONE;
    }

    /** The initializer of a constant name: a local assigned once, or a final field. */
    Expression definition(Expression e) {
      if (e instanceof NameExpr n) {
        String local = scope.lookup(n.getNameAsString());
        if (local != null) {
          return assigned.contains(n.getNameAsString()) ? null : initialisers.get(local);
        }
      }
      if (e instanceof NameExpr || e instanceof FieldAccessExpr) {
        ResolvedValueDeclaration v = SourceTree.attempt(() -> e instanceof NameExpr n ? n.resolve() : ((FieldAccessExpr) e).resolve());
        if (v != null && v.isField()) {
          Optional<Node> ast = SourceTree.attempt(() -> v.asField().toAst());
          if (ast != null && ast.isPresent()) {
            Node f = ast.get();
            FieldDeclaration fd = f instanceof FieldDeclaration x ? x : f.getParentNode().orElse(null) instanceof FieldDeclaration x ? x : null;
            if (fd != null && fd.isFinal()) {
              for (VariableDeclarator vd : fd.getVariables()) {
                if (vd.getNameAsString().equals(v.getName())) {
                  return vd.getInitializer().orElse(null);
                }
              }
            }
          }
        }
      }
      return null;
    }

    String position(Node n) {
      return n.getBegin().map(p -> p.line + ":" + p.column).orElse("?");
    }

    void warnUnresolved(Node at, String what) {
      Node where = at instanceof MethodCallExpr mc ? mc.getName() : at;
      diags.warning(unit.at(where), "source.unresolved-call", what + " in " + m.name() + " cannot be resolved against the sources, classpath or JDK");
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Operand-stack depth of an expression, roughly as javac would need it. */
  static int depth(Expression e) {
    if (e instanceof MethodCallExpr mc) {
      int base = mc.getScope().isPresent() ? 1 : 0;
      int d = Math.max(base, mc.getScope().map(SourceLowering::depth).orElse(0));
      for (int i = 0; i < mc.getArguments().size(); i++) {
        d = Math.max(d, base + i + depth(mc.getArguments().get(i)));
      }
      return Math.max(d, 1);
    }
    if (e instanceof ObjectCreationExpr oce) {
      int d = 2;
      for (int i = 0; i < oce.getArguments().size(); i++) {
        d = Math.max(d, 2 + i + depth(oce.getArguments().get(i)));
      }
      return d;
    }
    if (e instanceof BinaryExpr b) {
      return Math.max(depth(b.getLeft()), 1 + depth(b.getRight()));
    }
    if (e instanceof AssignExpr a) {
      return 1 + depth(a.getValue());
    }
    if (e instanceof LambdaExpr) {
      return 1;
    }
    int d = 1;
    for (Node c : e.getChildNodes()) {
      if (c instanceof Expression x) {
        d = Math.max(d, depth(x));
      }
    }
    return d;
  }

  private SourceTree.Unit unitOf(Node n) {
    Optional<com.github.javaparser.ast.CompilationUnit> cu = n.findCompilationUnit();
    if (cu.isEmpty()) {
      return null;
    }
    for (SourceTree.Unit u : tree.units) {
      if (u.cu() == cu.get()) {
        return u;
      }
    }
    return null;
  }

  /** The type's members in source order (enum constants are lowered in its static initialiser). */
  static List<Node> members(SourceTree.AppType t) {
    List<Node> out = new ArrayList<>();
    if (t.node instanceof TypeDeclaration<?> td) {
      out.addAll(td.getMembers());
    } else if (t.node instanceof ObjectCreationExpr oce) {
      out.addAll(oce.getAnonymousClassBody().orElse(new NodeList<>()));
    } else if (t.node instanceof EnumConstantDeclaration ec) {
      out.addAll(ec.getClassBody());
    }
    out.removeIf(n -> !(n instanceof BodyDeclaration<?>));
    return out;
  }

  private SourceTree.AppMethod appMethod(ResolvedMethodLikeDeclaration rm, String declaring, String desc) {
    Optional<Node> ast = SourceTree.attempt(rm::toAst);
    if (ast != null && ast.isPresent()) {
      SourceTree.AppMethod m = methodOfNode.get(ast.get());
      if (m != null) {
        return m;
      }
    }
    SourceTree.AppType t = tree.types.get(declaring);
    if (t == null) {
      return null;
    }
    SourceTree.AppMethod byArity = null;
    for (SourceTree.AppMethod m : t.methods) {
      if (m.simpleName().equals(rm.getName()) && m.kind() != SourceTree.Kind.LAMBDA) {
        if (m.desc().equals(desc)) {
          return m;
        }
        if (m.declared() == rm.getNumberOfParams()) {
          byArity = m;
        }
      }
    }
    return byArity;
  }

  String constructorId(ResolvedConstructorDeclaration rc) {
    String declaring = tree.binary(rc.declaringType());
    StringBuilder d = new StringBuilder("(");
    for (int i = 0; i < rc.getNumberOfParams(); i++) {
      int k = i;
      d.append(tree.descriptor(SourceTree.attempt(() -> rc.getParam(k).getType())));
    }
    d.append(")V");
    Optional<Node> ast = SourceTree.attempt(rc::toAst);
    if (ast != null && ast.isPresent() && methodOfNode.containsKey(ast.get())) {
      return methodOfNode.get(ast.get()).id();
    }
    SourceTree.AppType t = tree.types.get(declaring);
    if (t != null) {
      for (SourceTree.AppMethod m : t.methods) {
        if (m.kind() == SourceTree.Kind.CONSTRUCTOR && m.declared() == rc.getNumberOfParams()) {
          return m.id();
        }
      }
    }
    String id = declaring + ".<init>" + d;
    names.putIfAbsent(id, simple(declaring) + ".<init>");
    return id;
  }

  String descriptor(ResolvedMethodDeclaration rm) {
    StringBuilder d = new StringBuilder("(");
    for (int i = 0; i < rm.getNumberOfParams(); i++) {
      int k = i;
      d.append(tree.descriptor(SourceTree.attempt(() -> rm.getParam(k).getType())));
    }
    return d.append(')').append(tree.descriptor(SourceTree.attempt(rm::getReturnType))).toString();
  }

  boolean isApp(String functionId) {
    return functions.containsKey(functionId) || methodIds().contains(functionId);
  }

  private Set<String> appIds;

  private Set<String> methodIds() {
    if (appIds == null) {
      appIds = new HashSet<>();
      tree.types.values().forEach(t -> t.methods.forEach(m -> appIds.add(m.id())));
    }
    return appIds;
  }

  String nameOf(String functionId) {
    String n = names.get(functionId);
    if (n != null) {
      return n;
    }
    int paren = functionId.indexOf('(');
    String qualified = paren < 0 ? functionId : functionId.substring(0, paren);
    int dot = qualified.lastIndexOf('.', qualified.endsWith(".<init>") ? qualified.length() - 8 : qualified.length());
    if (qualified.endsWith(".<init>")) {
      dot = qualified.length() - 7;
    }
    if (dot < 0) {
      return functionId;
    }
    String cls = qualified.substring(0, dot);
    return simple(cls) + qualified.substring(dot);
  }

  static String simple(String binary) {
    return binary.substring(binary.lastIndexOf('.') + 1);
  }

  private static final Set<String> VALUES = Set.of("java.lang.String", "java.lang.Integer", "java.lang.Long", "java.lang.Short",
      "java.lang.Byte", "java.lang.Character", "java.lang.Boolean", "java.lang.Double", "java.lang.Float", "java.lang.Class");

  /** Immutable values of the JDK that cannot contain other objects. */
  static boolean holdsNothing(ResolvedType t) {
    if (!t.isReferenceType()) {
      return false;
    }
    String q = SourceTree.attempt(() -> t.asReferenceType().getQualifiedName());
    return q != null && VALUES.contains(q);
  }
}
