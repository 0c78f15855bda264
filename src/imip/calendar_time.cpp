#include "imip/calendar_time.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "imip/ical_text.hpp"
#include "imip/zone_text.hpp"

namespace cis::imip {

namespace {

std::string basic(const CivilTime& c, bool date) {
    if (date) return fmt::format("{:04}{:02}{:02}", c.year, c.month, c.day);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}", c.year, c.month, c.day, c.hour, c.minute,
                       c.second);
}

// The organizer's wall-clock value, when `local` holds one (not UTC, not a date).
std::optional<CivilTime> written_wall(const CalTime& t) {
    bool is_date = false, is_utc = false;
    auto c = parse_basic(t.local, &is_date, &is_utc);
    if (!c || is_date || is_utc) return std::nullopt;
    return c;
}

std::string with_tzid(std::string_view name, const std::string& tzid) {
    std::string out(name);
    out += ";TZID=";
    append_param(out, tzid);
    out += ':';
    return out;
}

}  // namespace

TimeStyle style_of(const EventFields& f) {
    TimeStyle s;
    if (f.all_day || f.start.is_date) {
        s.kind = TimeStyle::Date;
    } else if (f.start.floating) {
        s.kind = TimeStyle::Floating;
    } else if (!f.timezone.empty() && utc_offset(f.timezone, f.start.utc)) {
        s.kind = TimeStyle::Iana;
        s.tzid = f.timezone;
    } else if (!f.vtimezone.empty()) {
        s.custom = read_custom_zone(f.vtimezone);
        // Without a readable definition the instant is all we can trust: UTC. (Likewise
        // an IANA id ICU does not know, above: a TZID needs a VTIMEZONE.)
        s.kind = s.custom ? TimeStyle::Custom : TimeStyle::Utc;
        if (s.custom) s.tzid = s.custom->tzid;
    }
    return s;
}

CivilTime wall_clock(const CalTime& t, const TimeStyle& style) {
    switch (style.kind) {
        case TimeStyle::Date: {
            bool is_date = false;
            if (auto c = parse_basic(t.local, &is_date); c && is_date) return *c;
            return epoch_to_civil(t.utc);
        }
        case TimeStyle::Floating:
            if (t.local.size() >= 15)
                if (auto c = parse_basic(std::string_view(t.local).substr(0, 15))) return *c;
            return epoch_to_civil(t.utc);
        case TimeStyle::Iana:
            if (auto c = written_wall(t)) return *c;
            return epoch_to_civil(t.utc + utc_offset(style.tzid, t.utc).value_or(0));
        case TimeStyle::Custom:
            if (auto c = written_wall(t)) return *c;
            return epoch_to_civil(t.utc);
        case TimeStyle::Utc:
            break;
    }
    return epoch_to_civil(t.utc);
}

std::int32_t offset_of(const CalTime& t, const TimeStyle& style) {
    if (style.kind == TimeStyle::Iana)
        if (auto o = utc_offset(style.tzid, t.utc)) return *o;
    if (style.kind == TimeStyle::Custom)
        if (auto c = written_wall(t)) return static_cast<std::int32_t>(civil_to_epoch(*c) - t.utc);
    return 0;
}

std::string time_property(std::string_view name, const CalTime& t, const TimeStyle& style) {
    switch (style.kind) {
        case TimeStyle::Date:
            return fmt::format("{};VALUE=DATE:{}", name, basic(wall_clock(t, style), true));
        case TimeStyle::Floating:
            return fmt::format("{}:{}", name, basic(wall_clock(t, style), false));
        case TimeStyle::Iana:
            return with_tzid(name, style.tzid) + basic(wall_clock(t, style), false);
        case TimeStyle::Custom:
            if (auto c = written_wall(t)) return with_tzid(name, style.tzid) + basic(*c, false);
            break;  // no wall-clock value to write in that zone: the instant in UTC
        case TimeStyle::Utc:
            break;
    }
    return fmt::format("{}:{}", name, format_basic_utc(t.utc));
}

