package org.broomstick.memwalk.frontend.c;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.broomstick.memwalk.frontend.c.CTypeLayout.Layout;
import org.eclipse.cdt.core.dom.ast.IPointerType;
import org.junit.jupiter.api.Test;

/**
 * Known answers (each checked against gcc 12 -m64/-m32) for what the random differential test does
 * not reach: attribute arguments that need lookups, typedef attributes, {@code #pragma pack} with
 * identifiers, and the types whose layout must stay unknown.
 */
class CTypeLayoutTest {

  private static final CTypeLayout LP64 = new CTypeLayout(DataModel.LP64);
  private static final CTypeLayout ILP32 = new CTypeLayout(DataModel.ILP32);

  @Test
  void alignedArgumentsLookUpTagsEnumeratorsAndMacros() {
    CSnippet s =
        CSnippet.parse(
            """
            #define CACHE_LINE 64
            struct X { char c[6]; short s; };
            enum { SMALL = 4 };
            struct A1 { char c; int i __attribute__((aligned(sizeof(struct X)))); };
            struct A2 { char c; int i __attribute__((aligned(SMALL * 2))); };
            struct A3 { char c; } __attribute__((aligned(CACHE_LINE)));
            """);
    assertThat(LP64.offsetOf(s.composite("A1"), "i")).hasValue(8);
    assertThat(LP64.layoutOf(s.composite("A1"))).contains(new Layout(16, 8));
    assertThat(LP64.offsetOf(s.composite("A2"), "i")).hasValue(8);
    assertThat(LP64.layoutOf(s.composite("A3"))).contains(new Layout(64, 64));
  }

  @Test
  void typedefAlignmentSurvivesChainsAndQualifiers() {
    CSnippet s =
        CSnippet.parse(
            """
            typedef int TA __attribute__((aligned(8)));
            typedef TA TB;
            typedef const TB TC;
            struct A4 { char c; TC x; };
            """);
    assertThat(LP64.layoutOf(s.type("TC"))).contains(new Layout(4, 8));
    assertThat(ILP32.offsetOf(s.composite("A4"), "x")).hasValue(8);
  }

  @Test
  void modeAttributeAndVaList() {
    CSnippet s =
        CSnippet.parse(
            """
            typedef int DI __attribute__((mode(DI)));
            struct A5 { char c; __builtin_va_list ap; };
            """);
    assertThat(ILP32.sizeOf(s.type("DI"))).hasValue(8);
    assertThat(LP64.offsetOf(s.composite("A5"), "ap")).hasValue(8);
    assertThat(LP64.layoutOf(s.composite("A5"))).contains(new Layout(32, 8));
    assertThat(ILP32.layoutOf(s.composite("A5"))).contains(new Layout(8, 4));
  }

  @Test
  void packedEnumsIncludingAttributeBeforeTheBodyAndThroughAMacro() {
    CSnippet s =
        CSnippet.parse(
            """
            #define PACKED __attribute__((packed))
            enum PACKED EP { EP1 = 300 };
            typedef enum PACKED { EQ1 = -1 } EQ;
            enum ER { ER1 = 1 } __attribute__((packed));
            enum Plain { PL1 };
            enum Big { BIG1 = 0x100000000LL };
            enum EP ep; enum ER er; enum Plain pl; enum Big big;
            """);
    assertThat(LP64.sizeOf(s.type("ep"))).hasValue(2);
    assertThat(LP64.sizeOf(s.type("EQ"))).hasValue(1);
    assertThat(LP64.sizeOf(s.type("er"))).hasValue(1);
    assertThat(LP64.sizeOf(s.type("pl"))).hasValue(4);
    assertThat(ILP32.layoutOf(s.type("big"))).contains(new Layout(8, 4));
  }

