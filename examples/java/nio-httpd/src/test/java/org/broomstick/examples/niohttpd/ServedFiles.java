package org.broomstick.examples.niohttpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the end-to-end tests serve: {@code files/hello.txt} and {@code files/big.txt} from the test
 * resources under {@code root}, with a file beside the root and a hidden one in it that a request
 * must not reach.
 */
record ServedFiles(Path root, byte[] hello, byte[] big) {

  static ServedFiles under(Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("files"));
    ServedFiles f = new ServedFiles(root, resource("files/hello.txt"), resource("files/big.txt"));
    Files.write(root.resolve("hello.txt"), f.hello());
    Files.write(root.resolve("big.txt"), f.big());
    Files.writeString(dir.resolve("pom.xml"), "outside the root\n");
    Files.writeString(root.resolve(".hidden"), "hidden\n");
    return f;
  }

  private static byte[] resource(String name) {
    try (InputStream in = ServedFiles.class.getClassLoader().getResourceAsStream(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
