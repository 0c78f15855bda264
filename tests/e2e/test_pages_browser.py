"""Public pages, CTA links and feeds (issue 6, SPEC §5) in a real browser: Debian's
Chromium driven by npm's playwright-core (scripts in browser/), against `cis serve` on
loopback. Each test starts its own server whose public URL is its own loopback address, so
the browser's Origin is the server's own site. Screenshots of every page at phone and
desktop widths go to $CIS_SCREENSHOT_DIR or <build dir>/screenshots/."""
import http.server
import json
import os
import pathlib
import re
import shutil
import struct
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib

import pytest

from cis_harness import CIS_BIN, Cis, make_invite
from test_event_import import season_ics

E2E = pathlib.Path(__file__).resolve().parent
SCRIPTS = E2E / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = pathlib.Path(os.environ.get("CIS_SCREENSHOT_DIR") or pathlib.Path(CIS_BIN).parent / "screenshots")


def why_no_browser():
    if not shutil.which("node"):
        return "node is missing (scripts/install-deps.sh)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (scripts/install-deps.sh installs Debian's chromium)"
    if not (E2E / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is missing (npm ci --prefix tests/e2e, as scripts/install-deps.sh does)"
    return None


# CI sets CIS_REQUIRE_BROWSER=1 (.ci/run): there a missing browser fails instead of skipping.
if os.environ.get("CIS_REQUIRE_BROWSER") == "1" and why_no_browser():
    raise RuntimeError(f"CIS_REQUIRE_BROWSER=1 but {why_no_browser()}")
pytestmark = pytest.mark.skipif(why_no_browser() is not None, reason=f"browser tests skipped: {why_no_browser()}")


def browse(script, request, timeout=150):
    """Runs browser/<script>.mjs with `request` as JSON on stdin; returns its JSON answer."""
    r = subprocess.run(["node", str(SCRIPTS / f"{script}.mjs")], input=json.dumps(request).encode(),
                       capture_output=True, timeout=timeout, cwd=E2E, env={**os.environ, "CHROMIUM": CHROMIUM})
    if r.returncode != 0:
        raise AssertionError(f"browser/{script}.mjs exited {r.returncode}:\n{r.stderr.decode(errors='replace')[-4000:]}")
    return json.loads(r.stdout)


@pytest.fixture
def start(tmp_path):
    """Starts a `cis serve` (with extra settings) whose public URL is its own address."""
    servers = []

    def _start(name="data", **env):
        server = Cis(tmp_path / name, CIS_INBOUND_REQUIRE_DKIM="false", **env)
        server.env["CIS_HTTP_PUBLIC_URL"] = f"http://127.0.0.1:{server.http_port}"
        server.start()
        servers.append(server)
        if server.env["CIS_HTTP_PUBLIC_URL"] != f"http://127.0.0.1:{server.http_port}":
            server.stop()  # a taken port moved it: start again where it now is
            server.env["CIS_HTTP_PUBLIC_URL"] = f"http://127.0.0.1:{server.http_port}"
            server.start()
        server.base = server.env["CIS_HTTP_PUBLIC_URL"]
        return server

    yield _start
    for server in servers:
        server.stop()


def create_page(cis, **body):
    status, page = cis.api("POST", "/pages", cis.admin_key, body)
    assert status == 201, page
    assert page["url"] == f"{cis.base}/p/{page['id']}"
    return page


def invitations(cis, email):
    status, body = cis.api("GET", f"/sandbox/messages?rcpt={urllib.parse.quote(email)}", cis.admin_key)
    assert status == 200, body
    return [m for m in body["messages"] if m["kind"] == "invite"]


def wait_invitations(cis, email, count):
    return cis.wait_for(lambda: len(invitations(cis, email)) >= count and invitations(cis, email),
                        what=f"{count} invitation(s) to {email}")


def origin_of(cis, event_id, email):
    status, body = cis.api("GET", f"/event/{event_id}/attendees?unmasked=true", cis.admin_key)
    assert status == 200, body
    return {a["email"]: a["origin"] for a in body["attendees"]}.get(email)


def assert_screenshots(files, *names):
    """Each name shot at both widths, each file a real PNG of that width with some picture
    in it (not one flat colour)."""
    by_name = {pathlib.Path(f).name: f for f in files}
    for name in names:
        for label, width in (("phone", 390), ("desktop", 1280)):
            # Only what this run's script reported: an old file from an earlier run never counts.
            assert f"{name}-{label}.png" in by_name, f"{name}-{label}.png was not shot"
            path = pathlib.Path(by_name[f"{name}-{label}.png"])
            data = path.read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n", path
            w, h = struct.unpack(">II", data[16:24])
            assert w == width and h > 0, (path, w, h)
            pixels = zlib.decompress(b"".join(chunk_data(data, b"IDAT")))
            assert len(set(pixels[: 4 * w * 200])) > 8, f"{path} looks blank"


def chunk_data(png, kind):
    pos = 8
    while pos < len(png):
        length, = struct.unpack(">I", png[pos:pos + 4])
        if png[pos + 4:pos + 8] == kind:
            yield png[pos + 8:pos + 8 + length]
        pos += 12 + length


def fetch(url, data=None, headers=None):
    """A plain HTTP call, as a link scanner or a calendar client makes it: (status, headers, body)."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


# --- 1. the schedule of 2 500 games -----------------------------------------------------

def test_schedule_of_2500_events_filter_tick_three_send(start):
    org = "coach@club.example"
    cis = start()
    cis.add_organizer(org)
    status, body = cis.api("POST", f"/events/import?organizer={org}", cis.admin_key, season_ics(organizer=org),
                           headers={"Content-Type": "text/calendar"})
    assert status == 200 and body["counts"] == {"created": 2500}, body
    page = create_page(cis, kind="schedule", organizer=org, title="Lions — season 2030", accent="#c0392b")
    game_1234 = next(e["id"] for e in cis.events() if e["original_uid"] == "game-1234@league.example")

    seen = browse("schedule", {"url": page["url"], "month": "2030-04", "pick": 3, "email": "fan@example.net",
                               "keyboard": {"q": "1234", "email": "keys@example.net"},
                               "range": {"from": "2030-04-10", "to": "2030-04-12"}, "shots": str(SHOTS)})
    assert seen["total"] == 2500
    assert seen["encoding"] == "gzip", "Chromium asks for gzip: the 2 MB page travels compressed"
    assert seen["month_events"] == 150, "five games an evening through April"
    assert seen["visible"] == 150 and seen["visible_months"] == ["2030-04"]
    assert seen["status"] == 200 and seen["result_main"] == 1, seen["result"]["text"]
    assert seen["problems"] == [] and seen["dialogs"] == []

    # A date range, in place with script and on the server without: three evenings of five.
    days = ["2030-04-10", "2030-04-11", "2030-04-12"]
    assert sorted(seen["range"]["script"]) == sorted(days * 5), seen["range"]["script"]
    assert sorted(seen["range"]["noscript"]) == sorted(days * 5), seen["range"]["noscript"]
    assert seen["range"]["problems"] == []

    ticked = seen["ticked"]
    assert len(set(ticked)) == 3
    sent = wait_invitations(cis, "fan@example.net", 3)
    assert len(sent) == 3 and {m["event_id"] for m in sent} == set(ticked)
    for event_id in ticked:
        assert origin_of(cis, event_id, "fan@example.net") == "schedule"

    # Keyboard only: Tab reaches the keyword box, a checkbox, the email box and the button.
    keys = seen["keyboard"]
    assert keys.get("status") == 200, keys
    assert keys["ticked"] == game_1234, keys
    [one] = wait_invitations(cis, "keys@example.net", 1)
    assert one["event_id"] == game_1234
    assert keys["problems"] == []
    assert_screenshots(seen["shots"], "schedule", "schedule-filtered", "result")


# --- 2. a CTA link -----------------------------------------------------------------------

class Landing:
    """The organizer's own site: a tiny http.server on loopback serving /landing/thanks.html
    and recording the paths it was asked for."""

    def __init__(self, root):
        (root / "landing").mkdir(parents=True)
        (root / "landing" / "thanks.html").write_text("<!doctype html><title>Thanks</title><h1>Thanks!</h1>")
        self.paths = []
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=str(root), **kw)

            def do_GET(self):
                outer.paths.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def landing(tmp_path):
    site = Landing(tmp_path / "site")
    yield site
    site.close()


def allow_landing(cis, organizer, *prefixes):
    status, body = cis.api("PATCH", f"/organizer/{organizer}", cis.admin_key, {"landing_urls": list(prefixes)})
    assert status == 200, body
    status, body = cis.api("GET", f"/organizer/{organizer}", cis.admin_key)
    assert status == 200 and body["landing_urls"] == list(prefixes), body


MERGE_TAGS = {"mailchimp": "*|EMAIL|*", "klaviyo": "{{ email }}", "sendgrid": "{{email}}",
              "hubspot": "{{ contact.email }}", "generic": "{email}"}


def test_cta_link_scanner_sends_nothing_browser_sends_once(start, landing):
    org = "news@club.example"
    cis = start()
    event = cis.create_event(uid="u-cta", organizer=org, summary="Cup final")
    allow_landing(cis, org, f"{landing.base}/landing/")
    thanks = f"{landing.base}/landing/thanks.html"

    links = {}
    for platform, tag in MERGE_TAGS.items():
        status, link = cis.api("POST", f"/event/{event['id']}/cta-links", cis.admin_key,
                               {"platform": platform, "landing_url": thanks})
        assert status == 201, link
        assert link["origin"] == f"cta:{platform}" and link["merge_tag"] == tag
        assert link["url"] == f"{cis.base}/c/{link['id']}?email={tag}", link
        links[platform] = link
    for off in (f"{landing.base}/elsewhere/", "https://evil.example/landing/thanks.html",
                f"{landing.base.replace('127.0.0.1', 'localhost')}/landing/thanks.html"):
        status, body = cis.api("POST", f"/event/{event['id']}/cta-links", cis.admin_key,
                               {"platform": "mailchimp", "landing_url": off})
        assert status == 422 and body["error"]["code"] == "landing_url_not_allowed", (off, body)

    # Mailchimp puts the subscriber's address where its merge tag stands.
    def link_for(email):
        return links["mailchimp"]["url"].replace("*|EMAIL|*", urllib.parse.quote(email))

    # A corporate mail scanner fetches the link (and asks for it again): nothing is sent.
    for _ in range(2):
        status, headers, body = fetch(link_for("reader@example.net"))
        assert status == 200 and b"reader@example.net" in body
        assert headers["Content-Type"].startswith("text/html")
    assert invitations(cis, "reader@example.net") == []
    assert origin_of(cis, event["id"], "reader@example.net") is None

    seen = browse("cta", {"url": link_for("reader@example.net"), "noscript_url": link_for("plain@example.net"),
                          "landing": thanks, "shots": str(SHOTS)})
    assert seen["get_status"] == 200 and "reader@example.net" in seen["page"]["text"]
    assert seen["final_url"] == thanks, seen
    assert len(seen["posts"]) == 1 and seen["posts"][0]["status"] < 400, seen["posts"]
    assert "reader@example.net" in seen["sending_text"]
    assert seen["problems"] == [], seen["problems"]
    [sent] = wait_invitations(cis, "reader@example.net", 1)
    assert sent["event_id"] == event["id"]
    assert origin_of(cis, event["id"], "reader@example.net") == "cta:mailchimp"
    assert "/landing/thanks.html" in landing.paths

    # Without script the <noscript> button sends and lands the same way.
    assert seen["noscript"].get("final_url") == thanks, seen["noscript"]
    assert len(wait_invitations(cis, "plain@example.net", 1)) == 1
    assert len(invitations(cis, "reader@example.net")) == 1, "one click, one invitation"
    assert_screenshots(seen["shots"], "cta", "cta-noscript")


# --- 3. markup in an event is text ---------------------------------------------------------

SUMMARY = """<script>alert("summary")</script> <img src=x onerror=alert('img')> "Tom's" & Jerry"""
DESCRIPTION = """<script>alert('description')</script><img src=x onerror="alert(2)"> it's "quoted" </p>"""
TITLE = 'Club <script>alert("title")</script> & "friends"'


def test_markup_in_events_and_queries_shows_as_text(start):
    org = "xss@club.example"
    cis = start()
    event = cis.create_event(uid="u-xss", organizer=org, summary=SUMMARY, extra=f"DESCRIPTION:{DESCRIPTION}")
    stored = cis.event(event["id"])
    assert stored["summary"] == SUMMARY
    landing_page = create_page(cis, kind="landing", organizer=org, event_id=event["id"], title=TITLE)
    upcoming = create_page(cis, kind="upcoming", organizer=org, title=TITLE)
    schedule = create_page(cis, kind="schedule", organizer=org)
    query = urllib.parse.quote('<script>alert("q")</script>"><img src=x onerror=alert(3)>')
    seen = browse("inspect", {"shots": str(SHOTS), "pages": [
        {"name": "landing", "url": landing_page["url"]},
        {"name": "upcoming", "url": upcoming["url"]},
        {"name": "schedule-escaped", "url": schedule["url"]},
        {"name": "schedule-query", "url": f"{schedule['url']}?q={query}"},
        {"name": "schedule-query-match", "url": f"{schedule['url']}?q={urllib.parse.quote('<script>alert(')}"},
    ]})
    for name, page in seen["pages"].items():
        assert page["status"] == 200, name
        assert page["dialogs"] == [] and page["injected"] == [], (name, page["injected"])
        assert page["problems"] == [], (name, page["problems"])
        csp = page["headers"].get("content-security-policy", "")
        assert "script-src" in csp or "default-src" in csp, (name, csp)
        assert "unsafe-inline" not in csp.split("script-src")[-1].split(";")[0], (name, csp)
        assert page["headers"].get("x-content-type-options") == "nosniff", name
        assert page["charset"] == "UTF-8", name
    pages = seen["pages"]
    for name in ("landing", "upcoming", "schedule-escaped", "schedule-query-match"):
        assert SUMMARY in pages[name]["text"], name
    assert DESCRIPTION.strip() in pages["landing"]["text"]
    assert pages["landing"]["h1"] == TITLE and pages["upcoming"]["h1"] == TITLE
    assert SUMMARY not in pages["schedule-query"]["text"], "the query matched nothing"

    # The send result names the event as text too.
    sent = browse("send", {"url": landing_page["url"], "email": "fan@example.net", "times": 1,
                           "shot": "result-landing", "shots": str(SHOTS)})
    [answer] = sent["answers"]
    assert answer["status"] == 200 and answer["injected"] == [] and sent["dialogs"] == []
    assert SUMMARY in answer["text"]
    assert sent["problems"] == []
    assert_screenshots(seen["shots"] + sent["shots"], "landing", "upcoming", "schedule-escaped", "result-landing")


# --- 4. limits -----------------------------------------------------------------------------

def form(email, *events):
    return urllib.parse.urlencode([("email", email)] + [("event", e) for e in events]).encode()


def test_rate_limits_answer_429(start):
    org = "busy@club.example"
    cis = start(CIS_PAGES_IP_LIMIT="2", CIS_PAGES_IP_WINDOW="3600")
    event = cis.create_event(uid="u-busy", organizer=org, summary="Popular game")
    page = create_page(cis, kind="landing", organizer=org, event_id=event["id"])
    seen = browse("send", {"url": page["url"], "email": "eager@example.net", "times": 3,
                           "shot": "429", "shots": str(SHOTS)})
    first, second, third = seen["answers"]
    assert (first["status"], second["status"], third["status"]) == (200, 200, 429), seen["answers"]
    assert int(third["retry_after"]) > 0
    assert third["h1"] and third["injected"] == [] and not third["text"].lstrip().startswith("{")
    # Chromium logs the 429 answer itself as a failed load; nothing else may go wrong.
    assert [p for p in seen["problems"] if "status of 429" not in p] == []
    assert len(wait_invitations(cis, "eager@example.net", 1)) == 1
    assert_screenshots(seen["shots"], "429")

    # CTA posts count against the same per-IP limit.
    allow_landing(cis, org, "https://club.example/")
    status, link = cis.api("POST", f"/event/{event['id']}/cta-links", cis.admin_key,
                           {"platform": "generic", "landing_url": "https://club.example/thanks"})
    assert status == 201, link
    status, headers, body = fetch(link["url"].replace("{email}", "other@example.net"), data=form("other@example.net"),
                                  headers={"Accept": "application/json"})
    assert status == 429 and int(headers["Retry-After"]) > 0, body
    assert invitations(cis, "other@example.net") == []

    # Per recipient: one address asked for too often, from anywhere.
    cis2 = start("data2", CIS_PAGES_RECIPIENT_LIMIT="2", CIS_PAGES_RECIPIENT_WINDOW="3600")
    event2 = cis2.create_event(uid="u-busy2", organizer=org, summary="Popular game")
    page2 = create_page(cis2, kind="landing", organizer=org, event_id=event2["id"])
    statuses = []
    for _ in range(3):
        status, headers, body = fetch(f"{page2['url']}/send", data=form("target@example.net", event2["id"]))
        statuses.append(status)
    assert statuses == [200, 200, 429], statuses
    assert headers["Content-Type"].startswith("text/html") and int(headers["Retry-After"]) > 0
    assert b"<h1" in body


def test_a_page_that_asks_for_confirmation_sends_after_the_owner_confirms(start):
    org = "careful@club.example"
    cis = start()
    event = cis.create_event(uid="u-careful", organizer=org, summary="Derby night")
    page = create_page(cis, kind="landing", organizer=org, event_id=event["id"], confirm=True)
    seen = browse("send", {"url": page["url"], "email": "fan@example.net", "times": 1,
                           "shot": "check-inbox", "shots": str(SHOTS)})
    [asked] = seen["answers"]
    assert asked["status"] == 200 and "Check your inbox" in asked["text"], asked["text"]
    assert seen["problems"] == [] and invitations(cis, "fan@example.net") == []

    [mail] = [m for m in cis.outbox() if m["kind"] == "confirmation" and m["rcpt"] == "fan@example.net"]
    link = re.search(re.escape(cis.base) + r"/confirm/[A-Za-z0-9_-]+", mail["message"]).group(0)
    seen = browse("confirm", {"url": link, "shots": str(SHOTS)})
    assert seen["before"]["status"] == 200 and "Derby night" in seen["before"]["text"]
    assert "Send me the invitation" in seen["before"]["text"], seen["before"]["text"]
    assert seen["after"]["status"] == 200 and "invitation sent" in seen["after"]["text"], seen["after"]["text"]
    assert seen["problems"] == [] and seen["dialogs"] == []
    assert len(wait_invitations(cis, "fan@example.net", 1)) == 1
    assert origin_of(cis, event["id"], "fan@example.net") == "landing"
    assert_screenshots(seen["shots"], "confirm", "confirmed")


# --- 5. feeds --------------------------------------------------------------------------------

def icaljs(tmp_path, feeds):
    requests = []
    for name, body in feeds.items():
        path = tmp_path / f"{name}.ics"
        path.write_bytes(body)
        requests.append({"name": name, "path": str(path)})
    (tmp_path / "feeds.json").write_text(json.dumps(requests))
    r = subprocess.run(["node", str(E2E / "icaljs_check.mjs"), str(tmp_path / "feeds.json")],
                       capture_output=True, cwd=E2E, timeout=60)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    return {c["name"]: c for c in json.loads(r.stdout)}


def test_feeds_parse_with_icaljs_and_carry_a_cancellation(start, tmp_path):
    org = "feeds@club.example"
    cis = start()
    cis.create_event(uid="u-feed-1", organizer=org, summary="Home game", start="20300601T180000Z",
                     end="20300601T200000Z")
    cis.create_event(uid="u-feed-2", organizer=org, summary="Away game", start="20300608T180000Z",
                     end="20300608T200000Z")
    page = create_page(cis, kind="upcoming", organizer=org, title="Feeds FC")
    assert page["feed_url"] == f"{page['url']}/feed.ics"
    assert page["webcal_url"] == f"webcal://127.0.0.1:{cis.http_port}/p/{page['id']}/feed.ics"
    status, organizer_feed = cis.api("GET", f"/organizer/{org}/feed", cis.admin_key)
    assert status == 200 and organizer_feed["url"].startswith(f"{cis.base}/feed/"), organizer_feed
    assert organizer_feed["webcal_url"] == "webcal://" + organizer_feed["url"].split("://", 1)[1]

    def feeds():
        out = {}
        for name, url in (("page", page["feed_url"]), ("organizer", organizer_feed["url"])):
            status, headers, body = fetch(url)
            assert status == 200 and headers["Content-Type"].startswith("text/calendar"), (name, status)
            out[name] = body
        return icaljs(tmp_path, out)

    def by_summary(cal):
        return {e["summary"]: e for e in cal["events"]}

    before = feeds()
    for name, cal in before.items():
        assert cal["method"] == "PUBLISH", name
        events = by_summary(cal)
        assert set(events) == {"Home game", "Away game"}, name
        assert events["Home game"]["status"] != "CANCELLED"

    code, reply = cis.send(make_invite("u-feed-1", org, summary="Home game", method="CANCEL", sequence=1,
                                       start="20300601T180000Z", end="20300601T200000Z"))
    assert code == 250, reply
    after = feeds()
    for name, cal in after.items():
        events = by_summary(cal)
        assert events["Home game"]["status"] == "CANCELLED", name
        assert events["Home game"]["sequence"] > by_summary(before[name])["Home game"]["sequence"], name
        assert events["Away game"]["status"] != "CANCELLED", name

    # The page links its feed: webcal:// to subscribe, http(s) to download.
    seen = browse("inspect", {"shots": str(SHOTS), "pages": [{"name": "upcoming-feed", "url": page["url"]}]})
    links = seen["pages"]["upcoming-feed"]["links"]
    assert links["subscribe"] == page["webcal_url"] and links["feed"] == page["feed_url"], links
    assert links["google"] >= 1 and links["outlook"] >= 1 and links["ics"], links
    status, headers, body = fetch(links["ics"][0])
    assert status == 200 and headers["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in body
