package org.broomstick.memwalk.liveness;

import java.util.BitSet;

/**
 * A gen/kill transfer function {@code L ↦ (L − kill) ∪ gen} over sets of object indices, kept
 * normalised ({@code gen ∩ kill = ∅}) so that composition and both meets stay in this form. A
 * function's summary is one of these: what calling it does to the caller's live set.
 */
final class Transfer {
  static final Transfer IDENTITY = new Transfer(new BitSet(), new BitSet());

  private final BitSet gen;
  private final BitSet kill;

  private Transfer(BitSet gen, BitSet kill) {
    this.gen = gen;
    this.kill = kill;
  }

  static Transfer gen(int object) {
    BitSet g = new BitSet();
    g.set(object);
    return new Transfer(g, new BitSet());
  }

  static Transfer kill(BitSet objects) {
    return new Transfer(new BitSet(), (BitSet) objects.clone());
  }

  BitSet apply(BitSet in) {
    BitSet out = (BitSet) in.clone();
    out.andNot(kill);
    out.or(gen);
    return out;
  }

  /** This, then {@code next}. */
  Transfer then(Transfer next) {
    BitSet g = (BitSet) gen.clone();
    g.andNot(next.kill);
    g.or(next.gen);
    BitSet k = (BitSet) kill.clone();
    k.or(next.kill);
    k.andNot(g);
    return new Transfer(g, k);
  }

  /** Either path may have run: live if live on one of them (may-analysis meet). */
  Transfer union(Transfer o) {
    BitSet g = (BitSet) gen.clone();
    g.or(o.gen);
    BitSet k = (BitSet) kill.clone();
    k.and(o.kill);
    return new Transfer(g, k);
  }

  /** Either path may have run: live only if live on both (must-analysis meet). */
  Transfer intersection(Transfer o) {
    BitSet g = (BitSet) gen.clone();
    g.and(o.gen);
    BitSet k = (BitSet) kill.clone();
    k.or(o.kill);
    k.andNot(g);
    return new Transfer(g, k);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Transfer t && t.gen.equals(gen) && t.kill.equals(kill);
  }

  @Override
  public int hashCode() {
    return gen.hashCode() * 31 + kill.hashCode();
  }

  @Override
  public String toString() {
    return "gen " + gen + " kill " + kill;
  }
}
