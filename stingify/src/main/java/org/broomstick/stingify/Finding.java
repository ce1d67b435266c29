package org.broomstick.stingify;

/**
 * Something stingify reports about a site or a file: printed gcc-style, {@code
 * file:line:col: warning: message [key]}. Stable keys: {@code stingify.macro-site}, {@code
 * stingify.left-alone}, {@code stingify.unexpected-text}, {@code stingify.stale}; for Java also
 * {@code stingify.ambiguous-site} (two calls of the allocator on the site's line), {@code
 * stingify.nested-site}, {@code stingify.no-source} and {@code stingify.parse}.
 */
public record Finding(String file, int line, int column, String severity, String key, String message) {
  public String format() {
    String at = file == null ? "<unknown>" : line > 0 ? file + ":" + line + (column > 0 ? ":" + column : "") : file;
    return at + ": " + severity + ": " + message + " [" + key + "]";
  }
}
