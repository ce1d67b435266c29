package org.broomstick.memwalk.frontend.c;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates random, valid GNU C struct and union declarations that exercise gcc's layout rules, and
 * a {@code main} that prints {@code sizeof}, {@code _Alignof} and {@code offsetof} of each. Every
 * printed line is {@code KEY VALUE}; the same keys label the {@code printf} calls so the test can
 * find each expression in the CDT AST as well.
 */
final class RandomLayoutProgram {

  /** One top-level declaration: its tag ({@code S7}), C text and what is printed about it. */
  record Decl(String tag, String keyword, String text, List<String> paths, List<String> indexed) {}

  /** A member type: a declarator template ({@code %s} is the declarator) and its bit width. */
  private record Type(String template, boolean arraySafe, int bits) {
    String declare(String declarator) {
      return template.formatted(declarator);
    }
  }

  static final String PRELUDE =
      """
      int printf(const char *, ...);
      #define N_TWO 2
      typedef int T_int;
      typedef T_int T_int2;
      typedef const T_int2 T_cint;
      typedef unsigned char T_uc;
      typedef T_uc T_uc2;
      typedef double T_dbl;
      typedef volatile T_dbl T_vdbl;
      typedef long long T_ll;
      typedef long T_al8 __attribute__((aligned(8)));
      typedef short T_al16 __attribute__((aligned(16)));
      typedef int T_al2 __attribute__((aligned(2)));
      typedef T_al16 T_al16b;
      typedef long long T_ll4 __attribute__((aligned(4)));
      typedef int T_mode_hi __attribute__((__mode__(__HI__)));
      typedef char *T_str;
      typedef int (*T_fn)(int, char);
      typedef struct { char c; double d; } T_anon;
      typedef struct { char c; int i; } __attribute__((packed)) T_packed;
      typedef struct { short s; } T_sal8 __attribute__((aligned(8)));
      typedef T_anon T_anon_al2 __attribute__((aligned(2)));
      enum E_small { ES_A, ES_B, ES_C };
      enum E_neg { EN_A = -5, EN_B = 7 };
      enum __attribute__((packed)) E_pk { EP_A = 1, EP_B = 200 };
      enum E_pk2 { EP2_A = -300, EP2_B } __attribute__((packed));
      enum E_big { EB_A = 0x100000000LL };
      typedef enum __attribute__((packed)) { ET_A, ET_B = 70000 } E_td;
      enum { K_FOUR = 4, K_THREE = 3, K_SIZED = sizeof(T_packed) };
      """;

  private final Random random;
  private final DataModel model;
  private final List<Type> scalars = new ArrayList<>();
  private final List<Type> bitFieldTypes = new ArrayList<>();
  private final List<String> aggregates = new ArrayList<>(); // complete, no flexible array
  private int counter;

  RandomLayoutProgram(long seed, DataModel model) {
    this.random = new Random(seed);
    this.model = model;
    int longBits = model == DataModel.LP64 ? 64 : 32;
    for (String t :
        List.of(
            "char",
            "signed char",
            "unsigned char",
            "short",
            "unsigned short",
            "int",
            "unsigned",
            "long",
            "unsigned long",
            "long long",
            "unsigned long long",
            "float",
            "double",
            "long double",
            "_Bool",
            "void *",
            "int *",
            "T_str",
            "T_fn",
            "T_int",
            "T_int2",
            "T_cint",
            "T_uc2",
            "T_dbl",
            "T_vdbl",
            "T_ll",
            "T_al2",
            "T_ll4",
            "T_mode_hi",
            "T_anon",
            "T_packed",
            "T_anon_al2",
            "enum E_small",
            "enum E_neg",
            "enum E_pk",
            "enum E_pk2",
            "enum E_big",
            "E_td",
            "_Complex double",
            "_Complex float",
            "__builtin_va_list",
            "struct Undeclared *")) {
      scalars.add(new Type(t + " %s", true, 0));
    }
    scalars.add(new Type("int (*%s)(int)", true, 0));
    scalars.add(new Type("char *const %s", true, 0));
    // element size below the alignment: gcc rejects arrays of these
    scalars.add(new Type("T_al8 %s", false, 0));
    scalars.add(new Type("T_al16 %s", false, 0));
    scalars.add(new Type("T_al16b %s", false, 0));
    scalars.add(new Type("T_sal8 %s", false, 0));
    if (model.hasInt128()) {
      scalars.add(new Type("__int128 %s", true, 0));
      scalars.add(new Type("unsigned __int128 %s", true, 0));
    }
    addBitField("char", 8);
    addBitField("signed char", 8);
    addBitField("unsigned char", 8);
    addBitField("short", 16);
    addBitField("unsigned short", 16);
    addBitField("int", 32);
    addBitField("unsigned int", 32);
    addBitField("long", longBits);
    addBitField("unsigned long", longBits);
    addBitField("long long", 64);
    addBitField("unsigned long long", 64);
    addBitField("_Bool", 1);
    addBitField("enum E_small", 32);
    addBitField("enum E_pk", 8);
    addBitField("T_int", 32);
    addBitField("T_uc2", 8);
    addBitField("T_ll4", 64);
    addBitField("T_al2", 32);
    if (model.hasInt128()) {
      addBitField("unsigned __int128", 128);
    }
  }

