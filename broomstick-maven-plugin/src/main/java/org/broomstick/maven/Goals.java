package org.broomstick.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.stingygen.StingygenException;

/** What both goals do before they differ: run the build step and turn its outcome into Maven's. */
final class Goals {
  private Goals() {}

  static BuildStep.Result run(AbstractMojo mojo, MavenProject project, File sources, File spec, File work,
      String javaPackage, String cacheSize) throws MojoExecutionException, MojoFailureException {
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
    BuildStep step = new BuildStep(sources.toPath(), classpath, yaml == null ? null : yaml.toPath(), work.toPath(),
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
      mojo.getLog().error(d.format());
    }
    if (!r.errors().isEmpty()) {
      throw new MojoFailureException("broomstick: the analysis found " + r.errors().size() + " errors");
    }
    if (r.plan() == null) {
      throw new MojoFailureException("broomstick: no stages declared in " + sources
          + " (annotate the server with @QueueStage, or give a broomstick.yaml)");
    }
    return r;
  }
}
