package org.broomstick.memwalk.model;

import java.util.List;

/**
 * A function of the program, or a declared-only function ({@code location} without a file) that the
 * program calls. The {@code id} is stable across runs: the name for external functions, {@code
 * name@file} for {@code static} ones, since those stay per unit.
 *
 * @param params parameter names in order (empty when unknown); points-to cells use them
 * @param frameDynamic the frame size depends on run-time values (alloca, VLA, {@code .su} "dynamic")
 */
public record Function(
    String id,
    String name,
    SourceLocation location,
    boolean isStatic,
    boolean defined,
    int frameBytes,
    FrameSource frameSource,
    boolean frameDynamic,
    int codeBytes,
    List<String> params) {

  public Function {
    params = List.copyOf(params);
  }

  public static String idOf(String name, boolean isStatic, String file) {
    return isStatic ? name + "@" + file : name;
  }

  public Function withFrame(int bytes, FrameSource source, boolean dynamic) {
    return new Function(
        id, name, location, isStatic, defined, bytes, source, dynamic, codeBytes, params);
  }
}
