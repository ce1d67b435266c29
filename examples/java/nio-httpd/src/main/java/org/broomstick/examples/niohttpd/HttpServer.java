package org.broomstick.examples.niohttpd;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.broomstick.annotations.Free;
import org.broomstick.annotations.Malloc;
import org.broomstick.annotations.QueueStage;
import org.broomstick.annotations.ScheduleStage;
import org.broomstick.annotations.Scheduler;
import org.broomstick.annotations.StingySize;
import org.broomstick.runtime.Arena;
import org.broomstick.runtime.Pool;
import org.broomstick.runtime.StageGate;
import org.broomstick.runtime.Stingy;
import org.broomstick.runtime.StingyConfig;
import org.broomstick.runtime.StingyStats;

/**
 * A Selector-based HTTP/1.1 server, annotated for Broomstick: one thread, non-blocking channels,
 * keep-alive, pipelining, requests parsed into a per-request object, a router whose handlers are
 * lambdas and method references, static responses from memory and from a directory, error paths that
 * free and close. It is the Java counterpart of {@code examples/c/minihttpd} and staged the same way
 * (thesis figure 7.6): a {@link Conn} is a task, its continuation the {@link Stage} it runs next;
 * stages are queued with {@link #queue} (or {@link #queueIo}, to run once the socket is ready) and
 * run by the scheduler {@link #loop}, one run queue per stage.
 *
 * <pre>
 *   accept -> read -> parse -> [body] -> handle -> write -> parse (keep-alive: next request)
 *              ^        |                            |
 *              +--------+ (more bytes)               +-> linger -> close (Connection: close)
 * </pre>
 *
 * With {@link Options#stingy()} the same code runs on stingy-runtime: the {@code @Malloc}/{@code
 * @Free} methods take slices and pooled instances from a cache-sized {@link Arena} and the scheduler
 * elects stages with a {@link StageGate}, whose {@code dynCheck} on the accept stage is the admission
 * control. {@link StingyByHand} says which parts {@code broomstick stingify} will generate.
 */
public final class HttpServer {
  static final int IN_BYTES = 4096; // request head limit; also what one read takes at most
  static final int HEAD_BYTES = 256; // status line and headers of a response
  static final int LINGER_BYTES = 65536; // drained after a closing response before giving up
  static final long IDLE_WAIT_MS = 1000;

  /** A stage: what a task runs next. */
  @FunctionalInterface
  interface Stage {
    void run(Conn c);
  }

  /** A route's handler: fills the response of {@code r} and returns its status. */
  @FunctionalInterface
  interface Handler {
    int handle(Conn c, Request r);
  }

  /**
   * @param bind where to listen (port 0: an ephemeral port)
   * @param root what {@code /files/} serves; null: nothing
   * @param stingy run on stingy-runtime (the Stingy build by hand)
   * @param maxConns stop accepting while this many connections are open (a plain counter; new
   *     connections wait in the backlog); 0: no limit
   * @param buffers where the plain build's buffers come from
   */
  public record Options(InetSocketAddress bind, Path root, boolean stingy, int maxConns, BufferSource buffers) {
    public Options {
      if (maxConns < 0) {
        throw new IllegalArgumentException("maxConns < 0: " + maxConns);
      }
      if (buffers == null) {
        throw new IllegalArgumentException("buffers: null (BufferSource.DIRECT is the default)");
      }
    }

    /** No connection limit, direct buffers. */
    public Options(InetSocketAddress bind, Path root, boolean stingy) {
      this(bind, root, stingy, 0, BufferSource.DIRECT);
    }
  }

  /**
   * What a server did, taken on its thread when the loop ends, after every connection was freed.
   *
   * @param peakOpen the most connections open at once
   * @param stingy the arena's counters in the Stingy build; null otherwise
   */
  public record Summary(
      long accepted, long requests, long responses, long bytesIn, long bytesOut, int openAtExit, int peakOpen,
      StingyStats stingy) {}

