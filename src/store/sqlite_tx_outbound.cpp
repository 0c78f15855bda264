// The outbound side of the SQLite store: API keys, invitees, suppressions, the outbox
// with its leases, delivery attempts and the sandbox's captured messages.
#include <algorithm>

#include "store/sqlite_tx.hpp"

namespace cis::store {

// --- API keys ---------------------------------------------------------------------

ApiKey read_key(const Statement& s) {
    return ApiKey{s.text(0), s.text(1), s.text(2), s.text(3),
                  s.text(4), s.text(5), s.i64(6),  s.opt_i64(7)};
}

void SqliteTx::insert_api_key(const ApiKey& k) {
    auto s = db_.prepare(
        "INSERT INTO api_keys (id, hash, role, organizer, domain, label, created_at) "
        "VALUES (?,?,?,nullif(?, ''),nullif(?, ''),?,?)");
    s.bind(1, k.id).bind(2, k.hash).bind(3, k.role).bind(4, k.organizer).bind(5, k.domain);
    s.bind(6, k.label).bind(7, k.created_at).run();
}

std::optional<ApiKey> SqliteTx::find_api_key(const std::string& id) {
    auto s = db_.prepare(
        "SELECT id, hash, role, coalesce(organizer, ''), coalesce(domain, ''), label, "
        "created_at, revoked_at FROM api_keys WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_key(s);
}

std::vector<ApiKey> SqliteTx::list_api_keys() {
    auto s = db_.prepare(
        "SELECT id, hash, role, coalesce(organizer, ''), coalesce(domain, ''), label, "
        "created_at, revoked_at FROM api_keys ORDER BY created_at, id");
    std::vector<ApiKey> out;
    while (s.step()) out.push_back(read_key(s));
    return out;
}

bool SqliteTx::revoke_api_key(const std::string& id, std::int64_t now) {
    db_.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(1, now)
        .bind(2, id)
        .run();
    return db_.changes() > 0;
}

// --- invitees and suppressions ------------------------------------------------------

Invitee read_invitee(const Statement& s) {
    Invitee i;
    i.id = s.i64(0);
    i.event_id = s.text(1);
    i.email = s.text(2);
    i.name = s.text(3);
    i.origin = s.text(4);
    i.forwarded_from = s.opt_i64(5);
    i.uid = s.text(6);
    i.status = s.text(7);
    i.partstat = s.text(8);
    i.client = s.text(9);
    i.delivery = s.text(10);
    i.last_error = s.text(11);
    i.invited_at = s.i64(12);
    i.responded_at = s.opt_i64(13);
    i.sent_at = s.opt_i64(14);
    i.reply_sequence = s.opt_i64(15);
    i.reply_dtstamp = s.opt_i64(16);
    return i;
}

std::optional<Invitee> SqliteTx::find_invitee(const std::string& event_id,
                                              const std::string& email) {
    auto s = db_.prepare(CIS_INVITEE_SELECT("WHERE event_id = ? AND email = ?"));
    s.bind(1, event_id).bind(2, email);
    if (!s.step()) return std::nullopt;
    return read_invitee(s);
}

std::optional<Invitee> SqliteTx::find_invitee_by_id(std::int64_t id) {
    auto s = db_.prepare(CIS_INVITEE_SELECT("WHERE id = ?"));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_invitee(s);
}

std::optional<Invitee> SqliteTx::find_invitee_by_uid(const std::string& uid) {
    auto s = db_.prepare(CIS_INVITEE_SELECT("WHERE uid = ?"));
    s.bind(1, uid);
    if (!s.step()) return std::nullopt;
    return read_invitee(s);
}

void SqliteTx::set_invitee_answer(const Invitee& i) {
    auto s = db_.prepare(
        "UPDATE invitees SET status = ?, partstat = ?, client = ?, reply_sequence = ?, "
        "reply_dtstamp = ?, responded_at = ? WHERE id = ?");
    s.bind(1, i.status).bind(2, i.partstat).bind(3, i.client).bind(4, i.reply_sequence);
    s.bind(5, i.reply_dtstamp).bind(6, i.responded_at).bind(7, i.id).run();
}

std::int64_t SqliteTx::insert_reply(const ReplyRecord& r) {
    auto s = db_.prepare(
        "INSERT INTO replies (invitee_id, recurrence_id, partstat, status, client, prodid, "
        "sequence, dtstamp, method, inbound_id, received_at, attendee, applied, note) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, r.invitee_id).bind(2, r.recurrence_id).bind(3, r.partstat).bind(4, r.status);
    s.bind(5, r.client).bind(6, r.prodid).bind(7, r.sequence).bind(8, r.dtstamp);
    s.bind(9, r.method).bind(10, r.inbound_id).bind(11, r.received_at).bind(12, r.attendee);
    s.bind(13, r.applied).bind(14, r.note).run();
    return db_.last_insert_id();
}

std::vector<ReplyRecord> SqliteTx::replies_of(std::int64_t invitee_id) {
    auto s = db_.prepare(
        "SELECT id, invitee_id, recurrence_id, method, partstat, status, client, prodid, "
        "attendee, sequence, dtstamp, applied, note, inbound_id, received_at FROM replies "
        "WHERE invitee_id = ? ORDER BY received_at, id");
    s.bind(1, invitee_id);
    std::vector<ReplyRecord> out;
    while (s.step()) {
        ReplyRecord r;
        r.id = s.i64(0);
        r.invitee_id = s.i64(1);
        r.recurrence_id = s.text(2);
        r.method = s.text(3);
        r.partstat = s.text(4);
        r.status = s.text(5);
        r.client = s.text(6);
        r.prodid = s.text(7);
        r.attendee = s.text(8);
        r.sequence = s.i64(9);
        r.dtstamp = s.i64(10);
        r.applied = s.i64(11) != 0;
        r.note = s.text(12);
        r.inbound_id = s.opt_i64(13);
        r.received_at = s.i64(14);
        out.push_back(std::move(r));
    }
    return out;
}

std::int64_t SqliteTx::insert_invitee(const Invitee& i) {
    auto s = db_.prepare(
        "INSERT INTO invitees (event_id, email, name, origin, forwarded_from, uid, delivery, "
        "invited_at) VALUES (?,?,?,?,?,?,?,?)");
    s.bind(1, i.event_id).bind(2, i.email).bind(3, i.name).bind(4, i.origin);
    s.bind(5, i.forwarded_from).bind(6, i.uid).bind(7, i.delivery).bind(8, i.invited_at);
    s.run();
    return db_.last_insert_id();
}

void SqliteTx::set_invitee_delivery(std::int64_t id, const std::string& delivery,
                                    const std::string& error, std::optional<std::int64_t> sent_at) {
    auto s = db_.prepare(
        "UPDATE invitees SET delivery = ?, last_error = ?, sent_at = coalesce(?, sent_at) "
        "WHERE id = ?");
    s.bind(1, delivery).bind(2, error).bind(3, sent_at).bind(4, id).run();
}

std::optional<std::string> SqliteTx::suppression_reason(const std::string& email,
                                                        const std::string& organizer) {
    auto s = db_.prepare(
        "SELECT reason || coalesce(nullif(' (' || detail || ')', ' ()'), '') FROM suppressions "
        "WHERE email = ? AND organizer IN ('', ?) ORDER BY organizer LIMIT 1");
    s.bind(1, email).bind(2, organizer);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

void SqliteTx::put_suppression(const std::string& email, const std::string& organizer,
                               const std::string& reason, const std::string& detail,
                               std::int64_t now) {
    auto s = db_.prepare(
        "INSERT INTO suppressions (email, organizer, reason, detail, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (email, organizer) DO UPDATE SET "
        "reason = ?3, detail = ?4");
    s.bind(1, email).bind(2, organizer).bind(3, reason).bind(4, detail).bind(5, now).run();
}

// --- outbox -----------------------------------------------------------------------

namespace {
#define CIS_OUTBOX_SELECT(where)                                                         \
    ("SELECT id, kind, coalesce(event_id, ''), invitee_id, sequence, env_from, rcpt, "   \
     "coalesce(message, ''), message_id, state, attempts, next_attempt_at, last_error, " \
     "created_at, sent_at FROM outbox " where)

OutboxMessage read_outbox(const Statement& s) {
    OutboxMessage m;
    m.id = s.i64(0);
    m.kind = s.text(1);
    m.event_id = s.text(2);
    m.invitee_id = s.opt_i64(3);
    m.sequence = s.opt_i64(4);
    m.env_from = s.text(5);
    m.rcpt = s.text(6);
    m.message = s.text(7);
    m.message_id = s.text(8);
    m.state = s.text(9);
    m.attempts = s.i64(10);
    m.next_attempt_at = s.i64(11);
    m.last_error = s.text(12);
    m.created_at = s.i64(13);
    m.sent_at = s.opt_i64(14);
    return m;
}

#define CIS_OUTBOX_INSERT(tail)                                                            \
    ("INSERT INTO outbox (kind, event_id, invitee_id, sequence, env_from, rcpt, message, " \
     "message_id, state, next_attempt_at, created_at) "                                    \
     "VALUES (?,nullif(?, ''),?,?,?,?,?,?,'queued',?,?)" tail)

void bind_outbox(Statement& s, const OutboxMessage& m) {
    s.bind(1, m.kind).bind(2, m.event_id).bind(3, m.invitee_id).bind(4, m.sequence);
    s.bind(5, m.env_from).bind(6, m.rcpt);
    if (m.message.empty())
        s.bind_null(7);
    else
        s.bind_blob(7, m.message);
    s.bind(8, m.message_id).bind(9, m.next_attempt_at).bind(10, m.created_at);
}

}  // namespace

std::int64_t SqliteTx::enqueue_once(const OutboxMessage& m) {
    // The partial unique index outbox_once makes the repeat a no-op.
    auto s = db_.prepare(CIS_OUTBOX_INSERT(" ON CONFLICT DO NOTHING"));
    bind_outbox(s, m);
    s.run();
    return db_.changes() == 1 ? db_.last_insert_id() : 0;
}

std::int64_t SqliteTx::enqueue(const OutboxMessage& m) {
    auto s = db_.prepare(CIS_OUTBOX_INSERT(""));
    bind_outbox(s, m);
    s.run();
    return db_.last_insert_id();
}

std::vector<OutboxMessage> SqliteTx::list_outbox(std::size_t limit) {
    auto s = db_.prepare(CIS_OUTBOX_SELECT("ORDER BY id DESC LIMIT ?"));
    s.bind(1, static_cast<std::int64_t>(limit));
    std::vector<OutboxMessage> out;
    while (s.step()) out.push_back(read_outbox(s));
    return out;
}

std::optional<OutboxMessage> SqliteTx::latest_outbox_for_invitee(std::int64_t invitee_id) {
    auto s = db_.prepare(CIS_OUTBOX_SELECT("WHERE invitee_id = ? ORDER BY id DESC LIMIT 1"));
    s.bind(1, invitee_id);
    if (!s.step()) return std::nullopt;
    return read_outbox(s);
}

std::vector<OutboxMessage> SqliteTx::claim_outbox(const std::string& owner, std::int64_t now,
                                                  std::int64_t lease_until, std::size_t limit) {
    // One statement: select and lease atomically, also under PostgreSQL later
    // (there with FOR UPDATE SKIP LOCKED).
    auto s = db_.prepare(
        "UPDATE outbox SET state = 'sending', lease_owner = ?1, lease_until = ?2 "
        "WHERE id IN (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?3 "
        "ORDER BY next_attempt_at, id LIMIT ?4) "
        "RETURNING id, kind, coalesce(event_id, ''), invitee_id, sequence, env_from, rcpt, "
        "coalesce(message, ''), message_id, state, attempts, next_attempt_at, last_error, "
        "created_at, sent_at");
    s.bind(1, owner).bind(2, lease_until).bind(3, now).bind(4, static_cast<std::int64_t>(limit));
    std::vector<OutboxMessage> out;
    while (s.step()) out.push_back(read_outbox(s));
    std::sort(out.begin(), out.end(),
              [](const OutboxMessage& a, const OutboxMessage& b) { return a.id < b.id; });
    return out;
}

bool SqliteTx::mark_committing(std::int64_t id, const std::string& owner) {
    db_.prepare(
           "UPDATE outbox SET state = 'committing' "
           "WHERE id = ? AND state = 'sending' AND lease_owner = ?")
        .bind(1, id)
        .bind(2, owner)
        .run();
    return db_.changes() == 1;
}

std::int64_t SqliteTx::renew_leases(const std::string& owner, std::int64_t lease_until) {
    db_.prepare(
           "UPDATE outbox SET lease_until = ? "
           "WHERE lease_owner = ? AND state IN ('sending', 'committing')")
        .bind(1, lease_until)
        .bind(2, owner)
        .run();
    return db_.changes();
}

bool SqliteTx::finish_outbox(std::int64_t id, const std::string& owner, const OutboxOutcome& o) {
    auto s = db_.prepare(
        "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, "
        "sent_at = ?, message = coalesce(message, nullif(?, '')), "
        "message_id = coalesce(nullif(message_id, ''), ?), lease_owner = NULL, "
        "lease_until = NULL WHERE id = ? AND lease_owner = ?");
    s.bind(1, o.state).bind(2, o.attempts).bind(3, o.next_attempt_at).bind(4, o.last_error);
    s.bind(5, o.sent_at);
    if (o.message.empty())
        s.bind_null(6);
    else
        s.bind_blob(6, o.message);
    s.bind(7, o.message_id).bind(8, id).bind(9, owner);
    s.run();
    return db_.changes() == 1;
}

std::int64_t SqliteTx::recover_outbox(std::int64_t now) {
    db_.prepare(
           "UPDATE outbox SET state = 'queued', lease_owner = NULL, lease_until = NULL "
           "WHERE state = 'sending' AND lease_until < ?")
        .bind(1, now)
        .run();
    std::int64_t n = db_.changes();
    db_.prepare(
           "UPDATE outbox SET state = 'sent', sent_at = ?1, lease_owner = NULL, lease_until = "
           "NULL, "
           "last_error = 'assumed delivered: the worker stopped between the final dot and its "
           "reply' WHERE state = 'committing' AND lease_until < ?1")
        .bind(1, now)
        .run();
    return n + db_.changes();
}

void SqliteTx::record_attempt(std::int64_t outbox_id, const DeliveryAttempt& a) {
    auto s = db_.prepare(
        "INSERT INTO delivery_attempts (outbox_id, at, result, reply) VALUES (?,?,?,?)");
    s.bind(1, outbox_id).bind(2, a.at).bind(3, a.result).bind(4, a.reply).run();
}

std::vector<DeliveryAttempt> SqliteTx::attempts_for(std::int64_t outbox_id) {
    auto s = db_.prepare(
        "SELECT at, result, reply FROM delivery_attempts WHERE outbox_id = ? ORDER BY id");
    s.bind(1, outbox_id);
    std::vector<DeliveryAttempt> out;
    while (s.step()) out.push_back(DeliveryAttempt{s.i64(0), s.text(1), s.text(2)});
    return out;
}

// --- sandbox ----------------------------------------------------------------------

std::int64_t SqliteTx::insert_sandbox(const SandboxMessage& m) {
    auto s = db_.prepare(
        "INSERT INTO sandbox_messages (outbox_id, kind, event_id, env_from, rcpt, from_header, "
        "to_header, subject, raw, created_at) VALUES (?,?,nullif(?, ''),?,?,?,?,?,?,?)");
    s.bind(1, m.outbox_id).bind(2, m.kind).bind(3, m.event_id).bind(4, m.env_from);
    s.bind(5, m.rcpt).bind(6, m.from).bind(7, m.to).bind(8, m.subject).bind_blob(9, m.raw);
    s.bind(10, m.created_at).run();
    return db_.last_insert_id();
}

namespace {
SandboxMessage read_sandbox(const Statement& s, bool with_raw) {
    SandboxMessage m{s.i64(0),  s.i64(1),  s.text(2), s.text(3), s.text(4),
                     s.text(5), s.text(6), s.text(7), s.text(8), with_raw ? s.text(10) : "",
                     s.i64(9)};
    return m;
}
}  // namespace

std::vector<SandboxMessage> SqliteTx::list_sandbox(const SandboxFilter& f) {
    auto s = db_.prepare(
        "SELECT id, outbox_id, kind, coalesce(event_id, ''), env_from, rcpt, from_header, "
        "to_header, subject, created_at FROM sandbox_messages "
        "WHERE (?1 = '' OR kind = ?1) AND (?2 = '' OR rcpt = ?2 COLLATE NOCASE) "
        "ORDER BY id DESC LIMIT ?3");
    s.bind(1, f.kind).bind(2, f.rcpt).bind(3, static_cast<std::int64_t>(f.limit));
    std::vector<SandboxMessage> out;
    while (s.step()) out.push_back(read_sandbox(s, false));
    return out;
}

std::optional<SandboxMessage> SqliteTx::find_sandbox(std::int64_t id) {
    auto s = db_.prepare(
        "SELECT id, outbox_id, kind, coalesce(event_id, ''), env_from, rcpt, from_header, "
        "to_header, subject, created_at, raw FROM sandbox_messages WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_sandbox(s, true);
}

}  // namespace cis::store
