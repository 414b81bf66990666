#!/usr/bin/env bash
# Builds side by side on one database, in one run: a fresh server's RSS after its first page and
# after a minute idle, and the three-pane page's req/s (wrk, alternating between the builds).
# Used to compare allocators (a build with `--features mimalloc`) and memory levers; see
# bench/README.md ("Allocator and idle memory").
#
#   BUILDS="glibc=target-release/release/selfcare mimalloc=/tmp/selfcare-mimalloc" bash bench/builds.sh
#
# Knobs: BUILDS (name=binary pairs; default the release build), CUSTOMERS (100000), IDLE_SECS
# (60), DURATION (10 s per wrk run), REPEAT (3 runs per build), CONNECTIONS (16), KEEP_DB=1.
# SQLite, loopback only; needs wrk and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
CUSTOMERS=${CUSTOMERS:-100000}
IDLE_SECS=${IDLE_SECS:-60}
DURATION=${DURATION:-10}
REPEAT=${REPEAT:-3}
CONNECTIONS=${CONNECTIONS:-16}
ADDR=127.0.0.1:18582
PASSWORD='Bench-Admin-2024!'
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BUILDS=${BUILDS:-"current=$TARGET_DIR/release/selfcare"}
DB="$OUT/builds.db"
export RUST_LOG=warn SELFCARE_ADMIN_PASSWORD="$PASSWORD" SELFCARE_EXPORT_DIR="$OUT/exports"

declare -A BIN
NAMES=()
for b in $BUILDS; do
    name=${b%%=*}
    cp "${b#*=}" "$OUT/builds-$name"
    BIN[$name]="$OUT/builds-$name"
    NAMES+=("$name")
done

SERVER=""
stop() { if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""; fi; }
trap 'stop; rm -f "$OUT/builds-cookies.txt"' EXIT

if [ "${KEEP_DB:-}" != 1 ] || [ ! -f "$DB" ]; then
    rm -f "$DB" "$DB-wal" "$DB-shm"
    DATABASE_URL="sqlite://$DB" "${BIN[${NAMES[0]}]}" demo-data --customers "$CUSTOMERS" > "$OUT/builds-demo.log" 2>&1
fi
IFS='|' read -r C S < <(sqlite3 "$DB" 'SELECT customer_id, id FROM sites ORDER BY id LIMIT 1')
PAGE="/customers?customer=$C&site=$S"

start() { # BINARY
    stop
    DATABASE_URL="sqlite://$DB" SELFCARE_BIND=$ADDR "$1" serve > "$OUT/builds-serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do curl -sf "http://$ADDR/healthz" >/dev/null && break; sleep 0.1; done
    rm -f "$OUT/builds-cookies.txt"
    local token
    token=$(curl -s -c "$OUT/builds-cookies.txt" -b "$OUT/builds-cookies.txt" "http://$ADDR/login" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//;s/"//')
    curl -s -o /dev/null -c "$OUT/builds-cookies.txt" -b "$OUT/builds-cookies.txt" \
        --data-urlencode "username=admin" --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$token" "http://$ADDR/login"
    COOKIE=$(awk '$6 == "selfcare_session" { print $6 "=" $7 }' "$OUT/builds-cookies.txt")
}
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER/status"; }

declare -A IDLE1 IDLE2 RPS P99
# Idle memory: a fresh server, its first page, then a minute of nothing.
for name in "${NAMES[@]}"; do
    start "${BIN[$name]}"
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "http://$ADDR$PAGE")
    [ "$code" = 200 ] || { echo "the page answered $code" >&2; exit 1; }
    IDLE1[$name]=$(rss_mb)
    sleep "$IDLE_SECS"
    IDLE2[$name]=$(rss_mb)
    echo "$name: RSS after the first page ${IDLE1[$name]} MB, after ${IDLE_SECS} s idle ${IDLE2[$name]} MB" >&2
done
# Throughput: wrk on the three-pane page, alternating.
for round in $(seq 1 "$REPEAT"); do
    for name in "${NAMES[@]}"; do
        start "${BIN[$name]}"
        wrk -t2 -c"$CONNECTIONS" -d3s -H "Cookie: $COOKIE" "http://$ADDR$PAGE" > /dev/null
        wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: $COOKIE" "http://$ADDR$PAGE" > "$OUT/builds-wrk-$name-$round.txt"
        rps=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$OUT/builds-wrk-$name-$round.txt")
        p99=$(awk '$1 == "99%" { print $2 }' "$OUT/builds-wrk-$name-$round.txt")
        grep -q "Non-2xx" "$OUT/builds-wrk-$name-$round.txt" && { echo "non-2xx answers in $name run $round" >&2; exit 1; }
        RPS[$name]+="$rps "; P99[$name]+="$p99 "
        echo "$name run $round: $rps req/s, p99 $p99" >&2
    done
done
stop
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $CUSTOMERS customers"
    echo
    echo "| build | RSS after the first page | after ${IDLE_SECS} s idle | three-pane req/s (runs) | p99 (runs) |"
    echo "|---|---|---|---|---|"
    for name in "${NAMES[@]}"; do
        echo "| $name | ${IDLE1[$name]} MB | ${IDLE2[$name]} MB | ${RPS[$name]% } | ${P99[$name]% } |"
    done
} | tee "$OUT/builds.txt"
