#!/usr/bin/env bash
# Customer-list filters and the audit log search at volume (issue 17), on SQLite and PostgreSQL:
# every filter alone and combined with a sort and a page, one request at a time (median of 21)
# and at 16 connections (wrk p50/p99); the query plans (tests/api/filters.rs, ignored test);
# the size of the new indexes and the write cost of generating customers with and without them.
#
#   bash bench/filters.sh
#
# Knobs (environment):
#   CUSTOMERS=1000000    demo customers (1-5 sites each, 1-3 links per site, an IP and a SIP device)
#   WRITE_CUSTOMERS=100000  customers generated twice for the write cost: with the new indexes,
#                        and with them dropped (0: skip)
#   AUDIT_ROWS=10000000  audit entries generated for the audit search (0: skip)
#   DURATION=10          seconds of each wrk run (after a 2 s warm-up); CONNECTIONS=16, THREADS=2
#   ENGINES="sqlite postgres"
#   PG_URL=postgres://postgres@127.0.0.1:5432   (databases selfcare_filters*, dropped first)
#   SKIP_BUILD=1         use target/release/selfcare (or SELFCARE_BIN) as it is
#   KEEP=1               reuse the generated databases of an earlier run (bench/out/filters-*)
#   GENERATE_ONLY=1      generate the databases and stop (measure later with KEEP=1, e.g. once
#                        the machine is quiet)
#
# All traffic goes to 127.0.0.1. Results: bench/out/filters-<engine>.md (+ wrk output, plans).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

CUSTOMERS=${CUSTOMERS:-1000000}
WRITE_CUSTOMERS=${WRITE_CUSTOMERS:-100000}
AUDIT_ROWS=${AUDIT_ROWS:-10000000}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
ENGINES=${ENGINES:-"sqlite postgres"}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
ADDR=127.0.0.1:18520
PASSWORD='Bench-Admin-2024!'
SELFCARE=${SELFCARE_BIN:-$ROOT/target/release/selfcare}
MIGRATION=2026-11-27-140000_search_indexes

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'filters.sh: %s\n' "$*" >&2; exit 1; }

SERVER=
stop_server() {
    if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    SERVER=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

if [ "${SKIP_BUILD:-}" != 1 ]; then
    log "cargo build --release --bin selfcare"
    cargo build --release --bin selfcare
fi
[ -x "$SELFCARE" ] || die "missing $SELFCARE"
cp "$SELFCARE" "$OUT/selfcare-filters"
SELFCARE="$OUT/selfcare-filters"
command -v wrk >/dev/null || die "wrk is needed (apt-get install wrk)"

sql() { # sql ENGINE URL STATEMENT...: runs statements, prints rows (| separated)
    local engine=$1 url=$2
    shift 2
    case $engine in
        sqlite) sqlite3 "${url#sqlite://}" "$@" ;;
        postgres)
            local args=() s
            for s in "$@"; do args+=(-c "$s"); done
            psql "$url" -XqAt -v ON_ERROR_STOP=1 "${args[@]}" ;;
    esac
}
fresh_db() { # fresh_db ENGINE NAME -> prints the url of an empty database
    local engine=$1 name=$2
    case $engine in
        sqlite) rm -f "$OUT/$name.db"*; echo "sqlite://$OUT/$name.db" ;;
        postgres)
            psql "$PG_URL/postgres" -Xq -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
            psql "$PG_URL/postgres" -Xq -c "CREATE DATABASE $name" >/dev/null
            echo "$PG_URL/$name" ;;
    esac
}
db_bytes() { # db_bytes ENGINE URL: the database's size on disk
    case $1 in
        sqlite) stat -c %s "${2#sqlite://}" ;;
        postgres) sql postgres "$2" "SELECT pg_database_size(current_database())" ;;
    esac
}
demo() { # demo URL N: generates N customers, prints the seconds it took
    local t0 t1
    t0=$(date +%s.%N)
    DATABASE_URL="$1" SELFCARE_ADMIN_PASSWORD="$PASSWORD" RUST_LOG=warn \
        "$SELFCARE" demo-data --customers "$2" >"$OUT/demo.log" 2>&1 || { tail "$OUT/demo.log" >&2; die "demo-data failed"; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}'
}
migrate_only() { # migrate_only URL: creates the schema (demo-data of no customers)
    DATABASE_URL="$1" SELFCARE_ADMIN_PASSWORD="$PASSWORD" RUST_LOG=warn \
        "$SELFCARE" demo-data --customers 0 >"$OUT/demo.log" 2>&1 || { tail "$OUT/demo.log" >&2; die "migrations failed"; }
}

