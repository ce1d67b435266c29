#!/usr/bin/env bash
# The ASM frontend on real server jars (issue 7): classes, methods, edges and seconds per step.
# Fetches Jetty and Netty jars through Maven (dependency:copy) and runs ScaleRun from memwalk's
# test classes. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$PWD/bench/bytecode/target"
mkdir -p "$out"
jars=(
  org.eclipse.jetty:jetty-server:12.1.13 org.eclipse.jetty:jetty-http:12.1.13
  org.eclipse.jetty:jetty-io:12.1.13 org.eclipse.jetty:jetty-util:12.1.13
  io.netty:netty-transport:4.1.118.Final io.netty:netty-buffer:4.1.118.Final
  io.netty:netty-common:4.1.118.Final io.netty:netty-resolver:4.1.118.Final
)
for a in "${jars[@]}"; do
  mvn -B -q dependency:copy -Dartifact="$a" -DoutputDirectory="$out" >/dev/null
done
mvn -B -q -pl memwalk -am test-compile -DskipTests >/dev/null
mvn -B -q -pl memwalk dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" >/dev/null
cp="memwalk/target/classes:memwalk/target/test-classes:$(cat "$out/cp.txt")"
run() { java -Xmx2g -cp "$cp" org.broomstick.memwalk.frontend.bytecode.ScaleRun "$@"; }
run "$out/jetty-server-12.1.13.jar" "$out"/jetty-{http,io,util}-12.1.13.jar
run "$out/netty-transport-4.1.118.Final.jar" "$out"/netty-{buffer,common,resolver}-4.1.118.Final.jar
