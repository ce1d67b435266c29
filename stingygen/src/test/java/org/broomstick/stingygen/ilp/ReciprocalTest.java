package org.broomstick.stingygen.ilp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.IntVar;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scaled reciprocal: with m fixed and q minimised, q = ⌈K/m⌉ at every integer m, whether all
 * secants are in the model (m ≤ 32), a geometric selection plus q·m ≥ K, or (huge K) only a few
 * secants before the overflow guard. A regression test: q·m ≥ K was once left out when the
 * geometric secants ran past m's bound, and q fell below K/m between them.
 */
class ReciprocalTest {

  @ParameterizedTest(name = "K = {0}, m <= {1}")
  @CsvSource({"27720, 12", "1000000007, 20", "8601480586, 2000", "1152921504606846, 300"})
  void minimalQIsTheCeilingOfKOverM(long k, long hiM) {
    CpSatModel.loadNatives();
    for (long v = 1; v <= hiM; v = v < 40 ? v + 1 : v + 37) {
      CpModel model = new CpModel();
      IntVar m = model.newIntVar(1, hiM, "m");
      IntVar q = model.newIntVar((k + hiM - 1) / hiM, k, "q");
      CpSatModel.reciprocal(model, q, m, k, hiM, 1);
      model.addEquality(m, v);
      model.minimize(q);
      CpSolver solver = new CpSolver();
      solver.getParameters().setNumWorkers(1).setMaxTimeInSeconds(10);
      assertThat(solver.solve(model)).as("m = %d", v).isEqualTo(CpSolverStatus.OPTIMAL);
      assertThat(solver.value(q)).as("K = %d, m = %d", k, v).isEqualTo((k + v - 1) / v);
    }
  }
}
