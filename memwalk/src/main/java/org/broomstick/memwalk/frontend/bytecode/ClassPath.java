package org.broomstick.memwalk.frontend.bytecode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.diag.InputException;
import org.broomstick.memwalk.frontend.c.PathDisplay;
import org.broomstick.memwalk.model.SourceLocation;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The classes of one run: the application classes (analysed, read with their code) and the library
 * classes (the classpath, then the running JDK), read lazily without code, for the hierarchy only.
 * Names are JVM internal names ({@code com/x/Server}).
 */
final class ClassPath implements AutoCloseable {

  /** An application class, where it came from, and its methods' bytecode lengths. */
  record AppClass(ClassNode node, String input, Map<String, Integer> codeLengths) {}

  /** A method found by resolution: its declaring class and node (code only for app classes). */
  record Method(String owner, MethodNode node, boolean app) {
    String id() {
      return Ids.method(owner, node.name, node.desc);
    }

    boolean isAbstract() {
      return (node.access & Opcodes.ACC_ABSTRACT) != 0;
    }
  }

  private final Map<String, AppClass> app = new TreeMap<>();
  private final Map<String, ClassNode> library = new HashMap<>();
  private final Set<String> missing = new java.util.HashSet<>();
  private final Map<String, Path> libraryDirs = new HashMap<>();
  private final Map<String, ZipFile> libraryJars = new HashMap<>();
  private final List<ZipFile> open = new ArrayList<>();
  private final Map<String, Set<String>> supertypes = new HashMap<>();
  private int libraryClassesRead;

  /**
   * @param inputs class directories and jars to analyse
   * @param classpath directories and jars read for the hierarchy only
   */
  ClassPath(List<Path> inputs, List<Path> classpath, PathDisplay display, Diagnostics diags, List<Path> inputFiles) {
    for (Path p : inputs) {
      readInput(p, display, diags, inputFiles);
    }
    for (Path p : classpath) {
      indexLibrary(p, display, diags);
    }
  }

  Map<String, AppClass> appClasses() {
    return app;
  }

  boolean isApp(String name) {
    return app.containsKey(name);
  }

  int libraryClassesRead() {
    return libraryClassesRead;
  }

  // ------------------------------------------------------------------ reading