  private static final byte[] INDEX_PAGE =
      ("<!doctype html>\n<title>nio-httpd</title>\n"
              + "<p>nio-httpd: a Selector-based server annotated for Broomstick.\n"
              + "<p>Try <a href=\"/stats\">/stats</a>, <a href=\"/files/hello.txt\">/files/hello.txt</a> "
              + "or POST to /echo.\n")
          .getBytes(ISO_8859_1);
  // a response body from memory: one read-only direct buffer, a duplicate per response
  private static final ByteBuffer INDEX =
      ByteBuffer.allocateDirect(INDEX_PAGE.length).put(INDEX_PAGE).flip().asReadOnlyBuffer();
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  // The stages, one object each, so that queue() finds a stage's run queue by identity (as the C
  // server's stage_index does with function pointers); the index in the pipeline is also the stage
  // id of the Stingy configuration.
  private final Stage acceptStage = this::accept;
  private final Stage readStage = this::read;
  private final Stage parseStage = this::parse;
  private final Stage bodyStage = this::body;
  private final Stage handleStage = this::handle;
  private final Stage writeStage = this::write;
  private final Stage lingerStage = this::linger;
  private final Stage closeStage = this::close;
  private final Stage[] pipeline = {
    acceptStage, readStage, parseStage, bodyStage, handleStage, writeStage, lingerStage, closeStage
  };

  // The pipeline's stage methods, in its order: the plan's stage ids by run queue (planStages).
  private static final String[] STAGE_METHODS = {"accept", "read", "parse", "body", "handle", "write", "linger", "close"};
  private int[] planStages;

  private final Map<String, Handler> routes = new HashMap<>();

  {
    routes.put("/", this::index);
    routes.put("/files/", this::file);
    routes.put("/stats", this::stats);
    routes.put(
        "/echo",
        (c, r) -> {
          if (!r.method.equals("POST")) {
            return error(r, 405);
          }
          r.contentType = "application/octet-stream";
          r.outLen = r.contentLength;
          r.out = EMPTY;
          if (r.contentLength > 0) {
            ByteBuffer b = respBody(r, r.contentLength);
            b.put(0, r.body, 0, r.contentLength);
            r.out = b;
          }
          return 200;
        });
  }

  private final Options options;
  private final BufferSource buffers;
  private final Path root;
  private final ServerSocketChannel listen;
  private final Selector selector;
  private final SelectionKey listenKey;
  private final Conn listener = new Conn(); // the accept stage's task, as the C server's
  private final Set<Conn> open = new HashSet<>();
  @SuppressWarnings("unchecked")
  private final ArrayDeque<Conn>[] runq = new ArrayDeque[pipeline.length];
  private final ByteBuffer sink = ByteBuffer.allocateDirect(1024); // what linger drops
  private final Consumer<SelectionKey> onReady = this::ready;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile Summary summary;

  // the Stingy build: set on the loop thread when it starts
  private Arena arena;
  private Pool<Conn> connPool;
  private Pool<Request> requestPool;
  private StageGate<Conn> gate;

  private long accepted;
  private int peakOpen;
  private long requests;
  private long responses;
  private long bytesIn;
  private long bytesOut;
  private final long[] statusCounts = new long[6]; // by hundreds

  private HttpServer(Options options) throws IOException {
    this.options = options;
    this.buffers = options.buffers();
    this.root = options.root() == null ? null : options.root().toRealPath();
    for (int i = 0; i < runq.length; i++) {
      runq[i] = new ArrayDeque<>();
    }
    selector = Selector.open();
    listen = ServerSocketChannel.open();
    try {
      listen.bind(options.bind(), 511);
      listen.configureBlocking(false);
      listenKey = listen.register(selector, 0, listener);
      listener.key = listenKey;
    } catch (IOException e) {
      listen.close();
      selector.close();
      throw e;
    }
  }

  /** Binds the listening socket; {@link #run} or {@link #start} serves it. */
  public static HttpServer open(Options options) throws IOException {
    return new HttpServer(options);
  }

  /** The port it listens on. */
  public int port() {
    return ((InetSocketAddress) listen.socket().getLocalSocketAddress()).getPort();
  }

  /** Serves on a new thread until {@link #stop}. */
  public Thread start() {
    Thread t = new Thread(this::run, "nio-httpd-" + port());
    t.start();
    return t;
  }

