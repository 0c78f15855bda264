"""One-click unsubscribe (RFC 8058) and the suppressions API, through the real `cis serve`
and its sandbox: the link of a captured invitation, fetched as a link scanner would (GET:
a page, nothing changes) and posted as Gmail does (POST List-Unsubscribe=One-Click: the
address is suppressed for that organizer only); forged links; escaping and the page's
Content-Security-Policy; who may list, add and remove suppressions; paging."""
import base64
import email
import email.policy
import hashlib
import re
import urllib.parse

import pytest

ORG = "org@example.org"
OTHER = "other@example.net"
ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


def invite(cis, event_id, address, key=None):
    return cis.api("POST", f"/event/{event_id}/invite", key or cis.admin_key, {"email": address})


def invitation(cis, event_id, address):
    """The captured invitation to `address` for the event, parsed."""
    def find():
        return next((m for m in cis.sandbox()
                     if m["kind"] == "invite" and m["to"] == address and m["event_id"] == event_id), None)
    captured = cis.wait_for(find, what=f"the invitation to {address}")
    status, raw = cis.api("GET", f"/sandbox/messages/{captured['id']}", cis.admin_key, raw=True)
    assert status == 200
    return email.message_from_bytes(raw, policy=email.policy.default)


def unsubscribe_path(msg):
    """The path of the List-Unsubscribe URL (the fixture's public URL is https://cis.test)."""
    url = re.fullmatch(r"<([^>]+)>", str(msg["List-Unsubscribe"]).strip()).group(1)
    parts = urllib.parse.urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == "cis.test", url
    return parts.path


def page(cis, method, path, body=None, headers=None):
    """(status, HTML text, response headers) of a public page: no key."""
    response = {}
    status, raw = cis.api(method, path, None, body, raw=True, headers=headers, response=response)
    return status, raw.decode("utf-8"), {k.lower(): v for k, v in response.items()}


def suppressions(cis, key=None, query=""):
    status, body = cis.api("GET", f"/suppressions{query}", key or cis.admin_key)
    assert status == 200, body
    return body["suppressions"]


def make_key(cis, *args):
    return cis.cli("key", "create", *args).stdout.decode().strip().splitlines()[-1]


def assert_public_page(headers):
    assert headers["content-type"] == "text/html; charset=utf-8"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert "script-src" not in csp, "default-src 'none' already forbids scripts"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"


def test_one_click_unsubscribe_for_that_organizer_only(cis):
    first = cis.create_event(uid="u-1", organizer=ORG, summary="Cup final")
    second = cis.create_event(uid="u-2", organizer=ORG)
    third = cis.create_event(uid="u-3", organizer=ORG)
    elsewhere = cis.create_event(uid="u-4", organizer=OTHER)
    assert invite(cis, first["id"], "zack@example.org")[0] == 202
    msg = invitation(cis, first["id"], "zack@example.org")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe_path(msg)
    assert re.fullmatch(r"/unsubscribe/\d+-[0-9a-f]{16}", path), path

    # A link scanner fetches the link: a page asking to confirm, nothing changed.
    for _ in range(2):
        status, html, headers = page(cis, "GET", path)
        assert status == 200, html
        assert_public_page(headers)
        assert '<form method="post">' in html and "<button" in html
        assert "z***@example.org" in html and "zack@" not in html, "the address is masked"
        assert "Cup final" in html
    status, _, _ = page(cis, "HEAD", path)
    assert status == 200
    assert suppressions(cis) == []
    assert invite(cis, second["id"], "zack@example.org")[0] == 202, "a GET suppresses nothing"

    # Gmail's one-click POST.
    status, html, headers = page(cis, "POST", path, b"List-Unsubscribe=One-Click", ONE_CLICK)
    assert status == 200, html
    assert_public_page(headers)
    assert "You are unsubscribed" in html and "z***@example.org" in html
    [entry] = suppressions(cis)
    assert entry["email"] == "zack@example.org" and entry["organizer"] == ORG
    assert entry["reason"] == "unsubscribed" and first["id"] in entry["detail"]

    # Repeats, any body, the page's own form: the same answer, one entry.
    multipart = (b"--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
                 b"One-Click\r\n--b--\r\n")
    for body, headers in ((b"List-Unsubscribe=One-Click", ONE_CLICK),
                          (multipart, {"Content-Type": "multipart/form-data; boundary=b"}),
                          (b"", {"Content-Type": "text/plain"})):
        status, html, _ = page(cis, "POST", path, body, headers)
        assert status == 200 and "You are unsubscribed" in html
    assert len(suppressions(cis)) == 1
    status, html, _ = page(cis, "GET", path)
    assert status == 200 and "You are unsubscribed" in html and "<form" not in html

    status, body = invite(cis, third["id"], "zack@example.org")
    assert status == 409 and body["error"]["code"] == "suppressed", body
    assert "unsubscribed" in body["error"]["message"]
    assert invite(cis, elsewhere["id"], "zack@example.org")[0] == 202, "other organizers may"


