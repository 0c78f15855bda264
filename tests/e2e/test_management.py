"""Management of organizers, allowed organizer domains and API keys over HTTP, with every
key role, allowed and refused: admin, the domain key of the organizer's domain, a domain
key of another domain, the organizer's key, another organizer's key, no key, a revoked
key. No key can escalate (make, see or revoke a stronger or foreign key)."""
import pytest

from cis_harness import Cis

ROLES = ("admin", "domain", "other_domain", "org", "other_org", "none", "revoked")


@pytest.fixture
def world(tmp_path):
    cis = Cis(tmp_path / "data", CIS_INBOUND_REQUIRE_DKIM="false",
              CIS_INBOUND_ACCEPT_PAST_EVENTS="true").start()
    try:
        event = cis.create_event(uid="u-1", organizer="org@example.org")
        cis.add_organizer("rival@example.org")
        cis.add_organizer("coach@other.example")
        keys = {"admin": cis.admin_key, "none": None,
                "domain": new_key(cis, "--role", "domain", "--domain", "example.org"),
                "other_domain": new_key(cis, "--role", "domain", "--domain", "other.example"),
                "org": new_key(cis, "--role", "organizer", "--organizer", "org@example.org"),
                "other_org": new_key(cis, "--role", "organizer", "--organizer", "rival@example.org"),
                "revoked": new_key(cis, "--role", "admin", "--label", "old")}
        cis.cli("key", "revoke", keys["revoked"])
        yield cis, keys, event
    finally:
        cis.stop()


def new_key(cis, *args):
    return cis.cli("key", "create", *args).stdout.decode().strip().splitlines()[-1]


def key_id(key):
    return key.split("_")[1]


def expect(cis, keys, method, path, body, expected):
    """Calls with every role, in the order of ROLES (admin first, so a repeated write then
    meets the first one's result); `expected` maps role → status (none and revoked: 401)."""
    expected = {"none": 401, "revoked": 401, **expected}
    got = {}
    for role in ROLES:
        target = path(role) if callable(path) else path
        payload = body(role) if callable(body) else body
        status, answer = cis.api(method, target, keys[role], payload)
        got[role] = status
        if status >= 400:
            assert set(answer) == {"error"} and answer["error"]["message"], answer
    assert got == expected, f"{method} {path if isinstance(path, str) else path('…')}"


def test_create_organizer(world):
    cis, keys, _ = world
    expect(cis, keys, "POST", "/organizers", lambda r: {"email": f"new-{r}@example.org"},
           {"admin": 201, "domain": 201, "other_domain": 403, "org": 403, "other_org": 403})
    status, body = cis.api("POST", "/organizers", keys["other_domain"],
                           {"email": "trainer@other.example", "trust": "secret", "secret": "s3cret-x"})
    assert status == 201 and body["secret_address"] == "create+s3cret-x@cis.test"
    assert body["trust"] == "secret" and body["has_secret"] and body["events"] == 0
    # What the CLI sees is what the API stored.
    listed = {o["email"]: o for o in cis.json("organizer", "list")["organizers"]}
    assert "new-admin@example.org" in listed and "new-org@example.org" not in listed
    assert listed["trainer@other.example"]["trust"] == "secret"


