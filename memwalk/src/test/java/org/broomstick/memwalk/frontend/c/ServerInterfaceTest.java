package org.broomstick.memwalk.frontend.c;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.FreeSite;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.ParamRole;
import org.broomstick.memwalk.spec.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server interface of SPEC §3 read from C: GNU attributes as in thesis figures 6.1, 6.7 and
 * 7.2, and what they turn into (event edges, allocation and free sites, hints).
 */
class ServerInterfaceTest {

  @TempDir Path dir;

  @Test
  void tuxQueueStageAttributeMakesEventEdges() {
    var f = new CFixture(dir).file("tux.c", """
        typedef struct tux_req tux_req_t;
        typedef void atom_func_t(tux_req_t *);
        void add_tux_atom(tux_req_t *req, atom_func_t *atom) __attribute__((QueueStage("T","S")));
        void *tux_malloc(int size) __attribute__((Malloc("int")));
        void kfree(void *mem) __attribute__((Free("0")));
        static int event_loop(void *ti) __attribute__((Scheduler));
        void parse_request(tux_req_t *r);
        void send_reply(tux_req_t *r) {}
        void accept_requests(tux_req_t *r) { add_tux_atom(r, parse_request); }
        void parse_request(tux_req_t *r) {
          char *buf = tux_malloc(1268);
          add_tux_atom(r, send_reply);
          kfree(buf);
        }
        """).run();
    assertThat(f.eventEdges())
        .containsExactlyInAnyOrder("accept_requests => parse_request", "parse_request => send_reply");
    ServerSpec spec = f.program().spec();
    assertThat(spec.queueStages()).containsKey("add_tux_atom");
    assertThat(spec.queueStages().get("add_tux_atom").params()).containsExactly(ParamRole.T, ParamRole.S);
    assertThat(spec.mallocs().get("tux_malloc").sizeParam()).isZero();
    assertThat(spec.frees().get("kfree").ptrParam()).isZero();
    assertThat(spec.schedulers()).extracting(ServerSpec.Declared::name).containsExactly("event_loop");
    AllocSite a = f.program().allocs().get(0);
    assertThat(a.id()).isEqualTo("tux.c:11:15#tux_malloc");
    assertThat(a.sizeBytes()).isEqualTo(1268L);
    assertThat(a.function()).isEqualTo("parse_request");
    FreeSite fr = f.program().frees().get(0);
    assertThat(f.pointsTo().of(fr.pointer())).containsExactly(a.heapObject());
  }

  @Test
  void thesisFigure67Wrappers() {
    var f = new CFixture(dir).file("wrappers.c", """
        typedef void funcptr_t(void *);
        typedef struct cevent { struct binding { funcptr_t *p; } *lBinding; } cevent;
        extern int cRaiseEvent(cevent *pev, int em, int nDelay, int nUrgency, int cDynamicArgs);
        int cRaiseEvent_wrap(cevent *pev, funcptr_t *func_pointer, int em, int nDelay, int nUrgency, int cDynamicArgs)
            __attribute__((QueueStage("X", "S", "X", "X", "X", "X")));
        int cRaiseEvent_wrap(cevent *pev, funcptr_t *func_pointer, int em, int nDelay, int nUrgency, int cDynamicArgs)
        { return cRaiseEvent(pev, em, nDelay, nUrgency, cDynamicArgs); }
        void ctp_send(void *ctx) {}
        void bind_events(cevent *pev) { pev->lBinding->p = ctp_send; }
        void raise(cevent *pev) { cRaiseEvent_wrap(pev, pev->lBinding->p, 0, 0, 0, 0); }

        typedef struct connecttab { int conn_state; } connecttab;
        int QueueStage(connecttab *c, int state, funcptr_t *func_pointer)
            __attribute__((QueueStage("T", "X", "S")));
        int QueueStage(connecttab *c, int state, funcptr_t *func_pointer) { c->conn_state = state; return 0; }
        void handle_read(void *c) {}
        void handle_newconnect(connecttab *c) { QueueStage(c, 1, handle_read); }

        typedef void (*SelectHandler)(int);
        void SetSelectHandler(int fd, SelectHandler s, int forRW) __attribute__((QueueStage("X", "S", "X")));
        void flash_read(int fd) {}
        void flash_accept(int fd) { SetSelectHandler(fd, flash_read, 0); }

        typedef void EVH(void *);
        typedef void PF(int, void *);
        void eventAdd(const char *name, EVH *func, void *arg, double when, int weight)
            __attribute__((QueueStage("X", "S", "X", "X", "X")));
        void commSetSelect(int fd, unsigned int type, PF *handler, void *client_data, long timeout)
            __attribute__((QueueStage("X", "X", "S", "X", "X")));
        void squid_cleanup(void *a) {}
        void squid_read(int fd, void *d) {}
        void squid_main(void) { eventAdd("cleanup", squid_cleanup, 0, 1.0, 1); commSetSelect(3, 1, squid_read, 0, 0); }
        """).run();
    assertThat(f.eventEdges())
        .containsExactlyInAnyOrder(
            "raise => ctp_send",
            "handle_newconnect => handle_read",
            "flash_accept => flash_read",
            "squid_main => squid_cleanup",
            "squid_main => squid_read");
  }

