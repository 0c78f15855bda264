"""Double opt-in of page sends (SPEC §5 "optional confirmation") through the real `cis
serve`: on a page with `confirm`, POST /p/{id}/send sends no invitation but mails the
address a link; GET /confirm/{token} (a link scanner's fetch) changes nothing; POST sends
the events still on the page, once; expired, unknown and cross-site confirmations send
nothing; a suppressed address gets the same answer and no mail."""
import re
import sqlite3
import time
from email import message_from_string
from email.policy import default as email_policy

from test_public_pages import (ORG, allow_landing_url, add_page, attendees, cis,  # noqa: F401
                               fetch, import_games, invitations_queued, post_without_following,
                               send, start)

LINK = re.compile(r"https://cis\.test(/confirm/[A-Za-z0-9_-]{20,})")


def confirmations(cis, rcpt):
    """The confirmation messages queued for `rcpt`, parsed: (subject, text, path of the link)."""
    out = []
    for m in cis.outbox():
        if m["kind"] != "confirmation" or m["rcpt"] != rcpt:
            continue
        msg = message_from_string(m["message"], policy=email_policy)
        text = msg.get_content()
        out.append((str(msg["Subject"]), text, LINK.search(text).group(1)))
    return out


def confirm(cis, path, origin="https://cis.test"):
    return fetch(cis, "POST", path, b"", {"Origin": origin} if origin else None)


def test_nothing_is_sent_until_the_address_confirms(cis):
    ids = import_games(cis)
    path = add_page(cis, "conf", "schedule", title="Lions", confirm=1)
    status, html, _ = send(cis, path, "Fan@Example.NET", [ids["g-1"], ids["g-2"]])
    assert status == 200 and '<main id="check-inbox">' in html, html
    assert "fan@example.net" in html and "within 24 hours" in html
    assert invitations_queued(cis) == 0 and attendees(cis, ids["g-1"]) == []

    [(subject, text, link)] = confirmations(cis, "fan@example.net")
    assert subject == "Confirm your 2 invitations"
    assert "Lions vs Tigers" in text and "Bears vs Wolves" in text
    assert "nothing is sent without your confirmation" in text

    # A link scanner fetches the link: it sees the button, nothing happens.
    for _ in range(2):
        status, html, headers = fetch(cis, "GET", link)
        assert status == 200 and '<main id="confirm">' in html
        assert f'<form method="post" action="{link}">' in html and 'id="confirm-send"' in html
        assert "unsafe-inline" not in headers["content-security-policy"]
    status, html, _ = confirm(cis, link, origin="https://evil.example")
    assert status == 403
    assert invitations_queued(cis) == 0

    status, html, _ = confirm(cis, link)
    assert status == 200 and '<main id="result">' in html
    assert html.count('class="outcome sent"') == 2
    for uid in ("g-1", "g-2"):
        [a] = attendees(cis, ids[uid])
        assert a["email"] == "fan@example.net" and a["origin"] == "schedule"
    assert invitations_queued(cis) == 2

    # Confirming again sends nothing new.
    status, html, _ = confirm(cis, link)
    assert status == 200 and html.count('class="outcome already-invited"') == 2
    assert invitations_queued(cis) == 2
    with sqlite3.connect(f"{cis.data_dir}/cis.sqlite3") as db:
        [(confirmed_at,)] = db.execute("SELECT confirmed_at FROM page_confirmations").fetchall()
    assert confirmed_at is not None