  /**
   * Serves on the calling thread until {@link #stop}, then frees every connection and closes. In the
   * Stingy build the arena is bound to this thread, where every allocation and free happens.
   */
  public void run() {
    try {
      if (options.stingy()) {
        arena = Stingy.init(StingyByHand.CONFIG);
        connPool = arena.pool(StingyByHand.CONN, Conn::new, Conn::clear);
        requestPool = arena.pool(StingyByHand.REQUEST, Request::new, Request::clear);
        gate = StageGate.of(arena);
      }
      queueIo(listener, acceptStage, SelectionKey.OP_ACCEPT); // the first event edge: the entry stage
      listener.armed = true;
      loop();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      shutdown();
    }
  }

  /** Asks the loop to end; returns at once. */
  public void stop() {
    running = false;
    selector.wakeup();
  }

  /** The configuration the Stingy build runs on (its entry stage's pools bound the open connections). */
  public static StingyConfig stingyConfig() {
    return StingyByHand.CONFIG;
  }

  /** Waits for the loop to end and returns its summary. */
  public Summary awaitSummary() throws InterruptedException {
    done.await();
    return summary;
  }

  // ---- allocation of the objects -------------------------------------------------------------

  /** A buffer of {@code bytes}, position 0, limit {@code bytes}. */
  @Malloc
  ByteBuffer buffer(@Malloc.Size int bytes) {
    return arena != null ? StingyByHand.buffer(bytes) : buffers.allocate(bytes);
  }

  @Free
  void release(ByteBuffer b) {
    if (arena != null) {
      Stingy.free(b); // ignores (and counts) buffers that are not the arena's: fallbacks, oversize
    } else if (b != null) {
      buffers.free(b); // direct buffers (the default): the garbage collector frees them
    }
  }

  @Malloc
  Conn conn() {
    return connPool != null ? connPool.alloc() : new Conn();
  }

  @Free
  void releaseConn(Conn c) {
    if (connPool != null) {
      connPool.free(c);
    }
  }

  @Malloc
  Request request() {
    return requestPool != null ? requestPool.alloc() : new Request();
  }

  @Free
  void releaseRequest(Request r) {
    if (requestPool != null) {
      requestPool.free(r);
    }
  }

  private void requestFree(Conn c) {
    Request r = c.req;
    if (r == null) {
      return;
    }
    release(r.body);
    release(r.head);
    release(r.respBody);
    c.req = null;
    releaseRequest(r);
  }

  /** The response body of every handler that builds one: one allocation site, as servers have. */
  private ByteBuffer respBody(Request r, int bytes) {
    @StingySize(4096) ByteBuffer b = buffer(bytes);
    r.respBody = b;
    return b;
  }

  // ---- run queues and I/O waits --------------------------------------------------------------

  @QueueStage
  void queue(@QueueStage.Task Conn c, @QueueStage.Stage Stage s) {
    runqPush(c, s);
  }

  /** The stage runs once the socket is ready for {@code ops}. */
  @QueueStage(params = {"T", "S", "X"})
  void queueIo(Conn c, Stage s, int ops) {
    c.wait = s;
    c.key.interestOps(ops);
  }

  /** Appends the task to the run queue of the stage; the scheduler's own re-queueing comes here. */
  private void runqPush(Conn c, Stage s) {
    int i = stageIndex(s);
    c.next = s;
    c.queued = true;
    if (gate != null) {
      gate.submit(c, i);
    } else {
      runq[i].addLast(c);
    }
  }

  private int stageIndex(Stage s) {
    for (int i = 0; i < pipeline.length; i++) {
      if (pipeline[i] == s) {
        return i;
      }
    }
    throw new IllegalArgumentException("not a stage of the pipeline: " + s);
  }

  // ---- stages --------------------------------------------------------------------------------

  /** Accepts one connection; the scheduler queues the stage again while the listener has more. */
  private void accept(Conn l) {
    SocketChannel ch;
    try {
      ch = listen.accept();
    } catch (IOException e) {
      l.ready = false; // EMFILE and the like: retry on the next readiness
      return;
    }
    if (ch == null) {
      l.ready = false; // drained: the scheduler waits for the listener again
      return;
    }
    Conn c = conn();
    c.ch = ch;
    c.in = buffer(IN_BYTES);
    try {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      c.key = ch.register(selector, 0, c);
    } catch (IOException e) {
      release(c.in);
      releaseConn(c);
      closeQuietly(ch);
      return;
    }
    open.add(c);
    peakOpen = Math.max(peakOpen, open.size());
    accepted++;
    queue(c, readStage);
  }

