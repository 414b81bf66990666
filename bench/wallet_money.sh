#!/usr/bin/env bash
# Wallet money through HTTP (wrk, signed in with curl), on SQLite and on PostgreSQL:
#   1. adjustments per second on ONE wallet (every client queues on the same wallet row) and
#      spread over 1,000 wallets, at 16 and 64 connections, with p50/p99;
#   2. the subscriber edit screen of a wallet with 50 balance types and 500 buckets
#      (requests/s and p99).
#
#   bench/wallet_money.sh [sqlite|postgres|both]        (default: both)
#
# Environment: DURATION (20s), THREADS (2), PG_URL (postgres://postgres@127.0.0.1:5432),
# SKIP_BUILD=1 with SELFCARE= (the binary; default target/release/selfcare),
# WORK (a temp dir). Loopback only; run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINES=${1:-both}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
WORK=${WORK:-$(mktemp -d /tmp/selfcare-bench.XXXXXX)}
PASSWORD='Bench-Passw0rd!'
BIN=${SELFCARE:-target/release/selfcare}

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
[ "${SKIP_BUILD:-}" = 1 ] || cargo build --release --quiet
mkdir -p "$WORK"
echo "work directory: $WORK"

SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; fi
}
trap stop_server EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

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

JAR="$WORK/cookies.txt"
login() { # prints the session cookie
  local token code
  rm -f "$JAR"
  token=$(curl -fs -c "$JAR" "http://127.0.0.1:$PORT/login" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"$//')
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" -c "$JAR" \
    --data-urlencode username=admin --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$token" \
    "http://127.0.0.1:$PORT/login")
  [ "$code" = 303 ] || { echo "sign-in failed ($code)" >&2; exit 1; }
  awk '$6 == "selfcare_session" { print $6 "=" $7 }' "$JAR"
}

csrf() { # path: the form token of the signed-in session, read from a page
  curl -fs -b "$JAR" "http://127.0.0.1:$PORT$1" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'
}

post() { # path, then curl --data-urlencode arguments; fails unless 303
  local path=$1; shift
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" --data-urlencode "csrf_token=$TOKEN" "$@" "http://127.0.0.1:$PORT$path")
  [ "$code" = 303 ] || { echo "POST $path answered $code" >&2; exit 1; }
}

sql() { # url, statement: prints the rows
  case "$1" in
    sqlite://*) sqlite3 "${1#sqlite://}" "$2" ;;
    *) psql "$1" -Atqc "$2" ;;
  esac
}

