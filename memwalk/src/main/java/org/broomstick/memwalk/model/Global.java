package org.broomstick.memwalk.model;

/** A global (file-scope or function-static) variable and its size, when known. */
public record Global(String id, String name, SourceLocation location, boolean isStatic, Long sizeBytes) {}
