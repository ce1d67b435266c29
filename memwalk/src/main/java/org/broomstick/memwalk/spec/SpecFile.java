package org.broomstick.memwalk.spec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.ServerSpec.AllocFunction;
import org.broomstick.memwalk.spec.ServerSpec.Declared;
import org.broomstick.memwalk.spec.ServerSpec.FreeFunction;
import org.broomstick.memwalk.spec.ServerSpec.SiteHint;
import org.broomstick.memwalk.spec.ServerSpec.StageField;
import org.broomstick.memwalk.spec.ServerSpec.StageFunction;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads a {@code broomstick.yaml} sidecar spec (SPEC §3) into a {@link ServerSpec}. Every mistake
 * in the file is an error {@link org.broomstick.memwalk.diag.Diagnostic} at the offending YAML node
 * (keys {@code spec.unreadable}, {@code spec.syntax}, {@code spec.unknown-key}, {@code
 * spec.unknown-label}, {@code spec.malformed}, {@code spec.missing-key}, {@code spec.duplicate},
 * {@code spec.bad-hint}); the returned spec holds exactly the entries that had no mistake, so one
 * run reports them all.
 *
 * <p>Accepted spellings beyond SPEC §3: the thesis labels {@code int} (for {@code size}) and, for
 * {@code free}, the index form {@code params: ["0"]} or the key {@code ptr: 0}; labels are
 * case-insensitive; an empty section ({@code malloc:} with nothing under it) has no entries; a
 * function declared twice the same way is accepted once.
 */
public final class SpecFile {

  /** The name the CLI looks for beside the sources. */
  public static final String FILE_NAME = "broomstick.yaml";

  static final String UNREADABLE = "spec.unreadable";
  static final String SYNTAX = "spec.syntax";
  static final String UNKNOWN_KEY = "spec.unknown-key";
  static final String UNKNOWN_LABEL = "spec.unknown-label";
  static final String MALFORMED = "spec.malformed";
  static final String MISSING_KEY = "spec.missing-key";
  static final String DUPLICATE = "spec.duplicate";
  static final String BAD_HINT = "spec.bad-hint";

  private static final String QUEUE_STAGE = "queueStage";
  private static final String SCHEDULE_STAGE = "scheduleStage";
  private static final String MALLOC = "malloc";
  private static final String FREE = "free";
  private static final String SCHEDULER = "scheduler";
  private static final String STAGE_FIELD = "stageField";
  private static final String HINTS = "hints";
  private static final String ENTRY = "entry";

  private static final List<String> SECTIONS =
      List.of(QUEUE_STAGE, SCHEDULE_STAGE, MALLOC, FREE, SCHEDULER, STAGE_FIELD, HINTS, ENTRY);

  /** What one entry of each list section looks like, quoted in messages about a wrong shape. */
  private static final Map<String, String> EXAMPLES =
      Map.of(
          QUEUE_STAGE, "{function: f, params: [T, S]}",
          SCHEDULE_STAGE, "{function: f, params: [T, S]}",
          MALLOC, "{function: f, params: [size]}",
          FREE, "{function: f, params: [ptr]}",
          STAGE_FIELD, "{struct: s, field: f}",
          HINTS, "{site: \"file.c:12\", stingy_size: 4096}");

  private static final Map<String, String> PARAMS_EXAMPLES =
      Map.of(QUEUE_STAGE, "[T, S]", SCHEDULE_STAGE, "[T, S]", MALLOC, "[size]", FREE, "[ptr]");

  /** A C identifier, or a dotted Java name such as {@code Server.onRead} or {@code a.b.C$D.m}. */
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern INDEX = Pattern.compile("[0-9]+");

  /**
   * {@code file:line} or {@code file:function}: the forms the site binder matches. A column is not
   * accepted, because no allocation site would ever match it.
   */
  private static final Pattern SITE =
      Pattern.compile("(?<file>[^:\\s][^:]*):(?:(?<line>[0-9]+)|(?<function>.+))");

  private final String displayPath;
  private final Diagnostics diags;

  /** Errors reported so far; an entry is kept only if reading it added none. */
  private int errors;

  private final Map<String, StageFunction> queueStages = new LinkedHashMap<>();
  private final Map<String, StageFunction> scheduleStages = new LinkedHashMap<>();
  private final Map<String, AllocFunction> mallocs = new LinkedHashMap<>();
  private final Map<String, FreeFunction> frees = new LinkedHashMap<>();
  private final List<Declared> schedulers = new ArrayList<>();
  private final List<StageField> stageFields = new ArrayList<>();
  private final List<SiteHint> hints = new ArrayList<>();
  private Declared entry;

