"""Calendar receipts at rsvp@ (SPEC §3.3) through the real `cis serve`: answers simulated
in the sandbox the way Google, Outlook and Apple send them, every real reply of the
corpus rewritten to answer an invitation CIS issued, forged answers, ordering, COUNTER,
REFRESH and auto-replies — and the whole life of an event of the issue's Outcome."""
import email
import email.policy
import re
import time

import pytest

from cis_harness import DOMAIN, wrap_ics

GUESTS = ("ann@example.org", "bob@example.org", "cid@example.org")


def invite(cis, event_id, who):
    status, body = cis.api("POST", f"/event/{event_id}/invite", cis.admin_key, {"email": who})
    assert status == 202, body
    return body


def captured(cis, kind, to):
    return [m for m in cis.sandbox() if m["kind"] == kind and m["to"] == to]


def invited(cis, event_id, guests=GUESTS):
    for who in guests:
        invite(cis, event_id, who)
    cis.wait_for(lambda: all(captured(cis, "invite", w) for w in guests), what="the invitations")
    return {w: captured(cis, "invite", w)[0]["id"] for w in guests}


def answer_in_sandbox(cis, message_id, partstat, client):
    status, body = cis.api("POST", f"/sandbox/messages/{message_id}/reply", cis.admin_key,
                           {"partstat": partstat, "client": client})
    assert status == 201, body
    return body


def state(cis, event_id, who):
    status, body = cis.api("GET", f"/event/{event_id}/invites/{who}", cis.admin_key)
    assert status == 200, body
    return body


def send_reply(cis, raw):
    code, reply = cis.send(raw, rcpt=f"rsvp@{DOMAIN}")
    assert code == 250, reply
    return cis.inbound()[0]


def test_the_whole_life_of_an_event(cis):
    """Create, invite three, Yes / No / Maybe from three clients, move, cancel."""
    event = cis.create_event(uid="u-life")
    messages = invited(cis, event["id"])
    for (who, partstat, client) in (("ann@example.org", "ACCEPTED", "google"),
                                    ("bob@example.org", "DECLINED", "outlook"),
                                    ("cid@example.org", "TENTATIVE", "apple")):
        body = answer_in_sandbox(cis, messages[who], partstat, client)
        assert body["status"] == "recorded", body
    expected = {"ann@example.org": ("yes", "google"), "bob@example.org": ("no", "microsoft"),
                "cid@example.org": ("maybe", "apple")}
    for who, (status, family) in expected.items():
        got = state(cis, event["id"], who)["answer"]
        assert (got["status"], got["client"]) == (status, family), (who, got)

    code, reply = cis.send(__import__("cis_harness").make_invite(
        "u-life", "org@example.org", sequence=1, start="20300601T190000Z", end="20300601T210000Z"))
    assert code == 250, reply
    cis.wait_for(lambda: len([m for m in cis.sandbox() if m["kind"] == "update"]) == 2,
                 what="the updates")
    time.sleep(1)
    updated = sorted(m["to"] for m in cis.sandbox() if m["kind"] == "update")
    assert updated == ["ann@example.org", "cid@example.org"], "the Yes and the Maybe only"

    code, reply = cis.send(__import__("cis_harness").make_invite(
        "u-life", "org@example.org", sequence=2, method="CANCEL"))
    assert code == 250, reply
    cis.wait_for(lambda: len([m for m in cis.sandbox() if m["kind"] == "cancel"]) == 3,
                 what="the cancellations")
    time.sleep(1)
    cancelled = sorted(m["to"] for m in cis.sandbox() if m["kind"] == "cancel")
    assert cancelled == sorted(GUESTS), "all three, exactly once each"


