"""POST /inbound, the third intake (SPEC §3.1): raw MIME over HTTP for relays such as
Amazon SES → S3/SNS. Same routing, same intake, same outcome as the SMTP listener and
`cis ingest`; and the inbound log read back through GET /inbound[/{id}[/raw]]."""
import base64
import http.client
import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest

from cis_harness import CIS_BIN, DOMAIN, Cis, make_invite

FIXTURES = pathlib.Path(os.environ.get("CIS_FIXTURES_DIR",
                                       pathlib.Path(__file__).resolve().parents[1] / "fixtures"))
SES_FIXTURE = FIXTURES / "inbound" / "ses-s3-object-request.eml"

# Real invitations whose From: is their ORGANIZER (so they create an event): Google with
# a guest list, an Office 365 series, Exchange 2003 with a Windows zone name, Apple iCal.
CORPUS_FILES = [
    "google-request-real-list-seq0.eml",
    "o365-exchange2010-request-series-seq0-real.eml",
    "exchange2003-cdo-request-eastern-tz.eml",
    "apple-ical5-mail-request-seq3.eml",
]


def post(cis, raw, rcpt=f"create@{DOMAIN}", key="admin", query="", headers=None, response=None):
    """POST /inbound with `raw` as the body; returns (status, JSON)."""
    path = "/inbound"
    params = [p for p in ([f"rcpt={rcpt}"] if rcpt else []) + ([query] if query else [])]
    if params:
        path += "?" + "&".join(params)
    h = {"Content-Type": "message/rfc822"}
    h.update(headers or {})
    return cis.api("POST", path, cis.admin_key if key == "admin" else key, raw, headers=h,
                   response=response)


def make_key(cis, *args):
    return cis.cli("key", "create", *args).stdout.decode().strip().splitlines()[-1]


def comparable_inbound(record):
    """An inbound record without what differs between two deliveries of one message."""
    ids = record["event_ids"]
    text = json.dumps({k: v for k, v in record.items()
                       if k not in ("id", "received_at", "processed_at", "channel", "remote",
                                    "mail_from")})
    for i, event_id in enumerate(ids):
        text = text.replace(event_id, f"<event {i}>")
    return json.loads(text)


def comparable_event(event):
    return {k: v for k, v in event.items() if k not in ("id", "created_at", "updated_at")}


# --- the same outcome as the other intakes ----------------------------------------------

@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_invitation_over_http_matches_cis_ingest(cis, corpus, tmp_path, name):
    path = corpus / "inbound-request" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent from this copy of the corpus")
    raw = path.read_bytes()  # read in place, never copied
    from cis_harness import organizer_of
    sender = organizer_of(raw)
    cis.add_organizer(sender)

    headers = {}
    status, body = post(cis, raw, query="mail_from=relay%40ses.example", response=headers)
    assert status == 201, body
    [stored] = body["inbound"]
    assert stored["status"] == "created", stored
    assert stored["mailbox"] == "create" and stored["rcpt"] == f"create@{DOMAIN}"
    assert headers["Location"] == f"/inbound/{stored['id']}" == stored["url"]
    [event] = cis.events()
    assert stored["event_ids"] == [event["id"]]

    # The same bytes through `cis ingest` into an installation of their own.
    env = dict(cis.env, CIS_DATA_DIR=str(tmp_path / "ingest-data"))
    subprocess.run([CIS_BIN, "organizer", "add", sender], env=env, check=True, capture_output=True)
    ingested = subprocess.run([CIS_BIN, "ingest", "--rcpt", f"create@{DOMAIN}"], input=raw,
                              env=env, capture_output=True)
    assert ingested.returncode == 0, ingested.stderr
    list_json = lambda *args: json.loads(subprocess.run(
        [CIS_BIN, *args, "--json"], env=env, capture_output=True, check=True).stdout)
    [other_event] = list_json("event", "list")["events"]
    [other_record] = list_json("inbound", "list")["inbound"]

    assert comparable_event(event) == comparable_event(other_event)
    [record] = cis.inbound()
    assert comparable_inbound(record) == comparable_inbound(other_record)
    assert (record["channel"], other_record["channel"]) == ("http", "ingest")
    assert record["mail_from"] == "relay@ses.example"
    assert record["remote"].startswith("127.0.0.1:")

    # The stored bytes come back exactly, over HTTP and from the command line.
    status, kept = cis.api("GET", f"/inbound/{stored['id']}/raw", cis.admin_key, raw=True,
                           response=headers)
    assert status == 200 and kept == raw
    assert headers["Content-Type"] == "message/rfc822"
    assert cis.cli("inbound", "show", str(stored["id"]), "--raw").stdout == raw
    status, shown = cis.api("GET", f"/inbound/{stored['id']}", cis.admin_key)
    assert status == 200 and shown == cis.json("inbound", "show", str(stored["id"]))
    assert shown["size"] == len(raw) and shown["from"] == sender


