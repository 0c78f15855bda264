"""POST /event/{id}/invite through the real HTTP API: keys and roles, validation, one
invite per recipient, resend, delivery state, and the sandbox that captures the mail."""
import email
from email import policy

import icalendar
import pytest

from cis_harness import DOMAIN


def invite(cis, event_id, address, key=None, **extra):
    body = {"email": address, "name": extra.pop("name", "Zack"), "origin": extra.pop("origin", "api"), **extra}
    return cis.api("POST", f"/event/{event_id}/invite", key or cis.admin_key, body)


def test_admin_key_is_printed_once_at_first_start(cis):
    assert cis.admin_key.startswith("cis_")
    assert cis.api("GET", "/sandbox/messages", cis.admin_key)[0] == 200
    cis.stop()
    cis.start()
    assert cis.log_text().count("An admin API key was created") == 1


def test_invitation_is_queued_delivered_and_captured(cis):
    event = cis.create_event(summary="Cup final")
    status, body = invite(cis, event["id"], "Zack@Example.org")
    assert status == 202, body
    assert body["created"] is True and body["state"] == "queued"
    assert body["email"] == "zack@example.org"
    assert body["uid"].endswith("@" + DOMAIN)

    state = cis.wait_for(lambda: (lambda r: r[1] if r[1]["state"] == "sent" else None)(
        cis.api("GET", f"/event/{event['id']}/invites/zack@example.org", cis.admin_key)), what="delivery")
    assert state["attempts"][-1]["result"] == "sent"
    [captured] = [m for m in cis.sandbox() if m["kind"] == "invite"]
    assert captured["to"] == "zack@example.org" and captured["event_id"] == event["id"]
    assert captured["from"] == f"rsvp@{DOMAIN}"
    status, raw = cis.api("GET", f"/sandbox/messages/{captured['id']}", cis.admin_key, raw=True)
    assert status == 200
    msg = email.message_from_bytes(raw, policy=policy.default)
    parts = {p.get_content_type(): p for p in msg.walk()}
    cal_part = parts["text/calendar"]
    assert cal_part.get_param("method") == "REQUEST"
    cal = icalendar.Calendar.from_ical(cal_part.get_payload(decode=True))
    assert str(cal["METHOD"]) == "REQUEST"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Cup final"
    assert str(vevent["UID"]) == body["uid"]
    assert str(vevent["ORGANIZER"]).lower() == f"mailto:rsvp@{DOMAIN}"
    attendee = vevent["ATTENDEE"]
    assert not isinstance(attendee, list), "exactly one ATTENDEE"
    assert str(attendee).lower() == "mailto:zack@example.org"
    assert attendee.params["RSVP"] == "TRUE" and attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    # RFC 8058 one-click: an HTTPS link to POST to (the fixture's public URL is https).
    assert msg["List-Unsubscribe"].startswith("<https://cis.test/unsubscribe/")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_invite_per_recipient_and_explicit_resend(cis):
    event = cis.create_event()
    first = invite(cis, event["id"], "a@example.org")[1]
    status, again = invite(cis, event["id"], "A@example.org")
    assert status == 200 and again["id"] == first["id"] and again["created"] is False
    status, resent = invite(cis, event["id"], "a@example.org", resend=True)
    assert status == 202 and resent["resent"] is True and resent["id"] == first["id"]
    cis.wait_for(lambda: len([m for m in cis.sandbox() if m["kind"] in ("invite", "resend")]) == 2,
                 what="two copies")
    other = invite(cis, event["id"], "b@example.org")[1]
    assert other["uid"] != first["uid"], "UIDs differ between recipients"


def test_get_form_is_kept_for_compatibility(cis):
    event = cis.create_event()
    status, body = cis.api("GET", f"/event/{event['id']}/invite?email=g%40example.org&name=G&origin=landing",
                           cis.admin_key)
    assert status == 202 and body["origin"] == "landing" and body["name"] == "G"


@pytest.mark.parametrize("address,code", [
    ("not-an-address", "invalid_email"),
    ("a@b", "invalid_email"),
    ("a..b@example.org", "invalid_email"),
    ("", "invalid_email"),
])
def test_invalid_addresses_are_refused(cis, address, code):
    event = cis.create_event()
    status, body = invite(cis, event["id"], address)
    assert status == 422 and body["error"]["code"] == code, body
    assert body["error"]["message"]


def test_international_domain_is_converted(cis):
    event = cis.create_event()
    status, body = invite(cis, event["id"], "zoë@bücher.example")
    assert status == 202, body
    assert body["email"] == "zoë@xn--bcher-kva.example"


