package org.broomstick.memwalk.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.broomstick.memwalk.model.Constraint;
import org.junit.jupiter.api.Test;

/** Which objects a type test leaves out (the rule both Java frontends share). */
class TypeTestsTest {

  /** A small hierarchy: app classes Conn (final), Base/Sub, app interface Handler; some JDK types. */
  private static final Map<String, Set<String>> SUPERS = Map.ofEntries(
      Map.entry("Conn", Set.of("Conn", "Object")),
      Map.entry("Base", Set.of("Base", "Object")),
      Map.entry("Sub", Set.of("Sub", "Base", "Object")),
      Map.entry("Handler", Set.of("Handler", "Object")),
      Map.entry("Pool", Set.of("Pool", "Object")),
      Map.entry("Supplier", Set.of("Supplier", "Object")),
      Map.entry("ByteBuffer", Set.of("ByteBuffer", "Buffer", "Comparable", "Object")),
      Map.entry("Buffer", Set.of("Buffer", "Object")),
      Map.entry("SocketChannel", Set.of("SocketChannel", "Channel", "Object")),
      Map.entry("Channel", Set.of("Channel", "Object")),
      Map.entry("Comparable", Set.of("Comparable", "Object")),
      Map.entry("Map", Set.of("Map", "Object")),
      Map.entry("Set", Set.of("Set", "Object")));
  private static final Set<String> APP = Set.of("Conn", "Base", "Sub", "Handler");
  private static final Set<String> INTERFACES = Set.of("Handler", "Supplier", "Channel", "Comparable", "Map", "Set");
  private static final Set<String> FINAL = Set.of("Conn", "Pool");

  private static TypeTests tests() {
    TypeTests t = new TypeTests(new TypeTests.Hierarchy() {
      @Override
      public Set<String> supertypes(String type) {
        return SUPERS.get(type);
      }

      @Override
      public boolean isApp(String type) {
        return APP.contains(type);
      }

      @Override
      public boolean isInterface(String type) {
        return INTERFACES.contains(type) || !SUPERS.containsKey(type);
      }

      @Override
      public boolean isFinal(String type) {
        return FINAL.contains(type);
      }

      @Override
      public String object() {
        return "Object";
      }
    });
    t.exact("new:Conn", "Conn");
    t.exact("new:Sub", "Sub");
    t.exact("fn:Conn.new", "Supplier");
    t.exact("fn:route", "Handler");
    t.exact("fn:serializable", null);
    t.subtypeOf("heap:buf", "ByteBuffer");
    t.subtypeOf("heap:base", "Base");
    t.exact("new:Mystery", "Mystery"); // a supertype the classpath does not have
    t.libraryObjects(List.of(new Constraint.AddressOf("a", "lib:open#1"), new Constraint.AddressOf("b", "arr:x#2")));
    return t;
  }

  private static Set<String> excludedBy(String type) {
    TypeTests t = tests();
    String cell = t.test("dst", type, "dst.r");
    assertThat(cell).isEqualTo("dst.r");
    return ((Constraint.Filter) t.filters().get(0)).excluded();
  }

  @Test
  void aLambdaIsOnlyItsInterfaceAndAProgramObjectOnlyItsClass() {
    // arena.pool(id, Conn::new, Conn::clear) returns a Pool: neither lambda nor a connection
    assertThat(excludedBy("Pool")).contains("fn:Conn.new", "fn:route", "new:Conn", "new:Sub")
        .doesNotContain("fn:serializable", "lib:open#1", "new:Mystery");
    assertThat(excludedBy("Supplier")).doesNotContain("fn:Conn.new").contains("fn:route", "new:Conn");
  }

  @Test
  void aCastToAProgramClassLeavesOutLibraryObjectsArraysAndUnrelatedMallocObjects() {
    assertThat(excludedBy("Conn")).contains("lib:open#1", "arr:x#2", "heap:buf", "new:Sub", "fn:route", "heap:base")
        .doesNotContain("new:Conn", "fn:serializable", "new:Mystery");
    // a Malloc object declared as Base may be a Sub
    assertThat(excludedBy("Sub")).doesNotContain("heap:base", "new:Sub");
  }

  @Test
  void aMallocObjectOfAClassMayStillBeOfAnInterfaceASubclassImplements() {
    assertThat(excludedBy("SocketChannel")).contains("heap:buf"); // two unrelated classes
    assertThat(excludedBy("Buffer")).doesNotContain("heap:buf"); // a supertype
    assertThat(excludedBy("Handler")).doesNotContain("heap:base"); // Base is not final
    assertThat(excludedBy("Map")).doesNotContain("heap:buf", "lib:open#1");
    assertThat(excludedBy("Map")).contains("arr:x#2", "new:Conn");
  }

  @Test
  void nothingIsTestedForObjectAndAReceiverKeepsItsTypeOnlyWhenTheResultIsRelated() {
    TypeTests t = tests();
    assertThat(t.test("dst", "Object", "dst.r")).isEqualTo("dst");
    assertThat(t.filters()).isEmpty();
    assertThat(t.mayReturnReceiver("ByteBuffer", "Buffer")).isTrue(); // flip()
    assertThat(t.mayReturnReceiver("Map", "Set")).isFalse(); // entrySet(): a view
    assertThat(t.mayReturnReceiver("Mystery", "Set")).isTrue(); // unknown: as before
  }

  @Test
  void channelsAndBuffersCopyBytesAndKeepNoArgument() {
    assertThat(TypeTests.keepsNoArgument("java/nio/channels/SocketChannel", "read")).isTrue();
    assertThat(TypeTests.keepsNoArgument("java.nio.channels.FileChannel", "transferTo")).isTrue();
    assertThat(TypeTests.keepsNoArgument("java/nio/ByteBuffer", "put")).isTrue();
    assertThat(TypeTests.keepsNoArgument("java/nio/channels/SocketChannel", "register")).isFalse();
    assertThat(TypeTests.keepsNoArgument("java/util/ArrayDeque", "addLast")).isFalse();
    assertThat(TypeTests.keepsNoArgument("java/nio/file/Path", "resolve")).isFalse();
  }
}
