#!/usr/bin/python3
"""Simulated replies (imip/reply_builder) read by independent parsers.

Runs tests/support/simulate_replies (path in argv[1]) into a temporary directory and reads
every reply with Python's `email` (policy default) and `icalendar`. The expectations are
written here: the events' times by hand, the UID taken from the invitation itself, each
client's shape from shared/corpus/replies (see imip/reply_builder.hpp). Exit status 0 when
everything holds; otherwise every failure is printed.
"""
import datetime as dt
import email
import email.policy
import email.utils
import pathlib
import subprocess
import sys
import tempfile

import icalendar

UTC = dt.timezone.utc
RSVP = "rsvp@cis.example.org"
NOW = dt.datetime(2030, 1, 5, 12, tzinfo=UTC)
INVITATION_DTSTAMP = dt.datetime(2030, 1, 2, 3, 4, tzinfo=UTC)

CASES = {
    "berlin": dict(attendee="ann+cis@example.org", name="Ann Örtel", seq=2,
                   summary="Größenplanung: Äpfel, Öl & Übermut; ein sehr langer Titel",
                   start=dt.datetime(2030, 5, 1, 8, tzinfo=UTC),
                   end=dt.datetime(2030, 5, 1, 9, 30, tzinfo=UTC), tzid="Europe/Berlin"),
    "utc": dict(attendee="bob@example.net", name="", seq=0, summary="Standup",
                start=dt.datetime(2030, 3, 4, 9, tzinfo=UTC),
                end=dt.datetime(2030, 3, 4, 9, 15, tzinfo=UTC), tzid=None),
    "allday": dict(attendee="carol@example.com", name="Carol", seq=1, summary="Betriebsausflug",
                   start=dt.date(2030, 7, 1), end=dt.date(2030, 7, 2), tzid=None),
}
CLIENTS = {
    # client: (PRODID, subject verbs by PARTSTAT, MIME structure)
    "google": ("-//Google Inc//Google Calendar 70.9054//EN",
               {"ACCEPTED": "Accepted: ", "DECLINED": "Declined: ",
                "TENTATIVE": "Tentatively Accepted: "},
               ["multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                "text/calendar", "application/ics"]),
    "outlook": ("-//Microsoft Corporation//Outlook for Mac MIMEDIR//EN",
                {"ACCEPTED": "Accepted: ", "DECLINED": "Declined: ", "TENTATIVE": "Tentative: "},
                ["multipart/alternative", "text/html", "text/calendar"]),
    "apple": ("-//Apple Inc.//iPhone 3.0//EN",
              {"ACCEPTED": "Accepted: ", "DECLINED": "Declined: ", "TENTATIVE": "Maybe: "},
              ["multipart/alternative", "text/plain", "text/calendar"]),
}
PARTSTATS = ["ACCEPTED", "DECLINED", "TENTATIVE"]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def instant(value):
    """A DTSTART/DTEND value as an aware UTC datetime, or a date as it is."""
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC)
    return value


def invitation_uid(path):
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/calendar":
            cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
            return str(cal.walk("VEVENT")[0]["UID"])
    raise AssertionError(f"{path.name}: no calendar in the invitation")


def check_reply(path, case, client, partstat, uid):
    where = path.name
    raw = path.read_bytes()
    check(b"\n" not in raw.replace(b"\r\n", b""), f"{where}: a bare LF")
    check(all(len(line) <= 998 for line in raw.split(b"\r\n")), f"{where}: a line over 998 octets")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    check(not msg.defects, f"{where}: message defects {msg.defects}")
    prodid, verbs, structure = CLIENTS[client]
    check(msg["From"].addresses[0].addr_spec == case["attendee"], f"{where}: From {msg['From']}")
    check(msg["To"].addresses[0].addr_spec == RSVP, f"{where}: To {msg['To']}")
    subject = str(msg["Subject"])
    check(subject.startswith(verbs[partstat] + case["summary"]), f"{where}: Subject {subject!r}")
    check(email.utils.parsedate_to_datetime(msg["Date"]) == NOW, f"{where}: Date {msg['Date']}")
    types = [p.get_content_type() for p in msg.walk()]
    check(types == structure, f"{where}: MIME structure {types}")

    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    if not check(len(parts) == 1, f"{where}: {len(parts)} text/calendar parts"):
        return
    part = parts[0]
    check(part.get_param("method", "").upper() == "REPLY", f"{where}: method= {part['Content-Type']}")
    payload = part.get_payload(decode=True)
    for line in payload.split(b"\r\n"):
        check(len(line) <= 75, f"{where}: calendar line of {len(line)} octets: {line!r}")
    # Outlook for Mac and iOS leave blank lines before the next boundary, as in the corpus.
    check(payload.rstrip(b"\r\n").endswith(b"END:VCALENDAR"), f"{where}: no END:VCALENDAR")
    check(b"\n" not in payload.replace(b"\r\n", b""), f"{where}: calendar lines not CRLF")
    if client == "google":
        attached = [p for p in msg.walk() if p.get_content_type() == "application/ics"]
        check(len(attached) == 1 and attached[0].get_payload(decode=True) == payload,
              f"{where}: invite.ics differs from the text/calendar part")

    cal = icalendar.Calendar.from_ical(payload.decode("utf-8"))
    check(str(cal["METHOD"]) == "REPLY", f"{where}: METHOD {cal.get('METHOD')}")
    check(str(cal["PRODID"]) == prodid, f"{where}: PRODID {cal.get('PRODID')}")
    events = cal.walk("VEVENT")
    if not check(len(events) == 1, f"{where}: {len(events)} VEVENTs"):
        return
    ev = events[0]
    check(str(ev["UID"]) == uid, f"{where}: UID {ev.get('UID')} != {uid}")
    check(int(ev["SEQUENCE"]) == case["seq"], f"{where}: SEQUENCE {ev.get('SEQUENCE')}")
    check(str(ev["SUMMARY"]) == case["summary"], f"{where}: SUMMARY {ev.get('SUMMARY')!r}")
    attendees = ev.get("ATTENDEE")
    if not check(attendees is not None and not isinstance(attendees, list),
                 f"{where}: not exactly one ATTENDEE"):
        return
    check(str(attendees).lower() == "mailto:" + case["attendee"], f"{where}: ATTENDEE {attendees}")
    check(attendees.params.get("PARTSTAT") == partstat,
          f"{where}: PARTSTAT {attendees.params.get('PARTSTAT')}")
    if case["name"]:
        check(attendees.params.get("CN") == case["name"], f"{where}: CN {attendees.params.get('CN')}")
    check(str(ev["ORGANIZER"]).lower() == "mailto:" + RSVP, f"{where}: ORGANIZER {ev.get('ORGANIZER')}")
    check(instant(ev["DTSTART"].dt) == case["start"], f"{where}: DTSTART {ev['DTSTART'].dt}")
    check(instant(ev["DTEND"].dt) == case["end"], f"{where}: DTEND {ev['DTEND'].dt}")
    tzid = ev["DTSTART"].params.get("TZID")
    if client == "google":
        check(tzid is None, f"{where}: Google writes UTC, not TZID={tzid}")
    else:
        check(tzid == case["tzid"], f"{where}: TZID {tzid}")
        if case["tzid"]:
            zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
            check(zones == [case["tzid"]], f"{where}: VTIMEZONEs {zones}")
    stamp = ev["DTSTAMP"].dt
    want = NOW if client == "google" else INVITATION_DTSTAMP
    check(stamp == want, f"{where}: DTSTAMP {stamp}")
    if client == "outlook":
        check(str(ev.get("X-MICROSOFT-CDO-REPLYTIME")) == "20300105T120000Z",
              f"{where}: X-MICROSOFT-CDO-REPLYTIME {ev.get('X-MICROSOFT-CDO-REPLYTIME')}")


def main():
    driver = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp)
        subprocess.run([driver, str(out)], check=True)
        count = 0
        for name, case in CASES.items():
            uid = invitation_uid(out / f"{name}.invitation.eml")
            for client in CLIENTS:
                for partstat in PARTSTATS:
                    path = out / f"{name}.{client}.{partstat}.eml"
                    if check(path.exists(), f"{path.name} was not written"):
                        check_reply(path, case, client, partstat, uid)
                        count += 1
    for f in failures:
        print("FAIL:", f)
    print(f"{count} simulated replies checked, {len(failures)} failures")
    return 1 if failures or count != 27 else 0


if __name__ == "__main__":
    sys.exit(main())
