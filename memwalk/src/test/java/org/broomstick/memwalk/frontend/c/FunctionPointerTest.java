package org.broomstick.memwalk.frontend.c;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indirect calls resolve through the field-based Andersen analysis (issue 3, item 5): one fixture
 * per pattern, each with the edges it must produce.
 */
class FunctionPointerTest {

  @TempDir Path dir;

  private CFixture c(String text) {
    return new CFixture(dir).file("a.c", text).run();
  }

  @Test
  void directCallsAreCallEdges() {
    var f = c("""
        void leaf(void) {}
        void mid(void) { leaf(); }
        int main(void) { mid(); return 0; }
        """);
    assertThat(f.edges()).containsExactly("main -> mid", "mid -> leaf");
  }

  @Test
  void assignmentToAVariable() {
    var f = c("""
        void h1(void) {}
        void h2(void) {}
        void h3(void) {}
        int main(int argc, char **argv) {
          void (*fp)(void) = h1;
          if (argc) fp = &h2;
          fp();
          return 0;
        }
        """);
    assertThat(f.edges()).containsExactlyInAnyOrder("main -> h1", "main -> h2");
    assertThat(f.graph().indirectCalls()).singleElement()
        .satisfies(c -> assertThat(c.targets()).containsExactly("h1", "h2"));
  }

  @Test
  void parametersAndReturns() {
    var f = c("""
        typedef void (*cb_t)(int);
        void on_read(int x) {}
        void on_write(int x) {}
        static cb_t pick(int w) { return w ? on_write : on_read; }
        static void run(cb_t cb, int v) { cb(v); }
        int main(void) { run(pick(1), 2); return 0; }
        """);
    assertThat(f.edges()).contains("run@a.c -> on_read", "run@a.c -> on_write");
    assertThat(f.edges()).doesNotContain("main -> on_read");
  }

  @Test
  void handlerTableWithDesignatedInitializers() {
    var f = c("""
        struct conn;
        struct ops { const char *name; void (*got_request)(struct conn *); void (*close)(struct conn *); };
        void http_request(struct conn *c) {}
        void http_close(struct conn *c) {}
        void ftp_request(struct conn *c) {}
        struct ops handlers[] = {
          { .name = "http", .got_request = http_request, .close = http_close },
          { .got_request = ftp_request, .name = "ftp" },
        };
        void dispatch(struct conn *c, int proto) { handlers[proto].got_request(c); }
        void shut(struct conn *c, struct ops *o) { o->close(c); }
        """);
    assertThat(f.edges())
        .containsExactlyInAnyOrder(
            "dispatch -> http_request", "dispatch -> ftp_request", "shut -> http_close");
  }

  @Test
  void handlerTableWithPositionalInitializersAndNestedBraces() {
    var f = c("""
        typedef int (*handler_t)(void *);
        int get(void *r) { return 0; }
        int put(void *r) { return 1; }
        struct route { const char *path; int flags; handler_t fn; };
        static const struct route routes[] = { { "/get", 0, get }, { "/put", 1, put }, { 0, 0, 0 } };
        int route(void *r, int i) { return routes[i].fn(r); }
        """);
    assertThat(f.edges()).containsExactlyInAnyOrder("route -> get", "route -> put");
  }

  @Test
  void storeThroughArrowAndFieldToFieldCopy() {
    var f = c("""
        struct ev { void (*proc)(int); };
        struct slot { void (*saved)(int); };
        void accept_handler(int fd) {}
        void read_handler(int fd) {}
        void reg(struct ev *e, void (*p)(int)) { e->proc = p; }
        void save(struct slot *s, struct ev *e) { s->saved = e->proc; }
        void fire(struct slot *s) { s->saved(3); }
        void setup(struct ev *e) { reg(e, accept_handler); reg(e, read_handler); }
        """);
    assertThat(f.edges()).contains("fire -> accept_handler", "fire -> read_handler");
  }

  @Test
  void castsAndDereferencedCalls() {
    var f = c("""
        typedef void (*generic_t)(void);
        void real(int x) {}
        void call_it(generic_t g) { ((void (*)(int)) g)(1); (*g)(); }
        int main(void) { call_it((generic_t) real); return 0; }
        """);
    assertThat(f.edges()).contains("call_it -> real");
    assertThat(f.graph().unresolvedIndirectCalls()).isZero();
  }

  @Test
  void pointerToAFunctionPointer() {
    var f = c("""
        void target(void) {}
        void set(void (**slot)(void)) { *slot = target; }
        int main(void) { void (*fp)(void) = 0; set(&fp); fp(); return 0; }
        """);
    assertThat(f.edges()).contains("main -> target");
  }

