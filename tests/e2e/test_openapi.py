"""The OpenAPI document at /openapi.json: a valid OpenAPI 3.1 document, and true. Every
documented operation is called on a real `cis serve` (sandbox transport) with realistic
data, for a success and at least one error; each real answer's status must be documented
and its body must match the schema documented for that status.

To add a route: document it in src/app/openapi.json, then add a line to CALLS (a success
and an error at least); the test says which operations no line calls yet."""
import json
import re
import urllib.parse

import pytest
from jsonschema import Draft202012Validator, RefResolver

from cis_harness import DOMAIN, make_ics, make_invite

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# No error can be provoked on these: they have no input and need no key.
NO_ERROR_CASE = {("get", "/healthz"), ("get", "/readyz"), ("get", "/openapi.json")}


@pytest.fixture
def doc(cis):
    headers = {}
    status, body = cis.api("GET", "/openapi.json", headers=headers, response=headers)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    return body


# --- the document ----------------------------------------------------------------------

def refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def resolve(doc, ref):
    assert ref.startswith("#/"), f"{ref}: only references inside the document are used"
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_document_is_valid_openapi_31(doc):
    assert re.fullmatch(r"3\.1\.\d+", doc["openapi"])
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["components"]["securitySchemes"]["ApiKey"] == {
        **doc["components"]["securitySchemes"]["ApiKey"], "type": "apiKey", "in": "header",
        "name": "X-API-Key"}
    for ref in refs(doc):
        resolve(doc, ref)
    for name, schema in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
    op_ids = set()
    for path, item in doc["paths"].items():
        assert path.startswith("/")
        templated = set(re.findall(r"{([^}]+)}", path))
        for method, op in item.items():
            assert method in METHODS, f"{path}: {method} is not an HTTP method"
            assert op["operationId"] not in op_ids, op["operationId"]
            op_ids.add(op["operationId"])
            params = [resolve(doc, p["$ref"]) if "$ref" in p else p for p in op.get("parameters", [])]
            in_path = {p["name"] for p in params if p["in"] == "path"}
            assert in_path == templated, f"{method} {path}: path parameters {in_path} vs {templated}"
            for p in params:
                assert p["in"] in {"path", "query", "header", "cookie"}
                assert p["in"] != "path" or p.get("required") is True, f"{method} {path} {p['name']}"
                Draft202012Validator.check_schema(p["schema"])
            assert op["responses"], f"{method} {path} documents no response"
            for status, response in op["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", status), f"{method} {path}: {status}"
                response = resolve(doc, response["$ref"]) if "$ref" in response else response
                assert response["description"]
                for media in response.get("content", {}).values():
                    Draft202012Validator.check_schema(media["schema"])
            if "requestBody" in op:
                for media in op["requestBody"]["content"].values():
                    Draft202012Validator.check_schema(media["schema"])


# --- calling every operation -----------------------------------------------------------

def operation_for(doc, method, path):
    """The documented (method, template) a concrete path falls under; like the router,
    the template with a literal segment where the others have a parameter wins."""
    segments = urllib.parse.urlsplit(path).path.split("/")
    best = None
    for template, item in doc["paths"].items():
        parts = template.split("/")
        if method.lower() not in item or len(parts) != len(segments):
            continue
        if all(p.startswith("{") or p == urllib.parse.unquote(s) for p, s in zip(parts, segments)):
            literals = [not p.startswith("{") for p in parts]
            if best is None or literals > best[0]:
                best = (literals, template)
    assert best, f"{method} {path} matches no documented operation"
    return method.lower(), best[1]


class Raw(bytes):
    """A request body sent as is, with its media type."""
    def __new__(cls, data, media):
        obj = super().__new__(cls, data)
        obj.media = media
        return obj


