# Sourced by the outbound benchmarks: the tools check, a work directory removed (with
# every process whose pid file it holds) on exit, free loopback ports, Postfix's
# smtp-sink, and the environment of a `cis serve` that relays to it.
# Needs `root` set by the caller (and `relay_connections` for start_sink_and_relay_env).
command -v smtp-sink >/dev/null || PATH=$PATH:/usr/sbin
require() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool missing (scripts/install-deps.sh --bench)"; exit 1; }
  done
}
work=$(mktemp -d)
cleanup() { kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.1; done; }

# smtp-sink refuses to run as root without a user to switch to.
start_sink_and_relay_env() {
  sink_port=$(free_port); smtp_port=$(free_port); http_port=$(free_port)
  local sink_user=(); [[ $(id -u) -eq 0 ]] && sink_user=(-u nobody)
  smtp-sink "${sink_user[@]}" 127.0.0.1:$sink_port 1000 >/dev/null 2>&1 & echo $! >"$work/sink.pid"
  export CIS_DATA_DIR="$work/data" CIS_DOMAIN=bench.test CIS_LOG_LEVEL=warn
  export CIS_SMTP_LISTEN=127.0.0.1:$smtp_port CIS_HTTP_LISTEN=127.0.0.1:$http_port
  export CIS_INBOUND_REQUIRE_DKIM=false CIS_OUTBOUND_TRANSPORT=smtp CIS_OUTBOUND_RELAY_TLS=off
  export CIS_OUTBOUND_RELAY_PORT=$sink_port CIS_OUTBOUND_RELAY_CONNECTIONS=$relay_connections
}

# An organizer's invitation (tests/e2e's make_invite) on stdout: UID, SEQUENCE, start, end.
invitation() {
  /usr/bin/python3 -c "
import sys; sys.path.insert(0, '$root/tests/e2e'); from cis_harness import make_invite
sys.stdout.buffer.write(make_invite('$1', 'org@example.org', summary='Benchmark match', sequence=$2, start='$3', end='$4'))"
}

# The organizer org@example.org and one event of theirs, stored through `cis ingest` (a
# server is not running yet); its id in $event. Args: UID.
organizer_with_event() {
  "$build/cis" organizer add org@example.org --name "Bench Organizer" >/dev/null
  invitation "$1" 0 20300601T180000Z 20300601T200000Z | "$build/cis" ingest --rcpt create@bench.test >/dev/null
  event=$(sqlite3 "$work/data/cis.sqlite3" "select id from events limit 1")
}
