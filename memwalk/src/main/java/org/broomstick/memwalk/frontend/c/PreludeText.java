package org.broomstick.memwalk.frontend.c;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a system prelude: the output of {@code gcc -E -dD -dI} of a file that includes a
 * codebase's system headers once, split into its top-level declarations and macro directives, each
 * with the header occurrence and line it comes from (from the linemarkers).
 *
 * <p>The include tree of that preprocessing is kept too: an occurrence of a header, the occurrences
 * it opened, and the headers it named but gcc skipped because they were already included (their
 * {@code #include} lines, printed by {@code -dI}). It tells which declarations a unit that includes
 * only some of these headers would see (see {@link SystemPrelude#extraNames}).
 */
final class PreludeText {

  private static final Pattern MARKER = Pattern.compile("^# (\\d+) \"((?:[^\"\\\\]|\\\\.)*)\"((?: \\d)*)$");
  private static final Pattern INCLUDE = Pattern.compile("^#\\s*(include|include_next|import)\\s+([<\"][^>\"]*[>\"])");

  /** One opening of a header during the preprocessing; {@code file} is its resolved path. */
  static final class Node {
    final int id;
    final String file;
    final List<Node> children = new ArrayList<>();
    // Headers named here that gcc skipped (already included, guarded): their first occurrence.
    final List<String> skipped = new ArrayList<>();

    Node(int id, String file) {
      this.id = id;
      this.file = file;
    }
  }

  /** A declaration or a directive of the system headers, in output order. */
  record Piece(int firstLine, int lastLine, Kind kind, Set<String> declares, Set<String> refs, Node node) {}

  enum Kind {
    DECLARATION,
    MACRO,
    PACK
  }

  /** An output line of a system header: its text, file and line in that file. */
  record Line(String text, String file, int line, Node node) {}

  final List<Line> lines = new ArrayList<>();
  final List<Piece> pieces = new ArrayList<>();
  final List<Node> nodes = new ArrayList<>();
  // First occurrence of each header, by resolved path.
  final Map<String, Node> firstNode = new HashMap<>();
  // The top-level #include lines of the synthetic file: spelling -> resolved path (when gcc entered it or
  // it was already entered).
  final Map<String, String> topLevel = new HashMap<>();
  /** Why the text cannot serve as a prelude, or null. */
  String unusable;

  /**
   * Reads {@code gcc -E -dD -dI} output of {@code synthetic}; {@code system} tells the system headers.
   */
  static PreludeText parse(String output, String synthetic, java.util.function.Predicate<String> system) {
    PreludeText t = new PreludeText();
    t.read(output, synthetic, system);
    return t;
  }

  private void read(String output, String synthetic, java.util.function.Predicate<String> system) {
    Node root = new Node(-1, synthetic);
    java.util.ArrayDeque<Node> stack = new java.util.ArrayDeque<>();
    Node cur = null; // null until the synthetic file's own text starts (after <command-line>)
    String curFile = null;
    int line = 0;
    String pendingSpelling = null;
    Node pendingFrom = null;
    // Resolved path of a spelling, per including file (quote includes) or globally (angle includes).
    Map<String, String> resolved = new HashMap<>();
    String prevFile = null;
    int start = 0;
    int n = output.length();
    Scanner scanner = new Scanner();
    while (start < n) {
      int end = output.indexOf('\n', start);
      if (end < 0) {
        end = n;
      }
      String l = output.substring(start, end);
      start = end + 1;
      if (l.startsWith("# ")) {
        Matcher m = MARKER.matcher(l);
        if (m.matches()) {
          String file = m.group(2).replace("\\\\", "\\").replace("\\\"", "\"");
          String flags = m.group(3);
          int ln = Integer.parseInt(m.group(1));
          if (cur == null) {
            if (file.equals(synthetic) && "<command-line>".equals(prevFile)) {
              cur = root;
              stack.push(root);
            }
            prevFile = file;
            curFile = file;
            line = ln;
            continue;
          }
          if (flags.contains("1")) {
            Node node = new Node(nodes.size(), file);
            nodes.add(node);
            firstNode.putIfAbsent(file, node);
            cur.children.add(node);
            if (pendingSpelling != null) {
              resolved.put(key(pendingSpelling, pendingFrom), file);
              if (pendingFrom == root) {
                topLevel.put(pendingSpelling, file);
              }
            }
            stack.push(node);
            cur = node;
          } else if (flags.contains("2")) {
            if (stack.size() > 1) {
              stack.pop();
            }
            cur = stack.peek();
          }
          // An #include gcc skipped (the header was already included and is guarded); a marker
          // without flags only resynchronises the line of the including file, before the entry.
          if (pendingSpelling != null && flags.contains("2")) {
            skip(pendingSpelling, pendingFrom, resolved, root);
          }
          if (flags.contains("1") || flags.contains("2")) {
            pendingSpelling = null;
          }
          curFile = file;
          line = ln;
          continue;
        }
      }
      if (cur == null) {
        continue;
      }
      if (pendingSpelling != null) {
        skip(pendingSpelling, pendingFrom, resolved, root);
        pendingSpelling = null;
      }
      boolean sys = cur != root && system.test(curFile);
      if (l.startsWith("#")) {
        Matcher inc = INCLUDE.matcher(l);
        if (inc.find()) {
          pendingSpelling = (inc.group(1).equals("include_next") ? "next:" : "") + inc.group(2);
          pendingFrom = cur;
          line++;
          continue;
        }
        if (sys) {
          int idx = lines.size();
          lines.add(new Line(l, curFile, line, cur));
          String body = l.substring(1).trim();
          if (body.startsWith("pragma")) {
            String p = body.substring(6).trim();
            if (p.startsWith("push_macro") || p.startsWith("pop_macro")) {
              unusable = "#pragma " + p + " in " + curFile;
            } else if (p.startsWith("pack")) {
              scanner.flushPending(this);
              pieces.add(new Piece(idx, idx, Kind.PACK, Set.of(), Set.of(), cur));
            }
          } else if (body.startsWith("define") || body.startsWith("undef")) {
            scanner.directive(this, idx, body, cur);
          }
        }
        line++;
        continue;
      }
      if (sys) {
        int idx = lines.size();
        lines.add(new Line(l, curFile, line, cur));
        scanner.scanLine(this, idx, l, cur);
      } else if (cur != root && !l.isBlank()) {
        scanner.flushPending(this);
      }
      line++;
    }
    if (pendingSpelling != null) {
      skip(pendingSpelling, pendingFrom, resolved, root);
    }
    scanner.flushPending(this);
  }

  private void skip(String spelling, Node from, Map<String, String> resolved, Node root) {
    String path = resolved.get(key(spelling, from));
    if (path == null) {
      return; // unknown: the unit's reach is only under-approximated (more fall-backs, never fewer)
    }
    if (from == root) {
      topLevel.putIfAbsent(spelling, path);
    } else {
      from.skipped.add(path);
    }
  }

  private static String key(String spelling, Node from) {
    // <…> resolves the same from every header (include_next and "…" depend on the includer).
    return spelling.startsWith("<") ? spelling : spelling + "\u0000" + from.file;
  }

  private volatile Map<String, Set<String>> fileEdges;

  /** Header → the headers its occurrences opened or named (already included). */
  Map<String, Set<String>> fileEdges() {
    Map<String, Set<String>> e = fileEdges;
    if (e == null) {
      e = new HashMap<>();
      for (Node n : nodes) {
        Set<String> to = e.computeIfAbsent(n.file, k -> new HashSet<>());
        for (Node c : n.children) {
          to.add(c.file);
        }
        to.addAll(n.skipped);
      }
      fileEdges = e;
    }
    return e;
  }

  /** The identifiers of C text outside comments, string and character literals. */
  static Set<String> codeIdentifiers(String s) {
    Set<String> out = new HashSet<>();
    identifiers(s, 0, out);
    return out;
  }

  /** Adds the identifiers of {@code s} from {@code from} on, outside comments and literals. */
  static void identifiers(String s, int from, Set<String> out) {
    int n = s.length();
    int i = from;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int e = s.indexOf("*/", i + 2);
        i = e < 0 ? n : e + 2;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
        // A line comment ends at a newline not escaped by a backslash.
        while (i < n && s.charAt(i) != '\n') {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < n && s.charAt(i) != c && s.charAt(i) != '\n') {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
      } else if (Character.isLetter(c) || c == '_' || c == '$') {
        int b = i;
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) {
          i++;
        }
        out.add(s.substring(b, i));
      } else if (Character.isDigit(c)) {
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '_')) {
          i++;
        }
      } else {
        i++;
      }
    }
  }

  /**
   * Splits the declaration text into top-level declarations by a token scan (no parse): a
   * declaration ends at a {@code ;} outside parentheses and braces, or at the {@code }} closing a
   * function body. Finds the names each declares (declarators, tags, enumerators; known typedef
   * names count as uses) and the identifiers it mentions.
   */
  private static final class Scanner {
    private static final Set<String> KEYWORDS = Set.of(
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
        "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
        "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool",
        "_Complex", "_Imaginary", "_Noreturn", "_Alignas", "_Alignof", "_Atomic", "_Thread_local", "_Static_assert",
        "_Generic", "__extension__", "__restrict", "__restrict__", "__inline", "__inline__", "__const", "__const__",
        "__volatile", "__volatile__", "__signed", "__signed__", "__thread", "__int128", "__complex__", "__real__",
        "__imag__", "__builtin_va_list", "_Float128", "_Float64", "_Float32", "_Float64x", "_Float32x", "__label__",
        "__alignof__", "__alignof");
    private static final Set<String> GROUPS = Set.of(
        "__attribute__", "__attribute", "__asm__", "__asm", "asm", "__typeof__", "__typeof", "typeof",
        "__declspec", "_Static_assert");

    private final List<String> toks = new ArrayList<>();
    private final Set<String> typedefs = new HashSet<>();
    private int firstLine = -1;
    private int lastLine = -1;
    private Node node;
    private int depth;
    private int braceDepth;
    private boolean functionBody;

    void directive(PreludeText t, int idx, String body, Node node) {
      boolean define = body.startsWith("define");
      int k = define ? 6 : 5;
      while (k < body.length() && body.charAt(k) == ' ') {
        k++;
      }
      int ns = k;
      while (k < body.length() && (Character.isLetterOrDigit(body.charAt(k)) || body.charAt(k) == '_')) {
        k++;
      }
      Set<String> refs = new HashSet<>();
      identifiers(body, k, refs);
      t.pieces.add(new Piece(idx, idx, Kind.MACRO, Set.of(body.substring(ns, k)), refs, node));
    }

    void scanLine(PreludeText t, int idx, String l, Node lineNode) {
      int n = l.length();
      int i = 0;
      while (i < n) {
        char c = l.charAt(i);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
          i++;
        } else if (Character.isLetter(c) || c == '_' || c == '$') {
          int s = i;
          while (i < n && (Character.isLetterOrDigit(l.charAt(i)) || l.charAt(i) == '_' || l.charAt(i) == '$')) {
            i++;
          }
          token(t, idx, lineNode, l.substring(s, i));
        } else if (Character.isDigit(c)) {
          while (i < n && (Character.isLetterOrDigit(l.charAt(i)) || l.charAt(i) == '.'
              || ((l.charAt(i) == '+' || l.charAt(i) == '-') && "eEpP".indexOf(l.charAt(i - 1)) >= 0))) {
            i++;
          }
          token(t, idx, lineNode, "0");
        } else if (c == '"' || c == '\'') {
          i++;
          while (i < n && l.charAt(i) != c) {
            i += l.charAt(i) == '\\' ? 2 : 1;
          }
          i++;
          token(t, idx, lineNode, "\"");
        } else {
          token(t, idx, lineNode, String.valueOf(c));
          i++;
        }
      }
    }

    void flushPending(PreludeText t) {
      if (!toks.isEmpty()) {
        endDecl(t);
      }
    }

    private void token(PreludeText t, int idx, Node lineNode, String tok) {
      if (toks.isEmpty()) {
        firstLine = idx;
        node = lineNode;
        depth = 0;
        braceDepth = 0;
      }
      toks.add(tok);
      lastLine = idx;
      switch (tok) {
        case "(", "[" -> depth++;
        case ")", "]" -> depth--;
        case "{" -> {
          if (depth == 0 && braceDepth == 0) {
            functionBody = isFunctionBody(toks.size() - 1);
          }
          braceDepth++;
        }
        case "}" -> {
          braceDepth--;
          if (braceDepth == 0 && depth == 0 && functionBody) {
            endDecl(t);
          }
        }
        case ";" -> {
          if (depth == 0 && braceDepth == 0) {
            endDecl(t);
          }
        }
        default -> {}
      }
    }

    private boolean isFunctionBody(int brace) {
      int j = skipGroupsBack(brace - 1);
      if (j < 0 || !toks.get(j).equals(")")) {
        return false;
      }
      for (int k = 0; k < brace; k++) {
        if (toks.get(k).equals("=")) {
          return false;
        }
      }
      return true;
    }

    private int skipGroupsBack(int j) {
      while (j >= 0 && toks.get(j).equals(")")) {
        int d = 0;
        int k = j;
        for (; k >= 0; k--) {
          String s = toks.get(k);
          if (s.equals(")")) {
            d++;
          } else if (s.equals("(") && --d == 0) {
            break;
          }
        }
        if (k > 0 && GROUPS.contains(toks.get(k - 1))) {
          j = k - 2;
        } else {
          return j;
        }
      }
      return j;
    }

    private void endDecl(PreludeText t) {
      Set<String> declares = new HashSet<>();
      Set<String> refs = new HashSet<>();
      boolean isTypedef = false;
      int parens = 0;
      int braces = 0;
      int paramDepth = Integer.MAX_VALUE;
      boolean inInit = false;
      int enumBody = -1;
      String prev = "";
      String prev2 = "";
      for (int k = 0; k < toks.size(); k++) {
        String s = toks.get(k);
        boolean ident = isIdent(s);
        if (ident) {
          refs.add(s);
        }
        if (s.equals("typedef") && braces == 0) {
          isTypedef = true;
        }
        if (s.equals("(")) {
          parens++;
          boolean group = GROUPS.contains(prev);
          boolean params = prev.equals(")") || prev.equals("]")
              || (isIdent(prev) && !KEYWORDS.contains(prev) && !typedefs.contains(prev) && !GROUPS.contains(prev));
          if ((group || params) && paramDepth == Integer.MAX_VALUE && braces == 0) {
            paramDepth = parens;
          }
        } else if (s.equals(")")) {
          if (parens == paramDepth) {
            paramDepth = Integer.MAX_VALUE;
          }
          parens--;
        } else if (s.equals("{")) {
          braces++;
          if (braces == 1 && (prev.equals("enum") || prev2.equals("enum"))) {
            enumBody = 1;
          }
          if (braces == 1 && isIdent(prev) && (prev2.equals("struct") || prev2.equals("union") || prev2.equals("enum"))) {
            declares.add(prev);
          }
        } else if (s.equals("}")) {
          if (braces == enumBody) {
            enumBody = -1;
          }
          braces--;
        } else if (s.equals("=") && braces == 0 && parens == 0) {
          inInit = true;
        } else if (s.equals(",") && braces == 0 && parens == 0) {
          inInit = false;
        } else if (ident && enumBody == braces && braces > 0 && (prev.equals("{") || prev.equals(","))) {
          declares.add(s);
        } else if (ident && braces == 0 && !inInit && paramDepth == Integer.MAX_VALUE
            && !KEYWORDS.contains(s) && !GROUPS.contains(s) && !typedefs.contains(s)
            && !prev.equals("struct") && !prev.equals("union") && !prev.equals("enum")) {
          declares.add(s);
        }
        prev2 = prev;
        prev = s;
      }
      // A tag alone ("struct x;") declares the tag.
      if (toks.size() == 3 && (toks.get(0).equals("struct") || toks.get(0).equals("union") || toks.get(0).equals("enum"))) {
        declares.add(toks.get(1));
      }
      if (isTypedef) {
        typedefs.addAll(declares);
      }
      t.pieces.add(new Piece(firstLine, lastLine, Kind.DECLARATION, declares, refs, node));
      toks.clear();
      functionBody = false;
    }

    private static boolean isIdent(String s) {
      return !s.isEmpty() && (Character.isLetter(s.charAt(0)) || s.charAt(0) == '_' || s.charAt(0) == '$');
    }
  }
}
