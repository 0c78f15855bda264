"""Real clients' updates and cancellations of one UID, applied in order and out of
order: stale versions are ignored and recorded, repeats are no-ops, one occurrence can
be cancelled, and a cancelled event is kept."""
import pytest

from cis_harness import CORPUS

from cis_harness import organizer_of, wrap_ics
from expectations import first_vevent, organizer_address


def send_file(cis, corpus, relpath):
    path = corpus / relpath
    raw = path.read_bytes()
    if path.name.endswith(".ics"):
        cal, vevent = first_vevent(raw, path.name)
        raw = wrap_ics(raw, organizer_address(vevent), str(cal.get("METHOD", "REQUEST")))
    cis.add_organizer(organizer_of(raw))
    code, reply = cis.send(raw)
    assert code == 250, reply
    return cis.inbound()[0]  # newest first


def story(cis, corpus, steps):
    """Sends each file and checks the recorded outcome; returns the one stored event."""
    for relpath, outcome in steps:
        record = send_file(cis, corpus, relpath)
        assert record["status"] == outcome, (relpath, record["reason"])
        assert record["reason"]
    events = cis.events()
    assert len(events) == 1, events
    return events[0]


O365 = "inbound-request/o365-exchange2010-request-series-"
O365_CANCEL = "inbound-cancel/o365-exchange2010-cancel-"


def test_exchange_series_lifecycle_in_order(cis, corpus):
    event = story(cis, corpus, [
        (O365 + "seq0-real.eml", "created"),
        (O365 + "seq2-update-real.eml", "updated"),
        ("inbound-request/o365-exchange2010-request-occurrence-moved-recurrence-id-seq4-real.eml",
         "occurrence_updated"),
        (O365_CANCEL + "one-occurrence-recurrence-id-seq5-real.eml", "occurrence_cancelled"),
        (O365_CANCEL + "whole-series-seq6-real.eml", "cancelled"),
    ])
    assert event["status"] == "cancelled"
    assert event["sequence"] == 4, "one CIS SEQUENCE step per applied change"
    assert event["organizer_sequence"] == 6
    assert event["rrule"].startswith("FREQ=WEEKLY")
    occ = {o["recurrence_id"]: o for o in event["occurrences"]}
    assert occ["2019-07-09T16:30:00Z"]["status"] == "confirmed"   # moved to 23 Jul 21:00 PDT
    assert occ["2019-07-09T16:30:00Z"]["start"] == "2019-07-23T21:00:00-07:00"
    assert occ["2019-09-03T16:30:00Z"]["status"] == "cancelled"


def test_exchange_series_out_of_order(cis, corpus):
    story(cis, corpus, [
        (O365 + "seq0-real.eml", "created"),
        (O365_CANCEL + "whole-series-seq6-real.eml", "cancelled"),
        (O365 + "seq2-update-real.eml", "stale"),       # older than the cancellation
        (O365_CANCEL + "one-occurrence-recurrence-id-seq5-real.eml", "unchanged"),
    ])
    inbound = cis.inbound("stale")
    assert len(inbound) == 1 and "older" in inbound[0]["reason"]


def test_occurrence_cancel_before_series_cancel(cis, corpus):
    base = "inbound-cancel/o365-exchange2010-cancel-biweekly-"
    event = story(cis, corpus, [
        ("inbound-request/o365-exchange2010-request-biweekly-seq0-real.eml", "created"),
        (base + "occurrence-seq3-real.eml", "occurrence_cancelled"),
        (base + "series-seq1-real.eml", "cancelled"),  # its SEQUENCE ≥ the series' own
    ])
    assert event["status"] == "cancelled"
    assert [o["status"] for o in event["occurrences"]] == ["cancelled"]


