#!/usr/bin/env bash
# Instructions, loads, stores and simulated D1 misses per alloc/free pair (callgrind, exact counts:
# the load-independent figures beside run.sh's times) of the "single-256" and "mix" patterns, for
# stingy_alloc/stingy_free and for malloc/free under mimalloc; with BENCH_BASELINE="REV.." also for
# the runtime of those git revisions. Not a test, not run in CI. See bench/alloc/README.md.
#
# Usage: bench/alloc/callgrind.sh
# Environment: BENCH_PAIRS (default 1000000), BENCH_CFLAGS (default -O2), BENCH_BASELINE
set -euo pipefail
shopt -s inherit_errexit

here="$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pairs="${BENCH_PAIRS:-1000000}"
read -r -a cflags <<<"${BENCH_CFLAGS:--O2}"
read -r -a baselines <<<"${BENCH_BASELINE:-}"
die() {
  printf 'callgrind.sh: %s\n' "$*" >&2
  exit 1
}
command -v valgrind >/dev/null || die "valgrind is not installed"
# shellcheck source=bench/alloc/baseline.sh
source "$here/baseline.sh"
mimalloc="/usr/lib/$(gcc -print-multiarch)/libmimalloc.so.2"

work="$(mktemp -d "${TMPDIR:-/tmp}/broomstick-alloc-callgrind.XXXXXX")"
trap 'rm -rf "$work"' EXIT

build() { # name runtime-dir
  gcc -std=c11 "${cflags[@]}" -g -I"$2" -I"$here" "$2/stingy.c" "$here/stingy_config.c" \
    "$here/alloc_bench.c" -o "$work/bench-$1" -ldl
}
# one pattern function under callgrind; prints "Ir Dr Dw D1-misses" per pair
count() { # binary mode function [LD_PRELOAD]
  local out="$work/cg.$2.$3.$RANDOM"
  LD_PRELOAD="${4:-}" valgrind --tool=callgrind --cache-sim=yes --toggle-collect="$3" \
    --callgrind-out-file="$out" "$1" "$2" "$pairs" 0 >/dev/null 2>&1
  awk -v n="$pairs" '/^events:/ { for (i = 2; i <= NF; i++) col[$i] = i - 1 }
    /^totals:/ { printf "%8.1f %8.1f %8.1f %10.3f\n", $(col["Ir"] + 1) / n, $(col["Dr"] + 1) / n,
                 $(col["Dw"] + 1) / n, ($(col["D1mr"] + 1) + $(col["D1mw"] + 1)) / n }' "$out"
}

build current "$root/$runtime_rel"
names=(current)
for rev in "${baselines[@]}"; do
  key="$(rev_key "$rev")"
  runtime_of "$rev" "$work/src-$key"
  build "$key" "$work/src-$key"
  names+=("$key")
done

echo "per alloc/free pair, $pairs pairs, ${cflags[*]}, loop and touches included"
printf '%-28s %8s %8s %8s %10s\n' "" instr loads stores "D1 misses"
for pattern in single mix; do
  for name in "${names[@]}"; do
    label="stingy"
    [[ "$name" == current ]] || label="stingy@$name"
    printf '%-28s %s\n' "$pattern, $label" "$(count "$work/bench-$name" stingy "${pattern}_stingy")"
  done
  if [[ -e "$mimalloc" ]]; then
    printf '%-28s %s\n' "$pattern, mimalloc" \
      "$(count "$work/bench-current" malloc "${pattern}_malloc" "$mimalloc")"
  fi
done
