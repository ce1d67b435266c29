package org.broomstick.examples.niohttpd;

import java.nio.ByteBuffer;
import org.broomstick.annotations.StingySize;

/**
 * One request and its response, parsed from the connection's input buffer. One instance per request,
 * from {@code HttpServer.request()} (pooled in the Stingy build, hence {@link #clear}).
 */
final class Request {
  String method;
  String target;
  /** The target without its query. */
  String path;
  /** HTTP/1.minor. */
  int minor;
  final String[] headerNames = new String[Http.MAX_HEADERS];
  final String[] headerValues = new String[Http.MAX_HEADERS];
  int headers;
  int headLen;
  /** Bytes of the connection's input that belong to this request (head and the body read with it). */
  int consumed;
  int contentLength;
  /** The body, filled up to its limit ({@code contentLength}). */
  @StingySize(4096) ByteBuffer body;
  boolean keepAlive;
  /** Set by the parser when it rejects the request; 0 otherwise. */
  int status;

  // the response
  ByteBuffer head;
  /** A body the handler built (owned, freed with the request); {@link #out} may point elsewhere. */
  @StingySize(4096) ByteBuffer respBody;
  /** What is sent after the head: position 0 to limit {@link #outLen}. */
  ByteBuffer out;
  int outLen;
  String contentType;
  /** False for HEAD. */
  boolean sendBody = true;

  void clear() {
    method = target = path = contentType = null;
    minor = headers = headLen = consumed = contentLength = status = outLen = 0;
    java.util.Arrays.fill(headerNames, null);
    java.util.Arrays.fill(headerValues, null);
    body = head = respBody = out = null;
    keepAlive = false;
    sendBody = true;
  }
}
