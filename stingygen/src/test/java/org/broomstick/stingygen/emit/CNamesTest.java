package org.broomstick.stingygen.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.broomstick.stingygen.report.Report.ObjectClass;
import org.broomstick.stingygen.report.Report.ReportObject;
import org.broomstick.stingygen.report.Report.Site;
import org.broomstick.stingygen.report.Report.Stage;
import org.junit.jupiter.api.Test;

/** The C identifier rule of {@link CNames}. */
class CNamesTest {
  private static ReportObject o(String file, int line, int col, String alloc) {
    return new ReportObject(file + ":" + line + ":" + col + "#" + alloc, new Site(file, line, col), alloc, null, 8L, null, null, null, ObjectClass.PER_TASK, null, List.of());
  }

  @Test
  void fileLineAllocatorThenColumnThenPathThenNumber() {
    var names = CNames.objects(List.of(
        o("http.c", 214, 17, "xmalloc"),
        o("src/parse-req.c", 9, 3, "malloc"),
        o("src/parse-req.c", 9, 30, "malloc"),
        o("a/x.c", 1, 1, "m"),
        o("b/x.c", 1, 1, "m"),
        o("b/x.c", 1, 1, "m!")));
    assertThat(names.values()).containsExactly(
        "STINGY_OBJ_HTTP_C_214_XMALLOC",
        "STINGY_OBJ_PARSE_REQ_C_9_3_MALLOC",
        "STINGY_OBJ_PARSE_REQ_C_9_30_MALLOC",
        "STINGY_OBJ_A_X_C_1_1_M",
        "STINGY_OBJ_B_X_C_1_1_M",
        "STINGY_OBJ_B_X_C_1_1_M_2");
  }

  @Test
  void stagesAreNamedAfterTheirEntry() {
    var names = CNames.stages(List.of(
        new Stage("1", "Server.accept", List.of(), List.of(), 0, List.of(), true, 0),
        new Stage("2", "parse", List.of(), List.of(), 0, List.of(), false, 1),
        new Stage("3", "parse", List.of(), List.of(), 0, List.of(), false, 1)));
    assertThat(names.values()).containsExactly("STINGY_STAGE_SERVER_ACCEPT", "STINGY_STAGE_PARSE", "STINGY_STAGE_PARSE_2");
  }

  @Test
  void cStringsEscape() {
    assertThat(CConfig.cString("a\"b\\c??=é")).isEqualTo("\"a\\\"b\\\\c\\?\\?=\\303\\251\"");
  }
}
