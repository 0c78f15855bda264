"""Outgoing mail signed with DKIM (OpenDKIM, RSA-SHA256) for the installation's domain,
verified by an independent implementation: python3-dkim."""
import base64
import subprocess

import dkim
import pytest

from cis_harness import DOMAIN, Cis


@pytest.fixture
def signing_cis(tmp_path):
    private = subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, check=True).stdout
    public = subprocess.run(["openssl", "rsa", "-pubout", "-outform", "DER"], input=private,
                            capture_output=True, check=True).stdout
    key = tmp_path / "dkim.pem"
    key.write_bytes(private)
    server = Cis(tmp_path / "data", CIS_INBOUND_REQUIRE_DKIM="false", CIS_HTTP_PUBLIC_URL="https://cis.test",
                 CIS_OUTBOUND_DKIM_SIGN="true", CIS_OUTBOUND_DKIM_KEY=key,
                 CIS_OUTBOUND_DKIM_SELECTOR="s2026").start()
    txt = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    try:
        yield server, txt
    finally:
        server.stop()


def test_invitations_and_notifications_are_signed(signing_cis):
    cis, txt = signing_cis
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
        assert f"d={DOMAIN}".encode() in header and b"a=rsa-sha256" in header
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
