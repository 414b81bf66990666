#!/usr/bin/env bash
# Soak: a release build under 16 connections of mixed reads and writes for SOAK_SECS (default
# 600), with the server's RSS sampled from /proc/<pid>/status before, during and after the load.
# SQLite by default; PostgreSQL when DATABASE_URL is set (that database is dropped and created
# afresh, like three_pane.sh does with selfcare_bench). See bench/README.md.
#
#   bash bench/soak.sh                          # 10 minutes on SQLite
#   SOAK_SECS=60 bash bench/soak.sh             # a quick look
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/selfcare_soak bash bench/soak.sh
#   MALLOC_ARENA_MAX=2 SOAK_TAG=arena2 bash bench/soak.sh   # glibc with two malloc arenas
#
# Knobs (environment):
#   SOAK_SECS=600        seconds of load
#   CONNECTIONS=16       connections (each a signed-in operator with a site of its own)
#   CUSTOMERS=10000      demo customers (1-5 sites each, 1-3 links per site)
#   SUBSCRIBERS=10000    demo subscribers (for the prefix search)
#   IDLE_SECS=30         seconds sampled before the load (the idle figure is their median)
#   AFTER_SECS=60        seconds sampled after the load (the after figure is the last sample)
#   SAMPLE_SECS=5        seconds between RSS samples
#   FEATURES=            cargo features of the server build
#   SOAK_TAG=            added to the names of the result files (e.g. arena2 for a run under
#                        MALLOC_ARENA_MAX=2, which the server inherits like any environment)
#   SKIP_BUILD=1         use target/release/selfcare as it is
#
# The load is examples/soak.rs (built in the dev profile: it is the client, not what is
# measured). Pass: 0 errors, and RSS after the load under 2x the idle RSS. Results:
# bench/out/soak-<engine><-features>.txt and .tsv (the samples). All traffic stays on 127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

SOAK_SECS=${SOAK_SECS:-600}
CONNECTIONS=${CONNECTIONS:-16}
CUSTOMERS=${CUSTOMERS:-10000}
SUBSCRIBERS=${SUBSCRIBERS:-10000}
IDLE_SECS=${IDLE_SECS:-30}
AFTER_SECS=${AFTER_SECS:-60}
SAMPLE_SECS=${SAMPLE_SECS:-5}
FEATURES=${FEATURES:-}
ADDR=127.0.0.1:18481
ADMIN_PASSWORD='Soak-Admin-2026!'

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'soak.sh: %s\n' "$*" >&2; exit 1; }

PIDS=()
stop() { # stop PID: ends one process we started and waits for it
    local pid=$1
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local pid
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && stop "$pid"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # wait_http URL SECONDS: until the URL answers 200
    local url=$1 secs=$2 i
    for i in $(seq 1 $((secs * 10))); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ] && return 0
        sleep 0.1
    done
    return 1
}

