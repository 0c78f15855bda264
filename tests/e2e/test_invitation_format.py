"""Outgoing invitations (SPEC §3.2, CLIENT-QUIRKS §7) read by independent parsers.

tests/support/render_invitation renders hand-built events (see that file) into .eml
files; this test reads them with Python's `email` (policy default) and `icalendar`, and
with ical.js (Thunderbird's parser, through icaljs_check.mjs). The expectations below are
written by hand or computed here with zoneinfo/dateutil, never taken from CIS.
"""
import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import os
import pathlib
import re
import shutil
import subprocess
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
UTC = dt.timezone.utc
RSVP = "rsvp@cis.example.org"
DOMAIN = "cis.example.org"
KEY = b"test-key"
ORGANIZER = "Jürgen Müller, Hans"
RECIPIENTS = {
    "alice": ("alice@example.com", "Alice Wonderland"),
    "bob": ("bob@example.net", "Bøb Ünïcode, Jr."),
}


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def berlin_times(seq, kind):
    return dict(event="ev-berlin", seq=seq, kind=kind, organizer=ORGANIZER,
                summary="Größenplanung: Äpfel, Öl & Übermut",
                location="Raum 3; Gebäude B, Berlin", tzid="Europe/Berlin",
                start=utc(2024, 5, 1, 8), end=utc(2024, 5, 1, 9))


# What each case must say. start/end: instants (aware) or dates; tzid: None for UTC,
# "floating" for floating time, "date" for all-day.
CASES = {
    "berlin": berlin_times(0, "REQUEST"),
    "berlin_update": berlin_times(1, "REQUEST"),
    "berlin_cancel": berlin_times(2, "CANCEL"),
    "newyork": dict(event="ev-newyork", seq=0, kind="REQUEST", organizer="Party Crew",
                    summary="Launch party 🎉🚀", location="Pier 17, New York",
                    tzid="America/New_York", start=utc(2024, 3, 10, 13),
                    end=utc(2024, 3, 10, 14, 30)),
    "allday": dict(event="ev-allday", seq=0, kind="REQUEST", organizer="山田 太郎",
                   summary="年次総会 — 東京", location=None, tzid="date",
                   start=dt.date(2024, 6, 10), end=dt.date(2024, 6, 12)),
    "weekly": dict(event="ev-weekly", seq=2, kind="REQUEST", organizer=ORGANIZER,
                   summary="Chorprobe", location=None, tzid="Europe/Berlin",
                   start=utc(2024, 3, 19, 17), end=utc(2024, 3, 19, 19)),
    "weekly_cancel_one": dict(event="ev-weekly", seq=2, kind="CANCEL", organizer="Chorleitung",
                              summary="Chorprobe", location=None, tzid="Europe/Berlin",
                              start=utc(2024, 3, 19, 17), end=utc(2024, 3, 19, 19)),
    "custom": dict(event="ev-custom", seq=0, kind="REQUEST", organizer=ORGANIZER,
                   summary="Custom zone review", location=None, tzid="Customized Time Zone",
                   start=utc(2024, 7, 1, 2, 30), end=utc(2024, 7, 1, 3, 30)),
    "utc": dict(event="ev-utc", seq=4, kind="REQUEST", organizer="", summary="Quarterly review",
                location=None, tzid=None, start=utc(2024, 9, 15, 12), end=utc(2024, 9, 15, 13)),
    "floating": dict(event="ev-floating", seq=0, kind="REQUEST", organizer="Runner",
                     summary="Morning run", location=None, tzid="floating",
                     start=dt.datetime(2024, 8, 1, 7, 30), end=dt.datetime(2024, 8, 1, 8, 30)),
}
DTSTAMP = utc(2024, 4, 1, 12)


def expected_uid(event_id, address):
    """recipient_uid() recomputed independently: HMAC-SHA256, length-prefixed fields."""
    data = b"cis-recipient-uid-v1"
    for field in (event_id.encode(), address.encode()):
        data += len(field).to_bytes(8, "big") + field
    mac = hmac.new(KEY, data, hashlib.sha256).digest()[:20]
    return base64.b32encode(mac).decode().lower().rstrip("=") + "@" + DOMAIN


