#!/usr/bin/env bash
# Prefix search over a million subscribers, on SQLite and on PostgreSQL: the maximum rate of
# GET /subscribers at 16 connections (wrk, signed in with curl), then the latency at a fixed
# rate of half that maximum (examples/paced.rs: requests sent on a schedule, latency counted
# from when each was due, as wrk2 does).
#
#   bench/subscribers.sh [sqlite|postgres|both]        (default: both)
#
# Environment: SUBSCRIBERS (1000000), CUSTOMERS (10000), DURATION (30s), CONNECTIONS (16),
# THREADS (2), PG_URL (postgres://postgres@127.0.0.1:5432), PG_DB (selfcare_bench_subs),
# WORK (a temp dir; the generated databases are reused from there when KEEP=1 left them),
# PLANS=1 also prints the query plans, RATE_SHARE (0.5: the fixed rate as a share of the
# maximum), PACED_SECS (30), SKIP_BUILD=1, SELFCARE (the server binary; default the release
# build in $CARGO_TARGET_DIR or target). Loopback only; run it on a quiet machine (the figures
# are only as good as the machine).
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINES=${1:-both}
SUBSCRIBERS=${SUBSCRIBERS:-1000000}
CUSTOMERS=${CUSTOMERS:-10000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
WORK=${WORK:-$(mktemp -d /tmp/selfcare-bench.XXXXXX)}
PASSWORD='Bench-Passw0rd!'
BIN=${SELFCARE:-${CARGO_TARGET_DIR:-target}/release/selfcare}
RATE_SHARE=${RATE_SHARE:-0.5}
PACED_SECS=${PACED_SECS:-30}
PG_DB=${PG_DB:-selfcare_bench_subs}

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release --quiet --bin selfcare
  # The paced client is a test-side tool: the dev profile is enough for a few hundred req/s.
  env -u CARGO_TARGET_DIR cargo build --quiet --example paced
fi
PACED=${PACED:-target/debug/examples/paced}
mkdir -p "$WORK"
echo "work directory: $WORK"

SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; fi
}
trap stop_server EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

seed() { # url marker
  local url=$1 marker=$2
  if [ -f "$marker" ]; then echo "reusing the generated data ($marker)"; return; fi
  echo "generating $CUSTOMERS customers and $SUBSCRIBERS subscribers…"
  local start=$(date +%s)
  DATABASE_URL="$url" SELFCARE_ADMIN_PASSWORD="$PASSWORD" RUST_LOG=warn "$BIN" demo-data \
    --customers "$CUSTOMERS" --subscribers "$SUBSCRIBERS"
  echo "generated in $(( $(date +%s) - start )) s"
  touch "$marker"
}

serve() { # url
  PORT=$(free_port)
  DATABASE_URL="$1" SELFCARE_BIND="127.0.0.1:$PORT" SELFCARE_ADMIN_PASSWORD="$PASSWORD" \
    SELFCARE_EXPORT_DIR="$WORK/exports" RUST_LOG=warn "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the server did not start:" >&2; cat "$WORK/server.log" >&2; exit 1
}

