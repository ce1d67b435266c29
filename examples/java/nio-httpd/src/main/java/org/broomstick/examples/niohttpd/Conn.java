package org.broomstick.examples.niohttpd;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A connection: the task of the stage graph. Its continuation is {@link #next} while it waits in a
 * run queue, {@link #wait} while it waits for its socket. One instance per connection, from
 * {@code HttpServer.conn()} (pooled in the Stingy build, hence {@link #clear}).
 */
final class Conn {
  SocketChannel ch;
  SelectionKey key;
  HttpServer.Stage next;
  HttpServer.Stage wait;
  /** Bytes read and not yet consumed, from position 0 (the buffer stays in fill mode). */
  ByteBuffer in;
  Request req;
  long lingered;
  long requests;
  boolean queued;
  // the listener only: connections wait in the backlog / it is registered for OP_ACCEPT
  boolean ready;
  boolean armed;
  /** The gathering write of a response: head and body. */
  final ByteBuffer[] iov = new ByteBuffer[2];

  /** Forgets everything, so that a pooled instance holds no channel or buffer of its last use. */
  void clear() {
    ch = null;
    key = null;
    next = null;
    wait = null;
    in = null;
    req = null;
    lingered = 0;
    requests = 0;
    queued = false;
    ready = false;
    armed = false;
    iov[0] = null;
    iov[1] = null;
  }
}
