package org.broomstick.memwalk.frontend.bytecode;

import org.broomstick.memwalk.frontend.JavaInputs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.pointsto.Andersen;
import org.broomstick.memwalk.pointsto.PointsTo;
import org.broomstick.memwalk.scg.CallGraph;
import org.broomstick.memwalk.scg.CallGraphBuilder;
import org.broomstick.memwalk.spec.ServerSpec;

/**
 * The bytecode frontend on a real jar (issue 7): {@code ScaleRun JAR [CLASSPATH-JAR…]} prints
 * classes, methods, edges and seconds per step. Run by {@code bench/bytecode/scale.sh}, not by CI.
 */
public final class ScaleRun {
  private ScaleRun() {}

  public static void main(String[] args) {
    List<Path> cp = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      cp.add(Path.of(args[i]));
    }
    long t0 = System.nanoTime();
    BytecodeFrontend.Result r = BytecodeFrontend.load(
        new JavaInputs(List.of(Path.of(args[0])), cp, ServerSpec.EMPTY, null, Path.of("")));
    long t1 = System.nanoTime();
    Program p = r.program();
    PointsTo pt = Andersen.analyse(p);
    long t2 = System.nanoTime();
    CallGraph g = CallGraphBuilder.build(p, pt);
    long t3 = System.nanoTime();
    System.out.printf("%s: %d classes, %d methods, %d functions (%d defined), %d calls (%d unresolved), %d constraints, "
            + "%d library classes read%n  call edges %d, event edges %d; frontend %.2f s, points-to %.2f s, call graph %.2f s%n",
        Path.of(args[0]).getFileName(), r.stats().classes(), r.stats().methods(), p.functions().size(),
        p.functions().stream().filter(f -> f.defined()).count(), r.stats().calls(), r.stats().unresolvedCalls(),
        p.constraints().size(), r.stats().libraryClasses(), g.callEdges(), g.eventEdges(),
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
    p.diagnostics().stream().filter(d -> d.key().equals("bytecode.unresolved-call")).limit(3)
        .forEach(d -> System.out.println("  e.g. " + d.format()));
  }
}
