#!/usr/bin/env bash
# Fan-out of one update to N attendees who answered Yes, until every message is handed
# to Postfix's smtp-sink on loopback (issue 4's target: 100 000 in ≤ 20 s).
# Usage: bench/fanout.sh BUILD_DIR [N] [connections to the relay]
# The attendees are written straight into the database (an invitation each, already
# sent, and a Yes): what is measured is the update, from the organizer's SMTP
# transaction to the last message handed over.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
n=${2:-100000}
relay_connections=${3:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/common.sh"
require smtp-sink sqlite3
start_sink_and_relay_env
organizer_with_event fan-event
sqlite3 "$work/data/cis.sqlite3" <<SQL
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n)
INSERT INTO invitees (event_id, email, name, origin, uid, status, partstat, client, delivery,
                      invited_at, sent_at, responded_at, reply_sequence, reply_dtstamp)
SELECT '$event', 'fan' || i || '@example.org', '', 'bench', 'bench-' || i || '@bench.test',
       'yes', 'ACCEPTED', 'google', 'sent', 0, 0, 0, 0, 0 FROM k;
INSERT INTO outbox (kind, event_id, invitee_id, sequence, env_from, rcpt, state,
                    next_attempt_at, created_at, sent_at)
SELECT 'invite', event_id, id, 0, 'bounce@bench.test', email, 'sent', 0, 0, 0 FROM invitees;
SQL
"$build/cis" serve >"$work/serve.log" 2>&1 & echo $! >"$work/cis.pid"
wait_port $smtp_port

invitation fan-event 1 20300601T190000Z 20300601T210000Z >"$work/update.eml"
start=$(date +%s.%N)
/usr/bin/python3 - "$smtp_port" "$work/update.eml" <<'PY'
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=300) as s:
    s.sendmail("org@example.org", ["create@bench.test"], open(sys.argv[2], "rb").read())
PY
accepted=$(date +%s.%N)
while [[ $(sqlite3 "$work/data/cis.sqlite3" "select count(*) from outbox where state in ('queued','sending','committing')") -gt 0 ]]; do
  sleep 0.1
done
end=$(date +%s.%N)
sent=$(sqlite3 "$work/data/cis.sqlite3" "select count(*) from outbox where kind='update' and state='sent'")
/usr/bin/python3 - "$start" "$accepted" "$end" "$sent" <<PY
import sys
start, accepted, end, sent = map(float, sys.argv[1:])
print(f"fan-out: {int(sent)} updates; organizer's mail accepted (version stored, fan-out queued) "
      f"in {accepted-start:.2f}s; all handed to smtp-sink after {end-start:.2f}s "
      f"({sent/(end-start):.0f}/s)")
PY