def test_forged_or_damaged_links_are_404_and_change_nothing(cis):
    event = cis.create_event(uid="u-f", organizer=ORG)
    later = cis.create_event(uid="u-g", organizer=ORG)
    invite(cis, event["id"], "ann@example.org")
    path = unsubscribe_path(invitation(cis, event["id"], "ann@example.org"))
    token = path.rsplit("/", 1)[1]
    number, signature = token.split("-")
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    for bad in (f"{number}-{flipped}", token[:-1], token + "0", f"{int(number) + 1}-{signature}",
                signature, "x", token.upper()):
        for method in ("GET", "POST"):
            status, html, headers = page(cis, method, f"/unsubscribe/{bad}",
                                         b"List-Unsubscribe=One-Click" if method == "POST" else None,
                                         ONE_CLICK if method == "POST" else None)
            assert status == 404, (bad, method, html)
            assert_public_page(headers)
            assert "not valid" in html and "Nothing was changed" in html
    assert suppressions(cis) == []
    assert invite(cis, later["id"], "ann@example.org")[0] == 202


def test_page_escapes_what_organizers_wrote(cis):
    evil = '<script>alert("name")</script> & Co'
    event = cis.create_event(uid="u-x", organizer=ORG, summary="<img src=x onerror=alert(1)> Final")
    cis.cli("organizer", "add", ORG, "--name", evil, "--trust", "none")
    invite(cis, event["id"], "bob@example.org")
    path = unsubscribe_path(invitation(cis, event["id"], "bob@example.org"))
    for method in ("GET", "POST"):
        status, html, headers = page(cis, method, path, b"List-Unsubscribe=One-Click" if method == "POST" else None,
                                     ONE_CLICK if method == "POST" else None)
        assert status == 200
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; &amp; Co" in html
        assert "&lt;img src=x onerror=alert(1)&gt; Final" in html
        # The one inline style is allowed by its hash, and nothing else is.
        style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"style-src 'sha256-{digest}'" in headers["content-security-policy"]
        assert " style=" not in html and "<script" not in html


# --- the suppressions API ------------------------------------------------------------

@pytest.fixture
def keys(cis):
    cis.create_event(uid="u-coach", organizer="coach@club.example")
    cis.create_event(uid="u-boss", organizer="boss@club.example")
    cis.create_event(uid="u-out", organizer="other@elsewhere.example")
    return {
        "admin": cis.admin_key,
        "domain": make_key(cis, "--role", "domain", "--domain", "club.example"),
        "organizer": make_key(cis, "--role", "organizer", "--organizer", "coach@club.example"),
    }


def post(cis, key, body):
    return cis.api("POST", "/suppressions", key, body)


