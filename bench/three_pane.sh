#!/usr/bin/env bash
# Three-pane page (/customers with a customer and a site selected) against a bare actix+askama
# "fortunes" page (examples/fortunes.rs) on the same machine, in the same run, on SQLite and
# PostgreSQL. See bench/README.md.
#
#   bash bench/three_pane.sh
#
# Knobs (environment):
#   CUSTOMERS=100000     demo customers to load (1-5 sites each, 1-3 links per site)
#   DURATION=15          seconds of each measured wrk run
#   WARMUP=3             seconds of the wrk warm-up before each measured run
#   REPEAT=3             measured runs of each page, interleaved (three-pane, fortunes, ...);
#                        the median run of each page is reported
#   CONNECTIONS=16       wrk connections; THREADS=2 wrk threads
#   ENGINES="sqlite postgres"
#   PG_URL=postgres://postgres@127.0.0.1:5432   server (trust auth); database selfcare_bench is
#                        dropped and created afresh
#   QUIET_WAIT=300       before each measured run, wait up to this many seconds for the machine to
#                        be idle (< 20% CPU busy over 1 s: other builds or tests skew the figures);
#                        the busy figure seen is written to the results
#   SKIP_BUILD=1         use the binaries already built (SELFCARE=… and FORTUNES=… name others:
#                        two runs with two SELFCARE binaries compare a change)
#
# All traffic goes to 127.0.0.1. Results: bench/out/three_pane-<engine>.txt (+ wrk and server logs).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

CUSTOMERS=${CUSTOMERS:-100000}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-3}
REPEAT=${REPEAT:-3}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
ENGINES=${ENGINES:-"sqlite postgres"}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB=selfcare_bench
DEMO_TIMEOUT=${DEMO_TIMEOUT:-1800}
QUIET_WAIT=${QUIET_WAIT:-300}
APP_ADDR=127.0.0.1:18480
FORTUNES_ADDR=127.0.0.1:18490
# The customer a person clicks first (the first row of the default order, by company) and its
# first site: the page with all three panes filled, as reached by clicking.
FIRST_ROW_SQL="SELECT s.customer_id, s.id FROM sites s JOIN customers c ON c.id = s.customer_id ORDER BY c.company, c.id, s.name, s.id LIMIT 1"
ADMIN_PASSWORD='Bench-Admin-2024!'
SELFCARE="${SELFCARE:-$ROOT/target/release/selfcare}"
FORTUNES="${FORTUNES:-$ROOT/target/release/examples/fortunes}"

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'three_pane.sh: %s\n' "$*" >&2; exit 1; }

# ---- processes we start, stopped on exit ---------------------------------------------------
PIDS=()
stop() { # stop PID: ends one server we started and waits for it
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
    rm -f "$OUT/cookies.txt"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # wait_http URL SECONDS: until the URL answers 200
    local url=$1 secs=$2 i
    for i in $(seq 1 $((secs * 10))); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}
port_free() { # port_free HOST:PORT: nothing answers there (a stale server would be measured instead)
    ! curl -s -o /dev/null --max-time 2 "http://$1/" 2>/dev/null
}
started() { # started PID NAME LOG: the process we started is still running (it did bind the port)
    kill -0 "$1" 2>/dev/null || { tail -n 20 "$3" >&2; die "$2 exited during start-up (see $3)"; }
}

