"""Every file of shared/corpus/odd gets a definite, explained outcome through the SMTP
listener — and the server keeps running."""
import pytest

from cis_harness import CORPUS, organizer_of, wrap_ics
from expectations import calendars_in, organizer_address

import icalendar

# file → (status, words the reason must contain). Every file in odd/ must be listed.
EXPECTED = {
    "android-email-request-missing-from-subject.eml": ("rejected", "no readable From"),
    # ORGANIZER is a server principal, but its EMAIL parameter names the person.
    "apple-calendarserver-request-principal-url-organizer.ics": ("created", ""),
    "apple-ical3-reply-missing-attendee.eml": ("rejected", "ORGANIZER is"),
    "apple-ical3-reply-missing-organizer.eml": ("rejected", "attendee's answer"),
    "apple-ios501-emoji-4byte-utf8.ics": ("created", ""),
    "apple-macos1085-request-recurrence-exception.ics": ("created", ""),
    "apple-mail-reply-missing-ics.eml": ("rejected", "no calendar was found"),
    "aspnetemail-publish-mixed-case-content-type.eml": ("rejected", "ORGANIZER is someone@example.com"),
    "bluemind-counter.ics": ("rejected", "METHOD:COUNTER is an attendee's answer"),
    "bluemind-declinecounter.ics": ("rejected", "METHOD:DECLINECOUNTER"),
    "bluemind-request-recurrence-id-exception-new-attendee.ics": ("created", ""),
    # The inline part is a VTODO; the attached event.ics is a VEVENT.
    "bluemind-vtodo-request.eml": ("created", ""),
    "campusnet-publish-utf16le.ics": ("created", "15 events"),
    "exchange-cdo-request-rrule-byday-spaces.ics": ("rejected", "without UID"),
    "exchange2010-publish-customized-time-zone.ics": ("created", ""),
    "exchange2010-publish-tzid-with-colon-and-comma.ics": ("created", ""),
    "exchange2010-request-single-occurrence-recurrence-id-seq68.ics": ("created", ""),
    "google-reply-uid-with-dollar.ics": ("rejected", "METHOD:REPLY"),
    "google-request-bogus-sequence-timestamp.ics": ("created", ""),
    "google-request-undefined-tzid-BRT.ics": ("created", ""),
    "google-request-via-proton-bridge-no-method-param.eml": ("created", ""),
    "google-series-split-new-series-seq7-real.eml": ("created", ""),
    "google-series-split-old-series-gets-until-seq6-real.eml": ("created", ""),
    "google-synced-invitation-uid-R-suffix-real.eml": ("rejected", "ORGANIZER is person-as@example.com"),
    "gotomeeting-publish-multiple-vevents-recurrence-id.ics": ("created", ""),
    "ical4j-publish-multipart-related-attachment.eml": ("created", ""),
    "icloud-request-two-vevents-same-uid.ics": ("created", ""),
    "icloud-request-without-sequence.ics": ("created", ""),
    "lotus-domino-shaped-request-no-method-prop-windows1257.eml": ("created", ""),
    "meetup-publish-with-ms-olk-props.eml": ("created", ""),
    "outlook-tzid-non-ascii-utc-0300-brasilia.ics": ("rejected", "without UID"),
    "outlook-wrapped-tine20-imip-recurrence-id-sent-by.eml": ("rejected", "ORGANIZER is person-ci@example.com"),
    "outlook2007-publish-bysetpos-folded-uid.ics": ("created", ""),
    "outlook2010-request-bare-text-calendar-toplevel.eml": ("created", ""),
    "thunderbird-forwarded-winmail-dat-tnef.eml": ("rejected", "winmail.dat"),
    "thunderbird-testsuite-recurrence-id-exception-seq2.eml": ("created", ""),
    "thunderbird12-attached-ics-not-imip.eml": ("rejected", "ORGANIZER is tom@willow.vmw"),
    "yahoo-calendar-cancel-by-attendee-method-mismatch-real.eml": ("rejected", "to cancel"),
    # Five VEVENTs, one of them without DTSTART: four events and one explained refusal.
    "zimbra-publish-multi-vevent.ics": ("mixed", "4 created, 1 rejected"),
    "zoom-gmx-invite-no-method.eml": ("created", ""),
}

FILES = sorted(p.name for p in (CORPUS / "odd").glob("*")) if CORPUS.is_dir() else []


def test_every_odd_file_has_an_expectation(corpus):
    assert sorted(EXPECTED) == FILES


def sender_for_ics(raw, name):
    try:
        cal = icalendar.Calendar.from_ical(calendars_in(raw, name)[0])
        for vevent in cal.walk("VEVENT"):
            address = organizer_address(vevent)
            if "@" in address:
                return address
    except Exception:  # python3-icalendar cannot read every odd file; a regex can
        import re
        m = re.search(rb"ORGANIZER[^:\r\n]*:(?:mailto:)?([^\r\n]+@[^\r\n]+)", raw, re.I)
        if m:
            return m.group(1).decode().strip().lower()
    return "organizer@example.com"


@pytest.mark.parametrize("name", FILES or ["(corpus absent)"])
def test_odd_file_gets_a_definite_outcome(cis, corpus, name):
    raw = (corpus / "odd" / name).read_bytes()
    if name.endswith(".ics"):
        raw = wrap_ics(raw, sender_for_ics(raw, name), "REQUEST")
    sender = organizer_of(raw)
    if sender:
        cis.add_organizer(sender)
    code, reply = cis.send(raw)
    assert code == 250, reply
    [record] = cis.inbound()
    status, words = EXPECTED[name]
    assert record["status"] == status, record["reason"]
    assert words in record["reason"], record["reason"]
    assert record["reason"]
    if status == "created":
        assert cis.events(), "a created outcome stores an event"
    # The server is still alive and answering.
    assert cis.send(b"Subject: ping\r\n\r\nping\r\n")[0] == 250
