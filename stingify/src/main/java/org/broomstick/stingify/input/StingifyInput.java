package org.broomstick.stingify.input;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What stingify reads: the sites and file hashes of {@code report.json} and the managed objects of
 * {@code allocator.json} with the C names of their ids.
 *
 * @param base the directory the report's relative paths are relative to
 * @param inputs SHA-256 of every analysed file, by the report's path
 * @param managed C enum name of every object the allocator manages, by object id
 */
public record StingifyInput(
    Path base, Map<String, String> inputs, List<AllocationSite> allocations, List<ReleaseSite> releases, Map<String, String> managed) {
  public StingifyInput {
    inputs = Map.copyOf(inputs);
    allocations = List.copyOf(allocations);
    releases = List.copyOf(releases);
    managed = Map.copyOf(managed);
  }

  public Path resolve(String file) {
    return base.resolve(file).normalize();
  }
}
