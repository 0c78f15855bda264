"""Batch event import (SPEC §3.6): a season of 2 500 games as one .ics (with a real
VTIMEZONE) or a CSV of events, through POST /events/import and through create@."""
import csv
import io
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from cis_harness import DOMAIN, Cis, make_ics
from test_api_invites import make_key

ORG = "coach@club.example"
NY = ZoneInfo("America/New_York")

VTIMEZONE_NY = "\r\n".join([
    "BEGIN:VTIMEZONE", "TZID:America/New_York",
    "BEGIN:DAYLIGHT", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "TZNAME:EDT",
    "DTSTART:19700308T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT",
    "BEGIN:STANDARD", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:EST",
    "DTSTART:19701101T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD",
    "END:VTIMEZONE"])


def season_games(count=2500):
    """(uid, summary, local start) for `count` games, five an evening from March 2030 on:
    the season crosses both DST changes of New York."""
    first = datetime(2030, 3, 1, 17, 0)
    for n in range(count):
        start = first + timedelta(days=n // 5, hours=n % 5)
        yield f"game-{n}@league.example", f"Game {n}: Lions vs Tigers", start


def season_ics(count=2500, method="PUBLISH", organizer=ORG):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//League//Season//EN",
             f"METHOD:{method}", VTIMEZONE_NY]
    for uid, summary, start in season_games(count):
        end = start + timedelta(hours=3)
        lines += ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z",
                  f"DTSTART;TZID=America/New_York:{start:%Y%m%dT%H%M%S}",
                  f"DTEND;TZID=America/New_York:{end:%Y%m%dT%H%M%S}",
                  f"SUMMARY:{summary}", "LOCATION:Stadium, Main St",
                  f"ORGANIZER:mailto:{organizer}", "END:VEVENT"]
    lines += ["END:VCALENDAR", ""]
    return "\r\n".join(lines).encode()


@pytest.fixture
def cis(tmp_path):
    server = Cis(tmp_path / "data", CIS_INBOUND_REQUIRE_DKIM="false",
                 CIS_HTTP_PUBLIC_URL="https://cis.test").start()
    server.add_organizer(ORG)
    try:
        yield server
    finally:
        server.stop()


def import_file(cis, body, content_type, key=None, organizer=None):
    path = "/events/import" + (f"?organizer={organizer}" if organizer else "")
    return cis.api("POST", path, key or cis.admin_key if organizer else key, body,
                   headers={"Content-Type": content_type})


def stored_events(cis):
    """The organizer's events as the CLI lists them (`cis event list`), to hold the API's
    listing against."""
    return [e for e in cis.events() if e["organizer"] == ORG]


def organizer_listing(cis, key):
    """Pages through GET /organizer/{email}/events, 1 000 a page; returns the events and
    the sizes of the pages."""
    seen, sizes, cursor = [], [], None
    while True:
        path = f"/organizer/{ORG}/events?limit=1000" + (f"&cursor={cursor}" if cursor else "")
        status, page = cis.api("GET", path, key)
        assert status == 200, page
        seen += page["events"]
        sizes.append(len(page["events"]))
        cursor = page["next_cursor"]
        if not cursor:
            return seen, sizes


