package org.broomstick.bench.payoff;

import java.util.List;
import org.broomstick.examples.niohttpd.HttpServer;
import org.broomstick.runtime.StingyConfig;

/**
 * Prints the cap K on open connections that nio-httpd's Stingy configuration implies: the accept
 * stage (the entry stage) allocates a connection's objects, and its dynamic check fails once any of
 * their pools is empty, so at most min(n_O) over those objects are open at once. The
 * "plain-capped" variant runs the plain server with {@code --max-conns K}.
 *
 * <p>{@code PlanCap [CLASS]}: the plan of the generated config class {@code CLASS} (its {@code
 * CONFIG} field; {@code broomstick.generated.Ids} of the build through the Maven plugin, with {@code
 * target/stingy-classes} on the class path), or without an argument the hand-made configuration.
 */
public final class PlanCap {
  private PlanCap() {}

  public static void main(String[] args) {
    try {
      System.out.println(cap(args.length == 0 ? HttpServer.stingyConfig() : generated(args[0])));
    } catch (IllegalArgumentException | ReflectiveOperationException e) {
      System.err.println("plan-cap: " + e.getMessage());
      System.exit(1);
    }
  }

  /** The {@code CONFIG} of a generated config class. */
  static StingyConfig generated(String className) throws ReflectiveOperationException {
    return (StingyConfig) Class.forName(className, false, PlanCap.class.getClassLoader()).getField("CONFIG").get(null);
  }

  /** min n_O over the objects the one entry stage of {@code config} allocates. */
  static int cap(StingyConfig config) {
    List<StingyConfig.Stage> entries = config.stages().stream().filter(StingyConfig.Stage::entry).toList();
    if (entries.size() != 1) {
      throw new IllegalArgumentException("expected one entry stage, found " + entries.size());
    }
    StingyConfig.Stage accept = entries.get(0);
    return accept.allocates().stream()
        .mapToInt(id -> config.objects().get(config.objectId(id)).count())
        .min()
        .orElseThrow(() -> new IllegalArgumentException(accept.id() + " allocates nothing: no cap"));
  }
}
