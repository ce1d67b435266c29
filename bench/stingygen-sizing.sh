#!/bin/sh
# stingygen's integer program on generated pipeline-shaped reports (issue 5, benchmark (a)):
# 100 x 20, 1000 x 200 and 5000 x 1000 objects x stages, 1 MiB cache, CP-SAT status and seconds,
# with the greedy heuristic's objective beside it as the baseline. Usage:
#   bench/stingygen-sizing.sh [SECONDS [OBJECTS STAGES]]      (-Dworkers=N via JAVA_OPTS)
#   JAVA_OPTS=-Dseeds=1..10 bench/stingygen-sizing.sh 10 1000 200   (a seed sweep, with a summary line)
#   JAVA_OPTS=-Dcompare=form ...   (the region form, the default, beside the level form in one run)
#   JAVA_OPTS=-Dcompare=split ...  (with the level split, the default, beside CP-SAT alone in one run)
set -eu
cd "$(dirname "$0")/.."
mvn -o -q -B -pl stingygen -am test-compile
mvn -o -q -B -pl stingygen dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/stingygen/target/bench.cp"
exec java ${JAVA_OPTS:-} -cp "stingygen/target/test-classes:stingygen/target/classes:$(cat stingygen/target/bench.cp)" \
  org.broomstick.stingygen.ilp.SizingBench "$@"
