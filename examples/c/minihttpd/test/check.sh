#!/bin/sh
# test/check.sh SERVER NAME [--stingy]: starts SERVER on an ephemeral loopback port, drives it with
# test/load (CLIENTS x REQUESTS, responses into build/out-NAME/), stops it with SIGTERM and checks
# its exit status (0: nothing live at exit) and, with --stingy, the runtime's counters (hits > 0,
# no object live in the cache slab at exit). Bounded in time: the server has 10 s to start and to
# stop, the driver its own alarm.
set -u
server=$1 name=$2 stingy=${3:-}
out=build/out-$name
rm -rf "$out" "$out.port" "$out.log"
mkdir -p build
"$server" --port 0 --root testdata/files >"$out.port" 2>"$out.log" &
pid=$!
i=0
until grep -q '^port ' "$out.port" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
    echo "check: $server did not start"; cat "$out.log"; kill $pid 2>/dev/null; exit 1
  fi
  sleep 0.1
done
port=$(awk '/^port /{print $2}' "$out.port")
echo "check: $server listening on 127.0.0.1:$port"
rc=0
test/load --port "$port" --clients "${CLIENTS:-64}" --requests "${REQUESTS:-60}" \
  --root testdata/files --out "$out" || rc=1
kill -TERM $pid
(sleep 10; kill -KILL $pid 2>/dev/null) &
watchdog=$!
wait $pid
status=$?
kill $watchdog 2>/dev/null
grep '^minihttpd: ' "$out.log"
if [ $status -ne 0 ]; then
  echo "check: $server exited with status $status (log: $out.log)"; rc=1
fi
if [ "$stingy" = --stingy ]; then
  line=$(grep '^minihttpd: stingy hits' "$out.log")
  set -- $line
  hits=$4 fallbacks=$6 live=$8
  if [ "$hits" -gt 0 ] && [ "$live" -eq 0 ]; then
    echo "check: stingy counters ok (hits $hits > 0, fallbacks $fallbacks, live $live at exit)"
  else
    echo "check: stingy counters wrong: $line"; rc=1
  fi
  sed -n '/^stage /p' "$out.log"
fi
exit $rc