def check_against_document(doc, method, template, status, headers, payload):
    op = doc["paths"][template][method]
    documented = op["responses"].get(str(status))
    assert documented, f"{method.upper()} {template} answered {status}, which is not documented"
    if "$ref" in documented:
        documented = resolve(doc, documented["$ref"])
    content = documented.get("content", {})
    media = headers.get("Content-Type", "").split(";")[0].strip()
    if not content:  # documented without a body (a redirect, a 304): none may come
        assert not payload, f"{method.upper()} {template} {status}: a body came: {payload[:200]!r}"
        return payload
    assert media in content, f"{method.upper()} {template} {status}: {media} not documented ({list(content)})"
    if media == "application/json":
        body = json.loads(payload)
        validator = Draft202012Validator(content[media]["schema"],
                                         resolver=RefResolver(base_uri="", referrer=doc))
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, (f"{method.upper()} {template} {status}: the body does not match the "
                            f"document: {errors[0].message} at {list(errors[0].path)}\n{body}")
        return body
    return payload


# --- steps between calls: they make the data the next calls need -----------------------

def wait_for_invitations(cis, world):
    def find():
        found = {m["to"]: m["id"] for m in cis.sandbox() if m["kind"] == "invite"}
        return found if {"ann@example.org", "bob@example.org"} <= set(found) else None
    found = cis.wait_for(find, what="the invitations")
    world["ann_msg"] = found["ann@example.org"]
    status, raw = cis.api("GET", f"/sandbox/messages/{found['bob@example.org']}", cis.admin_key, raw=True)
    world["unsub"] = re.search(rb"/unsubscribe/([0-9]+-[0-9a-f]+)", raw).group(1).decode()


def organizer_update(sequence):
    def step(cis, world):
        code, reply = cis.send(make_invite("u-api", "org@example.org", sequence=sequence,
                                           summary=f"Moved {sequence}"))
        assert code == 250, reply
        changes = cis.api("GET", "/changes", cis.admin_key)[1]["changes"]
        world["change"] = next(c["id"] for c in changes if c["sequence"] == sequence)
    return step


def make_feed_page(cis, world):
    """An upcoming page of org@example.org for the feed calls."""
    status, page = cis.api("POST", "/pages", cis.admin_key,
                           {"organizer": "org@example.org", "kind": "upcoming"})
    assert status == 201, page
    world["feed_page"] = page["id"]


def feed_token(cis, world):
    world["feed_token"] = re.search(r"/feed/([^/]+)/calendar\.ics$", world["feed"]["url"]).group(1)


def wait_for_job(cis, world):
    """Polls the bulk job until it ends (bounded by wait_for), so its result can be read."""
    path = f"/jobs/{world['job']['id']}"

    def ended():
        status, job = cis.api("GET", path, cis.admin_key)
        assert status == 200, (status, job)
        return job if job["state"] in {"done", "failed"} else None
    job = cis.wait_for(ended, what=f"bulk job {world['job']['id']} to end")
    assert job["state"] == "done", job
    assert job["progress"]["accepted"] == 1 and job["progress"]["skipped"] == 2, job


# A public page (issue 6) of the test's event, written into the store until POST /pages
# exists, and the form its visitors post: a bytearray the step fills with the event's id.
PAGE_FORM = bytearray()


def public_page(cis, world):
    import sqlite3
    import time
    with sqlite3.connect(f"{cis.data_dir}/cis.sqlite3", timeout=10) as db:
        db.execute("INSERT INTO pages (id, organizer, kind, event_id, created_at, updated_at) "
                   "VALUES ('pg-api', 'org@example.org', 'landing', ?, ?, ?)",
                   (world["event"], int(time.time()), int(time.time())))
    PAGE_FORM[:] = f"email=fan@example.org&event={world['event']}".encode()