def test_repeat_post_is_an_identical_repeat(cis, corpus):
    path = corpus / "inbound-request" / CORPUS_FILES[0]
    raw = path.read_bytes()
    from cis_harness import organizer_of
    cis.add_organizer(organizer_of(raw))
    first = post(cis, raw)[1]["inbound"][0]
    status, body = post(cis, raw)
    assert status == 201, body
    again = body["inbound"][0]
    assert again["id"] != first["id"], "every delivery is kept"
    assert again["status"] == "unchanged", again
    assert again["event_ids"] == first["event_ids"]
    assert len(cis.events()) == 1
    # And across intakes: the same message by SMTP is the same repeat.
    assert cis.send(raw)[0] == 250
    assert cis.inbound()[0]["status"] == "unchanged" and len(cis.events()) == 1


def test_ses_s3_object_to_several_mailboxes(cis):
    """A project-written fixture (not corpus): the message as SES stores it in S3, for two
    envelope recipients given as X-CIS-Recipient header fields, one of them repeated."""
    raw = SES_FIXTURE.read_bytes()
    cis.add_organizer("coach@club.example")
    conn = http.client.HTTPConnection("127.0.0.1", cis.http_port, timeout=30)
    conn.putrequest("POST", "/inbound")
    for name, value in [("X-API-Key", cis.admin_key), ("Content-Type", "message/rfc822"),
                        ("X-CIS-Recipient", f"create@{DOMAIN}"),
                        ("X-CIS-Recipient", f"<rsvp@{DOMAIN}>, CREATE@{DOMAIN.upper()}"),
                        ("X-CIS-Mail-From", "coach@club.example"),
                        ("Content-Length", str(len(raw)))]:
        conn.putheader(name, value)
    conn.endheaders()
    conn.send(raw)
    reply = conn.getresponse()
    body = json.loads(reply.read())
    conn.close()
    assert reply.status == 201, body
    create, rsvp = body["inbound"]
    assert (create["mailbox"], rsvp["mailbox"]) == ("create", "rsvp")
    assert create["status"] == "created", create
    assert rsvp["status"] == "ignored", "not an answer: kept by the rsvp@ processor, not counted"

    [event] = cis.events()
    assert event["summary"] == "Saisonauftakt – Heimspiel gegen FC Übersee"
    assert event["location"] == "Sportpark Süd, Platz 2"
    assert event["timezone"] == "Europe/Berlin"
    assert event["start"] == "2030-06-15T15:30:00+02:00"
    for stored in (create, rsvp):
        record = cis.api("GET", f"/inbound/{stored['id']}", cis.admin_key)[1]
        assert record["channel"] == "http" and record["mail_from"] == "coach@club.example"
        assert record["subject"] == "Einladung: Saisonauftakt – Heimspiel gegen FC Übersee"
        assert cis.api("GET", f"/inbound/{stored['id']}/raw", cis.admin_key, raw=True)[1] == raw
    notes = cis.notifications("coach@club.example")
    assert len(notes) == 1 and "Created" in notes[0]["subject"]


def test_secret_address_with_a_literal_plus_in_the_query(cis):
    cis.cli("organizer", "add", "sec@example.org", "--trust", "secret", "--secret", "s3cr3t")
    raw = make_invite("u-http-secret", "sec@example.org")
    assert "secret" in post(cis, raw)[1]["inbound"][0]["reason"]
    # "+" in a query string means a space; CIS reads it back as the "+" meant here.
    status, body = post(cis, raw, rcpt=f"create+s3cr3t@{DOMAIN}")
    assert status == 201 and body["inbound"][0]["status"] == "created", body
    status, body = post(cis, make_invite("u-http-secret2", "sec@example.org"),
                        rcpt=f"create%2Bs3cr3t%40{DOMAIN}")
    assert status == 201 and body["inbound"][0]["status"] == "created", body


