#include "store/migrations.hpp"

namespace cis::store {

namespace {
// Migration 3: the trigger that moves one dimension of invitee_counts when an invitee's
// `column` changes (or the invitee moves to another event). One per column, each firing only
// when its value really changes: an answer that keeps the status, or a retry that keeps the
// delivery state, costs nothing here. The text must never change once shipped.
std::string counter_update_trigger(const std::string& column) {
    const std::string changed =
        "OLD." + column + " IS NOT NEW." + column + " OR OLD.event_id IS NOT NEW.event_id";
    return "CREATE TRIGGER invitee_counts_" + column + " AFTER UPDATE OF " + column +
           ", event_id ON invitees WHEN " + changed +
           " BEGIN UPDATE invitee_counts SET n = n - 1 WHERE event_id = OLD.event_id AND "
           "dimension = '" +
           column + "' AND value = OLD." + column +
           "; INSERT INTO invitee_counts VALUES (NEW.event_id, '" + column + "', NEW." + column +
           ", 1) ON CONFLICT DO UPDATE SET n = n + 1; END;\n";
}
}  // namespace

// Versioned schema. Each entry is applied once, in order, in its own transaction;
// never edit an entry that has shipped — add a new one. The PostgreSQL schema will
// mirror these tables (types aside) so callers never see a difference.
const std::vector<Migration>& sqlite_migrations() {
    static const std::vector<Migration> list = {
        {1, "initial schema: organizers, events, invitees, replies, inbound, outbox, keys",
         R"SQL(
CREATE TABLE organizers (
    email        TEXT PRIMARY KEY,            -- normalised (lower-case) address
    name         TEXT NOT NULL DEFAULT '',
    trust        TEXT NOT NULL DEFAULT 'default' CHECK (trust IN ('default','dkim','secret','both','none')),
    secret       TEXT,                        -- for create+<secret>@ addresses
    event_limit  INTEGER NOT NULL DEFAULT 0,  -- 0 = no limit
    approval     INTEGER,                     -- NULL = installation default
    created_at   INTEGER NOT NULL
);
CREATE TABLE organizer_domains (              -- every address of the domain may organise
    domain       TEXT PRIMARY KEY,
    created_at   INTEGER NOT NULL
);
CREATE TABLE events (
    id                  TEXT PRIMARY KEY,     -- CIS id: opaque, URL-safe, unguessable
    organizer           TEXT NOT NULL,
    original_uid        TEXT NOT NULL,
    recurrence_id       TEXT NOT NULL DEFAULT '',  -- a lone occurrence stored as its own event
    summary             TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL DEFAULT '',
    location            TEXT NOT NULL DEFAULT '',
    start_utc           INTEGER NOT NULL,
    start_local         TEXT NOT NULL,
    end_utc             INTEGER NOT NULL,
    end_local           TEXT NOT NULL,
    timezone            TEXT NOT NULL DEFAULT '',
    vtimezone           TEXT NOT NULL DEFAULT '',
    all_day             INTEGER NOT NULL DEFAULT 0,
    floating            INTEGER NOT NULL DEFAULT 0,
    rrule               TEXT NOT NULL DEFAULT '',
    rdates              TEXT NOT NULL DEFAULT '[]',
    exdates             TEXT NOT NULL DEFAULT '[]',
    last_end_utc        INTEGER,              -- NULL = endless recurrence
    status              TEXT NOT NULL CHECK (status IN ('confirmed','tentative','cancelled')),
    sequence            INTEGER NOT NULL DEFAULT 0,  -- CIS's outbound SEQUENCE
    organizer_sequence  INTEGER NOT NULL DEFAULT 0,
    organizer_dtstamp   INTEGER NOT NULL DEFAULT 0,
    approval            INTEGER,              -- NULL = organizer/installation default
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (organizer, original_uid, recurrence_id)
);
CREATE INDEX events_by_organizer ON events (organizer, start_utc DESC);
CREATE INDEX events_by_uid ON events (original_uid);
CREATE INDEX events_by_start ON events (start_utc);
CREATE TABLE occurrences (                    -- overridden or cancelled instances
    event_id            TEXT NOT NULL REFERENCES events (id),
    recurrence_id       TEXT NOT NULL,
    summary             TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL DEFAULT '',
    location            TEXT NOT NULL DEFAULT '',
    start_utc           INTEGER NOT NULL,
    start_local         TEXT NOT NULL,
    end_utc             INTEGER NOT NULL,
    end_local           TEXT NOT NULL,
    timezone            TEXT NOT NULL DEFAULT '',
    vtimezone           TEXT NOT NULL DEFAULT '',
    all_day             INTEGER NOT NULL DEFAULT 0,
    floating            INTEGER NOT NULL DEFAULT 0,
    status              TEXT NOT NULL,
    organizer_sequence  INTEGER NOT NULL DEFAULT 0,
    organizer_dtstamp   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, recurrence_id)
);
CREATE TABLE event_changes (                  -- every applied version, for audit and fan-out
    id                  INTEGER PRIMARY KEY,
    event_id            TEXT NOT NULL REFERENCES events (id),
    sequence            INTEGER NOT NULL,     -- CIS SEQUENCE after the change
    outcome             TEXT NOT NULL,
    inbound_id          INTEGER,
    approval            TEXT NOT NULL DEFAULT 'none' CHECK (approval IN ('none','pending','approved','rejected')),
    fanout              TEXT NOT NULL DEFAULT 'none' CHECK (fanout IN ('none','pending','running','done','superseded')),
    created_at          INTEGER NOT NULL
);
CREATE INDEX event_changes_by_event ON event_changes (event_id, sequence);
CREATE TABLE invitees (
    id                  INTEGER PRIMARY KEY,
    event_id            TEXT NOT NULL REFERENCES events (id),
    email               TEXT NOT NULL,
    name                TEXT NOT NULL DEFAULT '',
    origin              TEXT NOT NULL,
    forwarded_from      INTEGER REFERENCES invitees (id),
    uid                 TEXT NOT NULL UNIQUE, -- per-recipient iCalendar UID (keyed hash)
    status              TEXT NOT NULL DEFAULT 'none',   -- yes / no / maybe / none
    partstat            TEXT NOT NULL DEFAULT 'NEEDS-ACTION',
    client              TEXT NOT NULL DEFAULT '',
    reply_sequence      INTEGER,
    reply_dtstamp       INTEGER,
    delivery            TEXT NOT NULL DEFAULT 'queued', -- queued / sent / failed / bounced
    last_error          TEXT NOT NULL DEFAULT '',
    invited_at          INTEGER NOT NULL,
    sent_at             INTEGER,
    responded_at        INTEGER,
    UNIQUE (event_id, email)
);
CREATE TABLE replies (                        -- history of every answer
    id                  INTEGER PRIMARY KEY,
    invitee_id          INTEGER NOT NULL REFERENCES invitees (id),
    recurrence_id       TEXT NOT NULL DEFAULT '',
    partstat            TEXT NOT NULL,
    status              TEXT NOT NULL,
    client              TEXT NOT NULL,
    prodid              TEXT NOT NULL DEFAULT '',
    sequence            INTEGER NOT NULL DEFAULT 0,
    dtstamp             INTEGER NOT NULL DEFAULT 0,
    method              TEXT NOT NULL DEFAULT 'REPLY',
    inbound_id          INTEGER,
    received_at         INTEGER NOT NULL
);
CREATE INDEX replies_by_invitee ON replies (invitee_id, received_at);
CREATE TABLE inbound (                        -- every message received, raw, with its outcome
    id                  INTEGER PRIMARY KEY,
    received_at         INTEGER NOT NULL,
    channel             TEXT NOT NULL,        -- smtp / ingest / http
    mailbox             TEXT NOT NULL,        -- create / rsvp / bulk / bounce
    rcpt                TEXT NOT NULL,
    mail_from           TEXT NOT NULL DEFAULT '',
    remote              TEXT NOT NULL DEFAULT '',
    from_address        TEXT NOT NULL DEFAULT '',
    subject             TEXT NOT NULL DEFAULT '',
    message_id          TEXT NOT NULL DEFAULT '',
    size                INTEGER NOT NULL,
    sha256              TEXT NOT NULL,
    raw                 BLOB NOT NULL,
    status              TEXT NOT NULL,        -- received, then the outcome
    reason              TEXT NOT NULL DEFAULT '',
    organizer           TEXT NOT NULL DEFAULT '',
    event_ids           TEXT NOT NULL DEFAULT '[]',
    details             TEXT NOT NULL DEFAULT '{}',
    processed_at        INTEGER
);
CREATE INDEX inbound_by_status ON inbound (status, id);
CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL,        -- invite / update / cancel / notification / report
    event_id            TEXT,
    invitee_id          INTEGER,
    sequence            INTEGER,
    env_from            TEXT NOT NULL,
    rcpt                TEXT NOT NULL,
    message             BLOB,                 -- NULL: rendered by the worker from the event
    message_id          TEXT NOT NULL DEFAULT '',
    -- queued → sending (leased) → committing (final dot about to go) → sent / failed;
    -- superseded when a newer version of the event replaces a queued one.
    state               TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','sending','committing','sent','failed','superseded')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     INTEGER NOT NULL,
    lease_owner         TEXT,
    lease_until         INTEGER,
    last_error          TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    sent_at             INTEGER
);
-- Exactly once per (event, SEQUENCE, recipient) for each kind of calendar message;
-- explicit resends ('resend') are deliberate repeats and not covered.
CREATE UNIQUE INDEX outbox_once ON outbox (kind, event_id, invitee_id, sequence)
    WHERE kind IN ('invite', 'update', 'cancel');
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_invitee ON outbox (invitee_id, id);
CREATE TABLE delivery_attempts (
    id                  INTEGER PRIMARY KEY,
    outbox_id           INTEGER NOT NULL REFERENCES outbox (id),
    at                  INTEGER NOT NULL,
    result              TEXT NOT NULL,        -- sent / deferred / failed
    reply               TEXT NOT NULL DEFAULT ''
);
CREATE TABLE suppressions (
    email               TEXT NOT NULL,
    organizer           TEXT NOT NULL DEFAULT '',  -- '' = every organizer
    reason              TEXT NOT NULL,        -- bounced / complained / unsubscribed / blocked
    detail              TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    PRIMARY KEY (email, organizer)
);
CREATE TABLE api_keys (
    id                  TEXT PRIMARY KEY,     -- public part, shown in listings
    hash                TEXT NOT NULL,        -- SHA-256 of the secret part
    role                TEXT NOT NULL CHECK (role IN ('admin','domain','organizer')),
    organizer           TEXT,
    domain              TEXT,
    label               TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    revoked_at          INTEGER
);
CREATE INDEX invitees_by_event ON invitees (event_id, status);
CREATE TABLE sandbox_messages (               -- what the sandbox transport captured
    id                  INTEGER PRIMARY KEY,
    outbox_id           INTEGER NOT NULL UNIQUE REFERENCES outbox (id),
    kind                TEXT NOT NULL,
    event_id            TEXT,
    env_from            TEXT NOT NULL,
    rcpt                TEXT NOT NULL,
    from_header         TEXT NOT NULL DEFAULT '',
    to_header           TEXT NOT NULL DEFAULT '',
    subject             TEXT NOT NULL DEFAULT '',
    raw                 BLOB NOT NULL,
    created_at          INTEGER NOT NULL
);
CREATE TABLE settings (                       -- installation secrets and switches
    key                 TEXT PRIMARY KEY,
    value               TEXT NOT NULL
);
)SQL"},
        {2, "fan-out of event versions (what each sends, approval, progress); reply details",
         R"SQL(
ALTER TABLE event_changes ADD COLUMN kind TEXT NOT NULL DEFAULT '';         -- update / cancel / ''
ALTER TABLE event_changes ADD COLUMN occurrences TEXT NOT NULL DEFAULT '[]'; -- cancelled instances
ALTER TABLE event_changes ADD COLUMN queued INTEGER NOT NULL DEFAULT 0;     -- messages queued
ALTER TABLE event_changes ADD COLUMN decided_at INTEGER;
ALTER TABLE event_changes ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
CREATE INDEX event_changes_by_approval ON event_changes (approval, fanout, id);
ALTER TABLE replies ADD COLUMN attendee TEXT NOT NULL DEFAULT '';   -- the address that answered
ALTER TABLE replies ADD COLUMN applied INTEGER NOT NULL DEFAULT 1;  -- 0: older than the answer kept
ALTER TABLE replies ADD COLUMN note TEXT NOT NULL DEFAULT '';       -- how it was matched, COUNTER times
)SQL"},
        {3, "display and statistics: invitee counters kept by triggers; events by creation order",
         std::string(R"SQL(
-- Per-event counts of invitees by status, delivery, origin and client family. Triggers keep
-- them in the transaction that changes an invitee, so no code path can forget them and they
-- always equal a recount of the rows; organizer and system statistics sum these rows.
CREATE TABLE invitee_counts (
    event_id            TEXT NOT NULL,
    dimension           TEXT NOT NULL,        -- status / delivery / origin / client
    value               TEXT NOT NULL,
    n                   INTEGER NOT NULL,
    PRIMARY KEY (event_id, dimension, value)
) WITHOUT ROWID;
INSERT INTO invitee_counts (event_id, dimension, value, n)
    SELECT event_id, 'status', status, count(*) FROM invitees GROUP BY event_id, status
    UNION ALL SELECT event_id, 'delivery', delivery, count(*) FROM invitees GROUP BY event_id, delivery
    UNION ALL SELECT event_id, 'origin', origin, count(*) FROM invitees GROUP BY event_id, origin
    UNION ALL SELECT event_id, 'client', client, count(*) FROM invitees GROUP BY event_id, client;
CREATE TRIGGER invitee_counts_insert AFTER INSERT ON invitees BEGIN
    INSERT INTO invitee_counts VALUES (NEW.event_id, 'status', NEW.status, 1),
                                      (NEW.event_id, 'delivery', NEW.delivery, 1),
                                      (NEW.event_id, 'origin', NEW.origin, 1),
                                      (NEW.event_id, 'client', NEW.client, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER invitee_counts_delete AFTER DELETE ON invitees BEGIN
    UPDATE invitee_counts SET n = n - 1 WHERE event_id = OLD.event_id AND (
        (dimension = 'status' AND value = OLD.status) OR
        (dimension = 'delivery' AND value = OLD.delivery) OR
        (dimension = 'origin' AND value = OLD.origin) OR
        (dimension = 'client' AND value = OLD.client));
END;
-- Organizer listings are newest first in creation order: the implicit rowid, which an
-- index on (organizer) keeps after the organizer (every SQLite index ends with the rowid).
CREATE INDEX events_by_organizer_created ON events (organizer);
)SQL") + counter_update_trigger("status") +
             counter_update_trigger("delivery") + counter_update_trigger("origin") +
             counter_update_trigger("client")},
        {4, "bulk invitation jobs (bulk@ and POST /event/{id}/invites) and their skipped rows",
         R"SQL(
CREATE TABLE bulk_jobs (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL DEFAULT 'invites',
    organizer           TEXT NOT NULL,
    event_id            TEXT NOT NULL,
    source              TEXT NOT NULL CHECK (source IN ('api','mail')),
    inbound_id          INTEGER,              -- the bulk@ message, for source 'mail'
    key_id              TEXT NOT NULL DEFAULT '',  -- the API key that posted it
    notify              TEXT NOT NULL,        -- who gets the result email
    origin              TEXT NOT NULL DEFAULT 'bulk',
    format              TEXT NOT NULL CHECK (format IN ('csv','json')),
    input               BLOB,                 -- the list; NULL once the job is finished
    state               TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','running','done','failed')),
    error               TEXT NOT NULL DEFAULT '',
    -- where processing stands: everything before it is committed with its counts
    next_line           INTEGER NOT NULL DEFAULT 1,
    next_offset         INTEGER NOT NULL DEFAULT 0,
    total               INTEGER NOT NULL DEFAULT 0,
    accepted            INTEGER NOT NULL DEFAULT 0,
    already_invited     INTEGER NOT NULL DEFAULT 0,
    skipped             INTEGER NOT NULL DEFAULT 0,
    skip_reasons        TEXT NOT NULL DEFAULT '{}',  -- JSON: reason -> count
    created_at          INTEGER NOT NULL,
    started_at          INTEGER,
    finished_at         INTEGER
);
CREATE INDEX bulk_jobs_by_state ON bulk_jobs (state, id);
CREATE INDEX bulk_jobs_by_organizer ON bulk_jobs (organizer, id);
CREATE TABLE bulk_skips (
    job_id              INTEGER NOT NULL REFERENCES bulk_jobs (id),
    line                INTEGER NOT NULL,     -- of the CSV (or the JSON array index + 1)
    email               TEXT NOT NULL DEFAULT '',
    reason              TEXT NOT NULL,        -- malformed / missing_email / invalid_email / duplicate / suppressed / other_event
    detail              TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job_id, line)
) WITHOUT ROWID;
)SQL"},
        {5,
         "public pages, call-to-action links, landing URL allow-lists, calendar feeds; keys by "
         "organizer",
         R"SQL(
CREATE TABLE pages (
    id                  TEXT PRIMARY KEY,     -- the short URL /p/{id}
    organizer           TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('landing','upcoming','schedule')),
    event_id            TEXT NOT NULL DEFAULT '',  -- landing: the event
    title               TEXT NOT NULL DEFAULT '',
    logo_url            TEXT NOT NULL DEFAULT '',
    background_url      TEXT NOT NULL DEFAULT '',
    accent              TEXT NOT NULL DEFAULT '',
    filter              TEXT NOT NULL DEFAULT '',
    redirect_url        TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX pages_by_organizer ON pages (organizer, id);
CREATE TABLE cta_links (
    id                  TEXT PRIMARY KEY,     -- /c/{id}
    event_id            TEXT NOT NULL,
    organizer           TEXT NOT NULL,
    platform            TEXT NOT NULL,
    landing_url         TEXT NOT NULL,
    created_at          INTEGER NOT NULL
);
CREATE INDEX cta_links_by_event ON cta_links (event_id, created_at);
CREATE INDEX cta_links_by_organizer ON cta_links (organizer);
-- Where an organizer's CTA links and pages may send visitors (no open redirect).
CREATE TABLE landing_urls (
    organizer           TEXT NOT NULL,
    url                 TEXT NOT NULL,        -- a normalised http(s) URL prefix
    created_at          INTEGER NOT NULL,
    PRIMARY KEY (organizer, url)
) WITHOUT ROWID;
-- An organizer's keys: shown (counted) with the organizer, revoked when it is removed.
CREATE INDEX api_keys_by_organizer ON api_keys (organizer);
CREATE TABLE organizer_feeds (
    organizer           TEXT PRIMARY KEY,
    token               TEXT NOT NULL UNIQUE, -- /feed/{token}/calendar.ics
    created_at          INTEGER NOT NULL
);
)SQL"},
        {6, "double opt-in of page sends: pages that ask for confirmation, pending confirmations",
         R"SQL(
ALTER TABLE pages ADD COLUMN confirm INTEGER NOT NULL DEFAULT 0;
CREATE TABLE page_confirmations (
    token               TEXT PRIMARY KEY,     -- /confirm/{token}, mailed to email
    page_id             TEXT NOT NULL,
    email               TEXT NOT NULL,
    event_ids           TEXT NOT NULL,        -- space-separated, as ticked
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    confirmed_at        INTEGER               -- the first confirmation
);
CREATE INDEX page_confirmations_by_page ON page_confirmations (page_id);
CREATE INDEX page_confirmations_by_expiry ON page_confirmations (expires_at);
)SQL"},
    };
    return list;
}

}  // namespace cis::store