def confirming_page(cis, world):
    """A landing page with confirm, and two confirmation links of it: one valid, one expired."""
    import sqlite3
    import time
    now = int(time.time())
    with sqlite3.connect(f"{cis.data_dir}/cis.sqlite3", timeout=10) as db:
        db.execute("INSERT INTO pages (id, organizer, kind, event_id, confirm, created_at, updated_at) "
                   "VALUES ('pg-confirm', 'org@example.org', 'landing', ?, 1, ?, ?)",
                   (world["event"], now, now))
        for token, expires in (("tok-api", now + 3600), ("tok-old", now - 1)):
            db.execute("INSERT INTO page_confirmations (token, page_id, email, event_ids, created_at, "
                       "expires_at) VALUES (?, 'pg-confirm', 'confirmed@example.org', ?, ?, ?)",
                       (token, world["event"], now - 60, expires))


RAW_INVITE = Raw(make_invite("u-api-raw", "org@example.org"), "message/rfc822")
IMPORT_ICS = Raw(make_ics("u-api-import", "org@example.org", summary="Imported"), "text/calendar")
IMPORT_CSV = Raw(b"summary,start,end,timezone\r\nAway game,2030-07-01 19:00,2030-07-01 21:00,Europe/Paris\r\n",
                 "text/csv")
IMPORT_CSV_NO_START = Raw(b"summary,location\r\nAway game,Stadium\r\n", "text/csv")
# One row invited, one invalid address, one duplicate.
BULK_CSV = Raw(b"email,name\r\ncat@example.org,Cat\r\nnot an address,X\r\nCAT@example.org,Cat again\r\n",
               "text/csv")