def test_list_organizers_is_scoped_and_paged(world):
    cis, keys, _ = world
    expect(cis, keys, "GET", "/organizers", None,
           {"admin": 200, "domain": 200, "other_domain": 200, "org": 200, "other_org": 200})

    def emails(role, **q):
        query = "&".join(f"{k}={v}" for k, v in q.items())
        return [o["email"] for o in cis.api("GET", f"/organizers?{query}", keys[role])[1]["organizers"]]
    assert emails("admin") == ["coach@other.example", "org@example.org", "rival@example.org"]
    assert emails("domain") == ["org@example.org", "rival@example.org"]
    assert emails("other_domain") == ["coach@other.example"]
    assert emails("org") == ["org@example.org"]
    # Paging: one at a time, the cursor of each page leads to the next, the last has none.
    for i in range(30):
        cis.api("POST", "/organizers", keys["admin"], {"email": f"p{i:02}+x@example.org"})
    seen, cursor = [], None
    while True:
        status, page = cis.api("GET", "/organizers?limit=7" + (f"&cursor={cursor}" if cursor else ""),
                               keys["domain"])
        assert status == 200 and len(page["organizers"]) <= 7
        seen += [o["email"] for o in page["organizers"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 32


def test_show_and_change_organizer(world):
    cis, keys, _ = world
    expect(cis, keys, "GET", "/organizer/org@example.org", None,
           {"admin": 200, "domain": 200, "other_domain": 403, "org": 200, "other_org": 403})
    expect(cis, keys, "PATCH", "/organizer/org@example.org", lambda r: {"name": f"named by {r}"},
           {"admin": 200, "domain": 200, "other_domain": 403, "org": 200, "other_org": 403})
    status, body = cis.api("GET", "/organizer/org@example.org", keys["org"])
    assert body["name"] == "named by org" and body["events"] == 1 and body["active_keys"] == 1
    # The organizer's own key may rotate its secret and set approval, not its policy.
    status, body = cis.api("PATCH", "/organizer/org@example.org", keys["org"],
                           {"rotate_secret": True, "approval": True})
    assert status == 200 and body["approval"] is True
    assert body["secret_address"].startswith("create+") and body["has_secret"]
    for field, value in (("trust", "none"), ("event_limit", 0)):
        status, body = cis.api("PATCH", "/organizer/org@example.org", keys["org"], {field: value})
        assert status == 403 and f'"{field}"' in body["error"]["message"]
    status, body = cis.api("PATCH", "/organizer/org@example.org", keys["domain"],
                           {"trust": "dkim", "event_limit": 5, "approval": None})
    assert status == 200 and (body["trust"], body["event_limit"], body["approval"]) == ("dkim", 5, None)
    status, body = cis.api("PATCH", "/organizer/org@example.org", keys["domain"], {"trust": "both", "secret": None})
    assert status == 422 and "needs a secret" in body["error"]["message"]
    status, body = cis.api("PATCH", "/organizer/org@example.org", keys["domain"], {"event_limit": -1})
    assert status == 422 and body["error"]["code"] == "invalid_event_limit"
    status, body = cis.api("PATCH", "/organizer/not-an-address", keys["admin"], {"name": "x"})
    assert status == 422 and body["error"]["code"] == "invalid_organizer"


def test_remove_organizer_keeps_events_and_revokes_keys(world):
    cis, keys, event = world
    for role in ROLES:
        cis.api("POST", "/organizers", keys["admin"], {"email": f"gone-{role}@example.org"})
    expect(cis, keys, "DELETE", lambda r: f"/organizer/gone-{r}@example.org", None,
           {"admin": 200, "domain": 200, "other_domain": 403, "org": 403, "other_org": 403})
    # The organizer's own key may not remove it either.
    status, _ = cis.api("DELETE", "/organizer/org@example.org", keys["org"])
    assert status == 403
    # Not while it has events, unless asked explicitly; then its events stay, its keys go.
    status, body = cis.api("DELETE", "/organizer/org@example.org", keys["domain"])
    assert status == 409 and body["error"]["code"] == "organizer_has_events"
    assert "keep_events=true" in body["error"]["message"]
    assert cis.api("GET", "/organizer/org@example.org", keys["admin"])[0] == 200
    status, body = cis.api("DELETE", "/organizer/org@example.org?keep_events=true", keys["domain"])
    assert status == 200 and body["events_kept"] == 1 and body["revoked_keys"] == [key_id(keys["org"])]
    assert cis.api("GET", "/organizer/org@example.org", keys["admin"])[0] == 404
    assert cis.api("GET", "/organizers", keys["org"])[0] == 401, "its key was revoked with it"
    assert cis.api("GET", f"/event/{event['id']}/changes", keys["domain"])[0] == 200, "its event is kept"
    assert cis.event(event["id"])["organizer"] == "org@example.org"


def test_allowed_organizer_domains(world):
    cis, keys, _ = world
    expect(cis, keys, "POST", "/organizer-domains", {"domain": "example.org"},
           {"admin": 201, "domain": 200, "other_domain": 403, "org": 403, "other_org": 403})
    status, body = cis.api("POST", "/organizer-domains", keys["other_domain"], {"domain": "Other.Example"})
    assert status == 201 and body["domain"] == "other.example"
    expect(cis, keys, "GET", "/organizer-domains", None,
           {"admin": 200, "domain": 200, "other_domain": 200, "org": 403, "other_org": 403})
    assert [d["domain"] for d in cis.api("GET", "/organizer-domains", keys["admin"])[1]["domains"]] == \
        ["example.org", "other.example"]
    assert [d["domain"] for d in cis.api("GET", "/organizer-domains", keys["domain"])[1]["domains"]] == \
        ["example.org"]
    expect(cis, keys, "DELETE", "/organizer-domains/example.org", None,
           {"admin": 200, "domain": 404, "other_domain": 403, "org": 403, "other_org": 403})
    status, body = cis.api("POST", "/organizer-domains", keys["admin"], {"domain": "nodot"})
    assert status == 422 and body["error"]["code"] == "invalid_domain"


def test_create_keys_without_escalation(world):
    cis, keys, _ = world
    org_key = {"role": "organizer", "organizer": "org@example.org", "label": "console"}
    expect(cis, keys, "POST", "/keys", org_key,
           {"admin": 201, "domain": 201, "other_domain": 403, "org": 201, "other_org": 403})
    status, body = cis.api("POST", "/keys", keys["org"], org_key)
    assert status == 201 and body["key"].startswith(f"cis_{body['id']}_")
    assert (body["role"], body["organizer"], body["label"], body["revoked_at"]) == \
        ("organizer", "org@example.org", "console", None)
    # The new key works, for its organizer only.
    assert cis.api("GET", "/organizer/org@example.org", body["key"])[0] == 200
    assert cis.api("GET", "/organizer/rival@example.org", body["key"])[0] == 403
    for role, request in (("domain", {"role": "admin"}),
                          ("domain", {"role": "domain", "domain": "example.org"}),
                          ("domain", {"role": "organizer", "organizer": "coach@other.example"}),
                          ("org", {"role": "admin"}),
                          ("org", {"role": "domain", "domain": "example.org"}),
                          ("org", {"role": "organizer", "organizer": "rival@example.org"})):
        status, answer = cis.api("POST", "/keys", keys[role], request)
        assert status == 403, (role, request, answer)
    status, body = cis.api("POST", "/keys", keys["admin"], {"role": "domain", "domain": "club.example"})
    assert status == 201 and body["domain"] == "club.example"
    for request, code in (({"role": "organizer"}, "invalid_organizer"), ({"role": "domain"}, "invalid_domain"),
                          ({"role": "root"}, "invalid_role"), ({"role": "admin", "label": 3}, "invalid_label"),
                          ({"role": "admin", "label": "a\nb"}, "invalid_label")):
        status, body = cis.api("POST", "/keys", keys["admin"], request)
        assert status == 422 and body["error"]["code"] == code, (request, body)


def test_list_and_show_keys_is_scoped_and_never_secret(world):
    cis, keys, _ = world
    expect(cis, keys, "GET", "/keys", None,
           {"admin": 200, "domain": 200, "other_domain": 200, "org": 200, "other_org": 200})

    def ids(role, query=""):
        status, body = cis.api("GET", f"/keys{query}", keys[role])
        assert status == 200
        for k in body["keys"]:
            assert "hash" not in k and "key" not in k
        return {k["id"] for k in body["keys"]}
    every = {key_id(k) for k in keys.values() if k}
    assert ids("admin") == every
    assert ids("admin", "?revoked=false") == every - {key_id(keys["revoked"])}
    assert ids("domain") == {key_id(keys["org"]), key_id(keys["other_org"])}
    assert ids("other_domain") == set()
    assert ids("org") == {key_id(keys["org"])}
    assert ids("domain", "?organizer=rival@example.org") == {key_id(keys["other_org"])}
    assert cis.api("GET", "/keys?organizer=rival@example.org", keys["org"])[0] == 403
    # Paging by cursor visits every key once.
    seen, cursor = [], ""
    while cursor is not None:
        body = cis.api("GET", f"/keys?limit=2&cursor={cursor}", keys["admin"])[1]
        seen += [k["id"] for k in body["keys"]]
        cursor = body["next_cursor"]
    assert sorted(seen) == seen and set(seen) == every and len(seen) == len(every)

    target = key_id(keys["org"])
    expect(cis, keys, "GET", f"/keys/{target}", None,
           {"admin": 200, "domain": 200, "other_domain": 403, "org": 200, "other_org": 403})
    assert cis.api("GET", f"/keys/{key_id(keys['domain'])}", keys["domain"])[0] == 403
    assert cis.api("GET", f"/keys/{key_id(keys['admin'])}", keys["org"])[0] == 403


def test_revoke_keys(world):
    cis, keys, _ = world
    targets = {}
    for role in ROLES:
        body = cis.api("POST", "/keys", keys["admin"],
                       {"role": "organizer", "organizer": "org@example.org", "label": role})[1]
        targets[role] = body
    expect(cis, keys, "DELETE", lambda r: f"/keys/{targets[r]['id']}", None,
           {"admin": 200, "domain": 200, "other_domain": 403, "org": 200, "other_org": 403})
    assert cis.api("GET", "/organizers", targets["admin"]["key"])[0] == 401, "a revoked key stops working"
    assert cis.api("GET", "/organizers", targets["other_org"]["key"])[0] == 200, \
        "a refused revocation changes nothing"
    status, body = cis.api("DELETE", f"/keys/{targets['admin']['id']}", keys["admin"])
    assert status == 409 and body["error"]["code"] == "key_revoked"
    assert cis.api("DELETE", f"/keys/{key_id(keys['admin'])}", keys["domain"])[0] == 403
    assert cis.api("DELETE", f"/keys/{key_id(keys['domain'])}", keys["org"])[0] == 403
    assert cis.api("DELETE", "/keys/unknown", keys["admin"])[0] == 404
    # A key may revoke itself; `cis key list` shows what the API did.
    assert cis.api("DELETE", f"/keys/{key_id(keys['org'])}", keys["org"])[0] == 200
    listed = {k["id"]: k for k in cis.json("key", "list")["keys"]}
    assert listed[key_id(keys["org"])]["revoked_at"] is not None
    assert listed[targets["other_org"]["id"]]["revoked_at"] is None


def test_concurrent_changes_of_different_fields_both_stay(world):
    """Each PATCH applies its fields to the record as it is in its own write transaction."""
    from concurrent.futures import ThreadPoolExecutor
    cis, keys, _ = world
    with ThreadPoolExecutor(8) as pool:
        for i in range(10):
            calls = [pool.submit(cis.api, "PATCH", "/organizer/rival@example.org", keys["domain"], body)
                     for body in ({"name": f"Rival {i}"}, {"event_limit": i + 1})]
            assert [c.result()[0] for c in calls] == [200, 200]
            body = cis.api("GET", "/organizer/rival@example.org", keys["domain"])[1]
            assert (body["name"], body["event_limit"]) == (f"Rival {i}", i + 1)