  private SpecFile(String displayPath, Diagnostics diags) {
    this.displayPath = Objects.requireNonNull(displayPath, "displayPath");
    this.diags = Objects.requireNonNull(diags, "diags");
  }

  /**
   * Reads {@code file} (UTF-8); problems are reported into {@code diags} with {@code displayPath}
   * as their file name. Never throws on bad input: an unreadable file is one {@code
   * spec.unreadable} error and an empty spec.
   */
  public static ServerSpec parse(Path file, String displayPath, Diagnostics diags) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(displayPath, "displayPath");
    // Reading a directory fails with a platform-dependent message; say it plainly instead.
    if (Files.isDirectory(file)) {
      return unreadable(displayPath, diags, "it is a directory");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return unreadable(displayPath, diags, reason(e));
    }
    return parseText(text, displayPath, diags);
  }

  /** Reads spec text as if it came from a file named {@code displayPath}. */
  public static ServerSpec parseText(String yaml, String displayPath, Diagnostics diags) {
    Objects.requireNonNull(yaml, "yaml");
    SpecFile reader = new SpecFile(displayPath, diags);
    Node root;
    try {
      root = new Yaml(loaderOptions()).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      reader.syntaxError(e);
      return ServerSpec.EMPTY;
    } catch (ReaderException e) {
      diags.error(
          locationOfOffset(yaml, e.getPosition(), displayPath),
          SYNTAX,
          "YAML does not allow the character U+"
              + String.format("%04X", e.getCodePoint())
              + " here");
      return ServerSpec.EMPTY;
    } catch (YAMLException e) {
      // Limits (nesting depth, alias count, size) carry no position.
      diags.error(
          SourceLocation.ofFile(displayPath),
          SYNTAX,
          "YAML error: " + oneLine(String.valueOf(e.getMessage())));
      return ServerSpec.EMPTY;
    }
    return reader.read(root);
  }

  private static LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    // Duplicate keys are reported by this reader (spec.duplicate, at the repeated key), not by
    // YAML.
    options.setAllowDuplicateKeys(true);
    return options;
  }

  private static ServerSpec unreadable(String displayPath, Diagnostics diags, String reason) {
    diags.error(
        SourceLocation.ofFile(displayPath), UNREADABLE, "cannot read the spec file: " + reason);
    return ServerSpec.EMPTY;
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "it is not UTF-8 text";
    }
    return oneLine(Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()));
  }

  private void syntaxError(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    SourceLocation at =
        mark != null
            ? SourceLocation.of(displayPath, mark.getLine() + 1, mark.getColumn() + 1)
            : SourceLocation.ofFile(displayPath);
    String what =
        e.getContext() != null && e.getProblem() != null
            ? e.getContext() + ", " + e.getProblem()
            : Objects.requireNonNullElse(e.getProblem(), e.getContext());
    diags.error(at, SYNTAX, "YAML syntax error: " + oneLine(String.valueOf(what)));
  }

  /** The 1-based line and column of a code point offset (SnakeYAML's reader counts code points). */
  private static SourceLocation locationOfOffset(String text, int offset, String file) {
    int line = 1;
    int column = 1;
    int[] codePoints = text.codePoints().toArray();
    for (int i = 0; i < Math.min(offset, codePoints.length); i++) {
      if (codePoints[i] == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return SourceLocation.of(file, line, column);
  }

  private static String oneLine(String s) {
    return s.strip().replaceAll("\\s+", " ");
  }

  // ---------------------------------------------------------------------------------------------
  // The document

  private ServerSpec read(Node root) {
    if (root != null && !isNull(root)) {
      if (root instanceof MappingNode sections) {
        sections(sections);
      } else {
        malformed(
            root,
            "the spec must be a mapping of sections such as \"malloc:\", not " + describe(root));
      }
    }
    return new ServerSpec(
        queueStages, scheduleStages, mallocs, frees, schedulers, stageFields, hints, entry);
  }

  private void sections(MappingNode root) {
    Map<String, Node> seen = new HashMap<>();
    for (NodeTuple t : root.getValue()) {
      Node keyNode = t.getKeyNode();
      String key = keyName(keyNode);
      if (key == null) {
        continue;
      }
      if (!SECTIONS.contains(key)) {
        unknownKey(keyNode, key, SECTIONS, "at the top level");
        continue;
      }
      Node first = seen.putIfAbsent(key, keyNode);
      if (first != null) {
        error(
            keyNode,
            DUPLICATE,
            "section \""
                + key
                + "\" appears again (first on line "
                + line(first)
                + "); put all its entries in one list");
        continue;
      }
      Node value = t.getValueNode();
      switch (key) {
        case QUEUE_STAGE -> entries(value, key, e -> stageFunction(e, QUEUE_STAGE, queueStages));
        case SCHEDULE_STAGE ->
            entries(value, key, e -> stageFunction(e, SCHEDULE_STAGE, scheduleStages));
        case MALLOC -> entries(value, key, this::malloc);
        case FREE -> entries(value, key, this::free);
        case SCHEDULER -> schedulers(value);
        case STAGE_FIELD -> entries(value, key, this::stageField);
        case HINTS -> entries(value, key, this::hint);
        case ENTRY -> entry(value);
        default -> throw new AssertionError(key);
      }
    }
  }

  /** A list section: a sequence of mappings; nothing at all means no entries yet. */
  private void entries(Node value, String section, Consumer<MappingNode> each) {
    if (isNull(value)) {
      return;
    }
    if (!(value instanceof SequenceNode list)) {
      malformed(
          value,
          section
              + " must be a list of entries such as ["
              + EXAMPLES.get(section)
              + "], not "
              + describe(value));
      return;
    }
    for (Node item : list.getValue()) {
      if (item instanceof MappingNode mapping) {
        each.accept(mapping);
      } else {
        malformed(
            item,
            "each "
                + section
                + " entry must be a mapping such as "
                + EXAMPLES.get(section)
                + ", not "
                + describe(item));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sections

  private void stageFunction(MappingNode e, String section, Map<String, StageFunction> out) {
    int before = errors;
    Fields f = fields(e, section, List.of("function", "params"));
    String name = functionName(f, e, section);
    Node paramsNode = f.get("params");
    List<ParamRole> params = null;
    if (paramsNode == null) {
      missing(
          f,
          e,
          section
              + " entry"
              + forName(name)
              + " has no \"params\" key (one label per parameter: T, S or X)");
    } else {
      params =
          labels(
              paramsNode, section, EnumSet.of(ParamRole.T, ParamRole.S, ParamRole.X), "T, S or X");
      if (params != null) {
        long stages = count(params, ParamRole.S);
        long tasks = count(params, ParamRole.T);
        if (stages != 1) {
          malformed(
              paramsNode,
              section + " params need exactly one S (the stage parameter), found " + stages);
        } else if (tasks > 1) {
          malformed(
              paramsNode,
              section + " params allow at most one T (the task parameter), found " + tasks);
        }
      }
    }
    if (errors == before) {
      declare(
          out,
          section,
          name,
          new StageFunction(name, params, at(e)),
          e,
          StageFunction::params,
          StageFunction::declaredAt);
    }
  }

  private void malloc(MappingNode e) {
    int before = errors;
    Fields f = fields(e, MALLOC, List.of("function", "params", "size", "wrapper"));
    String name = functionName(f, e, MALLOC);
    String wrapper = null;
    Node wrapperNode = f.get("wrapper");
    if (wrapperNode != null) {
      if (wrapperNode instanceof ScalarNode sn && sn.getValue().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        wrapper = sn.getValue();
      } else {
        malformed(wrapperNode, "malloc wrapper" + forName(name) + " must be a C function name");
      }
    }
    Node paramsNode = f.get("params");
    Node sizeNode = f.get("size");
    int sizeParam = -1;
    String fixedSize = null;
    if (paramsNode != null && sizeNode != null) {
      malformed(
          sizeNode,
          "malloc entry"
              + forName(name)
              + " gives both params and size; use params for an allocator with a size parameter,"
              + " size for a fixed-size one");
    } else if (paramsNode != null) {
      List<ParamRole> params =
          labels(paramsNode, MALLOC, EnumSet.of(ParamRole.SIZE, ParamRole.X), "size or X");
      if (params != null) {
        long sizes = count(params, ParamRole.SIZE);
        if (sizes != 1) {
          malformed(
              paramsNode,
              "malloc params need exactly one size label (the size parameter), found " + sizes);
        }
        sizeParam = params.indexOf(ParamRole.SIZE);
      }
    } else if (sizeNode != null) {
      fixedSize = sizeExpression(sizeNode);
    } else {
      missing(
          f,
          e,
          "malloc entry"
              + forName(name)
              + " needs either params (with one size label) or size (a fixed size such as"
              + " \"sizeof(req_t)\")");
    }
    if (errors == before) {
      declare(
          mallocs,
          MALLOC,
          name,
          new AllocFunction(name, sizeParam, fixedSize, at(e), wrapper),
          e,
          a -> Arrays.asList(a.sizeParam(), a.fixedSize()),
          AllocFunction::declaredAt);
    }
  }

  private void free(MappingNode e) {
    int before = errors;
    Fields f = fields(e, FREE, List.of("function", "params", "ptr"));
    String name = functionName(f, e, FREE);
    Node paramsNode = f.get("params");
    Node ptrNode = f.get("ptr");
    int ptrParam = -1;
    if (paramsNode != null && ptrNode != null) {
      malformed(
          ptrNode,
          "free entry" + forName(name) + " gives both params and ptr; give the pointer only once");
    } else if (paramsNode != null) {
      ptrParam = freePointer(paramsNode);
    } else if (ptrNode != null) {
      ptrParam = index(ptrNode, "ptr");
    } else {
      missing(f, e, "free entry" + forName(name) + " has no \"params\" key (e.g. params: [ptr])");
    }
    if (errors == before) {
      declare(
          frees,
          FREE,
          name,
          new FreeFunction(name, ptrParam, at(e)),
          e,
          FreeFunction::ptrParam,
          FreeFunction::declaredAt);
    }
  }

  /** {@code [X, ptr]}, or the thesis form: a single index such as {@code ["0"]}. */
  private int freePointer(Node paramsNode) {
    if (paramsNode instanceof SequenceNode list
        && list.getValue().size() == 1
        && list.getValue().get(0) instanceof ScalarNode only
        && INDEX.matcher(only.getValue()).matches()) {
      return index(only, "free pointer index");
    }
    List<ParamRole> params =
        labels(
            paramsNode,
            FREE,
            EnumSet.of(ParamRole.PTR, ParamRole.X),
            "ptr or X, or a single index such as \"0\"");
    if (params == null) {
      return -1;
    }
    long pointers = count(params, ParamRole.PTR);
    if (pointers != 1) {
      malformed(
          paramsNode,
          "free params need exactly one ptr label (the freed pointer), found " + pointers);
      return -1;
    }
    return params.indexOf(ParamRole.PTR);
  }

  private void schedulers(Node value) {
    if (isNull(value)) {
      return;
    }
    if (value instanceof SequenceNode list) {
      list.getValue().forEach(this::scheduler);
    } else if (value instanceof ScalarNode) {
      scheduler(value);
    } else {
      malformed(
          value, "scheduler must be a function name or a list of names, not " + describe(value));
    }
  }

  private void scheduler(Node n) {
    String name = name(n, SCHEDULER, NAME);
    if (name != null && schedulers.stream().noneMatch(d -> d.name().equals(name))) {
      schedulers.add(new Declared(name, at(n)));
    }
  }

  private void entry(Node value) {
    if (isNull(value)) {
      return;
    }
    String name = name(value, ENTRY, NAME);
    if (name != null) {
      entry = new Declared(name, at(value));
    }
  }

  private void stageField(MappingNode e) {
    int before = errors;
    Fields f = fields(e, STAGE_FIELD, List.of("struct", "field"));
    String struct = required(f, "struct", e, STAGE_FIELD, NAME);
    String field = required(f, "field", e, STAGE_FIELD, IDENTIFIER);
    if (errors == before) {
      StageField sf = new StageField(struct, field, at(e));
      if (stageFields.stream().noneMatch(old -> old.key().equals(sf.key()))) {
        stageFields.add(sf);
      }
    }
  }

  private void hint(MappingNode e) {
    int before = errors;
    Fields f = fields(e, HINTS, List.of("site", "stingy_size", "stingy_count"));
    String site = null;
    Node siteNode = f.get("site");
    if (siteNode == null) {
      missing(f, e, "hint has no \"site\" key (file:line or file:function)");
    } else {
      site = site(siteNode);
    }
    Node sizeNode = f.get("stingy_size");
    Node countNode = f.get("stingy_count");
    Long size = sizeNode == null ? null : positive(sizeNode, "stingy_size", "bytes");
    Long count = countNode == null ? null : positive(countNode, "stingy_count", "instances");
    if (sizeNode == null && countNode == null && !f.hadUnknownKey()) {
      error(
          e,
          BAD_HINT,
          "hint"
              + (site != null ? " for " + site : "")
              + " gives neither stingy_size nor stingy_count");
    }
    if (errors != before) {
      return;
    }
    SiteHint hint = new SiteHint(site, size, count, at(e));
    for (SiteHint old : hints) {
      if (old.site().equals(site)) {
        if (conflicts(old.stingySize(), size) || conflicts(old.stingyCount(), count)) {
          error(
              e,
              DUPLICATE,
              "hint for site " + site + " contradicts the one on line " + old.declaredAt().line());
          return;
        }
        if (Objects.equals(old.stingySize(), size) && Objects.equals(old.stingyCount(), count)) {
          return;
        }
      }
    }
    hints.add(hint);
  }

  private static boolean conflicts(Long a, Long b) {
    return a != null && b != null && !a.equals(b);
  }

  // ---------------------------------------------------------------------------------------------
  // Values

  /**
   * The keys of one entry that are allowed here. {@code hadUnknownKey} lets the caller stay quiet
   * about a missing key the user most likely misspelt, so one typo gives one error.
   */
  private record Fields(Map<String, Node> values, boolean hadUnknownKey) {
    Node get(String key) {
      return values.get(key);
    }
  }

  /** The allowed keys of one entry; unknown and repeated keys are reported and left out. */
  private Fields fields(MappingNode entry, String section, List<String> allowed) {
    Map<String, Node> out = new LinkedHashMap<>();
    boolean unknown = false;
    for (NodeTuple t : entry.getValue()) {
      Node keyNode = t.getKeyNode();
      String key = keyName(keyNode);
      if (key == null) {
        unknown = true;
      } else if (!allowed.contains(key)) {
        unknownKey(keyNode, key, allowed, "in a " + section + " entry");
        unknown = true;
      } else if (out.containsKey(key)) {
        error(
            keyNode, DUPLICATE, "key \"" + key + "\" appears twice in this " + section + " entry");
      } else {
        out.put(key, t.getValueNode());
      }
    }
    return new Fields(out, unknown);
  }

  private void missing(Fields f, Node entry, String message) {
    if (!f.hadUnknownKey()) {
      error(entry, MISSING_KEY, message);
    }
  }

  private String keyName(Node keyNode) {
    if (keyNode instanceof ScalarNode scalar && !scalar.getValue().isEmpty()) {
      return scalar.getValue();
    }
    malformed(keyNode, "a key must be a plain name, not " + describe(keyNode));
    return null;
  }

  private void unknownKey(Node keyNode, String key, List<String> allowed, String where) {
    Optional<String> guess = EditDistance.nearest(key, allowed);
    error(
        keyNode,
        UNKNOWN_KEY,
        "unknown key \""
            + key
            + "\" "
            + where
            + guess
                .map(g -> " (did you mean \"" + g + "\"?)")
                .orElseGet(() -> " (expected " + orList(allowed) + ")"));
  }

  private String functionName(Fields f, MappingNode entry, String section) {
    return required(f, "function", entry, section, NAME);
  }

  private String required(Fields f, String key, MappingNode entry, String section, Pattern shape) {
    Node n = f.get(key);
    if (n == null) {
      missing(f, entry, section + " entry has no \"" + key + "\" key");
      return null;
    }
    return name(n, key, shape);
  }

  private String name(Node n, String what, Pattern shape) {
    if (!(n instanceof ScalarNode scalar) || isNull(n)) {
      malformed(n, what + " must be a name, not " + describe(n));
      return null;
    }
    String value = scalar.getValue();
    if (!shape.matcher(value).matches()) {
      malformed(
          n,
          what
              + " \""
              + value
              + "\" is not a "
              + (shape == NAME ? "C or Java name" : "C or Java identifier"));
      return null;
    }
    return value;
  }

  /**
   * The labels of a parameter list, or null when one is not a label allowed here (each such label
   * is reported; the count rules are then not checked, so one typo gives one error).
   */
  private List<ParamRole> labels(
      Node paramsNode, String section, Set<ParamRole> allowed, String expected) {
    if (!(paramsNode instanceof SequenceNode list)) {
      malformed(
          paramsNode,
          section
              + " params must be a list with one label per parameter, such as "
              + PARAMS_EXAMPLES.get(section)
              + ", not "
              + describe(paramsNode));
      return null;
    }
    List<ParamRole> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : list.getValue()) {
      if (!(item instanceof ScalarNode scalar) || isNull(item)) {
        malformed(item, "a " + section + " parameter label must be a word, not " + describe(item));
        ok = false;
        continue;
      }
      Optional<ParamRole> role = ParamRole.parse(scalar.getValue()).filter(allowed::contains);
      if (role.isEmpty()) {
        error(
            item,
            UNKNOWN_LABEL,
            "unknown label \""
                + scalar.getValue()
                + "\" in "
                + section
                + " params (expected "
                + expected
                + ")");
        ok = false;
        continue;
      }
      out.add(role.get());
    }
    return ok ? out : null;
  }

  private static long count(List<ParamRole> params, ParamRole role) {
    return params.stream().filter(role::equals).count();
  }

  private String sizeExpression(Node n) {
    if (n instanceof ScalarNode scalar && !isNull(n) && !scalar.getValue().isBlank()) {
      return scalar.getValue().strip();
    }
    malformed(n, "size must be a C expression such as \"sizeof(req_t)\", not " + describe(n));
    return null;
  }

  private int index(Node n, String what) {
    if (n instanceof ScalarNode scalar && INDEX.matcher(scalar.getValue()).matches()) {
      try {
        return Integer.parseInt(scalar.getValue());
      } catch (NumberFormatException tooLarge) {
        malformed(n, what + " " + scalar.getValue() + " is too large");
        return -1;
      }
    }
    malformed(n, what + " must be a parameter index such as 0, not " + describe(n));
    return -1;
  }

  private Long positive(Node n, String key, String unit) {
    if (n instanceof ScalarNode scalar && INTEGER.matcher(scalar.getValue()).matches()) {
      long value;
      try {
        value = Long.parseLong(scalar.getValue());
      } catch (NumberFormatException tooLarge) {
        malformed(n, key + " " + scalar.getValue() + " is too large");
        return null;
      }
      if (value <= 0) {
        error(n, BAD_HINT, key + " must be a positive number of " + unit + ", not " + value);
        return null;
      }
      return value;
    }
    malformed(n, key + " must be a whole number of " + unit + ", not " + describe(n));
    return null;
  }

  private String site(Node n) {
    if (!(n instanceof ScalarNode scalar) || isNull(n)) {
      malformed(n, "site must be file:line or file:function, not " + describe(n));
      return null;
    }
    String value = scalar.getValue();
    Matcher m = SITE.matcher(value);
    boolean ok =
        m.matches()
            && (m.group("line") != null
                ? !m.group("line").matches("0+")
                : NAME.matcher(m.group("function")).matches());
    if (!ok) {
      error(
          n,
          BAD_HINT,
          "hint site \""
              + value
              + "\" must be file:line or file:function, such as \"http.c:214\" or"
              + " \"http.c:parse_request\"");
      return null;
    }
    return value;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /**
   * Adds a function declaration; a second one for the same name must say the same thing (the first
   * wins, as in {@link ServerSpec#mergedWith}).
   */
  private <V> void declare(
      Map<String, V> out,
      String section,
      String name,
      V declaration,
      Node node,
      Function<V, Object> signature,
      Function<V, SourceLocation> declaredAt) {
    V first = out.putIfAbsent(name, declaration);
    if (first != null && !signature.apply(first).equals(signature.apply(declaration))) {
      error(
          node,
          DUPLICATE,
          section
              + " function \""
              + name
              + "\" is already declared differently on line "
              + declaredAt.apply(first).line());
    }
  }

  private static String forName(String name) {
    return name != null ? " for " + name : "";
  }

  private static boolean isNull(Node n) {
    return n == null || (n instanceof ScalarNode && Tag.NULL.equals(n.getTag()));
  }

  private static String describe(Node n) {
    if (n instanceof MappingNode) {
      return "a mapping";
    }
    if (n instanceof SequenceNode) {
      return "a list";
    }
    if (isNull(n)) {
      return "an empty value";
    }
    return "\"" + ((ScalarNode) n).getValue() + "\"";
  }

  private static String orList(List<String> words) {
    if (words.size() == 1) {
      return words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1))
        + " or "
        + words.get(words.size() - 1);
  }

  private SourceLocation at(Node n) {
    return SourceLocation.of(displayPath, line(n), n.getStartMark().getColumn() + 1);
  }

  private static int line(Node n) {
    return n.getStartMark().getLine() + 1;
  }

  private void malformed(Node n, String message) {
    error(n, MALFORMED, message);
  }

  private void error(Node n, String key, String message) {
    errors++;
    diags.error(at(n), key, message);
  }
}