# (method, path, key, body, status[, name to keep the answer under]) or a step. Paths are
# formatted with the world's values; keys: admin, domain (example.org), org
# (org@example.org), other_org (rival@example.org), None.
CALLS = [
    ("GET", "/healthz", None, None, 200),
    ("GET", "/readyz", None, None, 200),
    ("GET", "/openapi.json", None, None, 200),
    # invitations
    ("POST", "/event/{event}/invite", "org", {"email": "ann@example.org", "name": "Ann"}, 202),
    ("POST", "/event/{event}/invite", "org", {"email": "ann@example.org"}, 200),
    ("POST", "/event/{event}/invite", "org", "not json", 400),
    ("POST", "/event/{event}/invite", None, {"email": "zed@example.org"}, 401),
    ("POST", "/event/{event}/invite", "other_org", {"email": "zed@example.org"}, 403),
    ("POST", "/event/no-such-event/invite", "admin", {"email": "zed@example.org"}, 404),
    ("POST", "/event/{event}/invite", "org", {"email": "not an address"}, 422),
    ("GET", "/event/{event}/invite?email=bob@example.org&name=Bob", "org", None, 202),
    ("GET", "/event/no-such-event/invite?email=bob@example.org", "org", None, 404),
    ("GET", "/event/{event}/invites/ann@example.org", "org", None, 200),
    ("GET", "/event/{event}/invites/zed@example.org", "org", None, 404),
    ("GET", "/event/{event}/invites/ann@example.org", "other_org", None, 403),
    wait_for_invitations,
    # sandbox
    ("GET", "/sandbox/messages", "admin", None, 200),
    ("GET", "/sandbox/messages?kind=invite&rcpt=ANN@example.org", "admin", None, 200),
    ("GET", "/sandbox/messages", "org", None, 403),
    ("GET", "/sandbox/messages/{ann_msg}", "admin", None, 200),
    ("GET", "/sandbox/messages/999999", "admin", None, 404),
    ("POST", "/sandbox/messages/{ann_msg}/reply", "admin", {"partstat": "ACCEPTED", "client": "outlook"}, 201),
    ("POST", "/sandbox/messages/{ann_msg}/reply", "admin", {"partstat": "PERHAPS"}, 422),
    ("GET", "/event/{event}/invites/ann@example.org", "org", None, 200),  # now with an answer
    # inbound
    ("POST", f"/inbound?rcpt=create@{DOMAIN}", "admin", RAW_INVITE, 201),
    ("POST", "/inbound", "admin", RAW_INVITE, 400),
    ("POST", f"/inbound?rcpt=create@{DOMAIN}", "org", RAW_INVITE, 403),
    ("GET", "/inbound?limit=2", "admin", None, 200),
    ("GET", "/inbound?limit=0", "admin", None, 400),
    ("GET", "/inbound", "domain", None, 403),
    ("GET", "/inbound/1", "admin", None, 200),
    ("GET", "/inbound/999999", "admin", None, 404),
    ("GET", "/inbound/1/raw", "admin", None, 200),
    ("GET", "/inbound/999999/raw", "admin", None, 404),
    # versions, approval
    ("GET", "/event/{event}/changes", "org", None, 200),
    ("GET", "/event/no-such-event/changes", "org", None, 404),
    ("PUT", "/event/{event}/approval", "org", {"required": None}, 200),
    ("PUT", "/event/{event}/approval", "org", {"required": "yes"}, 422),
    ("PUT", "/organizer/org@example.org/approval", "org", {"required": True}, 200),
    ("PUT", "/organizer/org@example.org/approval", "other_org", {"required": True}, 403),
    organizer_update(1),
    ("GET", "/changes", "org", None, 200),
    ("GET", "/changes", None, None, 401),
    ("POST", "/changes/{change}/approve", "other_org", None, 403),
    ("POST", "/changes/{change}/approve", "org", None, 200),
    ("POST", "/changes/{change}/approve", "org", None, 409),
    organizer_update(2),
    ("POST", "/changes/{change}/reject", "org", None, 200),
    ("POST", "/changes/999999/reject", "admin", None, 404),
    # the public unsubscribe link
    # the public pages' static files
    ("GET", "/assets/pages.css", None, None, 200),
    ("GET", "/assets/no-such-file.js", None, None, 404),
    ("GET", "/unsubscribe/{unsub}", None, None, 200),
    ("GET", "/unsubscribe/1-0000000000000000", None, None, 404),
    ("POST", "/unsubscribe/{unsub}", None, None, 200),
    ("POST", "/unsubscribe/1-0000000000000000", None, None, 404),
    # the public pages (issue 6)
    public_page,
    ("GET", "/p/pg-api", None, None, 200),
    ("GET", "/p/no-such-page", None, None, 404),
    ("POST", "/p/pg-api/send", None, PAGE_FORM, 200),
    ("POST", "/p/pg-api/send", None, Raw(b"email=not+an+address&event=x", "application/x-www-form-urlencoded"), 422),
    ("POST", "/p/no-such-page/send", None, Raw(b"email=fan@example.org", "application/x-www-form-urlencoded"), 404),
    confirming_page,
    ("GET", "/confirm/tok-api", None, None, 200),
    ("GET", "/confirm/tok-old", None, None, 410),
    ("GET", "/confirm/no-such-token", None, None, 404),
    ("POST", "/confirm/tok-api", None, None, 200),
    ("POST", "/confirm/tok-old", None, None, 410),
    ("POST", "/confirm/no-such-token", None, None, 404),
    # suppressions
    ("POST", "/suppressions", "org", {"email": "blocked@example.org", "organizer": "org@example.org"}, 201),
    ("POST", "/suppressions", "org", {"email": "blocked@example.org", "organizer": "org@example.org"}, 200),
    ("POST", "/suppressions", "org", {"email": "blocked@example.org"}, 403),
    ("POST", "/suppressions", "admin", {"email": "not an address"}, 422),
    ("GET", "/suppressions", "org", None, 200),
    ("GET", "/suppressions?reason=gone", "admin", None, 422),
    ("DELETE", "/suppressions/blocked@example.org?organizer=org@example.org", "org", None, 200),
    ("DELETE", "/suppressions/blocked@example.org?organizer=org@example.org", "org", None, 404),
    # organizers
    ("POST", "/organizers", "domain", {"email": "coach@example.org", "name": "Coach", "trust": "both",
                                        "generate_secret": True, "event_limit": 10}, 201),
    ("POST", "/organizers", "domain", {"email": "coach@example.org"}, 409),
    ("POST", "/organizers", "domain", {"email": "coach@other.example"}, 403),
    ("POST", "/organizers", "admin", {"email": "x@example.org", "trust": "secret"}, 422),
    ("GET", "/organizers?limit=1", "admin", None, 200),
    ("GET", "/organizers?cursor=zz", "admin", None, 400),
    ("GET", "/organizer/org@example.org", "org", None, 200),
    ("GET", "/organizer/nobody@example.org", "admin", None, 404),
    ("PATCH", "/organizer/coach@example.org", "domain", {"name": "Head coach", "rotate_secret": True}, 200),
    ("PATCH", "/organizer/coach@example.org", "domain", {"colour": "red"}, 422),
    ("PATCH", "/organizer/org@example.org", "org", {"event_limit": 0}, 403),
    ("DELETE", "/organizer/org@example.org", "admin", None, 409),
    ("DELETE", "/organizer/coach@example.org", "domain", None, 200),
    ("DELETE", "/organizer/coach@example.org", "domain", None, 404),
    # allowed organizer domains
    ("POST", "/organizer-domains", "domain", {"domain": "example.org"}, 201),
    ("POST", "/organizer-domains", "domain", {"domain": "other.example"}, 403),
    ("GET", "/organizer-domains", "domain", None, 200),
    ("GET", "/organizer-domains", "org", None, 403),
    ("DELETE", "/organizer-domains/example.org", "domain", None, 200),
    ("DELETE", "/organizer-domains/example.org", "domain", None, 404),
    # keys
    ("POST", "/keys", "org", {"role": "organizer", "organizer": "org@example.org", "label": "console"}, 201, "new_key"),
    ("POST", "/keys", "org", {"role": "admin"}, 403),
    ("POST", "/keys", "admin", {"role": "boss"}, 422),
    ("GET", "/keys", "org", None, 200),
    ("GET", "/keys?limit=x", "admin", None, 400),
    ("GET", "/keys/{new_key[id]}", "org", None, 200),
    ("GET", "/keys/no-such-key", "admin", None, 404),
    ("DELETE", "/keys/{new_key[id]}", "other_org", None, 403),
    ("DELETE", "/keys/{new_key[id]}", "org", None, 200),
    ("DELETE", "/keys/{new_key[id]}", "org", None, 409),
    # event display (the event has invitations and an answer by now)
    ("GET", "/system/events?limit=1", "admin", None, 200),
    ("GET", "/system/events?status=postponed", "admin", None, 400),
    ("GET", "/system/events", "org", None, 403),
    ("GET", "/organizer/org@example.org/events?from=2030-01-01&to=2030-12-31&q=match", "org", None, 200),
    ("GET", "/organizer/org@example.org/events?cursor=zz", "org", None, 400),
    ("GET", "/organizer/org@example.org/events", "other_org", None, 403),
    ("GET", "/event/{event}", "org", None, 200),
    ("GET", "/event/{event}", "other_org", None, 403),
    ("GET", "/event/no-such-event", "admin", None, 404),
    ("GET", "/event/{event}/attendees", "domain", None, 200),
    ("GET", "/event/{event}/attendees?unmasked=true&status=yes&limit=1", "org", None, 200),
    ("GET", "/event/{event}/attendees?unmasked=true", "domain", None, 403),
    ("GET", "/event/{event}/attendees?delivery=lost", "org", None, 400),
    ("GET", "/event/no-such-event/attendees", "admin", None, 404),
    # statistics
    ("GET", "/system/statistics", "admin", None, 200),
    ("GET", "/system/statistics", "domain", None, 403),
    ("GET", "/system/statistics", None, None, 401),
    ("GET", "/organizer/org@example.org/statistics", "domain", None, 200),
    ("GET", "/organizer/org@example.org/statistics", "other_org", None, 403),
    ("GET", "/event/{event}/statistics", "org", None, 200),
    ("GET", "/event/no-such-event/statistics", "org", None, 404),
    # batch import
    ("POST", "/events/import", "org", IMPORT_ICS, 200),
    ("POST", "/events/import?organizer=org@example.org", "domain", IMPORT_CSV, 200),
    ("POST", "/events/import", "admin", IMPORT_CSV, 400),
    ("POST", "/events/import?organizer=org@example.org", "other_org", IMPORT_CSV, 403),
    ("POST", "/events/import?organizer=nobody@example.org", "admin", IMPORT_CSV, 404),
    ("POST", "/events/import", "org", Raw(b"summary\r\n", "application/pdf"), 415),
    ("POST", "/events/import", "org", IMPORT_CSV_NO_START, 422),
    # the invitee report
    ("GET", "/event/{event}/report.csv", "org", None, 200),
    ("GET", "/event/{event}/report.csv", "other_org", None, 403),
    ("GET", "/event/no-such-event/report.csv", "admin", None, 404),
    ("POST", "/event/{event}/report", "domain", None, 202),
    ("POST", "/event/{event}/report", None, None, 401),
    ("POST", "/event/no-such-event/report", "admin", None, 404),
    # bulk invitations
    ("POST", "/event/{event}/invites", "org", BULK_CSV, 202, "job"),
    ("POST", "/event/{event}/invites", "org", Raw(b"<p>cat@example.org</p>", "text/html"), 415),
    ("POST", "/event/{event}/invites", "org", {"people": ["cat@example.org"]}, 422),
    ("POST", "/event/{event}/invites", "other_org", BULK_CSV, 403),
    ("POST", "/event/no-such-event/invites", "admin", BULK_CSV, 404),
    wait_for_job,
    ("GET", "/jobs/{job[id]}", "org", None, 200),
    ("GET", "/jobs/{job[id]}", "other_org", None, 403),
    ("GET", "/jobs/999999", "admin", None, 404),
    ("GET", "/jobs?limit=1", "domain", None, 200),
    ("GET", "/jobs?before=x", "org", None, 400),
    ("GET", "/jobs", None, None, 401),
    ("GET", "/jobs/{job[id]}/skipped?limit=1", "org", None, 200),
    ("GET", "/jobs/{job[id]}/skipped?after=0", "org", None, 400),
    ("GET", "/jobs/999999/skipped", "org", None, 404),
    # page configurations and CTA links (issue 6); the allow-list they land on first
    ("PATCH", "/organizer/org@example.org", "org", {"landing_urls": ["https://club.example/fans"]}, 200),
    ("PATCH", "/organizer/org@example.org", "org", {"landing_urls": ["ftp://club.example/"]}, 422),
    ("POST", "/pages", "org", {"kind": "schedule", "title": "Season", "accent": "#1f6feb"}, 201, "page"),
    ("POST", "/pages", "org", {"kind": "calendar"}, 422),
    ("POST", "/pages", "other_org", {"kind": "upcoming", "organizer": "org@example.org"}, 403),
    ("POST", "/pages", "admin", {"kind": "upcoming", "organizer": "nobody@example.org"}, 404),
    ("GET", "/pages?limit=1", "domain", None, 200),
    ("GET", "/pages?cursor=zz", "org", None, 400),
    ("GET", "/pages/{page[id]}", "org", None, 200),
    ("GET", "/pages/{page[id]}", "other_org", None, 403),
    ("GET", "/pages/no-such-page", "admin", None, 404),
    ("PATCH", "/pages/{page[id]}", "org", {"title": "Season 2027", "redirect_url": "https://club.example/fans/thanks"}, 200),
    ("PATCH", "/pages/{page[id]}", "org", {"accent": "red"}, 422),
    ("DELETE", "/pages/{page[id]}", "other_org", None, 403),
    ("DELETE", "/pages/{page[id]}", "org", None, 200),
    ("DELETE", "/pages/{page[id]}", "org", None, 404),
    ("POST", "/event/{event}/cta-links", "org", {"platform": "mailchimp", "landing_url": "https://club.example/fans/thanks"}, 201, "cta"),
    ("POST", "/event/{event}/cta-links", "org", {"platform": "mailchimp", "landing_url": "https://evil.example/"}, 422),
    ("POST", "/event/{event}/cta-links", "other_org", {"platform": "generic", "landing_url": "https://club.example/fans"}, 403),
    ("GET", "/event/{event}/cta-links", "org", None, 200),
    ("GET", "/event/no-such-event/cta-links", "admin", None, 404),
    ("GET", "/c/{cta[id]}?email=fan@example.org", None, None, 200),
    ("GET", "/c/no-such-link?email=fan@example.org", None, None, 404),
    ("POST", "/c/{cta[id]}", None, {"email": "fan@example.org"}, 200),
    ("POST", "/c/{cta[id]}", None, {"email": "not an address"}, 422),
    ("POST", "/c/no-such-link", None, {"email": "fan@example.org"}, 404),
    # calendar feeds and downloads
    make_feed_page,
    ("GET", "/p/{feed_page}/feed.ics", None, None, 200),
    ("GET", "/p/no-such-page/feed.ics", None, None, 404),
    ("GET", "/p/{feed_page}/ics/{event}", None, None, 200),
    ("GET", "/p/{feed_page}/ics/no-such-event", None, None, 404),
    ("GET", "/p/{feed_page}/add/{event}/google", None, None, 302),
    ("GET", "/p/{feed_page}/add/{event}/yahoo", None, None, 404),
    ("GET", "/organizer/org@example.org/feed", "org", None, 200, "feed"),
    ("GET", "/organizer/org@example.org/feed", "other_org", None, 403),
    ("GET", "/organizer/org@example.org/feed", None, None, 401),
    feed_token,
    ("GET", "/feed/{feed_token}/calendar.ics", None, None, 200),
    ("GET", "/feed/no-such-token/calendar.ics", None, None, 404),
]


