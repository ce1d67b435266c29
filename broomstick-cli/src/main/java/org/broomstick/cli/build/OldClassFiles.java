package org.broomstick.cli.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * A build step, not part of the program (run by the exec plugin after the shade plugin, see
 * broomstick-cli/pom.xml): rewrites the class files of the runnable jar that are older than Java 6
 * (class file version &lt; 50: picocli, ASM and jsr305 are compiled for Java 5) as Java 8 class
 * files with stack map frames computed by ASM. The code is unchanged.
 *
 * <p>Why: the JVM's AOT cache (JEP 483, made by {@code bin/broomstick}) cannot keep a class of
 * version &lt; 50 once it has been linked, so picocli's 228 classes were loaded, parsed and
 * verified from the jar on every run (about 85 ms of CPU of a {@code --version}; bench/launcher.md).
 */
public final class OldClassFiles {
  private OldClassFiles() {}

  /** First class file version with stack map frames (Java 6). */
  private static final int FRAMES = 50;

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: OldClassFiles JAR");
    }
    Path jar = Path.of(args[0]);
    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
    int upgraded = 0;
    // Frames need the common super class of two types: loaded from the jar itself (and the JDK).
    try (URLClassLoader types = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        InputStream raw = Files.newInputStream(jar);
        ZipInputStream in = new ZipInputStream(raw);
        OutputStream rawOut = Files.newOutputStream(tmp);
        ZipOutputStream out = new ZipOutputStream(rawOut)) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        byte[] bytes = in.readAllBytes();
        if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class") && version(bytes) < FRAMES) {
          bytes = upgrade(bytes, types);
          upgraded++;
        }
        ZipEntry copy = new ZipEntry(e.getName());
        copy.setTime(e.getTime());
        out.putNextEntry(copy);
        out.write(bytes);
        out.closeEntry();
      }
    }
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("[broomstick] " + upgraded + " class files older than Java 6 rewritten as Java 8 in " + jar.getFileName());
  }

  static int version(byte[] classFile) {
    return classFile.length < 8 ? Integer.MAX_VALUE : ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
  }

  static byte[] upgrade(byte[] classFile, ClassLoader types) {
    ClassWriter w =
        new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
          @Override
          protected ClassLoader getClassLoader() {
            return types;
          }
        };
    new ClassReader(classFile)
        .accept(
            new ClassVisitor(Opcodes.ASM9, w) {
              @Override
              public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
              }
            },
            ClassReader.SKIP_FRAMES);
    return w.toByteArray();
  }
}
