"""Organizer notifications are real MIME messages: any mail reader decodes them, also
with non-ASCII names and summaries, and each outcome is stated precisely."""
from cis_harness import make_invite


def test_created_notification_names_the_event_and_its_links(cis):
    cis.cli("organizer", "add", "jose@example.org", "--name", "José Müller")
    cis.send(make_invite("u-n1", "jose@example.org", summary="Día del fútbol ⚽ 東京"))
    [event] = cis.events()
    assert event["summary"] == "Día del fútbol ⚽ 東京"
    [note] = cis.notifications("jose@example.org")
    msg = note["message"]
    assert note["subject"] == "[CIS] Created: Día del fútbol ⚽ 東京"
    assert msg["From"].addresses[0].addr_spec == "notification@cis.test"
    assert msg["To"].addresses[0].display_name == "José Müller"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["In-Reply-To"], "threads with the organizer's own message"
    assert event["id"] in note["text"]
    assert f"/event/{event['id']}" in note["text"]
    assert "Hello José Müller" in note["text"]
    assert all(len(line) <= 998 for line in msg.as_string().splitlines())


def test_every_outcome_is_notified(cis):
    cis.add_organizer("org@example.org")
    cis.send(make_invite("u-n2", "org@example.org", sequence=1))
    cis.send(make_invite("u-n2", "org@example.org", sequence=1))                      # repeat
    cis.send(make_invite("u-n2", "org@example.org", sequence=2, summary="Moved"))     # update
    cis.send(make_invite("u-n2", "org@example.org", sequence=0, summary="Old"))       # stale
    cis.send(make_invite("u-n2", "org@example.org", sequence=3, method="CANCEL"))     # cancel
    subjects = [n["subject"] for n in reversed(cis.notifications())]
    assert subjects == ["[CIS] Created: Team match", "[CIS] Unchanged: Team match",
                        "[CIS] Updated: Moved", "[CIS] Ignored (older version): Old",
                        "[CIS] Cancelled: Moved"]
    texts = [n["text"] for n in reversed(cis.notifications())]
    assert "0 attendee(s) who answered Yes or Maybe will receive the update" in texts[2]
    assert "older" in texts[3]
    assert "0 invitee(s) will receive the cancellation" in texts[4]


def test_batch_gets_one_summary(cis):
    cis.add_organizer("org@example.org")
    ics = b"\r\n".join([
        b"BEGIN:VCALENDAR", b"VERSION:2.0", b"PRODID:-//t//EN", b"METHOD:PUBLISH",
        *[line for i in range(3) for line in (
            b"BEGIN:VEVENT", f"UID:batch-{i}".encode(), b"DTSTAMP:20260101T000000Z",
            f"DTSTART:2030060{i + 1}T180000Z".encode(), f"SUMMARY:Game {i}".encode(),
            b"ORGANIZER:mailto:org@example.org", b"END:VEVENT")],
        b"END:VCALENDAR", b""])
    from cis_harness import wrap_ics
    cis.send(wrap_ics(ics, "org@example.org", "PUBLISH"))
    [note] = cis.notifications()
    assert note["subject"] == "[CIS] 3 events created"
    assert note["text"].count("Created:") == 3
    assert len(cis.events()) == 3
