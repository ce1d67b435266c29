package org.broomstick.memwalk.frontend.c;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.model.FrameSource;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.spec.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GCC's {@code -fstack-usage} figures replace the frame estimates (issue 3, item 3). */
class StackUsageTest {

  @TempDir Path dir;

  private static final String SOURCE = """
      #include <alloca.h>
      static __attribute__((noinline)) int helper(int n) { char buf[200]; buf[0] = (char) n; return buf[0]; }
      int with_vla(int n) { char v[n]; v[0] = 1; return v[0] + helper(n); }
      int with_alloca(int n) { char *p = alloca(n); p[0] = 2; return p[0]; }
      int big(void) { long a[100]; a[3] = 4; return (int) a[3]; }
      """;

  private Map<String, Function> load(List<Path> su) throws IOException {
    Files.writeString(dir.resolve("f.c"), SOURCE);
    var r = CFrontend.load(new CFrontend.Options(
        List.of(dir.resolve("f.c")), null, List.of(), Map.of(), su, ServerSpec.EMPTY, null, false, 1, dir, "gcc", null, null));
    return r.program().functionsById();
  }

  @Test
  void estimatesCoverLocalsAndFlagVariableLengthArrays() throws IOException {
    Map<String, Function> fns = load(List.of());
    assertThat(fns.get("big").frameSource()).isEqualTo(FrameSource.ESTIMATE);
    assertThat(fns.get("big").frameBytes()).isGreaterThanOrEqualTo(800 + 16);
    assertThat(fns.get("helper@f.c").frameBytes()).isGreaterThanOrEqualTo(200 + 16);
    assertThat(fns.get("with_vla").frameDynamic()).isTrue();
    assertThat(fns.get("with_alloca").frameDynamic()).isTrue();
  }

  @Test
  void suFilesGiveExactFiguresIncludingStaticFunctions() throws Exception {
    Path obj = dir.resolve("obj");
    Files.createDirectories(obj);
    Files.writeString(dir.resolve("f.c"), SOURCE);
    Process p = new ProcessBuilder("gcc", "-O0", "-fstack-usage", "-c", dir.resolve("f.c").toString(), "-o", obj.resolve("f.o").toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    Map<String, Integer> gcc = new java.util.HashMap<>();
    for (String line : Files.readAllLines(obj.resolve("f.su"))) {
      String[] cols = line.split("\t");
      String where = cols[0];
      gcc.put(where.substring(where.lastIndexOf(':') + 1), Integer.parseInt(cols[1]));
    }
    Map<String, Function> fns = load(List.of(obj));
    assertThat(fns.get("big").frameSource()).isEqualTo(FrameSource.SU);
    assertThat(fns.get("big").frameBytes()).isEqualTo(gcc.get("big"));
    assertThat(fns.get("helper@f.c").frameBytes()).isEqualTo(gcc.get("helper"));
    assertThat(fns.get("with_alloca").frameDynamic()).isTrue();
    assertThat(fns.get("with_vla").frameDynamic()).isTrue();
  }
}
