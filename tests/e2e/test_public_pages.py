"""Public event pages (issue 6, SPEC §5) through the real `cis serve`, without a browser:
GET /p/{id} shows a landing, upcoming or schedule page and changes nothing; POST
/p/{id}/send asks for one invitation per ticked event with the page's kind as origin;
refusals (422, 403, 404) send nothing; the per-IP and per-recipient limits answer 429
with Retry-After. Pages are written into the store directly (the API that makes them is
another route's)."""
import gzip
import http.client
import re
import sqlite3
import time
import urllib.parse

import pytest

from cis_harness import Cis

ORG = "org@example.org"
OTHER = "other@example.net"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
EVIL = '<script>alert("x")</script> & \'quoted\''

# (uid, summary, DTSTART, extra lines): Berlin evenings across three months of 2030.
GAMES = [
    ("g-1", "Lions vs Tigers", "20300403T190500", ["LOCATION:North Stadium"]),
    ("g-2", "Bears vs Wolves", "20300410T180000", ["DESCRIPTION:Derby night"]),
    ("g-3", "Hawks vs Owls", "20300502T200000", []),
    ("g-4", "Lions vs Bears", "20300515T193000", []),
    ("g-5", "Tigers vs Hawks", "20300601T170000", []),
    ("g-6", EVIL, "20300612T170000", [f"LOCATION:{EVIL}", f"DESCRIPTION:{EVIL}"]),
]


def start(tmp_path, **env):
    server = Cis(tmp_path / "data", CIS_INBOUND_REQUIRE_DKIM="false",
                 CIS_HTTP_PUBLIC_URL="https://cis.test", **env).start()
    server.add_organizer(ORG)
    server.add_organizer(OTHER)
    return server


