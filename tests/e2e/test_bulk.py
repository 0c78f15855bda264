"""Bulk invitations through the real `cis serve`: POST /event/{id}/invites with CSV and
JSON, the job resource (progress, skipped rows, listing), exact counts for a 100 000-row
list with every kind of bad row, the one result email (read from the sandbox), a crash
in the middle of a job, every key role, and the bulk@ mailbox over SMTP."""
import csv
import io
import re
import signal
import socket
import time
from email import message_from_bytes

import pytest

from cis_harness import DOMAIN, Cis, email_policy, mail_with_attachment
from email.message import EmailMessage

ORGANIZER = "coach@club.example"


def make_key(cis, *args):
    return cis.cli("key", "create", *args).stdout.decode().strip().splitlines()[-1]


def post_list(cis, event_id, body, key=None, content_type="text/csv", response=None):
    data = body.encode() if isinstance(body, str) else body
    return cis.api("POST", f"/event/{event_id}/invites", key or cis.admin_key, data,
                   headers={"Content-Type": content_type}, response=response)


def wait_job(cis, job_id, key=None):
    return cis.wait_for(lambda: (lambda b: b if b["state"] in ("done", "failed") else None)(
        cis.api("GET", f"/jobs/{job_id}", key or cis.admin_key)[1]), timeout=120, what=f"job {job_id}")


def result_email(cis, job_id):
    """The job's result email as the sandbox captured it, parsed."""
    def find():
        for m in cis.api("GET", "/sandbox/messages?kind=notification&limit=50", cis.admin_key)[1]["messages"]:
            if "Bulk invitations" in m["subject"]:
                raw = cis.api("GET", f"/sandbox/messages/{m['id']}", cis.admin_key, raw=True)[1]
                msg = message_from_bytes(raw, policy=email_policy)
                if f"(job {job_id})" in text_of(msg):
                    return msg
        return None
    return cis.wait_for(find, timeout=180, what="the result email")


def text_of(msg):
    for part in msg.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return part.get_payload(decode=True).decode()
    return ""


def attachment_rows(msg):
    for part in msg.walk():
        if part.get_filename() == "skipped.csv":
            return list(csv.reader(io.StringIO(part.get_payload(decode=True).decode(), newline="")))
    return None


def big_list(n=100_000):
    """n rows; in every block of 1000 one malformed, invalid, duplicate, suppressed,
    missing and already-invited row; a quoted multi-line name; an unterminated quote
    near the end. Returns the CSV, the addresses to suppress and to invite first."""
    out = io.StringIO()
    out.write("Email,Name,Team\r\n")
    suppressed, invited = [], []
    for i in range(n):
        k = i % 1000
        if k == 7:
            out.write(f'bad{i}@example.org,Bad"quote,x\r\n')
        elif k == 13:
            out.write(f"not-an-address-{i},Name,x\r\n")
        elif k == 21:
            out.write(f"USER{i - 1}@Example.org,Again,x\r\n")
        elif k == 33:
            suppressed.append(f"sup{i}@example.org")
            out.write(f"sup{i}@example.org,Sup,x\r\n")
        elif k == 44:
            out.write(",No email,x\r\n")
        elif i == 500:
            out.write('user500@example.org,"Multi\r\nline name",x\r\n')
        elif i == n - 10:
            out.write(f'user{i}@example.org,"never closed,x\r\n')
        else:
            if k == 55:
                invited.append(f"user{i}@example.org")
            out.write(f"user{i}@example.org,User {i},x\r\n")
    return out.getvalue(), suppressed, invited


