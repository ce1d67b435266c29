package org.broomstick.memwalk.frontend.c;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Go/no-go harness part (issue 3), not a test: the reduction of a {@code gcc -E -dD} prelude by a
 * token scan instead of a CDT parse. Splits the text into {@code #define}/{@code #undef} lines and
 * top-level declarations, finds the names each declares (declarator names, struct/union/enum tags,
 * enumerators) and the identifiers it mentions, and keeps, in order, what the roots reach.
 */
final class TextReduction {

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

  record Piece(int start, int end, boolean directive, Set<String> declares, Set<String> refs) {}

  private final String text;
  private final List<Piece> pieces = new ArrayList<>();
  private final Set<String> typedefs = new HashSet<>();

  // The current declaration's tokens (kind, start offset, end offset / identifier text).
  private final List<String> toks = new ArrayList<>();
  private int declStart = -1;
  private int declEnd = -1;

  TextReduction(String text) {
    this.text = text;
  }

  String reduce(Set<String> roots, boolean verbose) {
    scan();
    Map<String, List<Piece>> byName = new HashMap<>();
    ArrayDeque<String> work = new ArrayDeque<>(roots);
    Set<Piece> kept = new HashSet<>();
    for (Piece p : pieces) {
      for (String n : p.declares()) {
        byName.computeIfAbsent(n, k -> new ArrayList<>()).add(p);
      }
      if (p.declares().isEmpty() && !p.directive()) {
        kept.add(p);
        work.addAll(p.refs());
      }
    }
    Set<String> seen = new HashSet<>();
    while (!work.isEmpty()) {
      String n = work.pop();
      if (!seen.add(n)) {
        continue;
      }
      for (Piece p : byName.getOrDefault(n, List.of())) {
        if (kept.add(p)) {
          work.addAll(p.refs());
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    int decls = 0;
    int keptDecls = 0;
    int dirs = 0;
    int keptDirs = 0;
    List<Piece> ordered = new ArrayList<>(pieces);
    ordered.sort(java.util.Comparator.comparingInt(Piece::start));
    int emittedTo = -1;
    for (Piece p : ordered) {
      if (p.directive()) {
        dirs++;
      } else {
        decls++;
      }
      // A directive inside a kept declaration (glibc defines sa_handler inside struct sigaction)
      // goes out with the declaration's text, where it was.
      if (kept.contains(p) && p.start() >= emittedTo) {
        emittedTo = p.end();
        sb.append(text, p.start(), p.end()).append('\n');
        if (p.directive()) {
          keptDirs++;
        } else {
          keptDecls++;
        }
      }
    }
    if (verbose) {
      System.out.printf("text-reduced: %d of %d declarations, %d of %d directives, %d of %d chars%n",
          keptDecls, decls, keptDirs, dirs, sb.length(), text.length());
    }
    return sb.toString();
  }

  private void scan() {
    int n = text.length();
    int i = 0;
    boolean lineStart = true;
    while (i < n) {
      char c = text.charAt(i);
      if (lineStart && c == '#') {
        int e = text.indexOf('\n', i);
        e = e < 0 ? n : e;
        directive(i, e);
        i = e;
        continue;
      }
      if (c == '\n') {
        lineStart = true;
        i++;
        continue;
      }
      lineStart = false;
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        i++;
      } else if (Character.isLetter(c) || c == '_' || c == '$') {
        int s = i;
        while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_' || text.charAt(i) == '$')) {
          i++;
        }
        token(s, i, text.substring(s, i));
      } else if (Character.isDigit(c)) {
        int s = i;
        while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '.'
            || ((text.charAt(i) == '+' || text.charAt(i) == '-') && (text.charAt(i - 1) == 'e' || text.charAt(i - 1) == 'E'
                || text.charAt(i - 1) == 'p' || text.charAt(i - 1) == 'P')))) {
          i++;
        }
        token(s, i, "0");
      } else if (c == '"' || c == '\'') {
        int s = i++;
        while (i < n && text.charAt(i) != c) {
          i += text.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        token(s, i, "\"");
      } else {
        token(i, i + 1, String.valueOf(c));
        i++;
      }
    }
    if (!toks.isEmpty()) {
      endDecl();
    }
  }

  private void directive(int s, int e) {
    String line = text.substring(s, e);
    int k = 1;
    while (k < line.length() && line.charAt(k) == ' ') {
      k++;
    }
    Set<String> declares = new HashSet<>();
    Set<String> refs = new HashSet<>();
    boolean define = line.startsWith("define", k);
    boolean undef = line.startsWith("undef", k);
    if (define || undef) {
      k += define ? 6 : 5;
      while (k < line.length() && line.charAt(k) == ' ') {
        k++;
      }
      int ns = k;
      while (k < line.length() && (Character.isLetterOrDigit(line.charAt(k)) || line.charAt(k) == '_')) {
        k++;
      }
      declares.add(line.substring(ns, k));
      identifiers(line, k, refs);
    }
    pieces.add(new Piece(s, e, true, declares, refs));
  }

  private static void identifiers(String s, int from, Set<String> out) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isLetter(c) || c == '_') {
        int b = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
          i++;
        }
        out.add(s.substring(b, i));
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < s.length() && s.charAt(i) != c) {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
      } else {
        i++;
      }
    }
  }

  private int depth;
  private int braceDepth;

  private void token(int s, int e, String t) {
    if (toks.isEmpty()) {
      declStart = s;
      depth = 0;
      braceDepth = 0;
    }
    toks.add(t);
    declEnd = e;
    switch (t) {
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
          endDecl();
        }
      }
      case ";" -> {
        if (depth == 0 && braceDepth == 0) {
          endDecl();
        }
      }
      default -> {}
    }
  }

  private boolean functionBody;

  private boolean isFunctionBody(int brace) {
    int j = skipGroupsBack(brace - 1);
    if (j < 0) {
      return false;
    }
    String prev = toks.get(j);
    if (!prev.equals(")")) {
      return false;
    }
    for (int k = 0; k < brace; k++) {
      if (toks.get(k).equals("=")) {
        return false;
      }
    }
    return true;
  }

  /** From index j going back, skips {@code __attribute__ ((…))}-like groups; the index before them. */
  private int skipGroupsBack(int j) {
    while (j >= 0 && toks.get(j).equals(")")) {
      int d = 0;
      int k = j;
      for (; k >= 0; k--) {
        String t = toks.get(k);
        if (t.equals(")")) {
          d++;
        } else if (t.equals("(") && --d == 0) {
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

  private void endDecl() {
    Set<String> declares = new HashSet<>();
    Set<String> refs = new HashSet<>();
    boolean isTypedef = false;
    int parens = 0;
    int braces = 0;
    int paramDepth = Integer.MAX_VALUE; // paren depth at which a parameter list / group started
    boolean inInit = false;
    int enumBody = -1;
    String prev = "";
    String prev2 = "";
    List<String> t = toks;
    for (int k = 0; k < t.size(); k++) {
      String s = t.get(k);
      char c0 = s.charAt(0);
      boolean ident = Character.isLetter(c0) || c0 == '_' || c0 == '$';
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
        if (braces == 1 && (prev.equals("enum") || prev2.equals("enum")
            || (k >= 2 && t.get(k - 2).equals("enum")))) {
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
    // Forward declarations and elaborated tags alone: "struct x;".
    if (t.size() == 3 && (t.get(0).equals("struct") || t.get(0).equals("union") || t.get(0).equals("enum"))) {
      declares.add(t.get(1));
    }
    if (isTypedef) {
      typedefs.addAll(declares);
    }
    pieces.add(new Piece(declStart, declEnd, false, declares, refs));
    toks.clear();
    functionBody = false;
  }

  private static boolean isIdent(String s) {
    return !s.isEmpty() && (Character.isLetter(s.charAt(0)) || s.charAt(0) == '_' || s.charAt(0) == '$');
  }
}