cat >"$WORK/adjust.lua" <<'LUA'
-- POST an adjustment of 1 (a whole unit: valid in every currency, some have no decimals) to one
-- of the wallets in SC_WALLETS (space separated).
local cookie = os.getenv("SC_COOKIE")
local token = os.getenv("SC_TOKEN")
local cash = os.getenv("SC_CASH")
local wallets = {}
for w in string.gmatch(os.getenv("SC_WALLETS"), "%d+") do wallets[#wallets + 1] = w end
math.randomseed(os.time())
request = function()
  local w = wallets[math.random(#wallets)]
  local body = "csrf_token=" .. token .. "&balance_type_id=" .. cash .. "&amount=1&change_reason=bench"
  return wrk.format("POST", "/wallets/" .. w .. "/adjustments", {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
LUA

cat >"$WORK/screen.lua" <<'LUA'
local cookie = os.getenv("SC_COOKIE")
local path = os.getenv("SC_PATH")
request = function() return wrk.format("GET", path, {["Cookie"] = cookie}) end
LUA

measure() { # label, connections, lua script
  local label=$1 conns=$2 script=$3 out="$WORK/wrk.txt"
  wrk -t"$THREADS" -c"$conns" -d3s -s "$script" "http://127.0.0.1:$PORT" >/dev/null
  wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency -s "$script" "http://127.0.0.1:$PORT" >"$out"
  local p50 p99 rps errors
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$out")
  errors=$(awk '/Non-2xx or 3xx/ { print $NF }' "$out")
  echo "RESULT $label c=$conns req/s=$rps p50=$p50 p99=$p99 errors=${errors:-0}" | tee -a "$WORK/results.txt"
}

bench() { # engine url
  local engine=$1 url=$2
  DATABASE_URL="$url" SELFCARE_ADMIN_PASSWORD="$PASSWORD" RUST_LOG=warn "$BIN" demo-data --subscribers 1000 >/dev/null
  serve "$url"
  local cookie; cookie=$(login)
  local sub wallets cash one
  sub=$(sql "$url" "SELECT subscriber_id FROM subscriber_wallets ORDER BY subscriber_id LIMIT 1")
  TOKEN=$(csrf "/subscribers/$sub")
  cash=$(sql "$url" "SELECT id FROM balance_types WHERE is_default = TRUE ORDER BY id LIMIT 1")
  wallets=$(sql "$url" "SELECT id FROM wallets ORDER BY id LIMIT 1000" | tr '\n' ' ')
  one=${wallets%% *}
  for conns in 16 64; do
    SC_COOKIE="$cookie" SC_TOKEN="$TOKEN" SC_CASH="$cash" SC_WALLETS="$one" \
      measure "$engine adjustments, one wallet" "$conns" "$WORK/adjust.lua"
    SC_COOKIE="$cookie" SC_TOKEN="$TOKEN" SC_CASH="$cash" SC_WALLETS="$wallets" \
      measure "$engine adjustments, 1000 wallets" "$conns" "$WORK/adjust.lua"
  done
  # Every adjustment wrote its EDR: the sums of the costs still recompute the balances.
  sql "$url" "SELECT COUNT(*) FROM edrs WHERE change_reason = 'bench'" | sed "s/^/$engine EDRs written by the bench: /"

  # The edit screen of a wallet with 50 balance types and 500 buckets.
  local big bigsub
  bigsub=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$JAR" --data-urlencode "csrf_token=$TOKEN" \
    --data-urlencode card_number=BENCH-BIG --data-urlencode subscriber_id=4799999999 \
    --data-urlencode service_provider_id=1 --data-urlencode language=1 --data-urlencode description=bench \
    "http://127.0.0.1:$PORT/subscribers" | sed 's#.*/subscribers/##; s#/wallets/new##')
  post "/subscribers/$bigsub/wallets" -d wallet_type= -d link_existing= -d wallet_ref=BENCH-BIG \
    -d charging_domain_id=1 -d product_type_id=1 -d currency_id=1 -d display_currency_id=5 \
    -d customer= -d limit_type=prepaid -d min_credit= -d max_concurrent=1
  big=$(sql "$url" "SELECT id FROM wallets WHERE wallet_ref = 'BENCH-BIG'")
  for i in $(seq 1 49); do
    post /admin/balance-types -d service_provider_id=1 -d "code=BENCH_$i" -d "name=Bench $i" \
      -d unit=units -d category=chargeable -d max_value= -d max_policy=limit
  done
  local types; types=$(sql "$url" "SELECT id FROM balance_types WHERE service_provider_id = 1 AND (code LIKE 'BENCH_%' OR is_default = TRUE)")
  local n=0
  while [ $n -lt 500 ]; do
    for t in $types; do
      [ $n -lt 500 ] || break
      post "/wallets/$big/buckets" -d "balance_type_id=$t" -d "value=$(( n % 90 + 1 ))" -d offset= \
        -d "expiry=$(date -u -d "+$(( n % 300 + 1 )) days" +%F)" -d change_reason=bench
      n=$((n + 1))
    done
  done
  SC_COOKIE="$cookie" SC_PATH="/subscribers/$bigsub" measure "$engine edit screen, 50 types 500 buckets" 16 "$WORK/screen.lua"
  stop_server
}

if [ "$ENGINES" = sqlite ] || [ "$ENGINES" = both ]; then
  rm -f "$WORK/money.db"*
  bench sqlite "sqlite://$WORK/money.db"
fi
if [ "$ENGINES" = postgres ] || [ "$ENGINES" = both ]; then
  db=selfcare_bench_money
  psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  bench postgres "$PG_URL/$db"
  psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
fi
echo; cat "$WORK/results.txt"
