package org.broomstick.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.stingygen.StingygenException;

/** The parameters both goals share, and the build step they both run first. */
abstract class BroomstickMojo extends AbstractMojo {

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${project.build.sourceDirectory}", required = true)
  File sourceDirectory;

  @Parameter(defaultValue = "${project.build.directory}/generated-sources/broomstick", required = true)
  File outputDirectory;

  /** Where report.json, allocator.json and memory-map.txt go. */
  @Parameter(defaultValue = "${project.build.directory}/broomstick", required = true)
  File workDirectory;

  /** A broomstick.yaml binding the server interface (default: the one in the project's directory, if any). */
  @Parameter(property = "broomstick.spec")
  File spec;

  @Parameter(property = "broomstick.javaPackage", defaultValue = "broomstick.generated")
  String javaPackage;

  /** The cache to plan for, e.g. 1M (default: half this machine's L2). */
  @Parameter(property = "broomstick.cacheSize")
  String cacheSize;

  /** Runs the build step and turns its outcome into Maven's: errors are logged and fail the goal. */
  BuildStep.Result buildStep() throws MojoExecutionException, MojoFailureException {
    List<Path> classpath = new ArrayList<>();
    try {
      for (String e : project.getCompileClasspathElements()) {
        Path p = Path.of(e);
        if (!p.equals(Path.of(project.getBuild().getOutputDirectory()))) {
          classpath.add(p);
        }
      }
    } catch (DependencyResolutionRequiredException e) {
      throw new MojoExecutionException("broomstick: the compile classpath is not resolved", e);
    }
    File yaml = spec;
    if (yaml == null) {
      File beside = new File(project.getBasedir(), "broomstick.yaml");
      yaml = beside.isFile() ? beside : null;
    }
    Long cache = null;
    if (cacheSize != null && !cacheSize.isBlank()) {
      try {
        cache = org.broomstick.stingygen.cache.CacheGeometry.parseSize(cacheSize);
      } catch (StingygenException e) {
        throw new MojoExecutionException("broomstick: cacheSize: " + e.getMessage(), e);
      }
    }
    BuildStep step = new BuildStep(sourceDirectory.toPath(), classpath, yaml == null ? null : yaml.toPath(), workDirectory.toPath(),
        javaPackage, cache);
    BuildStep.Result r;
    try {
      r = step.run();
    } catch (StingygenException e) {
      throw new MojoFailureException("broomstick: " + e.getMessage(), e);
    } catch (java.io.IOException | RuntimeException e) {
      throw new MojoExecutionException("broomstick: " + e.getMessage(), e);
    }
    for (Diagnostic d : r.errors()) {
      getLog().error(d.format());
    }
    if (!r.errors().isEmpty()) {
      throw new MojoFailureException("broomstick: the analysis found " + r.errors().size() + " errors");
    }
    if (r.plan() == null) {
      throw new MojoFailureException("broomstick: no stages declared in " + sourceDirectory
          + " (annotate the server with @QueueStage, or give a broomstick.yaml)");
    }
    return r;
  }
}
