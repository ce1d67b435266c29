package org.broomstick.examples.niohttpd;

import java.nio.ByteBuffer;
import java.util.List;
import org.broomstick.runtime.Stingy;
import org.broomstick.runtime.StingyConfig;
import org.broomstick.runtime.StingyConfig.Stage;

/**
 * The Stingy build of {@link HttpServer} by hand ({@code --stingy}), beside the build through the
 * Maven plugin (which generates the sites and the plan, but pools no instances and elects no
 * stages with a {@code StageGate}): the configuration
 * stingygen will generate from memwalk's report (object ids, sizes, counts {@code n_O}, and per stage
 * {@code A_s} and {@code L_s}), and the site rewriting {@code broomstick stingify} will do. Stingify
 * replaces each {@code buffer(n)} call site with {@code Stingy.alloc(Ids.X)} (or {@code
 * Stingy.alloc(Ids.X, n)} for a {@code @StingySize} site); here {@link #buffer} finds the site from
 * its caller instead, as the C example's {@code stingy_by_hand.h} finds it from the spelling of the
 * size. Each stage method calls {@code buffer} at most once, which is what makes the caller a site.
 */
final class StingyByHand {
  // Object ids: the order of CONFIG.objects() (stingify's generated Ids class).
  static final int CONN = 0;
  static final int IN = 1;
  static final int REQUEST = 2;
  static final int BODY = 3;
  static final int HEAD = 4;
  static final int RESP = 5;

  /**
   * The hand-made configuration: a 1 MiB slab of 64-byte lines (the C example's), 32 connections
   * with their input buffers and requests at once, 16 request bodies and 32 responses of up to 4 KiB
   * (the {@code @StingySize} hints). Connections and requests are pooled instances; their regions
   * are one line per slot and stay unused. The stages are listed in the server's pipeline order, so
   * a stage's id is its run queue's index; {@code liveIn} is memwalk's {@code L_s}.
   */
  static final StingyConfig CONFIG = StingyConfig.builder(1 << 20, 64)
      .object("HttpServer.accept:conn", 64, 32)
      .object("HttpServer.accept:in", HttpServer.IN_BYTES, 32)
      .object("HttpServer.parse:request", 64, 32)
      .object("HttpServer.parse:body", 4096, 16)
      .object("HttpServer.handle:head", HttpServer.HEAD_BYTES, 32)
      .object("HttpServer.respBody:resp", 4096, 32)
      .stage(stage("accept", true, List.of("conn", "in"), List.of()))
      .stage(stage("read", false, List.of(), List.of("conn", "in")))
      .stage(stage("parse", false, List.of("request", "body"), List.of("conn", "in")))
      .stage(stage("body", false, List.of(), List.of("conn", "in", "request", "body")))
      .stage(stage("handle", false, List.of("head", "resp"), List.of("conn", "in", "request", "body")))
      .stage(stage("write", false, List.of(), List.of("conn", "in", "request", "body", "head", "resp")))
      .stage(stage("linger", false, List.of(), List.of("conn", "in")))
      .stage(stage("close", false, List.of(), List.of("conn", "in")))
      .build();

  private static final StackWalker WALKER = StackWalker.getInstance();

  private StingyByHand() {}

  /** {@code HttpServer.buffer(bytes)} in the Stingy build: the caller's site from the arena. */
  static ByteBuffer buffer(int bytes) {
    // frames: this method, HttpServer.buffer, the site
    String site = WALKER.walk(s -> s.skip(2).findFirst()).map(StackWalker.StackFrame::getMethodName).orElse("?");
    return switch (site) {
      case "accept" -> Stingy.alloc(IN);
      case "parse" -> Stingy.alloc(BODY, bytes);
      case "handle" -> Stingy.alloc(HEAD);
      case "respBody" -> Stingy.alloc(RESP, bytes);
      default -> throw new IllegalStateException("no Stingy object for a buffer allocated in " + site);
    };
  }

  private static Stage stage(String id, boolean entry, List<String> allocates, List<String> liveIn) {
    return new Stage("HttpServer." + id, names(allocates), names(liveIn), entry);
  }

  private static List<String> names(List<String> short_) {
    return short_.stream().map(StingyByHand::objectName).toList();
  }

  private static String objectName(String shortName) {
    return switch (shortName) {
      case "conn", "in" -> "HttpServer.accept:" + shortName;
      case "request", "body" -> "HttpServer.parse:" + shortName;
      case "head" -> "HttpServer.handle:head";
      case "resp" -> "HttpServer.respBody:resp";
      default -> throw new IllegalArgumentException(shortName);
    };
  }
}
