"""Page configurations over the API (issue 6): create, list, show, change and delete with
every key role; every branding field refused with a specific error when it could break out of
the page; removing an organizer removes its pages. Against a real `cis serve`."""
import re

import pytest

ORG = "org@example.org"
RIVAL = "rival@example.org"


def key(cis, *args):
    return cis.cli("key", "create", *args).stdout.decode().strip().splitlines()[-1]


@pytest.fixture
def keys(cis):
    cis.add_organizer(ORG)
    cis.add_organizer(RIVAL)
    cis.add_organizer("coach@other.example")
    return {"admin": cis.admin_key,
            "domain": key(cis, "--role", "domain", "--domain", "example.org"),
            "other_domain": key(cis, "--role", "domain", "--domain", "other.example"),
            "org": key(cis, "--role", "organizer", "--organizer", ORG),
            "rival": key(cis, "--role", "organizer", "--organizer", RIVAL)}


def test_create_show_change_delete(cis, keys):
    status, page = cis.api("POST", "/pages", keys["org"], {
        "kind": "schedule", "title": "Saison 2027 — U12 ⚽", "accent": "#1F6FEB",
        "logo_url": "https://club.example/logo.png", "filter": "U12",
        "background_url": "https://cdn.club.example/bg.jpg?w=1200&h=800"})
    assert status == 201, page
    assert re.fullmatch(r"[A-Za-z0-9_-]{8,22}", page["id"])
    assert page["organizer"] == ORG and page["kind"] == "schedule" and page["event_id"] is None
    assert page["title"] == "Saison 2027 — U12 ⚽" and page["accent"] == "#1f6feb"
    assert page["url"] == f"https://cis.test/p/{page['id']}"
    assert page["feed_url"] == f"https://cis.test/p/{page['id']}/feed.ics"
    assert page["webcal_url"] == f"webcal://cis.test/p/{page['id']}/feed.ics"
    assert page["confirm"] is False, "sends go out at once unless the page asks for confirmation"
    status, shown = cis.api("GET", f"/pages/{page['id']}", keys["org"])
    assert status == 200 and shown == page
    status, changed = cis.api("PATCH", f"/pages/{page['id']}", keys["org"],
                              {"title": "Season 2027", "logo_url": None, "accent": "#abc"})
    assert status == 200, changed
    assert changed["title"] == "Season 2027" and changed["logo_url"] == "" and changed["accent"] == "#abc"
    assert changed["filter"] == "U12" and changed["background_url"] == page["background_url"]
    status, changed = cis.api("PATCH", f"/pages/{page['id']}", keys["org"], {"confirm": True})
    assert status == 200 and changed["confirm"] is True and changed["title"] == "Season 2027"
    status, removed = cis.api("DELETE", f"/pages/{page['id']}", keys["org"])
    assert status == 200 and removed["removed"]["id"] == page["id"]
    assert cis.api("GET", f"/pages/{page['id']}", keys["org"])[0] == 404
    assert cis.api("DELETE", f"/pages/{page['id']}", keys["org"])[0] == 404
    assert cis.api("PATCH", f"/pages/{page['id']}", keys["org"], {"title": "x"})[0] == 404


def test_landing_page_needs_an_event_of_its_organizer(cis, keys):
    event = cis.create_event(uid="u-landing", organizer=ORG, summary="Cup final")
    rival_event = cis.create_event(uid="u-rival", organizer=RIVAL)
    status, body = cis.api("POST", "/pages", keys["org"], {"kind": "landing"})
    assert status == 422 and body["error"]["code"] == "invalid_event_id"
    status, body = cis.api("POST", "/pages", keys["org"],
                           {"kind": "landing", "event_id": rival_event["id"]})
    assert status == 422 and body["error"]["code"] == "event_not_found"
    status, page = cis.api("POST", "/pages", keys["org"], {"kind": "landing", "event_id": event["id"]})
    assert status == 201 and page["event_id"] == event["id"]
    # Another kind carries no event.
    status, page = cis.api("PATCH", f"/pages/{page['id']}", keys["org"], {"kind": "upcoming"})
    assert status == 200 and page["kind"] == "upcoming" and page["event_id"] is None


def test_every_role(cis, keys):
    # admin and domain keys name the organizer; an organizer key's pages are its own.
    made = {}
    for name, organizer, expected in [
            ("admin", "coach@other.example", 201), ("domain", ORG, 201), ("org", None, 201),
            ("rival", None, 201), ("domain", "coach@other.example", 403),
            ("org", RIVAL, 403), ("other_domain", ORG, 403), ("admin", None, 422),
            ("admin", "nobody@example.org", 404), ("admin", "not an address", 422)]:
        body = {"kind": "upcoming"}
        if organizer:
            body["organizer"] = organizer
        status, page = cis.api("POST", "/pages", keys[name], body)
        assert status == expected, (name, organizer, page)
        if status == 201:
            made.setdefault(page["organizer"], []).append(page["id"])
    assert cis.api("POST", "/pages", None, {"kind": "upcoming"})[0] == 401

    def listed(k, query=""):
        status, body = cis.api("GET", f"/pages{query}", keys[k])
        assert status == 200, body
        return sorted(p["id"] for p in body["pages"])

    assert listed("admin") == sorted(sum(made.values(), []))
    assert listed("domain") == sorted(made[ORG] + made[RIVAL])
    assert listed("other_domain") == sorted(made["coach@other.example"])
    assert listed("org") == sorted(made[ORG])
    assert listed("admin", f"?organizer={RIVAL}") == made[RIVAL]
    assert cis.api("GET", f"/pages?organizer={RIVAL}", keys["org"])[0] == 403
    assert cis.api("GET", "/pages?organizer=x", keys["admin"])[0] == 422
    rival_page = made[RIVAL][0]
    for name, expected in [("admin", 200), ("domain", 200), ("rival", 200), ("org", 403),
                           ("other_domain", 403)]:
        assert cis.api("GET", f"/pages/{rival_page}", keys[name])[0] == expected, name
        assert cis.api("PATCH", f"/pages/{rival_page}", keys[name], {"title": name})[0] == expected
    assert cis.api("DELETE", f"/pages/{rival_page}", keys["org"])[0] == 403
    assert cis.api("DELETE", f"/pages/{rival_page}", keys["domain"])[0] == 200
    status, body = cis.api("PATCH", f"/pages/{made[ORG][0]}", keys["admin"], {"organizer": RIVAL})
    assert status == 422 and body["error"]["code"] == "invalid_organizer"