def test_hundred_thousand_rows_exact_counts_and_result_email(cis):
    event = cis.create_event(uid="u-season", organizer=ORGANIZER, summary="Season opener")
    text, suppressed, invited = big_list()
    for address in suppressed:
        assert cis.api("POST", "/suppressions", cis.admin_key,
                       {"email": address, "organizer": ORGANIZER})[0] == 201
    for address in invited:
        assert cis.api("POST", f"/event/{event['id']}/invite", cis.admin_key, {"email": address})[0] == 202

    headers = {}
    status, job = post_list(cis, event["id"], text, response=headers)
    assert status == 202, job
    assert headers["Location"] == f"/jobs/{job['id']}"
    assert job["state"] == "queued" and job["source"] == "api" and job["origin"] == "bulk"
    job = wait_job(cis, job["id"])
    assert job["state"] == "done", job
    expected = {"malformed": 101, "invalid_email": 100, "duplicate": 100, "suppressed": 100,
                "missing_email": 100}
    assert job["skip_reasons"] == expected
    progress = job["progress"]
    assert progress["rows"] == 100_000
    assert progress["skipped"] == 501
    assert progress["already_invited"] == 100
    assert progress["accepted"] == 100_000 - 501 - 100

    # Skipped rows, paged by line, with the CSV's line numbers (the multi-line row shifts them).
    rows, after = [], None
    while True:
        q = "?limit=200" + (f"&after={after}" if after else "")
        status, page = cis.api("GET", f"/jobs/{job['id']}/skipped{q}", cis.admin_key)
        assert status == 200
        rows += page["skipped"]
        after = page["next_after"]
        if after is None:
            break
    assert len(rows) == 501
    first = rows[0]
    assert first == {"line": 9, "email": "", "reason": "malformed",
                     "detail": first["detail"]} and "quot" in first["detail"]
    assert rows[-1]["reason"] == "malformed" and rows[-1]["line"] == 100_000 - 10 + 3
    assert next(r for r in rows if r["reason"] == "duplicate")["email"] == "USER20@Example.org"

    msg = result_email(cis, job["id"])
    assert str(msg["To"]) == ORGANIZER
    assert str(msg["Subject"]) == '[CIS] Bulk invitations for "Season opener": 99399 invited, 501 skipped'
    body = text_of(msg)
    for line in ("Rows read:        100000", "Invited:          99399",
                 "Already invited:  100", "Skipped:          501"):
        assert line in body
    for reason, n in expected.items():  # "  malformed           101  <explanation>"
        assert re.search(rf"^  {reason} +{n}  \S", body, re.M), (reason, n, body)
    attached = attachment_rows(msg)
    assert attached[0] == ["line", "email", "reason", "detail"]
    assert len(attached) == 1 + 501
    assert sum(1 for r in attached[1:] if r[2] == "suppressed") == 100

    # The invitations are ordinary ones: one outbox row each, origin bulk.
    status, state = cis.api("GET", f"/event/{event['id']}/invites/user1@example.org", cis.admin_key)
    assert status == 200 and state["origin"] == "bulk"
    status, state = cis.api("GET", f"/event/{event['id']}/invites/user500@example.org", cis.admin_key)
    assert status == 200 and state["name"] == "Multiline name", "control characters dropped"


def test_global_suppression_detail_stays_hidden_from_the_organizer(cis):
    """An entry for every organizer comes from other organizers' mail: its detail (say, a
    bounce text) is the admin's, not something a bulk job's organizer gets to read."""
    event = cis.create_event(uid="u-global-sup", organizer=ORGANIZER)
    assert cis.api("POST", "/suppressions", cis.admin_key,
                   {"email": "gone@example.org", "detail": "550 mailbox of another org's list"})[0] == 201
    status, job = post_list(cis, event["id"], "email\ngone@example.org\nfine@example.org\n")
    assert status == 202, job
    job = wait_job(cis, job["id"])
    assert job["skip_reasons"] == {"suppressed": 1}
    [row] = cis.api("GET", f"/jobs/{job['id']}/skipped", cis.admin_key)[1]["skipped"]
    assert row["reason"] == "suppressed" and "another org" not in row["detail"], row
    assert "another org" not in text_of(result_email(cis, job["id"]))


