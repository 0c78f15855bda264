"""The SMTP listener of the real `cis serve`: routing by local part, the size limit,
STARTTLS, and interoperability with swaks."""
import shutil
import smtplib
import ssl
import subprocess

import pytest

from cis_harness import DOMAIN, Cis, make_invite


def test_unknown_mailbox_and_foreign_domain_are_refused_at_rcpt(cis):
    with smtplib.SMTP("127.0.0.1", cis.smtp_port) as s:
        s.ehlo("client.example.net")
        s.mail("someone@example.net")
        assert s.rcpt(f"nobody@{DOMAIN}")[0] == 550
        code, msg = s.rcpt("create@elsewhere.example")
        assert code == 550 and b"5.1.1" in msg
        for mailbox in ("create", "create+secret", "rsvp", "bulk", "bounce+tok"):
            assert s.rcpt(f"{mailbox}@{DOMAIN}")[0] == 250, mailbox


def test_every_cis_mailbox_is_stored(cis):
    for mailbox in ("rsvp", "bulk", "bounce+abc"):
        assert cis.send(b"From: a@example.net\r\nSubject: x\r\n\r\nbody\r\n", rcpt=f"{mailbox}@{DOMAIN}")[0] == 250
    records = cis.inbound()
    assert sorted(r["mailbox"] for r in records) == ["bounce", "bulk", "rsvp"]
    status = {r["mailbox"]: r["status"] for r in records}
    assert status["rsvp"] == "ignored", "no calendar answer in it: kept, not counted"
    assert status["bulk"] == "rejected", "kept raw; a stranger's list is refused (test_bulk.py)"
    assert status["bounce"] == "quarantined", "a bounce token CIS never issued counts for nothing"


def test_size_limit(tmp_path):
    server = Cis(tmp_path / "data", CIS_SMTP_MAX_MESSAGE_SIZE="20000").start()
    try:
        with smtplib.SMTP("127.0.0.1", server.smtp_port) as s:
            s.ehlo("client.example.net")
            assert s.has_extn("size") and s.esmtp_features["size"] == "20000"
            s.mail("a@example.net")
            s.rcpt(f"create@{DOMAIN}")
            code, _ = s.data(b"Subject: big\r\n\r\n" + b"x" * 100 + b"\r\n" * 20000)
            assert code == 552
        assert server.inbound() == [], "an oversize message is not stored"
    finally:
        server.stop()


def test_starttls_when_a_certificate_is_configured(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-days", "1", "-keyout", key, "-out", cert], check=True, capture_output=True)
    server = Cis(tmp_path / "data", CIS_SMTP_TLS_CERT=cert, CIS_SMTP_TLS_KEY=key,
                 CIS_INBOUND_REQUIRE_DKIM="false").start()
    try:
        server.add_organizer("org@example.org")
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        with smtplib.SMTP("127.0.0.1", server.smtp_port) as s:
            s.ehlo("client.example.net")
            assert s.has_extn("starttls")
            s.starttls(context=context)
            s.ehlo("client.example.net")
            s.sendmail("org@example.org", [f"create@{DOMAIN}"], make_invite("u-tls", "org@example.org"))
        assert server.inbound()[0]["status"] == "created"
    finally:
        server.stop()


@pytest.mark.skipif(not shutil.which("swaks"), reason="swaks is not installed")
def test_swaks_delivers_an_invitation(cis, tmp_path):
    cis.add_organizer("org@example.org")
    msg = tmp_path / "invite.eml"
    msg.write_bytes(make_invite("u-swaks", "org@example.org"))
    r = subprocess.run(["swaks", "--server", f"127.0.0.1:{cis.smtp_port}", "--to", f"create@{DOMAIN}",
                        "--from", "org@example.org", "--data", str(msg), "--pipeline"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "250 2.0.0" in r.stdout
    assert cis.inbound()[0]["status"] == "created"
