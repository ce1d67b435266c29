# shellcheck shell=bash
# Sourced by run.sh and callgrind.sh: the Stingy runtime of an older git revision, for
# BENCH_BASELINE="REV..". Needs $root (the checkout) and a die function.
runtime_rel="stingygen/src/main/resources/org/broomstick/stingygen/runtime/c"

# rev_key REV: REV as a file-name-safe column key (stingy@KEY)
rev_key() { printf '%s' "${1//[^A-Za-z0-9._-]/_}"; }

# runtime_of REV DIR: stingy.c and stingy.h of REV into DIR
runtime_of() {
  mkdir -p "$2"
  local f
  for f in stingy.c stingy.h; do
    git -C "${root:?}" show "$1:$runtime_rel/$f" >"$2/$f" || die "no $runtime_rel/$f at $1"
  done
}