def test_json_body_and_origin(cis):
    event = cis.create_event(uid="u-json", organizer=ORGANIZER)
    body = {"invitees": [{"email": "a@example.org", "name": "A"}, {"email": "b@example.org"},
                         {"name": "no email"}, "not an object", {"email": "a@example.org"}],
            "origin": "cta:mailchimp"}
    status, job = cis.api("POST", f"/event/{event['id']}/invites", cis.admin_key, body)
    assert status == 202, job
    job = wait_job(cis, job["id"])
    assert job["progress"] == {"rows": 5, "accepted": 2, "already_invited": 0, "skipped": 3,
                               "next_line": 6}
    assert job["skip_reasons"] == {"missing_email": 1, "malformed": 1, "duplicate": 1}
    state = cis.api("GET", f"/event/{event['id']}/invites/a@example.org", cis.admin_key)[1]
    assert state["origin"] == "cta:mailchimp" and state["name"] == "A"
    # A bare array works too, and a repeat counts as already invited, not as an error.
    status, job = cis.api("POST", f"/event/{event['id']}/invites", cis.admin_key,
                          [{"email": "b@example.org"}, {"email": "c@example.org"}])
    job = wait_job(cis, job["id"])
    assert (job["progress"]["accepted"], job["progress"]["already_invited"]) == (1, 1)
    # Few skipped rows: listed in the text, no attachment.
    msg = result_email(cis, job["id"])
    assert attachment_rows(msg) is None


def test_refused_lists_say_why(cis):
    event = cis.create_event(uid="u-bad", organizer=ORGANIZER)
    cases = [
        ("name,phone\r\nx,1\r\n", "text/csv", 422, "email"),
        ("", "text/csv", 422, "empty"),
        ('"open header\n', "text/csv", 422, "header row"),
        ("{\"list\": []}", "application/json", 422, "invitees"),
        ("email\nx@example.org\n", "application/pdf", 415, "text/csv"),
    ]
    for body, ctype, code, words in cases:
        status, answer = post_list(cis, event["id"], body, content_type=ctype)
        assert status == code, (body, answer)
        assert words in answer["error"]["message"], answer
    status, answer = cis.api("POST", f"/event/{event['id']}/invites", cis.admin_key,
                             {"invitees": [], "origin": "Not A Tag"})
    assert status == 422 and answer["error"]["code"] == "invalid_origin"
    assert post_list(cis, "no-such-event", "email\n")[0] == 404
    # Over the body limit: a clear 413 as soon as the length is announced, nothing stored.
    with socket.create_connection(("127.0.0.1", cis.http_port), timeout=30) as s:
        s.sendall(f"POST /event/{event['id']}/invites HTTP/1.1\r\nHost: x\r\n"
                  f"X-API-Key: {cis.admin_key}\r\nContent-Type: text/csv\r\n"
                  f"Content-Length: {33 * 1024 * 1024}\r\n\r\nemail\r\n".encode())
        answer = s.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 413") and "payload_too_large" in answer, answer
    assert cis.api("GET", "/jobs", cis.admin_key)[1]["jobs"] == []


