package org.broomstick.memwalk.validation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run of an example under the tracer of {@code examples/c/trace}: its events in order (stage
 * entries, allocations, frees, queueings). The format is documented in {@code trace.c}; task 0 and
 * a null stage stand for the trace's "-" (outside any task or stage).
 */
public record ObservedTrace(List<Event> events, int exitStatus) {

  public ObservedTrace {
    events = List.copyOf(events);
  }

  /** One line of the trace. */
  public sealed interface Event permits StageEntry, Alloc, Free, Queue {}

  /** The scheduler dispatched {@code task} to {@code stage}. */
  public record StageEntry(int task, String stage) implements Event {}

  /** An allocation by the running task and stage; {@code object} is {@code file:line#allocator}. */
  public record Alloc(int task, String stage, String object, String pointer, long size)
      implements Event {}

  /** A free by the running task and stage. */
  public record Free(int task, String stage, String site, String pointer) implements Event {}

  /** The running stage {@code from} (null in main) queued {@code task} to stage {@code to}. */
  public record Queue(int task, String from, String site, String to) implements Event {}

  public static ObservedTrace read(Path file) throws IOException {
    return parse(Files.readAllLines(file));
  }

  public static ObservedTrace parse(List<String> lines) {
    if (lines.isEmpty() || !lines.get(0).equals("# broomstick-trace 1")) {
      throw new IllegalArgumentException("not a broomstick trace (version 1): " + first(lines));
    }
    List<Event> events = new ArrayList<>();
    Integer exit = null;
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split(" ");
      Map<String, String> f = fields(words, i + 1);
      switch (words[0]) {
        case "stage" -> events.add(new StageEntry(task(f.get("task")), stage(f.get("stage"))));
        case "alloc" ->
            events.add(
                new Alloc(
                    task(f.get("task")),
                    stage(f.get("stage")),
                    f.get("site") + "#" + f.get("allocator"),
                    f.get("ptr"),
                    Long.parseLong(f.get("size"))));
        case "free" ->
            events.add(
                new Free(task(f.get("task")), stage(f.get("stage")), f.get("site"), f.get("ptr")));
        case "queue" ->
            events.add(
                new Queue(task(f.get("task")), stage(f.get("stage")), f.get("site"), f.get("to")));
        case "exit" -> exit = Integer.parseInt(f.get("status"));
        default -> throw new IllegalArgumentException("line " + (i + 1) + ": unknown event " + line);
      }
    }
    if (exit == null) {
      throw new IllegalArgumentException("the trace has no exit line: the example did not finish");
    }
    return new ObservedTrace(events, exit);
  }

  private static Map<String, String> fields(String[] words, int lineNumber) {
    Map<String, String> f = new HashMap<>();
    for (int w = 1; w < words.length; w++) {
      int eq = words[w].indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("line " + lineNumber + ": expected key=value, got " + words[w]);
      }
      f.put(words[w].substring(0, eq), words[w].substring(eq + 1));
    }
    return f;
  }

  private static int task(String text) {
    return text.equals("-") ? 0 : Integer.parseInt(text);
  }

  private static String stage(String text) {
    return text.equals("-") ? null : text;
  }

  private static String first(List<String> lines) {
    return lines.isEmpty() ? "(empty)" : lines.get(0);
  }
}