  @Test
  void pragmaPackWithIdentifiersPushAndPop() {
    CSnippet s =
        CSnippet.parse(
            """
            #pragma pack(push, outer, 1)
            #pragma pack(push, 4)
            struct P1 { char c; double d; };
            #pragma pack(pop, outer)
            struct P2 { char c; double d; };
            """);
    assertThat(LP64.layoutOf(s.composite("P1"))).contains(new Layout(12, 4));
    assertThat(LP64.offsetOf(s.composite("P1"), "d")).hasValue(4);
    assertThat(LP64.layoutOf(s.composite("P2"))).contains(new Layout(16, 8));
    assertThat(ILP32.layoutOf(s.composite("P2"))).contains(new Layout(12, 4));
  }

  @Test
  void offsetsFollowDottedPathsAndAnonymousMembers() {
    CSnippet s =
        CSnippet.parse(
            "struct A6 { char c; struct { short a; int b; } in; union { char u1; long u2; };"
                + " int bits : 3; };");
    assertThat(LP64.offsetOf(s.composite("A6"), "in.b")).hasValue(8);
    assertThat(LP64.offsetOf(s.composite("A6"), "u2")).hasValue(16);
    assertThat(ILP32.offsetOf(s.composite("A6"), "u2")).hasValue(12);
    assertThat(LP64.offsetOf(s.composite("A6"), "bits")).isEmpty(); // no byte address
    assertThat(LP64.offsetOf(s.composite("A6"), "nope")).isEmpty();
  }

  @Test
  void tagsUsedBeforeTheirDefinition() {
    // nothing has resolved the defining names when the pointer types are asked about
    CSnippet s =
        CSnippet.parse(
            """
            struct S *p;
            enum E *pe;
            struct S { char c; double d; };
            enum E { E1 = 1 } __attribute__((packed));
            """);
    assertThat(LP64.layoutOf(((IPointerType) s.type("p")).getType())).contains(new Layout(16, 8));
    assertThat(LP64.sizeOf(((IPointerType) s.type("pe")).getType())).hasValue(1);
  }

  @Test
  void unknowableLayoutsAreEmpty() {
    CSnippet s =
        CSnippet.parse(
            """
            struct Fwd;
            struct Fwd *fwd;
            int (*fp)(int);
            typedef int V4 __attribute__((vector_size(16)));
            struct Ms { char c; int i : 3; } __attribute__((ms_struct));
            struct Bad { char c; int i __attribute__((aligned(unknown_name))); };
            __int128 wide;
            int incomplete[];
            void f(int n) { int vla[n]; }
            """);
    assertThat(LP64.layoutOf(((IPointerType) s.type("fwd")).getType())).isEmpty();
    assertThat(LP64.sizeOf(s.type("fwd"))).hasValue(8); // a pointer to it is fine
    assertThat(LP64.layoutOf(((IPointerType) s.type("fp")).getType())).isEmpty();
    assertThat(LP64.layoutOf(s.type("V4"))).isEmpty();
    assertThat(LP64.layoutOf(s.composite("Ms"))).isEmpty();
    assertThat(LP64.layoutOf(s.composite("Bad"))).isEmpty();
    assertThat(LP64.layoutOf(s.type("wide"))).contains(new Layout(16, 16));
    assertThat(ILP32.layoutOf(s.type("wide"))).isEmpty();
    assertThat(LP64.layoutOf(s.type("incomplete"))).isEmpty();
    assertThat(LP64.layoutOf(s.type("vla"))).isEmpty();
  }

  @Test
  void oneInstanceServesUnitsParsedInParallel() throws Exception {
    CTypeLayout shared = new CTypeLayout(DataModel.LP64);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Layout>> results =
          IntStream.range(0, 32)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            CSnippet s =
                                CSnippet.parse(
                                    "struct In { char c; long l; }; struct S { char c; struct In"
                                        + " in["
                                        + (i + 1)
                                        + "]; int t : 3; };");
                            return shared.layoutOf(s.composite("S")).orElseThrow();
                          }))
              .toList();
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get()).isEqualTo(new Layout(8 + 16L * (i + 1) + 8, 8));
      }
    } finally {
      pool.shutdown();
    }
  }
}
