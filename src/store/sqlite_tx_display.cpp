// Display and statistics: paged listings of events and invitees, and the invitee counters
// that migration 3's triggers keep (sums of them for an organizer or the installation).
#include <limits>

#include "store/sqlite_tx.hpp"

namespace cis::store {

std::string contains_pattern(const std::string& text) {
    std::string p = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') p += '\\';
        p += c;
    }
    return p + "%";
}

namespace {

// The filters both listings share, after the organizer condition: ?2 status, ?3/?4 the
// start range, ?5 the text, ?6 the position to continue below, ?7 the limit.
#define CIS_EVENT_PAGE_FILTERS                                                              \
    " AND (?2 = '' OR status = ?2) AND (?3 IS NULL OR start_utc >= ?3) AND (?4 IS NULL OR " \
    "start_utc < ?4) AND (?5 = '' OR summary LIKE ?5 ESCAPE '\\' OR location LIKE ?5 "      \
    "ESCAPE '\\' OR description LIKE ?5 ESCAPE '\\') AND rowid < ?6 ORDER BY rowid DESC "   \
    "LIMIT ?7"

// The event columns, then the rowid (the listing position) after them.
#define CIS_EVENT_PAGE_SELECT(from_where)                                     \
    ("SELECT id, organizer, original_uid, recurrence_id, " CIS_FIELD_COLUMNS  \
     ", rrule, rdates, exdates, last_end_utc, sequence, organizer_sequence, " \
     "organizer_dtstamp, created_at, updated_at, rowid FROM " from_where CIS_EVENT_PAGE_FILTERS)
constexpr int kPositionColumn = 25;

}  // namespace

std::vector<ListedEvent> SqliteTx::list_events_page(const EventPageFilter& f) {
    // The organizer's listing walks its (organizer, rowid) index backwards, so a page costs
    // the same however deep it is; the system listing walks the table itself.
    auto s = f.organizer.empty()
                 ? db_.prepare(CIS_EVENT_PAGE_SELECT("events WHERE ?1 = ''"))
                 : db_.prepare(CIS_EVENT_PAGE_SELECT(
                       "events INDEXED BY events_by_organizer_created WHERE organizer = ?1"));
    s.bind(1, f.organizer).bind(2, f.status).bind(3, f.from).bind(4, f.to);
    s.bind(5, f.text.empty() ? std::string() : contains_pattern(f.text));
    s.bind(6, f.before > 0 ? f.before : std::numeric_limits<std::int64_t>::max());
    s.bind(7, static_cast<std::int64_t>(f.limit));
    std::vector<ListedEvent> out;
    while (s.step()) out.push_back({read_event(s), s.i64(kPositionColumn)});
    return out;
}

std::vector<Invitee> SqliteTx::list_attendees(const AttendeeFilter& f) {
    // By address: the (event_id, email) unique index gives that order without a sort. A
    // cursor naming an invitee of another event finds no address and so an empty page.
    auto s = db_.prepare(CIS_INVITEE_SELECT(
        "WHERE event_id = ?1 AND email > CASE WHEN ?2 = 0 THEN '' ELSE (SELECT email FROM "
        "invitees WHERE id = ?2 AND event_id = ?1) END AND (?3 = '' OR status = ?3) AND "
        "(?4 = '' OR delivery = ?4) ORDER BY event_id, email LIMIT ?5"));
    s.bind(1, f.event_id).bind(2, f.after).bind(3, f.status).bind(4, f.delivery);
    s.bind(5, static_cast<std::int64_t>(f.limit));
    std::vector<Invitee> out;
    while (s.step()) out.push_back(read_invitee(s));
    return out;
}

std::vector<InviteeCount> SqliteTx::invitee_counts(const CountScope& scope) {
    auto s = !scope.event_id.empty()
                 ? db_.prepare(
                       "SELECT dimension, value, n FROM invitee_counts WHERE event_id = ?1 "
                       "AND n <> 0 ORDER BY dimension, value")
             : !scope.organizer.empty()
                 ? db_.prepare(
                       "SELECT c.dimension, c.value, sum(c.n) FROM events e JOIN "
                       "invitee_counts c ON c.event_id = e.id WHERE e.organizer = ?2 "
                       "GROUP BY c.dimension, c.value HAVING sum(c.n) <> 0 "
                       "ORDER BY c.dimension, c.value")
                 : db_.prepare(
                       "SELECT dimension, value, sum(n) FROM invitee_counts "
                       "GROUP BY dimension, value HAVING sum(n) <> 0 ORDER BY dimension, value");
    if (!scope.event_id.empty())
        s.bind(1, scope.event_id);
    else if (!scope.organizer.empty())
        s.bind(2, scope.organizer);
    std::vector<InviteeCount> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.i64(2)});
    return out;
}

std::int64_t SqliteTx::count_events(const CountScope& scope) {
    auto s = scope.organizer.empty()
                 ? db_.prepare("SELECT count(*) FROM events")
                 : db_.prepare("SELECT count(*) FROM events WHERE organizer = ?");
    if (!scope.organizer.empty()) s.bind(1, scope.organizer);
    s.step();
    return s.i64(0);
}

std::vector<EventChange> SqliteTx::event_versions(const std::string& event_id) {
    auto s = db_.prepare(
        "SELECT sequence, outcome, kind, approval, fanout, queued FROM event_changes "
        "WHERE event_id = ? ORDER BY sequence, id");
    s.bind(1, event_id);
    std::vector<EventChange> out;
    while (s.step()) {
        EventChange c;
        c.event_id = event_id;
        c.sequence = s.i64(0);
        c.outcome = s.text(1);
        c.kind = s.text(2);
        c.approval = s.text(3);
        c.fanout = s.text(4);
        c.queued = s.i64(5);
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace cis::store
