"""Update and cancel fan-out (SPEC §3.4) through the real `cis serve` and its sandbox:
an update goes to the attendees whose latest answer is Yes or Maybe, a cancellation to
everyone invited, each with the recipient's own UID and the new SEQUENCE, exactly once;
with manual approval on, nothing goes out until the change is approved."""
import email
import email.policy
import sqlite3

import icalendar

from cis_harness import make_invite

GUESTS = ("ann@example.org", "bob@example.org", "cid@example.org")


def calendar_of(cis, message_id):
    status, raw = cis.api("GET", f"/sandbox/messages/{message_id}", cis.admin_key, raw=True)
    assert status == 200
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_payload(decode=True))


def sent(cis, kind):
    """Sandbox messages of one kind: recipient → list of message ids."""
    out = {}
    for m in cis.sandbox():
        if m["kind"] == kind:
            out.setdefault(m["to"], []).append(m["id"])
    return out


def invite_all(cis, event_id, guests=GUESTS):
    for who in guests:
        status, body = cis.api("POST", f"/event/{event_id}/invite", cis.admin_key, {"email": who})
        assert status == 202, body
    cis.wait_for(lambda: len(sent(cis, "invite")) == len(guests), what="the invitations")


def answer(cis, answers):
    # The answers are written straight into the database: the recording of real replies
    # through rsvp@ has tests of its own; this file is about who gets which version.
    with sqlite3.connect(f"{cis.data_dir}/cis.sqlite3", timeout=10) as db:
        for who, status in answers.items():
            db.execute("UPDATE invitees SET status = ? WHERE email = ?", (status, who))


def uid_of(cis, message_id):
    _, cal = calendar_of(cis, message_id)
    return str(cal.walk("VEVENT")[0]["UID"])


def organizer_mail(cis, uid, sequence, method="REQUEST", **kw):
    code, reply = cis.send(make_invite(uid, "org@example.org", sequence=sequence, method=method, **kw))
    assert code == 250, reply


def test_update_to_yes_and_maybe_then_cancel_to_everyone(cis):
    event = cis.create_event(uid="u-fan")
    invite_all(cis, event["id"])
    invitations = {who: ids[0] for who, ids in sent(cis, "invite").items()}
    answer(cis, {"ann@example.org": "yes", "bob@example.org": "no", "cid@example.org": "maybe"})

    organizer_mail(cis, "u-fan", 1, start="20300601T190000Z", end="20300601T210000Z")
    cis.wait_for(lambda: len(sent(cis, "update")) == 2, what="the updates")
    updates = sent(cis, "update")
    assert sorted(updates) == ["ann@example.org", "cid@example.org"], "only Yes and Maybe"
    for who, ids in updates.items():
        assert len(ids) == 1
        method, cal = calendar_of(cis, ids[0])
        vevent = cal.walk("VEVENT")[0]
        assert method == "REQUEST" and str(cal["METHOD"]) == "REQUEST"
        assert int(vevent["SEQUENCE"]) == 1
        assert vevent["DTSTART"].dt.hour == 19
        assert str(vevent["UID"]) == uid_of(cis, invitations[who]), "the recipient's own UID"
        attendee = vevent["ATTENDEE"]
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
    note = cis.notifications()[0]["text"]
    assert "2 attendee(s) who answered Yes or Maybe will receive the update" in note

    organizer_mail(cis, "u-fan", 2, method="CANCEL")
    cis.wait_for(lambda: len(sent(cis, "cancel")) == 3, what="the cancellations")
    cancels = sent(cis, "cancel")
    assert sorted(cancels) == sorted(GUESTS), "everyone invited, whatever the answer"
    for who, ids in cancels.items():
        assert len(ids) == 1
        method, cal = calendar_of(cis, ids[0])
        vevent = cal.walk("VEVENT")[0]
        assert method == "CANCEL" and str(cal["METHOD"]) == "CANCEL"
        assert str(vevent["STATUS"]) == "CANCELLED" and int(vevent["SEQUENCE"]) == 2
        assert str(vevent["UID"]) == uid_of(cis, invitations[who])

    status, body = cis.api("GET", f"/event/{event['id']}/changes", cis.admin_key)
    assert status == 200
    progress = {(d["sequence"], d["kind"]): d for d in body["deliveries"]}
    assert progress[(0, "invite")]["sent"] == 3
    assert progress[(1, "update")]["sent"] == 2
    assert progress[(2, "cancel")]["sent"] == 3
    changes = {c["sequence"]: c for c in body["changes"]}
    assert changes[1]["sends"] == "update" and changes[1]["queued"] == 2
    assert changes[2]["sends"] == "cancel" and changes[2]["queued"] == 3
    assert changes[0]["sends"] is None

    # A repeat of the cancellation is a no-op: nobody gets a second copy.
    organizer_mail(cis, "u-fan", 2, method="CANCEL")
    assert cis.inbound()[0]["status"] == "unchanged"
    assert all(len(ids) == 1 for ids in sent(cis, "cancel").values())


