#!/usr/bin/env bash
# Benchmark of the Stingy C runtime's stingy_alloc/stingy_free against malloc/free of glibc,
# jemalloc, mimalloc and tcmalloc (issue 5, "Show" (b)); not a test, not run in CI.
#
# Builds bench/alloc/alloc_bench.c with the runtime sources and bench/alloc/stingy_config.c twice
# (the "fit" sizing, whose pools never run out, and -DBENCH_TIGHT, sized to a 1 MiB L2, whose
# pools do; and the fit sizing with the HDR/BODY region's 4096-byte slots unpadded, -DBENCH_STRIDE=4096u,
# the layout before stingygen padded such strides), runs the malloc side once per library (glibc as is; the others by LD_PRELOAD, and the
# program prints which library really provides malloc) and the Stingy side, BENCH_REPEAT times in
# rotating order, and prints the median ns per alloc/free pair of every pattern side by side, with
# each figure's ratio to glibc's in the same run. See bench/alloc/README.md.
#
# Usage: bench/alloc/run.sh
# Environment:
#   BENCH_REPEAT=N     runs of every variant; the table shows medians (default 5)
#   BENCH_PAIRS=N      alloc/free pairs per pattern and run (default 10000000)
#   BENCH_TASKS="N.."  event-loop task counts (default "64 1024 4096")
#   BENCH_CFLAGS="..." optimisation flags (default "-O2"; e.g. "-O3", "-O2 -flto")
#   BENCH_WORK=DIR     build and keep the raw outputs in DIR (default: a temporary directory)
#   BENCH_BASELINE="REV.."  also build the runtime (stingy.c/.h) of each git revision REV of this
#                      checkout with the same benchmark and configuration: a "stingy@REV" column
#                      each, the before of a runtime change measured in the same run as its after
set -euo pipefail
shopt -s inherit_errexit

here="$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runtime="$root/stingygen/src/main/resources/org/broomstick/stingygen/runtime/c"
repeat="${BENCH_REPEAT:-5}"
pairs="${BENCH_PAIRS:-10000000}"
read -r -a tasks <<<"${BENCH_TASKS:-64 1024 4096}"
read -r -a cflags <<<"${BENCH_CFLAGS:--O2}"

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
  printf '[bench] error: %s\n' "$*" >&2
  exit 1
}

if [[ -n "${BENCH_WORK:-}" ]]; then
  work="$BENCH_WORK"
  mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/broomstick-alloc-bench.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi

# --- the libraries (Debian packages; installed when missing and we are root) ------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
want=(libjemalloc2 libmimalloc2.0)
if apt-cache show libtcmalloc-minimal4 >/dev/null 2>&1; then want+=(libtcmalloc-minimal4); fi
missing=()
for p in "${want[@]}"; do installed "$p" || missing+=("$p"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "$(id -u)" == 0 ]]; then
    log "installing ${missing[*]}"
    apt-get install -y -q "${missing[@]}" >&2 || { apt-get update -q >&2 && apt-get install -y -q "${missing[@]}" >&2; }
  else
    log "not root: cannot install ${missing[*]}; those columns are left out"
  fi
fi
libdir="/usr/lib/$(gcc -print-multiarch)"
declare -A preload=([glibc]="")
for pair in jemalloc:libjemalloc.so.2 mimalloc:libmimalloc.so.2 tcmalloc:libtcmalloc_minimal.so.4; do
  name="${pair%%:*}" so="$libdir/${pair#*:}"
  if [[ -e "$so" ]]; then preload[$name]="$so"; else log "no $so: no $name column"; fi
done

# --- build -----------------------------------------------------------------------------------
cc=(gcc -std=c11 "${cflags[@]}" -Wall -Wextra -Wpedantic -Werror -I"$runtime" -I"$here")
srcs=("$runtime/stingy.c" "$here/stingy_config.c" "$here/alloc_bench.c")
"${cc[@]}" "${srcs[@]}" -o "$work/bench_fit" -ldl
"${cc[@]}" -DBENCH_TIGHT "${srcs[@]}" -o "$work/bench_tight" -ldl
"${cc[@]}" -DBENCH_STRIDE=4096u "${srcs[@]}" -o "$work/bench_nopad" -ldl
log "built with: ${cc[*]} [-DBENCH_TIGHT | -DBENCH_STRIDE=4096u] ... -ldl"
# shellcheck source=bench/alloc/baseline.sh
source "$here/baseline.sh"
read -r -a baselines <<<"${BENCH_BASELINE:-}"
base_keys=()
for rev in "${baselines[@]}"; do
  key="$(rev_key "$rev")" # the column is stingy@key
  base_keys+=("$key")
  runtime_of "$rev" "$work/base-$key"
  base_cc=("${cc[@]/#-I$runtime/-I$work/base-$key}")
  "${base_cc[@]}" "$work/base-$key/stingy.c" "$here/stingy_config.c" "$here/alloc_bench.c" \
    -o "$work/bench_base-$key" -ldl
  log "stingy@$key: the runtime of $(git -C "$root" log -1 --format='%h %s' "$rev" | cut -c1-70)"
