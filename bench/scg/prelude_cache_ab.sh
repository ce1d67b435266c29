#!/bin/bash
# The system prelude's cache across runs, measured: broomstick scg with --prelude off, with --prelude on
# and the cache emptied before the run (cold), and with --prelude on and the cache of the previous run
# (warm), beside gcc -fsyntax-only -j2 of the same units; rounds interleaved, the launcher with its AOT
# cache (JVM start included), CPU seconds (user + sys) and wall seconds of each run, the load average
# after each round, medians at the end, and the JSON of the last round compared (off vs cold, off vs warm).
#
#   bench/scg/prelude_cache_ab.sh [ROUNDS] [CODEBASE…]      (default: 5 rounds, memcached)
#
# The compile databases come from bench/scg/run.sh (BENCH_WORK=/tmp/bw keeps them as
# /tmp/bw/<codebase>.compile_commands.json; PRELUDE_AB_DBS=<dir> to look elsewhere). The cache lives in
# a temporary directory (BROOMSTICK_CACHE_DIR), never the user's. PRELUDE_AB_SIDES picks the sides
# (default "gcc off cold warm"). PRELUDE_AB_PHASES=1 adds, after the rounds, one run per scg side
# with -Dbroomstick.timing=true, -XX:+CITime and GC logging, and prints the phases (the launcher
# remakes its AOT cache for those options, and once more for the next ordinary run).
#
# Without a prelude cache in the jar the cold and warm sides are both plain --prelude on runs (only
# the prototype of branch prelude-cache had one: commit 99d6eff, the code of c8b0e72 with this script).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
shift || true
codebases=("$@")
[[ ${#codebases[@]} -gt 0 ]] || codebases=(memcached)
dbs=${PRELUDE_AB_DBS:-/tmp/bw}
read -r -a sides <<<"${PRELUDE_AB_SIDES:-gcc off cold warm}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Two caches: the cold side's, emptied before each of its runs, and the warm side's, kept.
cold_cache="$out/cold-cache"
warm_cache="$out/warm-cache"
bin/broomstick --version >/dev/null   # builds the jar and its AOT cache before timing
scg() { # codebase side json: the command line
  printf '%s\n' bin/broomstick scg -q --compile-commands "$dbs/$1.compile_commands.json" --format json -o "$3" \
    --prelude "$([[ $2 == off ]] && echo off || echo on)"
}
for n in "${codebases[@]}"; do # the warm side's entries: a run stores what it built, the next what it still missed
  mapfile -t cmd < <(scg "$n" warm "$out/prime.json")
  for _ in 1 2; do BROOMSTICK_CACHE_DIR="$warm_cache" "${cmd[@]}" >/dev/null 2>&1 || true; done
done
printf '%-10s %-6s %-6s %8s %8s\n' codebase round side cpu_s wall_s | tee "$out/table"
for r in $(seq 1 "$rounds"); do
  for n in "${codebases[@]}"; do
    for side in "${sides[@]}"; do
      case $side in
        gcc) cmd=(python3 bench/scg/units.py gcc "$dbs/$n.compile_commands.json" 2) ;;
        cold) rm -rf "$cold_cache"; mapfile -t cmd < <(scg "$n" cold "$out/$n.cold.json") ;;
        *) mapfile -t cmd < <(scg "$n" "$side" "$out/$n.$side.json") ;;
      esac
      export BROOMSTICK_CACHE_DIR="$warm_cache"
      [[ $side != cold ]] || export BROOMSTICK_CACHE_DIR="$cold_cache"
      /usr/bin/time -o "$out/time" -f '%U %S %e' "${cmd[@]}" >/dev/null 2>"$out/$n.$side.err" || {
        echo "$n $side failed:"; head -5 "$out/$n.$side.err"; exit 1; }
      read -r u s w < <(tail -1 "$out/time")
      printf '%-10s %-6s %-6s %8.2f %8.2f\n' "$n" "$r" "$side" "$(echo "$u + $s" | bc)" "$w" | tee -a "$out/table"
    done
  done
  echo "load after round $r: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "medians ($rounds rounds):"
python3 - "$out/table" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for l in open(sys.argv[1]).read().split('\n')[1:]:
    f = l.split()
    if len(f) == 5:
        rows[(f[0], f[2])].append((float(f[3]), float(f[4])))
print(f"{'codebase':10} {'side':6} {'cpu_s':>8} {'wall_s':>8}")
for (n, side), v in rows.items():
    print(f"{n:10} {side:6} {statistics.median(c for c, _ in v):8.2f} {statistics.median(w for _, w in v):8.2f}")
PY
for n in "${codebases[@]}"; do
  for side in cold warm; do
    if [[ -f "$out/$n.off.json" && -f "$out/$n.$side.json" ]]; then
      printf '%s off vs %s: ' "$n" "$side"
      python3 bench/scg/prelude_jsondiff.py "$out/$n.off.json" "$out/$n.$side.json" | tail -1
    fi
  done
done
if [[ -n "${PRELUDE_AB_PHASES:-}" ]]; then
  # Phases: the frontend's own timing (CDT and extraction summed over the parser threads, the
  # prelude's build or load), C1's compile time (-XX:+CITime) and the GC pauses, beside user/sys/wall.
  opts="-Dbroomstick.timing=true -XX:+CITime -Xlog:gc:stderr"
  BROOMSTICK_JAVA_OPTS="$opts" bin/broomstick --version >/dev/null 2>&1 # its AOT cache, before timing
  for n in "${codebases[@]}"; do
    for side in off cold warm; do
      export BROOMSTICK_CACHE_DIR="$warm_cache"
      [[ $side != cold ]] || { rm -rf "$cold_cache"; export BROOMSTICK_CACHE_DIR="$cold_cache"; }
      mapfile -t cmd < <(scg "$n" "$side" "$out/phases.json")
      BROOMSTICK_JAVA_OPTS="$opts" /usr/bin/time -o "$out/time" -f '%U %S %e' "${cmd[@]}" >/dev/null 2>"$out/phases.err" || true
      read -r u s w < <(tail -1 "$out/time")
      echo "phases, $n $side: user $u s, sys $s s, wall $w s, load $(cut -d' ' -f1 /proc/loadavg)"
      grep -E '^timing|^prelude|Total compilation time|Pause' "$out/phases.err" | sed -e 's/^/  /' -e 's/^  \[[^]]*\]\[info\]\[gc\] */  gc: /' || true
    done
  done
  bin/broomstick --version >/dev/null 2>&1 # the AOT cache back for the launcher's own options
fi
