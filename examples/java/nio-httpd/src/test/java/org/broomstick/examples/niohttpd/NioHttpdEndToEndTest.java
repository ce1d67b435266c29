package org.broomstick.examples.niohttpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.broomstick.runtime.StingyStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, "Show": the plain server and its Stingy build by hand, each on an ephemeral loopback
 * port, driven by 64 concurrent keep-alive clients with the same seeded sequences; the responses
 * must be identical byte for byte, the arena must have served allocations (hits) and nothing may be
 * left live in it once every connection is freed. A third run (issue 10: what the payoff benchmark
 * plugs in) caps the open connections with {@code maxConns} and takes its buffers from a counting
 * {@link BufferSource}: the same responses, the cap held, every buffer returned once.
 */
class NioHttpdEndToEndTest {
  private static final int CLIENTS = 64;
  private static final int REQUESTS = 40;
  private static final int CAP = 8;

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void plainAndStingyGiveTheSameResponses() throws Exception {
    ServedFiles files = ServedFiles.under(dir);
    Path root = files.root();
    byte[] hello = files.hello();
    byte[] big = files.big();

    Run plain = drive(options(root, false, 0, BufferSource.DIRECT), hello, big);
    Run stingy = drive(options(root, true, 0, BufferSource.DIRECT), hello, big);
    CountingBuffers counting = new CountingBuffers();
    Run capped = drive(options(root, false, CAP, counting), hello, big);

    for (Run r : new Run[] {plain, stingy, capped}) {
      assertThat(r.load.failures()).as("failures (%s)", r.options).isEmpty();
      assertThat(r.load.responses()).isEqualTo(r.load.requests()).isGreaterThanOrEqualTo((long) CLIENTS * REQUESTS);
      assertThat(r.summary.openAtExit()).isZero();
    }
    for (int i = 0; i < CLIENTS; i++) {
      assertThat(capped.load.transcripts().get(i))
          .as("responses of client %d, capped, counted buffers", i)
          .isEqualTo(plain.load.transcripts().get(i));
    }
    // --max-conns: never more open at once; without it, the clients do open more than that
    assertThat(capped.summary.peakOpen()).isLessThanOrEqualTo(CAP);
    assertThat(plain.summary.peakOpen()).isGreaterThan(CAP);
    // the pluggable buffer source got every buffer, and every one back, once
    assertThat(counting.allocated).isGreaterThanOrEqualTo(capped.summary.accepted() + capped.load.responses());
    assertThat(counting.live).as("buffers never freed").isEmpty();
    assertThat(counting.problems).isEmpty();
    for (int i = 0; i < CLIENTS; i++) {
      assertThat(stingy.load.transcripts().get(i))
          .as("responses of client %d", i)
          .isEqualTo(plain.load.transcripts().get(i));
    }
    assertThat(plain.summary.stingy()).isNull();
    StingyStats s = stingy.summary.stingy();
    System.out.printf(
        "nio-httpd: %d requests, %d connections per server; stingy: %d hits, %d fallbacks, %d live%n%s",
        stingy.load.requests(), stingy.load.connections(), s.hits(), s.fallbacks(), s.live(), s.toTable());
    assertThat(s.hits()).isPositive();
    assertThat(s.live()).as("slots still held").isZero();
    assertThat(s.regions()).allSatisfy(r -> assertThat(r.free()).isEqualTo(r.slots()));
    assertThat(s.object("HttpServer.accept:conn").highWater()).isLessThanOrEqualTo(32);
  }

  private record Run(HttpServer.Options options, LoadDriver.Result load, HttpServer.Summary summary) {}

  private static HttpServer.Options options(Path root, boolean stingy, int maxConns, BufferSource buffers) {
    return new HttpServer.Options(new InetSocketAddress("127.0.0.1", 0), root, stingy, maxConns, buffers);
  }

  /** Direct buffers, counted: every one handed out must come back once. */
  private static final class CountingBuffers implements BufferSource {
    final Set<ByteBuffer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    final List<String> problems = new ArrayList<>();
    long allocated;

    @Override
    public ByteBuffer allocate(int bytes) {
      ByteBuffer b = ByteBuffer.allocateDirect(bytes);
      live.add(b);
      allocated++;
      return b;
    }

    @Override
    public void free(ByteBuffer b) {
      if (!live.remove(b)) {
        problems.add("freed twice or not ours: " + b);
      }
    }
  }

  private static Run drive(HttpServer.Options options, byte[] hello, byte[] big) throws Exception {
    HttpServer server = HttpServer.open(options);
    Thread loop = server.start();
    LoadDriver.Result load;
    try {
      load = new LoadDriver(server.port(), hello, big).run(CLIENTS, REQUESTS, 7, 90_000);
    } finally {
      server.stop();
      loop.join(10_000);
    }
    return new Run(options, load, server.awaitSummary());
  }
}