def test_sandbox_answers_change_and_keep_history(cis):
    event = cis.create_event(uid="u-hist")
    messages = invited(cis, event["id"], GUESTS[:1])
    answer_in_sandbox(cis, messages["ann@example.org"], "ACCEPTED", "google")
    time.sleep(1.1)  # the later answer must be later by the clock the clients write
    answer_in_sandbox(cis, messages["ann@example.org"], "DECLINED", "apple")
    got = state(cis, event["id"], "ann@example.org")
    assert got["answer"]["status"] == "no" and got["answer"]["client"] == "apple"
    assert [h["status"] for h in got["history"]] == ["yes", "no"]
    status, body = cis.api("POST", f"/sandbox/messages/{messages['ann@example.org']}/reply",
                           cis.admin_key, {"partstat": "MAYBE", "client": "google"})
    assert status == 422 and body["error"]["code"] == "invalid_partstat"
    status, body = cis.api("POST", "/sandbox/messages/999999/reply", cis.admin_key,
                           {"partstat": "ACCEPTED", "client": "google"})
    assert status == 404


# --- the corpus ----------------------------------------------------------------------------

# file → (PARTSTAT-derived status, client family); COUNTER files propose instead.
CORPUS_REPLIES = {
    "android-email-reply-accepted.eml": ("yes", "other"),
    "android-email-reply-declined.eml": ("no", "other"),
    "apple-ical3-mail-reply-accepted.eml": ("yes", "apple"),
    "apple-ical5-reply-accepted.ics": ("yes", "apple"),
    "apple-ios-reply-accepted.eml": ("yes", "apple"),
    "apple-ios-reply-declined.eml": ("no", "apple"),
    "apple-ios-reply-proposed-new-time.ics": ("maybe", "apple"),
    "apple-ios-reply-tentative.eml": ("maybe", "apple"),
    "bluemind-mapi-outlook-reply-accepted.eml": ("yes", "other"),
    "bluemind-reply-accepted.eml": ("yes", "other"),
    "google-counter-propose-new-time.eml": ("counter", "google"),
    "google-reply-accepted-2.ics": ("yes", "google"),
    "google-reply-accepted-2012.eml": ("yes", "google"),
    "google-reply-accepted-fr-qp-seq1.eml": ("yes", "google"),
    "google-reply-accepted.ics": ("yes", "google"),
    "google-reply-declined-2012.eml": ("no", "google"),
    "google-reply-declined.ics": ("no", "google"),
    "google-reply-tentative-2012.eml": ("maybe", "google"),
    "google-reply-tentative.ics": ("maybe", "google"),
    "outlook-mac2011-reply-accepted.eml": ("yes", "microsoft"),
    "outlook-mac2011-reply-declined.eml": ("no", "microsoft"),
    "outlook-mac2011-reply-tentative.eml": ("maybe", "microsoft"),
    "thunderbird-lightning-reply-accepted.eml": ("yes", "mozilla"),
    "thunderbird-lightning-reply-declined.eml": ("no", "mozilla"),
}


def calendar_texts(msg):
    for part in msg.walk():
        name = (part.get_filename() or "").lower()
        if part.get_content_type() in ("text/calendar", "application/ics") or name.endswith(".ics"):
            yield part


def unfold(text):
    return re.sub(r"\r?\n[ \t]", "", text)


def rewrite(raw: bytes, is_ics: bool, uid: str, attendee: str) -> bytes:
    """The reply, answering CIS's invitation: its UID and its ATTENDEE's address replaced,
    nothing else (the calendar parts are decoded, edited and re-encoded as they were)."""
    def edit(text):
        text = unfold(text)
        old_uid = re.search(r"^UID:([^\r\n]*)\r?$", text, re.M).group(1).strip()
        att = re.search(r"^ATTENDEE[^\r\n]*?:(?:mailto|MAILTO):([^\r\n]+)\r?$", text, re.M)
        text = text.replace(old_uid, uid)
        if att:
            text = re.sub(re.escape(att.group(1).strip()), attendee, text, flags=re.I)
        return text
    if is_ics:
        text = edit(raw.decode("utf-8"))
        return wrap_ics(text.encode(), attendee, "REPLY", subject="Reply")
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in calendar_texts(msg):
        cte = (part.get("Content-Transfer-Encoding") or "7bit").lower()
        charset = part.get_content_charset() or "utf-8"
        text = edit(part.get_payload(decode=True).decode(charset, errors="replace"))
        del part["Content-Transfer-Encoding"]
        part.set_payload(text.encode(charset, errors="replace"))
        if cte == "base64":
            email.encoders.encode_base64(part)
        elif cte == "quoted-printable":
            email.encoders.encode_quopri(part)
        else:
            part["Content-Transfer-Encoding"] = "8bit"
    return msg.as_bytes()


