package org.broomstick.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What javac accepts and rejects: the targets and required values as a Java user meets them. */
class AnnotationUsageTest {
  @TempDir Path out;

  private Javac.Result compile(String body) throws IOException {
    return Javac.compile(
        out,
        "demo.Use",
        "package demo;\nimport java.nio.ByteBuffer;\nimport org.broomstick.annotations.*;\n"
            + "public class Use {\n"
            + body
            + "\n}\n");
  }

  @Test
  void roleMarkersBelongOnParametersOnly() throws IOException {
    assertThat(compile("@QueueStage.Task Object task;").errors())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("not applicable");
    assertThat(compile("@Malloc.Size int size() { return 1; }").errors()).hasSize(1);
  }

  @Test
  void interfaceAnnotationsBelongOnMethods() throws IOException {
    assertThat(compile("@Scheduler Object loop;").errors()).hasSize(1);
    assertThat(compile("@StageField void f() {}").errors()).hasSize(1);
  }

  @Test
  void hintsNeedAValue() throws IOException {
    assertThat(compile("@StingySize ByteBuffer b;").errors())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("value");
  }

  @Test
  void importedMarkersReadLikeTheCLabels() throws IOException {
    Javac.Result r =
        Javac.compile(
            out,
            "demo.Short",
            """
            package demo;
            import org.broomstick.annotations.QueueStage;
            import org.broomstick.annotations.QueueStage.Stage;
            import org.broomstick.annotations.QueueStage.Task;
            public class Short {
              @QueueStage void enqueue(@Task Object r, @Stage Runnable s) {}
            }
            """);
    assertThat(r.errors()).isEmpty();
    assertThat(AnnotationsInBytecodeTest.member(r.javap("demo.Short"), "void enqueue("))
        .contains("QueueStage$Task", "QueueStage$Stage");
  }

  @Test
  void aHintOnAVarLocalIsNotInTheClassFile() throws IOException {
    // `var` makes the hint a declaration annotation only, which javac drops for locals: the
    // documented reason to write the type when the bytecode frontend must see the hint.
    Javac.Result r =
        compile("void m() { @StingySize(64) var b = ByteBuffer.allocateDirect(8); b.clear(); }");
    assertThat(r.errors()).isEmpty();
    assertThat(AnnotationsInBytecodeTest.member(r.javap("demo.Use"), "void m()"))
        .doesNotContain("StingySize");
  }
}
