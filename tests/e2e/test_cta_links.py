"""CTA links (issue 6, SPEC §5) against a real `cis serve`: the API makes a link per ESP merge
tag; a GET of the link — what mail systems' link scanners do to every link — only shows a
page and sends nothing; the POST the page makes sends exactly one invitation (origin
cta:<platform>) and lands on the organizer's allow-listed URL, never elsewhere.

No browser here: the page's script is exercised by the browser tests; these call the routes
as the script and the <noscript> form do."""
import http.client
import json
import re
import urllib.parse

import pytest

from cis_harness import Cis, make_invite

ORG = "org@example.org"
LANDING = "https://club.example/fans/thanks"
SCANNER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36 Microsoft Office SafeLinks",
    "Mimecast URL Protect",
    "Barracuda Sentinel (EE)",
]


def raw(cis, method, path, body=None, headers=None):
    """One request without following redirects: (status, headers dict, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", cis.http_port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
    finally:
        conn.close()


def post_form(cis, link_id, email, **headers):
    body = urllib.parse.urlencode({"email": email})
    return raw(cis, "POST", f"/c/{link_id}", body,
               {"Content-Type": "application/x-www-form-urlencoded", **headers})


def post_json(cis, link_id, email):
    status, headers, text = raw(cis, "POST", f"/c/{link_id}", json.dumps({"email": email}),
                                {"Content-Type": "application/json", "Accept": "application/json"})
    return status, headers, json.loads(text)


def invites_queued(cis, event_id):
    return [m for m in cis.outbox() if m["kind"] in ("invite", "resend")
            and m["event_id"] == event_id]


def key(cis, *args):
    return cis.cli("key", "create", *args).stdout.decode().strip().splitlines()[-1]


@pytest.fixture
def world(cis):
    event = cis.create_event(uid="u-cta", organizer=ORG, summary="Cup final")
    status, body = cis.api("PATCH", f"/organizer/{ORG}", cis.admin_key,
                           {"landing_urls": ["HTTPS://Club.Example:443/fans"]})
    assert status == 200, body
    assert body["landing_urls"] == ["https://club.example/fans"]
    org_key = key(cis, "--role", "organizer", "--organizer", ORG)
    status, link = cis.api("POST", f"/event/{event['id']}/cta-links", org_key,
                           {"platform": "mailchimp", "landing_url": LANDING})
    assert status == 201, link
    return {"event": event, "link": link, "org_key": org_key}


def test_link_carries_each_platforms_merge_tag(cis, world):
    tags = {"mailchimp": "*|EMAIL|*", "klaviyo": "{{ email }}", "sendgrid": "{{email}}",
            "hubspot": "{{ contact.email }}", "generic": "{email}"}
    event_id = world["event"]["id"]
    for platform, tag in tags.items():
        status, link = cis.api("POST", f"/event/{event_id}/cta-links", world["org_key"],
                               {"platform": platform, "landing_url": LANDING})
        assert status == 201, link
        assert link["origin"] == f"cta:{platform}" and link["merge_tag"] == tag
        assert link["url"] == f"https://cis.test/c/{link['id']}?email={tag}"
        assert re.fullmatch(r"[A-Za-z0-9_-]{8,22}", link["id"])
    status, listed = cis.api("GET", f"/event/{event_id}/cta-links", world["org_key"])
    assert status == 200
    assert len(listed["cta_links"]) == 6 and {l["platform"] for l in listed["cta_links"]} == set(tags)


def test_get_of_the_link_sends_nothing(cis, world):
    link_id = world["link"]["id"]
    # As the ESP substituted it: the '+' of the address arrives unencoded.
    path = f"/c/{link_id}?email=ann+news@fans.example"
    status, headers, page = raw(cis, "GET", path)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "Your calendar invitation for ann+news@fans.example" in page
    assert 'data-email="ann+news@fans.example"' in page
    assert "Cup final" in page and "<noscript>" in page
    assert f'action="/c/{link_id}"' in page
    csp = headers["content-security-policy"]
    assert "script-src 'self';" in csp and "connect-src 'self'" in csp
    assert "unsafe-inline" not in csp and "form-action 'self' https://club.example;" in csp
    assert re.search(r'<script src="/assets/cta\.js\?v=[^"]+" defer></script>', page)
    assert len(re.findall(r"<script", page)) == 1  # no inline script
    for agent in SCANNER_AGENTS:
        assert raw(cis, "GET", path, headers={"User-Agent": agent})[0] == 200
        assert raw(cis, "HEAD", path, headers={"User-Agent": agent})[0] == 200
    status, _, js = raw(cis, "GET", "/assets/cta.js")
    assert status == 200 and "location.replace" in js
    assert invites_queued(cis, world["event"]["id"]) == []
    assert cis.sandbox() == []
    status, _ = cis.api("GET", f"/event/{world['event']['id']}/invites/ann+news@fans.example",
                        cis.admin_key)
    assert status == 404


def test_post_sends_once_and_lands_on_the_allowed_url(cis, world):
    link_id, event_id = world["link"]["id"], world["event"]["id"]
    status, headers, _ = post_form(cis, link_id, "Ann+News@Fans.example")
    assert status == 303 and headers["location"] == LANDING
    message = cis.wait_for(lambda: [m for m in cis.sandbox() if m["kind"] == "invite"],
                           what="the invitation in the sandbox")
    assert [m["to"] for m in message] == ["ann+news@fans.example"]
    status, state = cis.api("GET", f"/event/{event_id}/invites/ann+news@fans.example",
                            cis.admin_key)
    assert status == 200 and state["origin"] == "cta:mailchimp"
    # The second click (or the script after the form) sends nothing more.
    status, _, body = post_json(cis, link_id, "ann+news@fans.example")
    assert status == 200 and body == {"status": "already_invited", "redirect": LANDING}
    status, headers, _ = post_form(cis, link_id, "ann+news@fans.example")
    assert status == 303 and headers["location"] == LANDING
    assert len(invites_queued(cis, event_id)) == 1
    # The email in the query, with its '+' turned into a space by form decoding.
    status, _, body = raw(cis, "POST", f"/c/{link_id}?email=bob+x@fans.example", "",
                          {"Accept": "application/json"})
    assert status == 200 and json.loads(body) == {"status": "sent", "redirect": LANDING}
    status, state = cis.api("GET", f"/event/{event_id}/invites/bob+x@fans.example", cis.admin_key)
    assert status == 200 and state["origin"] == "cta:mailchimp"


def test_landing_url_must_be_on_the_allow_list(cis, world):
    event_id, org_key = world["event"]["id"], world["org_key"]
    for url in ["https://evil.example/fans", "https://club.example/fansite",
                "https://club.example.evil.example/fans", "http://club.example/fans",
                "https://club.example@evil.example/fans"]:
        status, body = cis.api("POST", f"/event/{event_id}/cta-links", org_key,
                               {"platform": "generic", "landing_url": url})
        assert status == 422, (url, body)
        assert body["error"]["code"] in ("landing_url_not_allowed", "invalid_landing_url"), body
    status, body = cis.api("POST", f"/event/{event_id}/cta-links", org_key,
                           {"platform": "generic", "landing_url": "javascript:alert(1)"})
    assert status == 422 and body["error"]["code"] == "invalid_landing_url"
    # The organizer withdraws the URL: the existing link stops, without redirecting.
    status, body = cis.api("PATCH", f"/organizer/{ORG}", org_key, {"landing_urls": []})
    assert status == 200 and body["landing_urls"] == []
    link_id = world["link"]["id"]
    status, headers, page = post_form(cis, link_id, "ann@fans.example")
    assert status == 409 and "location" not in headers and "no longer active" in page
    status, _, body = post_json(cis, link_id, "ann@fans.example")
    assert status == 409 and body["error"]["code"] == "landing_url_not_allowed"
    status, _, page = raw(cis, "GET", f"/c/{link_id}?email=ann@fans.example")
    assert status == 409 and "cta.js" not in page
    assert invites_queued(cis, event_id) == []


def test_allow_list_entries_are_checked(cis):
    cis.add_organizer(ORG)
    status, body = cis.api("PATCH", f"/organizer/{ORG}", cis.admin_key,
                           {"landing_urls": ["https://club.example/", "ftp://club.example/x"]})
    assert status == 422 and body["error"]["code"] == "invalid_landing_url"
    assert "ftp://club.example/x" in body["error"]["message"]
    status, body = cis.api("PATCH", f"/organizer/{ORG}", cis.admin_key,
                           {"landing_urls": [f"https://club.example/{i}" for i in range(51)]})
    assert status == 422 and body["error"]["code"] == "invalid_landing_urls"
    status, body = cis.api("PATCH", f"/organizer/{ORG}", cis.admin_key, {"landing_urls": "x"})
    assert status == 422
    status, body = cis.api("GET", f"/organizer/{ORG}", cis.admin_key)
    assert status == 200 and body["landing_urls"] == []


def test_bad_email_unknown_link_and_cancelled_event(cis, world):
    link_id, event_id = world["link"]["id"], world["event"]["id"]
    status, _, body = post_json(cis, link_id, "not an address")
    assert status == 422 and body["error"]["code"] == "invalid_email"
    status, _, page = post_form(cis, link_id, "<b>@x")
    assert status == 422 and "<b>" not in page and "&lt;b&gt;" in page
    # A link whose merge tag was not replaced (a test send) asks for the address instead.
    status, _, page = raw(cis, "GET", f"/c/{link_id}?email=*|EMAIL|*")
    assert status == 200 and "did not carry a valid email address" in page
    assert 'data-email=""' in page and 'id="cta-form"' in page
    status, _, page = raw(cis, "GET", f"/c/{link_id}?email=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
    assert status == 200 and "<script>alert" not in page and "&lt;script&gt;" in page
    assert raw(cis, "GET", "/c/no-such-link?email=a@b.example")[0] == 404
    status, _, body = post_json(cis, "no-such-link", "ann@fans.example")
    assert status == 404 and body["error"]["code"] == "link_not_found"
    assert post_form(cis, "no-such-link", "ann@fans.example")[0] == 404
    code, reply = cis.send(make_invite("u-cta", ORG, method="CANCEL", sequence=1,
                                       summary="Cup final"))
    assert code == 250, reply
    status, _, body = post_json(cis, link_id, "ann@fans.example")
    assert status == 409 and body["error"]["code"] == "event_cancelled"
    status, _, page = raw(cis, "GET", f"/c/{link_id}?email=ann@fans.example")
    assert status == 409 and "no longer available" in page
    assert invites_queued(cis, event_id) == []


def test_cross_site_posts_are_refused(cis, world):
    """Another site's page cannot make its visitors' browsers ask for invitations."""
    link_id, event_id = world["link"]["id"], world["event"]["id"]
    status, headers, page = post_form(cis, link_id, "ann@fans.example",
                                      Origin="https://evil.example")
    assert status == 403 and "location" not in headers and "Nothing was sent" in page
    status, _, _ = post_form(cis, link_id, "ann@fans.example", Origin="null",
                             **{"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    assert invites_queued(cis, event_id) == []
    # Its own page's form (Origin null under no-referrer, but same-origin) is sent.
    status, headers, _ = post_form(cis, link_id, "ann@fans.example", Origin="null",
                                   **{"Sec-Fetch-Site": "same-origin"})
    assert status == 303 and headers["location"] == LANDING
    assert len(invites_queued(cis, event_id)) == 1


def test_markup_in_the_event_is_shown_as_text(cis):
    event = cis.create_event(uid="u-xss", organizer=ORG,
                             summary="<script>alert('x')</script> & <img src=x onerror=y>")
    cis.api("PATCH", f"/organizer/{ORG}", cis.admin_key, {"landing_urls": ["https://club.example/"]})
    status, link = cis.api("POST", f"/event/{event['id']}/cta-links", cis.admin_key,
                           {"platform": "generic", "landing_url": "https://club.example/"})
    assert status == 201, link
    status, _, page = raw(cis, "GET", f"/c/{link['id']}?email=ann@fans.example")
    assert status == 200
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=x onerror=y&gt;" in page


def test_roles(cis, world):
    event_id = world["event"]["id"]
    cis.add_organizer("rival@example.org")
    keys = {"admin": cis.admin_key,
            "domain": key(cis, "--role", "domain", "--domain", "example.org"),
            "other_domain": key(cis, "--role", "domain", "--domain", "other.example"),
            "rival": key(cis, "--role", "organizer", "--organizer", "rival@example.org")}
    body = {"platform": "klaviyo", "landing_url": LANDING}
    for name, expected in [("admin", 201), ("domain", 201), ("other_domain", 403), ("rival", 403)]:
        status, answer = cis.api("POST", f"/event/{event_id}/cta-links", keys[name], body)
        assert status == expected, (name, answer)
        status, answer = cis.api("GET", f"/event/{event_id}/cta-links", keys[name])
        assert status == (200 if expected == 201 else 403), (name, answer)
    assert cis.api("POST", f"/event/{event_id}/cta-links", None, body)[0] == 401
    assert cis.api("POST", "/event/no-such-event/cta-links", cis.admin_key, body)[0] == 404
    status, answer = cis.api("POST", f"/event/{event_id}/cta-links", cis.admin_key,
                             {"platform": "aol", "landing_url": LANDING})
    assert status == 422 and answer["error"]["code"] == "invalid_platform"
    status, answer = cis.api("POST", f"/event/{event_id}/cta-links", cis.admin_key,
                             {**body, "colour": "red"})
    assert status == 422 and answer["error"]["code"] == "unknown_field"


def test_limits_answer_429(tmp_path):
    cis = Cis(tmp_path / "data", CIS_HTTP_PUBLIC_URL="https://cis.test", CIS_INBOUND_REQUIRE_DKIM="false",
              CIS_PAGES_IP_LIMIT="3",
              CIS_PAGES_RECIPIENT_LIMIT="1").start()
    try:
        event = cis.create_event(uid="u-limits", organizer=ORG)
        cis.api("PATCH", f"/organizer/{ORG}", cis.admin_key, {"landing_urls": [LANDING]})
        status, link = cis.api("POST", f"/event/{event['id']}/cta-links", cis.admin_key,
                               {"platform": "sendgrid", "landing_url": LANDING})
        assert status == 201, link
        assert post_json(cis, link["id"], "ann@fans.example")[0] == 200
        status, headers, body = post_json(cis, link["id"], "ann@fans.example")  # same recipient
        assert status == 429 and int(headers["retry-after"]) > 0
        assert body["error"]["code"] == "rate_limited" and "this address" in body["error"]["message"]
        assert post_json(cis, link["id"], "bob@fans.example")[0] == 200
        status, headers, page = post_form(cis, link["id"], "cat@fans.example")  # 4th from this IP
        assert status == 429 and int(headers["retry-after"]) > 0 and "your network" in page
        assert "location" not in headers
        assert sorted(m["rcpt"] for m in invites_queued(cis, event["id"])) == \
            ["ann@fans.example", "bob@fans.example"]
    finally:
        cis.stop()
