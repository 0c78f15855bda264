"""The invitee report (SPEC §3.7): GET /event/{id}/report.csv and POST /event/{id}/report,
read back with Python's csv and email packages."""
import csv
import email
import email.policy
import io
import sqlite3

from test_api_invites import make_key
from test_replies import answer_in_sandbox, captured

HEADER = ["email", "name", "status", "origin", "client", "invited_at", "responded_at"]
GUESTS = {
    "ann@example.org": "Smith, Ann",                 # a comma
    "bob@example.org": 'Bob "the Builder"',          # quotes
    "cid@example.org": "Cid Second line",            # a newline, set below
    "dee@example.org": "=HYPERLINK(\"http://x\")",   # a formula
    "eve@example.org": "Ève Üñïcödé 日本",            # unicode
    "fay@example.org": "+1 Fay",                     # another formula start
}


def read_csv(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def invited_event(cis):
    event = cis.create_event(uid="u-report", organizer="coach@club.example")
    for who, name in GUESTS.items():
        status, body = cis.api("POST", f"/event/{event['id']}/invite", cis.admin_key,
                               {"email": who, "name": name, "origin": "landing"})
        assert status == 202, body
    cis.wait_for(lambda: all(captured(cis, "invite", w) for w in GUESTS), what="invitations")
    answer_in_sandbox(cis, captured(cis, "invite", "ann@example.org")[0]["id"], "ACCEPTED", "google")
    answer_in_sandbox(cis, captured(cis, "invite", "bob@example.org")[0]["id"], "DECLINED", "outlook")
    cis.wait_for(lambda: cis.api("GET", f"/event/{event['id']}/invites/bob@example.org",
                                 cis.admin_key)[1]["answer"]["status"] == "no", what="answers")
    # The API keeps control characters out of names; a name with a line break can still
    # be in the store (written by an older version, or by hand): the CSV must quote it.
    db = sqlite3.connect(f"{cis.data_dir}/cis.sqlite3", timeout=10)
    with db:
        db.execute("UPDATE invitees SET name = ? WHERE email = ?",
                   ("Cid\nSecond line", "cid@example.org"))
    db.close()
    return event


def download(cis, event_id, key):
    headers = {}
    status, body = cis.api("GET", f"/event/{event_id}/report.csv", key, raw=True, response=headers)
    return status, body, headers


def test_report_download_and_email(cis):
    event = invited_event(cis)
    status, body, headers = download(cis, event["id"], cis.admin_key)
    assert status == 200
    assert headers["Content-Type"].startswith("text/csv")
    assert headers["Content-Disposition"] == f'attachment; filename="invitees-{event["id"]}.csv"'
    assert body.endswith(b"\r\n")
    rows = read_csv(body.decode("utf-8"))
    assert rows[0] == HEADER and len(rows) == 1 + len(GUESTS)
    by_email = {r[0]: dict(zip(HEADER, r)) for r in rows[1:]}
    assert [r[0] for r in rows[1:]] == sorted(GUESTS)  # address order
    assert by_email["ann@example.org"]["name"] == "Smith, Ann"
    assert by_email["bob@example.org"]["name"] == 'Bob "the Builder"'
    assert by_email["cid@example.org"]["name"] == "Cid\nSecond line"
    assert by_email["dee@example.org"]["name"] == "'=HYPERLINK(\"http://x\")"  # neutralised
    assert by_email["fay@example.org"]["name"] == "'+1 Fay"
    assert by_email["eve@example.org"]["name"] == "Ève Üñïcödé 日本"
    ann, bob, eve = (by_email[a] for a in ("ann@example.org", "bob@example.org", "eve@example.org"))
    assert (ann["status"], ann["client"]) == ("yes", "google")
    assert (bob["status"], bob["client"]) == ("no", "microsoft")
    assert (eve["status"], eve["client"], eve["responded_at"]) == ("none", "", "")
    assert eve["origin"] == "landing"
    for r in (ann, bob, eve):
        assert r["invited_at"].endswith("Z") and len(r["invited_at"]) == 20
    assert ann["responded_at"].endswith("Z")

    status, queued = cis.api("POST", f"/event/{event['id']}/report", cis.admin_key)
    assert status == 202, queued
    assert queued["to"] == "coach@club.example" and queued["attached"] is True
    assert queued["rows"] == len(GUESTS) and queued["outbox_id"] > 0
    mail = cis.wait_for(lambda: captured(cis, "report", "coach@club.example"), what="the report")
    raw = cis.api("GET", f"/sandbox/messages/{mail[0]['id']}", cis.admin_key, raw=True)[1]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "[CIS] Invitee report: Team match"
    [part] = list(msg.iter_attachments())
    assert part.get_content_type() == "text/csv"
    assert part.get_filename() == f"invitees-{event['id']}.csv"
    assert part.get_payload(decode=True) == body, "the emailed report equals the download"
    assert "report.csv" in msg.get_body(("plain",)).get_content()


def test_report_roles(cis):
    event = invited_event(cis)
    other = cis.create_event(uid="u-other", organizer="rival@elsewhere.example")
    organizer_key = make_key(cis, "--role", "organizer", "--organizer", "coach@club.example")
    domain_key = make_key(cis, "--role", "domain", "--domain", "club.example")
    rival_key = make_key(cis, "--role", "organizer", "--organizer", "rival@elsewhere.example")
    revoked = make_key(cis, "--role", "organizer", "--organizer", "coach@club.example")
    cis.cli("key", "revoke", revoked.split("_")[1])
    path = f"/event/{event['id']}/report"
    for key in (cis.admin_key, domain_key, organizer_key):
        assert download(cis, event["id"], key)[0] == 200
        assert cis.api("POST", path, key)[0] == 202
    for key, code in ((rival_key, 403), (None, 401), (revoked, 401)):
        assert download(cis, event["id"], key)[0] == code
        status, body = cis.api("POST", path, key)
        assert status == code and "error" in body
    assert download(cis, other["id"], domain_key)[0] == 403
    assert download(cis, "no-such-event", cis.admin_key)[0] == 404
    # An event with no invitees still has a header row.
    status, body, _ = download(cis, other["id"], rival_key)
    assert status == 200 and read_csv(body.decode()) == [HEADER]


def test_a_report_too_large_for_mail_says_how_to_download_it(cis):
    event = cis.create_event(uid="u-big", organizer="coach@club.example")
    count = 60000  # ≈ 6 MB of CSV: over the 5 MiB attachment limit
    db = sqlite3.connect(f"{cis.data_dir}/cis.sqlite3", timeout=10)
    with db:
        db.executemany(
            "INSERT INTO invitees (event_id, email, name, origin, uid, invited_at) "
            "VALUES (?, ?, ?, 'bulk', ?, 1900000000)",
            ((event["id"], f"guest{i:06}@example.org", f"Guest number {i:06} of a very long list",
              f"uid-{i}@cis.test") for i in range(count)))
    db.close()
    status, body, _ = download(cis, event["id"], cis.admin_key)
    assert status == 200 and len(body) > 5 * 1024 * 1024
    rows = read_csv(body.decode())
    assert len(rows) == count + 1 and rows[-1][0] == f"guest{count - 1:06}@example.org"

    status, queued = cis.api("POST", f"/event/{event['id']}/report", cis.admin_key)
    assert status == 202 and queued["attached"] is False and queued["rows"] is None
    assert queued["download"] == f"https://cis.test/event/{event['id']}/report.csv"
    mail = cis.wait_for(lambda: captured(cis, "report", "coach@club.example"), what="the report")
    raw = cis.api("GET", f"/sandbox/messages/{mail[0]['id']}", cis.admin_key, raw=True)[1]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert list(msg.iter_attachments()) == []
    text = msg.get_body(("plain",)).get_content()
    assert "too large to send by mail" in text and queued["download"] in text