def assert_season_stored(cis, count=2500):
    rows = stored_events(cis)
    assert len(rows) == count
    by_uid = {e["original_uid"]: (e["start"], e["timezone"]) for e in rows}
    for uid, _, start in season_games(count):
        expected = start.replace(tzinfo=NY).isoformat()  # -04:00 in summer, -05:00 in winter
        assert by_uid[uid] == (expected, "America/New_York"), uid
    listing, sizes = organizer_listing(cis, cis.admin_key)
    assert len(listing) == count and len({e["id"] for e in listing}) == count
    assert sizes == [1000] * (count // 1000) + ([count % 1000] if count % 1000 else [])
    assert {e["id"] for e in listing} == {e["id"] for e in rows}


def test_season_of_2500_games_through_the_api(cis):
    organizer_key = make_key(cis, "--role", "organizer", "--organizer", ORG)
    status, body = import_file(cis, season_ics(), "text/calendar", key=organizer_key)
    assert status == 200, body
    assert body["counts"] == {"created": 2500} and body["total"] == 2500
    assert body["rejected"] == [] and len(body["events"]) == 2500
    assert all(e["event_id"] for e in body["events"])
    assert_season_stored(cis)
    [note] = cis.notifications(ORG)
    assert note["subject"] == "[CIS] 2500 events created"
    assert "2500 events created" in note["text"] and len(note["text"]) < 5000

    # The same file again changes nothing and creates nothing.
    status, body = import_file(cis, season_ics(), "text/calendar", key=organizer_key)
    assert status == 200 and body["counts"] == {"unchanged": 2500}
    assert len(stored_events(cis)) == 2500
    assert len(cis.notifications(ORG)) == 2


def test_season_of_2500_games_mailed_to_create(cis):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = ORG, f"create@{DOMAIN}", "Season 2030"
    msg["Message-ID"] = "<season-2030@club.example>"
    msg.set_content("The whole season.")
    msg.add_attachment(season_ics(), maintype="text", subtype="calendar",
                       params={"method": "PUBLISH"}, filename="season.ics")
    code, reply = cis.send(msg.as_bytes(), mail_from=ORG)
    assert code == 250, reply
    [record] = cis.inbound()
    assert record["status"] == "created", record["reason"]
    assert_season_stored(cis)
    [note] = cis.notifications(ORG)
    assert note["subject"] == "[CIS] 2500 events created"


CSV_HEADER = "summary,start,end,timezone,location,description,uid\r\n"


def test_csv_import_reports_bad_rows_and_is_idempotent(cis):
    rows = CSV_HEADER + (
        'Opening game,2030-04-02 19:05,2030-04-02 22:00,America/New_York,"Field 1, North",,\r\n'
        "Day game,2030-04-03T13:00:00Z,2030-04-03T16:00:00Z,,,,\r\n"
        'Festival,2030-04-05,2030-04-06,,Park,"two days, ""all"" day",fest-1\r\n'
        "Bad date,2030-02-30 19:00,,America/New_York,,,\r\n"
        "Nowhere,2030-04-04 19:00,2030-04-04 21:00,Mars/Olympus,,,\r\n"
        "Backwards,2030-04-04 19:00,2030-04-04 18:00,Europe/Berlin,,,\r\n")
    status, body = import_file(cis, rows.encode(), "text/csv; charset=utf-8",
                               organizer=ORG)
    assert status == 200, body
    assert body["counts"] == {"created": 3, "rejected": 3}
    reasons = {r["summary"]: r["reason"] for r in body["rejected"]}
    assert "is not a date" in reasons["Bad date"]
    assert 'unknown time zone "Mars/Olympus"' in reasons["Nowhere"]
    assert "is before start" in reasons["Backwards"]
    assert {r["uid"] for r in body["rejected"]} == {"row 5", "row 6", "row 7"}
    events = {e["original_uid"]: e for e in cis.events()}
    assert len(events) == 3
    opening = next(e for e in events.values() if e["summary"] == "Opening game")
    assert opening["start"] == "2030-04-02T19:05:00-04:00"
    assert opening["timezone"] == "America/New_York"
    assert events["fest-1"]["start"] == "2030-04-05"
    assert len(cis.notifications(ORG)) == 1

    # Re-importing: nothing new; a changed location updates the row's event in place.
    status, body = import_file(cis, rows.replace("Field 1, North", "Field 2").encode(),
                               "text/csv", organizer=ORG)
    assert body["counts"] == {"updated": 1, "unchanged": 2, "rejected": 3}, body
    assert len(cis.events()) == 3


def test_csv_mailed_to_create(cis):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = ORG, f"create@{DOMAIN}", "Our games"
    msg.set_content("See attached.")
    csv_text = CSV_HEADER + ("Home game,2030-05-01 18:00,2030-05-01 20:00,Europe/Paris,,,\r\n"
                             "Away game,2030-05-08 18:00,2030-05-08 17:00,Europe/Paris,,,\r\n")
    msg.add_attachment(csv_text.encode(), maintype="application",
                       subtype="vnd.ms-excel", filename="games.csv")
    assert cis.send(msg.as_bytes(), mail_from=ORG)[0] == 250
    [record] = cis.inbound()
    assert record["status"] == "mixed", record["reason"]
    assert record["reason"] == "2 events: 1 created, 1 rejected"
    [event] = cis.events()
    assert event["start"] == "2030-05-01T18:00:00+02:00"
    [note] = cis.notifications(ORG)
    assert "Rejected: \"Away game\"" in note["text"] and "is before start" in note["text"]
    assert "UID: row 3" in note["text"]


def test_import_roles_and_refusals(cis):
    other = "rival@elsewhere.example"
    cis.add_organizer(other)
    organizer_key = make_key(cis, "--role", "organizer", "--organizer", ORG)
    other_key = make_key(cis, "--role", "organizer", "--organizer", other)
    domain_key = make_key(cis, "--role", "domain", "--domain", "club.example")
    revoked = make_key(cis, "--role", "organizer", "--organizer", ORG)
    cis.cli("key", "revoke", revoked.split("_")[1])
    one = lambda uid: make_ics(uid, ORG)
    cal = "text/calendar"

    assert import_file(cis, one("a"), cal)[0] == 401
    assert import_file(cis, one("a"), cal, key=revoked)[0] == 401
    assert import_file(cis, one("a"), cal, key=organizer_key)[0] == 200
    assert import_file(cis, one("b"), cal, key=domain_key)[0] == 400  # must name the organizer
    path = f"/events/import?organizer={ORG}"
    assert cis.api("POST", path, domain_key, one("b"), headers={"Content-Type": cal})[0] == 200
    assert cis.api("POST", path, cis.admin_key, one("c"), headers={"Content-Type": cal})[0] == 200
    status, body = cis.api("POST", path, other_key, one("d"), headers={"Content-Type": cal})
    assert status == 403 and body["error"]["code"] == "forbidden"
    # Another organizer's key imports for its own organizer only: ORG's UID is refused.
    status, body = import_file(cis, one("a"), cal, key=other_key)
    assert status == 200 and body["counts"] == {"rejected": 1}
    assert "another organizer" in body["rejected"][0]["reason"]
    assert sorted(e["original_uid"] for e in cis.events()) == ["a", "b", "c"]

    status, body = import_file(cis, b"x", "application/pdf", key=organizer_key)
    assert status == 415 and body["error"]["code"] == "unsupported_media_type"
    status, body = import_file(cis, b"not,a,calendar\r\n", cal, key=organizer_key)
    assert status == 422 and body["error"]["code"] == "unusable_import"
    status, body = import_file(cis, b"title,when\r\nx,y\r\n", "text/csv", key=organizer_key)
    assert status == 422 and '"summary" column' in body["error"]["message"]
    past = make_ics("old", ORG, start="20200101T100000Z", end="20200101T110000Z")
    status, body = import_file(cis, past, cal, key=organizer_key)
    assert body["counts"] == {"rejected": 1} and "is over" in body["rejected"][0]["reason"]
