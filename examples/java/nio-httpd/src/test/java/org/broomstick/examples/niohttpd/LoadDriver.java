package org.broomstick.examples.niohttpd;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A load driver for nio-httpd (the Java counterpart of minihttpd's {@code test/load.c}): {@code
 * clients} concurrent keep-alive clients on loopback, one thread each, each sending a fixed, seeded
 * sequence of {@code requests} requests — GET /, GET and HEAD of files, POST /echo with 0 to 20 000
 * bytes, pipelined pairs (two requests in one write), 404s, refused paths (403), 405, {@code
 * Connection: close}, HTTP/1.0 /stats, and malformed requests that must get 400 with {@code
 * Connection: close} followed by the end of the connection (the client then reconnects). Every
 * response is checked and recorded byte for byte per client; /stats responses, which depend on
 * timing, are recorded as a marker. A client's sequence does not depend on timing, so neither do
 * the records. Sockets have read timeouts and the whole run a deadline.
 */
final class LoadDriver {
  /** What a run saw: per client, every response byte; problems found. */
  record Result(List<byte[]> transcripts, long requests, long responses, long connections, List<String> failures) {}

  private static final String[] MALFORMED = {
    "GET / HTTP/1.1\r\n\r\n", // no Host
    "GET /\r\nHost: x\r\n\r\n", // no version
    "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
    "G@T / HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n",
    "GET nope HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  private static final String[] REFUSED = {"/files/../pom.xml", "/files/.hidden", "/files/a%2f..%2fb", "/files//etc/passwd"};
  private static final int[] ECHO_SIZES = {0, 1, 100, 1000, 4000, 4096, 5000, 20000};
  private static final byte[] ECHO_DATA = new byte[20100];

  static {
    for (int i = 0; i < ECHO_DATA.length; i++) {
      ECHO_DATA[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
    }
  }

  private final int port;
  private final byte[] hello;
  private final byte[] big;

  /** @param hello and @param big the contents of /files/hello.txt and /files/big.txt */
  LoadDriver(int port, byte[] hello, byte[] big) {
    this.port = port;
    this.hello = hello;
    this.big = big;
  }

  Result run(int clients, int requests, long seed, long timeoutMillis) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Client>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        Client c = new Client(i, new Random(seed * 1_000_003L + i));
        futures.add(pool.submit(() -> {
          c.run(requests);
          return c;
        }));
      }
      pool.shutdown();
      if (!pool.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
        throw new IllegalStateException("load run did not finish in " + timeoutMillis + " ms");
      }
    } finally {
      pool.shutdownNow();
    }
    List<byte[]> transcripts = new ArrayList<>();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    long sent = 0;
    long got = 0;
    long conns = 0;
    for (Future<Client> f : futures) {
      Client c = f.get();
      transcripts.add(c.out.toByteArray());
      failures.addAll(c.failures);
      sent += c.sent;
      got += c.responses;
      conns += c.connections;
    }
    return new Result(transcripts, sent, got, conns, failures);
  }

  /** What a response must be. */
  private record Expect(int status, boolean head, boolean closes, byte[] body, boolean stats) {
    static Expect of(int status, byte[] body) {
      return new Expect(status, false, false, body, false);
    }
  }

  private final class Client {
    final int id;
    final Random rng;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<String> failures = new ArrayList<>();
    Socket socket;
    InputStream in;
    OutputStream os;
    byte[] buf = new byte[65536];
    int len;
    int sent;
    long responses;
    long connections;

    Client(int id, Random rng) {
      this.id = id;
      this.rng = rng;
    }

    void run(int requests) {
      try {
        connect();
        while (sent < requests && failures.isEmpty()) {
          step();
        }
      } catch (IOException | RuntimeException e) {
        fail("after request " + sent + ": " + e);
      } finally {
        closeSocket();
      }
    }

    void connect() throws IOException {
      closeSocket();
      socket = new Socket();
      socket.setSoTimeout(20_000);
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 20_000);
      in = socket.getInputStream();
      os = socket.getOutputStream();
      len = 0;
      connections++;
    }

    void closeSocket() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException e) {
          // closing
        }
        socket = null;
      }
    }

    void step() throws IOException {
      int kind = rng.nextInt(100);
      if (kind < 15) {
        exchange("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", null, Expect.of(200, null));
      } else if (kind < 30) {
        exchange("GET /files/hello.txt?v=" + rng.nextInt(1000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", null, Expect.of(200, hello));
      } else if (kind < 38) {
        exchange("GET /files/big.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", null, Expect.of(200, big));
      } else if (kind < 42) {
        exchange("HEAD /files/big.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", null, new Expect(200, true, false, null, false));
      } else if (kind < 62) {
        int n = ECHO_SIZES[rng.nextInt(ECHO_SIZES.length)];
        int off = rng.nextInt(100);
        byte[] body = Arrays.copyOfRange(ECHO_DATA, off, off + n);
        exchange("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + n + "\r\n\r\n", body, Expect.of(200, body));
      } else if (kind < 72) { // a pipelined pair in one write
        send(("GET /files/hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello").getBytes(ISO_8859_1));
        sent += 2;
        expect(Expect.of(200, hello));
        expect(Expect.of(200, "hello".getBytes(ISO_8859_1)));
      } else if (kind < 78) {
        exchange("GET /nope/" + rng.nextInt(100) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", null, Expect.of(404, null));
      } else if (kind < 82) {
        exchange("GET " + REFUSED[rng.nextInt(REFUSED.length)] + " HTTP/1.1\r\nHost: localhost\r\n\r\n", null, Expect.of(403, null));
      } else if (kind < 85) {
        exchange("DELETE /echo HTTP/1.1\r\nHost: localhost\r\n\r\n", null, Expect.of(405, null));
      } else if (kind < 89) {
        exchange("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", null, new Expect(200, false, true, null, false));
      } else if (kind < 92) {
        exchange("GET /stats HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", null, new Expect(200, false, false, null, true));
      } else {
        exchange(MALFORMED[rng.nextInt(MALFORMED.length)], null, new Expect(400, false, true, null, false));
      }
    }

    void exchange(String head, byte[] body, Expect e) throws IOException {
      byte[] h = head.getBytes(ISO_8859_1);
      byte[] all = body == null ? h : concat(h, body);
      send(all);
      sent++;
      expect(e);
    }

    void send(byte[] b) throws IOException {
      os.write(b);
      os.flush();
    }

    /** Reads one response, checks it and records it; reconnects after a closing one. */
    void expect(Expect e) throws IOException {
      int end;
      while ((end = indexOf(buf, len, "\r\n\r\n")) < 0) {
        if (fill() <= 0) {
          throw new IOException("connection ended inside a response head");
        }
      }
      String head = new String(buf, 0, end + 4, ISO_8859_1);
      int status = Integer.parseInt(head.substring(9, 12));
      String lower = head.toLowerCase(Locale.ROOT);
      int cl = lower.indexOf("\r\ncontent-length: ");
      if (cl < 0) {
        throw new IOException("no Content-Length: " + head);
      }
      int length = Integer.parseInt(lower.substring(cl + 18, lower.indexOf("\r\n", cl + 18)).trim());
      boolean closes = lower.contains("\r\nconnection: close\r\n");
      int bodyLen = e.head ? 0 : length;
      while (len < end + 4 + bodyLen) {
        if (fill() <= 0) {
          throw new IOException("connection ended inside a response body");
        }
      }
      byte[] body = Arrays.copyOfRange(buf, end + 4, end + 4 + bodyLen);
      int total = end + 4 + bodyLen;
      if (e.stats) {
        out.writeBytes(("[stats " + status + "]\n").getBytes(ISO_8859_1));
      } else {
        out.write(buf, 0, total);
      }
      System.arraycopy(buf, total, buf, 0, len - total);
      len -= total;
      responses++;
      if (status != e.status) {
        fail("request " + sent + ": status " + status + ", expected " + e.status);
      }
      if (e.body != null && !Arrays.equals(body, e.body)) {
        fail("request " + sent + ": body of " + body.length + " bytes differs from the expected " + e.body.length);
      }
      if (closes != e.closes) {
        fail("request " + sent + ": Connection: close " + closes + ", expected " + e.closes);
      }
      if (closes) {
        if (len != 0 || fill() > 0) {
          fail("request " + sent + ": bytes after a closing response");
        }
        connect();
      }
    }

    int fill() throws IOException {
      if (len == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = in.read(buf, len, buf.length - len);
      if (n > 0) {
        len += n;
      }
      return n;
    }

    void fail(String what) {
      failures.add("client " + id + ": " + what);
    }
  }

  private static int indexOf(byte[] b, int len, String s) {
    byte[] p = s.getBytes(ISO_8859_1);
    outer:
    for (int i = 0; i + p.length <= len; i++) {
      for (int k = 0; k < p.length; k++) {
        if (b[i + k] != p[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