  @Test
  void stageFieldStoresQueueTheStoredFunction() {
    ServerSpec spec = new ServerSpec(Map.of(), Map.of(), Map.of(), Map.of(), List.of(),
        List.of(new ServerSpec.StageField("aeFileEvent", "rfileProc", SourceLocation.ofFile("broomstick.yaml"))),
        List.of(), null);
    var f = new CFixture(dir).spec(spec).file("ae.c", """
        typedef void aeFileProc(int fd, void *data);
        typedef struct aeFileEvent { aeFileProc *rfileProc; aeFileProc *wfileProc; } aeFileEvent;
        aeFileEvent events[64];
        int aeCreateFileEvent(int fd, aeFileProc *proc) { events[fd].rfileProc = proc; return 0; }
        void readQuery(int fd, void *d) {}
        void acceptTcp(int fd, void *d) { aeCreateFileEvent(fd, readQuery); }
        void loop(void) { for (int i = 0; i < 64; i++) events[i].rfileProc(i, 0); }
        """).run();
    assertThat(f.eventEdges()).containsExactly("aeCreateFileEvent => readQuery");
    assertThat(f.edges()).contains("loop -> readQuery");
  }

  @Test
  void stageFieldAttributeOnTheStructMember() {
    var f = new CFixture(dir).file("ev.c", """
        struct event { void (*handler)(int) __attribute__((StageField)); int fd; };
        void on_read(int fd) {}
        void arm(struct event *e) { e->handler = on_read; }
        """).run();
    assertThat(f.program().spec().stageFields()).extracting(ServerSpec.StageField::key).containsExactly("event.handler");
    assertThat(f.eventEdges()).containsExactly("arm => on_read");
  }

  @Test
  void allocationSizesHintsAndMacroSites() {
    var f = new CFixture(dir).file("alloc.c", """
        #define STINGY_DIR_SIZE 148
        #define ALLOC_REQ() my_malloc(64)
        struct req { int fd; char buf[100]; struct req *next; };
        void *my_malloc(unsigned long size) __attribute__((Malloc("size")));
        void my_free(void *p) __attribute__((Free("ptr")));
        unsigned long strlen(const char *);
        struct conn { char *path __attribute__((stingy_count(2))); };
        void stage(struct conn *c, const char *url) {
          struct req *r = my_malloc(sizeof(struct req) * 2 + 8);
          char *dir_name __attribute__((stingy_size(STINGY_DIR_SIZE)));
          dir_name = (char *) my_malloc(strlen(url));
          c->path = my_malloc(strlen(url) + 1);
          void *m = ALLOC_REQ();
          my_free(r);
          my_free(dir_name);
          my_free(m);
        }
        """).run();
    var allocs = f.program().allocs();
    assertThat(allocs).hasSize(4);
    // int, char[100], then a pointer aligned to 8: sizeof(struct req) == 112
    assertThat(allocs.get(0).sizeBytes()).isEqualTo(2L * 112 + 8);
    assertThat(allocs.get(0).sizeExpr()).isEqualTo("sizeof(struct req) * 2 + 8");
    assertThat(allocs.get(1).sizeBytes()).isNull();
    assertThat(allocs.get(1).hints().stingySize()).isEqualTo(148L);
    assertThat(allocs.get(2).hints().stingyCount()).isEqualTo(2L);
    assertThat(allocs.get(3).inMacro()).isTrue();
    assertThat(allocs.get(0).inMacro()).isFalse();
    assertThat(f.program().frees()).hasSize(3);
    assertThat(f.pointsTo().of(f.program().frees().get(1).pointer()))
        .containsExactly(allocs.get(1).heapObject());
  }

