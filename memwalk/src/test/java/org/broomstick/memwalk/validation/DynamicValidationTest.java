package org.broomstick.memwalk.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.HashSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.broomstick.memwalk.validation.StaticFacts.Order;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 4, "Dynamic validation": each example of {@code examples/c} is built with the tracer of
 * {@code examples/c/trace} (gcc, addr2line), run, and its trace checked against the example's
 * hand-derived {@code expected-facts.json}: every observed event edge, live-on-entry object and
 * stage allocation must be in the facts (100% recall), and no order constraint or colour may be
 * contradicted. Needs gcc and addr2line (binutils); a missing tool fails the test, never skips it.
 */
class DynamicValidationTest {

  private static final Path EXAMPLES = Path.of("../examples/c").toAbsolutePath().normalize();
  private static final Map<String, ObservedTrace> TRACES = new ConcurrentHashMap<>();

  @TempDir static Path work;

  @BeforeAll
  static void toolsArePresent() {
    for (String tool : List.of("gcc", "addr2line")) {
      try {
        Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
          fail(tool + " --version failed; the dynamic validation needs gcc and binutils (bin/setup)");
        }
      } catch (IOException | InterruptedException e) {
        fail(tool + " is not installed; the dynamic validation needs gcc and binutils (bin/setup)", e);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fig52", "handlers", "cycle"})
  void everyObservedFactIsInTheHandDerivedFacts(String example) throws Exception {
    StaticFacts facts = StaticFacts.load(EXAMPLES.resolve(example).resolve("expected-facts.json"));

    DynamicValidation.Result result = DynamicValidation.validate(trace(example), facts);

    System.out.print(result.render(example));
    assertThat(result.allViolations()).isEmpty();
    assertThat(result.recall()).isEqualTo(1.0);
  }

  @Test
  void mustFreeMattersTheRequestIsLiveWhenSendReplyStarts() throws Exception {
    // a may-free kill of the error path's free would drop C3 from L_send_reply
    StaticFacts mayFree =
        StaticFacts.load(EXAMPLES.resolve("cycle/expected-facts.json"))
            .withoutLiveIn("send_reply", "cycle.c:131#srv_alloc");

    DynamicValidation.Result result = DynamicValidation.validate(trace("cycle"), mayFree);

    assertThat(result.uncovered()).containsExactly("cycle.c:131#srv_alloc live on entry to send_reply");
    assertThat(result.recall()).isLessThan(1.0);
  }

  @Test
  void theLiteralOrderRuleOfSpec59IsRefutedOnHandlers() throws Exception {
    Path file = EXAMPLES.resolve("handlers/expected-facts.json");
    Set<Order> refuted = StaticFacts.loadOrders(file, "refutedOrderConstraints");
    assertThat(refuted).isNotEmpty();

    DynamicValidation.Result result =
        DynamicValidation.validate(trace("handlers"), StaticFacts.load(file).withOrderConstraints(refuted));

    assertThat(result.violations())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("n(handlers.c:114#srv_alloc) >= n(handlers.c:116#srv_alloc) contradicted");
  }

  @Test
  void theReverseOfATrueConstraintIsContradicted() throws Exception {
    StaticFacts facts = StaticFacts.load(EXAMPLES.resolve("fig52/expected-facts.json"));
    StaticFacts reversed =
        facts.withOrderConstraints(Set.of(new Order("fig52.c:77#srv_alloc", "fig52.c:70#srv_alloc")));

    assertThat(DynamicValidation.validate(trace("fig52"), reversed).violations()).hasSize(1);
  }

  @Test
  void edgesQueuedByAStageFieldStoreAreObserved() throws Exception {
    StaticFacts facts = StaticFacts.load(EXAMPLES.resolve("handlers/expected-facts.json"));

    DynamicValidation.Result result = DynamicValidation.validate(trace("handlers"), facts);

    assertThat(result.observed()).contains("event edge http_read -> http_write", "event edge echo_read -> echo_write");
    assertThat(result.neverObserved()).contains("event edge accept_conn -> discard_read", "stage discard_read");
  }

  @Test
  void objectsHeldTogetherMayNotShareAColour() {
    ObservedTrace trace =
        ObservedTrace.parse(
            List.of(
                "# broomstick-trace 1",
                "queue task=1 stage=- site=x.c:9 to=s",
                "stage task=1 stage=s",
                "alloc task=1 stage=s site=x.c:1 allocator=a ptr=0x10 size=8",
                "alloc task=1 stage=s site=x.c:2 allocator=a ptr=0x20 size=8",
                "free task=1 stage=s site=x.c:3 allocator=f ptr=0x10",
                "free task=1 stage=s site=x.c:4 allocator=f ptr=0x20",
                "exit status=0"));
    StaticFacts facts =
        StaticFacts.of(
            Set.of(),
            Map.of("s", Set.of()),
            Map.of("s", Set.of("x.c:1#a", "x.c:2#a")),
            Set.of(),
            Map.of("x.c:1#a", 0, "x.c:2#a", 0));

    DynamicValidation.Result result = DynamicValidation.validate(trace, facts);

    assertThat(result.recall()).isEqualTo(1.0);
    assertThat(result.violations()).containsExactly("task 1 holds x.c:1#a and x.c:2#a at once, both colour 0");
  }

  // ------------------------------------------------------------------ memwalk against both

  /** memwalk's report on an example, in the terms of the facts (ids without columns). */
  private static MemwalkFacts memwalk(String example) throws Exception {
    Path dir = EXAMPLES.resolve(example);
    var r = org.broomstick.memwalk.frontend.c.CFrontend.load(new org.broomstick.memwalk.frontend.c.CFrontend.Options(
        List.of(dir.resolve(example + ".c")), null, List.of(EXAMPLES.resolve("../../include").normalize()), Map.of(),
        List.of(), org.broomstick.memwalk.spec.ServerSpec.EMPTY, null, false, 1, dir, "gcc", null, null));
    var report = org.broomstick.memwalk.Memwalk.analyse(r.program(), org.broomstick.memwalk.Memwalk.Options.DEFAULTS);
    Map<String, String> entry = new HashMap<>();
    report.stages().stages().forEach(s -> entry.put(s.id(), s.entry()));
    Set<List<String>> edges = new HashSet<>();
    report.stages().stages().forEach(s -> s.successors().forEach(t -> edges.add(List.of(s.entry(), entry.get(t)))));
    Map<String, Set<String>> liveIn = new HashMap<>();
    Map<String, Set<String>> allocates = new HashMap<>();
    for (var f : report.liveness().stages()) {
      liveIn.put(entry.get(f.stage()), noColumns(f.liveIn()));
      allocates.put(entry.get(f.stage()), noColumns(f.allocates()));
    }
    Set<List<String>> order = new HashSet<>();
    report.orderConstraints().forEach(o -> order.add(List.of(noColumn(o.greater()), noColumn(o.lesser()))));
    Map<String, Integer> colours = new HashMap<>();
    report.colouring().colours().forEach((o, c) -> colours.put(noColumn(o), c));
    Map<String, String> classes = new HashMap<>();
    report.objects().objects().forEach((o, c) -> classes.put(noColumn(o), c.objectClass().label()));
    return new MemwalkFacts(StaticFacts.of(edges, liveIn, allocates, order, colours), classes);
  }

  record MemwalkFacts(StaticFacts facts, Map<String, String> classes) {}

  private static String noColumn(String id) {
    return id.replaceFirst(":(\\d+):\\d+#", ":$1#");
  }

  private static Set<String> noColumns(Set<String> ids) {
    Set<String> out = new HashSet<>();
    ids.forEach(i -> out.add(noColumn(i)));
    return out;
  }

  /** Colours as the partition of objects they induce: numbering is arbitrary. */
  private static Set<Set<String>> groups(Map<String, Integer> colours) {
    Map<Integer, Set<String>> by = new HashMap<>();
    colours.forEach((o, c) -> by.computeIfAbsent(c, k -> new HashSet<>()).add(o));
    return new HashSet<>(by.values());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fig52", "handlers", "cycle"})
  void memwalkDerivesExactlyTheHandDerivedFacts(String example) throws Exception {
    Path golden = EXAMPLES.resolve(example).resolve("expected-facts.json");
    StaticFacts expected = StaticFacts.load(golden);
    MemwalkFacts got = memwalk(example);
    assertThat(got.facts().eventEdges()).as("event edges").isEqualTo(expected.eventEdges());
    assertThat(got.facts().liveIn()).as("L_s").isEqualTo(expected.liveIn());
    assertThat(got.facts().allocates()).as("A_s").isEqualTo(expected.allocates());
    assertThat(got.facts().orderConstraints()).as("order constraints").isEqualTo(expected.orderConstraints());
    assertThat(groups(got.facts().colours())).as("colour classes").isEqualTo(groups(expected.colours()));
    Map<String, String> classes = new HashMap<>();
    new com.fasterxml.jackson.databind.ObjectMapper().readTree(golden.toFile()).get("objects")
        .fields().forEachRemaining(e -> classes.put(e.getKey(), e.getValue().get("class").asText()));
    assertThat(got.classes()).as("object classes").isEqualTo(classes);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fig52", "handlers", "cycle"})
  void everyObservedFactIsInMemwalksReport(String example) throws Exception {
    DynamicValidation.Result result = DynamicValidation.validate(trace(example), memwalk(example).facts());

    System.out.print(result.render(example + " (memwalk)"));
    assertThat(result.allViolations()).isEmpty();
    assertThat(result.recall()).isEqualTo(1.0);
  }

  /** Builds the example with the tracer and runs it, once per example. */
  private static ObservedTrace trace(String example) throws Exception {
    ObservedTrace cached = TRACES.get(example);
    if (cached != null) {
      return cached;
    }
    Path out = work.resolve(example);
    Path log = work.resolve(example + ".log");
    Process p =
        new ProcessBuilder(
                "sh",
                EXAMPLES.resolve("trace/trace.sh").toString(),
                EXAMPLES.resolve(example).resolve(example + ".c").toString(),
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(example + ": the traced build or run took over 120 s");
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      fail(example + ": trace.sh exited with " + p.exitValue() + ":\n" + output);
    }
    ObservedTrace trace = ObservedTrace.read(out.resolve("trace.txt"));
    assertThat(trace.exitStatus()).as("%s exit status", example).isZero();
    TRACES.put(example, trace);
    return trace;
  }
}