std::int64_t key_instant(const std::string& key, const CalTime& master_start,
                         const TimeStyle& style) {
    bool is_date = false, is_utc = false;
    const auto c = parse_basic(key, &is_date, &is_utc);
    if (!c) return master_start.utc;
    if (!is_date || style.kind == TimeStyle::Date) return civil_to_epoch(*c);
    // A date for a timed series: that day at the master's time of day, in its zone.
    const CivilTime start = wall_clock(master_start, style);
    const std::int64_t wall = civil_to_epoch(
        CivilTime{c->year, c->month, c->day, start.hour, start.minute, start.second});
    if (style.kind == TimeStyle::Iana) {
        // Two steps find the offset in effect at that wall-clock time, DST included.
        const std::int32_t guess = utc_offset(style.tzid, wall).value_or(0);
        return wall - utc_offset(style.tzid, wall - guess).value_or(guess);
    }
    if (style.kind == TimeStyle::Custom) return wall - offset_of(master_start, style);
    return wall;
}

std::string key_property(std::string_view name, const std::string& key, const CalTime& master_start,
                         const TimeStyle& style) {
    bool is_date = false, is_utc = false;
    const auto c = parse_basic(key, &is_date, &is_utc);
    if (!c) return {};
    if (style.kind == TimeStyle::Date)
        return fmt::format("{};VALUE=DATE:{}", name, basic(*c, true));
    if (is_date) {  // a bare date for a timed series: the master's time of day that day
        const CivilTime start = wall_clock(master_start, style);
        const CivilTime wall{c->year, c->month, c->day, start.hour, start.minute, start.second};
        switch (style.kind) {
            case TimeStyle::Iana:
            case TimeStyle::Custom:
                return with_tzid(name, style.tzid) + basic(wall, false);
            case TimeStyle::Utc:
                return fmt::format("{}:{}Z", name, basic(wall, false));
            default:
                return fmt::format("{}:{}", name, basic(wall, false));
        }
    }
    if (style.kind == TimeStyle::Floating) return fmt::format("{}:{}", name, basic(*c, false));
    if (style.kind == TimeStyle::Iana) {
        CalTime instant;
        instant.utc = civil_to_epoch(*c);
        return time_property(name, instant, style);
    }
    // UTC is exact for custom zones too: converting would mean evaluating their rules.
    return fmt::format("{}:{}Z", name, basic(*c, false));
}

EventFields instance_fields(const Event& ev, const std::string& key) {
    for (const auto& o : ev.occurrences)
        if (o.recurrence_id == key && (o.fields.start.utc != 0 || !o.fields.start.local.empty()))
            return o.fields;
    EventFields f = ev.fields;
    const TimeStyle style = style_of(ev.fields);
    const std::int64_t length = std::max<std::int64_t>(0, f.end.utc - f.start.utc);
    const std::int32_t custom_offset = offset_of(ev.fields.start, style);
    const auto place = [&](CalTime& t, std::int64_t instant) {
        t.utc = instant;
        switch (style.kind) {
            case TimeStyle::Date:
                t.local = basic(epoch_to_civil(instant), true);
                break;
            case TimeStyle::Floating:  // floating instants hold the wall clock
                t.local = basic(epoch_to_civil(instant), false);
                break;
            case TimeStyle::Iana:  // wall_clock() computes it from the instant
                t.local.clear();
                break;
            case TimeStyle::Custom:
                t.local = basic(epoch_to_civil(instant + custom_offset), false);
                break;
            case TimeStyle::Utc:
                t.local = format_basic_utc(instant);
                break;
        }
    };
    const std::int64_t start = key_instant(key, ev.fields.start, style);
    place(f.start, start);
    place(f.end, start + length);
    return f;
}

}  // namespace cis::imip
