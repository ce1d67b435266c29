#!/bin/bash
# scg today vs scg with an (experimental) system prelude, rounds interleaved, launcher + AOT cache, JVM start included.
# Usage: bench/scg/prelude_ab.sh ROUNDS, on a jar built at the experiment commit (BROOMSTICK_PRELUDE is read
# only there); preludes from bench/scg/prelude.py in /tmp/sp, databases in /tmp/bw (bench/scg/run.sh).
# Then: cd /tmp/sp && python3 <repo>/bench/scg/prelude_jsondiff.py memcached libevent
cd "$(dirname "$0")/../.."
for r in $(seq 1 ${1:-3}); do
  for n in memcached libevent; do
    for mode in base prelude; do
      if [ $mode = prelude ]; then export BROOMSTICK_PRELUDE=/tmp/sp/$n.prelude.h; else unset BROOMSTICK_PRELUDE; fi
      /usr/bin/time -f "$n $mode cpu %U %S wall %e" bin/broomstick scg --compile-commands /tmp/bw/$n.compile_commands.json --format json -o /tmp/sp/$n.$mode.json 2>&1 >/dev/null | grep "cpu"
    done
  done
  echo "load $(cat /proc/loadavg)"
done
