#!/usr/bin/env bash
# bench/java-alloc/run.sh: JMH, Stingy.alloc/free against ByteBuffer.allocateDirect (dropped, and
# freed with the cleaner) and Netty's PooledByteBufAllocator, one size (4096 B) and a server-like
# mix, printed side by side (bench/java-alloc/README.md). A script, not a test; not run in CI.
# Needs Maven Central for JMH and netty-buffer on first use.
#
# Environment: JMH_FORKS (default 1), JMH_WARMUP (iterations, default 3), JMH_ITER (default 5),
# JMH_TIME (seconds per iteration, default 1), JMH_FILTER (a JMH regexp, default all).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/../.." && pwd)"
forks="${JMH_FORKS:-1}"
warmup="${JMH_WARMUP:-3}"
iter="${JMH_ITER:-5}"
secs="${JMH_TIME:-1}"
filter="${JMH_FILTER:-AllocBench}"

echo "# load before: $(cat /proc/loadavg)"
# the runtime as this checkout has it, then the benchmark against it
mvn -q -o -f "$top/pom.xml" -pl stingy-runtime -am install -DskipTests
mvn -q -f "$here/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$here/target/classpath.txt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
java -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
  org.openjdk.jmh.Main "$filter" -f "$forks" -wi "$warmup" -i "$iter" -w "${secs}s" -r "${secs}s" \
  -jvmArgsAppend "-Dio.netty.leakDetection.level=disabled -XX:MaxDirectMemorySize=64m" \
  -rf json -rff "$work/result.json" > "$work/jmh.log" || { cat "$work/jmh.log"; exit 1; }
echo "# load after:  $(cat /proc/loadavg)"
echo "# $(java -version 2>&1 | head -1); $(nproc) cpus; $forks fork(s), ${warmup}x${secs}s warm-up, ${iter}x${secs}s measured"
python3 - "$work/result.json" <<'PY'
import json, sys
rows = {}
for r in json.load(open(sys.argv[1])):
    name = r["benchmark"].rsplit(".", 1)[1]
    pattern = "single-4096" if name.startswith("single") else "mix"
    alloc = name[len("single"):] if name.startswith("single") else name[len("mix"):]
    m = r["primaryMetric"]
    rows.setdefault(pattern, {})[alloc] = (m["score"], m["scoreError"])
cols = ["Stingy", "Netty", "DirectCleaner", "Direct"]
heads = {"Stingy": "Stingy.alloc/free", "Netty": "Netty pooled", "DirectCleaner": "allocateDirect+cleaner", "Direct": "allocateDirect (GC)"}
print("ns per alloc/free pair (JMH average time, +- 99.9% error)")
print(f"{'pattern':<12}" + "".join(f"{heads[c]:>26}" for c in cols))
for p in ["single-4096", "mix"]:
    cells = []
    for c in cols:
        v = rows.get(p, {}).get(c)
        cells.append(f"{v[0]:>16.1f} +- {v[1]:>6.1f}" if v else f"{'-':>26}")
    print(f"{p:<12}" + "".join(f"{x:>26}" for x in cells))
PY
