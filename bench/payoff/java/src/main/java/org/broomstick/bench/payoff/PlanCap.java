package org.broomstick.bench.payoff;

import java.util.List;
import org.broomstick.examples.niohttpd.HttpServer;
import org.broomstick.runtime.StingyConfig;

/**
 * Prints the cap K on open connections that nio-httpd's Stingy configuration implies: the accept
 * stage (the entry stage) allocates a connection's objects, and its dynamic check fails once any of
 * their pools is empty, so at most min(n_O) over those objects are open at once. The
 * "plain-capped" variant runs the plain server with {@code --max-conns K}.
 */
public final class PlanCap {
  private PlanCap() {}

  public static void main(String[] args) {
    StingyConfig config = HttpServer.stingyConfig();
    List<StingyConfig.Stage> entries = config.stages().stream().filter(StingyConfig.Stage::entry).toList();
    if (entries.size() != 1) {
      System.err.println("plan-cap: expected one entry stage, found " + entries.size());
      System.exit(1);
    }
    StingyConfig.Stage accept = entries.get(0);
    int k = accept.allocates().stream()
        .mapToInt(id -> config.objects().get(config.objectId(id)).count())
        .min()
        .orElseThrow(() -> new IllegalStateException(accept.id() + " allocates nothing: no cap"));
    System.out.println(k);
    System.err.println("plan-cap: " + accept.id() + " allocates " + accept.allocates() + "; K = " + k);
  }
}
