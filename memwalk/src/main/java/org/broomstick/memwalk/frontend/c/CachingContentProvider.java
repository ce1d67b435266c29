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

  private final SourceCache cache;

  CachingContentProvider(SourceCache cache, Map<String, List<Path>> headersByName) {
    this.cache = cache;
    setIncludeResolutionHeuristics(
        (include, currentFile) -> {
          String name = Path.of(include).getFileName().toString();
          List<Path> candidates = headersByName.getOrDefault(name, List.of());
          for (Path p : candidates) {
            if (p.toString().endsWith(include)) {
              return p.toString();
            }
          }
          return candidates.size() == 1 ? candidates.get(0).toString() : null;
        });
  }

  @Override
  public boolean getInclusionExists(String path) {
    return cache.exists(path);
  }

  @Override
  public InternalFileContent getContentForInclusion(String path, IMacroDictionary macros) {
    Optional<SourceCache.Source> src = cache.get(path);
    return src.map(s -> new InternalFileContent(path, s.charArray())).orElse(null);
  }

  @Override
  public InternalFileContent getContentForInclusion(IIndexFileLocation ifl, String astPath) {
    return getContentForInclusion(astPath, null);
  }
}