  @Test
  void anUnresolvedIndirectCallIsADiagnosticAtItsLocation() {
    var f = new CFixture(dir).file("a.c", """
        extern void (*hook)(int);
        void run(void) {
          /* :: warning: (scg.unresolved-call) */
          hook(1);
        }
        """).run();
    assertThat(f.diagnostics()).isEqualTo(f.expectedDiagnostics());
  }

  @Test
  void staticFunctionsOfTheSameNameStayApartAcrossUnits() {
    var f = new CFixture(dir)
        .file("a.c", "static void helper(void) {}\nvoid a(void) { helper(); }\n")
        .file("b.c", "static void helper(void) {}\nvoid b(void) { helper(); }\n")
        .run();
    assertThat(f.edges()).containsExactlyInAnyOrder("a -> helper@a.c", "b -> helper@b.c");
  }

  @Test
  void functionsAreLinkedAcrossUnitsByName() {
    var f = new CFixture(dir)
        .file("api.h", "void on_data(int);\nvoid (*lookup(int k))(int);\n")
        .file("a.c", "#include \"api.h\"\nvoid on_data(int x) {}\nvoid (*lookup(int k))(int) { return on_data; }\n")
        .file("b.c", "#include \"api.h\"\nvoid use(void) { lookup(1)(2); }\n")
        .run();
    assertThat(f.edges()).containsExactlyInAnyOrder("use -> lookup", "use -> on_data");
  }

  @Test
  void twoDefinitionsOfOneFunctionAreMergedAndSaidSo() {
    var f = new CFixture(dir)
        .file("server.c", "void serve(void) {}\nint main(void) { serve(); return 0; }\n")
        .file("test.c", "void check(void) {}\n/* :: warning: (link.duplicate-definition) */\nint main(void) { check(); return 0; }\n")
        .run();
    assertThat(f.edges()).containsExactlyInAnyOrder("main -> serve", "main -> check");
    assertThat(f.diagnostics()).isEqualTo(f.expectedDiagnostics());
    // The model keeps the first unit's definition (input order: server.c, test.c), and the
    // warning at the second one names it.
    var main = f.program().functions().stream().filter(fn -> fn.name().equals("main")).toList();
    assertThat(main).hasSize(1);
    assertThat(main.get(0).location().file() + ":" + main.get(0).location().line()).isEqualTo("server.c:2");
    var warning = f.program().diagnostics().stream().filter(d -> d.key().equals("link.duplicate-definition")).toList();
    assertThat(warning).hasSize(1);
    assertThat(warning.get(0).at().file() + ":" + warning.get(0).at().line()).isEqualTo("test.c:3");
    assertThat(warning.get(0).message()).startsWith("main is also defined at server.c:2:5; the model keeps that definition, the first unit's,");
  }

  @Test
  void theCallThroughAMacroInvocationOverSeveralLinesIsNamedOnOneLine() {
    // libevent's HT_PROTOTYPE(...) spans lines; the unresolved call inside its expansion was named
    // by the raw invocation text, newlines included, in the message and in the JSON.
    var f = new CFixture(dir).file("a.c", """
        struct ops { void (*fn)(int); };
        #define CALL(o, x) (o)->fn(x)
        void run(struct ops *o) {
          CALL(o,
               1);
        }
        """).run();
    var unresolved = f.graph().diagnostics().stream().filter(d -> d.key().equals("scg.unresolved-call")).toList();
    assertThat(unresolved).hasSize(1);
    assertThat(unresolved.get(0).message()).isEqualTo("indirect call through 'CALL(o, 1)' resolves to no function");
    assertThat(unresolved.get(0).at().line()).isEqualTo(4);
    var call = f.program().calls().stream().filter(c -> c.callee() == null).toList();
    assertThat(call).singleElement().extracting(c -> c.calleeText()).isEqualTo("CALL(o, 1)");
  }

  @Test
  void anonymousStructTypesAreTheSameTypeInEveryUnit() {
    // nginx's event actions: a typedef of an anonymous struct, filled by a nested positional
    // initializer in one unit, copied whole and called through a macro in another.
    var f = new CFixture(dir)
        .file("ev.h", """
            typedef struct { int (*add)(int ev); int (*del)(int ev); } actions_t;
            typedef struct { const char *name; actions_t actions; } module_t;
            extern actions_t event_actions;
            #define add_event event_actions.add
            """)
        .file("epoll.c", """
            #include "ev.h"
            static int ep_add(int e) { return e; }
            static int ep_del(int e) { return e; }
            static module_t epoll_ctx = { "epoll", { ep_add, ep_del } };
            module_t *epoll_module(void) { return &epoll_ctx; }
            """)
        .file("event.c", """
            #include "ev.h"
            actions_t event_actions;
            module_t *epoll_module(void);
            void init(void) { event_actions = epoll_module()->actions; }
            int use(int e) { return add_event(e); }
            """)
        .run();
    assertThat(f.edges()).contains("use -> ep_add@epoll.c").doesNotContain("use -> ep_del@epoll.c");
  }
}
