package org.broomstick.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code broomstick} command in-process, as a user's shell would, capturing its output. */
final class Cli {
  private Cli() {}

  /** What one run printed and its exit code. */
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = BroomstickCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
