#!/usr/bin/env bash
# A bulk list posted to the API until every row is queued (issue 5's target: 100 000 rows
# in ≤ 10 s). Usage: bench/bulk.sh BUILD_DIR [ROWS] [connections to the relay]
# The clock runs from the POST /event/{id}/invites (a CSV of ROWS distinct addresses)
# until GET /jobs/{id} says done, i.e. every invitation row is in the outbox; meanwhile
# `cis serve` already delivers them to Postfix's smtp-sink, as it would in production.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
n=${2:-100000}
relay_connections=${3:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/common.sh"
require smtp-sink sqlite3
start_sink_and_relay_env
organizer_with_event bulk-event
"$build/cis" serve >"$work/serve.log" 2>&1 & echo $! >"$work/cis.pid"
wait_port $http_port
key=$(grep -m1 '^cis_' "$work/serve.log" || true)
[[ -n "$key" ]] || key=$("$build/cis" key create --role admin | tail -n 1)

/usr/bin/python3 - "$http_port" "$key" "$event" "$n" "$work/data/cis.sqlite3" <<'PY'
import json, sqlite3, sys, time, urllib.request
port, key, event, n, db = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
body = ("email,name\r\n" + "".join(f"guest{i}@example.org,Guest {i}\r\n" for i in range(n))).encode()
def call(method, path, data=None, ctype=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    req.add_header("X-API-Key", key)
    if ctype:
        req.add_header("Content-Type", ctype)
    with urllib.request.urlopen(req, timeout=300) as r:
        return r.status, json.loads(r.read())
start = time.monotonic()
status, job = call("POST", f"/event/{event}/invites", body, "text/csv")
answered = time.monotonic()
assert status == 202, job
while job["state"] not in ("done", "failed"):
    time.sleep(0.05)
    job = call("GET", f"/jobs/{job['id']}")[1]
end = time.monotonic()
assert job["state"] == "done", job
queued = sqlite3.connect(db).execute(
    "select count(*) from outbox where kind = 'invite'").fetchone()[0]
assert queued == n, queued
print(f"bulk: {n} rows ({len(body) / 1e6:.1f} MB) answered 202 in {answered - start:.2f}s; "
      f"all {queued} invitations queued after {end - start:.2f}s ({n / (end - start):.0f} rows/s)")
PY