def test_refusals_for_event_state(cis):
    assert invite(cis, "no-such-event", "a@example.org")[0] == 404
    event = cis.create_event(uid="u-c")
    from cis_harness import make_invite
    cis.send(make_invite("u-c", "org@example.org", method="CANCEL", sequence=1))
    status, body = invite(cis, event["id"], "a@example.org")
    assert status == 409 and body["error"]["code"] == "event_cancelled"
    status, body = cis.api("POST", f"/event/{event['id']}/invite", cis.admin_key, b"{not json")
    assert status == 400 and body["error"]["code"] == "invalid_json"
    status, body = invite(cis, event["id"], "a@example.org", origin="Not A Tag!")
    assert status == 422 and body["error"]["code"] == "invalid_origin"


def make_key(cis, *args):
    return cis.cli("key", "create", *args).stdout.decode().strip().splitlines()[-1]


def test_keys_and_roles(cis):
    mine = cis.create_event(uid="u-mine", organizer="coach@club.example")
    theirs = cis.create_event(uid="u-theirs", organizer="other@elsewhere.example")
    organizer_key = make_key(cis, "--role", "organizer", "--organizer", "coach@club.example")
    domain_key = make_key(cis, "--role", "domain", "--domain", "club.example")
    assert organizer_key.startswith("cis_")

    assert cis.api("POST", f"/event/{mine['id']}/invite", None, {"email": "x@example.org"})[0] == 401
    assert cis.api("POST", f"/event/{mine['id']}/invite", "cis_bad_key", {"email": "x@example.org"})[0] == 401
    assert invite(cis, mine["id"], "x@example.org", key=organizer_key)[0] == 202
    assert invite(cis, theirs["id"], "x@example.org", key=organizer_key)[0] == 403
    assert invite(cis, mine["id"], "y@example.org", key=domain_key)[0] == 202
    assert invite(cis, theirs["id"], "y@example.org", key=domain_key)[0] == 403
    assert invite(cis, theirs["id"], "y@example.org", key=cis.admin_key)[0] == 202
    assert cis.api("GET", f"/event/{theirs['id']}/invites/y@example.org", organizer_key)[0] == 403
    for key in (organizer_key, domain_key):
        assert cis.api("GET", "/sandbox/messages", key)[0] == 403, "the sandbox is admin-only"

    listed = cis.json("key", "list")["keys"]
    assert {k["role"] for k in listed} == {"admin", "organizer", "domain"}
    assert all("hash" not in k for k in listed)
    key_id = organizer_key.split("_")[1]
    cis.cli("key", "revoke", key_id)
    # Keys are cached for a second (services/key_cache): a CLI revoke shows within it.
    cis.wait_for(lambda: invite(cis, mine["id"], "z@example.org", key=organizer_key)[0] == 401,
                 timeout=5, what="the revoked key to be refused")


def test_health_and_errors(cis):
    assert cis.api("GET", "/healthz") == (200, {"status": "ok"})
    status, body = cis.api("GET", "/readyz")
    assert status == 200 and body["status"] == "ready" and body["transport"] == "sandbox"
    status, body = cis.api("GET", "/no/such/path")
    assert status == 404 and set(body["error"]) == {"code", "message"}
    status, body = cis.api("DELETE", "/healthz")
    assert status == 405


def test_organizer_notification_is_delivered_through_the_same_path(cis):
    cis.create_event(summary="Notified")
    notes = cis.wait_for(lambda: [m for m in cis.sandbox() if m["kind"] == "notification"],
                         what="the notification")
    assert notes[0]["subject"] == "[CIS] Created: Notified" and notes[0]["to"] == "org@example.org"


def test_sandbox_listing_filters_by_kind_and_recipient(cis):
    """Among many captured messages, one is found by its kind or its recipient (any case)."""
    event = cis.create_event(uid="u-sandbox-filter")
    for who in ("ann", "bob", "cy"):
        assert cis.api("POST", f"/event/{event['id']}/invite", cis.admin_key,
                       {"email": f"{who}@example.org"})[0] == 202
    cis.wait_for(lambda: len([m for m in cis.sandbox() if m["kind"] == "invite"]) == 3,
                 what="three invitations in the sandbox")
    status, body = cis.api("GET", "/sandbox/messages?rcpt=BOB@Example.org", cis.admin_key)
    assert status == 200 and len(body["messages"]) == 1 and "bob@example.org" in body["messages"][0]["to"]
    status, body = cis.api("GET", "/sandbox/messages?kind=invite", cis.admin_key)
    assert {m["kind"] for m in body["messages"]} == {"invite"} and len(body["messages"]) == 3
    status, body = cis.api("GET", "/sandbox/messages?kind=notification", cis.admin_key)
    assert status == 200 and all(m["kind"] == "notification" for m in body["messages"])
