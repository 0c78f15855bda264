#!/usr/bin/env bash
# Outbound throughput: N invitations requested through the HTTP API (wrk, 2 threads,
# 64 connections) and delivered to Postfix's smtp-sink on loopback. Reports the API's
# accept rate and the end-to-end rate: requests until the last message is handed over.
# Usage: bench/api_invites.sh BUILD_DIR N [connections to the relay] [dkim: off|rsa|ed25519]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
n=${2:-20000}
relay_connections=${3:-8}
dkim=${4:-off}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/common.sh"
require smtp-sink wrk sqlite3
start_sink_and_relay_env
if [[ $dkim != off ]]; then  # every outgoing message signed with a fresh key
  if [[ $dkim == rsa ]]; then openssl genrsa -out "$work/dkim.pem" 2048 2>/dev/null
  else openssl genpkey -algorithm ed25519 -out "$work/dkim.pem"; fi
  export CIS_OUTBOUND_DKIM_SIGN=true CIS_OUTBOUND_DKIM_KEY="$work/dkim.pem" CIS_OUTBOUND_DKIM_SELECTOR=bench
fi
"$build/cis" organizer add org@example.org --name "Bench Organizer" >/dev/null
invitation bench-event 0 20300601T180000Z 20300601T200000Z | "$build/cis" ingest --rcpt create@bench.test >/dev/null
event=$(sqlite3 "$work/data/cis.sqlite3" "select id from events limit 1")
"$build/cis" serve >"$work/serve.log" 2>&1 & echo $! >"$work/cis.pid"
for _ in $(seq 100); do grep -q '^cis_' "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
key=$(grep '^cis_' "$work/serve.log")
# The key is printed before the listeners are up: wait for the HTTP port too.
wait_port $http_port

cat >"$work/invite.lua" <<LUA
local thread_id = 0
local counter = 0
function setup(thread) thread_id = thread_id + 1; thread:set("tid", thread_id) end
function init(args) counter = 0 end
function request()
  counter = counter + 1
  local body = string.format('{"email":"guest-%d-%d@example.org","origin":"api"}', tid, counter)
  return wrk.format("POST", "/event/$event/invite",
    {["X-API-Key"] = "$key", ["Content-Type"] = "application/json"}, body)
end
LUA
# wrk runs for a time, not a count: run long enough for N requests, then count what
# was queued and wait for its delivery.
start=$(date +%s.%N)
wrk -t2 -c64 -d$((n / 4000 + 2))s --latency -s "$work/invite.lua" "http://127.0.0.1:$http_port" >"$work/wrk.txt"
api_end=$(date +%s.%N)
queued=$(sqlite3 "$work/data/cis.sqlite3" "select count(*) from outbox where kind='invite'")
# Counting what is left uses the (state, next_attempt_at) index: the poll itself costs
# next to nothing, so it does not slow down what it measures.
while [[ $(sqlite3 "$work/data/cis.sqlite3" "select count(*) from outbox where state in ('queued','sending','committing')") -gt 0 ]]; do
  sleep 0.05
done
end=$(date +%s.%N)
sent=$(sqlite3 "$work/data/cis.sqlite3" "select count(*) from outbox where kind='invite' and state='sent'")
# CPU seconds the cis process and smtp-sink used (utime + stime, in clock ticks).
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
cis_cpu=$(cpu "$(cat "$work/cis.pid")"); sink_cpu=$(cpu "$(cat "$work/sink.pid")")
/usr/bin/python3 - "$start" "$api_end" "$end" "$queued" "$sent" "$cis_cpu" "$sink_cpu" <<PY
import sys
start, api_end, end, queued, sent, cis_cpu, sink_cpu = map(float, sys.argv[1:])
print(f"api invites (DKIM $dkim): queued={int(queued)} in {api_end-start:.2f}s ({queued/(api_end-start):.0f}/s accepted); "
      f"delivered={int(sent)} to smtp-sink in {end-start:.2f}s end to end ({sent/(end-start):.0f}/s)")
print(f"  cpu: cis {cis_cpu:.1f}s ({cis_cpu/max(sent,1)*1e6:.0f} us per invitation), smtp-sink {sink_cpu:.1f}s")
PY
grep -E "Requests/sec|99%|Non-2xx" "$work/wrk.txt" | sed 's/^/  wrk: /'
