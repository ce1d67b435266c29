package org.broomstick.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.apache.maven.model.Build;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin's build step on a small Java server: rewritten sources that compile, and the check goal's staleness. */
class BuildStepTest {

  @TempDir Path dir;

  private Path server() throws Exception {
    Path src = dir.resolve("src/main/java");
    Path file = src.resolve("demo/Srv.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, """
        package demo;
        import java.nio.ByteBuffer;
        public class Srv {
          public interface Stage { void run(Task t); }
          public static final class Task { ByteBuffer buf; }
          public static void queue(Task t, Stage s) {}
          public static ByteBuffer buffer(int n) { return ByteBuffer.allocateDirect(n); }
          public static void release(ByteBuffer b) {}
          static void respond(Task t) { release(t.buf); }
          static void parse(Task t) {
            t.buf = buffer(4096);
            queue(t, Srv::respond);
          }
          public static void main(String[] a) { queue(new Task(), Srv::parse); }
        }
        """);
    Files.writeString(dir.resolve("broomstick.yaml"), """
        queueStage: [{function: Srv.queue, params: [T, S]}]
        malloc: [{function: Srv.buffer, params: [size]}]
        free: [{function: Srv.release, params: [ptr]}]
        """);
    return src;
  }

  @Test
  void theGeneratedTreeIsTheRewrittenServerAndItsIdsAndItCompiles() throws Exception {
    Path src = server();
    BuildStep step = new BuildStep(src, List.of(), dir.resolve("broomstick.yaml"), dir.resolve("target/broomstick"),
        "broomstick.generated", 1L << 20);
    BuildStep.Result r = step.run();
    assertThat(r.errors()).isEmpty();
    assertThat(r.rewritten()).isEqualTo(1);
    assertThat(r.files()).containsKeys(Path.of("demo/Srv.java"), Path.of("broomstick/generated/Ids.java"));
    String rewritten = new String(r.files().get(Path.of("demo/Srv.java")), StandardCharsets.UTF_8);
    assertThat(rewritten).contains("t.buf = Stingy.alloc(Ids.").contains("Stingy.free(t.buf)");

    Path out = dir.resolve("target/generated-sources/broomstick");
    BuildStep.write(r, out);
    List<String> javac = new ArrayList<>(List.of("-d", dir.resolve("classes").toString(), "-cp",
        System.getProperty("java.class.path")));
    try (Stream<Path> s = Files.walk(out)) {
      s.filter(p -> p.toString().endsWith(".java")).forEach(p -> javac.add(p.toString()));
    }
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, javac.toArray(String[]::new)))
        .as("javac on the generated tree").isZero();

    assertThat(BuildStep.stale(r, out)).isEmpty();
    Files.writeString(out.resolve("demo/Srv.java"), rewritten + "// edited by hand\n");
    assertThat(BuildStep.stale(r, out)).containsExactly("demo/Srv.java");
  }

  @Test
  void theGoalReplacesTheSourceRootWithTheGeneratedTree() throws Exception {
    Path src = server();
    MavenProject project = new MavenProject();
    project.setFile(dir.resolve("pom.xml").toFile());
    Build build = new Build();
    build.setOutputDirectory(dir.resolve("target/classes").toString());
    build.setDirectory(dir.resolve("target").toString());
    project.setBuild(build);
    project.addCompileSourceRoot(src.toAbsolutePath().toString());
    StingifyMojo mojo = new StingifyMojo();
    mojo.project = project;
    mojo.sourceDirectory = src.toFile();
    mojo.outputDirectory = dir.resolve("target/generated-sources/broomstick").toFile();
    mojo.workDirectory = dir.resolve("target/broomstick").toFile();
    mojo.javaPackage = "broomstick.generated";
    mojo.cacheSize = "1M";
    mojo.execute();
    assertThat(project.getCompileSourceRoots()).containsExactly(mojo.outputDirectory.getAbsolutePath());
    assertThat(new File(mojo.outputDirectory, "demo/Srv.java")).exists();

    CheckMojo check = new CheckMojo();
    check.project = project;
    check.sourceDirectory = src.toFile();
    check.outputDirectory = mojo.outputDirectory;
    check.workDirectory = dir.resolve("target/broomstick-check").toFile();
    check.javaPackage = "broomstick.generated";
    check.cacheSize = "1M";
    check.execute(); // up to date: no exception
    Files.writeString(src.resolve("demo/Srv.java"), Files.readString(src.resolve("demo/Srv.java")).replace("4096", "2048"));
    org.assertj.core.api.Assertions.assertThatThrownBy(check::execute)
        .isInstanceOf(org.apache.maven.plugin.MojoFailureException.class).hasMessageContaining("not up to date");
  }
}
