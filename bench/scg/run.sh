#!/usr/bin/env bash
# Benchmark of `broomstick scg` against `gcc -fsyntax-only` on real C servers (not a test; not in CI).
#
# Fetches the Debian bookworm source packages of memcached and libevent through a private apt
# configuration (the machine's apt sources are left as they are), builds each under `bear` to get
# its compile_commands.json, then times over exactly those translation units:
#   (a) gcc -fsyntax-only, 2 jobs in parallel, with each unit's own flags;
#   (b) bin/broomstick scg --compile-commands F --format json -o OUT (JVM start included),
# and prints per codebase: units, units with errors, functions, call edges, indirect calls
# resolved/unresolved, broomstick's peak RSS, both wall times and their ratio; then
#   (c) bin/broomstick memwalk --compile-commands F -o report.json (all of memwalk's analyses),
# and prints its wall time, the extra time over scg, the analyses' own milliseconds, and what it
# found (stages, objects; an unannotated server reports "no stages declared", not an error).
#
# Usage: bench/scg/run.sh [CODEBASE...]        (default: memcached libevent nginx; needs root for apt-get)
# Environment:
#   BENCH_WORK=DIR   work in DIR (kept; a second run reuses its sources and builds) instead of a
#                    fresh mktemp -d that is removed at the end unless BENCH_KEEP=1
#   BENCH_REPEAT=N   time each side N times and report the median (default 1)
#   BENCH_JOBS=N     parallel gcc jobs and make -j (default 2)
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(...) stops the script too

