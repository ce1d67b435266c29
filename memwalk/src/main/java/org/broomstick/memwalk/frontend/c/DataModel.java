package org.broomstick.memwalk.frontend.c;

/**
 * The target C data model whose sizes and alignments {@link CTypeLayout} reproduces: gcc's x86-64
 * System V ABI ({@link #LP64}, the default) or gcc's i386 System V ABI as {@code gcc -m32} lays it
 * out ({@link #ILP32}). SPEC §4 "Sizes".
 */
public enum DataModel {
  /** x86-64 SysV: long and pointers 8 bytes, long double 16/16, {@code __int128} available. */
  LP64(8, 8, 16, 16, true, 24, 8),

  /**
   * i386 SysV as gcc -m32: long and pointers 4 bytes, long double 12/4, no {@code __int128}; long
   * long, double and their complex forms are 8-aligned as objects but only 4-aligned as struct
   * members (gcc's {@code x86_field_alignment}).
   */
  ILP32(4, 4, 12, 4, false, 4, 4);

  private final int pointerSize;
  private final int longSize;
  private final int longDoubleSize;
  private final int longDoubleAlign;
  private final boolean hasInt128;
  private final int vaListSize;
  private final int vaListAlign;

  DataModel(
      int pointerSize,
      int longSize,
      int longDoubleSize,
      int longDoubleAlign,
      boolean hasInt128,
      int vaListSize,
      int vaListAlign) {
    this.pointerSize = pointerSize;
    this.longSize = longSize;
    this.longDoubleSize = longDoubleSize;
    this.longDoubleAlign = longDoubleAlign;
    this.hasInt128 = hasInt128;
    this.vaListSize = vaListSize;
    this.vaListAlign = vaListAlign;
  }

  /** Size and alignment of a data pointer, in bytes. */
  public int pointerSize() {
    return pointerSize;
  }

  int longSize() {
    return longSize;
  }

  int longDoubleSize() {
    return longDoubleSize;
  }

  int longDoubleAlign() {
    return longDoubleAlign;
  }

  boolean hasInt128() {
    return hasInt128;
  }

  /** {@code __builtin_va_list}: x86-64's is {@code struct __va_list_tag[1]}, i386's a char*. */
  int vaListSize() {
    return vaListSize;
  }

  int vaListAlign() {
    return vaListAlign;
  }

  /**
   * gcc's BIGGEST_ALIGNMENT, what a bare {@code __attribute__((aligned))} means: 16 on both targets
   * without -mavx (checked against gcc 12 for -m64 and -m32).
   */
  int biggestAlignment() {
    return 16;
  }

  /**
   * The alignment a field of a type gets in a struct when neither the type nor the field carries a
   * user alignment: i386 caps integer, double and complex double modes at 4 (ADJUST_FIELD_ALIGN).
   */
  int fieldAlignment(int typeAlign, boolean capExempt) {
    if (this == ILP32 && !capExempt) {
      return Math.min(typeAlign, 4);
    }
    return typeAlign;
  }
}
