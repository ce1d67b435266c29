package org.broomstick.memwalk.frontend.bytecode;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jol.info.ClassLayout;

/**
 * Shallow sizes of application classes against JOL, which reads the field offsets the running VM
 * chose (issue 7, item 4): declared classes with known answers, and seeded random hierarchies.
 */
class ObjectLayoutTest {

  private static final long SEED = 17;
  private static final String[] TYPES = {"long", "double", "int", "float", "short", "char", "byte", "boolean", "Object", "String"};

  @TempDir Path dir;

  @Test
  void declaredClassesHaveTheVmsSizes() throws Exception {
    Path classes = JavaFixture.compile(dir, List.of(), """
        package sizes;
        public class Empty {}
        """, """
        package sizes;
        public class OneByte { byte b; }
        """, """
        package sizes;
        public class GapFilled { long l; int i; }
        """, """
        package sizes;
        public class Mixed { boolean z; long l; Object o; short s; byte b; char c; }
        """, """
        package sizes;
        public class SubFillsGap extends OneByte { int i; short s; byte b; }
        """);
    assertSameAsJol(classes, List.of("sizes.Empty", "sizes.OneByte", "sizes.GapFilled", "sizes.Mixed", "sizes.SubFillsGap"));
  }

  @Test
  void randomHierarchiesHaveTheVmsSizes() throws Exception {
    Random random = new Random(SEED);
    List<String> sources = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int h = 0; h < 12; h++) {
      String parent = null;
      for (int depth = 0; depth < 3; depth++) {
        String name = "R" + h + "x" + depth;
        StringBuilder s = new StringBuilder("package gen;\npublic class " + name + (parent == null ? "" : " extends " + parent) + " {\n");
        int fields = random.nextInt(7);
        for (int f = 0; f < fields; f++) {
          s.append("  ").append(TYPES[random.nextInt(TYPES.length)]).append(" f").append(depth).append('_').append(f).append(";\n");
        }
        sources.add(s.append("}\n").toString());
        names.add("gen." + name);
        parent = name;
      }
    }
    Path classes = JavaFixture.compile(dir, List.of(), sources.toArray(String[]::new));
    assertSameAsJol(classes, names);
  }

  private static void assertSameAsJol(Path classes, List<String> names) throws Exception {
    Map<String, Long> ours = JavaFixture.load(classes, null).shallowSizes();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()})) {
      for (String n : names) {
        long jol = ClassLayout.parseClass(loader.loadClass(n)).instanceSize();
        assertThat(ours.get(n)).as("%s (seed %d)", n, SEED).isEqualTo(jol);
      }
    }
  }
}
