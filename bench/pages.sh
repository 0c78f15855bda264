#!/usr/bin/env bash
# The schedule page of 2 500 games (issue 6's target: ≤ 20 ms per render): a fresh
# `cis serve` gets tests/e2e's season of 2 500 events through POST /events/import and a
# schedule page through POST /pages; then
#  (a) the server's own time per render, from the Server-Timing: render;dur= header of
#      REQUESTS sequential GET /p/{id} on one keep-alive connection: median, p90, p99;
#  (b) the same with Accept-Encoding: gzip, as every browser sends: render;dur= plus
#      the server's gzip;dur=, and the bytes that travel;
#  (c) wrk -t2 -c8 --latency for SECONDS on GET /p/{id}, without and with gzip:
#      requests/s, p50 and p99.
# Prints one summary line at the end.
# Usage: bench/pages.sh BUILD_DIR [REQUESTS=300] [SECONDS=10]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
requests=${2:-300}
seconds=${3:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/common.sh"
require wrk curl
http_port=$(free_port)
org=coach@club.example
export CIS_DATA_DIR="$work/data" CIS_DOMAIN=bench.test CIS_LOG_LEVEL=warn
export CIS_SMTP_LISTEN="127.0.0.1:$(free_port)" CIS_HTTP_LISTEN="127.0.0.1:$http_port"
export CIS_INBOUND_REQUIRE_DKIM=false CIS_HTTP_PUBLIC_URL="http://127.0.0.1:$http_port"

"$build/cis" organizer add "$org" >/dev/null
"$build/cis" serve >"$work/serve.log" 2>&1 & echo $! >"$work/cis.pid"
for _ in $(seq 100); do grep -q '^cis_' "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
key=$(grep '^cis_' "$work/serve.log")
wait_port $http_port
base="http://127.0.0.1:$http_port"

/usr/bin/python3 -c "
import sys; sys.path.insert(0, '$root/tests/e2e'); from test_event_import import season_ics
sys.stdout.buffer.write(season_ics(organizer='$org'))" >"$work/season.ics"
curl -fsS -H "X-API-Key: $key" -H 'Content-Type: text/calendar' --data-binary @"$work/season.ics" \
  "$base/events/import?organizer=$org" | /usr/bin/python3 -c 'import json,sys; print("imported:", json.load(sys.stdin)["counts"])'
page=$(curl -fsS -H "X-API-Key: $key" -H 'Content-Type: application/json' \
  -d "{\"kind\":\"schedule\",\"organizer\":\"$org\",\"title\":\"Season 2030\"}" "$base/pages" |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
path="/p/$page"
size=$(curl -fsS "$base$path" | wc -c)
echo "page: GET $path, $size bytes, $(curl -fsS "$base$path" | grep -c 'class="event"') events"

# (a), (b) The server's time, not the client's: what a render (and its gzip) costs.
server_time() {
  /usr/bin/python3 - "$http_port" "$path" "$requests" "$1" <<'PY'
import http.client, re, statistics, sys
port, path, n, encoding = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
durs, gz, size = [], [], 0
for _ in range(n):
    conn.request("GET", path, headers={"Accept-Encoding": encoding})
    r = conn.getresponse()
    size = len(r.read())
    assert r.status == 200, r.status
    assert (r.getheader("Content-Encoding") == "gzip") == (encoding == "gzip"), r.getheaders()
    timing = ", ".join(v for k, v in r.getheaders() if k.lower() == "server-timing")
    spent = [float(m) for m in re.findall(r"(?:render|gzip);dur=([0-9.]+)", timing)]
    assert len(spent) == (2 if encoding == "gzip" else 1), f"Server-Timing: {timing}"
    durs.append(sum(spent))
    gz.append(spent[1] if len(spent) > 1 else 0.0)
durs.sort()
q = lambda p: durs[min(len(durs) - 1, int(p * len(durs)))]
print(f"{statistics.median(durs):.2f} {q(0.90):.2f} {q(0.99):.2f} {size} {statistics.median(gz):.2f}")
PY
}
t=$(server_time identity)  # an assignment, so a failure stops the script
read -r med p90 p99 _ _ <<<"$t"
echo "server time per render over $requests requests: median $med ms, p90 $p90 ms, p99 $p99 ms"
t=$(server_time gzip)
read -r gmed gp90 gp99 gsize gzip_only <<<"$t"
echo "render + gzip over $requests requests: median $gmed ms, p90 $gp90 ms, p99 $gp99 ms" \
     "(gzip alone: median $gzip_only ms); $gsize bytes sent instead of $size"

# (c) Throughput with the client's view of latency; prints "req/s p50 p99".
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) sub(/ms/,"",v); else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v }'; }
throughput() {
  local out non2xx
  out=$(wrk -t2 -c8 -d"${seconds}s" --latency "$@" "$base$path") || exit 1  # ends the $(...)
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  [[ -z $non2xx ]] || { echo "bench: $non2xx answers were not 2xx" >&2; exit 1; }
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")" \
       "$(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
}
t=$(throughput)
read -r rate w50 w99 <<<"$t"
echo "wrk -t2 -c8 -d${seconds}s GET /p/{id}: $rate req/s, p50 $w50 ms, p99 $w99 ms"
t=$(throughput -H 'Accept-Encoding: gzip')
read -r grate g50 g99 <<<"$t"
echo "wrk -t2 -c8 -d${seconds}s GET /p/{id} with gzip: $grate req/s, p50 $g50 ms, p99 $g99 ms"
echo "pages: schedule of 2500 events, render median $med ms (p90 $p90, p99 $p99), wrk $rate req/s" \
     "(p50 $w50 ms, p99 $w99 ms); with gzip median $gmed ms (gzip $gzip_only), $gsize of $size bytes, wrk $grate req/s" \
     "(p50 $g50 ms, p99 $g99 ms)"
