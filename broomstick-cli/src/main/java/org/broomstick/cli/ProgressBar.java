package org.broomstick.cli;

import java.io.PrintStream;
import org.broomstick.memwalk.frontend.c.CFrontend;

/**
 * A one-line progress bar on stderr, shown only on a terminal and only once a run has taken more
 * than a second, so short runs and redirected output stay clean.
 */
final class ProgressBar implements CFrontend.Progress {
  private final PrintStream err;
  private final long start = System.nanoTime();
  private final boolean enabled;
  private volatile boolean drawn;
  private long lastDraw;

  ProgressBar(PrintStream err, boolean enabled) {
    this.err = err;
    this.enabled = enabled && System.console() != null;
  }

  @Override
  public synchronized void unitsDone(int done, int total) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - start < 1_000_000_000L || (now - lastDraw < 100_000_000L && done < total)) {
      return;
    }
    lastDraw = now;
    int width = 30;
    int filled = total == 0 ? width : (int) ((long) done * width / total);
    err.print("\r[" + "=".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total + " units");
    err.flush();
    drawn = true;
  }

  void finish() {
    if (drawn) {
      err.print("\r" + " ".repeat(60) + "\r");
      err.flush();
    }
  }
}