  private void read(Conn c) {
    if (!c.in.hasRemaining()) { // a head that fills the buffer: parse rejects it
      queue(c, parseStage);
      return;
    }
    int n;
    try {
      n = c.ch.read(c.in);
    } catch (IOException e) {
      queue(c, closeStage);
      return;
    }
    if (n > 0) {
      bytesIn += n;
      queue(c, parseStage);
    } else if (n == 0) {
      queueIo(c, readStage, SelectionKey.OP_READ);
    } else {
      queue(c, closeStage); // the client closed, between requests or in the middle of one
    }
  }

  private void parse(Conn c) {
    int len = c.in.position();
    int headEnd = Http.headEnd(c.in, len);
    if (headEnd < 0 && c.in.hasRemaining()) {
      queue(c, readStage); // not a whole head yet
      return;
    }
    Request r = request();
    c.req = r;
    requests++;
    c.requests++;
    if (headEnd < 0) { // the head does not fit in the buffer
      r.status = 400;
      r.consumed = len;
      queue(c, handleStage);
      return;
    }
    r.headLen = headEnd + 4;
    r.consumed = r.headLen;
    r.status = Http.parseHead(r, c.in);
    if (r.status != 0) {
      r.keepAlive = false; // the framing of what follows is unknown: answer and close
      queue(c, handleStage);
      return;
    }
    if (r.contentLength > 0) {
      @StingySize(4096) ByteBuffer body = buffer(r.contentLength);
      r.body = body;
      int have = Math.min(len - r.headLen, r.contentLength);
      body.put(0, c.in, r.headLen, have).position(have);
      r.consumed += have;
      if (have < r.contentLength) {
        queue(c, bodyStage);
        return;
      }
    }
    queue(c, handleStage);
  }

  /** The rest of a request body, read straight into it. */
  private void body(Conn c) {
    Request r = c.req;
    int n;
    try {
      n = c.ch.read(r.body);
    } catch (IOException e) {
      queue(c, closeStage);
      return;
    }
    if (n > 0) {
      bytesIn += n;
      queue(c, r.body.hasRemaining() ? bodyStage : handleStage);
    } else if (n == 0) {
      queueIo(c, bodyStage, SelectionKey.OP_READ);
    } else {
      queue(c, closeStage); // closed in the middle of the body
    }
  }

  /** Runs the request's handler (or answers the parser's rejection) and formats the head. */
  private void handle(Conn c) {
    Request r = c.req;
    int status = r.status;
    if (status != 0) {
      status = error(r, status);
    } else {
      Handler h = routes.get(r.path);
      if (h == null && r.path.startsWith("/files/")) {
        h = routes.get("/files/");
      }
      status = h != null ? h.handle(c, r) : error(r, 404);
      if (r.method.equals("HEAD")) {
        r.sendBody = false;
      }
    }
    ByteBuffer head = buffer(HEAD_BYTES);
    r.head = head;
    byte[] text = Http.head(r, status);
    if (text.length > head.remaining()) {
      queue(c, closeStage);
      return;
    }
    head.put(text).flip();
    statusCounts[status / 100 % 6]++;
    queue(c, writeStage);
  }

  private void write(Conn c) {
    Request r = c.req;
    ByteBuffer[] iov = c.iov;
    iov[0] = r.head;
    iov[1] = r.sendBody ? r.out : EMPTY;
    try {
      while (iov[0].hasRemaining() || iov[1].hasRemaining()) {
        long n = c.ch.write(iov);
        if (n == 0) {
          queueIo(c, writeStage, SelectionKey.OP_WRITE);
          return;
        }
        bytesOut += n;
      }
    } catch (IOException e) {
      queue(c, closeStage); // the client is gone
      return;
    }
    iov[0] = null;
    iov[1] = null;
    // The response is out: drop the request and its bytes, then the next pipelined request.
    boolean keep = r.keepAlive;
    int consumed = r.consumed;
    requestFree(c);
    c.in.flip().position(consumed);
    c.in.compact();
    responses++;
    if (!keep) {
      try {
        c.ch.shutdownOutput();
      } catch (IOException e) {
        queue(c, closeStage);
        return;
      }
      queue(c, lingerStage);
      return;
    }
    queue(c, parseStage);
  }

