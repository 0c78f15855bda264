// Public pages, call-to-action links, landing URL allow-lists and calendar feeds (issue 6).
#include "store/sqlite_tx.hpp"

#include <algorithm>

namespace cis::store {

namespace {

#define CIS_PAGE_SELECT(where)                                                         \
    ("SELECT id, organizer, kind, event_id, title, logo_url, background_url, accent, " \
     "filter, redirect_url, created_at, updated_at, confirm FROM pages " where)

Page read_page(const Statement& s) {
    Page p;
    p.id = s.text(0);
    p.organizer = s.text(1);
    p.kind = s.text(2);
    p.event_id = s.text(3);
    p.title = s.text(4);
    p.logo_url = s.text(5);
    p.background_url = s.text(6);
    p.accent = s.text(7);
    p.filter = s.text(8);
    p.redirect_url = s.text(9);
    p.created_at = s.i64(10);
    p.updated_at = s.i64(11);
    p.confirm = s.i64(12) != 0;
    return p;
}

#define CIS_CTA_SELECT(where) \
    ("SELECT id, event_id, organizer, platform, landing_url, created_at FROM cta_links " where)

CtaLink read_cta_link(const Statement& s) {
    return CtaLink{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.i64(5)};
}

}  // namespace

void SqliteTx::insert_page(const Page& p) {
    auto s = db_.prepare(
        "INSERT INTO pages (id, organizer, kind, event_id, title, logo_url, background_url, "
        "accent, filter, redirect_url, created_at, updated_at, confirm) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");
    s.bind(1, p.id).bind(2, p.organizer).bind(3, p.kind).bind(4, p.event_id).bind(5, p.title);
    s.bind(6, p.logo_url).bind(7, p.background_url).bind(8, p.accent).bind(9, p.filter);
    s.bind(10, p.redirect_url).bind(11, p.created_at).bind(12, p.updated_at);
    s.bind(13, std::int64_t{p.confirm}).run();
}

std::optional<Page> SqliteTx::find_page(const std::string& id) {
    auto s = db_.prepare(CIS_PAGE_SELECT("WHERE id = ?"));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_page(s);
}

// The organizer's address is at ?3 (its domain exactly: not a LIKE pattern, whose _ and %
// would match other domains).
#define CIS_OF_DOMAIN "substr(organizer, -length(?3) - 1) = '@' || ?3"

std::vector<Page> SqliteTx::list_pages(const PageFilter& f) {
    // By id; an organizer's pages through pages_by_organizer.
    auto s = f.organizer.empty()
                 ? db_.prepare(CIS_PAGE_SELECT("WHERE id > ?2 AND (?3 = '' OR " CIS_OF_DOMAIN
                                               ") AND ?1 = '' ORDER BY id LIMIT ?4"))
                 : db_.prepare(CIS_PAGE_SELECT(
                       "WHERE organizer = ?1 AND id > ?2 AND (?3 = '' OR " CIS_OF_DOMAIN
                       ") ORDER BY organizer, id LIMIT ?4"));
    s.bind(1, f.organizer).bind(2, f.after).bind(3, f.domain);
    s.bind(4, static_cast<std::int64_t>(f.limit));
    std::vector<Page> out;
    while (s.step()) out.push_back(read_page(s));
    return out;
}

void SqliteTx::update_page(const Page& p) {
    auto s = db_.prepare(
        "UPDATE pages SET organizer = ?2, kind = ?3, event_id = ?4, title = ?5, logo_url = ?6, "
        "background_url = ?7, accent = ?8, filter = ?9, redirect_url = ?10, updated_at = ?11, "
        "confirm = ?12 WHERE id = ?1");
    s.bind(1, p.id).bind(2, p.organizer).bind(3, p.kind).bind(4, p.event_id).bind(5, p.title);
    s.bind(6, p.logo_url).bind(7, p.background_url).bind(8, p.accent).bind(9, p.filter);
    s.bind(10, p.redirect_url).bind(11, p.updated_at).bind(12, std::int64_t{p.confirm}).run();
}

bool SqliteTx::delete_page(const std::string& id) {
    db_.prepare("DELETE FROM pages WHERE id = ?").bind(1, id).run();
    const bool deleted = db_.changes() > 0;
    // Its pending confirmations would find no page; they go with it.
    db_.prepare("DELETE FROM page_confirmations WHERE page_id = ?").bind(1, id).run();
    return deleted;
}

std::vector<Event> SqliteTx::upcoming_events(const UpcomingFilter& f) {
    // Through events_by_organizer (organizer, start_utc), walked in start order.
    auto s = db_.prepare(CIS_EVENT_SELECT(
        "WHERE organizer = ?1 AND (last_end_utc IS NULL OR last_end_utc >= ?2) AND "
        "(?3 = 1 OR status <> 'cancelled') AND (?4 = '' OR summary LIKE ?4 ESCAPE '\\' OR "
        "location LIKE ?4 ESCAPE '\\' OR description LIKE ?4 ESCAPE '\\') AND "
        "(?6 = '' OR id = ?6) ORDER BY start_utc, id LIMIT ?5"));
    s.bind(1, f.organizer).bind(2, f.now).bind(3, f.with_cancelled);
    s.bind(4, f.text.empty() ? std::string() : contains_pattern(f.text));
    s.bind(5, static_cast<std::int64_t>(f.limit)).bind(6, f.event_id);
    std::vector<Event> out;
    while (s.step()) out.push_back(read_event(s));
    if (f.with_occurrences)
        for (auto& e : out)
            if (!e.recurrence.empty()) load_occurrences(e);
    return out;
}

void SqliteTx::insert_cta_link(const CtaLink& l) {
    auto s = db_.prepare(
        "INSERT INTO cta_links (id, event_id, organizer, platform, landing_url, created_at) "
        "VALUES (?,?,?,?,?,?)");
    s.bind(1, l.id).bind(2, l.event_id).bind(3, l.organizer).bind(4, l.platform);
    s.bind(5, l.landing_url).bind(6, l.created_at).run();
}

std::optional<CtaLink> SqliteTx::find_cta_link(const std::string& id) {
    auto s = db_.prepare(CIS_CTA_SELECT("WHERE id = ?"));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_cta_link(s);
}

std::vector<CtaLink> SqliteTx::list_cta_links(const std::string& event_id) {
    auto s = db_.prepare(CIS_CTA_SELECT("WHERE event_id = ? ORDER BY created_at, id"));
    s.bind(1, event_id);
    std::vector<CtaLink> out;
    while (s.step()) out.push_back(read_cta_link(s));
    return out;
}

std::vector<std::string> SqliteTx::landing_urls(const std::string& organizer) {
    auto s = db_.prepare("SELECT url FROM landing_urls WHERE organizer = ? ORDER BY url");
    s.bind(1, organizer);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
}

void SqliteTx::set_landing_urls(const std::string& organizer, const std::vector<std::string>& urls,
                                std::int64_t now) {
    db_.prepare("DELETE FROM landing_urls WHERE organizer = ?").bind(1, organizer).run();
    for (const auto& url : urls) {
        auto s = db_.prepare(
            "INSERT INTO landing_urls (organizer, url, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING");
        s.bind(1, organizer).bind(2, url).bind(3, now).run();
    }
}

std::string SqliteTx::organizer_feed_token(const std::string& organizer) {
    auto s = db_.prepare("SELECT token FROM organizer_feeds WHERE organizer = ?");
    s.bind(1, organizer);
    return s.step() ? s.text(0) : std::string();
}

void SqliteTx::set_organizer_feed_token(const std::string& organizer, const std::string& token,
                                        std::int64_t now) {
    auto s = db_.prepare(
        "INSERT INTO organizer_feeds (organizer, token, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (organizer) DO UPDATE SET token = excluded.token, "
        "created_at = excluded.created_at");
    s.bind(1, organizer).bind(2, token).bind(3, now).run();
}

std::optional<std::string> SqliteTx::organizer_of_feed_token(const std::string& token) {
    auto s = db_.prepare("SELECT organizer FROM organizer_feeds WHERE token = ?");
    s.bind(1, token);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

// Event ids are URL-safe (no blanks): a confirmation keeps its selection space-separated.
void SqliteTx::insert_page_confirmation(const PageConfirmation& c) {
    constexpr std::int64_t kKeepExpired = 7 * 24 * 3600;
    db_.prepare("DELETE FROM page_confirmations WHERE expires_at < ?")
        .bind(1, c.created_at - kKeepExpired)
        .run();
    std::string ids;
    for (const auto& id : c.event_ids) ids += (ids.empty() ? "" : " ") + id;
    auto s = db_.prepare(
        "INSERT INTO page_confirmations (token, page_id, email, event_ids, created_at, "
        "expires_at) VALUES (?1,?2,?3,?4,?5,?6)");
    s.bind(1, c.token).bind(2, c.page_id).bind(3, c.email).bind(4, ids);
    s.bind(5, c.created_at).bind(6, c.expires_at).run();
}

std::optional<PageConfirmation> SqliteTx::find_page_confirmation(const std::string& token) {
    auto s = db_.prepare(
        "SELECT token, page_id, email, event_ids, created_at, expires_at, confirmed_at "
        "FROM page_confirmations WHERE token = ?");
    s.bind(1, token);
    if (!s.step()) return std::nullopt;
    PageConfirmation c{s.text(0), s.text(1), s.text(2), {}, s.i64(4), s.i64(5), s.opt_i64(6)};
    const std::string ids = s.text(3);
    for (std::size_t start = 0; start < ids.size();) {
        const auto end = std::min(ids.find(' ', start), ids.size());
        if (end > start) c.event_ids.push_back(ids.substr(start, end - start));
        start = end + 1;
    }
    return c;
}

void SqliteTx::mark_page_confirmed(const std::string& token, std::int64_t now) {
    db_.prepare(
           "UPDATE page_confirmations SET confirmed_at = ?2 "
           "WHERE token = ?1 AND confirmed_at IS NULL")
        .bind(1, token)
        .bind(2, now)
        .run();
}

}  // namespace cis::store