def test_plain_text_content_type_and_curl(cis, tmp_path):
    """The README's relay example, run as written (the content type does not matter)."""
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    cis.add_organizer("org@example.org")
    msg = tmp_path / "message.eml"
    msg.write_bytes(make_invite("u-curl", "org@example.org").replace(b"\n", b"\r\n"))
    out = subprocess.run(
        ["curl", "-sS", "--fail-with-body", "-H", f"X-API-Key: {cis.admin_key}",
         "-H", "Content-Type: text/plain", "--data-binary", f"@{msg}",
         f"http://127.0.0.1:{cis.http_port}/inbound?rcpt=create@{DOMAIN}&mail_from=org@example.org"],
        capture_output=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["inbound"][0]["status"] == "created"
    # `curl -d` strips the line breaks: refused with the reason, nothing stored.
    out = subprocess.run(
        ["curl", "-sS", "-H", f"X-API-Key: {cis.admin_key}", "-d", f"@{SES_FIXTURE}",
         f"http://127.0.0.1:{cis.http_port}/inbound?rcpt=create@{DOMAIN}"], capture_output=True)
    error = json.loads(out.stdout)["error"]
    assert error["code"] == "not_a_message" and "--data-binary" in error["message"], error
    assert len(cis.inbound()) == 1


# --- DKIM applies as for mail -----------------------------------------------------------

@pytest.fixture
def strict_cis(tmp_path):
    """DKIM required (the default), with a key for signed.example from a file."""
    private = subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, check=True).stdout
    public = subprocess.run(["openssl", "rsa", "-pubout", "-outform", "DER"], input=private,
                            capture_output=True, check=True).stdout
    keys = tmp_path / "keys"
    keys.write_text(f"sel._domainkey.signed.example v=DKIM1; k=rsa; "
                    f"p={base64.b64encode(public).decode()}\n")
    server = Cis(tmp_path / "data", CIS_INBOUND_DKIM_KEY_FILE=str(keys)).start()
    server.private_key = private
    try:
        yield server
    finally:
        server.stop()


def test_dkim_is_checked_on_the_posted_message(strict_cis):
    import dkim
    strict_cis.add_organizer("org@signed.example")
    raw = make_invite("u-http-dkim", "org@signed.example")
    status, body = post(strict_cis, raw)
    assert status == 201 and body["inbound"][0]["status"] == "rejected"
    assert "no DKIM signature" in body["inbound"][0]["reason"], body
    signed = dkim.sign(raw, b"sel", b"signed.example", strict_cis.private_key,
                       include_headers=[b"from", b"to", b"subject", b"message-id"]) + raw
    status, body = post(strict_cis, signed)
    assert status == 201 and body["inbound"][0]["status"] == "created", body


# --- refusals ---------------------------------------------------------------------------

def test_keys_and_roles(cis):
    raw = make_invite("u-keys", "org@example.org")
    cis.add_organizer("org@example.org")
    assert post(cis, raw, key=None)[0] == 401
    assert post(cis, raw, key="cis_bad_key")[0] == 401
    organizer_key = make_key(cis, "--role", "organizer", "--organizer", "org@example.org")
    domain_key = make_key(cis, "--role", "domain", "--domain", "example.org")
    for key in (organizer_key, domain_key):
        status, body = post(cis, raw, key=key)
        assert status == 403 and "admin key" in body["error"]["message"], body
        for path in ("/inbound", "/inbound/1", "/inbound/1/raw"):
            assert cis.api("GET", path, key)[0] == 403, path
    for path in ("/inbound", "/inbound/1", "/inbound/1/raw"):
        assert cis.api("GET", path)[0] == 401, path
    assert cis.inbound() == [], "nothing was stored for a refused caller"


@pytest.mark.parametrize("rcpt", [f"nobody@{DOMAIN}", "create@elsewhere.example", "not an address"])
def test_unknown_recipient_is_refused_and_nothing_stored(cis, rcpt):
    status, body = post(cis, make_invite("u-x", "org@example.org"), rcpt=rcpt.replace(" ", "%20"))
    assert status == 404 and body["error"]["code"] == "unknown_recipient", body
    assert "550 5.1.1" in body["error"]["message"]
    assert f"create@{DOMAIN}, rsvp@{DOMAIN}" in body["error"]["message"], "it names ours"
    # One unknown recipient among good ones refuses the whole message: nothing half-done.
    status, body = post(cis, make_invite("u-x", "org@example.org"),
                        headers={"X-CIS-Recipient": f"rsvp@{DOMAIN}, {rcpt}"})
    assert status == 404, body
    assert cis.inbound() == []


