package org.broomstick.maven;

import java.io.File;
import java.io.IOException;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * {@code broomstick:check}: for CI. Runs the build step without writing and fails when the analysis
 * finds errors, when no plan fits, or when {@code target/generated-sources/broomstick} is not what
 * the build step would write now.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY,
    requiresDependencyResolution = ResolutionScope.COMPILE, threadSafe = true)
public final class CheckMojo extends AbstractMojo {

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${project.build.sourceDirectory}", required = true)
  File sourceDirectory;

  @Parameter(defaultValue = "${project.build.directory}/generated-sources/broomstick", required = true)
  File outputDirectory;

  @Parameter(defaultValue = "${project.build.directory}/broomstick-check", required = true)
  File workDirectory;

  @Parameter(property = "broomstick.spec")
  File spec;

  @Parameter(property = "broomstick.javaPackage", defaultValue = "broomstick.generated")
  String javaPackage;

  @Parameter(property = "broomstick.cacheSize")
  String cacheSize;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    BuildStep.Result r = Goals.run(this, project, sourceDirectory, spec, workDirectory, javaPackage, cacheSize);
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
