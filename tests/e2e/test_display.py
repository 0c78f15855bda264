"""Display and statistics calls (SPEC §4, calls 1–6 and 9) on a real `cis serve`: every
call with every key role, masking of attendees, paging through a few hundred events with
filters, and statistics that equal a recount of the rows after a concurrent burst."""
import base64
import smtplib
import sqlite3
import threading

import pytest

from cis_harness import DOMAIN, make_invite

ALICE, BOB = "alice@club.example", "bob@other.example"


def make_key(cis, *args):
    return cis.cli("key", "create", *args).stdout.decode().strip().splitlines()[-1]


@pytest.fixture
def world(cis):
    """Two organizers in two domains, their events, and a key of every kind."""
    alice_event = cis.create_event(uid="u-alice", organizer=ALICE)
    cis.create_event(uid="u-alice-2", organizer=ALICE)
    bob_event = cis.create_event(uid="u-bob", organizer=BOB)
    revoked = make_key(cis, "--role", "organizer", "--organizer", ALICE)
    cis.cli("key", "revoke", "--", revoked.split("_")[1])  # ids may start with "-"
    keys = {
        "admin": cis.admin_key,
        "domain": make_key(cis, "--role", "domain", "--domain", "club.example"),
        "other_domain": make_key(cis, "--role", "domain", "--domain", "other.example"),
        "organizer": make_key(cis, "--role", "organizer", "--organizer", ALICE),
        "other_organizer": make_key(cis, "--role", "organizer", "--organizer", BOB),
        "none": None,
        "revoked": revoked,
    }
    return {"alice": alice_event["id"], "bob": bob_event["id"], "keys": keys}


ADMIN_ONLY = {"admin": 200, "domain": 403, "other_domain": 403, "organizer": 403,
              "other_organizer": 403, "none": 401, "revoked": 401}
ALICES = {"admin": 200, "domain": 200, "other_domain": 403, "organizer": 200,
          "other_organizer": 403, "none": 401, "revoked": 401}


@pytest.mark.parametrize("path,expected", [
    ("/system/events", ADMIN_ONLY),
    ("/system/statistics", ADMIN_ONLY),
    (f"/organizer/{ALICE}/events", ALICES),
    (f"/organizer/{ALICE}/statistics", ALICES),
    ("/event/{alice}", ALICES),
    ("/event/{alice}/statistics", ALICES),
    ("/event/{alice}/attendees", ALICES),
])
def test_every_call_with_every_key_role(cis, world, path, expected):
    path = path.format(alice=world["alice"])
    for role, key in world["keys"].items():
        status, body = cis.api("GET", path, key)
        assert status == expected[role], (role, path, body)
        if status != 200:
            assert body["error"]["code"] in ("forbidden", "unauthorized") and body["error"]["message"]


def test_what_each_role_sees(cis, world):
    keys = world["keys"]
    status, body = cis.api("GET", "/system/events", keys["admin"])
    assert {e["organizer"] for e in body["events"]} == {ALICE, BOB}
    status, body = cis.api("GET", f"/organizer/{ALICE}/events", keys["organizer"])
    assert [e["original_uid"] for e in body["events"]] == ["u-alice-2", "u-alice"]  # newest first
    assert body["next_cursor"] is None
    status, event = cis.api("GET", f"/event/{world['alice']}", keys["domain"])
    assert event["summary"] == "Team match" and event["organizer"] == ALICE
    assert event["start_utc"] == "2030-06-01T18:00:00Z" and event["status"] == "confirmed"
    assert event["recurrence"] == {"rrule": None, "rdates": [], "exdates": []}
    assert cis.api("GET", f"/event/{world['bob']}", keys["organizer"])[0] == 403
    assert cis.api("GET", "/event/no-such-event", keys["admin"])[0] == 404
    status, stats = cis.api("GET", f"/organizer/{BOB}/statistics", keys["other_domain"])
    assert status == 200 and stats["events"] == 1 and stats["invited"] == 0


