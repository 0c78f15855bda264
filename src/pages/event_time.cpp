#include "pages/event_time.hpp"

#include <fmt/format.h>

namespace cis::pages {

namespace {

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// 1970-01-01 was a Thursday.
int weekday(int y, int m, int d) {
    const std::int64_t days = days_from_civil(y, m, d);
    return static_cast<int>(((days % 7) + 11) % 7);
}

}  // namespace

EventWhen event_when(const EventFields& f) {
    EventWhen w;
    bool is_date = false, is_utc = false;
    auto civil = parse_basic(f.start.local, &is_date, &is_utc);
    if (!civil) {  // no wall-clock text kept: show the instant in UTC
        civil = epoch_to_civil(f.start.utc);
        is_utc = true;
        is_date = f.all_day;
    }
    const CivilTime& c = *civil;
    const int month = c.month >= 1 && c.month <= 12 ? c.month : 1;
    w.date = fmt::format("{:04}-{:02}-{:02}", c.year, month, c.day);
    w.month = w.date.substr(0, 7);
    w.text = fmt::format("{} {} {} {}", kWeekdays[weekday(c.year, month, c.day)], c.day,
                         kMonths[month - 1], c.year);
    if (is_date || f.all_day) return w;
    w.text += fmt::format(", {:02}:{:02}", c.hour, c.minute);
    w.zone = !f.timezone.empty() ? f.timezone : is_utc ? "UTC" : "";
    if (w.zone.empty()) return w;  // floating: the same wall clock everywhere
    w.text += " (" + w.zone + ")";
    w.utc = rfc3339_utc(f.start.utc);
    return w;
}

}  // namespace cis::pages
