#!/usr/bin/env bash
# Charging: reserve + commit cycles per second through the JSON API with CLIENTS concurrent
# clients, on one wallet and spread over WALLETS wallets, each run followed by the check that
# the EDR costs written equal the fall of the wallets' bucket values (zero overdraft, nothing
# charged twice). SQLite by default; PostgreSQL when DATABASE_URL is set (that database is
# dropped and created afresh). See bench/README.md.
#
#   bash bench/charging.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/selfcare_charging bash bench/charging.sh
#
# Knobs (environment): CLIENTS=64, SECS=30 (per run), WALLETS=10000, SKIP_BUILD=1 (use
# target/$PROFILE/selfcare as it is, or the binaries in SELFCARE= and CLIENT=), WORKERS= (server workers; default one per core),
# PROFILE=release (debug: the dev build, for a quick look only; its figures are not comparable).
# Results: bench/out/charging-<engine>.txt. All traffic stays on 127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
CLIENTS=${CLIENTS:-64}
SECS=${SECS:-30}
WALLETS=${WALLETS:-10000}
ADDR=127.0.0.1:18490
ADMIN_PASSWORD='Charging-Admin-2026!'

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'charging.sh: %s\n' "$*" >&2; exit 1; }

SERVER=
cleanup() {
    if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() {
    local url=$1 secs=$2 i
    for i in $(seq 1 $((secs * 10))); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ] && return 0
        sleep 0.1
    done
    return 1
}

PROFILE=${PROFILE:-release}
FLAG=$([ "$PROFILE" = release ] && echo --release || true)
if [ "${SKIP_BUILD:-}" != 1 ]; then
    log "cargo build $FLAG --bin selfcare --example charging"
    cargo build $FLAG --bin selfcare --example charging
fi
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
SELFCARE=${SELFCARE:-$TARGET_DIR/$PROFILE/selfcare}
CLIENT=${CLIENT:-$TARGET_DIR/$PROFILE/examples/charging}
[ -x "$SELFCARE" ] || die "missing $SELFCARE"

if [ -n "${DATABASE_URL:-}" ]; then
    ENGINE=postgres
    URL=$DATABASE_URL
    psql "${URL%/*}/postgres" -Xq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS ${URL##*/} WITH (FORCE)"
    psql "${URL%/*}/postgres" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE ${URL##*/}"
else
    ENGINE=sqlite
    rm -f "$OUT"/charging.db*
    URL="sqlite://$OUT/charging.db"
fi
RESULT="$OUT/charging-$ENGINE.txt"

log "[$ENGINE] demo-data --subscribers $WALLETS"
DATABASE_URL=$URL SELFCARE_ADMIN_PASSWORD=$ADMIN_PASSWORD "$SELFCARE" demo-data \
    --customers 10 --subscribers "$WALLETS" </dev/null >"$OUT/charging-$ENGINE-demo.log" 2>&1 \
    || { tail -n 20 "$OUT/charging-$ENGINE-demo.log" >&2; die "demo-data failed"; }

log "[$ENGINE] selfcare serve on $ADDR"
env DATABASE_URL=$URL SELFCARE_BIND=$ADDR SELFCARE_ADMIN_PASSWORD=$ADMIN_PASSWORD \
    ${WORKERS:+SELFCARE_WORKERS=$WORKERS} RUST_LOG=${RUST_LOG:-warn} \
    "$SELFCARE" serve >"$OUT/charging-$ENGINE-serve.log" 2>&1 &
SERVER=$!
wait_http "http://$ADDR/healthz" 60 || die "/healthz did not answer (see $OUT/charging-$ENGINE-serve.log)"

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') RAM; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown); engine: $ENGINE; build: $PROFILE"
} >"$RESULT"
RC=0
for n in 1 "$WALLETS"; do
    log "[$ENGINE] $CLIENTS clients, $n wallet(s), $SECS s"
    CHARGING_URL="http://$ADDR" DATABASE_URL=$URL CHARGING_WALLETS=$n CHARGING_CLIENTS=$CLIENTS \
        CHARGING_SECS=$SECS "$CLIENT" | tee -a "$RESULT" || RC=1
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULT"
done
log "results ($RESULT)"
cat "$RESULT"
exit $RC