  /**
   * After a closing response, reads and drops what the client still sends until it closes, so that
   * closing with unread data does not reset the connection before the client read the response.
   */
  private void linger(Conn c) {
    try {
      for (;;) {
        sink.clear();
        int n = c.ch.read(sink);
        if (n > 0) {
          c.lingered += n;
          if (c.lingered < LINGER_BYTES) {
            continue;
          }
        } else if (n == 0) {
          queueIo(c, lingerStage, SelectionKey.OP_READ);
          return;
        }
        break;
      }
    } catch (IOException e) {
      // reset by the client: close
    }
    queue(c, closeStage);
  }

  private void close(Conn c) {
    connFree(c);
  }

  /** Frees what the task holds and closes its channel (also at exit, outside the scheduler). */
  private void connFree(Conn c) {
    requestFree(c);
    release(c.in);
    c.in = null;
    if (c.key != null) {
      c.key.cancel();
    }
    closeQuietly(c.ch);
    open.remove(c);
    releaseConn(c);
  }

  // ---- handlers ------------------------------------------------------------------------------

  private static final Map<Integer, byte[]> ERROR_BODIES = Map.of(
      400, "400 Bad Request\n".getBytes(ISO_8859_1),
      403, "403 Forbidden\n".getBytes(ISO_8859_1),
      404, "404 Not Found\n".getBytes(ISO_8859_1),
      405, "405 Method Not Allowed\n".getBytes(ISO_8859_1),
      413, "413 Content Too Large\n".getBytes(ISO_8859_1),
      500, "500 Internal Server Error\n".getBytes(ISO_8859_1),
      501, "501 Not Implemented\n".getBytes(ISO_8859_1));

  /** An error response with a body from memory. */
  private static int error(Request r, int status) {
    byte[] text = ERROR_BODIES.get(status);
    if (text == null) {
      status = 500;
      text = ERROR_BODIES.get(500);
    }
    r.out = ByteBuffer.wrap(text);
    r.outLen = text.length;
    r.contentType = "text/plain";
    return status;
  }

  private static boolean getOrHead(Request r) {
    return r.method.equals("GET") || r.method.equals("HEAD");
  }

  private int index(Conn c, Request r) {
    if (!getOrHead(r)) {
      return error(r, 405);
    }
    r.out = INDEX.duplicate();
    r.outLen = INDEX_PAGE.length;
    r.contentType = "text/html";
    return 200;
  }

