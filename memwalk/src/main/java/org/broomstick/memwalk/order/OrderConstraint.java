package org.broomstick.memwalk.order;

/** {@code n_greater ≥ n_lesser}: every task that holds {@code lesser} between stages holds {@code greater}. */
public record OrderConstraint(String greater, String lesser) {}