# ---- write cost: the same customers with and without the new indexes ------------------------
write_cost() { # write_cost ENGINE -> "with_s without_s ratio index_bytes"
    local engine=$1 with without a b sa sb
    with=$(fresh_db "$engine" selfcare_filters_with)
    migrate_only "$with"
    without=$(fresh_db "$engine" selfcare_filters_without)
    migrate_only "$without"
    sql "$engine" "$without" "$(cat "migrations/$engine/$MIGRATION/down.sql")" >/dev/null
    a=$(demo "$with" "$WRITE_CUSTOMERS")
    b=$(demo "$without" "$WRITE_CUSTOMERS")
    sa=$(db_bytes "$engine" "$with")
    sb=$(db_bytes "$engine" "$without")
    echo "$a $b $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}') $((sa - sb))"
    case $engine in sqlite) rm -f "$OUT"/selfcare_filters_with.db* "$OUT"/selfcare_filters_without.db* ;; esac
}

# ---- audit entries: AUDIT_ROWS over the last year, 20 actors, 3 actions, 6 kinds ------------
fill_audit() { # fill_audit ENGINE URL
    local engine=$1 url=$2 now
    now=$(date +%s)
    case $engine in
        sqlite) sql sqlite "$url" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $AUDIT_ROWS)
            INSERT INTO audit_log (at, actor, action, object_type, object_id, before_json, after_json, reason)
            SELECT $now - 31536000 + i * 31536000 / $AUDIT_ROWS, 'operator' || (i % 20),
                   CASE i % 3 WHEN 0 THEN 'create' WHEN 1 THEN 'update' ELSE 'delete' END,
                   CASE i % 6 WHEN 0 THEN 'customer' WHEN 1 THEN 'site' WHEN 2 THEN 'access_link'
                              WHEN 3 THEN 'subscriber' WHEN 4 THEN 'wallet' ELSE 'operator' END,
                   i % 100000, NULL, '{\"name\":\"x\"}', NULL FROM n;" ;;
        postgres) sql postgres "$url" "INSERT INTO audit_log (at, actor, action, object_type, object_id, before_json, after_json, reason)
            SELECT $now - 31536000 + i * 31536000 / $AUDIT_ROWS, 'operator' || (i % 20),
                   (ARRAY['create','update','delete'])[i % 3 + 1],
                   (ARRAY['customer','site','access_link','subscriber','wallet','operator'])[i % 6 + 1],
                   i % 100000, NULL, '{\"name\":\"x\"}', NULL FROM generate_series(1::bigint, $AUDIT_ROWS::bigint) AS i" \
                "ANALYZE audit_log" ;;
    esac
}

to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.1f", n }'; }
one_at_a_time() { # median of 21 sequential requests, ms
    local i
    for i in $(seq 1 21); do
        curl -s -o /dev/null --max-time 30 -w '%{time_total}\n' -H "Cookie: $COOKIE" "$1" || echo 30
    done | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[11] * 1000}'
}
loaded() { # loaded NAME URL -> "rps p50 p99 errors"
    local f="$OUT/wrk-filters-$1.txt"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Cookie: $COOKIE" "$2" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -H "Cookie: $COOKIE" "$2" >"$f"
    echo "$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$f") $(to_ms "$(awk '$1 == "50%" {print $2}' "$f")") \
$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")") $(awk '/Non-2xx/ {n += $NF} END {print n + 0}' "$f")"
}

login() {
    local jar="$OUT/filters-cookies.txt" token code
    rm -f "$jar"
    token=$(curl -fs -c "$jar" "http://$ADDR/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
    code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" --data-urlencode username=admin \
        --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$token" "http://$ADDR/login")
    [ "$code" = 303 ] || die "sign-in failed ($code)"
    awk '$6 == "selfcare_session" { print $6 "=" $7 }' "$jar"
}