def test_attendees_are_masked_unless_the_organizer_or_an_admin_asks(cis, world):
    keys, event = world["keys"], world["alice"]
    for email, name in (("jonathan@example.com", "Jonathan van Dijk"), ("mia@example.org", "")):
        assert cis.api("POST", f"/event/{event}/invite", keys["admin"], {"email": email, "name": name})[0] == 202
    masked = {"j*******@example.com": "J******* v** D***", "m**@example.org": ""}
    for role in ("admin", "domain", "organizer"):
        status, body = cis.api("GET", f"/event/{event}/attendees", keys[role])
        assert status == 200 and body["masked"] is True
        assert {a["email"]: a["name"] for a in body["attendees"]} == masked
    for role in ("admin", "organizer"):
        status, body = cis.api("GET", f"/event/{event}/attendees?unmasked=true", keys[role])
        assert body["masked"] is False
        assert {a["email"] for a in body["attendees"]} == {"jonathan@example.com", "mia@example.org"}
        assert {"status", "delivery", "origin", "client", "invited_at", "responded_at"} <= set(body["attendees"][0])
    status, body = cis.api("GET", f"/event/{event}/attendees?unmasked=true", keys["domain"])
    assert status == 403 and "masked" in body["error"]["message"]
    # The cursor must not carry an address either.
    status, body = cis.api("GET", f"/event/{event}/attendees?limit=1", keys["domain"])
    cursor = body["next_cursor"]
    assert b"@" not in base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    status, body = cis.api("GET", f"/event/{event}/attendees?limit=1&cursor={cursor}", keys["domain"])
    assert [a["email"] for a in body["attendees"]] == ["m**@example.org"] and body["next_cursor"] is None


@pytest.mark.parametrize("query,message", [
    ("status=open", "status must be one of confirmed, tentative, cancelled"),
    ("from=yesterday", "from must be a date"),
    ("to=2030-13-01", "to must be a date"),
    ("from=2030-06-02&to=2030-06-01", "from must be before to"),
    ("limit=0", "limit must be a number from 1 to 2500"),
    ("limit=ten", "limit must be a number from 1 to 2500"),
    ("cursor=not-a-cursor", "cursor must be the next_cursor"),
    ("q=" + "x" * 201, "q is at most 200 bytes"),
])
def test_bad_filters_are_refused_with_a_specific_message(cis, world, query, message):
    status, body = cis.api("GET", f"/organizer/{ALICE}/events?{query}", cis.admin_key)
    assert status == 400 and message in body["error"]["message"], body
    status, body = cis.api("GET", f"/event/{world['alice']}/attendees?delivery=lost", cis.admin_key)
    assert status == 400 and "delivery must be one of queued, sent, failed, bounced" in body["error"]["message"]
    attendee_cursor = cis.api("GET", f"/event/{world['alice']}/attendees?cursor=" +
                              base64.urlsafe_b64encode(b"events:1").decode().rstrip("="), cis.admin_key)
    assert attendee_cursor[0] == 400, "a cursor of another listing is refused"


def test_paging_through_hundreds_of_events_with_filters(cis):
    cis.add_organizer(ALICE)
    made = []  # (uid, day, summary, status) in creation order
    with smtplib.SMTP("127.0.0.1", cis.smtp_port, timeout=60) as s:
        for k in range(320):
            day = 1 + k % 28
            summary = "Cup final" if k % 4 == 0 else "League match"
            extra = "STATUS:TENTATIVE" if k % 5 == 0 else ""
            raw = make_invite(f"season-{k}", ALICE, summary=summary, start=f"203007{day:02d}T180000Z",
                              end=f"203007{day:02d}T200000Z", extra=extra)
            s.sendmail(ALICE, [f"create@{DOMAIN}"], raw)
            made.append((f"season-{k}", day, summary, "tentative" if extra else "confirmed"))

    def walk(query, limit):
        uids, cursor = [], None
        while True:
            path = f"/organizer/{ALICE}/events?limit={limit}&{query}" + (f"&cursor={cursor}" if cursor else "")
            status, body = cis.api("GET", path, cis.admin_key)
            assert status == 200, body
            uids += [e["original_uid"] for e in body["events"]]
            cursor = body["next_cursor"]
            if cursor is None:
                return uids

    newest_first = [m[0] for m in reversed(made)]
    assert walk("", 37) == newest_first
    assert walk("", 2500) == newest_first
    expected = [m[0] for m in reversed(made) if m[2] == "Cup final" and m[3] == "confirmed" and 10 <= m[1] <= 20]
    assert walk("q=cup&status=confirmed&from=2030-07-10&to=2030-07-20", 7) == expected
    expected = [m[0] for m in reversed(made) if m[3] == "tentative" and m[1] < 5]
    assert walk("status=tentative&to=2030-07-05T00:00:00Z", 5) == expected
    assert walk("q=100%25", 10) == []  # a literal %, no wildcard
    _, body = cis.api("GET", "/system/events?limit=5000", cis.admin_key)
    assert len(body["events"]) == 320 and body["next_cursor"] is None


