#!/bin/sh
# trace.sh EXAMPLE.c OUTDIR - build EXAMPLE.c with the tracer (trace.c) in OUTDIR, run it there and
# leave its trace in OUTDIR/trace.txt. The example's output goes to stdout; the exit status is the
# example's. One recipe for `make trace` and for DynamicValidationTest.
#
# The example becomes a shared object so that the tracer can interpose its interface functions
# (see trace.c); -O0 -g keeps one call per line and exact lines for addr2line.
set -eu
if [ $# -ne 2 ]; then
  echo "usage: trace.sh EXAMPLE.c OUTDIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
include=$(cd "$here/../../../include" && pwd)
src=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
CC=${CC:-gcc}
mkdir -p "$out"
cd "$out"
# compile in the example's directory so that its file names are the ones the facts use
(cd "$(dirname "$src")" && $CC -O0 -g -fPIC -shared -Wall -Wextra -Werror \
  -Dmain=broomstick_example_main -I"$include" -o "$OLDPWD/libexample.so" "$(basename "$src")")
$CC -O0 -g -Wall -Wextra -Werror -o traced "$here/trace.c" ./libexample.so -Wl,-rpath,'$ORIGIN' -ldl
BROOMSTICK_TRACE=trace.txt ./traced
