#include "ical/tz_vtimezone.hpp"

#include "core/time.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>

namespace cis::ical::tz {

namespace {

constexpr std::size_t kMaxText = 256 * 1024;
constexpr int kMaxObservances = 1000;
constexpr int kMaxRdates = 5000;
// Estimated rule occurrences libical would generate; ≈7 µs each on this machine.
constexpr double kMaxOccurrences = 5000;

int current_year() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return epoch_to_civil(std::chrono::duration_cast<std::chrono::seconds>(now).count()).year;
}

template <std::size_t N>
int listed(const short (&values)[N]) {
    int n = 0;
    while (n < static_cast<int>(N) && values[n] != ICAL_RECURRENCE_ARRAY_MAX) ++n;
    return n;
}

// BYMONTHDAY=30 with BYMONTH=2 never occurs; libical then searches for centuries.
bool possible(const icalrecurrencetype& r) {
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int months = listed(r.by_month), days = listed(r.by_month_day);
    if (months == 0 || days == 0) return true;
    for (int i = 0; i < months; ++i) {
        const int m = icalrecurrencetype_month_month(r.by_month[i]);
        if (m < 1 || m > 12) continue;
        for (int j = 0; j < days; ++j)
            if (r.by_month_day[j] != 0 && std::abs(r.by_month_day[j]) <= kDays[m - 1]) return true;
    }
    return false;
}

// An upper bound of the occurrences a yearly rule has in one year.
double occurrences_per_year(const icalrecurrencetype& r) {
    const int months = listed(r.by_month), monthdays = listed(r.by_month_day);
    const int weekdays = listed(r.by_day);
    double n = std::max(1, months);
    if (listed(r.by_year_day) > 0) {
        n = listed(r.by_year_day);
    } else if (listed(r.by_week_no) > 0) {
        n = listed(r.by_week_no) * std::max(1, weekdays);
    } else if (monthdays > 0) {
        n = (months ? months : 12) * monthdays;  // BYDAY can only filter these
    } else if (weekdays > 0) {
        double per = 0;  // "SU": about 5 a month or 53 a year; "-1SU": one
        for (int i = 0; i < weekdays; ++i)
            per += icalrecurrencetype_day_position(r.by_day[i]) == 0 ? (months ? 5 : 53) : 1;
        n = std::max(1, months) * per;
    }
    return n * std::max(1, listed(r.by_hour)) * std::max(1, listed(r.by_minute)) *
           std::max(1, listed(r.by_second));
}

// Checks the cost of expanding `vtz` and applies the start clamp. False: refuse it.
// `defined_from`: the earliest observance onset, in UTC.
bool vet(icalcomponent* vtz, bool clamp, std::int64_t& defined_from) {
    // The latest year resolve() asks about (2101) or today, plus libical's 5 spare years.
    const int horizon = std::max(current_year(), 2101) + 6;
    int observances = 0, rdates = 0;
    double occurrences = 0;
    for (icalcomponent* sub = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); sub;
         sub = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
        const icalcomponent_kind kind = icalcomponent_isa(sub);
        if (kind != ICAL_XSTANDARD_COMPONENT && kind != ICAL_XDAYLIGHT_COMPONENT) continue;
        icalproperty* dtstart = icalcomponent_get_first_property(sub, ICAL_DTSTART_PROPERTY);
        if (!dtstart || !icalcomponent_get_first_property(sub, ICAL_TZOFFSETTO_PROPERTY))
            continue;  // libical skips these as well
        icaltimetype start = icalproperty_get_dtstart(dtstart);
        if (icaltime_is_null_time(start) || !icaltime_is_valid_time(start)) return false;
        ++observances;
        icalproperty* from = icalcomponent_get_first_property(sub, ICAL_TZOFFSETFROM_PROPERTY);
        const std::int64_t onset = civil_to_epoch({start.year, start.month, start.day, start.hour,
                                                   start.minute, start.second}) -
                                   (from ? icalproperty_get_tzoffsetfrom(from) : 0);
        defined_from = std::min(defined_from, onset);
        rdates += icalcomponent_count_properties(sub, ICAL_RDATE_PROPERTY);
        const int rules = icalcomponent_count_properties(sub, ICAL_RRULE_PROPERTY);
        for (icalproperty* p = icalcomponent_get_first_property(sub, ICAL_RRULE_PROPERTY); p;
             p = icalcomponent_get_next_property(sub, ICAL_RRULE_PROPERTY)) {
            const icalrecurrencetype r = icalproperty_get_rrule(p);
            if (r.freq != ICAL_YEARLY_RECURRENCE || !possible(r)) return false;
            const bool has_until = !icaltime_is_null_time(r.until);
            // Only a plain yearly rule gives the same occurrences whatever its start year.
            if (clamp && rules == 1 && r.interval <= 1 && r.count == 0 && start.year < kClampYear &&
                (!has_until || r.until.year > kClampYear)) {
                start.year = kClampYear;
                icalproperty_set_dtstart(dtstart, start);
            }
            const int last = has_until ? std::min(horizon, r.until.year) : horizon;
            double n = occurrences_per_year(r) * std::max(0, last - start.year + 1);
            if (r.count > 0) n = std::min(n, static_cast<double>(r.count));
            occurrences += n;
        }
    }
    return observances > 0 && observances <= kMaxObservances && rdates <= kMaxRdates &&
           occurrences <= kMaxOccurrences;
}

