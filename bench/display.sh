#!/usr/bin/env bash
# The display read path under load: GET /event/{id} and GET /event/{id}/statistics with
# 1 000 000 invitees in the database (900 000 on the event asked about, 100 000 spread over
# 20 other events), each called by wrk -t2 -c32 --latency for D seconds, R rounds.
# The invitees are seeded with SQL through sqlite3 while migration 3's triggers are active,
# so the counters are built the way the server builds them. Prints requests/s and p99 per
# run, then the medians.
# Usage: bench/display.sh BUILD_DIR [ROUNDS=3] [SECONDS=10]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
rounds=${2:-3}
seconds=${3:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/common.sh"
require wrk sqlite3
http_port=$(free_port)
export CIS_DATA_DIR="$work/data" CIS_DOMAIN=bench.test CIS_LOG_LEVEL=warn
export CIS_SMTP_LISTEN="127.0.0.1:$(free_port)" CIS_HTTP_LISTEN="127.0.0.1:$http_port"
export CIS_INBOUND_REQUIRE_DKIM=false

"$build/cis" organizer add org@example.org >/dev/null
for k in $(seq 0 20); do
  invitation "display-$k" 0 20300601T180000Z 20300601T200000Z | "$build/cis" ingest --rcpt create@bench.test >/dev/null
done
db="$work/data/cis.sqlite3"
event=$(sqlite3 "$db" "select id from events where original_uid = 'display-0'")
[[ -n $event ]] || { echo "bench: the event was not created"; exit 1; }
seed_start=$(date +%s.%N)
sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 999999)
INSERT INTO invitees (event_id, email, name, origin, uid, status, client, delivery, invited_at)
SELECT CASE WHEN k < 900000 THEN '$event'
            ELSE (SELECT id FROM events WHERE original_uid = 'display-' || (1 + k % 20)) END,
       'guest' || k || '@example.org', 'Guest ' || k, CASE k % 3 WHEN 0 THEN 'api' WHEN 1 THEN 'cta' ELSE 'csv' END,
       'bench-' || k || '@bench.test', CASE k % 4 WHEN 0 THEN 'yes' WHEN 1 THEN 'no' WHEN 2 THEN 'maybe' ELSE 'none' END,
       CASE k % 4 WHEN 3 THEN '' ELSE CASE k % 3 WHEN 0 THEN 'google' WHEN 1 THEN 'microsoft' ELSE 'apple' END END,
       CASE k % 10 WHEN 0 THEN 'queued' WHEN 1 THEN 'failed' ELSE 'sent' END, 1700000000
FROM n;
COMMIT;
SQL
seed_end=$(date +%s.%N)
echo "seeded: $(sqlite3 "$db" "select count(*) from invitees") invitees in $(/usr/bin/python3 -c "print(f'{$seed_end-$seed_start:.1f}')") s (triggers active)"
"$build/cis" serve >"$work/serve.log" 2>&1 & echo $! >"$work/cis.pid"
for _ in $(seq 100); do grep -q '^cis_' "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
key=$(grep '^cis_' "$work/serve.log")
wait_port $http_port
curl -fsS -H "X-API-Key: $key" "http://127.0.0.1:$http_port/event/$event/statistics"; echo

# The same machine's ceiling for an answer that reads nothing, as a reference: other work
# on the machine moves both figures.
wrk -t2 -c32 -d"${seconds}s" --latency "http://127.0.0.1:$http_port/healthz" |
  awk '/Requests\/sec/ {r=$2} $1 == "99%" {p=$2} END {print "reference: GET /healthz " r " req/s, p99 " p}'
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for path in "/event/$event" "/event/$event/statistics"; do
  rates=() p99s=()
  for r in $(seq "$rounds"); do
    out=$(wrk -t2 -c32 -d"${seconds}s" --latency -H "X-API-Key: $key" "http://127.0.0.1:$http_port$path")
    rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) sub(/ms/,"",v); else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    [[ -z $non2xx ]] || { echo "bench: $non2xx answers were not 2xx"; exit 1; }
    echo "  ${path/$event/{id\}} run $r: $rate req/s, p99 $p99 ms"
    rates+=("$rate") p99s+=("$p99")
  done
  echo "GET ${path/$event/{id\}}: median $(printf '%s\n' "${rates[@]}" | median) req/s, p99 median $(printf '%s\n' "${p99s[@]}" | median) ms"
done
