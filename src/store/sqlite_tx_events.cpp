#include <nlohmann/json.hpp>

#include "store/sqlite_tx.hpp"

namespace cis::store {

namespace {
std::string to_json(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }
std::vector<std::string> from_json(const std::string& s) {
    auto j = nlohmann::json::parse(s, nullptr, false);
    return j.is_array() ? j.get<std::vector<std::string>>() : std::vector<std::string>{};
}
EventStatus status_of(const std::string& s) {
    return event_status_from(s).value_or(EventStatus::Confirmed);
}
CalTime cal_time(std::int64_t utc, std::string local, bool all_day, bool floating) {
    return CalTime{utc, std::move(local), all_day, floating};
}

#define CIS_EVENT_SELECT(where)                                                              \
    ("SELECT id, organizer, original_uid, recurrence_id, summary, description, location, "   \
     "start_utc, start_local, end_utc, end_local, timezone, vtimezone, all_day, floating, "   \
     "rrule, rdates, exdates, last_end_utc, status, sequence, organizer_sequence, "           \
     "organizer_dtstamp, created_at, updated_at FROM events " where)
}  // namespace

Event SqliteTx::read_event(Statement& s) {
    Event e;
    e.id = s.text(0);
    e.organizer = s.text(1);
    e.original_uid = s.text(2);
    e.recurrence_id = s.text(3);
    e.fields.summary = s.text(4);
    e.fields.description = s.text(5);
    e.fields.location = s.text(6);
    const bool all_day = s.i64(13) != 0, floating = s.i64(14) != 0;
    e.fields.start = cal_time(s.i64(7), s.text(8), all_day, floating);
    e.fields.end = cal_time(s.i64(9), s.text(10), all_day, floating);
    e.fields.timezone = s.text(11);
    e.fields.vtimezone = s.text(12);
    e.fields.all_day = all_day;
    e.recurrence.rrule = s.text(15);
    e.recurrence.rdates = from_json(s.text(16));
    e.recurrence.exdates = from_json(s.text(17));
    e.last_end = s.opt_i64(18);
    e.fields.status = status_of(s.text(19));
    e.sequence = s.i64(20);
    e.organizer_version = Version{s.i64(21), s.i64(22)};
    e.created_at = s.i64(23);
    e.updated_at = s.i64(24);
    return e;
}

void SqliteTx::load_occurrences(Event& e) {
    auto s = db_.prepare(
        "SELECT recurrence_id, summary, description, location, start_utc, start_local, end_utc, "
        "end_local, timezone, vtimezone, all_day, floating, status, organizer_sequence, "
        "organizer_dtstamp FROM occurrences WHERE event_id = ? ORDER BY recurrence_id");
    s.bind(1, e.id);
    while (s.step()) {
        Occurrence o;
        o.recurrence_id = s.text(0);
        o.fields.summary = s.text(1);
        o.fields.description = s.text(2);
        o.fields.location = s.text(3);
        const bool all_day = s.i64(10) != 0, floating = s.i64(11) != 0;
        o.fields.start = cal_time(s.i64(4), s.text(5), all_day, floating);
        o.fields.end = cal_time(s.i64(6), s.text(7), all_day, floating);
        o.fields.timezone = s.text(8);
        o.fields.vtimezone = s.text(9);
        o.fields.all_day = all_day;
        o.fields.status = status_of(s.text(12));
        o.version = Version{s.i64(13), s.i64(14)};
        e.occurrences.push_back(std::move(o));
    }
}

void SqliteTx::write_occurrences(const Event& e) {
    db_.prepare("DELETE FROM occurrences WHERE event_id = ?").bind(1, e.id).run();
    for (const auto& o : e.occurrences) {
        auto s = db_.prepare(
            "INSERT INTO occurrences (event_id, recurrence_id, summary, description, location, "
            "start_utc, start_local, end_utc, end_local, timezone, vtimezone, all_day, floating, "
            "status, organizer_sequence, organizer_dtstamp) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        s.bind(1, e.id).bind(2, o.recurrence_id).bind(3, o.fields.summary);
        s.bind(4, o.fields.description).bind(5, o.fields.location);
        s.bind(6, o.fields.start.utc).bind(7, o.fields.start.local);
        s.bind(8, o.fields.end.utc).bind(9, o.fields.end.local);
        s.bind(10, o.fields.timezone).bind(11, o.fields.vtimezone).bind(12, o.fields.all_day);
        s.bind(13, o.fields.start.floating).bind(14, to_string(o.fields.status));
        s.bind(15, o.version.sequence).bind(16, o.version.dtstamp);
        s.run();
    }
}

std::optional<Event> SqliteTx::find_event(const std::string& organizer, const std::string& uid,
                                          const std::string& recurrence_id) {
    auto s = db_.prepare(CIS_EVENT_SELECT(
        "WHERE organizer = ? AND original_uid = ? AND recurrence_id = ?"));
    s.bind(1, organizer).bind(2, uid).bind(3, recurrence_id);
    if (!s.step()) return std::nullopt;
    Event e = read_event(s);
    load_occurrences(e);
    return e;
}

std::optional<Event> SqliteTx::find_event_by_id(const std::string& id) {
    auto s = db_.prepare(CIS_EVENT_SELECT("WHERE id = ?"));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    Event e = read_event(s);
    load_occurrences(e);
    return e;
}

std::vector<Event> SqliteTx::list_events(const EventFilter& f) {
    std::vector<Event> out;
    {
        auto s = db_.prepare(CIS_EVENT_SELECT(
            "WHERE (?1 = '' OR organizer = ?1) ORDER BY created_at DESC, id LIMIT ?2"));
        s.bind(1, f.organizer).bind(2, static_cast<std::int64_t>(f.limit));
        while (s.step()) out.push_back(read_event(s));
    }
    for (auto& e : out) load_occurrences(e);
    return out;
}

bool SqliteTx::uid_owned_by_other(const std::string& organizer, const std::string& uid) {
    auto s = db_.prepare("SELECT 1 FROM events WHERE original_uid = ? AND organizer <> ? LIMIT 1");
    s.bind(1, uid).bind(2, organizer);
    return s.step();
}

std::int64_t SqliteTx::count_upcoming_events(const std::string& organizer, std::int64_t now) {
    auto s = db_.prepare(
        "SELECT count(*) FROM events WHERE organizer = ? AND status <> 'cancelled' "
        "AND (last_end_utc IS NULL OR last_end_utc >= ?)");
    s.bind(1, organizer).bind(2, now);
    s.step();
    return s.i64(0);
}

void SqliteTx::insert_event(const Event& e) {
    auto s = db_.prepare(
        "INSERT INTO events (id, organizer, original_uid, recurrence_id, summary, description, "
        "location, start_utc, start_local, end_utc, end_local, timezone, vtimezone, all_day, "
        "floating, rrule, rdates, exdates, last_end_utc, status, sequence, organizer_sequence, "
        "organizer_dtstamp, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, e.id).bind(2, e.organizer).bind(3, e.original_uid).bind(4, e.recurrence_id);
    s.bind(5, e.fields.summary).bind(6, e.fields.description).bind(7, e.fields.location);
    s.bind(8, e.fields.start.utc).bind(9, e.fields.start.local);
    s.bind(10, e.fields.end.utc).bind(11, e.fields.end.local);
    s.bind(12, e.fields.timezone).bind(13, e.fields.vtimezone).bind(14, e.fields.all_day);
    s.bind(15, e.fields.start.floating).bind(16, e.recurrence.rrule);
    s.bind(17, to_json(e.recurrence.rdates)).bind(18, to_json(e.recurrence.exdates));
    s.bind(19, e.last_end).bind(20, to_string(e.fields.status)).bind(21, e.sequence);
    s.bind(22, e.organizer_version.sequence).bind(23, e.organizer_version.dtstamp);
    s.bind(24, e.created_at).bind(25, e.updated_at);
    s.run();
    write_occurrences(e);
}

void SqliteTx::update_event(const Event& e) {
    auto s = db_.prepare(
        "UPDATE events SET summary = ?, description = ?, location = ?, start_utc = ?, "
        "start_local = ?, end_utc = ?, end_local = ?, timezone = ?, vtimezone = ?, all_day = ?, "
        "floating = ?, rrule = ?, rdates = ?, exdates = ?, last_end_utc = ?, status = ?, "
        "sequence = ?, organizer_sequence = ?, organizer_dtstamp = ?, updated_at = ? "
        "WHERE id = ?");
    s.bind(1, e.fields.summary).bind(2, e.fields.description).bind(3, e.fields.location);
    s.bind(4, e.fields.start.utc).bind(5, e.fields.start.local);
    s.bind(6, e.fields.end.utc).bind(7, e.fields.end.local);
    s.bind(8, e.fields.timezone).bind(9, e.fields.vtimezone).bind(10, e.fields.all_day);
    s.bind(11, e.fields.start.floating).bind(12, e.recurrence.rrule);
    s.bind(13, to_json(e.recurrence.rdates)).bind(14, to_json(e.recurrence.exdates));
    s.bind(15, e.last_end).bind(16, to_string(e.fields.status)).bind(17, e.sequence);
    s.bind(18, e.organizer_version.sequence).bind(19, e.organizer_version.dtstamp);
    s.bind(20, e.updated_at).bind(21, e.id);
    s.run();
    if (db_.changes() != 1) throw std::runtime_error("update of unknown event " + e.id);
    write_occurrences(e);
}

void SqliteTx::record_change(const std::string& event_id, std::int64_t sequence,
                             const std::string& outcome, std::optional<std::int64_t> inbound_id,
                             std::int64_t now) {
    auto s = db_.prepare(
        "INSERT INTO event_changes (event_id, sequence, outcome, inbound_id, created_at) "
        "VALUES (?,?,?,?,?)");
    s.bind(1, event_id).bind(2, sequence).bind(3, outcome).bind(4, inbound_id).bind(5, now);
    s.run();
}

std::int64_t SqliteTx::count_invitees(const std::string& event_id, bool only_yes_maybe) {
    auto s = db_.prepare(
        "SELECT count(*) FROM invitees WHERE event_id = ?1 "
        "AND (?2 = 0 OR status IN ('yes','maybe'))");
    s.bind(1, event_id).bind(2, only_yes_maybe);
    s.step();
    return s.i64(0);
}

}  // namespace cis::store
