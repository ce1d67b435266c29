package org.broomstick.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: outputs, exit codes (SPEC §8) and bad input (SPEC §9). */
class CliTest {

  @TempDir Path dir;

  private static Cli.Run run(String... args) {
    return Cli.run(args);
  }

  private static final String SERVER = """
      void queue(void *t, void (*s)(void *)) __attribute__((QueueStage("T", "S")));
      void parse(void *t) {}
      void accept_it(void *t) { queue(t, parse); }
      """;

  @Test
  void versionAndHelp() {
    Cli.Run v = run("--version");
    assertThat(v.exit()).isZero();
    assertThat(v.out()).startsWith("broomstick ");
    Cli.Run h = run("scg", "--help");
    assertThat(h.exit()).isZero();
    assertThat(h.out()).contains("--compile-commands", "--format", "--spec", "--su");
  }

  @Test
  void scgWritesVersionedJsonToAFile() throws IOException {
    Files.writeString(dir.resolve("s.c"), SERVER);
    Path out = dir.resolve("out/scg.json");
    Cli.Run r = run("scg", "-o", out.toString(), dir.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(json.get("language").asText()).isEqualTo("c");
    assertThat(json.get("inputs").get(0).get("sha256").asText()).hasSize(64);
    assertThat(json.get("edges").toString()).contains("\"from\":\"accept_it\",\"to\":\"parse\",\"kind\":\"event\"");
    assertThat(json.get("stats").get("eventEdges").asInt()).isEqualTo(1);
    assertThat(r.err()).contains("1 event edges");
    try (var files = Files.list(dir.resolve("out"))) {
      assertThat(files).as("no temporary file left behind").hasSize(1);
    }
  }

  @Test
  void scgDotGoesToStdout() throws IOException {
    Files.writeString(dir.resolve("s.c"), SERVER);
    Cli.Run r = run("scg", "--format", "dot", "-q", dir.resolve("s.c").toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("digraph scg {").contains("\"accept_it\" -> \"parse\" [style=dashed");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aMissingPathIsOneClearMessage() {
    Cli.Run r = run("scg", dir.resolve("nope").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).endsWith("nope: error: no such file or directory [input.missing]");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aNonCFileIsRefused() throws IOException {
    Files.writeString(dir.resolve("Main.java"), "class Main {}");
    Cli.Run r = run("scg", dir.resolve("Main.java").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("Main.java: error: not a C source file").contains("[input.not-c]");
  }

  @Test
  void anUnreadableDirectoryIsRefused() throws IOException {
    Path locked = dir.resolve("locked");
    Files.createDirectories(locked.resolve("inner"));
    Files.writeString(locked.resolve("inner/a.c"), "void f(void) {}\n");
    Files.setPosixFilePermissions(locked.resolve("inner"), PosixFilePermissions.fromString("---------"));
    try {
      Cli.Run r = run("scg", locked.toString());
      if (Files.isReadable(locked.resolve("inner"))) {
        // root reads anything: the directory is readable after all, and the run must succeed.
        assertThat(r.exit()).isZero();
      } else {
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("error: directory cannot be read").contains("[input.unreadable]");
      }
    } finally {
      Files.setPosixFilePermissions(locked.resolve("inner"), PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void aBrokenCompilationDatabaseIsOneMessageWithItsLine() throws IOException {
    Files.writeString(dir.resolve("compile_commands.json"), "[{\"file\": \"a.c\",\n \"directory\": }]");
    Cli.Run r = run("scg", "--compile-commands", dir.resolve("compile_commands.json").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("compile_commands.json:2:").contains("[input.compile-commands]");
  }

  @Test
  void anUnknownAttributeLabelIsAnErrorAndExitsWithFindings() throws IOException {
    Files.writeString(dir.resolve("s.c"), "void q(void *t, void (*s)(void)) __attribute__((QueueStage(\"T\", \"Q\")));\n");
    Cli.Run r = run("scg", "-o", dir.resolve("scg.json").toString(), dir.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("s.c:1:").contains("unknown label \"Q\" in QueueStage").contains("[spec.unknown-label]");
  }

  @Test
  void aMalformedSpecIsReportedWithItsLine() throws IOException {
    Files.writeString(dir.resolve("s.c"), SERVER);
    Files.writeString(dir.resolve("broomstick.yaml"), "queueStage:\n  - {function: queue, params: [T, S]}\nmaloc: []\n");
    Cli.Run r = run("scg", "-o", dir.resolve("scg.json").toString(), dir.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("broomstick.yaml:3:1: error:").contains("[spec.unknown-key]");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run("scg", "--format", "pdf", ".").exit()).isEqualTo(2);
    assertThat(run("frobnicate").exit()).isEqualTo(2);
    assertThat(run().exit()).isEqualTo(2);
  }
}
