package org.broomstick.stingify.input;

/** A report or allocator file that stingify cannot use; the message names the file and the field. */
public final class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
