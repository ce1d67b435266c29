package org.broomstick.examples.niohttpd;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.nio.ByteBuffer;

/**
 * The HTTP/1.1 request-head parser (RFC 9112, the subset the server needs) and response texts. No
 * state: everything it finds goes into the {@link Request}. Not a stage; the parse stage calls it.
 */
final class Http {
  static final int MAX_HEADERS = 24;
  /** Largest request body and largest file served. */
  static final int MAX_BODY = 1 << 20;

  private Http() {}

  /** The offset of the first CRLF CRLF in {@code in[0, len)}, or -1. */
  static int headEnd(ByteBuffer in, int len) {
    for (int i = 0; i + 3 < len; i++) {
      if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Parses the head of {@code r} ({@code r.headLen} bytes of {@code in} from 0, ending with CRLF
   * CRLF) into {@code r}; returns 0, or the status to reject the request with.
   */
  static int parseHead(Request r, ByteBuffer in) {
    int end = r.headLen - 2; // the final CRLF
    int eol = lineEnd(in, 0, end);
    // request line: method SP target SP HTTP/1.x
    int s = 0;
    while (s < eol && isTchar(in.get(s))) {
      s++;
    }
    if (s == 0 || s >= eol || in.get(s) != ' ' || s > 16) {
      return 400;
    }
    r.method = string(in, 0, s);
    int t = ++s;
    while (s < eol && (in.get(s) & 0xff) > ' ' && in.get(s) != 0x7f) {
      s++;
    }
    if (s == t || s >= eol || in.get(s) != ' ' || in.get(t) != '/') {
      return 400;
    }
    r.target = string(in, t, s);
    s++;
    if (eol - s != 8 || !string(in, s, s + 7).equals("HTTP/1.") || (in.get(s + 7) != '0' && in.get(s + 7) != '1')) {
      return 400;
    }
    r.minor = in.get(s + 7) - '0';
    int q = r.target.indexOf('?');
    r.path = q >= 0 ? r.target.substring(0, q) : r.target;

    int hosts = 0;
    boolean haveLength = false;
    boolean close = false;
    boolean keep = false;
    for (int line = eol + 2; line < end; line = eol + 2) {
      eol = lineEnd(in, line, end + 2);
      int colon = line;
      while (colon < eol && isTchar(in.get(colon))) {
        colon++;
      }
      if (colon == line || colon >= eol || in.get(colon) != ':' || r.headers == MAX_HEADERS) {
        return 400; // no name, whitespace before the colon, obs-fold, or too many fields
      }
      int v = colon + 1;
      int ve = eol;
      while (v < ve && (in.get(v) == ' ' || in.get(v) == '\t')) {
        v++;
      }
      while (ve > v && (in.get(ve - 1) == ' ' || in.get(ve - 1) == '\t')) {
        ve--;
      }
      for (int x = v; x < ve; x++) {
        if ((in.get(x) & 0xff) < ' ' && in.get(x) != '\t') {
          return 400;
        }
      }
      String name = string(in, line, colon);
      String value = string(in, v, ve);
      r.headerNames[r.headers] = name;
      r.headerValues[r.headers++] = value;
      if (name.equalsIgnoreCase("Host")) {
        hosts++;
      } else if (name.equalsIgnoreCase("Content-Length")) {
        if (value.isEmpty() || value.length() > 9) {
          return value.length() > 9 ? 413 : 400;
        }
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
          char ch = value.charAt(i);
          if (ch < '0' || ch > '9') {
            return 400;
          }
          n = n * 10 + (ch - '0');
        }
        if (haveLength && n != r.contentLength) {
          return 400;
        }
        haveLength = true;
        r.contentLength = n;
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        return 501; // chunked bodies are not implemented
      } else if (name.equalsIgnoreCase("Connection")) {
        close |= hasToken(value, "close");
        keep |= hasToken(value, "keep-alive");
      }
    }
    if (r.minor == 1 && hosts != 1) {
      return 400; // RFC 9112 §3.2: exactly one Host in HTTP/1.1
    }
    if (r.contentLength > MAX_BODY) {
      return 413;
    }
    r.keepAlive = r.minor == 1 ? !close : keep && !close;
    return 0;
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Content Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      default -> "Unknown";
    };
  }

  /** The status line and headers of a response. */
  static byte[] head(Request r, int status) {
    String connection =
        !r.keepAlive ? "Connection: close\r\n" : r.minor == 0 ? "Connection: keep-alive\r\n" : "";
    return ("HTTP/1.1 " + status + " " + reason(status) + "\r\nServer: nio-httpd\r\nContent-Type: "
            + r.contentType + "\r\nContent-Length: " + r.outLen + "\r\n" + connection + "\r\n")
        .getBytes(ISO_8859_1);
  }

  private static int lineEnd(ByteBuffer in, int from, int to) {
    for (int i = from; i + 1 < to; i++) {
      if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
        return i;
      }
    }
    return to;
  }

  private static boolean isTchar(byte b) {
    int ch = b & 0xff;
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
        || (ch != 0 && "!#$%&'*+-.^_`|~".indexOf(ch) >= 0);
  }

  /** Whether the comma-separated value holds the token (case-insensitive). */
  private static boolean hasToken(String value, String token) {
    for (String part : value.split("[,\\s]+")) {
      if (part.equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static String string(ByteBuffer in, int from, int to) {
    byte[] b = new byte[to - from];
    in.get(from, b);
    return new String(b, ISO_8859_1);
  }
}