done

variants=(glibc)
for v in jemalloc mimalloc tcmalloc; do [[ -n "${preload[$v]:-}" ]] && variants+=("$v"); done
variants+=(stingy stingy-tight stingy-nopad)
for key in "${base_keys[@]}"; do variants+=("stingy@$key"); done

run_variant() { # variant rep
  local v="$1" out="$work/raw/$1.$2"
  case "$v" in
    stingy) "$work/bench_fit" stingy "$pairs" "${tasks[@]}" >"$out" ;;
    stingy-tight) "$work/bench_tight" stingy "$pairs" "${tasks[@]}" >"$out" ;;
    stingy-nopad) "$work/bench_nopad" stingy "$pairs" "${tasks[@]}" >"$out" ;;
    stingy@*) "$work/bench_base-${v#stingy@}" stingy "$pairs" "${tasks[@]}" >"$out" ;;
    glibc) "$work/bench_fit" malloc "$pairs" "${tasks[@]}" >"$out" ;;
    *) LD_PRELOAD="${preload[$v]}" "$work/bench_fit" malloc "$pairs" "${tasks[@]}" >"$out" ;;
  esac
  # the library that really provides malloc must be the one asked for
  local lib
  lib="$(sed -n 's/^# malloc provided by //p' "$out")"
  case "$v" in
    glibc | stingy*) [[ "$lib" == *libc.so* ]] || die "$v: malloc comes from $lib, not glibc" ;;
    *) [[ "$lib" == *"$v"* ]] || die "$v: malloc comes from $lib (LD_PRELOAD=${preload[$v]} did not take)" ;;
  esac
}

rm -rf "$work/raw"
mkdir -p "$work/raw"
log "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "$repeat runs x ${#variants[@]} variants, $pairs pairs per pattern, tasks ${tasks[*]}"
for ((rep = 0; rep < repeat; rep++)); do
  n=${#variants[@]}
  for ((k = 0; k < n; k++)); do # rotate the order from run to run: drift hits every variant
    run_variant "${variants[(k + rep) % n]}" "$rep"
  done
  log "run $((rep + 1))/$repeat done (load average $(cut -d' ' -f1-3 /proc/loadavg))"
done
for v in "${variants[@]}"; do
  printf '%-13s %s\n' "$v:" "$(sed -n 's/^# //p' "$work/raw/$v.0" | paste -sd ';' | sed 's/;/; /g')"
done
echo
python3 - "$work/raw" "$repeat" "${variants[@]}" <<'PY'
import statistics, sys
raw, repeat, variants = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ns, share, order = {}, {}, []
for v in variants:
    for r in range(repeat):
        for line in open(f"{raw}/{v}.{r}"):
            f = line.split()
            if f and f[0] == "result":
                if f[1] not in order: order.append(f[1])
                ns.setdefault((v, f[1]), []).append(float(f[2]))
                share.setdefault((v, f[1]), []).append(float(f[3]))
med = {k: statistics.median(x) for k, x in ns.items()}
print(f"ns per alloc/free pair, median of {repeat} runs (x: ratio to glibc; slab: share of "
      "allocations Stingy served from its slab)")
head = f"{'pattern':<12}" + "".join(f"{v:>17}" for v in variants)
print(head); print("-" * len(head))
for p in order:
    row = f"{p:<12}"
    for v in variants:
        m = med[(v, p)]
        cell = f"{m:.1f} ({m / med[('glibc', p)]:.2f}x)"
        row += f"{cell:>17}"
    print(row)
    if any(v.startswith("stingy") for v in variants):
        row = f"{'  slab':<12}"
        for v in variants:
            row += f"{(f'{100 * statistics.median(share[(v, p)]):.0f}%' if v.startswith('stingy') else ''):>17}"
        print(row)
if "mimalloc" in variants:
    print()
    for p in order:
        s, m = med[("stingy", p)], med[("mimalloc", p)]
        print(f"{p:<12} stingy {s:.1f} ns vs mimalloc {m:.1f} ns: "
              + ("no slower" if s <= m else f"{100 * (s / m - 1):.0f}% slower"))
for base in [v for v in variants if v.startswith("stingy@")]:
    print()
    for p in order:
        s, b = med[("stingy", p)], med[(base, p)]
        print(f"{p:<12} stingy {s:.2f} ns vs {base} {b:.2f} ns: {100 * (s / b - 1):+.0f}%")
PY
