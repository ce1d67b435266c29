package org.broomstick.memwalk.frontend.c;

/**
 * What gcc's layout rules need to know about a complete type, in bytes. {@code align} is gcc's
 * TYPE_ALIGN (what {@code __alignof__} reports); {@code userAligned} is TYPE_USER_ALIGN (an
 * explicit {@code aligned} somewhere, which exempts the type from i386's member-alignment cap);
 * {@code capExempt} marks modes that cap never applies to (structs, long double, decimal floats).
 */
record TypeInfo(long size, int align, boolean userAligned, boolean capExempt) {

  /** The alignment as a struct member and as C11 {@code _Alignof} reports it. */
  int fieldAlign(DataModel model) {
    return userAligned ? align : model.fieldAlignment(align, capExempt);
  }

  static TypeInfo scalar(long size, int align) {
    return new TypeInfo(size, align, false, false);
  }
}
