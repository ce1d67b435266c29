package org.broomstick.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The annotations reach the class file (so the bytecode frontend sees them) and stay out of
 * reflection: CLASS retention, proved on a small annotated server compiled in-process and read back
 * with {@code javap} and as raw class-file bytes.
 */
class AnnotationsInBytecodeTest {
  static final String SERVER =
      """
      package demo;

      import java.nio.ByteBuffer;
      import org.broomstick.annotations.*;

      public class Server {
        interface Handler { void handle(Request r); }

        static final class Request {
          Handler next;
          @StageField Handler onReadable;
          @StingySize(2048) ByteBuffer in;
        }

        @QueueStage
        void enqueue(@QueueStage.Task Request r, @QueueStage.Stage Handler next) { r.next = next; }

        @QueueStage(params = {"X", "S", "T"})
        void register(Object key, Handler h, Request r) {}

        @ScheduleStage
        static void run(@ScheduleStage.Task Request r, @ScheduleStage.Stage Handler h) { h.handle(r); }

        @Scheduler
        void loop() {}

        @Malloc
        static ByteBuffer buffer(@Malloc.Size int bytes) { return ByteBuffer.allocateDirect(bytes); }

        @Malloc(size = 512)
        static ByteBuffer header() { return ByteBuffer.allocateDirect(512); }

        @Malloc(params = {"X", "size"})
        static ByteBuffer owned(Request r, int bytes) { return ByteBuffer.allocateDirect(bytes); }

        @Free
        static void release(@Free.Ptr ByteBuffer b) {}

        @Free(params = {"X", "ptr"})
        static void recycle(Request r, ByteBuffer b) {}

        @StingySize(64) @StingyCount(2)
        static void hinted(@StingyCount(3) ByteBuffer p) {}

        void readRequest(Request r) {
          @StingySize(4096) ByteBuffer in = buffer(100);
          @StingyCount(4) ByteBuffer part = buffer(10);
          r.in = in;
          release(part);
          enqueue(r, this::readRequest);
        }
      }
      """;

  static Javac.Result compiled;
  static String server;
  static String request;

  @BeforeAll
  static void compile(@TempDir Path out) throws IOException {
    compiled = Javac.compile(out, "demo.Server", SERVER);
    assertThat(compiled.errors()).isEmpty();
    server = compiled.javap("demo.Server");
    request = compiled.javap("demo.Server$Request");
  }

  static Stream<Class<?>> annotationTypes() {
    return Stream.of(
        QueueStage.class,
        QueueStage.Task.class,
        QueueStage.Stage.class,
        ScheduleStage.class,
        ScheduleStage.Task.class,
        ScheduleStage.Stage.class,
        Scheduler.class,
        Malloc.class,
        Malloc.Size.class,
        Free.class,
        Free.Ptr.class,
        StageField.class,
        StingySize.class,
        StingyCount.class);
  }

  @ParameterizedTest
  @MethodSource("annotationTypes")
  void everyAnnotationHasClassRetention(Class<?> type) {
    assertThat(type.isAnnotation()).isTrue();
    assertThat(type.getAnnotation(Retention.class).value()).isEqualTo(RetentionPolicy.CLASS);
  }

  @Test
  void targetsAreTheDocumentedOnes() {
    assertThat(targets(QueueStage.class)).containsExactly(ElementType.METHOD);
    assertThat(targets(QueueStage.Task.class)).containsExactly(ElementType.PARAMETER);
    assertThat(targets(ScheduleStage.Stage.class)).containsExactly(ElementType.PARAMETER);
    assertThat(targets(Malloc.Size.class)).containsExactly(ElementType.PARAMETER);
    assertThat(targets(Free.Ptr.class)).containsExactly(ElementType.PARAMETER);
    assertThat(targets(Scheduler.class)).containsExactly(ElementType.METHOD);
    assertThat(targets(StageField.class)).containsExactly(ElementType.FIELD);
    for (Class<?> hint : List.of(StingySize.class, StingyCount.class)) {
      assertThat(targets(hint))
          .containsExactlyInAnyOrder(
              ElementType.FIELD,
              ElementType.LOCAL_VARIABLE,
              ElementType.PARAMETER,
              ElementType.METHOD,
              ElementType.TYPE_USE);
    }
  }

  @Test
  void queueStageMarkersAreParameterAnnotations() {
    assertThat(member(server, "void enqueue("))
        .contains("RuntimeInvisibleAnnotations:", "org.broomstick.annotations.QueueStage\n")
        .containsSubsequence(
            "RuntimeInvisibleParameterAnnotations:",
            "parameter 0:",
            "org.broomstick.annotations.QueueStage$Task",
            "parameter 1:",
            "org.broomstick.annotations.QueueStage$Stage");
  }

  @Test
  void queueStageLabelsMirrorTheCAttribute() {
    assertThat(member(server, "void register("))
        .contains("org.broomstick.annotations.QueueStage(", "params=[\"X\",\"S\",\"T\"]");
  }

  @Test
  void scheduleStageAndScheduler() {
    assertThat(member(server, "static void run("))
        .containsSubsequence(
            "org.broomstick.annotations.ScheduleStage\n",
            "parameter 0:",
            "org.broomstick.annotations.ScheduleStage$Task",
            "parameter 1:",
            "org.broomstick.annotations.ScheduleStage$Stage");
    assertThat(member(server, "void loop()")).contains("org.broomstick.annotations.Scheduler");
  }

