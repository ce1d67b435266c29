package org.broomstick.stingygen.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.broomstick.stingygen.StingygenException;
import org.junit.jupiter.api.Test;

/** report.json in: the fixture mirrors thesis figure 5.2; bad files get one message with a place. */
class ReportReaderTest {
  static final Path FIGURE52 = Path.of("src/test/resources/reports/figure52.json");

  @Test
  void readsTheFigure52Report() {
    Report r = ReportReader.read(FIGURE52);
    assertThat(r.stages()).extracting(Report.Stage::id).containsExactly("accept", "parse", "body", "send", "close");
    assertThat(r.stages().get(0).entryStage()).isTrue();
    assertThat(r.stages().get(3).rank()).isEqualTo(3);
    assertThat(r.objects()).hasSize(3);
    Report.ReportObject body = r.objects().get(2);
    assertThat(body.sizeBytes()).isNull();
    assertThat(body.sizeHint()).isEqualTo(4000);
    assertThat(body.site()).hasToString("server.c:30:5");
    assertThat(body.objectClass()).isEqualTo(Report.ObjectClass.PER_TASK);
    assertThat(r.globals()).extracting(Report.Global::globalClass)
        .containsExactly(Report.ObjectClass.GLOBAL_FINAL, Report.ObjectClass.GLOBAL_TEMPORARY);
    assertThat(r.orderConstraints()).hasSize(2);
    assertThat(r.stack().totalBytes()).isEqualTo(3000);
  }

  @Test
  void refusesAnotherSchemaVersion() {
    assertThatThrownBy(() -> ReportReader.parse("r.json", "{\n  \"schemaVersion\": 2,\n  \"stages\": []}"))
        .isInstanceOfSatisfying(StingygenException.class, e -> {
          assertThat(e.key()).isEqualTo("report.schema-version");
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.kind()).isEqualTo(StingygenException.Kind.INPUT);
        })
        .hasMessage("report schemaVersion 2, but this stingygen reads schemaVersion 1 (re-run memwalk of the same Broomstick version)");
  }

  @Test
  void syntaxErrorsHaveTheirLine() {
    assertThatThrownBy(() -> ReportReader.parse("r.json", "{\"schemaVersion\": 1,\n \"stages\": [,]}"))
        .isInstanceOfSatisfying(StingygenException.class, e -> {
          assertThat(e.key()).isEqualTo("report.syntax");
          assertThat(e.file()).isEqualTo("r.json");
          assertThat(e.line()).isEqualTo(2);
        });
  }

  @Test
  void wrongTypesHaveTheirJsonPathAndLine() {
    String text = """
        {"schemaVersion": 1,
         "stages": [],
         "objects": [
           {"id": "a", "site": {"file": "a.c", "line": 1, "column": 1}, "class": "per-task",
            "sizeBytes": "big"}
         ],
         "stack": {"totalBytes": 10}}
        """;
    assertThatThrownBy(() -> ReportReader.parse("r.json", text))
        .isInstanceOfSatisfying(StingygenException.class, e -> {
          assertThat(e.line()).isEqualTo(5);
          assertThat(e.key()).isEqualTo("report.malformed");
        })
        .hasMessageStartingWith("$.objects[0].sizeBytes: sizeBytes must be an integer or null");
  }

  @Test
  void unknownObjectIdsAndClassesAreRefused() {
    String unknownId = """
        {"schemaVersion": 1, "objects": [], "stack": {"totalBytes": 0},
         "stages": [{"id": "s", "entry": "s", "liveIn": ["nope"], "allocates": []}]}
        """;
    assertThatThrownBy(() -> ReportReader.parse("r.json", unknownId))
        .hasMessage("$.stages[0].liveIn[0]: unknown object id \"nope\"");
    String badClass = """
        {"schemaVersion": 1, "stages": [], "stack": {"totalBytes": 0},
         "objects": [{"id": "a", "site": {"file": "a.c", "line": 1, "column": 1}, "class": "forever"}]}
        """;
    assertThatThrownBy(() -> ReportReader.parse("r.json", badClass))
        .hasMessageContaining("$.objects[0].class: unknown class \"forever\"");
  }

  @Test
  void aMissingFileIsOneMessage() {
    assertThatThrownBy(() -> ReportReader.read(Path.of("target/nope.json")))
        .isInstanceOfSatisfying(StingygenException.class, e -> assertThat(e.key()).isEqualTo("report.missing"));
  }
}
