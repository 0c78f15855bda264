"""Outgoing mail signed with DKIM (rsa-sha256, or ed25519-sha256 with an Ed25519 key) for the
installation's domain, verified by an independent implementation: python3-dkim."""
import base64
import re
import subprocess

import dkim
import pytest

from cis_harness import DOMAIN, Cis


@pytest.fixture(params=["rsa", "ed25519"])
def signing_cis(request, tmp_path):
    if request.param == "rsa":
        private = subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, check=True).stdout
    else:
        private = subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519"], capture_output=True,
                                 check=True).stdout
    public = subprocess.run(["openssl", "pkey", "-pubout", "-outform", "DER"], input=private,
                            capture_output=True, check=True).stdout
    if request.param == "ed25519":
        public = public[-32:]  # RFC 8463: the DNS record holds the bare key
    key = tmp_path / "dkim.pem"
    key.write_bytes(private)
    server = Cis(tmp_path / "data", CIS_INBOUND_REQUIRE_DKIM="false", CIS_HTTP_PUBLIC_URL="https://cis.test",
                 CIS_OUTBOUND_DKIM_SIGN="true", CIS_OUTBOUND_DKIM_KEY=key,
                 CIS_OUTBOUND_DKIM_SELECTOR="s2026").start()
    txt = f"v=DKIM1; k={request.param}; p=".encode() + base64.b64encode(public)
    try:
        yield server, txt, request.param
    finally:
        server.stop()


def test_invitations_and_notifications_are_signed(signing_cis):
    cis, txt, algorithm = signing_cis
    event = cis.create_event(summary="Signed match ⚽")
    status, _ = cis.api("POST", f"/event/{event['id']}/invite", cis.admin_key, {"email": "zack@example.org"})
    assert status == 202
    cis.wait_for(lambda: len(cis.sandbox()) == 2, what="two messages")
    messages = cis.sandbox()

    def dns(name, timeout=5):
        assert name == f"s2026._domainkey.{DOMAIN}.".encode(), name
        return txt

    for m in messages:
        raw = cis.api("GET", f"/sandbox/messages/{m['id']}", cis.admin_key, raw=True)[1]
        assert raw.startswith(b"DKIM-Signature:"), m["kind"]
        sig = dkim.DKIM(raw)
        assert sig.verify(dnsfunc=dns), f"{m['kind']}: the signature does not verify"
        header = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
        assert f"d={DOMAIN}".encode() in header and f"a={algorithm}-sha256".encode() in header
        if m["kind"] == "invite":  # RFC 8058 §4: one-click counts only when both are signed
            h = re.search(rb"DKIM-Signature:.*?[;\s]h=([^;]*);", header, re.S | re.I).group(1)
            names = [n.strip().lower() for n in h.split(b":")]
            for name in (b"list-unsubscribe", b"list-unsubscribe-post"):
                assert names.count(name) == 2, names  # present, and over-signed
        # A changed byte in the body breaks it (the check is not vacuous).
        tampered = raw[:-10] + (b"X" if raw[-10:-9] != b"X" else b"Y") + raw[-9:]
        try:
            tampered_ok = dkim.DKIM(tampered).verify(dnsfunc=dns)
        except dkim.ValidationError:  # python3-dkim raises on a body hash mismatch
            tampered_ok = False
        assert not tampered_ok


def test_signing_without_a_key_is_a_clear_start_up_error(tmp_path):
    cis = Cis(tmp_path / "data", CIS_OUTBOUND_DKIM_SIGN="true")
    with pytest.raises(RuntimeError) as failure:
        cis.start()
    assert "dkim_key" in str(failure.value)


def test_an_unusable_key_is_a_clear_start_up_error(tmp_path):
    key = tmp_path / "dkim.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    cis = Cis(tmp_path / "data", CIS_OUTBOUND_DKIM_SIGN="true", CIS_OUTBOUND_DKIM_KEY=key)
    with pytest.raises(RuntimeError) as failure:
        cis.start()
    assert "DKIM signing key unusable: not an unencrypted PEM private key" in str(failure.value)