  @Test
  void mallocSizeParameterFixedSizeAndLabels() {
    assertThat(member(server, "java.nio.ByteBuffer buffer(int)"))
        .containsSubsequence(
            "org.broomstick.annotations.Malloc\n",
            "parameter 0:",
            "org.broomstick.annotations.Malloc$Size");
    assertThat(member(server, "java.nio.ByteBuffer header()"))
        .contains("org.broomstick.annotations.Malloc(", "size=512l");
    assertThat(member(server, "java.nio.ByteBuffer owned("))
        .contains("params=[\"X\",\"size\"]");
  }

  @Test
  void freePointerByMarkerOrLabel() {
    assertThat(member(server, "void release("))
        .containsSubsequence(
            "org.broomstick.annotations.Free\n", "parameter 0:", "org.broomstick.annotations.Free$Ptr");
    assertThat(member(server, "void recycle(")).contains("params=[\"X\",\"ptr\"]");
  }

  @Test
  void stageFieldAndFieldHint() {
    assertThat(member(request, "onReadable;")).contains("org.broomstick.annotations.StageField");
    assertThat(member(request, "java.nio.ByteBuffer in;"))
        .contains("org.broomstick.annotations.StingySize(", "value=2048l");
  }

  @Test
  void hintsOnAVoidMethodAndItsParameter() {
    assertThat(member(server, "static void hinted("))
        .containsSubsequence(
            "RuntimeInvisibleAnnotations:",
            "StingySize(",
            "value=64l",
            "StingyCount(",
            "value=2l")
        .containsSubsequence("RuntimeInvisibleParameterAnnotations:", "StingyCount(", "value=3l");
  }

  @Test
  void localVariableHintsSurviveWithoutDebugInformationAsTypeAnnotations() {
    // javac was run with -g:none: no LocalVariableTable, yet the type annotation keeps its own
    // {start_pc, length, index} table, which the bytecode frontend maps to the stored local.
    String block = member(server, "void readRequest(");
    assertThat(block).contains("RuntimeInvisibleTypeAnnotations:").doesNotContain("LocalVariableTable");
    assertThat(block)
        .containsPattern(
            "LOCAL_VARIABLE, \\{start_pc=\\d+, length=\\d+, index=2}\\s+"
                + "org.broomstick.annotations.StingySize\\(\\s+value=4096l")
        .containsPattern(
            "LOCAL_VARIABLE, \\{start_pc=\\d+, length=\\d+, index=3}\\s+"
                + "org.broomstick.annotations.StingyCount\\(\\s+value=4l");
  }

  @Test
  void classFileBytesHoldOnlyInvisibleAnnotationAttributes() throws IOException {
    String bytes =
        new String(
            Files.readAllBytes(compiled.classFile("demo.Server")), StandardCharsets.ISO_8859_1);
    assertThat(bytes)
        .contains(
            "RuntimeInvisibleAnnotations",
            "RuntimeInvisibleParameterAnnotations",
            "RuntimeInvisibleTypeAnnotations",
            "Lorg/broomstick/annotations/QueueStage;",
            "Lorg/broomstick/annotations/QueueStage$Task;")
        .doesNotContain(
            "RuntimeVisibleAnnotations",
            "RuntimeVisibleParameterAnnotations",
            "RuntimeVisibleTypeAnnotations");
  }

  @Test
  void reflectionDoesNotSeeThem() throws Exception {
    URL[] path = {compiled.classes().toUri().toURL()};
    try (URLClassLoader loader = new URLClassLoader(path, getClass().getClassLoader())) {
      Class<?> c = loader.loadClass("demo.Server");
      List<Object> seen = new ArrayList<>();
      for (Method m : c.getDeclaredMethods()) {
        seen.addAll(Arrays.asList(m.getDeclaredAnnotations()));
        seen.addAll(parameterAnnotations(m));
        seen.addAll(Arrays.asList(m.getAnnotatedReturnType().getAnnotations()));
      }
      Class<?> r = loader.loadClass("demo.Server$Request");
      for (Field f : r.getDeclaredFields()) {
        seen.addAll(Arrays.asList(f.getDeclaredAnnotations()));
      }
      assertThat(c.getDeclaredMethods()).hasSizeGreaterThan(10);
      assertThat(seen).isEmpty();
    }
  }

  private static List<Object> parameterAnnotations(Executable e) {
    List<Object> all = new ArrayList<>();
    for (Parameter p : e.getParameters()) {
      all.addAll(Arrays.asList(p.getDeclaredAnnotations()));
    }
    return all;
  }

  private static List<ElementType> targets(Class<?> annotation) {
    return Arrays.asList(annotation.getAnnotation(Target.class).value());
  }

  /** The javap block of one member: from the line holding {@code signature} to the blank line. */
  static String member(String javap, String signature) {
    for (String block : javap.split("\n\n")) {
      String first = block.strip().lines().findFirst().orElse("");
      if (first.contains(signature)) {
        return block + "\n";
      }
    }
    throw new AssertionError("no member " + signature + " in\n" + javap);
  }
}
