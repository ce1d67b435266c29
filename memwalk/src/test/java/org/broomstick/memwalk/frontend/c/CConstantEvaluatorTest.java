package org.broomstick.memwalk.frontend.c;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What {@link CConstantEvaluator} makes of C constant expressions; values are gcc's. */
class CConstantEvaluatorTest {

  /** Evaluates {@code expr} as the initialiser of {@code v}, after {@code decls}. */
  private static OptionalLong eval(DataModel model, String decls, String expr) {
    CSnippet s = CSnippet.parse(decls + "\nlong v = " + expr + ";\n");
    return new CConstantEvaluator(new CTypeLayout(model)).evaluate(s.initializer("v"));
  }

  private static OptionalLong eval(String decls, String expr) {
    return eval(DataModel.LP64, decls, expr);
  }

  private static OptionalLong eval(String expr) {
    return eval("", expr);
  }

  private static final String STRUCT_S = "struct s { char c; int i; double d; };";

  @Nested
  class Sizes {
    @Test
    void sizeofStructTimesFourPlusTen() {
      assertThat(eval(STRUCT_S, "sizeof(struct s) * 4 + 10")).hasValue(16 * 4 + 10);
    }

    @Test
    void sizeofFollowsTheDataModel() {
      assertThat(eval(DataModel.LP64, "", "sizeof(long) + sizeof(void *)")).hasValue(16);
      assertThat(eval(DataModel.ILP32, "", "sizeof(long) + sizeof(void *)")).hasValue(8);
      assertThat(eval(DataModel.ILP32, "", "sizeof(long double)")).hasValue(12);
    }

    @Test
    void sizeofExpressionUsesItsType() {
      assertThat(eval("int arr[10];", "sizeof arr")).hasValue(40);
      assertThat(eval("int arr[10];", "sizeof(arr[0])")).hasValue(4);
      assertThat(eval(STRUCT_S + " struct s x;", "sizeof x.d")).hasValue(8);
    }

    @Test
    void sizeofStringLiteralsIsTheArrayNotAPointer() {
      assertThat(eval("sizeof \"ab\" \"cd\"")).hasValue(5);
      assertThat(eval("sizeof L\"ab\"")).hasValue(12);
      assertThat(eval("sizeof u\"a\\u00e9\"")).hasValue(6);
      assertThat(eval("sizeof \"\\u00e9\\x41\\101\"")).hasValue(5); // UTF-8: é is 2 bytes
    }

    @Test
    void sizeofArraysCompletedByTheirInitialiser() {
      String decls =
          """
          static const char *names[] = { "a", "b", "c" };
          int d[] = { [3] = 1, 2, [1] = 5 };
          int r[] = { [0 ... 4] = 1 };
          char s[] = "hello" "xy";
          char s2[] = {"abc"};
          """;
      assertThat(eval(decls, "sizeof(names) / sizeof(names[0])")).hasValue(3);
      assertThat(eval(decls, "sizeof d")).hasValue(20);
      assertThat(eval(decls, "sizeof r")).hasValue(20);
      assertThat(eval(decls, "sizeof s")).hasValue(8);
      assertThat(eval(decls, "sizeof s2")).hasValue(4);
      assertThat(eval("extern int later[];", "sizeof later")).isEmpty();
    }

    @Test
    void arrayDeclaredExternIsCompleteOnlyAfterItsDefinition() {
      CSnippet s =
          CSnippet.parse(
              "extern int a[];\n"
                  + "long before = sizeof a;\n"
                  + "int a[] = {1, 2, 3};\n"
                  + "long after = sizeof a;\n");
      CConstantEvaluator e = new CConstantEvaluator(new CTypeLayout(DataModel.LP64));
      assertThat(e.evaluate(s.initializer("before"))).isEmpty(); // gcc: incomplete type
      assertThat(e.evaluate(s.initializer("after"))).hasValue(12);
    }

    @Test
    void sizeofPackedStructIsGccs() {
      assertThat(eval("struct p { char c; int i; } __attribute__((packed));", "sizeof(struct p)"))
          .hasValue(5);
    }

    @Test
    void alignofAndGnuAlignofDifferOnI386Double() {
      // C11 _Alignof is the member alignment (4), GNU __alignof__ the preferred one (8)
      assertThat(eval(DataModel.ILP32, "", "_Alignof(double)")).hasValue(4);
      assertThat(eval(DataModel.ILP32, "", "__alignof__(double)")).hasValue(8);
      assertThat(eval(DataModel.LP64, "", "_Alignof(double)")).hasValue(8);
    }