def test_every_key_role(cis):
    mine = cis.create_event(uid="u-mine", organizer=ORGANIZER)
    cis.create_event(uid="u-theirs", organizer="other@elsewhere.example")
    theirs = next(e for e in cis.events() if e["original_uid"] == "u-theirs")
    keys = {
        "admin": cis.admin_key,
        "domain": make_key(cis, "--role", "domain", "--domain", "club.example"),
        "organizer": make_key(cis, "--role", "organizer", "--organizer", ORGANIZER),
        "other": make_key(cis, "--role", "organizer", "--organizer", "other@elsewhere.example"),
        "revoked": make_key(cis, "--role", "organizer", "--organizer", ORGANIZER),
    }
    cis.cli("key", "revoke", "--", keys["revoked"].split("_")[1])  # an id may start with "-"
    csv_text = "email\nr@example.org\n"
    jobs = {}
    for role in ("admin", "domain", "organizer"):
        status, job = post_list(cis, mine["id"], csv_text, key=keys[role])
        assert status == 202, (role, job)
        jobs[role] = job["id"]
    assert post_list(cis, mine["id"], csv_text, key=keys["other"])[0] == 403
    assert post_list(cis, mine["id"], csv_text, key=keys["revoked"])[0] == 401
    status, _ = cis.api("POST", f"/event/{mine['id']}/invites", None, csv_text.encode(),
                        headers={"Content-Type": "text/csv"})
    assert status == 401
    status, their_job = post_list(cis, theirs["id"], csv_text, key=keys["other"])
    assert status == 202
    for job_id in list(jobs.values()) + [their_job["id"]]:
        wait_job(cis, job_id)

    job_id = jobs["organizer"]
    for path in (f"/jobs/{job_id}", f"/jobs/{job_id}/skipped"):
        for role in ("admin", "domain", "organizer"):
            assert cis.api("GET", path, keys[role])[0] == 200, (path, role)
        assert cis.api("GET", path, keys["other"])[0] == 403, path
        assert cis.api("GET", path, keys["revoked"])[0] == 401, path
        assert cis.api("GET", path, None)[0] == 401, path
    assert cis.api("GET", "/jobs/999999", keys["admin"])[0] == 404

    listed = {role: {j["id"] for j in cis.api("GET", "/jobs", keys[role])[1]["jobs"]}
              for role in ("admin", "domain", "organizer", "other")}
    assert listed["admin"] == set(jobs.values()) | {their_job["id"]}
    assert listed["domain"] == listed["organizer"] == set(jobs.values())
    assert listed["other"] == {their_job["id"]}
    assert cis.api("GET", "/jobs", keys["revoked"])[0] == 401
    assert cis.api("GET", "/jobs", None)[0] == 401
    status, page = cis.api("GET", "/jobs?limit=2", keys["admin"])
    assert len(page["jobs"]) == 2 and page["next_before"] == page["jobs"][-1]["id"]


def test_killed_server_resumes_the_job_without_loss_or_repeat(tmp_path):
    cis = Cis(tmp_path / "data", CIS_INBOUND_REQUIRE_DKIM="false").start()
    try:
        event = cis.create_event(uid="u-crash", organizer=ORGANIZER)
        rows = "".join(f"p{i}@example.org,P\n" for i in range(60_000))
        status, job = post_list(cis, event["id"], "email,name\n" + rows + "p5@example.org,dup\n")
        assert status == 202
        # Kill -9 as soon as some chunks are committed but not all.
        seen = cis.wait_for(lambda: (lambda b: b if b["progress"]["rows"] > 0 else None)(
            cis.api("GET", f"/jobs/{job['id']}", cis.admin_key)[1]), what="a first chunk")
        cis.proc.send_signal(signal.SIGKILL)
        assert seen["state"] == "running" and seen["progress"]["rows"] < 60_001
        cis.proc.wait()
        cis.log.close()
        cis.proc = None
        cis.start()
        done = wait_job(cis, job["id"])
        assert done["state"] == "done"
        assert done["progress"]["rows"] == 60_001
        assert done["progress"]["accepted"] == 60_000
        assert done["skip_reasons"] == {"duplicate": 1}
        assert done["progress"]["already_invited"] == 0, "no row was applied twice"
    finally:
        cis.stop()


# --- bulk@ ---------------------------------------------------------------------------

def bulk_mail(sender, csv_bytes, ctype="text/csv", filename="list.csv", subject="Invitees"):
    return mail_with_attachment(sender, f"bulk@{DOMAIN}", subject, "The list is attached.",
                                csv_bytes, ctype, filename, message_id=f"<{time.time_ns()}@test.example>")


