package org.broomstick.memwalk.model;

/** A file the model was built from and the SHA-256 of its content (hex). */
public record InputFile(String path, String sha256) {}