def test_every_corpus_reply_is_recorded(cis, corpus):
    import email.encoders  # noqa: F401  (used by rewrite)
    files = sorted(p.name for p in (corpus / "replies").iterdir())
    assert sorted(CORPUS_REPLIES) == files, "every corpus reply needs an expectation here"
    event = cis.create_event(uid="u-corpus")
    for i, name in enumerate(files):
        who = f"guest{i:02d}@example.org"
        invite(cis, event["id"], who)
        uid = state(cis, event["id"], who)["uid"]
        path = corpus / "replies" / name
        record = send_reply(cis, rewrite(path.read_bytes(), name.endswith(".ics"), uid, who))
        status, family = CORPUS_REPLIES[name]
        got = state(cis, event["id"], who)
        if status == "counter":
            assert record["status"] == "counter", (name, record["reason"])
            assert got["history"][-1]["method"] == "COUNTER"
            continue
        assert record["status"] == "recorded", (name, record["reason"])
        assert (got["answer"]["status"], got["answer"]["client"]) == (status, family), name
    notes = [n for n in cis.notifications() if "proposes a new time" in n["text"]]
    assert notes, "the COUNTER was forwarded to the organizer"


# --- forged, stale, forwarded ----------------------------------------------------------------

def reply_ics(uid, attendee, partstat, dtstamp="20300101T000000Z", sequence=0, method="REPLY",
              prodid="-//Google Inc//Google Calendar 70.9054//EN", extra=""):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", f"METHOD:{method}",
             "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{dtstamp}", f"SEQUENCE:{sequence}",
             "DTSTART:20300601T180000Z", "DTEND:20300601T200000Z",
             f"ORGANIZER:mailto:rsvp@{DOMAIN}",
             f"ATTENDEE;PARTSTAT={partstat}:mailto:{attendee}"]
    if extra:
        lines.append(extra)
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    return wrap_ics("\r\n".join(lines).encode(), attendee, method, subject="Reply")


def test_forged_answers_are_not_counted(cis):
    event = cis.create_event(uid="u-forged")
    invited(cis, event["id"], GUESTS[:2])
    ann_uid = state(cis, event["id"], "ann@example.org")["uid"]
    record = send_reply(cis, reply_ics("never-issued@cis.test", "ann@example.org", "ACCEPTED"))
    assert record["status"] == "quarantined" and "never issued" in record["reason"]
    record = send_reply(cis, reply_ics(ann_uid, "bob@example.org", "DECLINED"))
    assert record["status"] == "quarantined", record["reason"]
    assert state(cis, event["id"], "ann@example.org")["answer"]["status"] == "none"
    assert state(cis, event["id"], "bob@example.org")["answer"]["status"] == "none"


def test_an_older_answer_never_replaces_a_newer(cis):
    event = cis.create_event(uid="u-order")
    invited(cis, event["id"], GUESTS[:1])
    uid = state(cis, event["id"], "ann@example.org")["uid"]
    send_reply(cis, reply_ics(uid, "ann@example.org", "ACCEPTED", dtstamp="20300102T000000Z"))
    record = send_reply(cis, reply_ics(uid, "ann@example.org", "DECLINED", dtstamp="20300101T000000Z"))
    assert record["status"] == "stale", record["reason"]
    got = state(cis, event["id"], "ann@example.org")
    assert got["answer"]["status"] == "yes"
    assert [h["applied"] for h in got["history"]] == [True, False]


