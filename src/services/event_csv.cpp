// A CSV of events → the VEVENTs an import applies (SPEC §3.6). One row per event:
// summary, start, end, timezone, location, description, uid. Times are local in
// `timezone` ("2030-06-01 19:05" or "2030-06-01T19:05:00"), UTC ("…Z"), with an offset
// ("…+02:00"), or dates for all-day events (end date inclusive, as spreadsheets mean it).
// A row without uid gets one derived from its summary and start, so re-importing the
// same file updates the events instead of duplicating them. A row that cannot be read
// becomes a problem with its reason; the others are imported.
#include <fmt/format.h>

#include <map>
#include <variant>

#include "csv/reader.hpp"
#include "ical/timezones.hpp"
#include "services/ids.hpp"
#include "services/import_file.hpp"

namespace cis::services {

namespace {

struct TimeText {
    CivilTime civil;
    bool is_date = false;
    std::optional<std::int64_t> instant;  // UTC or with an offset: already an instant
};

std::optional<int> digits(std::string_view s, std::size_t at, std::size_t n) {
    if (at + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

// "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS]", optionally ending in Z or ±HH:MM.
std::optional<TimeText> parse_time(std::string_view s) {
    TimeText t;
    auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
    if (!y || !mo || !d || s[4] != '-' || s[7] != '-') return std::nullopt;
    t.civil = CivilTime{*y, *mo, *d, 0, 0, 0};
    if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31) return std::nullopt;
    if (epoch_to_civil(civil_to_epoch(t.civil)).day != *d) return std::nullopt;  // 2030-02-30
    if (s.size() == 10) {
        t.is_date = true;
        return t;
    }
    if (s[10] != 'T' && s[10] != ' ') return std::nullopt;
    auto h = digits(s, 11, 2), mi = digits(s, 14, 2);
    if (!h || !mi || s[13] != ':' || *h > 23 || *mi > 59) return std::nullopt;
    t.civil.hour = *h;
    t.civil.minute = *mi;
    std::size_t at = 16;
    if (at < s.size() && s[at] == ':') {
        auto sec = digits(s, at + 1, 2);
        if (!sec || *sec > 59) return std::nullopt;
        t.civil.second = *sec;
        at += 3;
    }
    const std::string_view rest = s.substr(at);
    if (rest.empty()) return t;
    if (rest == "Z" || rest == "z") {
        t.instant = civil_to_epoch(t.civil);
        return t;
    }
    auto oh = digits(rest, 1, 2), om = digits(rest, 4, 2);
    if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' || !oh || !om)
        return std::nullopt;
    const std::int64_t offset = (*oh * 3600 + *om * 60) * (rest[0] == '+' ? 1 : -1);
    t.instant = civil_to_epoch(t.civil) - offset;
    return t;
}

std::string basic(const CivilTime& c, bool is_date) {
    return is_date ? fmt::format("{:04}{:02}{:02}", c.year, c.month, c.day)
                   : fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}", c.year, c.month, c.day, c.hour,
                                 c.minute, c.second);
}

// One cell's time as a CalTime, or the reason it cannot be one.
std::variant<CalTime, std::string> to_caltime(const TimeText& t, const ical::ZoneInfo* zone,
                                              std::string_view column) {
    CalTime c;
    c.is_date = t.is_date;
    if (t.is_date) {
        c.utc = civil_to_epoch(t.civil);
        c.local = basic(t.civil, true);
    } else if (t.instant) {
        c.utc = *t.instant;
        c.local = format_basic_utc(*t.instant);
    } else if (!zone) {
        return fmt::format(
            "{} is a local time but the timezone column is empty: name the zone (e.g. "
            "America/New_York) or end the time with Z for UTC",
            column);
    } else {
        auto utc = ical::ZoneResolver::shared().to_utc(t.civil, *zone);
        if (!utc) return fmt::format("{} cannot be converted in {}", column, zone->iana);
        c.utc = *utc;
        c.local = basic(t.civil, false);
    }
    return c;
}

class RowReader {
  public:
    RowReader(ImportFile& f, std::int64_t now) : f_(f), now_(now) {}

    void header(const csv::Record& r) {
        header_.emplace(r.fields);
        for (const char* needed : {"summary", "start"})
            if (!header_->find(needed) && f_.error.empty())
                f_.error = fmt::format(
                    "{}: the header row has no \"{}\" column (columns: summary, start, end, "
                    "timezone, location, description, uid)",
                    f_.where, needed);
    }

