#include "ical/ical_time.hpp"

#include <fmt/format.h>

namespace cis::ical {

namespace {
std::string basic_local(const CivilTime& c, bool is_date) {
    if (is_date) return fmt::format("{:04}{:02}{:02}", c.year, c.month, c.day);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}", c.year, c.month, c.day, c.hour, c.minute,
                       c.second);
}
std::string tzid_of(icalproperty* prop) {
    icalparameter* p = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER);
    const char* id = p ? icalparameter_get_tzid(p) : nullptr;
    return id ? std::string(id) : std::string();
}
}  // namespace

CivilTime civil_of(icaltimetype t) {
    return CivilTime{t.year,
                     t.month,
                     t.day,
                     t.is_date ? 0 : t.hour,
                     t.is_date ? 0 : t.minute,
                     t.is_date ? 0 : t.second};
}

std::int64_t utc_of_stamp(icaltimetype t) {
    if (icaltime_is_null_time(t)) return 0;
    return civil_to_epoch(civil_of(t));
}

std::string recurrence_key(const CalTime& t) {
    return t.is_date ? t.local : format_basic_utc(t.utc);
}

TimeReader::TimeReader(icalcomponent* vcalendar, std::vector<std::string>& warnings)
    : warnings_(warnings) {
    for (icalcomponent* tz = icalcomponent_get_first_component(vcalendar, ICAL_VTIMEZONE_COMPONENT);
         tz; tz = icalcomponent_get_next_component(vcalendar, ICAL_VTIMEZONE_COMPONENT)) {
        icalproperty* id = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
        const char* name = id ? icalproperty_get_tzid(id) : nullptr;
        if (!name) continue;
        char* text = icalcomponent_as_ical_string_r(tz);
        if (text) {
            vtimezones_.emplace(name, text);
            free(text);
        }
    }
}

std::optional<CalTime> TimeReader::in_zone(const CivilTime& local, bool is_date,
                                           const ReadTime& like) {
    CalTime out;
    out.is_date = is_date;
    out.local = basic_local(local, is_date);
    if (is_date || like.tzid.empty() || (like.zone.iana.empty() && !like.zone.custom)) {
        if (!is_date && !like.time.floating && like.tzid.empty()) out.local += 'Z';
        out.floating = !is_date && like.time.floating;
        out.utc = civil_to_epoch(local);
        return out;
    }
    auto utc = ZoneResolver::shared().to_utc(local, like.zone, like.vtimezone);
    if (!utc) return std::nullopt;
    out.utc = *utc;
    return out;
}

std::optional<ReadTime> TimeReader::read(icalproperty* prop, icaltimetype t) {
    if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t)) return std::nullopt;
    ReadTime r;
    const CivilTime local = civil_of(t);
    if (t.is_date) {
        r.time = CalTime{civil_to_epoch(local), basic_local(local, true), true, false};
        return r;
    }
    if (icaltime_is_utc(t)) {
        r.time = CalTime{civil_to_epoch(local), basic_local(local, false) + "Z", false, false};
        return r;
    }
    r.tzid = tzid_of(prop);
    if (r.tzid.empty()) {
        r.time = CalTime{civil_to_epoch(local), basic_local(local, false), false, true};
        return r;
    }
    const auto vtz = vtimezones_.find(r.tzid);
    const std::string vtimezone = vtz == vtimezones_.end() ? std::string() : vtz->second;
    r.zone = ZoneResolver::shared().resolve(r.tzid, vtimezone, local.year);
    if (r.zone.custom) {
        r.vtimezone = vtimezone;
    } else if (r.zone.iana.empty()) {
        warnings_.push_back(fmt::format(
            "the time zone \"{}\" is neither defined in the calendar nor known; its times are "
            "taken as floating local time",
            r.tzid));
        r.time = CalTime{civil_to_epoch(local), basic_local(local, false), false, true};
        r.tzid.clear();
        return r;
    }
    r.iana = r.zone.iana;
    auto utc = ZoneResolver::shared().to_utc(local, r.zone, r.vtimezone);
    if (!utc) return std::nullopt;
    r.time = CalTime{*utc, basic_local(local, false), false, false};
    return r;
}

CalTime TimeReader::end_of(icalcomponent* c, const ReadTime& start, const std::string& uid) {
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY)) {
        if (auto end = read(p, icalproperty_get_dtend(p))) {
            if (end->time.utc >= start.time.utc) return end->time;
            warnings_.push_back(
                fmt::format("VEVENT {} ends before it starts; its end is taken "
                            "as its start",
                            uid));
            return start.time;
        }
    }
    const CivilTime local = *parse_basic(start.time.local.substr(0, start.time.is_date ? 8 : 15));
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY)) {
        const icaldurationtype d = icalproperty_get_duration(p);
        if (!d.is_neg) {
            // Days and weeks are nominal (wall-clock) days; hours and below are exact.
            CivilTime shifted = epoch_to_civil(
                civil_to_epoch(local) + (static_cast<std::int64_t>(d.weeks) * 7 + d.days) * 86400);
            if (auto end = in_zone(shifted, start.time.is_date, start)) {
                const std::int64_t exact =
                    static_cast<std::int64_t>(d.hours) * 3600 + d.minutes * 60 + d.seconds;
                if (exact && !end->is_date) {
                    end->utc += exact;
                    if (end->local.ends_with('Z') || end->floating || start.tzid.empty())
                        end->local =
                            basic_local(epoch_to_civil(civil_to_epoch(shifted) + exact), false) +
                            (end->local.ends_with('Z') ? "Z" : "");
                    else if (auto wall = in_zone(epoch_to_civil(civil_to_epoch(shifted) + exact),
                                                 false, start))
                        end->local = wall->local;
                }
                return *end;
            }
        }
    }
    if (!start.time.is_date) return start.time;
    auto next = in_zone(epoch_to_civil(civil_to_epoch(local) + 86400), true, start);
    return next ? *next : start.time;
}

}  // namespace cis::ical