# ---- build ------------------------------------------------------------------------------
SUFFIX=${FEATURES:+-${FEATURES// /-}}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$OUT/bin"
if [ "${SKIP_BUILD:-}" != 1 ]; then
    log "cargo build --release --bin selfcare ${FEATURES:+--features $FEATURES}"
    cargo build --release --bin selfcare ${FEATURES:+--features "$FEATURES"}
    log "cargo build --example soak"
    cargo build --example soak
    [ -x "$TARGET_DIR/release/selfcare" ] || die "missing $TARGET_DIR/release/selfcare"
    cp "$TARGET_DIR/release/selfcare" "$OUT/bin/selfcare-soak$SUFFIX"
    cp "$TARGET_DIR/debug/examples/soak" "$OUT/bin/soak-client"
fi
# With SKIP_BUILD=1: the binaries of an earlier run, or the ones named in SELFCARE= / CLIENT=.
SELFCARE=${SELFCARE:-$OUT/bin/selfcare-soak$SUFFIX}
CLIENT=${CLIENT:-$OUT/bin/soak-client}
[ -x "$SELFCARE" ] && [ -x "$CLIENT" ] || die "missing $SELFCARE or $CLIENT"

# ---- database ---------------------------------------------------------------------------
if [ -n "${DATABASE_URL:-}" ]; then
    ENGINE=postgres
    URL=$DATABASE_URL
    server=${URL%/*}
    db=${URL##*/}
    psql "$server/postgres" -Xq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
    psql "$server/postgres" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db"
    query() { psql "$URL" -XqAt -F: -c "$1"; }
else
    ENGINE=sqlite
    rm -f "$OUT"/soak.db*
    URL="sqlite://$OUT/soak.db"
    query() { sqlite3 -separator : "$OUT/soak.db" "$1"; }
fi
NAME="soak-$ENGINE$SUFFIX${SOAK_TAG:+-$SOAK_TAG}"

log "[$ENGINE] demo-data --customers $CUSTOMERS --subscribers $SUBSCRIBERS"
DATABASE_URL=$URL SELFCARE_ADMIN_PASSWORD=$ADMIN_PASSWORD timeout 1800 "$SELFCARE" demo-data \
    --customers "$CUSTOMERS" --subscribers "$SUBSCRIBERS" </dev/null >"$OUT/$NAME-demo.log" 2>&1 \
    || { tail -n 20 "$OUT/$NAME-demo.log" >&2; die "demo-data failed"; }
# One site of its own (the first of a live customer: a demo customer cannot be edited) for each
# connection to rename.
TARGETS=$(query "SELECT s.customer_id, MIN(s.id) FROM sites s JOIN customers c ON c.id = s.customer_id WHERE c.customer_type = 'LIVE' GROUP BY s.customer_id ORDER BY s.customer_id LIMIT $CONNECTIONS" | paste -sd, -)
[ -n "$TARGETS" ] || die "no sites in the database"

# ---- server and sampler -----------------------------------------------------------------
log "[$ENGINE] selfcare serve on $ADDR"
curl -s -o /dev/null --max-time 2 "http://$ADDR/healthz" && die "something already answers on $ADDR"
DATABASE_URL=$URL SELFCARE_BIND=$ADDR SELFCARE_ADMIN_PASSWORD=$ADMIN_PASSWORD RUST_LOG=${RUST_LOG:-warn} \
    "$SELFCARE" serve >"$OUT/$NAME-serve.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
wait_http "http://$ADDR/healthz" 60 || die "/healthz did not answer 200 (see $OUT/$NAME-serve.log)"

PHASE_FILE="$OUT/$NAME.phase"
TSV="$OUT/$NAME.tsv"
echo idle >"$PHASE_FILE"
# VmRSS, and its parts: anonymous memory (the heap, stacks: what the process allocated) and
# file-backed pages (the binary's code and data as they are first run, SQLite's shared WAL
# index), which the kernel may drop and read again at any time.
echo -e "seconds\tphase\trss_kb\tanon_kb\tfile_kb" >"$TSV"
(
    t0=$(date +%s)
    while kill -0 "$SERVER" 2>/dev/null; do
        row=$(awk '/^VmRSS:/ {r = $2} /^RssAnon:/ {a = $2} /^RssFile:/ {f += $2} /^RssShmem:/ {f += $2}
                   END {if (r) printf "%s\t%s\t%s", r, a, f}' "/proc/$SERVER/status" 2>/dev/null || true)
        [ -n "$row" ] && printf '%s\t%s\t%s\n' $(( $(date +%s) - t0 )) "$(cat "$PHASE_FILE")" "$row" >>"$TSV"
        sleep "$SAMPLE_SECS"
    done
) &
PIDS+=("$!")

# The allocator's own figures (heap in use / kept free), from /metrics: a growing "in use" is
# memory still held (caches, leaks), a growing "free" is fragmentation malloc_trim cannot return.
heap_mb() { # heap_mb: "in use X MB, free Y MB, mmapped Z MB" as /metrics says now
    curl -s --max-time 5 "http://$ADDR/metrics" | awk '
        /^selfcare_heap_in_use_bytes / {u = $2} /^selfcare_heap_free_bytes / {f = $2}
        /^selfcare_heap_mmapped_bytes / {m = $2} /^selfcare_sqlite_memory_bytes / {q = $2}
        /^selfcare_db_pool_connections / {c = $2}
        END {if (u != "") printf "in use %.1f MB (SQLite %.1f MB, %d pooled connections), free %.1f MB, mmapped %.1f MB", u / 1048576, q / 1048576, c, f / 1048576, m / 1048576; else print "n/a"}'
}
sleep "$IDLE_SECS"
HEAP_IDLE=$(heap_mb)
echo load >"$PHASE_FILE"
log "[$ENGINE] load: $CONNECTIONS connections for $SOAK_SECS s"
set +e
SOAK_URL="http://$ADDR" SOAK_PASSWORD=$ADMIN_PASSWORD SOAK_TARGETS=$TARGETS SOAK_SECS=$SOAK_SECS \
    SOAK_CONNECTIONS=$CONNECTIONS timeout $((SOAK_SECS + 300)) "$CLIENT" | tee "$OUT/$NAME-client.txt"
CLIENT_RC=${PIPESTATUS[0]}
set -e
echo after >"$PHASE_FILE"
sleep "$AFTER_SECS"
kill -0 "$SERVER" 2>/dev/null || die "the server died during the soak (see $OUT/$NAME-serve.log)"
HEAP_AFTER=$(heap_mb)
# Where the resident memory is after the load: the largest mappings.
awk '/^[0-9a-f]+-[0-9a-f]+ / {name = ($6 == "" ? "[anon]" : $6)} /^Rss:/ {rss[name] += $2}
     END {for (n in rss) if (rss[n] >= 512) printf "%8d kB  %s\n", rss[n], n}' \
    "/proc/$SERVER/smaps" 2>/dev/null | sort -rn | head -n 15 >"$OUT/$NAME-smaps.txt" || true
stop "$SERVER"
stop "$SERVER"

# ---- figures ----------------------------------------------------------------------------
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)] + 0}'; }
IDLE=$(awk -F'\t' '$2 == "idle" {print $3}' "$TSV" | median)
PEAK=$(awk -F'\t' '$2 == "load" && $3 > m {m = $3} END {print m + 0}' "$TSV")
LOAD_END=$(awk -F'\t' '$2 == "load" {v = $3} END {print v + 0}' "$TSV")
AFTER=$(awk -F'\t' '$2 == "after" {v = $3} END {print v + 0}' "$TSV")
IDLE_ANON=$(awk -F'\t' '$2 == "idle" {print $4}' "$TSV" | median)
AFTER_ANON=$(awk -F'\t' '$2 == "after" {v = $4} END {print v + 0}' "$TSV")
IDLE_FILE=$(awk -F'\t' '$2 == "idle" {print $5}' "$TSV" | median)
AFTER_FILE=$(awk -F'\t' '$2 == "after" {v = $5} END {print v + 0}' "$TSV")
ANON_RATIO=$(awk -v a="$AFTER_ANON" -v i="$IDLE_ANON" 'BEGIN {if (i > 0) printf "%.2f", a / i; else print "n/a"}')
RATIO=$(awk -v a="$AFTER" -v i="$IDLE" 'BEGIN {if (i > 0) printf "%.2f", a / i; else print "n/a"}')
ERRORS=$(awk '$1 == "errors" {print $2}' "$OUT/$NAME-client.txt")
VERDICT=$(awk -v r="$RATIO" -v e="${ERRORS:-1}" -v c="$CLIENT_RC" 'BEGIN {
    printf "errors %s (target 0): %s; RSS after / idle %s (target < 2): %s",
        e, (e == 0 && c == 0 ? "met" : "MISSED"), r, (r + 0 < 2 ? "met" : "MISSED") }')
