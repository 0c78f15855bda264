"""Delivery through a real Postfix on loopback: CIS → private Postfix instance (relay) →
Postfix's smtp-sink, which keeps every message it accepts (postfix_instance.py).

test_relay_delivery.py drives CIS's relay transport against a scripted server that can
misbehave on demand; this one checks that what CIS hands to a real MTA comes out the
other side intact: one copy per recipient, the VERP envelope sender kept, the iMIP
invitation unchanged apart from Postfix's Received: header, and the reply Postfix gave
("queued as <id>") recorded as the invitation's delivery.
"""
import re
import time

import icalendar
import pytest

from cis_harness import DOMAIN, Cis
from postfix_instance import PostfixRelay, SmtpSink, missing


@pytest.fixture
def chain(tmp_path):
    """smtp-sink, and a private Postfix relaying to it; stopped whatever happens."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    sink = SmtpSink(tmp_path / "sink")
    postfix = PostfixRelay(tmp_path / "postfix", relayhost=f"[127.0.0.1]:{sink.port}")
    try:
        sink.start()
        postfix.start()
        yield postfix, sink
    finally:
        # Printed on teardown: pytest shows it only when the test failed.
        print(postfix.diagnostics())
        print(sink.diagnostics())
        try:
            postfix.stop()
        finally:
            sink.stop()


def relay_cis(tmp_path, postfix):
    """CIS with its relay transport pointed at the Postfix instance (not started yet, so
    that a failed start is inside the test's try and still stops the process)."""
    return Cis(tmp_path / "data", CIS_OUTBOUND_TRANSPORT="smtp", CIS_OUTBOUND_RELAY_HOST="127.0.0.1",
               CIS_OUTBOUND_RELAY_PORT=postfix.port, CIS_OUTBOUND_RELAY_TLS="off",
               CIS_OUTBOUND_RETRY_BASE=1, CIS_INBOUND_REQUIRE_DKIM="false",
               CIS_HTTP_PUBLIC_URL="https://cis.test")


def invite(cis, event_id, address):
    status, body = cis.api("POST", f"/event/{event_id}/invite", cis.admin_key, {"email": address})
    assert status in (200, 202), body
    return body


def wait_until(predicate, what, cis, postfix, sink, timeout=20):
    """Like Cis.wait_for, but a timeout explains itself with all three logs (the teardown
    prints a longer stretch of Postfix's maillog)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n"
                         f"--- cis serve ---\n{cis.log_text()}\n"
                         f"{postfix.diagnostics(tail=3000)}\n{sink.diagnostics()}")


def sent_by_postfix(postfix, sink):
    """recipient → Postfix's deliveries to the sink that the sink accepted (queue ids)."""
    out = {}
    for d in postfix.deliveries():
        if d["status"] == "sent" and d["relay"] == f"127.0.0.1[127.0.0.1]:{sink.port}":
            out.setdefault(d["to"].lower(), []).append(d["queue_id"])
    return out


def by_recipient(sink):
    out = {}
    for m in sink.messages():
        for r in m.rcpts:
            out.setdefault(r.lower(), []).append(m)
    return out


def postfix_received(msg, postfix):
    """The queue id in the Received: header this Postfix instance added, or None."""
    for value in msg.get_all("Received", []):
        m = re.search(rf"\bby {re.escape(postfix.hostname)} \(Postfix\) with E?SMTP\w* id (\w+)",
                      " ".join(str(value).split()))
        if m:
            return m.group(1)
    return None


def without_first_header(raw: bytes) -> bytes:
    """raw minus its first header field (and that field's continuation lines)."""
    lines = raw.split(b"\n")
    i = 1
    while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
        i += 1
    return b"\n".join(lines[i:])


def test_invitations_reach_the_sink_through_postfix(tmp_path, chain):
    postfix, sink = chain
    cis = relay_cis(tmp_path, postfix)
    try:
        cis.start()
        event = cis.create_event(summary="Relay cup")
        guests = ["ann@example.org", "bob@example.org", "cid@example.net"]
        uids = {who: invite(cis, event["id"], who)["uid"] for who in guests}

        def states():
            s = {who: cis.api("GET", f"/event/{event['id']}/invites/{who}", cis.admin_key)[1]
                 for who in guests}
            return s if all(v["state"] == "sent" for v in s.values()) else None
        state = wait_until(states, "CIS to record every invitation as sent", cis, postfix, sink)
        # "Sent" for CIS means Postfix queued it; the sink gets it a moment later.
        expected = {*guests, "org@example.org"}  # and the organizer's "Created" notification
        wait_until(lambda: expected <= sent_by_postfix(postfix, sink).keys(),
                   "Postfix to deliver every message to the sink", cis, postfix, sink)
        time.sleep(0.5)  # a second copy of anything would show up now

        received = by_recipient(sink)
        assert {r: len(ms) for r, ms in received.items()} == {r: 1 for r in expected}, \
            "exactly one message per recipient, nothing else"
        assert {r: len(ids) for r, ids in sent_by_postfix(postfix, sink).items()} == \
            {r: 1 for r in expected}, "one delivery per recipient in Postfix's log"

        outbox = {m["rcpt"].lower(): m for m in cis.outbox()}
        for who in guests:
            [got] = received[who]
            msg = got.message
            # Through Postfix: its Received: header names the queue id that Postfix
            # announced to CIS ("250 2.0.0 Ok: queued as <id>") and logged as sent.
            queue_id = postfix_received(msg, postfix)
            assert queue_id, f"no Received: header from {postfix.hostname}: {msg.get_all('Received')}"
            assert sent_by_postfix(postfix, sink)[who] == [queue_id]
            [attempt] = state[who]["attempts"]
            assert attempt["result"] == "sent" and attempt["reply"].startswith("250")
            assert attempt["reply"].endswith(f"queued as {queue_id}"), attempt["reply"]

            # The VERP envelope sender survives the relay: bounce+<token>@domain.
            assert re.fullmatch(rf"bounce\+[^@]+@{re.escape(DOMAIN)}", got.mail_from), got.mail_from
            assert got.mail_from == outbox[who]["env_from"]
            assert got.rcpts == [who]

            # Byte for byte what CIS rendered, behind the one header Postfix prepends (so a
            # DKIM signature would still verify).
            assert got.raw.startswith(b"Received: ")
            # (The outbox keeps no copy of a message once it has left, so the check is that
            # CIS's own first header follows Postfix's and the Message-ID is the recorded one.)
            assert without_first_header(got.raw).startswith(b"From: ")
            assert msg["Message-ID"].strip("<> ") == outbox[who]["message_id"]

            # The iMIP invitation itself.
            assert msg["To"].addresses[0].addr_spec == who
            parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
            assert len(parts) == 1, [p.get_content_type() for p in msg.walk()]
            assert parts[0].get_param("method") == "REQUEST"
            cal = icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))
            assert str(cal["METHOD"]) == "REQUEST"
            [vevent] = cal.walk("VEVENT")
            assert str(vevent["SUMMARY"]) == "Relay cup"
            assert str(vevent["UID"]) == uids[who]
            assert str(vevent["ORGANIZER"]).lower() == f"mailto:rsvp@{DOMAIN}"
            assert str(vevent["ATTENDEE"]).lower() == f"mailto:{who}"
    finally:
        cis.stop()


def test_two_hundred_invitations_arrive_once_each(tmp_path, chain):
    postfix, sink = chain
    cis = relay_cis(tmp_path, postfix)
    try:
        cis.start()
        event = cis.create_event()
        guests = [f"guest{i:03d}@example.org" for i in range(200)]
        for who in guests:
            invite(cis, event["id"], who)
        expected = {*guests, "org@example.org"}
        wait_until(lambda: expected <= sent_by_postfix(postfix, sink).keys(),
                   "Postfix to deliver all 201 messages to the sink", cis, postfix, sink, timeout=25)
        time.sleep(0.5)  # a second copy of anything would show up now
        counts = {r: len(ms) for r, ms in by_recipient(sink).items()}
        assert counts == {r: 1 for r in expected}, \
            {r: n for r, n in counts.items() if n != 1 or r not in expected}
        assert all(m["state"] == "sent" for m in cis.outbox()), \
            [(m["rcpt"], m["state"], m["last_error"]) for m in cis.outbox() if m["state"] != "sent"]
    finally:
        cis.stop()