    @Test
    void arraySizesUseOurLayoutNotCdts() {
      assertThat(
              eval(
                  "struct p { char c; int i; } __attribute__((packed)); char buf[sizeof(struct"
                      + " p)];",
                  "sizeof buf"))
          .hasValue(5);
    }
  }

  @Nested
  class Offsetof {
    @Test
    void builtinOffsetofWithSizeTDeclared() {
      assertThat(
              eval("typedef unsigned long size_t; " + STRUCT_S, "__builtin_offsetof(struct s, d)"))
          .hasValue(8);
    }

    @Test
    void builtinOffsetofWithoutSizeT() {
      // CDT's expansion then parses as a bitwise and with an unknown name; still recognised
      assertThat(eval(STRUCT_S, "__builtin_offsetof(struct s, i)")).hasValue(4);
    }

    @Test
    void nestedMemberAndArrayIndexDesignators() {
      String decls = "struct o { int a[3]; struct { char c; long y; } in; };";
      assertThat(eval(decls, "__builtin_offsetof(struct o, in.y)")).hasValue(24);
      assertThat(eval(decls, "__builtin_offsetof(struct o, a[2])")).hasValue(8);
    }

    @Test
    void anonymousMembersAreFound() {
      assertThat(
              eval(
                  "struct a { char c; union { int x; short y; }; };",
                  "__builtin_offsetof(struct a, y)"))
          .hasValue(4);
    }

    @Test
    void classicNullPointerIdiom() {
      assertThat(
              eval("typedef unsigned long size_t; " + STRUCT_S, "((size_t) &((struct s *)0)->d)"))
          .hasValue(8);
    }

    @Test
    void offsetofThroughAMacroAsCodeWritesIt() {
      assertThat(
              eval(
                  "#define offsetof(T, m) __builtin_offsetof(T, m)\n" + STRUCT_S,
                  "offsetof(struct s, d) + 1"))
          .hasValue(9);
    }
  }

  @Nested
  class Constants {
    @Test
    void enumConstants() {
      String decls = "enum { A = 3, B, C = B * 2, D };";
      assertThat(eval(decls, "A")).hasValue(3);
      assertThat(eval(decls, "B")).hasValue(4);
      assertThat(eval(decls, "C")).hasValue(8);
      assertThat(eval(decls, "D + 1")).hasValue(10);
    }

    @Test
    void longChainsOfEnumeratorsDefinedByTheirPredecessor() {
      StringBuilder decls = new StringBuilder("enum chain { E0 = 0");
      for (int i = 1; i < 3000; i++) {
        decls.append(", E").append(i).append(" = E").append(i - 1).append(" + 1");
      }
      decls.append(" }; enum chain last;");
      assertThat(eval(decls.toString(), "E2999")).hasValue(2999);
      assertThat(eval(decls.toString(), "sizeof(last)")).hasValue(4);
    }

    @Test
    void enumConstantsWithSizeofUseOurLayout() {
      assertThat(
              eval(
                  "struct p { char c; int i; } __attribute__((packed)); enum { P = sizeof(struct p)"
                      + " };",
                  "P"))
          .hasValue(5);
    }

    @Test
    void charLiterals() {
      assertThat(eval("'a'")).hasValue(97);
      assertThat(eval("'\\n'")).hasValue(10);
      assertThat(eval("'\\x41'")).hasValue(65);
      assertThat(eval("'\\101'")).hasValue(65);
      assertThat(eval("'\\0'")).hasValue(0);
      assertThat(eval("'\\''")).hasValue(39);
      assertThat(eval("'\\xff'")).hasValue(-1); // plain char is signed on x86
      assertThat(eval("'ab'")).hasValue(0x6162); // gcc's multi-character constant
      assertThat(eval("L'a'")).hasValue(97);
      assertThat(eval("u'\\xffff'")).hasValue(0xffff);
      assertThat(eval("L'\\xffffffff'")).hasValue(-1); // wchar_t is a signed int on x86 Linux
    }