    void row(const csv::Record& r) {
        const std::string key = fmt::format("row {}", r.line);
        if (!r.ok()) return problem(key, "", fmt::format("line {}: {}", r.line, r.error));
        const auto cell = [&](const char* name) { return std::string(header_->value(r, name)); };
        IncomingEvent ev;
        ev.fields.summary = cell("summary");
        ev.fields.location = cell("location");
        ev.fields.description = cell("description");
        const std::string& summary = ev.fields.summary;
        if (summary.empty()) return problem(key, "", "the summary is empty");
        const std::string start_text = cell("start"), end_text = cell("end");
        const std::string zone_text = cell("timezone");
        const auto start = parse_time(start_text);
        if (!start)
            return problem(key, summary,
                           fmt::format("start \"{}\" is not a date (2030-06-01) or date-time "
                                       "(2030-06-01 19:05, or ending in Z)",
                                       start_text));
        std::optional<ical::ZoneInfo> zone;
        if (!zone_text.empty() && !start->is_date) {
            zone = ical::ZoneResolver::shared().resolve(zone_text, "", start->civil.year);
            if (zone->iana.empty())
                return problem(key, summary,
                               fmt::format("unknown time zone \"{}\" (use an IANA name such as "
                                           "America/New_York)",
                                           zone_text));
        }
        auto s = to_caltime(*start, zone ? &*zone : nullptr, "start");
        if (auto* why = std::get_if<std::string>(&s)) return problem(key, summary, *why);
        ev.fields.start = std::get<CalTime>(s);
        ev.fields.all_day = start->is_date;
        if (!start->instant && zone) ev.fields.timezone = zone->iana;
        if (!fill_end(ev, end_text, *start, zone, key)) return;
        ev.uid = cell("uid");
        const bool derived = ev.uid.empty();
        if (derived)
            ev.uid = "csv-" +
                     sha256_hex(summary + "\n" + ev.fields.start.local + "\n" + ev.fields.timezone)
                         .substr(0, 32);
        auto [it, fresh] = rows_by_uid_.emplace(ev.uid, r.line);
        if (!fresh)
            return problem(
                key, summary,
                derived ? fmt::format("same summary and start as row {}; give the "
                                      "rows a uid to keep both",
                                      it->second)
                        : fmt::format("uid {} is already used by row {}", ev.uid, it->second));
        ev.version.dtstamp = now_;  // a later import of a changed row is a newer version
        ev.last_end = ev.fields.end.utc;
        if (f_.calendar.events.size() >= kMaxImportEvents) {
            f_.error = fmt::format(
                "{} holds more than {} events; one import takes at most "
                "that many: split the file",
                f_.where, kMaxImportEvents);
            return;
        }
        f_.calendar.events.push_back(std::move(ev));
    }

    bool has_header() const { return header_.has_value(); }

  private:
    bool fill_end(IncomingEvent& ev, const std::string& end_text, const TimeText& start,
                  const std::optional<ical::ZoneInfo>& zone, const std::string& key) {
        const std::string& summary = ev.fields.summary;
        if (end_text.empty()) {  // RFC 5545 §3.6.1: a day for a date, an instant otherwise
            ev.fields.end = ev.fields.start;
            if (start.is_date) {
                ev.fields.end.utc += 86400;
                ev.fields.end.local = basic(epoch_to_civil(ev.fields.end.utc), true);
            }
            return true;
        }
        const auto end = parse_time(end_text);
        if (!end || end->is_date != start.is_date) {
            problem(key, summary,
                    fmt::format("end \"{}\" is not a {}", end_text,
                                start.is_date ? "date, like start" : "date-time, like start"));
            return false;
        }
        auto e = to_caltime(*end, zone ? &*zone : nullptr, "end");
        if (auto* why = std::get_if<std::string>(&e)) {
            problem(key, summary, *why);
            return false;
        }
        ev.fields.end = std::get<CalTime>(e);
        if (end->is_date) {  // inclusive in the file, exclusive in iCalendar
            ev.fields.end.utc += 86400;
            ev.fields.end.local = basic(epoch_to_civil(ev.fields.end.utc), true);
        }
        if (ev.fields.end.utc < ev.fields.start.utc) {
            problem(key, summary,
                    fmt::format("end {} is before start {}", end_text, start_text_of(ev)));
            return false;
        }
        return true;
    }

    static std::string start_text_of(const IncomingEvent& ev) {
        return to_rfc3339(ev.fields.start);
    }

    void problem(std::string key, std::string summary, std::string reason) {
        f_.problems.push_back(ImportProblem{std::move(key), std::move(summary), std::move(reason)});
    }

    ImportFile& f_;
    const std::int64_t now_;
    std::optional<csv::Header> header_;
    std::map<std::string, std::size_t> rows_by_uid_;
};

}  // namespace

ImportFile read_csv_import(std::string_view text, std::string where, std::int64_t now) {
    ImportFile f;
    f.where = std::move(where);
    RowReader rows(f, now);
    const csv::Sink sink = [&](csv::Record&& r) {
        if (!f.error.empty()) return;
        if (!rows.has_header()) {
            if (!r.ok()) {
                f.error = fmt::format("{}: the header row cannot be read: {}", f.where, r.error);
                return;
            }
            return rows.header(r);
        }
        rows.row(r);
    };
    csv::Reader reader;
    reader.feed(text, sink);
    reader.finish(sink);
    if (f.error.empty() && !rows.has_header()) f.error = f.where + " is empty";
    if (f.error.empty() && f.calendar.events.empty() && f.problems.empty())
        f.error = f.where + " has a header row but no events";
    if (!f.error.empty()) {
        f.calendar.events.clear();
        f.problems.clear();
    }
    return f;
}

}  // namespace cis::services