login() { # prints the session cookie
  local jar="$WORK/cookies.txt" token
  rm -f "$jar"
  token=$(curl -fs -c "$jar" "http://127.0.0.1:$PORT/login" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"$//')
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
    --data-urlencode username=admin --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$token" \
    "http://127.0.0.1:$PORT/login")
  [ "$code" = 303 ] || { echo "sign-in failed ($code)" >&2; exit 1; }
  awk '$6 == "selfcare_session" { print $6 "=" $7 }' "$jar"
}

cat >"$WORK/search.lua" <<'LUA'
-- Random prefixes, each matching about a hundred rows of the generated data (cards are spread
-- over 12 digits, subscriber IDs over 47 + 8 digits, wallet references over W + 11 digits).
local cookie = os.getenv("SC_COOKIE")
local words = {"nor", "atl", "blu", "pol", "sum", "har", "gra", "aur", "coa", "met"}
math.randomseed(os.time())
request = function()
  local r = math.random(4)
  local q
  if r == 1 then
    q = "card_number=" .. math.random(1, 9) .. string.format("%03d", math.random(0, 999))
  elseif r == 2 then
    q = "subscriber_id=47" .. string.format("%04d", math.random(0, 9999))
  elseif r == 3 then
    q = "wallet_ref=W" .. string.format("%04d", math.random(0, 9999))
  else
    q = "customer=" .. words[math.random(#words)]
  end
  return wrk.format("GET", "/subscribers?" .. q .. "&match=prefix", {["Cookie"] = cookie})
end
LUA

bench() { # engine url
  local engine=$1 url=$2
  serve "$url"
  local cookie; cookie=$(login)
  # Warm up (caches, prepared statements), then measure.
  SC_COOKIE="$cookie" wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$WORK/search.lua" "http://127.0.0.1:$PORT" >/dev/null
  echo "== $engine: $SUBSCRIBERS subscribers, $CONNECTIONS connections, $DURATION"
  SC_COOKIE="$cookie" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/search.lua" \
    "http://127.0.0.1:$PORT" | tee "$WORK/wrk-$engine.txt"
  local p50 p99 rps
  p50=$(awk '$1 == "50%" { print $2 }' "$WORK/wrk-$engine.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk-$engine.txt")
  rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$WORK/wrk-$engine.txt")
  echo "RESULT $engine maximum: p50=$p50 p99=$p99 req/s=$rps" | tee -a "$WORK/results.txt"
  # The same kinds of search at a fixed rate below the maximum.
  python3 - "$WORK/paths.txt" <<'PY'
import random, sys
words = ["nor", "atl", "blu", "pol", "sum", "har", "gra", "aur", "coa", "met"]
random.seed(16)
with open(sys.argv[1], "w") as f:
    for _ in range(20000):
        r = random.randint(1, 4)
        if r == 1: q = "card_number=%d%03d" % (random.randint(1, 9), random.randint(0, 999))
        elif r == 2: q = "subscriber_id=47%04d" % random.randint(0, 9999)
        elif r == 3: q = "wallet_ref=W%04d" % random.randint(0, 9999)
        else: q = "customer=" + random.choice(words)
        f.write("/subscribers?%s&match=prefix\n" % q)
PY
  local rate
  rate=$(python3 -c "import sys; print(round(float(sys.argv[1]) * float(sys.argv[2])))" "$rps" "$RATE_SHARE")
  echo "== $engine: fixed rate $rate req/s ($RATE_SHARE × the maximum), $PACED_SECS s"
  PACED_URL="http://127.0.0.1:$PORT" PACED_COOKIE="$cookie" PACED_PATHS="$WORK/paths.txt" \
    PACED_RATE="$rate" PACED_SECS="$PACED_SECS" PACED_CONNECTIONS="$CONNECTIONS" "$PACED" \
    | tee "$WORK/paced-$engine.txt"
  echo "RESULT $engine at $rate req/s: $(sed 's/.*answers/answers/' "$WORK/paced-$engine.txt")" | tee -a "$WORK/results.txt"
  # The answers were real searches, not errors.
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$PORT/subscribers?card_number=5123&match=prefix")
  [ "$status" = 200 ] || { echo "search answered $status" >&2; exit 1; }
  if [ "${PLANS:-0}" = 1 ]; then
    SELFCARE_EXPLAIN_URL="$url" cargo test --quiet --test api print_search_plans -- --ignored --nocapture \
      | tee "$WORK/plans-$engine.txt"
  fi
  stop_server
}

if [ "$ENGINES" = sqlite ] || [ "$ENGINES" = both ]; then
  url="sqlite://$WORK/bench.db"
  seed "$url" "$WORK/bench.db.done"
  bench sqlite "$url"
fi
if [ "$ENGINES" = postgres ] || [ "$ENGINES" = both ]; then
  db=$PG_DB
  if [ ! -f "$WORK/pg.done" ]; then
    psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  fi
  url="$PG_URL/$db"
  seed "$url" "$WORK/pg.done"
  bench postgres "$url"
  if [ "${KEEP:-0}" != 1 ]; then psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; fi
fi
if [ "${KEEP:-0}" != 1 ]; then rm -f "$WORK/bench.db" "$WORK/bench.db-wal" "$WORK/bench.db-shm" "$WORK"/*.done; fi
echo; cat "$WORK/results.txt"
