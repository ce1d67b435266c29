package org.broomstick.memwalk.frontend.c;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.cdt.core.index.IIndexFileLocation;
import org.eclipse.cdt.internal.core.parser.IMacroDictionary;
import org.eclipse.cdt.internal.core.parser.scanner.InternalFileContent;
import org.eclipse.cdt.internal.core.parser.scanner.InternalFileContentProvider;

/**
 * Gives CDT's preprocessor header contents from the shared {@link SourceCache}: each file is read,
 * decoded and hashed by CDT once per run, however many units include it (the per-unit hashing alone
 * was 7% of a libevent run). A header that is not on the include path but has a single same-named
 * file in the input tree is used from there (a heuristic the unit reports), as a build system's
 * generated or copied headers often are.
 */
final class CachingContentProvider extends InternalFileContentProvider {

  /** A header found by the heuristic: what was written, where, and what was used. */
  record HeuristicInclude(String include, String includingFile, String used) {}

  private final SourceCache cache;
  // What this unit read: CDT's own list of include directives costs a quarter of extraction.
  private final java.util.Set<String> served = new java.util.LinkedHashSet<>();
  private final List<HeuristicInclude> heuristic = new java.util.ArrayList<>();

  // The unit's parse with a system prelude, or null.
  private final PreludeSession prelude;

  CachingContentProvider(SourceCache cache, Map<String, List<Path>> headersByName) {
    this(cache, headersByName, null);
  }

  CachingContentProvider(SourceCache cache, Map<String, List<Path>> headersByName, PreludeSession prelude) {
    this.cache = cache;
    this.prelude = prelude;
    setIncludeResolutionHeuristics(
        (include, currentFile) -> {
          String name = Path.of(include).getFileName().toString();
          List<Path> candidates = headersByName.getOrDefault(name, List.of());
          String used = null;
          for (Path p : candidates) {
            if (p.toString().endsWith(include)) {
              used = p.toString();
              break;
            }
          }
          if (used == null && candidates.size() == 1) {
            used = candidates.get(0).toString();
          }
          if (used != null) {
            heuristic.add(new HeuristicInclude(include, currentFile, used));
          }
          return used;
        });
  }

  /** The files this unit's preprocessor read, in order. */
  java.util.Set<String> served() {
    return served;
  }

  List<HeuristicInclude> heuristicIncludes() {
    return heuristic;
  }

  @Override
  public boolean getInclusionExists(String path) {
    if (prelude != null && prelude.provides(path)) {
      return true;
    }
    return cache.exists(path);
  }

  @Override
  public InternalFileContent getContentForInclusion(String path, IMacroDictionary macros) {
    // CDT asks for the header in each include directory in turn: only a file that exists (or one
    // of the prelude's own) is an inclusion the prelude session has to see.
    if (prelude != null && (prelude.provides(path) || cache.exists(path))) {
      InternalFileContent c = prelude.content(path, macros);
      if (c != null) {
        return c;
      }
    }
    Optional<SourceCache.Source> src = cache.get(path);
    if (src.isEmpty()) {
      return null;
    }
    served.add(path);
    return new InternalFileContent(path, src.get().charArray());
  }

  @Override
  public InternalFileContent getContentForInclusion(IIndexFileLocation ifl, String astPath) {
    return getContentForInclusion(astPath, null);
  }
}
