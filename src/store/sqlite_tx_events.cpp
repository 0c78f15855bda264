#include <nlohmann/json.hpp>

#include "store/sqlite_tx.hpp"

namespace cis::store {

namespace {

std::string to_json(const std::vector<std::string>& v) {
    return nlohmann::json(v).dump();
}
std::vector<std::string> from_json(const std::string& s) {
    if (s == "[]") return {};  // nearly every event: no parse (pages read thousands)
    auto j = nlohmann::json::parse(s, nullptr, false);
    return j.is_array() ? j.get<std::vector<std::string>>() : std::vector<std::string>{};
}

constexpr int kFieldColumns = 12;

EventFields read_fields(const Statement& s, int c) {
    EventFields f;
    f.summary = s.text(c);
    f.description = s.text(c + 1);
    f.location = s.text(c + 2);
    f.all_day = s.i64(c + 9) != 0;
    const bool floating = s.i64(c + 10) != 0;
    f.start = CalTime{s.i64(c + 3), s.text(c + 4), f.all_day, floating};
    f.end = CalTime{s.i64(c + 5), s.text(c + 6), f.all_day, floating};
    f.timezone = s.text(c + 7);
    f.vtimezone = s.text(c + 8);
    f.status = event_status_from(s.text(c + 11)).value_or(EventStatus::Confirmed);
    return f;
}

void bind_fields(Statement& s, int c, const EventFields& f) {
    s.bind(c, f.summary).bind(c + 1, f.description).bind(c + 2, f.location);
    s.bind(c + 3, f.start.utc).bind(c + 4, f.start.local);
    s.bind(c + 5, f.end.utc).bind(c + 6, f.end.local);
    s.bind(c + 7, f.timezone).bind(c + 8, f.vtimezone).bind(c + 9, f.all_day);
    s.bind(c + 10, f.start.floating).bind(c + 11, to_string(f.status));
}

// rrule, rdates, exdates, last_end_utc, sequence, organizer_sequence, organizer_dtstamp
void bind_rest(Statement& s, int c, const Event& e) {
    s.bind(c, e.recurrence.rrule).bind(c + 1, to_json(e.recurrence.rdates));
    s.bind(c + 2, to_json(e.recurrence.exdates)).bind(c + 3, e.last_end).bind(c + 4, e.sequence);
    s.bind(c + 5, e.organizer_version.sequence).bind(c + 6, e.organizer_version.dtstamp);
}

}  // namespace

Event SqliteTx::read_event(Statement& s) {
    Event e;
    e.id = s.text(0);
    e.organizer = s.text(1);
    e.original_uid = s.text(2);
    e.recurrence_id = s.text(3);
    e.fields = read_fields(s, 4);
    constexpr int r = 4 + kFieldColumns;
    e.recurrence.rrule = s.text(r);
    e.recurrence.rdates = from_json(s.text(r + 1));
    e.recurrence.exdates = from_json(s.text(r + 2));
    e.last_end = s.opt_i64(r + 3);
    e.sequence = s.i64(r + 4);
    e.organizer_version = Version{s.i64(r + 5), s.i64(r + 6)};
    e.created_at = s.i64(r + 7);
    e.updated_at = s.i64(r + 8);
    return e;
}

void SqliteTx::load_occurrences(Event& e) {
    auto s = db_.prepare("SELECT recurrence_id, " CIS_FIELD_COLUMNS
                         ", organizer_sequence, organizer_dtstamp FROM occurrences "
                         "WHERE event_id = ? ORDER BY recurrence_id");
    s.bind(1, e.id);
    while (s.step()) {
        Occurrence o;
        o.recurrence_id = s.text(0);
        o.fields = read_fields(s, 1);
        o.version = Version{s.i64(1 + kFieldColumns), s.i64(2 + kFieldColumns)};
        e.occurrences.push_back(std::move(o));
    }
}

void SqliteTx::write_occurrences(const Event& e) {
    db_.prepare("DELETE FROM occurrences WHERE event_id = ?").bind(1, e.id).run();
    for (const auto& o : e.occurrences) {
        auto s = db_.prepare("INSERT INTO occurrences (event_id, recurrence_id, " CIS_FIELD_COLUMNS
                             ", organizer_sequence, organizer_dtstamp) "
                             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        s.bind(1, e.id).bind(2, o.recurrence_id);
        bind_fields(s, 3, o.fields);
        s.bind(3 + kFieldColumns, o.version.sequence).bind(4 + kFieldColumns, o.version.dtstamp);
        s.run();
    }
}

std::optional<Event> SqliteTx::find_event(const std::string& organizer, const std::string& uid,
                                          const std::string& recurrence_id) {
    auto s = db_.prepare(
        CIS_EVENT_SELECT("WHERE organizer = ? AND original_uid = ? AND recurrence_id = ?"));
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
        "INSERT INTO events (id, organizer, original_uid, recurrence_id, " CIS_FIELD_COLUMNS
        ", rrule, rdates, exdates, last_end_utc, sequence, organizer_sequence, "
        "organizer_dtstamp, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, e.id).bind(2, e.organizer).bind(3, e.original_uid).bind(4, e.recurrence_id);
    bind_fields(s, 5, e.fields);
    bind_rest(s, 5 + kFieldColumns, e);
    constexpr int after = 5 + kFieldColumns + 7;
    s.bind(after, e.created_at).bind(after + 1, e.updated_at);
    s.run();
    write_occurrences(e);
}

void SqliteTx::update_event(const Event& e) {
    auto s = db_.prepare(
        "UPDATE events SET summary = ?1, description = ?2, location = ?3, start_utc = ?4, "
        "start_local = ?5, end_utc = ?6, end_local = ?7, timezone = ?8, vtimezone = ?9, "
        "all_day = ?10, floating = ?11, status = ?12, rrule = ?13, rdates = ?14, exdates = ?15, "
        "last_end_utc = ?16, sequence = ?17, organizer_sequence = ?18, organizer_dtstamp = ?19, "
        "updated_at = ?20 WHERE id = ?21");
    bind_fields(s, 1, e.fields);
    bind_rest(s, 1 + kFieldColumns, e);
    s.bind(20, e.updated_at).bind(21, e.id);
    s.run();
    if (db_.changes() != 1) throw std::runtime_error("update of unknown event " + e.id);
    write_occurrences(e);
}

}  // namespace cis::store
