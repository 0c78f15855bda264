"""Bounces and complaints at bounce+<token>@ (SPEC §3.5) through the real `cis serve`: the
token in the envelope sender of an invitation leads back to the invitee; a hard bounce
marks the delivery bounced and suppresses the address, a complaint suppresses it, a soft
bounce and an auto-reply change nothing but the record, a forged token counts for nothing."""
import pathlib

from cis_harness import CORPUS, DOMAIN

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "bounces"


def invited(cis, event_id, who):
    status, body = cis.api("POST", f"/event/{event_id}/invite", cis.admin_key, {"email": who})
    assert status == 202, body
    cis.wait_for(lambda: any(m["to"] == who for m in cis.sandbox()), what="the invitation")
    return next(m for m in cis.outbox() if m["rcpt"] == who and m["kind"] == "invite")


def bounce(cis, env_from, raw):
    code, reply = cis.send(raw, rcpt=env_from, mail_from="")
    assert code == 250, reply
    return cis.inbound()[0]


def state(cis, event_id, who):
    return cis.api("GET", f"/event/{event_id}/invites/{who}", cis.admin_key)[1]


def dsn(recipient, status="5.1.1", action="failed", diagnostic="550 5.1.1 User unknown"):
    """A Postfix-style RFC 3464 report about `recipient`, written for these tests."""
    return (
        "From: MAILER-DAEMON@relay.example.net\r\nTo: bounce@cis.test\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; relay.example.net\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; {diagnostic}\r\n\r\n--b1--\r\n").encode()


def test_hard_bounce_suppresses_and_marks_the_delivery(cis):
    event = cis.create_event(uid="u-bounce")
    job = invited(cis, event["id"], "gone@example.org")
    record = bounce(cis, job["env_from"], dsn("gone@example.org"))
    assert record["status"] == "hard_bounce", record["reason"]
    assert record["mailbox"] == "bounce"
    got = state(cis, event["id"], "gone@example.org")
    assert got["state"] == "bounced" and "5.1.1" in got["last_error"]
    other = cis.create_event(uid="u-bounce-2")
    status, body = cis.api("POST", f"/event/{other['id']}/invite", cis.admin_key,
                           {"email": "gone@example.org"})
    assert status == 409 and body["error"]["code"] == "suppressed", body


def test_soft_bounce_and_auto_reply_change_nothing_but_the_record(cis):
    event = cis.create_event(uid="u-soft")
    job = invited(cis, event["id"], "full@example.org")
    record = bounce(cis, job["env_from"], dsn("full@example.org", "4.2.2", "delayed",
                                               "452 4.2.2 Mailbox full"))
    assert record["status"] == "soft_bounce", record["reason"]
    record = bounce(cis, job["env_from"], (FIXTURES / "auto-reply-out-of-office.eml").read_bytes())
    assert record["status"] == "ignored", record["reason"]
    other = cis.create_event(uid="u-soft-2")
    status, _ = cis.api("POST", f"/event/{other['id']}/invite", cis.admin_key,
                        {"email": "full@example.org"})
    assert status == 202, "a full mailbox is not a dead one"


def test_complaint_suppresses(cis):
    event = cis.create_event(uid="u-arf")
    job = invited(cis, event["id"], "angry@example.org")
    record = bounce(cis, job["env_from"], (FIXTURES / "arf-abuse-complaint.eml").read_bytes())
    assert record["status"] == "complaint", record["reason"]
    other = cis.create_event(uid="u-arf-2")
    status, body = cis.api("POST", f"/event/{other['id']}/invite", cis.admin_key,
                           {"email": "angry@example.org"})
    assert status == 409 and "complained" in body["error"]["message"]


def test_forged_token_and_bare_address(cis):
    cis.create_event(uid="u-forge")
    record = bounce(cis, f"bounce+1-000000000000@{DOMAIN}", dsn("x@example.org"))
    assert record["status"] == "quarantined", record["reason"]
    record = bounce(cis, f"bounce@{DOMAIN}", dsn("org@example.org"))
    assert record["status"] == "stored", record["reason"]


def test_a_real_postfix_dsn_from_the_corpus(cis, corpus):
    event = cis.create_event(uid="u-corpus-dsn")
    job = invited(cis, event["id"], "nonexistant@example.com")
    raw = (corpus / "bounces" / "postfix-dsn-no-original.eml").read_bytes()
    record = bounce(cis, job["env_from"], raw)
    assert record["status"] == "hard_bounce", record["reason"]
