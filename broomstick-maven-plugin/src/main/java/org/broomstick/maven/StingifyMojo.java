package org.broomstick.maven;

import java.io.IOException;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * {@code broomstick:stingify}: the build step for a Java server. Analyses the main source root,
 * sizes the pools and writes the rewritten sources with the generated {@code Ids} class under
 * {@code target/generated-sources/broomstick}, which then replaces the source root for compilation.
 */
@Mojo(name = "stingify", defaultPhase = LifecyclePhase.GENERATE_SOURCES,
    requiresDependencyResolution = ResolutionScope.COMPILE, threadSafe = true)
public final class StingifyMojo extends BroomstickMojo {

  @Parameter(property = "broomstick.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("broomstick: skipped");
      return;
    }
    BuildStep.Result r = buildStep();
    try {
      BuildStep.write(r, outputDirectory.toPath());
    } catch (IOException e) {
      throw new MojoExecutionException("broomstick: cannot write " + outputDirectory + ": " + e.getMessage(), e);
    }
    // The rewritten tree holds every source, rewritten or not: it replaces the original root.
    List<String> roots = project.getCompileSourceRoots();
    roots.remove(sourceDirectory.getAbsolutePath());
    roots.remove(sourceDirectory.getPath());
    project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
    getLog().info("broomstick: " + r.rewritten() + " of " + r.files().size() + " files rewritten into " + outputDirectory
        + "; plan " + r.plan().sizing().status());
  }
}