  @Test
  void unknownLabelsAreErrorsAtTheAttribute() {
    var f = new CFixture(dir).file("bad.c", """
        /* :: error: (spec.unknown-label) */
        void q(void *t, void (*s)(void)) __attribute__((QueueStage("T", "Q", "S")));
        /* :: error: (spec.malformed) */
        void q2(void *t, void (*s)(void)) __attribute__((QueueStage("T", "X")));
        /* :: error: (spec.unknown-label) */
        void *m(int n) __attribute__((Malloc("bytes")));
        """).run();
    assertThat(f.diagnostics()).isEqualTo(f.expectedDiagnostics());
  }

  @Test
  void aSidecarSpecBindsAServerThatCannotBeAnnotated() {
    var f = new CFixture(dir).specFile("broomstick.yaml")
        .file("broomstick.yaml", """
            queueStage:  [{function: aeCreateFileEvent, params: [X, X, S, T]}]
            malloc:      [{function: zmalloc, params: [size]}, {function: new_client, size: "sizeof(client) + 2 * sizeof(struct buf)"}]
            free:        [{function: zfree, params: [ptr]}]
            scheduler:   aeMain
            hints:       [{site: "net.c:9", stingy_size: 4096}, {site: "net.c:readQuery", stingy_count: 1}]
            # :: error: (spec.unknown-function)
            entry:       acceptTcpHandlr
            """)
        .file("net.c", """
            typedef struct client { int fd; char *query; } client;
            struct buf { char data[64]; };
            void *zmalloc(unsigned long n); void zfree(void *p); client *new_client(void);
            typedef void fileProc(int fd, void *data);
            int aeCreateFileEvent(int fd, int mask, fileProc *proc, void *data);
            void aeMain(void) {}
            void readQuery(int fd, void *data) {
              client *c = data;
              c->query = zmalloc(fd * 2);
            }
            void acceptTcpHandler(int fd, void *data) {
              client *c = new_client();
              aeCreateFileEvent(fd, 1, readQuery, c);
            }
            """)
        .run();
    assertThat(f.diagnostics()).contains("broomstick.yaml:7 error spec.unknown-function");
    assertThat(f.eventEdges()).containsExactly("acceptTcpHandler => readQuery");
    var allocs = f.program().allocs();
    assertThat(allocs).extracting(AllocSite::id)
        .containsExactly("net.c:9:14#zmalloc", "net.c:12:15#new_client");
    assertThat(allocs.get(0).hints()).isEqualTo(new org.broomstick.memwalk.model.Hints(4096L, 1L));
    assertThat(allocs.get(1).sizeBytes()).isEqualTo(16L + 2 * 64);
    assertThat(f.program().spec().schedulers()).extracting(ServerSpec.Declared::name).containsExactly("aeMain");
  }

  @Test
  void allocationSizesFollowTheTargetAbi() {
    String server = """
        struct req { long id; char *buf; double at; char tag; } __attribute__((aligned(8)));
        void *get(unsigned long n) __attribute__((Malloc("size")));
        void stage(void) { struct req *r = get(sizeof(struct req)); (void) r; }
        """;
    var lp64 = new CFixture(dir.resolve("lp64")).file("s.c", server).run();
    var ilp32 = new CFixture(dir.resolve("ilp32")).ilp32().file("s.c", server).run();
    assertThat(lp64.program().allocs().get(0).sizeBytes()).isEqualTo(32L); // 8 + 8 + 8 + 1, padded to 8
    assertThat(ilp32.program().allocs().get(0).sizeBytes()).isEqualTo(24L); // 4 + 4 + 8 + 1, padded to 8
  }
}