def render_tool():
    path = os.environ.get("CIS_RENDER_INVITATION") or ROOT / "build/tests/render_invitation"
    if not pathlib.Path(path).is_file():
        pytest.skip(f"{path} is not built (cmake --build build --target render_invitation)")
    return str(path)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("invitations")
    subprocess.run([render_tool(), str(out)], check=True, timeout=120)
    files = {}
    for case in CASES:
        for who in RECIPIENTS:
            raw = (out / f"{case}.{who}.eml").read_bytes()
            files[(case, who)] = raw
    return out, files


def parts(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    top = msg.get_payload()
    assert [p.get_content_type() for p in top] == ["multipart/alternative", "application/ics"]
    alt = top[0].get_payload()
    assert [p.get_content_type() for p in alt] == ["text/plain", "text/html", "text/calendar"]
    return msg, alt[0], alt[1], alt[2], top[1]


def calendar_bytes(raw):
    return parts(raw)[3].get_payload(decode=True)


ALL = [(c, w) for c in CASES for w in RECIPIENTS]


@pytest.mark.parametrize("case,who", ALL)
def test_wire_form(rendered, case, who):
    raw = rendered[1][(case, who)]
    assert all(b < 128 for b in raw), "the message must be 7-bit"
    assert re.search(rb"(?<!\r)\n", raw) is None, "bare LF in the message"
    assert re.search(rb"\r(?!\n)", raw) is None, "bare CR in the message"
    for line in raw.split(b"\r\n"):
        assert len(line) <= 78, line


@pytest.mark.parametrize("case,who", ALL)
def test_mime_structure_and_headers(rendered, case, who):
    want = CASES[case]
    address, name = RECIPIENTS[who]
    msg, plain, html, cal_part, attachment = parts(rendered[1][(case, who)])
    method = want["kind"]
    # method= in Content-Type, upper case, equal to the METHOD inside.
    assert re.search(rf"^Content-Type: text/calendar; charset=UTF-8; method={method}\r$",
                     rendered[1][(case, who)].decode(), re.M)
    assert cal_part.get_param("method") == method
    assert cal_part.get_content_charset() == "utf-8"
    assert cal_part["Content-Transfer-Encoding"] == "base64"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_param("name") == "invite.ics"
    assert attachment.get_payload(decode=True) == cal_part.get_payload(decode=True)

    sender = msg["From"].addresses[0]
    assert sender.addr_spec == RSVP
    assert sender.display_name == want["organizer"]
    to = msg["To"].addresses[0]
    assert (to.addr_spec, to.display_name) == (address, name)
    prefix = {"REQUEST": "Updated invitation" if case.endswith("update") else "Invitation",
              "CANCEL": "Cancelled"}[method]
    assert str(msg["Subject"]).startswith(f"{prefix}: {want['summary']} @ ")
    assert msg["Date"].datetime == DTSTAMP + dt.timedelta(seconds=want["seq"])
    assert msg["MIME-Version"] == "1.0"
    assert re.fullmatch(r"<[^<>@\s]+@cis\.example\.org>", msg["Message-ID"])
    assert str(msg["List-Unsubscribe"]).replace(" ", "") == (
        f"<https://cis.example.org/unsubscribe/tok-{who}>,"
        f"<mailto:unsubscribe+tok-{who}@cis.example.org>")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    if case == "utc":
        assert msg["Reply-To"].addresses[0].addr_spec == "organizer@example.com"
    else:
        assert msg["Reply-To"] is None

    text = plain.get_content()
    page = html.get_content()
    assert want["summary"] in text
    if want["location"]:
        assert want["location"] in text
    assert want["summary"].replace("&", "&amp;") in page
    if case == "berlin":
        assert "<b>HTML</b>" not in page and "&lt;b&gt;HTML&lt;/b&gt;" in page
        assert "&quot;Zitate&quot;" in page
        assert "When: Wednesday, 1 May 2024, 10:00 - 11:00 (Europe/Berlin, UTC+02:00)" in text


def test_message_ids_unique(rendered):
    ids = [email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"]
           for raw in rendered[1].values()]
    assert len(set(ids)) == len(ids)


def unfolded_lines(cal):
    assert re.search(rb"(?<!\r)\n", cal) is None, "bare LF in the calendar"
    physical = cal.split(b"\r\n")
    assert physical[-1] == b""
    for line in physical[:-1]:
        assert len(line) <= 75, f"line of {len(line)} octets: {line!r}"
        line.decode("utf-8")  # no UTF-8 sequence split by folding
    text = cal.decode("utf-8").replace("\r\n ", "")
    return text.split("\r\n")[:-1]


def as_utc(value):
    return value.astimezone(UTC) if isinstance(value, dt.datetime) and value.tzinfo else value


@pytest.mark.parametrize("case,who", ALL)
def test_calendar(rendered, case, who):
    want = CASES[case]
    address, name = RECIPIENTS[who]
    raw_cal = calendar_bytes(rendered[1][(case, who)])
    lines = unfolded_lines(raw_cal)
    cal = icalendar.Calendar.from_ical(raw_cal)
    assert str(cal["METHOD"]) == want["kind"]
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//CIS//Calendar Invite Server//EN"

    events = cal.walk("VEVENT")
    uid = expected_uid(want["event"], address)
    for ev in events:
        assert str(ev["UID"]) == uid
        assert int(ev["SEQUENCE"]) == want["seq"]
        assert ev["DTSTAMP"].dt == DTSTAMP + dt.timedelta(seconds=want["seq"])
        org = ev["ORGANIZER"]
        assert str(org) == f"mailto:{RSVP}"
        assert org.params.get("CN", "") == want["organizer"]
        attendees = ev.get("ATTENDEE")
        assert not isinstance(attendees, list), "exactly one ATTENDEE"
        assert str(attendees) == f"mailto:{address}"
        assert attendees.params["CN"] == name
        assert attendees.params["ROLE"] == "REQ-PARTICIPANT"
        if want["kind"] == "REQUEST":
            assert attendees.params["PARTSTAT"] == "NEEDS-ACTION"
            assert attendees.params["RSVP"] == "TRUE"
            assert str(ev["STATUS"]) == "CONFIRMED"
        else:
            assert str(ev["STATUS"]) == "CANCELLED"
        assert str(ev["SUMMARY"]).startswith(want["summary"])
    # Parameter values with ',' are quoted on the wire.
    assert any(l.startswith(f'ATTENDEE;CN="{name}"' if "," in name else f"ATTENDEE;CN={name}")
               for l in lines)

    master = [e for e in events if "RECURRENCE-ID" not in e]
    if case == "weekly_cancel_one":
        assert not master and len(events) == 1
        assert events[0]["RECURRENCE-ID"].dt.astimezone(UTC) == utc(2024, 4, 23, 16)
        return
    ev = master[0]
    assert str(ev["SUMMARY"]) == want["summary"]
    if want["location"]:
        assert str(ev["LOCATION"]) == want["location"]
    start, end = ev["DTSTART"], ev["DTEND"]
    if want["tzid"] == "date":
        assert start.params.get("VALUE") == "DATE"
        assert (start.dt, end.dt) == (want["start"], want["end"])
    elif want["tzid"] == "floating":
        assert "TZID" not in start.params and start.dt.tzinfo is None
        assert (start.dt, end.dt) == (want["start"], want["end"])
    elif want["tzid"] is None:
        assert any(l.startswith("DTSTART:") and l.endswith("Z") for l in lines)
        assert (as_utc(start.dt), as_utc(end.dt)) == (want["start"], want["end"])
    else:
        assert start.params["TZID"] == want["tzid"]
        assert (as_utc(start.dt), as_utc(end.dt)) == (want["start"], want["end"])
    # A VTIMEZONE for every TZID used, and no other.
    used = set(re.findall(r';TZID="?([^":;]+)"?[:;]', "\n".join(lines)))
    defined = {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}
    assert used == defined
    if case == "berlin":
        assert str(ev["DESCRIPTION"]).startswith("Agenda; bitte lesen:\n1. Budget, Q3\n2. Räume; "
                                                 "Flure\\Treppen\n\nEin sehr langer Absatz")
        assert any(l.startswith(r"DESCRIPTION:Agenda\; bitte lesen:\n1. Budget\, Q3") for l in lines)


def test_uid_stable_per_recipient_and_distinct(rendered):
    def uids(case, who):
        cal = icalendar.Calendar.from_ical(calendar_bytes(rendered[1][(case, who)]))
        return {str(e["UID"]) for e in cal.walk("VEVENT")}

    alice = uids("berlin", "alice")
    assert len(alice) == 1
    assert uids("berlin_update", "alice") == alice == uids("berlin_cancel", "alice")
    assert uids("berlin", "bob") != alice
    assert uids("weekly", "alice") != alice


def test_recurrence_carried(rendered):
    cal = icalendar.Calendar.from_ical(calendar_bytes(rendered[1][("weekly", "alice")]))
    events = cal.walk("VEVENT")
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=10;BYDAY=TU"
    exdates = master["EXDATE"]
    exdates = exdates if isinstance(exdates, list) else [exdates]
    excluded = {d.dt.astimezone(UTC) for ex in exdates for d in ex.dts}
    # The organizer's EXDATE and the cancelled occurrence.
    assert excluded == {utc(2024, 4, 2, 16), utc(2024, 4, 16, 16)}
    for ex in exdates:
        assert ex.params["TZID"] == "Europe/Berlin"
    moved = [e for e in events if "RECURRENCE-ID" in e]
    assert len(moved) == 1
    assert moved[0]["RECURRENCE-ID"].dt.astimezone(UTC) == utc(2024, 4, 9, 16)
    assert moved[0]["DTSTART"].dt.astimezone(UTC) == utc(2024, 4, 10, 17)
    assert int(moved[0]["SEQUENCE"]) >= int(master["SEQUENCE"])
    assert str(moved[0]["SUMMARY"]) == "Chorprobe (verschoben)"


# ---- ical.js -------------------------------------------------------------------------

def probes(zone):
    """Instants to convert: noon UTC on the 1st and 15th of every month 2023-2026, and the
    seconds around the 2024 changes of `zone`'s offset. Near a change only wall-clock times
    that exist exactly once are used (not the skipped or repeated hour)."""
    out = [utc(y, m, d, 12) for y in range(2023, 2027) for m in range(1, 13) for d in (1, 15)]
    changes = {  # (spring forward, fall back) in UTC
        "Europe/Berlin": (utc(2024, 3, 31, 1), utc(2024, 10, 27, 1)),
        "America/New_York": (utc(2024, 3, 10, 7), utc(2024, 11, 3, 6)),
        "Customized Time Zone": (utc(2024, 3, 9, 20, 30), utc(2024, 11, 2, 19, 30)),
    }[zone]
    second, hour = dt.timedelta(seconds=1), dt.timedelta(hours=1)
    out += [changes[0] - second, changes[0] + second,
            changes[1] - hour - second, changes[1] + hour + second]
    return out


def offset_in(zone, t):
    """Seconds east of UTC: zoneinfo for IANA zones; for the custom zone of
    render_invitation.cpp its rule: +05:30, and +06:30 from the second Sunday of March
    02:00 to the first Sunday of November 02:00 local time."""
    if zone != "Customized Time Zone":
        return int(t.astimezone(ZoneInfo(zone)).utcoffset().total_seconds())

    def sunday(year, month, n):
        d = dt.date(year, month, 1)
        d += dt.timedelta(days=(6 - d.weekday()) % 7)
        return d + dt.timedelta(weeks=n - 1)

    begin = dt.datetime.combine(sunday(t.year, 3, 2), dt.time(2), UTC) - dt.timedelta(hours=5.5)
    end = dt.datetime.combine(sunday(t.year, 11, 1), dt.time(2), UTC) - dt.timedelta(hours=6.5)
    return 23400 if begin <= t < end else 19800


def walls(zone):
    """(instant, wall-clock fields in `zone`) for every probe."""
    out = []
    for t in probes(zone):
        w = t + dt.timedelta(seconds=offset_in(zone, t))
        out.append((unix(t), [w.year, w.month, w.day, w.hour, w.minute, w.second]))
    return out


ZONES = ("Europe/Berlin", "America/New_York", "Customized Time Zone")


@pytest.fixture(scope="module")
def icaljs(rendered, tmp_path_factory):
    modules = HERE / "node_modules" / "ical.js"
    if not modules.is_dir():
        pytest.skip("ical.js is not installed: run scripts/install-deps.sh "
                    "(npm ci --prefix tests/e2e)")
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    work = tmp_path_factory.mktemp("icaljs")
    requests = []
    for (case, who), raw in rendered[1].items():
        path = work / f"{case}.{who}.ics"
        path.write_bytes(calendar_bytes(raw))
        requests.append({"name": f"{case}.{who}", "path": str(path),
                         "walls": {z: [w for _, w in walls(z)] for z in ZONES}})
    (work / "request.json").write_text(json.dumps(requests))
    done = subprocess.run([node, str(HERE / "icaljs_check.mjs"), str(work / "request.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {r["name"]: r for r in json.loads(done.stdout)}


def unix(t):
    if isinstance(t, dt.datetime):
        return int((t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp())
    return int(dt.datetime.combine(t, dt.time(), UTC).timestamp())


@pytest.mark.parametrize("case,who", ALL)
def test_icaljs_reads_the_same(icaljs, case, who):
    want = CASES[case]
    address, name = RECIPIENTS[who]
    got = icaljs[f"{case}.{who}"]
    assert got["method"] == want["kind"]
    for ev in got["events"]:
        assert ev["uid"] == expected_uid(want["event"], address)
        assert ev["sequence"] == want["seq"]
        assert ev["organizer"]["value"] == f"mailto:{RSVP}"
        assert len(ev["attendees"]) == 1
        att = ev["attendees"][0]
        assert (att["value"], att["cn"]) == (f"mailto:{address}", name)
        if want["kind"] == "REQUEST":
            assert (att["partstat"], att["rsvp"]) == ("NEEDS-ACTION", "TRUE")
    if case == "weekly_cancel_one":
        assert got["events"][0]["recurrenceId"]["unix"] == unix(utc(2024, 4, 23, 16))
        return
    master = next(e for e in got["events"] if e["recurrenceId"] is None)
    assert master["summary"] == want["summary"]
    assert master["start"]["unix"] == unix(want["start"])
    assert master["end"]["unix"] == unix(want["end"])
    if want["tzid"] == "date":
        assert master["start"]["isDate"] and master["start"]["ical"] == "20240610"
    elif want["tzid"] == "floating":
        assert master["start"]["tzid"] == "floating"
    elif want["tzid"] is None:
        assert master["start"]["tzid"] == "UTC"
    else:
        assert master["start"]["tzid"] == want["tzid"]
    if case == "berlin":
        assert master["description"].startswith("Agenda; bitte lesen:\n1. Budget, Q3\n")
        assert master["location"] == want["location"]


def test_icaljs_expands_the_series(icaljs):
    berlin = ZoneInfo("Europe/Berlin")
    rule = rrulestr("FREQ=WEEKLY;COUNT=10;BYDAY=TU",
                    dtstart=dt.datetime(2024, 3, 19, 18, tzinfo=berlin))
    expected = []
    for start in rule:
        start_utc = start.astimezone(UTC)
        if start_utc in (utc(2024, 4, 2, 16), utc(2024, 4, 16, 16)):
            continue  # EXDATE, and the cancelled occurrence
        if start_utc == utc(2024, 4, 9, 16):  # moved to Wednesday 19:00
            expected.append((unix(start_utc), unix(utc(2024, 4, 10, 17)), "Chorprobe (verschoben)"))
        else:
            expected.append((unix(start_utc), unix(start_utc), "Chorprobe"))
    got = [(o["recurrenceId"], o["start"], o["summary"])
           for o in icaljs["weekly.alice"]["occurrences"]]
    assert got == expected
    # DST: 18:00 is 17:00 UTC before 31 March, 16:00 UTC after.
    assert got[0][1] == unix(utc(2024, 3, 19, 17)) and got[2][1] == unix(utc(2024, 4, 10, 17))


def test_icaljs_timezones_match_iana(icaljs):
    """Our VTIMEZONEs, read by ical.js, put each wall-clock time at the instant the IANA
    zone (zoneinfo) says, around DST changes too."""
    checked = set()
    for name, got in icaljs.items():
        for tzid, instants in got["zones"].items():
            want = walls(tzid)
            mismatches = [(wall, g - u) for (u, wall), g in zip(want, instants) if g != u]
            assert not mismatches, f"{name} {tzid}: (wall time, seconds off) {mismatches[:5]}"
            checked.add(tzid)
    assert checked == set(ZONES)
