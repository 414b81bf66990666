#!/usr/bin/env bash
# Export throughput and memory: CSV (streamed) and XLSX (constant memory) of the "all access links"
# list at about a million rows, PDF of 10,000 customers, and beside them Python's XlsxWriter in
# constant-memory mode writing the same rows, in the same run. See bench/README.md.
#
#   bash bench/exports.sh
#   BUILDS="before=/tmp/selfcare-before after=target-release/release/selfcare" SKIP_BUILD=1 bash bench/exports.sh
#
# Knobs: LINK_CUSTOMERS=170000 (demo customers: about 6 access links each, so ~1M links),
#        PDF_CUSTOMERS=10000, SKIP_BUILD=1, KEEP_DB=1 (reuse bench/out/exports-*.db),
#        BUILDS (name=binary pairs measured side by side in one run; default the release build),
#        REPEAT=3 (CSV downloads per build, alternating between builds; the median is reported),
#        FORMATS="csv xlsx pdf" (which exports to measure), PYTHON_REF=1 (the XlsxWriter run).
# SQLite only: the export path is the same code on both engines; the PostgreSQL run of the
# three-pane bench covers the engine difference. All traffic goes to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
LINK_CUSTOMERS=${LINK_CUSTOMERS:-170000}
PDF_CUSTOMERS=${PDF_CUSTOMERS:-10000}
ADDR=127.0.0.1:18580
PASSWORD='Bench-Admin-2024!'
TARGET_DIR=${CARGO_TARGET_DIR:-target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
SELFCARE="$TARGET_DIR/release/selfcare"
BUILDS=${BUILDS:-"current=$SELFCARE"}
REPEAT=${REPEAT:-3}
FORMATS=${FORMATS:-"csv xlsx pdf"}
export RUST_LOG=warn SELFCARE_ADMIN_PASSWORD="$PASSWORD" SELFCARE_EXPORT_DIR="$OUT/exports"

[ "${SKIP_BUILD:-}" = 1 ] || cargo build --release --bin selfcare
# The binaries are copied, so a rebuild during the run cannot change what is measured.
declare -A BIN
NAMES=()
for b in $BUILDS; do
    name=${b%%=*}
    cp "${b#*=}" "$OUT/selfcare-$name"
    BIN[$name]="$OUT/selfcare-$name"
    NAMES+=("$name")
done
SELFCARE=${BIN[${NAMES[0]}]}
command -v python3 >/dev/null || { echo "python3 is needed for the XlsxWriter reference"; exit 1; }
python3 -c "import xlsxwriter" 2>/dev/null || python3 -m pip install -q xlsxwriter

SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -f "$OUT/exports-cookies.txt"; }
trap cleanup EXIT

prepare() { # prepare DB CUSTOMERS
    local db=$1 n=$2
    if [ "${KEEP_DB:-}" = 1 ] && [ -f "$db" ]; then return; fi
    rm -f "$db" "$db-wal" "$db-shm"
    local t0=$(date +%s.%N)
    DATABASE_URL="sqlite://$db" "$SELFCARE" demo-data --customers "$n" > "$OUT/exports-demo.log" 2>&1
    echo "demo-data --customers $n: $(echo "$(date +%s.%N) - $t0" | bc) s" >&2
}