  private void readInput(Path p, PathDisplay display, Diagnostics diags, List<Path> inputFiles) {
    String shown = display.show(p.toString());
    if (!Files.exists(p)) {
      throw new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.missing", "no such file or directory"));
    }
    if (Files.isDirectory(p)) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(p)) {
        files = walk.filter(f -> f.toString().endsWith(".class") && Files.isRegularFile(f)).sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        throw new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.unreadable", "directory cannot be read: " + e.getMessage()));
      }
      for (Path f : files) {
        try {
          addApp(Files.readAllBytes(f), display.show(f.toString()), diags);
          inputFiles.add(f);
        } catch (IOException e) {
          diags.warning(SourceLocation.ofFile(display.show(f.toString())), "input.unreadable", "class file cannot be read; skipped");
        }
      }
    } else if (p.toString().endsWith(".jar") || p.toString().endsWith(".zip")) {
      inputFiles.add(p);
      try (ZipFile zip = new ZipFile(p.toFile())) {
        List<? extends ZipEntry> entries =
            zip.stream().filter(e -> classEntry(e.getName())).sorted(java.util.Comparator.comparing(ZipEntry::getName)).toList();
        for (ZipEntry e : entries) {
          try (InputStream in = zip.getInputStream(e)) {
            addApp(in.readAllBytes(), shown + "!/" + e.getName(), diags);
          }
        }
      } catch (IOException e) {
        throw new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.unreadable", "jar cannot be read: " + e.getMessage()));
      }
    } else if (p.toString().endsWith(".class")) {
      try {
        addApp(Files.readAllBytes(p), shown, diags);
        inputFiles.add(p);
      } catch (IOException e) {
        throw new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.unreadable", "class file cannot be read"));
      }
    } else {
      throw new InputException(
          Diagnostic.error(SourceLocation.ofFile(shown), "input.not-classes", "not a class directory, jar or class file (Java sources need the source frontend)"));
    }
  }

  /** Multi-release variants and module descriptors are not classes of the program. */
  private static boolean classEntry(String name) {
    return name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class") && !name.endsWith("package-info.class");
  }

  private void addApp(byte[] bytes, String shown, Diagnostics diags) {
    ClassNode node = new ClassNode();
    ClassReader reader;
    try {
      reader = new ClassReader(bytes);
      reader.accept(node, 0);
    } catch (RuntimeException e) {
      // ASM throws plain runtime exceptions on malformed or too-new class files.
      diags.warning(SourceLocation.ofFile(shown), "input.bad-class", "not a readable class file (" + e.getClass().getSimpleName() + "); skipped");
      return;
    }
    if (node.name.equals("module-info") || node.name.endsWith("/package-info")) {
      return;
    }
    if (app.containsKey(node.name)) {
      diags.warning(SourceLocation.ofFile(shown), "input.duplicate-class", node.name.replace('/', '.') + " is also in " + app.get(node.name).input() + "; the first is analysed");
      return;
    }
    app.put(node.name, new AppClass(node, shown, CodeLengths.of(reader)));
  }

  private void indexLibrary(Path p, PathDisplay display, Diagnostics diags) {
    String shown = display.show(p.toString());
    if (Files.isDirectory(p)) {
      try (Stream<Path> walk = Files.walk(p)) {
        walk.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
          String rel = p.relativize(f).toString().replace('\\', '/');
          libraryDirs.putIfAbsent(rel.substring(0, rel.length() - 6), f);
        });
      } catch (IOException | UncheckedIOException e) {
        diags.warning(SourceLocation.ofFile(shown), "input.unreadable", "classpath directory cannot be read; skipped");
      }
    } else if (Files.isRegularFile(p)) {
      try {
        ZipFile zip = new ZipFile(p.toFile());
        open.add(zip);
        zip.stream().filter(e -> classEntry(e.getName())).forEach(e -> {
          String n = e.getName();
          libraryJars.putIfAbsent(n.substring(0, n.length() - 6), zip);
        });
      } catch (IOException e) {
        diags.warning(SourceLocation.ofFile(shown), "input.unreadable", "classpath jar cannot be read; skipped");
      }
    } else {
      diags.warning(SourceLocation.ofFile(shown), "input.missing", "classpath entry not found; skipped");
    }
  }

  /** The class of that name with its members (code only for app classes); null when not found. */
  ClassNode find(String name) {
    AppClass a = app.get(name);
    if (a != null) {
      return a.node();
    }
    ClassNode n = library.get(name);
    if (n != null || missing.contains(name)) {
      return n;
    }
    byte[] bytes = libraryBytes(name);
    if (bytes != null) {
      try {
        n = new ClassNode();
        new ClassReader(bytes).accept(n, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        libraryClassesRead++;
      } catch (RuntimeException e) {
        n = null;
      }
    }
    if (n == null) {
      missing.add(name);
    } else {
      library.put(name, n);
    }
    return n;
  }

  private byte[] libraryBytes(String name) {
    try {
      Path f = libraryDirs.get(name);
      if (f != null) {
        return Files.readAllBytes(f);
      }
      ZipFile z = libraryJars.get(name);
      if (z != null) {
        try (InputStream in = z.getInputStream(z.getEntry(name + ".class"))) {
          return in.readAllBytes();
        }
      }
      if (name.startsWith("[")) {
        return null;
      }
      // The running JDK stands in for the target's: class files are never encapsulated.
      try (InputStream in = ClassLoader.getSystemResourceAsStream(name + ".class")) {
        return in == null ? null : in.readAllBytes();
      }
    } catch (IOException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------ hierarchy

  /** The class itself, its superclasses and every interface they implement (those found). */
  Set<String> supertypes(String name) {
    Set<String> s = supertypes.get(name);
    if (s != null) {
      return s;
    }
    s = new LinkedHashSet<>();
    s.add(name);
    ClassNode n = find(name);
    if (n != null) {
      if (n.superName != null) {
        s.addAll(supertypes(n.superName));
      }
      for (String i : n.interfaces) {
        s.addAll(supertypes(i));
      }
    }
    supertypes.put(name, s);
    return s;
  }

  boolean isSubtype(String sub, String sup) {
    return sup.equals("java/lang/Object") || supertypes(sub).contains(sup);
  }

  boolean isInterface(String name) {
    ClassNode n = find(name);
    return n != null && (n.access & Opcodes.ACC_INTERFACE) != 0;
  }

  /**
   * JVM method resolution (JVMS §5.4.3.3, simplified): the class and its superclasses, then the
   * superinterfaces, preferring a default method over an abstract one; null when not found.
   */
  Method resolve(String owner, String name, String desc) {
    for (String c = owner; c != null; ) {
      ClassNode n = find(c);
      if (n == null) {
        break;
      }
      MethodNode m = declared(n, name, desc);
      if (m == null && (c.equals("java/lang/invoke/MethodHandle") || c.equals("java/lang/invoke/VarHandle"))) {
        // Signature-polymorphic (JVMS §2.9.3): any descriptor calls the one native varargs method.
        for (MethodNode p : n.methods) {
          if (p.name.equals(name) && (p.access & (Opcodes.ACC_NATIVE | Opcodes.ACC_VARARGS)) == (Opcodes.ACC_NATIVE | Opcodes.ACC_VARARGS)) {
            m = p;
          }
        }
      }
      if (m != null) {
        return new Method(c, m, isApp(c));
      }
      c = n.superName;
    }
    Method abstractOne = null;
    for (String t : supertypes(owner)) {
      ClassNode n = find(t);
      if (n == null || (n.access & Opcodes.ACC_INTERFACE) == 0) {
        continue;
      }
      MethodNode m = declared(n, name, desc);
      if (m != null && (m.access & Opcodes.ACC_STATIC) == 0) {
        if ((m.access & Opcodes.ACC_ABSTRACT) == 0) {
          return new Method(t, m, isApp(t));
        }
        if (abstractOne == null) {
          abstractOne = new Method(t, m, isApp(t));
        }
      }
    }
    return abstractOne;
  }

  /** The method an object of concrete class {@code cls} runs for {@code name desc}; null if none. */
  Method implementation(String cls, String name, String desc) {
    Method m = resolve(cls, name, desc);
    return m == null || (m.node().access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_STATIC)) != 0 ? null : m;
  }

  static MethodNode declared(ClassNode n, String name, String desc) {
    for (MethodNode m : n.methods) {
      if (m.name.equals(name) && m.desc.equals(desc)) {
        return m;
      }
    }
    return null;
  }

  /** The class that declares field {@code name} as seen from {@code owner} (owner when unknown). */
  String fieldOwner(String owner, String name) {
    for (String t : supertypes(owner)) {
      ClassNode n = find(t);
      if (n != null) {
        for (FieldNode f : n.fields) {
          if (f.name.equals(name)) {
            return t;
          }
        }
      }
    }
    return owner;
  }

  FieldNode field(String owner, String name) {
    ClassNode n = find(fieldOwner(owner, name));
    if (n != null) {
      for (FieldNode f : n.fields) {
        if (f.name.equals(name)) {
          return f;
        }
      }
    }
    return null;
  }

  /** The abstract instance methods of a type, inherited ones included: what a stage object runs. */
  List<MethodNode> abstractMethods(String type) {
    List<MethodNode> out = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (String t : supertypes(type)) {
      ClassNode n = find(t);
      if (n == null || t.equals("java/lang/Object")) {
        continue;
      }
      for (MethodNode m : n.methods) {
        if ((m.access & Opcodes.ACC_ABSTRACT) != 0 && (m.access & Opcodes.ACC_STATIC) == 0 && seen.add(m.name + m.desc)) {
          out.add(m);
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    for (ZipFile z : open) {
      try {
        z.close();
      } catch (IOException e) {
        // read-only: nothing to lose
      }
    }
  }
}
