package org.broomstick.memwalk.frontend.c;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What reaches CDT of a system header: declarations intact, bodies blanked, lines kept. */
class BodyStripperTest {

  private static String strip(String s) {
    return new String(BodyStripper.strip(s.toCharArray()));
  }

  @Test
  void inlineFunctionBodiesAreBlankedKeepingTheirLines() {
    String in = """
        extern __inline int
        __NTH (puts_wrapper (const char *s)) __THROW
        {
          return __builtin_puts ("}{" /* } */);
        }
        int after(void);
        """;
    String out = strip(in);
    assertThat(out.lines().count()).isEqualTo(in.lines().count());
    assertThat(out).contains("__NTH (puts_wrapper (const char *s)) __THROW\n{").doesNotContain("__builtin_puts")
        .contains("}\nint after(void);");
    assertThat(out).hasSameSizeAs(in);
  }

  @Test
  void typesInitializersAndBodiesWithDirectivesAreLeftAlone() {
    String in = """
        #define _SS_PADSIZE (_SS_SIZE - sizeof (long))
        struct sockaddr_storage { char pad[_SS_PADSIZE]; };
        typedef struct { int a; } pair;
        static const int table[] = { 1, 2 };
        int f(int x) {
        #if X
          return 1;
        #endif
          return x;
        }
        enum e { A = (1), B };
        """;
    assertThat(strip(in)).isEqualTo(in);
  }
}
