package org.broomstick.stingify.input;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What stingify reads: the sites and file hashes of {@code report.json} and the managed objects of
 * {@code allocator.json} with the names of their ids in the generated config.
 *
 * @param base the directory the report's relative paths are relative to
 * @param language the report's language, {@code c} or {@code java}
 * @param inputs SHA-256 of every analysed file, by the report's path (for Java: class files and jars)
 * @param managed the name of every object the allocator manages, by object id: its C enum name, or
 *     for Java its constant in {@code javaClass}
 * @param javaClass the generated Java config class ({@code pkg.Ids}); null for C
 * @param sources the Java source files the report's functions name ({@code demo/Srv.java},
 *     relative to a source root); empty for C
 * @param reportTime when the report was written; a Java source modified later is stale
 */
public record StingifyInput(
    Path base,
    String language,
    Map<String, String> inputs,
    List<AllocationSite> allocations,
    List<ReleaseSite> releases,
    Map<String, String> managed,
    String javaClass,
    Set<String> sources,
    Instant reportTime) {
  public StingifyInput {
    inputs = Map.copyOf(inputs);
    allocations = List.copyOf(allocations);
    releases = List.copyOf(releases);
    managed = Map.copyOf(managed);
    sources = Set.copyOf(sources);
  }

  public boolean isJava() {
    return "java".equals(language);
  }

  public Path resolve(String file) {
    return base.resolve(file).normalize();
  }
}
