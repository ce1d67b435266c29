package org.broomstick.memwalk.frontend;

import java.util.Collection;
import java.util.List;
import org.broomstick.memwalk.model.Constraint;

/**
 * The points-to constraints of a Java call, one rule for both Java frontends: a resolved target's
 * parameters and return, and what a library method may do with what it is given. The frontends
 * differ in how they name cells and sites; what a call means does not.
 */
public final class CallConstraints {
  private final Collection<Constraint> out;
  private final TypeTests typeTests;

  /** Constraints go to {@code out}; library results are tested by {@code typeTests}. */
  public CallConstraints(Collection<Constraint> out, TypeTests typeTests) {
    this.out = out;
    this.typeTests = typeTests;
  }

  /** dst ⊇ src; nothing when either is absent or they are the same cell. */
  public void copy(String dst, String src) {
    if (dst != null && src != null && !dst.equals(src)) {
      out.add(new Constraint.Copy(dst, src));
    }
  }

  /**
   * Arguments (receiver first) into the parameters of {@code function}, its return into {@code
   * result}. For a lambda or method reference ({@code captured} ≥ 0) argument j of the functional
   * method (after the receiver) is parameter captured + j − 1 of the implementation, one further
   * for a constructor's new object.
   */
  public void bind(String function, int captured, boolean constructor, List<String> args, String result) {
    if (captured < 0) {
      for (int k = 0; k < args.size(); k++) {
        copy(Constraint.param(function, k), args.get(k));
      }
    } else {
      int shift = captured - 1 + (constructor ? 1 : 0);
      for (int k = 1; k < args.size(); k++) {
        copy(Constraint.param(function, k + shift), args.get(k));
      }
    }
    copy(result, Constraint.ret(function));
  }

  /**
   * A library method is not analysed: whatever it is given may be kept in its receiver (or, for a
   * static method, in an object of its own) and come back from it, directly or as a member of what
   * was given (a collection copied into another). What comes back is of the declared return type
   * ({@link TypeTests}): the receiver itself when the types are related (a buffer's {@code flip()},
   * a queue's {@code pollFirst()}), otherwise a view of it, an object of its own whose content is
   * the receiver's (a map's {@code entrySet()}); the rest only if it passes the test.
   *
   * @param args receiver first when {@code receiver}; null for a value that is not a reference
   * @param type the declared return type in the frontend's spelling, null when not a reference
   * @param temp a prefix for this call's temporary cells, unique per call
   * @param site names this call's own objects ({@code lib:site}, {@code view:site})
   */
  public void library(
      boolean receiver, List<String> args, String result, String owner, String type, String temp, String site) {
    String bag;
    int first;
    if (receiver) {
      bag = args.isEmpty() ? null : args.get(0);
      first = 1;
    } else {
      bag = temp + ".lib";
      String object = "lib:" + site;
      out.add(new Constraint.AddressOf(bag, object));
      typeTests.subtypeOf(object, type); // what it returns, made by the library
      first = 0;
    }
    if (bag == null) {
      return;
    }
    String candidates = typeTests.test(result, type, temp + ".r");
    for (int k = first; k < args.size(); k++) {
      String a = args.get(k);
      if (a == null) {
        continue;
      }
      out.add(new Constraint.Store(bag, a));
      String members = temp + ".m" + k;
      out.add(new Constraint.Load(members, a));
      out.add(new Constraint.Store(bag, members));
      copy(candidates, a);
    }
    if (result == null) {
      return;
    }
    out.add(new Constraint.Load(candidates, bag));
    if (!receiver || typeTests.mayReturnReceiver(owner, type)) {
      copy(result, bag);
      return;
    }
    out.add(new Constraint.AddressOf(result, "view:" + site));
    String in = temp + ".vin";
    String back = temp + ".vout";
    out.add(new Constraint.Load(in, bag));
    out.add(new Constraint.Store(result, in));
    out.add(new Constraint.Load(back, result));
    out.add(new Constraint.Store(bag, back));
  }
}
