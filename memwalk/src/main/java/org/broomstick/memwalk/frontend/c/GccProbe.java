package org.broomstick.memwalk.frontend.c;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Asks the installed compiler for its system include directories and predefined macros ({@code gcc
 * -xc -E -v -}, {@code gcc -dM -E -xc -}), once per distinct set of target-relevant flags, so CDT
 * preprocesses a unit the way the real build does.
 */
final class GccProbe {

  /** What the compiler told us; empty when no compiler could be run. */
  record Result(List<String> systemIncludes, Map<String, String> macros, String failure) {
    static Result failed(String why) {
      return new Result(List.of(), Map.of(), why);
    }
  }

  private final String compiler;
  private final Map<List<String>, Result> cache = new ConcurrentHashMap<>();

  GccProbe(String compiler) {
    this.compiler = compiler;
  }

  /**
   * Flags that change the target or the predefined macros ({@code -m32}, {@code -std=…}, {@code
   * -march}, {@code -O}, {@code -f…}) select one probe; include paths and user macros do not.
   */
  static boolean affectsPredefines(String flag) {
    return flag.startsWith("-m")
        || flag.startsWith("-std=")
        || flag.startsWith("-ansi")
        || flag.startsWith("-O")
        || flag.equals("-fPIC")
        || flag.equals("-fpic")
        || flag.equals("-fPIE")
        || flag.equals("-fpie")
        || flag.startsWith("-fno-builtin")
        || flag.startsWith("-fsigned-char")
        || flag.startsWith("-funsigned-char")
        || flag.equals("-pthread")
        || flag.equals("-nostdinc")
        || flag.startsWith("--sysroot")
        || flag.startsWith("-isysroot");
  }

  Result probe(List<String> flags) {
    return cache.computeIfAbsent(List.copyOf(flags), this::run);
  }

  private Result run(List<String> flags) {
    try {
      List<String> incCmd = new ArrayList<>(List.of(compiler));
      incCmd.addAll(flags);
      incCmd.addAll(List.of("-xc", "-E", "-v", "-"));
      String verbose = exec(incCmd, true);
      List<String> includes = parseIncludes(verbose);

      List<String> macroCmd = new ArrayList<>(List.of(compiler));
      macroCmd.addAll(flags);
      macroCmd.addAll(List.of("-xc", "-dM", "-E", "-"));
      Map<String, String> macros = parseMacros(exec(macroCmd, false));
      return new Result(includes, macros, null);
    } catch (IOException e) {
      return Result.failed(compiler + " could not be run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.failed("interrupted");
    }
  }

  /** stdout, or with {@code stderr} stdout followed by stderr (where {@code -v} prints the search list). */
  private static String exec(List<String> cmd, boolean stderr) throws IOException, InterruptedException {
    Output r = run(cmd, 60);
    if (r.exit() != 0) {
      throw new IOException("exit " + r.exit() + ": " + firstLine(r.err().isEmpty() ? r.out() : r.err()));
    }
    return stderr ? r.out() + r.err() : r.out();
  }

  /** What a finished compiler run printed. */
  record Output(int exit, String out, String err) {}

  /**
   * Runs {@code cmd} with stdin from /dev/null, reading stdout while stderr goes to a temporary file
   * (so neither pipe can fill up while the other is read). Throws when it does not finish in time.
   */
  static Output run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Path err = Files.createTempFile("broomstick-gcc", ".err");
    try {
      pb.redirectError(err.toFile());
      Process p = pb.start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out");
      }
      return new Output(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static List<String> parseIncludes(String verbose) {
    List<String> dirs = new ArrayList<>();
    boolean in = false;
    for (String line : verbose.split("\n")) {
      if (line.startsWith("#include <...> search starts here:")) {
        in = true;
      } else if (line.startsWith("End of search list.")) {
        break;
      } else if (in && line.startsWith(" ")) {
        String dir = line.trim();
        int fw = dir.indexOf(" (framework directory)");
        dirs.add(fw >= 0 ? dir.substring(0, fw) : dir);
      }
    }
    return dirs;
  }

  static Map<String, String> parseMacros(String dm) {
    Map<String, String> macros = new LinkedHashMap<>();
    for (String line : dm.split("\n")) {
      if (!line.startsWith("#define ")) {
        continue;
      }
      String rest = line.substring("#define ".length());
      int sp = nameEnd(rest);
      macros.put(rest.substring(0, sp), sp < rest.length() ? rest.substring(sp).trim() : "");
    }
    return macros;
  }

  /** The end of a macro name, including a parameter list such as {@code F(a,b)}. */
  private static int nameEnd(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != '(') {
      i++;
    }
    if (i < s.length() && s.charAt(i) == '(') {
      int close = s.indexOf(')', i);
      return close < 0 ? s.length() : close + 1;
    }
    return i;
  }
}
