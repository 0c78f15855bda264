// Suppressions as the API sees them: one entry, a filtered page, removal. (The checks
// made when mailing, suppression_reason() and put_suppression(), are in
// sqlite_tx_outbound.cpp.)
//
// Paging runs on the table's rowid: SQLite gives a new row the highest rowid, so rowid
// order is insertion order (an upsert keeps its row), and walking it backwards from a
// cursor needs no index. The table has no INTEGER PRIMARY KEY, so a VACUUM may renumber
// rows: a listing paged across one may then repeat or skip entries, nothing worse.
#include "store/sqlite_tx.hpp"

namespace cis::store {

namespace {

#define CIS_SUPPRESSION_SELECT(where) \
    ("SELECT rowid, email, organizer, reason, detail, created_at FROM suppressions " where)

// The part of the filter after the email, shared by both listings (?1 is the email).
#define CIS_SUPPRESSION_SCOPE                                                              \
    "(?2 = '' OR reason = ?2) AND (?3 = 0 OR rowid < ?3) AND "                             \
    "((?4 AND organizer = '') OR (?5 AND organizer <> '' AND (?6 = '' OR organizer = ?6) " \
    "AND (?7 = '' OR substr(organizer, -length(?7) - 1) = '@' || ?7))) "                   \
    "ORDER BY rowid DESC LIMIT ?8"

Suppression read_suppression(const Statement& s) {
    Suppression x;
    x.position = s.i64(0);
    x.email = s.text(1);
    x.organizer = s.text(2);
    x.reason = s.text(3);
    x.detail = s.text(4);
    x.created_at = s.i64(5);
    return x;
}

}  // namespace

std::optional<Suppression> SqliteTx::find_suppression(const std::string& email,
                                                      const std::string& organizer) {
    auto s = db_.prepare(CIS_SUPPRESSION_SELECT("WHERE email = ? AND organizer = ?"));
    s.bind(1, email).bind(2, organizer);
    if (!s.step()) return std::nullopt;
    return read_suppression(s);
}

std::vector<Suppression> SqliteTx::list_suppressions(const SuppressionFilter& f) {
    // Two statements, so that a lookup by address uses the primary key (email, organizer)
    // instead of walking the whole table.
    auto s =
        f.email.empty()
            ? db_.prepare(CIS_SUPPRESSION_SELECT("WHERE ?1 = '' AND " CIS_SUPPRESSION_SCOPE))
            : db_.prepare(CIS_SUPPRESSION_SELECT("WHERE email = ?1 AND " CIS_SUPPRESSION_SCOPE));
    s.bind(1, f.email).bind(2, f.reason).bind(3, f.before).bind(4, f.global).bind(5, f.scoped);
    s.bind(6, f.organizer).bind(7, f.domain).bind(8, static_cast<std::int64_t>(f.limit));
    std::vector<Suppression> out;
    while (s.step()) out.push_back(read_suppression(s));
    return out;
}

bool SqliteTx::remove_suppression(const std::string& email, const std::string& organizer) {
    db_.prepare("DELETE FROM suppressions WHERE email = ? AND organizer = ?")
        .bind(1, email)
        .bind(2, organizer)
        .run();
    return db_.changes() > 0;
}

}  // namespace cis::store