def test_suppressions_per_role(cis, keys):
    admin, domain, organizer = keys["admin"], keys["domain"], keys["organizer"]
    coach = next(e for e in cis.events() if e["original_uid"] == "u-coach")
    out = next(e for e in cis.events() if e["original_uid"] == "u-out")

    status, body = post(cis, admin, {"email": "Global@Example.org", "detail": "spam trap"})
    assert status == 201, body
    assert body["email"] == "global@example.org" and body["organizer"] is None
    assert body["reason"] == "blocked" and body["created"] is True
    status, body = post(cis, admin, {"email": "global@example.org", "reason": "complained"})
    assert status == 200 and body["created"] is False and body["reason"] == "blocked", "kept as is"
    status, body = post(cis, organizer, {"email": "y@example.org", "organizer": "coach@club.example"})
    assert status == 201 and body["organizer"] == "coach@club.example" and body["removable"]
    status, body = post(cis, domain, {"email": "z@example.org", "organizer": "Boss@Club.example",
                                      "reason": "unsubscribed", "detail": "asked by phone"})
    assert status == 201 and body["organizer"] == "boss@club.example"

    # What other keys may not add.
    refused = [
        (organizer, {"email": "w@example.org"}, 403),                                # for everyone
        (domain, {"email": "w@example.org"}, 403),
        (organizer, {"email": "w@example.org", "organizer": "other@elsewhere.example"}, 403),
        (domain, {"email": "w@example.org", "organizer": "other@elsewhere.example"}, 403),
        (organizer, {"email": "w@example.org", "organizer": "coach@club.example", "reason": "bounced"}, 403),
        (admin, {"email": "not an address"}, 422),
        (admin, {"email": "w@example.org", "reason": "tired"}, 422),
        (admin, {"email": "w@example.org", "organizer": "nobody"}, 422),
        (admin, {"email": "w@example.org", "detail": 7}, 422),
        (admin, {"organizer": "coach@club.example"}, 422),
        (admin, b"email=w@example.org", 400),
        (None, {"email": "w@example.org"}, 401),
        ("cis_bad_key", {"email": "w@example.org"}, 401),
    ]
    for key, body, code in refused:
        status, answer = post(cis, key, body)
        assert status == code, (key, body, answer)
        assert answer["error"]["code"]

    # Who sees what.
    assert [s["email"] for s in suppressions(cis, admin)] == ["z@example.org", "y@example.org",
                                                              "global@example.org"]
    assert [s["email"] for s in suppressions(cis, domain)] == ["z@example.org", "y@example.org"]
    assert [s["email"] for s in suppressions(cis, organizer)] == ["y@example.org"]
    [seen] = suppressions(cis, organizer, "?email=GLOBAL@example.org")  # why invites are refused
    assert seen["organizer"] is None and seen["detail"] is None and seen["removable"] is False
    assert suppressions(cis, admin, "?email=global@example.org")[0]["detail"] == "spam trap"
    assert [s["email"] for s in suppressions(cis, domain, "?organizer=boss@club.example")] == ["z@example.org"]
    assert [s["email"] for s in suppressions(cis, admin, "?reason=unsubscribed")] == ["z@example.org"]
    assert cis.api("GET", "/suppressions?organizer=boss@club.example", organizer)[0] == 403
    assert cis.api("GET", "/suppressions?organizer=other@elsewhere.example", domain)[0] == 403
    assert cis.api("GET", "/suppressions")[0] == 401
    assert cis.api("GET", "/suppressions?reason=tired", admin)[0] == 422
    assert cis.api("GET", "/suppressions?email=nope", admin)[0] == 422

    # The entries act on invitations: y only for coach, global for everyone.
    status, body = invite(cis, coach["id"], "y@example.org", organizer)
    assert status == 409 and body["error"]["code"] == "suppressed"
    assert invite(cis, out["id"], "y@example.org")[0] == 202
    status, body = invite(cis, coach["id"], "global@example.org", organizer)
    assert status == 409 and "blocked" in body["error"]["message"]
    assert "spam trap" not in body["error"]["message"], "a global entry's detail is the admin's"
    status, body = invite(cis, out["id"], "global@example.org")
    assert status == 409 and "blocked (spam trap)" in body["error"]["message"]

    # Removal.
    delete = lambda key, path: cis.api("DELETE", path, key)
    assert delete(None, "/suppressions/y@example.org?organizer=coach@club.example")[0] == 401
    assert delete(organizer, "/suppressions/global@example.org")[0] == 403, "global: admin only"
    assert delete(organizer, "/suppressions/z@example.org?organizer=boss@club.example")[0] == 403
    status, body = delete(domain, "/suppressions/z@example.org?organizer=boss@club.example")
    assert status == 403 and "only an admin" in body["error"]["message"], "the recipient's choice"
    status, body = delete(organizer, "/suppressions/Y@example.org?organizer=coach@club.example")
    assert status == 200 and body["removed"]["email"] == "y@example.org"
    status, body = delete(organizer, "/suppressions/y@example.org?organizer=coach@club.example")
    assert status == 404 and body["error"]["code"] == "suppression_not_found"
    assert invite(cis, coach["id"], "y@example.org", organizer)[0] == 202, "removed: invitable again"
    assert delete(admin, "/suppressions/z@example.org?organizer=boss@club.example")[0] == 200
    assert delete(admin, "/suppressions/global@example.org")[0] == 200
    assert delete(admin, "/suppressions/global@example.org")[0] == 404
    assert suppressions(cis, admin) == []


def test_suppressions_page_newest_first(cis):
    added = [f"p{i}@example.org" for i in range(7)]
    for address in added:
        assert post(cis, cis.admin_key, {"email": address, "organizer": ORG})[0] == 201
    seen, query = [], "?limit=3"
    while True:
        status, body = cis.api("GET", f"/suppressions{query}", cis.admin_key)
        assert status == 200 and len(body["suppressions"]) <= 3
        seen += [s["email"] for s in body["suppressions"]]
        if body["next_before"] is None:
            break
        query = f"?limit=3&before={body['next_before']}"
    assert seen == added[::-1]
    for bad in ("?limit=0", "?limit=x", "?before=-1", "?before=abc"):
        status, body = cis.api("GET", f"/suppressions{bad}", cis.admin_key)
        assert status == 400 and body["error"]["code"] == "invalid_parameter", bad