cpu_busy() { # percent of all CPU time busy over one second
    local a b i idle total=0
    read -ra a </proc/stat; sleep 1; read -ra b </proc/stat
    idle=$(( (b[4] + b[5]) - (a[4] + a[5]) ))
    for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
    echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
wait_quiet() { # prints the busy % finally seen; waits up to QUIET_WAIT s for < 20 %
    local b i
    b=$(cpu_busy)
    for ((i = 1; i < QUIET_WAIT && b >= 20; i++)); do b=$(cpu_busy); done
    [ "$b" -lt 20 ] || echo "WARNING: machine still ${b}% busy after ${QUIET_WAIT}s; figures will be low" >&2
    echo "$b"
}

# wrk figures: requests/s, p50 and p99 in milliseconds, errors.
to_ms() { # 812.00us | 1.23ms | 1.05s -> ms
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n = n * 60000; else if (v ~ /s$/) n = n * 1000
        printf "%.2f", n }'
}
parse_wrk() { # parse_wrk FILE -> "rps p50 p99 requests errors"
    local f=$1 rps p50 p99 reqs errs
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$f")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$f")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")
    reqs=$(awk '/requests in/ {print $1}' "$f")
    errs=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$f")
    echo "${rps:-0} ${p50:-0} ${p99:-0} ${reqs:-0} ${errs:-0}"
}
run_wrk() { # run_wrk NAME URL [COOKIE] -> writes $OUT/wrk-NAME.txt, prints "rps p50 p99 requests errors busy%"
    local name=$1 url=$2 cookie=${3:-} hdr=() busy
    [ -n "$cookie" ] && hdr=(-H "Cookie: $cookie")
    busy=$(wait_quiet)
    echo "-- $name (machine ${busy}% busy before the run)" >&2
    timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 5s "${hdr[@]}" "$url" >/dev/null
    timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency \
        "${hdr[@]}" "$url" >"$OUT/wrk-$name.txt"
    grep -E '^Requests/sec|^ +(50|99)%|Non-2xx|Socket errors' "$OUT/wrk-$name.txt" >&2 || true
    echo "$(parse_wrk "$OUT/wrk-$name.txt") $busy"
}
median_run() { # median_run LINE... -> the line whose first field (req/s) is the median
    printf '%s\n' "$@" | sort -n -k1,1 | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}'
}

check_page() { # check_page URL COOKIE: 200 and at least one data-id row (3 tries: a busy disk can stall one)
    local url=$1 cookie=$2 code try
    for try in 1 2 3; do
        code=$(curl -s -o "$OUT/page.html" -w '%{http_code}' --max-time 30 -H "Cookie: $cookie" "$url" || true)
        [ "$code" = 200 ] && break
        echo "GET $url answered $code (try $try)" >&2
    done
    [ "$code" = 200 ] || return 1
    grep -q 'data-id=' "$OUT/page.html" || { echo "GET $url has no data-id rows" >&2; return 1; }
}
unloaded_ms() { # unloaded_ms URL [COOKIE]: median time of 21 requests one after another, in ms
    local url=$1 cookie=${2:-} hdr=() i
    [ -n "$cookie" ] && hdr=(-H "Cookie: $cookie")
    for i in $(seq 1 21); do
        curl -s -o /dev/null --max-time 10 -w '%{time_total}\n' "${hdr[@]}" "$url" || echo 10
    done | sort -n | awk '{a[NR] = $1} END {printf "%.2f", a[11] * 1000}'
}

# ---- build and tools ---------------------------------------------------------------------
if [ "${SKIP_BUILD:-}" != 1 ]; then
    log "cargo build --release --bin selfcare --example fortunes"
    cargo build --release --bin selfcare --example fortunes
fi
[ -x "$SELFCARE" ] && [ -x "$FORTUNES" ] || die "missing $SELFCARE or $FORTUNES"
# Run private copies, so that a rebuild of target/ during the run cannot change what is measured.
BUILT=$(date -u -r "$SELFCARE" '+%Y-%m-%d %H:%M UTC')
mkdir -p "$OUT/bin"
cp "$SELFCARE" "$OUT/bin/selfcare"
cp "$FORTUNES" "$OUT/bin/fortunes"
SELFCARE="$OUT/bin/selfcare"
FORTUNES="$OUT/bin/fortunes"
if ! command -v wrk >/dev/null; then
    log "installing wrk"
    if [ "$(id -u)" = 0 ]; then apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }
    else sudo apt-get install -y wrk || { sudo apt-get update && sudo apt-get install -y wrk; }
    fi
fi
command -v curl >/dev/null || die "curl is needed"

MACHINE="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -h | awk '/^Mem:/ {print $2}') RAM"
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- src templates migrations Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    COMMIT="$COMMIT + uncommitted changes"
fi
HEADER="| engine | customers | demo-data load | three-pane req/s | p50 | p99 | fortunes req/s | p50 | p99 | ratio |
|---|---|---|---|---|---|---|---|---|---|"
ROWS=()