@pytest.fixture
def cis(tmp_path):
    server = start(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def import_games(cis, games=GAMES, organizer=ORG):
    """Imports the games (.ics, Europe/Berlin) and returns {uid: event id}."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tests//Pages//EN", "METHOD:PUBLISH"]
    for uid, summary, dtstart, extra in games:
        lines += ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z",
                  f"DTSTART;TZID=Europe/Berlin:{dtstart}", "DURATION:PT2H",
                  f"SUMMARY:{summary}", f"ORGANIZER:mailto:{organizer}", *extra, "END:VEVENT"]
    lines += ["END:VCALENDAR", ""]
    status, body = cis.api("POST", f"/events/import?organizer={organizer}", cis.admin_key,
                           "\r\n".join(lines).encode(), headers={"Content-Type": "text/calendar"})
    assert status in (200, 201), body
    return {e["original_uid"]: e["id"] for e in cis.events() if e["organizer"] == organizer}


def add_page(cis, page_id, kind, organizer=ORG, **fields):
    """A page configuration written into the store (as POST /pages would)."""
    row = {"id": page_id, "organizer": organizer, "kind": kind, "event_id": "", "title": "",
           "logo_url": "", "background_url": "", "accent": "", "filter": "", "redirect_url": "",
           "created_at": int(time.time()), "updated_at": int(time.time())}
    row.update(fields)
    with sqlite3.connect(f"{cis.data_dir}/cis.sqlite3", timeout=10) as db:
        db.execute(f"INSERT INTO pages ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                   list(row.values()))
    return f"/p/{page_id}"


def allow_landing_url(cis, organizer, url):
    with sqlite3.connect(f"{cis.data_dir}/cis.sqlite3", timeout=10) as db:
        db.execute("INSERT INTO landing_urls (organizer, url, created_at) VALUES (?, ?, ?)",
                   (organizer, url, int(time.time())))


def fetch(cis, method, path, body=None, headers=None):
    """(status, HTML, lower-cased headers) of a public page: no key."""
    response = {}
    status, raw = cis.api(method, path, None, body, raw=True, headers=headers, response=response)
    return status, raw.decode("utf-8"), {k.lower(): v for k, v in response.items()}


def send(cis, path, email, events, headers=None):
    body = urllib.parse.urlencode([("email", email)] + [("event", e) for e in events]).encode()
    return fetch(cis, "POST", f"{path}/send", body, {**FORM, **(headers or {})})


def rows(html):
    """(event id, hidden) of each event row, in page order."""
    found = re.findall(r'<li class="event" data-month="(\d{4}-\d\d)" data-date="([\d-]+)"( hidden)?>'
                       r'\s*<label class="pick"><input type="checkbox" name="event" value="([^"]+)"',
                       html)
    return [(event_id, bool(hidden)) for _, _, hidden, event_id in found]


def shown(html):
    return [event_id for event_id, hidden in rows(html) if not hidden]


def attendees(cis, event_id):
    status, body = cis.api("GET", f"/event/{event_id}/attendees?unmasked=true", cis.admin_key)
    assert status == 200, body
    return body["attendees"]


def invitations_queued(cis):
    """Calendar messages ever queued (organizers' notifications left out)."""
    return len([m for m in cis.outbox() if m["kind"] in ("invite", "resend")])


def assert_page_headers(headers, script=True):
    assert headers["content-type"] == "text/html; charset=utf-8"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert ("script-src 'self'" in csp) == script, "scripts only on the event pages"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "form-action 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"


def assert_no_inline_script(html):
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert re.fullmatch(r'<script src="/assets/pages\.js\?v=[0-9a-f]+" defer>', tag), tag
    assert not re.search(r"<script[^>]*>[^<]", html), "a script element with content"
    assert " on" not in " ".join(re.findall(r"<[a-z]+[^>]*>", html)).replace(" one", ""), \
        "no inline event handlers"


def test_schedule_page_sends_one_invitation_per_ticked_event(cis):
    ids = import_games(cis)
    path = add_page(cis, "season", "schedule", title="Season 2030", accent="#c00")
    before = cis.sandbox()  # the organizers' welcome notes
    for _ in range(2):  # a GET (a link scanner, a reload) changes nothing
        status, html, headers = fetch(cis, "GET", path)
        assert status == 200, html
        assert_page_headers(headers)
        assert "img-src" not in headers["content-security-policy"], "no logo, no images"
        assert_no_inline_script(html)
        assert re.fullmatch(r"render;dur=\d+(\.\d+)?", headers["server-timing"])
    assert cis.sandbox() == before and all(attendees(cis, i) == [] for i in ids.values())
    assert [i for i, _ in rows(html)] == [ids[uid] for uid, *_ in GAMES], "all, in start order"
    assert '<form id="send-form" method="post" action="/p/season/send">' in html
    assert '<h1>Season 2030</h1>' in html and '<html lang="en">' in html
    assert '<input id="email" name="email" type="email"' in html
    assert '<button id="send" type="submit">' in html
    for control in ("filter-month", "filter-from", "filter-to", "filter-q"):
        assert f'id="{control}"' in html
    assert '<option value="2030-04">April 2030</option>' in html
    assert 'id="subscribe" href="webcal://cis.test/p/season/feed.ics"' in html
    assert 'id="feed-download" href="https://cis.test/p/season/feed.ics"' in html
    # Times in the event's zone, with the instant for the visitor's.
    assert ('<time datetime="2030-04-03T17:05:00Z" data-zone="Europe/Berlin">'
            'Wed 3 Apr 2030, 19:05 (Europe/Berlin)</time>') in html
    assert f'class="download-ics" download href="/p/season/ics/{ids["g-1"]}"' in html
    assert html.count('class="add-google"') == len(GAMES) == html.count('class="add-outlook"')
    # A list links its own redirect per event (two long URLs a row would double the page);
    # the redirect carries the event to the service and changes nothing.
    assert f'class="add-google" rel="noopener" target="_blank" href="/p/season/add/{ids["g-1"]}/google"' in html
    headers = {}
    status, _ = cis.api("GET", f"/p/season/add/{ids['g-1']}/google", raw=True, response=headers)
    assert status == 302
    assert headers["Location"].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE"
                                          "&text=Lions%20vs%20Tigers&dates=20300403T170500Z%2F")
    status, _ = cis.api("GET", f"/p/season/add/{ids['g-2']}/outlook", raw=True, response=headers)
    assert status == 302 and headers["Location"].startswith("https://outlook.live.com/calendar/")
    assert "subject=Bears%20vs%20Wolves" in headers["Location"]
    for wrong in (f"/p/season/add/{ids['g-1']}/yahoo", "/p/season/add/no-such-event/google",
                  f"/p/no-such-page/add/{ids['g-1']}/google"):
        assert cis.api("GET", wrong, raw=True)[0] == 404, wrong
    # The accent colour arrives through a style the CSP allows by hash.
    style = re.search(r"<style>(.*?)</style>", html).group(1)
    assert style == ":root{--accent:#c00}"

    chosen = [ids["g-1"], ids["g-3"], ids["g-5"]]
    status, html, headers = send(cis, path, "Fan@Example.org", chosen)
    assert status == 200, html
    assert '<main id="result">' in html and "3 invitations are on the way" in html
    assert html.count('class="outcome sent"') == 3 and "fan@example.org" in html
    for event_id in chosen:
        [a] = attendees(cis, event_id)
        assert a["email"] == "fan@example.org" and a["origin"] == "schedule", a
    assert attendees(cis, ids["g-2"]) == []
    cis.wait_for(lambda: len([m for m in cis.sandbox() if m["kind"] == "invite"]) == 3,
                 what="three invitations in the sandbox")
    assert {m["event_id"] for m in cis.sandbox() if m["kind"] == "invite"} == set(chosen)
    outbox = invitations_queued(cis)

    # Again, with one more: the three are "already invited", only the new one is sent.
    status, html, _ = send(cis, path, "fan@example.org", chosen + [ids["g-2"]])
    assert status == 200, html
    assert html.count('class="outcome already-invited"') == 3
    assert html.count('class="outcome sent"') == 1 and "1 invitation is on the way" in html
    assert invitations_queued(cis) == outbox + 1
    for event_id in chosen:
        assert len(attendees(cis, event_id)) == 1


def test_landing_and_upcoming_pages_use_their_kind_as_origin(cis):
    ids = import_games(cis)
    import_games(cis, [("x-1", "Elsewhere", "20300404T100000", [])], organizer=OTHER)
    landing = add_page(cis, "one", "landing", event_id=ids["g-4"])
    status, html, _ = fetch(cis, "GET", landing)
    assert status == 200
    assert rows(html) == [(ids["g-4"], False)]
    assert f'value="{ids["g-4"]}" checked>' in html, "the one event is ticked"
    assert "<h1>Lions vs Bears</h1>" in html, "the event's summary is the default title"
    assert 'id="subscribe"' not in html
    status, html, _ = send(cis, landing, "ann@example.org", [ids["g-4"]])
    assert status == 200 and 'class="outcome sent"' in html, html
    assert [a["origin"] for a in attendees(cis, ids["g-4"])] == ["landing"]

    upcoming = add_page(cis, "next", "upcoming", filter="lions")
    status, html, _ = fetch(cis, "GET", upcoming)
    assert status == 200
    assert shown(html) == [ids["g-1"], ids["g-4"]], "the page's filter, this organizer only"
    status, html, _ = send(cis, upcoming, "ann@example.org", [ids["g-1"]])
    assert status == 200 and 'class="outcome sent"' in html, html
    assert [a["origin"] for a in attendees(cis, ids["g-1"])] == ["upcoming"]


def test_stored_and_query_values_are_escaped(cis):
    ids = import_games(cis)
    path = add_page(cis, "evil", "schedule", title=EVIL,
                    logo_url='https://img.example/logo.png?"><script>x</script>',
                    background_url="https://img.example/bg.png\");}body{color:red",
                    accent="red;}</style><script>x</script>")
    q = '"><script>alert(2)</script>'
    status, html, headers = fetch(cis, "GET", f"{path}?q={urllib.parse.quote(q)}&month=<b>")
    assert status == 200, html
    assert_no_inline_script(html)
    assert "<script>" not in html and "</style><" not in html
    assert "img-src https://img.example;" in headers["content-security-policy"], "its origin only"
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"
    assert f"<h1>{escaped}</h1>" in html and f"<title>{escaped}</title>" in html
    assert f'<span class="summary">{escaped}</span>' in html
    assert f'<p class="where">{escaped}</p>' in html
    assert f'<p class="description">{escaped}</p>' in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in html, "q echoed, escaped"
    assert "Ignored a filter that is not a date or month: month" in html
    assert 'src="https://img.example/logo.png?&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html
    # The style holds no accent (not a colour) and the background URL cannot break out.
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert style == ('body{background-image:url("https://img.example/bg.png%22%29;}body{color:red");'
                     "background-size:cover;background-attachment:fixed}")
    assert shown(html) == [], "the query text matches no event"
    # The result page escapes too.
    status, html, _ = send(cis, path, "fan@example.org", [ids["g-6"]])
    assert status == 200 and f'<span class="summary">{escaped}</span>' in html, html
    assert "<script>" not in html


def test_server_side_filters(cis):
    ids = import_games(cis)
    path = add_page(cis, "s", "schedule")

    def filtered(query):
        status, html, _ = fetch(cis, "GET", f"{path}?{query}")
        assert status == 200, html
        assert len(rows(html)) == len(GAMES), "every row is there, the others hidden"
        return shown(html), html

    assert filtered("month=2030-04")[0] == [ids["g-1"], ids["g-2"]]
    assert '<option value="2030-04" selected>' in filtered("month=2030-04")[1]
    assert filtered("from=2030-05-02&to=2030-06-01")[0] == [ids["g-3"], ids["g-4"], ids["g-5"]]
    assert filtered("q=LIONS")[0] == [ids["g-1"], ids["g-4"]]
    assert filtered("q=derby")[0] == [ids["g-2"]], "the description counts"
    assert filtered("q=north+stadium")[0] == [ids["g-1"]], "the location counts"
    only, html = filtered("month=2030-07")
    assert only == [] and 'id="no-match"' in html
    assert 'id="shown-count">0</span> of 6' in html
    only, html = filtered("month=2030-13&from=yesterday")
    assert len(only) == len(GAMES) and "Ignored a filter" in html


def test_refusals_send_nothing(tmp_path):
    cis = start(tmp_path, CIS_PAGES_MAX_SELECTION=2)
    try:
        ids = import_games(cis)
        other = import_games(cis, [("x-1", "Elsewhere", "20300404T100000", [])], organizer=OTHER)
        path = add_page(cis, "s", "schedule", filter="vs")
        cases = [
            ("not an address", [ids["g-1"]], "Please check the email address"),
            ("", [ids["g-1"]], "Enter the email address"),
            ("fan@example.org", [], "Nothing selected"),
            ("fan@example.org", [ids["g-1"], ids["g-2"], ids["g-3"]], "At most 2 events"),
            ("fan@example.org", [ids["g-1"], other["x-1"]], "1 of the selected events is not"),
            ("fan@example.org", ["no-such-event", "nor-this"], "2 of the selected events are not"),
        ]
        for email, events, message in cases:
            status, html, headers = send(cis, path, email, events)
            assert status == 422, (email, events, html)
            assert message in html and 'id="error" data-status="422"' in html
            assert_page_headers(headers, script=False)
        status, html, _ = fetch(cis, "POST", f"{path}/send", b"email=%zz", FORM)
        assert status == 422 and "damaged" in html
        for method, target in (("GET", "/p/nope"), ("POST", "/p/nope/send")):
            status, html, _ = fetch(cis, method, target, b"" if method == "POST" else None,
                                    FORM if method == "POST" else None)
            assert status == 404 and "Page not found" in html
        assert invitations_queued(cis) == 0
        assert all(attendees(cis, i) == [] for i in ids.values())
    finally:
        cis.stop()


def test_cross_site_posts_are_refused(cis):
    ids = import_games(cis)
    path = add_page(cis, "s", "schedule")
    for origin in ("https://evil.example", "null", "https://cis.test.evil.example"):
        status, html, _ = send(cis, path, "fan@example.org", [ids["g-1"]], {"Origin": origin})
        assert status == 403 and "Nothing was sent" in html, origin
    assert attendees(cis, ids["g-1"]) == []
    for origin in ("https://cis.test", f"http://127.0.0.1:{cis.http_port}"):
        status, html, _ = send(cis, path, f"fan@example.org", [ids["g-1"]], {"Origin": origin})
        assert status == 200, (origin, html)
    status, html, _ = send(cis, path, "fan@example.org", [ids["g-2"]],
                           {"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert status == 200, html
    assert len(attendees(cis, ids["g-1"])) == 1 and len(attendees(cis, ids["g-2"])) == 1


def test_per_ip_limit_answers_429(tmp_path):
    cis = start(tmp_path, CIS_PAGES_IP_LIMIT=2, CIS_PAGES_IP_WINDOW=3600)
    try:
        ids = import_games(cis)
        path = add_page(cis, "s", "schedule")
        for n in range(2):
            status, html, _ = send(cis, path, f"fan{n}@example.org", [ids["g-1"]])
            assert status == 200, html
        status, html, headers = send(cis, path, "fan9@example.org", [ids["g-1"]])
        assert status == 429, html
        assert int(headers["retry-after"]) > 0
        assert "from your network" in html and "Please try again in" in html
        assert "minute" in html, "the wait in words"
        assert [a["email"] for a in attendees(cis, ids["g-1"])] == ["fan0@example.org",
                                                                   "fan1@example.org"]
    finally:
        cis.stop()


def test_per_recipient_limit_answers_429(tmp_path):
    cis = start(tmp_path, CIS_PAGES_RECIPIENT_LIMIT=1, CIS_PAGES_RECIPIENT_WINDOW=3600)
    try:
        ids = import_games(cis)
        path = add_page(cis, "s", "schedule")
        assert send(cis, path, "fan@example.org", [ids["g-1"]])[0] == 200
        status, html, headers = send(cis, path, "FAN@example.org", [ids["g-2"]])
        assert status == 429 and "for this address" in html, html
        assert int(headers["retry-after"]) > 0
        assert send(cis, path, "other@example.org", [ids["g-2"]])[0] == 200
        assert attendees(cis, ids["g-2"])[0]["email"] == "other@example.org"
    finally:
        cis.stop()


def test_redirect_after_send_only_to_an_allowed_url(cis):
    ids = import_games(cis)
    allowed = add_page(cis, "ok", "schedule", redirect_url="https://club.example/thanks")
    refused = add_page(cis, "no", "schedule", redirect_url="https://evil.example/x")
    allow_landing_url(cis, ORG, "https://club.example/")
    status, html, headers = fetch(cis, "GET", allowed)
    assert "form-action 'self' https://club.example;" in headers["content-security-policy"]
    # Not followed: urllib would fetch the organizer's site.
    conn = http.client.HTTPConnection("127.0.0.1", cis.http_port, timeout=30)
    conn.request("POST", f"{allowed}/send",
                 urllib.parse.urlencode({"email": "fan@example.org", "event": ids["g-1"]}), FORM)
    answer = conn.getresponse()
    assert answer.status == 303 and answer.getheader("Location") == "https://club.example/thanks"
    conn.close()
    status, html, headers = send(cis, refused, "fan@example.org", [ids["g-2"]])
    assert status == 200 and '<main id="result">' in html and "location" not in headers
    assert len(attendees(cis, ids["g-1"])) == 1 and len(attendees(cis, ids["g-2"])) == 1


def post_without_following(cis, path, form):
    conn = http.client.HTTPConnection("127.0.0.1", cis.http_port, timeout=30)
    try:
        conn.request("POST", path, urllib.parse.urlencode(form, doseq=True), FORM)
        answer = conn.getresponse()
        return answer.status, answer.getheader("Location"), answer.read().decode()
    finally:
        conn.close()


def test_page_made_over_the_api_redirects_while_its_url_stays_allowed(cis):
    ids = import_games(cis)
    status, body = cis.api("PATCH", f"/organizer/{ORG}", cis.admin_key,
                           {"landing_urls": ["https://club.example/fans"]})
    assert status == 200, body
    status, page = cis.api("POST", "/pages", cis.admin_key,
                           {"kind": "schedule", "organizer": ORG, "title": "Fans",
                            "redirect_url": "https://club.example/fans/thanks"})
    assert status == 201, page
    path = urllib.parse.urlsplit(page["url"]).path
    status, html, headers = fetch(cis, "GET", path)
    assert status == 200 and "<h1>Fans</h1>" in html and len(rows(html)) == len(GAMES)
    assert "form-action 'self' https://club.example;" in headers["content-security-policy"]
    status, location, _ = post_without_following(
        cis, f"{path}/send", {"email": "fan@example.org", "event": [ids["g-1"]]})
    assert (status, location) == (303, "https://club.example/fans/thanks")
    # The organizer narrows the allow-list: the page's URL is re-checked at each send.
    status, body = cis.api("PATCH", f"/organizer/{ORG}", cis.admin_key,
                           {"landing_urls": ["https://club.example/other"]})
    assert status == 200, body
    status, location, html = post_without_following(
        cis, f"{path}/send", {"email": "fan@example.org", "event": [ids["g-2"]]})
    assert status == 200 and location is None and '<main id="result">' in html
    assert [a["origin"] for a in attendees(cis, ids["g-1"]) + attendees(cis, ids["g-2"])] == \
        ["schedule", "schedule"]


def test_suppressed_address_is_not_sent_and_no_reason_is_shown(cis):
    ids = import_games(cis)
    path = add_page(cis, "s", "schedule")
    status, body = cis.api("POST", "/suppressions", cis.admin_key,
                           {"email": "gone@example.org", "organizer": ORG, "reason": "unsubscribed"})
    assert status == 201, body
    status, html, _ = send(cis, path, "gone@example.org", [ids["g-1"], ids["g-2"]])
    assert status == 200, html
    assert html.count('class="outcome not-sent"') == 2 and "No new invitation was sent" in html
    assert "unsubscribed" not in html, "whether someone unsubscribed is not told to visitors"
    assert attendees(cis, ids["g-1"]) == [] and invitations_queued(cis) == 0


def test_pages_feeds_and_assets_are_gzipped_for_clients_that_take_them(cis):
    """A phone on a slow link gets the page compressed; what it inflates is the very page
    an identity client gets. A cached asset revalidates with the weak tag of its gzip form."""
    import_games(cis)
    path = add_page(cis, "sched-gz", "schedule", title="Season")
    _, html, _ = fetch(cis, "GET", path)
    feed_status, feed, _ = fetch(cis, "GET", f"{path}/feed.ics")
    assert feed_status == 200
    script = re.search(r'src="(/assets/pages\.js\?v=[0-9a-f]+)"', html).group(1)
    _, js, plain_js_headers = fetch(cis, "GET", script)
    for target, identity in ((path, html), (f"{path}/feed.ics", feed), (script, js)):
        response = {}
        status, raw = cis.api("GET", target, None, raw=True, response=response,
                              headers={"Accept-Encoding": "gzip, deflate, br"})
        headers = {k.lower(): v for k, v in response.items()}
        assert status == 200 and headers.get("content-encoding") == "gzip", (target, headers)
        assert headers["vary"] == "Accept-Encoding"
        assert len(raw) < len(identity.encode()) and gzip.decompress(raw).decode() == identity
    assert "content-encoding" not in plain_js_headers, "no Accept-Encoding: identity"

    response = {}
    cis.api("GET", script, None, raw=True, response=response, headers={"Accept-Encoding": "gzip"})
    weak = {k.lower(): v for k, v in response.items()}["etag"]
    assert weak == "W/" + plain_js_headers["etag"]
    response = {}
    status, _ = cis.api("GET", script, None, raw=True, response=response,
                        headers={"Accept-Encoding": "gzip", "If-None-Match": weak})
    not_modified = {k.lower(): v for k, v in response.items()}
    assert status == 304
    assert not_modified["etag"] == weak and not_modified["vary"] == "Accept-Encoding", \
        "a 304 carries the validator and Vary of the 200 it stands for"


def test_compression_can_be_turned_off(tmp_path):
    """Behind a proxy that compresses itself: [http] compress = false."""
    server = start(tmp_path, CIS_HTTP_COMPRESS="false")
    try:
        import_games(server)
        path = add_page(server, "sched-plain", "schedule")
        response = {}
        status, raw = server.api("GET", path, None, raw=True, response=response,
                                 headers={"Accept-Encoding": "gzip"})
        headers = {k.lower(): v for k, v in response.items()}
        assert status == 200 and "content-encoding" not in headers and "vary" not in headers
        assert raw.startswith(b"<!DOCTYPE html>")
    finally:
        server.stop()
