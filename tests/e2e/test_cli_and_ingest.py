"""`cis ingest` for Postfix's pipe (sysexits codes), alongside a running `cis serve`;
configuration precedence; the inbound log keeps every message raw."""
import re
import os
import subprocess

import pytest

from cis_harness import CIS_BIN, DOMAIN, Cis, make_invite


def ingest(cis, raw, rcpt=f"create@{DOMAIN}", env=None):
    e = dict(cis.env)
    e.update(env or {})
    return subprocess.run([CIS_BIN, "ingest", "--rcpt", rcpt, "--from", "mta@example.net"],
                          input=raw, env=e, capture_output=True)


def test_ingest_exit_codes(cis):
    cis.add_organizer("org@example.org")
    ok = ingest(cis, make_invite("u-ing", "org@example.org"))
    assert ok.returncode == 0, ok.stderr
    assert b"created" in ok.stdout
    assert ingest(cis, b"From: org@example.org\r\nSubject: hi\r\n\r\nno calendar\r\n").returncode == 65
    assert ingest(cis, b"").returncode == 65
    unknown = ingest(cis, make_invite("u-x", "org@example.org"), rcpt=f"nobody@{DOMAIN}")
    assert unknown.returncode == 67 and b"5.1.1" in unknown.stderr
    other_domain = ingest(cis, make_invite("u-x", "org@example.org"), rcpt="create@elsewhere.example")
    assert other_domain.returncode == 67
    # A data directory that cannot be created: try again later, nothing half-done.
    blocker = os.path.join(cis.data_dir, "not-a-dir")
    open(blocker, "w").close()
    tempfail = ingest(cis, make_invite("u-y", "org@example.org"),
                      env={"CIS_DATA_DIR": os.path.join(blocker, "sub")})
    assert tempfail.returncode == 75, tempfail.stderr


def test_ingest_while_serve_runs(cis):
    """Both write the same SQLite database: WAL and busy waiting keep them apart."""
    cis.add_organizer("org@example.org")
    procs = [subprocess.Popen([CIS_BIN, "ingest", "--rcpt", f"create@{DOMAIN}"], env=cis.env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(8)]
    for i, p in enumerate(procs):
        p.stdin.write(make_invite(f"u-par-{i}", "org@example.org"))
        p.stdin.close()
    for i in range(20):
        assert cis.send(make_invite(f"u-smtp-{i}", "org@example.org"))[0] == 250
    assert all(p.wait(timeout=60) == 0 for p in procs)
    assert len(cis.events()) == 28
    assert {r["channel"] for r in cis.inbound()} == {"smtp", "ingest"}


def test_raw_message_is_kept_byte_for_byte(cis):
    raw = make_invite("u-raw", "stranger@example.net").replace(b"\n", b"\r\n")
    cis.send(raw)
    [record] = cis.inbound()
    kept = cis.cli("inbound", "show", str(record["id"]), "--raw").stdout
    assert kept == raw
    shown = cis.json("inbound", "show", str(record["id"]))
    assert shown["status"] == "rejected" and shown["from"] == "stranger@example.net"
    assert shown["size"] == len(raw)


def test_configuration_precedence(tmp_path):
    toml = tmp_path / "cis.toml"
    toml.write_text('domain = "from-file.example"\n[inbound]\nrequire_dkim = false\nevent_limit = 7\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIS_")}
    env.update({"CIS_CONFIG": str(toml), "CIS_INBOUND_EVENT_LIMIT": "9"})
    show = lambda *flags: subprocess.run([CIS_BIN, "config", "show", *flags], env=env,
                                         capture_output=True, check=True).stdout.decode()
    out = show()
    assert 'domain = "from-file.example"' in out
    assert "require_dkim = false" in out
    assert "event_limit = 9" in out, "the environment beats the file"
    assert 'domain = "flag.example"' in show("--domain", "flag.example"), "flags beat both"
    env["CIS_DOMAIN"] = "env.example"
    assert 'domain = "env.example"' in show()


@pytest.mark.parametrize("content,message", [
    ("domain = \n", "cis.toml"),
    ("[inbound]\nrequre_dkim = true\n", "unknown key [inbound] requre_dkim"),
    ("[inbound]\nrequire_dkim = \"maybe\"\n", "must be true or false"),
])
def test_bad_configuration_is_explained(tmp_path, content, message):
    toml = tmp_path / "cis.toml"
    toml.write_text(content)
    r = subprocess.run([CIS_BIN, "--config", str(toml), "config", "show"], capture_output=True)
    assert r.returncode == 1
    assert message in r.stderr.decode(), r.stderr


def test_organizer_commands(cis):
    cis.cli("organizer", "add", "Coach@Club.example", "--name", "Coach")
    [org] = cis.json("organizer", "list")["organizers"]
    assert org["email"] == "coach@club.example" and org["name"] == "Coach"
    cis.cli("organizer", "remove", "coach@club.example")
    assert cis.json("organizer", "list")["organizers"] == []
    bad = cis.cli("organizer", "add", "not-an-address", check=False)
    assert bad.returncode != 0 and b"not an email address" in bad.stderr
    assert cis.cli("event", "show", "nope", check=False).returncode == 1
    assert re.search(rb"schema version [0-9]+ at ", cis.cli("migrate").stdout)
