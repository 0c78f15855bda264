"""Every invitation of shared/corpus/inbound-request goes in through the SMTP listener;
the stored event is compared field by field with what python3-icalendar reads from the
same bytes."""
import datetime as dt
import zoneinfo

import pytest

from cis_harness import CORPUS, DOMAIN, organizer_of, wrap_ics
from expectations import (UTC, expected_end, first_vevent, instant, organizer_address,
                          parse_rfc3339, rrule_dict, same_zone_rules)

FILES = sorted(p.name for p in (CORPUS / "inbound-request").glob("*")) if CORPUS.is_dir() else []


def message_for(path):
    raw = path.read_bytes()
    cal, vevent = first_vevent(raw, path.name)
    if path.name.endswith(".ics"):
        sender = organizer_address(vevent) or "organizer@example.com"
        raw = wrap_ics(raw, sender, str(cal.get("METHOD", "REQUEST")))
    return raw, cal, vevent


@pytest.mark.parametrize("name", FILES or ["(corpus absent)"])
def test_invitation_is_stored_as_sent(cis, corpus, name):
    path = corpus / "inbound-request" / name
    raw, cal, vevent = message_for(path)
    sender = organizer_of(raw)
    cis.add_organizer(sender)
    code, reply = cis.send(raw)
    assert code == 250, reply

    [record] = cis.inbound()
    if organizer_address(vevent) != sender:
        # The anonymised copy names someone else as ORGANIZER than its From:. CIS only
        # applies invitations from the organizer (or a SENT-BY delegate).
        assert record["status"] == "rejected", record
        assert "ORGANIZER" in record["reason"], record
        assert cis.events() == []
        return
    assert record["status"] == "created", record
    [event] = cis.events()
    assert record["event_ids"] == [event["id"]]
    check_fields(event, vevent)


def check_fields(event, vevent):
    # libical drops trailing blanks of a value (Exchange ends some SUMMARYs with one);
    # python3-icalendar keeps them. Nothing else may differ.
    assert event["summary"] == str(vevent.get("SUMMARY", "")).rstrip()
    assert event["location"] == str(vevent.get("LOCATION", "")).rstrip()
    assert event["original_uid"] == str(vevent["UID"])
    assert event["sequence"] == 0, "CIS's own outbound SEQUENCE starts at 0"
    assert event["organizer_sequence"] == int(vevent.get("SEQUENCE", 0))
    status = str(vevent.get("STATUS", "CONFIRMED")).upper()
    assert event["status"] == ("cancelled" if status == "CANCELLED" else "confirmed")

    start = vevent["DTSTART"].dt
    all_day = not isinstance(start, dt.datetime)
    assert event["all_day"] == all_day
    for field, value in (("start", start), ("end", expected_end(vevent))):
        want, want_offset = instant(value)
        got = parse_rfc3339(event[field])
        if all_day:
            assert got == want, field
            continue
        assert got.astimezone(UTC) == want, f"{field}: {event[field]} is not {want}"
        assert got.utcoffset() == want_offset, f"{field}: offset of {event[field]}"

    zone = getattr(start, "tzinfo", None)
    if all_day or not vevent["DTSTART"].params.get("TZID"):
        assert event["timezone"] is None
    else:
        assert event["timezone"], "a zoned time needs an IANA zone"
        ours = zoneinfo.ZoneInfo(event["timezone"])
        assert start.astimezone(ours).utcoffset() == start.utcoffset()
        theirs = getattr(zone, "zone", None)
        if theirs in zoneinfo.available_timezones():
            assert same_zone_rules(event["timezone"], theirs, start.year), (event["timezone"], theirs)

    if "RRULE" in vevent:
        assert event["rrule"], "the recurrence must be kept"
        assert rrule_dict(event["rrule"]) == rrule_dict(vevent["RRULE"].to_ical().decode())
    else:
        assert event["rrule"] is None
    exdates = sorted(
        d.dt.astimezone(UTC) if isinstance(d.dt, dt.datetime) else d.dt
        for prop in (vevent.get("EXDATE") if isinstance(vevent.get("EXDATE"), list)
                     else [vevent.get("EXDATE")] if vevent.get("EXDATE") else [])
        for d in prop.dts)
    assert sorted(parse_rfc3339(x) for x in event["exdate"]) == exdates
