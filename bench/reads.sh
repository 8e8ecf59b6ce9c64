#!/usr/bin/env bash
# Province reads: the ranking, the scheme page, the dashboard, 预警, the office's 待办 (both lists' first
# pages) and one unit's table, cold (the first request
# after the server starts) and warm (repeated), and the server's peak RSS.
#
# Usage: JIXIAO_PASSWORD=… bench/reads.sh DB_URL [PERIOD=2024-12]
# The database must hold `jixiao demo … --accounts N` (the `admin` account).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=$1; PERIOD=${2:-2024-12}
BIN=${JIXIAO:-target/release/jixiao}
PORT=${PORT:-8089}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d /tmp/jixiao-reads.XXXXXX)

"$BIN" --db "$DB" serve --bind "127.0.0.1:$PORT" >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.2; done

# Log the admin in (the same form a browser posts).
curl -s -c "$WORK/jar" "$BASE/login" >"$WORK/login.html"
CSRF=$(grep -o 'name="csrf" value="[^"]*"' "$WORK/login.html" | head -1 | sed 's/.*value="//; s/"$//')
curl -s -b "$WORK/jar" -c "$WORK/jar" -o /dev/null -w '' \
    --data-urlencode "csrf=$CSRF" --data-urlencode "next=/" --data-urlencode "username=admin" \
    --data-urlencode "password=$JIXIAO_PASSWORD" "$BASE/login"
SESSION=$(awk '$6 == "jixiao_session" { print $7 }' "$WORK/jar")
[ -n "$SESSION" ] || { echo "login of admin failed" >&2; exit 1; }
COOKIE="jixiao_session=$SESSION"
time_get() { # PATH → seconds, size
    curl -s -o "$WORK/last.html" -H "Cookie: $COOKIE" \
        -w '%{time_total} s, %{size_download} bytes, HTTP %{http_code}\n' "$BASE$1"
}
UNIT=
for page in "/schemes/1/ranking?period=$PERIOD" "/schemes/1" "/schemes/1/dashboard?period=$PERIOD" \
    "/schemes/1/warnings?period=$PERIOD" "/schemes/1/completeness?period=$PERIOD" "/todo?tab=review" "/todo?tab=report" "UNIT"; do
    if [ "$page" = UNIT ]; then page="$UNIT?period=$PERIOD"; fi
    echo "== $page"
    echo "cold:   $(time_get "$page")"
    if [ -z "$UNIT" ]; then
        UNIT=$(grep -o -m1 '/schemes/1/units/[0-9]*' "$WORK/last.html" | head -1 || true)
    fi
    for i in 1 2 3; do echo "warm $i: $(time_get "$page")"; done
done
echo "== $UNIT?period=$PERIOD, wrk 2 threads, 8 connections, 10 s"
wrk -t2 -c8 -d10s --latency -H "Cookie: $COOKIE" "$BASE$UNIT?period=$PERIOD" \
    | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx" || true
grep VmHWM "/proc/$SERVER/status" | sed 's/^/peak RSS /'