mb() { awk -v k="$1" 'BEGIN {printf "%.1f MB", k / 1024}'; }
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') RAM"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "engine: $ENGINE; features: ${FEATURES:-none}; MALLOC_ARENA_MAX: ${MALLOC_ARENA_MAX:-unset}"
    echo "data: $CUSTOMERS customers, $SUBSCRIBERS subscribers"
    echo "load: $CONNECTIONS connections, $SOAK_SECS s (examples/soak.rs)"
    echo "rss idle (median of the first ${IDLE_SECS} s): $(mb "$IDLE")"
    echo "rss peak under load: $(mb "$PEAK")"
    echo "rss at the end of the load: $(mb "$LOAD_END")"
    echo "rss ${AFTER_SECS} s after the load: $(mb "$AFTER")"
    echo "  of which anonymous (heap, stacks): idle $(mb "$IDLE_ANON"), after $(mb "$AFTER_ANON") (after / idle $ANON_RATIO)"
    echo "  of which file-backed (binary pages, WAL index): idle $(mb "$IDLE_FILE"), after $(mb "$AFTER_FILE")"
    echo "  heap (glibc mallinfo2): idle $HEAP_IDLE; after $HEAP_AFTER"
    echo "largest mappings after the load:"
    cat "$OUT/$NAME-smaps.txt" 2>/dev/null || true
    echo "verdict: $VERDICT"
    echo
    cat "$OUT/$NAME-client.txt"
} >"$OUT/$NAME.txt"
log "results ($OUT/$NAME.txt)"
cat "$OUT/$NAME.txt"
[ "$CLIENT_RC" = 0 ]
