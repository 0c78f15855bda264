#!/usr/bin/env bash
# Inbound throughput: N real corpus invitations pushed through cis's SMTP listener by
# Postfix's smtp-source over S parallel sessions; reports messages stored per second.
# A message counts once its 250 has come back (250 is only sent after the commit).
# Usage: bench/smtp_intake.sh BUILD_DIR N SESSIONS dkim(on|off)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
n=${2:-20000}
sessions=${3:-16}
dkim=${4:-off}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/../shared/corpus/inbound-request"
[[ -d $corpus ]] || { echo "bench: $corpus is absent"; exit 1; }
command -v smtp-source >/dev/null || PATH=$PATH:/usr/sbin
command -v smtp-source >/dev/null || { echo "bench: smtp-source missing (scripts/install-deps.sh --bench)"; exit 1; }

work=$(mktemp -d)
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export CIS_DATA_DIR="$work/data" CIS_DOMAIN=bench.test CIS_SMTP_LISTEN="127.0.0.1:$port"
export CIS_INBOUND_ACCEPT_PAST_EVENTS=true CIS_LOG_LEVEL=warn

# Four real invitations of different clients and sizes, each sent by its own
# smtp-source over SESSIONS/4 connections at the same time.
messages=(
  "$corpus/o365-exchange2010-request-series-seq0-real.eml"   # Office 365, 33 KB
  "$corpus/google-request-2012.eml"                          # Google, 13 KB
  "$corpus/outlook2010-request-qp.eml"                       # Outlook 2010, quoted-printable
  "$corpus/thunderbird-lightning-request.eml"                # Thunderbird
)
if [[ $dkim == on ]]; then
  export CIS_INBOUND_REQUIRE_DKIM=true CIS_INBOUND_DKIM_KEY_FILE="$work/keys"
else
  export CIS_INBOUND_REQUIRE_DKIM=false
fi
senders=()
for i in "${!messages[@]}"; do
  # The From: of each message becomes an organizer; with DKIM on, each message is
  # signed for its From: domain with a fresh key that CIS reads from a file.
  out="$work/msg$i.eml"
  sender=$(/usr/bin/python3 "$root/bench/prepare_message.py" "${messages[$i]}" "$out" "$dkim" "$work/keys" "bench$i")
  messages[$i]=$out
  senders+=("$sender")
  "$build/cis" organizer add "$sender" >/dev/null
done
"$build/cis" serve >"$work/serve.log" 2>&1 & echo $! >"$work/pid"
for _ in $(seq 100); do /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break; sleep 0.1; done

start=$(date +%s.%N)
pids=()
for i in "${!messages[@]}"; do
  smtp-source -s $((sessions / 4)) -m $((n / 4)) -F "${messages[$i]}" -f "${senders[$i]}" \
    -t "create@bench.test" "127.0.0.1:$port" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
end=$(date +%s.%N)
kill "$(cat "$work/pid")"; wait "$(cat "$work/pid")" 2>/dev/null || true
stored=$(sqlite3 "$work/data/cis.sqlite3" "select count(*) from inbound")
outcomes=$(sqlite3 "$work/data/cis.sqlite3" "select status || '=' || count(*) from inbound group by status" | tr '\n' ' ')
reasons=$(sqlite3 "$work/data/cis.sqlite3" "select status || ': ' || reason || ' (' || count(*) || ')' from inbound where status not in ('created','unchanged') group by status, reason limit 3")
[[ -z $reasons ]] || echo "bench: other outcomes: $reasons"
rate=$(/usr/bin/python3 -c "print(f'{$stored/($end-$start):.0f}')")
echo "smtp intake: dkim=$dkim messages=$n sessions=$sessions stored=$stored seconds=$(/usr/bin/python3 -c "print(f'{$end-$start:.2f}')") rate=${rate}/s outcomes: $outcomes"
[[ $stored -eq $n ]] || { echo "bench: only $stored of $n messages were stored"; exit 1; }
