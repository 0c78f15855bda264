"""Calendar feeds and .ics downloads (issue 6): a real `cis serve`, events made the
organizer's way (mail to create@), the feeds read with python3-icalendar and with ical.js
(Thunderbird's parser, through icaljs_check.mjs). A subscriber must see an update's new
time and a cancellation (STATUS:CANCELLED, higher SEQUENCE); calendar apps polling with
If-None-Match get 304."""
import json
import pathlib
import re
import shutil
import subprocess
import time
import urllib.parse

import pytest
from icalendar import Calendar

from cis_harness import DOMAIN, make_invite

HERE = pathlib.Path(__file__).resolve().parent
ORG = "org@example.org"
HOME = "Home, game; \\ derby"
HOME_ICS = "Home\\, game\\; \\\\ derby"  # as iCalendar TEXT: what make_ics writes as is


def header(response, name):
    return next((v for k, v in response.items() if k.lower() == name.lower()), None)


def make_page(cis, organizer=ORG, **fields):
    """A page through POST /pages; the path of the feed it advertises."""
    body = {"organizer": organizer, "kind": "upcoming", **fields}
    status, page = cis.api("POST", "/pages", cis.admin_key, body)
    assert status == 201, page
    assert page["webcal_url"] == page["feed_url"].replace("https://", "webcal://", 1)
    return page["feed_url"].removeprefix("https://cis.test")


def mail(cis, uid, sequence=0, organizer=ORG, **kw):
    code, reply = cis.send(make_invite(uid, organizer, sequence=sequence, **kw))
    assert code == 250, reply


def event_id(cis, uid):
    return next(e["id"] for e in cis.events() if e["original_uid"] == uid)


def get(cis, path, etag=None):
    headers = {"If-None-Match": etag} if etag else {}
    response = {}
    status, body = cis.api("GET", path, raw=True, headers=headers, response=response)
    return status, body, response


def vevents(body):
    cal = Calendar.from_ical(body)
    return cal, {str(v["UID"]): v for v in cal.walk("VEVENT") if "RECURRENCE-ID" not in v}


