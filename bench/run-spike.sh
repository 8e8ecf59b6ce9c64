#!/usr/bin/env bash
# The deadline spike: C logged-in reporters saving and submitting at once, against /healthz of
# the same server in the same run. Writes to the database: use a copy of a populated one.
#
# Usage: JIXIAO_PASSWORD=… bench/run-spike.sh DB_URL [CLIENTS=200] [SECONDS=20] [PERIOD=2024-12]
# The database must hold `jixiao demo … --periods 12 --accounts CLIENTS` (reporters r00001…).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=$1; C=${2:-200}; D=${3:-20}; PERIOD=${4:-2024-12}
BIN=${JIXIAO:-target/release/jixiao}
PORT=${PORT:-8089}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d /tmp/jixiao-spike.XXXXXX)

"$BIN" --db "$DB" serve --bind "127.0.0.1:$PORT" >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.2; done

python3 bench/prepare.py "$BASE" "$DB" "$PERIOD" "$C" "$WORK/sessions.txt"

echo "== /healthz, $C connections, 10 s"
wrk -t2 -c"$C" -d10s --latency "$BASE/healthz" | tee "$WORK/healthz.txt" | grep -E "Requests/sec|Latency|99%|Non-2xx|Socket errors" || true

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
curl -s "$BASE/metrics" >"$WORK/metrics-before.txt"
CPU_BEFORE=$(cpu_ticks)
if [ -n "${PERF:-}" ]; then
    perf record -F 499 -g -p "$SERVER" -o "$WORK/perf.data" -- sleep $((D / 2)) >/dev/null 2>&1 &
fi
echo "== spike: $C reporters saving and submitting, ${D} s"
SPIKE_SESSIONS="$WORK/sessions.txt" SPIKE_PERIOD="$PERIOD" \
    wrk -t"$C" -c"$C" -d"${D}s" --timeout 10s -s bench/spike.lua "$BASE" | tee "$WORK/spike.txt"
curl -s "$BASE/metrics" >"$WORK/metrics-after.txt"
CPU_AFTER=$(cpu_ticks)

echo "== server side (from /metrics)"
python3 - "$WORK/metrics-before.txt" "$WORK/metrics-after.txt" "$CPU_BEFORE" "$CPU_AFTER" "$(getconf CLK_TCK)" <<'PY'
import re, sys
def load(path):
    out = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        series, value = line.rsplit(" ", 1)
        out[series] = float(value)
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
route = 'method="POST",route="/tasks/{id}/report"'
for cls in ["3xx", "4xx", "5xx"]:
    k = f'jixiao_http_requests_total{{{route},status="{cls}"}}'
    print(f"report POSTs {cls}: {b.get(k, 0) - a.get(k, 0):.0f}")
buckets = sorted(
    (float(m.group(1)) if m.group(1) != "+Inf" else float("inf"), b[k] - a.get(k, 0))
    for k in b
    if (m := re.search(r'jixiao_http_request_duration_seconds_bucket\{' + re.escape(route) + r',le="([^"]+)"\}', k)))
total = buckets[-1][1] if buckets else 0
for q in (0.5, 0.99):
    le = next((le for le, n in buckets if n >= q * total), None)
    print(f"server p{int(q*100)} <= {le * 1000 if le is not None else 'n/a'} ms (histogram bucket)")
print(f"RSS now {b.get('process_resident_memory_bytes', 0) / 1048576:.0f} MiB")
cpu = (float(sys.argv[4]) - float(sys.argv[3])) / float(sys.argv[5])
writes = b.get(f'jixiao_http_requests_total{{{route},status="3xx"}}', 0) - a.get(f'jixiao_http_requests_total{{{route},status="3xx"}}', 0)
if writes:
    print(f"server CPU {cpu:.1f} s for {writes:.0f} writes: {cpu / writes * 1000:.2f} ms of CPU a write "
          f"(so at most {writes / cpu * 2:.0f} writes/s on two idle cores)")
PY
grep VmHWM "/proc/$SERVER/status" | sed 's/^/peak RSS /'
echo "(files in $WORK)"