def test_statistics_equal_a_recount_after_a_concurrent_burst(cis, tmp_path):
    events = [cis.create_event(uid=f"u-burst-{k}", organizer=ALICE)["id"] for k in range(2)]
    errors = []
    answered = set()
    stop = threading.Event()

    def inviter(t):
        for n in range(40):
            email = f"guest-{t}-{n}@example.org"
            status, body = cis.api("POST", f"/event/{events[n % 2]}/invite", cis.admin_key,
                                   {"email": email, "origin": ["api", "cta", "csv"][n % 3]})
            if status != 202:
                errors.append(body)

    def replier(t):
        partstats, clients = ["ACCEPTED", "DECLINED", "TENTATIVE"], ["google", "outlook", "apple"]
        while not stop.is_set():
            for m in cis.sandbox():
                if m["kind"] != "invite" or m["id"] % 2 != t or m["id"] in answered:
                    continue
                answered.add(m["id"])
                status, body = cis.api("POST", f"/sandbox/messages/{m['id']}/reply", cis.admin_key,
                                       {"partstat": partstats[m["id"] % 3], "client": clients[m["id"] % 3]})
                if status != 201:
                    errors.append(body)

    inviters = [threading.Thread(target=inviter, args=(t,)) for t in range(4)]
    repliers = [threading.Thread(target=replier, args=(t,)) for t in range(2)]
    for t in inviters + repliers:
        t.start()
    for t in inviters:
        t.join()
    cis.wait_for(lambda: sum(m["kind"] == "invite" for m in cis.sandbox()) == 160, what="160 invitations sent")
    cis.wait_for(lambda: len(answered) == 160, what="an answer to each")
    stop.set()
    for t in repliers:
        t.join()
    assert errors == []
    db = sqlite3.connect(tmp_path / "data" / "cis.sqlite3")
    def recount(where):
        rows = db.execute(f"SELECT i.status, i.delivery, i.origin, i.client FROM invitees i "
                          f"JOIN events e ON e.id = i.event_id {where}").fetchall()
        count = lambda col, value: sum(r[col] == value for r in rows)  # noqa: E731
        return {"invited": len(rows), "delivered": count(1, "sent"), "queued": count(1, "queued"),
                "failed": count(1, "failed"), "bounced": count(1, "bounced"),
                "answers": {"yes": count(0, "yes"), "no": count(0, "no"), "maybe": count(0, "maybe"),
                            "no_answer": count(0, "none")},
                "by_origin": {o: count(2, o) for o in {r[2] for r in rows}},
                "by_client": {c: count(3, c) for c in {r[3] for r in rows} if c}}

    def shown(path):
        status, body = cis.api("GET", path, cis.admin_key)
        assert status == 200, body
        return {k: body[k] for k in ("invited", "delivered", "queued", "failed", "bounced",
                                     "answers", "by_origin", "by_client")}

    for event in events:
        assert shown(f"/event/{event}/statistics") == recount(f"WHERE e.id = '{event}'")
    assert shown(f"/organizer/{ALICE}/statistics") == recount(f"WHERE e.organizer = '{ALICE}'")
    system = shown("/system/statistics")
    assert system == recount("")
    assert system["invited"] == 160 and sum(system["answers"].values()) == 160
    assert system["answers"]["no_answer"] == 0, "every answer landed"
    assert set(system["by_client"]) == {"google", "microsoft", "apple"}
    _, stats = cis.api("GET", f"/event/{events[0]}/statistics", cis.admin_key)
    assert stats["versions"][0]["sequence"] == 0 and stats["versions"][0]["outcome"] == "created"


def test_a_revoke_by_the_cli_stops_a_cached_key_within_seconds(cis, world):
    key = make_key(cis, "--role", "organizer", "--organizer", ALICE)
    assert cis.api("GET", f"/event/{world['alice']}", key)[0] == 200  # now cached
    cis.cli("key", "revoke", "--", key.split("_")[1])
    cis.wait_for(lambda: cis.api("GET", f"/event/{world['alice']}", key)[0] == 401, timeout=5,
                 what="the revoked key to be refused")