def test_cursor_paging(cis, keys):
    ids = sorted(cis.api("POST", "/pages", keys["org"], {"kind": "upcoming"})[1]["id"] for _ in range(5))
    seen, cursor = [], ""
    while True:
        status, body = cis.api("GET", f"/pages?limit=2{cursor}", keys["org"])
        assert status == 200 and len(body["pages"]) <= 2
        seen += [p["id"] for p in body["pages"]]
        if not body["next_cursor"]:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert seen == ids
    assert cis.api("GET", "/pages?cursor=zz", keys["org"])[0] == 400
    assert cis.api("GET", "/pages?limit=0", keys["org"])[0] == 400


@pytest.mark.parametrize("field,value,code", [
    ("kind", "calendar", "invalid_kind"),
    ("kind", None, "invalid_kind"),
    ("title", "x" * 201, "invalid_title"),
    ("title", "two\nlines", "invalid_title"),
    ("title", 7, "invalid_title"),
    ("filter", "y" * 201, "invalid_filter"),
    ("accent", "red", "invalid_accent"),
    ("accent", "#12345", "invalid_accent"),
    ("accent", "#12345g", "invalid_accent"),
    ("accent", "#fff;background:url(x)", "invalid_accent"),
    ("logo_url", "javascript:alert(1)", "invalid_logo_url"),
    ("logo_url", "https://club.example/a b.png", "invalid_logo_url"),
    ("logo_url", "https://club.example/a\".png", "invalid_logo_url"),
    ("logo_url", "https://club.example/a'.png", "invalid_logo_url"),
    ("logo_url", "https://club.example/a).png", "invalid_logo_url"),
    ("logo_url", "https://club.example/a\\b.png", "invalid_logo_url"),
    ("logo_url", "https://club.example/<x>.png", "invalid_logo_url"),
    ("logo_url", "https://club.example/\u0007.png", "invalid_logo_url"),
    ("logo_url", "https:///x.png", "invalid_logo_url"),
    ("background_url", "https://club.example/" + "b" * 2000, "invalid_background_url"),
    ("background_url", "data:image/png;base64,AAAA", "invalid_background_url"),
    ("redirect_url", "https://evil.example/", "redirect_url_not_allowed"),
    ("redirect_url", "ftp://club.example/", "invalid_redirect_url"),
    ("confirm", "yes", "invalid_confirm"),
    ("confirm", None, "invalid_confirm"),
    ("colour", "red", "unknown_field"),
])
def test_validation_errors(cis, keys, field, value, code):
    body = {"kind": "schedule", field: value}
    status, answer = cis.api("POST", "/pages", keys["org"], body)
    assert status == 422 and answer["error"]["code"] == code, answer
    assert answer["error"]["message"]
    assert cis.api("GET", "/pages", keys["org"])[1]["pages"] == []  # nothing stored


def test_redirect_url_on_the_allow_list(cis, keys):
    status, _ = cis.api("PATCH", f"/organizer/{ORG}", keys["org"],
                        {"landing_urls": ["https://club.example/fans"]})
    assert status == 200
    status, page = cis.api("POST", "/pages", keys["org"],
                           {"kind": "upcoming", "redirect_url": "HTTPS://club.example/fans/thanks"})
    assert status == 201 and page["redirect_url"] == "https://club.example/fans/thanks"
    status, body = cis.api("PATCH", f"/pages/{page['id']}", keys["org"],
                           {"redirect_url": "https://club.example/fansite"})
    assert status == 422 and body["error"]["code"] == "redirect_url_not_allowed"
    assert cis.api("GET", f"/pages/{page['id']}", keys["org"])[1]["redirect_url"] == page["redirect_url"]


def test_removing_the_organizer_removes_its_pages(cis, keys):
    mine = cis.api("POST", "/pages", keys["admin"], {"kind": "upcoming", "organizer": RIVAL})[1]
    kept = cis.api("POST", "/pages", keys["admin"], {"kind": "upcoming", "organizer": ORG})[1]
    status, body = cis.api("DELETE", f"/organizer/{RIVAL}", keys["admin"])
    assert status == 200, body
    assert cis.api("GET", f"/pages/{mine['id']}", keys["admin"])[0] == 404
    assert [p["id"] for p in cis.api("GET", "/pages", keys["admin"])[1]["pages"]] == [kept["id"]]