start() { # start DB BINARY: a fresh server (so its peak memory belongs to one export)
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
    DATABASE_URL="sqlite://$1" SELFCARE_BIND=$ADDR "$2" serve > "$OUT/exports-serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do curl -sf "http://$ADDR/healthz" >/dev/null && break; sleep 0.1; done
    rm -f "$OUT/exports-cookies.txt"
    local token
    token=$(curl -s -c "$OUT/exports-cookies.txt" -b "$OUT/exports-cookies.txt" "http://$ADDR/login" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//;s/"//')
    curl -s -o /dev/null -c "$OUT/exports-cookies.txt" -b "$OUT/exports-cookies.txt" \
        --data-urlencode "username=admin" --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$token" "http://$ADDR/login"
}

rss_kb() { grep -E "^$2:" "/proc/$1/status" | awk '{print $2}'; }

measure() { # measure NAME PATH FILE: one download; prints rows/s, time, size, server RSS
    local name=$1 path=$2 file=$3 t0 t1 secs rows before
    before=$(rss_kb "$SERVER" VmRSS)
    t0=$(date +%s.%N)
    curl -sf -b "$OUT/exports-cookies.txt" -o "$file" "http://$ADDR$path"
    t1=$(date +%s.%N)
    secs=$(echo "$t1 - $t0" | bc)
    echo "$name|$secs|$(stat -c %s "$file")|$before|$(rss_kb "$SERVER" VmHWM)"
}

LINKS_DB="$OUT/exports-links.db"
PDF_DB="$OUT/exports-pdf.db"
prepare "$LINKS_DB" "$LINK_CUSTOMERS"
prepare "$PDF_DB" "$PDF_CUSTOMERS"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# CSV: REPEAT downloads per build, alternating between the builds, each from a fresh server.
declare -A TIMES PEAK BEFORE
ROWS=0
if [[ " $FORMATS " == *" csv "* ]]; then
    for round in $(seq 1 "$REPEAT"); do
        for name in "${NAMES[@]}"; do
            start "$LINKS_DB" "${BIN[$name]}"
            IFS='|' read -r _ secs _ before peak <<< "$(measure csv "/links/export.csv?mode=direct" "$OUT/links-$name.csv")"
            TIMES[csv-$name]+="$secs "
            BEFORE[csv-$name]=$before
            [ "${PEAK[csv-$name]:-0}" -gt "$peak" ] || PEAK[csv-$name]=$peak
            echo "csv $name run $round: $secs s, peak $((peak / 1024)) MB" >&2
        done
    done
    ROWS=$(( $(wc -l < "$OUT/links-${NAMES[0]}.csv") - 1 ))
    for name in "${NAMES[@]:1}"; do
        cmp -s "$OUT/links-${NAMES[0]}.csv" "$OUT/links-$name.csv" \
            || echo "NOTE: the CSV of $name differs from the CSV of ${NAMES[0]}" >&2
    done
fi
for fmt in xlsx pdf; do
    [[ " $FORMATS " == *" $fmt "* ]] || continue
    for name in "${NAMES[@]}"; do
        if [ "$fmt" = xlsx ]; then
            start "$LINKS_DB" "${BIN[$name]}"
            r=$(measure xlsx "/links/export.xlsx?mode=direct" "$OUT/links-$name.xlsx")
        else
            start "$PDF_DB" "${BIN[$name]}"
            r=$(measure pdf "/customers/export.pdf?mode=direct&view=current" "$OUT/customers-$name.pdf")
        fi
        IFS='|' read -r _ secs _ before peak <<< "$r"
        TIMES[$fmt-$name]="$secs"; BEFORE[$fmt-$name]=$before; PEAK[$fmt-$name]=$peak
        echo "$fmt $name: $secs s, peak $((peak / 1024)) MB" >&2
    done
done
[ "$ROWS" -gt 0 ] || ROWS=$(( $(wc -l < "$OUT/links.csv") - 1 ))
cp "$OUT/links-${NAMES[0]}.csv" "$OUT/links.csv" 2>/dev/null || true
PDF_ROWS=$PDF_CUSTOMERS

# The reference: XlsxWriter, constant memory, the same rows and columns (read from our CSV).
cat > "$OUT/xlsxwriter_ref.py" <<'PY'
import csv, sys, time, resource, xlsxwriter
src, dst = sys.argv[1], sys.argv[2]
t0 = time.time()
wb = xlsxwriter.Workbook(dst, {"constant_memory": True})
ws = wb.add_worksheet("All access links")
bold = wb.add_format({"bold": True})
ints = {5, 6}
with open(src, newline="", encoding="utf-8-sig") as f:
    for r, row in enumerate(csv.reader(f)):
        for c, v in enumerate(row):
            if r > 0 and c in ints and v:
                ws.write_number(r, c, int(v))
            elif r == 0:
                ws.write_string(r, c, v, bold)
            else:
                ws.write_string(r, c, v)
ws.freeze_panes(1, 0)
wb.close()
print(f"{time.time() - t0:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
PY
PY_SECS=""
if [ "${PYTHON_REF:-1}" = 1 ]; then
    read -r PY_SECS PY_RSS < <(python3 "$OUT/xlsxwriter_ref.py" "$OUT/links.csv" "$OUT/links-ref.xlsx")
fi

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "rows: access links $ROWS; pdf $PDF_ROWS customers; CSV: median of $REPEAT downloads per build"
    echo
    echo "| build | export | rows | time | rows/s | server RSS before | server peak RSS | runs (s) |"
    echo "|---|---|---|---|---|---|---|---|"
    for fmt in csv xlsx pdf; do
        for name in "${NAMES[@]}"; do
            [ -n "${TIMES[$fmt-$name]:-}" ] || continue
            n=$ROWS; [ "$fmt" = pdf ] && n=$PDF_ROWS
            secs=$(echo "${TIMES[$fmt-$name]}" | tr ' ' '\n' | grep . | median)
            printf '| %s | %s | %d | %.2f s | %.0f | %.1f MB | %.1f MB | %s |\n' "$name" "$fmt" "$n" "$secs" \
                "$(echo "$n / $secs" | bc -l)" "$(echo "${BEFORE[$fmt-$name]} / 1024" | bc -l)" \
                "$(echo "${PEAK[$fmt-$name]} / 1024" | bc -l)" "${TIMES[$fmt-$name]% }"
        done
    done
    if [ -n "$PY_SECS" ]; then
        printf '| reference | XlsxWriter (Python, constant_memory) | %d | %.2f s | %.0f | – | %.1f MB | |\n' "$ROWS" "$PY_SECS" \
            "$(echo "$ROWS / $PY_SECS" | bc -l)" "$(echo "$PY_RSS / 1024" | bc -l)"
        for name in "${NAMES[@]}"; do
            [ -n "${TIMES[xlsx-$name]:-}" ] || continue
            printf 'XLSX of %s: %.1f× faster than XlsxWriter\n' "$name" "$(echo "$PY_SECS / ${TIMES[xlsx-$name]}" | bc -l)"
        done
    fi
} | tee "$OUT/exports.txt"