here="$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/../.." && pwd)"
broomstick="$root/bin/broomstick"
jobs="${BENCH_JOBS:-2}"
repeat="${BENCH_REPEAT:-1}"
codebases=("$@")
[[ ${#codebases[@]} -gt 0 ]] || codebases=(memcached libevent nginx)

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
  printf '[bench] error: %s\n' "$*" >&2
  exit 1
}

if [[ -n "${BENCH_WORK:-}" ]]; then
  work="$BENCH_WORK"
  mkdir -p "$work"
  keep=1
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/broomstick-scg-bench.XXXXXX")"
  keep="${BENCH_KEEP:-0}"
fi
work="$(cd "$work" && pwd)"
# apt downloads as the unprivileged _apt user where it can: let it reach the work dir.
chmod 755 "$work"
cleanup() {
  if [[ "$keep" != 1 ]]; then
    rm -rf "$work"
  else
    log "work dir kept: $work"
  fi
}
trap cleanup EXIT
log "work dir: $work"

# --- tools ------------------------------------------------------------------------------------
as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; else die "needs root for: $*"; fi
}
apt_updated=0
apt_install() { # installs the named packages with the machine's own apt configuration
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
  done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  log "installing: ${missing[*]} (log: $work/apt.log)"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$work/apt.log" 2>&1; then
    [[ $apt_updated == 0 ]] || die "apt-get install ${missing[*]} failed (see $work/apt.log)"
    as_root apt-get update -q >>"$work/apt.log" 2>&1
    apt_updated=1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$work/apt.log" 2>&1 ||
      die "apt-get install ${missing[*]} failed (see $work/apt.log)"
  fi
}
# dpkg-dev: dpkg-source for `apt-get source`; bear: compile_commands.json; time: peak RSS;
# build-essential: gcc and make; autotools for sources that ship only autogen.sh.
apt_install dpkg-dev bear time build-essential python3 autoconf automake libtool pkg-config

# --- a private apt configuration with deb-src for bookworm ------------------------------------
# The mirror is the one this machine's apt already uses for bookworm, read at run time from
# /etc/apt/sources.list and /etc/apt/sources.list.d/ (one-line and deb822 formats).
aptdir="$work/apt"
mkdir -p "$aptdir/lists/partial"
if id _apt >/dev/null 2>&1; then chown -R _apt "$aptdir/lists/partial" 2>/dev/null || true; fi
read -r mirror signed_by < <(python3 - <<'PY'
import glob, os, re
files = []
if os.path.exists("/etc/apt/sources.list"):
    files.append("/etc/apt/sources.list")
files += sorted(glob.glob("/etc/apt/sources.list.d/*.list")) + sorted(glob.glob("/etc/apt/sources.list.d/*.sources"))
found = []
for f in files:
    text = open(f, encoding="utf-8", errors="replace").read()
    if f.endswith(".sources"):
        for stanza in re.split(r"\n\s*\n", text):
            fields = {}
            key = None
            for line in stanza.splitlines():
                if line.startswith("#") or not line.strip():
                    continue
                if line[0] in " \t" and key:
                    fields[key] += " " + line.strip()
                    continue
                key, _, value = line.partition(":")
                key = key.strip().lower()
                fields[key] = value.strip()
            if fields.get("enabled", "yes").lower() == "no":
                continue
            if "deb" not in fields.get("types", "").split():
                continue
            if "bookworm" in fields.get("suites", "").split():
                for uri in fields.get("uris", "").split():
                    found.append((uri, fields.get("signed-by", "")))
    else:
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            m = re.match(r"^deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s", line + " ")
            if m and m.group(3) == "bookworm":
                opts = m.group(1) or ""
                sb = re.search(r"signed-by=(\S+?)\s*\]?$", opts.strip())
                found.append((m.group(2), sb.group(1).rstrip("]") if sb else ""))
if found:
    uri, sb = found[0]
    print(uri, sb or "-")
PY
)
[[ -n "${mirror:-}" ]] || die "no apt source for Debian bookworm found in /etc/apt; cannot fetch sources"
keyring="/usr/share/keyrings/debian-archive-keyring.gpg"
[[ "${signed_by:--}" != "-" && -r "$signed_by" ]] && keyring="$signed_by"
printf 'deb-src [signed-by=%s] %s bookworm main\n' "$keyring" "$mirror" >"$aptdir/sources.list"
apt_private=(
  -o "Dir::Etc::SourceList=$aptdir/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$aptdir/lists"
  # apt's binary caches are built from the lists; kept private too so the machine's stay as they are.
  -o "Dir::Cache::pkgcache=$aptdir/pkgcache.bin"
  -o "Dir::Cache::srcpkgcache=$aptdir/srcpkgcache.bin"
)
if [[ ! -f "$aptdir/updated" ]]; then
  log "apt-get update (private source list)"
  as_root apt-get "${apt_private[@]}" update -q >>"$work/apt.log" 2>&1 || die "apt-get update failed (see $work/apt.log)"
  touch "$aptdir/updated"
fi

# --- fetch, configure, build under bear ---------------------------------------------------------
src_dir() { # the unpacked source tree of a source package in $work/src/$1
  find "$work/src/$1" -mindepth 1 -maxdepth 1 -type d -name "$1-*" | head -n1
}
prepare() {
  local pkg="$1" dir
  mkdir -p "$work/src/$pkg"
  chmod 755 "$work/src" "$work/src/$pkg"
  # apt fetches as _apt where that user can write the target directory (else it warns).
  if id _apt >/dev/null 2>&1; then chown _apt "$work/src/$pkg" 2>/dev/null || true; fi
  dir="$(src_dir "$pkg")"
  if [[ -z "$dir" ]]; then
    log "$pkg: apt-get source"
    (cd "$work/src/$pkg" && as_root apt-get "${apt_private[@]}" source -q "$pkg" >>"$work/apt.log" 2>&1) ||
      die "$pkg: apt-get source failed (see $work/apt.log)"
    dir="$(src_dir "$pkg")"
    [[ -n "$dir" ]] || die "$pkg: apt-get source left no source tree"
  fi
  if [[ ! -s "$dir/compile_commands.json" ]]; then
    # Build-Depends from the unpacked debian/control, resolved with the machine's apt setup.
    log "$pkg: installing missing Build-Depends"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q "$dir" >>"$work/apt.log" 2>&1; then
      log "$pkg: apt-get build-dep failed; installing only what configure needs"
      [[ "$pkg" != memcached ]] || apt_install libevent-dev
    fi
    (
      cd "$dir"
      # As Debian's build does (dh_autoreconf): its patches touch Makefile.am, and the shipped
      # Makefile.in would otherwise ask for the automake version it was made with.
      if [[ -f configure.ac || -f configure.in ]]; then
        log "$pkg: autoreconf -fi"
        autoreconf -fi >"$work/$pkg.autoreconf.log" 2>&1 || die "$pkg: autoreconf failed (see $work/$pkg.autoreconf.log)"
      fi
      log "$pkg: ./configure"
      ./configure >"$work/$pkg.configure.log" 2>&1 || die "$pkg: configure failed (see $work/$pkg.configure.log)"
      log "$pkg: bear -- make -j$jobs"
      bear -- make -j"$jobs" >"$work/$pkg.make.log" 2>&1 || die "$pkg: make failed (see $work/$pkg.make.log)"
    )
    [[ -s "$dir/compile_commands.json" ]] || die "$pkg: bear wrote no compile_commands.json"
  fi
  printf '%s\n' "$dir"
}

units="$here/units.py"

median() { python3 -c 'import statistics,sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.3f}")' "$@"; }

scg_ok=0
# Builds the jar (and JVM cache) now, so that first-use work is not timed. picocli exits 0 on
# `--help` even when `scg` is not a sub-command, so the usage line must name it.
"$broomstick" --version >/dev/null 2>"$work/launcher.log" || die "bin/broomstick --version failed (see $work/launcher.log)"
usage="$("$broomstick" scg --help 2>/dev/null || true)"
if [[ "$usage" == *"Usage: broomstick scg"* ]]; then
  scg_ok=1
else
  log "scg not available in this checkout ($broomstick scg --help fails)"
fi

results="$work/results.tsv"
: >"$results"
: >"$work/memwalk.tsv"
for pkg in "${codebases[@]}"; do
  dir="$(prepare "$pkg")"
  db="$work/$pkg.compile_commands.json"
  read -r n_entries n_units < <(python3 "$units" unique "$dir/compile_commands.json" "$db")
  log "$pkg: $n_units C translation units ($n_entries entries in bear's compile_commands.json)"

  gcc_times=()
  for ((i = 0; i < repeat; i++)); do
    read -r t gcc_failed < <(python3 "$units" gcc "$db" "$jobs" 2>"$work/$pkg.gcc.err")
    gcc_times+=("$t")
  done
  gcc_s="$(median "${gcc_times[@]}")"
  log "$pkg: gcc -fsyntax-only -j$jobs: ${gcc_s}s, $gcc_failed units failed"

  if [[ $scg_ok == 1 ]]; then
    out="$work/$pkg.scg.json"
    bs_times=()
    rss_max=0
    crash=0
    for ((i = 0; i < repeat; i++)); do
      rm -f "$out"
      t0="$(date +%s.%N)"
      rc=0
      /usr/bin/time -f %M -o "$work/$pkg.rss" \
        "$broomstick" scg --compile-commands "$db" --format json -o "$out" \
        >"$work/$pkg.scg.stdout" 2>"$work/$pkg.scg.stderr" || rc=$?
      t1="$(date +%s.%N)"
      bs_times+=("$(python3 -c "print(f'{$t1 - $t0:.3f}')")")
      rss="$(tail -n1 "$work/$pkg.rss" | tr -dc 0-9)"
      ((${rss:-0} > rss_max)) && rss_max="$rss"
      if [[ $rc != 0 ]] || grep -qE '^\s+at |Exception in thread|internal error' "$work/$pkg.scg.stderr"; then
        crash=1
        log "$pkg: CRASH: broomstick scg exited $rc; first lines of its stderr:"
        head -n 15 "$work/$pkg.scg.stderr" | sed 's/^/    /' >&2
      fi
    done
    bs_s="$(median "${bs_times[@]}")"
    if [[ -s "$out" ]]; then
      stats="$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1])).get("stats", {})
print(*(s.get(k, "?") for k in ("units", "unitsWithErrors", "functions", "callEdges", "indirectCalls", "indirectResolved", "indirectUnresolved")))
' "$out")"
    else
      stats="? ? ? ? ? ? ?"
    fi
    if [[ -s "$work/$pkg.scg.stderr" ]]; then
      log "$pkg: first lines broomstick wrote to stderr:"
      grep -m 10 -E 'error|warning|Exception' "$work/$pkg.scg.stderr" | sed 's/^/    /' >&2 || true
    fi
    rss_mib="$(python3 -c "print(f'{$rss_max / 1024:.0f}')")"
    ratio="$(python3 -c "print(f'{$bs_s / $gcc_s:.2f}' if $gcc_s > 0 else '-')")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pkg" "$n_units" "$stats" "$rss_mib" "$gcc_s" "$bs_s" "$ratio" "$crash" >>"$results"

    # memwalk: the same inputs through every analysis of SPEC section 5.
    report="$work/$pkg.report.json"
    mw_times=()
    mw_crash=0
    for ((i = 0; i < repeat; i++)); do
      rm -f "$report"
      t0="$(date +%s.%N)"
      rc=0
      "$broomstick" memwalk --compile-commands "$db" -o "$report" \
        >"$work/$pkg.memwalk.stdout" 2>"$work/$pkg.memwalk.stderr" || rc=$?
      t1="$(date +%s.%N)"
      mw_times+=("$(python3 -c "print(f'{$t1 - $t0:.3f}')")")
      if [[ $rc -gt 1 ]] || grep -qE '^\s+at |Exception in thread|internal error' "$work/$pkg.memwalk.stderr"; then
        mw_crash=1
        log "$pkg: CRASH: broomstick memwalk exited $rc; first lines of its stderr:"
        head -n 15 "$work/$pkg.memwalk.stderr" | sed 's/^/    /' >&2
      fi
    done
    mw_s="$(median "${mw_times[@]}")"
    if [[ -s "$report" ]]; then
      found="$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
st = r.get("stats", {})
no_stages = any(d.get("key") == "scg.no-stages" for d in r.get("diagnostics", []))
print(st.get("analysisMillis", "?"), len(r.get("stages", [])), len(r.get("objects", [])),
      r.get("summary", {}).get("perTaskObjects", "?"), "yes" if no_stages else "no")
' "$report")"
    else
      found="? ? ? ? ?"
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$pkg" "$bs_s" "$mw_s" "$found" "$mw_crash" >>"$work/memwalk.tsv"
  else
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pkg" "$n_units" "-" "-" "$gcc_s" "scg not available" "-" "-" >>"$results"
  fi
done

# --- the tables -------------------------------------------------------------------------------
python3 - "$work/memwalk.tsv" "$repeat" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
if rows:
    head = ["codebase", "scg s", "memwalk s", "extra s", "analyses ms", "stages", "objects", "per-task",
            "no stages declared", "crash"]
    table = []
    for pkg, scg_s, mw_s, found, crash in rows:
        ms, stages, objects, per_task, none = found.split()
        extra = f"{float(mw_s) - float(scg_s):.3f}"
        table.append([pkg, scg_s, mw_s, extra, ms, stages, objects, per_task, none, "yes" if crash == "1" else "no"])
    w = [max(len(str(x)) for x in col) for col in zip(head, *table)]
    fmt = " | ".join("{:<%d}" % n for n in w)
    print(f"broomstick memwalk vs scg (wall seconds, median of {sys.argv[2]}; 'analyses ms' is memwalk's own figure)")
    print(fmt.format(*head))
    print("-+-".join("-" * n for n in w))
    for r in table:
        print(fmt.format(*r))
    print()
PY
python3 - "$results" "$jobs" "$repeat" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
jobs, repeat = sys.argv[2], sys.argv[3]
head = ["codebase", "units", "units w/ errors", "functions", "call edges", "indirect calls",
        "indirect resolved/unresolved", "peak RSS MiB", f"gcc -fsyntax-only -j{jobs} s",
        "broomstick scg s", "ratio", "crash"]
table = []
for r in rows:
    pkg, n_units, stats, rss, gcc_s, bs_s, ratio, crash = r
    if stats == "-":
        table.append([pkg, n_units, "-", "-", "-", "-", "-", "-", gcc_s, bs_s, "-", "-"])
        continue
    units, uerr, fns, edges, ind, res, unres = stats.split()
    pct = ""
    try:
        pct = f" ({100 * int(uerr) / int(units):.1f}%)"
    except (ValueError, ZeroDivisionError):
        pass
    table.append([pkg, units, uerr + pct, fns, edges, ind, f"{res}/{unres}", rss, gcc_s, bs_s,
                  ratio, "yes" if crash == "1" else "no"])
w = [max(len(str(x)) for x in col) for col in zip(head, *table)]
fmt = " | ".join("{:<%d}" % n for n in w)
print(f"broomstick scg vs gcc -fsyntax-only (wall seconds, median of {repeat}; JVM start included)")
print(fmt.format(*head))
print("-+-".join("-" * n for n in w))
for r in table:
    print(fmt.format(*r))
# The targets (the brief): ratio <= 2.0 with JVM start included, >= 99% of units without errors,
# no crash (a non-zero exit or a stack trace).
for r in table:
    if r[10] == "-":
        continue
    try:
        ok_ratio = float(r[10]) <= 2.0
        ok_units = int(r[2].split()[0]) <= 0.01 * int(r[1])
    except ValueError:
        ok_ratio = ok_units = False
    verdict = lambda ok: "met" if ok else "MISSED"
    print(f"{r[0]}: ratio <= 2.0 {verdict(ok_ratio)}; >= 99% units without errors {verdict(ok_units)}; "
          f"no crash {verdict(r[11] == 'no')}")
PY
