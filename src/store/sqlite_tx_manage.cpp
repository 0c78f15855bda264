// What the management API reads beyond the CLI's needs: pages of organizers and keys,
// an organizer's approval switch and event count, the allowed organizer domains.
//
// Pages walk primary keys (organizers by address, keys by id), so a page costs an index
// range scan whatever its position; an entry added or removed between two pages is
// simply there or not, no entry is repeated.
#include "store/sqlite_tx.hpp"

namespace cis::store {

std::vector<Organizer> SqliteTx::list_organizers_page(const OrganizerPageFilter& f) {
    auto s = db_.prepare(
        "SELECT email, name, trust, coalesce(secret, ''), event_limit, created_at "
        "FROM organizers WHERE email > ?1 "
        "AND (?2 = '' OR substr(email, -length(?2) - 1) = '@' || ?2) "
        "ORDER BY email LIMIT ?3");
    s.bind(1, f.after).bind(2, f.domain).bind(3, static_cast<std::int64_t>(f.limit));
    std::vector<Organizer> out;
    while (s.step()) out.push_back(read_organizer(s));
    return out;
}

std::optional<bool> SqliteTx::organizer_approval(const std::string& email) {
    auto s = db_.prepare("SELECT approval FROM organizers WHERE email = ?");
    s.bind(1, email);
    if (!s.step() || s.is_null(0)) return std::nullopt;
    return s.i64(0) != 0;
}

std::vector<OrganizerDomain> SqliteTx::list_organizer_domains() {
    auto s = db_.prepare("SELECT domain, created_at FROM organizer_domains ORDER BY domain");
    std::vector<OrganizerDomain> out;
    while (s.step()) out.push_back(OrganizerDomain{s.text(0), s.i64(1)});
    return out;
}

bool SqliteTx::remove_organizer_domain(const std::string& domain) {
    db_.prepare("DELETE FROM organizer_domains WHERE domain = ?").bind(1, domain).run();
    return db_.changes() > 0;
}

std::int64_t SqliteTx::count_active_keys(const std::string& organizer) {
    auto s =
        db_.prepare("SELECT count(*) FROM api_keys WHERE organizer = ? AND revoked_at IS NULL");
    s.bind(1, organizer);
    s.step();
    return s.i64(0);
}

std::vector<ApiKey> SqliteTx::list_api_keys_page(const KeyFilter& f) {
    auto s = db_.prepare(
        "SELECT id, hash, role, coalesce(organizer, ''), coalesce(domain, ''), label, "
        "created_at, revoked_at FROM api_keys WHERE id > ?1 "
        "AND (?2 = '' OR (role = 'organizer' AND organizer = ?2)) "
        "AND (?3 = '' OR (role = 'organizer' AND substr(organizer, -length(?3) - 1) = '@' || ?3)) "
        "AND (?4 OR revoked_at IS NULL) ORDER BY id LIMIT ?5");
    s.bind(1, f.after).bind(2, f.organizer).bind(3, f.organizer_domain);
    s.bind(4, f.include_revoked).bind(5, static_cast<std::int64_t>(f.limit));
    std::vector<ApiKey> out;
    while (s.step()) out.push_back(read_key(s));
    return out;
}

}  // namespace cis::store