def test_expired_unknown_and_removed_links_send_nothing(cis):
    ids = import_games(cis)
    path = add_page(cis, "conf", "landing", event_id=ids["g-3"], confirm=1)
    send(cis, path, "late@example.org", [ids["g-3"]])
    [(subject, _, link)] = confirmations(cis, "late@example.org")
    assert subject == "Confirm your invitation: Hawks vs Owls"
    with sqlite3.connect(f"{cis.data_dir}/cis.sqlite3") as db:
        db.execute("UPDATE page_confirmations SET expires_at = ?", (int(time.time()) - 1,))
    for method in ("GET", "POST"):
        status, html, _ = fetch(cis, method, link, b"" if method == "POST" else None)
        assert status == 410 and "expired" in html
    status, html, _ = fetch(cis, "GET", "/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert status == 404 and "Link not found" in html

    send(cis, path, "removed@example.org", [ids["g-3"]])
    [(_, _, link)] = confirmations(cis, "removed@example.org")
    with sqlite3.connect(f"{cis.data_dir}/cis.sqlite3") as db:
        db.execute("DELETE FROM pages WHERE id = 'conf'")
    status, html, _ = confirm(cis, link)
    assert status == 404 and "no longer exists" in html
    assert invitations_queued(cis) == 0


def test_events_that_left_the_page_are_shown_and_not_sent(cis):
    ids = import_games(cis)
    path = add_page(cis, "conf", "schedule", confirm=1, redirect_url="https://club.example/thanks")
    allow_landing_url(cis, ORG, "https://club.example/")
    send(cis, path, "fan@example.org", [ids["g-1"], ids["g-2"]])
    [(_, _, link)] = confirmations(cis, "fan@example.org")
    # The organizer narrows the page to the Lions: the Bears' game is off it now.
    with sqlite3.connect(f"{cis.data_dir}/cis.sqlite3") as db:
        db.execute("UPDATE pages SET filter = 'Lions' WHERE id = 'conf'")
    status, html, _ = fetch(cis, "GET", link)
    assert status == 200 and html.count('class="outcome unavailable"') == 1
    assert "Bears vs Wolves" in html and "Send me the invitation</button>" in html
    # Not every event went: the result page, not the redirect.
    status, location, body = post_without_following(cis, link, {})
    assert status == 200 and location is None
    assert body.count('class="outcome sent"') == 1 and body.count("no longer available") == 1
    assert len(attendees(cis, ids["g-1"])) == 1 and attendees(cis, ids["g-2"]) == []


def test_a_full_confirmation_goes_on_to_the_redirect(cis):
    ids = import_games(cis)
    path = add_page(cis, "conf", "schedule", confirm=1, redirect_url="https://club.example/thanks")
    allow_landing_url(cis, ORG, "https://club.example/")
    send(cis, path, "fan@example.org", [ids["g-1"]])
    [(_, _, link)] = confirmations(cis, "fan@example.org")
    status, _, headers = fetch(cis, "GET", link)
    assert "form-action 'self' https://club.example;" in headers["content-security-policy"]
    status, location, _ = post_without_following(cis, link, {})
    assert status == 303 and location == "https://club.example/thanks"
    assert len(attendees(cis, ids["g-1"])) == 1


def test_a_suppressed_address_gets_the_same_answer_and_no_mail(cis):
    ids = import_games(cis)
    path = add_page(cis, "conf", "schedule", confirm=1)
    status, body = cis.api("POST", "/suppressions", cis.admin_key,
                           {"email": "gone@example.org", "organizer": ORG, "reason": "unsubscribed"})
    assert status == 201, body
    status, html, _ = send(cis, path, "gone@example.org", [ids["g-1"]])
    assert status == 200 and '<main id="check-inbox">' in html
    assert confirmations(cis, "gone@example.org") == [] and invitations_queued(cis) == 0


def test_asking_counts_against_the_recipient_limit(tmp_path):
    server = start(tmp_path, CIS_PAGES_RECIPIENT_LIMIT="2")
    try:
        ids = import_games(server)
        path = add_page(server, "conf", "schedule", confirm=1)
        for uid in ("g-1", "g-2"):
            assert send(server, path, "target@example.org", [ids[uid]])[0] == 200
        status, html, headers = send(server, path, "target@example.org", [ids["g-3"]])
        assert status == 429 and int(headers["retry-after"]) > 0
        assert len(confirmations(server, "target@example.org")) == 2
    finally:
        server.stop()