@pytest.mark.parametrize("ctype,filename", [
    ("text/csv", "list.csv"),
    ("application/vnd.ms-excel", "list.xls.csv"),
    ("text/plain", "list.txt"),
    ("application/octet-stream", "export.csv"),
])
def test_bulk_mailbox_accepts_each_csv_type(cis, ctype, filename):
    event = cis.create_event(uid="u-mail", organizer=ORGANIZER, summary="Mailed list")
    text = "email,name\r\na@example.org,A\r\nbroken,B\r\nb@example.org,B\r\n"
    code, _ = cis.send(bulk_mail(ORGANIZER, text.encode(), ctype, filename,
                                 subject=f"Invite these to {event['id']}"),
                       rcpt=f"bulk@{DOMAIN}")
    assert code == 250
    [record] = [r for r in cis.inbound() if r["mailbox"] == "bulk"]
    assert record["status"] == "queued", record["reason"]
    status, jobs = cis.api("GET", "/jobs", cis.admin_key)
    [job] = jobs["jobs"]
    assert job["source"] == "mail" and job["inbound_id"] == record["id"]
    job = wait_job(cis, job["id"])
    assert job["progress"]["accepted"] == 2 and job["skip_reasons"] == {"invalid_email": 1}
    msg = result_email(cis, job["id"])
    assert str(msg["To"]) == ORGANIZER and "broken" in text_of(msg)


def test_bulk_mailbox_event_column(cis):
    event = cis.create_event(uid="u-col", organizer=ORGANIZER)
    text = f"event,email\r\n{event['id']},a@example.org\r\nother-id,b@example.org\r\n"
    cis.send(bulk_mail(ORGANIZER, text.encode()), rcpt=f"bulk@{DOMAIN}")
    [job] = cis.api("GET", "/jobs", cis.admin_key)[1]["jobs"]
    job = wait_job(cis, job["id"])
    assert job["event_id"] == event["id"]
    assert job["progress"]["accepted"] == 1 and job["skip_reasons"] == {"other_event": 1}


def test_bulk_mailbox_refusals(cis):
    event = cis.create_event(uid="u-ref", organizer=ORGANIZER)
    good = "email\r\na@example.org\r\n".encode()
    # A stranger: refused, logged, and no reply (no backscatter).
    cis.send(bulk_mail("stranger@example.net", good, subject=event["id"]), rcpt=f"bulk@{DOMAIN}")
    # A known organizer: no attachment; an event that is not theirs.
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = ORGANIZER, f"bulk@{DOMAIN}", event["id"]
    msg.set_content("forgot the file")
    cis.send(msg.as_bytes(), rcpt=f"bulk@{DOMAIN}")
    cis.send(bulk_mail(ORGANIZER, good, subject="no event named here"), rcpt=f"bulk@{DOMAIN}")
    records = sorted((r for r in cis.inbound() if r["mailbox"] == "bulk"), key=lambda r: r["id"])
    assert [r["status"] for r in records] == ["rejected"] * 3
    assert "not a registered organizer" in records[0]["reason"]
    assert "CSV attachment" in records[1]["reason"]
    assert "event" in records[2]["reason"]
    assert cis.api("GET", "/jobs", cis.admin_key)[1]["jobs"] == []
    notes = [n for n in cis.notifications(ORGANIZER) if n["subject"].startswith("[CIS] Rejected")]
    assert len(notes) == 2, "a known organizer is told why"
    assert any("CSV attachment" in n["text"] for n in notes)
    assert any("put the event id in the Subject" in n["text"] for n in notes)
    assert not cis.notifications("stranger@example.net")


def test_bulk_mailbox_needs_the_same_proof_as_create(tmp_path):
    """DKIM required (the default): a registered organizer's unsigned list is refused
    with the reason, and the organizer is told; nothing is queued."""
    strict = Cis(tmp_path / "data").start()
    try:
        strict.add_organizer(ORGANIZER)
        strict.send(bulk_mail(ORGANIZER, b"email\r\na@example.org\r\n", subject="x"),
                    rcpt=f"bulk@{DOMAIN}")
        [record] = strict.inbound()
        assert record["status"] == "rejected" and "DKIM" in record["reason"], record
        assert strict.api("GET", "/jobs", strict.admin_key)[1]["jobs"] == []
        [note] = strict.notifications(ORGANIZER)
        assert "DKIM" in note["text"]
    finally:
        strict.stop()