icalcomponent* find_vtimezone(icalcomponent* c) {
    if (icalcomponent_isa(c) == ICAL_VTIMEZONE_COMPONENT) return c;
    for (icalcomponent* sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub;
         sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        if (icalcomponent* found = find_vtimezone(sub)) return found;
    return nullptr;
}

}  // namespace

std::unique_ptr<VTimezone> VTimezone::parse(std::string_view text, bool clamp) {
    static std::once_flag once;  // a malformed VTIMEZONE must never abort the process
    std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
    if (text.empty() || text.size() > kMaxText) return nullptr;

    const std::string buffer(text);
    icalcomponent* root = icalparser_parse_string(buffer.c_str());
    if (!root) return nullptr;
    icalcomponent* vtz = find_vtimezone(root);
    if (vtz && vtz != root) {
        icalcomponent_remove_component(icalcomponent_get_parent(vtz), vtz);
        icalcomponent_free(root);
    } else if (!vtz) {
        icalcomponent_free(root);
        return nullptr;
    }
    std::int64_t defined_from = INT64_MAX;
    if (!vet(vtz, clamp, defined_from)) {
        icalcomponent_free(vtz);
        return nullptr;
    }
    icaltimezone* zone = icaltimezone_new();
    if (!zone) {
        icalcomponent_free(vtz);
        return nullptr;
    }
    if (!icaltimezone_set_component(zone, vtz)) {  // no TZID: vtz was not adopted
        icalcomponent_free(vtz);
        icaltimezone_free(zone, 1);
        return nullptr;
    }
    return std::unique_ptr<VTimezone>(new VTimezone(zone, defined_from));
}

VTimezone::VTimezone(_icaltimezone* zone, std::int64_t defined_from)
    : zone_(zone), defined_from_(defined_from) {
    if (const char* id = icaltimezone_get_tzid(zone_)) tzid_ = id;
    if (const char* loc = icaltimezone_get_location(zone_)) location_ = loc;
}

VTimezone::~VTimezone() {
    icaltimezone_free(zone_, 1);
}

std::int32_t VTimezone::offset_at(std::int64_t utc) const {
    const CivilTime c = epoch_to_civil(utc);
    icaltimetype tt = icaltime_null_time();
    tt.year = c.year;
    tt.month = c.month;
    tt.day = c.day;
    tt.hour = c.hour;
    tt.minute = c.minute;
    tt.second = c.second;
    tt.zone = icaltimezone_get_utc_timezone();
    int is_daylight = 0;
    std::lock_guard lock(mu_);
    return icaltimezone_get_utc_offset_of_utc_time(zone_, &tt, &is_daylight);
}

std::int64_t VTimezone::to_utc(std::int64_t wall) const {
    // The offsets in force a day before and after; a zone changes at most once in between.
    const std::int32_t before = offset_at(wall - 86400), after = offset_at(wall + 86400);
    const bool before_fits = offset_at(wall - before) == before;
    const bool after_fits = after != before && offset_at(wall - after) == after;
    if (before_fits && after_fits) return std::min(wall - before, wall - after);  // overlap
    if (after_fits) return wall - after;
    return wall - before;  // normal time, or a gap: keep the offset from before it
}

Transitions VTimezone::transitions(std::int64_t start, std::int64_t end) const {
    return sample_transitions([this](std::int64_t t) { return offset_at(t); }, start, end);
}

}  // namespace cis::ical::tz