def icaljs(body, tmp_path):
    """What ical.js reads in the calendar: {uid: event} (masters only)."""
    if not (HERE / "node_modules" / "ical.js").is_dir():
        pytest.skip("ical.js is not installed: npm ci --prefix tests/e2e")
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    path = tmp_path / f"feed-{time.monotonic_ns()}.ics"
    path.write_bytes(body)
    request = tmp_path / "request.json"
    request.write_text(json.dumps([{"name": "feed", "path": str(path), "walls": {}}]))
    done = subprocess.run([node, str(HERE / "icaljs_check.mjs"), str(request)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)[0]
    assert result["method"] == "PUBLISH"
    return {e["uid"]: e for e in result["events"] if e["recurrenceId"] is None}


@pytest.fixture
def season(cis):
    """Two upcoming events of ORG, one past one, one of another organizer; a page of ORG."""
    cis.add_organizer(ORG, "--name", "Club Nord")
    cis.add_organizer("rival@example.org")
    mail(cis, "u-home", summary=HOME_ICS,
         extra="DESCRIPTION:Gate 3\\nBring a scarf, please")
    mail(cis, "u-away", summary="Away game", start="20300608T180000Z", end="20300608T200000Z")
    mail(cis, "u-past", summary="Old game", start="20200101T180000Z", end="20200101T200000Z")
    mail(cis, "u-rival", organizer="rival@example.org", summary="Rival game")
    ids = {uid: event_id(cis, uid) for uid in ("u-home", "u-away", "u-past", "u-rival")}
    ids["feed"] = make_page(cis, title="Season 2030")  # /p/{id}/feed.ics
    ids["page"] = ids["feed"].removesuffix("/feed.ics")
    return ids


def test_page_feed_follows_updates_and_cancellations(cis, season, tmp_path):
    status, body, response = get(cis, season["feed"])
    assert status == 200, body
    assert header(response, "Content-Type") == "text/calendar; charset=utf-8"
    assert header(response, "Cache-Control") == "max-age=300"
    etag = header(response, "ETag")
    assert re.fullmatch(r'"[0-9a-f]{16,}"', etag), etag

    cal, events = vevents(body)
    assert str(cal["METHOD"]) == "PUBLISH" and str(cal["X-WR-CALNAME"]) == "Season 2030"
    home, away = (f"{season[u]}@{DOMAIN}" for u in ("u-home", "u-away"))
    assert set(events) == {home, away}, "upcoming events of this organizer only"
    assert str(events[home]["SUMMARY"]) == HOME
    assert str(events[home]["DESCRIPTION"]) == "Gate 3\nBring a scarf, please"
    assert int(events[away]["SEQUENCE"]) == 0 and str(events[away]["STATUS"]) == "CONFIRMED"
    assert "ATTENDEE" not in events[home]
    seen = icaljs(body, tmp_path)
    assert set(seen) == {home, away}
    assert seen[home]["summary"] == HOME
    assert seen[home]["description"] == "Gate 3\nBring a scarf, please"

    # A calendar app polling with the tag it holds.
    assert get(cis, season["feed"], etag)[0] == 304
    assert get(cis, season["feed"], f'W/{etag}, "other"')[0] == 304

    # The organizer moves the home game, then cancels the away game, from a calendar client.
    mail(cis, "u-home", sequence=1, summary=HOME_ICS,
         start="20300602T170000Z", end="20300602T190000Z")
    mail(cis, "u-away", sequence=1, method="CANCEL", summary="Away game",
         start="20300608T180000Z", end="20300608T200000Z")

    status, body, response = get(cis, season["feed"], etag)
    assert status == 200, "the feed changed: the old tag no longer matches"
    assert header(response, "ETag") != etag
    _, events = vevents(body)
    assert set(events) == {home, away}, "the cancelled event stays so subscribers drop it"
    assert events[home]["DTSTART"].dt.isoformat() == "2030-06-02T17:00:00+00:00"
    assert int(events[home]["SEQUENCE"]) == 1
    assert str(events[away]["STATUS"]) == "CANCELLED"
    assert int(events[away]["SEQUENCE"]) == 1
    seen = icaljs(body, tmp_path)
    assert seen[away]["status"] == "CANCELLED" and seen[away]["sequence"] == 1
    assert seen[home]["start"]["unix"] == 1906650000  # 2030-06-02T17:00:00Z
    assert seen[home]["sequence"] == 1


def test_event_download_only_for_events_of_the_page(cis, season):
    status, body, response = get(cis, f"{season['page']}/ics/{season['u-home']}")
    assert status == 200, body
    assert header(response, "Content-Type") == "text/calendar; charset=utf-8"
    assert header(response, "Content-Disposition") == 'attachment; filename="Home-game-derby.ics"'
    _, events = vevents(body)
    assert list(events) == [f"{season['u-home']}@{DOMAIN}"]
    etag = header(response, "ETag")
    assert get(cis, f"{season['page']}/ics/{season['u-home']}", etag)[0] == 304

    for other in ("u-rival", "u-past"):  # another organizer's event; an event that is over
        status, body, _ = get(cis, f"{season['page']}/ics/{season[other]}")
        assert status == 404 and json.loads(body)["error"]["code"] == "event_not_found"
    assert get(cis, f"{season['page']}/ics/no-such-event")[0] == 404
    assert get(cis, f"/p/no-such-page/ics/{season['u-home']}")[0] == 404


def test_download_name_of_a_non_ascii_summary(cis, season):
    mail(cis, "u-fete", summary="Fête — Ümlaut/2030", start="20300701T180000Z",
         end="20300701T200000Z")
    status, body, response = get(cis, f"{season['page']}/ics/{event_id(cis, 'u-fete')}")
    assert status == 200, body
    value = header(response, "Content-Disposition")
    assert value.isascii()
    ascii_part, utf8_part = value.split("; filename*=UTF-8''")
    assert ascii_part == 'attachment; filename="F-te-mlaut-2030.ics"'
    assert urllib.parse.unquote(utf8_part) == "Fête — Ümlaut-2030.ics"


def test_landing_page_feed_and_unknown_page(cis, season):
    feed = make_page(cis, kind="landing", event_id=season["u-away"])
    status, body, _ = get(cis, feed)
    assert status == 200
    _, events = vevents(body)
    assert list(events) == [f"{season['u-away']}@{DOMAIN}"]
    assert str(Calendar.from_ical(body)["X-WR-CALNAME"]) == "Club Nord", "no title: the organizer"
    status, body, _ = get(cis, "/p/no-such-page/feed.ics")
    assert status == 404 and json.loads(body)["error"]["code"] == "page_not_found"


def test_organizer_feed_token_and_calendar(cis, season, tmp_path):
    status, urls = cis.api("GET", f"/organizer/{ORG}/feed", cis.admin_key)
    assert status == 200, urls
    token = re.fullmatch(r"https://cis\.test/feed/([A-Za-z0-9_-]+)/calendar\.ics", urls["url"]).group(1)
    assert len(token) >= 22, "at least 128 random bits"
    assert urls["webcal_url"] == f"webcal://cis.test/feed/{token}/calendar.ics"
    assert cis.api("GET", f"/organizer/{ORG.upper()}/feed", cis.admin_key)[1] == urls, "made once"
    other = cis.api("GET", "/organizer/rival@example.org/feed", cis.admin_key)[1]
    assert other["url"] != urls["url"]

    status, body, _ = get(cis, f"/feed/{token}/calendar.ics")
    assert status == 200
    cal, events = vevents(body)
    assert str(cal["X-WR-CALNAME"]) == "Club Nord"
    assert set(events) == {f"{season[u]}@{DOMAIN}" for u in ("u-home", "u-away")}
    assert set(icaljs(body, tmp_path)) == set(events)

    # A cancelled event stays in the organizer's feed too.
    mail(cis, "u-home", sequence=1, method="CANCEL", summary=HOME_ICS)
    _, events = vevents(get(cis, f"/feed/{token}/calendar.ics")[1])
    assert str(events[f"{season['u-home']}@{DOMAIN}"]["STATUS"]) == "CANCELLED"

    status, body, _ = get(cis, "/feed/not-a-token/calendar.ics")
    assert status == 404 and json.loads(body)["error"]["code"] == "feed_not_found"


def test_organizer_feed_api_roles(cis, season):
    key = cis.cli("key", "create", "--role", "organizer", "--organizer", "rival@example.org")
    rival_key = key.stdout.decode().strip().splitlines()[-1]
    assert cis.api("GET", f"/organizer/{ORG}/feed", rival_key)[0] == 403
    assert cis.api("GET", f"/organizer/{ORG}/feed")[0] == 401
    assert cis.api("GET", "/organizer/rival@example.org/feed", rival_key)[0] == 200


def test_series_with_moved_and_cancelled_instances_as_ical_js_expands_it(cis, tmp_path):
    """The feed writes a series as the invitations do: the RRULE, a cancelled instance as
    an EXDATE, a moved one as a VEVENT with RECURRENCE-ID."""
    cis.add_organizer(ORG)
    series = dict(summary="Training", start="20300603T180000Z", end="20300603T190000Z")
    mail(cis, "u-train", extra="RRULE:FREQ=WEEKLY;COUNT=4", **series)
    mail(cis, "u-train", sequence=1, method="CANCEL", summary="Training",
         start="20300610T180000Z", end="20300610T190000Z", extra="RECURRENCE-ID:20300610T180000Z")
    mail(cis, "u-train", sequence=2, summary="Training (moved)",
         start="20300618T170000Z", end="20300618T180000Z", extra="RECURRENCE-ID:20300617T180000Z")
    feed = make_page(cis, kind="schedule", filter="training")

    status, body, _ = get(cis, feed)
    assert status == 200
    uid = f"{event_id(cis, 'u-train')}@{DOMAIN}"
    cal = Calendar.from_ical(body)
    parts = [v for v in cal.walk("VEVENT") if str(v["UID"]) == uid]
    assert len(parts) == 2, body.decode()  # the master and the moved instance
    master = next(v for v in parts if "RECURRENCE-ID" not in v)
    assert "FREQ=WEEKLY" in master["RRULE"].to_ical().decode()
    assert master["EXDATE"].to_ical() == b"20300610T180000Z"  # the cancelled instance

    if not (HERE / "node_modules" / "ical.js").is_dir() or not shutil.which("node"):
        pytest.skip("ical.js or node is not installed")
    path = tmp_path / "series.ics"
    path.write_bytes(body)
    request = tmp_path / "request.json"
    request.write_text(json.dumps([{"name": "series", "path": str(path), "walls": {}}]))
    done = subprocess.run([shutil.which("node"), str(HERE / "icaljs_check.mjs"), str(request)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    occurrences = json.loads(done.stdout)[0]["occurrences"]
    assert [(o["start"], o["summary"]) for o in occurrences] == [
        (1906740000, "Training"),          # 2030-06-03T18:00Z
        (1908032400, "Training (moved)"),  # 2030-06-17 moved to 06-18T17:00Z
        (1908554400, "Training"),          # 2030-06-24T18:00Z
    ]
