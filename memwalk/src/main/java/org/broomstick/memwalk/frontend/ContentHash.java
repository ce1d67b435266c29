package org.broomstick.memwalk.frontend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 every frontend records of the files it read, so stingify can refuse stale ones. */
public final class ContentHash {
  private ContentHash() {}

  /** Hex SHA-256 of the file's bytes; null when it cannot be read. */
  public static String sha256(Path p) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(Files.readAllBytes(p)));
    } catch (IOException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
