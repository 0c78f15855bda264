#!/usr/bin/env bash
# Batch import and invitee report (issue 5): a season of 2 500 games (America/New_York,
# with its VTIMEZONE) posted to POST /events/import as .ics and as CSV, re-imported
# unchanged, and mailed to create@ over SMTP; then the invitee report of an event with
# 100 000 invitees downloaded and mailed. Three runs each (a new organizer per run, so
# every first import creates 2 500 events); prints every run and the median.
# Usage: bench/event_import.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/common.sh"
require sqlite3 curl
smtp_port=$(free_port); http_port=$(free_port)
export CIS_DATA_DIR="$work/data" CIS_DOMAIN=bench.test CIS_LOG_LEVEL=warn
export CIS_SMTP_LISTEN=127.0.0.1:$smtp_port CIS_HTTP_LISTEN=127.0.0.1:$http_port
export CIS_INBOUND_REQUIRE_DKIM=false
"$build/cis" serve >"$work/serve.log" 2>&1 & echo $! >"$work/cis.pid"
for _ in $(seq 100); do grep -q '^cis_' "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
key=$(grep '^cis_' "$work/serve.log")
wait_port $http_port

BENCH_KEY=$key BENCH_HTTP=$http_port BENCH_SMTP=$smtp_port BENCH_DB="$work/data/cis.sqlite3" \
BENCH_CIS="$build/cis" /usr/bin/python3 - <<'PY'
import os, sqlite3, smtplib, statistics, subprocess, sys, time, urllib.request
sys.path.insert(0, os.path.join(os.environ.get("PWD", "."), "tests/e2e"))
from datetime import timedelta
from email.message import EmailMessage
from test_event_import import season_games, season_ics

key, http, smtp = os.environ["BENCH_KEY"], os.environ["BENCH_HTTP"], os.environ["BENCH_SMTP"]

def post(path, body, ctype):
    req = urllib.request.Request(f"http://127.0.0.1:{http}{path}", data=body, method="POST",
                                 headers={"X-API-Key": key, "Content-Type": ctype})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as r:
        r.read()
    return time.perf_counter() - t

def get(path):
    req = urllib.request.Request(f"http://127.0.0.1:{http}{path}", headers={"X-API-Key": key})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as r:
        size = len(r.read())
    return time.perf_counter() - t, size

def season_csv():
    rows = ["summary,start,end,timezone,location,uid"]
    for uid, summary, start in season_games():
        end = start + timedelta(hours=3)
        rows.append(f"{summary},{start:%Y-%m-%d %H:%M},{end:%Y-%m-%d %H:%M},"
                    f"America/New_York,Stadium,{uid}")
    return ("\r\n".join(rows) + "\r\n").encode()

def organizer(n):
    email = f"org{n}@bench.example"
    subprocess.run([os.environ["BENCH_CIS"], "organizer", "add", email], check=True,
                   capture_output=True)
    return email

def report(name, runs):
    print(f"{name}: runs {', '.join(f'{r * 1000:.0f} ms' for r in runs)}; "
          f"median {statistics.median(runs) * 1000:.0f} ms")

n = 0
ics_first, ics_again, csv_first, smtp_first = [], [], [], []
for run in range(3):
    n += 1; org = organizer(n)
    ics = season_ics(organizer=org)
    ics_first.append(post(f"/events/import?organizer={org}", ics, "text/calendar"))
    ics_again.append(post(f"/events/import?organizer={org}", ics, "text/calendar"))
    n += 1; org = organizer(n)
    csv_first.append(post(f"/events/import?organizer={org}", season_csv(), "text/csv"))
    n += 1; org = organizer(n)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = org, "create@bench.test", "Season"
    msg.set_content("Season")
    msg.add_attachment(season_ics(organizer=org), maintype="text", subtype="calendar",
                       filename="season.ics")
    raw = msg.as_bytes()
    t = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", int(smtp), timeout=300) as s:
        s.sendmail(org, ["create@bench.test"], raw)
    smtp_first.append(time.perf_counter() - t)
print(f".ics of 2 500 games: {len(ics)} bytes")
report("POST /events/import, 2 500 new games (.ics)", ics_first)
report("POST /events/import, the same 2 500 again (unchanged)", ics_again)
report("POST /events/import, 2 500 new games (CSV)", csv_first)
report("create@ over SMTP, 2 500 new games (.ics attached), until 250", smtp_first)

db = sqlite3.connect(os.environ["BENCH_DB"], timeout=30)
event = db.execute("SELECT id FROM events LIMIT 1").fetchone()[0]
with db:
    db.executemany("INSERT INTO invitees (event_id, email, name, origin, uid, invited_at, status, "
                   "client, responded_at) VALUES (?, ?, ?, 'bulk', ?, 1900000000, 'yes', 'google', "
                   "1900000500)",
                   ((event, f"guest{i:06}@example.org", f"Guest {i:06}", f"u{i}@bench")
                    for i in range(100000)))
db.close()
downloads, sizes = [], []
for _ in range(3):
    t, size = get(f"/event/{event}/report.csv")
    downloads.append(t); sizes.append(size)
report(f"GET /event/{{id}}/report.csv, 100 000 invitees ({sizes[0]} bytes)", downloads)
report("POST /event/{id}/report, 100 000 invitees (over the limit: link)",
       [post(f"/event/{event}/report", b"", "application/json") for _ in range(3)])
PY
