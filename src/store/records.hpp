#pragma once
// Rows of the store other than events (core/event.hpp has those).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"

namespace cis::store {

struct Organizer {
    std::string email;
    std::string name;
    std::string trust = "default";  // default (installation policy) / dkim / secret / both / none
    std::string secret;             // for create+<secret>@
    std::int64_t event_limit = 0;   // 0 = no limit
    std::int64_t created_at = 0;
};

struct InboundRecord {
    std::int64_t id = 0;
    std::int64_t received_at = 0;
    std::string channel;  // smtp / ingest / http
    std::string mailbox;  // create / rsvp / bulk / bounce
    std::string rcpt, mail_from, remote;
    std::string from_address, subject, message_id;
    std::int64_t size = 0;
    std::string sha256;
    std::string status = "received";
    std::string reason;
    std::string organizer;
    std::vector<std::string> event_ids;
    std::string details = "{}";  // JSON: per-event outcomes, warnings
    std::optional<std::int64_t> processed_at;
};

struct OutboxMessage {
    std::int64_t id = 0;
    std::string kind;  // notification / invite / update / cancel / report
    std::string event_id;
    std::optional<std::int64_t> invitee_id, sequence;
    std::string env_from, rcpt;
    std::string message;     // the whole RFC 5322 message; empty: the worker renders it
    std::string message_id;  // set once rendered, so a retry sends the same message
    std::string state = "queued";
    std::int64_t attempts = 0;
    std::int64_t next_attempt_at = 0;
    std::string last_error;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> sent_at;
};

// What a delivery attempt ended in, for the outbox row.
struct OutboxOutcome {
    std::string state;  // queued (retry later) / sent / failed
    std::int64_t attempts = 0;
    std::int64_t next_attempt_at = 0;
    std::string last_error;
    std::optional<std::int64_t> sent_at;
    std::string message, message_id;  // the rendered message, kept for retries
};

// One applied version of an event and what became of its fan-out (SPEC §3.4).
struct EventChange {
    std::int64_t id = 0;
    std::string event_id;
    std::int64_t sequence = 0;  // CIS SEQUENCE of this version
    std::string outcome;        // created / updated / cancelled / occurrence-cancelled / …
    std::string kind;           // what the fan-out sends: update / cancel; empty: nothing
    std::vector<std::string> occurrences;  // a cancel of instances: their recurrence keys
    std::string approval = "none";         // none / pending / approved / rejected
    std::string fanout = "none";           // none / pending / done / superseded
    std::int64_t queued = 0;               // messages the fan-out queued
    std::optional<std::int64_t> inbound_id, decided_at;
    std::string decided_by;  // the API key id that approved or rejected
    std::int64_t created_at = 0;
};

struct ChangeFilter {
    std::string event_id;       // empty = any
    std::string organizer;      // empty = any
    std::string domain;         // organizer's domain; empty = any
    bool pending_only = false;  // awaiting approval (and not superseded)
    std::size_t limit = 100;
};

// Who a fan-out goes to.
struct AudienceMember {
    std::int64_t invitee_id = 0;
    std::string email;
};

// Delivery progress of one version of an event: outbox rows by state.
struct DeliveryProgress {
    std::int64_t sequence = 0;
    std::string kind;  // invite / resend / update / cancel
    std::int64_t queued = 0, sending = 0, sent = 0, failed = 0, superseded = 0;
};

// Manual approval of fan-outs: the event's and its organizer's own settings; nullopt
// means "inherit" (event → organizer → installation).
struct ApprovalSettings {
    std::optional<bool> event, organizer;
};

struct DeliveryAttempt {
    std::int64_t at = 0;
    std::string result;  // sent / deferred / failed
    std::string reply;
};

struct ApiKey {
    std::string id;    // public part, shown in listings
    std::string hash;  // SHA-256 of the secret part, hex
    std::string role;  // admin / domain / organizer
    std::string organizer, domain, label;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> revoked_at;
};

struct Invitee {
    std::int64_t id = 0;
    std::string event_id, email, name, origin;
    std::optional<std::int64_t> forwarded_from;
    std::string uid;  // the per-recipient iCalendar UID
    std::string status = "none", partstat = "NEEDS-ACTION", client;
    std::string delivery = "queued";  // queued / sent / failed / bounced
    std::string last_error;
    std::int64_t invited_at = 0;
    std::optional<std::int64_t> responded_at, sent_at;
    // The version of the answer kept (RFC 5546 §2.1.5): an older reply never replaces it.
    std::optional<std::int64_t> reply_sequence, reply_dtstamp;
};

// One answer received from an invitee, kept whether or not it changed their status.
struct ReplyRecord {
    std::int64_t id = 0, invitee_id = 0;
    std::string recurrence_id;     // "" = the whole event
    std::string method = "REPLY";  // REPLY / COUNTER / REFRESH
    std::string partstat, status, client, prodid;
    std::string attendee;  // the address that answered
    std::int64_t sequence = 0, dtstamp = 0;
    bool applied = true;  // false: older than the answer already kept
    std::string note;     // how the attendee was matched; a COUNTER's proposed time
    std::optional<std::int64_t> inbound_id;
    std::int64_t received_at = 0;
};

struct SandboxMessage {
    std::int64_t id = 0, outbox_id = 0;
    std::string kind, event_id, env_from, rcpt, from, to, subject;
    std::string raw;  // empty in listings
    std::int64_t created_at = 0;
};

// Captured messages newest first: all of them, or of one kind or recipient.
struct SandboxFilter {
    std::string kind;  // invite / update / cancel / notification / report; empty = any
    std::string rcpt;  // the envelope recipient (any case); empty = any
    std::size_t limit = 100;
};

struct EventFilter {
    std::string organizer;  // empty = all
    std::size_t limit = 100;
};

struct InboundFilter {
    std::string status;  // empty = all
    std::size_t limit = 50;
    std::int64_t before = 0;  // only ids below this one (the next page); 0 = from the newest
};

// An address CIS does not mail, for one organizer or for all of them.
struct Suppression {
    std::string email;
    std::string organizer;  // "" = every organizer
    std::string reason;     // bounced / complained / unsubscribed / blocked
    std::string detail;
    std::int64_t created_at = 0;
    std::int64_t position = 0;  // paging position (newest highest); not an identifier
};

// Which suppressions to list, newest first. An entry is listed when it passes the email and
// reason filters and is either global (with `global`) or scoped to an organizer matching
// `organizer` and `domain` (with `scoped`).
struct SuppressionFilter {
    std::string email;      // exactly this address; empty = any
    std::string reason;     // empty = any
    bool global = true;     // entries for every organizer (organizer "")
    bool scoped = true;     // entries for one organizer, restricted by the next two
    std::string organizer;  // scoped entries of this organizer only; empty = any
    std::string domain;     // scoped entries of organizers of this domain only; empty = any
    std::size_t limit = 50;
    std::int64_t before = 0;  // only positions below this one (the next page); 0 = newest
};

// --- management API (organizers and keys: app/http_organizers.cpp, http_keys.cpp) ---

// A domain whose every address may organise.
struct OrganizerDomain {
    std::string domain;
    std::int64_t created_at = 0;
};

// A page of organizers in address order.
struct OrganizerPageFilter {
    std::string domain;  // organizers of this domain only; empty = any
    std::string after;   // only addresses after this one (the next page); empty = from the start
    std::size_t limit = 50;
};

// A page of API keys in id order (ids are random: the order is stable, not meaningful).
struct KeyFilter {
    std::string organizer;         // organizer keys of this organizer only; empty = any
    std::string organizer_domain;  // organizer keys of organizers of this domain; empty = any
    bool include_revoked = true;
    std::string after;  // only ids after this one (the next page); empty = from the start
    std::size_t limit = 50;
};

// --- bulk invitation jobs (issue 5: bulk@ and POST /event/{id}/invites) -------------

struct BulkJob {
    std::int64_t id = 0;
    std::string kind = "invites";
    std::string organizer, event_id;
    std::string source = "api";  // api / mail
    std::optional<std::int64_t> inbound_id;
    std::string key_id;
    std::string notify;  // the address the result email goes to
    std::string origin = "bulk";
    std::string format = "csv";    // csv / json
    std::string state = "queued";  // queued / running / done / failed
    std::string error;
    std::int64_t next_line = 1, next_offset = 0;  // where processing resumes
    std::int64_t total = 0, accepted = 0, already_invited = 0, skipped = 0;
    std::string skip_reasons = "{}";  // JSON object: reason -> count
    std::int64_t created_at = 0;
    std::optional<std::int64_t> started_at, finished_at;
};

struct BulkSkip {
    std::int64_t line = 0;
    std::string email, reason, detail;
};

// Jobs newest first, restricted like SuppressionFilter's scoped entries.
struct BulkJobFilter {
    std::string organizer;  // empty = any
    std::string domain;     // organizers of this domain only; empty = any
    std::size_t limit = 50;
    std::int64_t before = 0;  // only ids below this one; 0 = from the newest
};

// ---- display and statistics (issue 5: the listings and counters of SPEC §4) ----------

// Which events to list, newest first (creation order). Positions are the creation order:
// a page continues below the last position of the previous one.
struct EventPageFilter {
    std::string organizer;                 // empty = every organizer
    std::string status;                    // confirmed / tentative / cancelled; empty = any
    std::optional<std::int64_t> from, to;  // start_utc in [from, to); nullopt = open
    std::string text;                      // in summary, location or description; empty = any
    std::int64_t before = 0;               // only positions below this one; 0 = from the newest
    std::size_t limit = 100;
};

struct ListedEvent {
    Event event;  // without its occurrences (a listing does not show them)
    std::int64_t position = 0;
};

// Which invitees of one event to list, by address. A page continues after the address of
// the previous page's last invitee, named by its id (so a cursor never carries an address).
struct AttendeeFilter {
    std::string event_id;
    std::string status;      // yes / no / maybe / none; empty = any
    std::string delivery;    // queued / sent / failed / bounced; empty = any
    std::int64_t after = 0;  // the last invitee id of the previous page; 0 = the first page
    std::size_t limit = 100;
};

// Whose invitees to count: one event, one organizer's events, or (both empty) all.
struct CountScope {
    std::string event_id, organizer;
};

// How many invitees have `value` in `dimension` (status / delivery / origin / client).
struct InviteeCount {
    std::string dimension, value;
    std::int64_t n = 0;
};

// --- public pages, CTA links and feeds (issue 6; sqlite_tx_pages.cpp) ------------------

// A page configuration, addressed by its short URL /p/{id}.
struct Page {
    std::string id;         // short, random, URL-safe
    std::string organizer;  // whose events it shows
    std::string kind;       // landing (one event) / upcoming / schedule
    std::string event_id;   // landing: the event; empty otherwise
    // Branding: shown as given (escaped); URLs are http(s), accent "#rgb" or "#rrggbb".
    std::string title, logo_url, background_url, accent;
    std::string filter;        // upcoming/schedule: only events whose text contains it
    std::string redirect_url;  // after a send, where the visitor goes; "" = a result page
    // Double opt-in: a send first mails the address a link, and the invitations go out
    // only when its owner opens it and confirms (PageConfirmation).
    bool confirm = false;
    std::int64_t created_at = 0, updated_at = 0;
};

// A send from a page that asks for confirmation, waiting for the address's owner:
// /confirm/{token} sends these events to this address, at most until expires_at.
struct PageConfirmation {
    std::string token;  // random, URL-safe: the link mailed to `email`
    std::string page_id;
    std::string email;                   // checked, lower-cased
    std::vector<std::string> event_ids;  // as the visitor ticked them
    std::int64_t created_at = 0, expires_at = 0;
    std::optional<std::int64_t> confirmed_at;  // first confirmation
};

// A page of page configurations in id order.
struct PageFilter {
    std::string organizer;  // this organizer's pages only; empty = any
    std::string domain;     // pages of organizers of this domain only; empty = any
    std::string after;      // only ids after this one (the next page); empty = from the start
    std::size_t limit = 50;
};

// A call-to-action link /c/{id}?email=<merge tag>: one event, one platform, one landing URL.
struct CtaLink {
    std::string id, event_id, organizer;
    std::string platform;     // mailchimp / klaviyo / sendgrid / hubspot / generic
    std::string landing_url;  // where the visitor lands after the invitation is sent
    std::int64_t created_at = 0;
};

// An organizer's events in start order, for pages and feeds.
struct UpcomingFilter {
    std::string organizer;
    std::int64_t now = 0;      // only events not over at this instant (or endless)
    std::string text;          // in summary, location or description (any case); "" = any
    bool with_cancelled = false;  // feeds: cancelled events too, until they would have ended
    bool with_occurrences = false;  // load the overridden instances of recurring events
    std::string event_id;  // only this event, if it passes (a page's per-event links)
    std::size_t limit = 5000;
};

}  // namespace cis::store