  private void addBitField(String type, int bits) {
    bitFieldTypes.add(new Type(type + " %s", true, bits));
  }

  List<Decl> generate(int count) {
    List<Decl> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(declaration("S" + i));
    }
    return out;
  }

  /** The whole program: prelude, declarations, and a main that prints every figure. */
  static String program(List<Decl> decls) {
    StringBuilder c = new StringBuilder(PRELUDE);
    for (Decl d : decls) {
      c.append(d.text()).append('\n');
    }
    c.append("int main(void) {\n");
    for (Decl d : decls) {
      String type = d.keyword() + " " + d.tag();
      print(c, d.tag() + ".size", "sizeof(" + type + ")");
      print(c, d.tag() + ".align", "_Alignof(" + type + ")");
      for (String p : d.paths()) {
        print(c, d.tag() + "." + p, "__builtin_offsetof(" + type + ", " + p + ")");
      }
      for (String p : d.indexed()) {
        print(c, d.tag() + "." + p, "__builtin_offsetof(" + type + ", " + p + ")");
      }
    }
    c.append("  return 0;\n}\n");
    return c.toString();
  }

  private static void print(StringBuilder c, String key, String expr) {
    c.append("  printf(\"").append(key).append(" %ld\\n\", (long) (").append(expr).append("));\n");
  }

  private Decl declaration(String tag) {
    boolean union = random.nextInt(10) < 3;
    String keyword = union ? "union" : "struct";
    List<String> paths = new ArrayList<>();
    List<String> indexed = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    int n = 1 + random.nextInt(7);
    boolean named = false;
    for (int i = 0; i < n; i++) {
      named |= member(body, "  ", 0, "", paths, indexed);
    }
    boolean flexible = !union && named && random.nextInt(6) == 0;
    if (flexible) {
      Type t = pick(arraySafe());
      String name = name();
      body.append("  ").append(t.declare(name + "[]")).append(";\n");
      paths.add(name);
    }
    String attr = structAttribute();
    boolean leading = random.nextBoolean();
    StringBuilder text = new StringBuilder();
    int pack = random.nextInt(12) == 0 ? 1 << random.nextInt(4) : 0;
    if (pack > 0) {
      text.append("#pragma pack(push, ").append(pack).append(")\n");
    }
    text.append(keyword).append(' ');
    if (leading && !attr.isEmpty()) {
      text.append(attr).append(' ');
    }
    text.append(tag).append(" {\n").append(body).append('}');
    if (!leading && !attr.isEmpty()) {
      text.append(' ').append(attr);
    }
    text.append(";");
    if (pack > 0) {
      text.append("\n#pragma pack(pop)");
    }
    if (!flexible) {
      aggregates.add(keyword + " " + tag);
    }
    return new Decl(tag, keyword, text.toString(), paths, indexed);
  }

  /** Appends one member declaration; returns whether it declared a named member. */
  private boolean member(
      StringBuilder sb,
      String indent,
      int depth,
      String prefix,
      List<String> paths,
      List<String> indexed) {
    int kind = random.nextInt(100);
    if (kind < 28) {
      Type t = pick(scalars);
      String name = name();
      sb.append(indent)
          .append(prefixAttribute(true))
          .append(t.declare(name))
          .append(memberAttribute())
          .append(";\n");
      paths.add(prefix + name);
      return true;
    }
    if (kind < 36) {
      // several declarators in one declaration
      String base = pick(List.of("int", "char", "short", "double", "long", "T_int2", "enum E_pk"));
      String a = name();
      String b = name();
      int dim = 1 + random.nextInt(3);
      sb.append(indent)
          .append(base)
          .append(' ')
          .append(a)
          .append(memberAttribute())
          .append(", ")
          .append(b)
          .append('[')
          .append(dim)
          .append("];\n");
      paths.add(prefix + a);
      paths.add(prefix + b);
      return true;
    }
    if (kind < 48) {
      Type t = pick(arraySafe());
      String name = name();
      String dims = dimension() + (random.nextInt(4) == 0 ? dimension() : "");
      sb.append(indent).append(t.declare(name + dims)).append(memberAttribute()).append(";\n");
      paths.add(prefix + name);
      if (!dims.startsWith("[1]") && !dims.startsWith("[0]")) {
        indexed.add(prefix + name + "[1]");
      }
      return true;
    }
    if (kind < 56 && !aggregates.isEmpty()) {
      String t = pick(aggregates.subList(Math.max(0, aggregates.size() - 30), aggregates.size()));
      String name = name();
      String dims = random.nextInt(4) == 0 ? "[" + (1 + random.nextInt(3)) + "]" : "";
      sb.append(indent)
          .append(prefixAttribute(false))
          .append(t)
          .append(' ')
          .append(name)
          .append(dims)
          .append(memberAttribute())
          .append(";\n");
      paths.add(prefix + name);
      return true;
    }
    if (kind < 66 && depth < 2) {
      // an inline struct or union definition with a declarator
      String name = name();
      sb.append(indent).append(random.nextInt(3) == 0 ? "union" : "struct");
      String attr = random.nextInt(4) == 0 ? structAttribute() : "";
      if (!attr.isEmpty()) {
        sb.append(' ').append(attr);
      }
      sb.append(" {\n");
      int n = 1 + random.nextInt(3);
      boolean any = false;
      for (int i = 0; i < n || !any; i++) {
        any |= member(sb, indent + "  ", depth + 1, prefix + name + ".", paths, indexed);
      }
      sb.append(indent).append("} ").append(name).append(memberAttribute()).append(";\n");
      paths.add(prefix + name);
      return true;
    }
    if (kind < 74 && depth < 2) {
      // a C11 anonymous struct or union: its members belong to the enclosing aggregate
      sb.append(indent).append(random.nextInt(2) == 0 ? "union" : "struct");
      String attr = random.nextInt(4) == 0 ? structAttribute() : "";
      if (!attr.isEmpty()) {
        sb.append(' ').append(attr);
      }
      sb.append(" {\n");
      int n = 1 + random.nextInt(3);
      boolean any = false;
      for (int i = 0; i < n || !any; i++) {
        any |= member(sb, indent + "  ", depth + 1, prefix, paths, indexed);
      }
      sb.append(indent).append("};\n");
      return true;
    }
    // bit-fields, named, unnamed and zero-width
    Type t = pick(bitFieldTypes);
    int roll = random.nextInt(10);
    if (roll < 2) {
      sb.append(indent).append(t.declare("")).append(" : 0;\n");
      return false;
    }
    int width = t.bits() == 1 ? 1 : 1 + random.nextInt(t.bits());
    if (roll < 4) {
      sb.append(indent).append(t.declare("")).append(" : ").append(width).append(";\n");
      return false;
    }
    String name = name();
    String attr =
        switch (random.nextInt(12)) {
          case 0 -> " __attribute__((packed))";
          case 1 -> " __attribute__((aligned(" + (1 << random.nextInt(5)) + ")))";
          default -> "";
        };
    sb.append(indent)
        .append(t.declare(name))
        .append(" : ")
        .append(width)
        .append(attr)
        .append(";\n");
    return true;
  }

  private String dimension() {
    return "["
        + pick(
            List.of(
                "1",
                "2",
                "3",
                "4",
                "5",
                "7",
                "N_TWO",
                "K_THREE",
                "K_FOUR - 1",
                "sizeof(short)",
                "K_SIZED",
                "0"))
        + "]";
  }

  /** An attribute or alignment specifier before the member's type. */
  private String prefixAttribute(boolean alignas) {
    return switch (random.nextInt(25)) {
      case 0 -> "__attribute__((aligned(8))) ";
      // _Alignas may not lower an alignment: only scalars, whose alignment is at most 16, get it
      case 1 -> alignas ? "_Alignas(16) " : "";
      case 2 -> alignas ? "_Alignas(32) " : "";
      default -> "";
    };
  }

  private String memberAttribute() {
    return switch (random.nextInt(30)) {
      case 0, 1 -> " __attribute__((aligned(" + (1 << random.nextInt(6)) + ")))";
      case 2, 3 -> " __attribute__((packed))";
      case 4 -> " __attribute__((packed, aligned(2)))";
      case 5 -> " __attribute__((aligned(sizeof(long))))";
      case 6 -> " __attribute__((aligned))";
      case 7 -> " __attribute__((__aligned__(2 * 4)))";
      case 8 -> " __attribute__((aligned(__alignof__(long long))))";
      default -> "";
    };
  }

  private String structAttribute() {
    return switch (random.nextInt(20)) {
      case 0, 1, 2 -> "__attribute__((packed))";
      case 3, 4 -> "__attribute__((aligned(" + (1 << random.nextInt(7)) + ")))";
      case 5 -> "__attribute__((packed, aligned(" + (1 << random.nextInt(4)) + ")))";
      case 6 -> "__attribute__((aligned))";
      case 7 -> "__attribute__((__packed__)) __attribute__((aligned(4)))";
      default -> "";
    };
  }

  private List<Type> arraySafe() {
    return scalars.stream().filter(Type::arraySafe).toList();
  }

  private String name() {
    return "m" + counter++;
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  DataModel model() {
    return model;
  }
}
