package org.broomstick.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Output and verbosity options of every sub-command. */
final class CommonOptions {
  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the result here (default: stdout).")
  Path output;

  @Option(names = {"-q", "--quiet"}, description = "Print only errors.")
  boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "Print every diagnostic, and stack traces of internal errors.")
  boolean verbose;
}