def test_google_updates_without_sequence_bump(cis, corpus):
    # Google keeps SEQUENCE:0 across edits; the newer DTSTAMP makes them updates.
    event = story(cis, corpus, [
        ("inbound-request/google-request-seq0.ics", "created"),
        ("inbound-request/google-request-seq0-update2.ics", "updated"),
        ("inbound-request/google-request-seq0-update1.ics", "stale"),  # older DTSTAMP
        ("inbound-request/google-request-seq0-update2.ics", "unchanged"),  # repeat
    ])
    _, newest = first_vevent((corpus / "inbound-request/google-request-seq0-update2.ics").read_bytes(), ".ics")
    assert event["summary"] == str(newest["SUMMARY"])
    assert event["sequence"] == 1


def test_identical_repeat_is_a_noop(cis, corpus):
    story(cis, corpus, [
        ("inbound-request/google-request-2025-sanitized.eml", "created"),
        ("inbound-request/google-request-2025-sanitized.eml", "unchanged"),
    ])
    assert len(cis.inbound()) == 2, "the repeat is still recorded"


def test_cancel_and_reinstate(cis, corpus):
    event = story(cis, corpus, [
        ("inbound-request/bluemind-request-seq0.eml", "created"),
        ("inbound-cancel/bluemind-cancel-seq1.eml", "cancelled"),
    ])
    assert event["status"] == "cancelled" and event["summary"], "cancelled events are kept"


@pytest.mark.parametrize("request_file,cancel_file", [
    ("inbound-request/google-request-seq0-before-cancel.ics", "inbound-cancel/google-cancel-seq1.ics"),
    ("inbound-request/outlook-mac2011-request-seq1-update.eml", "inbound-cancel/outlook-mac2011-cancel-seq1.eml"),
    ("inbound-request/tine20-request-seq0.eml", "inbound-cancel/tine20-cancel-seq0.eml"),
    ("inbound-request/o365-exchange2010-request-workgroup-seq1-real.eml",
     "inbound-cancel/o365-exchange2010-cancel-workgroup-seq2-real.eml"),
])
def test_real_cancellations(cis, corpus, request_file, cancel_file):
    event = story(cis, corpus, [(request_file, "created"), (cancel_file, "cancelled")])
    assert event["status"] == "cancelled"


def test_cancel_of_unknown_event_is_rejected_with_reason(cis, corpus):
    record = send_file(cis, corpus, "inbound-cancel/tine20-cancel-seq0.eml")
    assert record["status"] == "rejected"
    assert "never created" in record["reason"]
    [note] = cis.notifications()
    assert "never created" in note["text"]
    assert note["subject"].startswith("[CIS] Rejected")


def test_google_single_occurrence_cancel_with_series_unknown(cis, corpus):
    record = send_file(cis, corpus, "inbound-cancel/google-cancel-one-occurrence-with-note-real.eml")
    assert record["status"] == "rejected"


CANCELS = sorted(p.name for p in (CORPUS / "inbound-cancel").glob("*")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("name", CANCELS or ["(corpus absent)"])
def test_every_cancel_alone_is_refused_with_reason(cis, corpus, name):
    """A cancellation for an event CIS never stored changes nothing and says why."""
    record = send_file(cis, corpus, f"inbound-cancel/{name}")
    assert record["status"] == "rejected"
    assert "never created" in record["reason"] or "ORGANIZER" in record["reason"], record["reason"]
    assert cis.events() == []


def test_thunderbird_cancel_without_dtstart(cis, corpus):
    event = story(cis, corpus, [
        ("inbound-request/thunderbird-testsuite-gmail-shaped-recurring-request-seq0.eml", "created"),
        ("inbound-cancel/thunderbird-testsuite-gmail-shaped-recurring-cancel-seq1.eml", "cancelled"),
    ])
    assert event["status"] == "cancelled" and event["rrule"].startswith("FREQ=DAILY")


def test_cancel_older_than_the_last_update_is_stale(cis, corpus):
    story(cis, corpus, [
        ("inbound-request/thunderbird-testsuite-fastmail-shaped-request-seq0.eml", "created"),
        ("inbound-request/thunderbird-testsuite-fastmail-shaped-request-seq2-major-update.eml", "updated"),
        ("inbound-cancel/thunderbird-testsuite-fastmail-shaped-cancel-seq1.eml", "stale"),
    ])
