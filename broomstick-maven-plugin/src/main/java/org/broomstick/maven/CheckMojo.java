package org.broomstick.maven;

import java.io.IOException;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * {@code broomstick:check}: for CI. Runs the build step without writing and fails when the analysis
 * finds errors, when no plan fits, or when {@code target/generated-sources/broomstick} is not what
 * the build step would write now.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY,
    requiresDependencyResolution = ResolutionScope.COMPILE, threadSafe = true)
public final class CheckMojo extends BroomstickMojo {
  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    BuildStep.Result r = buildStep();
    List<String> stale;
    try {
      stale = BuildStep.stale(r, outputDirectory.toPath());
    } catch (IOException e) {
      throw new MojoExecutionException("broomstick: cannot read " + outputDirectory + ": " + e.getMessage(), e);
    }
    if (!stale.isEmpty()) {
      stale.forEach(f -> getLog().error("broomstick: not up to date: " + f));
      throw new MojoFailureException("broomstick: " + stale.size() + " generated files are not up to date; run broomstick:stingify");
    }
    getLog().info("broomstick: generated sources up to date (" + r.files().size() + " files)");
  }
}