    @Test
    void integerLiteralsInEveryBaseAndSuffix() {
      assertThat(eval("0x1F + 010 + 0b101 + 10UL + 7ll + 3LLU")).hasValue(31 + 8 + 5 + 10 + 7 + 3);
      assertThat(eval("0")).hasValue(0);
      assertThat(eval("4294967296")).hasValue(4294967296L);
    }

    @Test
    void operators() {
      assertThat(eval("1 << 12")).hasValue(4096);
      assertThat(eval("(1 << 12) >> 3")).hasValue(512);
      assertThat(eval("-7 / 2")).hasValue(-3);
      assertThat(eval("-7 % 3")).hasValue(-1);
      assertThat(eval("~0")).hasValue(-1);
      assertThat(eval("!0 + !5")).hasValue(1);
      assertThat(eval("(6 & 3) | (8 ^ 1)")).hasValue(2 | 9);
      assertThat(eval("3 < 4 && 4 <= 4 && 5 > 4 && 5 >= 6")).hasValue(0);
      assertThat(eval("1 == 1 || 0")).hasValue(1);
      assertThat(eval("2 != 2")).hasValue(0);
      assertThat(eval("(1, 2)")).hasValue(2);
    }

    @Test
    void ternaryIncludingGnuElvis() {
      assertThat(eval("3 > 2 ? 10 : 20")).hasValue(10);
      assertThat(eval("0 ? 10 : 20")).hasValue(20);
      assertThat(eval("0 ?: 7")).hasValue(7);
      assertThat(eval("5 ?: 7")).hasValue(5);
    }

    @Test
    void castsTruncateToTheTargetType() {
      assertThat(eval("(char)300")).hasValue(44);
      assertThat(eval("(unsigned char)-1")).hasValue(255);
      assertThat(eval("(unsigned)-1")).hasValue(4294967295L);
      assertThat(eval("(short)70000")).hasValue(4464);
      assertThat(eval("(_Bool)5")).hasValue(1);
      assertThat(eval("(long)(int)3")).hasValue(3);
    }

    @Test
    void castsOfFloatingConstantsTruncateTowardZero() {
      assertThat(eval("(int)(2.5 * 4)")).hasValue(10);
      assertThat(eval("(int)(1024 * 1.5f)")).hasValue(1536);
      assertThat(eval("(int)-3.9")).hasValue(-3);
      assertThat(eval("(long)1e10")).hasValue(10000000000L);
      assertThat(eval("(int)0x1.8p1")).hasValue(3);
    }

    @Test
    void unsignedArithmeticFollowsC() {
      // the usual arithmetic conversions make these unsigned, as in gcc
      assertThat(eval("-1 < 1u")).hasValue(0);
      assertThat(eval("(0u - 1) / 2")).hasValue(2147483647);
      assertThat(eval("-1u")).hasValue(4294967295L);
      assertThat(eval("(unsigned long)-1 / 2")).hasValue(Long.MAX_VALUE);
    }

    @Test
    void shortCircuitSkipsTheUnevaluatedOperand() {
      assertThat(eval("0 && (1 / 0)")).hasValue(0);
      assertThat(eval("1 || (1 / 0)")).hasValue(1);
      assertThat(eval("1 ? 2 : 1 / 0")).hasValue(2);
    }
  }

  @Nested
  class NotConstant {
    @Test
    void divisionByZero() {
      assertThat(eval("1 / 0")).isEmpty();
      assertThat(eval("1 % 0")).isEmpty();
    }

    @Test
    void undefinedShiftsAndOverflowingDivision() {
      assertThat(eval("1 << 64")).isEmpty();
      assertThat(eval("1 << -1")).isEmpty();
      assertThat(eval("(-9223372036854775807LL - 1) / -1")).isEmpty();
    }

    @Test
    void outOfRangeFloatingConversions() {
      assertThat(eval("(unsigned char)300.7")).isEmpty();
      assertThat(eval("(unsigned)-1.0")).isEmpty();
    }

    @Test
    void variablesAndCalls() {
      assertThat(eval("int g;", "g + 1")).isEmpty();
      assertThat(eval("int f(void);", "f()")).isEmpty();
      assertThat(eval("int g;", "g = 3")).isEmpty();
    }

    @Test
    void floatingConstantsAndIncompleteTypes() {
      assertThat(eval("1.5")).isEmpty();
      assertThat(eval("struct fwd;", "sizeof(struct fwd)")).isEmpty();
      assertThat(eval("int f(void);", "sizeof(f)")).isEmpty();
    }
  }
}
