package org.broomstick.examples.niohttpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.broomstick.runtime.StingyStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, "Show": the plain server and its Stingy build by hand, each on an ephemeral loopback
 * port, driven by 64 concurrent keep-alive clients with the same seeded sequences; the responses
 * must be identical byte for byte, the arena must have served allocations (hits) and nothing may be
 * left live in it once every connection is freed.
 */
class NioHttpdEndToEndTest {
  private static final int CLIENTS = 64;
  private static final int REQUESTS = 40;

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void plainAndStingyGiveTheSameResponses() throws Exception {
    ServedFiles files = ServedFiles.under(dir);
    Path root = files.root();
    byte[] hello = files.hello();
    byte[] big = files.big();

    Run plain = drive(root, false, hello, big);
    Run stingy = drive(root, true, hello, big);

    for (Run r : new Run[] {plain, stingy}) {
      assertThat(r.load.failures()).as("failures (stingy=%s)", r.stingy).isEmpty();
      assertThat(r.load.responses()).isEqualTo(r.load.requests()).isGreaterThanOrEqualTo((long) CLIENTS * REQUESTS);
      assertThat(r.summary.openAtExit()).isZero();
    }
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

  private record Run(boolean stingy, LoadDriver.Result load, HttpServer.Summary summary) {}

  private static Run drive(Path root, boolean stingy, byte[] hello, byte[] big) throws Exception {
    HttpServer server = HttpServer.open(new HttpServer.Options(new InetSocketAddress("127.0.0.1", 0), root, stingy));
    Thread loop = server.start();
    LoadDriver.Result load;
    try {
      load = new LoadDriver(server.port(), hello, big).run(CLIENTS, REQUESTS, 7, 90_000);
    } finally {
      server.stop();
      loop.join(10_000);
    }
    return new Run(stingy, load, server.awaitSummary());
  }
}
