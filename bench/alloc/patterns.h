/*
 * The three allocation patterns, included twice by alloc_bench.c: once with ALLOC/FREE/NAME for
 * malloc/free (the preloaded library's), once for stingy_alloc/stingy_free. No include guard.
 * Every object is written when allocated and read before it is freed (its first word), and every
 * pointer escapes (ESCAPE), so the compiler can neither drop a pair nor skip the memory.
 */

/* One size class (256 B): alloc, write, read, free; 1 pair per iteration (LIFO, depth 1). */
static uint64_t NAME(single)(uint64_t pairs) {
  uint64_t sink = 0;
  for (uint64_t i = 0; i < pairs; i++) {
    uint64_t *p = ALLOC(MIX_256);
    p[0] = i;
    ESCAPE(p);
    sink += p[0];
    FREE(p);
  }
  return sink;
}

/* A mix of classes: a window of MIX_WINDOW live objects; each step frees a random one and
   allocates a random class in its place (40 B 50%, 256 B 25%, 512 B 15%, 4096 B 10%). */
static uint64_t NAME(mix)(uint64_t pairs) {
  void *win[MIX_WINDOW];
  uint64_t sink = 0;
  for (uint32_t i = 0; i < MIX_WINDOW; i++) {
    uint64_t *p = ALLOC(mix_class[i % 4]);
    p[0] = i;
    win[i] = p;
  }
  for (uint64_t i = 0; i < pairs; i++) {
    uint32_t r = mix_stream[i & (MIX_STREAM - 1)];
    uint32_t slot = r % MIX_WINDOW;
    uint64_t *old = win[slot];
    sink += old[0];
    FREE(old);
    uint64_t *p = ALLOC(r >> 16);
    p[0] = i;
    ESCAPE(p);
    win[slot] = p;
  }
  for (uint32_t i = 0; i < MIX_WINDOW; i++) FREE(win[i]);
  return sink;
}

/* One step of an event-loop task through its four stages (one request per cycle):
   accept: REQ;  parse: HDR, BUF;  body: free HDR, BODY;  send: free BUF, BODY, REQ.
   Four alloc/free pairs per cycle of four steps. The request (REQ) is read and written at every
   stage, every new object's first word is written, and every object is read before its free. */
static inline uint64_t NAME(step)(struct task *t) {
  uint64_t sink = 0;
  switch (t->stage) {
    case 0:
      t->req = ALLOC(EV_REQ);
      t->req[0] = 1;
      break;
    case 1:
      t->hdr = ALLOC(EV_HDR);
      t->buf = ALLOC(EV_BUF);
      t->hdr[0] = t->req[0];
      t->buf[0] = t->req[0] + 1;
      t->req[0] += 2;
      ESCAPE(t->hdr);
      ESCAPE(t->buf);
      break;
    case 2:
      sink += t->hdr[0];
      FREE(t->hdr);
      t->body = ALLOC(EV_BODY);
      t->body[0] = t->req[0];
      t->req[0] += 1;
      ESCAPE(t->body);
      break;
    default:
      sink += t->buf[0] + t->body[0] + t->req[0];
      FREE(t->buf);
      FREE(t->body);
      FREE(t->req);
      break;
  }
  t->stage = (t->stage + 1) & 3;
  return sink;
}

/* n tasks interleaved round-robin; task i starts i % 4 stages ahead (a staggered steady state).
   *ns gets the CPU time of the timed rounds, which make one pair per task per round. */
static uint64_t NAME(event)(struct task *tasks, uint32_t n, uint64_t rounds, double *ns) {
  uint64_t sink = 0;
  memset(tasks, 0, n * sizeof *tasks);
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t k = 0; k < i % 4; k++) sink += NAME(step)(&tasks[i]);
  for (uint32_t w = 0; w < 4; w++) /* one untimed cycle: first touches of the memory */
    for (uint32_t i = 0; i < n; i++) sink += NAME(step)(&tasks[i]);
  double t0 = now_ns();
  for (uint64_t r = 0; r < rounds; r++)
    for (uint32_t i = 0; i < n; i++) sink += NAME(step)(&tasks[i]);
  *ns = now_ns() - t0;
  for (uint32_t i = 0; i < n; i++) /* drain */
    while (tasks[i].stage != 0) sink += NAME(step)(&tasks[i]);
  return sink;
}
