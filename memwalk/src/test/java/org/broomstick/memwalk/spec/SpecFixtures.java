package org.broomstick.memwalk.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.broomstick.memwalk.diag.Diagnostic;

/**
 * The {@code src/test/resources/spec/<case>/broomstick.yaml} fixtures and their expectations: a
 * comment {@code # :: error: (key)} expects a diagnostic with that key on the next line (several
 * markers may share one comment); a line without a marker must produce nothing.
 */
final class SpecFixtures {

  static final String SPEC = "broomstick.yaml";

  /** Optional beside a spec: the functions the sources define, one per line, for SpecCheck. */
  static final String FUNCTIONS = "functions.txt";

  private static final Pattern MARKER_LINE = Pattern.compile("^\\s*#\\s*::.*");
  private static final Pattern MARKER =
      Pattern.compile("::\\s*(error|warning|note)\\s*:\\s*\\(([a-z0-9.-]+)\\)\\s*");

  private SpecFixtures() {}

  static Path root() {
    URL url = SpecFixtures.class.getResource("/spec");
    assertThat(url).as("test resources directory spec/").isNotNull();
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path dir(String name) {
    return root().resolve(name);
  }

  /** Every fixture directory; a directory without a spec is a broken fixture and fails. */
  static Stream<Path> all() throws IOException {
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root())) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(dirs).as("spec fixtures").isNotEmpty();
    for (Path d : dirs) {
      assertThat(d.resolve(SPEC))
          .as("fixture %s needs a %s", d.getFileName(), SPEC)
          .isRegularFile();
    }
    return dirs.stream();
  }

  /** The expected diagnostics as {@code "line: severity (key)"}, one string per marker. */
  static List<String> expected(Path spec) {
    List<String> lines = readLines(spec);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!MARKER_LINE.matcher(line).matches()) {
        continue;
      }
      String markers = line.substring(line.indexOf("::"));
      Matcher m = MARKER.matcher(markers);
      int end = 0;
      while (m.find() && m.start() == end) {
        // Marker on 0-based line i, i.e. 1-based line i + 1, points at 1-based line i + 2.
        out.add(render(i + 2, m.group(1), m.group(2)));
        end = m.end();
      }
      if (end != markers.length()) {
        fail("%s:%d: cannot read marker comment %s", spec, i + 1, line.strip());
      }
    }
    return out;
  }

  static String render(Diagnostic d) {
    return render(d.at().line(), d.severity().label(), d.key());
  }

  private static String render(int line, String severity, String key) {
    return String.format("%3d: %s (%s)", line, severity, key);
  }

  /** The elements of {@code a} left after taking away one occurrence per element of {@code b}. */
  static List<String> minus(List<String> a, List<String> b) {
    List<String> rest = new ArrayList<>(a);
    b.forEach(rest::remove);
    return rest;
  }

  static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