bench_engine() {
    local engine=$1 url report gen_s rows mid webid day0 day1 name path plan
    report="$OUT/filters-$engine.md"
    if [ "$engine" = postgres ] && ! psql "$PG_URL/postgres" -XqAtc 'SELECT 1' >/dev/null 2>&1; then
        echo "postgres skipped: cannot connect to $PG_URL" >"$report"; return 0
    fi
    {
        echo "### $engine — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
        echo
        echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -h | awk '/^Mem:/ {print $2}') RAM"
    } >"$report"
    if [ "$WRITE_CUSTOMERS" -gt 0 ]; then
        log "[$engine] write cost: $WRITE_CUSTOMERS customers with and without the new indexes"
        read -r a b ratio bytes <<<"$(write_cost "$engine")"
        {
            echo
            echo "Write cost, $WRITE_CUSTOMERS customers with sites, links and devices (\`demo-data\`):"
            echo "with the new indexes ${a} s, without ${b} s: **${ratio}×**; the new indexes take $((bytes / 1048576)) MB."
        } >>"$report"
    fi

    case $engine in
        sqlite) url="sqlite://$OUT/selfcare_filters.db" ;;
        postgres) url="$PG_URL/selfcare_filters" ;;
    esac
    if [ "${KEEP:-}" = 1 ] && [ -f "$OUT/filters-$engine.generated" ]; then
        log "[$engine] reusing the generated database"
        gen_s=$(cat "$OUT/filters-$engine.generated")
    else
        url=$(fresh_db "$engine" selfcare_filters)
        log "[$engine] generating $CUSTOMERS customers"
        gen_s=$(demo "$url" "$CUSTOMERS")
        if [ "$AUDIT_ROWS" -gt 0 ]; then
            log "[$engine] adding $AUDIT_ROWS audit entries"
            fill_audit "$engine" "$url"
        fi
        echo "$gen_s" >"$OUT/filters-$engine.generated"
    fi
    if [ "${GENERATE_ONLY:-}" = 1 ]; then
        log "[$engine] generated in $gen_s s; GENERATE_ONLY=1, so not measured"
        return 0
    fi
    rows=$(sql "$engine" "$url" "SELECT count(*) FROM customers")
    {
        echo
        echo "Data: $rows customers (generated in ${gen_s} s), $(sql "$engine" "$url" "SELECT count(*) FROM sites") sites, $(sql "$engine" "$url" "SELECT count(*) FROM access_links") links, $(sql "$engine" "$url" "SELECT count(*) FROM audit_log") audit entries; database $(( $(db_bytes "$engine" "$url") / 1048576 )) MB."
    } >>"$report"

    log "[$engine] query plans"
    plan="$OUT/filters-plans-$engine.txt"
    if SELFCARE_EXPLAIN_URL="$url" cargo test --quiet --test api filters::print_ -- --ignored --nocapture >"$plan" 2>&1; then
        echo "Plans: every filter uses its index (\`bench/out/filters-plans-$engine.txt\`)." >>"$report"
    else
        echo "Plans: **a filter did not use its index** (see \`bench/out/filters-plans-$engine.txt\`)." >>"$report"
    fi

    mid=$(( rows / 2 ))
    webid=$(sql "$engine" "$url" "SELECT webid FROM customers WHERE id = $mid")
    day0=$(date -u -d '@'$(( $(date +%s) - 200 * 86400 )) +%F)
    day1=$(date -u -d '@'$(( $(date +%s) - 170 * 86400 )) +%F)
    DATABASE_URL="$url" SELFCARE_BIND="$ADDR" SELFCARE_ADMIN_PASSWORD="$PASSWORD" \
        SELFCARE_EXPORT_DIR="$OUT/exports" RUST_LOG=warn "$SELFCARE" serve >"$OUT/filters-server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 300); do curl -fs "http://$ADDR/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
    COOKIE=$(login)
    {
        echo
        echo "| request | matches | one at a time (median ms) | 16 conn. req/s | p50 ms | p99 ms | non-2xx |"
        echo "|---|---|---|---|---|---|---|"
    } >>"$report"
    while IFS='|' read -r name path; do
        [ -n "$name" ] || continue
        local full="http://$ADDR$path" m one r
        m=$(curl -s -H "Cookie: $COOKIE" "$full" | grep -c '<tr data-id=' || true)
        one=$(one_at_a_time "$full")
        r=$(loaded "$engine-$name" "$full")
        read -r rps p50 p99 errs <<<"$r"
        echo "| \`${path}\` | $m | $one | $rps | $p50 | $p99 | $errs |" >>"$report"
        echo "$name: $one ms alone; $r" >&2
    done <<EOF
plain|/customers
company_none|/customers?q_company=zzzz
company_word|/customers?q_company=nordic
company_suffix|/customers?q_company=ltd
name_none|/customers?q_name=zzz
name_word|/customers?q_name=hansen
username|/customers?q_username=hansen$((mid / 10))
account|/customers?q_account=9$(printf '%010d' $((mid / 10)))
webid|/customers?q_webid=$webid
ip|/customers?q_ip=100.$(( (mid >> 16) & 63 | 64 )).$(( (mid >> 8) & 255 )).$(( mid & 255 ))
ip_net|/customers?q_ip=100.$(( (mid >> 16) & 63 | 64 )).$(( (mid >> 8) & 255 )).0/24
sip_user|/customers?q_sip_user=sip$((mid / 10))
status|/customers?q_status=suspended
combined_1|/customers?q_company=ltd&q_status=active&c_sort=account_code&c_dir=desc&c_page=3
combined_2|/customers?q_name=sen&c_sort=name&c_page=5
combined_3|/customers?q_company=nordic&c_sort=company&c_dir=desc&c_page=2
combined_4|/customers?q_account=90000&q_name=olsen&c_sort=created_at
refused|/customers?q_company=ab
quick_word|/customers/find?q=nordic
quick_webid|/customers/find?q=$webid
audit_actor|/audit?actor=operator7
audit_action_range|/audit?action=update&from=$day0&to=$day1
audit_object|/audit?object_type=customer&object_id=4242
audit_type|/audit?object_type=wallet&page=20
audit_range|/audit?from=$day0&to=$day1
EOF
    stop_server
}

for engine in $ENGINES; do bench_engine "$engine"; done
log "results"
for engine in $ENGINES; do cat "$OUT/filters-$engine.md"; echo; done