def cli_key(cis, *args):
    return cis.cli("key", "create", *args).stdout.decode().strip().splitlines()[-1]


def test_every_operation_answers_as_documented(cis, doc):
    event = cis.create_event(uid="u-api", organizer="org@example.org")
    cis.add_organizer("rival@example.org")
    keys = {None: None, "admin": cis.admin_key,
            "domain": cli_key(cis, "--role", "domain", "--domain", "example.org"),
            "org": cli_key(cis, "--role", "organizer", "--organizer", "org@example.org"),
            "other_org": cli_key(cis, "--role", "organizer", "--organizer", "rival@example.org")}
    world = {"event": event["id"]}
    called = {}  # (method, template) -> statuses seen
    for row in CALLS:
        if callable(row):
            row(cis, world)
            continue
        method, path, key, body, status, *keep = row
        path = path.format(**world)
        headers, response = {}, {}
        data = body
        if isinstance(body, Raw):
            headers["Content-Type"] = body.media
            data = bytes(body)
        elif isinstance(body, str):
            data = body.encode()
        got, payload = cis.api(method, path, keys[key], data, raw=True, headers=headers,
                               response=response)
        assert got == status, f"{method} {path} as {key}: {got} {payload[:500]!r}"
        op = operation_for(doc, method, path)
        answer = check_against_document(doc, *op, got, response, payload)
        called.setdefault(op, set()).add(got)
        if keep:
            world[keep[0]] = answer

    documented = {(m, p) for p, item in doc["paths"].items() for m in item if m in METHODS}
    assert documented - set(called) == set(), "documented operations never called"
    for op, statuses in called.items():
        assert any(s < 400 for s in statuses), f"{op}: no successful call (or redirect)"
        if op not in NO_ERROR_CASE:
            assert any(s >= 400 for s in statuses), f"{op}: no error answer checked"
