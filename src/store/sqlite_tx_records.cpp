#include <nlohmann/json.hpp>

#include "store/sqlite_tx.hpp"

namespace cis::store {

void SqliteTx::savepoint(const std::function<void()>& fn) {
    const std::string name = "sp" + std::to_string(++savepoint_depth_);
    db_.exec("SAVEPOINT " + name);
    try {
        fn();
    } catch (...) {
        db_.exec("ROLLBACK TO " + name);
        db_.exec("RELEASE " + name);
        --savepoint_depth_;
        throw;
    }
    db_.exec("RELEASE " + name);
    --savepoint_depth_;
}

// --- organizers -------------------------------------------------------------------

Organizer read_organizer(const Statement& s) {
    return Organizer{s.text(0), s.text(1), s.text(2), s.text(3), s.i64(4), s.i64(5)};
}

std::optional<Organizer> SqliteTx::find_organizer(const std::string& email) {
    auto s = db_.prepare(
        "SELECT email, name, trust, coalesce(secret, ''), event_limit, created_at "
        "FROM organizers WHERE email = ?");
    s.bind(1, email);
    if (!s.step()) return std::nullopt;
    return read_organizer(s);
}

std::vector<Organizer> SqliteTx::list_organizers() {
    auto s = db_.prepare(
        "SELECT email, name, trust, coalesce(secret, ''), event_limit, created_at "
        "FROM organizers ORDER BY email");
    std::vector<Organizer> out;
    while (s.step()) out.push_back(read_organizer(s));
    return out;
}

void SqliteTx::put_organizer(const Organizer& o) {
    auto s = db_.prepare(
        "INSERT INTO organizers (email, name, trust, secret, event_limit, created_at) "
        "VALUES (?1, ?2, ?3, nullif(?4, ''), ?5, ?6) ON CONFLICT (email) DO UPDATE SET "
        "name = ?2, trust = ?3, secret = nullif(?4, ''), event_limit = ?5");
    s.bind(1, o.email).bind(2, o.name).bind(3, o.trust).bind(4, o.secret);
    s.bind(5, o.event_limit).bind(6, o.created_at);
    s.run();
}

bool SqliteTx::remove_organizer(const std::string& email) {
    db_.prepare("DELETE FROM organizers WHERE email = ?").bind(1, email).run();
    const bool removed = db_.changes() > 0;
    // Pending confirmations of its pages, while the pages still say whose they are.
    db_.prepare(
           "DELETE FROM page_confirmations WHERE page_id IN "
           "(SELECT id FROM pages WHERE organizer = ?)")
        .bind(1, email)
        .run();
    // What is public in the organizer's name goes with it (issue 6).
    for (const char* sql : {"DELETE FROM pages WHERE organizer = ?",
                            "DELETE FROM cta_links WHERE organizer = ?",
                            "DELETE FROM landing_urls WHERE organizer = ?",
                            "DELETE FROM organizer_feeds WHERE organizer = ?"})
        db_.prepare(sql).bind(1, email).run();
    return removed;
}

bool SqliteTx::organizer_domain_allowed(const std::string& domain) {
    auto s = db_.prepare("SELECT 1 FROM organizer_domains WHERE domain = ?");
    s.bind(1, domain);
    return s.step();
}

void SqliteTx::allow_organizer_domain(const std::string& domain, std::int64_t now) {
    auto s = db_.prepare(
        "INSERT INTO organizer_domains (domain, created_at) VALUES (?, ?) "
        "ON CONFLICT (domain) DO NOTHING");
    s.bind(1, domain).bind(2, now).run();
}

// --- inbound log ------------------------------------------------------------------

namespace {
#define CIS_INBOUND_SELECT(where)                                                         \
    ("SELECT id, received_at, channel, mailbox, rcpt, mail_from, remote, from_address, "  \
     "subject, message_id, size, sha256, status, reason, organizer, event_ids, details, " \
     "processed_at FROM inbound " where)

InboundRecord read_inbound(Statement& s) {
    InboundRecord r;
    r.id = s.i64(0);
    r.received_at = s.i64(1);
    r.channel = s.text(2);
    r.mailbox = s.text(3);
    r.rcpt = s.text(4);
    r.mail_from = s.text(5);
    r.remote = s.text(6);
    r.from_address = s.text(7);
    r.subject = s.text(8);
    r.message_id = s.text(9);
    r.size = s.i64(10);
    r.sha256 = s.text(11);
    r.status = s.text(12);
    r.reason = s.text(13);
    r.organizer = s.text(14);
    auto ids = nlohmann::json::parse(s.text(15), nullptr, false);
    if (ids.is_array()) r.event_ids = ids.get<std::vector<std::string>>();
    r.details = s.text(16);
    r.processed_at = s.opt_i64(17);
    return r;
}
}  // namespace

std::int64_t SqliteTx::insert_inbound(const InboundRecord& r, const std::string& raw) {
    auto s = db_.prepare(
        "INSERT INTO inbound (received_at, channel, mailbox, rcpt, mail_from, remote, "
        "from_address, subject, message_id, size, sha256, raw, status, reason) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, r.received_at).bind(2, r.channel).bind(3, r.mailbox).bind(4, r.rcpt);
    s.bind(5, r.mail_from).bind(6, r.remote).bind(7, r.from_address).bind(8, r.subject);
    s.bind(9, r.message_id).bind(10, static_cast<std::int64_t>(raw.size())).bind(11, r.sha256);
    s.bind_blob(12, raw).bind(13, r.status).bind(14, r.reason);
    s.run();
    return db_.last_insert_id();
}

void SqliteTx::set_inbound_outcome(const InboundRecord& r) {
    auto s = db_.prepare(
        "UPDATE inbound SET status = ?, reason = ?, organizer = ?, event_ids = ?, details = ?, "
        "from_address = ?, subject = ?, message_id = ?, processed_at = ? WHERE id = ?");
    s.bind(1, r.status).bind(2, r.reason).bind(3, r.organizer);
    s.bind(4, nlohmann::json(r.event_ids).dump()).bind(5, r.details);
    s.bind(6, r.from_address).bind(7, r.subject).bind(8, r.message_id);
    s.bind(9, r.processed_at).bind(10, r.id);
    s.run();
}

std::optional<InboundRecord> SqliteTx::find_inbound(std::int64_t id) {
    auto s = db_.prepare(CIS_INBOUND_SELECT("WHERE id = ?"));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_inbound(s);
}

std::optional<std::string> SqliteTx::inbound_raw(std::int64_t id) {
    auto s = db_.prepare("SELECT raw FROM inbound WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

std::vector<InboundRecord> SqliteTx::list_inbound(const InboundFilter& f) {
    auto s = db_.prepare(CIS_INBOUND_SELECT(
        "WHERE (?1 = '' OR status = ?1) AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?2"));
    s.bind(1, f.status).bind(2, static_cast<std::int64_t>(f.limit)).bind(3, f.before);
    std::vector<InboundRecord> out;
    while (s.step()) out.push_back(read_inbound(s));
    return out;
}

// --- settings ---------------------------------------------------------------------

std::optional<std::string> SqliteTx::setting(const std::string& key) {
    auto s = db_.prepare("SELECT value FROM settings WHERE key = ?");
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

void SqliteTx::put_setting(const std::string& key, const std::string& value) {
    auto s = db_.prepare(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) "
        "ON CONFLICT (key) DO UPDATE SET value = ?2");
    s.bind(1, key).bind(2, value).run();
}

}  // namespace cis::store