def test_missing_recipient(cis):
    status, body = post(cis, make_invite("u-x", "org@example.org"), rcpt=None)
    assert status == 400 and body["error"]["code"] == "missing_recipient", body
    assert f"create@{DOMAIN}" in body["error"]["message"]


@pytest.mark.parametrize("raw,code,words", [
    (b"", "empty_message", "empty"),
    (b'{"Type": "Notification", "Message": "{}"}', "not_a_message", "SNS"),
    (b"hello, this is not mail\r\n", "not_a_message", "header field"),
    (b"\r\n\r\nFrom: a@example.org\r\n", "not_a_message", "header field"),
])
def test_bodies_that_are_not_messages(cis, raw, code, words):
    status, body = post(cis, raw)
    assert status == 400 and body["error"]["code"] == code, body
    assert words in body["error"]["message"]
    assert cis.inbound() == []


def test_oversized_message(tmp_path):
    server = Cis(tmp_path / "data", CIS_SMTP_MAX_MESSAGE_SIZE="20000",
                 CIS_INBOUND_REQUIRE_DKIM="false").start()
    try:
        server.add_organizer("org@example.org")
        big = make_invite("u-big", "org@example.org") + b"x" * 100 + b"\r\n" * 20000
        status, body = post(server, big)
        assert status == 413 and body["error"]["code"] == "message_too_large", body
        assert "20000" in body["error"]["message"]
        assert server.inbound() == [], "an oversize message is not stored"
        assert post(server, make_invite("u-small", "org@example.org"))[0] == 201
    finally:
        server.stop()


def test_a_busy_database_answers_503_with_retry_after(cis):
    """Another process holds the write lock longer than CIS waits (10 s): nothing is
    stored, the relay is told to come back, and the retry goes through."""
    cis.add_organizer("org@example.org")
    raw = make_invite("u-busy", "org@example.org")
    held = threading.Event()

    def hold():
        db = sqlite3.connect(os.path.join(cis.data_dir, "cis.sqlite3"), timeout=30,
                             isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(13)
        db.execute("ROLLBACK")
        db.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        headers = {}
        status, body = post(cis, raw, response=headers)
        assert status == 503 and body["error"]["code"] == "unavailable", body
        assert "nothing was stored" in body["error"]["message"]
        assert int(headers["Retry-After"]) > 0
    finally:
        holder.join()
    assert cis.inbound() == []
    status, body = post(cis, raw)
    assert status == 201 and body["inbound"][0]["status"] == "created", body


# --- the inbound log --------------------------------------------------------------------

def test_listing_pages_newest_first(cis):
    cis.add_organizer("org@example.org")
    ids = [post(cis, make_invite(f"u-page-{i}", "org@example.org"))[1]["inbound"][0]["id"]
           for i in range(5)]
    post(cis, make_invite("u-stranger", "stranger@example.net"))
    status, page = cis.api("GET", "/inbound?limit=2", cis.admin_key)
    assert status == 200
    seen = [r["id"] for r in page["inbound"]]
    while page["next_before"]:
        page = cis.api("GET", f"/inbound?limit=2&before={page['next_before']}", cis.admin_key)[1]
        seen += [r["id"] for r in page["inbound"]]
    assert seen == sorted(seen, reverse=True) and len(seen) == 6
    assert seen[1:] == ids[::-1]
    first = cis.api("GET", "/inbound", cis.admin_key)[1]["inbound"][0]
    assert first["status"] == "rejected" and first["from"] == "stranger@example.net"
    assert {"id", "received_at", "from", "rcpt", "status", "reason", "event_ids"} <= set(first)
    assert first == cis.inbound()[0], "the same JSON as `cis inbound list --json`"
    created = cis.api("GET", "/inbound?status=created", cis.admin_key)[1]
    assert [r["id"] for r in created["inbound"]] == ids[::-1] and created["next_before"] is None
    for bad in ("limit=0", "limit=x", "before=-1", "before="):
        status, body = cis.api("GET", f"/inbound?{bad}", cis.admin_key)
        assert status == 400 and body["error"]["code"] == "invalid_parameter", bad
    for missing in ("/inbound/999", "/inbound/999/raw", "/inbound/abc"):
        status, body = cis.api("GET", missing, cis.admin_key)
        assert status == 404 and body["error"]["code"] == "not_found", missing