bench_engine() { # bench_engine sqlite|postgres
    local engine=$1 url furl sel load_s t0 t1 pid fpid jar csrf code cookie cust site target bytes fbytes r
    log "[$engine] preparing the database"
    case $engine in
        sqlite)
            rm -f "$OUT"/selfcare_bench.db* "$OUT"/fortunes.db*
            url="sqlite://$OUT/selfcare_bench.db"
            furl="sqlite://$OUT/fortunes.db"
            ;;
        postgres)
            if ! psql "$PG_URL/postgres" -XqAtc 'SELECT 1' >/dev/null 2>&1; then
                echo "[$engine] skipped: psql cannot connect to $PG_URL/postgres" >&2
                ROWS+=("| postgres | skipped: cannot connect to $PG_URL | | | | | | | | |")
                return 0
            fi
            psql "$PG_URL/postgres" -Xq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" 2>/dev/null \
                || psql "$PG_URL/postgres" -Xq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PG_DB"
            psql "$PG_URL/postgres" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PG_DB"
            url="$PG_URL/$PG_DB"
            furl="$url" # the fortunes example keeps to its own table there
            ;;
        *) die "unknown engine $engine" ;;
    esac

    log "[$engine] demo-data --customers $CUSTOMERS"
    t0=$(date +%s.%N)
    if ! DATABASE_URL=$url SELFCARE_ADMIN_PASSWORD=$ADMIN_PASSWORD \
        timeout "$DEMO_TIMEOUT" "$SELFCARE" demo-data --customers "$CUSTOMERS" \
        </dev/null >"$OUT/demo-data-$engine.log" 2>&1; then
        tail -n 20 "$OUT/demo-data-$engine.log" >&2
        die "[$engine] demo-data failed or ran past ${DEMO_TIMEOUT}s (see $OUT/demo-data-$engine.log)"
    fi
    t1=$(date +%s.%N)
    tail -n 2 "$OUT/demo-data-$engine.log" >&2
    load_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
    echo "[$engine] demo-data took ${load_s} s" >&2

    case $engine in
        sqlite) sel=$(sqlite3 "$OUT/selfcare_bench.db" "$FIRST_ROW_SQL") ;;
        postgres) sel=$(psql "$url" -XqAt -F'|' -c "$FIRST_ROW_SQL") ;;
    esac
    cust=${sel%%|*}
    site=${sel##*|}
    [ -n "$cust" ] && [ -n "$site" ] || die "[$engine] no site in the database"
    target="http://$APP_ADDR/customers?customer=$cust&site=$site"

    log "[$engine] selfcare serve on $APP_ADDR"
    port_free "$APP_ADDR" || die "something already answers on $APP_ADDR"
    DATABASE_URL=$url SELFCARE_BIND=$APP_ADDR SELFCARE_ADMIN_PASSWORD=$ADMIN_PASSWORD RUST_LOG=${RUST_LOG:-info} \
        "$SELFCARE" serve >"$OUT/serve-$engine.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_http "http://$APP_ADDR/healthz" 60 || die "[$engine] /healthz did not answer 200 (see $OUT/serve-$engine.log)"
    started "$pid" "selfcare serve" "$OUT/serve-$engine.log"

    jar="$OUT/cookies.txt"
    rm -f "$jar"
    csrf=$(curl -s --max-time 10 -c "$jar" -b "$jar" "http://$APP_ADDR/login" \
        | grep -o 'name="csrf_token" value="[0-9a-f]\{64\}"' | grep -o '[0-9a-f]\{64\}' | head -n1 || true)
    [ -n "$csrf" ] || die "[$engine] no csrf_token on /login"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -c "$jar" -b "$jar" \
        --data-urlencode username=admin --data-urlencode "password=$ADMIN_PASSWORD" \
        --data-urlencode "csrf_token=$csrf" "http://$APP_ADDR/login")
    [ "$code" = 303 ] || die "[$engine] POST /login answered $code, expected 303"
    cookie=$(awk -F'\t' '$6 == "selfcare_session" {print $6 "=" $7}' "$jar" | tail -n1)
    [ -n "$cookie" ] || die "[$engine] no selfcare_session cookie after sign-in"
    check_page "$target" "$cookie" || die "[$engine] three-pane page check failed"
    bytes=$(wc -c <"$OUT/page.html")
    echo "[$engine] target $target ($bytes bytes)" >&2

    log "[$engine] fortunes on $FORTUNES_ADDR"
    port_free "$FORTUNES_ADDR" || die "something already answers on $FORTUNES_ADDR"
    DATABASE_URL=$furl FORTUNES_BIND=$FORTUNES_ADDR "$FORTUNES" >"$OUT/fortunes-$engine.log" 2>&1 &
    fpid=$!
    PIDS+=("$fpid")
    wait_http "http://$FORTUNES_ADDR/fortunes" 60 || die "[$engine] /fortunes did not answer 200 (see $OUT/fortunes-$engine.log)"
    started "$fpid" "fortunes" "$OUT/fortunes-$engine.log"

    # Both servers are up (the idle one costs nothing); runs alternate so that any drift in the
    # machine's background load hits both pages alike.
    local tp_unloaded fo_unloaded tp_runs=() fo_runs=()
    tp_unloaded=$(unloaded_ms "$target" "$cookie")
    fo_unloaded=$(unloaded_ms "http://$FORTUNES_ADDR/fortunes")
    echo "[$engine] one request at a time (median of 21): three-pane $tp_unloaded ms, fortunes $fo_unloaded ms" >&2
    for ((r = 1; r <= REPEAT; r++)); do
        log "[$engine] run $r/$REPEAT"
        tp_runs+=("$(run_wrk "three_pane-$engine-$r" "$target" "$cookie")")
        fo_runs+=("$(run_wrk "fortunes-$engine-$r" "http://$FORTUNES_ADDR/fortunes")")
    done
    # The session must still be good afterwards (a 303 to /login would count as success in wrk).
    check_page "$target" "$cookie" || die "[$engine] three-pane page no longer answers 200 after the runs"
    fbytes=$(curl -s --max-time 5 -o /dev/null -w '%{size_download}' "http://$FORTUNES_ADDR/fortunes" || echo '?')
    stop "$pid"
    stop "$fpid"

    local tp_rps tp_p50 tp_p99 tp_n tp_err tp_busy fo_rps fo_p50 fo_p99 fo_n fo_err fo_busy ratio row verdict
    read -r tp_rps tp_p50 tp_p99 tp_n tp_err tp_busy <<<"$(median_run "${tp_runs[@]}")"
    read -r fo_rps fo_p50 fo_p99 fo_n fo_err fo_busy <<<"$(median_run "${fo_runs[@]}")"
    ratio=$(awk -v a="$tp_rps" -v b="$fo_rps" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}')
    verdict=$(awk -v r="$ratio" -v p="$tp_p99" 'BEGIN {
        printf "ratio %s (target >= 0.5): %s; p99 %s ms (target < 10 ms): %s", r, (r + 0 >= 0.5 ? "met" : "MISSED"), p, (p + 0 < 10 ? "met" : "MISSED") }')
    row="| $engine | $CUSTOMERS | ${load_s} s | $tp_rps | ${tp_p50} ms | ${tp_p99} ms | $fo_rps | ${fo_p50} ms | ${fo_p99} ms | $ratio |"
    ROWS+=("$row")
    {
        echo "date: $DATE"
        echo "machine: $MACHINE"
        echo "commit: $COMMIT (HEAD at the start; target/release/selfcare built $BUILT)"
        echo "engine: $engine"
        echo "customers: $CUSTOMERS"
        echo "demo_data_seconds: $load_s"
        echo "wrk: -t$THREADS -c$CONNECTIONS -d${DURATION}s after a ${WARMUP}s warm-up, $REPEAT runs each, interleaved; median run reported"
        echo "three_pane_url: ${target#http://$APP_ADDR}"
        echo "three_pane_bytes: $bytes"
        echo "fortunes_bytes: $fbytes"
        echo "unloaded_ms (one request at a time, median of 21, curl time_total): three_pane=$tp_unloaded fortunes=$fo_unloaded"
        echo "runs (rps p50_ms p99_ms requests errors cpu_busy_before_%):"
        for ((r = 1; r <= REPEAT; r++)); do
            echo "  $r three_pane: ${tp_runs[r - 1]}"
            echo "  $r fortunes:   ${fo_runs[r - 1]}"
        done
        echo "three_pane (median): rps=$tp_rps p50_ms=$tp_p50 p99_ms=$tp_p99"
        echo "fortunes (median): rps=$fo_rps p50_ms=$fo_p50 p99_ms=$fo_p99"
        echo "ratio: $ratio"
        echo "verdict: $verdict"
        echo
        echo "$HEADER"
        echo "$row"
    } >"$OUT/three_pane-$engine.txt"
    echo "[$engine] $verdict" >&2
    local all_err
    all_err=$(printf '%s\n' "${tp_runs[@]}" "${fo_runs[@]}" | awk '{n += $5} END {print n + 0}')
    [ "$all_err" = 0 ] || echo "[$engine] WARNING: wrk counted $all_err errors (see $OUT/wrk-*-$engine-*.txt)" >&2
}

for engine in $ENGINES; do
    bench_engine "$engine"
done

log "results ($DATE; $MACHINE; commit $COMMIT; wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, median of $REPEAT)"
echo "$HEADER"
printf '%s\n' "${ROWS[@]}"
