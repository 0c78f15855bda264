"""Who may create and change events: registered organizers only, proven by aligned
DKIM (by default) or a secret address, and only their own events."""
import subprocess

import dkim
import pytest

from cis_harness import DOMAIN, Cis, make_invite


@pytest.fixture(scope="module")
def dkim_key(tmp_path_factory):
    """A fresh RSA key, and the key file CIS reads instead of DNS."""
    d = tmp_path_factory.mktemp("dkim")
    private = subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, check=True).stdout
    public = subprocess.run(["openssl", "rsa", "-pubout", "-outform", "DER"], input=private,
                            capture_output=True, check=True).stdout
    import base64
    record = f"sel._domainkey.signed.example v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}\n"
    (d / "keys").write_text(record)
    return private, str(d / "keys")


@pytest.fixture
def strict_cis(tmp_path, dkim_key):
    """DKIM required (the default), keys from a file."""
    server = Cis(tmp_path / "data", CIS_INBOUND_DKIM_KEY_FILE=dkim_key[1]).start()
    try:
        yield server
    finally:
        server.stop()


def sign(raw: bytes, private: bytes) -> bytes:
    header = dkim.sign(raw, b"sel", b"signed.example", private,
                       include_headers=[b"from", b"to", b"subject", b"message-id", b"content-type"])
    return header + raw


def test_non_organizer_is_refused_silently(cis):
    code, _ = cis.send(make_invite("u-stranger", "stranger@example.net"))
    assert code == 250  # accepted and kept: nothing is lost
    [record] = cis.inbound()
    assert record["status"] == "rejected"
    assert "not a registered organizer" in record["reason"]
    assert cis.notifications() == [], "no backscatter to a possibly forged sender"
    assert cis.events() == []


def test_allowed_organizer_domain(cis):
    cis.cli("organizer", "allow-domain", "club.example")
    cis.send(make_invite("u-dom", "coach@club.example"))
    assert cis.inbound()[0]["status"] == "created"


def test_aligned_dkim_signature_is_accepted(strict_cis, dkim_key):
    strict_cis.add_organizer("org@signed.example")
    strict_cis.send(sign(make_invite("u-signed", "org@signed.example"), dkim_key[0]))
    [record] = strict_cis.inbound()
    assert record["status"] == "created", record["reason"]


@pytest.mark.parametrize("case,expect", [
    ("unsigned", "no DKIM signature"),
    ("tampered", "body hash"),
])
def test_failed_dkim_is_refused_with_reason(strict_cis, dkim_key, case, expect):
    strict_cis.add_organizer("org@signed.example")
    raw = make_invite("u-bad", "org@signed.example")
    if case == "tampered":
        signed = sign(raw, dkim_key[0])
        head, body = signed.split(b"\n\n", 1)
        raw = head + b"\n\n" + body.replace(b"Invitation\n", b"Invitation!\n", 1)
    strict_cis.send(raw)
    [record] = strict_cis.inbound()
    assert record["status"] == "rejected"
    assert record["reason"].startswith("DKIM check failed") and expect in record["reason"], record["reason"]
    [note] = strict_cis.notifications()
    assert note["rcpt"] == "org@signed.example"
    assert expect in note["text"]
    assert strict_cis.events() == []


def test_dkim_can_be_switched_off_by_environment(cis):
    # The `cis` fixture runs with CIS_INBOUND_REQUIRE_DKIM=false.
    cis.add_organizer("org@unsigned.example")
    cis.send(make_invite("u-free", "org@unsigned.example"))
    assert cis.inbound()[0]["status"] == "created"


def test_organizer_cannot_touch_another_organizers_event(cis):
    cis.add_organizer("alice@example.org")
    cis.add_organizer("mallory@example.org")
    cis.send(make_invite("shared-uid", "alice@example.org", summary="Alice's match"))
    # Mallory forwards Alice's invitation, then a cancellation of it.
    for method in ("REQUEST", "CANCEL"):
        cis.send(make_invite("shared-uid", "mallory@example.org", organizer="alice@example.org",
                             method=method, sequence=5, summary="Hijacked"))
        record = cis.inbound()[0]
        assert record["status"] == "rejected"
        assert "ORGANIZER is alice@example.org" in record["reason"]
        assert "another organizer" in record["reason"]
    [event] = cis.events()
    assert event["summary"] == "Alice's match" and event["status"] == "confirmed"
    notes = cis.notifications("mallory@example.org")
    assert len(notes) == 2 and all("another organizer" in n["text"] for n in notes)


def test_secret_address_trust(cis):
    out = cis.cli("organizer", "add", "sec@example.org", "--trust", "secret", "--secret", "s3cr3t").stdout
    assert b"create+s3cr3t@" in out
    cis.send(make_invite("u-sec", "sec@example.org"))
    assert "secret" in cis.inbound()[0]["reason"]
    cis.send(make_invite("u-sec", "sec@example.org"), rcpt=f"create+s3cr3t@{DOMAIN}")
    assert cis.inbound()[0]["status"] == "created"


def test_event_limit(cis):
    cis.cli("organizer", "add", "busy@example.org", "--event-limit", "1")
    cis.send(make_invite("u-1", "busy@example.org"))
    cis.send(make_invite("u-2", "busy@example.org"))
    record = cis.inbound()[0]
    assert record["status"] == "rejected" and "limit of 1" in record["reason"]


def test_past_events_are_refused_by_default(tmp_path):
    server = Cis(tmp_path / "data", CIS_INBOUND_REQUIRE_DKIM="false").start()
    try:
        server.add_organizer("org@example.org")
        server.send(make_invite("u-old", "org@example.org", start="20200101T100000Z",
                                end="20200101T110000Z"))
        record = server.inbound()[0]
        assert record["status"] == "rejected" and "over" in record["reason"]
    finally:
        server.stop()
