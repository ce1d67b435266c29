#!/bin/bash
# broomstick scg with and without the system prelude, side by side: rounds interleaved, the launcher
# with its AOT cache (JVM start included), CPU seconds (user + sys) and wall seconds of each run,
# gcc -fsyntax-only -j2 of the same units as the baseline, the load average after each round, and
# the two JSON outputs of the last round compared (bench/scg/prelude_jsondiff.py).
#
#   bench/scg/prelude_ab.sh [ROUNDS] [CODEBASE…]      (default: 3 rounds, memcached libevent)
#
# The compile databases come from bench/scg/run.sh: BENCH_WORK=/tmp/bw bench/scg/run.sh keeps them
# as /tmp/bw/<codebase>.compile_commands.json (PRELUDE_AB_DBS=<dir> to look elsewhere).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
shift || true
codebases=("$@")
[[ ${#codebases[@]} -gt 0 ]] || codebases=(memcached libevent)
dbs=${PRELUDE_AB_DBS:-/tmp/bw}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bin/broomstick --version >/dev/null   # builds the jar and its AOT cache before timing
printf '%-10s %-6s %-8s %8s %8s\n' codebase round side cpu_s wall_s
for r in $(seq 1 "$rounds"); do
  for n in "${codebases[@]}"; do
    db="$dbs/$n.compile_commands.json"
    for side in gcc off on; do
      case $side in
        gcc) cmd=(python3 bench/scg/units.py gcc "$db" 2) ;;
        off) cmd=(bin/broomstick scg -q --compile-commands "$db" --format json -o "$out/$n.off.json" --prelude off) ;;
        on) cmd=(bin/broomstick scg -q --compile-commands "$db" --format json -o "$out/$n.on.json" --prelude on) ;;
      esac
      /usr/bin/time -o "$out/time" -f '%U %S %e' "${cmd[@]}" >/dev/null 2>"$out/$n.$side.err"
      read -r u s w < <(tail -1 "$out/time")
      printf '%-10s %-6s %-8s %8.2f %8.2f\n' "$n" "$r" "$side" "$(echo "$u + $s" | bc)" "$w"
    done
  done
  echo "load after round $r: $(cut -d' ' -f1-3 /proc/loadavg)"
done
for n in "${codebases[@]}"; do
  printf '%s: ' "$n"
  python3 bench/scg/prelude_jsondiff.py "$out/$n.off.json" "$out/$n.on.json" | tail -1
done