def test_suppressed_addresses_get_no_cancellation(cis):
    event = cis.create_event(uid="u-sup")
    invite_all(cis, event["id"])
    with sqlite3.connect(f"{cis.data_dir}/cis.sqlite3", timeout=10) as db:
        db.execute("INSERT INTO suppressions (email, organizer, reason, created_at) "
                   "VALUES ('bob@example.org', '', 'unsubscribed', 0)")
    organizer_mail(cis, "u-sup", 1, method="CANCEL")
    cis.wait_for(lambda: len(sent(cis, "cancel")) == 2, what="the cancellations")
    assert "bob@example.org" not in sent(cis, "cancel")


def test_occurrence_cancellation_names_the_instance(cis):
    rrule = "RRULE:FREQ=WEEKLY;COUNT=5"
    event = cis.create_event(uid="u-weekly", extra=rrule)
    invite_all(cis, event["id"], GUESTS[:1])
    organizer_mail(cis, "u-weekly", 1, method="CANCEL",
                   extra="RECURRENCE-ID:20300608T180000Z", start="20300608T180000Z",
                   end="20300608T200000Z")
    cis.wait_for(lambda: sent(cis, "cancel"), what="the cancellation")
    method, cal = calendar_of(cis, sent(cis, "cancel")["ann@example.org"][0])
    vevents = list(cal.walk("VEVENT"))
    assert method == "CANCEL" and len(vevents) == 1
    assert vevents[0]["RECURRENCE-ID"].dt.day == 8
    assert str(vevents[0]["STATUS"]) == "CANCELLED"
    assert cis.event(event["id"])["status"] != "cancelled", "the series goes on"


def test_changes_wait_for_approval(cis):
    event = cis.create_event(uid="u-appr")
    invite_all(cis, event["id"], GUESTS[:2])
    answer(cis, {"ann@example.org": "yes", "bob@example.org": "yes"})
    status, body = cis.api("PUT", "/organizer/org@example.org/approval", cis.admin_key,
                           {"required": True})
    assert status == 200 and body["required"] is True

    organizer_mail(cis, "u-appr", 1, summary="Moved match")
    status, body = cis.api("GET", "/changes", cis.admin_key)
    pending = [c for c in body["changes"] if c["event_id"] == event["id"]]
    assert len(pending) == 1 and pending[0]["approval"] == "pending"
    assert "approve" in cis.notifications()[0]["text"]

    # A newer version replaces the pending one; only the newest can be approved.
    organizer_mail(cis, "u-appr", 2, summary="Moved again")
    status, body = cis.api("GET", "/changes", cis.admin_key)
    newest = [c for c in body["changes"] if c["event_id"] == event["id"]]
    assert [c["sequence"] for c in newest] == [2]
    status, body = cis.api("POST", f"/changes/{pending[0]['id']}/approve", cis.admin_key)
    assert status == 409 and body["error"]["code"] == "superseded"
    assert sent(cis, "update") == {}, "nothing goes out before approval"

    status, body = cis.api("POST", f"/changes/{newest[0]['id']}/approve", cis.admin_key)
    assert status == 200 and body["approval"] == "approved" and body["queued"] == 2
    cis.wait_for(lambda: len(sent(cis, "update")) == 2, what="the approved updates")
    status, body = cis.api("POST", f"/changes/{newest[0]['id']}/approve", cis.admin_key)
    assert status == 409 and body["error"]["code"] == "not_pending"

    organizer_mail(cis, "u-appr", 3, method="CANCEL")
    change = cis.api("GET", "/changes", cis.admin_key)[1]["changes"][0]
    status, body = cis.api("POST", f"/changes/{change['id']}/reject", cis.admin_key)
    assert status == 200 and body["approval"] == "rejected"
    assert sent(cis, "cancel") == {}
    assert cis.event(event["id"])["status"] == "cancelled", "the event keeps its new version"


def test_approval_switches_and_keys(cis):
    event = cis.create_event(uid="u-keys")
    other_key = cis.cli("key", "create", "--role", "organizer", "--organizer",
                        "someone@example.org").stdout.decode().strip().splitlines()[-1]
    status, body = cis.api("PUT", f"/event/{event['id']}/approval", other_key, {"required": True})
    assert status == 403
    status, body = cis.api("PUT", f"/event/{event['id']}/approval", cis.admin_key, {"required": "yes"})
    assert status == 422
    status, body = cis.api("PUT", f"/event/{event['id']}/approval", cis.admin_key, {"required": None})
    assert status == 200 and body["required"] is None
    status, body = cis.api("GET", "/changes", None)
    assert status == 401
    status, body = cis.api("POST", "/changes/999999/approve", cis.admin_key)
    assert status == 404
