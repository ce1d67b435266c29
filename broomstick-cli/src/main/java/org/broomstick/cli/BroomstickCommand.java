package org.broomstick.cli;

import java.io.PrintWriter;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.SourceLocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code broomstick} command: sub-commands per tool (SPEC §8). */
@Command(
    name = "broomstick",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Static analysis and transformation toolkit for event-driven servers.",
    subcommands = {
      MemwalkCommand.class, StingygenCommand.class, StingifyCommand.class, OptimizeCommand.class, ScgCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BroomstickCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command");
  }

  /** A command line with the exit-code mapping and error handling every entry point shares. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new BroomstickCommand());
    cl.setExecutionExceptionHandler(BroomstickCommand::handle);
    cl.setExitCodeExceptionMapper(t -> ExitCode.USAGE.code());
    return cl;
  }

  private static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean verbose = parsed != null && hasVerbose(parsed);
    if (ex instanceof BroomstickException be) {
      err.println(be.diagnostic().format());
      if (verbose && be.getCause() != null) {
        be.getCause().printStackTrace(err);
      }
      err.flush();
      return be.exitCode().code();
    }
    // An internal error: still one line by default, the trace with -v.
    Diagnostic d =
        Diagnostic.error(
            SourceLocation.NONE,
            "internal",
            "internal error: " + ex + " (run with -v for the stack trace)");
    err.println(d.format());
    if (verbose) {
      ex.printStackTrace(err);
    }
    err.flush();
    return ExitCode.FINDINGS.code();
  }

  private static boolean hasVerbose(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("-v")) {
        return true;
      }
    }
    return false;
  }
}
