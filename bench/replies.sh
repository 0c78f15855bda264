#!/usr/bin/env bash
# Replies through the SMTP listener to rsvp@: N attendees' answers pushed by Postfix's
# smtp-source over S parallel sessions; reports answers recorded per second (a message
# counts once its 250 is back, which CIS sends only after the answer is committed).
# The answers are four real replies of the corpus (Google, Outlook for Mac, Apple iOS,
# Thunderbird), rewritten to answer invitations CIS issued; each smtp-source repeats its
# message, so after the first every answer is recorded in the history as "stale" —
# the same work: MIME, iCalendar, the UID lookup, the history row.
# Usage: bench/replies.sh BUILD_DIR N SESSIONS
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
n=${2:-20000}
sessions=${3:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/../shared/corpus/replies"
[[ -d $corpus ]] || { echo "bench: $corpus is absent"; exit 1; }
source "$root/bench/common.sh"
require smtp-source sqlite3
port=$(free_port)
export CIS_DATA_DIR="$work/data" CIS_DOMAIN=bench.test CIS_SMTP_LISTEN="127.0.0.1:$port"
export CIS_INBOUND_REQUIRE_DKIM=false CIS_LOG_LEVEL=warn

"$build/cis" organizer add org@example.org >/dev/null
invitation reply-event 0 20300601T180000Z 20300601T200000Z | "$build/cis" ingest --rcpt create@bench.test >/dev/null
event=$(sqlite3 "$work/data/cis.sqlite3" "select id from events limit 1")
replies=(google-reply-accepted.ics outlook-mac2011-reply-declined.eml
         apple-ios-reply-tentative.eml thunderbird-lightning-reply-accepted.eml)
for i in "${!replies[@]}"; do
  sqlite3 "$work/data/cis.sqlite3" "INSERT INTO invitees (event_id, email, origin, uid, delivery,
    invited_at) VALUES ('$event', 'guest$i@example.org', 'bench', 'bench-$i@bench.test', 'sent', 0)"
  /usr/bin/python3 - "$corpus/${replies[$i]}" "$work/reply$i.eml" "bench-$i@bench.test" "guest$i@example.org" <<PY
import pathlib, sys
sys.path.insert(0, "$root/tests/e2e")
from test_replies import rewrite
src, out, uid, who = sys.argv[1:]
pathlib.Path(out).write_bytes(rewrite(pathlib.Path(src).read_bytes(), src.endswith(".ics"), uid, who))
PY
done
"$build/cis" serve >"$work/serve.log" 2>&1 & echo $! >"$work/cis.pid"
wait_port $port

start=$(date +%s.%N)
pids=()
for i in "${!replies[@]}"; do
  smtp-source -s $((sessions / 4)) -m $((n / 4)) -F "$work/reply$i.eml" -f "guest$i@example.org" \
    -t "rsvp@bench.test" "127.0.0.1:$port" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
end=$(date +%s.%N)
kill "$(cat "$work/cis.pid")"; wait "$(cat "$work/cis.pid")" 2>/dev/null || true
recorded=$(sqlite3 "$work/data/cis.sqlite3" "select count(*) from replies")
outcomes=$(sqlite3 "$work/data/cis.sqlite3" "select status || '=' || count(*) from inbound group by status" | tr '\n' ' ')
answers=$(sqlite3 "$work/data/cis.sqlite3" "select email || '=' || status || '/' || client from invitees order by email" | tr '\n' ' ')
echo "replies: messages=$n sessions=$sessions recorded=$recorded seconds=$(/usr/bin/python3 -c "print(f'{$end-$start:.2f}')") rate=$(/usr/bin/python3 -c "print(f'{$recorded/($end-$start):.0f}')")/s"
echo "  outcomes: $outcomes; answers kept: $answers"
[[ $recorded -eq $n ]] || { echo "bench: only $recorded of $n answers were recorded"; exit 1; }