  /**
   * A file under the root: path segments of [A-Za-z0-9._-], none empty or starting with '.', so no
   * way out of the root ("..", hidden files, "//"); a final symbolic link is not followed.
   */
  private int file(Conn c, Request r) {
    if (!getOrHead(r)) {
      return error(r, 405);
    }
    String name = r.path.substring("/files/".length());
    if (root == null || name.isEmpty() || name.length() > 255) {
      return error(r, 404);
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      boolean segmentStart = i == 0 || name.charAt(i - 1) == '/';
      if (segmentStart && (ch == '.' || ch == '/')) {
        return error(r, 403);
      }
      if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
          || ch == '.' || ch == '_' || ch == '-' || ch == '/')) {
        return error(r, 403);
      }
    }
    Path p = root.resolve(name);
    if (!p.normalize().startsWith(root)) {
      return error(r, 403); // cannot happen after the checks above; kept as the last word
    }
    try (FileChannel f = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || f.size() > Http.MAX_BODY) {
        return error(r, 403);
      }
      int size = (int) f.size();
      r.contentType = "text/plain";
      r.outLen = size;
      r.out = EMPTY;
      if (!r.method.equals("GET") || size == 0) {
        return 200;
      }
      ByteBuffer b = respBody(r, size);
      while (b.hasRemaining() && f.read(b) >= 0) {}
      if (b.hasRemaining()) { // the file shrank
        release(b);
        r.respBody = null;
        return error(r, 500);
      }
      r.out = b.flip();
      return 200;
    } catch (NoSuchFileException e) {
      return error(r, 404);
    } catch (IOException e) {
      return error(r, 403);
    }
  }

  private int stats(Conn c, Request r) {
    if (!r.method.equals("GET")) {
      return error(r, 405);
    }
    byte[] text = ("accepted " + accepted + "\nopen " + open.size() + "\nrequests " + requests
            + "\nresponses " + responses + "\nbytes_in " + bytesIn + "\nbytes_out " + bytesOut
            + "\n2xx " + statusCounts[2] + "\n4xx " + statusCounts[4] + "\n5xx " + statusCounts[5]
            + "\nthis_connection_requests " + c.requests + "\n")
        .getBytes(ISO_8859_1);
    ByteBuffer b = respBody(r, text.length);
    b.put(0, text);
    r.out = b;
    r.outLen = text.length;
    r.contentType = "text/plain";
    return 200;
  }

  // ---- the scheduler -------------------------------------------------------------------------

  @ScheduleStage
  private static void run(@ScheduleStage.Task Conn c, @ScheduleStage.Stage Stage s) {
    c.queued = false;
    s.run(c);
  }

  @Scheduler
  void loop() throws IOException {
    while (running) {
      admit();
      if (gate != null) {
        // Thesis §7.4.5: the gate elects a stage and a batch; a stage runs when the objects it
        // allocates are in the arena (dynCheck), past the entry one task at a time as a last resort;
        // the accept stage never runs while its check fails: new connections wait in the backlog.
        if (gate.runNext((c, id) -> run(c, c.next)) > 0) {
          admit();
          poll(0);
          continue;
        }
        poll(IDLE_WAIT_MS); // nothing may run: wait for I/O, which is what frees memory
      } else {
        // Stage after stage, each running the tasks queued at it when its turn comes. In the build
        // through the plugin a stage runs while what it allocates is in the arena (dynCheck, thesis
        // §7.4.5); when nothing ran, one task of the most advanced held stage runs anyway.
        int[] plan = planStages();
        boolean more = false;
        boolean ran = false;
        int held = -1;
        for (int i = 0; i < runq.length; i++) {
          ArrayDeque<Conn> q = runq[i];
          for (int k = q.size(); k > 0; k--) {
            if (plan != null && plan[i] >= 0 && !Stingy.dynCheck(plan[i])) {
              held = i > 0 ? i : held; // the entry stage waits: admission control
              break;
            }
            Conn c = q.pollFirst();
            run(c, c.next);
            ran = true;
          }
        }
        if (!ran && held > 0) {
          Conn c = runq[held].pollFirst();
          run(c, c.next); // falls back to allocateDirect rather than stall
        }
        admit(); // before waiting: the listener must be armed if accept drained it, or queued if not
        for (ArrayDeque<Conn> q : runq) {
          more |= !q.isEmpty(); // after admit: a queued accept stage must not wait for the timeout
        }
        poll(more ? 0 : IDLE_WAIT_MS);
      }
    }
  }

  /**
   * The plan's stage id of each run queue once this thread has an arena (the build through the
   * plugin, whose arena starts on the first allocation); null before and in the plain build.
   */
  private int[] planStages() {
    if (planStages == null && Stingy.isBound()) {
      planStages = Stingy.arena().config().stageIds(HttpServer.class, STAGE_METHODS);
    }
    return planStages;
  }

  /** Readiness queues the stage a task waits in. */
  private void poll(long timeoutMs) throws IOException {
    if (timeoutMs == 0) {
      selector.selectNow(onReady);
    } else {
      selector.select(onReady, timeoutMs);
    }
  }

  private void ready(SelectionKey k) {
    Conn c = (Conn) k.attachment();
    if (!k.isValid()) {
      return;
    }
    k.interestOps(0); // level-triggered: ask again when the stage waits again
    if (c == listener) {
      listener.wait = null;
      listener.armed = false;
      listener.ready = true;
    } else if (c.wait != null) {
      Stage s = c.wait;
      c.wait = null;
      runqPush(c, s);
    }
  }

  /**
   * New connections (TUX's AcceptNewRequests): while the listener has some, its accept stage is
   * queued, one connection per run; once drained, it waits for OP_ACCEPT again. So while admission
   * control holds the accept stage back, new connections wait in the backlog and select does not
   * spin on them. The same holds while {@link Options#maxConns} connections are open, and in the
   * build through the plugin while the arena's check on the entry stage fails ({@link
   * Stingy#admits}: the thesis's scheduler check, §7.4.5; true on a thread without an arena, so the
   * plain build is not affected).
   */
  private void admit() {
    if (listener.queued || (options.maxConns() > 0 && open.size() >= options.maxConns())) {
      return;
    }
    if (gate == null && !Stingy.admits()) {
      return; // the build through the plugin: the plan's entry check (always true in the plain build)
    }
    if (listener.ready) {
      runqPush(listener, acceptStage);
    } else if (!listener.armed) {
      listenKey.interestOps(SelectionKey.OP_ACCEPT);
      listener.armed = true;
    }
  }

  /** Frees every connection, queued or waiting, so that nothing the tasks held stays live. */
  private void shutdown() {
    try {
      for (Conn c : new ArrayList<>(open)) {
        connFree(c);
      }
      for (ArrayDeque<Conn> q : runq) {
        q.clear();
      }
      int left = open.size();
      closeQuietly(listen);
      try {
        selector.close();
      } catch (IOException e) {
        // nothing left to do
      }
      // the build through the plugin: the arena its first allocation started on this thread
      Arena used = arena != null ? arena : Stingy.isBound() ? Stingy.arena() : null;
      StingyStats stats = used != null ? used.stats() : null;
      if (used != null) {
        Stingy.unbind();
      }
      summary = new Summary(accepted, requests, responses, bytesIn, bytesOut, left, peakOpen, stats);
    } finally {
      done.countDown();
    }
  }

  private static void closeQuietly(java.nio.channels.Channel ch) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException e) {
      // closing: nothing to report to
    }
  }

  // ---- main ----------------------------------------------------------------------------------

  /**
   * {@code nio-httpd [--port P] [--bind ADDR] [--root DIR] [--stingy] [--max-conns K] [--buffers
   * CLASS]} (or {@code -Dnio.stingy=true}, {@code -Dnio.buffers=CLASS}): prints "port P" once it
   * listens and serves until interrupted, then prints a summary (and the arena's counters in the
   * Stingy build).
   */
  public static void main(String[] args) throws Exception {
    final String usage =
        "usage: nio-httpd [--port P] [--bind ADDR] [--root DIR] [--stingy] [--max-conns K] [--buffers CLASS]";
    int port = 8080;
    String bind = "127.0.0.1";
    Path root = null;
    boolean stingy = Boolean.getBoolean("nio.stingy");
    int maxConns = 0;
    String buffers = System.getProperty("nio.buffers");
    BufferSource source;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--port" -> port = number("--port", args[++i]);
          case "--bind" -> bind = args[++i];
          case "--root" -> root = Path.of(args[++i]);
          case "--stingy" -> stingy = true;
          case "--max-conns" -> maxConns = number("--max-conns", args[++i]);
          case "--buffers" -> buffers = args[++i];
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (maxConns < 0) {
        throw new IllegalArgumentException("--max-conns: " + maxConns + " < 0");
      }
      if (stingy && buffers != null) {
        throw new IllegalArgumentException("--buffers: the Stingy build takes its buffers from the arena");
      }
      source = buffers == null ? BufferSource.DIRECT : bufferSource(buffers);
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      System.err.println("nio-httpd: " + (e instanceof ArrayIndexOutOfBoundsException ? "missing value" : e.getMessage()));
      System.err.println(usage);
      System.exit(2);
      return;
    }
    HttpServer server = open(new Options(new InetSocketAddress(bind, port), root, stingy, maxConns, source));
    System.out.println("port " + server.port());
    Thread loop = server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      try {
        Summary s = server.awaitSummary();
        System.err.println("nio-httpd: " + s.accepted() + " connections (at most " + s.peakOpen() + " open), "
            + s.requests() + " requests, " + s.responses() + " responses, " + s.bytesIn() + " bytes in, "
            + s.bytesOut() + " bytes out");
        if (s.stingy() != null) {
          System.err.print(s.stingy().toTable());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    loop.join();
  }

  private static int number(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": not a number: " + value);
    }
  }

  /** The {@link BufferSource} provider of that class name on the class path. */
  static BufferSource bufferSource(String name) {
    ServiceLoader<BufferSource> loader = ServiceLoader.load(BufferSource.class);
    return loader.stream()
        .filter(p -> p.type().getName().equals(name))
        .findFirst()
        .map(ServiceLoader.Provider::get)
        .orElseThrow(() -> new IllegalArgumentException("--buffers: no BufferSource provider " + name
            + " on the class path (found: " + loader.stream().map(p -> p.type().getName()).toList() + ")"));
  }
}
