#!/usr/bin/env bash
# CDR import at a million rows: upload, preview (a rolled-back dry run) and commit of a 1M-row
# CSV for one customer; rows/s of each step and the server's peak RSS (VmHWM). See
# bench/README.md.
#
#   bash bench/cdr_import.sh
#
# Knobs: ROWS=1000000, SKIP_BUILD=1, SELFCARE (the binary; default target/release/selfcare),
# DATABASE (default a fresh SQLite file; give a postgres:// URL of an empty database for
# PostgreSQL). All traffic goes to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
ROWS=${ROWS:-1000000}
ADDR=127.0.0.1:18581
PASSWORD='Bench-Admin-2024!'
SELFCARE=${SELFCARE:-$ROOT/target/release/selfcare}
DB_FILE="$OUT/cdr-import.db"
DATABASE=${DATABASE:-sqlite://$DB_FILE}
COOKIES="$OUT/cdr-cookies.txt"
export RUST_LOG=warn SELFCARE_ADMIN_PASSWORD="$PASSWORD"

[ "${SKIP_BUILD:-}" = 1 ] || cargo build --release --bin selfcare
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -f "$COOKIES"; }
trap cleanup EXIT

case "$DATABASE" in sqlite*) rm -f "$DB_FILE" "$DB_FILE-wal" "$DB_FILE-shm";; esac
DATABASE_URL="$DATABASE" "$SELFCARE" demo-data --customers 1 > "$OUT/cdr-demo.log" 2>&1
ACCOUNT=900000000001
# demo-data gives the customer random billing decimals (0–6): the file's costs are whole
# units, which every currency accepts.

echo "writing $ROWS rows" >&2
python3 - "$ROWS" "$ACCOUNT" > "$OUT/cdrs.csv" <<'PY'
import sys
n, account = int(sys.argv[1]), sys.argv[2]
w = sys.stdout.write
w("account_code,started_at,duration_s,calling,called,cost\n")
base = 1767225600
import time
for i in range(n):
    t = time.gmtime(base + i * 7)
    w(f"{account},{time.strftime('%Y-%m-%d %H:%M:%S', t)},{i % 600},+4722{i % 1000000:06d},+49{i:09d},{i % 7}\n")
PY

DATABASE_URL="$DATABASE" SELFCARE_BIND=$ADDR "$SELFCARE" serve > "$OUT/cdr-serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://$ADDR/healthz" >/dev/null && break; sleep 0.1; done
csrf() { curl -s -c "$COOKIES" -b "$COOKIES" "http://$ADDR$1" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//;s/"//'; }
token=$(csrf /login)
curl -s -o /dev/null -c "$COOKIES" -b "$COOKIES" --data-urlencode "username=admin" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$token" "http://$ADDR/login"

step() { # step NAME: times the curl given after it
    local name=$1; shift
    local t0=$(date +%s.%N)
    "$@"
    local secs; secs=$(echo "$(date +%s.%N) - $t0" | bc)
    printf '%-8s %8.1f s  %10.0f rows/s  peak RSS %s kB\n' "$name" "$secs" "$(echo "$ROWS / $secs" | bc -l)" \
        "$(grep VmHWM /proc/$SERVER/status | awk '{print $2}')"
}
token=$(csrf /cdrs/import)
step upload curl -s -o /dev/null -D "$OUT/cdr-upload.h" -b "$COOKIES" -c "$COOKIES" \
    -F "csrf_token=$token" -F "file=@$OUT/cdrs.csv" "http://$ADDR/cdrs/import"
preview=$(grep -i '^location:' "$OUT/cdr-upload.h" | tr -d '\r' | awk '{print $2}')
step preview curl -s -o "$OUT/cdr-preview.html" -b "$COOKIES" "http://$ADDR$preview"
grep -o 'data-new="[0-9]*" data-duplicate="[0-9]*" data-bad="[0-9]*"' "$OUT/cdr-preview.html"
token=$(grep -o 'name="csrf_token" value="[0-9a-f]*"' "$OUT/cdr-preview.html" | head -1 | sed 's/.*value="//;s/"//')
step commit curl -s -o /dev/null -b "$COOKIES" --data-urlencode "csrf_token=$token" "http://$ADDR$preview/commit"