def test_outlook_stripped_tag_and_exchange_without_organizer(cis):
    event = cis.create_event(uid="u-tag")
    invited(cis, event["id"], ["dan+events@example.org"])
    uid = state(cis, event["id"], "dan+events@example.org")["uid"]
    raw = reply_ics(uid, "dan@example.org", "TENTATIVE", prodid="-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    raw = raw.replace(f"ORGANIZER:mailto:rsvp@{DOMAIN}\r\n".encode(), b"")
    record = send_reply(cis, raw)
    assert record["status"] == "recorded", record["reason"]
    got = state(cis, event["id"], "dan+events@example.org")["answer"]
    assert (got["status"], got["client"]) == ("maybe", "microsoft")


def test_forwarded_invitation_makes_a_new_attendee(cis):
    event = cis.create_event(uid="u-fwd")
    invited(cis, event["id"], GUESTS[:1])
    uid = state(cis, event["id"], "ann@example.org")["uid"]
    record = send_reply(cis, reply_ics(uid, "eve@example.net", "ACCEPTED"))
    assert record["status"] == "recorded", record["reason"]
    eve = state(cis, event["id"], "eve@example.net")
    assert eve["origin"] == "forwarded" and eve["answer"]["status"] == "yes"
    assert eve["forwarded_from"] == state(cis, event["id"], "ann@example.org")["id"]
    assert state(cis, event["id"], "ann@example.org")["answer"]["status"] == "none"

    # The update reaches Eve too, naming the copy she holds: Ann's UID.
    code, reply = cis.send(__import__("cis_harness").make_invite(
        "u-fwd", "org@example.org", sequence=1, summary="Moved"))
    assert code == 250, reply
    cis.wait_for(lambda: captured(cis, "update", "eve@example.net"), what="Eve's update")
    status, raw = cis.api("GET", f"/sandbox/messages/{captured(cis, 'update', 'eve@example.net')[0]['id']}",
                          cis.admin_key, raw=True)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    calendar = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    assert f"UID:{uid}" in unfold(calendar.get_content())


def test_refresh_resends_and_counter_reaches_the_organizer(cis):
    event = cis.create_event(uid="u-refresh")
    invited(cis, event["id"], GUESTS[:1])
    uid = state(cis, event["id"], "ann@example.org")["uid"]
    record = send_reply(cis, reply_ics(uid, "ann@example.org", "NEEDS-ACTION", method="REFRESH"))
    assert record["status"] == "refresh", record["reason"]
    cis.wait_for(lambda: captured(cis, "resend", "ann@example.org"), what="the resent invitation")
    record = send_reply(cis, reply_ics(uid, "ann@example.org", "TENTATIVE", method="COUNTER",
                                       extra="COMMENT:Could we start an hour later?"))
    assert record["status"] == "counter", record["reason"]
    note = next(n for n in cis.notifications() if "proposes a new time" in n["text"])
    assert "Could we start an hour later?" in note["text"]


def test_auto_replies_are_stored_and_ignored(cis):
    event = cis.create_event(uid="u-auto")
    invited(cis, event["id"], GUESTS[:1])
    msg = email.message.EmailMessage()
    msg["From"] = "ann@example.org"
    msg["To"] = f"rsvp@{DOMAIN}"
    msg["Subject"] = "Out of Office: Invitation: Team match"
    msg["Auto-Submitted"] = "auto-replied"
    msg.set_content("I am away until Monday.")
    record = send_reply(cis, msg.as_bytes())
    assert record["status"] == "auto_reply", record["reason"]
    assert state(cis, event["id"], "ann@example.org")["answer"]["status"] == "none"
